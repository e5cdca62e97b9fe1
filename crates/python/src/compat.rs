//! The engine behind `navlayer.compat.MitreAttackData`: the queries of
//! [`navlayer_attack::Query`] by mitreattack-python's method names, returning `StixObject`s
//! (read-only dicts with attribute access, built once per element and shared, as stix2 objects
//! are in a MemoryStore) in mitreattack-python's shapes (`{"object": …, "relationships": […]}`).
//!
//! Glue only: what `Query` answers is passed through. What is shaped here, because `Query` does
//! not (yet) answer it the way mitreattack-python does, is marked at each method:
//! - elements the catalogue does not model (relationships as objects, `identity`,
//!   `marking-definition`) in type, id, content and date queries, in bundle order;
//! - the key sets of the `get_all_…` maps (an object with only revoked related objects is a key
//!   with an empty list, as `get_related` makes it);
//! - alias and platform queries match substrings, as stix2's `contains` filter does on a list
//!   (`Query::objects_by_alias` and `Query::techniques_by_platform` match whole values);
//! - `get_tactics_by_matrix`, which `Query` has no method for.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use navlayer_attack::{
    Catalogue, Direction, ObjectId, ObjectKind, Query, Related, RelationKind, RelationshipId,
};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyList};

use crate::catalogue::PyCatalogue;
use crate::guard::attached;
use crate::json::Decoders;

/// One pair query of mitreattack-python: its relation (for the key set of its `get_all_*` map)
/// and the [`Query`] method answering it.
struct Pair {
    name: &'static str,
    kind: RelationKind,
    direction: Direction,
    own: &'static [&'static str],
    related: &'static [&'static str],
    query: fn(&Query<'_>, ObjectId) -> Vec<Related>,
}

const SOFTWARE: &[&str] = &["tool", "malware"];
const TECHNIQUE: &[&str] = &["attack-pattern"];
const GROUP: &[&str] = &["intrusion-set"];
const CAMPAIGN: &[&str] = &["campaign"];
const MITIGATION: &[&str] = &["course-of-action"];
const COMPONENT: &[&str] = &["x-mitre-data-component"];
const STRATEGY: &[&str] = &["x-mitre-detection-strategy"];
const ASSET: &[&str] = &["x-mitre-asset"];

/// One [`Pair`] per pair query, named after the [`Query`] method that answers it.
macro_rules! pair {
    ($method:ident, $kind:expr, $direction:expr, $own:expr, $related:expr) => {
        Pair {
            name: stringify!($method),
            kind: $kind,
            direction: $direction,
            own: $own,
            related: $related,
            query: |q: &Query<'_>, id: ObjectId| q.$method(id),
        }
    };
}

fn pairs() -> Vec<Pair> {
    use Direction::{Incoming as In, Outgoing as Out};
    use RelationKind as K;
    vec![
        pair!(software_used_by_group, K::Uses, Out, GROUP, SOFTWARE),
        pair!(groups_using_software, K::Uses, In, SOFTWARE, GROUP),
        pair!(software_used_by_campaign, K::Uses, Out, CAMPAIGN, SOFTWARE),
        pair!(campaigns_using_software, K::Uses, In, SOFTWARE, CAMPAIGN),
        pair!(
            groups_attributing_to_campaign,
            K::AttributedTo,
            Out,
            CAMPAIGN,
            GROUP
        ),
        pair!(
            campaigns_attributed_to_group,
            K::AttributedTo,
            In,
            GROUP,
            CAMPAIGN
        ),
        pair!(techniques_used_by_group, K::Uses, Out, GROUP, TECHNIQUE),
        pair!(groups_using_technique, K::Uses, In, TECHNIQUE, GROUP),
        pair!(
            techniques_used_by_campaign,
            K::Uses,
            Out,
            CAMPAIGN,
            TECHNIQUE
        ),
        pair!(campaigns_using_technique, K::Uses, In, TECHNIQUE, CAMPAIGN),
        pair!(
            techniques_used_by_software,
            K::Uses,
            Out,
            SOFTWARE,
            TECHNIQUE
        ),
        pair!(software_using_technique, K::Uses, In, TECHNIQUE, SOFTWARE),
        pair!(
            techniques_mitigated_by_mitigation,
            K::Mitigates,
            Out,
            MITIGATION,
            TECHNIQUE
        ),
        pair!(
            mitigations_mitigating_technique,
            K::Mitigates,
            In,
            TECHNIQUE,
            MITIGATION
        ),
        pair!(
            parent_technique_of_subtechnique,
            K::SubtechniqueOf,
            Out,
            TECHNIQUE,
            TECHNIQUE
        ),
        pair!(
            subtechniques_of_technique,
            K::SubtechniqueOf,
            In,
            TECHNIQUE,
            TECHNIQUE
        ),
        pair!(
            techniques_detected_by_datacomponent,
            K::Detects,
            Out,
            COMPONENT,
            TECHNIQUE
        ),
        pair!(
            datacomponents_detecting_technique,
            K::Detects,
            In,
            TECHNIQUE,
            COMPONENT
        ),
        pair!(techniques_targeting_asset, K::Targets, In, ASSET, TECHNIQUE),
        pair!(
            assets_targeted_by_technique,
            K::Targets,
            Out,
            TECHNIQUE,
            ASSET
        ),
        pair!(
            detection_strategies_detecting_technique,
            K::Detects,
            In,
            TECHNIQUE,
            STRATEGY
        ),
        pair!(
            techniques_detected_by_detection_strategy,
            K::Detects,
            Out,
            STRATEGY,
            TECHNIQUE
        ),
    ]
}

/// Where an element of the bundle went.
#[derive(Debug, Clone, Copy)]
enum Place {
    Object(ObjectId),
    Relationship(RelationshipId),
    Other(usize),
}

/// The STIX type of a STIX id (`attack-pattern--…` → `attack-pattern`).
fn ref_type(stix_id: &str) -> &str {
    stix_id.split_once("--").map_or(stix_id, |(t, _)| t)
}

/// The engine of `navlayer.compat.MitreAttackData`.
#[pyclass(frozen, module = "navlayer._navlayer")]
pub struct CompatCore {
    catalogue: Arc<Catalogue>,
    pairs: Vec<Pair>,
    objects: Vec<OnceLock<Py<PyAny>>>,
    relationships: Vec<OnceLock<Py<PyAny>>>,
    /// Elements of types the catalogue does not model (`identity`, `marking-definition`).
    others: OnceLock<Vec<Py<PyAny>>>,
    relationship_ids: OnceLock<HashMap<String, RelationshipId>>,
    bundle_order: OnceLock<Vec<Place>>,
    /// JSON to `StixObject`s.
    decoders: Decoders,
    /// STIX 2.0: stix2 gives a missing `revoked` as `False`.
    default_revoked: bool,
}

impl CompatCore {
    fn shape_object<'py>(
        &self,
        py: Python<'py>,
        text: Option<&str>,
        cell: &OnceLock<Py<PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        if let Some(done) = cell.get() {
            return Ok(done.bind(py).clone());
        }
        let text = text.ok_or_else(|| {
            pyo3::exceptions::PyRuntimeError::new_err("the catalogue holds no STIX JSON")
        })?;
        let value = self.decoders.stix(py, text, self.default_revoked)?;
        // Built outside the cell and then offered to it: two threads may both build an object,
        // but neither ever waits on the other while attached to the interpreter.
        let _ = cell.set(value.clone().unbind());
        Ok(cell.get().map_or(value, |v| v.bind(py).clone()))
    }

    fn object<'py>(&self, py: Python<'py>, id: ObjectId) -> PyResult<Bound<'py, PyAny>> {
        let cell = &self.objects[id.0 as usize];
        self.shape_object(py, self.catalogue.raw_json(id), cell)
    }

    fn relationship<'py>(
        &self,
        py: Python<'py>,
        id: RelationshipId,
    ) -> PyResult<Bound<'py, PyAny>> {
        let cell = &self.relationships[id.0 as usize];
        self.shape_object(py, self.catalogue.raw_relationship_json(id), cell)
    }

    fn others<'py>(&self, py: Python<'py>) -> PyResult<&Vec<Py<PyAny>>> {
        if self.others.get().is_none() {
            let built = self
                .catalogue
                .raw_other_json()
                .map(|text| {
                    self.decoders
                        .stix(py, text, self.default_revoked)
                        .map(Bound::unbind)
                })
                .collect::<PyResult<Vec<_>>>()?;
            let _ = self.others.set(built);
        }
        Ok(self.others.get().expect("set above"))
    }

    fn relationship_ids(&self) -> &HashMap<String, RelationshipId> {
        self.relationship_ids.get_or_init(|| {
            let mut map = HashMap::with_capacity(self.catalogue.relationships().len());
            for (i, r) in self.catalogue.relationships().iter().enumerate() {
                map.entry(r.stix_id.clone())
                    .or_insert(RelationshipId(i as u32));
            }
            map
        })
    }

    /// Every element of the bundle in file order (read from the ids of the raw JSON once).
    fn bundle_order(&self) -> &[Place] {
        self.bundle_order.get_or_init(|| {
            #[derive(serde::Deserialize)]
            struct Head {
                #[serde(default)]
                id: String,
            }
            let c = &self.catalogue;
            let (mut next_object, mut next_relationship, mut next_other) = (0u32, 0u32, 0usize);
            let mut out = Vec::new();
            // Objects and relationships are in bundle order in the catalogue, and every other
            // element is in `raw_other_json`: walk the three lists in step with the file.
            for text in c.raw_bundle_json() {
                let head: Head = serde_json::from_str(text).unwrap_or(Head { id: String::new() });
                let object = ObjectId(next_object);
                let relationship = RelationshipId(next_relationship);
                if (object.0 as usize) < c.objects().len() && c.object(object).stix_id == head.id {
                    out.push(Place::Object(object));
                    next_object += 1;
                } else if (relationship.0 as usize) < c.relationships().len()
                    && c.relationship(relationship).stix_id == head.id
                {
                    out.push(Place::Relationship(relationship));
                    next_relationship += 1;
                } else {
                    out.push(Place::Other(next_other));
                    next_other += 1;
                }
            }
            out
        })
    }

    fn list<'py, I>(&self, py: Python<'py>, ids: I) -> PyResult<Bound<'py, PyList>>
    where
        I: IntoIterator<Item = ObjectId>,
    {
        let out = PyList::empty(py);
        for id in ids {
            out.append(self.object(py, id)?)?;
        }
        Ok(out)
    }

    fn entries<'py>(&self, py: Python<'py>, related: &[Related]) -> PyResult<Bound<'py, PyList>> {
        let out = PyList::empty(py);
        for entry in related {
            let d = PyDict::new(py);
            d.set_item("object", self.object(py, entry.object)?)?;
            let rels = PyList::empty(py);
            for &r in &entry.relationships {
                rels.append(self.relationship(py, r)?)?;
            }
            d.set_item("relationships", rels)?;
            out.append(d)?;
        }
        Ok(out)
    }

    fn pair(&self, name: &str) -> PyResult<&Pair> {
        self.pairs.iter().find(|p| p.name == name).ok_or_else(|| {
            pyo3::exceptions::PyValueError::new_err(format!("unknown pair query {name:?}"))
        })
    }

    /// True when `id` has an active relationship of the pair's kind, in its direction, whose
    /// other end is of a related type (present or not): mitreattack-python's `get_related` makes
    /// a map key of such an object even when every related object is revoked.
    fn has_direct(&self, pair: &Pair, id: ObjectId) -> bool {
        let c = &self.catalogue;
        let rels = match pair.direction {
            Direction::Outgoing => c.outgoing(id),
            Direction::Incoming => c.incoming(id),
        };
        rels.iter().map(|&r| c.relationship(r)).any(|r| {
            let other = match pair.direction {
                Direction::Outgoing => &r.target_ref,
                Direction::Incoming => &r.source_ref,
            };
            r.kind == pair.kind && r.is_active() && pair.related.contains(&ref_type(other))
        })
    }

    /// Whether a dict-shaped element passes `remove_revoked_deprecated` (`… is False`).
    fn dict_active(py: Python<'_>, d: &Bound<'_, PyAny>) -> PyResult<bool> {
        let no = PyBool::new(py, false);
        for key in ["x_mitre_deprecated", "revoked"] {
            let v = d.call_method1("get", (key, &no))?;
            if !v.is(&*no) {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Every element of the bundle, in file order, passing `keep` (objects and relationships
    /// as typed by the catalogue, other elements as dicts).
    fn every_element<'py>(
        &self,
        py: Python<'py>,
        mut keep_object: impl FnMut(ObjectId) -> bool,
        mut keep_relationship: impl FnMut(RelationshipId) -> bool,
        mut keep_other: impl FnMut(&Bound<'py, PyAny>) -> PyResult<bool>,
    ) -> PyResult<Bound<'py, PyList>> {
        let out = PyList::empty(py);
        let others = self.others(py)?;
        for place in self.bundle_order() {
            match *place {
                Place::Object(id) if keep_object(id) => out.append(self.object(py, id)?)?,
                Place::Relationship(id) if keep_relationship(id) => {
                    out.append(self.relationship(py, id)?)?
                }
                Place::Other(i) => {
                    if let Some(o) = others.get(i) {
                        let o = o.bind(py);
                        if keep_other(o)? {
                            out.append(o)?;
                        }
                    }
                }
                _ => {}
            }
        }
        Ok(out)
    }

    fn after<'py>(
        &self,
        py: Python<'py>,
        timestamp: &str,
        active_only: bool,
        field: &str,
        objects: Option<Vec<ObjectId>>,
    ) -> PyResult<Bound<'py, PyList>> {
        let Some(objects) = objects else {
            return Err(pyo3::exceptions::PyValueError::new_err(format!(
                "{timestamp:?} is not an ISO 8601 date or date-time"
            )));
        };
        let Some(after) = navlayer_attack::Timestamp::parse(timestamp) else {
            return Err(pyo3::exceptions::PyValueError::new_err(format!(
                "{timestamp:?} is not an ISO 8601 date or date-time"
            )));
        };
        let keep: std::collections::HashSet<ObjectId> = objects.into_iter().collect();
        let c = &self.catalogue;
        let later = |text: Option<String>| {
            text.and_then(|t| navlayer_attack::Timestamp::parse(&t))
                .is_some_and(|t| t > after)
        };
        self.every_element(
            py,
            |id| keep.contains(&id),
            |r| {
                (!active_only || c.relationship(r).is_active())
                    && later(raw_field(c.raw_relationship_json(r), field))
            },
            |o| {
                if active_only && !Self::dict_active(py, o)? {
                    return Ok(false);
                }
                let text: Option<String> = match o.get_item(field) {
                    Ok(v) => v
                        .call_method0("isoformat")
                        .or_else(|_| v.str().map(|s| s.into_any()))
                        .ok()
                        .and_then(|s| s.extract().ok()),
                    Err(_) => None,
                };
                Ok(later(text))
            },
        )
    }
}

/// One top-level string field of an element's raw JSON.
fn raw_field(text: Option<&str>, field: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(text?).ok()?;
    value.get(field)?.as_str().map(str::to_string)
}

#[pymethods]
impl CompatCore {
    #[new]
    fn new(py: Python<'_>, catalogue: &PyCatalogue) -> PyResult<CompatCore> {
        let c = Arc::clone(&catalogue.inner);

        Ok(CompatCore {
            decoders: Decoders::new(py)?,
            default_revoked: c.spec_version().starts_with("2.0"),
            objects: (0..c.objects().len()).map(|_| OnceLock::new()).collect(),
            relationships: (0..c.relationships().len())
                .map(|_| OnceLock::new())
                .collect(),
            catalogue: c,
            pairs: pairs(),
            others: OnceLock::new(),
            relationship_ids: OnceLock::new(),
            bundle_order: OnceLock::new(),
        })
    }

    /// The catalogue queried.
    #[getter]
    fn catalogue(&self) -> PyCatalogue {
        PyCatalogue {
            inner: Arc::clone(&self.catalogue),
        }
    }

    /// `get_objects_by_type`: objects of a STIX type, relationships (`"relationship"`) or
    /// other elements (`"identity"`, `"marking-definition"`), in bundle order.
    fn objects_by_type<'py>(
        &self,
        py: Python<'py>,
        stix_type: &str,
        active_only: bool,
    ) -> PyResult<Bound<'py, PyList>> {
        attached(py, || {
            let c = &self.catalogue;
            if stix_type == "relationship" {
                let out = PyList::empty(py);
                for (i, r) in c.relationships().iter().enumerate() {
                    if !active_only || r.is_active() {
                        out.append(self.relationship(py, RelationshipId(i as u32))?)?;
                    }
                }
                return Ok(out);
            }
            if ObjectKind::ALL.iter().any(|k| k.stix_type() == stix_type) {
                return self.list(py, c.query().objects_by_type(stix_type, active_only));
            }
            let out = PyList::empty(py);
            for o in self.others(py)? {
                let o = o.bind(py);
                let same = o
                    .get_item("type")
                    .ok()
                    .and_then(|t| t.extract::<String>().ok())
                    == Some(stix_type.to_string());
                if same && (!active_only || Self::dict_active(py, o)?) {
                    out.append(o)?;
                }
            }
            Ok(out)
        })
    }

    /// `get_techniques` / `get_subtechniques`: attack-patterns of the kinds asked for.
    fn techniques<'py>(
        &self,
        py: Python<'py>,
        techniques: bool,
        subtechniques: bool,
        active_only: bool,
    ) -> PyResult<Bound<'py, PyList>> {
        attached(py, || {
            let c = &self.catalogue;
            let ids = c.ids().filter(|&id| {
                let o = c.object(id);
                let wanted = match o.kind {
                    ObjectKind::Technique => techniques,
                    ObjectKind::SubTechnique => subtechniques,
                    _ => false,
                };
                wanted && (!active_only || o.is_active())
            });
            self.list(py, ids.collect::<Vec<_>>())
        })
    }

    /// `get_object_by_stix_id`: any element of the bundle, or `None`.
    fn by_stix_id<'py>(
        &self,
        py: Python<'py>,
        stix_id: &str,
    ) -> PyResult<Option<Bound<'py, PyAny>>> {
        attached(py, || {
            if let Some(id) = self.catalogue.by_stix_id(stix_id) {
                return self.object(py, id).map(Some);
            }
            if let Some(&r) = self.relationship_ids().get(stix_id) {
                return self.relationship(py, r).map(Some);
            }
            for o in self.others(py)? {
                let o = o.bind(py);
                if o.get_item("id")
                    .ok()
                    .and_then(|v| v.extract::<String>().ok())
                    .as_deref()
                    == Some(stix_id)
                {
                    return Ok(Some(o.clone()));
                }
            }
            Ok(None)
        })
    }

    /// `get_object_by_attack_id`.
    fn by_attack_id<'py>(
        &self,
        py: Python<'py>,
        attack_id: &str,
        stix_type: &str,
    ) -> PyResult<Option<Bound<'py, PyAny>>> {
        attached(py, || {
            match self
                .catalogue
                .query()
                .object_by_attack_id(attack_id, stix_type)
            {
                Some(id) => self.object(py, id).map(Some),
                None => Ok(None),
            }
        })
    }

    /// `get_objects_by_name`.
    fn by_name<'py>(
        &self,
        py: Python<'py>,
        name: &str,
        stix_type: Option<&str>,
    ) -> PyResult<Bound<'py, PyList>> {
        attached(py, || {
            self.list(py, self.catalogue.query().objects_by_name(name, stix_type))
        })
    }

    /// `get_groups_by_alias`, `get_campaigns_by_alias`, `get_software_by_alias`: objects whose
    /// STIX type is one of `stix_types` (in that order of types) with an alias *containing*
    /// `alias` (case-sensitive). stix2's `contains` filter on a list property tests each element
    /// with Python's `in`, a substring test for strings, so "Dragonfly" also finds "Dragonfly 2.0";
    /// `Query::objects_by_alias` matches whole aliases, hence this filter here.
    fn by_alias<'py>(
        &self,
        py: Python<'py>,
        alias: &str,
        stix_types: Vec<String>,
    ) -> PyResult<Bound<'py, PyList>> {
        attached(py, || {
            let c = &self.catalogue;
            let mut ids = Vec::new();
            for t in &stix_types {
                ids.extend(c.ids().filter(|&id| {
                    let o = c.object(id);
                    o.kind.stix_type() == t && o.aliases.iter().any(|a| a.contains(alias))
                }));
            }
            self.list(py, ids)
        })
    }

    /// `get_objects_by_content`: objects (and, with no type or `"relationship"`, relationships)
    /// whose description contains `content`, ignoring case, in bundle order.
    #[pyo3(signature = (content, stix_type, active_only))]
    fn by_content<'py>(
        &self,
        py: Python<'py>,
        content: &str,
        stix_type: Option<&str>,
        active_only: bool,
    ) -> PyResult<Bound<'py, PyList>> {
        attached(py, || {
            let c = &self.catalogue;
            let needle = content.to_lowercase();
            let objects: std::collections::HashSet<ObjectId> = match stix_type {
                Some("relationship") => Default::default(),
                _ => c
                    .query()
                    .objects_by_content(content, stix_type, active_only)
                    .into_iter()
                    .collect(),
            };
            let with_relationships = matches!(stix_type, None | Some("relationship"));
            self.every_element(
                py,
                |id| objects.contains(&id),
                |r| {
                    let r = c.relationship(r);
                    with_relationships
                        && (!active_only || r.is_active())
                        && r.description
                            .as_ref()
                            .is_some_and(|d| d.to_lowercase().contains(&needle))
                },
                |o| {
                    if stix_type.is_some() || (active_only && !Self::dict_active(py, o)?) {
                        return Ok(false);
                    }
                    let d: String = o
                        .call_method1("get", ("description", ""))?
                        .extract()
                        .unwrap_or_default();
                    Ok(d.to_lowercase().contains(&needle))
                },
            )
        })
    }

    /// `get_techniques_by_platform`: techniques with a platform *containing* `platform`
    /// (case-sensitive; stix2's `contains` on a list, as for aliases: "Office" finds
    /// "Office Suite"), in bundle order.
    fn by_platform<'py>(
        &self,
        py: Python<'py>,
        platform: &str,
        active_only: bool,
    ) -> PyResult<Bound<'py, PyList>> {
        attached(py, || {
            let c = &self.catalogue;
            let ids: Vec<ObjectId> = c
                .ids()
                .filter(|&id| {
                    let o = c.object(id);
                    o.kind.is_technique()
                        && (!active_only || o.is_active())
                        && o.platforms.iter().any(|p| p.contains(platform))
                })
                .collect();
            self.list(py, ids)
        })
    }

    /// `get_techniques_by_tactic` (by short name; the domain is checked by the caller).
    fn by_tactic<'py>(
        &self,
        py: Python<'py>,
        shortname: &str,
        active_only: bool,
    ) -> PyResult<Bound<'py, PyList>> {
        attached(py, || {
            self.list(
                py,
                self.catalogue
                    .query()
                    .techniques_by_tactic(shortname, active_only),
            )
        })
    }

    /// `get_objects_created_after`: every element created strictly after `timestamp`.
    fn created_after<'py>(
        &self,
        py: Python<'py>,
        timestamp: &str,
        active_only: bool,
    ) -> PyResult<Bound<'py, PyList>> {
        attached(py, || {
            let objects = self
                .catalogue
                .query()
                .objects_created_after(timestamp, active_only);
            self.after(py, timestamp, active_only, "created", objects)
        })
    }

    /// `get_objects_modified_after`: every element modified strictly after `timestamp`.
    fn modified_after<'py>(
        &self,
        py: Python<'py>,
        timestamp: &str,
        active_only: bool,
    ) -> PyResult<Bound<'py, PyList>> {
        attached(py, || {
            let objects = self
                .catalogue
                .query()
                .objects_modified_after(timestamp, active_only);
            self.after(py, timestamp, active_only, "modified", objects)
        })
    }

    /// `get_tactics_by_matrix`: matrix name → its tactics in matrix order (`None` for a
    /// reference the bundle does not hold).
    fn tactics_by_matrix<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        attached(py, || {
            let c = &self.catalogue;
            let out = PyDict::new(py);
            for id in c
                .ids()
                .filter(|&id| c.object(id).kind == ObjectKind::Matrix)
            {
                let tactics = PyList::empty(py);
                for r in &c.object(id).tactic_refs {
                    match c.by_stix_id(r) {
                        Some(t) => tactics.append(self.object(py, t)?)?,
                        None => tactics.append(py.None())?,
                    }
                }
                out.set_item(&c.object(id).name, tactics)?;
            }
            Ok(out)
        })
    }

    /// Whether the bundle holds an element with this STIX id (object, relationship, other).
    fn contains(&self, py: Python<'_>, stix_id: &str) -> PyResult<bool> {
        Ok(self.by_stix_id(py, stix_id)?.is_some())
    }

    /// `get_tactics_by_technique`.
    fn tactics_by_technique<'py>(
        &self,
        py: Python<'py>,
        stix_id: &str,
    ) -> PyResult<Bound<'py, PyList>> {
        attached(py, || match self.catalogue.by_stix_id(stix_id) {
            Some(id) => self.list(py, self.catalogue.query().tactics_by_technique(id)),
            None => Ok(PyList::empty(py)),
        })
    }

    /// `get_procedure_examples_by_technique`.
    fn procedure_examples<'py>(
        &self,
        py: Python<'py>,
        stix_id: &str,
    ) -> PyResult<Bound<'py, PyList>> {
        attached(py, || {
            let out = PyList::empty(py);
            if let Some(id) = self.catalogue.by_stix_id(stix_id) {
                for r in self.catalogue.query().procedure_examples_by_technique(id) {
                    out.append(self.relationship(py, r)?)?;
                }
            }
            Ok(out)
        })
    }

    /// `get_techniques_used_by_group_software`.
    fn techniques_used_by_group_software<'py>(
        &self,
        py: Python<'py>,
        stix_id: &str,
    ) -> PyResult<Bound<'py, PyList>> {
        attached(py, || match self.catalogue.by_stix_id(stix_id) {
            Some(id) => self.list(
                py,
                self.catalogue.query().techniques_used_by_group_software(id),
            ),
            None => Ok(PyList::empty(py)),
        })
    }

    /// `get_analytics_by_detection_strategy`.
    fn analytics_by_detection_strategy<'py>(
        &self,
        py: Python<'py>,
        stix_id: &str,
        active_only: bool,
    ) -> PyResult<Bound<'py, PyList>> {
        attached(py, || match self.catalogue.by_stix_id(stix_id) {
            Some(id) => self.list(
                py,
                self.catalogue
                    .query()
                    .analytics_of_detection_strategy(id, active_only),
            ),
            None => Ok(PyList::empty(py)),
        })
    }

    /// `get_revoking_object`.
    fn revoking_object<'py>(
        &self,
        py: Python<'py>,
        stix_id: &str,
    ) -> PyResult<Option<Bound<'py, PyAny>>> {
        attached(py, || {
            let c = &self.catalogue;
            match c
                .by_stix_id(stix_id)
                .and_then(|id| c.query().revoking_object(id))
            {
                Some(id) => self.object(py, id).map(Some),
                None => Ok(None),
            }
        })
    }

    /// One pair query (`techniques_used_by_group`, …) for one STIX id: its entries.
    fn related<'py>(
        &self,
        py: Python<'py>,
        name: &str,
        stix_id: &str,
    ) -> PyResult<Bound<'py, PyList>> {
        attached(py, || {
            let pair = self.pair(name)?;
            match self.catalogue.by_stix_id(stix_id) {
                Some(id) => self.entries(py, &(pair.query)(&self.catalogue.query(), id)),
                None => Ok(PyList::empty(py)),
            }
        })
    }

    /// One pair query for every object (`get_all_…`): STIX id → entries.
    fn related_map<'py>(&self, py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyDict>> {
        attached(py, || {
            let pair = self.pair(name)?;
            let c = &self.catalogue;
            let q = c.query();
            let out = PyDict::new(py);
            for id in c.ids() {
                let o = c.object(id);
                if !pair.own.contains(&o.kind.stix_type()) {
                    continue;
                }
                let found = (pair.query)(&q, id);
                if !found.is_empty() || self.has_direct(pair, id) {
                    out.set_item(&o.stix_id, self.entries(py, &found)?)?;
                }
            }
            Ok(out)
        })
    }

    /// `get_related(source_type, relationship_type, target_type, reverse)`: the general pair
    /// query, one map entry per object with an active relationship of that type.
    fn related_general<'py>(
        &self,
        py: Python<'py>,
        source_type: &str,
        relationship_type: &str,
        target_type: &str,
        reverse: bool,
    ) -> PyResult<Bound<'py, PyDict>> {
        attached(py, || {
            let c = &self.catalogue;
            let kind = RelationKind::from_stix(relationship_type);
            let (direction, own, related) = if reverse {
                (Direction::Incoming, target_type, source_type)
            } else {
                (Direction::Outgoing, source_type, target_type)
            };
            let out = PyDict::new(py);
            for id in c.ids() {
                if c.object(id).kind.stix_type() != own {
                    continue;
                }
                let rels = match direction {
                    Direction::Outgoing => c.outgoing(id),
                    Direction::Incoming => c.incoming(id),
                };
                let direct = rels.iter().map(|&r| c.relationship(r)).any(|r| {
                    let other = if reverse {
                        &r.source_ref
                    } else {
                        &r.target_ref
                    };
                    r.kind == kind && r.is_active() && ref_type(other) == related
                });
                if direct {
                    let found = c.query().related(id, &kind, direction, &[own], &[related]);
                    out.set_item(&c.object(id).stix_id, self.entries(py, &found)?)?;
                }
            }
            Ok(out)
        })
    }
}
