//! The error type of this crate.

use std::path::PathBuf;

/// Everything that can go wrong reading ATT&CK data. Messages name the file and say what to do.
#[derive(Debug, thiserror::Error)]
pub enum AttackError {
    /// The file could not be opened or read.
    #[error("{path}: cannot read the file: {cause} (hint: check the path given with --data)")]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error (in the message, not chained, so it is printed once).
        cause: std::io::Error,
    },
    /// The file, or its decompressed content, is larger than the limit.
    #[error("{path}: the {what} is larger than the limit of {limit} bytes for ATT&CK data (hint: raise it with --max-data-bytes BYTES or NAVLAYER_MAX_DATA_BYTES, if this really is an ATT&CK bundle)")]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// `file` or `decompressed data`.
        what: &'static str,
        /// The limit, in bytes.
        limit: u64,
    },
    /// The file is not valid JSON (or not valid gzip).
    #[error("{path}: not valid JSON at line {line}, column {column}: {message} (hint: is this an ATT&CK STIX bundle such as enterprise-attack-18.1.json?)")]
    Json {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What the parser said.
        message: String,
    },
    /// JSON that is not a STIX bundle.
    #[error("{path}: not a STIX bundle: {what} (hint: ATT&CK bundles are JSON objects with \"type\": \"bundle\" and an \"objects\" array)")]
    NotABundle {
        /// The file.
        path: PathBuf,
        /// What was wrong.
        what: String,
    },
    /// The bundle's domain could not be determined or is not an ATT&CK domain.
    #[error("{path}: unknown ATT&CK domain{found} (hint: expected enterprise-attack, mobile-attack or ics-attack in the matrix object or the file name)")]
    UnknownBundleDomain {
        /// The file.
        path: PathBuf,
        /// What was found, if anything (formatted as `: "…"`).
        found: String,
    },
    /// The release could not be determined.
    #[error("{path}: cannot tell which ATT&CK release this is: the bundle has no x-mitre-collection object, the file name is not <domain>-attack-<X.Y>.json, and no --attack-version was given (hint: pass --attack-version X.Y)")]
    UnknownRelease {
        /// The file.
        path: PathBuf,
    },
    /// A domain name given by the user is unknown.
    #[error("unknown domain {domain:?} (expected enterprise, mobile or ics)")]
    UnknownDomain {
        /// The text given.
        domain: String,
    },
    /// A release number given by the user is malformed.
    #[error("{text:?} is not an ATT&CK release number (expected X.Y, e.g. 18.1)")]
    BadRelease {
        /// The text given.
        text: String,
    },
}

impl AttackError {
    /// Builds a [`AttackError::Json`] from a serde_json error.
    pub(crate) fn json(path: &std::path::Path, err: &serde_json::Error) -> AttackError {
        let message = err.to_string();
        // serde_json appends " at line X column Y"; keep only the message proper.
        let message = match message.rfind(" at line ") {
            Some(pos) => message[..pos].to_string(),
            None => message,
        };
        AttackError::Json {
            path: path.to_path_buf(),
            line: err.line(),
            column: err.column(),
            message,
        }
    }
}
