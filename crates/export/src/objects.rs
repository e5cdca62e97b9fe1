//! One sheet set per object type, with attackToExcel's columns (`stixToDf`).

use std::collections::HashMap;

use navlayer_attack::{Domain, ObjectId, ObjectKind, RelationKind};
use serde_json::Value;

use crate::frames::{citations, Frames, Stix};
use crate::relationships::{of_type, relationship_citations};
use crate::table::{
    format_date, join_sorted, join_sorted_lower, list_field, str_field, Cell, Row, Table,
};

/// `source_name`s whose first external reference carries the ATT&CK ID (`MITRE_ATTACK_ID_SOURCE_NAMES`).
const ID_SOURCES: [&str; 4] = [
    "mitre-attack",
    "mobile-attack",
    "mitre-mobile-attack",
    "mitre-ics-attack",
];

fn first_ref(v: &Value) -> Option<&Value> {
    v.get("external_references")?.as_array()?.first()
}

/// The columns every type shares (`parseBaseStix`).
pub(crate) fn base(v: &Value) -> Row {
    let mut row = Row::default();
    let mut url = None;
    if let Some(r) = first_ref(v)
        .filter(|r| str_field(r, "source_name").is_some_and(|s| ID_SOURCES.contains(&s)))
    {
        if let Some(id) = str_field(r, "external_id") {
            row.text("ID", id);
        }
        url = str_field(r, "url");
    }
    for (key, col) in [
        ("id", "STIX ID"),
        ("name", "name"),
        ("description", "description"),
    ] {
        if let Some(s) = str_field(v, key) {
            row.text(col, s);
        }
    }
    if let Some(u) = url {
        row.text("url", u);
    }
    if let Some(c) = str_field(v, "created") {
        row.text("created", format_date(c));
    }
    if let Some(m) = str_field(v, "modified") {
        row.text("last modified", format_date(m));
    }
    if let Some(d) = list_field(v, "x_mitre_domains") {
        row.text("domain", d.join(","));
    }
    if let Some(ver) = str_field(v, "x_mitre_version") {
        row.text("version", ver);
    }
    if let Some(c) = list_field(v, "x_mitre_contributors") {
        row.text("contributors", join_sorted(c, "; "));
    }
    row
}

fn rows_of(stix: &Stix, ids: &[ObjectId], extra: impl Fn(&Value, &mut Row)) -> Table {
    let mut t = Table::default();
    for &id in ids {
        let v = stix.obj(id);
        let mut row = base(v);
        extra(v, &mut row);
        t.push(row);
    }
    t.sort_by("name");
    t
}

/// The main sheet, the relationship sheets of `related`, the `relationship citations` column
/// and the citations (`*ToDf` for types with relationships).
fn with_relationships(
    stix: &Stix,
    name: &str,
    mut main: Table,
    related: &str,
    ids: &[ObjectId],
) -> Frames {
    let codex = of_type(stix, related);
    let object_ids: Vec<String> = main
        .rows()
        .iter()
        .map(|r| {
            r.get("ID")
                .map(|c| c.text().to_string())
                .unwrap_or_default()
        })
        .collect();
    main.add_column(
        "relationship citations",
        relationship_citations(&object_ids, &codex),
    );
    let mut frames = Frames::default();
    frames.insert(name, main);
    for (n, t) in codex.0 {
        frames.insert(&n, t);
    }
    frames.merge_citations(citations(ids.iter().map(|&i| stix.obj(i))));
    frames
}

fn simple(stix: &Stix, name: &str, main: Table, ids: &[ObjectId]) -> Frames {
    let mut frames = Frames::default();
    frames.insert(name, main);
    let mut cites = citations(ids.iter().map(|&i| stix.obj(i)));
    cites.sort_by("reference");
    if !cites.is_empty() {
        frames.insert("citations", cites);
    }
    frames
}

fn joined(v: &Value, key: &str) -> Option<String> {
    list_field(v, key).map(|l| join_sorted(l, ", "))
}

/// Techniques and sub-techniques (`techniquesToDf`).
pub(crate) fn techniques(stix: &Stix) -> Frames {
    let ids = stix.active(&["attack-pattern"]);
    let tactic_names: HashMap<String, String> = stix
        .active(&["x-mitre-tactic"])
        .into_iter()
        .filter_map(|t| {
            let v = stix.obj(t);
            Some((
                str_field(v, "x_mitre_shortname")?.to_string(),
                str_field(v, "name")?.to_string(),
            ))
        })
        .collect();
    let domain = stix.domain;
    let mut table = Table::default();
    let mut kept = Vec::new();
    for &id in &ids {
        let v = stix.obj(id);
        let Some(phases) = v.get("kill_chain_phases").and_then(Value::as_array) else {
            continue;
        };
        kept.push(id);
        let sub = v
            .get("x_mitre_is_subtechnique")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        // The parent: the first subtechnique-of relationship from it, of any status.
        let parent = sub
            .then(|| {
                stix.cat
                    .outgoing(id)
                    .iter()
                    .map(|&r| stix.cat.relationship(r))
                    .find(|r| r.kind == RelationKind::SubtechniqueOf)
                    .and_then(|r| r.target)
            })
            .flatten();
        let mut row = base(v);
        let shortnames: Vec<&str> = phases
            .iter()
            .filter_map(|p| str_field(p, "phase_name"))
            .collect();
        let names: Vec<String> = shortnames
            .iter()
            .map(|s| {
                tactic_names
                    .get(*s)
                    .cloned()
                    .unwrap_or_else(|| title_case(&s.replace('-', " ")))
            })
            .collect();
        row.text(
            "tactics",
            join_sorted(names.iter().map(String::as_str).collect(), ", "),
        );
        if let Some(d) = str_field(v, "x_mitre_detection") {
            row.text("detection", d);
        }
        if let Some(p) = joined(v, "x_mitre_platforms") {
            row.text("platforms", p);
        }
        if matches!(domain, Domain::Enterprise | Domain::Ics) {
            if let Some(d) = joined(v, "x_mitre_data_sources") {
                row.text("data sources", d);
            }
        }
        match domain {
            Domain::Enterprise => enterprise_columns(stix, v, &mut row, sub, parent, &shortnames),
            Domain::Mobile => {
                if let Some(t) = joined(v, "x_mitre_tactic_type") {
                    row.text("tactic type", t);
                }
                let mtc = refs(v)
                    .into_iter()
                    .find(|r| str_field(r, "source_name") == Some("NIST Mobile Threat Catalogue"));
                if let Some(id) = mtc.and_then(|r| str_field(r, "external_id")) {
                    row.text("MTC ID", id);
                }
            }
            Domain::Ics => {}
        }
        table.push(row);
    }
    table.sort_by("name");
    with_relationships(stix, "techniques", table, "technique", &ids)
}

fn refs(v: &Value) -> Vec<&Value> {
    v.get("external_references")
        .and_then(Value::as_array)
        .map(|a| a.iter().collect())
        .unwrap_or_default()
}

fn enterprise_columns(
    stix: &Stix,
    v: &Value,
    row: &mut Row,
    sub: bool,
    parent: Option<ObjectId>,
    shortnames: &[&str],
) {
    row.set("is sub-technique", Cell::Bool(sub));
    if let Some(p) = parent.filter(|_| sub) {
        let pv = stix.obj(p);
        if let (Some(pname), Some(name)) = (str_field(pv, "name"), str_field(v, "name")) {
            row.text("name", format!("{pname}: {name}"));
        }
        if let Some(pid) = first_ref(pv).and_then(|r| str_field(r, "external_id")) {
            row.text("sub-technique of", pid);
        }
    }
    if let Some(s) = joined(v, "x_mitre_system_requirements") {
        row.text("system requirements", s);
    }
    for (key, col) in [
        ("x_mitre_permissions_required", "permissions required"),
        ("x_mitre_effective_permissions", "effective permissions"),
    ] {
        if let Some(l) = list_field(v, key) {
            row.text(col, join_sorted_lower(l));
        }
    }
    if shortnames.contains(&"defense-evasion") {
        if let Some(d) = joined(v, "x_mitre_defense_bypassed") {
            row.text("defenses bypassed", d);
        }
    }
    if shortnames.contains(&"execution") {
        if let Some(b) = v.get("x_mitre_remote_support").and_then(Value::as_bool) {
            row.set("supports remote", Cell::Bool(b));
        }
    }
    if shortnames.contains(&"impact") {
        if let Some(i) = joined(v, "x_mitre_impact_type") {
            row.text("impact type", i);
        }
    }
    let capec: Vec<&str> = refs(v)
        .into_iter()
        .filter(|r| str_field(r, "source_name") == Some("capec"))
        .filter_map(|r| str_field(r, "external_id"))
        .collect();
    if !capec.is_empty() {
        row.text("CAPEC ID", capec.join(", "));
    }
}

/// Python's `str.title()` for ASCII-ish tactic short names.
fn title_case(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut start = true;
    for c in s.chars() {
        if c.is_alphabetic() {
            if start {
                out.extend(c.to_uppercase());
            } else {
                out.extend(c.to_lowercase());
            }
            start = false;
        } else {
            out.push(c);
            start = true;
        }
    }
    out
}

/// Tactics (`tacticsToDf`).
pub(crate) fn tactics(stix: &Stix) -> Frames {
    let ids = stix.active(&["x-mitre-tactic"]);
    simple(stix, "tactics", rows_of(stix, &ids, |_, _| {}), &ids)
}

/// Software (`softwareToDf`): tools, then malware.
pub(crate) fn software(stix: &Stix) -> Frames {
    let ids = stix.active(&["tool", "malware"]);
    let main = rows_of(stix, &ids, |v, row| {
        if let Some(p) = joined(v, "x_mitre_platforms") {
            row.text("platforms", p);
        }
        if let Some(a) = list_field(v, "x_mitre_aliases") {
            row.text(
                "aliases",
                join_sorted(a.into_iter().skip(1).collect(), ", "),
            );
        }
        if let Some(t) = str_field(v, "type") {
            row.text("type", t);
        }
    });
    with_relationships(stix, "software", main, "software", &ids)
}

/// `associated groups` / `associated campaigns` and their citations, from `aliases[1:]`.
fn aliases(v: &Value, row: &mut Row, columns: [&'static str; 2]) {
    let Some(list) = list_field(v, "aliases") else {
        return;
    };
    let mut names: Vec<&str> = list.into_iter().skip(1).collect();
    names.sort_unstable();
    let mut cites = Vec::new();
    for alias in &names {
        if let Some(d) = refs(v)
            .into_iter()
            .find(|r| str_field(r, "source_name") == Some(alias))
            .and_then(|r| str_field(r, "description"))
        {
            cites.push(d);
        }
    }
    row.text(columns[0], names.join(", "));
    row.text(columns[1], cites.join(", "));
}

/// Groups (`groupsToDf`).
pub(crate) fn groups(stix: &Stix) -> Frames {
    let ids = stix.active(&["intrusion-set"]);
    let main = rows_of(stix, &ids, |v, row| {
        aliases(v, row, ["associated groups", "associated groups citations"])
    });
    with_relationships(stix, "groups", main, "group", &ids)
}

/// Campaigns (`campaignsToDf`).
pub(crate) fn campaigns(stix: &Stix) -> Frames {
    let ids = stix.active(&["campaign"]);
    if ids.is_empty() {
        return Frames::default();
    }
    let main = rows_of(stix, &ids, |v, row| {
        aliases(
            v,
            row,
            ["associated campaigns", "associated campaigns citations"],
        );
        for (key, col) in [
            ("first_seen", "first seen"),
            ("x_mitre_first_seen_citation", "first seen citation"),
            ("last_seen", "last seen"),
            ("x_mitre_last_seen_citation", "last seen citation"),
        ] {
            if let Some(s) = str_field(v, key) {
                let s = if key.ends_with("seen") {
                    format_date(s)
                } else {
                    s.to_string()
                };
                row.text(col, s);
            }
        }
    });
    with_relationships(stix, "campaigns", main, "campaign", &ids)
}

/// Assets (`assetsToDf`).
pub(crate) fn assets(stix: &Stix) -> Frames {
    let ids = stix.active(&["x-mitre-asset"]);
    if ids.is_empty() {
        return Frames::default();
    }
    let main = rows_of(stix, &ids, |v, row| {
        if let Some(p) = joined(v, "x_mitre_platforms") {
            row.text("platforms", p);
        }
        if let Some(s) = joined(v, "x_mitre_sectors") {
            row.text("sectors", s);
        }
        if let Some(related) = v.get("x_mitre_related_assets").and_then(Value::as_array) {
            let names: Vec<&str> = related
                .iter()
                .map(|r| str_field(r, "name").unwrap_or(""))
                .collect();
            let sectors: Vec<String> = related
                .iter()
                .map(|r| {
                    list_field(r, "related_asset_sectors")
                        .map(|l| l.join(", "))
                        .unwrap_or_default()
                })
                .collect();
            let descriptions: Vec<&str> = related
                .iter()
                .map(|r| str_field(r, "description").unwrap_or(""))
                .collect();
            row.text("related assets", names.join("; "));
            row.text("related assets sectors", sectors.join("; "));
            row.text("related assets description", descriptions.join("; "));
        }
    });
    with_relationships(stix, "assets", main, "asset", &ids)
}

/// Mitigations (`mitigationsToDf`).
pub(crate) fn mitigations(stix: &Stix) -> Frames {
    let ids = stix.active(&["course-of-action"]);
    let main = rows_of(stix, &ids, |_, _| {});
    with_relationships(stix, "mitigations", main, "mitigation", &ids)
}

/// Data sources with their components, before ATT&CK v18 (`datasourcesToDf`).
pub(crate) fn datasources(stix: &Stix) -> Frames {
    let ids = stix.active(&["x-mitre-data-component", "x-mitre-data-source"]);
    if ids.is_empty() {
        return Frames::default();
    }
    let sources: HashMap<&str, &str> = ids
        .iter()
        .map(|&i| stix.obj(i))
        .filter(|v| str_field(v, "type") == Some("x-mitre-data-source"))
        .filter_map(|v| Some((str_field(v, "id")?, str_field(v, "name")?)))
        .collect();
    let mut table = Table::default();
    for &id in &ids {
        let v = stix.obj(id);
        let mut row = base(v);
        if let Some(p) = joined(v, "x_mitre_platforms") {
            row.text("platforms", p);
        }
        if let Some(c) = joined(v, "x_mitre_collection_layers") {
            row.text("collection layers", c);
        }
        if let Some(a) = list_field(v, "x_mitre_aliases") {
            row.text(
                "aliases",
                join_sorted(a.into_iter().skip(1).collect(), ", "),
            );
        }
        if stix.cat.object(id).kind == ObjectKind::DataComponent {
            let source = str_field(v, "x_mitre_data_source_ref").and_then(|r| sources.get(r));
            if let (Some(s), Some(name)) = (source, str_field(v, "name")) {
                row.text("name", format!("{s}: {name}"));
            }
            row.text("type", "datacomponent");
        } else {
            row.text("type", "datasource");
        }
        table.push(row);
    }
    table.sort_by("name");
    table.reindex(&[
        "name",
        "ID",
        "STIX ID",
        "description",
        "collection layers",
        "platforms",
        "created",
        "last modified",
        "type",
        "version",
        "url",
        "contributors",
    ]);
    let mut frames = Frames::default();
    frames.insert("datasources", table);
    for (n, t) in of_type(stix, "datasource").0 {
        frames.insert(&n, t);
    }
    frames.merge_citations(citations(ids.iter().map(|&i| stix.obj(i))));
    frames
}

/// Data components (`datacomponentsToDf`, v18+).
pub(crate) fn datacomponents(stix: &Stix) -> Frames {
    let ids = stix.active(&["x-mitre-data-component"]);
    simple(stix, "datacomponents", rows_of(stix, &ids, |_, _| {}), &ids)
}

/// Analytics (`analyticsToDf`).
pub(crate) fn analytics(stix: &Stix) -> Frames {
    let ids = stix.active(&["x-mitre-analytic"]);
    if ids.is_empty() {
        return Frames::default();
    }
    simple(stix, "analytics", rows_of(stix, &ids, |_, _| {}), &ids)
}

/// Detection strategies (`detectionstrategiesToDf`).
pub(crate) fn detectionstrategies(stix: &Stix) -> Frames {
    let ids = stix.active(&["x-mitre-detection-strategy"]);
    if ids.is_empty() {
        return Frames::default();
    }
    let main = rows_of(stix, &ids, |v, row| {
        row.text(
            "analytic_refs",
            list_field(v, "x_mitre_analytic_refs")
                .unwrap_or_default()
                .join("; "),
        );
    });
    simple(stix, "detectionstrategies", main, &ids)
}

/// Detection strategies → analytics → log sources (`detectionStrategiesAnalyticsLogSourcesDf`,
/// the `defensive mappings` sheet, v18+).
pub(crate) fn defensive_mappings(stix: &Stix) -> Table {
    let mut table = Table::default();
    let analytics: HashMap<&str, ObjectId> = stix
        .active(&["x-mitre-analytic"])
        .into_iter()
        .map(|a| (stix.cat.object(a).stix_id.as_str(), a))
        .collect();
    for ds in stix.active(&["x-mitre-detection-strategy"]) {
        let dv = stix.obj(ds);
        let ds_attack = first_ref(dv)
            .and_then(|r| str_field(r, "external_id"))
            .unwrap_or("");
        for analytic_ref in list_field(dv, "x_mitre_analytic_refs").unwrap_or_default() {
            let Some(&a) = analytics.get(analytic_ref) else {
                continue;
            };
            let av = stix.obj(a);
            let platforms = joined(av, "x_mitre_platforms").unwrap_or_default();
            for ls in av
                .get("x_mitre_log_source_references")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let dc_ref = str_field(ls, "x_mitre_data_component_ref").unwrap_or("");
                let dc = stix.get(dc_ref).map(|d| stix.obj(d));
                let mut row = Row::default();
                row.text("detection_strategy_attack_id", ds_attack);
                row.text("detection_strategy_id", str_field(dv, "id").unwrap_or(""));
                row.text(
                    "detection_strategy_name",
                    str_field(dv, "name").unwrap_or(""),
                );
                row.text("analytic_id", analytic_ref);
                row.text(
                    "analytic_name",
                    first_ref(av)
                        .and_then(|r| str_field(r, "external_id"))
                        .unwrap_or(""),
                );
                row.text("platforms", platforms.clone());
                row.text("log_source_name", str_field(ls, "name").unwrap_or(""));
                row.text("channel", str_field(ls, "channel").unwrap_or(""));
                row.text("data_component_id", dc_ref);
                row.text(
                    "data_component_name",
                    dc.and_then(|d| str_field(d, "name")).unwrap_or(""),
                );
                row.text(
                    "data_component_attack_id",
                    dc.and_then(first_ref)
                        .and_then(|r| str_field(r, "external_id"))
                        .unwrap_or(""),
                );
                table.push(row);
            }
        }
    }
    table
}
