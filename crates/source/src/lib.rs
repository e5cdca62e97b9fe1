//! # navlayer-source
//!
//! Finds the ATT&CK bundle to load: a file given with `--data`, the newest (or requested)
//! release of a domain in a folder of `<domain>-attack-<X.Y>.json` files, the `NAVLAYER_DATA`
//! folder, or the per-user cache.

use std::path::{Path, PathBuf};

use navlayer_attack::{parse_bundle_file_name, Domain, Release};

/// Errors finding data.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    /// The path does not exist.
    #[error("{path}: no such file or folder (hint: --data takes a bundle file or a folder of <domain>-attack-<X.Y>.json files)")]
    Missing {
        /// The path.
        path: PathBuf,
    },
    /// A folder could not be read.
    #[error("{path}: cannot read the folder: {source}")]
    Io {
        /// The folder.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// No bundle of the domain (and release) in a folder.
    #[error("{path}: no {domain} bundle{release} in this folder (found: {found}) (hint: files are named <domain>-attack-<X.Y>.json; fetch one with `navlayer data fetch --domain {short}`)")]
    NotFound {
        /// The folder.
        path: PathBuf,
        /// The domain asked for.
        domain: Domain,
        /// Formatted ` of release X.Y` when one was asked for.
        release: String,
        /// What the folder holds.
        found: String,
        /// Short domain name for the hint.
        short: &'static str,
    },
}

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
        source,
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
    out.sort_by(|a, b| (a.domain, a.release).cmp(&(b.domain, b.release)));
    Ok(out)
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
    let pick = all
        .iter()
        .filter(|r| r.domain == domain && release.is_none_or(|want| r.release == want))
        .max_by_key(|r| r.release);
    match pick {
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
