//! Typed ATT&CK objects and relationships, as read from a STIX bundle.

use std::fmt;
use std::str::FromStr;

use crate::AttackError;

/// An ATT&CK domain (matrix family).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Domain {
    /// `enterprise-attack`
    Enterprise,
    /// `mobile-attack`
    Mobile,
    /// `ics-attack`
    Ics,
}

impl Domain {
    /// All domains, in the order ATT&CK lists them.
    pub const ALL: [Domain; 3] = [Domain::Enterprise, Domain::Mobile, Domain::Ics];

    /// The STIX / layer identifier, e.g. `enterprise-attack`.
    pub fn stix_name(self) -> &'static str {
        match self {
            Domain::Enterprise => "enterprise-attack",
            Domain::Mobile => "mobile-attack",
            Domain::Ics => "ics-attack",
        }
    }

    /// The short name, e.g. `enterprise`.
    pub fn short_name(self) -> &'static str {
        match self {
            Domain::Enterprise => "enterprise",
            Domain::Mobile => "mobile",
            Domain::Ics => "ics",
        }
    }

    /// The display name used by attack.mitre.org, e.g. `Enterprise`, `ICS`.
    pub fn display_name(self) -> &'static str {
        match self {
            Domain::Enterprise => "Enterprise",
            Domain::Mobile => "Mobile",
            Domain::Ics => "ICS",
        }
    }

    /// Parses a domain written any of the ways users and old layer files write it:
    /// `enterprise`, `enterprise-attack`, `mitre-enterprise`, `Enterprise ATT&CK`, ….
    pub fn parse_lenient(text: &str) -> Option<Domain> {
        let lower = text.trim().to_ascii_lowercase();
        let key = lower
            .trim_start_matches("mitre-")
            .trim_end_matches("-attack")
            .trim_end_matches(" att&ck")
            .trim();
        match key {
            "enterprise" => Some(Domain::Enterprise),
            "mobile" => Some(Domain::Mobile),
            "ics" => Some(Domain::Ics),
            _ => None,
        }
    }
}

impl fmt::Display for Domain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.stix_name())
    }
}

impl FromStr for Domain {
    type Err = AttackError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Domain::parse_lenient(s).ok_or_else(|| AttackError::UnknownDomain {
            domain: s.to_string(),
        })
    }
}

/// An ATT&CK release number such as `18.1` (`major.minor`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Release {
    /// Major version (the number attack.mitre.org writes in `versions.attack`).
    pub major: u32,
    /// Minor version.
    pub minor: u32,
}

impl Release {
    /// Parses `18.1`, `v18.1`, `18` (minor 0).
    pub fn parse(text: &str) -> Option<Release> {
        let t = text.trim().trim_start_matches(['v', 'V']);
        let mut parts = t.split('.');
        let major = parts.next()?.trim().parse().ok()?;
        let minor = match parts.next() {
            Some(m) => m.trim().parse().ok()?,
            None => 0,
        };
        if parts.next().is_some() {
            return None;
        }
        Some(Release { major, minor })
    }
}

impl fmt::Display for Release {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

impl FromStr for Release {
    type Err = AttackError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Release::parse(s).ok_or_else(|| AttackError::BadRelease {
            text: s.to_string(),
        })
    }
}

/// Index of an object in [`crate::Catalogue::objects`] (bundle order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ObjectId(pub u32);

/// Index of a relationship in [`crate::Catalogue::relationships`] (bundle order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RelationshipId(pub u32);

/// The kinds of ATT&CK objects the catalogue keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ObjectKind {
    /// `x-mitre-tactic`
    Tactic,
    /// `attack-pattern` that is not a sub-technique
    Technique,
    /// `attack-pattern` with `x_mitre_is_subtechnique: true`
    SubTechnique,
    /// `course-of-action`
    Mitigation,
    /// `intrusion-set`
    Group,
    /// `malware`
    Malware,
    /// `tool`
    Tool,
    /// `campaign`
    Campaign,
    /// `x-mitre-data-source`
    DataSource,
    /// `x-mitre-data-component`
    DataComponent,
    /// `x-mitre-detection-strategy`
    DetectionStrategy,
    /// `x-mitre-analytic`
    Analytic,
    /// `x-mitre-asset`
    Asset,
    /// `x-mitre-matrix`
    Matrix,
    /// `x-mitre-collection`
    Collection,
}

impl ObjectKind {
    /// Every kind, in the order `data info` lists them.
    pub const ALL: [ObjectKind; 15] = [
        ObjectKind::Tactic,
        ObjectKind::Technique,
        ObjectKind::SubTechnique,
        ObjectKind::Mitigation,
        ObjectKind::Group,
        ObjectKind::Malware,
        ObjectKind::Tool,
        ObjectKind::Campaign,
        ObjectKind::DataSource,
        ObjectKind::DataComponent,
        ObjectKind::DetectionStrategy,
        ObjectKind::Analytic,
        ObjectKind::Asset,
        ObjectKind::Matrix,
        ObjectKind::Collection,
    ];

    /// The STIX `type` of this kind.
    pub fn stix_type(self) -> &'static str {
        match self {
            ObjectKind::Tactic => "x-mitre-tactic",
            ObjectKind::Technique | ObjectKind::SubTechnique => "attack-pattern",
            ObjectKind::Mitigation => "course-of-action",
            ObjectKind::Group => "intrusion-set",
            ObjectKind::Malware => "malware",
            ObjectKind::Tool => "tool",
            ObjectKind::Campaign => "campaign",
            ObjectKind::DataSource => "x-mitre-data-source",
            ObjectKind::DataComponent => "x-mitre-data-component",
            ObjectKind::DetectionStrategy => "x-mitre-detection-strategy",
            ObjectKind::Analytic => "x-mitre-analytic",
            ObjectKind::Asset => "x-mitre-asset",
            ObjectKind::Matrix => "x-mitre-matrix",
            ObjectKind::Collection => "x-mitre-collection",
        }
    }

    /// A plain English label (`technique`, `sub-technique`, `data component`, …).
    pub fn label(self) -> &'static str {
        match self {
            ObjectKind::Tactic => "tactic",
            ObjectKind::Technique => "technique",
            ObjectKind::SubTechnique => "sub-technique",
            ObjectKind::Mitigation => "mitigation",
            ObjectKind::Group => "group",
            ObjectKind::Malware => "malware",
            ObjectKind::Tool => "tool",
            ObjectKind::Campaign => "campaign",
            ObjectKind::DataSource => "data source",
            ObjectKind::DataComponent => "data component",
            ObjectKind::DetectionStrategy => "detection strategy",
            ObjectKind::Analytic => "analytic",
            ObjectKind::Asset => "asset",
            ObjectKind::Matrix => "matrix",
            ObjectKind::Collection => "collection",
        }
    }

    /// True for techniques and sub-techniques.
    pub fn is_technique(self) -> bool {
        matches!(self, ObjectKind::Technique | ObjectKind::SubTechnique)
    }

    /// True for malware and tools (ATT&CK "software").
    pub fn is_software(self) -> bool {
        matches!(self, ObjectKind::Malware | ObjectKind::Tool)
    }
}

impl fmt::Display for ObjectKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// One ATT&CK object. Fields the object type does not have are empty.
#[derive(Debug, Clone, PartialEq)]
pub struct AttackObject {
    /// STIX id, e.g. `attack-pattern--…`.
    pub stix_id: String,
    /// What kind of object this is.
    pub kind: ObjectKind,
    /// ATT&CK ID from the `mitre-attack` external reference (`T1059.001`, `M1038`, …).
    pub attack_id: Option<String>,
    /// attack.mitre.org page of the object.
    pub url: Option<String>,
    /// Display name.
    pub name: String,
    /// Description (markdown with citations), if any.
    pub description: Option<String>,
    /// `x_mitre_version`, e.g. `1.3`.
    pub version: Option<String>,
    /// STIX `revoked`.
    pub revoked: bool,
    /// `x_mitre_deprecated`.
    pub deprecated: bool,
    /// `created` timestamp.
    pub created: Option<String>,
    /// `modified` timestamp.
    pub modified: Option<String>,
    /// `x_mitre_platforms`.
    pub platforms: Vec<String>,
    /// `x_mitre_domains`.
    pub domains: Vec<String>,
    /// Techniques: tactic short names from the kill chain phases, in bundle order.
    pub tactics: Vec<String>,
    /// Tactics: `x_mitre_shortname` (e.g. `defense-evasion`).
    pub shortname: Option<String>,
    /// Matrices: `tactic_refs` (STIX ids of the tactics, in matrix order).
    pub tactic_refs: Vec<String>,
    /// Groups, campaigns: `aliases`; software: `x_mitre_aliases`.
    pub aliases: Vec<String>,
    /// Detection strategies: `x_mitre_analytic_refs` (STIX ids of analytics).
    pub analytic_refs: Vec<String>,
    /// Data components: `x_mitre_data_source_ref` (STIX id of the data source).
    pub data_source_ref: Option<String>,
    /// `x_mitre_contributors`, as written.
    pub contributors: Vec<String>,
}

impl AttackObject {
    /// True when the object is neither revoked nor deprecated.
    pub fn is_active(&self) -> bool {
        !self.revoked && !self.deprecated
    }

    /// `active`, `revoked` or `deprecated`.
    pub fn status(&self) -> &'static str {
        if self.revoked {
            "revoked"
        } else if self.deprecated {
            "deprecated"
        } else {
            "active"
        }
    }

    /// The ATT&CK ID, or the STIX id when the object has none.
    pub fn display_id(&self) -> &str {
        self.attack_id.as_deref().unwrap_or(&self.stix_id)
    }
}

/// The relationship types the catalogue understands.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RelationKind {
    /// group / software / campaign → technique or software
    Uses,
    /// mitigation → technique
    Mitigates,
    /// sub-technique → parent technique
    SubtechniqueOf,
    /// campaign → group
    AttributedTo,
    /// data component / detection strategy → technique
    Detects,
    /// technique → asset
    Targets,
    /// old object → replacement
    RevokedBy,
    /// any other `relationship_type`, kept as written
    Other(String),
}

impl RelationKind {
    /// Maps a STIX `relationship_type`.
    pub fn from_stix(text: &str) -> RelationKind {
        match text {
            "uses" => RelationKind::Uses,
            "mitigates" => RelationKind::Mitigates,
            "subtechnique-of" => RelationKind::SubtechniqueOf,
            "attributed-to" => RelationKind::AttributedTo,
            "detects" => RelationKind::Detects,
            "targets" => RelationKind::Targets,
            "revoked-by" => RelationKind::RevokedBy,
            other => RelationKind::Other(other.to_string()),
        }
    }

    /// The STIX `relationship_type`.
    pub fn as_str(&self) -> &str {
        match self {
            RelationKind::Uses => "uses",
            RelationKind::Mitigates => "mitigates",
            RelationKind::SubtechniqueOf => "subtechnique-of",
            RelationKind::AttributedTo => "attributed-to",
            RelationKind::Detects => "detects",
            RelationKind::Targets => "targets",
            RelationKind::RevokedBy => "revoked-by",
            RelationKind::Other(s) => s,
        }
    }
}

/// A STIX relationship. `source` and `target` are `None` when the bundle does not hold that object.
#[derive(Debug, Clone, PartialEq)]
pub struct Relationship {
    /// STIX id of the relationship.
    pub stix_id: String,
    /// The relationship type.
    pub kind: RelationKind,
    /// STIX id of the source object.
    pub source_ref: String,
    /// STIX id of the target object.
    pub target_ref: String,
    /// The source object, when it is in the bundle.
    pub source: Option<ObjectId>,
    /// The target object, when it is in the bundle.
    pub target: Option<ObjectId>,
    /// The relationship's description (how a group uses a technique, how a mitigation applies …).
    pub description: Option<String>,
    /// STIX `revoked`.
    pub revoked: bool,
    /// `x_mitre_deprecated`.
    pub deprecated: bool,
}

impl Relationship {
    /// True when the relationship is neither revoked nor deprecated.
    pub fn is_active(&self) -> bool {
        !self.revoked && !self.deprecated
    }
}
