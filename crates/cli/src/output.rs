//! Writing command output: stdout, or a file written atomically (temp file + rename) that is
//! never overwritten without `--force`, and never replaces anything but a regular file.
//!
//! What `-o PATH --force` does with what is at PATH:
//! * nothing, or a regular file: a temporary file in the same folder is written, synced and
//!   renamed over PATH (atomic: readers see the old or the new file, never half of one);
//! * a character device (`/dev/null`, `/dev/stdout`, a terminal) or a FIFO: written to directly
//!   (there is nothing to replace, and renaming over it would put a regular file in its place);
//! * a symlink: followed; its target is treated as above (the link itself is kept), so
//!   `-o link.json` updates the file the link points to;
//! * a folder, a socket or a block device: refused (exit 2), `--force` or not.
//!
//! Text meant for a terminal goes through [`terminal_safe`] (names, IDs and comments come from
//! files that anyone can write), JSON reports through [`json_safe`].

use std::borrow::Cow;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context as _};

/// A bidirectional-formatting character (U+202A–U+202E, U+2066–U+2069): shown as is, it
/// reorders the text around it ("Trojan Source").
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `text` safe to print on a terminal: every control character except line feed and tab (ESC,
/// CR, BEL, DEL, the C1 controls such as CSI) and every bidirectional override is shown as a
/// `\u{1b}` escape, as `validate` shows values, so text from a file cannot move the cursor,
/// recolour or retitle the terminal, or reorder what is shown. Borrowed when nothing changes.
pub fn terminal_safe(text: &str) -> Cow<'_, str> {
    let bad = |c: char| (c.is_control() && c != '\n' && c != '\t') || is_bidi_control(c);
    if !text.chars().any(bad) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if bad(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// JSON text (as serde_json writes it) safe to print: the characters serde_json leaves raw that
/// a terminal acts on (DEL, the C1 controls, the bidirectional overrides) become `\uXXXX`
/// escapes. They can only occur inside strings, so the JSON means exactly the same.
pub fn json_safe(text: &str) -> Cow<'_, str> {
    let bad = |c: char| ('\u{7f}'..='\u{9f}').contains(&c) || is_bidi_control(c);
    if !text.chars().any(bad) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if bad(c) {
            let mut units = [0u16; 2];
            for u in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{u:04x}"));
            }
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Prints a note to stderr, through [`terminal_safe`].
pub fn note(message: &str) {
    eprintln!("{}", terminal_safe(message));
}

/// [`emit`] for human-readable text (tables, reports, Markdown): through [`terminal_safe`].
pub fn emit_text(path: Option<&Path>, text: &str, force: bool) -> anyhow::Result<()> {
    emit(path, terminal_safe(text).as_bytes(), force)
}

/// [`emit`] for a JSON report: through [`json_safe`].
pub fn emit_json(path: Option<&Path>, text: &str, force: bool) -> anyhow::Result<()> {
    emit(path, json_safe(text).as_bytes(), force)
}

/// What is at an output path, after following symlinks.
enum Target {
    /// Nothing yet.
    Missing,
    /// A regular file: replaced atomically.
    Regular,
    /// A character device or a FIFO: written in place.
    Stream,
    /// A folder, socket or block device: never written.
    Refused(&'static str),
}

fn target_kind(path: &Path) -> anyhow::Result<Target> {
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        // A dangling symlink: creating its target is what the user asked for.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Target::Missing),
        Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
    };
    let ft = meta.file_type();
    if ft.is_file() {
        return Ok(Target::Regular);
    }
    if ft.is_dir() {
        return Ok(Target::Refused("a folder"));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if ft.is_char_device() || ft.is_fifo() {
            return Ok(Target::Stream);
        }
        if ft.is_socket() {
            return Ok(Target::Refused("a socket"));
        }
        if ft.is_block_device() {
            return Ok(Target::Refused("a block device"));
        }
    }
    Ok(Target::Refused("not a regular file"))
}

/// The file a path names once symlinks are followed (the path itself when it is no symlink or a
/// dangling one), so the atomic rename replaces the target and keeps the link.
fn resolve_symlinks(path: &Path) -> PathBuf {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => std::fs::canonicalize(path).unwrap_or_else(|_| {
            // Dangling: the link's target, relative to the link's folder.
            std::fs::read_link(path)
                .map(|t| match path.parent() {
                    Some(dir) if t.is_relative() => dir.join(t),
                    _ => t,
                })
                .unwrap_or_else(|_| path.to_path_buf())
        }),
        _ => path.to_path_buf(),
    }
}

/// Writes `bytes` to `path`. Refuses to replace an existing file unless `force`; replaces a
/// regular file atomically, writes devices and FIFOs in place, follows symlinks, and refuses
/// anything else (see the module documentation).
pub fn write_file(path: &Path, bytes: &[u8], force: bool) -> anyhow::Result<()> {
    let kind = target_kind(path)?;
    if let Target::Refused(what) = kind {
        bail!(
            "{} is {what}: navlayer writes only regular files, devices and FIFOs (nothing was written)",
            path.display()
        );
    }
    if !matches!(kind, Target::Missing) && !force {
        bail!(
            "{} already exists; pass --force to overwrite it",
            path.display()
        );
    }
    if let Target::Stream = kind {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .open(path)
            .with_context(|| format!("opening {}", path.display()))?;
        return match f.write_all(bytes).and_then(|_| f.flush()) {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
            other => other.with_context(|| format!("writing {}", path.display())),
        };
    }
    let path = &resolve_symlinks(path);
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let mut builder = tempfile::Builder::new();
    builder.prefix(".navlayer-");
    // Ordinary data, not a private temporary file: keep the mode of the file replaced, else 0644.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path)
            .map(|m| m.permissions().mode() & 0o7777)
            .unwrap_or(0o644);
        builder.permissions(std::fs::Permissions::from_mode(mode));
    }
    let mut tmp = builder
        .tempfile_in(dir)
        .with_context(|| format!("creating a temporary file in {}", dir.display()))?;
    tmp.write_all(bytes)
        .and_then(|_| tmp.as_file().sync_all())
        .with_context(|| format!("writing {}", path.display()))?;
    // Between the check above and this rename something else may have appeared at the path: the
    // rename replaces only what `rename(2)` replaces (never a folder).
    tmp.persist(path)
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}

/// Writes to `path` when given (atomically, see [`write_file`]), else to stdout.
pub fn emit(path: Option<&Path>, bytes: &[u8], force: bool) -> anyhow::Result<()> {
    match path {
        Some(p) => write_file(p, bytes, force),
        None => {
            let mut out = std::io::stdout().lock();
            match out.write_all(bytes).and_then(|_| out.flush()) {
                // A closed pipe (`| head`) is not an error.
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                other => other.context("writing to stdout"),
            }
        }
    }
}

/// Output formats for tabular results.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum TableFormat {
    /// Aligned text columns.
    #[default]
    Table,
    /// A JSON array of objects.
    Json,
    /// CSV with a header row (formula-like cells neutralised).
    Csv,
}

/// Renders rows under `headers` in the chosen format.
pub fn render_table(format: TableFormat, headers: &[&str], rows: &[Vec<String>]) -> String {
    // Cells come from ATT&CK data and layer files: made safe for a terminal before they are
    // measured (JSON is escaped by serde_json and json_safe).
    let safe: Vec<Vec<String>>;
    let rows = if format == TableFormat::Json {
        rows
    } else {
        safe = rows
            .iter()
            .map(|r| r.iter().map(|c| terminal_safe(c).into_owned()).collect())
            .collect();
        &safe
    };
    match format {
        TableFormat::Table => {
            let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
            for row in rows {
                for (w, cell) in widths.iter_mut().zip(row) {
                    *w = (*w).max(cell.chars().count());
                }
            }
            let mut out = String::new();
            let line = |cells: &mut dyn Iterator<Item = &str>, out: &mut String| {
                let parts: Vec<String> = cells
                    .zip(&widths)
                    .map(|(c, w)| format!("{c:<w$}", w = *w))
                    .collect();
                out.push_str(parts.join("  ").trim_end());
                out.push('\n');
            };
            line(&mut headers.iter().copied(), &mut out);
            for row in rows {
                line(&mut row.iter().map(String::as_str), &mut out);
            }
            out
        }
        TableFormat::Json => {
            let items: Vec<serde_json::Value> = rows
                .iter()
                .map(|row| {
                    let map: serde_json::Map<String, serde_json::Value> = headers
                        .iter()
                        .zip(row)
                        .map(|(h, c)| (h.to_string(), serde_json::Value::String(c.clone())))
                        .collect();
                    serde_json::Value::Object(map)
                })
                .collect();
            let mut s =
                json_safe(&serde_json::to_string_pretty(&items).unwrap_or_default()).into_owned();
            s.push('\n');
            s
        }
        TableFormat::Csv => {
            let mut out = String::new();
            let write_row = |cells: &mut dyn Iterator<Item = &str>, out: &mut String| {
                let parts: Vec<String> = cells.map(csv_cell).collect();
                out.push_str(&parts.join(","));
                out.push_str("\r\n");
            };
            write_row(&mut headers.iter().copied(), &mut out);
            for row in rows {
                write_row(&mut row.iter().map(String::as_str), &mut out);
            }
            out
        }
    }
}

/// One CSV cell: quoted when needed, and a leading `= + - @` (or tab/CR) neutralised with `'`
/// so spreadsheets do not evaluate it.
pub fn csv_cell(text: &str) -> String {
    let neutral = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    };
    if neutral.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", neutral.replace('"', "\"\""))
    } else {
        neutral
    }
}
