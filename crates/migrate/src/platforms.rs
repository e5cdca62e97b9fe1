//! Remapping a layer's `filters.platforms` to the platform names of the target release.
//!
//! The Navigator hides every technique none of whose platforms is selected, so a platform name
//! the target release no longer has (`Office 365`, `Azure AD`, `Network`) hides annotated cells.
//! Each name is kept when the target release has it (in any letter case), else renamed:
//!
//! 1. from the releases' own data: when the techniques on the old platform in the source release
//!    are, in the target release, on one platform the source release did not have (`Network` in
//!    16.1 → `Network Devices` in 17.1), that platform;
//! 2. from ATT&CK's earlier renames, which no pair of recent releases shows: the Navigator's own
//!    backwards-compatibility names (`AWS`, `GCP`, `Azure` → `IaaS`; `windows` → `Windows`, …)
//!    and ATT&CK v9–v17's (`Office 365`, `Google Workspace` → `Office Suite`; `Azure AD` →
//!    `Identity Provider`; `Network` → `Network Devices`), when the target release has the new
//!    name;
//! 3. else dropped.
//!
//! Every change is reported.

use std::collections::{BTreeMap, BTreeSet};

use navlayer_attack::Catalogue;
use serde::Serialize;

/// Renames ATT&CK and the Navigator made before the releases at hand: old name → new name.
const LEGACY: [(&str, &str); 13] = [
    ("AWS", "IaaS"),
    ("GCP", "IaaS"),
    ("Azure", "IaaS"),
    ("android", "Android"),
    ("ios", "iOS"),
    ("windows", "Windows"),
    ("linux", "Linux"),
    ("mac", "macOS"),
    ("Office 365", "Office Suite"),
    ("Google Workspace", "Office Suite"),
    ("G Suite", "Office Suite"),
    ("Azure AD", "Identity Provider"),
    ("Network", "Network Devices"),
];

/// What happened to one platform name of `filters.platforms`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlatformChange {
    /// The name in the layer.
    pub from: String,
    /// The name in the migrated layer; `None` when dropped.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    /// Why.
    pub reason: String,
}

/// Platforms of the active techniques, by lower-case name → name as written.
fn platform_names(cat: &Catalogue) -> BTreeMap<String, String> {
    cat.platforms()
        .into_iter()
        .map(|p| (p.to_lowercase(), p))
        .collect()
}

/// The platform the techniques on `old` moved to between the releases, if one took them all
/// (at least half of those still active, and more than any other new platform).
fn renamed_in_data(from: &Catalogue, to: &Catalogue, old: &str) -> Option<String> {
    let before: BTreeSet<String> = from.platforms().into_iter().collect();
    let mut on_old = 0usize;
    let mut votes: BTreeMap<&str, usize> = BTreeMap::new();
    for id in from.active_techniques() {
        let o = from.object(id);
        if !o.platforms.iter().any(|p| p == old) {
            continue;
        }
        let Some(now) = to.by_stix_id(&o.stix_id).map(|t| to.object(t)) else {
            continue;
        };
        if !now.is_active() {
            continue;
        }
        on_old += 1;
        for p in now.platforms.iter().filter(|p| !before.contains(*p)) {
            *votes.entry(p.as_str()).or_default() += 1;
        }
    }
    let (best, n) = votes.into_iter().max_by_key(|&(_, n)| n)?;
    (on_old > 0 && n * 2 >= on_old).then(|| best.to_string())
}

/// `filters.platforms` remapped to the target release, and a change for every name not kept as is.
pub fn remap_platforms(
    from: &Catalogue,
    to: &Catalogue,
    platforms: &[String],
) -> (Vec<String>, Vec<PlatformChange>) {
    let target = platform_names(to);
    let target_list = to.platforms();
    let mut out: Vec<String> = Vec::new();
    let mut changes = Vec::new();
    let push = |name: String, out: &mut Vec<String>| {
        if !out.contains(&name) {
            out.push(name);
        }
    };
    for p in platforms {
        if target_list.iter().any(|t| t == p) {
            push(p.clone(), &mut out);
            continue;
        }
        let release = to.release();
        let (to_name, reason) = if let Some(same) = target.get(&p.to_lowercase()) {
            (
                Some(same.clone()),
                format!("spelled {same:?} in ATT&CK {release}"),
            )
        } else if let Some(new) =
            renamed_in_data(from, to, p).filter(|n| target.contains_key(&n.to_lowercase()))
        {
            (
                Some(new.clone()),
                format!(
                    "the techniques on {p:?} in {} are on {new:?} in {release}",
                    from.release()
                ),
            )
        } else if let Some((_, new)) = LEGACY
            .iter()
            .find(|(old, new)| old == p && target.contains_key(&new.to_lowercase()))
        {
            (
                Some((*new).to_string()),
                format!("{p:?} was renamed {new:?} (an earlier ATT&CK or Navigator name)"),
            )
        } else {
            (None, format!("not a platform of ATT&CK {release}; dropped"))
        };
        if let Some(name) = &to_name {
            push(name.clone(), &mut out);
        }
        changes.push(PlatformChange {
            from: p.clone(),
            to: to_name,
            reason,
        });
    }
    (out, changes)
}
