//! The changelog's rules on a synthetic pair of releases written by the test: one object for
//! every diff_stix category and edge case, and attacker-controlled names in every output.

use std::path::Path;

use navlayer_attack::{Catalogue, LoadOptions};
use navlayer_migrate::{Category, ChangeType, Changelog};
use serde_json::{json, Value};

fn sid(kind: &str, n: u32) -> String {
    format!("{kind}--00000000-0000-4000-8000-{n:012}")
}

fn group(n: u32, name: &str, version: &str, modified: &str) -> Value {
    json!({
        "type": "intrusion-set", "id": sid("intrusion-set", n), "name": name,
        "x_mitre_version": version, "modified": modified, "created": "2020-01-01T00:00:00.000Z",
        "description": format!("{name} does things."),
        "external_references": [{"source_name": "mitre-attack", "external_id": format!("G{n:04}")}]
    })
}

fn with(mut v: Value, key: &str, value: Value) -> Value {
    v[key] = value;
    v
}

fn revoked_by(n: u32, source: &str, target: &str) -> Value {
    json!({"type": "relationship", "id": sid("relationship", n), "relationship_type": "revoked-by",
           "source_ref": source, "target_ref": target})
}

fn catalogue(objects: Vec<Value>, release: &str) -> Catalogue {
    let bundle =
        json!({"type": "bundle", "id": "bundle--1", "spec_version": "2.0", "objects": objects});
    let bytes = serde_json::to_vec(&bundle).expect("bundle");
    Catalogue::from_slice(
        &bytes,
        Path::new(&format!("enterprise-attack-{release}.json")),
        &LoadOptions::default(),
    )
    .expect("loads")
}

const T0: &str = "2024-01-01T00:00:00.000Z";
const T1: &str = "2024-06-01T00:00:00.000Z";

fn pair() -> (Catalogue, Catalogue) {
    let old = catalogue(
        vec![
            group(1, "Major", "1.2", T0),
            group(2, "Minor", "1.2", T0),
            group(3, "Jump", "1.0", T0),
            group(4, "Patched", "1.0", T0),
            group(5, "Reworded", "1.0", T0),
            group(6, "Revoked", "1.0", T0),
            group(7, "Deprecated", "1.0", T0),
            group(8, "Deleted", "1.0", T0),
            group(9, "Same", "1.0", T0),
            with(
                group(10, "Still revoked", "1.0", T0),
                "revoked",
                json!(true),
            ),
            group(11, "Revoked by a tool", "1.0", T0),
            with(
                group(13, "Credited", "1.0", T0),
                "x_mitre_contributors",
                json!(["Alice"]),
            ),
            // Same instant written another way is not a patch.
            group(14, "Same instant", "1.0", "2024-01-01T00:00:00Z"),
        ],
        "1.0",
    );
    let new = catalogue(
        vec![
            group(1, "Major", "2.0", T1),
            group(2, "Minor", "1.3", T1),
            group(3, "Jump", "1.5", T1),
            group(4, "Patched", "1.0", T1),
            with(
                group(5, "Reworded", "1.0", T0),
                "description",
                json!("Entirely new words."),
            ),
            with(group(6, "Revoked", "1.0", T1), "revoked", json!(true)),
            with(
                group(7, "Deprecated", "1.0", T1),
                "x_mitre_deprecated",
                json!(true),
            ),
            group(9, "Same", "1.0", T0),
            with(
                group(10, "Still revoked", "1.0", T1),
                "revoked",
                json!(true),
            ),
            with(
                group(11, "Revoked by a tool", "1.0", T1),
                "revoked",
                json!(true),
            ),
            with(
                group(12, "<script>alert(1)</script> | *bold*", "1.0", T1),
                "x_mitre_contributors",
                json!(["Eve <eve@example.com>", "ATT&CK", "bob"]),
            ),
            with(
                group(13, "Credited", "1.1", T1),
                "x_mitre_contributors",
                json!(["Alice", "Carol"]),
            ),
            group(14, "Same instant", "1.0", T0),
            json!({"type": "tool", "id": sid("tool", 1), "name": "A tool", "x_mitre_version": "1.0",
                   "external_references": [{"source_name": "mitre-attack", "external_id": "S0001"}]}),
            revoked_by(1, &sid("intrusion-set", 6), &sid("intrusion-set", 2)),
            revoked_by(2, &sid("intrusion-set", 11), &sid("tool", 1)),
        ],
        "2.0",
    );
    (old, new)
}

fn names(log: &Changelog, c: Category) -> Vec<String> {
    log.domains[0]
        .items(ChangeType::Groups, c)
        .iter()
        .map(|i| i.object.name.clone())
        .collect()
}

#[test]
fn every_category_follows_diff_stix() {
    let (old, new) = pair();
    let log = Changelog::compute(&[(&old, &new)], &[]).expect("changelog");
    assert_eq!(
        names(&log, Category::Additions),
        ["<script>alert(1)</script> | *bold*"]
    );
    assert_eq!(names(&log, Category::MajorVersionChanges), ["Major"]);
    assert_eq!(
        names(&log, Category::MinorVersionChanges),
        ["Minor", "Credited"]
    );
    assert_eq!(names(&log, Category::OtherVersionChanges), ["Jump"]);
    assert_eq!(names(&log, Category::Patches), ["Patched", "Reworded"]);
    assert_eq!(
        names(&log, Category::Revocations),
        ["Revoked"],
        "revoked by an object of another type: in no category"
    );
    let revoked = &log.domains[0].items(ChangeType::Groups, Category::Revocations)[0];
    assert_eq!(
        revoked.revoked_by.as_ref().map(|r| r.name.as_str()),
        Some("Minor")
    );
    assert_eq!(names(&log, Category::Deprecations), ["Deprecated"]);
    assert_eq!(names(&log, Category::Deletions), ["Deleted"]);
    assert_eq!(names(&log, Category::Unchanged), ["Same", "Same instant"]);
    assert!(log.domains[0].items(ChangeType::Groups, Category::Patches)[1].description_changed);
    // New contributors: of additions and changes, minus those already credited, minus ATT&CK.
    assert_eq!(log.contributors, ["bob", "Carol", "Eve <eve@example.com>"]);
    assert_eq!(log.types.len(), ChangeType::ALL.len());

    let only = Changelog::compute(&[(&old, &new)], &[ChangeType::Software]).expect("changelog");
    assert_eq!(only.types, [ChangeType::Software]);
    assert_eq!(only.domains[0].types.len(), 1);
    assert_eq!(
        only.domains[0]
            .items(ChangeType::Software, Category::Additions)
            .len(),
        1
    );
}

#[test]
fn outputs_escape_attacker_controlled_text() {
    let (old, new) = pair();
    let log = Changelog::compute(&[(&old, &new)], &[ChangeType::Groups]).expect("changelog");
    let html = log.to_html();
    assert!(!html.contains("<script>"), "names are escaped");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(html.contains("Eve &lt;eve@example.com&gt;"));
    assert!(
        !html.contains("<link") && !html.contains("src="),
        "self-contained"
    );
    let md = log.to_markdown();
    assert!(
        md.contains("\\<script\\>alert(1)\\</script\\> \\| \\*bold\\*"),
        "{md}"
    );
    insta::assert_snapshot!(md);
    let json: Value = serde_json::from_str(&log.to_json().expect("json")).expect("valid json");
    assert_eq!(
        json["domains"][0]["types"]["groups"]["additions"][0]["name"],
        "<script>alert(1)</script> | *bold*"
    );
}
