//! `navlayer generate`: the binary writes attack.mitre.org's layers byte for byte, to stdout or a
//! file, refuses to overwrite without --force, fails with exit 1 on unusable objects, and
//! `generate all` writes every layer under the website's file names.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn navlayer(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_navlayer"))
        .arg("--data")
        .arg(navlayer_testdata::attack_data_dir())
        .arg("--offline")
        .args(args)
        .output()
        .expect("run navlayer")
}

fn expected(name: &str) -> Vec<u8> {
    std::fs::read(
        navlayer_testdata::reference_dir()
            .join("expected")
            .join(name),
    )
    .unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn temp_dir() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}

#[test]
fn mitigation_to_stdout_is_the_expected_file() {
    let o = navlayer(&[
        "--attack-version",
        "18.1",
        "generate",
        "mitigation",
        "M1038",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        o.stdout,
        expected("enterprise-attack-18.1__M1038-enterprise-layer.json")
    );
}

#[test]
fn group_ics_asset_and_mobile_software() {
    for (args, file) in [
        (
            vec!["generate", "group", "G0016"],
            "enterprise-attack-18.1__G0016-enterprise-layer.json",
        ),
        (
            vec!["--domain", "ics", "generate", "asset", "A0003"],
            "ics-attack-18.1__A0003-ics-layer.json",
        ),
        (
            vec![
                "--domain",
                "mobile",
                "--attack-version",
                "18.1",
                "generate",
                "software",
                "S1061",
            ],
            "mobile-attack-18.1__S1061-mobile-layer.json",
        ),
    ] {
        let o = navlayer(&args);
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
        assert_eq!(o.stdout, expected(file), "{args:?}");
    }
}

#[test]
fn output_file_is_written_and_not_overwritten_without_force() {
    let dir = temp_dir();
    let file = dir.path().join("C0024.json");
    let f = file.to_str().expect("utf-8 path");
    let o = navlayer(&["generate", "campaign", "C0024", "-o", f]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(o.stdout.is_empty());
    let want = expected("enterprise-attack-18.1__C0024-enterprise-layer.json");
    assert_eq!(std::fs::read(&file).expect("written"), want);

    std::fs::write(&file, b"keep me").expect("overwrite fixture");
    let o = navlayer(&["generate", "campaign", "C0024", "-o", f]);
    assert_eq!(o.status.code(), Some(2), "refused: {}", stderr(&o));
    assert!(stderr(&o).contains("--force"), "{}", stderr(&o));
    assert_eq!(std::fs::read(&file).expect("kept"), b"keep me");

    let o = navlayer(&["generate", "campaign", "C0024", "-o", f, "--force"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(std::fs::read(&file).expect("replaced"), want);
}

#[test]
fn versions_block_options() {
    let o = navlayer(&[
        "generate",
        "software",
        "S0154",
        "--navigator-version",
        "5.1.0",
        "--layer-version",
        "4.4",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = String::from_utf8(o.stdout).expect("utf-8");
    assert!(
        text.contains(r#""versions": {"layer": "4.4", "attack": "18", "navigator": "5.1.0"}"#),
        "{text:.300}"
    );
}

#[test]
fn unusable_objects_fail_with_exit_1_and_a_message() {
    // Unknown ID, with suggestions.
    let o = navlayer(&["generate", "mitigation", "M9999"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("M9999"), "{}", stderr(&o));
    // Wrong kind: a group asked as a mitigation, with the right command suggested.
    let o = navlayer(&["generate", "mitigation", "G0016"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("navlayer generate group G0016"),
        "{}",
        stderr(&o)
    );
    // Not a layer kind at all.
    let o = navlayer(&["generate", "group", "T1059"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("technique"), "{}", stderr(&o));
    assert!(o.stdout.is_empty());
}

/// An object used in no technique of the domain: a clear message and exit 1 (no layer). In ICS
/// 18.1, APT38 (G0082) and Software Configuration (M0954) are such objects (the website publishes
/// no ICS layer for them; `generate all` skips them).
#[test]
fn object_without_techniques_fails_with_exit_1() {
    let dir = temp_dir();
    for (kind, id) in [("group", "G0082"), ("mitigation", "M0954")] {
        let file = dir.path().join(format!("{id}.json"));
        let o = navlayer(&[
            "--domain",
            "ics",
            "generate",
            kind,
            id,
            "-o",
            file.to_str().expect("utf-8"),
        ]);
        assert_eq!(o.status.code(), Some(1), "{id}: {}", stderr(&o));
        let err = stderr(&o);
        assert!(
            err.contains(id) && err.contains("no ICS technique"),
            "{err}"
        );
        assert!(!file.exists(), "no file for {id}");
    }
}

fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("out dir")
        .flatten()
        .map(|e| e.path())
        .collect();
    v.sort();
    v
}

#[test]
fn all_writes_every_layer_with_website_names() {
    let dir = temp_dir();
    let out = dir.path().join("layers");
    let o_str = out.to_str().expect("utf-8");
    let o = navlayer(&["--domain", "ics", "generate", "all", "--out-dir", o_str]);
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("wrote 107 layers"), "{err}");
    assert!(err.contains("skipped 15 object(s)"), "{err}");
    let files = files_in(&out);
    assert_eq!(files.len(), 107);
    assert!(files
        .iter()
        .all(|f| f.to_string_lossy().ends_with("-ics-layer.json")));
    assert_eq!(
        std::fs::read(out.join("A0003-ics-layer.json")).expect("A0003"),
        expected("ics-attack-18.1__A0003-ics-layer.json")
    );
    assert_eq!(
        std::fs::read(out.join("M0930-ics-layer.json")).expect("M0930"),
        expected("ics-attack-18.1__M0930-ics-layer.json")
    );

    // A second run refuses to overwrite (exit 2) and leaves the files alone.
    std::fs::write(out.join("A0003-ics-layer.json"), b"mine").expect("fixture");
    let o = navlayer(&["--domain", "ics", "generate", "all", "--out-dir", o_str]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("--force"));
    assert_eq!(
        std::fs::read(out.join("A0003-ics-layer.json")).expect("kept"),
        b"mine"
    );
    let o = navlayer(&[
        "--domain",
        "ics",
        "generate",
        "all",
        "--out-dir",
        o_str,
        "--force",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        std::fs::read(out.join("A0003-ics-layer.json")).expect("A0003"),
        expected("ics-attack-18.1__A0003-ics-layer.json")
    );
    // No temporary files left behind.
    assert_eq!(files_in(&out).len(), 107);
}

#[test]
fn all_with_kinds_writes_only_those() {
    let dir = temp_dir();
    let out = dir.path().join("k");
    let o = navlayer(&[
        "generate",
        "all",
        "--out-dir",
        out.to_str().expect("utf-8"),
        "--kind",
        "mitigation",
        "--kind",
        "campaign",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let files = files_in(&out);
    assert!(files.len() > 40, "{}", files.len());
    assert!(files.iter().all(|f| {
        let n = f.file_name().and_then(|n| n.to_str()).unwrap_or("");
        n.starts_with('M') || n.starts_with('C')
    }));
    assert_eq!(
        std::fs::read(out.join("M1038-enterprise-layer.json")).expect("M1038"),
        expected("enterprise-attack-18.1__M1038-enterprise-layer.json")
    );
    assert_eq!(
        std::fs::read(out.join("C0024-enterprise-layer.json")).expect("C0024"),
        expected("enterprise-attack-18.1__C0024-enterprise-layer.json")
    );
    // An unknown kind is a usage error.
    let o = navlayer(&[
        "generate",
        "all",
        "--out-dir",
        out.to_str().expect("utf-8"),
        "--kind",
        "tactic",
    ]);
    assert_eq!(o.status.code(), Some(2));
}
