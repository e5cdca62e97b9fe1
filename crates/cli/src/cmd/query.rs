//! `navlayer query techniques …`: techniques selected by relationships, tactic or platform.

use std::collections::BTreeSet;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use navlayer_attack::{ObjectId, ObjectKind, RelationKind};

use crate::cmd::show::lookup;
use crate::context::Context;
use crate::exit::check_failed;
use crate::output::{render_table, TableFormat};

#[derive(Args, Debug)]
pub struct QueryArgs {
    #[command(subcommand)]
    command: QueryCommand,
}

#[derive(Subcommand, Debug)]
enum QueryCommand {
    /// Techniques and sub-techniques matching every filter given (active ones only).
    #[command(after_help = "Examples:
  navlayer query techniques --mitigated-by M1038
  navlayer query techniques --used-by G0016 --include-campaigns --format csv
  navlayer query techniques --tactic TA0002 --platform Linux
  navlayer --domain ics query techniques --targeting A0004")]
    Techniques(TechniqueFilters),
}

#[derive(Args, Debug)]
struct TechniqueFilters {
    /// Mitigated by this mitigation (M…).
    #[arg(long, value_name = "ID")]
    mitigated_by: Option<String>,
    /// Used by this group, software or campaign (G…, S…, C…).
    #[arg(long, value_name = "ID")]
    used_by: Option<String>,
    /// With --used-by GROUP: add techniques of campaigns attributed to the group.
    #[arg(long)]
    include_campaigns: bool,
    /// Detected by this data component, data source, detection strategy or analytic.
    #[arg(long, value_name = "ID")]
    detected_by: Option<String>,
    /// Targeting this asset (A…, ICS).
    #[arg(long, value_name = "ID")]
    targeting: Option<String>,
    /// In this tactic (TA…, short name or name).
    #[arg(long, value_name = "TACTIC")]
    tactic: Option<String>,
    /// On this platform (case-insensitive).
    #[arg(long, value_name = "PLATFORM")]
    platform: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TableFormat::Table)]
    format: TableFormat,
}

pub fn run(ctx: &Context, args: QueryArgs) -> anyhow::Result<ExitCode> {
    let QueryCommand::Techniques(f) = args.command;
    let catalogue = ctx.catalogue()?;
    let mut sets: Vec<Vec<ObjectId>> = Vec::new();
    if let Some(id) = &f.mitigated_by {
        let m = lookup(&catalogue, id)?;
        sets.push(catalogue.techniques_from(m, &RelationKind::Mitigates));
    }
    if let Some(id) = &f.used_by {
        let u = lookup(&catalogue, id)?;
        sets.push(catalogue.techniques_used_by(u, f.include_campaigns));
    }
    if let Some(id) = &f.detected_by {
        let d = lookup(&catalogue, id)?;
        sets.push(catalogue.techniques_detected_by(d));
    }
    if let Some(id) = &f.targeting {
        let a = lookup(&catalogue, id)?;
        if catalogue.object(a).kind != ObjectKind::Asset {
            return Err(check_failed(format!("{id} is not an asset")));
        }
        sets.push(catalogue.techniques_targeting(a));
    }
    if let Some(t) = &f.tactic {
        let tactic = catalogue.tactic(t).ok_or_else(|| {
            let names: Vec<String> = catalogue
                .tactics()
                .iter()
                .map(|&t| {
                    let o = catalogue.object(t);
                    format!(
                        "{} ({})",
                        o.display_id(),
                        o.shortname.as_deref().unwrap_or("")
                    )
                })
                .collect();
            check_failed(format!(
                "unknown tactic {t:?}; tactics: {}",
                names.join(", ")
            ))
        })?;
        sets.push(catalogue.techniques_in_tactic(tactic));
    }
    if let Some(p) = &f.platform {
        let found = catalogue.techniques_on_platform(p);
        if found.is_empty() {
            return Err(check_failed(format!(
                "no technique on platform {p:?}; platforms: {}",
                catalogue.platforms().join(", ")
            )));
        }
        sets.push(found);
    }
    if sets.is_empty() {
        return Err(anyhow::anyhow!(
            "give at least one filter (--mitigated-by, --used-by, --detected-by, --targeting, --tactic, --platform)"
        ));
    }
    // Intersection, in the order of the first filter.
    let mut result = sets.remove(0);
    for other in &sets {
        let keep: BTreeSet<ObjectId> = other.iter().copied().collect();
        result.retain(|t| keep.contains(t));
    }
    let rows: Vec<Vec<String>> = result
        .iter()
        .map(|&t| {
            let o = catalogue.object(t);
            vec![
                o.display_id().to_string(),
                o.name.clone(),
                o.tactics.join(" "),
                o.platforms.join(", "),
            ]
        })
        .collect();
    let text = render_table(f.format, &["id", "name", "tactics", "platforms"], &rows);
    crate::output::emit(None, text.as_bytes(), false)?;
    Ok(ExitCode::SUCCESS)
}
