//! Where `Catalogue.load` finds its bundle, the way the CLI does (`crates/cli/src/context.rs`):
//! an explicit path (file or folder); else `data=` or `NAVLAYER_DATA`; else the per-user cache
//! (`cache_dir=` or `NAVLAYER_CACHE`); else, unless offline (`offline=True` or
//! `NAVLAYER_OFFLINE=1`), the release is downloaded into the cache from MITRE's index
//! (`NAVLAYER_INDEX` overrides it).

use std::path::PathBuf;

use navlayer_attack::{Domain, Release};
use navlayer_source::{Cache, Fetcher, Location, NoProgress, OFFICIAL_INDEX_URL};

use crate::errors::{Class, Failure, Outcome};

/// What the caller of `Catalogue.load` asked for.
#[derive(Debug, Clone)]
pub struct Request {
    /// `path=`: a bundle file or a folder of `<domain>-attack-<X.Y>.json` files.
    pub path: Option<PathBuf>,
    /// `data=`: the same, as the CLI's `--data`.
    pub data: Option<PathBuf>,
    /// The domain.
    pub domain: Domain,
    /// The release (the newest found when `None`).
    pub release: Option<Release>,
    /// Never touch the network.
    pub offline: Option<bool>,
    /// The cache folder.
    pub cache_dir: Option<PathBuf>,
}

fn env_path(name: &str) -> Option<PathBuf> {
    std::env::var_os(name)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

fn env_flag(name: &str) -> bool {
    std::env::var(name)
        .map(|v| {
            !matches!(
                v.trim().to_ascii_lowercase().as_str(),
                "" | "0" | "false" | "no" | "off"
            )
        })
        .unwrap_or(false)
}

impl Request {
    /// The bundle file to load.
    pub fn bundle_path(&self) -> Outcome<PathBuf> {
        if let Some(path) = self
            .path
            .clone()
            .or_else(|| self.data.clone())
            .or_else(|| env_path("NAVLAYER_DATA"))
        {
            return navlayer_source::find_bundle(&path, self.domain, self.release)
                .map_err(|e| Failure::from(e).path(&path));
        }
        let cache = Cache::from_override(
            self.cache_dir
                .clone()
                .or_else(|| env_path(navlayer_source::CACHE_VAR)),
        )?;
        if let Some(found) = cache.find(self.domain, self.release)? {
            return Ok(found.path);
        }
        let wanted = match self.release {
            Some(r) => format!("{} {r}", self.domain),
            None => format!("{} release", self.domain),
        };
        if self.offline.unwrap_or_else(|| env_flag("NAVLAYER_OFFLINE")) {
            return Err(Failure::new(
                Class::Data,
                format!(
                    "no ATT&CK data: no path or data= given, NAVLAYER_DATA is not set, and the cache {} holds no {wanted}; \
                     offline mode forbids downloading it (hint: call Catalogue.load(release=..., domain=...) once online, \
                     run `navlayer data fetch`, or pass a bundle file or a folder of <domain>-attack-<X.Y>.json files)",
                    cache.dir().display()
                ),
            )
            .kind("no-data")
            .path(cache.dir()));
        }
        let index = std::env::var("NAVLAYER_INDEX")
            .ok()
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| OFFICIAL_INDEX_URL.to_string());
        let fetcher = Fetcher::new();
        let index = fetcher.index(&Location::parse(&index))?;
        let pick = index.find(self.domain, self.release)?;
        Ok(fetcher.install(&cache, pick, &mut NoProgress)?)
    }
}
