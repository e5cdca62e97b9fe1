//! XLSX read back with calamine (and the notes from the package itself): every layout on real
//! layers, the side layout's merged parent cells beside the sub-technique column, notes, and the
//! hostile layer.

#[path = "../../render/tests/common/mod.rs"]
mod common;

use std::fmt::Write as _;
use std::io::Read as _;

use calamine::{Data, DataType as _, Reader, Xlsx};
use navlayer_render::{LayoutKind, MatrixView, RenderOptions};

fn open(bytes: Vec<u8>) -> Xlsx<std::io::Cursor<Vec<u8>>> {
    Xlsx::new(std::io::Cursor::new(bytes)).expect("valid xlsx")
}

/// Column letters of a 0-based index.
fn col_name(mut c: u32) -> String {
    let mut s = String::new();
    loop {
        s.insert(0, (b'A' + (c % 26) as u8) as char);
        if c < 26 {
            break;
        }
        c = c / 26 - 1;
    }
    s
}

/// The notes of the first sheet, by cell reference (`B3`), read from the package's XML.
fn notes(bytes: &[u8]) -> Vec<(String, String)> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("zip");
    let Ok(mut file) = zip.by_name("xl/comments1.xml") else {
        return Vec::new();
    };
    let mut xml = String::new();
    file.read_to_string(&mut xml).expect("utf-8");
    let doc = roxmltree::Document::parse(&xml).expect("comments xml");
    doc.descendants()
        .filter(|n| n.has_tag_name("comment"))
        .map(|n| {
            let text: String = n
                .descendants()
                .filter(|t| t.has_tag_name("t"))
                .filter_map(|t| t.text())
                .collect();
            (n.attribute("ref").unwrap_or("").to_string(), text)
        })
        .collect()
}

/// The matrix sheet as text: merged ranges, then every non-empty cell, then the notes.
fn dump(bytes: Vec<u8>) -> String {
    let notes = notes(&bytes);
    let mut book = open(bytes);
    let mut out = format!("sheets: {:?}\n", book.sheet_names());
    let merged = book.merge_cells_by_sheet_name("matrix").expect("merged");
    let mut ranges: Vec<String> = merged
        .iter()
        .map(|d| {
            format!(
                "{}{}:{}{}",
                col_name(d.start.1),
                d.start.0 + 1,
                col_name(d.end.1),
                d.end.0 + 1
            )
        })
        .collect();
    ranges.sort();
    let _ = writeln!(out, "merged ({}): {}", ranges.len(), ranges.join(" "));
    let matrix = book.worksheet_range("matrix").expect("matrix");
    for (r, c, d) in matrix.used_cells() {
        if !d.is_empty() {
            let _ = writeln!(out, "{}{} {}", col_name(c as u32), r + 1, d);
        }
    }
    let _ = writeln!(out, "notes: {}", notes.len());
    for (at, text) in notes.iter().take(12) {
        let short: String = text.chars().take(80).collect();
        let _ = writeln!(out, "  {at}: {short:?}");
    }
    out
}

#[test]
fn snapshots_of_every_layout() {
    for (name, view, options) in common::snapshot_views(&RenderOptions::default()) {
        let bytes = navlayer_render_xlsx::xlsx(&view, &options).expect("xlsx");
        insta::assert_snapshot!(format!("xlsx_{name}"), dump(bytes));
    }
}

/// Side: each expanded parent is merged down over exactly the rows of its sub-techniques, which
/// sit in the next column; the tactic header is merged across both columns.
#[test]
fn side_merges_parents_beside_their_subtechniques() {
    let (_, path, bundle) = common::REAL_LAYERS[0];
    let view = common::real_view(path, bundle);
    assert_eq!(view.layout, LayoutKind::Side);
    let bytes = navlayer_render_xlsx::xlsx(&view, &RenderOptions::default()).expect("xlsx");
    let all_notes = notes(&bytes);
    let mut book = open(bytes);
    let merged = book.merge_cells_by_sheet_name("matrix").expect("merged");
    let matrix = book.worksheet_range("matrix").expect("matrix");
    let text = |r: u32, c: u32| {
        matrix
            .get_value((r, c))
            .map(|d| d.to_string())
            .unwrap_or_default()
    };
    let mut sheet_col = 0u32;
    let mut checked = 0;
    for col in &view.columns {
        let open = col.cells.iter().any(|c| c.expanded);
        let header = text(0, sheet_col);
        assert_eq!(header, format!("{} ({})", col.name, col.technique_count));
        if open {
            assert!(
                merged
                    .iter()
                    .any(|d| d.start == (0, sheet_col) && d.end == (0, sheet_col + 1)),
                "{} header not merged",
                col.name
            );
        }
        let mut row = 1u32;
        let mut i = 0;
        while i < col.cells.len() {
            let parent = &col.cells[i];
            let n = col.cells[i + 1..].iter().take_while(|c| c.is_sub).count();
            let shown: Vec<_> = col.cells[i + 1..i + 1 + n]
                .iter()
                .filter(|c| c.expanded)
                .collect();
            i += 1 + n;
            assert!(
                text(row, sheet_col).starts_with(&parent.name),
                "{}",
                parent.name
            );
            if shown.len() > 1 {
                let span = (row, sheet_col);
                let end = (row + shown.len() as u32 - 1, sheet_col);
                assert!(
                    merged.iter().any(|d| d.start == span && d.end == end),
                    "{} not merged over its {} sub-techniques",
                    parent.attack_id,
                    shown.len()
                );
                checked += 1;
            }
            for (k, s) in shown.iter().enumerate() {
                assert!(
                    text(row + k as u32, sheet_col + 1).starts_with(&s.name),
                    "{} beside {}",
                    s.name,
                    parent.name
                );
            }
            row += shown.len().max(1) as u32;
        }
        sheet_col += if open { 2 } else { 1 };
    }
    assert!(checked > 10, "{checked} merged parents");
    // Notes: one per commented or scored cell, holding the comment.
    let drawn_noted = view
        .columns
        .iter()
        .flat_map(|c| &c.cells)
        .filter(|c| (!c.is_sub || c.expanded) && (c.comment.is_some() || c.score.is_some()))
        .count();
    assert_eq!(all_notes.len(), drawn_noted);
    let t1548 = view
        .columns
        .iter()
        .flat_map(|c| &c.cells)
        .find(|c| c.attack_id == "T1548" && c.comment.is_some())
        .expect("T1548");
    let comment = t1548.comment.clone().unwrap_or_default();
    assert!(all_notes.iter().any(|(_, t)| t.contains(&comment)));
}

#[test]
fn m1038_entries_read_back() {
    let (_, path, bundle) = common::REAL_LAYERS[0];
    let view = common::real_view(path, bundle);
    let bytes = navlayer_render_xlsx::xlsx(&view, &RenderOptions::default()).expect("xlsx");
    let mut book = open(bytes);
    assert_eq!(book.sheet_names(), ["matrix", "entries", "layer"]);
    let entries = book.worksheet_range("entries").expect("entries");
    assert_eq!(entries.height(), view.entries.len() + 1);
    for (r, e) in view.entries.iter().enumerate() {
        assert_eq!(
            entries.get((r + 1, 0)).map(|d| d.to_string()),
            Some(e.technique_id.clone())
        );
        match e.score {
            Some(s) => assert_eq!(entries.get((r + 1, 3)), Some(&Data::Float(s))),
            None => assert!(entries.get((r + 1, 3)).is_none_or(|d| d.is_empty())),
        }
    }
}

#[test]
fn mini_has_no_text_and_names_in_notes() {
    let (_, path, bundle) = common::REAL_LAYERS[4];
    let layer = common::read_layer(path);
    let options = RenderOptions {
        layout: Some(LayoutKind::Mini),
        ..RenderOptions::default()
    };
    let view = MatrixView::build(&layer, &navlayer_testdata::catalogue(bundle), &options);
    let bytes = navlayer_render_xlsx::xlsx(&view, &options).expect("xlsx");
    let notes = notes(&bytes);
    let mut book = open(bytes);
    let matrix = book.worksheet_range("matrix").expect("matrix");
    assert!(matrix
        .used_cells()
        .filter(|(r, _, _)| *r > 0)
        .all(|(_, _, d)| d.is_empty()));
    let drawn = view
        .columns
        .iter()
        .flat_map(|c| &c.cells)
        .filter(|c| !c.is_sub || c.expanded)
        .count();
    assert_eq!(notes.len(), drawn);
    let first = &view.columns[0].cells[0];
    assert!(notes
        .iter()
        .any(|(_, t)| t.starts_with(&format!("{} {}", first.attack_id, first.name))));
}

#[test]
fn hostile_strings_are_text_not_formulas() {
    let view = common::hostile_view();
    let bytes = navlayer_render_xlsx::xlsx(&view, &RenderOptions::default()).expect("xlsx");
    let mut book = open(bytes);
    for sheet in ["matrix", "entries", "layer"] {
        let formulas = book.worksheet_formula(sheet).expect("formulas");
        assert!(
            formulas.cells().all(|(_, _, f)| f.is_empty()),
            "{sheet} has a formula"
        );
    }
    let entries = book.worksheet_range("entries").expect("entries");
    let strings: Vec<String> = entries.cells().map(|(_, _, d)| d.to_string()).collect();
    assert!(
        strings.contains(&common::HOSTILE_FORMULA.to_string()),
        "kept verbatim as a string"
    );
    assert!(strings.contains(&common::HOSTILE_COMMENT.to_string()));
    let layer = book.worksheet_range("layer").expect("layer");
    assert_eq!(
        layer.get((0, 1)).map(|d| d.to_string()),
        Some(common::HOSTILE_NAME.to_string())
    );
}
