//! `navlayer render`: a layer drawn as SVG, PNG, HTML, XLSX, CSV or Markdown.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context as _;
use clap::Args;
use navlayer_attack::{Catalogue, Domain, Release};
use navlayer_render::{Expand, MatrixView, Orientation, PageSize, RenderOptions, Theme};

use crate::context::Context;
use crate::exit::check_failed;
use crate::output::emit;

/// Output formats of `render`.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum RenderFormat {
    /// SVG image of the matrix.
    Svg,
    /// PNG image of the matrix (the SVG rasterised with a bundled font).
    Png,
    /// One self-contained HTML page: click a technique for its details.
    Html,
    /// Excel workbook: matrix, entries and layer sheets.
    Xlsx,
    /// CSV: one row per layer entry.
    Csv,
    /// Markdown: one table row per layer entry.
    Md,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum OrientationArg {
    Landscape,
    Portrait,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ThemeArg {
    Light,
    Dark,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExpandArg {
    /// Collapse every parent.
    None,
    /// Expand every parent.
    All,
    /// Expand parents with an annotated sub-technique.
    Annotated,
}

#[derive(Args, Debug)]
#[command(
    after_help = "The layer is drawn over the ATT&CK release it names (versions.attack) when the data has it, \
else the newest release of its domain; --attack-version overrides.

Examples:
  navlayer render layer.json --format svg -o layer.svg
  navlayer render layer.json --format png --page 11x17 --dpi 200 -o layer.png
  navlayer render layer.json --format html -o layer.html          open offline, click a technique
  navlayer render layer.json --format xlsx -o layer.xlsx
  navlayer render layer.json --format csv > entries.csv
  navlayer render layer.json --format md --no-header
  navlayer --data ../shared/attack-data render M1038.json -f svg --theme dark --expand all -o m.svg"
)]
pub struct RenderArgs {
    /// Layer file (format 1.x – 4.5; a file holding several layers needs --layer).
    file: PathBuf,
    /// Output format (default: from the extension of OUT, else svg).
    #[arg(short, long, value_enum)]
    format: Option<RenderFormat>,
    /// Output file (default: stdout).
    #[arg(short, long, value_name = "OUT")]
    output: Option<PathBuf>,
    /// Overwrite OUT if it exists.
    #[arg(long)]
    force: bool,
    /// Which layer of a multi-layer file (0-based).
    #[arg(long, value_name = "N")]
    layer: Option<usize>,
    /// Page size: letter, legal, 11x17, 18x24, 24x36, a4, a3, or WIDTHxHEIGHT in inches (or mm).
    #[arg(long, default_value = "letter", value_parser = parse_page)]
    page: PageSize,
    /// Page orientation.
    #[arg(long, value_enum, default_value_t = OrientationArg::Landscape)]
    orientation: OrientationArg,
    /// Colour theme (SVG, PNG, HTML).
    #[arg(long, value_enum, default_value_t = ThemeArg::Light)]
    theme: ThemeArg,
    /// Do not write scores in cells.
    #[arg(long)]
    no_scores: bool,
    /// Do not draw the legend and gradient scale.
    #[arg(long)]
    no_legend: bool,
    /// Do not draw the header (name, description, release, filters).
    #[arg(long)]
    no_header: bool,
    /// Sub-techniques to show expanded (default: as the layer says).
    #[arg(long, value_enum)]
    expand: Option<ExpandArg>,
    /// PNG resolution.
    #[arg(long, default_value_t = 150.0)]
    dpi: f64,
}

fn parse_page(s: &str) -> Result<PageSize, String> {
    s.parse::<PageSize>().map_err(|e| e.to_string())
}

fn format_from_path(path: &std::path::Path) -> Option<RenderFormat> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    Some(match ext.as_str() {
        "svg" => RenderFormat::Svg,
        "png" => RenderFormat::Png,
        "html" | "htm" => RenderFormat::Html,
        "xlsx" => RenderFormat::Xlsx,
        "csv" => RenderFormat::Csv,
        "md" | "markdown" => RenderFormat::Md,
        _ => return None,
    })
}

/// The catalogue a layer is drawn over: `--attack-version`, else the layer's `versions.attack`
/// when the data folder has that release (newest minor of the major), else the newest.
fn catalogue_for_layer(
    ctx: &Context,
    domain: Domain,
    wanted: Option<&str>,
) -> anyhow::Result<Arc<Catalogue>> {
    let mut release = ctx.global.attack_version;
    if release.is_none() {
        if let (Some(a), Some(data)) = (wanted, ctx.global.data.as_ref().filter(|d| d.is_dir())) {
            if let Some(want) = Release::parse(a.trim().trim_start_matches(['v', 'V'])) {
                let available = navlayer_source::list_folder(data)?;
                release = available
                    .iter()
                    .filter(|r| {
                        r.domain == domain
                            && r.release.major == want.major
                            && (!a.contains('.') || r.release.minor == want.minor)
                    })
                    .map(|r| r.release)
                    .max();
                if release.is_none() {
                    eprintln!(
                        "note: the layer names ATT&CK {a}, which {} does not hold; drawing it over the newest {} release",
                        data.display(),
                        domain.short_name()
                    );
                }
            }
        }
    }
    ctx.catalogue_for(domain, release)
}

pub fn run(ctx: &Context, args: RenderArgs) -> anyhow::Result<ExitCode> {
    let format = args
        .format
        .or_else(|| args.output.as_deref().and_then(format_from_path))
        .unwrap_or(RenderFormat::Svg);
    let mut layers = navlayer_layer::read_layer_file(&args.file)
        .with_context(|| format!("reading {}", args.file.display()))?;
    let index = match (layers.len(), args.layer) {
        (0, _) => {
            return Err(check_failed(format!(
                "{} holds no layer",
                args.file.display()
            )))
        }
        (_, Some(i)) if i < layers.len() => i,
        (n, Some(i)) => {
            return Err(check_failed(format!(
                "{} holds {n} layer(s); --layer {i} is out of range (0..{})",
                args.file.display(),
                n - 1
            )))
        }
        (1, None) => 0,
        (n, None) => {
            return Err(check_failed(format!(
                "{} holds {n} layers; pick one with --layer N (0..{})",
                args.file.display(),
                n - 1
            )))
        }
    };
    let layer = layers.swap_remove(index).layer;
    let Some(domain) = Domain::parse_lenient(&layer.domain) else {
        return Err(check_failed(format!(
            "{}: domain {:?} is not an ATT&CK domain (enterprise-attack, mobile-attack, ics-attack); \
             a layer of custom data cannot be drawn without its bundle",
            args.file.display(),
            layer.domain
        )));
    };
    let wanted = layer.versions.as_ref().and_then(|v| v.attack.clone());
    let catalogue = catalogue_for_layer(ctx, domain, wanted.as_deref().filter(|s| !s.is_empty()))?;

    let options = RenderOptions {
        page: args.page,
        orientation: match args.orientation {
            OrientationArg::Landscape => Orientation::Landscape,
            OrientationArg::Portrait => Orientation::Portrait,
        },
        theme: match args.theme {
            ThemeArg::Light => Theme::Light,
            ThemeArg::Dark => Theme::Dark,
        },
        show_scores: !args.no_scores,
        legend: !args.no_legend,
        header: !args.no_header,
        expand: args.expand.map(|e| match e {
            ExpandArg::None => Expand::None,
            ExpandArg::All => Expand::All,
            ExpandArg::Annotated => Expand::Annotated,
        }),
        dpi: args.dpi,
    };
    let view = MatrixView::build(&layer, &catalogue, &options);
    for w in &view.warnings {
        crate::output::note(&format!("note: {w}"));
    }
    let bytes: Vec<u8> = match format {
        RenderFormat::Svg => navlayer_render_svg::svg(&view, &options).into_bytes(),
        RenderFormat::Png => navlayer_render_svg::png(&view, &options)?,
        RenderFormat::Html => navlayer_render_html::html(&view, &options).into_bytes(),
        RenderFormat::Xlsx => navlayer_render_xlsx::xlsx(&view, &options)?,
        RenderFormat::Csv => navlayer_render_table::csv(&view).into_bytes(),
        RenderFormat::Md => navlayer_render_table::markdown(&view).into_bytes(),
    };
    if args.output.is_none() && matches!(format, RenderFormat::Png | RenderFormat::Xlsx) {
        use std::io::IsTerminal;
        if std::io::stdout().is_terminal() {
            anyhow::bail!("refusing to write binary {format:?} output to a terminal; pass -o OUT or redirect stdout");
        }
    }
    emit(args.output.as_deref(), &bytes, args.force)?;
    Ok(ExitCode::SUCCESS)
}
