//! `diff`: what changed from layer A to layer B, technique by technique (and tactic by tactic
//! where entries are tactic-scoped, see [`crate::index`]).
//!
//! A technique is *annotated* in a layer when the entry that applies carries a score, colour,
//! comment, metadata, links, or a disabled state. It is **added** when annotated in B only,
//! **removed** when annotated in A only, and **changed** when annotated in both with a different
//! score, comment, enabled state, colour, links or metadata.

use navlayer_layer::{Layer, LegendItem, TechniqueEntry, Versions};
use serde::Serialize;

use crate::index::{slots, LayerIndex};

/// Colour of added techniques in the diff layer.
pub const ADDED_COLOR: &str = "#8ec843";
/// Colour of removed techniques in the diff layer.
pub const REMOVED_COLOR: &str = "#ff6666";
/// Colour of changed techniques in the diff layer.
pub const CHANGED_COLOR: &str = "#ffe766";

/// A technique (in a tactic, or in every tactic when `tactic` is `None`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DiffItem {
    /// Technique ID.
    pub technique_id: String,
    /// Tactic short name, for tactic-scoped entries.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tactic: Option<String>,
    /// Score in the layer it is in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    /// Comment in the layer it is in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// A before/after pair.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change<T> {
    /// Value in A.
    pub before: T,
    /// Value in B.
    pub after: T,
}

/// A technique annotated in both layers, differently.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Changed {
    /// Technique ID.
    pub technique_id: String,
    /// Tactic short name, for tactic-scoped entries.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tactic: Option<String>,
    /// Score change.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<Change<Option<f64>>>,
    /// Comment change.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<Change<Option<String>>>,
    /// Enabled state change.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enabled: Option<Change<bool>>,
    /// Colour change.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub color: Option<Change<Option<String>>>,
    /// Links changed.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub links: bool,
    /// Metadata changed.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub metadata: bool,
}

/// The differences between two layers.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct LayerDiff {
    /// Name of A.
    pub from: String,
    /// Name of B.
    pub to: String,
    /// Annotated in B only.
    pub added: Vec<DiffItem>,
    /// Annotated in A only.
    pub removed: Vec<DiffItem>,
    /// Annotated in both, differently.
    pub changed: Vec<Changed>,
}

impl LayerDiff {
    /// True when nothing differs.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }
}

fn text(s: &Option<String>) -> Option<String> {
    s.clone().filter(|s| !s.is_empty())
}

fn annotated(e: Option<&TechniqueEntry>) -> Option<&TechniqueEntry> {
    e.filter(|e| e.is_annotated())
}

/// Compares two layers.
pub fn diff(a: &Layer, b: &Layer) -> LayerDiff {
    let ia = LayerIndex::new(a);
    let ib = LayerIndex::new(b);
    let mut out = LayerDiff {
        from: a.name.clone(),
        to: b.name.clone(),
        ..LayerDiff::default()
    };
    for slot in slots(&[&ia, &ib]) {
        let id = slot.technique_id;
        let rest_a = annotated(ia.resolve(id, None));
        let rest_b = annotated(ib.resolve(id, None));
        for tactic in std::iter::once(None).chain(slot.tactics.iter().map(|t| Some(*t))) {
            let ea = annotated(ia.resolve(id, tactic));
            let eb = annotated(ib.resolve(id, tactic));
            let outcome = compare(id, tactic, ea, eb);
            // A tactic slot resolving to the same entries as the rest slot adds nothing new.
            if tactic.is_some() && same_entry(ea, rest_a) && same_entry(eb, rest_b) {
                continue;
            }
            match outcome {
                Outcome::Same => {}
                Outcome::Added(item) => out.added.push(item),
                Outcome::Removed(item) => out.removed.push(item),
                Outcome::Changed(c) => out.changed.push(*c),
            }
        }
    }
    out
}

fn same_entry(x: Option<&TechniqueEntry>, y: Option<&TechniqueEntry>) -> bool {
    match (x, y) {
        (None, None) => true,
        (Some(x), Some(y)) => std::ptr::eq(x, y),
        _ => false,
    }
}

#[derive(Debug, Clone)]
enum Outcome {
    Same,
    Added(DiffItem),
    Removed(DiffItem),
    Changed(Box<Changed>),
}

fn item(id: &str, tactic: Option<&str>, e: &TechniqueEntry) -> DiffItem {
    DiffItem {
        technique_id: id.to_string(),
        tactic: tactic.map(String::from),
        score: e.score,
        comment: text(&e.comment),
    }
}

fn compare(
    id: &str,
    tactic: Option<&str>,
    a: Option<&TechniqueEntry>,
    b: Option<&TechniqueEntry>,
) -> Outcome {
    match (a, b) {
        (None, None) => Outcome::Same,
        (None, Some(b)) => Outcome::Added(item(id, tactic, b)),
        (Some(a), None) => Outcome::Removed(item(id, tactic, a)),
        (Some(a), Some(b)) => {
            let c = Changed {
                technique_id: id.to_string(),
                tactic: tactic.map(String::from),
                score: change(a.score, b.score),
                comment: change(text(&a.comment), text(&b.comment)),
                enabled: (a.is_enabled() != b.is_enabled()).then(|| Change {
                    before: a.is_enabled(),
                    after: b.is_enabled(),
                }),
                color: change(text(&a.color), text(&b.color)),
                links: a.links.as_deref().unwrap_or_default()
                    != b.links.as_deref().unwrap_or_default(),
                metadata: a.metadata.as_deref().unwrap_or_default()
                    != b.metadata.as_deref().unwrap_or_default(),
            };
            if c.score.is_none()
                && c.comment.is_none()
                && c.enabled.is_none()
                && c.color.is_none()
                && !c.links
                && !c.metadata
            {
                Outcome::Same
            } else {
                Outcome::Changed(Box::new(c))
            }
        }
    }
}

fn change<T: PartialEq>(before: T, after: T) -> Option<Change<T>> {
    (before != after).then_some(Change { before, after })
}

fn fmt_opt(x: Option<f64>) -> String {
    x.map(crate::expr::fmt_number)
        .unwrap_or_else(|| "unscored".into())
}

fn slot_name(id: &str, tactic: Option<&str>) -> String {
    match tactic {
        Some(t) => format!("{id} ({t})"),
        None => id.to_string(),
    }
}

impl Changed {
    /// One line per change: `score 1 → 3`, `comment changed`, …
    pub fn describe(&self) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(s) = &self.score {
            out.push(format!(
                "score {} → {}",
                fmt_opt(s.before),
                fmt_opt(s.after)
            ));
        }
        if self.comment.is_some() {
            out.push("comment changed".into());
        }
        if let Some(e) = &self.enabled {
            out.push(if e.after { "enabled" } else { "disabled" }.into());
        }
        if let Some(c) = &self.color {
            out.push(format!(
                "colour {} → {}",
                c.before.as_deref().unwrap_or("none"),
                c.after.as_deref().unwrap_or("none")
            ));
        }
        if self.links {
            out.push("links changed".into());
        }
        if self.metadata {
            out.push("metadata changed".into());
        }
        out
    }
}

/// The diff as text: a summary line, then one line per technique.
pub fn to_text(d: &LayerDiff) -> String {
    let mut out = format!(
        "{:?} → {:?}: {} added, {} removed, {} changed\n",
        d.from,
        d.to,
        d.added.len(),
        d.removed.len(),
        d.changed.len()
    );
    for i in &d.added {
        out.push_str(&format!(
            "+ {}  score {}\n",
            slot_name(&i.technique_id, i.tactic.as_deref()),
            fmt_opt(i.score)
        ));
    }
    for i in &d.removed {
        out.push_str(&format!(
            "- {}  score {}\n",
            slot_name(&i.technique_id, i.tactic.as_deref()),
            fmt_opt(i.score)
        ));
    }
    for c in &d.changed {
        out.push_str(&format!(
            "~ {}  {}\n",
            slot_name(&c.technique_id, c.tactic.as_deref()),
            c.describe().join("; ")
        ));
    }
    out
}

/// The diff as a layer of B's domain: added techniques green, removed red, changed yellow, with
/// a legend; scores are B's (A's for removed techniques), comments say what changed.
pub fn to_layer(d: &LayerDiff, a: &Layer, b: &Layer) -> Layer {
    let mut layer = Layer::new(format!("diff: {} → {}", a.name, b.name), b.domain.clone());
    layer.versions = Some(Versions {
        attack: b
            .versions
            .as_ref()
            .and_then(|v| v.attack.clone())
            .or_else(|| a.versions.as_ref().and_then(|v| v.attack.clone())),
        layer: Some("4.5".into()),
        ..Versions::default()
    });
    layer.description = Some(format!(
        "{} added, {} removed, {} changed from {:?} to {:?}",
        d.added.len(),
        d.removed.len(),
        d.changed.len(),
        a.name,
        b.name
    ));
    layer.filters = b.filters.clone();
    let entry = |id: &str, tactic: &Option<String>, score, color: &str, comment: String| {
        let mut e = TechniqueEntry::new(id);
        e.tactic = tactic.clone();
        e.score = score;
        e.color = Some(color.to_string());
        e.comment = Some(comment);
        e
    };
    for i in &d.added {
        layer.techniques.push(entry(
            &i.technique_id,
            &i.tactic,
            i.score,
            ADDED_COLOR,
            "added".into(),
        ));
    }
    for i in &d.removed {
        layer.techniques.push(entry(
            &i.technique_id,
            &i.tactic,
            i.score,
            REMOVED_COLOR,
            "removed".into(),
        ));
    }
    let ib = LayerIndex::new(b);
    for c in &d.changed {
        let score = ib
            .resolve(&c.technique_id, c.tactic.as_deref())
            .and_then(|e| e.score);
        layer.techniques.push(entry(
            &c.technique_id,
            &c.tactic,
            score,
            CHANGED_COLOR,
            c.describe().join("; "),
        ));
    }
    layer.legend_items = Some(vec![
        LegendItem {
            label: "added".into(),
            color: ADDED_COLOR.into(),
            ..LegendItem::default()
        },
        LegendItem {
            label: "removed".into(),
            color: REMOVED_COLOR.into(),
            ..LegendItem::default()
        },
        LegendItem {
            label: "changed".into(),
            color: CHANGED_COLOR.into(),
            ..LegendItem::default()
        },
    ]);
    layer
}
