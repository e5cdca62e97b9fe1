//! `navlayer`: the command-line front end. Each subcommand lives in `cmd/<name>.rs` and only
//! parses arguments, calls the libraries and prints; the logic is in the library crates.

mod cmd;
mod context;
mod exit;
mod output;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::context::GlobalArgs;

/// A fast toolkit for MITRE ATT&CK® Navigator layers.
#[derive(Parser, Debug)]
#[command(name = "navlayer", version, about, long_about = None)]
#[command(after_help = "Examples:
  navlayer data info                                   release and object counts of the newest release
  navlayer --data ../shared/attack-data show T1059     one technique, offline
  navlayer query techniques --mitigated-by M1038       techniques a mitigation covers
  navlayer generate mitigation M1038 -o M1038.json     attack.mitre.org's layer for M1038")]
struct Cli {
    #[command(flatten)]
    global: GlobalArgs,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Inspect, list, fetch and export (XLSX, CSV) ATT&CK releases.
    Data(cmd::data::DataArgs),
    /// Show one ATT&CK object by its ID (T1059, M1038, G0016, …).
    Show(cmd::show::ShowArgs),
    /// Query the catalogue (techniques mitigated by, used by, detected by, …).
    Query(cmd::query::QueryArgs),
    /// Generate attack.mitre.org's per-object layers (mitigation, group, software, campaign, asset).
    Generate(cmd::generate::GenerateArgs),
    /// Validate layer files (any format), optionally against ATT&CK data.
    Validate(cmd::validate::ValidateArgs),
    /// Convert a layer file of any format to format 4.5.
    Convert(cmd::convert::ConvertArgs),
    /// Serve the HTTP API and the web matrix editor (layers kept in SQLite with revisions).
    Serve(cmd::serve::ServeArgs),
    /// Migrate layers to another ATT&CK release, with a report on every entry.
    Migrate(cmd::migrate::MigrateArgs),
    /// What changed between two ATT&CK releases, for every object type (diff_stix categories).
    ReleaseDiff(cmd::release_diff::ReleaseDiffArgs),
    /// Combine layers with a score expression (the Navigator's "create layer from other layers").
    Combine(cmd::combine::CombineArgs),
    /// Techniques in any of the layers.
    Union(cmd::combine::SetArgs),
    /// Techniques in every layer.
    Intersect(cmd::combine::SetArgs),
    /// Techniques in layer A and in none of the others.
    Subtract(cmd::combine::SubtractArgs),
    /// What changed between two layers (text, JSON, or a layer colouring the changes).
    Diff(cmd::diff::DiffArgs),
    /// Keep the techniques of some platforms (uses the ATT&CK data).
    Filter(cmd::filter::FilterArgs),
    /// Coverage per tactic against an ATT&CK release (text, JSON or CSV).
    Stats(cmd::stats::StatsArgs),
    /// Draw a layer as SVG, PNG, HTML, XLSX, CSV or Markdown.
    Render(cmd::render::RenderArgs),
    /// A coverage layer from detection rules, tests, control mappings, ID lists or STIX reports.
    Coverage(cmd::coverage::CoverageArgs),
    /// How many groups, software, campaigns, mitigations or detection strategies use each technique.
    Heatmap(cmd::heatmap::HeatmapArgs),
    /// Techniques a threat layer scores that no coverage layer covers, ranked by severity.
    Gaps(cmd::gaps::GapsArgs),
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let ctx = context::Context::new(cli.global);
    match cli.command {
        Command::Data(args) => cmd::data::run(&ctx, args),
        Command::Show(args) => cmd::show::run(&ctx, args),
        Command::Query(args) => cmd::query::run(&ctx, args),
        Command::Generate(args) => cmd::generate::run(&ctx, args),
        Command::Validate(args) => cmd::validate::run(&ctx, args),
        Command::Convert(args) => cmd::convert::run(&ctx, args),
        Command::Serve(args) => cmd::serve::run(&ctx, args),
        Command::Migrate(args) => cmd::migrate::run(&ctx, args),
        Command::ReleaseDiff(args) => cmd::release_diff::run(&ctx, args),
        Command::Combine(args) => cmd::combine::run(&ctx, args),
        Command::Union(args) => cmd::combine::run_union(&ctx, args),
        Command::Intersect(args) => cmd::combine::run_intersect(&ctx, args),
        Command::Subtract(args) => cmd::combine::run_subtract(&ctx, args),
        Command::Diff(args) => cmd::diff::run(&ctx, args),
        Command::Filter(args) => cmd::filter::run(&ctx, args),
        Command::Stats(args) => cmd::stats::run(&ctx, args),
        Command::Render(args) => cmd::render::run(&ctx, args),
        Command::Coverage(args) => cmd::coverage::run(&ctx, args),
        Command::Heatmap(args) => cmd::heatmap::run(&ctx, args),
        Command::Gaps(args) => cmd::gaps::run(&ctx, args),
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // clap prints help/version to stdout with exit 0, usage errors with exit 2.
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(exit::USAGE)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    match run(cli) {
        Ok(code) => code,
        Err(err) => exit::report(&err),
    }
}
