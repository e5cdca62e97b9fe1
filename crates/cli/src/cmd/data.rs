//! `navlayer data …`: what a release holds, which releases there are, and fetching them.

use std::fmt::Write as _;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use serde_json::json;

use crate::context::Context;

#[derive(Args, Debug)]
pub struct DataArgs {
    #[command(subcommand)]
    command: DataCommand,
}

#[derive(Subcommand, Debug)]
enum DataCommand {
    /// Release, domain, STIX version and object counts (active / revoked / deprecated).
    #[command(after_help = "Examples:
  navlayer data info
  navlayer --data ../shared/attack-data --domain ics data info --format json")]
    Info {
        /// Output format.
        #[arg(long, value_enum, default_value_t = InfoFormat::Text)]
        format: InfoFormat,
    },
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum InfoFormat {
    Text,
    Json,
}

pub fn run(ctx: &Context, args: DataArgs) -> anyhow::Result<ExitCode> {
    match args.command {
        DataCommand::Info { format } => info(ctx, format),
    }
}

fn info(ctx: &Context, format: InfoFormat) -> anyhow::Result<ExitCode> {
    let catalogue = ctx.catalogue()?;
    let counts = catalogue.counts();
    let mut out = String::new();
    let source = catalogue
        .source()
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    match format {
        InfoFormat::Json => {
            let objects: serde_json::Map<String, serde_json::Value> = counts
                .iter()
                .map(|(kind, c)| {
                    (
                        kind.label().to_string(),
                        json!({"active": c.active, "revoked": c.revoked, "deprecated": c.deprecated}),
                    )
                })
                .collect();
            let relationships: serde_json::Map<String, serde_json::Value> = catalogue
                .relationship_counts()
                .iter()
                .map(|(kind, c)| {
                    (
                        kind.clone(),
                        json!({"active": c.active, "revoked": c.revoked, "deprecated": c.deprecated}),
                    )
                })
                .collect();
            let tactics: Vec<&str> = catalogue
                .tactics()
                .iter()
                .map(|&t| catalogue.object(t).name.as_str())
                .collect();
            let value = json!({
                "file": source,
                "domain": catalogue.domain().stix_name(),
                "release": catalogue.release().to_string(),
                "spec_version": catalogue.spec_version(),
                "tactics": tactics,
                "platforms": catalogue.platforms(),
                "objects": objects,
                "relationships": relationships,
            });
            writeln!(out, "{}", serde_json::to_string_pretty(&value)?)?;
        }
        InfoFormat::Text => {
            writeln!(out, "file:         {source}")?;
            writeln!(out, "domain:       {}", catalogue.domain().stix_name())?;
            writeln!(out, "release:      {}", catalogue.release())?;
            writeln!(out, "STIX version: {}", catalogue.spec_version())?;
            writeln!(
                out,
                "tactics:      {}",
                catalogue
                    .tactics()
                    .iter()
                    .map(|&t| catalogue.object(t).name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )?;
            writeln!(out, "platforms:    {}", catalogue.platforms().join(", "))?;
            writeln!(out)?;
            writeln!(
                out,
                "{:<20} {:>7} {:>8} {:>11}",
                "objects", "active", "revoked", "deprecated"
            )?;
            for (kind, c) in &counts {
                writeln!(
                    out,
                    "{:<20} {:>7} {:>8} {:>11}",
                    kind.label(),
                    c.active,
                    c.revoked,
                    c.deprecated
                )?;
            }
            writeln!(out)?;
            writeln!(
                out,
                "{:<20} {:>7} {:>8} {:>11}",
                "relationships", "active", "revoked", "deprecated"
            )?;
            for (kind, c) in catalogue.relationship_counts() {
                writeln!(
                    out,
                    "{:<20} {:>7} {:>8} {:>11}",
                    kind, c.active, c.revoked, c.deprecated
                )?;
            }
        }
    }
    crate::output::emit(None, out.as_bytes(), false)?;
    Ok(ExitCode::SUCCESS)
}
