//! What changed between two ATT&CK releases, for every object type, with mitreattack-python's
//! `diff_stix` rules (its changelog): objects are matched by STIX id within a type, and each falls
//! in one category.
//!
//! - **additions**: only in the new release (of any status);
//! - **revocations**: newly revoked, with a `revoked-by` relationship to an object of the same type;
//! - **deprecations**: newly deprecated (and not revoked);
//! - for objects active in the new release: **major** (`1.2 → 2.0`), **minor** (`1.2 → 1.3`),
//!   **other** version changes (anything else that differs), **patches** (same version, but the
//!   `modified` time or the description changed), **unchanged**;
//! - **deletions**: only in the old release.
//!
//! Objects revoked (or deprecated) in both releases are in no category, as in diff_stix.
//! Contributors are those named by an added or changed object that its old version did not name.
//! Techniques and sub-techniques are one type for matching (a technique may become a
//! sub-technique) and are listed apart by their kind in the new release; tactics, which diff_stix
//! leaves out, follow the same rules.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use navlayer_attack::{AttackObject, Catalogue, ObjectId, ObjectKind, RelationKind, Timestamp};
use serde::Serialize;

use crate::MigrateError;

/// The object types of a changelog, in the order it lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChangeType {
    /// Techniques (not sub-techniques).
    Techniques,
    /// Sub-techniques.
    Subtechniques,
    /// Tactics (not in diff_stix).
    Tactics,
    /// Malware and tools.
    Software,
    /// Groups (intrusion sets).
    Groups,
    /// Campaigns.
    Campaigns,
    /// Assets (ICS).
    Assets,
    /// Mitigations.
    Mitigations,
    /// Data sources (before v18).
    DataSources,
    /// Data components.
    DataComponents,
    /// Detection strategies (v18+).
    DetectionStrategies,
    /// Analytics (v18+).
    Analytics,
}

impl ChangeType {
    /// Every type, in changelog order.
    pub const ALL: [ChangeType; 12] = [
        ChangeType::Techniques,
        ChangeType::Subtechniques,
        ChangeType::Tactics,
        ChangeType::Software,
        ChangeType::Groups,
        ChangeType::Campaigns,
        ChangeType::Assets,
        ChangeType::Mitigations,
        ChangeType::DataSources,
        ChangeType::DataComponents,
        ChangeType::DetectionStrategies,
        ChangeType::Analytics,
    ];

    /// The name used in `--types` and in JSON (`techniques`, `data-components`, …).
    pub fn name(self) -> &'static str {
        match self {
            ChangeType::Techniques => "techniques",
            ChangeType::Subtechniques => "subtechniques",
            ChangeType::Tactics => "tactics",
            ChangeType::Software => "software",
            ChangeType::Groups => "groups",
            ChangeType::Campaigns => "campaigns",
            ChangeType::Assets => "assets",
            ChangeType::Mitigations => "mitigations",
            ChangeType::DataSources => "data-sources",
            ChangeType::DataComponents => "data-components",
            ChangeType::DetectionStrategies => "detection-strategies",
            ChangeType::Analytics => "analytics",
        }
    }

    /// A heading (`Techniques`, `Data Components`, …).
    pub fn title(self) -> &'static str {
        match self {
            ChangeType::Techniques => "Techniques",
            ChangeType::Subtechniques => "Sub-techniques",
            ChangeType::Tactics => "Tactics",
            ChangeType::Software => "Software",
            ChangeType::Groups => "Groups",
            ChangeType::Campaigns => "Campaigns",
            ChangeType::Assets => "Assets",
            ChangeType::Mitigations => "Mitigations",
            ChangeType::DataSources => "Data Sources",
            ChangeType::DataComponents => "Data Components",
            ChangeType::DetectionStrategies => "Detection Strategies",
            ChangeType::Analytics => "Analytics",
        }
    }

    /// Parses a type name, leniently (`sub-techniques`, `datasources`, `data_sources`, `Groups`).
    pub fn parse(text: &str) -> Option<ChangeType> {
        let key: String = text
            .trim()
            .to_ascii_lowercase()
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect();
        ChangeType::ALL.into_iter().find(|t| {
            let name: String = t
                .name()
                .chars()
                .filter(|c| c.is_ascii_alphanumeric())
                .collect();
            name == key || name.trim_end_matches('s') == key.trim_end_matches('s')
        })
    }

    /// The type an object belongs to.
    pub fn of(kind: ObjectKind) -> Option<ChangeType> {
        Some(match kind {
            ObjectKind::Technique => ChangeType::Techniques,
            ObjectKind::SubTechnique => ChangeType::Subtechniques,
            ObjectKind::Tactic => ChangeType::Tactics,
            ObjectKind::Malware | ObjectKind::Tool => ChangeType::Software,
            ObjectKind::Group => ChangeType::Groups,
            ObjectKind::Campaign => ChangeType::Campaigns,
            ObjectKind::Asset => ChangeType::Assets,
            ObjectKind::Mitigation => ChangeType::Mitigations,
            ObjectKind::DataSource => ChangeType::DataSources,
            ObjectKind::DataComponent => ChangeType::DataComponents,
            ObjectKind::DetectionStrategy => ChangeType::DetectionStrategies,
            ObjectKind::Analytic => ChangeType::Analytics,
            ObjectKind::Matrix | ObjectKind::Collection => return None,
        })
    }

    /// The types matched together by STIX id (techniques with sub-techniques).
    fn group(self) -> u8 {
        match self {
            ChangeType::Techniques | ChangeType::Subtechniques => 0,
            other => other as u8,
        }
    }
}

/// The categories of a changelog, diff_stix's sections, in its order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// Only in the new release.
    Additions,
    /// `X.Y → (X+1).0`.
    MajorVersionChanges,
    /// `X.Y → X.(Y+1)`.
    MinorVersionChanges,
    /// Any other version change (a jump, or a decrease).
    OtherVersionChanges,
    /// Same version, but changed (modified time or description).
    Patches,
    /// Newly revoked.
    Revocations,
    /// Newly deprecated.
    Deprecations,
    /// Only in the old release.
    Deletions,
    /// Active in both, same version and content.
    Unchanged,
}

impl Category {
    /// Every category, in diff_stix's order.
    pub const ALL: [Category; 9] = [
        Category::Additions,
        Category::MajorVersionChanges,
        Category::MinorVersionChanges,
        Category::OtherVersionChanges,
        Category::Patches,
        Category::Revocations,
        Category::Deprecations,
        Category::Deletions,
        Category::Unchanged,
    ];

    /// diff_stix's key (`additions`, `major_version_changes`, …).
    pub fn key(self) -> &'static str {
        match self {
            Category::Additions => "additions",
            Category::MajorVersionChanges => "major_version_changes",
            Category::MinorVersionChanges => "minor_version_changes",
            Category::OtherVersionChanges => "other_version_changes",
            Category::Patches => "patches",
            Category::Revocations => "revocations",
            Category::Deprecations => "deprecations",
            Category::Deletions => "deletions",
            Category::Unchanged => "unchanged",
        }
    }

    /// A heading.
    pub fn title(self) -> &'static str {
        match self {
            Category::Additions => "New",
            Category::MajorVersionChanges => "Major version changes",
            Category::MinorVersionChanges => "Minor version changes",
            Category::OtherVersionChanges => "Other version changes",
            Category::Patches => "Patches",
            Category::Revocations => "Revocations",
            Category::Deprecations => "Deprecations",
            Category::Deletions => "Deletions",
            Category::Unchanged => "Unchanged",
        }
    }

    /// diff_stix's description of the section.
    pub fn description(self) -> &'static str {
        match self {
            Category::Additions => "ATT&CK objects which are only present in the new release.",
            Category::MajorVersionChanges => "ATT&CK objects that have a major version change. (e.g. 1.0 → 2.0)",
            Category::MinorVersionChanges => "ATT&CK objects that have a minor version change. (e.g. 1.0 → 1.1)",
            Category::OtherVersionChanges => "ATT&CK objects that have a version change of any other kind. (e.g. 1.0 → 1.2)",
            Category::Patches => "ATT&CK objects that have been patched while keeping the version the same. (e.g., 1.0 → 1.0 but something like a typo, a URL, or some metadata was fixed)",
            Category::Revocations => "ATT&CK objects which are revoked by a different object.",
            Category::Deprecations => "ATT&CK objects which are deprecated and no longer in use, and not replaced.",
            Category::Deletions => "ATT&CK objects which are no longer found in the STIX data.",
            Category::Unchanged => "ATT&CK objects which did not change between the two versions.",
        }
    }

    /// diff_stix's layer colour for the category.
    pub fn color(self) -> &'static str {
        match self {
            Category::Additions => "#a1d99b",
            Category::MajorVersionChanges => "#fcf3a2",
            Category::MinorVersionChanges => "#c7c4e0",
            Category::OtherVersionChanges => "#B5E5CF",
            Category::Patches => "#B99095",
            Category::Deletions => "#ff00e1",
            Category::Revocations => "#ff9000",
            Category::Deprecations => "#ff6363",
            Category::Unchanged => "#ffffff",
        }
    }
}

/// A short reference to an object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ObjectRef {
    /// ATT&CK ID, when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attack_id: Option<String>,
    /// Name.
    pub name: String,
    /// STIX id.
    pub stix_id: String,
}

impl ObjectRef {
    fn of(o: &AttackObject) -> ObjectRef {
        ObjectRef {
            attack_id: o.attack_id.clone(),
            name: o.name.clone(),
            stix_id: o.stix_id.clone(),
        }
    }

    /// `T1059 Command and Scripting Interpreter`, or the name alone.
    pub fn label(&self) -> String {
        match &self.attack_id {
            Some(id) => format!("{id} {}", self.name),
            None => self.name.clone(),
        }
    }
}

/// Relations of a technique gained and lost (mitigations, detections).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RelationChanges {
    /// Related in the new release only.
    pub new: Vec<String>,
    /// Related in the old release only.
    pub dropped: Vec<String>,
}

impl RelationChanges {
    fn is_empty(&self) -> bool {
        self.new.is_empty() && self.dropped.is_empty()
    }
}

/// One object in a changelog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChangeItem {
    /// The object (in the new release, or the old one for deletions).
    #[serde(flatten)]
    pub object: ObjectRef,
    /// `x_mitre_version` in the old release.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old_version: Option<String>,
    /// `x_mitre_version` in the new release.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_version: Option<String>,
    /// The ATT&CK ID in the old release, when it changed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old_attack_id: Option<String>,
    /// Revocations: the object that revokes it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revoked_by: Option<ObjectRef>,
    /// The description changed.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub description_changed: bool,
    /// Techniques: tactics (short names) of the object.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tactics: Vec<String>,
    /// Techniques: tactics (short names) in the old release, when they changed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old_tactics: Option<Vec<String>>,
    /// Techniques: mitigations gained and lost.
    #[serde(skip_serializing_if = "RelationChanges::is_empty")]
    pub mitigations: RelationChanges,
    /// Techniques: detecting data components and detection strategies gained and lost.
    #[serde(skip_serializing_if = "RelationChanges::is_empty")]
    pub detections: RelationChanges,
}

/// The changes of one domain.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DomainChanges {
    /// `enterprise-attack`, ….
    pub domain: String,
    /// Old release.
    pub from: String,
    /// New release.
    pub to: String,
    /// Per type, per category, the objects (sorted by ATT&CK ID, then name).
    pub types: BTreeMap<ChangeType, BTreeMap<Category, Vec<ChangeItem>>>,
}

impl DomainChanges {
    /// The items of one type and category.
    pub fn items(&self, t: ChangeType, c: Category) -> &[ChangeItem] {
        self.types
            .get(&t)
            .and_then(|m| m.get(&c))
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }
}

/// A changelog between two releases, over one or more domains.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Changelog {
    /// Old release.
    pub from: String,
    /// New release.
    pub to: String,
    /// The types compared.
    pub types: Vec<ChangeType>,
    /// One entry per domain.
    pub domains: Vec<DomainChanges>,
    /// New contributors, sorted ignoring case (`ATT&CK` itself left out, as diff_stix does).
    pub contributors: Vec<String>,
}

/// `x_mitre_version` as (major, minor); missing or unreadable is 0.0 (diff_stix's rule for old ICS
/// objects without versions).
fn version(o: &AttackObject) -> (u32, u32) {
    o.version
        .as_deref()
        .and_then(|v| {
            let (a, b) = v.trim().split_once('.')?;
            Some((a.parse().ok()?, b.parse().ok()?))
        })
        .unwrap_or((0, 0))
}

/// Python's `str.splitlines()` after `replace("\n", " ")`, as diff_stix compares descriptions.
fn description_lines(text: &str) -> Vec<String> {
    let replaced = text.replace('\n', " ");
    let mut lines: Vec<String> = replaced
        .split([
            '\r', '\u{b}', '\u{c}', '\u{1c}', '\u{1d}', '\u{1e}', '\u{85}', '\u{2028}', '\u{2029}',
        ])
        .map(String::from)
        .collect();
    if lines.last().is_some_and(String::is_empty) {
        lines.pop();
    }
    lines
}

/// diff_stix's test: some line of one description is not a line of the other.
fn description_changed(old: &AttackObject, new: &AttackObject) -> bool {
    let (Some(a), Some(b)) = (&old.description, &new.description) else {
        return false;
    };
    let a = description_lines(a);
    let b = description_lines(b);
    a.iter().any(|l| !b.contains(l)) || b.iter().any(|l| !a.contains(l))
}

fn modified_changed(old: &AttackObject, new: &AttackObject) -> bool {
    fn parse(o: &AttackObject) -> Option<Result<Timestamp, &str>> {
        o.modified.as_deref().map(|m| Timestamp::parse(m).ok_or(m))
    }
    parse(old) != parse(new)
}

/// Index of the objects of the selected types by STIX id (first of duplicates), per type group.
fn index(cat: &Catalogue, types: &BTreeSet<u8>) -> HashMap<(u8, String), ObjectId> {
    let mut map = HashMap::new();
    for id in cat.ids() {
        let o = cat.object(id);
        if let Some(t) = ChangeType::of(o.kind).filter(|t| types.contains(&t.group())) {
            map.entry((t.group(), o.stix_id.clone())).or_insert(id);
        }
    }
    map
}

/// `M1038 Name` for the active `kind` relationships arriving at a technique from sources of
/// `source_kinds`.
fn incoming_labels(
    cat: &Catalogue,
    technique: ObjectId,
    kind: &RelationKind,
    source_kinds: &[ObjectKind],
) -> BTreeSet<String> {
    cat.incoming(technique)
        .iter()
        .map(|&r| cat.relationship(r))
        .filter(|r| r.kind == *kind && r.is_active())
        .filter_map(|r| r.source)
        .filter(|&s| source_kinds.contains(&cat.object(s).kind))
        .map(|s| ObjectRef::of(cat.object(s)).label())
        .collect()
}

fn relation_changes(old: BTreeSet<String>, new: BTreeSet<String>) -> RelationChanges {
    RelationChanges {
        new: new.difference(&old).cloned().collect(),
        dropped: old.difference(&new).cloned().collect(),
    }
}

struct Builder<'a> {
    from: &'a Catalogue,
    to: &'a Catalogue,
    contributors: &'a mut BTreeSet<String>,
}

impl Builder<'_> {
    fn item(&self, o: &AttackObject, old: Option<&AttackObject>) -> ChangeItem {
        ChangeItem {
            object: ObjectRef::of(o),
            old_version: old.and_then(|x| x.version.clone()),
            new_version: o.version.clone(),
            old_attack_id: old
                .and_then(|x| x.attack_id.clone())
                .filter(|a| Some(a) != o.attack_id.as_ref()),
            revoked_by: None,
            description_changed: false,
            tactics: if o.kind.is_technique() {
                o.tactics.clone()
            } else {
                Vec::new()
            },
            old_tactics: None,
            mitigations: RelationChanges::default(),
            detections: RelationChanges::default(),
        }
    }

    fn add_contributors(&mut self, old: Option<&AttackObject>, new: &AttackObject) {
        for c in &new.contributors {
            if !old.is_some_and(|o| o.contributors.contains(c)) {
                self.contributors.insert(c.clone());
            }
        }
    }

    /// The category of an object in both releases, and its item; `None` when it is in none.
    fn classify(
        &mut self,
        old_id: ObjectId,
        new_id: ObjectId,
        group: u8,
        new_index: &HashMap<(u8, String), ObjectId>,
    ) -> Option<(Category, ChangeItem)> {
        let old = self.from.object(old_id);
        let new = self.to.object(new_id);
        if new.revoked {
            if old.revoked {
                return None;
            }
            // The first revoked-by relationship, whose target must be an object of the same type.
            let target = self
                .to
                .outgoing(new_id)
                .iter()
                .map(|&r| self.to.relationship(r))
                .find(|r| r.kind == RelationKind::RevokedBy)?;
            let by = *new_index.get(&(group, target.target_ref.clone()))?;
            let mut it = self.item(new, Some(old));
            it.revoked_by = Some(ObjectRef::of(self.to.object(by)));
            return Some((Category::Revocations, it));
        }
        if new.deprecated {
            return (!old.deprecated).then(|| (Category::Deprecations, self.item(new, Some(old))));
        }
        self.add_contributors(Some(old), new);
        let (a, b) = (version(old), version(new));
        let description = description_changed(old, new);
        let category = if b == (a.0 + 1, 0) {
            Category::MajorVersionChanges
        } else if b == (a.0, a.1 + 1) {
            Category::MinorVersionChanges
        } else if a != b {
            Category::OtherVersionChanges
        } else if modified_changed(old, new) || description {
            Category::Patches
        } else {
            Category::Unchanged
        };
        let mut it = self.item(new, Some(old));
        it.description_changed = description;
        if new.kind.is_technique() {
            let sorted = |o: &AttackObject| o.tactics.iter().cloned().collect::<BTreeSet<_>>();
            if sorted(old) != sorted(new) {
                it.old_tactics = Some(old.tactics.clone());
            }
            it.mitigations = relation_changes(
                incoming_labels(
                    self.from,
                    old_id,
                    &RelationKind::Mitigates,
                    &[ObjectKind::Mitigation],
                ),
                incoming_labels(
                    self.to,
                    new_id,
                    &RelationKind::Mitigates,
                    &[ObjectKind::Mitigation],
                ),
            );
            let detectors = [ObjectKind::DataComponent, ObjectKind::DetectionStrategy];
            it.detections = relation_changes(
                incoming_labels(self.from, old_id, &RelationKind::Detects, &detectors),
                incoming_labels(self.to, new_id, &RelationKind::Detects, &detectors),
            );
        }
        Some((category, it))
    }
}

/// Sort key for ATT&CK IDs: T1059 < T1059.001 < T1100; objects without an ID last, by name.
fn sort_key(item: &ChangeItem) -> (u8, String, u32, u32, String) {
    match &item.object.attack_id {
        Some(id) => {
            let (head, sub) = id.split_once('.').unwrap_or((id, ""));
            let letters: String = head
                .chars()
                .take_while(|c| c.is_ascii_alphabetic())
                .collect();
            let num = head[letters.len()..].parse().unwrap_or(u32::MAX);
            (
                0,
                letters,
                num,
                sub.parse().unwrap_or(0),
                item.object.name.clone(),
            )
        }
        None => (1, String::new(), 0, 0, item.object.name.clone()),
    }
}

impl DomainChanges {
    fn compute(
        from: &Catalogue,
        to: &Catalogue,
        types: &[ChangeType],
        contributors: &mut BTreeSet<String>,
    ) -> DomainChanges {
        let groups: BTreeSet<u8> = types.iter().map(|t| t.group()).collect();
        let old_index = index(from, &groups);
        let new_index = index(to, &groups);
        let wanted: BTreeSet<ChangeType> = types.iter().copied().collect();
        let mut out: BTreeMap<ChangeType, BTreeMap<Category, Vec<ChangeItem>>> = types
            .iter()
            .map(|&t| (t, Category::ALL.iter().map(|&c| (c, Vec::new())).collect()))
            .collect();
        let mut b = Builder {
            from,
            to,
            contributors,
        };
        let mut push = |t: ChangeType, c: Category, it: ChangeItem| {
            if wanted.contains(&t) {
                out.entry(t).or_default().entry(c).or_default().push(it);
            }
        };
        for ((group, stix_id), &new_id) in sorted_entries(&new_index) {
            let new = to.object(new_id);
            let Some(t) = ChangeType::of(new.kind) else {
                continue;
            };
            match old_index.get(&(*group, stix_id.clone())) {
                None => {
                    b.add_contributors(None, new);
                    push(t, Category::Additions, b.item(new, None));
                }
                Some(&old_id) => {
                    if let Some((c, it)) = b.classify(old_id, new_id, *group, &new_index) {
                        push(t, c, it);
                    }
                }
            }
        }
        for ((group, stix_id), &old_id) in sorted_entries(&old_index) {
            if !new_index.contains_key(&(*group, stix_id.clone())) {
                let old = from.object(old_id);
                if let Some(t) = ChangeType::of(old.kind) {
                    let mut it = b.item(old, None);
                    it.old_version = old.version.clone();
                    it.new_version = None;
                    push(t, Category::Deletions, it);
                }
            }
        }
        for categories in out.values_mut() {
            for items in categories.values_mut() {
                items.sort_by_cached_key(sort_key);
            }
        }
        DomainChanges {
            domain: to.domain().to_string(),
            from: from.release().to_string(),
            to: to.release().to_string(),
            types: out,
        }
    }
}

/// Index entries in bundle order.
fn sorted_entries(index: &HashMap<(u8, String), ObjectId>) -> Vec<(&(u8, String), &ObjectId)> {
    let mut v: Vec<_> = index.iter().collect();
    v.sort_by_key(|(_, id)| **id);
    v
}

impl Changelog {
    /// Compares the releases of each pair (old, new) of one domain each; `types` chooses the object
    /// types (all when empty).
    pub fn compute(
        pairs: &[(&Catalogue, &Catalogue)],
        types: &[ChangeType],
    ) -> Result<Changelog, MigrateError> {
        let types: Vec<ChangeType> = if types.is_empty() {
            ChangeType::ALL.to_vec()
        } else {
            let set: BTreeSet<ChangeType> = types.iter().copied().collect();
            set.into_iter().collect()
        };
        let Some(first) = pairs.first() else {
            return Err(MigrateError::NoReleasePair);
        };
        let mut contributors = BTreeSet::new();
        let mut domains = Vec::new();
        for (from, to) in pairs {
            if from.domain() != to.domain() {
                return Err(MigrateError::MixedDomains {
                    from: from.release(),
                    from_domain: from.domain(),
                    to: to.release(),
                    to_domain: to.domain(),
                });
            }
            domains.push(DomainChanges::compute(from, to, &types, &mut contributors));
        }
        let mut contributors: Vec<String> =
            contributors.into_iter().filter(|c| c != "ATT&CK").collect();
        contributors.sort_by_key(|c| c.to_lowercase());
        Ok(Changelog {
            from: first.0.release().to_string(),
            to: first.1.release().to_string(),
            types,
            domains,
            contributors,
        })
    }

    /// The changelog as pretty JSON.
    pub fn to_json(&self) -> Result<String, MigrateError> {
        let mut s =
            serde_json::to_string_pretty(self).map_err(|source| MigrateError::Serialize {
                what: "changelog",
                source,
            })?;
        s.push('\n');
        Ok(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn description_lines_follow_python_splitlines() {
        assert_eq!(description_lines("a\nb"), vec!["a b"]);
        assert_eq!(description_lines("a\r\nb"), vec!["a", " b"]);
        assert_eq!(description_lines("a\r"), vec!["a"]);
        assert_eq!(description_lines("a\u{2028}b"), vec!["a", "b"]);
    }

    #[test]
    fn type_names_parse_leniently() {
        assert_eq!(
            ChangeType::parse("sub-techniques"),
            Some(ChangeType::Subtechniques)
        );
        assert_eq!(
            ChangeType::parse("datasources"),
            Some(ChangeType::DataSources)
        );
        assert_eq!(
            ChangeType::parse("Detection_Strategies"),
            Some(ChangeType::DetectionStrategies)
        );
        assert_eq!(ChangeType::parse("group"), Some(ChangeType::Groups));
        assert_eq!(ChangeType::parse("widgets"), None);
        for t in ChangeType::ALL {
            assert_eq!(ChangeType::parse(t.name()), Some(t));
        }
    }
}
