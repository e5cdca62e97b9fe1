//! `navlayer filter FILE --platform P…`: keep the techniques of some platforms.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use navlayer_layer::write::{to_json, Style};
use navlayer_ops::filter::filter_platforms;

use crate::cmd::combine::{ops_error, read_one_layer_with_catalogue};
use crate::context::Context;

#[derive(Args, Debug)]
#[command(
    after_help = "Keeps the entries whose technique or sub-technique lists one of the platforms in the
ATT&CK data (of the layer's domain; --attack-version picks the release, default the newest),
and sets the layer's platform filter to them. Entries for IDs the data does not know are
removed and listed on stderr. Platform names are matched without regard to case.

Examples:
  navlayer --data ../shared/attack-data filter layer.json --platform Windows -o windows.json
  navlayer filter layer.json --platform linux --platform macos --attack-version 17.1"
)]
pub struct FilterArgs {
    /// The layer file.
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// A platform to keep (repeatable).
    #[arg(short, long = "platform", value_name = "P", required = true)]
    platforms: Vec<String>,
    /// Output file (default: stdout).
    #[arg(short, long, value_name = "OUT")]
    output: Option<PathBuf>,
    /// Overwrite OUT if it exists.
    #[arg(long)]
    force: bool,
}

pub fn run(ctx: &Context, args: FilterArgs) -> anyhow::Result<ExitCode> {
    let (layer, catalogue) = read_one_layer_with_catalogue(ctx, &args.file, "filter")?;
    let report = filter_platforms(&layer, &catalogue, &args.platforms).map_err(ops_error)?;
    if !report.unknown.is_empty() {
        crate::output::note(&format!(
            "note: removed {} ID{} not in {} {}: {}",
            report.unknown.len(),
            if report.unknown.len() == 1 { "" } else { "s" },
            catalogue.domain(),
            catalogue.release(),
            report.unknown.join(", ")
        ));
    }
    eprintln!(
        "kept {} entr{}, removed {} on other platforms",
        report.kept,
        if report.kept == 1 { "y" } else { "ies" },
        report.removed
    );
    crate::output::emit(
        args.output.as_deref(),
        to_json(&report.layer, Style::Pretty).as_bytes(),
        args.force,
    )?;
    Ok(ExitCode::SUCCESS)
}
