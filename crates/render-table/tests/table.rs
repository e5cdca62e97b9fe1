//! CSV and Markdown snapshots of real layers and the hostile layer.

#[path = "../../render/tests/common/mod.rs"]
mod common;

#[test]
fn snapshots_of_real_layers() {
    for (name, path, bundle) in common::REAL_LAYERS {
        let view = common::real_view(path, bundle);
        let csv = navlayer_render_table::csv(&view);
        // One record per entry plus the header.
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .from_reader(csv.as_bytes());
        assert_eq!(reader.records().count(), view.entries.len(), "{name}");
        insta::assert_snapshot!(format!("csv_{name}"), csv);
        insta::assert_snapshot!(format!("md_{name}"), navlayer_render_table::markdown(&view));
    }
}

#[test]
fn hostile_csv_cells_are_neutralised() {
    let view = common::hostile_view();
    let text = navlayer_render_table::csv(&view);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(text.as_bytes());
    let mut seen_formula = false;
    for record in reader.records() {
        let record = record.expect("valid CSV");
        assert_eq!(record.len(), 9);
        for cell in record.iter() {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "{cell:?}"
            );
            if cell == format!("'{}", common::HOSTILE_FORMULA) {
                seen_formula = true;
            }
        }
    }
    assert!(seen_formula, "the formula comment is kept, neutralised");
}

#[test]
fn hostile_markdown_stays_in_its_cells() {
    let view = common::hostile_view();
    let md = navlayer_render_table::markdown(&view);
    let table: Vec<&str> = md.lines().filter(|l| l.starts_with('|')).collect();
    assert_eq!(table.len(), 2 + view.entries.len());
    for line in &table {
        // Unescaped pipes delimit exactly nine cells.
        let mut pipes = 0;
        let mut prev = ' ';
        for c in line.chars() {
            if c == '|' && prev != '\\' {
                pipes += 1;
            }
            prev = c;
        }
        assert_eq!(pipes, 10, "{line}");
    }
    let without_br = md.replace("<br>", "");
    assert!(!without_br.contains('<'), "raw markup in Markdown");
    assert!(!md.to_ascii_lowercase().contains("](javascript:"));
    assert!(!md.to_ascii_lowercase().contains("javascript:alert"));
}
