//! The context every sheet is built from (the catalogue and each object's STIX JSON) and the
//! ordered set of sheets of one object type (pandas' dict of DataFrames).

use navlayer_attack::{Catalogue, Domain, ObjectId, RelationshipId};
use rayon::prelude::*;
use serde_json::Value;

use crate::table::{str_field, Row, Table};
use crate::ExportError;

/// What the sheets read of a relationship's STIX JSON (parsed into this, not a whole tree: there
/// are 20,000 of them).
#[derive(Debug, Default, serde::Deserialize)]
pub(crate) struct RelJson {
    pub description: Option<String>,
    pub created: Option<String>,
    pub modified: Option<String>,
    pub external_references: Option<Value>,
}

/// The catalogue with every object and relationship parsed from its STIX JSON.
pub(crate) struct Stix<'a> {
    pub cat: &'a Catalogue,
    pub domain: Domain,
    objects: Vec<Value>,
    relationships: Vec<RelJson>,
    /// Every relationship as attackToExcel's row, built on first use.
    pub relationship_rows: std::sync::OnceLock<crate::relationships::AllRows>,
}

impl<'a> Stix<'a> {
    pub fn new(cat: &'a Catalogue) -> Result<Stix<'a>, ExportError> {
        if !cat.has_raw_json() {
            return Err(ExportError::NoRawJson);
        }
        let parse = |text: Option<&str>| -> Value {
            text.and_then(|t| serde_json::from_str(t).ok())
                .unwrap_or(Value::Null)
        };
        let objects = (0..cat.objects().len() as u32)
            .into_par_iter()
            .map(|i| parse(cat.raw_json(ObjectId(i))))
            .collect();
        let relationships = (0..cat.relationships().len() as u32)
            .into_par_iter()
            .map(|i| {
                cat.raw_relationship_json(RelationshipId(i))
                    .and_then(|t| serde_json::from_str(t).ok())
                    .unwrap_or_default()
            })
            .collect();
        Ok(Stix {
            cat,
            domain: cat.domain(),
            objects,
            relationships,
            relationship_rows: std::sync::OnceLock::new(),
        })
    }

    /// Frees the parsed JSON on another thread, so that writing the workbooks need not wait for
    /// it (inline if no thread can be started).
    pub fn release(self) {
        let parsed = (self.objects, self.relationships, self.relationship_rows);
        // When no thread can be started, the closure, and the JSON with it, is dropped here.
        let _ = std::thread::Builder::new()
            .name("navlayer-export-free".into())
            .spawn(move || drop(parsed));
    }

    pub fn obj(&self, id: ObjectId) -> &Value {
        &self.objects[id.0 as usize]
    }

    pub fn rel(&self, id: RelationshipId) -> &RelJson {
        &self.relationships[id.0 as usize]
    }

    /// The object with this STIX id (`src.get`).
    pub fn get(&self, stix_id: &str) -> Option<ObjectId> {
        self.cat.by_stix_id(stix_id)
    }

    /// Active objects of these STIX types, in bundle order within each type, types in order.
    pub fn active(&self, types: &[&str]) -> Vec<ObjectId> {
        let mut out = Vec::new();
        for t in types {
            out.extend(self.cat.ids().filter(|&id| {
                let o = self.cat.object(id);
                o.kind.stix_type() == *t && o.is_active()
            }));
        }
        out
    }

    /// Active relationships, in bundle order.
    pub fn active_relationships(&self) -> Vec<RelationshipId> {
        (0..self.cat.relationships().len() as u32)
            .map(RelationshipId)
            .filter(|&r| self.cat.relationship(r).is_active())
            .collect()
    }
}

/// Citations of objects (`get_citations`): every external reference without an external ID, with
/// a description that is not itself a citation, once per source name (the first).
pub(crate) fn citations<'v>(values: impl Iterator<Item = &'v Value>) -> Table {
    citations_of_refs(values.map(|v| v.get("external_references")))
}

/// [`citations`] from the `external_references` arrays themselves.
pub(crate) fn citations_of_refs<'v>(arrays: impl Iterator<Item = Option<&'v Value>>) -> Table {
    let mut table = Table::default();
    let mut seen = std::collections::HashSet::new();
    for refs in arrays {
        let Some(refs) = refs.and_then(Value::as_array) else {
            continue;
        };
        for r in refs {
            let (Some(source), Some(description)) =
                (str_field(r, "source_name"), str_field(r, "description"))
            else {
                continue;
            };
            if r.get("external_id").is_some() || description.starts_with("(Citation: ") {
                continue;
            }
            if !seen.insert(source.to_string()) {
                continue;
            }
            let mut row = Row::default();
            row.text("reference", source);
            row.text("citation", description);
            if let Some(url) = str_field(r, "url") {
                row.text("url", url);
            }
            table.push(row);
        }
    }
    table
}

/// The sheets of one object type, in order; inserting an existing name replaces it in place.
#[derive(Debug, Default)]
pub(crate) struct Frames(pub Vec<(String, Table)>);

impl Frames {
    pub fn insert(&mut self, name: &str, table: Table) {
        match self.0.iter_mut().find(|(n, _)| n == name) {
            Some(slot) => slot.1 = table,
            None => self.0.push((name.to_string(), table)),
        }
    }

    /// Appends `extra` to the `citations` sheet (pandas `concat`), or adds it, when not empty.
    pub fn merge_citations(&mut self, extra: Table) {
        if extra.is_empty() {
            return;
        }
        match self.0.iter_mut().find(|(n, _)| n == "citations") {
            Some((_, existing)) => {
                for row in extra.rows() {
                    existing.push(row.clone());
                }
            }
            None => self.0.push(("citations".into(), extra)),
        }
    }
}
