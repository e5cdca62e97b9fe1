//! `navlayer query …` for every kind, through the binary, against the library's answers on the
//! real 18.1 release (the library itself is checked against mitreattack-python in
//! tests/python-diff).

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

fn json_ids(args: &[&str], column: &str) -> Vec<String> {
    let out = navlayer(&[args, &["--format", "json"]].concat());
    assert_eq!(
        out.status.code(),
        Some(0),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rows: Value = serde_json::from_slice(&out.stdout).expect("json");
    rows.as_array()
        .expect("rows")
        .iter()
        .map(|r| r[column].as_str().expect("column").to_string())
        .collect()
}

fn stix_ids(
    cat: &navlayer_attack::Catalogue,
    entries: Vec<navlayer_attack::Related>,
) -> Vec<String> {
    entries
        .into_iter()
        .map(|e| cat.object(e.object).stix_id.clone())
        .collect()
}

#[test]
fn relation_queries_answer_what_the_library_answers() {
    let cat = navlayer_testdata::catalogue("enterprise-attack-18.1.json");
    let q = cat.query();
    let id = |a: &str| cat.by_attack_id(a).expect(a);
    assert_eq!(
        json_ids(&["query", "groups", "--using", "T1059"], "stix_id"),
        stix_ids(&cat, q.groups_using_technique(id("T1059")))
    );
    assert_eq!(
        json_ids(&["query", "groups", "--using", "S0002"], "stix_id"),
        stix_ids(&cat, q.groups_using_software(id("S0002")))
    );
    assert_eq!(
        json_ids(&["query", "software", "--using", "T1059.001"], "stix_id"),
        stix_ids(&cat, q.software_using_technique(id("T1059.001")))
    );
    assert_eq!(
        json_ids(&["query", "software", "--used-by", "G0016"], "stix_id"),
        stix_ids(&cat, q.software_used_by_group(id("G0016")))
    );
    assert_eq!(
        json_ids(&["query", "campaigns", "--attributed-to", "G0016"], "id"),
        ["C0024", "C0023"]
    );
    assert_eq!(
        json_ids(
            &["query", "mitigations", "--mitigating", "T1059"],
            "stix_id"
        ),
        stix_ids(&cat, q.mitigations_mitigating_technique(id("T1059")))
    );
    let detections = json_ids(
        &["query", "detections", "--technique", "T1059.001"],
        "stix_id",
    );
    assert_eq!(
        detections,
        stix_ids(
            &cat,
            q.detection_strategies_detecting_technique(id("T1059.001"))
        )
    );
    assert!(!detections.is_empty());
    // A group's software through its campaigns says which campaign.
    let out = navlayer(&[
        "query",
        "software",
        "--used-by",
        "G0016",
        "--format",
        "json",
    ]);
    let rows: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert!(rows
        .as_array()
        .expect("rows")
        .iter()
        .any(|r| r["via"].as_str().is_some_and(|v| v.contains("C0024"))));
}

#[test]
fn procedures_and_objects() {
    let cat = navlayer_testdata::catalogue("enterprise-attack-18.1.json");
    let t = cat.by_attack_id("T1059.001").expect("T1059.001");
    let all: Vec<String> = cat
        .query()
        .procedure_examples_by_technique(t)
        .into_iter()
        .map(|r| cat.relationship(r).stix_id.clone())
        .collect();
    let listed = json_ids(
        &["query", "procedures", "--technique", "T1059.001", "--all"],
        "relationship",
    );
    assert_eq!(listed, all);
    let out = navlayer(&[
        "query",
        "procedures",
        "--technique",
        "T1059.001",
        "--format",
        "csv",
    ]);
    let csv = String::from_utf8_lossy(&out.stdout);
    assert!(
        csv.starts_with("id,name,type,description,relationship\r\n"),
        "{csv}"
    );
    assert!(csv.lines().count() > 100);

    assert_eq!(
        json_ids(&["query", "objects", "--alias", "Cozy Bear"], "id"),
        ["G0016"]
    );
    assert_eq!(
        json_ids(&["query", "objects", "--name", "PowerShell"], "id"),
        ["T1059.001", "T1086"],
        "the revoked one too"
    );
    assert_eq!(
        json_ids(
            &["query", "objects", "--name", "PowerShell", "--active"],
            "id"
        ),
        ["T1059.001"]
    );
    let stix = cat.object(t).stix_id.clone();
    assert_eq!(
        json_ids(&["query", "objects", "--stix-id", &stix], "id"),
        ["T1059.001"]
    );
    let groups = json_ids(
        &[
            "query",
            "objects",
            "--type",
            "group",
            "--modified-after",
            "2025-10-01",
        ],
        "id",
    );
    let expected: Vec<String> = cat
        .query()
        .objects_modified_after("2025-10-01", false)
        .expect("date")
        .into_iter()
        .filter(|&o| cat.object(o).kind == navlayer_attack::ObjectKind::Group)
        .map(|o| cat.object(o).display_id().to_string())
        .collect();
    assert_eq!(groups, expected);
    assert!(!groups.is_empty());
}

#[test]
fn unknown_ids_fail_with_suggestions() {
    let out = navlayer(&["query", "groups", "--using", "T1059.0001"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("closest: T1059.001 (PowerShell)"));
    let out = navlayer(&["query", "campaigns", "--attributed-to", "T1059"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a group"));
    let out = navlayer(&["query", "objects", "--modified-after", "yesterday"]);
    assert_eq!(out.status.code(), Some(1));
    let out = navlayer(&["query", "software"]);
    assert_eq!(out.status.code(), Some(2), "a relation is required");
    // 17.1's data components have no ATT&CK ID: they are named by name or STIX id.
    let out = navlayer(&[
        "--attack-version",
        "17.1",
        "query",
        "techniques",
        "--detected-by",
        "OS API Execution",
        "--format",
        "json",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
