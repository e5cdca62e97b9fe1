//! The typed model of an ATT&CK Navigator layer, format 4.5
//! (mitre-attack/attack-navigator `layers/spec/v4.5/layerformat.md`).
//!
//! Every optional property is an `Option` (or `Option<Vec<…>>`) so that a file read and written
//! back keeps exactly the properties it had; unknown properties are kept in `extra` and written
//! back unchanged.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Unknown properties, kept in file order.
pub type Extra = Map<String, Value>;

/// One layer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Layer {
    /// The name of the layer (required).
    pub name: String,
    /// `versions`: ATT&CK, Navigator and layer format versions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub versions: Option<Versions>,
    /// `domain`: `enterprise-attack`, `mobile-attack` or `ics-attack` (required).
    pub domain: String,
    /// Free-form description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Platform filters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filters: Option<Filters>,
    /// Sorting: 0 name ascending, 1 name descending, 2 score ascending, 3 score descending.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sorting: Option<i64>,
    /// Layout options.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub layout: Option<Layout>,
    /// Hide disabled techniques.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hide_disabled: Option<bool>,
    /// Technique annotations, in file order.
    #[serde(default)]
    pub techniques: Vec<TechniqueEntry>,
    /// Score gradient.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gradient: Option<Gradient>,
    /// Legend items.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legend_items: Option<Vec<LegendItem>>,
    /// Show the tactic row background colour.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub show_tactic_row_background: Option<bool>,
    /// Tactic row background colour (hex).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tactic_row_background: Option<String>,
    /// Selecting a technique selects it in every tactic.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub select_techniques_across_tactics: Option<bool>,
    /// Selecting a sub-technique selects its parent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub select_subtechniques_with_parent: Option<bool>,
    /// "Select all" selects only visible techniques.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub select_visible_techniques: Option<bool>,
    /// Layer metadata (name/value pairs and dividers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Vec<MetadataItem>>,
    /// Layer links (label/url pairs and dividers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub links: Option<Vec<LinkItem>>,
    /// URL of custom STIX data the layer was made against.
    #[serde(
        rename = "customDataURL",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub custom_data_url: Option<String>,
    /// Unknown properties, written back unchanged.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `versions`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Versions {
    /// ATT&CK major version, e.g. `"18"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attack: Option<String>,
    /// Navigator version, e.g. `"5.3.2"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub navigator: Option<String>,
    /// Layer format version, e.g. `"4.5"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub layer: Option<String>,
    /// Unknown properties.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `filters`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Filters {
    /// Platforms shown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platforms: Option<Vec<String>>,
    /// Unknown properties.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `layout`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Layout {
    /// `side`, `flat` or `mini`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub layout: Option<String>,
    /// Show technique IDs.
    #[serde(rename = "showID", default, skip_serializing_if = "Option::is_none")]
    pub show_id: Option<bool>,
    /// Show technique names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub show_name: Option<bool>,
    /// Show aggregate scores on parents.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub show_aggregate_scores: Option<bool>,
    /// Count unscored sub-techniques as 0 in the aggregate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count_unscored: Option<bool>,
    /// `average`, `min`, `max` or `sum`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aggregate_function: Option<String>,
    /// `none`, `all` or `annotated`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expanded_subtechniques: Option<String>,
    /// Unknown properties.
    #[serde(flatten)]
    pub extra: Extra,
}

/// One technique annotation.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TechniqueEntry {
    /// ATT&CK technique ID (`T1059` or `T1059.001`).
    #[serde(rename = "techniqueID")]
    pub technique_id: String,
    /// Tactic short name (`execution`) when the annotation applies to one tactic only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tactic: Option<String>,
    /// Comment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// Enabled (default true).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// Score.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "number::serialize_option"
    )]
    pub score: Option<f64>,
    /// Hex colour.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub color: Option<String>,
    /// Metadata (name/value pairs and dividers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Vec<MetadataItem>>,
    /// Links (label/url pairs and dividers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub links: Option<Vec<LinkItem>>,
    /// Show the sub-techniques of this technique expanded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub show_subtechniques: Option<bool>,
    /// Unknown properties.
    #[serde(flatten)]
    pub extra: Extra,
}

impl TechniqueEntry {
    /// An entry with only a technique ID.
    pub fn new(technique_id: impl Into<String>) -> TechniqueEntry {
        TechniqueEntry {
            technique_id: technique_id.into(),
            ..TechniqueEntry::default()
        }
    }

    /// `enabled`, defaulting to true.
    pub fn is_enabled(&self) -> bool {
        self.enabled.unwrap_or(true)
    }

    /// True when the entry carries any annotation besides its ID and tactic
    /// (score, colour, comment, metadata, links, or a disabled state).
    pub fn is_annotated(&self) -> bool {
        self.score.is_some()
            || self.color.as_deref().is_some_and(|c| !c.is_empty())
            || self.comment.as_deref().is_some_and(|c| !c.is_empty())
            || self.metadata.as_ref().is_some_and(|m| !m.is_empty())
            || self.links.as_ref().is_some_and(|l| !l.is_empty())
            || !self.is_enabled()
    }
}

/// `gradient`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Gradient {
    /// Two or more hex colours, low to high.
    pub colors: Vec<String>,
    /// Score mapped to the first colour.
    #[serde(serialize_with = "number::serialize")]
    pub min_value: f64,
    /// Score mapped to the last colour.
    #[serde(serialize_with = "number::serialize")]
    pub max_value: f64,
    /// Unknown properties.
    #[serde(flatten)]
    pub extra: Extra,
}

impl Default for Gradient {
    /// The Navigator's default gradient: red, yellow, green over 0..100.
    fn default() -> Gradient {
        Gradient {
            colors: vec!["#ff6666ff".into(), "#ffe766ff".into(), "#8ec843ff".into()],
            min_value: 0.0,
            max_value: 100.0,
            extra: Extra::new(),
        }
    }
}

/// One legend item.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct LegendItem {
    /// Label.
    pub label: String,
    /// Hex colour.
    pub color: String,
    /// Unknown properties.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A metadata entry: a name/value pair, or a divider (`{"divider": true}`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct MetadataItem {
    /// Name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// True for a divider.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub divider: Option<bool>,
    /// Unknown properties.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A link: a label/url pair, or a divider (`{"divider": true}`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct LinkItem {
    /// Label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// True for a divider.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub divider: Option<bool>,
    /// Unknown properties.
    #[serde(flatten)]
    pub extra: Extra,
}

impl Layer {
    /// An empty layer of format 4.5 with a name and domain.
    pub fn new(name: impl Into<String>, domain: impl Into<String>) -> Layer {
        Layer {
            name: name.into(),
            versions: Some(Versions {
                layer: Some("4.5".into()),
                ..Versions::default()
            }),
            domain: domain.into(),
            description: None,
            filters: None,
            sorting: None,
            layout: None,
            hide_disabled: None,
            techniques: Vec::new(),
            gradient: None,
            legend_items: None,
            show_tactic_row_background: None,
            tactic_row_background: None,
            select_techniques_across_tactics: None,
            select_subtechniques_with_parent: None,
            select_visible_techniques: None,
            metadata: None,
            links: None,
            custom_data_url: None,
            extra: Extra::new(),
        }
    }

    /// The gradient, or the Navigator's default when the layer has none.
    pub fn gradient_or_default(&self) -> Gradient {
        self.gradient.clone().unwrap_or_default()
    }

    /// The layout, or an empty one (all defaults).
    pub fn layout_or_default(&self) -> Layout {
        self.layout.clone().unwrap_or_default()
    }
}

/// Numbers written as JSON integers when they are whole (so `1` stays `1`, not `1.0`).
pub mod number {
    use serde::Serializer;

    /// Largest whole number written as an integer (2^53).
    const EXACT: f64 = 9_007_199_254_740_992.0;

    /// Serializes an `f64`, as an integer when it is whole.
    pub fn serialize<S: Serializer>(value: &f64, s: S) -> Result<S::Ok, S::Error> {
        if value.fract() == 0.0 && value.abs() <= EXACT {
            s.serialize_i64(*value as i64)
        } else {
            s.serialize_f64(*value)
        }
    }

    /// Serializes an `Option<f64>` (only called when it is `Some`).
    pub fn serialize_option<S: Serializer>(value: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
        match value {
            Some(v) => serialize(v, s),
            None => s.serialize_none(),
        }
    }
}
