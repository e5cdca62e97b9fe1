//! `union`, `intersect` and `subtract`: set operations on the techniques layers contain.
//!
//! A layer *contains* a technique (in a tactic, see [`crate::index`]) when the entry that applies
//! there is enabled and carries a score, a colour, a comment, metadata or links.
//!
//! * **union**: techniques contained in at least one layer;
//! * **intersect**: techniques contained in every layer;
//! * **subtract A B [C …]**: techniques contained in A and in none of the others, with A's
//!   annotations unchanged.
//!
//! For union and intersect, the score is computed from the scores of the layers that contain the
//! technique by the [`ScoreRule`] (default `max`: union and intersect of a layer with itself give
//! the layer back); the comment joins the distinct comments in layer order; the colour is the
//! first layer's that has one; links and metadata are the distinct items in layer order. The
//! result keeps the first layer's layout, filters, legend, gradient and other layer settings.
//! With `sum` or `count`, the gradient is stretched to the range of the results.

use std::fmt;
use std::str::FromStr;

use navlayer_layer::{Layer, TechniqueEntry};

use crate::combine::{check_compatible, fitted_gradient};
use crate::error::OpsError;
use crate::index::{is_present, same_annotations, slots, LayerIndex};

/// A set operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetOperation {
    /// In at least one layer.
    Union,
    /// In every layer.
    Intersect,
    /// In the first layer and in none of the others.
    Subtract,
}

impl SetOperation {
    /// `union`, `intersect`, `subtract`.
    pub fn as_str(self) -> &'static str {
        match self {
            SetOperation::Union => "union",
            SetOperation::Intersect => "intersect",
            SetOperation::Subtract => "subtract",
        }
    }
}

/// How union and intersect score a technique from the layers that contain it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ScoreRule {
    /// The largest score (unscored when no containing layer scores it).
    #[default]
    Max,
    /// The smallest score.
    Min,
    /// The sum of the scores.
    Sum,
    /// The mean of the scores.
    Mean,
    /// The number of layers that contain the technique (scored or not).
    Count,
}

impl ScoreRule {
    /// `max`, `min`, `sum`, `mean`, `count`.
    pub fn as_str(self) -> &'static str {
        match self {
            ScoreRule::Max => "max",
            ScoreRule::Min => "min",
            ScoreRule::Sum => "sum",
            ScoreRule::Mean => "mean",
            ScoreRule::Count => "count",
        }
    }

    fn apply(self, scores: &[f64], containing: usize) -> Option<f64> {
        if self == ScoreRule::Count {
            return Some(containing as f64);
        }
        if scores.is_empty() {
            return None;
        }
        Some(match self {
            ScoreRule::Max => scores.iter().copied().fold(f64::NEG_INFINITY, f64::max),
            ScoreRule::Min => scores.iter().copied().fold(f64::INFINITY, f64::min),
            ScoreRule::Sum => scores.iter().sum(),
            ScoreRule::Mean => scores.iter().sum::<f64>() / scores.len() as f64,
            ScoreRule::Count => containing as f64,
        })
    }
}

impl fmt::Display for ScoreRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ScoreRule {
    type Err = String;

    fn from_str(s: &str) -> Result<ScoreRule, String> {
        match s.to_ascii_lowercase().as_str() {
            "max" => Ok(ScoreRule::Max),
            "min" => Ok(ScoreRule::Min),
            "sum" => Ok(ScoreRule::Sum),
            "mean" | "average" => Ok(ScoreRule::Mean),
            "count" => Ok(ScoreRule::Count),
            _ => Err(format!(
                "unknown score rule {s:?}: expected max, min, sum, mean or count"
            )),
        }
    }
}

/// Applies a set operation. `name` defaults to `"<operation> of <names>"`.
pub fn set_operation(
    layers: &[Layer],
    operation: SetOperation,
    rule: ScoreRule,
    name: Option<String>,
) -> Result<Layer, OpsError> {
    check_compatible(layers)?;
    if operation == SetOperation::Subtract && layers.len() < 2 {
        return Err(OpsError::LayerCount(
            "subtract needs two layers or more: A, then the layers whose techniques to remove from A".into(),
        ));
    }
    let indexes: Vec<LayerIndex<'_>> = layers.iter().map(LayerIndex::new).collect();
    let first = &layers[0];
    let mut result = first.clone();
    result.name = name.unwrap_or_else(|| {
        let names: Vec<&str> = layers.iter().map(|l| l.name.as_str()).collect();
        match operation {
            SetOperation::Subtract => format!("{} minus {}", names[0], names[1..].join(", ")),
            _ => format!("{} of {}", operation.as_str(), names.join(", ")),
        }
    });
    result.description = Some(match operation {
        SetOperation::Subtract => format!(
            "techniques of {:?} not in {}",
            first.name,
            layers[1..]
                .iter()
                .map(|l| format!("{:?}", l.name))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        _ => format!(
            "{} of {} layers, score: {}",
            operation.as_str(),
            layers.len(),
            rule.as_str()
        ),
    });
    result.techniques = Vec::new();

    let slot_sources: Vec<&LayerIndex<'_>> = match operation {
        // Only A's techniques can be in the result.
        SetOperation::Subtract => indexes.iter().collect(),
        _ => indexes.iter().collect(),
    };
    let mut min_score = f64::INFINITY;
    let mut max_score = f64::NEG_INFINITY;
    for slot in slots(&slot_sources) {
        let id = slot.technique_id;
        if operation == SetOperation::Subtract && indexes[0].resolve_any(id).is_none() {
            continue;
        }
        let mut rest: Option<TechniqueEntry> = None;
        for tactic in std::iter::once(None).chain(slot.tactics.iter().map(|t| Some(*t))) {
            let resolved: Vec<Option<&TechniqueEntry>> =
                indexes.iter().map(|i| i.resolve(id, tactic)).collect();
            let present: Vec<bool> = resolved.iter().map(|e| is_present(*e)).collect();
            let keep = match operation {
                SetOperation::Union => present.iter().any(|p| *p),
                SetOperation::Intersect => present.iter().all(|p| *p),
                SetOperation::Subtract => present[0] && !present[1..].iter().any(|p| *p),
            };
            let mut e = if !keep {
                TechniqueEntry::new(id)
            } else if operation == SetOperation::Subtract {
                resolved[0]
                    .cloned()
                    .unwrap_or_else(|| TechniqueEntry::new(id))
            } else {
                merge(id, &resolved, &present, rule)
            };
            e.tactic = tactic.map(String::from);
            if keep {
                if let Some(s) = e.score {
                    min_score = min_score.min(s);
                    max_score = max_score.max(s);
                }
            }
            let emit = match (&tactic, &rest) {
                (Some(_), Some(r)) => !same_annotations(&e, r),
                _ => e.is_annotated(),
            };
            if tactic.is_none() {
                rest = Some(e.clone());
            }
            if emit {
                result.techniques.push(e);
            }
        }
    }
    if operation != SetOperation::Subtract && matches!(rule, ScoreRule::Sum | ScoreRule::Count) {
        let mut gradient = fitted_gradient(min_score, max_score);
        if let Some(g) = &first.gradient {
            if min_score != max_score {
                gradient.colors = g.colors.clone();
            }
        }
        result.gradient = Some(gradient);
    }
    Ok(result)
}

/// Merges the entries of the layers that contain a technique.
fn merge(
    id: &str,
    resolved: &[Option<&TechniqueEntry>],
    present: &[bool],
    rule: ScoreRule,
) -> TechniqueEntry {
    let containing: Vec<&TechniqueEntry> = resolved
        .iter()
        .zip(present)
        .filter(|(_, p)| **p)
        .filter_map(|(e, _)| *e)
        .collect();
    let scores: Vec<f64> = containing
        .iter()
        .filter_map(|e| e.score)
        .filter(|s| s.is_finite())
        .collect();
    let mut e = TechniqueEntry::new(id);
    e.score = rule.apply(&scores, containing.len());
    let mut comments: Vec<&str> = Vec::new();
    for c in containing.iter().filter_map(|e| e.comment.as_deref()) {
        if !c.is_empty() && !comments.contains(&c) {
            comments.push(c);
        }
    }
    if !comments.is_empty() {
        e.comment = Some(comments.join("\n\n"));
    }
    e.color = containing
        .iter()
        .filter_map(|e| e.color.clone())
        .find(|c| !c.is_empty());
    let mut links = Vec::new();
    let mut metadata = Vec::new();
    let mut show = None;
    for c in &containing {
        for l in c.links.iter().flatten() {
            if !links.contains(l) {
                links.push(l.clone());
            }
        }
        for m in c.metadata.iter().flatten() {
            if !metadata.contains(m) {
                metadata.push(m.clone());
            }
        }
        show = show.or(c.show_subtechniques);
    }
    e.links = (!links.is_empty()).then_some(links);
    e.metadata = (!metadata.is_empty()).then_some(metadata);
    e.show_subtechniques = show;
    e
}

impl LayerIndex<'_> {
    /// Any entry for the technique.
    fn resolve_any(&self, technique_id: &str) -> Option<&TechniqueEntry> {
        self.entries(technique_id).next()
    }
}
