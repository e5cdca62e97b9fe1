//! Resolving the items' technique references against the chosen release.
//!
//! An ID is looked up in the release (case-insensitive; `attack-pattern--…` STIX ids too): an
//! active technique counts; a revoked one is followed to its replacement (reported); a
//! deprecated one is dropped (reported); an ID of another kind of object (a group, a tactic) or
//! one the release does not know is reported and dropped (kept with `keep_unknown`). Files made
//! for another release of the domain (Mappings Explorer names its release) are migrated to the
//! chosen one with navlayer-migrate's operation, whose report is kept.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use navlayer_attack::{Catalogue, Domain, ObjectId, ObjectKind, Release};
use navlayer_layer::{Layer, TechniqueEntry};
use navlayer_migrate::{migrate_layer, Action, Change, LayerReport, MigrateOptions, ReleasePair};
use serde::Serialize;

use crate::formats::{looks_like_attack_id, tactic_shortname};
use crate::item::{MadeFor, Parsed};
use crate::CoverageError;

/// Where the catalogues of other releases come from (for files made for an older release).
pub trait ReleaseSource {
    /// The catalogue of `domain` at `release`, or why it cannot be had.
    fn catalogue(&self, domain: Domain, release: Release) -> Result<Arc<Catalogue>, String>;
}

/// No other release: files made for another release are resolved against the chosen one
/// directly (and the report says so).
#[derive(Debug, Clone, Copy, Default)]
pub struct OnlyThisRelease;

impl ReleaseSource for OnlyThisRelease {
    fn catalogue(&self, domain: Domain, release: Release) -> Result<Arc<Catalogue>, String> {
        Err(format!("{domain} {release} is not available to this run"))
    }
}

impl<F> ReleaseSource for F
where
    F: Fn(Domain, Release) -> Result<Arc<Catalogue>, String>,
{
    fn catalogue(&self, domain: Domain, release: Release) -> Result<Arc<Catalogue>, String> {
        self(domain, release)
    }
}

/// A technique of the layer: one of the release, or an ID it does not know (`keep_unknown`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Key {
    Known(ObjectId),
    Unknown(String),
}

/// One resolved reference: the technique, the tactic hint as written, the reference's weight.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Placement {
    pub key: Key,
    pub tactic: Option<String>,
    pub weight: Option<f64>,
}

/// What an ID that did not resolve plainly to an active technique became.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum IdStatus {
    /// Not in the release (`T1685` on 18.1): reported, dropped unless `keep_unknown`.
    Unknown,
    /// Revoked: counted for the replacement.
    Revoked,
    /// Moved to another ID between the file's release and the chosen one (migrated).
    Moved,
    /// Deprecated (or removed): dropped.
    Deprecated,
    /// An ATT&CK object that is not a technique (a group, software, tactic …): not counted.
    NotTechnique,
    /// Not an ATT&CK ID at all.
    Invalid,
}

impl IdStatus {
    /// The kebab-case label.
    pub fn label(self) -> &'static str {
        match self {
            IdStatus::Unknown => "unknown",
            IdStatus::Revoked => "revoked",
            IdStatus::Moved => "moved",
            IdStatus::Deprecated => "deprecated",
            IdStatus::NotTechnique => "not-technique",
            IdStatus::Invalid => "invalid",
        }
    }
}

/// The report on one ID that did not resolve plainly.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IdFinding {
    /// The ID as written (upper-cased).
    pub id: String,
    /// What it became.
    pub status: IdStatus,
    /// What it is (`group G0016 APT29`, `revoked by T1574.001 …`, `not in enterprise 18.1`).
    pub detail: String,
    /// The technique counted instead, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replacement: Option<String>,
    /// True when the ID is in the layer anyway (`keep_unknown`) or its replacement is.
    pub counted: bool,
    /// Items referencing it.
    pub items: usize,
    /// The first few files referencing it.
    pub files: Vec<String>,
}

/// A file made for another release, migrated to the chosen one.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MigrationReport {
    /// The files made for that release.
    pub files: Vec<String>,
    /// What navlayer-migrate did with every ID they reference.
    pub migration: LayerReport,
}

/// Tactic hints (Sigma tactic tags, Elastic threat tactics) the release does not have.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TacticFinding {
    /// The tactic as written.
    pub tactic: String,
    /// Items naming it.
    pub items: usize,
}

/// The resolution of every item's references.
#[derive(Debug, Default)]
pub(crate) struct Resolution {
    /// Per item, its placements.
    pub placements: Vec<Vec<Placement>>,
    pub findings: Vec<IdFinding>,
    pub migrations: Vec<MigrationReport>,
    pub notes: Vec<String>,
    pub unknown_tactics: Vec<TacticFinding>,
}

/// How one ID resolves in one release.
#[derive(Debug, Clone, PartialEq)]
enum Lookup {
    Active(ObjectId),
    Replaced { by: ObjectId },
    Deprecated(String),
    NotTechnique(ObjectId),
    Unknown,
    Invalid,
}

fn lookup(catalogue: &Catalogue, id: &str) -> Lookup {
    let found: Vec<ObjectId> = if id.starts_with("attack-pattern--") {
        catalogue.by_stix_id(id).into_iter().collect()
    } else if looks_like_attack_id(id) {
        catalogue.all_by_attack_id(id).to_vec()
    } else {
        return Lookup::Invalid;
    };
    let technique = found
        .iter()
        .copied()
        .filter(|&o| catalogue.object(o).kind.is_technique())
        .min_by_key(|&o| !catalogue.object(o).is_active());
    let Some(t) = technique else {
        return match found.first() {
            Some(&o) => Lookup::NotTechnique(o),
            None => Lookup::Unknown,
        };
    };
    let o = catalogue.object(t);
    if o.is_active() {
        return Lookup::Active(t);
    }
    if o.revoked {
        return match catalogue.replacement_of(t) {
            Some(r)
                if catalogue.object(r).is_active() && catalogue.object(r).kind.is_technique() =>
            {
                Lookup::Replaced { by: r }
            }
            _ => Lookup::Deprecated("revoked without an active replacement".into()),
        };
    }
    Lookup::Deprecated("deprecated".into())
}

fn describe(catalogue: &Catalogue, o: ObjectId) -> String {
    let obj = catalogue.object(o);
    format!("{} {} {}", obj.kind.label(), obj.display_id(), obj.name)
}

/// Accumulates findings per (ID, status).
#[derive(Default)]
struct Findings {
    map: BTreeMap<(String, IdStatus), IdFinding>,
    items_seen: HashMap<(String, IdStatus), BTreeSet<usize>>,
}

impl Findings {
    #[allow(clippy::too_many_arguments)]
    fn add(
        &mut self,
        id: &str,
        status: IdStatus,
        detail: impl FnOnce() -> String,
        replacement: Option<String>,
        counted: bool,
        item: usize,
        file: &str,
    ) {
        let key = (id.to_string(), status);
        let f = self.map.entry(key.clone()).or_insert_with(|| IdFinding {
            id: id.to_string(),
            status,
            detail: detail(),
            replacement,
            counted,
            items: 0,
            files: Vec::new(),
        });
        if self.items_seen.entry(key).or_default().insert(item) {
            f.items += 1;
            if f.files.len() < 5 && !f.files.iter().any(|x| x == file) {
                f.files.push(file.to_string());
            }
        }
    }
}

/// Resolves every item of `parsed` against `target`.
pub(crate) fn resolve(
    parsed: &Parsed,
    target: &Catalogue,
    releases: &dyn ReleaseSource,
    keep_unknown: bool,
) -> Result<Resolution, CoverageError> {
    let mut res = Resolution {
        placements: vec![Vec::new(); parsed.items.len()],
        ..Resolution::default()
    };
    let mut findings = Findings::default();
    // Files made for another release of this domain, by release.
    let mut older: BTreeMap<Release, Vec<usize>> = BTreeMap::new();
    let mut direct: Vec<usize> = Vec::new();
    for (i, item) in parsed.items.iter().enumerate() {
        match parsed.made_for[item.file] {
            Some(MadeFor { domain, release })
                if domain == target.domain() && release != target.release() =>
            {
                older.entry(release).or_default().push(i)
            }
            _ => direct.push(i),
        }
    }
    for (release, items) in older {
        match releases.catalogue(target.domain(), release) {
            Ok(source) => migrate_items(
                parsed,
                &items,
                &source,
                target,
                keep_unknown,
                &mut res,
                &mut findings,
            )?,
            Err(why) => {
                res.notes.push(format!(
                    "files made for ATT&CK {release} read as of {} ({why})",
                    target.release()
                ));
                direct.extend(items);
            }
        }
    }
    direct.sort_unstable();
    for i in direct {
        let item = &parsed.items[i];
        let file = &parsed.files[item.file].path;
        for r in &item.refs {
            let id = r.id.to_ascii_uppercase();
            let id = if id.starts_with("ATTACK-PATTERN--") {
                r.id.clone()
            } else {
                id
            };
            if let Some(key) = resolve_one(target, &id, keep_unknown, i, file, &mut findings) {
                res.placements[i].push(Placement {
                    key,
                    tactic: r.tactic.clone(),
                    weight: r.weight,
                });
            }
        }
    }
    res.findings = findings.map.into_values().collect();
    res.unknown_tactics = unknown_tactics(parsed, target);
    Ok(res)
}

fn resolve_one(
    target: &Catalogue,
    id: &str,
    keep_unknown: bool,
    item: usize,
    file: &str,
    findings: &mut Findings,
) -> Option<Key> {
    let release = || format!("{} {}", target.domain().short_name(), target.release());
    match lookup(target, id) {
        Lookup::Active(t) => Some(Key::Known(t)),
        Lookup::Replaced { by } => {
            let new_id = target.object(by).display_id().to_string();
            findings.add(
                id,
                IdStatus::Revoked,
                || {
                    format!(
                        "revoked in {}; counted for {}",
                        release(),
                        describe(target, by)
                    )
                },
                Some(new_id),
                true,
                item,
                file,
            );
            Some(Key::Known(by))
        }
        Lookup::Deprecated(why) => {
            findings.add(
                id,
                IdStatus::Deprecated,
                || format!("{why} in {}", release()),
                None,
                false,
                item,
                file,
            );
            None
        }
        Lookup::NotTechnique(o) => {
            findings.add(
                id,
                IdStatus::NotTechnique,
                || describe(target, o),
                None,
                false,
                item,
                file,
            );
            None
        }
        Lookup::Unknown => {
            let parent_note = match id.split_once('.') {
                Some((p, _)) if matches!(lookup(target, p), Lookup::Active(_)) => {
                    format!("; its parent {p} is known")
                }
                _ => String::new(),
            };
            findings.add(
                id,
                IdStatus::Unknown,
                || format!("not in {}{parent_note}", release()),
                None,
                keep_unknown,
                item,
                file,
            );
            // Kept as unknown: the tally drops it unless asked to keep it, but a sub-technique
            // still counts for its known parent under `parent` and `rollup`.
            crate::formats::looks_like_technique(id).then(|| Key::Unknown(id.to_string()))
        }
        Lookup::Invalid => {
            findings.add(
                id,
                IdStatus::Invalid,
                || "not an ATT&CK ID".into(),
                None,
                false,
                item,
                file,
            );
            None
        }
    }
}

/// Migrates the items of files made for `source`'s release with navlayer-migrate: a layer of
/// every technique ID they reference goes through `migrate_layer`, and each item then counts
/// for wherever its IDs went.
fn migrate_items(
    parsed: &Parsed,
    items: &[usize],
    source: &Catalogue,
    target: &Catalogue,
    keep_unknown: bool,
    res: &mut Resolution,
    findings: &mut Findings,
) -> Result<(), CoverageError> {
    let pair = ReleasePair::new(source, target)?;
    let mut layer = Layer::new(
        format!(
            "{} {} sources",
            source.domain().short_name(),
            source.release()
        ),
        source.domain().stix_name(),
    );
    if let Some(v) = layer.versions.as_mut() {
        v.attack = Some(source.release().to_string());
    }
    let mut index_of: HashMap<String, usize> = HashMap::new();
    for &i in items {
        for r in &parsed.items[i].refs {
            let id = r.id.trim().to_ascii_uppercase();
            if crate::formats::looks_like_technique(&id) && !index_of.contains_key(&id) {
                index_of.insert(id.clone(), layer.techniques.len());
                layer.techniques.push(TechniqueEntry::new(id));
            }
        }
    }
    let migration = migrate_layer(
        &pair,
        &layer,
        &MigrateOptions {
            keep_deprecated: false,
            keep_unknown: true,
        },
    )?;
    let report = &migration.report;
    let mut files: Vec<String> = Vec::new();
    for &i in items {
        let item = &parsed.items[i];
        let file = &parsed.files[item.file].path;
        if !files.contains(file) {
            files.push(file.clone());
        }
        for r in &item.refs {
            let id = r.id.trim().to_ascii_uppercase();
            let Some(&entry) = index_of.get(&id) else {
                // Not a technique ID: resolved (and reported) against the chosen release.
                if let Some(key) = resolve_one(target, &id, keep_unknown, i, file, findings) {
                    res.placements[i].push(Placement {
                        key,
                        tactic: r.tactic.clone(),
                        weight: r.weight,
                    });
                }
                continue;
            };
            let e = &report.entries[entry];
            let status = match e.change {
                Change::Revoked => Some(IdStatus::Revoked),
                Change::Deprecated => Some(IdStatus::Deprecated),
                Change::Unknown if e.action == Action::KeptUnknown => Some(IdStatus::Unknown),
                Change::Unknown => None,
                _ if e.new_technique_id.is_some() => Some(IdStatus::Moved),
                _ => None,
            };
            let mut counted = false;
            for d in &e.destinations {
                let key = match lookup(target, &d.technique_id) {
                    Lookup::Active(t) => Some(Key::Known(t)),
                    Lookup::Unknown => Some(Key::Unknown(d.technique_id.to_ascii_uppercase())),
                    _ => None,
                };
                if let Some(key) = key {
                    counted |= keep_unknown || matches!(key, Key::Known(_));
                    res.placements[i].push(Placement {
                        key,
                        tactic: d.tactic.clone(),
                        weight: r.weight,
                    });
                }
            }
            if let Some(status) = status {
                let detail = || match (&e.note, status) {
                    (Some(n), IdStatus::Unknown) => n.clone(),
                    (note, _) => {
                        let mut d = format!(
                            "{} when migrated from ATT&CK {} to {}",
                            e.change.label(),
                            report.from,
                            report.to
                        );
                        if let Some(n) = note {
                            d.push_str(&format!(": {n}"));
                        }
                        d
                    }
                };
                findings.add(
                    &id,
                    status,
                    detail,
                    e.new_technique_id.clone(),
                    counted,
                    i,
                    file,
                );
            }
        }
    }
    res.migrations.push(MigrationReport {
        files,
        migration: migration.report,
    });
    Ok(())
}

/// Tactic hints that name no tactic of the release (Sigma's v19 `attack.stealth` on 18.1).
fn unknown_tactics(parsed: &Parsed, target: &Catalogue) -> Vec<TacticFinding> {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    let mut known: HashMap<String, bool> = HashMap::new();
    for item in &parsed.items {
        let mut seen: BTreeSet<&str> = BTreeSet::new();
        let hints = item
            .tactics
            .iter()
            .map(String::as_str)
            .chain(item.refs.iter().filter_map(|r| r.tactic.as_deref()));
        for h in hints {
            let ok = *known
                .entry(h.to_string())
                .or_insert_with(|| shortname_of(target, h).is_some());
            if !ok && seen.insert(h) {
                *counts.entry(h.to_string()).or_default() += 1;
            }
        }
    }
    counts
        .into_iter()
        .map(|(tactic, items)| TacticFinding { tactic, items })
        .collect()
}

/// The release's short name of a tactic written as an ID, short name or name.
pub(crate) fn shortname_of(catalogue: &Catalogue, hint: &str) -> Option<String> {
    let t = catalogue
        .tactic(hint)
        .or_else(|| catalogue.tactic(&tactic_shortname(hint)))?;
    let o = catalogue.object(t);
    (o.kind == ObjectKind::Tactic)
        .then(|| o.shortname.clone())
        .flatten()
}
