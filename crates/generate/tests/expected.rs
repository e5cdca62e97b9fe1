//! Acceptance: byte-identical output for every layer of `reference/expected/`
//! (`<bundle>__<ID>-<domain>-layer.json`), one test per file, and M1038 on enterprise 18.1 against
//! the official v19 file.

use std::collections::BTreeSet;
use std::path::PathBuf;

use navlayer_generate::{pyjson, GenerateOptions, Generator};
use serde_json::Value;

fn expected_dir() -> PathBuf {
    navlayer_testdata::reference_dir().join("expected")
}

/// Generates the layer named by an expected file's name and returns (generated, expected) bytes.
fn generate_for(file_name: &str) -> (String, String) {
    let (bundle, layer_file) = file_name
        .split_once("__")
        .unwrap_or_else(|| panic!("{file_name}: expected <bundle>__<ID>-<domain>-layer.json"));
    let attack_id = layer_file.split('-').next().expect("ID in file name");
    let catalogue = navlayer_testdata::catalogue(&format!("{bundle}.json"));
    let generator = Generator::new(&catalogue, GenerateOptions::default());
    let id = catalogue
        .by_attack_id(attack_id)
        .unwrap_or_else(|| panic!("{attack_id} not in {bundle}"));
    let layer = generator
        .generate(id)
        .unwrap_or_else(|e| panic!("{file_name}: {e}"));
    assert_eq!(layer.file_name(), layer_file, "website file name");
    let expected = std::fs::read_to_string(expected_dir().join(file_name))
        .unwrap_or_else(|e| panic!("reading {file_name}: {e}"));
    (layer.to_json(), expected)
}

fn assert_identical(file_name: &str) {
    let (generated, expected) = generate_for(file_name);
    if generated != expected {
        let at = generated
            .bytes()
            .zip(expected.bytes())
            .position(|(a, b)| a != b)
            .unwrap_or(generated.len().min(expected.len()));
        let from = at.saturating_sub(120);
        panic!(
            "{file_name}: differs at byte {at} (lengths {} vs {})\n generated: …{}\n  expected: …{}",
            generated.len(),
            expected.len(),
            &generated[from..(at + 120).min(generated.len())],
            &expected[from..(at + 120).min(expected.len())]
        );
    }
}

#[test]
fn enterprise_18_1_c0024() {
    assert_identical("enterprise-attack-18.1__C0024-enterprise-layer.json");
}

#[test]
fn enterprise_18_1_g0016() {
    assert_identical("enterprise-attack-18.1__G0016-enterprise-layer.json");
}

#[test]
fn enterprise_18_1_m1038() {
    assert_identical("enterprise-attack-18.1__M1038-enterprise-layer.json");
}

#[test]
fn enterprise_18_1_s0154() {
    assert_identical("enterprise-attack-18.1__S0154-enterprise-layer.json");
}

#[test]
fn ics_18_1_a0003() {
    assert_identical("ics-attack-18.1__A0003-ics-layer.json");
}

#[test]
fn ics_18_1_m0930() {
    assert_identical("ics-attack-18.1__M0930-ics-layer.json");
}

#[test]
fn mobile_18_1_s1061() {
    assert_identical("mobile-attack-18.1__S1061-mobile-layer.json");
}

/// Every file of the folder is covered (a file added later is checked too).
#[test]
fn every_expected_file_is_identical() {
    let mut names: Vec<String> = std::fs::read_dir(expected_dir())
        .expect("reference/expected")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with("-layer.json") && n.contains("__"))
        .collect();
    names.sort();
    assert!(names.len() >= 7, "expected files: {names:?}");
    for name in names {
        assert_identical(&name);
    }
}

/// M1038 on enterprise 18.1 equals the official v19 file except for `versions.attack` and the
/// entries that changed between the releases.
#[test]
fn m1038_matches_official_v19_except_the_changed_entries() {
    let catalogue = navlayer_testdata::catalogue("enterprise-attack-18.1.json");
    let generator = Generator::new(&catalogue, GenerateOptions::default());
    let layer = generator
        .generate(catalogue.by_attack_id("M1038").expect("M1038"))
        .expect("M1038 layer");
    let ours: Value = serde_json::from_str(&layer.to_json()).expect("our JSON parses");
    let official_text = std::fs::read_to_string(
        navlayer_testdata::reference_dir().join("M1038-enterprise-layer-attack-v19-official.json"),
    )
    .expect("official M1038");
    let official: Value = serde_json::from_str(&official_text).expect("official JSON parses");

    assert_eq!(ours["versions"]["attack"], "18");
    assert_eq!(official["versions"]["attack"], "19");

    let entries =
        |v: &Value| -> Vec<Value> { v["techniques"].as_array().expect("techniques").clone() };
    let id_of = |e: &Value| e["techniqueID"].as_str().expect("techniqueID").to_string();
    let (ours_entries, official_entries) = (entries(&ours), entries(&official));
    let only_ours: BTreeSet<String> = ours_entries
        .iter()
        .filter(|e| !official_entries.contains(e))
        .map(id_of)
        .collect();
    let only_official: BTreeSet<String> = official_entries
        .iter()
        .filter(|e| !ours_entries.contains(e))
        .map(id_of)
        .collect();
    let set = |ids: &[&str]| ids.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>();
    assert_eq!(only_ours, set(&["T1562", "T1562.001", "T1562.011"]));
    assert_eq!(only_official, set(&["T1685", "T1685.003"]));

    // Without those entries and with the same attack version, the files are byte-identical
    // (same order, same keys, same escaping).
    let strip = |mut v: Value| {
        v["versions"]["attack"] = Value::String("X".into());
        let drop: BTreeSet<String> = only_ours.union(&only_official).cloned().collect();
        let kept: Vec<Value> = v["techniques"]
            .as_array()
            .expect("techniques")
            .iter()
            .filter(|e| !drop.contains(&id_of(e)))
            .cloned()
            .collect();
        v["techniques"] = Value::Array(kept);
        pyjson::dumps(&v)
    };
    assert_eq!(strip(ours.clone()), strip(official.clone()));
    // The official file itself is what Python's json.dumps writes: our writer reproduces it.
    assert_eq!(pyjson::dumps(&official), official_text);
}
