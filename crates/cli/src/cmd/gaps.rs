//! `navlayer gaps THREAT COVERAGE…`: the techniques a threat layer scores that no coverage
//! layer covers, ranked and coloured by severity (navlayer-coverage's gaps).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use navlayer_coverage::{gaps, GapsOptions};
use navlayer_layer::write::{to_json, Style};

use crate::cmd::combine::{read_layers, read_one_layer_with_catalogue};
use crate::cmd::coverage::{coverage_error, OutputArgs};
use crate::context::Context;

#[derive(Args, Debug)]
#[command(
    after_help = "THREAT is a layer scoring what adversaries do (a heatmap of groups, a group's
layer); each COVERAGE layer scores what defences cover (coverage of detection rules, of
mitigations or controls): several combine, a technique being covered when any of them covers it
in that tactic. A gap is a technique, in a tactic, with a threat score above 0 and no coverage
score above --min-coverage (unscored entries weigh 1). Gaps are ranked by threat score, then by
how many groups of the release use the technique, and coloured by severity (the threat score's
share of the highest: critical 75 %, high 50 %, medium 25 %, low). The report (md, csv, json)
has per-tactic totals.

Examples:
  navlayer heatmap --only G0016,G0007,G0032 -o threat.json
  navlayer coverage sigma rules/ -o sigma.json
  navlayer heatmap mitigations -o mitigated.json
  navlayer gaps threat.json sigma.json -o gaps.json --report md --report-out gaps.md
  navlayer gaps threat.json sigma.json elastic.json --min-coverage 2 --include-covered -o gaps.json"
)]
pub struct GapsArgs {
    /// The threat layer.
    #[arg(value_name = "THREAT")]
    threat: PathBuf,
    /// Coverage layers (one or more).
    #[arg(value_name = "COVERAGE", required = true)]
    coverage: Vec<PathBuf>,
    /// A coverage entry covers when its score is above this (default 0).
    #[arg(long, value_name = "N", default_value_t = 0.0)]
    min_coverage: f64,
    /// Also show covered threat techniques (green, naming the layers covering them).
    #[arg(long)]
    include_covered: bool,
    /// Layer name (default: "Gaps: <threat layer name>").
    #[arg(long)]
    name: Option<String>,
    #[command(flatten)]
    out: OutputArgs,
}

pub fn run(ctx: &Context, args: GapsArgs) -> anyhow::Result<ExitCode> {
    args.out.check()?;
    let (threat, catalogue) = read_one_layer_with_catalogue(ctx, &args.threat, "gaps")?;
    let coverage: Vec<_> = read_layers(&args.coverage)?
        .into_iter()
        .map(|(_, l)| l)
        .collect();
    let options = GapsOptions {
        name: args.name.clone(),
        min_coverage: args.min_coverage,
        include_covered: args.include_covered,
    };
    let result = gaps(&threat, &coverage, &catalogue, &options).map_err(coverage_error)?;
    eprintln!("{}", result.report.summary());
    args.out
        .write(&to_json(&result.layer, Style::Pretty), |f| {
            result.report.render(f)
        })?;
    Ok(ExitCode::SUCCESS)
}
