//! MITRE's collection index (`index.json` of mitre-attack/attack-stix-data): every release of
//! every domain with its download URL.

use std::path::Path;

use navlayer_attack::{parse_bundle_file_name, Domain, Release};
use serde::Deserialize;

use crate::fetch::Location;
use crate::SourceError;

/// The official collection index.
pub const OFFICIAL_INDEX_URL: &str =
    "https://raw.githubusercontent.com/mitre-attack/attack-stix-data/master/index.json";

/// A parsed collection index.
#[derive(Debug, Clone, PartialEq)]
pub struct Index {
    /// Where the index was read from (URL or file), for messages.
    pub location: String,
    /// The index's name (`MITRE ATT&CK`).
    pub name: String,
    /// When the index was last modified, as written in it.
    pub modified: Option<String>,
    /// The collections, in index order.
    pub collections: Vec<IndexCollection>,
}

/// One collection of the index (one domain).
#[derive(Debug, Clone, PartialEq)]
pub struct IndexCollection {
    /// The collection's STIX id.
    pub id: String,
    /// Its name (`Enterprise ATT&CK`).
    pub name: String,
    /// The domain, from the name or else from the download file names; `None` when neither
    /// says (such a collection offers no release).
    pub domain: Option<Domain>,
    /// Its releases, newest first.
    pub releases: Vec<IndexRelease>,
    /// Versions listed that are not `X.Y` release numbers (e.g. mobile's `11.2-beta`), which
    /// cannot be selected and are left out of [`IndexCollection::releases`].
    pub skipped: Vec<String>,
}

/// One downloadable release.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexRelease {
    /// The domain.
    pub domain: Domain,
    /// The release number.
    pub release: Release,
    /// Where to download it (relative URLs of the index are resolved against the index).
    pub location: Location,
    /// When it was published, as written in the index.
    pub modified: Option<String>,
}

#[derive(Deserialize)]
struct RawIndex {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    modified: Option<String>,
    collections: Vec<RawCollection>,
}

#[derive(Deserialize)]
struct RawCollection {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    versions: Vec<RawVersion>,
}

#[derive(Deserialize)]
struct RawVersion {
    version: String,
    url: String,
    #[serde(default)]
    modified: Option<String>,
}

impl Index {
    /// Parses an index read from `location` (used for messages and to resolve relative URLs).
    pub fn parse(bytes: &[u8], location: &Location) -> Result<Index, SourceError> {
        let bad = |what: String| SourceError::BadIndex {
            location: location.to_string(),
            what,
            official: OFFICIAL_INDEX_URL,
        };
        let raw: RawIndex = serde_json::from_slice(bytes).map_err(|e| {
            let what = e.to_string();
            let what = match what.rfind(" at line ") {
                Some(pos) => what[..pos].to_string(),
                None => what,
            };
            bad(format!(
                "{what} at line {}, column {}",
                e.line(),
                e.column()
            ))
        })?;
        let mut collections = Vec::with_capacity(raw.collections.len());
        for c in raw.collections {
            let name = c.name.unwrap_or_default();
            let domain = Domain::parse_lenient(&name).or_else(|| {
                c.versions
                    .iter()
                    .find_map(|v| url_file_name(&v.url).and_then(parse_bundle_file_name))
                    .map(|(d, _)| d)
            });
            let mut releases: Vec<IndexRelease> = match domain {
                None => Vec::new(),
                Some(domain) => c
                    .versions
                    .iter()
                    .filter_map(|v| {
                        Some(IndexRelease {
                            domain,
                            release: Release::parse(&v.version)?,
                            location: location.join(&v.url),
                            modified: v.modified.clone(),
                        })
                    })
                    .collect(),
            };
            releases.sort_by_key(|r| std::cmp::Reverse(r.release));
            let skipped = c
                .versions
                .iter()
                .filter(|v| domain.is_none() || Release::parse(&v.version).is_none())
                .map(|v| v.version.clone())
                .collect();
            collections.push(IndexCollection {
                id: c.id.unwrap_or_default(),
                name,
                domain,
                releases,
                skipped,
            });
        }
        if collections.iter().all(|c| c.releases.is_empty()) {
            return Err(bad("it lists no release of any known domain".into()));
        }
        Ok(Index {
            location: location.to_string(),
            name: raw.name.unwrap_or_default(),
            modified: raw.modified,
            collections,
        })
    }

    /// Every release of `domain`, newest first.
    pub fn releases(&self, domain: Domain) -> Vec<&IndexRelease> {
        let mut out: Vec<&IndexRelease> = self
            .collections
            .iter()
            .filter(|c| c.domain == Some(domain))
            .flat_map(|c| &c.releases)
            .collect();
        out.sort_by_key(|r| std::cmp::Reverse(r.release));
        out
    }

    /// The release of `domain` to download: `release` when given, else the newest.
    pub fn find(
        &self,
        domain: Domain,
        release: Option<Release>,
    ) -> Result<&IndexRelease, SourceError> {
        let all = self.releases(domain);
        let pick = match release {
            Some(want) => all.iter().find(|r| r.release == want),
            None => all.first(),
        };
        pick.copied().ok_or_else(|| SourceError::NotInIndex {
            location: self.location.clone(),
            domain,
            release: release.map(|r| format!(" {r}")).unwrap_or_default(),
            offered: if all.is_empty() {
                "none".into()
            } else {
                all.iter()
                    .map(|r| r.release.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            },
        })
    }
}

/// The last path segment of a URL or path, without query or fragment.
fn url_file_name(url: &str) -> Option<&Path> {
    let path = url.split(['?', '#']).next()?;
    let name = path.rsplit('/').next()?;
    (!name.is_empty()).then(|| Path::new(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> &'static str {
        r#"{"id": "x", "name": "MITRE ATT&CK", "modified": "2025-11-13T14:00:00.188Z",
            "collections": [
              {"id": "c1", "name": "Enterprise ATT&CK", "versions": [
                 {"version": "9.0", "url": "https://h.example/e/enterprise-attack-9.0.json"},
                 {"version": "10.1", "url": "https://h.example/e/enterprise-attack-10.1.json", "modified": "m"}]},
              {"id": "c2", "name": "Something", "versions": [
                 {"version": "2.0", "url": "ics/ics-attack-2.0.json"}]},
              {"id": "c3", "name": "Unrelated", "versions": [
                 {"version": "1.0", "url": "other.json"}]}
            ]}"#
    }

    #[test]
    fn parses_maps_domains_and_sorts() {
        let loc = Location::parse("https://h.example/base/index.json");
        let index = Index::parse(sample().as_bytes(), &loc).expect("index");
        assert_eq!(index.name, "MITRE ATT&CK");
        let domains: Vec<_> = index.collections.iter().map(|c| c.domain).collect();
        assert_eq!(domains, [Some(Domain::Enterprise), Some(Domain::Ics), None]);
        let ent = index.releases(Domain::Enterprise);
        assert_eq!(ent[0].release.to_string(), "10.1");
        assert_eq!(ent[1].release.to_string(), "9.0");
        let ics = index.find(Domain::Ics, None).expect("ics");
        // Relative URLs resolve against the index URL.
        assert_eq!(
            ics.location.to_string(),
            "https://h.example/base/ics/ics-attack-2.0.json"
        );
        let err = index
            .find(Domain::Enterprise, Release::parse("11.0"))
            .expect_err("absent");
        let msg = err.to_string();
        assert!(
            msg.contains("offers no enterprise-attack release 11.0"),
            "{msg}"
        );
        assert!(msg.contains("offered: 10.1, 9.0"), "{msg}");
        assert!(index
            .find(Domain::Mobile, None)
            .expect_err("no mobile")
            .to_string()
            .contains("offered: none"));
    }

    #[test]
    fn rejects_what_is_not_an_index() {
        let loc = Location::parse("/tmp/i.json");
        let msg = Index::parse(b"{\"collections\": 3}", &loc)
            .expect_err("bad")
            .to_string();
        assert!(
            msg.starts_with("/tmp/i.json: not an ATT&CK collection index"),
            "{msg}"
        );
        let msg = Index::parse(b"{\n  oops", &loc)
            .expect_err("bad")
            .to_string();
        assert!(msg.contains("line 2, column 3"), "{msg}");
        let msg = Index::parse(b"{\"collections\": []}", &loc)
            .expect_err("empty")
            .to_string();
        assert!(msg.contains("lists no release"), "{msg}");
    }
}
