//! The layer-operation commands (combine, union, intersect, subtract, diff, filter, stats) run
//! through the built binary on layers the tests write, on the shared ATT&CK data and on real
//! layers of the shared corpus.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use navlayer_attack::ObjectKind;
use serde_json::{json, Value};

fn navlayer(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_navlayer"))
        .args(args)
        .env_remove("NAVLAYER_DATA")
        .env("NAVLAYER_OFFLINE", "1")
        .output()
        .expect("run navlayer")
}

fn data_dir() -> String {
    navlayer_testdata::attack_data_dir().display().to_string()
}

fn write(dir: &Path, name: &str, layer: Value) -> String {
    let path = dir.join(name);
    std::fs::write(&path, serde_json::to_vec_pretty(&layer).unwrap()).unwrap();
    path.display().to_string()
}

fn layer(name: &str, domain: &str, techniques: Value) -> Value {
    json!({
        "name": name,
        "versions": {"layer": "4.5", "attack": "18"},
        "domain": domain,
        "techniques": techniques,
    })
}

fn stdout_json(out: &Output) -> Value {
    assert!(
        out.status.success(),
        "exit {:?}: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON on stdout")
}

fn scores(layer: &Value) -> Vec<(String, Option<String>, Option<f64>)> {
    layer["techniques"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["techniqueID"].as_str().unwrap().to_string(),
                e["tactic"].as_str().map(String::from),
                e["score"].as_f64(),
            )
        })
        .collect()
}

struct Fixture {
    _dir: tempfile::TempDir,
    path: PathBuf,
    a: String,
    b: String,
    mobile: String,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().to_path_buf();
    let a = write(
        &path,
        "a.json",
        layer(
            "A",
            "enterprise-attack",
            json!([
                {"techniqueID": "T1059", "score": 1, "comment": "a's comment"},
                {"techniqueID": "T1003", "score": 4},
                {"techniqueID": "T1078", "tactic": "persistence", "score": 2}
            ]),
        ),
    );
    let b = write(
        &path,
        "b.json",
        layer(
            "B",
            "enterprise-attack",
            json!([
                {"techniqueID": "T1059", "score": 3, "color": "#ff0000"},
                {"techniqueID": "T1078", "score": 10}
            ]),
        ),
    );
    let mobile = write(
        &path,
        "m.json",
        layer(
            "M",
            "mobile-attack",
            json!([{"techniqueID": "T1404", "score": 1}]),
        ),
    );
    Fixture {
        _dir: dir,
        path,
        a,
        b,
        mobile,
    }
}

#[test]
fn combine_computes_scores_by_hand() {
    let f = fixture();
    let out = navlayer(&["combine", "--expr", "a * 10 + b", &f.a, &f.b]);
    let l = stdout_json(&out);
    // T1059: 1*10 + 3; T1003: 4*10 + 0; T1078: rest 0*10 + 10, persistence 2*10 + 10.
    assert_eq!(
        scores(&l),
        vec![
            ("T1059".into(), None, Some(13.0)),
            ("T1003".into(), None, Some(40.0)),
            ("T1078".into(), None, Some(10.0)),
            ("T1078".into(), Some("persistence".into()), Some(30.0)),
        ]
    );
    assert_eq!(l["name"], "layer by operation");
    assert_eq!(l["gradient"]["minValue"], 10);
    assert_eq!(l["gradient"]["maxValue"], 40);

    let out = navlayer(&[
        "combine",
        "--expr",
        "a > b",
        &f.a,
        &f.b,
        "--name",
        "gt",
        "--inherit",
        "comments=a",
        "--inherit",
        "colors=b",
    ]);
    let l = stdout_json(&out);
    assert_eq!(l["name"], "gt");
    let t1059 = &l["techniques"][0];
    assert_eq!(t1059["score"], 0);
    assert_eq!(t1059["comment"], "a's comment");
    assert_eq!(t1059["color"], "#ff0000");
    assert_eq!(l["gradient"]["colors"], json!(["#ffffff00", "#66b1ffff"]));
}

#[test]
fn combine_rejects_bad_input_with_exit_1() {
    let f = fixture();
    let out = navlayer(&["combine", "--expr", "a +* b", &f.a, &f.b]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("column 4") && err.contains("     ^"), "{err}");

    let out = navlayer(&["combine", "--expr", "a + c", &f.a, &f.b]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("variable c has no layer"), "{err}");

    let out = navlayer(&["combine", "--expr", "a + b", &f.a, &f.mobile]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("do not share a domain") && err.contains("mobile-attack"),
        "{err}"
    );

    let out = navlayer(&["combine", "--expr", "a / (b - 3)", &f.a, &f.b]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("T1059") && err.contains("Infinity"), "{err}");

    let out = navlayer(&["combine", "--expr", "foo(a)", &f.a]);
    assert_eq!(out.status.code(), Some(1));

    // A missing file is an I/O error.
    let missing = f.path.join("missing.json").display().to_string();
    let out = navlayer(&["combine", "--expr", "a", &missing]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn combine_constant_scores_every_technique_of_the_release() {
    let f = fixture();
    let data = data_dir();
    let out = navlayer(&[
        "--data",
        &data,
        "--attack-version",
        "18.1",
        "combine",
        "--expr",
        "7",
        &f.a,
    ]);
    let l = stdout_json(&out);
    let catalogue = navlayer_testdata::catalogue("enterprise-attack-18.1.json");
    let expected: std::collections::BTreeSet<String> = catalogue
        .active_techniques()
        .filter_map(|id| catalogue.object(id).attack_id.clone())
        .collect();
    let got: std::collections::BTreeSet<String> = scores(&l).into_iter().map(|s| s.0).collect();
    assert_eq!(got, expected);
    assert!(scores(&l).iter().all(|s| s.2 == Some(7.0)));
}

#[test]
fn set_operations() {
    let f = fixture();
    let u = stdout_json(&navlayer(&["union", &f.a, &f.b, "--score", "sum"]));
    assert_eq!(
        scores(&u),
        vec![
            ("T1059".into(), None, Some(4.0)),
            ("T1003".into(), None, Some(4.0)),
            ("T1078".into(), None, Some(10.0)),
            ("T1078".into(), Some("persistence".into()), Some(12.0)),
        ]
    );
    let i = stdout_json(&navlayer(&["intersect", &f.a, &f.b]));
    assert_eq!(
        scores(&i),
        vec![
            ("T1059".into(), None, Some(3.0)),
            ("T1078".into(), Some("persistence".into()), Some(10.0)),
        ]
    );
    let s = stdout_json(&navlayer(&["subtract", &f.a, &f.b]));
    assert_eq!(scores(&s), vec![("T1003".into(), None, Some(4.0))]);
    assert_eq!(s["name"], "A minus B");
    let out = navlayer(&["union", &f.a, &f.mobile]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn diff_formats() {
    let f = fixture();
    let out = navlayer(&["diff", &f.a, &f.b]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    insta::assert_snapshot!(text);
    let d = stdout_json(&navlayer(&["diff", &f.a, &f.b, "--format", "json"]));
    assert_eq!(d["removed"][0]["technique_id"], "T1003");
    let l = stdout_json(&navlayer(&["diff", &f.a, &f.b, "--format", "layer"]));
    assert_eq!(l["legendItems"].as_array().unwrap().len(), 3);
    let same = navlayer(&["diff", &f.a, &f.a, "--exit-code"]);
    assert_eq!(same.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&same.stdout).contains("0 added, 0 removed, 0 changed"));
    let differ = navlayer(&["diff", &f.a, &f.b, "--exit-code"]);
    assert_eq!(differ.status.code(), Some(1));
}

#[test]
fn filter_keeps_the_platforms_techniques() {
    let f = fixture();
    let catalogue = navlayer_testdata::catalogue("enterprise-attack-18.1.json");
    // Pick, from the data, one sub-technique on Windows only and one not on Windows.
    let platforms_of = |id: &str| {
        catalogue
            .object(catalogue.by_attack_id(id).unwrap())
            .platforms
            .clone()
    };
    let windows_only = catalogue
        .active_techniques()
        .map(|id| catalogue.object(id))
        .find(|o| o.platforms == vec!["Windows".to_string()])
        .and_then(|o| o.attack_id.clone())
        .unwrap();
    let no_windows = catalogue
        .active_techniques()
        .map(|id| catalogue.object(id))
        .find(|o| !o.platforms.is_empty() && !o.platforms.iter().any(|p| p == "Windows"))
        .and_then(|o| o.attack_id.clone())
        .unwrap();
    assert!(!platforms_of(&no_windows).contains(&"Windows".to_string()));
    let file = write(
        &f.path,
        "p.json",
        layer(
            "P",
            "enterprise-attack",
            json!([
                {"techniqueID": windows_only, "score": 1},
                {"techniqueID": no_windows, "score": 2},
                {"techniqueID": "T9999", "score": 3}
            ]),
        ),
    );
    let data = data_dir();
    let out = navlayer(&[
        "--data",
        &data,
        "--attack-version",
        "18.1",
        "filter",
        &file,
        "--platform",
        "windows",
    ]);
    let l = stdout_json(&out);
    assert_eq!(scores(&l), vec![(windows_only.clone(), None, Some(1.0))]);
    assert_eq!(l["filters"]["platforms"], json!(["Windows"]));
    assert!(String::from_utf8_lossy(&out.stderr).contains("T9999"));

    let out = navlayer(&[
        "--data",
        &data,
        "--attack-version",
        "18.1",
        "filter",
        &file,
        "--platform",
        "Amiga",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown platform \"Amiga\""));
}

#[test]
fn stats_counts_against_the_release() {
    let f = fixture();
    let data = data_dir();
    let out = navlayer(&[
        "--data",
        &data,
        "--attack-version",
        "18.1",
        "stats",
        &f.a,
        "--format",
        "json",
    ]);
    let s = stdout_json(&out);
    let catalogue = navlayer_testdata::catalogue("enterprise-attack-18.1.json");
    // Totals straight from the objects, independently of the tactic helpers.
    let count = |short: &str, kind: ObjectKind| {
        catalogue
            .objects()
            .iter()
            .filter(|o| o.kind == kind && o.is_active() && o.tactics.iter().any(|t| t == short))
            .count() as u64
    };
    let tactics = s["tactics"].as_array().unwrap();
    assert_eq!(tactics.len(), catalogue.tactics().len());
    assert_eq!(tactics[0]["shortname"], "reconnaissance");
    for t in tactics {
        let short = t["shortname"].as_str().unwrap();
        assert_eq!(
            t["techniques"]["total"],
            count(short, ObjectKind::Technique),
            "{short}"
        );
        assert_eq!(
            t["subtechniques"]["total"],
            count(short, ObjectKind::SubTechnique),
            "{short}"
        );
    }
    let by_name = |n: &str| tactics.iter().find(|t| t["shortname"] == n).unwrap();
    // T1059 (execution) and T1003 (credential-access) are scored in every tactic; T1078 only
    // in persistence (among its tactics).
    assert_eq!(by_name("execution")["techniques"]["scored"], 1);
    assert_eq!(by_name("execution")["techniques"]["commented"], 1);
    assert_eq!(by_name("credential-access")["techniques"]["scored"], 1);
    assert_eq!(by_name("persistence")["techniques"]["scored"], 1);
    assert_eq!(by_name("defense-evasion")["techniques"]["scored"], 0);
    assert_eq!(s["overall_techniques"]["scored"], 3);

    let csv = navlayer(&[
        "--data",
        &data,
        "--attack-version",
        "18.1",
        "stats",
        &f.a,
        "--format",
        "csv",
    ]);
    assert!(csv.status.success());
    let text = String::from_utf8(csv.stdout).unwrap();
    assert!(text.starts_with("tactic,techniques,scored"));
    assert!(text.contains("\r\noverall,"));
}

#[test]
fn output_files_are_not_overwritten_without_force() {
    let f = fixture();
    let out_path = f.path.join("out.json").display().to_string();
    assert!(navlayer(&["union", &f.a, &f.b, "-o", &out_path])
        .status
        .success());
    let again = navlayer(&["union", &f.a, &f.b, "-o", &out_path]);
    assert_eq!(again.status.code(), Some(2));
    assert!(navlayer(&["union", &f.a, &f.b, "-o", &out_path, "--force"])
        .status
        .success());
}

#[test]
fn real_corpus_layers() {
    let corpus = navlayer_testdata::layers_corpus_dir();
    let manifest = std::fs::read_to_string(corpus.join("MANIFEST.tsv")).unwrap();
    // Enterprise layers of format 4.x with more than 20 entries, as listed by the manifest,
    // grouped by their ATT&CK major version.
    let mut by_version: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for line in manifest.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let ok = cols.len() > 6
            && cols[5] == "enterprise-attack"
            && cols[4].starts_with('4')
            && cols[6].parse::<usize>().is_ok_and(|n| n > 20);
        if !ok {
            continue;
        }
        let path = corpus.join(cols[0]);
        let Ok(v) = serde_json::from_slice::<Value>(&std::fs::read(&path).unwrap()) else {
            continue;
        };
        let major = v["versions"]["attack"]
            .as_str()
            .map(|s| s.split('.').next().unwrap_or("").to_string())
            .unwrap_or_default();
        if !major.is_empty() {
            by_version
                .entry(major)
                .or_default()
                .push(path.display().to_string());
        }
    }
    let (version, files) = by_version
        .iter()
        .max_by_key(|(_, f)| f.len())
        .expect("enterprise 4.x layers in the corpus");
    assert!(
        files.len() >= 3,
        "only {} layers of ATT&CK {version}",
        files.len()
    );
    let files: Vec<&str> = files.iter().take(4).map(String::as_str).collect();
    let n = files.len();

    let args: Vec<&str> = ["union", "--score", "count"]
        .into_iter()
        .chain(files.iter().copied())
        .collect();
    let u = stdout_json(&navlayer(&args));
    let counts: Vec<f64> = u["techniques"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["score"].as_f64())
        .collect();
    assert!(!counts.is_empty());
    assert!(counts.iter().all(|c| *c >= 0.0 && *c <= n as f64));
    for f in &files {
        let same = navlayer(&["diff", f, f, "--exit-code"]);
        assert_eq!(same.status.code(), Some(0), "{f}");
    }
    let expr = ["a", "b", "c", "d"][..n].join(" + ");
    let args: Vec<&str> = ["combine", "--expr", expr.as_str()]
        .into_iter()
        .chain(files.iter().copied())
        .collect();
    stdout_json(&navlayer(&args));

    // Layers of two ATT&CK versions are refused, naming them.
    if let Some((other, more)) = by_version.iter().find(|(v, _)| *v != version) {
        let out = navlayer(&["combine", "--expr", "a + b", files[0], &more[0]]);
        assert_eq!(out.status.code(), Some(1));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("ATT&CK version") && err.contains(other.as_str()),
            "{err}"
        );
    }
}
