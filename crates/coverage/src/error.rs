//! The one error type of this crate.
//!
//! Problems inside one input file (a YAML error, a rule without techniques, an unknown ID) are
//! not errors: they are recorded in the report, so a run over thousands of files reports every
//! problem at once. Errors are what stops a run: an unreadable path, a bad option, a layer of
//! another domain.

use std::path::PathBuf;

/// Why a coverage, heatmap or gaps run could not produce a layer.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CoverageError {
    /// A path given by the user cannot be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The path.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// Nothing to read: no input given.
    #[error("no input: give at least one file or folder")]
    NoInput,
    /// An option value the run cannot use.
    #[error("{0}")]
    BadOption(String),
    /// A platform that neither the ATT&CK data nor the input names.
    #[error("unknown platform {platform:?} for {domain} {release}; platforms: {available}")]
    UnknownPlatform {
        /// What the user wrote.
        platform: String,
        /// Domain of the data.
        domain: String,
        /// Release of the data.
        release: String,
        /// The platforms that exist.
        available: String,
    },
    /// An ATT&CK ID given as an option (`--only G0016`) that the release does not have.
    #[error("{id} is not {expected} of {domain} {release}{hint}")]
    UnknownObject {
        /// What the user wrote.
        id: String,
        /// What was expected (`a group`, …).
        expected: String,
        /// Domain of the data.
        domain: String,
        /// Release of the data.
        release: String,
        /// "; did you mean …" or empty.
        hint: String,
    },
    /// A layer (threat or coverage) that cannot be compared with the others.
    #[error("{0}")]
    Layer(String),
    /// The migration of a source made for an older release failed.
    #[error(transparent)]
    Migrate(#[from] navlayer_migrate::MigrateError),
    /// A date that is not `YYYY-MM-DD` (or a longer RFC 3339 timestamp).
    #[error("bad date {0:?}: expected YYYY-MM-DD")]
    BadDate(String),
    /// The ATT&CK bundle could not be read again for dates (`--since`).
    #[error("reading dates from {path}: {message}")]
    Dates {
        /// The bundle.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
}

impl CoverageError {
    /// A stable name for the kind of error (`io`, `bad-option`, …), for JSON answers.
    pub fn kind(&self) -> &'static str {
        match self {
            CoverageError::Io { .. } => "io",
            CoverageError::NoInput => "no-input",
            CoverageError::BadOption(_) => "bad-option",
            CoverageError::UnknownPlatform { .. } => "unknown-platform",
            CoverageError::UnknownObject { .. } => "unknown-object",
            CoverageError::Layer(_) => "layer",
            CoverageError::Migrate(_) => "migrate",
            CoverageError::BadDate(_) => "bad-date",
            CoverageError::Dates { .. } => "dates",
        }
    }

    /// True when the error is the input's fault (exit 1) rather than usage or I/O (exit 2).
    pub fn is_check_failure(&self) -> bool {
        matches!(
            self,
            CoverageError::UnknownObject { .. } | CoverageError::Layer(_)
        )
    }
}
