//! `navlayer convert FILE`: any layer file (format 1.x – 4.5) to clean format 4.5.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use navlayer_layer::read::{read_layer_file_with, ReadOptions};
use navlayer_layer::validate::Severity;
use navlayer_layer::write::{to_json, to_json_many, Style, NAVIGATOR_VERSION};
use navlayer_layer::{Layer, Versions};

use crate::context::Context;

#[derive(Args, Debug)]
#[command(
    after_help = "What the upgrade changed, and values that had to be dropped, are listed on stderr. The
output names the Navigator version in versions.navigator (the file's own, else 5.3.2), as the
Navigator writes it, so that the Navigator and mitreattack-python read the versions back.

Examples:
  navlayer convert old-layer.json                      format 4.5 on stdout
  navlayer convert old-layer.json -o layer-4.5.json    to a file (never overwritten without --force)
  navlayer convert layer.json --style compact -o layer.min.json --force"
)]
pub struct ConvertArgs {
    /// The layer file (a layer, or a JSON array of layers).
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// Output file (default: stdout).
    #[arg(short, long, value_name = "OUT")]
    output: Option<PathBuf>,
    /// JSON layout.
    #[arg(long, value_enum, default_value_t = StyleArg::Pretty)]
    style: StyleArg,
    /// Overwrite OUT if it exists.
    #[arg(long)]
    force: bool,
    /// Do not list upgrade steps and dropped values on stderr.
    #[arg(short, long)]
    quiet: bool,
    /// Largest file accepted, in MB.
    #[arg(long, value_name = "MB", default_value_t = 64)]
    max_size: u64,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum StyleArg {
    /// Indented by tabs, as the Navigator writes (JSON.stringify(layer, null, '\t')).
    Pretty,
    /// Indented by four spaces, as mitreattack-python writes.
    Spaces,
    /// One line.
    Compact,
}

pub fn run(_ctx: &Context, args: ConvertArgs) -> anyhow::Result<ExitCode> {
    let options = ReadOptions {
        max_bytes: args.max_size.saturating_mul(1024 * 1024),
    };
    let loaded = read_layer_file_with(&args.file, &options).map_err(|e| match e {
        navlayer_layer::LayerError::Io { .. } => anyhow::Error::new(e),
        other => crate::exit::check_failed(other.to_string()),
    })?;
    let style = match args.style {
        StyleArg::Pretty => Style::Pretty,
        StyleArg::Spaces => Style::Spaces,
        StyleArg::Compact => Style::Compact,
    };
    let mut loaded = loaded;
    for l in &mut loaded {
        name_navigator_version(&mut l.layer);
    }
    if !args.quiet {
        let file = args.file.display();
        for l in &loaded {
            for u in &l.upgrades {
                eprintln!("{file}{}: upgraded: {u}", l.pointer_prefix);
            }
            // Values dropped or changed while reading: the user should know.
            for f in l.findings.iter().filter(|f| {
                f.severity == Severity::Error
                    || f.message.contains("read as")
                    || f.message.contains("dropped")
            }) {
                eprintln!("{file}: {f}");
            }
        }
    }
    let text = if loaded.len() == 1 {
        to_json(&loaded[0].layer, style)
    } else {
        let layers: Vec<_> = loaded.into_iter().map(|l| l.layer).collect();
        to_json_many(&layers, style)
    };
    crate::output::emit(args.output.as_deref(), text.as_bytes(), args.force)?;
    Ok(ExitCode::SUCCESS)
}

/// Sets `versions.navigator` when the file did not name one: without it navlayer's own validate
/// warns and mitreattack-python drops the whole `versions` object.
fn name_navigator_version(layer: &mut Layer) {
    let versions = layer.versions.get_or_insert_with(Versions::default);
    if versions
        .navigator
        .as_deref()
        .is_none_or(|v| v.trim().is_empty())
    {
        versions.navigator = Some(NAVIGATOR_VERSION.into());
    }
}
