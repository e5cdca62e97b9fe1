//! `navlayer migrate` and `navlayer release-diff` on the real releases, through the binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::{json, Value};

fn navlayer(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_navlayer"))
        .arg("--data")
        .arg(navlayer_testdata::attack_data_dir())
        .args(args)
        .env_remove("NAVLAYER_DATA")
        .output()
        .expect("runs navlayer")
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "navlayer-migrate-cli-{}-{name}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

fn write(path: &Path, value: &Value) {
    std::fs::write(path, serde_json::to_vec_pretty(value).expect("json")).expect("write");
}

fn layer_16(name: &str) -> Value {
    json!({
        "name": name, "domain": "enterprise-attack",
        "versions": {"attack": "16", "navigator": "5.1.0", "layer": "4.5"},
        "techniques": [
            {"techniqueID": "T1574.002", "tactic": "persistence", "score": 5, "comment": "side-loading"},
            {"techniqueID": "T1574.001", "tactic": "persistence", "score": 3, "comment": "search order"},
            {"techniqueID": "T1112", "tactic": "defense-evasion", "color": "#ff0000"},
            {"techniqueID": "T1082", "tactic": "discovery", "score": 1}
        ]
    })
}

fn text(out: &[u8]) -> String {
    String::from_utf8_lossy(out).into_owned()
}

#[test]
fn migrates_a_layer_to_18_1_with_a_json_report() {
    let dir = scratch("one");
    let input = dir.join("layer.json");
    write(&input, &layer_16("mine"));
    let output = dir.join("new.json");
    let out = navlayer(&[
        "migrate",
        input.to_str().unwrap_or_default(),
        "--to",
        "18.1",
        "-o",
        output.to_str().unwrap_or_default(),
        "--report",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let layer: Value =
        serde_json::from_slice(&std::fs::read(&output).expect("written")).expect("json");
    assert_eq!(layer["versions"]["attack"], "18");
    let techniques = layer["techniques"].as_array().expect("techniques");
    let ids: Vec<&str> = techniques
        .iter()
        .filter_map(|t| t["techniqueID"].as_str())
        .collect();
    assert_eq!(ids, ["T1574.001", "T1112", "T1082"]);
    // Merge rule: highest score, comments joined.
    assert_eq!(techniques[0]["score"], 5);
    assert_eq!(techniques[0]["comment"], "side-loading\n\nsearch order");
    assert_eq!(techniques[1]["color"], "#ff0000");

    let report: Value = serde_json::from_slice(&out.stdout).expect("json report");
    let r = &report[0];
    assert_eq!(r["from"], "16.1");
    assert_eq!(r["to"], "18.1");
    assert_eq!(r["input_entries"], 4);
    assert_eq!(r["output_entries"], 3);
    let changes: Vec<&str> = r["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .filter_map(|e| e["change"].as_str())
        .collect();
    assert_eq!(changes, ["revoked", "major", "major", "major"]);
    assert_eq!(
        r["merges"][0]["source_ids"],
        json!(["T1574.002@persistence", "T1574.001@persistence"])
    );

    // The output is never overwritten without --force.
    let again = navlayer(&[
        "migrate",
        input.to_str().unwrap_or_default(),
        "--to",
        "18.1",
        "-o",
        output.to_str().unwrap_or_default(),
    ]);
    assert_eq!(again.status.code(), Some(2));
    assert!(
        text(&again.stderr).contains("--force"),
        "{}",
        text(&again.stderr)
    );
}

#[test]
fn migrates_several_files_into_a_folder_with_a_markdown_report() {
    let dir = scratch("many");
    let a = dir.join("a.json");
    let b = dir.join("b.json");
    write(&a, &layer_16("a"));
    let mut old = layer_16("b");
    old["versions"]["attack"] = json!("8");
    write(&b, &old);
    let out_dir = dir.join("out");
    let report = dir.join("report.md");
    let out = navlayer(&[
        "migrate",
        a.to_str().unwrap_or_default(),
        b.to_str().unwrap_or_default(),
        "--to",
        "17.1",
        "--out-dir",
        out_dir.to_str().unwrap_or_default(),
        "--report",
        "md",
        "--report-file",
        report.to_str().unwrap_or_default(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    for name in ["a.json", "b.json"] {
        let layer: Value =
            serde_json::from_slice(&std::fs::read(out_dir.join(name)).expect("written"))
                .expect("json");
        assert_eq!(layer["versions"]["attack"], "17");
    }
    let md = std::fs::read_to_string(&report).expect("report");
    assert!(
        md.contains("| T1574.002@persistence | DLL Side-Loading | revoked |"),
        "{md}"
    );
    // ATT&CK 8 is not in the data folder: the nearest release is used, and the report says so.
    assert!(
        md.contains("ATT&CK 8 is not in the data folder; 16.1 was used"),
        "{md}"
    );

    let strict = navlayer(&[
        "migrate",
        b.to_str().unwrap_or_default(),
        "--to",
        "17.1",
        "--strict-source",
    ]);
    assert_eq!(strict.status.code(), Some(1));
}

#[test]
fn a_layer_without_a_release_needs_from() {
    let dir = scratch("norelease");
    let input = dir.join("layer.json");
    let mut l = layer_16("x");
    l.as_object_mut().map(|o| o.remove("versions"));
    write(&input, &l);
    let out = navlayer(&[
        "migrate",
        input.to_str().unwrap_or_default(),
        "--to",
        "18.1",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("pass --from X.Y"),
        "{}",
        text(&out.stderr)
    );
    let ok = navlayer(&[
        "migrate",
        input.to_str().unwrap_or_default(),
        "--from",
        "16.1",
        "--to",
        "18.1",
    ]);
    assert_eq!(ok.status.code(), Some(0), "{}", text(&ok.stderr));
    assert!(text(&ok.stdout).contains(
        "T1574.002@persistence DLL Side-Loading: revoked replaced -> T1574.001@persistence"
    ));
    // A release missing from the data folder is an I/O-class error.
    let missing = navlayer(&[
        "migrate",
        input.to_str().unwrap_or_default(),
        "--from",
        "16.1",
        "--to",
        "15.1",
    ]);
    assert_eq!(missing.status.code(), Some(2));
}

#[test]
fn release_diff_as_markdown_json_html_and_layer() {
    let md = navlayer(&["release-diff", "16.1", "17.1"]);
    assert_eq!(md.status.code(), Some(0), "{}", text(&md.stderr));
    let md = text(&md.stdout);
    // Every object type, with diff_stix's categories; T1574.002 was revoked by T1574.001.
    assert!(md.contains("| Detection Strategies |"), "{md}");
    assert!(
        md.contains("- T1574.002 DLL Side-Loading (v2.0 → v2.1; revoked by T1574.001 DLL)"),
        "{md}"
    );
    assert!(md.contains("## Contributors to this release"), "{md}");

    let json_out = navlayer(&[
        "release-diff",
        "17.1",
        "18.1",
        "--domain",
        "mobile",
        "--format",
        "json",
    ]);
    assert_eq!(
        json_out.status.code(),
        Some(0),
        "{}",
        text(&json_out.stderr)
    );
    let d: Value = serde_json::from_slice(&json_out.stdout).expect("json");
    assert_eq!(d["domains"][0]["domain"], "mobile-attack");
    let ids = |t: &str, c: &str| -> Vec<String> {
        d["domains"][0]["types"][t][c]
            .as_array()
            .expect("list")
            .iter()
            .filter_map(|i| i["attack_id"].as_str().map(String::from))
            .collect()
    };
    assert_eq!(ids("techniques", "additions"), ["T1676"]);
    assert_eq!(ids("subtechniques", "additions"), ["T1636.005"]);

    let groups = navlayer(&[
        "release-diff",
        "17.1",
        "18.1",
        "--types",
        "groups",
        "--format",
        "json",
    ]);
    assert_eq!(groups.status.code(), Some(0), "{}", text(&groups.stderr));
    let g: Value = serde_json::from_slice(&groups.stdout).expect("json");
    let types: Vec<&String> = g["domains"][0]["types"]
        .as_object()
        .expect("types")
        .keys()
        .collect();
    assert_eq!(types, ["groups"]);
    assert_eq!(
        g["domains"][0]["types"]["groups"]["additions"]
            .as_array()
            .map(Vec::len),
        Some(6)
    );
    let bad = navlayer(&["release-diff", "17.1", "18.1", "--types", "widgets"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        text(&bad.stderr).contains("data-components"),
        "{}",
        text(&bad.stderr)
    );

    let layer = navlayer(&["release-diff", "17.1", "18.1", "--format", "layer"]);
    assert_eq!(layer.status.code(), Some(0), "{}", text(&layer.stderr));
    let l: Value = serde_json::from_slice(&layer.stdout).expect("layer json");
    assert_eq!(l["versions"]["attack"], "18");
    assert!(l["versions"]["navigator"].is_string());
    let entries = l["techniques"].as_array().expect("t");
    // T1677 is new in 18.1: green, diff_stix's additions colour, once per tactic.
    let t1677: Vec<&Value> = entries
        .iter()
        .filter(|t| t["techniqueID"] == "T1677")
        .collect();
    assert!(!t1677.is_empty());
    assert!(t1677
        .iter()
        .all(|t| t["color"] == "#a1d99b" && t["tactic"].is_string()));
    assert_eq!(l["legendItems"].as_array().map(Vec::len), Some(6));

    let all = navlayer(&[
        "release-diff",
        "17.1",
        "18.1",
        "--all-domains",
        "--format",
        "layer",
    ]);
    assert_eq!(all.status.code(), Some(0), "{}", text(&all.stderr));
    let layers: Value = serde_json::from_slice(&all.stdout).expect("layers");
    let domains: Vec<&str> = layers
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|l| l["domain"].as_str())
        .collect();
    assert_eq!(
        domains,
        ["enterprise-attack", "mobile-attack"],
        "ICS has no 17.1 here"
    );

    let html = navlayer(&["release-diff", "17.1", "18.1", "--format", "html"]);
    assert_eq!(html.status.code(), Some(0), "{}", text(&html.stderr));
    let page = text(&html.stdout);
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(page.contains("ATT&amp;CK changes from 17.1 to 18.1"));
    assert!(
        !page.contains("<script") && !page.contains("http"),
        "self-contained, no script"
    );
}
