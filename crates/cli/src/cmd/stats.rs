//! `navlayer stats FILE`: coverage per tactic against an ATT&CK release.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use navlayer_ops::stats::{stats, Stats};

use crate::cmd::combine::read_one_layer_with_catalogue;
use crate::context::Context;
use crate::output::{render_table, TableFormat};

#[derive(Args, Debug)]
#[command(
    after_help = "Per tactic (in matrix order), how many of its techniques and sub-techniques are scored,
commented and enabled, out of the tactic's total in the release (the data of the layer's
domain; --attack-version picks the release, default the newest). A technique in several
tactics counts in each; the `overall` row counts each technique once (scored in any tactic).
coverage% is scored / total. IDs of the layer not in the release are listed on stderr.

Examples:
  navlayer --data ../shared/attack-data stats layer.json
  navlayer stats layer.json --format csv -o coverage.csv
  navlayer stats layer.json --format json --attack-version 17.1"
)]
pub struct StatsArgs {
    /// The layer file.
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TableFormat::Table)]
    format: TableFormat,
    /// Output file (default: stdout).
    #[arg(short, long, value_name = "OUT")]
    output: Option<PathBuf>,
    /// Overwrite OUT if it exists.
    #[arg(long)]
    force: bool,
}

pub fn run(ctx: &Context, args: StatsArgs) -> anyhow::Result<ExitCode> {
    let (layer, catalogue) = read_one_layer_with_catalogue(ctx, &args.file, "stats")?;
    let s: Stats = stats(&layer, &catalogue);
    if !s.not_in_release.is_empty() {
        crate::output::note(&format!(
            "note: {} ID{} of the layer not in {} {}: {}",
            s.not_in_release.len(),
            if s.not_in_release.len() == 1 {
                " is"
            } else {
                "s are"
            },
            s.domain,
            s.release,
            s.not_in_release.join(", ")
        ));
    }
    let text = match args.format {
        TableFormat::Json => {
            let mut t = serde_json::to_string_pretty(&s)?;
            t.push('\n');
            t
        }
        TableFormat::Table => {
            let header = format!(
                "{:?}: {} {} ({} tactics)\n",
                s.layer,
                s.domain,
                s.release,
                s.tactics.len()
            );
            header + &render_table(TableFormat::Table, &Stats::HEADERS, &s.rows())
        }
        TableFormat::Csv => render_table(TableFormat::Csv, &Stats::HEADERS, &s.rows()),
    };
    match args.format {
        TableFormat::Json => crate::output::emit_json(args.output.as_deref(), &text, args.force)?,
        TableFormat::Table => crate::output::emit_text(args.output.as_deref(), &text, args.force)?,
        // CSV rows end in CRLF; render_table made every cell terminal-safe already.
        TableFormat::Csv => {
            crate::output::emit(args.output.as_deref(), text.as_bytes(), args.force)?
        }
    }
    Ok(ExitCode::SUCCESS)
}
