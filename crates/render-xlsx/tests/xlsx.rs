//! XLSX read back with calamine: sheets, colours' presence, entries, and the hostile layer.

#[path = "../../render/tests/common/mod.rs"]
mod common;

use calamine::{Data, DataType as _, Reader, Xlsx};
use navlayer_render::RenderOptions;

fn open(bytes: Vec<u8>) -> Xlsx<std::io::Cursor<Vec<u8>>> {
    Xlsx::new(std::io::Cursor::new(bytes)).expect("valid xlsx")
}

#[test]
fn m1038_reads_back() {
    let (_, path, bundle) = common::REAL_LAYERS[0];
    let view = common::real_view(path, bundle);
    let bytes = navlayer_render_xlsx::xlsx(&view, &RenderOptions::default()).expect("xlsx");
    let mut book = open(bytes);
    assert_eq!(book.sheet_names(), ["matrix", "entries", "layer"]);
    let matrix = book.worksheet_range("matrix").expect("matrix");
    // Header row: one tactic per column, in matrix order.
    for (i, col) in view.columns.iter().enumerate() {
        let cell = matrix.get((0, i)).expect("header");
        assert_eq!(
            cell.to_string(),
            format!("{} ({})", col.name, col.technique_count)
        );
        let drawn = col.cells.iter().filter(|c| !c.is_sub || c.expanded).count();
        let filled = (1..=drawn)
            .filter(|r| matrix.get((*r, i)).is_some_and(|d| !d.is_empty()))
            .count();
        assert_eq!(filled, drawn, "{}", col.name);
    }
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
