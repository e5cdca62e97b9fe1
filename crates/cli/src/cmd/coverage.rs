//! `navlayer coverage FORMAT PATH…`: a coverage layer from detection rules, tests, control
//! mappings, ID lists or STIX reports (navlayer-coverage), with a report.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{anyhow, bail};
use clap::Args;
use navlayer_attack::{Catalogue, Domain, Release};
use navlayer_coverage::{
    build_coverage, parse_entries, read_paths, CoverageError, CoverageOptions, Format,
    MappingFilter, ReportFormat, ScoreFunction, SubtechniqueMode, TacticScope, Weight,
};
use navlayer_layer::write::{to_json, Style};
use serde::de::DeserializeOwned;

use crate::context::Context;
use crate::exit::check_failed;

/// Parses a kebab-case option value into a navlayer-coverage enum (its serde names).
pub(crate) fn kebab<T: DeserializeOwned>(s: &str) -> Result<T, String> {
    serde_json::from_value(serde_json::Value::String(s.trim().to_ascii_lowercase()))
        .map_err(|_| format!("invalid value {s:?}"))
}

/// Where the layer and the report go (shared by coverage, heatmap and gaps).
#[derive(Args, Debug)]
pub(crate) struct OutputArgs {
    /// Layer output file (default: stdout).
    #[arg(short, long, value_name = "OUT")]
    pub output: Option<PathBuf>,
    /// Overwrite existing output files.
    #[arg(long)]
    pub force: bool,
    /// Also write a report: md, json or csv.
    #[arg(long, value_name = "FORMAT", value_parser = kebab::<ReportFormat>)]
    pub report: Option<ReportFormat>,
    /// Report file (default: stdout when -o is given).
    #[arg(long, value_name = "FILE")]
    pub report_out: Option<PathBuf>,
}

impl OutputArgs {
    /// Checks that the layer and the report do not both go to stdout.
    pub fn check(&self) -> anyhow::Result<()> {
        if self.report.is_some() && self.output.is_none() && self.report_out.is_none() {
            bail!("the layer goes to stdout: give -o FILE for the layer or --report-out FILE for the report");
        }
        Ok(())
    }

    /// Writes the layer, then the report when asked for.
    pub fn write(
        &self,
        layer_json: &str,
        report: impl FnOnce(ReportFormat) -> String,
    ) -> anyhow::Result<()> {
        crate::output::emit(self.output.as_deref(), layer_json.as_bytes(), self.force)?;
        if let Some(format) = self.report {
            crate::output::emit(
                self.report_out.as_deref(),
                report(format).as_bytes(),
                self.force,
            )?;
        }
        Ok(())
    }
}

/// Maps a library error to the CLI's exit codes.
pub(crate) fn coverage_error(e: CoverageError) -> anyhow::Error {
    if e.is_check_failure() {
        check_failed(e.to_string())
    } else {
        anyhow!(e)
    }
}

#[derive(Args, Debug)]
#[command(
    after_help = "Formats: sigma (Sigma rules, *.yml), elastic (detection-rules *.toml), splunk
(security_content *.yml), atomic (Atomic Red Team atomics/T*/T*.yaml), mappings (Mappings
Explorer *.json), list (text, CSV or TSV of IDs with optional score, comment, tactic columns),
stix (STIX 2.x bundles of reports). Folders are walked; every file is accounted for in the
report (parsed, skipped with the reason, failed with line and column). IDs are resolved against
the chosen release (--attack-version, default the newest): revoked ones are followed to their
replacement, unknown and deprecated ones reported; files made for an older release (mapping
files name theirs) are migrated to it. Exit 1 when a file failed to parse (the layer is still
written), or with --strict when an ID was not counted.

Examples:
  navlayer coverage sigma ../sigma/rules* -o sigma.json --report md --report-out sigma.md
  navlayer coverage sigma rules/ --platform Linux -o sigma-linux.json
  navlayer coverage sigma rules/ --score sum --weight level-score -o levels.json
  navlayer coverage atomic atomic-red-team/atomics --platform windows -o art-windows.json
  navlayer coverage elastic detection-rules/rules --platform Linux -o elastic.json
  navlayer coverage mappings nist_800_53-rev5_attack-16.1-enterprise.json --group AC -o ac.json
  navlayer coverage list my-detections.csv -o mine.json
  navlayer coverage stix reports.json -o reported.json"
)]
pub struct CoverageArgs {
    /// Input format: sigma, elastic, splunk, atomic, mappings, list or stix.
    #[arg(value_name = "FORMAT", value_parser = kebab::<Format>)]
    format: Format,
    /// Files and folders to read.
    #[arg(value_name = "PATH", required = true)]
    paths: Vec<PathBuf>,
    #[command(flatten)]
    out: OutputArgs,
    /// Layer name (default: "<format> coverage").
    #[arg(long)]
    name: Option<String>,
    /// Score: count (of items, the default), max or sum (of a weight), auto (count; a list's
    /// own scores when it gives them).
    #[arg(long, value_name = "FUNCTION", default_value = "auto", value_parser = kebab::<ScoreFunction>)]
    score: ScoreFunction,
    /// Weight for max/sum: level, level-score (Sigma), risk-score, severity (Elastic),
    /// risk-score, confidence, impact (Splunk), score-value (mappings), score (list).
    #[arg(long, value_name = "WEIGHT", value_parser = kebab::<Weight>)]
    weight: Option<Weight>,
    /// Keep items and techniques of these platforms (ATT&CK names such as Linux, IaaS, or the
    /// format's own such as iaas:aws); repeatable or comma-separated.
    #[arg(long = "platform", value_name = "P", value_delimiter = ',')]
    platforms: Vec<String>,
    /// Sub-techniques: separate, parent (count for the parent instead), rollup (for both);
    /// default: rollup for atomic, separate for the others.
    #[arg(long, value_name = "MODE", default_value = "auto", value_parser = kebab::<SubtechniqueMode>)]
    subtechniques: SubtechniqueMode,
    /// Tactics: all (every tactic of the technique), tagged (only the tactics an item names);
    /// default: tagged for elastic and list, all for the others.
    #[arg(long, value_name = "SCOPE", default_value = "auto", value_parser = kebab::<TacticScope>)]
    tactics: TacticScope,
    /// Keep IDs the release does not know in the layer (they are reported either way).
    #[arg(long)]
    keep_unknown: bool,
    /// Count deprecated rules (Elastic maturity, Splunk status).
    #[arg(long)]
    include_deprecated: bool,
    /// Sigma: lowest level counted (informational, low, medium, high, critical).
    #[arg(long, value_name = "LEVEL")]
    min_level: Option<String>,
    /// Sigma: lowest status counted (unsupported, deprecated, experimental, test, stable).
    #[arg(long, value_name = "STATUS")]
    min_status: Option<String>,
    /// Mappings: only these capability IDs (repeatable or comma-separated).
    #[arg(long = "capability", value_name = "ID", value_delimiter = ',')]
    capabilities: Vec<String>,
    /// Mappings: only these capability groups, by ID or name.
    #[arg(long = "group", value_name = "GROUP", value_delimiter = ',')]
    groups: Vec<String>,
    /// Mappings: only these mapping types (mitigates, technique_scores, …).
    #[arg(long = "mapping-type", value_name = "TYPE", value_delimiter = ',')]
    mapping_types: Vec<String>,
    /// Mappings: only these statuses (default: complete).
    #[arg(long = "status", value_name = "STATUS", value_delimiter = ',')]
    statuses: Vec<String>,
    /// Mappings: only these score categories (protect, detect, respond).
    #[arg(long = "category", value_name = "CATEGORY", value_delimiter = ',')]
    categories: Vec<String>,
    /// Most item names listed in a technique's comment and links.
    #[arg(long, value_name = "N", default_value_t = 10)]
    comment_limit: usize,
    /// Gradient maximum (default: the highest score).
    #[arg(long, value_name = "N")]
    max_score: Option<f64>,
    /// Gradient colours, low to high, comma-separated (default: red, yellow, green).
    #[arg(long, value_name = "C1,C2,…", value_delimiter = ',')]
    colors: Option<Vec<String>>,
    /// Exit 1 also when an ID was not counted (unknown, deprecated, invalid).
    #[arg(long)]
    strict: bool,
}

impl CoverageArgs {
    fn options(&self) -> CoverageOptions {
        let mut mappings = MappingFilter {
            capabilities: self.capabilities.clone(),
            groups: self.groups.clone(),
            mapping_types: self.mapping_types.clone(),
            categories: self.categories.clone(),
            ..MappingFilter::default()
        };
        if !self.statuses.is_empty() {
            mappings.statuses = self.statuses.clone();
        }
        CoverageOptions {
            name: self.name.clone(),
            source: Some(
                self.paths
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
            score: self.score,
            weight: self.weight,
            platforms: self.platforms.clone(),
            subtechniques: self.subtechniques,
            tactics: self.tactics,
            keep_unknown: self.keep_unknown,
            include_deprecated: self.include_deprecated,
            min_level: self.min_level.clone(),
            min_status: self.min_status.clone(),
            mappings,
            comment_limit: self.comment_limit,
            max_score: self.max_score,
            colors: self.colors.clone(),
            ..CoverageOptions::default()
        }
    }
}

pub fn run(ctx: &Context, args: CoverageArgs) -> anyhow::Result<ExitCode> {
    args.out.check()?;
    let options = args.options();
    // Read and parse the files while the release loads: parsing needs no ATT&CK data.
    let (catalogue, parsed) = std::thread::scope(|s| {
        let loading = s.spawn(|| ctx.catalogue());
        let parsed = read_paths(&args.paths, args.format, &options.limits)
            .and_then(|entries| parse_entries(args.format, entries, &options));
        let catalogue = loading
            .join()
            .unwrap_or_else(|_| Err(anyhow!("loading the ATT&CK data failed")));
        (catalogue, parsed)
    });
    let catalogue = catalogue?;
    let parsed = parsed.map_err(coverage_error)?;
    let releases = |domain: Domain, release: Release| -> Result<Arc<Catalogue>, String> {
        ctx.catalogue_for(domain, Some(release))
            .map_err(|e| format!("{e:#}"))
    };
    let result = build_coverage(args.format, parsed, &catalogue, &releases, &options)
        .map_err(coverage_error)?;
    let report = &result.report;
    eprintln!("{}", report.summary());
    args.out
        .write(&to_json(&result.layer, Style::Pretty), |f| report.render(f))?;
    verdict(report, args.strict, args.out.report.is_some())
}

fn verdict(
    report: &navlayer_coverage::CoverageReport,
    strict: bool,
    reported: bool,
) -> anyhow::Result<ExitCode> {
    let hint = if reported {
        ""
    } else {
        " (--report md lists them)"
    };
    if report.has_failures() {
        return Err(check_failed(format!(
            "{} file(s) failed to parse{hint}",
            report.totals.failed
        )));
    }
    let t = &report.totals;
    let not_counted = t.unknown_ids + t.deprecated_ids + t.invalid_ids;
    if strict && not_counted > 0 {
        return Err(check_failed(format!(
            "{not_counted} ID(s) not counted (unknown, deprecated or invalid){hint}"
        )));
    }
    Ok(ExitCode::SUCCESS)
}
