//! Relationship sheets (`relationshipsToDf`): all relationships, or those of one object type
//! split into attackToExcel's named sheets, and the `relationship citations` column.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use serde_json::Value;

use crate::frames::{citations_of_refs, Frames, Stix};
use crate::table::{format_date, str_field, Cell, Row, Table};

/// The attackToExcel term of a STIX type (`stixToAttackTerm`).
fn term(stix_type: &str) -> Option<&'static str> {
    Some(match stix_type {
        "attack-pattern" => "technique",
        "x-mitre-tactic" => "tactic",
        "tool" | "malware" => "software",
        "intrusion-set" => "group",
        "course-of-action" => "mitigation",
        "x-mitre-matrix" => "matrix",
        "x-mitre-data-component" => "datacomponent",
        "x-mitre-data-source" => "datasource",
        "campaign" => "campaign",
        "x-mitre-asset" => "asset",
        "x-mitre-detection-strategy" => "detectionstrategy",
        _ => return None,
    })
}

/// STIX types of an attackToExcel type (`attackToStixTerm`).
fn stix_types(related: &str) -> &'static [&'static str] {
    match related {
        "technique" => &["attack-pattern"],
        "tactic" => &["x-mitre-tactic"],
        "software" => &["tool", "malware"],
        "group" => &["intrusion-set"],
        "campaign" => &["campaign"],
        "asset" => &["x-mitre-asset"],
        "mitigation" => &["course-of-action"],
        "matrix" => &["x-mitre-matrix"],
        "datasource" => &["x-mitre-data-component"],
        "detectionstrategy" => &["x-mitre-detection-strategy"],
        _ => &[],
    }
}

/// `MitreAttackData.get_attack_id`: the first external reference's ID when it is `mitre-attack`'s.
fn attack_id(v: &Value) -> Option<&str> {
    let first = v.get("external_references")?.as_array()?.first()?;
    (str_field(first, "source_name") == Some("mitre-attack"))
        .then(|| str_field(first, "external_id"))
        .flatten()
}

/// A relationship row with its sort key and the STIX types of its ends.
pub(crate) struct RelRow {
    row: Row,
    key: [Option<Arc<str>>; 9],
    types: [&'static str; 2],
}

impl RelRow {
    /// `mapping type`, `source type` and `target type` (the first three sort keys).
    fn mapping_type(&self) -> &str {
        self.key[0].as_deref().unwrap_or("")
    }

    fn source_type(&self) -> &str {
        self.key[1].as_deref().unwrap_or("")
    }

    fn target_type(&self) -> &str {
        self.key[2].as_deref().unwrap_or("")
    }
}

/// Every relationship row, sorted, and the active relationships: built once per export.
pub(crate) struct AllRows {
    rows: Vec<RelRow>,
    /// The citations of every active relationship (`get_citations(relationships)`).
    citations: Table,
}

fn rows<'s>(stix: &'s Stix, related: Option<&str>) -> (Vec<&'s RelRow>, &'s Table) {
    let all = stix.relationship_rows.get_or_init(|| build_rows(stix));
    let rows = all
        .rows
        .iter()
        .filter(|r| related.is_none_or(|rel| stix_types(rel).iter().any(|t| r.types.contains(t))))
        .collect();
    (rows, &all.citations)
}

/// Builds every relationship row now, on every thread (the types' sheets all need them).
pub(crate) fn prepare(stix: &Stix) {
    stix.relationship_rows.get_or_init(|| build_rows(stix));
}

fn build_rows(stix: &Stix) -> AllRows {
    use rayon::prelude::*;
    let active = stix.active_relationships();
    let mut out: Vec<RelRow> = active
        .par_iter()
        .filter_map(|&rid| rel_row(stix, rid))
        .collect();
    // pandas sorts missing values last.
    out.par_sort_by(|a, b| {
        for (x, y) in a.key.iter().zip(&b.key) {
            let o = match (x, y) {
                (Some(x), Some(y)) => x.cmp(y),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            };
            if o.is_ne() {
                return o;
            }
        }
        std::cmp::Ordering::Equal
    });
    let citations = citations_of_refs(
        active
            .iter()
            .map(|&r| stix.rel(r).external_references.as_ref()),
    );
    AllRows {
        rows: out,
        citations,
    }
}

/// One relationship as attackToExcel's row; `None` when an end is not active or it is a
/// `subtechnique-of`.
fn rel_row(stix: &Stix, rid: navlayer_attack::RelationshipId) -> Option<RelRow> {
    {
        let r = stix.cat.relationship(rid);
        let (Some(s), Some(t)) = (r.source, r.target) else {
            return None;
        };
        let (so, to) = (stix.cat.object(s), stix.cat.object(t));
        if !so.is_active() || !to.is_active() || r.kind.as_str() == "subtechnique-of" {
            return None;
        }
        let (sv, tv, rv) = (stix.obj(s), stix.obj(t), stix.rel(rid));
        let mut row = Row::default();
        let opt = |c: Option<&str>| c.map(|x| Cell::Text(x.into())).unwrap_or(Cell::Empty);
        row.set("source ID", opt(attack_id(sv)));
        row.set("source name", opt(str_field(sv, "name")));
        row.text("source ref", so.stix_id.clone());
        row.set("source type", opt(term(so.kind.stix_type())));
        row.text("mapping type", r.kind.as_str());
        row.set("target ID", opt(attack_id(tv)));
        row.set("target name", opt(str_field(tv, "name")));
        row.text("target ref", to.stix_id.clone());
        row.set("target type", opt(term(to.kind.stix_type())));
        if let Some(d) = &rv.description {
            row.text("mapping description", d.as_str());
        }
        row.text("STIX ID", r.stix_id.clone());
        if let Some(c) = &rv.created {
            row.text("created", format_date(c));
        }
        if let Some(m) = &rv.modified {
            row.text("last modified", format_date(m));
        }
        let text = |k: &str| match row.get(k) {
            Some(Cell::Text(t)) => Some(t.clone()),
            _ => None,
        };
        let key = [
            text("mapping type"),
            text("source type"),
            text("target type"),
            text("source name"),
            text("target name"),
            text("source ref"),
            text("target ref"),
            text("created"),
            text("last modified"),
        ];
        Some(RelRow {
            row,
            key,
            types: [so.kind.stix_type(), to.kind.stix_type()],
        })
    }
}

fn table(rows: &[&RelRow]) -> Table {
    let mut t = Table::default();
    for r in rows {
        t.push(r.row.clone());
    }
    t
}

/// Every relationship: `relationships` and its `citations`.
pub(crate) fn all(stix: &Stix) -> Frames {
    let (rows, active) = rows(stix, None);
    let mut frames = Frames::default();
    if rows.is_empty() {
        return frames;
    }
    frames.insert("relationships", table(&rows));
    let mut cites = active.clone();
    cites.sort_by("reference");
    if !cites.is_empty() {
        frames.insert("citations", cites);
    }
    frames
}

/// Citation names in a mapping description.
pub(crate) fn cited(description: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = description;
    while let Some(start) = rest.find("(Citation: ") {
        let after = &rest[start + 11..];
        let Some(end) = after.find(')') else { break };
        out.push(&after[..end]);
        rest = &after[end + 1..];
    }
    out
}

/// The relationships of one attackToExcel type, in attackToExcel's named sheets, and the
/// citations their descriptions use.
pub(crate) fn of_type(stix: &Stix, related: &str) -> Frames {
    let (rows, active) = rows(stix, Some(related));
    let mut frames = Frames::default();
    if rows.is_empty() {
        return frames;
    }
    let subset =
        |f: &dyn Fn(&RelRow) -> bool| rows.iter().copied().filter(|r| f(r)).collect::<Vec<_>>();
    let group_software = subset(&|r| {
        ["group", "software"].contains(&r.source_type())
            && r.mapping_type() == "uses"
            && ["group", "software"].contains(&r.target_type())
    });
    let campaign_software = subset(&|r| {
        ["campaign", "software"].contains(&r.source_type())
            && r.mapping_type() == "uses"
            && ["campaign", "software"].contains(&r.target_type())
    });
    let procedures = subset(&|r| r.mapping_type() == "uses" && r.target_type() == "technique");
    let attributed = subset(&|r| r.mapping_type() == "attributed-to" && r.target_type() == "group");
    let mitigations = subset(&|r| r.mapping_type() == "mitigates");
    let assets = subset(&|r| r.mapping_type() == "targets" && r.target_type() == "asset");
    let detected =
        subset(&|r| r.mapping_type() == "detects" && r.source_type() == "detectionstrategy");
    let pick = |this: &str, a: &'static str, b: &'static str| if related == this { a } else { b };
    let mut used: BTreeSet<String> = BTreeSet::new();
    let mut add = |frames: &mut Frames, name: &str, rows: &[&RelRow]| {
        if rows.is_empty() {
            return;
        }
        for r in rows {
            if let Some(Cell::Text(d)) = r.row.get("mapping description") {
                used.extend(cited(d).into_iter().map(String::from));
            }
        }
        frames.insert(name, table(rows));
    };
    add(
        &mut frames,
        pick("group", "associated software", "associated groups"),
        &group_software,
    );
    add(
        &mut frames,
        pick("campaign", "associated software", "associated campaigns"),
        &campaign_software,
    );
    add(
        &mut frames,
        pick("technique", "procedure examples", "techniques used"),
        &procedures,
    );
    let attributed_name = match related {
        "campaign" => "attributed groups",
        "group" => "attributed campaigns",
        _ => "associated campaigns",
    };
    add(&mut frames, attributed_name, &attributed);
    add(
        &mut frames,
        pick(
            "technique",
            "associated mitigations",
            "techniques addressed",
        ),
        &mitigations,
    );
    add(
        &mut frames,
        pick("technique", "targeted assets", "associated techniques"),
        &assets,
    );
    add(
        &mut frames,
        pick(
            "detectionstrategy",
            "techniques detected",
            "associated detection strategies",
        ),
        &detected,
    );
    let all_citations = active;
    if !all_citations.is_empty() {
        let mut kept = Table::default();
        for row in all_citations.rows() {
            if row
                .get("reference")
                .is_some_and(|c| used.contains(c.text()))
            {
                kept.push(row.clone());
            }
        }
        kept.sort_by("reference");
        if kept.is_empty() {
            // pandas keeps the (now empty) sheet with its header.
            kept = all_citations.header_only();
        }
        frames.insert("citations", kept);
    }
    frames
}

/// The `relationship citations` column: for each object (by ATT&CK ID, in row order), for each
/// relationship sheet, the citations of the rows with a cell equal to the ID, joined by `,`
/// (attackToExcel's order within a sheet is Python's set order; here it is sorted).
pub(crate) fn relationship_citations(ids: &[String], codex: &Frames) -> Vec<Cell> {
    let indexes: Vec<HashMap<&str, BTreeSet<&str>>> = codex
        .0
        .iter()
        .filter(|(n, _)| n != "citations")
        .map(|(_, t)| {
            let mut index: HashMap<&str, BTreeSet<&str>> = HashMap::new();
            for row in t.rows() {
                let Some(Cell::Text(d)) = row.get("mapping description") else {
                    continue;
                };
                let names = cited(d);
                if names.is_empty() {
                    continue;
                }
                // attackToExcel matches the ID against every cell of the row; only the ID
                // columns can hold an ATT&CK ID.
                for key in ["source ID", "target ID"] {
                    if let Some(Cell::Text(v)) = row.get(key) {
                        index.entry(&**v).or_default().extend(names.iter().copied());
                    }
                }
            }
            index
        })
        .collect();
    ids.iter()
        .map(|id| {
            let parts: Vec<String> = indexes
                .iter()
                .map(|index| {
                    index
                        .get(id.as_str())
                        .map(|names| {
                            names
                                .iter()
                                .map(|n| format!("(Citation: {n})"))
                                .collect::<Vec<_>>()
                                .join(",")
                        })
                        .unwrap_or_default()
                })
                .collect();
            Cell::Text(parts.join(",").into())
        })
        .collect()
}
