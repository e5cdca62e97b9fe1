//! The report of a coverage run: every input file (parsed, skipped with the reason, failed with
//! line and column), every ID that did not resolve plainly, migrations, the techniques scored
//! and coverage per tactic. Serializes to JSON; renders as Markdown or CSV.

use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::formats::Format;
use crate::input::{FileReport, Outcome};
use crate::options::{SubtechniqueMode, TacticScope};
use crate::resolve::{IdFinding, MigrationReport, TacticFinding};
use crate::text::{csv_row, md, number, thousands};
use crate::CoverageError;

/// Report formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReportFormat {
    /// Markdown, for people.
    Md,
    /// JSON: the whole report.
    Json,
    /// CSV: one row per file, ID finding and technique (`record` column says which).
    Csv,
}

impl FromStr for ReportFormat {
    type Err = CoverageError;
    fn from_str(s: &str) -> Result<ReportFormat, CoverageError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "md" | "markdown" => Ok(ReportFormat::Md),
            "json" => Ok(ReportFormat::Json),
            "csv" => Ok(ReportFormat::Csv),
            _ => Err(CoverageError::BadOption(format!(
                "unknown report format {s:?}; formats: md, json, csv"
            ))),
        }
    }
}

/// Counts over the whole run.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Totals {
    /// Files and folder entries accounted for.
    pub files: usize,
    /// Parsed.
    pub parsed: usize,
    /// Skipped.
    pub skipped: usize,
    /// Failed.
    pub failed: usize,
    /// Items read.
    pub items: usize,
    /// Items that contributed to the layer.
    pub items_used: usize,
    /// Items left out by the platform filter.
    pub items_excluded_by_platform: usize,
    /// References left out because ATT&CK does not list the technique on the platforms asked
    /// for (items that name no platform of their own).
    pub references_off_platform: usize,
    /// Techniques (and sub-techniques) in the layer.
    pub techniques: usize,
    /// Entries in the layer.
    pub entries: usize,
    /// Distinct IDs per status that did not resolve plainly.
    pub unknown_ids: usize,
    /// Revoked IDs followed to their replacement.
    pub revoked_ids: usize,
    /// IDs moved by migration.
    pub moved_ids: usize,
    /// Deprecated IDs dropped.
    pub deprecated_ids: usize,
    /// ATT&CK IDs of other objects (groups, software, tactics).
    pub not_technique_ids: usize,
    /// Strings that are no ATT&CK ID.
    pub invalid_ids: usize,
}

/// One entry of the layer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TechniqueRow {
    /// Technique ID.
    pub id: String,
    /// Technique name (empty for an unknown ID).
    pub name: String,
    /// Tactic, when the entry is for one tactic.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tactic: Option<String>,
    /// Score.
    pub score: f64,
    /// Items covering it.
    pub items: usize,
    /// The first item names (up to the comment limit).
    pub names: Vec<String>,
}

/// Coverage of one tactic, from navlayer-ops' statistics.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TacticRow {
    /// Tactic short name.
    pub tactic: String,
    /// Tactic name.
    pub name: String,
    /// Techniques (not sub-techniques) of the tactic in the release.
    pub techniques: usize,
    /// Of those, scored in the layer.
    pub covered: usize,
    /// Sub-techniques of the tactic.
    pub subtechniques: usize,
    /// Of those, scored.
    pub subtechniques_covered: usize,
}

/// The report of a coverage run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CoverageReport {
    /// Input format.
    pub format: Format,
    /// Layer name.
    pub layer: String,
    /// Domain (`enterprise-attack`).
    pub domain: String,
    /// Release (`18.1`).
    pub release: String,
    /// How scores were computed (`count of rules`).
    pub score: String,
    /// Sub-technique handling used.
    pub subtechniques: SubtechniqueMode,
    /// Tactic scoping used.
    pub tactics: TacticScope,
    /// Platforms asked for.
    pub platforms: Vec<String>,
    /// Totals.
    pub totals: Totals,
    /// Every input file and skipped folder entry, in walk order.
    pub files: Vec<FileReport>,
    /// IDs that did not resolve plainly to an active technique.
    pub ids: Vec<IdFinding>,
    /// Tactic hints the release does not have.
    pub unknown_tactics: Vec<TacticFinding>,
    /// Files made for another release, migrated.
    pub migrations: Vec<MigrationReport>,
    /// The layer's entries, in technique order.
    pub techniques: Vec<TechniqueRow>,
    /// Coverage per tactic, in matrix order.
    pub tactic_coverage: Vec<TacticRow>,
    /// Remarks on the run.
    pub notes: Vec<String>,
}

impl CoverageReport {
    /// True when a file failed (the CLI then exits 1).
    pub fn has_failures(&self) -> bool {
        self.totals.failed > 0
    }

    /// One line for a terminal: files, items, techniques, problems.
    pub fn summary(&self) -> String {
        let (_, plural) = self.format.item_noun();
        let t = &self.totals;
        let mut s = format!(
            "{} files: {} parsed, {} skipped, {} failed; {} of {} {plural} used; {} techniques in {} entries",
            thousands(t.files),
            thousands(t.parsed),
            thousands(t.skipped),
            thousands(t.failed),
            thousands(t.items_used),
            thousands(t.items),
            thousands(t.techniques),
            thousands(t.entries),
        );
        let mut problems = Vec::new();
        for (n, what) in [
            (t.unknown_ids, "unknown"),
            (t.revoked_ids, "revoked (followed)"),
            (t.moved_ids, "moved"),
            (t.deprecated_ids, "deprecated"),
            (t.not_technique_ids, "not techniques"),
            (t.invalid_ids, "invalid"),
        ] {
            if n > 0 {
                problems.push(format!("{n} {what}"));
            }
        }
        if !problems.is_empty() {
            s.push_str(&format!("; IDs: {}", problems.join(", ")));
        }
        s
    }

    /// Renders the report.
    pub fn render(&self, format: ReportFormat) -> String {
        match format {
            ReportFormat::Json => {
                let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
                s.push('\n');
                s
            }
            ReportFormat::Md => self.markdown(),
            ReportFormat::Csv => self.csv(),
        }
    }

    fn markdown(&self) -> String {
        let mut out = String::new();
        out.push_str(&format!("# {}\n\n", md(&self.layer)));
        out.push_str(&format!(
            "{} on ATT&CK {} {}; score: {}; sub-techniques: {}; tactics: {}{}.\n\n{}.\n\n",
            self.format.display_name(),
            self.domain,
            self.release,
            self.score,
            crate::options::mode_label(self.subtechniques),
            crate::options::scope_label(self.tactics),
            if self.platforms.is_empty() {
                String::new()
            } else {
                format!("; platforms: {}", md(&self.platforms.join(", ")))
            },
            md(&self.summary())
        ));
        for n in &self.notes {
            out.push_str(&format!("- {}\n", md(n)));
        }
        if !self.notes.is_empty() {
            out.push('\n');
        }
        self.md_ids(&mut out);
        self.md_migrations(&mut out);
        self.md_files(&mut out);
        self.md_tactics(&mut out);
        self.md_techniques(&mut out);
        out
    }

    fn md_ids(&self, out: &mut String) {
        if self.ids.is_empty() && self.unknown_tactics.is_empty() {
            return;
        }
        out.push_str("## IDs not counted as written\n\n| ID | status | what | counted as | items | files |\n|---|---|---|---|---:|---|\n");
        for f in &self.ids {
            out.push_str(&format!(
                "| {} | {} | {} | {} | {} | {} |\n",
                md(&f.id),
                f.status.label(),
                md(&f.detail),
                match (&f.replacement, f.counted) {
                    (Some(r), true) => md(r),
                    (None, true) => md(&f.id),
                    _ => "not counted".to_string(),
                },
                f.items,
                md(&f.files.join(", "))
            ));
        }
        for t in &self.unknown_tactics {
            out.push_str(&format!(
                "| {} | unknown tactic | not a tactic of {} {} | every tactic of the technique | {} | |\n",
                md(&t.tactic),
                self.domain,
                self.release,
                t.items
            ));
        }
        out.push('\n');
    }

    fn md_migrations(&self, out: &mut String) {
        for m in &self.migrations {
            let r = &m.migration;
            out.push_str(&format!(
                "## Migrated from ATT&CK {} to {}\n\n{} file(s): {}. {} IDs: {}.\n\n",
                r.from,
                r.to,
                m.files.len(),
                md(&m.files.join(", ")),
                r.input_entries,
                r.actions
                    .iter()
                    .map(|(a, n)| format!("{n} {}", a.label()))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
            let changed: Vec<_> = r
                .entries
                .iter()
                .filter(|e| e.action.label() != "kept")
                .collect();
            if !changed.is_empty() {
                out.push_str("| ID | change | action | now | note |\n|---|---|---|---|---|\n");
                for e in changed {
                    out.push_str(&format!(
                        "| {} | {} | {} | {} | {} |\n",
                        md(&e.technique_id),
                        e.change.label(),
                        e.action.label(),
                        md(&e
                            .destinations
                            .iter()
                            .map(|d| d.technique_id.clone())
                            .collect::<Vec<_>>()
                            .join(", ")),
                        md(e.note.as_deref().unwrap_or(""))
                    ));
                }
                out.push('\n');
            }
        }
    }

    fn md_files(&self, out: &mut String) {
        let listed: Vec<&FileReport> = self
            .files
            .iter()
            .filter(|f| f.outcome != Outcome::Parsed || !f.notes.is_empty())
            .collect();
        let unused = self
            .files
            .iter()
            .filter(|f| f.outcome == Outcome::Parsed && f.items_used == 0)
            .count();
        out.push_str(&format!(
            "## Files\n\n{} parsed, {} skipped, {} failed; {} parsed files contributed nothing \
             (no technique, or every item filtered out). Listed: every file skipped or failed, and \
             parsed files with remarks; the {} others were parsed without remarks (the JSON and CSV \
             reports list every file).\n\n",
            thousands(self.totals.parsed),
            thousands(self.totals.skipped),
            thousands(self.totals.failed),
            thousands(unused),
            thousands(self.files.len() - listed.len()),
        ));
        if listed.is_empty() {
            return;
        }
        out.push_str("| file | outcome | reason / remarks | line | column | items | used |\n|---|---|---|---:|---:|---:|---:|\n");
        for f in listed {
            let mut why: Vec<String> = f.reason.iter().cloned().collect();
            why.extend(f.notes.iter().cloned());
            out.push_str(&format!(
                "| {} | {} | {} | {} | {} | {} | {} |\n",
                md(&f.path),
                f.outcome.label(),
                md(&why.join("; ")),
                f.line.map(|l| l.to_string()).unwrap_or_default(),
                f.column.map(|c| c.to_string()).unwrap_or_default(),
                f.items,
                f.items_used
            ));
        }
        out.push('\n');
    }

    fn md_tactics(&self, out: &mut String) {
        out.push_str("## Coverage per tactic\n\n| tactic | techniques | covered | % | sub-techniques | covered | % |\n|---|---:|---:|---:|---:|---:|---:|\n");
        let pct = |a: usize, b: usize| {
            if b == 0 {
                "0.0".to_string()
            } else {
                format!("{:.1}", a as f64 * 100.0 / b as f64)
            }
        };
        for t in &self.tactic_coverage {
            out.push_str(&format!(
                "| {} | {} | {} | {} | {} | {} | {} |\n",
                md(&t.name),
                t.techniques,
                t.covered,
                pct(t.covered, t.techniques),
                t.subtechniques,
                t.subtechniques_covered,
                pct(t.subtechniques_covered, t.subtechniques)
            ));
        }
        out.push('\n');
    }

    fn md_techniques(&self, out: &mut String) {
        let (_, plural) = self.format.item_noun();
        out.push_str(&format!(
            "## Techniques\n\n| technique | name | tactic | score | {plural} | first {plural} |\n|---|---|---|---:|---:|---|\n"
        ));
        for t in &self.techniques {
            out.push_str(&format!(
                "| {} | {} | {} | {} | {} | {} |\n",
                md(&t.id),
                md(&t.name),
                t.tactic.as_deref().map(md).unwrap_or_default(),
                number(t.score),
                t.items,
                md(&t.names.join("; "))
            ));
        }
    }

    fn csv(&self) -> String {
        let mut out = csv_row(
            &[
                "record",
                "id",
                "status",
                "detail",
                "line",
                "column",
                "tactic",
                "score",
                "items",
                "items_used",
            ]
            .map(String::from),
        );
        for f in &self.files {
            let mut why: Vec<String> = f.reason.iter().cloned().collect();
            why.extend(f.notes.iter().cloned());
            out.push_str(&csv_row(&[
                "file".into(),
                f.path.clone(),
                f.outcome.label().into(),
                why.join("; "),
                f.line.map(|l| l.to_string()).unwrap_or_default(),
                f.column.map(|c| c.to_string()).unwrap_or_default(),
                String::new(),
                String::new(),
                f.items.to_string(),
                f.items_used.to_string(),
            ]));
        }
        for i in &self.ids {
            out.push_str(&csv_row(&[
                "id".into(),
                i.id.clone(),
                i.status.label().into(),
                match &i.replacement {
                    Some(r) => format!("{} (now {r})", i.detail),
                    None => i.detail.clone(),
                },
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                i.items.to_string(),
                String::new(),
            ]));
        }
        for t in &self.techniques {
            out.push_str(&csv_row(&[
                "technique".into(),
                t.id.clone(),
                String::new(),
                t.name.clone(),
                String::new(),
                String::new(),
                t.tactic.clone().unwrap_or_default(),
                number(t.score),
                t.items.to_string(),
                String::new(),
            ]));
        }
        out
    }
}
