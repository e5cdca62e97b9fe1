//! Every file of the shared layer corpus (`layers-corpus/MANIFEST.tsv`): read without a panic,
//! the outcome of each file matches the committed expectation `tests/corpus-outcomes.tsv`, and
//! every loadable layer survives conversion to 4.5 and back.
//!
//! Regenerate the expectation after an intended change with
//! `NAVLAYER_BLESS=1 NAVLAYER_SHARED=/work/shared cargo test -p navlayer-layer --test corpus`
//! and review the diff.

use std::path::{Path, PathBuf};

use navlayer_layer::read::{parse_layers, read_layer_file, LoadedLayer};
use navlayer_layer::validate::{counts, Severity};
use navlayer_layer::write::{to_json, to_json_many, Style};
use navlayer_layer::LayerError;
use serde_json::Value;

struct Entry {
    local_path: String,
    version: String,
    technique_entries: usize,
    notes: String,
}

fn manifest() -> (PathBuf, Vec<Entry>) {
    let dir = navlayer_testdata::layers_corpus_dir();
    let text = std::fs::read_to_string(dir.join("MANIFEST.tsv")).expect("MANIFEST.tsv");
    let mut out = Vec::new();
    for line in text.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        assert!(cols.len() >= 8, "manifest line: {line}");
        out.push(Entry {
            local_path: cols[0].to_string(),
            version: cols[4].to_string(),
            technique_entries: cols[6].parse().expect("technique_entries"),
            notes: cols[7].to_string(),
        });
    }
    assert!(out.len() >= 250, "the corpus has {} files", out.len());
    (dir, out)
}

fn read(dir: &Path, e: &Entry) -> Result<Vec<LoadedLayer>, LayerError> {
    let path = dir.join(&e.local_path);
    match std::panic::catch_unwind(|| read_layer_file(&path)) {
        Ok(r) => r,
        Err(_) => panic!("reading {} panicked", e.local_path),
    }
}

/// One line of the outcome table.
fn outcome(dir: &Path, e: &Entry, result: &Result<Vec<LoadedLayer>, LayerError>) -> String {
    match result {
        Ok(layers) => {
            let entries: usize = layers.iter().map(|l| l.layer.techniques.len()).sum();
            let findings: Vec<_> = layers.iter().flat_map(|l| l.findings.clone()).collect();
            let (er, wa, inf) = counts(&findings);
            let upgrades: usize = layers.iter().map(|l| l.upgrades.len()).sum();
            let first_error = findings
                .iter()
                .find(|f| f.severity == Severity::Error)
                .map(|f| format!("{}: {}", f.pointer, f.message))
                .unwrap_or_default();
            format!(
                "{}\tloaded\tlayers={} entries={entries} upgrades={upgrades} errors={er} warnings={wa} infos={inf}\t{first_error}",
                e.local_path,
                layers.len()
            )
        }
        Err(err) => {
            let msg = err.to_string().replace(&format!("{}/", dir.display()), "");
            format!("{}\terror:{}\t\t{msg}", e.local_path, err.kind())
        }
    }
}

#[test]
fn every_corpus_file_has_its_expected_outcome() {
    let (dir, entries) = manifest();
    let mut lines = vec!["local_path\toutcome\tcounts\tfirst error".to_string()];
    let mut mismatches = Vec::new();
    for e in &entries {
        let result = read(&dir, e);
        lines.push(outcome(&dir, e, &result));
        // Cross-checks against the manifest, independent of the expectation file.
        match (&result, e.version.as_str()) {
            (Err(err), "INVALID-JSON") => {
                assert_eq!(err.kind(), "json", "{}: {err}", e.local_path);
                let text = err.to_string();
                assert!(text.contains(':'), "error names line and column: {text}");
            }
            (Err(err), _) => {
                mismatches.push(format!("{}: expected to load, got {err}", e.local_path))
            }
            (Ok(_), "INVALID-JSON") => {
                mismatches.push(format!("{}: invalid JSON loaded", e.local_path))
            }
            (Ok(layers), v) => {
                let declared = layers[0].original_version.clone();
                let want = (v != "none").then(|| v.to_string());
                if declared != want {
                    mismatches.push(format!(
                        "{}: version {declared:?}, manifest {v}",
                        e.local_path
                    ));
                }
                // Entries are kept unless they have no techniqueID.
                let kept: usize = layers.iter().map(|l| l.layer.techniques.len()).sum();
                let dropping = e.notes.contains("entry missing techniqueID");
                if (kept != e.technique_entries) != dropping {
                    mismatches.push(format!(
                        "{}: {kept} entries loaded, manifest {} (notes: {})",
                        e.local_path, e.technique_entries, e.notes
                    ));
                }
                for l in layers {
                    assert_eq!(
                        l.layer.versions.as_ref().and_then(|v| v.layer.as_deref()),
                        Some("4.5")
                    );
                    assert!(
                        !l.layer.domain.starts_with("mitre-"),
                        "{}: domain not upgraded",
                        e.local_path
                    );
                    assert!(
                        !l.layer.extra.contains_key("viewMode")
                            && !l.layer.extra.contains_key("version")
                    );
                }
            }
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
    let actual = lines.join("\n") + "\n";
    let expected_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus-outcomes.tsv");
    if std::env::var_os("NAVLAYER_BLESS").is_some() {
        std::fs::write(&expected_path, &actual).expect("writing the expectation");
        return;
    }
    let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
    if expected != actual {
        let diff: Vec<String> = expected
            .lines()
            .zip(actual.lines())
            .filter(|(a, b)| a != b)
            .take(10)
            .map(|(a, b)| format!("- {a}\n+ {b}"))
            .collect();
        panic!(
            "corpus outcomes differ from tests/corpus-outcomes.tsv ({} vs {} lines); first differences:\n{}\n(rerun with NAVLAYER_BLESS=1 after an intended change)",
            expected.lines().count(),
            actual.lines().count(),
            diff.join("\n")
        );
    }
}

#[test]
fn every_loadable_file_converts_to_45_and_reads_back_the_same() {
    let (dir, entries) = manifest();
    let mut converted = 0;
    for e in &entries {
        let Ok(layers) = read(&dir, e) else { continue };
        let models: Vec<_> = layers.iter().map(|l| l.layer.clone()).collect();
        for style in [Style::Pretty, Style::Compact] {
            let text = if models.len() == 1 {
                to_json(&models[0], style)
            } else {
                to_json_many(&models, style)
            };
            let again = parse_layers(text.as_bytes(), &e.local_path).unwrap_or_else(|err| {
                panic!("{}: converted file does not read: {err}", e.local_path)
            });
            assert_eq!(again.len(), models.len());
            for (a, m) in again.iter().zip(&models) {
                assert_eq!(&a.layer, m, "{}: model changed through 4.5", e.local_path);
                assert!(a.upgrades.is_empty(), "{}: {:?}", e.local_path, a.upgrades);
                assert_eq!(a.original_version.as_deref(), Some("4.5"));
                let coerced: Vec<_> = a
                    .findings
                    .iter()
                    .filter(|f| {
                        f.message.contains("read as")
                            || f.message.contains("dropped")
                            || f.message.contains("ignored")
                    })
                    .collect();
                assert!(
                    coerced.is_empty(),
                    "{}: converted file still needs fixing: {coerced:#?}",
                    e.local_path
                );
            }
        }
        converted += 1;
    }
    assert!(converted >= 260, "only {converted} files converted");
}

/// Numbers compared by value (`1.0` == `1`), objects as maps, arrays in order.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

#[test]
fn clean_45_files_round_trip_without_losing_a_field() {
    let (dir, entries) = manifest();
    let mut checked = 0;
    for e in entries.iter().filter(|e| e.version == "4.5") {
        let Ok(layers) = read(&dir, e) else { continue };
        let clean = layers.iter().all(|l| {
            l.upgrades.is_empty()
                && !l.findings.iter().any(|f| {
                    f.message.contains("read as")
                        || f.message.contains("dropped")
                        || f.message.contains("ignored")
                        || f.message.starts_with("duplicate key")
                })
        });
        if !clean {
            continue;
        }
        let bytes = std::fs::read(dir.join(&e.local_path)).expect("read");
        let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(&bytes);
        let Ok(original) = serde_json::from_slice::<Value>(bytes) else {
            continue;
        };
        let models: Vec<_> = layers.iter().map(|l| l.layer.clone()).collect();
        let written = if original.is_array() {
            to_json_many(&models, Style::Pretty)
        } else {
            to_json(&models[0], Style::Pretty)
        };
        let written: Value = serde_json::from_str(&written).expect("written JSON");
        assert!(
            same(&original, &written),
            "{}: fields changed by the round trip",
            e.local_path
        );
        // Technique order is kept.
        let ids = |v: &Value| -> Vec<String> {
            let layers: Vec<&Value> = match v {
                Value::Array(a) => a.iter().collect(),
                other => vec![other],
            };
            layers
                .iter()
                .flat_map(|l| l["techniques"].as_array().cloned().unwrap_or_default())
                .map(|t| t["techniqueID"].to_string())
                .collect()
        };
        assert_eq!(ids(&original), ids(&written), "{}", e.local_path);
        checked += 1;
    }
    assert!(
        checked >= 50,
        "only {checked} clean 4.5 files were compared"
    );
}
