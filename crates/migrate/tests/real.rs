//! Migrations and release diffs on the real ATT&CK releases (16.1, 17.1, 18.1), asserting changes
//! found in the bundles: T1574.002 (DLL Side-Loading) revoked by T1574.001 in 17.1, T1112 gaining
//! the persistence tactic in 17.1, the major version changes of 17.1 and 18.1, new sub-techniques.

use std::collections::BTreeSet;

use navlayer_attack::Catalogue;
use navlayer_generate::{GenerateOptions, Generator};
use navlayer_layer::{parse_layers, Layer};
use navlayer_migrate::{
    migrate_layer, Action, Change, MigrateOptions, Migration, ReleaseDiff, ReleasePair,
};

fn cat(name: &str) -> std::sync::Arc<Catalogue> {
    navlayer_testdata::catalogue(name)
}

/// Every layer attack.mitre.org would publish for enterprise 16.1 (groups, software, campaigns,
/// mitigations), read back through the layer reader.
fn official_16_1_layers() -> Vec<Layer> {
    let c = cat("enterprise-attack-16.1.json");
    let generator = Generator::new(&c, GenerateOptions::default());
    let outcome = generator.generate_all(&[]);
    assert!(
        outcome.failed.is_empty(),
        "generation failed: {:?}",
        outcome.failed.len()
    );
    outcome
        .layers
        .iter()
        .map(|g| {
            let mut loaded = parse_layers(g.to_json().as_bytes(), &g.file_name())
                .unwrap_or_else(|e| panic!("{}: {e}", g.file_name()));
            assert_eq!(loaded.len(), 1);
            loaded.remove(0).layer
        })
        .collect()
}

fn migrate_all(layers: &[Layer], from: &Catalogue, to: &Catalogue) -> Vec<Migration> {
    let pair = ReleasePair::new(from, to).expect("one domain");
    layers
        .iter()
        .map(|l| {
            let m = migrate_layer(&pair, l, &MigrateOptions::default())
                .unwrap_or_else(|e| panic!("{}: {e}", l.name));
            m.report
                .check_accounting(&m.layer)
                .unwrap_or_else(|e| panic!("{}: {e}", l.name));
            m
        })
        .collect()
}

fn has(layer: &Layer, id: &str) -> bool {
    layer.techniques.iter().any(|e| e.technique_id == id)
}

#[test]
fn official_16_1_layers_migrate_to_17_1_and_18_1() {
    let (c16, c17, c18) = (
        cat("enterprise-attack-16.1.json"),
        cat("enterprise-attack-17.1.json"),
        cat("enterprise-attack-18.1.json"),
    );
    let layers = official_16_1_layers();
    assert!(layers.len() > 500, "only {} layers generated", layers.len());
    let to17 = migrate_all(&layers, &c16, &c17);
    let to18 = migrate_all(&layers, &c16, &c18);

    for (m, v) in [(&to17, "17"), (&to18, "18")] {
        for x in m.iter() {
            assert_eq!(
                x.layer.versions.as_ref().and_then(|v| v.attack.as_deref()),
                Some(v)
            );
            // Generated layers name only techniques of 16.1, none deprecated by 18.1.
            assert_eq!(
                x.report.counts.get(&Change::Unknown),
                None,
                "{}",
                x.report.layer
            );
            assert_eq!(
                x.report.counts.get(&Change::Deprecated),
                None,
                "{}",
                x.report.layer
            );
        }
    }

    // T1574.002 DLL Side-Loading was revoked by T1574.001 (Hijack Execution Flow: DLL) in 17.1.
    let mut with_side_loading = 0;
    let mut merged = 0;
    for (src, m) in layers.iter().zip(&to17) {
        if !has(src, "T1574.002") {
            assert_eq!(m.report.counts.get(&Change::Revoked), None, "{}", src.name);
            continue;
        }
        with_side_loading += 1;
        assert!(!has(&m.layer, "T1574.002"), "{}", src.name);
        assert!(has(&m.layer, "T1574.001"), "{}", src.name);
        let e = m
            .report
            .entries
            .iter()
            .find(|e| e.technique_id == "T1574.002")
            .expect("reported");
        assert_eq!(e.change, Change::Revoked);
        assert_eq!(e.action, Action::Replaced);
        assert_eq!(e.new_technique_id.as_deref(), Some("T1574.001"));
        if has(src, "T1574.001") {
            // Both entries land on T1574.001: one entry, merge reported, highest score kept.
            merged += 1;
            assert_eq!(
                m.layer
                    .techniques
                    .iter()
                    .filter(|e| e.technique_id == "T1574.001")
                    .count(),
                1
            );
            let merge = m
                .report
                .merges
                .iter()
                .find(|g| g.technique_id == "T1574.001")
                .expect("merge reported");
            assert_eq!(merge.sources.len(), 2);
            let best = merge
                .scores
                .iter()
                .flatten()
                .copied()
                .fold(f64::MIN, f64::max);
            assert_eq!(m.layer.techniques[merge.index].score, Some(best));
            assert_eq!(m.layer.techniques.len(), src.techniques.len() - 1);
        } else {
            assert_eq!(m.layer.techniques.len(), src.techniques.len());
        }
    }
    assert!(
        with_side_loading > 10,
        "{with_side_loading} layers use T1574.002"
    );
    assert!(merged > 0, "no layer had both T1574.001 and T1574.002");

    // Classes per technique, from the bundles' x_mitre_version.
    let class_of = |ms: &[Migration], id: &str| -> BTreeSet<Change> {
        ms.iter()
            .flat_map(|m| m.report.entries.iter())
            .filter(|e| e.technique_id == id)
            .map(|e| e.change)
            .collect()
    };
    for id in ["T1112", "T1036.005", "T1574.001", "T1219", "T1036.003"] {
        assert_eq!(class_of(&to17, id), BTreeSet::from([Change::Major]), "{id}");
    }
    // T1082 System Information Discovery: 2.6 in 17.1, 3.0 in 18.1.
    assert_eq!(class_of(&to18, "T1082"), BTreeSet::from([Change::Major]));
    assert_ne!(class_of(&to17, "T1082"), BTreeSet::from([Change::Major]));

    // Migrating 16.1 → 17.1 → 18.1 lands on the same entries as 16.1 → 18.1.
    let chained = migrate_all(
        &to17.iter().map(|m| m.layer.clone()).collect::<Vec<_>>(),
        &c17,
        &c18,
    );
    for (direct, chained) in to18.iter().zip(&chained) {
        assert_eq!(
            direct.layer.techniques, chained.layer.techniques,
            "{}",
            direct.report.layer
        );
    }
}

fn ids(items: &[navlayer_migrate::DiffItem]) -> Vec<&str> {
    items.iter().map(|i| i.attack_id.as_str()).collect()
}

#[test]
fn release_diff_16_1_to_17_1() {
    let d = ReleaseDiff::compute(
        &cat("enterprise-attack-16.1.json"),
        &cat("enterprise-attack-17.1.json"),
    )
    .expect("diff");
    assert_eq!(d.revoked.len(), 1);
    assert_eq!(d.revoked[0].revoked.attack_id, "T1574.002");
    assert_eq!(
        d.revoked[0]
            .replaced_by
            .as_ref()
            .map(|r| r.attack_id.as_str()),
        Some("T1574.001")
    );
    assert_eq!(
        ids(&d.major),
        [
            "T1036.003",
            "T1036.005",
            "T1112",
            "T1176",
            "T1219",
            "T1574.001"
        ]
    );
    assert_eq!(d.added.len(), 24);
    assert!(ids(&d.added).contains(&"T1675"));
    for sub in [
        "T1176.001",
        "T1176.002",
        "T1219.001",
        "T1219.002",
        "T1219.003",
    ] {
        assert!(ids(&d.new_subtechniques).contains(&sub), "{sub}");
    }
    assert_eq!(d.tactic_changes.len(), 1);
    let t = &d.tactic_changes[0];
    assert_eq!(t.technique.attack_id, "T1112");
    assert!(!t.old.contains(&"persistence".to_string()));
    assert!(t.new.contains(&"persistence".to_string()));
    assert!(d.deprecated.is_empty() && d.deleted.is_empty());
    assert_eq!(d.minor.len(), 377);
}

#[test]
fn release_diff_17_1_to_18_1_enterprise_and_mobile() {
    let d = ReleaseDiff::compute(
        &cat("enterprise-attack-17.1.json"),
        &cat("enterprise-attack-18.1.json"),
    )
    .expect("diff");
    assert_eq!(
        ids(&d.major),
        ["T1082", "T1497.003", "T1552.003", "T1597.001"]
    );
    assert_eq!(d.added.len(), 12);
    assert!(ids(&d.added).contains(&"T1562.013"));
    assert!(d.revoked.is_empty());
    assert_eq!(d.minor.len(), 58);
    let layer = d.to_layer();
    assert!(layer.techniques.iter().any(|e| e.technique_id == "T1082"
        && e.comment
            .as_deref()
            .unwrap_or("")
            .contains("major change v2.6 → v3.0")));

    let m = ReleaseDiff::compute(
        &cat("mobile-attack-17.1.json"),
        &cat("mobile-attack-18.1.json"),
    )
    .expect("mobile diff");
    assert_eq!(m.domain, "mobile-attack");
    assert_eq!(ids(&m.added), ["T1636.005", "T1676"]);
}

#[test]
fn mixed_domains_are_refused() {
    let err = ReleasePair::new(
        &cat("mobile-attack-18.1.json"),
        &cat("enterprise-attack-18.1.json"),
    )
    .expect_err("mixed");
    assert!(err.to_string().contains("one domain"), "{err}");
    let mut layer = Layer::new("m", "mobile-attack");
    layer
        .techniques
        .push(navlayer_layer::TechniqueEntry::new("T1453"));
    let (e17, e18) = (
        cat("enterprise-attack-17.1.json"),
        cat("enterprise-attack-18.1.json"),
    );
    let pair = ReleasePair::new(&e17, &e18).expect("pair");
    let err = migrate_layer(&pair, &layer, &MigrateOptions::default()).expect_err("domain");
    assert!(err.to_string().contains("mobile-attack layer"), "{err}");
}
