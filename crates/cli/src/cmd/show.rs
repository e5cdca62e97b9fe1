//! `navlayer show ID`: one ATT&CK object.

use std::fmt::Write as _;
use std::process::ExitCode;

use clap::Args;
use navlayer_attack::{Catalogue, ObjectId, ObjectKind};
use serde_json::json;

use crate::context::Context;
use crate::exit::check_failed;

#[derive(Args, Debug)]
#[command(after_help = "Examples:
  navlayer show T1059.001
  navlayer show M1038 --format json
  navlayer --domain ics show A0003")]
pub struct ShowArgs {
    /// Any ATT&CK ID: T…, TA…, M…, G…, S…, C…, DS…, DC…, DET…, AN…, A…
    id: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ShowFormat::Text)]
    format: ShowFormat,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum ShowFormat {
    Text,
    Json,
}

/// Finds an object by ATT&CK ID (case-insensitive), STIX id, or exact name (case-insensitive,
/// when one object has it: 17.1's data components have no ATT&CK ID), or fails (exit 1) with
/// the closest matches.
pub fn lookup(catalogue: &Catalogue, id: &str) -> anyhow::Result<ObjectId> {
    if let Some(found) = catalogue
        .by_attack_id(id)
        .or_else(|| catalogue.by_stix_id(id.trim()))
    {
        return Ok(found);
    }
    let named: Vec<ObjectId> = catalogue
        .ids()
        .filter(|&o| catalogue.object(o).name.eq_ignore_ascii_case(id.trim()))
        .collect();
    let active: Vec<ObjectId> = named
        .iter()
        .copied()
        .filter(|&o| catalogue.object(o).is_active())
        .collect();
    match (active.as_slice(), named.as_slice()) {
        ([one], _) | ([], [one]) => return Ok(*one),
        _ => {}
    }
    let suggestions = catalogue.suggest(id, 5);
    let hint = if named.len() > 1 {
        let ids: Vec<String> = named
            .iter()
            .map(|&o| catalogue.object(o).display_id().to_string())
            .collect();
        format!(
            "; {} objects have that name: {}",
            named.len(),
            ids.join(", ")
        )
    } else if suggestions.is_empty() {
        String::new()
    } else {
        format!("; closest: {}", suggestions.join(", "))
    };
    Err(check_failed(format!(
        "{id} is not an ATT&CK ID, STIX id or name in {} {}{hint}",
        catalogue.domain(),
        catalogue.release()
    )))
}

pub fn run(ctx: &Context, args: ShowArgs) -> anyhow::Result<ExitCode> {
    let catalogue = ctx.catalogue()?;
    let id = lookup(&catalogue, &args.id)?;
    let o = catalogue.object(id);

    let related = catalogue.related_counts(id);
    let replacement = if o.revoked {
        catalogue.replacement_of(id).map(|r| catalogue.object(r))
    } else {
        None
    };
    let parent = (o.kind == ObjectKind::SubTechnique)
        .then(|| catalogue.parent_of(id))
        .flatten()
        .map(|p| catalogue.object(p));
    let subtechniques: Vec<String> = if o.kind == ObjectKind::Technique {
        catalogue
            .subtechniques_of(id)
            .into_iter()
            .map(|s| catalogue.object(s).display_id().to_string())
            .collect()
    } else {
        Vec::new()
    };

    let mut out = String::new();
    match args.format {
        ShowFormat::Json => {
            let value = json!({
                "id": o.attack_id,
                "stix_id": o.stix_id,
                "name": o.name,
                "type": o.kind.label(),
                "status": o.status(),
                "version": o.version,
                "url": o.url,
                "domain": catalogue.domain().stix_name(),
                "release": catalogue.release().to_string(),
                "tactics": o.tactics,
                "platforms": o.platforms,
                "aliases": o.aliases,
                "parent": parent.map(|p| p.display_id()),
                "subtechniques": subtechniques,
                "revoked_by": replacement.map(|r| r.display_id()),
                "related": related,
                "description": o.description,
            });
            writeln!(out, "{}", serde_json::to_string_pretty(&value)?)?;
        }
        ShowFormat::Text => {
            writeln!(out, "{} {}", o.display_id(), o.name)?;
            writeln!(out, "  type:      {}", o.kind.label())?;
            writeln!(out, "  status:    {}", o.status())?;
            if let Some(r) = replacement {
                writeln!(out, "  revoked by: {} {}", r.display_id(), r.name)?;
            }
            if let Some(v) = &o.version {
                writeln!(out, "  version:   {v}")?;
            }
            writeln!(out, "  stix id:   {}", o.stix_id)?;
            if let Some(u) = &o.url {
                writeln!(out, "  url:       {u}")?;
            }
            if o.kind.is_technique() {
                writeln!(out, "  tactics:   {}", o.tactics.join(", "))?;
                writeln!(out, "  platforms: {}", o.platforms.join(", "))?;
            }
            if let Some(p) = parent {
                writeln!(out, "  parent:    {} {}", p.display_id(), p.name)?;
            }
            if !subtechniques.is_empty() {
                writeln!(out, "  sub-techniques: {}", subtechniques.join(", "))?;
            }
            if !o.aliases.is_empty() {
                writeln!(out, "  aliases:   {}", o.aliases.join(", "))?;
            }
            if !related.is_empty() {
                writeln!(out, "  related:")?;
                for (k, n) in &related {
                    writeln!(out, "    {k}: {n}")?;
                }
            }
        }
    }
    crate::output::emit_text(None, &out, false)?;
    Ok(ExitCode::SUCCESS)
}
