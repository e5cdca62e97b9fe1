//! The ATT&CK releases the server browses: found in `--data`, loaded on first use and kept.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use navlayer_attack::{Catalogue, Domain, LoadOptions, Release};
use navlayer_source::LocalRelease;

use crate::error::ApiError;

/// The releases in the data folder, loaded lazily and cached.
#[derive(Debug)]
pub struct Catalogues {
    data: Option<PathBuf>,
    loaded: Mutex<HashMap<PathBuf, Arc<Catalogue>>>,
}

impl Catalogues {
    /// Releases from `data` (a bundle file or a folder).
    pub fn new(data: Option<PathBuf>) -> Catalogues {
        Catalogues {
            data,
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
    pub async fn get(
        &self,
        domain: Domain,
        release: Option<Release>,
    ) -> Result<Arc<Catalogue>, ApiError> {
        let data = self.data()?.to_path_buf();
        let path = navlayer_source::find_bundle(&data, domain, release)
            .map_err(|e| ApiError::not_found(e.to_string(), "path:release"))?;
        if let Some(c) = self.cached(&path) {
            return Ok(c);
        }
        let p = path.clone();
        let loaded = tokio::task::spawn_blocking(move || {
            Catalogue::load(
                &p,
                &LoadOptions {
                    fallback_release: release,
                    ..LoadOptions::default()
                },
            )
        })
        .await
        .map_err(ApiError::internal)?
        .map_err(ApiError::internal)?;
        let loaded = Arc::new(loaded);
        if let Ok(mut map) = self.loaded.lock() {
            return Ok(map.entry(path).or_insert(loaded).clone());
        }
        Ok(loaded)
    }

    fn cached(&self, path: &Path) -> Option<Arc<Catalogue>> {
        self.loaded.lock().ok()?.get(path).cloned()
    }

    /// The catalogue for a layer's `domain` and `versions.attack` (the newest release of the
    /// major version, else the newest release of the domain).
    pub async fn for_layer(
        &self,
        layer: &navlayer_layer::Layer,
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
        let major = layer
            .versions
            .as_ref()
            .and_then(|v| v.attack.as_deref())
            .and_then(|a| a.split('.').next()?.trim().parse::<u32>().ok());
        let release = major.and_then(|m| {
            self.releases()
                .ok()?
                .into_iter()
                .filter(|r| r.domain == domain && r.release.major == m)
                .map(|r| r.release)
                .max()
        });
        self.get(domain, release).await
    }
}
