//! The search & multiselect panel's answers: techniques found by name, ATT&CK ID or
//! description, and the release's groups (with their attributed campaigns' techniques, as the
//! Navigator lists them), software, mitigations, campaigns, assets, detection strategies and data
//! components, each with the techniques it brings. Every technique list is the catalogue's own
//! (`techniques_used_by`, `techniques_from`, `techniques_targeting`, `techniques_detected_by`).

use navlayer_attack::{Catalogue, ObjectId, ObjectKind, RelationKind};
use serde::Deserialize;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use serde_json::{json, Value};

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
        ObjectKind::DetectionStrategy | ObjectKind::DataComponent => cat.techniques_detected_by(id),
        _ => Vec::new(),
    }
}

/// One object of the panel, prepared once per release: the texts it is matched against and its
/// answer as JSON.
#[derive(Debug)]
struct Item {
    names: Vec<String>,
    id: String,
    description: String,
    json: String,
}

impl Item {
    fn new(cat: &Catalogue, id: ObjectId, techniques: Vec<ObjectId>) -> Item {
        let o = cat.object(id);
        let mut names = vec![o.name.to_lowercase()];
        names.extend(o.aliases.iter().map(|a| a.to_lowercase()));
        Item {
            names,
            id: o.attack_id.as_deref().unwrap_or("").to_ascii_uppercase(),
            description: o.description.as_deref().unwrap_or("").to_lowercase(),
            json: hit(cat, id, techniques).to_string(),
        }
    }

    fn matches(&self, lower: &str, upper: &str, f: Fields) -> bool {
        (f.name && self.names.iter().any(|n| n.contains(lower)))
            || (f.id && !self.id.is_empty() && self.id.contains(upper))
            || (f.description && self.description.contains(lower))
    }
}

/// The panel's lists of one release, prepared once so every query is a filter and a join.
#[derive(Debug)]
pub struct Prepared {
    techniques: Vec<Item>,
    lists: Vec<(&'static str, Vec<Item>)>,
}

impl Prepared {
    /// Prepares the lists of a catalogue (technique lists from the catalogue's relations).
    pub fn new(cat: &Catalogue) -> Prepared {
        let mut techniques: Vec<ObjectId> = cat.active_techniques().collect();
        by_name(cat, &mut techniques);
        let techniques = techniques
            .into_iter()
            .map(|t| Item::new(cat, t, vec![t]))
            .collect();
        let lists = LISTS
            .iter()
            .map(|&(key, kinds)| {
                let mut ids: Vec<ObjectId> =
                    kinds.iter().flat_map(|&k| cat.active_of_kind(k)).collect();
                by_name(cat, &mut ids);
                let items = ids
                    .into_iter()
                    .map(|id| Item::new(cat, id, techniques_of(cat, id)))
                    .collect();
                (key, items)
            })
            .collect();
        Prepared { techniques, lists }
    }

    /// The panel's answer for a query as JSON: `techniques` (only when the query is not empty)
    /// and one list per object kind, each entry with its ATT&CK ID, name, type and technique IDs.
    pub fn answer(&self, q: &str, fields: Fields) -> String {
        let q = q.trim();
        let lower = q.to_lowercase();
        let upper = q.to_ascii_uppercase();
        let mut out = String::with_capacity(4096);
        out.push_str("{\"query\":");
        out.push_str(&Value::String(q.to_string()).to_string());
        let mut list = |key: &str, items: &[Item], all: bool| {
            out.push_str(",\"");
            out.push_str(key);
            out.push_str("\":[");
            let mut first = true;
            for it in items
                .iter()
                .filter(|it| all || it.matches(&lower, &upper, fields))
            {
                if !first {
                    out.push(',');
                }
                first = false;
                out.push_str(&it.json);
            }
            out.push(']');
        };
        if q.is_empty() {
            list("techniques", &[], false);
        } else {
            list("techniques", &self.techniques, false);
        }
        for (key, items) in &self.lists {
            list(key, items, q.is_empty());
        }
        out.push('}');
        out
    }
}

/// Prepared lists per release, kept for the server's lifetime.
#[derive(Debug, Default)]
pub struct Cache {
    map: Mutex<HashMap<String, Arc<Prepared>>>,
}

impl Cache {
    /// The prepared lists of a catalogue, made on first use.
    pub fn get(&self, cat: &Catalogue) -> Arc<Prepared> {
        let key = format!("{}/{}", cat.domain(), cat.release());
        if let Some(p) = self.map.lock().ok().and_then(|m| m.get(&key).cloned()) {
            return p;
        }
        let p = Arc::new(Prepared::new(cat));
        if let Ok(mut m) = self.map.lock() {
            return m.entry(key).or_insert(p).clone();
        }
        p
    }
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
