//! `navlayer render`: a layer drawn as SVG, PNG, PDF, HTML, XLSX, CSV or Markdown.

use std::path::PathBuf;
use std::process::ExitCode;
use std::str::FromStr;
use std::sync::Arc;

use anyhow::Context as _;
use clap::Args;
use navlayer_attack::{Catalogue, Domain, Release};
use navlayer_render::{
    Fit, HeaderParts, LayoutKind, Marks, MatrixView, Orientation, PageSize, Pages, RenderOptions,
    Scores, Subtechniques, Theme,
};

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
    /// Vector PDF, fonts embedded, text selectable.
    Pdf,
    /// One self-contained HTML page: click a technique for its details.
    Html,
    /// Excel workbook: matrix, entries and layer sheets.
    Xlsx,
    /// CSV: one row per layer entry.
    Csv,
    /// Markdown: one table row per layer entry.
    Md,
}

impl RenderFormat {
    fn is_picture(self) -> bool {
        matches!(
            self,
            RenderFormat::Svg | RenderFormat::Png | RenderFormat::Pdf
        )
    }
}

fn parse<T: FromStr<Err = navlayer_render::RenderError>>(s: &str) -> Result<T, String> {
    s.parse::<T>().map_err(|e| e.to_string())
}

#[derive(Args, Debug)]
#[command(
    after_help = "The layer is drawn over the ATT&CK release it names (versions.attack) when the data has it, \
else the newest release of its domain; --attack-version overrides. For SVG, PNG and PDF the page \
chosen and the cell text size are reported on stderr.

Examples:
  navlayer render layer.json -o layer.svg                      side layout (the layer's), letter landscape
  navlayer render layer.json -o layer.pdf --fit auto           smallest page with text >= 6 pt
  navlayer render layer.json -o layer.png --page 11x17 --dpi 200
  navlayer render layer.json -o mini.png --layout mini --annotated-only
  navlayer render layer.json -o flat.svg --layout flat --subtechniques all --scores none --embed-font
  navlayer render layer.json -o a3.pdf --page a3 --orientation portrait --theme dark --no-platforms
  navlayer render layer.json --format html -o layer.html       open offline, click a technique
  navlayer render layer.json --format xlsx -o layer.xlsx       side layout: merged parent cells
  navlayer render layer.json --format csv > entries.csv"
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

    /// Layout: side (sub-techniques beside their parent), flat, mini (default: the layer's).
    #[arg(long, value_parser = parse::<LayoutKind>, help_heading = "What to draw")]
    layout: Option<LayoutKind>,
    /// Show technique IDs (default: the layer's showID).
    #[arg(long, num_args = 0..=1, default_missing_value = "true", value_name = "BOOL", help_heading = "What to draw")]
    show_id: Option<bool>,
    /// Show technique names (default: the layer's showName).
    #[arg(long, num_args = 0..=1, default_missing_value = "true", value_name = "BOOL", help_heading = "What to draw")]
    show_name: Option<bool>,
    /// Sub-techniques drawn: all, expanded (as the layer shows them), annotated, none.
    #[arg(long, alias = "expand", value_parser = parse::<Subtechniques>, help_heading = "What to draw")]
    subtechniques: Option<Subtechniques>,
    /// Draw only techniques the layer annotates (and parents of annotated sub-techniques).
    #[arg(long, alias = "visible-only", help_heading = "What to draw")]
    annotated_only: bool,
    /// Scores: in-cell or none.
    #[arg(long, value_parser = parse::<Scores>, default_value = "in-cell", help_heading = "What to draw")]
    scores: Scores,
    /// Same as --scores none.
    #[arg(long, hide = true)]
    no_scores: bool,

    /// Page size: letter, legal, a4, a3, 11x17, 18x24, 24x36, or WIDTHxHEIGHT in inches (or mm).
    #[arg(long, alias = "page-size", default_value = "letter", value_parser = parse::<PageSize>, help_heading = "Page")]
    page: PageSize,
    /// Page orientation: landscape or portrait.
    #[arg(long, value_parser = parse::<Orientation>, default_value = "landscape", help_heading = "Page")]
    orientation: Orientation,
    /// page: the page given, largest text that fits; auto: the smallest preset page (either
    /// orientation) at which cell text stays at least --min-font-size (6 pt).
    #[arg(long, value_parser = parse::<Fit>, default_value = "page", help_heading = "Page")]
    fit: Fit,
    /// Smallest acceptable cell text in points (fails when the page cannot give it).
    #[arg(long, value_name = "PT", help_heading = "Page")]
    min_font_size: Option<f64>,
    /// Fixed cell text size in points (labels that do not fit are shortened).
    #[arg(long, value_name = "PT", help_heading = "Page")]
    font_size: Option<f64>,
    /// PDF pages: single, or per-matrix.
    #[arg(long, value_parser = parse::<Pages>, default_value = "single", help_heading = "Page")]
    pages: Pages,
    /// PNG resolution.
    #[arg(long, default_value_t = 150.0, help_heading = "Page")]
    dpi: f64,
    /// SVG: embed the bundled font so text looks the same everywhere.
    #[arg(long, help_heading = "Page")]
    embed_font: bool,

    /// Colour theme: light or dark (SVG, PNG, PDF, HTML).
    #[arg(long, value_parser = parse::<Theme>, default_value = "light", help_heading = "Look")]
    theme: Theme,
    /// No header at all.
    #[arg(long, help_heading = "Look")]
    no_header: bool,
    /// No about box (name, description).
    #[arg(long, help_heading = "Look")]
    no_about: bool,
    /// No domain box (e.g. "Enterprise ATT&CK v18.1").
    #[arg(long, help_heading = "Look")]
    no_domain: bool,
    /// No platforms box.
    #[arg(long, help_heading = "Look")]
    no_platforms: bool,
    /// No legend items.
    #[arg(long, help_heading = "Look")]
    no_legend: bool,
    /// No gradient scale.
    #[arg(long, help_heading = "Look")]
    no_gradient: bool,
    /// No comment/metadata/link underlines.
    #[arg(long, help_heading = "Look")]
    no_underline: bool,
    /// No "(annotated/visible)" sub-technique counts on parents.
    #[arg(long, help_heading = "Look")]
    no_counts: bool,
    /// Underline colour of commented techniques.
    #[arg(
        long,
        default_value = "yellow",
        value_name = "COLOUR",
        help_heading = "Look"
    )]
    comment_color: String,
    /// Underline colour of techniques with metadata.
    #[arg(
        long,
        default_value = "purple",
        value_name = "COLOUR",
        help_heading = "Look"
    )]
    metadata_color: String,
    /// Underline colour of techniques with links.
    #[arg(
        long,
        default_value = "blue",
        value_name = "COLOUR",
        help_heading = "Look"
    )]
    link_color: String,
}

impl RenderArgs {
    fn options(&self) -> RenderOptions {
        RenderOptions {
            layout: self.layout,
            show_id: self.show_id,
            show_name: self.show_name,
            subtechniques: self.subtechniques,
            annotated_only: self.annotated_only,
            page_size: self.page,
            orientation: self.orientation,
            fit: self.fit,
            min_font_size: self.min_font_size,
            font_size: self.font_size,
            theme: self.theme,
            header: HeaderParts {
                show: !self.no_header,
                about: !self.no_about,
                domain: !self.no_domain,
                platforms: !self.no_platforms,
                legend: !self.no_legend,
                gradient: !self.no_gradient,
            },
            scores: if self.no_scores {
                Scores::None
            } else {
                self.scores
            },
            marks: Marks {
                underline: !self.no_underline,
                comment_color: self.comment_color.clone(),
                metadata_color: self.metadata_color.clone(),
                link_color: self.link_color.clone(),
                subtechnique_counts: !self.no_counts,
            },
            pages: self.pages,
            dpi: self.dpi,
            embed_font: self.embed_font,
        }
    }
}

fn format_from_path(path: &std::path::Path) -> Option<RenderFormat> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    Some(match ext.as_str() {
        "svg" => RenderFormat::Svg,
        "png" => RenderFormat::Png,
        "pdf" => RenderFormat::Pdf,
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

/// The one layer of the file to draw.
fn pick_layer(args: &RenderArgs) -> anyhow::Result<navlayer_layer::Layer> {
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
    Ok(layers.swap_remove(index).layer)
}

/// Lays out and draws a picture format, reporting the page and text size on stderr.
fn picture(
    format: RenderFormat,
    view: &MatrixView,
    options: &RenderOptions,
) -> anyhow::Result<Vec<u8>> {
    let layout_options = match format {
        RenderFormat::Pdf => options.clone(),
        _ => RenderOptions {
            pages: Pages::Single,
            ..options.clone()
        },
    };
    let drawing = match navlayer_render::layout(view, &layout_options) {
        Ok(d) => d,
        Err(e @ navlayer_render::RenderError::Unreadable { .. }) => {
            return Err(check_failed(e.to_string()))
        }
        Err(e) => return Err(e.into()),
    };
    eprintln!("render: {}", drawing.summary());
    for w in &drawing.warnings {
        eprintln!("note: {w}");
    }
    Ok(match format {
        RenderFormat::Svg => navlayer_render_svg::svg_of(&drawing, view, options).into_bytes(),
        RenderFormat::Png => navlayer_render_svg::png_of(&drawing, view, options)?,
        _ => navlayer_render_pdf::pdf_of(&drawing, view)?,
    })
}

pub fn run(ctx: &Context, args: RenderArgs) -> anyhow::Result<ExitCode> {
    let format = args
        .format
        .or_else(|| args.output.as_deref().and_then(format_from_path))
        .unwrap_or(RenderFormat::Svg);
    let options = args.options();
    options.validate()?;
    let layer = pick_layer(&args)?;
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
    let view = MatrixView::build(&layer, &catalogue, &options);
    for w in &view.warnings {
        crate::output::note(&format!("note: {w}"));
    }
    let bytes: Vec<u8> = match format {
        f if f.is_picture() => picture(f, &view, &options)?,
        RenderFormat::Html => navlayer_render_html::html(&view, &options).into_bytes(),
        RenderFormat::Xlsx => navlayer_render_xlsx::xlsx(&view, &options)?,
        RenderFormat::Csv => navlayer_render_table::csv(&view).into_bytes(),
        _ => navlayer_render_table::markdown(&view).into_bytes(),
    };
    if args.output.is_none()
        && matches!(
            format,
            RenderFormat::Png | RenderFormat::Xlsx | RenderFormat::Pdf
        )
    {
        use std::io::IsTerminal;
        if std::io::stdout().is_terminal() {
            anyhow::bail!("refusing to write binary {format:?} output to a terminal; pass -o OUT or redirect stdout");
        }
    }
    emit(args.output.as_deref(), &bytes, args.force)?;
    Ok(ExitCode::SUCCESS)
}
