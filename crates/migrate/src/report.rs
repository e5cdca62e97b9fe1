//! Rendering migration reports as text, Markdown or JSON.

use std::fmt::Write as _;

use crate::classify::Change;
use crate::migrate::{Action, EntryReport, LayerReport};
use crate::MigrateError;

/// Report formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ReportFormat {
    /// Plain text: a summary per layer and one line per entry that did not stay as it was.
    #[default]
    Text,
    /// JSON: every entry of every layer.
    Json,
    /// Markdown: a summary table and one table row per entry that did not stay as it was.
    Markdown,
}

/// Renders the reports of several layers.
pub fn render_reports(
    reports: &[LayerReport],
    format: ReportFormat,
) -> Result<String, MigrateError> {
    match format {
        ReportFormat::Json => {
            let mut s = serde_json::to_string_pretty(reports).map_err(|source| {
                MigrateError::Serialize {
                    what: "migration report",
                    source,
                }
            })?;
            s.push('\n');
            Ok(s)
        }
        ReportFormat::Text => Ok(text(reports)),
        ReportFormat::Markdown => Ok(markdown(reports)),
    }
}

fn counts_line(r: &LayerReport) -> String {
    let parts: Vec<String> = Change::ALL
        .iter()
        .filter_map(|c| r.counts.get(c).map(|n| format!("{} {n}", c.label())))
        .collect();
    if parts.is_empty() {
        "no entries".into()
    } else {
        parts.join(", ")
    }
}

fn title(r: &LayerReport) -> String {
    match &r.file {
        Some(f) => format!("{f}: {:?}", r.layer),
        None => format!("{:?}", r.layer),
    }
}

/// True when an entry is worth a line: anything but kept-unchanged.
fn notable(e: &EntryReport) -> bool {
    !(e.change == Change::Unchanged && e.action == Action::Kept && !e.merged)
}

fn with_tactic(id: &str, tactic: Option<&str>) -> String {
    match tactic {
        Some(t) => format!("{id}@{t}"),
        None => id.to_string(),
    }
}

fn describe(e: &EntryReport, arrow: &str) -> String {
    let mut s = String::new();
    let _ = write!(s, "{} {}", e.change.label(), e.action.label());
    match (&e.old_version, &e.new_version) {
        (Some(a), Some(b)) if a != b && matches!(e.change, Change::Minor | Change::Major) => {
            let _ = write!(s, " (v{a} {arrow} v{b})");
        }
        _ => {}
    }
    if !e.destinations.is_empty() {
        let dest: Vec<String> = e
            .destinations
            .iter()
            .map(|d| with_tactic(&d.technique_id, d.tactic.as_deref()))
            .collect();
        let _ = write!(s, " {arrow} {}", dest.join(", "));
    }
    if let Some(n) = &e.new_name {
        let _ = write!(s, " ({n})");
    }
    if let Some(tc) = &e.tactic_change {
        let new = tc.new.join(", ");
        let _ = match tc.reason {
            crate::migrate::TacticReason::Moved => {
                write!(s, "; technique left tactic {}, now in {new}", tc.old)
            }
            crate::migrate::TacticReason::Split => {
                write!(s, "; tactic {} no longer exists, split into {new}", tc.old)
            }
        };
    }
    if e.merged {
        s.push_str("; merged");
    }
    if let Some(n) = &e.note {
        let _ = write!(s, "; {n}");
    }
    s
}

fn text(reports: &[LayerReport]) -> String {
    let mut out = String::new();
    for r in reports {
        let _ = writeln!(
            out,
            "{} {} {} -> {}: {} entries -> {}; {}",
            title(r),
            r.domain,
            r.from,
            r.to,
            r.input_entries,
            r.output_entries,
            counts_line(r)
        );
        for n in &r.notes {
            let _ = writeln!(out, "  note: {n}");
        }
        for e in r.entries.iter().filter(|e| notable(e)) {
            let name = e.name.as_deref().unwrap_or("?");
            let _ = writeln!(
                out,
                "  {} {name}: {}",
                with_tactic(&e.technique_id, e.tactic.as_deref()),
                describe(e, "->")
            );
        }
        for m in &r.merges {
            let score = m.score.map(|s| format!(", score {s}")).unwrap_or_default();
            let _ = writeln!(
                out,
                "  merged {} into {}{score}",
                m.source_ids.join(" + "),
                with_tactic(&m.technique_id, m.tactic.as_deref())
            );
        }
    }
    if reports.len() > 1 {
        let input: usize = reports.iter().map(|r| r.input_entries).sum();
        let output: usize = reports.iter().map(|r| r.output_entries).sum();
        let _ = writeln!(out, "{} layers: {input} entries -> {output}", reports.len());
    }
    out
}

/// Markdown table cell: pipes, backslashes and line breaks escaped, HTML neutralised.
fn cell(text: &str) -> String {
    let mut s = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '|' => s.push_str("\\|"),
            '\\' => s.push_str("\\\\"),
            '<' => s.push_str("&lt;"),
            '>' => s.push_str("&gt;"),
            '`' => s.push_str("\\`"),
            '\n' | '\r' => s.push(' '),
            c => s.push(c),
        }
    }
    s
}

fn markdown(reports: &[LayerReport]) -> String {
    let mut out = String::from("# Layer migration\n\n");
    out.push_str("| layer | domain | from | to | entries in | entries out | changes |\n");
    out.push_str("|---|---|---|---|---:|---:|---|\n");
    for r in reports {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} |",
            cell(&title(r)),
            r.domain,
            r.from,
            r.to,
            r.input_entries,
            r.output_entries,
            counts_line(r)
        );
    }
    for r in reports {
        let _ = write!(out, "\n## {}\n\n", cell(&title(r)));
        for n in &r.notes {
            let _ = writeln!(out, "> {}\n", cell(n));
        }
        let rows: Vec<&EntryReport> = r.entries.iter().filter(|e| notable(e)).collect();
        if rows.is_empty() {
            out.push_str("Every entry is unchanged.\n");
        } else {
            out.push_str("| entry | name | change | what was done |\n|---|---|---|---|\n");
            for e in rows {
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} |",
                    cell(&with_tactic(&e.technique_id, e.tactic.as_deref())),
                    cell(e.name.as_deref().unwrap_or("")),
                    e.change.label(),
                    cell(&describe(e, "→"))
                );
            }
        }
        if !r.merges.is_empty() {
            out.push_str("\nMerged (highest score, comments joined):\n\n");
            for m in &r.merges {
                let _ = writeln!(
                    out,
                    "- {} into {}",
                    cell(&m.source_ids.join(" + ")),
                    cell(&with_tactic(&m.technique_id, m.tactic.as_deref()))
                );
            }
        }
    }
    out
}
