//! What the other tools see in navlayer's outputs (issue 13's interop fixes): converted layers
//! name the Navigator version and are indented as the Navigator writes them; migrated layers
//! select only platforms the target release has, so the Navigator draws every annotated cell.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn navlayer(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_navlayer"))
        .arg("--data")
        .arg(navlayer_testdata::attack_data_dir())
        .args(args)
        .env_remove("NAVLAYER_DATA")
        .output()
        .expect("runs navlayer")
}

fn corpus(path: &str) -> String {
    navlayer_testdata::layers_corpus_dir()
        .join(path)
        .display()
        .to_string()
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("navlayer-interop-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn convert_names_the_navigator_version_and_indents_by_tabs() {
    // A format 3.0 layer: `version` only, no `versions` object.
    let out = navlayer(&[
        "convert",
        &corpus("scythe-io__community-threats/Ryuk__Ryuk_ATT&CK_Navigator.json"),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let written = text(&out.stdout);
    assert!(
        written.starts_with("{\n\t\"name\": "),
        "tabs, as the Navigator writes: {}",
        &written[..40.min(written.len())]
    );
    let layer: Value = serde_json::from_str(&written).expect("json");
    assert_eq!(layer["versions"]["navigator"], "5.3.2");
    assert_eq!(layer["versions"]["layer"], "4.5");
    // Its own navigator version is kept.
    let out = navlayer(&[
        "convert",
        &corpus("1402307692__lsatk/layer.json"),
        "--style",
        "spaces",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let written = text(&out.stdout);
    assert!(written.starts_with("{\n    \"name\": "));
    let layer: Value = serde_json::from_str(&written).expect("json");
    let original: Value = serde_json::from_slice(
        &std::fs::read(navlayer_testdata::layers_corpus_dir().join("1402307692__lsatk/layer.json"))
            .expect("read"),
    )
    .expect("json");
    assert_eq!(
        layer["versions"]["navigator"],
        original["versions"]["navigator"]
    );
    // navlayer's own validate no longer warns about it.
    let dir = scratch("convert");
    let file = dir.join("ryuk.json");
    let out = navlayer(&[
        "convert",
        &corpus("scythe-io__community-threats/Ryuk__Ryuk_ATT&CK_Navigator.json"),
        "-o",
        &file.display().to_string(),
    ]);
    assert_eq!(out.status.code(), Some(0));
    let v = navlayer(&["validate", &file.display().to_string(), "--format", "json"]);
    assert!(
        !text(&v.stdout).contains("navigator"),
        "{}",
        text(&v.stdout)
    );
}

/// Platforms of every technique of the release, by ATT&CK ID.
fn technique_platforms(path: &Path) -> std::collections::HashMap<String, Vec<String>> {
    let bundle: Value = serde_json::from_slice(&std::fs::read(path).expect("read")).expect("json");
    let mut map = std::collections::HashMap::new();
    for o in bundle["objects"].as_array().expect("objects") {
        if o["type"] != "attack-pattern" || o["revoked"] == true || o["x_mitre_deprecated"] == true
        {
            continue;
        }
        let id = o["external_references"][0]["external_id"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let platforms = o["x_mitre_platforms"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|p| p.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default();
        map.insert(id, platforms);
    }
    map
}

#[test]
fn migrate_remaps_platforms_the_target_release_no_longer_has() {
    // A 4.3 layer selecting Office 365, SaaS, Google Workspace, IaaS and Azure AD, with T1484 and
    // its sub-techniques annotated.
    let input = corpus("center-for-threat-informed-defense__cloud-analytics/analytics__cloud_analytics_sigma_rules_heatmap.json");
    let dir = scratch("platforms");
    let out_file = dir.join("migrated.json");
    let report_file = dir.join("report.json");
    let out = navlayer(&[
        "migrate",
        &input,
        "--to",
        "18.1",
        "-o",
        &out_file.display().to_string(),
        "--report",
        "json",
        "--report-file",
        &report_file.display().to_string(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let layer: Value =
        serde_json::from_slice(&std::fs::read(&out_file).expect("migrated")).expect("json");
    let selected: Vec<&str> = layer["filters"]["platforms"]
        .as_array()
        .expect("platforms")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(
        selected,
        ["Office Suite", "SaaS", "IaaS", "Identity Provider"]
    );
    // The Navigator draws an entry when one of its technique's platforms is selected: with the
    // old names kept it hid T1484 and some of its sub-techniques; now it draws every one
    // that is on a platform the layer chose, in new or old name.
    let original: Value =
        serde_json::from_slice(&std::fs::read(&input).expect("input")).expect("json");
    let old_names: Vec<&str> = original["filters"]["platforms"]
        .as_array()
        .expect("platforms")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let platforms = technique_platforms(&navlayer_testdata::bundle_path(
        "enterprise-attack-18.1.json",
    ));
    let entries = layer["techniques"].as_array().expect("techniques");
    let drawn = |names: &[&str]| -> Vec<String> {
        entries
            .iter()
            .filter_map(|t| t["techniqueID"].as_str())
            .filter(|id| platforms[*id].iter().any(|p| names.contains(&p.as_str())))
            .map(String::from)
            .collect()
    };
    let before = drawn(&old_names);
    let after = drawn(&selected);
    assert_eq!(entries.len(), 22);
    assert!(before.len() < after.len(), "{before:?} vs {after:?}");
    assert!(!before.contains(&"T1484".to_string()) && after.contains(&"T1484".to_string()));
    assert!(before.iter().all(|id| after.contains(id)));
    for t in entries.iter().filter_map(|t| t["techniqueID"].as_str()) {
        if !after.iter().any(|a| a == t) {
            // Hidden only when on no platform the layer chose (T1484.001 is Windows-only).
            assert_eq!(platforms[t], ["Windows"], "{t}");
        }
    }
    // Each change is reported.
    let report: Value =
        serde_json::from_slice(&std::fs::read(&report_file).expect("report")).expect("json");
    let report = if report.is_array() {
        report[0].clone()
    } else {
        report
    };
    let changes = report["layers"][0]["platforms"]
        .as_array()
        .or_else(|| report["platforms"].as_array())
        .expect("platform changes");
    let pairs: Vec<(String, String)> = changes
        .iter()
        .map(|c| {
            (
                c["from"].as_str().unwrap_or("").into(),
                c["to"].as_str().unwrap_or("-").into(),
            )
        })
        .collect();
    assert_eq!(
        pairs,
        [
            ("Office 365".to_string(), "Office Suite".to_string()),
            ("Google Workspace".into(), "Office Suite".into()),
            ("Azure AD".into(), "Identity Provider".into()),
        ]
    );
}
