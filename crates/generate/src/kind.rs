//! The kinds of objects attack.mitre.org publishes layers for.

use std::fmt;
use std::str::FromStr;

use navlayer_attack::ObjectKind;

/// A kind of ATT&CK object with a per-object layer on attack.mitre.org.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LayerKind {
    /// `course-of-action`: techniques mitigated by the mitigation.
    Mitigation,
    /// `intrusion-set`: techniques used by the group, and by campaigns attributed to it.
    Group,
    /// `malware` and `tool`: techniques used by the software.
    Software,
    /// `campaign`: techniques used by the campaign.
    Campaign,
    /// `x-mitre-asset`: techniques targeting the asset.
    Asset,
}

impl LayerKind {
    /// Every kind, in the order `generate all` writes them.
    pub const ALL: [LayerKind; 5] = [
        LayerKind::Mitigation,
        LayerKind::Group,
        LayerKind::Software,
        LayerKind::Campaign,
        LayerKind::Asset,
    ];

    /// The word in the layer description (`ATT&CK mitigation M1038`) and the CLI.
    pub fn as_str(self) -> &'static str {
        match self {
            LayerKind::Mitigation => "mitigation",
            LayerKind::Group => "group",
            LayerKind::Software => "software",
            LayerKind::Campaign => "campaign",
            LayerKind::Asset => "asset",
        }
    }

    /// The verb of the description and legend (`Enterprise techniques mitigated by …`).
    pub fn verb(self) -> &'static str {
        match self {
            LayerKind::Mitigation => "mitigated by",
            LayerKind::Group | LayerKind::Software | LayerKind::Campaign => "used by",
            LayerKind::Asset => "targeted by",
        }
    }

    /// The layer kind of an object kind, if the website publishes layers for it.
    pub fn of_object(kind: ObjectKind) -> Option<LayerKind> {
        match kind {
            ObjectKind::Mitigation => Some(LayerKind::Mitigation),
            ObjectKind::Group => Some(LayerKind::Group),
            ObjectKind::Malware | ObjectKind::Tool => Some(LayerKind::Software),
            ObjectKind::Campaign => Some(LayerKind::Campaign),
            ObjectKind::Asset => Some(LayerKind::Asset),
            _ => None,
        }
    }
}

impl fmt::Display for LayerKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The text was not one of `mitigation`, `group`, `software`, `campaign`, `asset`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown layer kind `{0}`: expected mitigation, group, software, campaign or asset")]
pub struct UnknownKind(pub String);

impl FromStr for LayerKind {
    type Err = UnknownKind;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "mitigation" | "mitigations" | "course-of-action" => Ok(LayerKind::Mitigation),
            "group" | "groups" | "intrusion-set" => Ok(LayerKind::Group),
            "software" | "malware" | "tool" => Ok(LayerKind::Software),
            "campaign" | "campaigns" => Ok(LayerKind::Campaign),
            "asset" | "assets" | "x-mitre-asset" => Ok(LayerKind::Asset),
            _ => Err(UnknownKind(s.to_string())),
        }
    }
}
