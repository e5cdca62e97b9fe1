//! The export on a real release and on hostile text. Sheet-by-sheet equality with attackToExcel
//! itself is checked by tests/python-diff (scripts/test); these tests check the structure and the
//! escaping without Python.

use std::path::Path;

use calamine::{open_workbook, Data, Reader, Xlsx};
use navlayer_attack::{Catalogue, LoadOptions};

fn load(path: &Path) -> Catalogue {
    let options = LoadOptions {
        keep_raw_json: true,
        ..LoadOptions::default()
    };
    Catalogue::load(path, &options).expect("loads")
}

#[test]
fn ics_release_as_attacktoexcel_names_its_files_and_sheets() {
    let cat = load(&navlayer_testdata::bundle_path("ics-attack-18.1.json"));
    let export = navlayer_export::export(&cat).expect("export");
    assert_eq!(export.prefix, "ics-attack-v18.1");
    let names: Vec<&str> = export
        .workbooks
        .iter()
        .map(|w| w.file_name.as_str())
        .collect();
    assert_eq!(names.len(), 13);
    assert_eq!(names.last(), Some(&"ics-attack-v18.1.xlsx"));
    let techniques = &export.workbooks[0];
    let sheets: Vec<&str> = techniques.sheets.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        sheets,
        [
            "techniques",
            "procedure examples",
            "associated mitigations",
            "targeted assets",
            "associated detection strategies",
            "citations"
        ]
    );
    let columns = &techniques.sheets[0].columns;
    assert_eq!(columns.first().map(String::as_str), Some("ID"));
    assert_eq!(
        columns.last().map(String::as_str),
        Some("relationship citations")
    );
    // One row per active technique.
    let active = cat.active_techniques().count();
    assert_eq!(techniques.sheets[0].rows.len(), active);

    let dir = tempfile::tempdir().expect("tmp");
    let files = export.write_xlsx(dir.path(), false).expect("write");
    assert_eq!(files.len(), 13);
    let mut book: Xlsx<_> = open_workbook(&files[12]).expect("master opens");
    assert_eq!(
        book.sheet_names().last().map(String::as_str),
        Some("citations")
    );
    let range = book
        .worksheet_range("techniques")
        .expect("techniques sheet");
    assert_eq!(range.height(), active + 1);
    assert!(
        export.write_xlsx(dir.path(), false).is_err(),
        "no overwrite without force"
    );
    export
        .write_xlsx(dir.path(), true)
        .expect("overwrite with force");
    let csv = export.write_csv(dir.path(), false).expect("csv");
    assert!(csv
        .iter()
        .any(|p| p.ends_with("ics-attack-v18.1-techniques-procedure-examples.csv")));
}

#[test]
fn hostile_text_stays_text() {
    let bundle = serde_json::json!({"type": "bundle", "id": "bundle--1", "spec_version": "2.0", "objects": [
        {"type": "x-mitre-matrix", "id": "x-mitre-matrix--1", "name": "M", "description": "d", "tactic_refs": [],
         "external_references": [{"source_name": "mitre-attack", "external_id": "enterprise-attack"}]},
        {"type": "intrusion-set", "id": "intrusion-set--1", "name": "=HYPERLINK(\"http://evil\",\"x\")",
         "description": "+cmd|' /C calc'!A0", "created": "2024-01-01T00:00:00.000Z", "modified": "2024-01-02T00:00:00.000Z",
         "external_references": [{"source_name": "mitre-attack", "external_id": "G9999", "url": "https://attack.mitre.org/groups/G9999"}]}
    ]});
    let bytes = serde_json::to_vec(&bundle).expect("json");
    let options = LoadOptions {
        keep_raw_json: true,
        ..LoadOptions::default()
    };
    let cat = Catalogue::from_slice(&bytes, "enterprise-attack-18.1.json".as_ref(), &options)
        .expect("loads");
    let export = navlayer_export::export(&cat).expect("export");
    let dir = tempfile::tempdir().expect("tmp");
    let files = export.write_xlsx(dir.path(), false).expect("write");
    let groups = files
        .iter()
        .find(|f| f.ends_with("enterprise-attack-v18.1-groups.xlsx"))
        .expect("groups file");
    let mut book: Xlsx<_> = open_workbook(groups).expect("opens");
    let range = book.worksheet_range("groups").expect("sheet");
    let name_col = (0..range.width())
        .find(|&c| range.get((0, c)) == Some(&Data::String("name".into())))
        .expect("name column");
    assert_eq!(
        range.get((1, name_col)),
        Some(&Data::String("=HYPERLINK(\"http://evil\",\"x\")".into())),
        "a string, not a formula"
    );
    assert!(book
        .worksheet_formula("groups")
        .expect("formulas")
        .used_cells()
        .next()
        .is_none());
    let csv = export.write_csv(dir.path(), false).expect("csv");
    let text = std::fs::read_to_string(
        csv.iter()
            .find(|p| p.ends_with("enterprise-attack-v18.1-groups-groups.csv"))
            .expect("csv"),
    )
    .expect("read");
    assert!(
        text.contains("\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\""),
        "{text}"
    );
    assert!(text.contains("'+cmd"), "{text}");
    // Without the STIX JSON, a clear error.
    let plain = Catalogue::from_slice(
        &bytes,
        "enterprise-attack-18.1.json".as_ref(),
        &LoadOptions::default(),
    )
    .expect("loads");
    assert!(navlayer_export::export(&plain)
        .unwrap_err()
        .to_string()
        .contains("keep_raw_json"));
}
