//! The choices of a coverage run. Every option struct deserializes from JSON (missing fields take
//! their defaults, unknown fields are refused), so a server or Python caller passes them as is.

use serde::{Deserialize, Serialize};

use crate::input::Limits;

/// How a technique's score is computed from the items that cover it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ScoreFunction {
    /// `count`, except for a list whose rows give scores: then `max` of the scores given.
    #[default]
    Auto,
    /// The number of distinct items (sigma-cli's `count`).
    Count,
    /// The highest weight of the items.
    Max,
    /// The sum of the items' weights.
    Sum,
}

impl ScoreFunction {
    /// `auto`, `count`, `max` or `sum`.
    pub fn label(self) -> &'static str {
        match self {
            ScoreFunction::Auto => "auto",
            ScoreFunction::Count => "count",
            ScoreFunction::Max => "max",
            ScoreFunction::Sum => "sum",
        }
    }
}

/// The per-item weight that `max` and `sum` use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Weight {
    /// Sigma `level` as sigma-cli's `max` counts it: informational 1, low 2, medium 3, high 4,
    /// critical 5 (none 0).
    Level,
    /// Sigma `level` as sigma-cli's `level` score sums it: informational 1, low 2, medium 4,
    /// high 8, critical 12 (none 1).
    LevelScore,
    /// Elastic `risk_score`, Splunk `risk_score` (0–100).
    RiskScore,
    /// Elastic `severity`: low 1, medium 2, high 3, critical 4.
    Severity,
    /// Splunk `tags.confidence`.
    Confidence,
    /// Splunk `tags.impact`.
    Impact,
    /// Mappings Explorer `score_value`: minimal 1, partial 2, significant 3.
    ScoreValue,
    /// A list's score column.
    Score,
}

impl Weight {
    /// The kebab-case name.
    pub fn label(self) -> &'static str {
        match self {
            Weight::Level => "level",
            Weight::LevelScore => "level-score",
            Weight::RiskScore => "risk-score",
            Weight::Severity => "severity",
            Weight::Confidence => "confidence",
            Weight::Impact => "impact",
            Weight::ScoreValue => "score-value",
            Weight::Score => "score",
        }
    }
}

/// The kebab-case name of a sub-technique mode.
pub(crate) fn mode_label(m: SubtechniqueMode) -> &'static str {
    match m {
        SubtechniqueMode::Auto => "auto",
        SubtechniqueMode::Separate => "separate",
        SubtechniqueMode::Parent => "parent",
        SubtechniqueMode::Rollup => "rollup",
    }
}

/// The kebab-case name of a tactic scope.
pub(crate) fn scope_label(s: TacticScope) -> &'static str {
    match s {
        TacticScope::Auto => "auto",
        TacticScope::All => "all",
        TacticScope::Tagged => "tagged",
    }
}

/// What a reference to a sub-technique counts for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SubtechniqueMode {
    /// The format's convention: `rollup` for Atomic Red Team (as its published layers),
    /// `separate` for the others (as sigma-cli and the Mappings Explorer).
    #[default]
    Auto,
    /// A sub-technique counts for itself only.
    Separate,
    /// A sub-technique counts for its parent instead (sigma-cli `--no-subtechniques`).
    Parent,
    /// A sub-technique counts for itself and for its parent.
    Rollup,
}

/// Which tactics of a technique an item's score goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TacticScope {
    /// The format's convention: `tagged` for Elastic (its threat entries name the tactic, as its
    /// own Navigator layers use them) and lists with a tactic column; `all` for the others
    /// (sigma-cli ignores Sigma's tactic tags).
    #[default]
    Auto,
    /// Every tactic of the technique.
    All,
    /// Only the tactics the item names for it (every tactic when it names none of the
    /// technique's tactics).
    Tagged,
}

/// Which Mappings Explorer mapping objects count. Empty lists mean "any".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MappingFilter {
    /// Capability IDs (`AC-2`, `amazon_guardduty`), case-insensitive.
    pub capabilities: Vec<String>,
    /// Capability groups, by ID (`AC`) or name (`Access Control`), case-insensitive.
    pub groups: Vec<String>,
    /// Mapping types (`mitigates`, `technique_scores`, `exploitation_technique`, …).
    pub mapping_types: Vec<String>,
    /// Statuses; default `complete` (non-mappable entries are reported, not counted).
    pub statuses: Vec<String>,
    /// Score categories (`protect`, `detect`, `respond`).
    pub categories: Vec<String>,
}

impl Default for MappingFilter {
    fn default() -> MappingFilter {
        MappingFilter {
            capabilities: Vec::new(),
            groups: Vec::new(),
            mapping_types: Vec::new(),
            statuses: vec!["complete".into()],
            categories: Vec::new(),
        }
    }
}

/// Everything a coverage run can be told.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CoverageOptions {
    /// Layer name (default: `<format> coverage`).
    pub name: Option<String>,
    /// Layer description (default: says what was read and how it was scored).
    pub description: Option<String>,
    /// Where the inputs came from, for the layer's metadata (default: the files' names, or
    /// their count).
    pub source: Option<String>,
    /// Score function.
    pub score: ScoreFunction,
    /// Weight for `max` / `sum` (default: the format's, see [`crate::Format::default_weight`]).
    pub weight: Option<Weight>,
    /// Keep only items (and techniques) of these platforms; ATT&CK names (`Linux`, `IaaS`) or
    /// the format's own (`iaas:aws`, `azure-ad`), case-insensitive.
    pub platforms: Vec<String>,
    /// Sub-technique handling.
    pub subtechniques: SubtechniqueMode,
    /// Tactic scoping.
    pub tactics: TacticScope,
    /// Keep IDs the release does not know in the layer (reported either way).
    pub keep_unknown: bool,
    /// Count deprecated rules (Elastic `maturity = "deprecated"`, Splunk `status: deprecated`).
    pub include_deprecated: bool,
    /// Sigma: lowest rule level counted (`informational` … `critical`), as sigma-cli `--min-level`.
    pub min_level: Option<String>,
    /// Sigma: lowest rule status counted (`unsupported`, `deprecated`, `experimental`, `test`,
    /// `stable`), as sigma-cli `--min-status`.
    pub min_status: Option<String>,
    /// Mappings Explorer filters.
    pub mappings: MappingFilter,
    /// Most item names listed in a technique's comment and links (then "… and N more").
    pub comment_limit: usize,
    /// Gradient maximum (default: the highest score).
    pub max_score: Option<f64>,
    /// Gradient colours, low to high (default: the Navigator's red-yellow-green).
    pub colors: Option<Vec<String>>,
    /// Bounds on what is read.
    pub limits: Limits,
}

impl Default for CoverageOptions {
    fn default() -> CoverageOptions {
        CoverageOptions {
            name: None,
            description: None,
            source: None,
            score: ScoreFunction::Auto,
            weight: None,
            platforms: Vec::new(),
            subtechniques: SubtechniqueMode::Auto,
            tactics: TacticScope::Auto,
            keep_unknown: false,
            include_deprecated: false,
            min_level: None,
            min_status: None,
            mappings: MappingFilter::default(),
            comment_limit: 10,
            max_score: None,
            colors: None,
            limits: Limits::default(),
        }
    }
}
