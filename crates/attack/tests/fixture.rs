//! Edge cases on small bundles written by the tests themselves.

use std::io::Write;
use std::path::{Path, PathBuf};

use navlayer_attack::{AttackError, Catalogue, Domain, LoadOptions, ObjectKind, Release};
use serde_json::{json, Value};

fn ext(id: &str) -> Value {
    json!([{"source_name": "mitre-attack", "external_id": id, "url": format!("https://attack.mitre.org/{id}")}])
}

fn technique(stix: &str, id: &str, name: &str, sub: bool) -> Value {
    json!({
        "type": "attack-pattern", "spec_version": "2.1", "id": stix, "name": name,
        "external_references": ext(id), "x_mitre_is_subtechnique": sub,
        "kill_chain_phases": [{"kill_chain_name": "mitre-attack", "phase_name": "execution"}],
        "x_mitre_platforms": ["Linux"], "x_mitre_domains": ["enterprise-attack"], "x_mitre_version": "1.0"
    })
}

fn rel(id: &str, kind: &str, src: &str, dst: &str) -> Value {
    json!({"type": "relationship", "id": id, "relationship_type": kind, "source_ref": src, "target_ref": dst})
}

fn fixture_objects() -> Vec<Value> {
    vec![
        json!({"type": "x-mitre-collection", "id": "x-mitre-collection--1", "spec_version": "2.1",
               "name": "Enterprise ATT&CK", "x_mitre_version": "9.2"}),
        json!({"type": "x-mitre-matrix", "id": "x-mitre-matrix--1", "name": "Enterprise ATT&CK",
               "external_references": [{"source_name": "mitre-attack", "external_id": "enterprise-attack"}],
               "tactic_refs": ["x-mitre-tactic--2", "x-mitre-tactic--1"]}),
        json!({"type": "x-mitre-tactic", "id": "x-mitre-tactic--1", "name": "Execution",
               "x_mitre_shortname": "execution", "external_references": ext("TA0002")}),
        json!({"type": "x-mitre-tactic", "id": "x-mitre-tactic--2", "name": "Persistence",
               "x_mitre_shortname": "persistence", "external_references": ext("TA0003")}),
        technique("attack-pattern--a", "T0001", "Old One", false),
        technique("attack-pattern--b", "T0002", "Middle One", false),
        technique("attack-pattern--c", "T0003", "New One", false),
        // A sub-technique whose parent is not in the bundle.
        technique("attack-pattern--orphan", "T0404.001", "Orphan", true),
        // Deprecated technique.
        {
            let mut t = technique("attack-pattern--d", "T0004", "Gone", false);
            t["x_mitre_deprecated"] = json!(true);
            t
        },
        // Missing fields: no name, no external references, no kill chain.
        json!({"type": "attack-pattern", "id": "attack-pattern--bare"}),
        // Unknown object types are counted, not fatal.
        json!({"type": "x-custom-thing", "id": "x-custom-thing--1", "name": "?"}),
        json!({"type": "identity", "id": "identity--1", "name": "MITRE"}),
        json!({"type": "course-of-action", "id": "course-of-action--1", "name": "Block It",
               "external_references": ext("M0001")}),
        {
            let mut a = technique("attack-pattern--a", "T0001", "Duplicate id", false);
            a["name"] = json!("Duplicate of Old One");
            a
        },
        // Revoked-by chain a → b → c, and a revoked object.
        json!({"type": "attack-pattern", "id": "attack-pattern--r", "name": "Revoked", "revoked": true,
               "external_references": ext("T0005")}),
        rel(
            "relationship--1",
            "revoked-by",
            "attack-pattern--a",
            "attack-pattern--b",
        ),
        rel(
            "relationship--2",
            "revoked-by",
            "attack-pattern--b",
            "attack-pattern--c",
        ),
        rel(
            "relationship--3",
            "mitigates",
            "course-of-action--1",
            "attack-pattern--c",
        ),
        rel(
            "relationship--4",
            "mitigates",
            "course-of-action--1",
            "attack-pattern--missing",
        ),
        rel(
            "relationship--5",
            "mitigates",
            "course-of-action--1",
            "attack-pattern--d",
        ),
        rel(
            "relationship--6",
            "frobnicates",
            "course-of-action--1",
            "attack-pattern--c",
        ),
    ]
}

fn write_bundle(dir: &Path, name: &str, objects: Vec<Value>) -> PathBuf {
    let path = dir.join(name);
    let bundle = json!({"type": "bundle", "id": "bundle--1", "objects": objects});
    std::fs::write(&path, serde_json::to_vec_pretty(&bundle).expect("json")).expect("write");
    path
}

fn load(path: &Path) -> Result<Catalogue, AttackError> {
    Catalogue::load(path, &LoadOptions::default())
}

#[test]
fn fixture_bundle_edge_cases() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write_bundle(dir.path(), "bundle.json", fixture_objects());
    let cat = load(&path).expect("fixture loads");
    assert_eq!(cat.domain(), Domain::Enterprise);
    assert_eq!(
        cat.release(),
        Release { major: 9, minor: 2 },
        "release from the collection"
    );
    assert_eq!(cat.spec_version(), "2.1");

    // Tactic order from the matrix, not from bundle order.
    let order: Vec<&str> = cat
        .tactics()
        .iter()
        .map(|&t| cat.object(t).name.as_str())
        .collect();
    assert_eq!(order, ["Persistence", "Execution"]);

    // Revoked-by chains are followed to the end.
    let a = cat.by_stix_id("attack-pattern--a").expect("a");
    let c = cat.by_stix_id("attack-pattern--c").expect("c");
    assert_eq!(cat.replacement_of(a), Some(c));
    assert_eq!(cat.replacement_of(c), None);
    // The first of duplicate STIX ids wins.
    assert_eq!(cat.object(a).name, "Old One");

    // Deprecated and revoked objects are kept, flagged, and left out of active queries.
    let d = cat.by_attack_id("T0004").expect("deprecated kept");
    assert!(cat.object(d).deprecated);
    assert_eq!(cat.object(d).status(), "deprecated");
    let r = cat.by_attack_id("T0005").expect("revoked kept");
    assert_eq!(cat.object(r).status(), "revoked");
    assert!(cat.active_techniques().all(|t| t != d && t != r));

    // A mitigation's techniques skip missing and deprecated targets.
    let m = cat.by_attack_id("M0001").expect("M0001");
    let mitigated = cat.techniques_from(m, &navlayer_attack::RelationKind::Mitigates);
    assert_eq!(mitigated, vec![c]);
    let dangling = cat
        .relationships()
        .iter()
        .find(|r| r.stix_id == "relationship--4")
        .expect("dangling relationship kept");
    assert_eq!(dangling.target, None);
    assert!(cat.relationship_counts().contains_key("frobnicates"));

    // Sub-technique without parent: no parent, no panic.
    let orphan = cat.by_attack_id("T0404.001").expect("orphan");
    assert_eq!(cat.object(orphan).kind, ObjectKind::SubTechnique);
    assert_eq!(cat.parent_of(orphan), None);

    // Missing fields load as empty.
    let bare = cat.by_stix_id("attack-pattern--bare").expect("bare");
    assert_eq!(cat.object(bare).name, "");
    assert_eq!(cat.object(bare).attack_id, None);
    assert!(cat.object(bare).tactics.is_empty());

    // Unknown types are counted.
    assert_eq!(cat.other_types().get("x-custom-thing"), Some(&1));
    assert_eq!(cat.other_types().get("identity"), Some(&1));
}

#[test]
fn release_from_file_name_then_fallback_else_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut objects = fixture_objects();
    objects.remove(0); // no collection object
    let named = write_bundle(dir.path(), "enterprise-attack-7.2.json", objects.clone());
    assert_eq!(
        load(&named).expect("loads").release(),
        Release { major: 7, minor: 2 }
    );

    let unnamed = write_bundle(dir.path(), "bundle.json", objects);
    let err = load(&unnamed).expect_err("no release");
    assert!(matches!(err, AttackError::UnknownRelease { .. }));
    let msg = err.to_string();
    assert!(
        msg.contains("bundle.json") && msg.contains("--attack-version"),
        "{msg}"
    );
    let opts = LoadOptions {
        fallback_release: Some(Release { major: 8, minor: 0 }),
        ..LoadOptions::default()
    };
    assert_eq!(
        Catalogue::load(&unnamed, &opts)
            .expect("fallback")
            .release(),
        Release { major: 8, minor: 0 }
    );
}

#[test]
fn gzip_bundles_load() {
    let dir = tempfile::tempdir().expect("tempdir");
    let plain = write_bundle(dir.path(), "x.json", fixture_objects());
    let gz_path = dir.path().join("enterprise-attack-9.2.json.gz");
    let mut enc = flate2::write::GzEncoder::new(
        std::fs::File::create(&gz_path).expect("create"),
        flate2::Compression::fast(),
    );
    enc.write_all(&std::fs::read(&plain).expect("read"))
        .expect("gz");
    enc.finish().expect("finish");
    let cat = load(&gz_path).expect("gz loads");
    assert_eq!(
        cat.objects().len(),
        load(&plain).expect("plain").objects().len()
    );
}

#[test]
fn bad_input_gives_clear_errors() {
    let dir = tempfile::tempdir().expect("tempdir");
    let missing = dir.path().join("nope.json");
    let err = load(&missing).expect_err("missing");
    assert!(matches!(err, AttackError::Io { .. }));
    assert!(err.to_string().contains("nope.json"));

    let broken = dir.path().join("broken.json");
    std::fs::write(
        &broken,
        "{\n  \"type\": \"bundle\",\n  \"objects\": [ tru ]\n}",
    )
    .expect("write");
    match load(&broken).expect_err("not json") {
        AttackError::Json { line, column, .. } => {
            assert_eq!(line, 3);
            assert!(column > 10, "column {column}");
        }
        other => panic!("unexpected {other}"),
    }

    let not_bundle = dir.path().join("layer.json");
    std::fs::write(&not_bundle, r#"{"name": "a layer", "techniques": []}"#).expect("write");
    let err = load(&not_bundle).expect_err("not a bundle");
    assert!(matches!(err, AttackError::NotABundle { .. }), "{err}");

    let array = dir.path().join("array.json");
    std::fs::write(&array, "[1, 2]").expect("write");
    assert!(matches!(
        load(&array).expect_err("array"),
        AttackError::NotABundle { .. }
    ));

    let unknown_domain = write_bundle(
        dir.path(),
        "custom.json",
        vec![
            json!({"type": "attack-pattern", "id": "attack-pattern--1", "name": "x",
                    "x_mitre_domains": ["atlas"]}),
        ],
    );
    let err = load(&unknown_domain).expect_err("unknown domain");
    assert!(
        matches!(err, AttackError::UnknownBundleDomain { .. }),
        "{err}"
    );

    // A mistyped field inside an object: error names the object index and an absolute line.
    let mut objects = fixture_objects();
    objects.push(json!({"type": "attack-pattern", "id": "attack-pattern--z", "revoked": "yes"}));
    let mistyped = write_bundle(dir.path(), "enterprise-attack-1.0.json", objects);
    let err = load(&mistyped).expect_err("mistyped");
    let msg = err.to_string();
    match &err {
        AttackError::Json { line, message, .. } => {
            assert!(message.starts_with("objects[21]"), "{message}");
            let text = std::fs::read_to_string(&mistyped).expect("read");
            let actual = text.lines().nth(line - 1).expect("line exists");
            assert!(
                actual.contains("\"revoked\": \"yes\""),
                "line {line}: {actual}"
            );
        }
        other => panic!("unexpected {other}"),
    }
    assert!(msg.contains("enterprise-attack-1.0.json"));
}

#[test]
fn domains_and_releases_parse_leniently() {
    for (text, want) in [
        ("enterprise", Domain::Enterprise),
        ("enterprise-attack", Domain::Enterprise),
        ("mitre-enterprise", Domain::Enterprise),
        ("Mobile", Domain::Mobile),
        ("mitre-mobile", Domain::Mobile),
        ("ics-attack", Domain::Ics),
    ] {
        assert_eq!(text.parse::<Domain>().expect(text), want);
    }
    assert!("pre-attack".parse::<Domain>().is_err());
    assert_eq!(
        "v18.1".parse::<Release>().expect("v18.1"),
        Release {
            major: 18,
            minor: 1
        }
    );
    assert_eq!(
        "19".parse::<Release>().expect("19"),
        Release {
            major: 19,
            minor: 0
        }
    );
    assert!("18.1.2".parse::<Release>().is_err());
    assert!("x".parse::<Release>().is_err());
}
