//! STIX 2.0 / 2.1 bundles of threat reports. Each `report` (or `grouping`) is an item covering
//! the attack-patterns it references, directly or through the relationships it references;
//! each object that `uses` attack-patterns outside any report (an intrusion set, a malware) is
//! an item too. A bundle with neither is one item covering every attack-pattern in it.
//! Attack-patterns are named by their ATT&CK ID (`external_references`), else by STIX id, which
//! resolution matches against the release.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Deserialize;

use super::{FileParse, ParseContext};
use crate::input::{text_of, FileReport, Input};
use crate::item::{Item, TechRef};

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Bundle {
    #[serde(rename = "type")]
    kind: Option<String>,
    objects: Option<Vec<Object>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Object {
    #[serde(rename = "type")]
    kind: String,
    id: String,
    name: Option<String>,
    object_refs: Vec<String>,
    relationship_type: Option<String>,
    source_ref: Option<String>,
    target_ref: Option<String>,
    external_references: Vec<ExternalRef>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ExternalRef {
    source_name: Option<String>,
    external_id: Option<String>,
    url: Option<String>,
}

const ATTACK_SOURCES: [&str; 3] = ["mitre-attack", "mitre-mobile-attack", "mitre-ics-attack"];

fn attack_id(o: &Object) -> Option<String> {
    o.external_references
        .iter()
        .find(|r| {
            r.source_name
                .as_deref()
                .is_some_and(|s| ATTACK_SOURCES.contains(&s))
        })
        .and_then(|r| r.external_id.clone())
}

fn web_link(o: &Object) -> Option<String> {
    o.external_references
        .iter()
        .filter_map(|r| r.url.as_deref())
        .find(|u| u.starts_with("https://") || u.starts_with("http://"))
        .map(str::to_string)
}

/// Parses one STIX bundle.
pub(super) fn parse(input: &Input, _ctx: &ParseContext<'_>) -> FileParse {
    let text = match text_of(&input.bytes) {
        Ok(t) => t,
        Err((msg, at)) => return FileParse::new(FileReport::failed(&input.name, msg, Some(at))),
    };
    let bundle: Bundle = match serde_json::from_str(text) {
        Ok(b) => b,
        Err(e) => {
            return FileParse::new(FileReport::failed(
                &input.name,
                format!("JSON: {e}"),
                Some((e.line(), e.column())),
            ))
        }
    };
    let (Some("bundle"), Some(objects)) = (bundle.kind.as_deref(), bundle.objects) else {
        return FileParse::new(FileReport::skipped(
            &input.name,
            "not a STIX bundle (no \"type\": \"bundle\" with objects)",
        ));
    };
    let by_id: HashMap<&str, &Object> = objects.iter().map(|o| (o.id.as_str(), o)).collect();
    // The reference for an attack-pattern STIX id: its ATT&CK ID when the bundle has it.
    let technique_ref = |stix_id: &str| -> Option<TechRef> {
        if !stix_id.starts_with("attack-pattern--") {
            return None;
        }
        let id = by_id
            .get(stix_id)
            .and_then(|o| attack_id(o))
            .unwrap_or_else(|| stix_id.to_string());
        Some(TechRef::new(id))
    };
    let mut out = FileParse::new(FileReport::parsed(&input.name));
    let mut in_reports: HashSet<&str> = HashSet::new();
    for o in objects
        .iter()
        .filter(|o| o.kind == "report" || o.kind == "grouping")
    {
        let mut refs: Vec<TechRef> = Vec::new();
        for r in &o.object_refs {
            in_reports.insert(r.as_str());
            let target = match by_id.get(r.as_str()) {
                Some(rel) if rel.kind == "relationship" => rel.target_ref.as_deref(),
                _ => Some(r.as_str()),
            };
            if let Some(t) = target.and_then(&technique_ref) {
                if !refs.contains(&t) {
                    refs.push(t);
                }
            }
        }
        out.items.push(Item {
            name: o.name.clone().unwrap_or_else(|| o.id.clone()),
            id: Some(o.id.clone()),
            url: web_link(o),
            file: 0,
            weight: None,
            platforms: None,
            tactics: Vec::new(),
            refs,
        });
    }
    // `uses` relationships outside reports: one item per source object.
    let mut users: BTreeMap<&str, Vec<TechRef>> = BTreeMap::new();
    let mut order: Vec<&str> = Vec::new();
    for rel in objects.iter().filter(|o| {
        o.kind == "relationship"
            && o.relationship_type.as_deref() == Some("uses")
            && !in_reports.contains(o.id.as_str())
    }) {
        let (Some(source), Some(t)) = (
            rel.source_ref.as_deref(),
            rel.target_ref.as_deref().and_then(&technique_ref),
        ) else {
            continue;
        };
        let refs = users.entry(source).or_insert_with(|| {
            order.push(source);
            Vec::new()
        });
        if !refs.contains(&t) {
            refs.push(t);
        }
    }
    for source in order {
        let o = by_id.get(source);
        out.items.push(Item {
            name: o
                .and_then(|o| o.name.clone())
                .unwrap_or_else(|| source.to_string()),
            id: Some(source.to_string()),
            url: o.and_then(|o| web_link(o)),
            file: 0,
            weight: None,
            platforms: None,
            tactics: Vec::new(),
            refs: users.remove(source).unwrap_or_default(),
        });
    }
    if out.items.is_empty() {
        let refs: Vec<TechRef> = objects
            .iter()
            .filter(|o| o.kind == "attack-pattern")
            .filter_map(|o| technique_ref(&o.id))
            .collect();
        if !refs.is_empty() {
            out.report.notes.push(
                "no report and no `uses` relationship: the bundle's attack-patterns are one item"
                    .into(),
            );
            out.items.push(Item {
                name: input.name.clone(),
                id: None,
                url: None,
                file: 0,
                weight: None,
                platforms: None,
                tactics: Vec::new(),
                refs,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::options::MappingFilter;

    #[test]
    fn reports_and_uses_are_items() {
        let bundle = r#"{"type": "bundle", "id": "bundle--1", "objects": [
          {"type": "attack-pattern", "id": "attack-pattern--a", "name": "X",
           "external_references": [{"source_name": "mitre-attack", "external_id": "T1059"}]},
          {"type": "intrusion-set", "id": "intrusion-set--g", "name": "Group G"},
          {"type": "relationship", "id": "relationship--r1", "relationship_type": "uses",
           "source_ref": "intrusion-set--g", "target_ref": "attack-pattern--a"},
          {"type": "relationship", "id": "relationship--r2", "relationship_type": "uses",
           "source_ref": "intrusion-set--g", "target_ref": "attack-pattern--zzz"},
          {"type": "report", "id": "report--1", "name": "Report 1",
           "object_refs": ["relationship--r1", "attack-pattern--b"],
           "external_references": [{"source_name": "web", "url": "https://example.com/r"}]}
        ]}"#;
        let f = MappingFilter::default();
        let ctx = ParseContext {
            weight: None,
            include_deprecated: false,
            min_level: None,
            min_status: None,
            mappings: &f,
        };
        let out = parse(&Input::new("b.json", bundle), &ctx);
        assert_eq!(out.items.len(), 2);
        let ids =
            |i: usize| -> Vec<String> { out.items[i].refs.iter().map(|r| r.id.clone()).collect() };
        assert_eq!(ids(0), ["T1059", "attack-pattern--b"]);
        assert_eq!(out.items[0].url.as_deref(), Some("https://example.com/r"));
        assert_eq!(out.items[1].name, "Group G");
        assert_eq!(ids(1), ["attack-pattern--zzz"]);
    }
}
