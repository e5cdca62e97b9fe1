//! The indexed catalogue of one ATT&CK release and domain.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::model::{
    AttackObject, Domain, ObjectId, ObjectKind, RelationKind, Relationship, RelationshipId, Release,
};
use crate::parse::{self, Decoded};
use crate::raw::{EntryPlace, RawJson, Text};
use crate::AttackError;

/// How to read a bundle.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// The release to assume when the bundle has no collection object and the file name does not
    /// say (`--attack-version`).
    pub fallback_release: Option<Release>,
    /// Keep the STIX JSON of every object and relationship as read, for
    /// [`Catalogue::raw_json`] and friends. Costs the size of the (decoded) file in memory.
    pub keep_raw_json: bool,
    /// Largest bundle file read, in bytes (`None`: [`LoadOptions::DEFAULT_MAX_BYTES`]); a larger
    /// file is refused before it is read.
    pub max_file_bytes: Option<u64>,
    /// Largest decompressed size of a gzip bundle, in bytes (`None`:
    /// [`LoadOptions::DEFAULT_MAX_BYTES`]); decompression stops there.
    pub max_decoded_bytes: Option<u64>,
    /// Read a plain (not gzip) bundle through a memory map instead of copying it into memory:
    /// enterprise 18.1 (45 MB) loads about 35 ms sooner. The map is dropped once the bundle is
    /// decoded, or, with `keep_raw_json`, kept as the catalogue's STIX JSON. For short-lived
    /// processes only (the CLI): if another process truncated the file while it is mapped, this
    /// one would be killed (SIGBUS), which a server must not risk.
    pub map_file: bool,
}

impl LoadOptions {
    /// Default size limit of a bundle, read or decompressed: 512 MiB (enterprise-attack-18.1.json
    /// is 45 MB).
    pub const DEFAULT_MAX_BYTES: u64 = 512 * 1024 * 1024;
}

/// Counts of one kind of object by status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StatusCounts {
    /// Neither revoked nor deprecated.
    pub active: usize,
    /// Revoked (whether or not also deprecated).
    pub revoked: usize,
    /// Deprecated and not revoked.
    pub deprecated: usize,
}

impl StatusCounts {
    /// All objects counted.
    pub fn total(&self) -> usize {
        self.active + self.revoked + self.deprecated
    }

    fn add(&mut self, revoked: bool, deprecated: bool) {
        if revoked {
            self.revoked += 1;
        } else if deprecated {
            self.deprecated += 1;
        } else {
            self.active += 1;
        }
    }
}

/// One ATT&CK release of one domain: every object and relationship of the bundle, in bundle order,
/// with indexes by STIX id, by ATT&CK ID and by relationship endpoint.
///
/// Revoked and deprecated objects are kept and flagged; the query helpers leave them out unless
/// their name says otherwise.
#[derive(Debug, Clone)]
pub struct Catalogue {
    domain: Domain,
    release: Release,
    spec_version: String,
    source: Option<PathBuf>,
    objects: Vec<AttackObject>,
    relationships: Vec<Relationship>,
    by_stix_id: HashMap<String, ObjectId>,
    by_attack_id: HashMap<String, Vec<ObjectId>>,
    outgoing: Vec<Vec<RelationshipId>>,
    incoming: Vec<Vec<RelationshipId>>,
    tactic_order: Vec<ObjectId>,
    other_types: BTreeMap<String, usize>,
    relationship_types: BTreeMap<String, StatusCounts>,
    raw: Option<Arc<RawJson>>,
}

/// Parses `<domain>-attack-<X.Y>.json` (optionally `.gz`) into its domain and release.
pub fn parse_bundle_file_name(path: &Path) -> Option<(Domain, Release)> {
    let name = path.file_name()?.to_str()?;
    let stem = name
        .strip_suffix(".json.gz")
        .or_else(|| name.strip_suffix(".json"))?;
    let (domain, version) = stem.split_once("-attack-")?;
    let domain = match domain {
        "enterprise" => Domain::Enterprise,
        "mobile" => Domain::Mobile,
        "ics" => Domain::Ics,
        _ => return None,
    };
    Some((domain, Release::parse(version)?))
}

impl Catalogue {
    /// Reads a bundle file (`.json` or `.json.gz`, STIX 2.0 or 2.1).
    pub fn load(path: &Path, options: &LoadOptions) -> Result<Catalogue, AttackError> {
        let max_file = options
            .max_file_bytes
            .unwrap_or(LoadOptions::DEFAULT_MAX_BYTES);
        if options.map_file {
            if let Some(map) = parse::map_plain(path, max_file)? {
                let start = if map.starts_with(&[0xEF, 0xBB, 0xBF]) {
                    3
                } else {
                    0
                };
                let decoded = parse::decode_bundle(path, &map[start..])?;
                let keep = options.keep_raw_json.then(|| Text::Mapped(map, start));
                return Catalogue::build(decoded, keep, path, options);
            }
        }
        let bytes = parse::read_bytes(
            path,
            options
                .max_file_bytes
                .unwrap_or(LoadOptions::DEFAULT_MAX_BYTES),
            options
                .max_decoded_bytes
                .unwrap_or(LoadOptions::DEFAULT_MAX_BYTES),
        )?;
        let decoded = parse::decode_bundle(path, &bytes)?;
        let keep = options.keep_raw_json.then_some(Text::Read(bytes));
        Catalogue::build(decoded, keep, path, options)
    }

    /// Reads a bundle from memory. `path` is used for messages and for the release fallback.
    pub fn from_slice(
        bytes: &[u8],
        path: &Path,
        options: &LoadOptions,
    ) -> Result<Catalogue, AttackError> {
        let decoded = parse::decode_bundle(path, bytes)?;
        let keep = options.keep_raw_json.then(|| Text::Read(bytes.to_vec()));
        Catalogue::build(decoded, keep, path, options)
    }

    /// Builds the catalogue from decoded entries; `buffer` is the decoded text, kept for
    /// [`Catalogue::raw_json`] when given.
    fn build(
        decoded: parse::DecodedBundle,
        buffer: Option<Text>,
        path: &Path,
        options: &LoadOptions,
    ) -> Result<Catalogue, AttackError> {
        let mut objects = Vec::new();
        let mut relationships = Vec::new();
        let mut other_types: BTreeMap<String, usize> = BTreeMap::new();
        let mut collection_version = None;
        let mut places = Vec::with_capacity(if buffer.is_some() {
            decoded.entries.len()
        } else {
            0
        });
        for entry in decoded.entries {
            let place = match entry {
                Decoded::Object(o) => {
                    objects.push(o);
                    EntryPlace::Object
                }
                Decoded::Relationship(r) => {
                    relationships.push(r);
                    EntryPlace::Relationship
                }
                Decoded::Collection { object, version } => {
                    if collection_version.is_none() {
                        collection_version = version;
                    }
                    objects.push(object);
                    EntryPlace::Object
                }
                Decoded::Other(t) => {
                    *other_types.entry(t).or_default() += 1;
                    EntryPlace::Other
                }
            };
            if buffer.is_some() {
                places.push(place);
            }
        }
        let raw = buffer
            .and_then(|text| RawJson::new(text, decoded.spans, &places))
            .map(Arc::new);

        let mut by_stix_id = HashMap::with_capacity(objects.len());
        let mut by_attack_id: HashMap<String, Vec<ObjectId>> = HashMap::new();
        for (i, o) in objects.iter().enumerate() {
            let id = ObjectId(i as u32);
            // Keep the first of duplicate STIX ids.
            by_stix_id.entry(o.stix_id.clone()).or_insert(id);
            if let Some(a) = &o.attack_id {
                by_attack_id
                    .entry(a.to_ascii_uppercase())
                    .or_default()
                    .push(id);
            }
        }
        let mut outgoing = vec![Vec::new(); objects.len()];
        let mut incoming = vec![Vec::new(); objects.len()];
        let mut relationship_types: BTreeMap<String, StatusCounts> = BTreeMap::new();
        for (i, r) in relationships.iter_mut().enumerate() {
            let rid = RelationshipId(i as u32);
            r.source = by_stix_id.get(&r.source_ref).copied();
            r.target = by_stix_id.get(&r.target_ref).copied();
            if let Some(s) = r.source {
                outgoing[s.0 as usize].push(rid);
            }
            if let Some(t) = r.target {
                incoming[t.0 as usize].push(rid);
            }
            relationship_types
                .entry(r.kind.as_str().to_string())
                .or_default()
                .add(r.revoked, r.deprecated);
        }

        let file_hint = parse_bundle_file_name(path);
        let domain = detect_domain(&objects)
            .or(file_hint.map(|(d, _)| d))
            .ok_or_else(|| AttackError::UnknownBundleDomain {
                path: path.to_path_buf(),
                found: String::new(),
            })?;
        let release = collection_version
            .as_deref()
            .and_then(Release::parse)
            .or(file_hint.map(|(_, r)| r))
            .or(options.fallback_release)
            .ok_or_else(|| AttackError::UnknownRelease {
                path: path.to_path_buf(),
            })?;

        let mut catalogue = Catalogue {
            domain,
            release,
            spec_version: decoded.spec_version.unwrap_or_else(|| "2.0".into()),
            source: Some(path.to_path_buf()),
            objects,
            relationships,
            by_stix_id,
            by_attack_id,
            outgoing,
            incoming,
            tactic_order: Vec::new(),
            other_types,
            relationship_types,
            raw,
        };
        catalogue.tactic_order = catalogue.compute_tactic_order();
        Ok(catalogue)
    }

    /// Tactics in the order of the (first active) matrix object's `tactic_refs`.
    fn compute_tactic_order(&self) -> Vec<ObjectId> {
        let matrix = self
            .objects
            .iter()
            .find(|o| o.kind == ObjectKind::Matrix && o.is_active())
            .or_else(|| self.objects.iter().find(|o| o.kind == ObjectKind::Matrix));
        match matrix {
            Some(m) => m
                .tactic_refs
                .iter()
                .filter_map(|r| self.by_stix_id.get(r).copied())
                .collect(),
            // No matrix: tactics in bundle order.
            None => self
                .objects
                .iter()
                .enumerate()
                .filter(|(_, o)| o.kind == ObjectKind::Tactic && o.is_active())
                .map(|(i, _)| ObjectId(i as u32))
                .collect(),
        }
    }

    pub(crate) fn raw(&self) -> Option<&RawJson> {
        self.raw.as_deref()
    }

    /// The domain of the bundle.
    pub fn domain(&self) -> Domain {
        self.domain
    }

    /// The release of the bundle.
    pub fn release(&self) -> Release {
        self.release
    }

    /// The STIX spec version (`2.0` or `2.1`).
    pub fn spec_version(&self) -> &str {
        &self.spec_version
    }

    /// The file the catalogue was read from.
    pub fn source(&self) -> Option<&Path> {
        self.source.as_deref()
    }

    /// All objects, in bundle order, including revoked and deprecated ones.
    pub fn objects(&self) -> &[AttackObject] {
        &self.objects
    }

    /// All relationships, in bundle order, including revoked and deprecated ones.
    pub fn relationships(&self) -> &[Relationship] {
        &self.relationships
    }

    /// One object.
    pub fn object(&self, id: ObjectId) -> &AttackObject {
        &self.objects[id.0 as usize]
    }

    /// One relationship.
    pub fn relationship(&self, id: RelationshipId) -> &Relationship {
        &self.relationships[id.0 as usize]
    }

    /// Counts of STIX types the catalogue does not model (identity, marking-definition, …).
    pub fn other_types(&self) -> &BTreeMap<String, usize> {
        &self.other_types
    }

    /// Counts of relationships by type and status.
    pub fn relationship_counts(&self) -> &BTreeMap<String, StatusCounts> {
        &self.relationship_types
    }

    /// Counts of objects per kind and status, for every kind (zero counts included).
    pub fn counts(&self) -> Vec<(ObjectKind, StatusCounts)> {
        let mut map: BTreeMap<ObjectKind, StatusCounts> = BTreeMap::new();
        for o in &self.objects {
            map.entry(o.kind).or_default().add(o.revoked, o.deprecated);
        }
        ObjectKind::ALL
            .iter()
            .map(|k| (*k, map.get(k).copied().unwrap_or_default()))
            .collect()
    }

    /// The object with this STIX id.
    pub fn by_stix_id(&self, stix_id: &str) -> Option<ObjectId> {
        self.by_stix_id.get(stix_id).copied()
    }

    /// The object with this ATT&CK ID (case-insensitive): the active one when there is one, else
    /// the first in bundle order (revoked objects keep their IDs).
    pub fn by_attack_id(&self, attack_id: &str) -> Option<ObjectId> {
        let ids = self
            .by_attack_id
            .get(&attack_id.trim().to_ascii_uppercase())?;
        ids.iter()
            .copied()
            .find(|&id| self.object(id).is_active())
            .or_else(|| ids.first().copied())
    }

    /// Every object carrying this ATT&CK ID, in bundle order.
    pub fn all_by_attack_id(&self, attack_id: &str) -> &[ObjectId] {
        self.by_attack_id
            .get(&attack_id.trim().to_ascii_uppercase())
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// Ids of every object, in bundle order.
    pub fn ids(&self) -> impl Iterator<Item = ObjectId> + '_ {
        (0..self.objects.len() as u32).map(ObjectId)
    }

    /// Active objects of one kind, in bundle order.
    pub fn active_of_kind(&self, kind: ObjectKind) -> impl Iterator<Item = ObjectId> + '_ {
        self.ids().filter(move |&id| {
            let o = self.object(id);
            o.kind == kind && o.is_active()
        })
    }

    /// Active techniques and sub-techniques, in bundle order.
    pub fn active_techniques(&self) -> impl Iterator<Item = ObjectId> + '_ {
        self.ids().filter(move |&id| {
            let o = self.object(id);
            o.kind.is_technique() && o.is_active()
        })
    }

    /// Relationships leaving an object (bundle order), all statuses.
    pub fn outgoing(&self, id: ObjectId) -> &[RelationshipId] {
        &self.outgoing[id.0 as usize]
    }

    /// Relationships arriving at an object (bundle order), all statuses.
    pub fn incoming(&self, id: ObjectId) -> &[RelationshipId] {
        &self.incoming[id.0 as usize]
    }

    /// Counts of an object's related objects by relationship and direction, active
    /// relationships and objects only: `"uses technique"` for outgoing, `"uses by group"` for
    /// incoming (the "related" summary of `navlayer show`).
    pub fn related_counts(&self, id: ObjectId) -> std::collections::BTreeMap<String, usize> {
        let mut related = std::collections::BTreeMap::new();
        for &rid in self.outgoing(id) {
            let r = self.relationship(rid);
            if let (true, Some(t)) = (r.is_active(), r.target) {
                let t = self.object(t);
                if t.is_active() {
                    *related
                        .entry(format!("{} {}", r.kind.as_str(), t.kind.label()))
                        .or_default() += 1;
                }
            }
        }
        for &rid in self.incoming(id) {
            let r = self.relationship(rid);
            if let (true, Some(s)) = (r.is_active(), r.source) {
                let s = self.object(s);
                if s.is_active() {
                    *related
                        .entry(format!("{} by {}", r.kind.as_str(), s.kind.label()))
                        .or_default() += 1;
                }
            }
        }
        related
    }

    /// Active relationships of one kind leaving an object, whose target is in the bundle.
    pub fn active_outgoing<'a>(
        &'a self,
        id: ObjectId,
        kind: &'a RelationKind,
    ) -> impl Iterator<Item = (RelationshipId, ObjectId)> + 'a {
        self.outgoing(id).iter().filter_map(move |&rid| {
            let r = self.relationship(rid);
            (r.kind == *kind && r.is_active())
                .then_some(r.target)
                .flatten()
                .map(|t| (rid, t))
        })
    }

    /// Active relationships of one kind arriving at an object, whose source is in the bundle.
    pub fn active_incoming<'a>(
        &'a self,
        id: ObjectId,
        kind: &'a RelationKind,
    ) -> impl Iterator<Item = (RelationshipId, ObjectId)> + 'a {
        self.incoming(id).iter().filter_map(move |&rid| {
            let r = self.relationship(rid);
            (r.kind == *kind && r.is_active())
                .then_some(r.source)
                .flatten()
                .map(|s| (rid, s))
        })
    }

    /// Active tactics in matrix order.
    pub fn tactics(&self) -> &[ObjectId] {
        &self.tactic_order
    }

    /// The tactic with this short name (`defense-evasion`), name (`Defense Evasion`) or ID (`TA0005`).
    pub fn tactic(&self, key: &str) -> Option<ObjectId> {
        let key = key.trim();
        if let Some(id) = self.by_attack_id(key) {
            if self.object(id).kind == ObjectKind::Tactic {
                return Some(id);
            }
        }
        let shortname = key.to_ascii_lowercase().replace(' ', "-");
        self.tactic_order.iter().copied().find(|&id| {
            let o = self.object(id);
            o.shortname.as_deref() == Some(shortname.as_str()) || o.name.eq_ignore_ascii_case(key)
        })
    }

    /// The parent technique of a sub-technique (via `subtechnique-of`).
    pub fn parent_of(&self, sub: ObjectId) -> Option<ObjectId> {
        self.active_outgoing(sub, &RelationKind::SubtechniqueOf)
            .map(|(_, t)| t)
            .next()
            .or_else(|| {
                // Fall back to the ID: T1059.001 → T1059.
                let id = self.object(sub).attack_id.as_deref()?;
                let (parent, _) = id.split_once('.')?;
                self.by_attack_id(parent)
            })
    }

    /// Active sub-techniques of a technique, in bundle order of their relationships.
    pub fn subtechniques_of(&self, parent: ObjectId) -> Vec<ObjectId> {
        self.active_incoming(parent, &RelationKind::SubtechniqueOf)
            .map(|(_, s)| s)
            .filter(|&s| self.object(s).is_active())
            .collect()
    }

    /// The object that replaces a revoked one, following `revoked-by` chains to the end.
    pub fn replacement_of(&self, id: ObjectId) -> Option<ObjectId> {
        let mut current = id;
        let mut seen = BTreeSet::new();
        seen.insert(current);
        loop {
            let next = self
                .outgoing(current)
                .iter()
                .map(|&r| self.relationship(r))
                .find(|r| r.kind == RelationKind::RevokedBy)
                .and_then(|r| r.target);
            match next {
                Some(n) if seen.insert(n) => current = n,
                _ => break,
            }
        }
        (current != id).then_some(current)
    }

    /// Every platform named by an active technique, sorted.
    pub fn platforms(&self) -> Vec<String> {
        let set: BTreeSet<&str> = self
            .active_techniques()
            .flat_map(|id| self.object(id).platforms.iter().map(String::as_str))
            .collect();
        set.into_iter().map(String::from).collect()
    }

    /// Active techniques (and sub-techniques) reached from `source` through active relationships of
    /// `kind`, in relationship order, without duplicates.
    pub fn techniques_from(&self, source: ObjectId, kind: &RelationKind) -> Vec<ObjectId> {
        let mut seen = BTreeSet::new();
        self.active_outgoing(source, kind)
            .map(|(_, t)| t)
            .filter(|&t| {
                let o = self.object(t);
                o.kind.is_technique() && o.is_active() && seen.insert(t)
            })
            .collect()
    }

    /// Campaigns attributed to a group (active relationships, bundle order).
    pub fn campaigns_of_group(&self, group: ObjectId) -> Vec<ObjectId> {
        self.active_incoming(group, &RelationKind::AttributedTo)
            .map(|(_, c)| c)
            .filter(|&c| {
                let o = self.object(c);
                o.kind == ObjectKind::Campaign && o.is_active()
            })
            .collect()
    }

    /// Techniques used by a group, software or campaign; with `include_campaigns`, a group's
    /// techniques include those of the campaigns attributed to it.
    pub fn techniques_used_by(&self, user: ObjectId, include_campaigns: bool) -> Vec<ObjectId> {
        let mut out = self.techniques_from(user, &RelationKind::Uses);
        if include_campaigns && self.object(user).kind == ObjectKind::Group {
            let mut seen: BTreeSet<ObjectId> = out.iter().copied().collect();
            for c in self.campaigns_of_group(user) {
                for t in self.techniques_from(c, &RelationKind::Uses) {
                    if seen.insert(t) {
                        out.push(t);
                    }
                }
            }
        }
        out
    }

    /// Techniques detected by a data component or detection strategy; for a data source, by any
    /// of its components; for an analytic, by any detection strategy that references it.
    pub fn techniques_detected_by(&self, detector: ObjectId) -> Vec<ObjectId> {
        let o = self.object(detector);
        let sources: Vec<ObjectId> = match o.kind {
            ObjectKind::DataSource => self
                .ids()
                .filter(|&c| {
                    let co = self.object(c);
                    co.kind == ObjectKind::DataComponent
                        && co.data_source_ref.as_deref() == Some(o.stix_id.as_str())
                })
                .collect(),
            ObjectKind::Analytic => self
                .ids()
                .filter(|&s| {
                    let so = self.object(s);
                    so.kind == ObjectKind::DetectionStrategy
                        && so.is_active()
                        && so.analytic_refs.contains(&o.stix_id)
                })
                .collect(),
            _ => vec![detector],
        };
        let mut seen = BTreeSet::new();
        let mut out = Vec::new();
        for s in sources {
            for t in self.techniques_from(s, &RelationKind::Detects) {
                if seen.insert(t) {
                    out.push(t);
                }
            }
        }
        out
    }

    /// Techniques that target an asset.
    pub fn techniques_targeting(&self, asset: ObjectId) -> Vec<ObjectId> {
        let mut seen = BTreeSet::new();
        self.active_incoming(asset, &RelationKind::Targets)
            .map(|(_, s)| s)
            .filter(|&s| {
                let o = self.object(s);
                o.kind.is_technique() && o.is_active() && seen.insert(s)
            })
            .collect()
    }

    /// Active techniques in a tactic (by the tactic's short name), in bundle order.
    pub fn techniques_in_tactic(&self, tactic: ObjectId) -> Vec<ObjectId> {
        let Some(short) = self.object(tactic).shortname.clone() else {
            return Vec::new();
        };
        self.active_techniques()
            .filter(|&t| self.object(t).tactics.contains(&short))
            .collect()
    }

    /// Active techniques on a platform (case-insensitive), in bundle order.
    pub fn techniques_on_platform(&self, platform: &str) -> Vec<ObjectId> {
        self.active_techniques()
            .filter(|&t| {
                self.object(t)
                    .platforms
                    .iter()
                    .any(|p| p.eq_ignore_ascii_case(platform))
            })
            .collect()
    }

    /// Up to `limit` ATT&CK IDs or names closest to `query`, for "did you mean" messages.
    pub fn suggest(&self, query: &str, limit: usize) -> Vec<String> {
        let q = query.trim().to_ascii_uppercase();
        let mut scored: Vec<(usize, &AttackObject)> = self
            .objects
            .iter()
            .filter(|o| o.is_active())
            .filter_map(|o| {
                let id = o.attack_id.as_deref()?;
                let by_id = edit_distance(&q, &id.to_ascii_uppercase());
                let by_name = edit_distance(&q, &o.name.to_ascii_uppercase());
                let prefix = id.to_ascii_uppercase().starts_with(&q) && q.len() >= 2;
                let score = if prefix { 0 } else { by_id.min(by_name) };
                Some((score, o))
            })
            .collect();
        scored.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.attack_id.cmp(&b.1.attack_id)));
        let cutoff = (q.len() / 2).max(2);
        scored
            .into_iter()
            .filter(|(s, _)| *s <= cutoff)
            .take(limit)
            .map(|(_, o)| format!("{} ({})", o.display_id(), o.name))
            .collect()
    }
}

/// The domain named by the matrix's external ID, else the most common `x_mitre_domains` entry.
fn detect_domain(objects: &[AttackObject]) -> Option<Domain> {
    let mut votes: BTreeMap<Domain, usize> = BTreeMap::new();
    for o in objects {
        if o.kind == ObjectKind::Matrix && o.is_active() {
            if let Some(d) = o.attack_id.as_deref().and_then(Domain::parse_lenient) {
                return Some(d);
            }
        }
        if o.kind.is_technique() {
            for d in &o.domains {
                if let Some(d) = Domain::parse_lenient(d) {
                    *votes.entry(d).or_default() += 1;
                }
            }
        }
    }
    votes.into_iter().max_by_key(|(_, n)| *n).map(|(d, _)| d)
}

/// Levenshtein distance on bytes (inputs are short IDs and names).
fn edit_distance(a: &str, b: &str) -> usize {
    let a = a.as_bytes();
    let b = b.as_bytes();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_give_domain_and_release() {
        assert_eq!(
            parse_bundle_file_name(Path::new("/x/enterprise-attack-18.1.json")),
            Some((
                Domain::Enterprise,
                Release {
                    major: 18,
                    minor: 1
                }
            ))
        );
        assert_eq!(
            parse_bundle_file_name(Path::new("ics-attack-9.0.json.gz")),
            Some((Domain::Ics, Release { major: 9, minor: 0 }))
        );
        assert_eq!(parse_bundle_file_name(Path::new("bundle.json")), None);
        assert_eq!(
            parse_bundle_file_name(Path::new("pre-attack-1.0.json")),
            None
        );
    }

    #[test]
    fn edit_distance_is_levenshtein() {
        assert_eq!(edit_distance("M1038", "M1038"), 0);
        assert_eq!(edit_distance("M1083", "M1038"), 2);
        assert_eq!(edit_distance("", "abc"), 3);
    }
}
