//! # navlayer-source
//!
//! Finds the ATT&CK bundle to load and fetches official releases:
//!
//! - [`find_bundle`]: a file given with `--data`, or the newest (or requested) release of a domain
//!   in a folder of `<domain>-attack-<X.Y>.json` files ([`list_folder`]);
//! - [`Cache`]: the per-user cache folder, itself a valid `--data` folder;
//! - [`Index`]: MITRE's collection index (the list of releases with their download URLs);
//! - [`Fetcher`]: downloads an index or a release (HTTP(S) or a local file) and installs a
//!   release into the cache atomically, after checking that it parses.
//!
//! ```no_run
//! use navlayer_attack::Domain;
//! use navlayer_source::{Cache, Fetcher, Location, NoProgress, OFFICIAL_INDEX_URL};
//!
//! let cache = Cache::from_override(None)?;
//! let fetcher = Fetcher::new();
//! let index = fetcher.index(&Location::parse(OFFICIAL_INDEX_URL))?;
//! let newest = index.find(Domain::Enterprise, None)?;
//! let path = fetcher.install(&cache, newest, &mut NoProgress)?;
//! println!("saved {}", path.display());
//! # Ok::<(), navlayer_source::SourceError>(())
//! ```

mod cache;
mod error;
mod fetch;
mod index;

use std::path::{Path, PathBuf};

use navlayer_attack::{parse_bundle_file_name, Domain, Release};

pub use cache::{Cache, CACHE_VAR};
pub use error::SourceError;
pub use fetch::{Fetcher, Location, NoProgress, Progress};
pub use index::{Index, IndexCollection, IndexRelease, OFFICIAL_INDEX_URL};

/// A bundle found in a folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalRelease {
    /// Its domain, from the file name.
    pub domain: Domain,
    /// Its release, from the file name.
    pub release: Release,
    /// The file.
    pub path: PathBuf,
}

/// Every `<domain>-attack-<X.Y>.json[.gz]` file directly in `dir`, sorted by domain then release.
pub fn list_folder(dir: &Path) -> Result<Vec<LocalRelease>, SourceError> {
    let entries = std::fs::read_dir(dir).map_err(|source| SourceError::Io {
        path: dir.to_path_buf(),
        message: source.to_string(),
    })?;
    let mut out: Vec<LocalRelease> = entries
        .flatten()
        .filter_map(|e| {
            let path = e.path();
            let (domain, release) = parse_bundle_file_name(&path)?;
            path.is_file().then_some(LocalRelease {
                domain,
                release,
                path,
            })
        })
        .collect();
    out.sort_by_key(|r| (r.domain, r.release));
    Ok(out)
}

/// The newest release of `domain` in `releases` (or exactly `release` when given).
pub fn pick_release(
    releases: &[LocalRelease],
    domain: Domain,
    release: Option<Release>,
) -> Option<&LocalRelease> {
    releases
        .iter()
        .filter(|r| r.domain == domain && release.is_none_or(|want| r.release == want))
        .max_by_key(|r| r.release)
}

/// The bundle to load from `path`: the file itself, or from a folder the requested release of
/// `domain` (the newest when `release` is `None`).
pub fn find_bundle(
    path: &Path,
    domain: Domain,
    release: Option<Release>,
) -> Result<PathBuf, SourceError> {
    if path.is_file() {
        return Ok(path.to_path_buf());
    }
    if !path.is_dir() {
        return Err(SourceError::Missing {
            path: path.to_path_buf(),
        });
    }
    let all = list_folder(path)?;
    match pick_release(&all, domain, release) {
        Some(r) => Ok(r.path.clone()),
        None => Err(SourceError::NotFound {
            path: path.to_path_buf(),
            domain,
            release: release
                .map(|r| format!(" of release {r}"))
                .unwrap_or_default(),
            found: if all.is_empty() {
                "nothing".into()
            } else {
                all.iter()
                    .map(|r| format!("{}-{}", r.domain, r.release))
                    .collect::<Vec<_>>()
                    .join(", ")
            },
            short: domain.short_name(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folder_listing_and_picking() {
        let dir = tempfile::tempdir().expect("tempdir");
        for name in [
            "enterprise-attack-9.0.json",
            "enterprise-attack-10.1.json",
            "mobile-attack-10.0.json.gz",
            "notes.txt",
            "enterprise-attack-x.json",
        ] {
            std::fs::write(dir.path().join(name), b"{}").expect("write");
        }
        std::fs::create_dir(dir.path().join("ics-attack-1.0.json")).expect("mkdir");
        let all = list_folder(dir.path()).expect("list");
        let names: Vec<String> = all
            .iter()
            .map(|r| format!("{} {}", r.domain, r.release))
            .collect();
        assert_eq!(
            names,
            [
                "enterprise-attack 9.0",
                "enterprise-attack 10.1",
                "mobile-attack 10.0"
            ]
        );
        // Newest by number, not by text (10.1 > 9.0).
        let found = find_bundle(dir.path(), Domain::Enterprise, None).expect("found");
        assert!(found.ends_with("enterprise-attack-10.1.json"));
        let found =
            find_bundle(dir.path(), Domain::Enterprise, Release::parse("9.0")).expect("9.0");
        assert!(found.ends_with("enterprise-attack-9.0.json"));
        let err = find_bundle(dir.path(), Domain::Ics, None).expect_err("no ics file");
        let msg = err.to_string();
        assert!(msg.contains("no ics-attack bundle"), "{msg}");
        assert!(
            msg.contains("enterprise-attack-9.0, enterprise-attack-10.1"),
            "{msg}"
        );
        assert!(msg.contains("navlayer data fetch --domain ics"), "{msg}");
    }

    #[test]
    fn missing_path_and_empty_folder() {
        let dir = tempfile::tempdir().expect("tempdir");
        let missing = dir.path().join("nope.json");
        let msg = find_bundle(&missing, Domain::Enterprise, None)
            .expect_err("missing")
            .to_string();
        assert!(msg.contains("nope.json: no such file or folder"), "{msg}");
        let msg = find_bundle(dir.path(), Domain::Enterprise, None)
            .expect_err("empty")
            .to_string();
        assert!(msg.contains("(found: nothing)"), "{msg}");
    }
}
