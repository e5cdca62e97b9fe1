//! Building one object's layer, following attack.mitre.org's `technique_used_helper` and
//! `get_navigator_layers` (modules/util/buildhelpers.py) step by step.

use std::collections::{HashMap, HashSet};

use navlayer_attack::{
    AttackObject, Catalogue, Domain, ObjectId, ObjectKind, RelationKind, Relationship,
};

use crate::clean::bleach_clean;
use crate::pyjson::write_str;
use crate::{GenerateError, LayerKind};

/// Colour of techniques used by the object itself (and the gradient's top).
pub const COLOR_USED: &str = "#66b1ff";
/// Colour of techniques a group inherits only from campaigns attributed to it.
pub const COLOR_INHERITED: &str = "#ff6666";
/// Colour of techniques used both by a group and by a campaign attributed to it.
pub const COLOR_BOTH: &str = "#ff66f4";
/// The gradient's bottom colour.
pub const COLOR_UNUSED: &str = "#ffffff";

/// The versions block of generated layers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenerateOptions {
    /// `versions.layer` (the website: `4.5`).
    pub layer_version: String,
    /// `versions.navigator` (the website: `5.3.2`).
    pub navigator_version: String,
}

impl Default for GenerateOptions {
    fn default() -> Self {
        GenerateOptions {
            layer_version: "4.5".into(),
            navigator_version: "5.3.2".into(),
        }
    }
}

/// The colour codes of the website's `colorMap`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Colour {
    /// No colour (a parent created as a placeholder for its sub-techniques).
    None,
    /// Used by the object.
    Used,
    /// Inherited from a campaign only.
    Inherited,
    /// Both.
    Both,
}

impl Colour {
    fn hex(self) -> Option<&'static str> {
        match self {
            Colour::None => None,
            Colour::Used => Some(COLOR_USED),
            Colour::Inherited => Some(COLOR_INHERITED),
            Colour::Both => Some(COLOR_BOTH),
        }
    }
}

/// One entry of `techniques`, keys in the website's order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TechniqueEntry {
    /// `techniqueID`.
    pub technique_id: String,
    /// `comment`: the cleaned relationship description(s), when there is one.
    pub comment: Option<String>,
    /// `score`: 1 when present.
    pub score: Option<u8>,
    /// `color`, when set.
    pub color: Option<&'static str>,
    /// `showSubtechniques`.
    pub show_subtechniques: bool,
}

/// One legend item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LegendItem {
    /// `label`.
    pub label: String,
    /// `color`.
    pub color: &'static str,
}

/// A generated layer: what attack.mitre.org publishes as `<ID>-<domain>-layer.json`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedLayer {
    /// The object the layer is about.
    pub object: ObjectId,
    /// Its layer kind.
    pub kind: LayerKind,
    /// Its ATT&CK ID.
    pub attack_id: String,
    /// The domain of the layer.
    pub domain: Domain,
    /// `description`.
    pub description: String,
    /// `name`.
    pub name: String,
    /// `versions.layer`.
    pub layer_version: String,
    /// `versions.attack` (major version of the release).
    pub attack_version: String,
    /// `versions.navigator`.
    pub navigator_version: String,
    /// `techniques`.
    pub techniques: Vec<TechniqueEntry>,
    /// `legendItems`.
    pub legend_items: Vec<LegendItem>,
}

impl GeneratedLayer {
    /// The website's file name: `M1038-enterprise-layer.json`.
    pub fn file_name(&self) -> String {
        format!("{}-{}-layer.json", self.attack_id, self.domain.short_name())
    }

    /// The layer as Python's `json.dumps(layer)` writes it: the exact bytes of the website's file.
    pub fn to_json(&self) -> String {
        let mut out = String::with_capacity(512 + self.techniques.len() * 256);
        out.push_str("{\"description\": ");
        write_str(&mut out, &self.description);
        out.push_str(", \"name\": ");
        write_str(&mut out, &self.name);
        out.push_str(", \"domain\": ");
        write_str(&mut out, self.domain.stix_name());
        out.push_str(", \"versions\": {\"layer\": ");
        write_str(&mut out, &self.layer_version);
        out.push_str(", \"attack\": ");
        write_str(&mut out, &self.attack_version);
        out.push_str(", \"navigator\": ");
        write_str(&mut out, &self.navigator_version);
        out.push_str("}, \"techniques\": [");
        for (i, t) in self.techniques.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            out.push_str("{\"techniqueID\": ");
            write_str(&mut out, &t.technique_id);
            if let Some(comment) = &t.comment {
                out.push_str(", \"comment\": ");
                write_str(&mut out, comment);
            }
            if let Some(score) = t.score {
                out.push_str(", \"score\": ");
                out.push_str(&score.to_string());
            }
            if let Some(color) = t.color {
                out.push_str(", \"color\": ");
                write_str(&mut out, color);
            }
            out.push_str(", \"showSubtechniques\": ");
            out.push_str(if t.show_subtechniques {
                "true"
            } else {
                "false"
            });
            out.push('}');
        }
        out.push_str("], \"gradient\": {\"colors\": [");
        write_str(&mut out, COLOR_UNUSED);
        out.push_str(", ");
        write_str(&mut out, COLOR_USED);
        out.push_str("], \"minValue\": 0, \"maxValue\": 1}, \"legendItems\": [");
        for (i, item) in self.legend_items.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            out.push_str("{\"label\": ");
            write_str(&mut out, &item.label);
            out.push_str(", \"color\": ");
            write_str(&mut out, item.color);
            out.push('}');
        }
        out.push_str("]}");
        out
    }

    /// The layer as a JSON value (keys in the website's order).
    pub fn to_value(&self) -> serde_json::Value {
        use serde_json::{json, Map, Value};
        let techniques: Vec<Value> = self
            .techniques
            .iter()
            .map(|t| {
                let mut m = Map::new();
                m.insert("techniqueID".into(), json!(t.technique_id));
                if let Some(c) = &t.comment {
                    m.insert("comment".into(), json!(c));
                }
                if let Some(s) = t.score {
                    m.insert("score".into(), json!(s));
                }
                if let Some(c) = t.color {
                    m.insert("color".into(), json!(c));
                }
                m.insert("showSubtechniques".into(), json!(t.show_subtechniques));
                Value::Object(m)
            })
            .collect();
        let legend: Vec<Value> = self
            .legend_items
            .iter()
            .map(|l| json!({"label": l.label, "color": l.color}))
            .collect();
        json!({
            "description": self.description,
            "name": self.name,
            "domain": self.domain.stix_name(),
            "versions": {
                "layer": self.layer_version,
                "attack": self.attack_version,
                "navigator": self.navigator_version,
            },
            "techniques": techniques,
            "gradient": {"colors": [COLOR_UNUSED, COLOR_USED], "minValue": 0, "maxValue": 1},
            "legendItems": legend,
        })
    }
}

/// Generates layers from one catalogue. Holds what every layer of the catalogue shares.
pub struct Generator<'a> {
    catalogue: &'a Catalogue,
    options: GenerateOptions,
    /// For each relationship (bundle order): false when an earlier one has the same STIX id.
    first_of_id: Vec<bool>,
}

impl<'a> Generator<'a> {
    /// Prepares generation from `catalogue`.
    pub fn new(catalogue: &'a Catalogue, options: GenerateOptions) -> Generator<'a> {
        let mut seen: HashSet<&str> = HashSet::with_capacity(catalogue.relationships().len());
        let first_of_id = catalogue
            .relationships()
            .iter()
            .map(|r| seen.insert(r.stix_id.as_str()))
            .collect();
        Generator {
            catalogue,
            options,
            first_of_id,
        }
    }

    /// The catalogue layers are generated from.
    pub fn catalogue(&self) -> &'a Catalogue {
        self.catalogue
    }

    /// The layer of one object (a mitigation, group, malware, tool, campaign or asset).
    pub fn generate(&self, object: ObjectId) -> Result<GeneratedLayer, GenerateError> {
        let cat = self.catalogue;
        let o = cat.object(object);
        let kind = LayerKind::of_object(o.kind).ok_or_else(|| GenerateError::NotGeneratable {
            id: o.display_id().to_string(),
            found: o.kind.label().to_string(),
        })?;
        let attack_id = o
            .attack_id
            .clone()
            .ok_or_else(|| GenerateError::NoAttackId {
                stix_id: o.stix_id.clone(),
            })?;
        if o.revoked {
            let replacement = cat
                .replacement_of(object)
                .map(|r| format!(" by {}", cat.object(r).display_id()))
                .unwrap_or_default();
            return Err(GenerateError::Revoked {
                id: attack_id,
                name: o.name.clone(),
                replacement,
            });
        }

        let mut list = TechniqueList::new(self, &attack_id);
        // The object's own relationships, in bundle order.
        match kind {
            LayerKind::Mitigation => {
                for (r, t) in self.related(object, &RelationKind::Mitigates, true) {
                    list.add(t, r, false)?;
                }
            }
            LayerKind::Group | LayerKind::Software | LayerKind::Campaign => {
                for (r, t) in self.related(object, &RelationKind::Uses, true) {
                    list.add(t, r, false)?;
                }
            }
            LayerKind::Asset => {
                for (r, t) in self.related(object, &RelationKind::Targets, false) {
                    list.add(t, r, false)?;
                }
            }
        }
        // A group inherits the techniques of the campaigns attributed to it.
        let mut inheritance = false;
        if kind == LayerKind::Group {
            for &rid in cat.incoming(object) {
                let r = cat.relationship(rid);
                if !self.usable(rid.0 as usize, r, &RelationKind::AttributedTo) {
                    continue;
                }
                let Some(campaign) = r.source else { continue };
                let c = cat.object(campaign);
                if c.kind != ObjectKind::Campaign || c.revoked {
                    continue;
                }
                for (r, t) in self.related(campaign, &RelationKind::Uses, true) {
                    inheritance = true;
                    list.add(t, r, true)?;
                }
            }
        }

        let techniques = list.into_entries();
        let domain = cat.domain();
        if techniques.is_empty() {
            return Err(GenerateError::NoTechniques {
                id: attack_id,
                name: o.name.clone(),
                verb: kind.verb(),
                domain: domain.display_name(),
                release: cat.release().to_string(),
            });
        }
        let name = &o.name;
        let mut description = format!(
            "{} techniques {} {name}, ATT&CK {} {attack_id}",
            domain.display_name(),
            kind.verb(),
            kind.as_str()
        );
        if let Some(v) = o.version.as_deref().filter(|v| !v.is_empty()) {
            description.push_str(&format!(" (v{v})"));
        }
        let mut legend_items = vec![LegendItem {
            label: format!("{} {name}", kind.verb()),
            color: COLOR_USED,
        }];
        if inheritance {
            legend_items.push(LegendItem {
                label: format!("used by a campaign attributed to {name}"),
                color: COLOR_INHERITED,
            });
            legend_items.push(LegendItem {
                label: format!("used by {name} and used by a campaign attributed to {name}"),
                color: COLOR_BOTH,
            });
        }
        Ok(GeneratedLayer {
            object,
            kind,
            name: format!("{name} ({attack_id})"),
            attack_id,
            domain,
            description,
            layer_version: self.options.layer_version.clone(),
            attack_version: cat.release().major.to_string(),
            navigator_version: self.options.navigator_version.clone(),
            techniques,
            legend_items,
        })
    }

    /// A relationship the website reads: the wanted type, neither revoked nor deprecated, the
    /// first with its STIX id.
    fn usable(&self, index: usize, r: &Relationship, kind: &RelationKind) -> bool {
        r.kind == *kind && !r.revoked && !r.deprecated && self.first_of_id[index]
    }

    /// Techniques related to `object` through usable relationships of `kind` (outgoing when
    /// `outgoing`, else incoming), in bundle order: skipping revoked and deprecated techniques.
    fn related(
        &self,
        object: ObjectId,
        kind: &RelationKind,
        outgoing: bool,
    ) -> Vec<(&'a Relationship, ObjectId)> {
        let cat = self.catalogue;
        let rels = if outgoing {
            cat.outgoing(object)
        } else {
            cat.incoming(object)
        };
        rels.iter()
            .filter_map(|&rid| {
                let r = cat.relationship(rid);
                if !self.usable(rid.0 as usize, r, kind) {
                    return None;
                }
                let t = if outgoing { r.target } else { r.source }?;
                let o = cat.object(t);
                (o.kind.is_technique() && !o.revoked && !o.deprecated).then_some((r, t))
            })
            .collect()
    }

    /// The website's `technique_to_domain` test: a non-revoked technique with this ATT&CK ID
    /// belongs to the catalogue's domain (or names no domain).
    fn in_domain(&self, attack_id: &str) -> bool {
        let cat = self.catalogue;
        let domain = cat.domain().stix_name();
        cat.all_by_attack_id(attack_id).iter().any(|&id| {
            let o = cat.object(id);
            o.kind.is_technique()
                && !o.revoked
                && o.attack_id.as_deref() == Some(attack_id)
                && (o.domains.is_empty() || o.domains.iter().any(|d| d == domain))
        })
    }

    /// The website's `get_technique_name`: the name of the technique the site lists under this
    /// ATT&CK ID (non-revoked; a non-deprecated one over a deprecated one, else the newest).
    fn technique_name(&self, attack_id: &str) -> Option<&'a str> {
        let cat = self.catalogue;
        let mut best: Option<&'a AttackObject> = None;
        for &id in cat.all_by_attack_id(attack_id) {
            let o = cat.object(id);
            if !o.kind.is_technique() || o.revoked || o.attack_id.as_deref() != Some(attack_id) {
                continue;
            }
            best = match best {
                None => Some(o),
                Some(b) if !b.deprecated && o.deprecated => Some(b),
                Some(b) if b.deprecated && !o.deprecated => Some(o),
                Some(b) if o.modified > b.modified => Some(o),
                Some(b) => Some(b),
            };
        }
        best.map(|o| o.name.as_str())
    }
}

/// `^T[0-9]{4}.[0-9]{3}$` as the website tests sub-technique IDs (the `.` is literal here).
fn is_sub_tid(id: &str) -> bool {
    let b = id.as_bytes();
    b.len() == 9
        && b[0] == b'T'
        && b[1..5].iter().all(u8::is_ascii_digit)
        && b[5] == b'.'
        && b[6..].iter().all(u8::is_ascii_digit)
}

/// A parent or standalone technique of the website's `technique_list`.
struct ParentEntry {
    id: String,
    name: String,
    used: bool,
    descr: Option<String>,
    colour: Colour,
    subs: Vec<SubEntry>,
}

/// A sub-technique under its parent.
struct SubEntry {
    suffix: String,
    descr: Option<String>,
    colour: Colour,
}

/// The website's `technique_list`: parents in insertion order, keyed by ATT&CK ID.
struct TechniqueList<'g, 'a> {
    generator: &'g Generator<'a>,
    object_id: &'g str,
    parents: Vec<ParentEntry>,
    index: HashMap<String, usize>,
}

/// The website's description merge for inherited duplicates.
fn merge_descr(existing: &mut Option<String>, new: Option<&str>) {
    match (existing.as_mut(), new) {
        (Some(e), Some(n)) => {
            e.push_str("<p>");
            e.push_str(n);
            e.push_str("</p>");
        }
        (None, Some(n)) => *existing = Some(n.to_string()),
        _ => {}
    }
}

impl<'g, 'a> TechniqueList<'g, 'a> {
    fn new(generator: &'g Generator<'a>, object_id: &'g str) -> Self {
        TechniqueList {
            generator,
            object_id,
            parents: Vec::new(),
            index: HashMap::new(),
        }
    }

    /// `technique_used_helper(technique_list, technique, reference_list, inherited)`.
    fn add(
        &mut self,
        technique: ObjectId,
        relationship: &Relationship,
        inherited: bool,
    ) -> Result<(), GenerateError> {
        let g = self.generator;
        let o = g.catalogue.object(technique);
        let Some(attack_id) = o.attack_id.as_deref() else {
            return Ok(());
        };
        let descr = relationship
            .description
            .as_deref()
            .filter(|d| !d.is_empty());
        let known = self.index.get(attack_id).copied();
        if known.is_none() || inherited {
            if !g.in_domain(attack_id) {
                // "technique data unavailable, possibly due to domain mismatch"
                return Ok(());
            }
            if is_sub_tid(attack_id) {
                let (parent_id, suffix) = attack_id.split_at(5);
                let suffix = &suffix[1..];
                let p = match self.index.get(parent_id) {
                    Some(&p) => p,
                    None => {
                        let missing = || GenerateError::MissingParent {
                            id: self.object_id.to_string(),
                            technique: attack_id.to_string(),
                            parent: parent_id.to_string(),
                        };
                        if !g.in_domain(parent_id) {
                            return Err(missing());
                        }
                        let name = g.technique_name(parent_id).ok_or_else(missing)?;
                        self.parents.push(ParentEntry {
                            id: parent_id.to_string(),
                            name: name.to_string(),
                            used: false,
                            descr: None,
                            colour: Colour::None,
                            subs: Vec::new(),
                        });
                        self.index
                            .insert(parent_id.to_string(), self.parents.len() - 1);
                        self.parents.len() - 1
                    }
                };
                let parent = &mut self.parents[p];
                if inherited {
                    if let Some(sub) = parent.subs.iter_mut().find(|s| s.suffix == suffix) {
                        sub.colour = Colour::Both;
                        merge_descr(&mut sub.descr, descr);
                        return Ok(());
                    }
                }
                parent.subs.push(SubEntry {
                    suffix: suffix.to_string(),
                    descr: descr.map(str::to_string),
                    colour: if inherited {
                        Colour::Inherited
                    } else {
                        Colour::Used
                    },
                });
            } else if let Some(p) = known {
                // Only reached for inherited relationships.
                let parent = &mut self.parents[p];
                parent.colour = Colour::Both;
                merge_descr(&mut parent.descr, descr);
            } else {
                self.parents.push(ParentEntry {
                    id: attack_id.to_string(),
                    name: o.name.clone(),
                    used: true,
                    descr: descr.map(str::to_string),
                    colour: if inherited {
                        Colour::Inherited
                    } else {
                        Colour::Used
                    },
                    subs: Vec::new(),
                });
                self.index
                    .insert(attack_id.to_string(), self.parents.len() - 1);
            }
        } else if let Some(p) = known {
            // A parent first created as a placeholder by one of its sub-techniques: it becomes
            // used, takes the description, but gets no colour (what the website ships).
            let parent = &mut self.parents[p];
            if !parent.used {
                parent.used = true;
                if let Some(d) = descr {
                    parent.descr = Some(d.to_string());
                }
            }
        }
        Ok(())
    }

    /// Sorted by name (case-insensitive, stable), sub-techniques by suffix, then
    /// `get_navigator_layers`' entries.
    fn into_entries(self) -> Vec<TechniqueEntry> {
        let mut parents = self.parents;
        parents.sort_by_cached_key(|p| p.name.to_lowercase());
        let mut out = Vec::new();
        for mut p in parents {
            let has_subs = !p.subs.is_empty();
            out.push(TechniqueEntry {
                comment: p.descr.as_deref().map(bleach_clean),
                score: p.descr.as_ref().map(|_| 1),
                color: p.colour.hex(),
                show_subtechniques: has_subs,
                technique_id: p.id.clone(),
            });
            p.subs.sort_by(|a, b| a.suffix.cmp(&b.suffix));
            for s in p.subs {
                out.push(TechniqueEntry {
                    technique_id: format!("{}.{}", p.id, s.suffix),
                    comment: s.descr.as_deref().map(bleach_clean),
                    score: Some(1),
                    color: s.colour.hex(),
                    show_subtechniques: true,
                });
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sub_technique_ids() {
        assert!(is_sub_tid("T1059.001"));
        assert!(!is_sub_tid("T1059"));
        assert!(!is_sub_tid("T0800"));
        assert!(!is_sub_tid("T1059.0011"));
    }

    #[test]
    fn merge_like_the_website() {
        let mut d = Some("a".to_string());
        merge_descr(&mut d, Some("b"));
        assert_eq!(d.as_deref(), Some("a<p>b</p>"));
        let mut d = None;
        merge_descr(&mut d, Some("b"));
        assert_eq!(d.as_deref(), Some("b"));
        let mut d = Some("a".to_string());
        merge_descr(&mut d, None);
        assert_eq!(d.as_deref(), Some("a"));
    }
}
