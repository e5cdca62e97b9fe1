//! Finding and reading input files, and the report line every file gets.
//!
//! Files named by the user are always read. Folders are walked (sorted by name, so runs are
//! reproducible, without following symbolic links to folders); each file in them is read when
//! the format wants it and otherwise reported as skipped with the reason. Hidden entries
//! (`.git`, …) are reported once and not entered. Sizes, file counts and depth are bounded by
//! [`Limits`].

use std::io::Read;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::formats::Format;
use crate::CoverageError;

/// One input file's content, named as the user would name it (a path, or an upload's name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    /// The name shown in reports (the path as walked, or an upload's file name).
    pub name: String,
    /// The file's bytes.
    pub bytes: Vec<u8>,
}

impl Input {
    /// An in-memory input (for callers that hold the content, such as the server).
    pub fn new(name: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Input {
        Input {
            name: name.into(),
            bytes: bytes.into(),
        }
    }
}

/// Bounds on what a run reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    /// Largest file read, in bytes (larger ones are reported as failed). Default 256 MiB.
    pub max_file_bytes: u64,
    /// Most bytes read in one run (files past it are reported as skipped). Default 4 GiB.
    pub max_total_bytes: u64,
    /// Most files looked at in one run (files past it are reported as skipped). Default 500,000.
    pub max_files: usize,
    /// Deepest folder level entered below a folder given. Default 64.
    pub max_depth: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_file_bytes: 256 << 20,
            max_total_bytes: 4 << 30,
            max_files: 500_000,
            max_depth: 64,
        }
    }
}

/// What happened to one input file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// Read and parsed (its items may still have been excluded; see the notes).
    Parsed,
    /// Not read as input, for the reason given (another file type, a deprecated rule, …).
    Skipped,
    /// Could not be parsed: the reason, with line and column when the parser gives them.
    Failed,
}

impl Outcome {
    /// `parsed`, `skipped` or `failed`.
    pub fn label(self) -> &'static str {
        match self {
            Outcome::Parsed => "parsed",
            Outcome::Skipped => "skipped",
            Outcome::Failed => "failed",
        }
    }
}

/// The report on one input file (or one folder entry that was not entered).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FileReport {
    /// The file, as named in the run.
    pub path: String,
    /// What happened.
    pub outcome: Outcome,
    /// Why it was skipped or failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Line of the failure (1-based), when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// Column of the failure (1-based), when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
    /// Items (rules, tests, controls, rows, reports) read from the file.
    pub items: usize,
    /// Items that contributed at least one technique to the layer.
    pub items_used: usize,
    /// Remarks on the content (items excluded and why, documents ignored, …).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

impl FileReport {
    /// A parsed file with no items yet.
    pub fn parsed(path: &str) -> FileReport {
        FileReport {
            path: path.to_string(),
            outcome: Outcome::Parsed,
            reason: None,
            line: None,
            column: None,
            items: 0,
            items_used: 0,
            notes: Vec::new(),
        }
    }

    /// A skipped file.
    pub fn skipped(path: &str, reason: impl Into<String>) -> FileReport {
        FileReport {
            outcome: Outcome::Skipped,
            reason: Some(reason.into()),
            ..FileReport::parsed(path)
        }
    }

    /// A failed file, with the position of the failure when known.
    pub fn failed(path: &str, reason: impl Into<String>, at: Option<(usize, usize)>) -> FileReport {
        FileReport {
            outcome: Outcome::Failed,
            reason: Some(reason.into()),
            line: at.map(|a| a.0),
            column: at.map(|a| a.1),
            ..FileReport::parsed(path)
        }
    }
}

/// One entry found while walking the inputs: a file to parse, or a report on something not read.
#[derive(Debug, Clone)]
pub enum Entry {
    /// A file read into memory.
    File(Input),
    /// Something not read (another file type, too large, a hidden folder, …).
    NotRead(FileReport),
}

/// Walks `paths` for `format` and reads the files it wants, in a reproducible order.
///
/// Errors only when a path given cannot be read at all; every problem below it is an entry.
pub fn read_paths(
    paths: &[PathBuf],
    format: Format,
    limits: &Limits,
) -> Result<Vec<Entry>, CoverageError> {
    if paths.is_empty() {
        return Err(CoverageError::NoInput);
    }
    let mut walker = Walker {
        format,
        limits: *limits,
        entries: Vec::new(),
        files_seen: 0,
        bytes_read: 0,
    };
    for path in paths {
        let meta = std::fs::metadata(path).map_err(|source| CoverageError::Io {
            path: path.clone(),
            source,
        })?;
        if meta.is_dir() {
            walker.walk(path)?;
        } else {
            walker.read_file(path, true);
        }
    }
    Ok(walker.entries)
}

struct Walker {
    format: Format,
    limits: Limits,
    entries: Vec<Entry>,
    files_seen: usize,
    bytes_read: u64,
}

impl Walker {
    /// Walks one folder given by the user, depth first, entries sorted by name, iteratively.
    fn walk(&mut self, root: &Path) -> Result<(), CoverageError> {
        // Stack of (folder, depth); children are pushed in reverse so they pop in order.
        let mut stack = vec![(root.to_path_buf(), 0usize)];
        while let Some((dir, depth)) = stack.pop() {
            let mut children = match std::fs::read_dir(&dir) {
                // The entry's type comes with the listing (no `stat` per file).
                Ok(rd) => rd
                    .filter_map(Result::ok)
                    .map(|e| (e.path(), e.file_type()))
                    .collect::<Vec<_>>(),
                Err(e) if dir == root => {
                    return Err(CoverageError::Io {
                        path: dir.clone(),
                        source: e,
                    })
                }
                Err(e) => {
                    self.not_read(&dir, format!("folder not readable: {e}"));
                    continue;
                }
            };
            children.sort_by(|a, b| a.0.cmp(&b.0));
            let mut subdirs = Vec::new();
            for (child, file_type) in children {
                let name = child.file_name().and_then(|n| n.to_str()).unwrap_or("");
                let Ok(file_type) = file_type else {
                    self.not_read(&child, "cannot be examined".to_string());
                    continue;
                };
                let is_link = file_type.is_symlink();
                let target_is_dir = if is_link {
                    std::fs::metadata(&child)
                        .map(|m| m.is_dir())
                        .unwrap_or(false)
                } else {
                    file_type.is_dir()
                };
                if name.starts_with('.') {
                    let what = if target_is_dir { "folder" } else { "file" };
                    self.not_read(&child, format!("hidden {what}, not read"));
                } else if target_is_dir && is_link {
                    self.not_read(&child, "symbolic link to a folder, not followed".into());
                } else if target_is_dir {
                    if depth + 1 > self.limits.max_depth {
                        self.not_read(
                            &child,
                            format!(
                                "folder deeper than {} levels, not entered",
                                self.limits.max_depth
                            ),
                        );
                    } else {
                        subdirs.push((child, depth + 1));
                    }
                } else {
                    self.read_file(&child, false);
                }
            }
            stack.extend(subdirs.into_iter().rev());
        }
        Ok(())
    }

    fn not_read(&mut self, path: &Path, reason: String) {
        self.entries.push(Entry::NotRead(FileReport::skipped(
            &path.display().to_string(),
            reason,
        )));
    }

    /// Reads one file; `named` files (given by the user) are read whatever their type.
    fn read_file(&mut self, path: &Path, named: bool) {
        let shown = path.display().to_string();
        if !named {
            if let Err(reason) = self.format.wants(path) {
                self.entries
                    .push(Entry::NotRead(FileReport::skipped(&shown, reason)));
                return;
            }
        }
        self.files_seen += 1;
        if self.files_seen > self.limits.max_files {
            self.entries.push(Entry::NotRead(FileReport::skipped(
                &shown,
                format!("more than {} files in one run", self.limits.max_files),
            )));
            return;
        }
        let entry = match read_bounded(path, self.limits.max_file_bytes) {
            Ok(bytes) => {
                self.bytes_read += bytes.len() as u64;
                if self.bytes_read > self.limits.max_total_bytes {
                    Entry::NotRead(FileReport::skipped(
                        &shown,
                        format!(
                            "more than {} bytes read in one run",
                            self.limits.max_total_bytes
                        ),
                    ))
                } else {
                    Entry::File(Input::new(shown, bytes))
                }
            }
            Err(reason) => Entry::NotRead(FileReport::failed(&shown, reason, None)),
        };
        self.entries.push(entry);
    }
}

/// Reads at most `max` bytes; a longer file is an error (it is never truncated silently).
fn read_bounded(path: &Path, max: u64) -> Result<Vec<u8>, String> {
    let file = std::fs::File::open(path).map_err(|e| format!("cannot open: {e}"))?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0).min(max);
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0).saturating_add(1));
    file.take(max.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read: {e}"))?;
    if bytes.len() as u64 > max {
        return Err(format!("larger than the limit of {max} bytes"));
    }
    Ok(bytes)
}

/// Text of an input: UTF-8 (a leading byte-order mark is dropped), else the position of the
/// first bad byte as line and column.
pub(crate) fn text_of(bytes: &[u8]) -> Result<&str, (String, (usize, usize))> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|e| {
        let good = &bytes[..e.valid_up_to()];
        let line = good.iter().filter(|&&b| b == b'\n').count() + 1;
        let col_start = good.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
        let column = String::from_utf8_lossy(&good[col_start..]).chars().count() + 1;
        (
            "not UTF-8 text (save the file as UTF-8)".to_string(),
            (line, column),
        )
    })
}

/// 1-based line and column of a byte offset in `text`.
pub(crate) fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let mut cut = offset;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    let before = &text[..cut];
    let line = before.matches('\n').count() + 1;
    let start = before.rfind('\n').map_or(0, |p| p + 1);
    (line, before[start..].chars().count() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_column_counts_from_one() {
        assert_eq!(line_column("ab\ncd", 0), (1, 1));
        assert_eq!(line_column("ab\ncd", 4), (2, 2));
        assert_eq!(line_column("é\nx", 3), (2, 1));
    }

    #[test]
    fn bad_utf8_is_located() {
        let err = text_of(b"ok\nab\xff").unwrap_err();
        assert_eq!(err.1, (2, 3));
        assert_eq!(text_of(b"\xEF\xBB\xBFhi").unwrap(), "hi");
    }
}
