//! Writing command output: stdout, or a file written atomically (temp file + rename) that is
//! never overwritten without `--force`.

use std::io::Write;
use std::path::Path;

use anyhow::{bail, Context as _};

/// Writes `bytes` to `path` atomically. Refuses to replace an existing file unless `force`.
pub fn write_file(path: &Path, bytes: &[u8], force: bool) -> anyhow::Result<()> {
    if path.exists() && !force {
        bail!(
            "{} already exists; pass --force to overwrite it",
            path.display()
        );
    }
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
            let mut s = serde_json::to_string_pretty(&items).unwrap_or_default();
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
