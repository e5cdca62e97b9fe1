//! `navlayer validate` and `navlayer convert`, run as the built binary on real layer files.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn navlayer(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_navlayer"))
        .args(args)
        .env_remove("NAVLAYER_DATA")
        .env("NAVLAYER_OFFLINE", "1")
        .output()
        .expect("runs navlayer")
}

fn corpus(rel: &str) -> String {
    let p = navlayer_testdata::layers_corpus_dir().join(rel);
    assert!(p.is_file(), "missing corpus file {}", p.display());
    p.display().to_string()
}

fn data() -> String {
    navlayer_testdata::attack_data_dir().display().to_string()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

const CLEAN_17: &str = "1402307692__lsatk/layer.json";
const OLD_21: &str = "Clarke-AU__test/layer.json";
const BAD_SCORES: &str =
    "center-for-threat-informed-defense__security-stack-mappings/mappings__AWS__layers__tags__Amazon_Inspector.json";
const EMPTY: &str = "SigmaHQ__sigma/at-d25b4a98__other__sigma_attack_nav_coverage.json";

#[test]
fn validate_exit_codes() {
    let ok = navlayer(&["validate", &corpus(CLEAN_17)]);
    assert_eq!(ok.status.code(), Some(0), "{}", stdout(&ok));
    assert!(stdout(&ok).contains("0 error(s)"), "{}", stdout(&ok));

    let bad = navlayer(&["validate", &corpus(CLEAN_17), &corpus(BAD_SCORES)]);
    assert_eq!(bad.status.code(), Some(1));
    let out = stdout(&bad);
    assert!(
        out.contains(
            "/techniques/0/score: error: score is the string \"Partial\", which is not a number"
        ),
        "{out}"
    );
    assert!(
        out.contains("2 file(s): 1 without errors, 1 with errors"),
        "{out}"
    );

    let invalid = navlayer(&["validate", &corpus(EMPTY)]);
    assert_eq!(invalid.status.code(), Some(1));
    assert!(stdout(&invalid).contains(":2:1: invalid JSON: the file is empty"));

    let missing = navlayer(&["validate", "/nonexistent/layer.json"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(stdout(&missing).contains("cannot read the file"));

    let usage = navlayer(&["validate"]);
    assert_eq!(usage.status.code(), Some(2));
}

#[test]
fn validate_json_lists_findings_per_file() {
    let o = navlayer(&[
        "validate",
        "--format",
        "json",
        &corpus(OLD_21),
        &corpus(BAD_SCORES),
        &corpus(EMPTY),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON output");
    let files = v["files"].as_array().expect("files");
    assert_eq!(files.len(), 3);
    assert_eq!(files[0]["ok"], true);
    assert_eq!(files[0]["layers"][0]["original_version"], "2.1");
    let upgrades = files[0]["layers"][0]["upgrades"]
        .as_array()
        .expect("upgrades");
    assert!(upgrades
        .iter()
        .any(|u| u.as_str().is_some_and(|u| u.contains("mitre-enterprise"))));
    assert_eq!(files[1]["ok"], false);
    let findings = files[1]["layers"][0]["findings"]
        .as_array()
        .expect("findings");
    assert!(findings
        .iter()
        .any(|f| f["severity"] == "error" && f["pointer"] == "/techniques/0/score"));
    assert_eq!(files[2]["error"]["kind"], "json");
    assert_eq!(v["summary"]["failed"], 2);
}

#[test]
fn validate_with_data_uses_the_layers_release() {
    let o = navlayer(&["--data", &data(), "validate", &corpus(CLEAN_17)]);
    let out = stdout(&o);
    assert!(
        out.contains("checked against enterprise-attack 17.1"),
        "{out}"
    );

    let dir = tempfile::tempdir().expect("tempdir");
    let layer = dir.path().join("l.json");
    std::fs::write(
        &layer,
        r#"{"name":"t","versions":{"attack":"18","layer":"4.5","navigator":"5.1.0"},"domain":"enterprise-attack",
           "filters":{"platforms":["Windows","Amiga"]},
           "techniques":[{"techniqueID":"T1086","tactic":"execution"},
                         {"techniqueID":"T1059","tactic":"persistence"},
                         {"techniqueID":"T9999"},
                         {"techniqueID":"T1003.001","tactic":"credential-access","score":5}]}"#,
    )
    .expect("write");
    let o = navlayer(&["--data", &data(), "validate", &layer.display().to_string()]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(
        out.contains("checked against enterprise-attack 18.1"),
        "{out}"
    );
    assert!(out.contains("/techniques/0/techniqueID: warning: T1086 (PowerShell) is revoked in enterprise-attack 18.1; replaced by T1059.001"), "{out}");
    assert!(out.contains("/techniques/1/tactic: error: T1059 (Command and Scripting Interpreter) is not in tactic persistence"), "{out}");
    assert!(
        out.contains(
            "/techniques/2/techniqueID: error: T9999 is not a technique in enterprise-attack 18.1"
        ),
        "{out}"
    );
    assert!(
        out.contains("/filters/platforms/1: warning: platform \"Amiga\" is unknown"),
        "{out}"
    );
    assert!(!out.contains("/techniques/3"), "{out}");
}

fn tmp_out(dir: &Path, name: &str) -> PathBuf {
    dir.join(name)
}

#[test]
fn convert_writes_45_and_never_overwrites_without_force() {
    let o = navlayer(&["convert", &corpus(OLD_21)]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_eq!(v["versions"]["layer"], "4.5");
    assert_eq!(v["domain"], "enterprise-attack");
    assert!(v.get("version").is_none() && v.get("viewMode").is_none());
    assert!(v["filters"].get("stages").is_none());
    assert!(String::from_utf8_lossy(&o.stderr).contains("upgraded: format 2.1"));
    let pretty = stdout(&o);
    assert!(
        pretty.starts_with("{\n\t\"name\""),
        "tabs, as the Navigator writes: {pretty}"
    );

    let dir = tempfile::tempdir().expect("tempdir");
    let out = tmp_out(dir.path(), "out.json");
    let out_s = out.display().to_string();
    let o = navlayer(&[
        "convert",
        &corpus(OLD_21),
        "-o",
        &out_s,
        "--style",
        "compact",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let written = std::fs::read_to_string(&out).expect("written");
    assert_eq!(written.lines().count(), 1);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&written).expect("JSON"),
        v
    );

    std::fs::write(&out, "keep me").expect("write");
    let o = navlayer(&["convert", &corpus(OLD_21), "-o", &out_s]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--force"));
    assert_eq!(std::fs::read_to_string(&out).expect("read"), "keep me");
    let o = navlayer(&[
        "convert",
        &corpus(OLD_21),
        "-o",
        &out_s,
        "--force",
        "--quiet",
    ]);
    assert_eq!(o.status.code(), Some(0));
    assert!(o.stderr.is_empty());
    assert_eq!(std::fs::read_to_string(&out).expect("read"), pretty);

    // The converted file validates and reads as format 4.5 with no upgrade left.
    let o = navlayer(&["validate", "--format", "json", &out_s]);
    let r: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_eq!(r["files"][0]["layers"][0]["original_version"], "4.5");
    assert_eq!(
        r["files"][0]["layers"][0]["upgrades"]
            .as_array()
            .map(Vec::len),
        Some(0)
    );

    let o = navlayer(&["convert", &corpus(EMPTY)]);
    assert_eq!(o.status.code(), Some(1));
}
