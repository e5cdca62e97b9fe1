//! The error type of this crate.

use std::path::PathBuf;

use navlayer_attack::{AttackError, Domain, Release};

/// Everything that can go wrong finding or fetching ATT&CK data. Each message is one line that
/// names the file or URL and says what to do. Underlying errors are folded into the message (not
/// chained), so `{:#}` printing shows them once.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    /// The path does not exist.
    #[error("{path}: no such file or folder (hint: --data takes a bundle file or a folder of <domain>-attack-<X.Y>.json files)")]
    Missing {
        /// The path.
        path: PathBuf,
    },
    /// A file or folder could not be read.
    #[error("{path}: cannot read it: {message}")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// What the system said.
        message: String,
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
    /// No per-user cache folder could be determined.
    #[error("cannot tell where the per-user cache folder is (no home folder) (hint: set NAVLAYER_CACHE to a folder, or pass --data PATH)")]
    NoCacheDir,
    /// Writing into the cache failed.
    #[error("{path}: cannot write into the cache: {message} (hint: check the permissions, or set NAVLAYER_CACHE to another folder)")]
    CacheWrite {
        /// The file or folder.
        path: PathBuf,
        /// What the system said.
        message: String,
    },
    /// The server could not be reached or the transfer broke off.
    #[error("{url}: download failed: {message} (hint: check the network connection; without network, pass --data PATH or use --offline)")]
    Network {
        /// The URL.
        url: String,
        /// What went wrong.
        message: String,
    },
    /// The server answered with an HTTP error status.
    #[error("{url}: the server answered HTTP {status} (hint: check the URL; `navlayer data list` shows the releases the index offers)")]
    Http {
        /// The URL.
        url: String,
        /// The status code.
        status: u16,
    },
    /// The index is not a collection index.
    #[error("{location}: not an ATT&CK collection index: {what} (hint: --index takes MITRE's index.json, e.g. {official})")]
    BadIndex {
        /// Where the index came from.
        location: String,
        /// What was wrong.
        what: String,
        /// The official index URL, for the hint.
        official: &'static str,
    },
    /// The index has no such release.
    #[error("{location}: the index offers no {domain} release{release} (offered: {offered}) (hint: `navlayer data list` shows every release)")]
    NotInIndex {
        /// Where the index came from.
        location: String,
        /// The domain asked for.
        domain: Domain,
        /// Formatted ` X.Y` when one was asked for.
        release: String,
        /// The releases of that domain the index lists.
        offered: String,
    },
    /// The download is not a valid ATT&CK bundle.
    #[error("{error} (the download was discarded; the cache is unchanged)")]
    InvalidDownload {
        /// Why it does not parse.
        error: AttackError,
    },
    /// The download parses but is another domain or release than the index said.
    #[error("{url}: expected {domain} {release} but the download holds {found_domain} {found_release} (the download was discarded; the cache is unchanged)")]
    Mismatch {
        /// The URL.
        url: String,
        /// The domain the index promised.
        domain: Domain,
        /// The release the index promised.
        release: Release,
        /// The domain of the download.
        found_domain: Domain,
        /// The release of the download.
        found_release: Release,
    },
}
