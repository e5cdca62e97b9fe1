//! `navlayer query OBJECTS …`: techniques, groups, software, campaigns, mitigations, detections,
//! procedure examples and objects by value, as mitreattack-python's `MitreAttackData` answers
//! them (the rules are `navlayer_attack::Query`'s).

use std::collections::BTreeSet;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use navlayer_attack::{Catalogue, ObjectId, ObjectKind, Related, RelationKind};

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
    /// Groups using a technique or software (directly, or through a campaign attributed to them).
    #[command(after_help = "Examples:
  navlayer query groups --using T1059
  navlayer query groups --using S0154 --format json")]
    Groups(UsingArgs),
    /// Software using a technique, or used by a group (with its campaigns) or campaign.
    #[command(after_help = "Examples:
  navlayer query software --using T1059.001
  navlayer query software --used-by G0016")]
    Software(SoftwareArgs),
    /// Campaigns attributed to a group, or using a technique or software.
    #[command(after_help = "Examples:
  navlayer query campaigns --attributed-to G0016
  navlayer query campaigns --using T1566.001 --format csv")]
    Campaigns(CampaignArgs),
    /// Mitigations of a technique.
    #[command(after_help = "Examples:
  navlayer query mitigations --mitigating T1059")]
    Mitigations(MitigatingArgs),
    /// Data components and detection strategies that detect a technique.
    #[command(after_help = "Examples:
  navlayer query detections --technique T1059.001
  navlayer --attack-version 17.1 query detections --technique T1003")]
    Detections(TechniqueArg),
    /// Procedure examples of a technique: how each group, software and campaign uses it.
    #[command(after_help = "Examples:
  navlayer query procedures --technique T1059.001
  navlayer query procedures --technique T1059.001 --format json")]
    Procedures(ProcedureArgs),
    /// Objects by name, alias, STIX id, ATT&CK ID, description text, type or date.
    #[command(
        after_help = "Filters combine (every one must match). Names and aliases are matched as
mitreattack-python does: names exactly, aliases by substring (both case-sensitive); --content
ignores case. Dates are ISO 8601 (2025-04-15 or 2025-04-15T00:00:00Z).

Examples:
  navlayer query objects --name PowerShell
  navlayer query objects --alias \"Cozy Bear\"
  navlayer query objects --stix-id attack-pattern--970a3432-3237-47ad-bcca-7d8cbb217736
  navlayer query objects --type group --modified-after 2025-04-15
  navlayer query objects --content ransomware --type software --format csv"
    )]
    Objects(ObjectFilters),
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
    /// Detected by this data component, data source, detection strategy or analytic (ID, STIX id or name).
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

#[derive(Args, Debug)]
struct UsingArgs {
    /// The technique or software used (T…, S…).
    #[arg(long, value_name = "ID")]
    using: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TableFormat::Table)]
    format: TableFormat,
}

#[derive(Args, Debug)]
#[group(required = true, multiple = false)]
struct SoftwareRelation {
    /// Software using this technique.
    #[arg(long, value_name = "ID")]
    using: Option<String>,
    /// Software used by this group (with its campaigns') or campaign.
    #[arg(long, value_name = "ID")]
    used_by: Option<String>,
}

#[derive(Args, Debug)]
struct SoftwareArgs {
    #[command(flatten)]
    relation: SoftwareRelation,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TableFormat::Table)]
    format: TableFormat,
}

#[derive(Args, Debug)]
#[group(required = true, multiple = false)]
struct CampaignRelation {
    /// Campaigns attributed to this group.
    #[arg(long, value_name = "ID")]
    attributed_to: Option<String>,
    /// Campaigns using this technique or software.
    #[arg(long, value_name = "ID")]
    using: Option<String>,
}

#[derive(Args, Debug)]
struct CampaignArgs {
    #[command(flatten)]
    relation: CampaignRelation,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TableFormat::Table)]
    format: TableFormat,
}

#[derive(Args, Debug)]
struct MitigatingArgs {
    /// The technique (T…).
    #[arg(long, value_name = "ID")]
    mitigating: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TableFormat::Table)]
    format: TableFormat,
}

#[derive(Args, Debug)]
struct TechniqueArg {
    /// The technique (T…).
    #[arg(long, value_name = "ID")]
    technique: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TableFormat::Table)]
    format: TableFormat,
}

#[derive(Args, Debug)]
struct ProcedureArgs {
    /// The technique (T…).
    #[arg(long, value_name = "ID")]
    technique: String,
    /// Also list revoked or deprecated relationships and users (mitreattack-python lists them).
    #[arg(long)]
    all: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TableFormat::Table)]
    format: TableFormat,
}

#[derive(Args, Debug)]
struct ObjectFilters {
    /// Exact name (case-sensitive).
    #[arg(long)]
    name: Option<String>,
    /// Groups, campaigns and software with an alias containing this text (case-sensitive).
    #[arg(long)]
    alias: Option<String>,
    /// STIX id.
    #[arg(long, value_name = "ID")]
    stix_id: Option<String>,
    /// ATT&CK ID (any status).
    #[arg(long, value_name = "ID")]
    attack_id: Option<String>,
    /// Description containing this text (ignoring case).
    #[arg(long, value_name = "TEXT")]
    content: Option<String>,
    /// Object type: technique, sub-technique, tactic, mitigation, group, software, malware, tool,
    /// campaign, data-source, data-component, detection-strategy, analytic, asset, matrix.
    #[arg(long = "type", value_name = "TYPE", value_parser = parse_kind)]
    kind: Option<KindFilter>,
    /// Modified strictly after this date or date-time.
    #[arg(long, value_name = "DATE")]
    modified_after: Option<String>,
    /// Created strictly after this date or date-time.
    #[arg(long, value_name = "DATE")]
    created_after: Option<String>,
    /// Leave out revoked and deprecated objects.
    #[arg(long)]
    active: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TableFormat::Table)]
    format: TableFormat,
}

/// One or more object kinds (`software` is malware and tools).
#[derive(Debug, Clone)]
struct KindFilter(Vec<ObjectKind>);

fn parse_kind(s: &str) -> Result<KindFilter, String> {
    let key = s.trim().to_ascii_lowercase().replace(['_', ' '], "-");
    let key = key.trim_end_matches('s');
    if matches!(key, "software" | "softwre") {
        return Ok(KindFilter(vec![ObjectKind::Malware, ObjectKind::Tool]));
    }
    ObjectKind::ALL
        .into_iter()
        .find(|k| {
            let label = k.label().replace(' ', "-");
            label == key || k.stix_type() == key || label.replace('-', "") == key.replace('-', "")
        })
        .map(|k| KindFilter(vec![k]))
        .ok_or_else(|| {
            let names: Vec<String> = ObjectKind::ALL
                .iter()
                .map(|k| k.label().replace(' ', "-"))
                .collect();
            format!("unknown type {s:?}; types: software, {}", names.join(", "))
        })
}

pub fn run(ctx: &Context, args: QueryArgs) -> anyhow::Result<ExitCode> {
    let catalogue = ctx.catalogue()?;
    let cat = catalogue.as_ref();
    let q = cat.query();
    let text = match args.command {
        QueryCommand::Techniques(f) => techniques(cat, &f)?,
        QueryCommand::Groups(a) => {
            let used = lookup(cat, &a.using)?;
            let entries = match cat.object(used).kind {
                k if k.is_technique() => q.groups_using_technique(used),
                k if k.is_software() => q.groups_using_software(used),
                _ => return Err(not_a(cat, used, "technique or software")),
            };
            related_table(cat, used, &entries, a.format)
        }
        QueryCommand::Software(a) => {
            let (key, entries) = if let Some(t) = &a.relation.using {
                let t = expect(cat, lookup(cat, t)?, ObjectKind::is_technique, "technique")?;
                (t, q.software_using_technique(t))
            } else {
                let id = a.relation.used_by.as_deref().unwrap_or_default();
                let user = lookup(cat, id)?;
                match cat.object(user).kind {
                    ObjectKind::Group => (user, q.software_used_by_group(user)),
                    ObjectKind::Campaign => (user, q.software_used_by_campaign(user)),
                    _ => return Err(not_a(cat, user, "group or campaign")),
                }
            };
            related_table(cat, key, &entries, a.format)
        }
        QueryCommand::Campaigns(a) => {
            let (key, entries) = if let Some(g) = &a.relation.attributed_to {
                let g = expect(cat, lookup(cat, g)?, |k| k == ObjectKind::Group, "group")?;
                (g, q.campaigns_attributed_to_group(g))
            } else {
                let id = a.relation.using.as_deref().unwrap_or_default();
                let used = lookup(cat, id)?;
                match cat.object(used).kind {
                    k if k.is_technique() => (used, q.campaigns_using_technique(used)),
                    k if k.is_software() => (used, q.campaigns_using_software(used)),
                    _ => return Err(not_a(cat, used, "technique or software")),
                }
            };
            related_table(cat, key, &entries, a.format)
        }
        QueryCommand::Mitigations(a) => {
            let t = expect(
                cat,
                lookup(cat, &a.mitigating)?,
                ObjectKind::is_technique,
                "technique",
            )?;
            related_table(cat, t, &q.mitigations_mitigating_technique(t), a.format)
        }
        QueryCommand::Detections(a) => {
            let t = expect(
                cat,
                lookup(cat, &a.technique)?,
                ObjectKind::is_technique,
                "technique",
            )?;
            let mut entries = q.datacomponents_detecting_technique(t);
            entries.extend(q.detection_strategies_detecting_technique(t));
            related_table(cat, t, &entries, a.format)
        }
        QueryCommand::Procedures(a) => {
            let t = expect(
                cat,
                lookup(cat, &a.technique)?,
                ObjectKind::is_technique,
                "technique",
            )?;
            procedures(cat, t, a.all, a.format)
        }
        QueryCommand::Objects(f) => objects(cat, &f)?,
    };
    crate::output::emit(None, text.as_bytes(), false)?;
    Ok(ExitCode::SUCCESS)
}

fn not_a(cat: &Catalogue, id: ObjectId, what: &str) -> anyhow::Error {
    let o = cat.object(id);
    check_failed(format!(
        "{} ({}) is a {}, not a {what}",
        o.display_id(),
        o.name,
        o.kind.label()
    ))
}

fn expect(
    cat: &Catalogue,
    id: ObjectId,
    ok: impl Fn(ObjectKind) -> bool,
    what: &str,
) -> anyhow::Result<ObjectId> {
    if ok(cat.object(id).kind) {
        Ok(id)
    } else {
        Err(not_a(cat, id, what))
    }
}

/// Table cells: control characters (terminal escapes in attacker-controlled names) become spaces.
fn cell(text: &str, format: TableFormat) -> String {
    if format == TableFormat::Json {
        return text.to_string();
    }
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// How an entry relates: `direct`, and the campaigns it comes through.
fn via(cat: &Catalogue, key: ObjectId, entry: &Related) -> String {
    let mut direct = false;
    let mut campaigns = BTreeSet::new();
    for &rid in &entry.relationships {
        let r = cat.relationship(rid);
        let ends = [r.source, r.target];
        if ends.contains(&Some(key)) && ends.contains(&Some(entry.object)) {
            direct = true;
        }
        for end in ends.into_iter().flatten() {
            if end != key && end != entry.object && cat.object(end).kind == ObjectKind::Campaign {
                campaigns.insert(cat.object(end).display_id().to_string());
            }
        }
    }
    let mut parts: Vec<String> = Vec::new();
    if direct {
        parts.push("direct".into());
    }
    parts.extend(campaigns);
    parts.join(", ")
}

fn related_table(
    cat: &Catalogue,
    key: ObjectId,
    entries: &[Related],
    format: TableFormat,
) -> String {
    let rows: Vec<Vec<String>> = entries
        .iter()
        .map(|e| {
            let o = cat.object(e.object);
            vec![
                cell(o.display_id(), format),
                cell(&o.name, format),
                o.kind.label().to_string(),
                via(cat, key, e),
                o.stix_id.clone(),
            ]
        })
        .collect();
    render_table(format, &["id", "name", "type", "via", "stix_id"], &rows)
}

fn procedures(cat: &Catalogue, technique: ObjectId, all: bool, format: TableFormat) -> String {
    let rows: Vec<Vec<String>> = cat
        .query()
        .procedure_examples_by_technique(technique)
        .into_iter()
        .filter_map(|rid| {
            let r = cat.relationship(rid);
            let source = r.source.map(|s| cat.object(s));
            if !all && (!r.is_active() || !source.is_some_and(|s| s.is_active())) {
                return None;
            }
            let description = r.description.clone().unwrap_or_default();
            let description = if format == TableFormat::Table {
                description.replace(['\n', '\r'], " ")
            } else {
                description
            };
            Some(vec![
                cell(
                    source.map(|s| s.display_id()).unwrap_or(&r.source_ref),
                    format,
                ),
                cell(source.map(|s| s.name.as_str()).unwrap_or(""), format),
                source.map(|s| s.kind.label()).unwrap_or("").to_string(),
                cell(&description, format),
                r.stix_id.clone(),
            ])
        })
        .collect();
    render_table(
        format,
        &["id", "name", "type", "description", "relationship"],
        &rows,
    )
}

fn objects(cat: &Catalogue, f: &ObjectFilters) -> anyhow::Result<String> {
    let q = cat.query();
    let mut sets: Vec<Vec<ObjectId>> = Vec::new();
    if let Some(name) = &f.name {
        sets.push(q.objects_by_name(name, None));
    }
    if let Some(alias) = &f.alias {
        sets.push(q.objects_by_alias(alias));
    }
    if let Some(stix) = &f.stix_id {
        sets.push(cat.by_stix_id(stix.trim()).into_iter().collect());
    }
    if let Some(id) = &f.attack_id {
        sets.push(cat.all_by_attack_id(id).to_vec());
    }
    if let Some(text) = &f.content {
        sets.push(q.objects_by_content(text, None, false));
    }
    let bad_date = |d: &str| {
        check_failed(format!(
            "{d:?} is not an ISO 8601 date (expected e.g. 2025-04-15 or 2025-04-15T00:00:00Z)"
        ))
    };
    if let Some(d) = &f.modified_after {
        sets.push(
            q.objects_modified_after(d, false)
                .ok_or_else(|| bad_date(d))?,
        );
    }
    if let Some(d) = &f.created_after {
        sets.push(
            q.objects_created_after(d, false)
                .ok_or_else(|| bad_date(d))?,
        );
    }
    if let Some(kinds) = &f.kind {
        sets.push(
            cat.ids()
                .filter(|&id| kinds.0.contains(&cat.object(id).kind))
                .collect(),
        );
    }
    if sets.is_empty() {
        anyhow::bail!("give at least one filter (--name, --alias, --stix-id, --attack-id, --content, --type, --modified-after, --created-after)");
    }
    let mut result = sets.remove(0);
    for other in &sets {
        let keep: BTreeSet<ObjectId> = other.iter().copied().collect();
        result.retain(|o| keep.contains(o));
    }
    if f.active {
        result.retain(|&o| cat.object(o).is_active());
    }
    if result.is_empty() {
        let hint = f
            .name
            .as_deref()
            .or(f.alias.as_deref())
            .or(f.attack_id.as_deref())
            .map(|n| cat.suggest(n, 5))
            .filter(|s| !s.is_empty())
            .map(|s| format!("; closest: {}", s.join(", ")))
            .unwrap_or_default();
        return Err(check_failed(format!(
            "no object matches in {} {}{hint}",
            cat.domain(),
            cat.release()
        )));
    }
    let format = f.format;
    let rows: Vec<Vec<String>> = result
        .iter()
        .map(|&id| {
            let o = cat.object(id);
            vec![
                cell(o.display_id(), format),
                cell(&o.name, format),
                o.kind.label().to_string(),
                o.status().to_string(),
                o.modified.clone().unwrap_or_default(),
                cell(&o.aliases.join(", "), format),
                o.stix_id.clone(),
            ]
        })
        .collect();
    Ok(render_table(
        format,
        &[
            "id", "name", "type", "status", "modified", "aliases", "stix_id",
        ],
        &rows,
    ))
}

fn techniques(catalogue: &Catalogue, f: &TechniqueFilters) -> anyhow::Result<String> {
    let mut sets: Vec<Vec<ObjectId>> = Vec::new();
    if let Some(id) = &f.mitigated_by {
        let m = lookup(catalogue, id)?;
        sets.push(catalogue.techniques_from(m, &RelationKind::Mitigates));
    }
    if let Some(id) = &f.used_by {
        let u = lookup(catalogue, id)?;
        sets.push(catalogue.techniques_used_by(u, f.include_campaigns));
    }
    if let Some(id) = &f.detected_by {
        let d = lookup(catalogue, id)?;
        sets.push(catalogue.techniques_detected_by(d));
    }
    if let Some(id) = &f.targeting {
        let a = lookup(catalogue, id)?;
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
                cell(o.display_id(), f.format),
                cell(&o.name, f.format),
                o.tactics.join(" "),
                o.platforms.join(", "),
            ]
        })
        .collect();
    Ok(render_table(
        f.format,
        &["id", "name", "tactics", "platforms"],
        &rows,
    ))
}
