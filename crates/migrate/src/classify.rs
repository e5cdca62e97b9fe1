//! Classifying techniques between two releases of one domain, the way the Navigator's layer
//! upgrade view does: objects are matched by STIX id, and `x_mitre_version` says how much changed.

use std::collections::HashSet;

use navlayer_attack::{Catalogue, ObjectId, Release};
use serde::Serialize;

use crate::MigrateError;

/// How a technique changed between the source and the target release.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Change {
    /// Same `x_mitre_version` and ATT&CK ID.
    Unchanged,
    /// The minor part of `x_mitre_version` changed.
    Minor,
    /// The major part of `x_mitre_version` changed, or the ATT&CK ID changed (a technique that
    /// became a sub-technique, or the reverse).
    Major,
    /// Revoked: replaced by the end of its `revoked-by` chain.
    Revoked,
    /// Deprecated in the target release, or absent from it.
    Deprecated,
    /// The ATT&CK ID names no technique of the source release.
    Unknown,
}

impl Change {
    /// Every class, in report order.
    pub const ALL: [Change; 6] = [
        Change::Unchanged,
        Change::Minor,
        Change::Major,
        Change::Revoked,
        Change::Deprecated,
        Change::Unknown,
    ];

    /// The kebab-case label (`minor`, `revoked`, …).
    pub fn label(self) -> &'static str {
        match self {
            Change::Unchanged => "unchanged",
            Change::Minor => "minor",
            Change::Major => "major",
            Change::Revoked => "revoked",
            Change::Deprecated => "deprecated",
            Change::Unknown => "unknown",
        }
    }
}

impl std::fmt::Display for Change {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

/// What became of one ATT&CK technique ID of the source release in the target release.
#[derive(Debug, Clone, PartialEq)]
pub struct Resolution {
    /// The class of change.
    pub change: Change,
    /// The technique in the source release (`None` for [`Change::Unknown`]).
    pub source: Option<ObjectId>,
    /// The active technique of the target release the ID now stands for (`None` when deprecated,
    /// removed, or unknown to both releases).
    pub target: Option<ObjectId>,
    /// Why, when it is not obvious (revoked without replacement, absent from the target …).
    pub note: Option<String>,
}

/// Two releases of one domain, with what the migration needs precomputed.
#[derive(Debug, Clone)]
pub struct ReleasePair<'a> {
    from: &'a Catalogue,
    to: &'a Catalogue,
    from_tactics: HashSet<String>,
    to_tactics: HashSet<String>,
}

impl<'a> ReleasePair<'a> {
    /// Pairs a source and a target release. They must be of one domain; the target may be older
    /// than the source (a downgrade) or the same release.
    pub fn new(from: &'a Catalogue, to: &'a Catalogue) -> Result<ReleasePair<'a>, MigrateError> {
        if from.domain() != to.domain() {
            return Err(MigrateError::MixedDomains {
                from: from.release(),
                from_domain: from.domain(),
                to: to.release(),
                to_domain: to.domain(),
            });
        }
        Ok(ReleasePair {
            from,
            to,
            from_tactics: tactic_names(from),
            to_tactics: tactic_names(to),
        })
    }

    /// The source release.
    pub fn from(&self) -> &'a Catalogue {
        self.from
    }

    /// The target release.
    pub fn to(&self) -> &'a Catalogue {
        self.to
    }

    /// True when the tactic short name is an active tactic of the source release.
    pub fn tactic_in_source(&self, shortname: &str) -> bool {
        self.from_tactics.contains(shortname)
    }

    /// True when the tactic short name is an active tactic of the target release.
    pub fn tactic_in_target(&self, shortname: &str) -> bool {
        self.to_tactics.contains(shortname)
    }

    /// True when the tactic is in the target release but not in the source (a tactic that a
    /// removed one may have been split into).
    pub fn tactic_is_new(&self, shortname: &str) -> bool {
        self.to_tactics.contains(shortname) && !self.from_tactics.contains(shortname)
    }

    /// What became of a technique ID of the source release.
    pub fn resolve_id(&self, attack_id: &str) -> Resolution {
        match technique_by_id(self.from, attack_id) {
            Some(source) => self.resolve(source),
            None => {
                // Unknown in the source: follow it in the target when it is there.
                let target = technique_by_id(self.to, attack_id).and_then(|t| self.active_end(t));
                let note = if target.is_some() {
                    format!(
                        "not a technique of {} {}, but known in {}",
                        self.from.domain(),
                        self.from.release(),
                        self.to.release()
                    )
                } else if self.from.release() == self.to.release() {
                    format!(
                        "not a technique of {} {}",
                        self.from.domain(),
                        self.from.release()
                    )
                } else {
                    format!(
                        "not a technique of {} {} nor {}",
                        self.from.domain(),
                        self.from.release(),
                        self.to.release()
                    )
                };
                Resolution {
                    change: Change::Unknown,
                    source: None,
                    target,
                    note: Some(note),
                }
            }
        }
    }

    /// What became of a technique of the source release, matched by STIX id.
    pub fn resolve(&self, source: ObjectId) -> Resolution {
        let s = self.from.object(source);
        if s.revoked {
            // Already revoked in the source: follow the source's chain, then the target's.
            let Some(r) = self.from.replacement_of(source) else {
                return self.gone(source, "revoked without a replacement".into());
            };
            let mut res = self.resolve(r);
            res.source = Some(source);
            return match res.change {
                Change::Deprecated => res,
                _ => Resolution {
                    change: Change::Revoked,
                    note: Some(format!(
                        "already revoked in {} (by {})",
                        self.from.release(),
                        self.from.object(r).display_id()
                    )),
                    ..res
                },
            };
        }
        let Some(t) = self.to.by_stix_id(&s.stix_id) else {
            return self.gone(
                source,
                format!("absent from {} {}", self.to.domain(), self.to.release()),
            );
        };
        let o = self.to.object(t);
        if o.revoked {
            return match self.active_end(t) {
                Some(r) => Resolution {
                    change: Change::Revoked,
                    source: Some(source),
                    target: Some(r),
                    note: None,
                },
                None => self.gone(
                    source,
                    "revoked without an active replacement technique".into(),
                ),
            };
        }
        if o.deprecated || !o.kind.is_technique() {
            return self.gone(source, format!("deprecated in {}", self.to.release()));
        }
        let mut change = version_change(s.version.as_deref(), o.version.as_deref());
        let id_changed = !same_id(s.attack_id.as_deref(), o.attack_id.as_deref());
        if id_changed && change < Change::Major {
            change = Change::Major;
        }
        Resolution {
            change,
            source: Some(source),
            target: Some(t),
            note: id_changed.then(|| {
                format!(
                    "ATT&CK ID changed from {} to {}",
                    s.display_id(),
                    o.display_id()
                )
            }),
        }
    }

    fn gone(&self, source: ObjectId, note: String) -> Resolution {
        Resolution {
            change: Change::Deprecated,
            source: Some(source),
            target: None,
            note: Some(note),
        }
    }

    /// The active technique a target-release object stands for: itself, or the end of its
    /// `revoked-by` chain.
    fn active_end(&self, t: ObjectId) -> Option<ObjectId> {
        let end = if self.to.object(t).revoked {
            self.to.replacement_of(t)?
        } else {
            t
        };
        let o = self.to.object(end);
        (o.kind.is_technique() && o.is_active()).then_some(end)
    }
}

/// Active tactic short names of a release.
fn tactic_names(c: &Catalogue) -> HashSet<String> {
    c.tactics()
        .iter()
        .filter_map(|&t| c.object(t).shortname.clone())
        .collect()
}

/// The technique (or sub-technique) with this ATT&CK ID: the active one when there is one.
pub fn technique_by_id(c: &Catalogue, attack_id: &str) -> Option<ObjectId> {
    let ids = c.all_by_attack_id(attack_id);
    let techniques = || {
        ids.iter()
            .copied()
            .filter(|&i| c.object(i).kind.is_technique())
    };
    techniques()
        .find(|&i| c.object(i).is_active())
        .or_else(|| techniques().find(|&i| !c.object(i).revoked))
        .or_else(|| techniques().next())
}

fn same_id(a: Option<&str>, b: Option<&str>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
        (None, None) => true,
        _ => false,
    }
}

/// Compares two `x_mitre_version`s (`major.minor`).
pub fn version_change(old: Option<&str>, new: Option<&str>) -> Change {
    let major = |v: &str| v.trim().split('.').next().unwrap_or("").to_string();
    match (old, new) {
        (Some(a), Some(b)) if a.trim() == b.trim() => Change::Unchanged,
        (Some(a), Some(b)) if major(a) != major(b) => Change::Major,
        (None, None) => Change::Unchanged,
        _ => Change::Minor,
    }
}

/// Which release of `available` to use as the source when a layer names release `wanted` (only
/// its major version counts: layers carry the major version alone) and migrates to `target`.
///
/// The newest release of the same major version wins. When the data folder has none, the nearest
/// one is used instead (the closest newer release up to the target, else the closest older one,
/// else the target itself), and the note says so: revoked and deprecated objects stay in every
/// later bundle, so replacements are still followed, but version changes between the named
/// release and the one used are not seen.
pub fn pick_source_release(
    wanted: Release,
    available: &[Release],
    target: Release,
) -> (Release, Option<String>) {
    let mut same: Vec<Release> = available
        .iter()
        .copied()
        .filter(|r| r.major == wanted.major)
        .collect();
    same.sort();
    if let Some(r) = same.last() {
        return (*r, None);
    }
    let mut newer: Vec<Release> = available
        .iter()
        .copied()
        .filter(|r| r.major > wanted.major && *r <= target)
        .collect();
    newer.sort();
    let mut older: Vec<Release> = available
        .iter()
        .copied()
        .filter(|r| r.major < wanted.major)
        .collect();
    older.sort();
    let chosen = newer.first().or(older.last()).copied().unwrap_or(target);
    (
        chosen,
        Some(format!(
            "ATT&CK {} is not in the data folder; {chosen} was used as the source release (replacements are followed, version changes before {chosen} are not reported)",
            wanted.major
        )),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(major: u32, minor: u32) -> Release {
        Release { major, minor }
    }

    #[test]
    fn versions_compare_by_major_then_minor() {
        assert_eq!(version_change(Some("1.2"), Some("1.2")), Change::Unchanged);
        assert_eq!(version_change(Some("1.2"), Some("1.3")), Change::Minor);
        assert_eq!(version_change(Some("1.2"), Some("2.0")), Change::Major);
        assert_eq!(version_change(None, Some("1.0")), Change::Minor);
        assert_eq!(version_change(None, None), Change::Unchanged);
    }

    #[test]
    fn source_release_prefers_same_major_then_nearest() {
        let avail = [r(16, 1), r(17, 1), r(18, 1)];
        assert_eq!(
            pick_source_release(r(17, 0), &avail, r(18, 1)),
            (r(17, 1), None)
        );
        let (chosen, note) = pick_source_release(r(8, 0), &avail, r(18, 1));
        assert_eq!(chosen, r(16, 1));
        assert!(note
            .unwrap_or_default()
            .contains("ATT&CK 8 is not in the data folder"));
        assert_eq!(
            pick_source_release(r(12, 0), &[r(18, 1)], r(18, 1)).0,
            r(18, 1)
        );
        assert_eq!(pick_source_release(r(19, 0), &avail, r(18, 1)).0, r(18, 1));
    }
}
