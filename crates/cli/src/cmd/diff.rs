//! `navlayer diff A B`: what changed between two layers.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use navlayer_layer::write::{to_json, Style};
use navlayer_ops::diff::{diff, to_layer, to_text};

use crate::cmd::combine::read_layers;
use crate::context::Context;
use crate::exit::check_failed;

#[derive(Args, Debug)]
#[command(
    after_help = "A technique (in a tactic, for tactic-scoped entries) is added when annotated in B only,
removed when annotated in A only, changed when annotated in both with a different score,
comment, enabled state, colour, links or metadata. As a layer: added green, removed red,
changed yellow, with a legend; comments say what changed.

Examples:
  navlayer diff q1.json q2.json                       summary and one line per technique
  navlayer diff q1.json q2.json --format json
  navlayer diff q1.json q2.json --format layer -o changes.json
  navlayer diff old.json new.json --exit-code         exit 1 when they differ"
)]
pub struct DiffArgs {
    /// The earlier layer.
    #[arg(value_name = "A")]
    a: PathBuf,
    /// The later layer.
    #[arg(value_name = "B")]
    b: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
    format: DiffFormat,
    /// Exit with 1 when the layers differ.
    #[arg(long)]
    exit_code: bool,
    /// Output file (default: stdout).
    #[arg(short, long, value_name = "OUT")]
    output: Option<PathBuf>,
    /// Overwrite OUT if it exists.
    #[arg(long)]
    force: bool,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum DiffFormat {
    /// A summary line, then `+`, `-`, `~` lines.
    Text,
    /// The differences as JSON.
    Json,
    /// A Navigator layer colouring the differences.
    Layer,
}

pub fn run(_ctx: &Context, args: DiffArgs) -> anyhow::Result<ExitCode> {
    let mut layers = read_layers(&[args.a.clone(), args.b.clone()])?;
    if layers.len() != 2 {
        return Err(check_failed(format!(
            "diff compares two layers, but {} and {} hold {} layers: give files holding one layer each",
            args.a.display(),
            args.b.display(),
            layers.len()
        )));
    }
    // Exactly two layers, checked above.
    let b = layers.remove(1).1;
    let a = layers.remove(0).1;
    let d = diff(&a, &b);
    let text = match args.format {
        DiffFormat::Text => to_text(&d),
        DiffFormat::Json => {
            let mut s = serde_json::to_string_pretty(&d)?;
            s.push('\n');
            s
        }
        DiffFormat::Layer => to_json(&to_layer(&d, &a, &b), Style::Pretty),
    };
    match args.format {
        DiffFormat::Text => crate::output::emit_text(args.output.as_deref(), &text, args.force)?,
        DiffFormat::Json => crate::output::emit_json(args.output.as_deref(), &text, args.force)?,
        DiffFormat::Layer => {
            crate::output::emit(args.output.as_deref(), text.as_bytes(), args.force)?
        }
    }
    if args.exit_code && !d.is_empty() {
        return Ok(ExitCode::from(crate::exit::CHECK_FAILED));
    }
    Ok(ExitCode::SUCCESS)
}
