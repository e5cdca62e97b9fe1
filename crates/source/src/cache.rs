//! The per-user cache folder: downloaded releases stored as `<domain>-attack-<X.Y>.json`, so that
//! the folder is itself a valid `--data` folder.

use std::io::Write;
use std::path::{Path, PathBuf};

use navlayer_attack::{Domain, Release};

use crate::{list_folder, pick_release, LocalRelease, SourceError};

/// The environment variable that overrides the cache folder.
pub const CACHE_VAR: &str = "NAVLAYER_CACHE";

/// The per-user cache of ATT&CK releases.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cache {
    dir: PathBuf,
}

impl Cache {
    /// A cache in `dir` (created on first write).
    pub fn new(dir: impl Into<PathBuf>) -> Cache {
        Cache { dir: dir.into() }
    }

    /// The platform's per-user cache folder for navlayer (`~/.cache/navlayer` on Linux,
    /// `~/Library/Caches/navlayer` on macOS, `%LOCALAPPDATA%\navlayer` on Windows).
    pub fn default_dir() -> Option<PathBuf> {
        dirs::cache_dir().map(|d| d.join("navlayer"))
    }

    /// The cache in `dir` when given (the `NAVLAYER_CACHE` value or a command-line option), else
    /// in [`Cache::default_dir`].
    pub fn from_override(dir: Option<PathBuf>) -> Result<Cache, SourceError> {
        match dir.filter(|d| !d.as_os_str().is_empty()) {
            Some(d) => Ok(Cache::new(d)),
            None => Cache::default_dir()
                .map(Cache::new)
                .ok_or(SourceError::NoCacheDir),
        }
    }

    /// The folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The file a release of a domain is stored in.
    pub fn path_for(&self, domain: Domain, release: Release) -> PathBuf {
        self.dir
            .join(format!("{}-{release}.json", domain.stix_name()))
    }

    /// The releases in the cache, sorted by domain then release (none when the folder does not
    /// exist yet).
    pub fn releases(&self) -> Result<Vec<LocalRelease>, SourceError> {
        if !self.dir.exists() {
            return Ok(Vec::new());
        }
        list_folder(&self.dir)
    }

    /// The cached release of `domain` (the newest when `release` is `None`), if any.
    pub fn find(
        &self,
        domain: Domain,
        release: Option<Release>,
    ) -> Result<Option<LocalRelease>, SourceError> {
        let all = self.releases()?;
        Ok(pick_release(&all, domain, release).cloned())
    }

    /// Stores the bundle `bytes` (plain JSON) as the release of the domain, atomically: the
    /// bytes go to a temporary file in the cache folder that is renamed into place, so a reader
    /// never sees a partial file and a failure leaves the cache as it was. Replaces an existing
    /// file of the same release.
    pub fn store(
        &self,
        domain: Domain,
        release: Release,
        bytes: &[u8],
    ) -> Result<PathBuf, SourceError> {
        let write_err = |path: &Path, e: &dyn std::fmt::Display| SourceError::CacheWrite {
            path: path.to_path_buf(),
            message: e.to_string(),
        };
        std::fs::create_dir_all(&self.dir).map_err(|e| write_err(&self.dir, &e))?;
        let target = self.path_for(domain, release);
        let mut builder = tempfile::Builder::new();
        builder.prefix(".navlayer-download-").suffix(".tmp");
        // A cached release is ordinary data: readable like any file the user creates (the
        // umask applies), not private like a temporary file.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            builder.permissions(std::fs::Permissions::from_mode(0o644));
        }
        let mut tmp = builder
            .tempfile_in(&self.dir)
            .map_err(|e| write_err(&self.dir, &e))?;
        tmp.write_all(bytes)
            .and_then(|()| tmp.as_file().sync_all())
            .map_err(|e| write_err(tmp.path(), &e))?;
        tmp.persist(&target)
            .map_err(|e| write_err(&target, &e.error))?;
        Ok(target)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn store_then_find() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cache = Cache::new(dir.path().join("sub"));
        assert!(cache.releases().expect("absent folder is empty").is_empty());
        let r = |t: &str| Release::parse(t).expect("release");
        let p = cache
            .store(Domain::Mobile, r("17.1"), b"{\"a\":1}")
            .expect("store");
        assert_eq!(p, dir.path().join("sub/mobile-attack-17.1.json"));
        cache
            .store(Domain::Mobile, r("18.1"), b"{}")
            .expect("store");
        assert_eq!(std::fs::read(&p).expect("read"), b"{\"a\":1}");
        let newest = cache.find(Domain::Mobile, None).expect("ok").expect("some");
        assert_eq!(newest.release, r("18.1"));
        assert!(cache.find(Domain::Ics, None).expect("ok").is_none());
        // No temporary file left behind.
        let names: Vec<_> = std::fs::read_dir(cache.dir())
            .expect("dir")
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(names.len(), 2, "{names:?}");
    }

    #[test]
    fn override_wins() {
        let c = Cache::from_override(Some(PathBuf::from("/x/y"))).expect("cache");
        assert_eq!(c.dir(), Path::new("/x/y"));
    }
}
