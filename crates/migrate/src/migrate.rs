//! Migrating one layer from its source release to a target release.

use std::collections::{BTreeMap, HashMap};

use navlayer_attack::{Domain, ObjectId};
use navlayer_layer::{Layer, LinkItem, MetadataItem, TechniqueEntry, Versions};
use serde::Serialize;

use crate::classify::{Change, ReleasePair, Resolution};
use crate::platforms::{remap_platforms, PlatformChange};
use crate::MigrateError;

/// Choices the user makes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MigrateOptions {
    /// Keep entries of deprecated (or removed) techniques, unchanged, instead of dropping them.
    pub keep_deprecated: bool,
    /// Keep entries whose ID is a technique of neither release, unchanged, instead of dropping them.
    pub keep_unknown: bool,
}

/// What was done with one entry of the source layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    /// Copied with the same technique ID and tactic.
    Kept,
    /// Copied to a new technique ID (same STIX object) or to other tactics.
    Moved,
    /// Copied to the technique that replaces a revoked one.
    Replaced,
    /// Deprecated or removed technique kept unchanged (`keep_deprecated`).
    KeptDeprecated,
    /// Technique unknown to both releases kept unchanged (`keep_unknown`).
    KeptUnknown,
    /// Not copied (deprecated, removed, or unknown); the report says why.
    Dropped,
}

impl Action {
    /// The kebab-case label.
    pub fn label(self) -> &'static str {
        match self {
            Action::Kept => "kept",
            Action::Moved => "moved",
            Action::Replaced => "replaced",
            Action::KeptDeprecated => "kept-deprecated",
            Action::KeptUnknown => "kept-unknown",
            Action::Dropped => "dropped",
        }
    }
}

/// Why an entry's `tactic` was changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TacticReason {
    /// The tactic still exists but the technique left it.
    Moved,
    /// The tactic no longer exists: the entry went to the technique's tactics that it was split
    /// into.
    Split,
}

/// A change of an entry's `tactic`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TacticChange {
    /// The tactic of the source entry.
    pub old: String,
    /// The tactics the entry went to.
    pub new: Vec<String>,
    /// Why.
    pub reason: TacticReason,
}

/// Where (part of) an entry went in the migrated layer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Destination {
    /// Technique ID in the migrated layer.
    pub technique_id: String,
    /// Tactic in the migrated layer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tactic: Option<String>,
    /// Index of the entry in the migrated layer's `techniques`.
    pub index: usize,
}

/// The report on one entry of the source layer. Every entry of the source layer has exactly one.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EntryReport {
    /// Index in the source layer's `techniques`.
    pub index: usize,
    /// Technique ID in the source layer.
    pub technique_id: String,
    /// Tactic in the source layer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tactic: Option<String>,
    /// Technique name in the source release.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The class of change.
    pub change: Change,
    /// What was done.
    pub action: Action,
    /// `x_mitre_version` in the source release.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old_version: Option<String>,
    /// `x_mitre_version` of the destination technique in the target release.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_version: Option<String>,
    /// The destination technique's ID, when it differs from the source ID.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_technique_id: Option<String>,
    /// Name of the destination technique, when it differs from the source name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_name: Option<String>,
    /// Where the entry went (empty when dropped).
    pub destinations: Vec<Destination>,
    /// A tactic remap, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tactic_change: Option<TacticChange>,
    /// True when another source entry landed on one of its destinations and was merged with it.
    pub merged: bool,
    /// Why, when not obvious.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Two or more source entries that landed on one technique and tactic.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MergeReport {
    /// Technique ID in the migrated layer.
    pub technique_id: String,
    /// Tactic in the migrated layer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tactic: Option<String>,
    /// Index in the migrated layer's `techniques`.
    pub index: usize,
    /// Indexes of the merged entries in the source layer.
    pub sources: Vec<usize>,
    /// Their technique IDs (and tactics, as `ID@tactic`).
    pub source_ids: Vec<String>,
    /// The scores of the merged entries (`null` when unscored), in source order.
    pub scores: Vec<Option<f64>>,
    /// The resulting score.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
}

/// The report on one migrated layer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LayerReport {
    /// The file the layer came from, when the caller says (filled by the CLI).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// Layer name.
    pub layer: String,
    /// Domain (`enterprise-attack`, …).
    #[serde(serialize_with = "domain_name")]
    pub domain: Domain,
    /// The release the layer named (`versions.attack`), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub named_release: Option<String>,
    /// The source release used.
    pub from: String,
    /// The target release.
    pub to: String,
    /// Notes on the layer as a whole (source release fallback …).
    pub notes: Vec<String>,
    /// Entries in the source layer.
    pub input_entries: usize,
    /// Entries in the migrated layer.
    pub output_entries: usize,
    /// Source entries per class of change.
    pub counts: BTreeMap<Change, usize>,
    /// Source entries per action.
    pub actions: BTreeMap<Action, usize>,
    /// One report per source entry, in source order.
    pub entries: Vec<EntryReport>,
    /// Merges.
    pub merges: Vec<MergeReport>,
    /// Platform names of `filters.platforms` renamed or dropped (also listed in `notes`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub platforms: Vec<PlatformChange>,
}

impl LayerReport {
    /// Checks that the report accounts for every entry: one report per source entry, every
    /// destination exists in `migrated` with that technique and tactic, every migrated entry comes
    /// from at least one source entry, and dropped entries (and only those) have no destination.
    pub fn check_accounting(&self, migrated: &Layer) -> Result<(), String> {
        if self.entries.len() != self.input_entries {
            return Err(format!(
                "{} entry reports for {} source entries",
                self.entries.len(),
                self.input_entries
            ));
        }
        if migrated.techniques.len() != self.output_entries {
            return Err(format!(
                "report says {} migrated entries, layer has {}",
                self.output_entries,
                migrated.techniques.len()
            ));
        }
        let mut covered = vec![false; migrated.techniques.len()];
        for (i, e) in self.entries.iter().enumerate() {
            if e.index != i {
                return Err(format!("entry report {i} is for source entry {}", e.index));
            }
            if (e.action == Action::Dropped) != e.destinations.is_empty() {
                return Err(format!(
                    "source entry {i} ({}) is {} with {} destinations",
                    e.technique_id,
                    e.action.label(),
                    e.destinations.len()
                ));
            }
            for d in &e.destinations {
                let Some(out) = migrated.techniques.get(d.index) else {
                    return Err(format!("source entry {i} points past the migrated layer"));
                };
                if out.technique_id != d.technique_id || out.tactic != d.tactic {
                    return Err(format!(
                        "source entry {i} says {}@{:?}, migrated entry {} is {}@{:?}",
                        d.technique_id, d.tactic, d.index, out.technique_id, out.tactic
                    ));
                }
                covered[d.index] = true;
            }
        }
        match covered.iter().position(|c| !c) {
            Some(i) => Err(format!("migrated entry {i} comes from no source entry")),
            None => Ok(()),
        }
    }
}

fn domain_name<S: serde::Serializer>(d: &Domain, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(d.stix_name())
}

/// A migrated layer and its report.
#[derive(Debug, Clone)]
pub struct Migration {
    /// The migrated layer.
    pub layer: Layer,
    /// What happened to every entry.
    pub report: LayerReport,
}

/// One output entry being built, with the source entries it came from.
struct Out {
    entry: TechniqueEntry,
    /// Source entry indexes.
    origins: Vec<usize>,
}

/// Migrates a layer from `pair.from()` to `pair.to()`.
///
/// Rules (see docs/migrate.md): each entry is classified by [`ReleasePair::resolve_id`]; its
/// annotations move to the technique the ID now stands for; its `tactic` is remapped when the
/// technique left that tactic; entries that were distinct in the source and land on one technique
/// and tactic are merged (highest score, comments joined, metadata and links concatenated); the
/// layer's `versions.attack` becomes the target's major version.
pub fn migrate_layer(
    pair: &ReleasePair<'_>,
    layer: &Layer,
    options: &MigrateOptions,
) -> Result<Migration, MigrateError> {
    let domain =
        Domain::parse_lenient(&layer.domain).ok_or_else(|| MigrateError::UnknownDomain {
            layer: layer.name.clone(),
            domain: layer.domain.clone(),
        })?;
    if domain != pair.to().domain() {
        return Err(MigrateError::DomainMismatch {
            layer: layer.name.clone(),
            layer_domain: domain,
            data_domain: pair.to().domain(),
        });
    }
    let from = pair.from();
    let to = pair.to();
    let mut cache: HashMap<String, Resolution> = HashMap::new();
    let mut outs: Vec<Out> = Vec::with_capacity(layer.techniques.len());
    // (technique ID upper-case, tactic) → index in `outs`, for merging.
    let mut by_key: HashMap<(String, Option<String>), usize> = HashMap::new();
    let mut reports: Vec<EntryReport> = Vec::with_capacity(layer.techniques.len());

    for (index, entry) in layer.techniques.iter().enumerate() {
        let key_id = entry.technique_id.trim().to_ascii_uppercase();
        let res = cache
            .entry(key_id.clone())
            .or_insert_with(|| pair.resolve_id(&key_id))
            .clone();
        let source = res.source.map(|s| from.object(s));
        let mut report = EntryReport {
            index,
            technique_id: entry.technique_id.clone(),
            tactic: entry.tactic.clone(),
            name: source.map(|s| s.name.clone()),
            change: res.change,
            action: Action::Dropped,
            old_version: source.and_then(|s| s.version.clone()),
            new_version: None,
            new_technique_id: None,
            new_name: None,
            destinations: Vec::new(),
            tactic_change: None,
            merged: false,
            note: res.note.clone(),
        };

        // (technique ID, tactics) the entry goes to, or None to drop it.
        let placed: Option<(String, Vec<Option<String>>)> = match res.target {
            Some(t) => {
                let target = to.object(t);
                match target.attack_id.clone() {
                    Some(new_id) => {
                        report.new_version = target.version.clone();
                        if !new_id.eq_ignore_ascii_case(entry.technique_id.trim()) {
                            report.new_technique_id = Some(new_id.clone());
                        }
                        if source.map(|s| s.name.as_str()) != Some(target.name.as_str()) {
                            report.new_name = Some(target.name.clone());
                        }
                        let tactics = remap_tactic(pair, entry.tactic.as_deref(), res.source, t);
                        if let Some((change, _)) = &tactics {
                            report.tactic_change = Some(change.clone());
                        }
                        let list = match tactics {
                            Some((_, list)) => list.into_iter().map(Some).collect(),
                            None => vec![entry.tactic.clone()],
                        };
                        report.action = if res.change == Change::Revoked {
                            Action::Replaced
                        } else if report.new_technique_id.is_some()
                            || report.tactic_change.is_some()
                        {
                            Action::Moved
                        } else {
                            Action::Kept
                        };
                        Some((new_id, list))
                    }
                    None => None,
                }
            }
            None => match res.change {
                Change::Deprecated if options.keep_deprecated => {
                    report.action = Action::KeptDeprecated;
                    Some((entry.technique_id.clone(), vec![entry.tactic.clone()]))
                }
                Change::Unknown if options.keep_unknown => {
                    report.action = Action::KeptUnknown;
                    Some((entry.technique_id.clone(), vec![entry.tactic.clone()]))
                }
                _ => None,
            },
        };

        if let Some((new_id, tactics)) = placed {
            for tactic in tactics {
                let key = (new_id.to_ascii_uppercase(), tactic.clone());
                let mut moved = entry.clone();
                moved.technique_id = new_id.clone();
                moved.tactic = tactic.clone();
                let existing = by_key.get(&key).copied();
                let same_origin = existing.is_some_and(|o| {
                    outs[o].origins.iter().all(|&src| {
                        let s = &layer.techniques[src];
                        s.technique_id
                            .trim()
                            .eq_ignore_ascii_case(entry.technique_id.trim())
                            && s.tactic == entry.tactic
                    })
                });
                let out_index = match existing {
                    // Distinct source entries landing on one technique and tactic: merge.
                    Some(o) if !same_origin => {
                        merge_into(&mut outs[o].entry, &moved);
                        if !outs[o].origins.contains(&index) {
                            outs[o].origins.push(index);
                        }
                        o
                    }
                    // New destination, or a duplicate the source layer already had: keep it.
                    _ => {
                        outs.push(Out {
                            entry: moved,
                            origins: vec![index],
                        });
                        let o = outs.len() - 1;
                        by_key.entry(key).or_insert(o);
                        o
                    }
                };
                report.destinations.push(Destination {
                    technique_id: new_id.clone(),
                    tactic,
                    index: out_index,
                });
            }
        }
        reports.push(report);
    }

    // Merge reports.
    let mut merges = Vec::new();
    for (o, out) in outs.iter().enumerate() {
        if out.origins.len() < 2 {
            continue;
        }
        for &src in &out.origins {
            reports[src].merged = true;
        }
        merges.push(MergeReport {
            technique_id: out.entry.technique_id.clone(),
            tactic: out.entry.tactic.clone(),
            index: o,
            sources: out.origins.clone(),
            source_ids: out
                .origins
                .iter()
                .map(|&s| {
                    let e = &layer.techniques[s];
                    match &e.tactic {
                        Some(t) => format!("{}@{t}", e.technique_id),
                        None => e.technique_id.clone(),
                    }
                })
                .collect(),
            scores: out
                .origins
                .iter()
                .map(|&s| layer.techniques[s].score)
                .collect(),
            score: out.entry.score,
        });
    }

    let mut migrated = layer.clone();
    migrated.techniques = outs.into_iter().map(|o| o.entry).collect();
    let versions = migrated.versions.get_or_insert_with(Versions::default);
    let named_release = versions.attack.clone();
    versions.attack = Some(to.release().major.to_string());
    let mut platforms = Vec::new();
    if let Some(list) = migrated.filters.as_mut().and_then(|f| f.platforms.as_mut()) {
        let (remapped, changes) = remap_platforms(from, to, list);
        *list = remapped;
        platforms = changes;
    }
    let notes: Vec<String> = platforms
        .iter()
        .map(|c: &PlatformChange| match &c.to {
            Some(new) => format!("filters.platforms: {:?} -> {new:?} ({})", c.from, c.reason),
            None => format!("filters.platforms: {:?} {}", c.from, c.reason),
        })
        .collect();

    let mut counts = BTreeMap::new();
    let mut actions = BTreeMap::new();
    for r in &reports {
        *counts.entry(r.change).or_insert(0) += 1;
        *actions.entry(r.action).or_insert(0) += 1;
    }
    let report = LayerReport {
        file: None,
        layer: layer.name.clone(),
        domain,
        named_release,
        from: from.release().to_string(),
        to: to.release().to_string(),
        notes,
        input_entries: layer.techniques.len(),
        output_entries: migrated.techniques.len(),
        counts,
        actions,
        entries: reports,
        merges,
        platforms,
    };
    Ok(Migration {
        layer: migrated,
        report,
    })
}

/// The tactics an entry scoped to `tactic` goes to on target technique `target`, with the change;
/// `None` when the tactic is kept (or the entry has none).
fn remap_tactic(
    pair: &ReleasePair<'_>,
    tactic: Option<&str>,
    source: Option<ObjectId>,
    target: ObjectId,
) -> Option<(TacticChange, Vec<String>)> {
    let tactic = tactic?;
    let key = tactic.trim().to_ascii_lowercase().replace(' ', "-");
    let new_tactics = &pair.to().object(target).tactics;
    if new_tactics.contains(&key) {
        return None;
    }
    if new_tactics.is_empty() {
        return None;
    }
    // A tactic neither release knows is the layer's own business: leave it.
    if !pair.tactic_in_source(&key) && !pair.tactic_in_target(&key) {
        return None;
    }
    let old_tactics: &[String] = match source {
        Some(s) => &pair.from().object(s).tactics,
        None => &[],
    };
    let added: Vec<String> = new_tactics
        .iter()
        .filter(|t| !old_tactics.contains(t))
        .cloned()
        .collect();
    let (reason, list) = if pair.tactic_in_target(&key) {
        // The technique left a tactic that still exists.
        let list = if added.is_empty() {
            new_tactics.clone()
        } else {
            added
        };
        (TacticReason::Moved, list)
    } else {
        // The tactic disappeared: the new tactics it was split into, among the technique's.
        let split: Vec<String> = new_tactics
            .iter()
            .filter(|t| pair.tactic_is_new(t))
            .cloned()
            .collect();
        let list = if !split.is_empty() {
            split
        } else if !added.is_empty() {
            added
        } else {
            new_tactics.clone()
        };
        (TacticReason::Split, list)
    };
    Some((
        TacticChange {
            old: tactic.to_string(),
            new: list.clone(),
            reason,
        },
        list,
    ))
}

/// The merge rule: `into` keeps its place and gains `other`'s annotations.
///
/// - score: the highest of the scored entries;
/// - colour: the colour of the entry with the highest score, else the first non-empty colour;
/// - comment: the distinct non-empty comments, joined by a blank line, in source order;
/// - enabled: enabled when either is (disabled only when both are);
/// - metadata and links: concatenated, exact duplicates removed;
/// - showSubtechniques: shown when either shows them;
/// - other properties: the first entry's value wins, the second's fills gaps.
pub fn merge_into(into: &mut TechniqueEntry, other: &TechniqueEntry) {
    let other_wins_score = match (into.score, other.score) {
        (Some(a), Some(b)) => b > a,
        (None, Some(_)) => true,
        _ => false,
    };
    let non_empty = |c: &Option<String>| c.as_deref().is_some_and(|c| !c.trim().is_empty());
    if other_wins_score {
        into.score = other.score;
        if non_empty(&other.color) {
            into.color = other.color.clone();
        }
    } else if !non_empty(&into.color) && non_empty(&other.color) {
        into.color = other.color.clone();
    }
    if non_empty(&other.comment) {
        let theirs = other.comment.as_deref().unwrap_or("").trim();
        match into.comment.as_mut() {
            Some(mine) if !mine.trim().is_empty() => {
                if !mine.split("\n\n").any(|part| part.trim() == theirs) {
                    mine.push_str("\n\n");
                    mine.push_str(theirs);
                }
            }
            _ => into.comment = Some(theirs.to_string()),
        }
    }
    into.enabled = match (into.enabled, other.enabled) {
        (None, None) => None,
        (a, b) => Some(a.unwrap_or(true) || b.unwrap_or(true)),
    };
    if let Some(m) = &other.metadata {
        merge_items::<MetadataItem>(&mut into.metadata, m);
    }
    if let Some(l) = &other.links {
        merge_items::<LinkItem>(&mut into.links, l);
    }
    into.show_subtechniques = match (into.show_subtechniques, other.show_subtechniques) {
        (None, None) => None,
        (a, b) => Some(a.unwrap_or(false) || b.unwrap_or(false)),
    };
    for (k, v) in &other.extra {
        into.extra.entry(k.clone()).or_insert_with(|| v.clone());
    }
}

fn merge_items<T: Clone + PartialEq>(into: &mut Option<Vec<T>>, other: &[T]) {
    let list = into.get_or_insert_with(Vec::new);
    for item in other {
        if !list.contains(item) {
            list.push(item.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_keeps_highest_score_and_joins_comments() {
        let mut a = TechniqueEntry {
            score: Some(3.0),
            color: Some("#111111".into()),
            comment: Some("first".into()),
            enabled: Some(false),
            ..TechniqueEntry::new("T1")
        };
        let b = TechniqueEntry {
            score: Some(7.0),
            color: Some("#222222".into()),
            comment: Some("second".into()),
            ..TechniqueEntry::new("T2")
        };
        merge_into(&mut a, &b);
        assert_eq!(a.technique_id, "T1");
        assert_eq!(a.score, Some(7.0));
        assert_eq!(a.color.as_deref(), Some("#222222"));
        assert_eq!(a.comment.as_deref(), Some("first\n\nsecond"));
        assert_eq!(a.enabled, Some(true));
        // Merging the same comment again does not repeat it.
        merge_into(&mut a, &b);
        assert_eq!(a.comment.as_deref(), Some("first\n\nsecond"));
    }
}
