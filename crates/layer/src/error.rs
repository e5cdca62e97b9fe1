//! The error type of this crate.

use std::path::PathBuf;

/// Why a layer file could not be read at all. (Problems inside a readable layer are
/// [`crate::validate::Finding`]s, not errors.)
#[derive(Debug, thiserror::Error)]
pub enum LayerError {
    /// The file could not be opened or read.
    #[error("{}: cannot read the file: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The input is larger than the size limit.
    #[error("{input}: the file is {size} bytes, more than the {limit}-byte limit for layer files (hint: a Navigator layer is rarely above a few MB; raise the limit with --max-size if this file is genuine)")]
    TooLarge {
        /// Where the bytes came from.
        input: String,
        /// Size in bytes (at least this many when read from a stream).
        size: u64,
        /// The limit in bytes.
        limit: u64,
    },
    /// The bytes are not valid text in the detected encoding.
    #[error("{input}:{line}:{column}: {message}")]
    Encoding {
        /// Where the bytes came from.
        input: String,
        /// 1-based line of the first bad byte.
        line: usize,
        /// 1-based column (in characters) of the first bad byte.
        column: usize,
        /// What is wrong, with a hint.
        message: String,
    },
    /// The text is not valid JSON.
    #[error("{input}:{line}:{column}: invalid JSON: {message}{}", hint.as_deref().map(|h| format!(" (hint: {h})")).unwrap_or_default())]
    Json {
        /// Where the bytes came from.
        input: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// The parser's message.
        message: String,
        /// A hint about the likely cause, when one is recognised.
        hint: Option<String>,
    },
    /// Valid JSON, but not a layer (or an array of layers).
    #[error("{input}: {pointer_text}not a Navigator layer: {message}", pointer_text = if pointer.is_empty() { String::new() } else { format!("{pointer}: ") })]
    NotALayer {
        /// Where the bytes came from.
        input: String,
        /// JSON pointer of the offending value (empty for the whole document).
        pointer: String,
        /// What was found instead, with a hint.
        message: String,
    },
}

impl LayerError {
    /// A short, stable category name (`io`, `too-large`, `encoding`, `json`, `not-a-layer`),
    /// for reports and test expectations.
    pub fn kind(&self) -> &'static str {
        match self {
            LayerError::Io { .. } => "io",
            LayerError::TooLarge { .. } => "too-large",
            LayerError::Encoding { .. } => "encoding",
            LayerError::Json { .. } => "json",
            LayerError::NotALayer { .. } => "not-a-layer",
        }
    }
}
