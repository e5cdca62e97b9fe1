//! The catalogue on every real ATT&CK bundle of the shared test data. Expected counts were taken
//! from the bundles with an independent Python script (json module, counting by type and flags).

use navlayer_attack::{Catalogue, Domain, LoadOptions, ObjectKind, RelationKind, Release};
use navlayer_testdata::{all_bundles, catalogue};

fn counts(cat: &Catalogue, kind: ObjectKind) -> (usize, usize, usize) {
    let c = cat
        .counts()
        .into_iter()
        .find(|(k, _)| *k == kind)
        .map(|(_, c)| c)
        .unwrap_or_default();
    (c.active, c.revoked, c.deprecated)
}

#[test]
fn every_shared_bundle_loads_with_domain_release_and_tactics() {
    let bundles = all_bundles();
    assert!(
        bundles.len() >= 7,
        "expected the 7 shared bundles, found {bundles:?}"
    );
    for path in bundles {
        let cat = Catalogue::load(&path, &LoadOptions::default())
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let (domain, release) = navlayer_attack::parse_bundle_file_name(&path).expect("file name");
        assert_eq!(cat.domain(), domain, "{}", path.display());
        assert_eq!(cat.release(), release, "{}", path.display());
        assert!(!cat.tactics().is_empty(), "{}: no tactics", path.display());
        // Every tactic in the order is a tactic, and every active technique's tactics are in it.
        let shortnames: Vec<&str> = cat
            .tactics()
            .iter()
            .map(|&t| {
                assert_eq!(cat.object(t).kind, ObjectKind::Tactic);
                cat.object(t)
                    .shortname
                    .as_deref()
                    .expect("tactic shortname")
            })
            .collect();
        for t in cat.active_techniques() {
            for tactic in &cat.object(t).tactics {
                assert!(
                    shortnames.contains(&tactic.as_str()),
                    "{}: {} names tactic {tactic} not in the matrix",
                    path.display(),
                    cat.object(t).display_id()
                );
            }
        }
    }
}

#[test]
fn enterprise_18_1_counts_match_the_bundle() {
    let cat = catalogue("enterprise-attack-18.1.json");
    assert_eq!(cat.spec_version(), "2.0");
    assert_eq!(counts(&cat, ObjectKind::Technique), (216, 129, 11));
    assert_eq!(counts(&cat, ObjectKind::SubTechnique), (475, 3, 1));
    assert_eq!(counts(&cat, ObjectKind::Mitigation), (44, 0, 224));
    assert_eq!(counts(&cat, ObjectKind::Group), (172, 6, 9));
    assert_eq!(counts(&cat, ObjectKind::Malware), (693, 2, 1));
    assert_eq!(counts(&cat, ObjectKind::Tool), (91, 0, 0));
    assert_eq!(counts(&cat, ObjectKind::Campaign), (52, 0, 0));
    assert_eq!(counts(&cat, ObjectKind::Tactic), (14, 0, 0));
    assert_eq!(cat.relationships().len(), 20048);
    let rel = cat.relationship_counts();
    assert_eq!(rel["uses"].total(), 17270);
    assert_eq!(rel["mitigates"].total(), 1445);
    assert_eq!(rel["detects"].total(), 691);
    assert_eq!(rel["subtechnique-of"].total(), 477);
    assert_eq!(rel["revoked-by"].total(), 140);
    assert_eq!(rel["attributed-to"].total(), 25);
}

#[test]
fn other_bundles_counts_match() {
    let e16 = catalogue("enterprise-attack-16.1.json");
    assert_eq!(counts(&e16, ObjectKind::Technique), (203, 129, 11));
    assert_eq!(counts(&e16, ObjectKind::SubTechnique), (453, 2, 1));
    assert_eq!(counts(&e16, ObjectKind::Campaign), (34, 0, 0));
    assert_eq!(e16.relationships().len(), 19163);
    let e17 = catalogue("enterprise-attack-17.1.json");
    assert_eq!(counts(&e17, ObjectKind::Technique), (211, 129, 11));
    assert_eq!(counts(&e17, ObjectKind::Group), (166, 6, 9));
    let m17 = catalogue("mobile-attack-17.1.json");
    assert_eq!(m17.spec_version(), "2.1");
    assert_eq!(m17.domain(), Domain::Mobile);
    assert_eq!(counts(&m17, ObjectKind::Technique), (75, 53, 14));
    assert_eq!(counts(&m17, ObjectKind::SubTechnique), (46, 0, 0));
    // 12 active tactics in the matrix; 2 deprecated ones are kept but not in the order.
    assert_eq!(counts(&m17, ObjectKind::Tactic), (12, 0, 2));
    assert_eq!(m17.tactics().len(), 12);
    let m18 = catalogue("mobile-attack-18.1.json");
    assert_eq!(counts(&m18, ObjectKind::Technique), (77, 53, 13));
    assert_eq!(m18.relationships().len(), 1811);
    let ics = catalogue("ics-attack-18.1.json");
    assert_eq!(ics.domain(), Domain::Ics);
    assert_eq!(
        ics.release(),
        Release {
            major: 18,
            minor: 1
        }
    );
    assert_eq!(counts(&ics, ObjectKind::Asset), (18, 0, 0));
    assert_eq!(counts(&ics, ObjectKind::Technique), (83, 0, 12));
    assert_eq!(ics.relationship_counts()["targets"].total(), 685);
    // The STIX 2.0 copy of ICS holds the same content; its release comes from the file name.
    let ics20 = catalogue("stix20/ics-attack-18.1.json");
    assert_eq!(ics20.spec_version(), "2.0");
    assert_eq!(ics20.release(), ics.release());
    assert_eq!(ics20.relationships().len(), ics.relationships().len());
    assert_eq!(counts(&ics20, ObjectKind::Asset), (18, 0, 0));
}

#[test]
fn tactic_order_comes_from_the_matrix() {
    let cat = catalogue("enterprise-attack-18.1.json");
    let ids: Vec<&str> = cat
        .tactics()
        .iter()
        .map(|&t| cat.object(t).display_id())
        .collect();
    assert_eq!(ids.first(), Some(&"TA0043"), "Reconnaissance first");
    assert_eq!(ids.last(), Some(&"TA0040"), "Impact last");
    assert_eq!(ids.len(), 14);
    let ics = catalogue("ics-attack-18.1.json");
    let first = ics.object(ics.tactics()[0]);
    assert_eq!(first.display_id(), "TA0108");
    assert_eq!(first.shortname.as_deref(), Some("initial-access"));
    let last = ics.object(*ics.tactics().last().expect("tactics"));
    assert_eq!(last.display_id(), "TA0105", "ICS Impact last");
}

#[test]
fn m1038_mitigates_80_techniques_in_18_1() {
    let cat = catalogue("enterprise-attack-18.1.json");
    let m = cat.by_attack_id("M1038").expect("M1038");
    assert_eq!(cat.object(m).name, "Execution Prevention");
    let rels = cat.active_outgoing(m, &RelationKind::Mitigates).count();
    assert_eq!(rels, 80);
    let techniques = cat.techniques_from(m, &RelationKind::Mitigates);
    assert_eq!(techniques.len(), 80);
    let ids: Vec<&str> = techniques
        .iter()
        .map(|&t| cat.object(t).display_id())
        .collect();
    assert!(ids.contains(&"T1059.001"));
    assert!(ids.contains(&"T1548.004"));
}

#[test]
fn g0016_uses_and_campaign_inheritance() {
    let cat = catalogue("enterprise-attack-18.1.json");
    let g = cat.by_attack_id("g0016").expect("case-insensitive lookup");
    assert_eq!(cat.object(g).name, "APT29");
    let own = cat.techniques_used_by(g, false);
    let with_campaigns = cat.techniques_used_by(g, true);
    assert_eq!(own.len(), 66);
    assert_eq!(with_campaigns.len(), 119);
    let campaigns: Vec<&str> = cat
        .campaigns_of_group(g)
        .iter()
        .map(|&c| cat.object(c).display_id())
        .collect();
    assert!(
        campaigns.contains(&"C0024"),
        "SolarWinds Compromise: {campaigns:?}"
    );
}

#[test]
fn sub_techniques_and_parents_are_linked() {
    let cat = catalogue("enterprise-attack-18.1.json");
    let t1059 = cat.by_attack_id("T1059").expect("T1059");
    let subs: Vec<&str> = cat
        .subtechniques_of(t1059)
        .iter()
        .map(|&s| cat.object(s).display_id())
        .collect();
    assert!(subs.contains(&"T1059.001") && subs.contains(&"T1059.004"));
    let ps = cat.by_attack_id("T1059.001").expect("T1059.001");
    assert_eq!(cat.parent_of(ps), Some(t1059));
    assert_eq!(cat.object(ps).kind, ObjectKind::SubTechnique);
}

#[test]
fn revoked_techniques_point_to_their_replacement() {
    let cat = catalogue("enterprise-attack-18.1.json");
    // Every revoked technique with a revoked-by relationship resolves to an active object.
    let mut resolved = 0;
    for id in cat.ids() {
        let o = cat.object(id);
        if o.kind.is_technique() && o.revoked {
            if let Some(r) = cat.replacement_of(id) {
                assert!(cat.object(r).is_active() || cat.object(r).revoked);
                resolved += 1;
            }
        }
    }
    assert!(
        resolved > 100,
        "only {resolved} revoked techniques resolved"
    );
}

#[test]
fn queries_by_tactic_platform_detection_and_asset() {
    let cat = catalogue("enterprise-attack-18.1.json");
    let exec = cat.tactic("TA0002").expect("execution");
    assert_eq!(cat.tactic("execution"), Some(exec));
    assert_eq!(cat.tactic("Execution"), Some(exec));
    let in_exec = cat.techniques_in_tactic(exec);
    assert!(in_exec
        .iter()
        .all(|&t| cat.object(t).tactics.iter().any(|x| x == "execution")));
    assert!(in_exec.len() > 30);
    let linux = cat.techniques_on_platform("linux");
    assert!(linux.len() > 100);
    assert!(cat.platforms().contains(&"Linux".to_string()));
    // Detection strategies detect techniques in 18.1.
    let det = cat
        .active_of_kind(ObjectKind::DetectionStrategy)
        .next()
        .expect("a detection strategy");
    assert!(!cat.techniques_detected_by(det).is_empty());
    let ics = catalogue("ics-attack-18.1.json");
    let a = ics.by_attack_id("A0004").expect("A0004");
    assert!(!ics.techniques_targeting(a).is_empty());
}

#[test]
fn suggestions_for_unknown_ids() {
    let cat = catalogue("enterprise-attack-18.1.json");
    assert!(cat.by_attack_id("M9999").is_none());
    let s = cat.suggest("T1059.01", 3);
    assert!(s.iter().any(|x| x.starts_with("T1059")), "{s:?}");
}

/// `map_file` reads what the copying reader reads, on every shared bundle; a gzip or BOM file
/// and the size limit behave the same with or without it.
#[test]
fn mapped_loading_reads_what_copied_loading_reads() {
    let mapped = LoadOptions {
        map_file: true,
        ..LoadOptions::default()
    };
    let summary = |cat: &Catalogue| {
        (
            cat.domain(),
            cat.release(),
            cat.counts(),
            cat.tactics()
                .iter()
                .map(|&t| cat.object(t).display_id().to_string())
                .collect::<Vec<_>>(),
        )
    };
    let bundles = all_bundles();
    for path in &bundles {
        let copied = Catalogue::load(path, &LoadOptions::default()).unwrap();
        let via_map = Catalogue::load(path, &mapped).unwrap();
        assert_eq!(
            format!("{:?}", summary(&copied)),
            format!("{:?}", summary(&via_map)),
            "{}",
            path.display()
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let ics = bundles
        .iter()
        .find(|p| p.to_string_lossy().contains("ics-attack"))
        .unwrap();
    let text = std::fs::read(ics).unwrap();
    let bom = dir.path().join("ics-attack-18.1.json");
    std::fs::write(&bom, [&[0xEF, 0xBB, 0xBF][..], &text].concat()).unwrap();
    let gz = dir.path().join("ics-attack-18.1.json.gz");
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    std::io::Write::write_all(&mut enc, &text).unwrap();
    std::fs::write(&gz, enc.finish().unwrap()).unwrap();
    let expected = format!("{:?}", summary(&Catalogue::load(ics, &mapped).unwrap()));
    for path in [&bom, &gz] {
        let cat = Catalogue::load(path, &mapped).unwrap();
        assert_eq!(
            format!("{:?}", summary(&cat)),
            expected,
            "{}",
            path.display()
        );
    }
    // Kept as the catalogue's STIX JSON, the map gives every entry exactly as the read copy.
    let keep = |map_file| LoadOptions {
        keep_raw_json: true,
        map_file,
        ..LoadOptions::default()
    };
    for path in [ics, &bom] {
        let read = Catalogue::load(path, &keep(false)).unwrap();
        let via_map = Catalogue::load(path, &keep(true)).unwrap();
        let (a, b): (Vec<&str>, Vec<&str>) = (
            read.raw_bundle_json().collect(),
            via_map.raw_bundle_json().collect(),
        );
        assert!(a.len() > 1_000, "{}", a.len());
        assert_eq!(a, b, "{}", path.display());
    }
    let small = LoadOptions {
        max_file_bytes: Some(1_000),
        ..mapped
    };
    let err = Catalogue::load(&bom, &small).unwrap_err().to_string();
    assert!(err.contains("1000") || err.contains("limit"), "{err}");
}
