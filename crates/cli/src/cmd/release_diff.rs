//! `navlayer release-diff FROM TO`: what changed in the techniques of a domain between releases.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use navlayer_attack::Release;
use navlayer_layer::write::{to_json, Style};
use navlayer_migrate::ReleaseDiff;

use crate::context::Context;

#[derive(Args, Debug)]
#[command(
    after_help = "Techniques are matched by STIX id, as in the Navigator's layer upgrade view: added, new
sub-techniques, revoked (with the end of the revoked-by chain), deprecated, deleted, major and
minor version changes, ATT&CK ID changes, tactic changes, and tactics added or removed.

Examples:
  navlayer --data ../shared/attack-data release-diff 16.1 17.1
  navlayer release-diff 17.1 18.1 --domain mobile --format json
  navlayer release-diff 16.1 18.1 --format layer -o changes-16-18.json    open it in the Navigator"
)]
pub struct ReleaseDiffArgs {
    /// The older release (X.Y).
    #[arg(value_name = "FROM", value_parser = parse_release)]
    from: Release,
    /// The newer release (X.Y).
    #[arg(value_name = "TO", value_parser = parse_release)]
    to: Release,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DiffFormat::Md)]
    format: DiffFormat,
    /// Output file (default: stdout).
    #[arg(short, long, value_name = "OUT")]
    output: Option<PathBuf>,
    /// Overwrite OUT if it exists.
    #[arg(long)]
    force: bool,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum DiffFormat {
    /// Markdown, one section per kind of change.
    Md,
    /// JSON with every list.
    Json,
    /// A Navigator layer on the newer release, coloured by kind of change.
    Layer,
}

fn parse_release(s: &str) -> Result<Release, String> {
    s.parse::<Release>().map_err(|e| e.to_string())
}

pub fn run(ctx: &Context, args: ReleaseDiffArgs) -> anyhow::Result<ExitCode> {
    let domain = ctx.global.domain;
    let from = ctx.catalogue_for(domain, Some(args.from))?;
    let to = ctx.catalogue_for(domain, Some(args.to))?;
    for (want, got) in [(args.from, from.release()), (args.to, to.release())] {
        if want != got {
            anyhow::bail!(
                "asked for {domain} {want} but the data gave {got} (hint: --data must be a folder holding both releases)"
            );
        }
    }
    let diff = ReleaseDiff::compute(&from, &to)?;
    let text = match args.format {
        DiffFormat::Md => diff.to_markdown(),
        DiffFormat::Json => diff.to_json()?,
        DiffFormat::Layer => to_json(&diff.to_layer(), Style::Pretty),
    };
    crate::output::emit(args.output.as_deref(), text.as_bytes(), args.force)?;
    Ok(ExitCode::SUCCESS)
}
