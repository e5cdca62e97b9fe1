//! `navlayer heatmap [KIND…]`: how many groups, software, campaigns, mitigations or detection
//! strategies use each technique (navlayer-coverage's heatmap).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{anyhow, Context as _};
use clap::Args;
use navlayer_coverage::{heatmap, parse_id_list, Dates, HeatmapKind, HeatmapOptions, SinceField};
use navlayer_layer::write::{to_json, Style};

use crate::cmd::coverage::{coverage_error, kebab, OutputArgs};
use crate::context::Context;

#[derive(Args, Debug)]
#[command(
    after_help = "Counts, for each technique of the release (--domain, --attack-version), the
objects that use it: groups (with the campaigns attributed to them, as `query techniques
--used-by G --include-campaigns`), software, campaigns (one attributed to a counted group counts
through the group only), or mitigations, or detection strategies. --only and --only-file choose
objects by ID, --search by a word in their name, aliases or description (both: the union).
--since keeps the uses dated on or after a day (the relationship's modified date, or with
--since-field created / first-seen / last-seen; the seen dates are campaigns'). Comments list
the names; the gradient runs from 0 to the highest count.

Examples:
  navlayer heatmap -o groups-heatmap.json
  navlayer heatmap groups campaigns --report md -o actors.json
  navlayer heatmap --search financial -o financial-groups.json
  navlayer heatmap --only G0016,G0007,G0032 -o three-groups.json
  navlayer heatmap --only-file my-groups.txt --since 2024-01-01 -o recent.json
  navlayer heatmap software --platform Linux -o linux-software.json
  navlayer heatmap mitigations -o mitigations-per-technique.json
  navlayer --domain ics heatmap groups -o ics-groups.json"
)]
pub struct HeatmapArgs {
    /// What to count: groups (default), software, campaigns, mitigations, detection-strategies.
    #[arg(value_name = "KIND", value_parser = kebab::<HeatmapKind>)]
    kinds: Vec<HeatmapKind>,
    /// Only these objects (ATT&CK IDs, repeatable or comma-separated).
    #[arg(long, value_name = "ID", value_delimiter = ',')]
    only: Vec<String>,
    /// Only the objects listed in this file (IDs separated by lines, commas or spaces; # comments).
    #[arg(long, value_name = "FILE")]
    only_file: Option<PathBuf>,
    /// Objects whose name, aliases or description contain this text (repeatable: any).
    #[arg(long, value_name = "TEXT")]
    search: Vec<String>,
    /// Do not count a group's campaigns' uses for the group.
    #[arg(long)]
    no_campaigns: bool,
    /// Only uses dated on or after this day (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    since: Option<String>,
    /// The date --since compares: modified (default), created, first-seen, last-seen.
    #[arg(long, value_name = "FIELD", default_value = "modified", value_parser = kebab::<SinceField>)]
    since_field: SinceField,
    /// Only techniques on these platforms (repeatable or comma-separated).
    #[arg(long = "platform", value_name = "P", value_delimiter = ',')]
    platforms: Vec<String>,
    /// Layer name.
    #[arg(long)]
    name: Option<String>,
    /// Most names listed in a comment.
    #[arg(long, value_name = "N", default_value_t = 10)]
    comment_limit: usize,
    /// Gradient maximum (default: the highest count).
    #[arg(long, value_name = "N")]
    max_score: Option<f64>,
    /// Gradient colours, low to high, comma-separated (default: white to red).
    #[arg(long, value_name = "C1,C2,…", value_delimiter = ',')]
    colors: Option<Vec<String>>,
    #[command(flatten)]
    out: OutputArgs,
}

pub fn run(ctx: &Context, args: HeatmapArgs) -> anyhow::Result<ExitCode> {
    args.out.check()?;
    let mut only = args.only.clone();
    if let Some(file) = &args.only_file {
        let text =
            std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
        only.extend(parse_id_list(&text));
        if only.is_empty() {
            return Err(crate::exit::check_failed(format!(
                "{} lists no ID",
                file.display()
            )));
        }
    }
    let options = HeatmapOptions {
        kinds: args.kinds.clone(),
        only,
        search: args.search.clone(),
        include_campaigns: !args.no_campaigns,
        since: args.since.clone(),
        since_field: args.since_field,
        platforms: args.platforms.clone(),
        name: args.name.clone(),
        comment_limit: args.comment_limit,
        max_score: args.max_score,
        colors: args.colors.clone(),
    };
    let catalogue = ctx.catalogue()?;
    let dates = match &args.since {
        Some(_) => {
            let path = catalogue.source().ok_or_else(|| {
                anyhow!("--since needs the bundle file the release was read from")
            })?;
            Some(Dates::load(path).map_err(coverage_error)?)
        }
        None => None,
    };
    let result = heatmap(&catalogue, dates.as_ref(), &options).map_err(coverage_error)?;
    eprintln!("{}", result.report.summary());
    args.out
        .write(&to_json(&result.layer, Style::Pretty), |f| {
            result.report.render(f)
        })?;
    Ok(ExitCode::SUCCESS)
}
