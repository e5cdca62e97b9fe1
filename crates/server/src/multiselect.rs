//! The search & multiselect panel's answers: techniques found by name, ATT&CK ID or
//! description, and the release's groups (with their attributed campaigns' techniques, as the
//! Navigator lists them), software, mitigations, campaigns, assets, detection strategies and data
//! components, each with the techniques it brings. Every technique list is the catalogue's own
//! (`techniques_used_by`, `techniques_from`, `techniques_targeting`, `techniques_detected_by`).

use navlayer_attack::{Catalogue, ObjectId, ObjectKind, RelationKind};
use serde::Deserialize;
use serde_json::{json, Map, Value};

/// Which texts a query is matched against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fields {
    /// Names and aliases.
    pub name: bool,
    /// ATT&CK IDs.
    pub id: bool,
    /// Descriptions.
    pub description: bool,
}

impl Fields {
    /// `name,id,description` (any subset; empty or missing: name and ID).
    pub fn parse(text: Option<&str>) -> Fields {
        let Some(t) = text.filter(|t| !t.trim().is_empty()) else {
            return Fields {
                name: true,
                id: true,
                description: false,
            };
        };
        let has = |f: &str| t.split(',').any(|x| x.trim().eq_ignore_ascii_case(f));
        Fields {
            name: has("name"),
            id: has("id"),
            description: has("description"),
        }
    }
}

/// Query string of `GET /api/releases/{domain}/{release}/multiselect`.
#[derive(Debug, Deserialize, Default)]
pub struct MultiselectQuery {
    /// Text to find (empty: every object, no techniques).
    pub q: Option<String>,
    /// Fields to search: `name,id,description`.
    pub fields: Option<String>,
}

/// The lists of the panel, in the order it shows them: answer key and the kinds it holds.
const LISTS: [(&str, &[ObjectKind]); 7] = [
    ("groups", &[ObjectKind::Group]),
    ("software", &[ObjectKind::Malware, ObjectKind::Tool]),
    ("mitigations", &[ObjectKind::Mitigation]),
    ("campaigns", &[ObjectKind::Campaign]),
    ("assets", &[ObjectKind::Asset]),
    ("detectionStrategies", &[ObjectKind::DetectionStrategy]),
    ("dataComponents", &[ObjectKind::DataComponent]),
];

/// The techniques an object of the panel's lists brings.
pub fn techniques_of(cat: &Catalogue, id: ObjectId) -> Vec<ObjectId> {
    match cat.object(id).kind {
        ObjectKind::Group | ObjectKind::Malware | ObjectKind::Tool | ObjectKind::Campaign => {
            cat.techniques_used_by(id, true)
        }
        ObjectKind::Mitigation => cat.techniques_from(id, &RelationKind::Mitigates),
        ObjectKind::Asset => cat.techniques_targeting(id),
        ObjectKind::DetectionStrategy | ObjectKind::DataComponent => {
            cat.techniques_detected_by(id)
        }
        _ => Vec::new(),
    }
}

fn matches(cat: &Catalogue, id: ObjectId, lower: &str, upper: &str, f: Fields) -> bool {
    let o = cat.object(id);
    (f.name
        && (o.name.to_lowercase().contains(lower)
            || o.aliases.iter().any(|a| a.to_lowercase().contains(lower))))
        || (f.id
            && o
                .attack_id
                .as_deref()
                .is_some_and(|a| a.to_ascii_uppercase().contains(upper)))
        || (f.description
            && o
                .description
                .as_deref()
                .is_some_and(|d| d.to_lowercase().contains(lower)))
}

fn hit(cat: &Catalogue, id: ObjectId, techniques: Vec<ObjectId>) -> Value {
    let o = cat.object(id);
    let ids: Vec<&str> = techniques
        .into_iter()
        .map(|t| cat.object(t))
        .filter(|t| t.is_active() && t.kind.is_technique())
        .map(|t| t.display_id())
        .collect();
    json!({"id": o.display_id(), "name": o.name, "type": o.kind.label(), "techniques": ids})
}

fn by_name(cat: &Catalogue, ids: &mut [ObjectId]) {
    ids.sort_by(|a, b| {
        let (x, y) = (cat.object(*a), cat.object(*b));
        x.name
            .to_lowercase()
            .cmp(&y.name.to_lowercase())
            .then_with(|| x.display_id().cmp(y.display_id()))
    });
}

/// The panel's answer for a query: `techniques` (only when the query is not empty) and one list
/// per object kind, each entry with its ATT&CK ID, name, type and technique IDs.
pub fn answer(cat: &Catalogue, q: &str, fields: Fields) -> Value {
    let q = q.trim();
    let lower = q.to_lowercase();
    let upper = q.to_ascii_uppercase();
    let found = |id: ObjectId| q.is_empty() || matches(cat, id, &lower, &upper, fields);
    let mut out = Map::new();
    let mut techniques: Vec<ObjectId> = if q.is_empty() {
        Vec::new()
    } else {
        cat.active_techniques().filter(|&t| found(t)).collect()
    };
    by_name(cat, &mut techniques);
    out.insert("query".into(), json!(q));
    out.insert(
        "techniques".into(),
        techniques.into_iter().map(|t| hit(cat, t, vec![t])).collect(),
    );
    for (key, kinds) in LISTS {
        let mut ids: Vec<ObjectId> = kinds
            .iter()
            .flat_map(|&k| cat.active_of_kind(k))
            .filter(|&id| found(id))
            .collect();
        by_name(cat, &mut ids);
        let list: Vec<Value> = ids
            .into_iter()
            .map(|id| hit(cat, id, techniques_of(cat, id)))
            .collect();
        out.insert(key.into(), Value::Array(list));
    }
    Value::Object(out)
}
