//! `combine`: a new layer whose scores are computed from other layers' scores by an expression,
//! headless, with the semantics of the Navigator's "create layer from other layers"
//! (`ViewModelsService.layerOperation` in attack-navigator's nav-app).
//!
//! Rules (also in `docs/combine.md`):
//!
//! 1. Layers bind to `a`, `b`, `c` … in order (at most 26). Every layer given must have the same
//!    domain, and the same ATT&CK major version where the layers state one.
//! 2. The techniques scored are those with an entry in a layer **the expression uses**. For each
//!    technique (and tactic, where entries are tactic-scoped, see [`crate::index`]) a layer without
//!    a score there contributes 0; when no layer the expression uses scores it, it stays unscored.
//! 3. `true`/`false` results become 1/0; a result that is not a finite real number (division
//!    by zero, square root of a negative number) is an error naming the technique and the values.
//! 4. An expression without variables scores every active technique and sub-technique of the
//!    ATT&CK data with that constant.
//! 5. Comments, colours, links, metadata and enabled state are each taken from the layer named
//!    for that field (`--inherit comments=a`, …; `--inherit-from a` names one layer for all
//!    fields); for every technique that layer annotates the field is copied, replacing nothing
//!    else. Filters, legend and gradient likewise come whole from the layer named for them.
//! 6. Without an inherited gradient, the gradient is the Navigator's default (red, yellow,
//!    green, 0 – 100) stretched to the lowest and highest result when they differ; when the
//!    results are exactly 0 and 1 it becomes the Navigator's "transparentblue" preset.

use std::collections::HashSet;

use navlayer_attack::Catalogue;
use navlayer_layer::{Gradient, Layer, TechniqueEntry, Versions};

use crate::error::OpsError;
use crate::expr::{fmt_number, Expr};
use crate::index::{same_annotations, slots, LayerIndex};

/// Which layer (0 = `a`) each field is inherited from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Inherit {
    /// Technique comments.
    pub comments: Option<usize>,
    /// Technique colours.
    pub colors: Option<usize>,
    /// Technique links.
    pub links: Option<usize>,
    /// Technique metadata.
    pub metadata: Option<usize>,
    /// Technique enabled state.
    pub enabled: Option<usize>,
    /// Layer platform filters.
    pub filters: Option<usize>,
    /// Layer legend.
    pub legend: Option<usize>,
    /// Layer gradient.
    pub gradient: Option<usize>,
}

impl Inherit {
    /// Field names accepted by [`Inherit::set`].
    pub const FIELDS: [&'static str; 8] = [
        "comments", "colors", "links", "metadata", "enabled", "filters", "legend", "gradient",
    ];

    /// Every field from one layer.
    pub fn all(layer: usize) -> Inherit {
        Inherit {
            comments: Some(layer),
            colors: Some(layer),
            links: Some(layer),
            metadata: Some(layer),
            enabled: Some(layer),
            filters: Some(layer),
            legend: Some(layer),
            gradient: Some(layer),
        }
    }

    /// Sets one field (`comments`, `colors`, …, or `all`) to a layer. Singular spellings
    /// (`comment`, `color`, `colour(s)`, `link`) are accepted.
    pub fn set(&mut self, field: &str, layer: usize) -> Result<(), OpsError> {
        let slot = match field.trim().to_ascii_lowercase().as_str() {
            "all" => {
                *self = Inherit::all(layer);
                return Ok(());
            }
            "comments" | "comment" => &mut self.comments,
            "colors" | "color" | "colours" | "colour" => &mut self.colors,
            "links" | "link" => &mut self.links,
            "metadata" => &mut self.metadata,
            "enabled" => &mut self.enabled,
            "filters" | "filter" => &mut self.filters,
            "legend" | "legenditems" => &mut self.legend,
            "gradient" => &mut self.gradient,
            other => return Err(OpsError::UnknownInheritField(other.to_string())),
        };
        *slot = Some(layer);
        Ok(())
    }

    fn layers(&self) -> impl Iterator<Item = usize> {
        [
            self.comments,
            self.colors,
            self.links,
            self.metadata,
            self.enabled,
            self.filters,
            self.legend,
            self.gradient,
        ]
        .into_iter()
        .flatten()
    }
}

/// Options of [`combine`].
#[derive(Debug, Clone, Default)]
pub struct CombineOptions<'c> {
    /// Name of the new layer (default `layer by operation`, the Navigator's).
    pub name: Option<String>,
    /// Fields inherited from given layers.
    pub inherit: Inherit,
    /// ATT&CK data: needed for constant expressions; when given, also lets a technique whose
    /// every tactic has a tactic-scoped result go without a tactic-less entry.
    pub catalogue: Option<&'c Catalogue>,
}

/// The variable letter of layer `i`.
pub fn variable_name(i: usize) -> char {
    char::from(b'a' + (i % 26) as u8)
}

fn variable_range(count: usize) -> String {
    match count {
        0 => "none".into(),
        1 => "a".into(),
        n => format!("a–{}", variable_name(n - 1)),
    }
}

/// Checks a number of layers to combine: 1 to 26 (the variables a–z). Callers that load layers
/// check the count of names or files with this first, so a request naming a large layer 300
/// times is refused before anything is loaded.
pub fn check_layer_count(count: usize) -> Result<(), OpsError> {
    if count == 0 {
        return Err(OpsError::LayerCount("no layer to combine".into()));
    }
    if count > crate::expr::MAX_VARIABLES {
        return Err(OpsError::LayerCount(format!(
            "{count} layers given, but the variables a–z bind at most {}",
            crate::expr::MAX_VARIABLES
        )));
    }
    Ok(())
}

/// Checks that layers can be combined: 1 to 26 of them, one domain, one ATT&CK major version
/// (among the layers that state one).
pub fn check_compatible(layers: &[Layer]) -> Result<(), OpsError> {
    check_layer_count(layers.len())?;
    let domain_key = |d: &str| {
        navlayer_attack::Domain::parse_lenient(d)
            .map(|d| d.stix_name().to_string())
            .unwrap_or_else(|| d.to_string())
    };
    let first = domain_key(&layers[0].domain);
    if layers.iter().any(|l| domain_key(&l.domain) != first) {
        return Err(OpsError::Mismatch {
            what: "a domain".into(),
            details: describe(layers, |l| Some(l.domain.clone())),
        });
    }
    let major = |l: &Layer| {
        l.versions
            .as_ref()
            .and_then(|v| v.attack.as_deref())
            .map(|v| v.trim().split('.').next().unwrap_or("").to_string())
            .filter(|v| !v.is_empty())
    };
    let mut majors = layers.iter().filter_map(major);
    if let Some(first) = majors.next() {
        if majors.any(|m| m != first) {
            return Err(OpsError::Mismatch {
                what: "an ATT&CK version".into(),
                details: describe(layers, |l| {
                    l.versions.as_ref().and_then(|v| v.attack.clone())
                }),
            });
        }
    }
    Ok(())
}

fn describe(layers: &[Layer], value: impl Fn(&Layer) -> Option<String>) -> String {
    layers
        .iter()
        .enumerate()
        .map(|(i, l)| {
            format!(
                "{} ({:?}) has {}",
                variable_name(i),
                l.name,
                value(l).unwrap_or_else(|| "none".into())
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The common ATT&CK version of the layers (the first stated).
fn common_attack_version(layers: &[Layer]) -> Option<String> {
    layers
        .iter()
        .find_map(|l| l.versions.as_ref().and_then(|v| v.attack.clone()))
}

/// Combines layers with a score expression. See the [module documentation](self) for the rules.
pub fn combine(
    layers: &[Layer],
    expr: &Expr,
    options: &CombineOptions<'_>,
) -> Result<Layer, OpsError> {
    check_compatible(layers)?;
    for &(variable, column) in expr.variables() {
        if variable >= layers.len() {
            return Err(OpsError::UnboundVariable {
                expression: expr.source().to_string(),
                column,
                variable: variable_name(variable),
                count: layers.len(),
                range: variable_range(layers.len()),
            });
        }
    }
    if let Some(bad) = options.inherit.layers().find(|&i| i >= layers.len()) {
        return Err(OpsError::LayerCount(format!(
            "cannot inherit from layer {}: {} layer{} given ({})",
            variable_name(bad),
            layers.len(),
            if layers.len() == 1 { "" } else { "s" },
            variable_range(layers.len())
        )));
    }

    let indexes: Vec<LayerIndex<'_>> = layers.iter().map(LayerIndex::new).collect();
    let used: Vec<usize> = expr.variables().iter().map(|(v, _)| *v).collect();
    let inherit = options.inherit;
    let technique_sources: Vec<usize> = {
        let mut v: Vec<usize> = used.clone();
        for i in [
            inherit.comments,
            inherit.colors,
            inherit.links,
            inherit.metadata,
            inherit.enabled,
        ]
        .into_iter()
        .flatten()
        {
            if !v.contains(&i) {
                v.push(i);
            }
        }
        v
    };

    let mut result = Layer::new(
        options
            .name
            .clone()
            .unwrap_or_else(|| "layer by operation".to_string()),
        layers[0].domain.clone(),
    );
    result.versions = Some(Versions {
        attack: common_attack_version(layers),
        layer: Some("4.5".into()),
        ..Versions::default()
    });
    result.description = Some(describe_operation(expr, layers));

    let mut values = vec![0.0f64; crate::expr::MAX_VARIABLES];
    let mut min_score = f64::INFINITY;
    let mut max_score = f64::NEG_INFINITY;

    // A constant expression scores every technique of the domain.
    let constant: Option<(f64, Vec<String>)> = if used.is_empty() {
        let Some(catalogue) = options.catalogue else {
            return Err(OpsError::ConstantNeedsCatalogue {
                expression: expr.source().to_string(),
            });
        };
        let score = expr
            .evaluate_number(&values)
            .map_err(|message| OpsError::Evaluation {
                expression: expr.source().to_string(),
                technique: "every technique".into(),
                values: "no variables".into(),
                message,
            })?;
        min_score = score;
        max_score = score;
        let mut ids: Vec<String> = Vec::new();
        let mut seen = HashSet::new();
        for id in catalogue.active_techniques() {
            if let Some(attack_id) = catalogue.object(id).attack_id.as_deref() {
                if seen.insert(attack_id) {
                    ids.push(attack_id.to_string());
                }
            }
        }
        Some((score, ids))
    } else {
        None
    };
    let constant_ids: HashSet<&str> = constant
        .as_ref()
        .map(|(_, ids)| ids.iter().map(String::as_str).collect())
        .unwrap_or_default();

    let source_indexes: Vec<&LayerIndex<'_>> =
        technique_sources.iter().map(|&i| &indexes[i]).collect();
    let mut emitted: HashSet<&str> = HashSet::new();
    for slot in slots(&source_indexes) {
        let id = slot.technique_id;
        emitted.insert(id);
        let known_tactics = options.catalogue.and_then(|c| technique_tactics(c, id));
        let rest_needed = match &known_tactics {
            Some(all) => !all.iter().all(|t| slot.tactics.contains(&t.as_str())),
            None => true,
        };
        let tactic_slots = slot.tactics.iter().map(|t| Some(*t));
        let all_slots: Vec<Option<&str>> = if rest_needed {
            std::iter::once(None).chain(tactic_slots).collect()
        } else {
            tactic_slots.collect()
        };
        let mut rest: Option<TechniqueEntry> = None;
        for tactic in all_slots {
            let mut e = TechniqueEntry::new(id);
            e.tactic = tactic.map(String::from);
            if let Some((score, _)) = &constant {
                if constant_ids.contains(id) {
                    e.score = Some(*score);
                }
            } else {
                let mut misses = 0;
                for &v in &used {
                    let score = indexes[v]
                        .resolve(id, tactic)
                        .and_then(|e| e.score)
                        .filter(|s| s.is_finite());
                    match score {
                        Some(s) => values[v] = s,
                        None => {
                            values[v] = 0.0;
                            misses += 1;
                        }
                    }
                }
                if misses < used.len() {
                    let score =
                        expr.evaluate_number(&values)
                            .map_err(|message| OpsError::Evaluation {
                                expression: expr.source().to_string(),
                                technique: match tactic {
                                    Some(t) => format!("{id} in {t}"),
                                    None => id.to_string(),
                                },
                                values: used
                                    .iter()
                                    .map(|&v| {
                                        format!("{}={}", variable_name(v), fmt_number(values[v]))
                                    })
                                    .collect::<Vec<_>>()
                                    .join(", "),
                                message,
                            })?;
                    min_score = min_score.min(score);
                    max_score = max_score.max(score);
                    e.score = Some(score);
                }
            }
            apply_inheritance(&mut e, &indexes, &inherit, id, tactic);
            let keep = match (&tactic, &rest) {
                (Some(_), Some(r)) => !same_annotations(&e, r),
                _ => e.is_annotated(),
            };
            if tactic.is_none() {
                rest = Some(e.clone());
            }
            if keep {
                result.techniques.push(e);
            }
        }
    }
    if let Some((score, ids)) = &constant {
        for id in ids {
            if !emitted.contains(id.as_str()) {
                let mut e = TechniqueEntry::new(id.as_str());
                e.score = Some(*score);
                result.techniques.push(e);
            }
        }
    }

    // Layer-level inheritance.
    if let Some(i) = inherit.filters {
        result.filters = layers[i].filters.clone();
    }
    if let Some(i) = inherit.legend {
        result.legend_items = layers[i].legend_items.clone();
    }
    result.gradient = Some(match inherit.gradient {
        Some(i) => layers[i].gradient_or_default(),
        None => fitted_gradient(min_score, max_score),
    });
    Ok(result)
}

/// The Navigator's gradient for results from `min` to `max`: the default red-yellow-green
/// gradient over 0 – 100 unless the results differ, then stretched to them ("transparentblue"
/// for exactly 0 and 1).
pub fn fitted_gradient(min: f64, max: f64) -> Gradient {
    let mut gradient = Gradient::default();
    if min != max && min.is_finite() && max.is_finite() {
        gradient.min_value = min;
        gradient.max_value = max;
        if min == 0.0 && max == 1.0 {
            gradient.colors = vec!["#ffffff00".into(), "#66b1ffff".into()];
        }
    }
    gradient
}

fn describe_operation(expr: &Expr, layers: &[Layer]) -> String {
    let names: Vec<String> = expr
        .variables()
        .iter()
        .map(|&(v, _)| format!("{} = {}", variable_name(v), layers[v].name))
        .collect();
    if names.is_empty() {
        format!("score expression: {}", expr.source())
    } else {
        format!("score expression: {}; {}", expr.source(), names.join("; "))
    }
}

/// Copies the inherited technique fields from their layers' entries for this slot.
fn apply_inheritance(
    e: &mut TechniqueEntry,
    indexes: &[LayerIndex<'_>],
    inherit: &Inherit,
    id: &str,
    tactic: Option<&str>,
) {
    let from = |i: Option<usize>| i.and_then(|i| indexes[i].resolve(id, tactic));
    if let Some(src) = from(inherit.comments) {
        e.comment = src.comment.clone().filter(|c| !c.is_empty());
    }
    if let Some(src) = from(inherit.colors) {
        e.color = src.color.clone().filter(|c| !c.is_empty());
    }
    if let Some(src) = from(inherit.links) {
        e.links = src.links.clone().filter(|l| !l.is_empty());
    }
    if let Some(src) = from(inherit.metadata) {
        e.metadata = src.metadata.clone().filter(|m| !m.is_empty());
    }
    if let Some(src) = from(inherit.enabled) {
        e.enabled = (!src.is_enabled()).then_some(false);
    }
}

/// Tactic short names of an active technique or sub-technique in the catalogue.
pub(crate) fn technique_tactics(catalogue: &Catalogue, attack_id: &str) -> Option<Vec<String>> {
    let id = catalogue.by_attack_id(attack_id)?;
    let o = catalogue.object(id);
    (o.kind.is_technique() && o.is_active() && !o.tactics.is_empty()).then(|| o.tactics.clone())
}
