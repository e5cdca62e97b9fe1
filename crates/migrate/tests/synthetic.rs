//! A synthetic pair of releases, written by the test, covering what our real releases lack: a
//! split tactic, a technique becoming a sub-technique (and the reverse), a revoked-by chain, a
//! merge of two entries, deprecation, removal, and a technique leaving a tactic.

use std::path::Path;

use navlayer_attack::{Catalogue, LoadOptions};
use navlayer_layer::{Layer, LinkItem, MetadataItem, TechniqueEntry};
use navlayer_migrate::{
    migrate_layer, render_reports, Action, Change, MigrateOptions, ReleaseDiff, ReleasePair,
    ReportFormat, TacticReason,
};
use proptest::prelude::*;
use serde_json::{json, Value};

fn stix_id(kind: &str, n: u32) -> String {
    format!("{kind}--00000000-0000-4000-8000-{n:012}")
}

fn tactic(n: u32, id: &str, short: &str, name: &str, deprecated: bool) -> Value {
    json!({
        "type": "x-mitre-tactic", "id": stix_id("x-mitre-tactic", n), "name": name,
        "x_mitre_shortname": short, "x_mitre_deprecated": deprecated,
        "external_references": [{"source_name": "mitre-attack", "external_id": id}]
    })
}

/// A technique: `n` fixes the STIX id, so the same `n` in both releases is the same object.
fn technique(n: u32, id: &str, name: &str, version: &str, tactics: &[&str]) -> Value {
    json!({
        "type": "attack-pattern", "id": stix_id("attack-pattern", n), "name": name,
        "x_mitre_version": version, "x_mitre_is_subtechnique": id.contains('.'),
        "x_mitre_domains": ["enterprise-attack"],
        "kill_chain_phases": tactics.iter().map(|t| json!({"kill_chain_name": "mitre-attack", "phase_name": t})).collect::<Vec<_>>(),
        "external_references": [{"source_name": "mitre-attack", "external_id": id}]
    })
}

fn with(mut v: Value, key: &str, value: Value) -> Value {
    v[key] = value;
    v
}

fn rel(n: u32, kind: &str, source: u32, target: u32) -> Value {
    json!({
        "type": "relationship", "id": stix_id("relationship", n), "relationship_type": kind,
        "source_ref": stix_id("attack-pattern", source), "target_ref": stix_id("attack-pattern", target)
    })
}

fn matrix(tactics: &[u32]) -> Value {
    json!({
        "type": "x-mitre-matrix", "id": stix_id("x-mitre-matrix", 1), "name": "Enterprise ATT&CK",
        "tactic_refs": tactics.iter().map(|&t| stix_id("x-mitre-tactic", t)).collect::<Vec<_>>(),
        "external_references": [{"source_name": "mitre-attack", "external_id": "enterprise-attack"}]
    })
}

fn catalogue(objects: Vec<Value>, release: &str) -> Catalogue {
    let bundle =
        json!({"type": "bundle", "id": "bundle--1", "spec_version": "2.0", "objects": objects});
    let bytes = serde_json::to_vec(&bundle).expect("bundle serializes");
    let name = format!("enterprise-attack-{release}.json");
    Catalogue::from_slice(&bytes, Path::new(&name), &LoadOptions::default())
        .expect("synthetic bundle loads")
}

/// Release 1.0: execution, defense-evasion, persistence.
fn release_1() -> Catalogue {
    catalogue(
        vec![
            matrix(&[1, 2, 3]),
            tactic(1, "TA0002", "execution", "Execution", false),
            tactic(2, "TA0005", "defense-evasion", "Defense Evasion", false),
            tactic(3, "TA0003", "persistence", "Persistence", false),
            technique(1000, "T1000", "Alpha", "1.0", &["execution"]),
            technique(1001, "T1001", "Beta", "1.0", &["execution"]),
            technique(
                1010,
                "T1010",
                "Hide",
                "1.0",
                &["defense-evasion", "persistence"],
            ),
            technique(1011, "T1011", "Impair", "1.0", &["defense-evasion"]),
            technique(1020, "T1020", "Becomes Sub", "1.0", &["execution"]),
            technique(1021, "T1021", "New Parent", "1.0", &["execution"]),
            technique(1022, "T1022", "Old Parent", "1.0", &["execution"]),
            technique(
                1023,
                "T1022.001",
                "Becomes Technique",
                "1.0",
                &["execution"],
            ),
            rel(1, "subtechnique-of", 1023, 1022),
            technique(1040, "T1040", "Chain Start", "1.0", &["execution"]),
            technique(1041, "T1041", "Chain Middle", "1.0", &["execution"]),
            technique(
                1042,
                "T1042",
                "Chain End",
                "1.0",
                &["execution", "persistence"],
            ),
            technique(1050, "T1050", "Merged Away", "1.0", &["persistence"]),
            technique(1051, "T1051", "Merged Into", "1.0", &["persistence"]),
            technique(1060, "T1060", "Deprecated Later", "1.0", &["execution"]),
            technique(1070, "T1070", "Rewritten", "1.0", &["execution"]),
            technique(1090, "T1090", "Moves Tactic", "1.0", &["execution"]),
            technique(1095, "T1095", "Removed", "1.0", &["execution"]),
        ],
        "1.0",
    )
}

/// Release 2.0: defense-evasion is split into stealth and defense-impairment.
fn release_2() -> Catalogue {
    catalogue(
        vec![
            matrix(&[1, 4, 5, 3]),
            tactic(1, "TA0002", "execution", "Execution", false),
            tactic(2, "TA0005", "defense-evasion", "Defense Evasion", true),
            tactic(3, "TA0003", "persistence", "Persistence", false),
            tactic(4, "TA0112", "stealth", "Stealth", false),
            tactic(
                5,
                "TA0113",
                "defense-impairment",
                "Defense Impairment",
                false,
            ),
            technique(1000, "T1000", "Alpha", "1.0", &["execution"]),
            technique(1001, "T1001", "Beta", "1.1", &["execution"]),
            technique(1010, "T1010", "Hide", "2.0", &["stealth", "persistence"]),
            technique(
                1011,
                "T1011",
                "Impair",
                "2.0",
                &["stealth", "defense-impairment"],
            ),
            technique(1020, "T1021.001", "Becomes Sub", "2.0", &["execution"]),
            technique(1021, "T1021", "New Parent", "1.1", &["execution"]),
            rel(2, "subtechnique-of", 1020, 1021),
            technique(1022, "T1022", "Old Parent", "1.1", &["execution"]),
            technique(1023, "T1030", "Becomes Technique", "2.0", &["execution"]),
            with(
                technique(1040, "T1040", "Chain Start", "1.0", &["execution"]),
                "revoked",
                json!(true),
            ),
            with(
                technique(1041, "T1041", "Chain Middle", "1.0", &["execution"]),
                "revoked",
                json!(true),
            ),
            rel(3, "revoked-by", 1040, 1041),
            rel(4, "revoked-by", 1041, 1042),
            technique(
                1042,
                "T1042",
                "Chain End",
                "1.1",
                &["execution", "persistence"],
            ),
            with(
                technique(1050, "T1050", "Merged Away", "1.0", &["persistence"]),
                "revoked",
                json!(true),
            ),
            rel(5, "revoked-by", 1050, 1051),
            technique(1051, "T1051", "Merged Into", "1.0", &["persistence"]),
            with(
                technique(1060, "T1060", "Deprecated Later", "1.1", &["execution"]),
                "x_mitre_deprecated",
                json!(true),
            ),
            technique(1070, "T1070", "Rewritten", "2.0", &["execution"]),
            technique(1080, "T1080", "Brand New", "1.0", &["persistence"]),
            technique(1090, "T1090", "Moves Tactic", "1.1", &["persistence"]),
        ],
        "2.0",
    )
}

fn entry(
    id: &str,
    tactic: Option<&str>,
    score: Option<f64>,
    comment: Option<&str>,
) -> TechniqueEntry {
    TechniqueEntry {
        tactic: tactic.map(String::from),
        score,
        comment: comment.map(String::from),
        ..TechniqueEntry::new(id)
    }
}

fn source_layer() -> Layer {
    let mut layer = Layer::new("synthetic", "enterprise-attack");
    if let Some(v) = layer.versions.as_mut() {
        v.attack = Some("1".into());
    }
    layer.techniques = vec![
        entry("T1000", Some("execution"), Some(1.0), None), // 0 unchanged
        entry("T1001", Some("execution"), Some(2.0), None), // 1 minor
        entry("T1010", Some("defense-evasion"), Some(3.0), Some("hidden")), // 2 split → stealth
        entry("T1010", Some("persistence"), Some(4.0), None), // 3 kept tactic
        entry("T1011", Some("defense-evasion"), Some(5.0), None), // 4 split → 2 tactics
        entry("T1020", Some("execution"), Some(6.0), None), // 5 becomes T1021.001
        entry("T1022.001", None, Some(7.0), None),          // 6 becomes T1030
        entry("T1040", Some("execution"), Some(8.0), Some("start")), // 7 chain → T1042
        entry("T1041", Some("execution"), Some(2.0), Some("middle")), // 8 chain → T1042, merge with 7
        TechniqueEntry {
            color: Some("#aaaaaa".into()),
            metadata: Some(vec![MetadataItem {
                name: Some("owner".into()),
                value: Some("red".into()),
                ..MetadataItem::default()
            }]),
            ..entry("T1050", Some("persistence"), Some(5.0), Some("away"))
        }, // 9 revoked → T1051, merged with 10
        TechniqueEntry {
            color: Some("#bbbbbb".into()),
            enabled: Some(false),
            links: Some(vec![LinkItem {
                label: Some("doc".into()),
                url: Some("https://example.org".into()),
                ..LinkItem::default()
            }]),
            ..entry("T1051", Some("persistence"), Some(9.0), Some("into"))
        }, // 10
        entry("T1060", None, Some(1.0), None),                        // 11 deprecated → dropped
        entry("T1070", None, None, Some("rewritten")),                // 12 major
        entry("T1080", None, Some(3.0), None), // 13 unknown in 1.0, known in 2.0
        entry("T9999", None, Some(3.0), None), // 14 unknown everywhere
        entry("T1090", Some("execution"), Some(4.0), None), // 15 moved to persistence
        entry("T1095", None, Some(4.0), None), // 16 removed
        entry("T1000", Some("execution"), Some(1.0), None), // 17 duplicate of 0: kept as is
    ];
    layer
}

fn find<'a>(layer: &'a Layer, id: &str, tactic: Option<&str>) -> Vec<&'a TechniqueEntry> {
    layer
        .techniques
        .iter()
        .filter(|e| e.technique_id == id && e.tactic.as_deref() == tactic)
        .collect()
}

#[test]
fn synthetic_migration_follows_every_kind_of_change() {
    let (a, b) = (release_1(), release_2());
    let pair = ReleasePair::new(&a, &b).expect("one domain");
    let m = migrate_layer(&pair, &source_layer(), &MigrateOptions::default()).expect("migrates");
    let (out, rep) = (&m.layer, &m.report);
    rep.check_accounting(out)
        .expect("report accounts for every entry");
    assert_eq!(
        out.versions.as_ref().and_then(|v| v.attack.as_deref()),
        Some("2")
    );
    assert_eq!(rep.named_release.as_deref(), Some("1"));

    let changes: Vec<Change> = rep.entries.iter().map(|e| e.change).collect();
    use Change::*;
    assert_eq!(
        changes,
        vec![
            Unchanged, Minor, Major, Major, Major, Major, Major, Revoked, Revoked, Revoked,
            Unchanged, Deprecated, Major, Unknown, Unknown, Minor, Deprecated, Unchanged
        ]
    );

    // Split tactic: defense-evasion is gone; T1010 went to stealth only (its other new tactic,
    // persistence, is not a split of defense-evasion), T1011 to both new tactics.
    let e2 = &rep.entries[2];
    let tc = e2.tactic_change.as_ref().expect("tactic remapped");
    assert_eq!(
        (tc.reason, tc.new.clone()),
        (TacticReason::Split, vec!["stealth".to_string()])
    );
    assert_eq!(
        find(out, "T1010", Some("stealth"))[0].comment.as_deref(),
        Some("hidden")
    );
    assert_eq!(find(out, "T1010", Some("persistence"))[0].score, Some(4.0));
    assert!(find(out, "T1010", Some("defense-evasion")).is_empty());
    assert_eq!(rep.entries[4].destinations.len(), 2);
    assert_eq!(find(out, "T1011", Some("stealth"))[0].score, Some(5.0));
    assert_eq!(
        find(out, "T1011", Some("defense-impairment"))[0].score,
        Some(5.0)
    );

    // Technique → sub-technique and the reverse, matched by STIX id.
    assert_eq!(
        rep.entries[5].new_technique_id.as_deref(),
        Some("T1021.001")
    );
    assert_eq!(rep.entries[5].action, Action::Moved);
    assert_eq!(
        find(out, "T1021.001", Some("execution"))[0].score,
        Some(6.0)
    );
    assert_eq!(find(out, "T1030", None)[0].score, Some(7.0));
    assert!(find(out, "T1020", Some("execution")).is_empty());

    // Revoked-by chain T1040 → T1041 → T1042, and T1041 → T1042: merged into one entry.
    assert_eq!(rep.entries[7].action, Action::Replaced);
    assert_eq!(rep.entries[7].new_technique_id.as_deref(), Some("T1042"));
    let t1042 = find(out, "T1042", Some("execution"));
    assert_eq!(t1042.len(), 1);
    assert_eq!(t1042[0].score, Some(8.0));
    assert_eq!(t1042[0].comment.as_deref(), Some("start\n\nmiddle"));
    assert!(rep.entries[7].merged && rep.entries[8].merged);

    // Merge rule: highest score, its colour, comments joined, metadata and links kept, enabled.
    let t1051 = find(out, "T1051", Some("persistence"));
    assert_eq!(t1051.len(), 1);
    let merged = t1051[0];
    assert_eq!(merged.score, Some(9.0));
    assert_eq!(merged.color.as_deref(), Some("#bbbbbb"));
    assert_eq!(merged.comment.as_deref(), Some("away\n\ninto"));
    assert_eq!(merged.metadata.as_ref().map(Vec::len), Some(1));
    assert_eq!(merged.links.as_ref().map(Vec::len), Some(1));
    assert_eq!(merged.enabled, Some(true));
    let m1051 = rep
        .merges
        .iter()
        .find(|m| m.technique_id == "T1051")
        .expect("merge reported");
    assert_eq!(m1051.sources, vec![9, 10]);
    assert_eq!(m1051.scores, vec![Some(5.0), Some(9.0)]);
    assert_eq!(rep.merges.len(), 2);

    // Deprecated and removed: dropped, with a reason.
    assert_eq!(rep.entries[11].action, Action::Dropped);
    assert!(find(out, "T1060", None).is_empty());
    assert_eq!(rep.entries[16].action, Action::Dropped);
    assert!(rep.entries[16]
        .note
        .as_deref()
        .unwrap_or("")
        .contains("absent from"));

    // Unknown in the source: kept when the target knows it, dropped otherwise.
    assert_eq!(rep.entries[13].action, Action::Kept);
    assert_eq!(find(out, "T1080", None).len(), 1);
    assert_eq!(rep.entries[14].action, Action::Dropped);

    // A technique that left a tactic which still exists goes to its new tactic.
    let tc = rep.entries[15].tactic_change.as_ref().expect("moved");
    assert_eq!(
        (tc.reason, tc.new.clone()),
        (TacticReason::Moved, vec!["persistence".to_string()])
    );
    assert_eq!(find(out, "T1090", Some("persistence")).len(), 1);

    // A duplicate the source layer already had is kept, not merged.
    assert_eq!(find(out, "T1000", Some("execution")).len(), 2);

    // 18 source entries: T1011 split in two (+1), 2 merges (-2), 3 dropped (-3).
    assert_eq!(out.techniques.len(), 18 + 1 - 2 - 3);
}

#[test]
fn keep_options_keep_deprecated_and_unknown_entries() {
    let (a, b) = (release_1(), release_2());
    let pair = ReleasePair::new(&a, &b).expect("one domain");
    let options = MigrateOptions {
        keep_deprecated: true,
        keep_unknown: true,
    };
    let m = migrate_layer(&pair, &source_layer(), &options).expect("migrates");
    m.report.check_accounting(&m.layer).expect("accounted");
    assert_eq!(m.report.entries[11].action, Action::KeptDeprecated);
    assert_eq!(m.report.entries[14].action, Action::KeptUnknown);
    assert_eq!(m.report.entries[16].action, Action::KeptDeprecated);
    assert_eq!(find(&m.layer, "T1060", None).len(), 1);
    assert_eq!(find(&m.layer, "T9999", None).len(), 1);
}

#[test]
fn synthetic_report_snapshots() {
    let (a, b) = (release_1(), release_2());
    let pair = ReleasePair::new(&a, &b).expect("one domain");
    let m = migrate_layer(&pair, &source_layer(), &MigrateOptions::default()).expect("migrates");
    let reports = [m.report];
    insta::assert_snapshot!(
        "synthetic_text",
        render_reports(&reports, ReportFormat::Text).expect("text")
    );
    insta::assert_snapshot!(
        "synthetic_markdown",
        render_reports(&reports, ReportFormat::Markdown).expect("md")
    );
}

#[test]
fn synthetic_release_diff() {
    let (a, b) = (release_1(), release_2());
    let d = ReleaseDiff::compute(&a, &b).expect("diff");
    let ids = |v: &[navlayer_migrate::DiffItem]| {
        v.iter().map(|i| i.attack_id.clone()).collect::<Vec<_>>()
    };
    assert_eq!(ids(&d.added), vec!["T1080"]);
    assert_eq!(ids(&d.deprecated), vec!["T1060"]);
    assert_eq!(ids(&d.deleted), vec!["T1095"]);
    let revoked: Vec<(String, Option<String>)> = d
        .revoked
        .iter()
        .map(|r| {
            (
                r.revoked.attack_id.clone(),
                r.replaced_by.as_ref().map(|x| x.attack_id.clone()),
            )
        })
        .collect();
    assert_eq!(
        revoked,
        vec![
            ("T1040".into(), Some("T1042".into())),
            ("T1041".into(), Some("T1042".into())),
            ("T1050".into(), Some("T1051".into()))
        ]
    );
    assert_eq!(ids(&d.new_subtechniques), vec!["T1021.001"]);
    let id_changes: Vec<(String, String)> = d
        .id_changes
        .iter()
        .map(|c| (c.old_id.clone(), c.technique.attack_id.clone()))
        .collect();
    assert_eq!(
        id_changes,
        vec![
            ("T1020".into(), "T1021.001".into()),
            ("T1022.001".into(), "T1030".into())
        ]
    );
    assert_eq!(
        ids(&d.major),
        vec!["T1010", "T1011", "T1021.001", "T1030", "T1070"]
    );
    assert_eq!(
        ids(&d.minor),
        vec!["T1001", "T1021", "T1022", "T1042", "T1090"]
    );
    assert_eq!(
        d.tactics_added
            .iter()
            .map(|t| t.shortname.as_str())
            .collect::<Vec<_>>(),
        ["stealth", "defense-impairment"]
    );
    assert_eq!(
        d.tactics_removed
            .iter()
            .map(|t| t.shortname.as_str())
            .collect::<Vec<_>>(),
        ["defense-evasion"]
    );
    assert_eq!(
        d.tactic_changes
            .iter()
            .map(|t| t.technique.attack_id.as_str())
            .collect::<Vec<_>>(),
        ["T1010", "T1011", "T1090"]
    );
    assert_eq!(d.unchanged, 2);
    insta::assert_snapshot!("synthetic_release_diff", d.to_markdown());
    let layer = d.to_layer();
    assert_eq!(
        layer.versions.as_ref().and_then(|v| v.attack.as_deref()),
        Some("2")
    );
    assert!(layer.techniques.iter().any(|e| e.technique_id == "T1080"));
}

proptest! {
    /// Any selection of entries, with any scores, migrates with every entry accounted for, and a
    /// merged entry carries the highest score of the entries merged into it.
    #[test]
    fn accounting_and_merge_score_hold(picks in proptest::collection::vec((0usize..18, proptest::option::of(0u8..100)), 0..40)) {
        let (a, b) = (release_1(), release_2());
        let pair = ReleasePair::new(&a, &b).expect("one domain");
        let template = source_layer();
        let mut layer = template.clone();
        layer.techniques = picks
            .iter()
            .map(|(i, s)| TechniqueEntry { score: s.map(f64::from), ..template.techniques[*i].clone() })
            .collect();
        let m = migrate_layer(&pair, &layer, &MigrateOptions::default()).expect("migrates");
        prop_assert!(m.report.check_accounting(&m.layer).is_ok());
        for merge in &m.report.merges {
            let best = merge.scores.iter().flatten().copied().fold(None, |acc: Option<f64>, s| Some(acc.map_or(s, |a| a.max(s))));
            prop_assert_eq!(m.layer.techniques[merge.index].score, best);
        }
    }
}
