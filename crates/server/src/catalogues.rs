//! The ATT&CK releases the server browses: found in `--data`, loaded on first use and kept.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use navlayer_attack::{Catalogue, Domain, LoadOptions, Release};
use navlayer_source::LocalRelease;

use crate::error::ApiError;
use crate::support::Deadline;

/// One release, loaded once: concurrent first requests wait for the same load instead of each
/// reading the bundle (a 45 MB bundle takes about 0.3 GB while it is decoded).
type Slot = Arc<tokio::sync::OnceCell<Arc<Catalogue>>>;

/// The releases in the data folder, loaded lazily and cached.
#[derive(Debug)]
pub struct Catalogues {
    data: Option<PathBuf>,
    max_bytes: Option<u64>,
    /// The request time limit, for the 503 message.
    timeout: std::time::Duration,
    loaded: Mutex<HashMap<PathBuf, Slot>>,
}

impl Catalogues {
    /// Releases from `data` (a bundle file or a folder), each bundle at most `max_bytes` (file
    /// and decompressed; `None`: the library's default).
    pub fn new(
        data: Option<PathBuf>,
        max_bytes: Option<u64>,
        timeout: std::time::Duration,
    ) -> Catalogues {
        Catalogues {
            data,
            max_bytes,
            timeout,
            loaded: Mutex::new(HashMap::new()),
        }
    }

    fn data(&self) -> Result<&Path, ApiError> {
        self.data.as_deref().ok_or_else(|| {
            ApiError::new(
                axum::http::StatusCode::SERVICE_UNAVAILABLE,
                "this server has no ATT&CK data (hint: start it with --data PATH or NAVLAYER_DATA)",
                "",
            )
        })
    }

    /// The releases available: every bundle of the folder, or the one file.
    pub fn releases(&self) -> Result<Vec<LocalRelease>, ApiError> {
        let data = self.data()?;
        if data.is_file() {
            let (domain, release) = navlayer_attack::parse_bundle_file_name(data)
                .unwrap_or((Domain::Enterprise, Release { major: 0, minor: 0 }));
            return Ok(vec![LocalRelease {
                domain,
                release,
                path: data.to_path_buf(),
            }]);
        }
        navlayer_source::list_folder(data).map_err(ApiError::internal)
    }

    /// The catalogue of a domain and release (`None`: the newest), loading it on first use.
    /// The load runs in a task of its own: a request that gives up at its deadline (503) does
    /// not cancel it, and the next request finds the catalogue loaded.
    // `..LoadOptions::default()` keeps this compiling as LoadOptions grows (raw JSON is coming).
    #[allow(clippy::needless_update)]
    pub async fn get(
        &self,
        domain: Domain,
        release: Option<Release>,
        deadline: Deadline,
    ) -> Result<Arc<Catalogue>, ApiError> {
        let data = self.data()?.to_path_buf();
        let path = navlayer_source::find_bundle(&data, domain, release)
            .map_err(|e| ApiError::not_found(e.to_string(), "path:release"))?;
        let slot: Slot = self
            .loaded
            .lock()
            .map_err(|_| ApiError::internal("the catalogue lock is poisoned"))?
            .entry(path.clone())
            .or_default()
            .clone();
        if let Some(c) = slot.get() {
            return Ok(c.clone());
        }
        let max = self.max_bytes;
        let task = tokio::spawn(async move {
            slot.get_or_try_init(|| async move {
                let c = tokio::task::spawn_blocking(move || {
                    Catalogue::load(
                        &path,
                        &LoadOptions {
                            fallback_release: release,
                            max_file_bytes: max,
                            max_decoded_bytes: max,
                            ..LoadOptions::default()
                        },
                    )
                })
                .await
                .map_err(ApiError::internal)?
                .map_err(|e| {
                    // The operator's data, not the request, is at fault: say what is wrong.
                    eprintln!("navlayer serve: {e}");
                    ApiError::new(
                        axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                        format!("the ATT&CK data cannot be loaded: {e}"),
                        "",
                    )
                })?;
                Ok::<_, ApiError>(Arc::new(c))
            })
            .await
            .cloned()
        });
        let until = tokio::time::Instant::from_std(deadline.0);
        match tokio::time::timeout_at(until, task).await {
            Ok(joined) => joined.map_err(ApiError::internal)?,
            Err(_) => Err(crate::support::overloaded(self.timeout)),
        }
    }

    /// The release a layer of `domain` made for ATT&CK `attack` (its `versions.attack`) is
    /// shown on: the newest release of that major version, else `None` (the newest of the
    /// domain). Reads the data folder's listing only, loads nothing.
    pub fn release_for(&self, domain: Domain, attack: Option<&str>) -> Option<Release> {
        let major = attack.and_then(|a| a.split('.').next()?.trim().parse::<u32>().ok())?;
        self.releases()
            .ok()?
            .into_iter()
            .filter(|r| r.domain == domain && r.release.major == major)
            .map(|r| r.release)
            .max()
    }

    /// The release every listed layer is shown on, from one listing of the data folder:
    /// `(domain, versions.attack)` → `X.Y`, `None` for an unknown domain or no data.
    pub fn shown_releases<'a>(
        &self,
        layers: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Vec<Option<Release>> {
        let all = self.releases().unwrap_or_default();
        layers
            .into_iter()
            .map(|(domain, attack)| {
                let d = Domain::parse_lenient(domain)?;
                let mine = all.iter().filter(|r| r.domain == d).map(|r| r.release);
                let major = attack.split('.').next()?.trim().parse::<u32>().ok();
                major
                    .and_then(|m| mine.clone().filter(|r| r.major == m).max())
                    .or_else(|| mine.max())
            })
            .collect()
    }

    /// The catalogue for a layer's `domain` and `versions.attack` (the newest release of the
    /// major version, else the newest release of the domain).
    pub async fn for_layer(
        &self,
        layer: &navlayer_layer::Layer,
        deadline: Deadline,
    ) -> Result<Arc<Catalogue>, ApiError> {
        let domain = Domain::parse_lenient(&layer.domain).ok_or_else(|| {
            ApiError::unprocessable(
                format!(
                    "unknown domain {:?} (expected enterprise-attack, mobile-attack or ics-attack)",
                    layer.domain
                ),
                "/domain",
            )
        })?;
        let attack = layer.versions.as_ref().and_then(|v| v.attack.as_deref());
        let release = self.release_for(domain, attack);
        self.get(domain, release, deadline).await
    }
}
