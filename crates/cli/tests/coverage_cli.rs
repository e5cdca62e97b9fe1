//! `coverage`, `heatmap` and `gaps` through the built binary: exit codes, outputs, reports, and
//! the heatmap against `query techniques --used-by G --include-campaigns`.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

fn navlayer(args: &[&str]) -> Output {
    let data = navlayer_testdata::attack_data_dir();
    Command::new(env!("CARGO_BIN_EXE_navlayer"))
        .arg("--data")
        .arg(&data)
        .args(args)
        .env_remove("NAVLAYER_DATA")
        .env("NAVLAYER_OFFLINE", "1")
        .output()
        .expect("run navlayer")
}

fn ok(out: &Output) -> &Output {
    assert!(
        out.status.success(),
        "exit {:?}\nstderr: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn json_file(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn rule(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
}

#[test]
fn heatmap_counts_equal_query_used_by_for_sample_groups() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("heat.json");
    let ids = ["G0016", "G0007", "G0032", "G0050"];
    ok(&navlayer(&[
        "heatmap",
        "--only",
        &ids.join(","),
        "-o",
        out.to_str().unwrap(),
    ]));
    let layer = json_file(&out);
    let mut expected: std::collections::BTreeMap<String, f64> = Default::default();
    for g in ids {
        let q = navlayer(&[
            "query",
            "techniques",
            "--used-by",
            g,
            "--include-campaigns",
            "--format",
            "json",
        ]);
        let rows: Value = serde_json::from_slice(&ok(&q).stdout).unwrap();
        for r in rows.as_array().unwrap() {
            *expected
                .entry(r["id"].as_str().unwrap().to_string())
                .or_default() += 1.0;
        }
    }
    let got: std::collections::BTreeMap<String, f64> = layer["techniques"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["techniqueID"].as_str().unwrap().to_string(),
                e["score"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(got, expected);
    assert_eq!(layer["gradient"]["maxValue"].as_f64(), Some(4.0));
}

#[test]
fn coverage_reports_every_file_and_exits_1_on_a_broken_rule() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("rules");
    std::fs::create_dir_all(rules.join("linux")).unwrap();
    rule(
        &rules,
        "a.yml",
        "title: A\nlogsource: {product: windows}\ntags: [attack.t1059.001, attack.execution]\n",
    );
    rule(&rules.join("linux"), "b.yml", "title: B\nlogsource: {product: linux}\nlevel: high\ntags: [attack.t1059.004, attack.t1685]\n");
    rule(&rules, "broken.yml", "title: C\ntags: [attack.t1003\n");
    rule(&rules, "README.md", "# not a rule\n");
    let layer = dir.path().join("layer.json");
    let report = dir.path().join("report.json");
    let out = navlayer(&[
        "coverage",
        "sigma",
        rules.to_str().unwrap(),
        "-o",
        layer.to_str().unwrap(),
        "--report",
        "json",
        "--report-out",
        report.to_str().unwrap(),
    ]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("1 file(s) failed"));
    let r = json_file(&report);
    let files = r["files"].as_array().unwrap();
    assert_eq!(files.len(), 4);
    let broken = files
        .iter()
        .find(|f| f["path"].as_str().unwrap().ends_with("broken.yml"))
        .unwrap();
    assert_eq!(broken["outcome"], "failed");
    assert_eq!(broken["line"], 2);
    assert!(broken["column"].as_u64().is_some());
    let md = files
        .iter()
        .find(|f| f["path"].as_str().unwrap().ends_with("README.md"))
        .unwrap();
    assert_eq!(md["outcome"], "skipped");
    assert!(r["ids"]
        .as_array()
        .unwrap()
        .iter()
        .any(|i| i["id"] == "T1685" && i["status"] == "unknown"));
    let ids: BTreeSet<String> = json_file(&layer)["techniques"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["techniqueID"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        ids,
        BTreeSet::from(["T1059.001".to_string(), "T1059.004".to_string()])
    );

    // Linux only: the Windows rule is left out; --strict fails on the unknown ID.
    std::fs::remove_file(rules.join("broken.yml")).unwrap();
    let linux = dir.path().join("linux.json");
    ok(&navlayer(&[
        "coverage",
        "sigma",
        rules.to_str().unwrap(),
        "--platform",
        "Linux",
        "-o",
        linux.to_str().unwrap(),
    ]));
    let l = json_file(&linux);
    assert_eq!(l["techniques"].as_array().unwrap().len(), 1);
    assert_eq!(l["techniques"][0]["techniqueID"], "T1059.004");
    assert_eq!(l["filters"]["platforms"][0], "Linux");
    let strict = navlayer(&[
        "coverage",
        "sigma",
        rules.to_str().unwrap(),
        "--strict",
        "-o",
        dir.path().join("s.json").to_str().unwrap(),
    ]);
    assert_eq!(strict.status.code(), Some(1));
    // The layer and the report cannot both go to stdout; outputs are not overwritten.
    let both = navlayer(&[
        "coverage",
        "sigma",
        rules.to_str().unwrap(),
        "--report",
        "md",
    ]);
    assert_eq!(both.status.code(), Some(2));
    let again = navlayer(&[
        "coverage",
        "sigma",
        rules.to_str().unwrap(),
        "-o",
        linux.to_str().unwrap(),
    ]);
    assert_eq!(again.status.code(), Some(2));
    let bad = navlayer(&[
        "coverage",
        "sigma",
        rules.to_str().unwrap(),
        "--platform",
        "Amiga",
    ]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("unknown platform"));
}

#[test]
fn gaps_of_groups_against_a_coverage_list() {
    let dir = tempfile::tempdir().unwrap();
    let p = |n: &str| dir.path().join(n).display().to_string();
    ok(&navlayer(&[
        "heatmap",
        "--only",
        "G0016,G0007",
        "-o",
        &p("threat.json"),
    ]));
    std::fs::write(
        dir.path().join("mine.csv"),
        "technique,score\nT1059.001,3\nT1566,1\nT1078,0\n",
    )
    .unwrap();
    ok(&navlayer(&[
        "coverage",
        "list",
        &p("mine.csv"),
        "-o",
        &p("mine.json"),
    ]));
    let out = ok(&navlayer(&[
        "gaps",
        &p("threat.json"),
        &p("mine.json"),
        "-o",
        &p("gaps.json"),
        "--report",
        "csv",
    ]))
    .stdout
    .clone();
    let csv = String::from_utf8(out).unwrap();
    assert!(csv.starts_with("rank,technique,name,tactics,threat,groups,severity"));
    assert!(
        !csv.contains(",T1059.001,"),
        "covered technique listed as a gap"
    );
    assert!(csv.contains(",T1078,"), "a score of 0 does not cover");
    let layer = json_file(&dir.path().join("gaps.json"));
    assert!(layer["legendItems"].as_array().unwrap().len() == 5);
    let md = ok(&navlayer(&[
        "gaps",
        &p("threat.json"),
        &p("mine.json"),
        "-o",
        &p("g2.json"),
        "--report",
        "md",
    ]))
    .stdout
    .clone();
    assert!(String::from_utf8(md).unwrap().contains("## Per tactic"));
}
