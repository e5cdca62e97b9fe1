//! # navlayer-render-table
//!
//! The flat listing of a [`MatrixView`]: one row per layer entry with the columns
//! [`ENTRY_HEADERS`] (technique ID, name, tactic, score, colour, comment, enabled, metadata,
//! links), as CSV ([`csv`]) or a Markdown document ([`markdown`]).
//!
//! CSV cells are quoted per RFC 4180 and a cell starting with `= + - @` (or tab / CR) gets a
//! leading `'` so spreadsheets never evaluate it. Markdown cells are HTML-escaped, Markdown
//! punctuation is backslash-escaped and `javascript:` cannot form a link.

use std::fmt::Write as _;

use navlayer_render::escape::{csv_cell, markdown_cell};
use navlayer_render::{MatrixView, ENTRY_HEADERS};

/// The entries as CSV (header row first, CRLF line ends as RFC 4180 asks).
pub fn csv(view: &MatrixView) -> String {
    let mut out = String::new();
    out.push_str(&ENTRY_HEADERS.map(csv_cell).join(","));
    out.push_str("\r\n");
    for e in &view.entries {
        let cells = e.cells();
        let row: Vec<String> = cells.iter().map(|c| csv_cell(c)).collect();
        out.push_str(&row.join(","));
        out.push_str("\r\n");
    }
    out
}

/// The layer as Markdown: a heading with the layer name, its description and release, then a
/// table of the entries.
pub fn markdown(view: &MatrixView) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n", markdown_cell(&view.name));
    if !view.description.trim().is_empty() {
        let _ = writeln!(out, "{}\n", markdown_cell(&view.description));
    }
    let _ = write!(out, "{}", markdown_cell(&view.release_label()));
    if !view.platforms.is_empty() {
        let _ = write!(
            out,
            " · platforms: {}",
            markdown_cell(&view.platforms.join(", "))
        );
    }
    let _ = writeln!(out, " · {} entries\n", view.entries.len());
    for w in &view.warnings {
        let _ = writeln!(out, "> note: {}\n", markdown_cell(w));
    }
    let _ = writeln!(out, "| {} |", ENTRY_HEADERS.join(" | "));
    let _ = writeln!(
        out,
        "|{}|",
        ENTRY_HEADERS
            .iter()
            .map(|h| if *h == "score" { " ---: " } else { " --- " })
            .collect::<Vec<_>>()
            .join("|")
    );
    for e in &view.entries {
        let cells = e.cells();
        let row: Vec<String> = cells.iter().map(|c| markdown_cell(c)).collect();
        let _ = writeln!(out, "| {} |", row.join(" | "));
    }
    out
}
