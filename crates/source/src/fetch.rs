//! Downloading: an index or a bundle from an HTTP(S) URL or a local file, and installing a
//! release into the cache after checking that it parses.

use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;

use navlayer_attack::{Catalogue, LoadOptions};

use crate::{Cache, Index, IndexRelease, SourceError};

/// Downloads larger than this are refused (the largest ATT&CK bundle is under 50 MB).
const MAX_DOWNLOAD: u64 = 1 << 30;

/// Where an index or a bundle is: an `http://` / `https://` URL, or a local file (a path, or a
/// `file://` URL).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// An HTTP or HTTPS URL.
    Url(String),
    /// A local file.
    File(PathBuf),
}

impl Location {
    /// Reads what the user wrote: `http(s)://…` is a URL, `file://…` and anything else a path.
    pub fn parse(text: &str) -> Location {
        let lower = text.get(..8).unwrap_or(text).to_ascii_lowercase();
        if lower.starts_with("http://") || lower.starts_with("https://") {
            Location::Url(text.to_string())
        } else if let Some(path) = text.strip_prefix("file://") {
            Location::File(PathBuf::from(path))
        } else {
            Location::File(PathBuf::from(text))
        }
    }

    /// Resolves `reference` (as written in an index) against this location: absolute URLs and
    /// paths stay as they are, relative ones are taken relative to this location's folder.
    pub fn join(&self, reference: &str) -> Location {
        if reference.contains("://") {
            return Location::parse(reference);
        }
        match self {
            Location::Url(base) => {
                let scheme_end = base.find("://").map_or(0, |i| i + 3);
                let without_query = base.split(['?', '#']).next().unwrap_or(base);
                if let Some(rest) = reference.strip_prefix('/') {
                    let host_end = base[scheme_end..]
                        .find('/')
                        .map_or(base.len(), |i| scheme_end + i);
                    Location::Url(format!("{}/{rest}", &base[..host_end]))
                } else {
                    let folder_end = without_query
                        .rfind('/')
                        .filter(|&i| i >= scheme_end)
                        .map_or(without_query.len(), |i| i + 1);
                    let mut folder = without_query[..folder_end].to_string();
                    if !folder.ends_with('/') {
                        folder.push('/');
                    }
                    Location::Url(format!("{folder}{reference}"))
                }
            }
            Location::File(path) => {
                let r = Path::new(reference);
                if r.is_absolute() {
                    Location::File(r.to_path_buf())
                } else {
                    let folder = path.parent().unwrap_or(Path::new(""));
                    Location::File(folder.join(r))
                }
            }
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Url(u) => f.write_str(u),
            Location::File(p) => write!(f, "{}", p.display()),
        }
    }
}

/// Receives download progress (the CLI draws a progress bar on a terminal). Every method does
/// nothing by default.
pub trait Progress {
    /// A transfer starts; `total` is the size in bytes when the server says it.
    fn start(&mut self, _what: &str, _total: Option<u64>) {}
    /// `bytes` more bytes arrived.
    fn advance(&mut self, _bytes: u64) {}
    /// The transfer ended (successfully or not).
    fn finish(&mut self) {}
}

/// Progress that is not shown.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoProgress;

impl Progress for NoProgress {}

/// Reads indexes and bundles from URLs or files.
#[derive(Debug, Clone)]
pub struct Fetcher {
    agent: ureq::Agent,
}

impl Default for Fetcher {
    fn default() -> Self {
        Fetcher::new()
    }
}

impl Fetcher {
    /// A fetcher that honours the usual proxy variables (`HTTPS_PROXY`, `NO_PROXY`, …).
    pub fn new() -> Fetcher {
        Fetcher::build(true)
    }

    /// A fetcher that always connects directly, whatever the proxy variables say.
    pub fn without_proxy() -> Fetcher {
        Fetcher::build(false)
    }

    fn build(proxy_from_env: bool) -> Fetcher {
        let mut config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .user_agent(format!("navlayer/{}", env!("CARGO_PKG_VERSION")))
            .timeout_connect(Some(Duration::from_secs(20)))
            .timeout_recv_response(Some(Duration::from_secs(60)))
            .timeout_per_read(Some(Duration::from_secs(60)));
        if !proxy_from_env {
            config = config.proxy(None);
        }
        Fetcher {
            agent: config.build().into(),
        }
    }

    /// The bytes at `location`, gzip-decoded when the server or the file used gzip.
    pub fn get(
        &self,
        location: &Location,
        progress: &mut dyn Progress,
    ) -> Result<Vec<u8>, SourceError> {
        let bytes = match location {
            Location::File(path) => read_file(path)?,
            Location::Url(url) => {
                let result = self.get_url(url, progress);
                progress.finish();
                result?
            }
        };
        gunzip_if_needed(bytes, location)
    }

    fn get_url(&self, url: &str, progress: &mut dyn Progress) -> Result<Vec<u8>, SourceError> {
        let network = |message: String| SourceError::Network {
            url: url.to_string(),
            message,
        };
        let mut response = self
            .agent
            .get(url)
            // Decoded here (ureq's own decoding is off), so the progress counts wire bytes.
            .header("Accept-Encoding", "gzip")
            .call()
            .map_err(|e| network(e.to_string()))?;
        let status = response.status().as_u16();
        if !(200..300).contains(&status) {
            return Err(SourceError::Http {
                url: url.to_string(),
                status,
            });
        }
        let body = response.body_mut();
        let total = body.content_length();
        if total.is_some_and(|t| t > MAX_DOWNLOAD) {
            return Err(network(format!(
                "the server announces {} bytes, more than the {MAX_DOWNLOAD} allowed",
                total.unwrap_or_default()
            )));
        }
        progress.start(url, total);
        let mut reader = body.as_reader();
        let capacity = total.unwrap_or(1 << 20).min(MAX_DOWNLOAD) as usize;
        let mut bytes = Vec::with_capacity(capacity);
        let mut buf = vec![0u8; 1 << 16];
        loop {
            let n = match reader.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    return Err(network(format!(
                        "the transfer broke off after {} bytes: {e}",
                        bytes.len()
                    )))
                }
            };
            bytes.extend_from_slice(&buf[..n]);
            if bytes.len() as u64 > MAX_DOWNLOAD {
                return Err(network(format!(
                    "more than the {MAX_DOWNLOAD} bytes allowed"
                )));
            }
            progress.advance(n as u64);
        }
        if let Some(t) = total {
            if bytes.len() as u64 != t {
                return Err(network(format!(
                    "the transfer broke off after {} of {t} bytes",
                    bytes.len()
                )));
            }
        }
        Ok(bytes)
    }

    /// Reads and parses a collection index.
    pub fn index(&self, location: &Location) -> Result<Index, SourceError> {
        let bytes = self.get(location, &mut NoProgress)?;
        Index::parse(&bytes, location)
    }

    /// Downloads `release` and stores it in `cache` as `<domain>-attack-<X.Y>.json`, replacing
    /// any copy there. The download must parse as an ATT&CK bundle of the promised domain and
    /// release before it is stored; on any failure the cache is left as it was.
    pub fn install(
        &self,
        cache: &Cache,
        release: &IndexRelease,
        progress: &mut dyn Progress,
    ) -> Result<PathBuf, SourceError> {
        let bytes = self.get(&release.location, progress)?;
        let label = release.location.to_string();
        let options = LoadOptions {
            fallback_release: Some(release.release),
            ..LoadOptions::default()
        };
        let catalogue = Catalogue::from_slice(&bytes, Path::new(&label), &options)
            .map_err(|error| SourceError::InvalidDownload { error })?;
        if catalogue.domain() != release.domain || catalogue.release() != release.release {
            return Err(SourceError::Mismatch {
                url: label,
                domain: release.domain,
                release: release.release,
                found_domain: catalogue.domain(),
                found_release: catalogue.release(),
            });
        }
        drop(catalogue);
        cache.store(release.domain, release.release, &bytes)
    }
}

fn read_file(path: &Path) -> Result<Vec<u8>, SourceError> {
    let read = || -> std::io::Result<Vec<u8>> {
        let mut out = Vec::new();
        std::fs::File::open(path)?
            .take(MAX_DOWNLOAD + 1)
            .read_to_end(&mut out)?;
        if out.len() as u64 > MAX_DOWNLOAD {
            return Err(std::io::Error::other(format!(
                "larger than the {MAX_DOWNLOAD} bytes allowed"
            )));
        }
        Ok(out)
    };
    read().map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            SourceError::Missing {
                path: path.to_path_buf(),
            }
        } else {
            SourceError::Io {
                path: path.to_path_buf(),
                message: e.to_string(),
            }
        }
    })
}

fn gunzip_if_needed(bytes: Vec<u8>, location: &Location) -> Result<Vec<u8>, SourceError> {
    if !bytes.starts_with(&[0x1f, 0x8b]) {
        return Ok(bytes);
    }
    let mut out = Vec::with_capacity(bytes.len() * 8);
    flate2::read::MultiGzDecoder::new(&bytes[..])
        .take(MAX_DOWNLOAD + 1)
        .read_to_end(&mut out)
        .map_err(|e| SourceError::Network {
            url: location.to_string(),
            message: format!("the gzip data is corrupt: {e}"),
        })?;
    if out.len() as u64 > MAX_DOWNLOAD {
        return Err(SourceError::Network {
            url: location.to_string(),
            message: format!("more than the {MAX_DOWNLOAD} bytes allowed once decompressed"),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_parse_and_join() {
        assert_eq!(
            Location::parse("HTTPS://x/y"),
            Location::Url("HTTPS://x/y".into())
        );
        assert_eq!(
            Location::parse("file:///tmp/i.json"),
            Location::File("/tmp/i.json".into())
        );
        let base = Location::parse("http://127.0.0.1:9/a/index.json?x=1");
        assert_eq!(
            base.join("b.json").to_string(),
            "http://127.0.0.1:9/a/b.json"
        );
        assert_eq!(
            base.join("/c/b.json").to_string(),
            "http://127.0.0.1:9/c/b.json"
        );
        assert_eq!(
            base.join("https://other/b.json").to_string(),
            "https://other/b.json"
        );
        let host_only = Location::parse("http://h");
        assert_eq!(host_only.join("b.json").to_string(), "http://h/b.json");
        let file = Location::parse("/data/index.json");
        assert_eq!(
            file.join("e/x.json"),
            Location::File("/data/e/x.json".into())
        );
        assert_eq!(file.join("/abs.json"), Location::File("/abs.json".into()));
    }

    #[test]
    fn gzip_is_decoded() {
        use std::io::Write;
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(b"{\"type\":\"bundle\"}").expect("gz");
        let gz = enc.finish().expect("gz");
        let loc = Location::parse("x");
        assert_eq!(
            gunzip_if_needed(gz.clone(), &loc).expect("ok"),
            b"{\"type\":\"bundle\"}"
        );
        let msg = gunzip_if_needed(gz[..gz.len() / 2].to_vec(), &loc)
            .expect_err("truncated")
            .to_string();
        assert!(msg.contains("gzip data is corrupt"), "{msg}");
    }
}
