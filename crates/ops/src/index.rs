//! Which entry of a layer applies to a technique in a tactic, with the Navigator's precedence,
//! and the "slots" several layers are compared on.
//!
//! The Navigator loads a layer entry with a `tactic` onto that technique-in-tactic only, and an
//! entry without one onto the technique in every tactic it belongs to; a later entry replaces an
//! earlier one for the same technique-in-tactic. So for technique `T` in tactic `t` the entry
//! that applies is the **last** entry for `T` whose tactic is `t` or absent.
//!
//! Operations over several layers work on *slots*: for each technique ID, one slot per tactic
//! some layer names for it, plus a "rest" slot (no tactic) standing for every other tactic. A
//! result is written as one entry without a tactic for the rest slot, followed by tactic-scoped
//! entries only where a tactic's result differs: loaded in the Navigator, this gives exactly the
//! per-tactic results, without needing the ATT&CK data to know each technique's tactics.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use navlayer_layer::{Layer, TechniqueEntry};

/// A small, fast hasher for technique IDs (FxHash's multiply-rotate; IDs are short and the
/// maps are private, so hash flooding is not a concern).
#[derive(Default, Clone, Copy)]
pub struct IdHasher(u64);

impl Hasher for IdHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(word))
                .wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.0 = (self.0.rotate_left(5) ^ u64::from(i)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

type IdMap<K, V> = HashMap<K, V, BuildHasherDefault<IdHasher>>;

/// A layer's entries indexed by technique ID.
#[derive(Debug)]
pub struct LayerIndex<'a> {
    layer: &'a Layer,
    /// Entry positions per technique ID, in file order.
    by_technique: IdMap<&'a str, Vec<usize>>,
    /// Technique IDs in first-seen file order.
    order: Vec<&'a str>,
}

impl<'a> LayerIndex<'a> {
    /// Indexes a layer.
    pub fn new(layer: &'a Layer) -> LayerIndex<'a> {
        let mut by_technique: IdMap<&str, Vec<usize>> =
            IdMap::with_capacity_and_hasher(layer.techniques.len(), Default::default());
        let mut order = Vec::new();
        for (i, e) in layer.techniques.iter().enumerate() {
            let positions = by_technique.entry(e.technique_id.as_str()).or_default();
            if positions.is_empty() {
                order.push(e.technique_id.as_str());
            }
            positions.push(i);
        }
        LayerIndex {
            layer,
            by_technique,
            order,
        }
    }

    /// The layer indexed.
    pub fn layer(&self) -> &'a Layer {
        self.layer
    }

    /// Technique IDs with at least one entry, in first-seen file order.
    pub fn technique_ids(&self) -> &[&'a str] {
        &self.order
    }

    /// Every entry for a technique, in file order.
    pub fn entries(&self, technique_id: &str) -> impl Iterator<Item = &'a TechniqueEntry> + '_ {
        let layer = self.layer;
        self.by_technique
            .get(technique_id)
            .into_iter()
            .flatten()
            .map(move |&i| &layer.techniques[i])
    }

    /// The entry that applies to `technique_id` in `tactic` (the last entry whose tactic is
    /// `tactic` or absent); with `tactic = None`, the last entry without a tactic (the rest slot).
    pub fn resolve(&self, technique_id: &str, tactic: Option<&str>) -> Option<&'a TechniqueEntry> {
        let positions = self.by_technique.get(technique_id)?;
        positions
            .iter()
            .rev()
            .map(|&i| &self.layer.techniques[i])
            .find(|e| match (e.tactic.as_deref(), tactic) {
                (None, _) => true,
                (Some(t), Some(want)) => t == want,
                (Some(_), None) => false,
            })
    }
}

/// One technique and its slots: `None` (every tactic not listed) and the tactics named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slots<'a> {
    /// The technique ID.
    pub technique_id: &'a str,
    /// Tactic short names some layer names for this technique, in first-seen order.
    pub tactics: Vec<&'a str>,
}

/// The techniques of several layers with their slots, in first-seen order (layers in order,
/// entries in file order).
pub fn slots<'a>(indexes: &[&LayerIndex<'a>]) -> Vec<Slots<'a>> {
    let mut position: IdMap<&'a str, usize> = IdMap::default();
    let mut out: Vec<Slots<'a>> = Vec::new();
    for index in indexes {
        for e in &index.layer.techniques {
            let id = e.technique_id.as_str();
            let i = *position.entry(id).or_insert_with(|| {
                out.push(Slots {
                    technique_id: id,
                    tactics: Vec::new(),
                });
                out.len() - 1
            });
            if let Some(t) = e.tactic.as_deref() {
                if !out[i].tactics.contains(&t) {
                    out[i].tactics.push(t);
                }
            }
        }
    }
    out
}

/// True when two entries carry the same annotations (score, comment, colour, enabled state,
/// metadata, links), ignoring ID and tactic. Empty strings and lists count as absent and
/// `enabled: true` as the default.
pub fn same_annotations(a: &TechniqueEntry, b: &TechniqueEntry) -> bool {
    fn text(s: &Option<String>) -> Option<&str> {
        s.as_deref().filter(|s| !s.is_empty())
    }
    a.score == b.score
        && text(&a.comment) == text(&b.comment)
        && text(&a.color) == text(&b.color)
        && a.is_enabled() == b.is_enabled()
        && a.metadata.as_deref().unwrap_or_default() == b.metadata.as_deref().unwrap_or_default()
        && a.links.as_deref().unwrap_or_default() == b.links.as_deref().unwrap_or_default()
}

/// True when the entry is "in" the layer for union, intersect and subtract: enabled, and with a
/// score, a colour, a comment, metadata or links.
pub fn is_present(entry: Option<&TechniqueEntry>) -> bool {
    entry.is_some_and(|e| e.is_enabled() && e.is_annotated())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(id: &str, tactic: Option<&str>, score: f64) -> TechniqueEntry {
        TechniqueEntry {
            tactic: tactic.map(String::from),
            score: Some(score),
            ..TechniqueEntry::new(id)
        }
    }

    #[test]
    fn later_entries_win_and_tactic_less_entries_apply_everywhere() {
        let mut layer = Layer::new("x", "enterprise-attack");
        layer.techniques = vec![
            entry("T1", None, 1.0),
            entry("T1", Some("execution"), 2.0),
            entry("T2", Some("execution"), 3.0),
            entry("T2", None, 4.0),
        ];
        let index = LayerIndex::new(&layer);
        assert_eq!(
            index.resolve("T1", Some("execution")).and_then(|e| e.score),
            Some(2.0)
        );
        assert_eq!(
            index
                .resolve("T1", Some("persistence"))
                .and_then(|e| e.score),
            Some(1.0)
        );
        assert_eq!(index.resolve("T1", None).and_then(|e| e.score), Some(1.0));
        // The tactic-less entry comes later, so it replaces the tactic-scoped one.
        assert_eq!(
            index.resolve("T2", Some("execution")).and_then(|e| e.score),
            Some(4.0)
        );
        assert!(index.resolve("T3", None).is_none());
        let s = slots(&[&index]);
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].tactics, vec!["execution"]);
    }
}
