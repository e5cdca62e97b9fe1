//! What every importer produces: items (a rule, a test, a control, a row, a report) that
//! reference ATT&CK techniques, before the references are resolved against a release.

use navlayer_attack::{Domain, Release};

use crate::input::FileReport;

/// One thing that covers techniques: a detection rule, an atomic test, a control, a list row,
/// a threat report.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// Display name (rule title, test name, control name, …). Attacker-controlled text.
    pub name: String,
    /// The item's own identifier (rule ID, test GUID, control ID), if any.
    pub id: Option<String>,
    /// A web page about the item (only `http(s)` links are kept in layers).
    pub url: Option<String>,
    /// Index of the file it came from in [`Parsed::files`].
    pub file: usize,
    /// The per-item weight for `max` / `sum` scoring, when the chosen weight applies to it.
    pub weight: Option<f64>,
    /// Platforms the item says it applies to, in the format's own words (`linux`,
    /// `iaas:aws`, …); `None` when the item does not say.
    pub platforms: Option<Vec<String>>,
    /// Tactic short names the item is tagged with as a whole (Sigma's `attack.persistence`);
    /// used when tactics are scoped ([`crate::TacticScope::Tagged`]).
    pub tactics: Vec<String>,
    /// The ATT&CK techniques it references, as written.
    pub refs: Vec<TechRef>,
}

/// One reference to an ATT&CK technique, as written in the input.
#[derive(Debug, Clone, PartialEq)]
pub struct TechRef {
    /// The ID as written (`T1059.001`, `t1059`), trimmed.
    pub id: String,
    /// The tactic this reference is for, when the input says (Elastic's `rule.threat.tactic`,
    /// a list's tactic column), as a short name or a name.
    pub tactic: Option<String>,
    /// A weight for this reference only (a mapping's `score_value`), overriding the item's.
    pub weight: Option<f64>,
}

impl TechRef {
    /// A reference with only an ID.
    pub fn new(id: impl Into<String>) -> TechRef {
        TechRef {
            id: id.into().trim().to_string(),
            tactic: None,
            weight: None,
        }
    }
}

/// The ATT&CK release and domain an input file says it was made for (Mappings Explorer files
/// name theirs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MadeFor {
    /// The domain.
    pub domain: Domain,
    /// The release.
    pub release: Release,
}

/// Every input of a run after parsing, before resolution against a release.
#[derive(Debug, Clone, Default)]
pub struct Parsed {
    /// The report on every input file and skipped entry, in walk order.
    pub files: Vec<FileReport>,
    /// For each entry of `files`, the release its content says it was made for, if any.
    pub made_for: Vec<Option<MadeFor>>,
    /// Every item, in file order.
    pub items: Vec<Item>,
    /// Whether any item carries its own score (a list's score column): `auto` scoring then
    /// takes the highest score given rather than counting items.
    pub scores_given: bool,
}
