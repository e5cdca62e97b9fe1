//! The query API and the raw STIX JSON on the real shared bundles. Differential checks against
//! mitreattack-python itself live in `tests/python-diff` (run by `scripts/test`); these tests
//! check the invariants every answer must keep.

use std::collections::BTreeSet;

use navlayer_attack::{Catalogue, LoadOptions, ObjectId, ObjectKind, Related, RelationKind};
use navlayer_testdata::{all_bundles, bundle_path, catalogue};

/// The reverse query of a pair.
type Reverse = fn(&navlayer_attack::Query, ObjectId) -> Vec<Related>;

fn objects(entries: &[Related]) -> BTreeSet<ObjectId> {
    entries.iter().map(|e| e.object).collect()
}

/// Every pair query and its reverse agree, on every object of every bundle.
#[test]
fn pair_queries_are_symmetric_on_every_bundle() {
    for name in [
        "enterprise-attack-17.1.json",
        "enterprise-attack-18.1.json",
        "mobile-attack-18.1.json",
        "ics-attack-18.1.json",
    ] {
        let cat = catalogue(name);
        let q = cat.query();
        let mut pairs = 0usize;
        for id in cat.ids() {
            let o = cat.object(id);
            let checks: Vec<(Vec<Related>, Reverse)> = match o.kind {
                ObjectKind::Group => vec![
                    (q.techniques_used_by_group(id), |q, t| {
                        q.groups_using_technique(t)
                    }),
                    (q.software_used_by_group(id), |q, s| {
                        q.groups_using_software(s)
                    }),
                    (q.campaigns_attributed_to_group(id), |q, c| {
                        q.groups_attributing_to_campaign(c)
                    }),
                ],
                ObjectKind::Campaign => vec![
                    (q.techniques_used_by_campaign(id), |q, t| {
                        q.campaigns_using_technique(t)
                    }),
                    (q.software_used_by_campaign(id), |q, s| {
                        q.campaigns_using_software(s)
                    }),
                ],
                ObjectKind::Malware | ObjectKind::Tool => {
                    vec![(q.techniques_used_by_software(id), |q, t| {
                        q.software_using_technique(t)
                    })]
                }
                ObjectKind::Mitigation => {
                    vec![(q.techniques_mitigated_by_mitigation(id), |q, t| {
                        q.mitigations_mitigating_technique(t)
                    })]
                }
                ObjectKind::DataComponent => {
                    vec![(q.techniques_detected_by_datacomponent(id), |q, t| {
                        q.datacomponents_detecting_technique(t)
                    })]
                }
                ObjectKind::DetectionStrategy => {
                    vec![(q.techniques_detected_by_detection_strategy(id), |q, t| {
                        q.detection_strategies_detecting_technique(t)
                    })]
                }
                ObjectKind::Asset => vec![(q.techniques_targeting_asset(id), |q, t| {
                    q.assets_targeted_by_technique(t)
                })],
                ObjectKind::SubTechnique => {
                    vec![(q.parent_technique_of_subtechnique(id), |q, t| {
                        q.subtechniques_of_technique(t)
                    })]
                }
                _ => Vec::new(),
            };
            for (forward, reverse) in checks {
                for e in &forward {
                    pairs += 1;
                    assert!(!e.relationships.is_empty());
                    if o.is_active() {
                        assert!(
                            objects(&reverse(&q, e.object)).contains(&id),
                            "{name}: {} relates to {} but not back",
                            o.display_id(),
                            cat.object(e.object).display_id()
                        );
                    }
                }
            }
        }
        assert!(
            pairs > 1000 || !name.starts_with("enterprise"),
            "{name}: only {pairs} pairs"
        );
    }
}

/// A group's techniques (with its campaigns') are the ones the layer generator uses, and every
/// related object is active.
#[test]
fn group_techniques_match_the_catalogue_and_are_active() {
    let cat = catalogue("enterprise-attack-18.1.json");
    let q = cat.query();
    let mut groups = 0;
    for g in cat.active_of_kind(ObjectKind::Group) {
        groups += 1;
        let entries = q.techniques_used_by_group(g);
        let ours = objects(&entries);
        assert_eq!(ours.len(), entries.len(), "one entry per technique");
        let expected: BTreeSet<ObjectId> = cat.techniques_used_by(g, true).into_iter().collect();
        assert_eq!(ours, expected, "{}", cat.object(g).display_id());
        for e in &entries {
            assert!(cat.object(e.object).is_active());
            for &r in &e.relationships {
                assert!(cat.relationship(r).is_active());
            }
        }
    }
    assert!(groups > 150, "{groups} groups");
    // G0016 (APT29) inherits techniques from the campaigns attributed to it: some entry has two
    // relationships, a campaign's `uses` then its `attributed-to`.
    let g0016 = cat.by_attack_id("G0016").expect("G0016");
    let inherited = q
        .techniques_used_by_group(g0016)
        .into_iter()
        .find(|e| e.relationships.len() >= 2)
        .expect("an inherited technique");
    let kinds: Vec<&RelationKind> = inherited
        .relationships
        .iter()
        .map(|&r| &cat.relationship(r).kind)
        .collect();
    assert!(kinds.contains(&&RelationKind::AttributedTo), "{kinds:?}");
    assert!(!q.campaigns_attributed_to_group(g0016).is_empty());
}

#[test]
fn lookups_by_value() {
    let cat = catalogue("enterprise-attack-18.1.json");
    let q = cat.query();
    let t1059 = cat.by_attack_id("T1059").expect("T1059");
    let name = cat.object(t1059).name.clone();
    assert_eq!(
        q.objects_by_name(&name, Some("attack-pattern")),
        vec![t1059]
    );
    assert!(
        q.objects_by_name(&name.to_lowercase(), None).is_empty(),
        "names are case-sensitive"
    );
    let apt29 = q.objects_by_alias("Cozy Bear");
    assert_eq!(apt29, vec![cat.by_attack_id("G0016").expect("G0016")]);
    let stix = &cat.object(t1059).stix_id;
    assert_eq!(cat.by_stix_id(stix), Some(t1059));
    // Everything modified after the newest modification: nothing; after 1970: every object with
    // a `modified`.
    let newest = cat
        .objects()
        .iter()
        .filter_map(|o| o.modified.clone())
        .max()
        .expect("modified");
    assert_eq!(q.objects_modified_after(&newest, false), Some(Vec::new()));
    let all = q.objects_modified_after("1970-01-01", false).expect("date");
    assert_eq!(
        all.len(),
        cat.objects()
            .iter()
            .filter(|o| o.modified.is_some())
            .count()
    );
    assert_eq!(q.objects_modified_after("not a date", false), None);
    // Procedure examples are the `uses` relationships of the technique, with descriptions.
    let t1059_001 = cat.by_attack_id("T1059.001").expect("T1059.001");
    let procedures = q.procedure_examples_by_technique(t1059_001);
    assert!(procedures.len() > 100, "{}", procedures.len());
    assert!(procedures
        .iter()
        .all(|&r| cat.relationship(r).kind == RelationKind::Uses));
    assert!(procedures
        .iter()
        .any(|&r| cat.relationship(r).description.is_some()));
    // A v18 detection strategy references analytics.
    let det = cat
        .active_of_kind(ObjectKind::DetectionStrategy)
        .next()
        .expect("a detection strategy");
    let analytics = q.analytics_of_detection_strategy(det, false);
    assert_eq!(analytics.len(), cat.object(det).analytic_refs.len());
    for a in analytics {
        assert!(q.detection_strategies_of_analytic(a, false).contains(&det));
    }
}

/// With `keep_raw_json`, each element of the bundle comes back exactly as the file has it.
#[test]
fn raw_json_is_every_element_as_read() {
    for path in all_bundles() {
        let name = path.display().to_string();
        if name.contains("enterprise-attack-16") || name.contains("enterprise-attack-17") {
            continue; // same layout as 18.1; keeps the test quick
        }
        let options = LoadOptions {
            keep_raw_json: true,
            ..LoadOptions::default()
        };
        let cat = Catalogue::load(&path, &options).expect("load");
        assert!(cat.has_raw_json());
        let file: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&path).expect("read")).expect("json");
        let elements = file["objects"].as_array().expect("objects");
        let raw: Vec<&str> = cat.raw_bundle_json().collect();
        assert_eq!(raw.len(), elements.len(), "{name}");
        for (text, element) in raw.iter().zip(elements) {
            let parsed: serde_json::Value = serde_json::from_str(text).expect("raw element parses");
            assert_eq!(&parsed, element, "{name}");
        }
        for id in cat.ids() {
            let value = cat.raw_value(id).expect("raw object");
            assert_eq!(value["id"], cat.object(id).stix_id.as_str(), "{name}");
        }
        for (i, r) in cat.relationships().iter().enumerate() {
            let value = cat
                .raw_relationship_value(navlayer_attack::RelationshipId(i as u32))
                .expect("raw relationship");
            assert_eq!(value["id"], r.stix_id.as_str());
            assert_eq!(value["type"], "relationship");
        }
        let others = cat.raw_other_json().count();
        assert_eq!(others, cat.other_types().values().sum::<usize>(), "{name}");
    }
    // Off by default, and from memory too.
    let cat = catalogue("ics-attack-18.1.json");
    assert!(!cat.has_raw_json());
    assert_eq!(cat.raw_json(ObjectId(0)), None);
    let bytes = std::fs::read(bundle_path("ics-attack-18.1.json")).expect("read");
    let from_memory = Catalogue::from_slice(
        &bytes,
        "ics-attack-18.1.json".as_ref(),
        &LoadOptions {
            keep_raw_json: true,
            ..LoadOptions::default()
        },
    )
    .expect("load");
    let first = from_memory.raw_json(ObjectId(0)).expect("raw");
    assert!(first.starts_with('{') && first.ends_with('}'));
}

#[test]
fn related_counts_agree_with_the_relationship_queries() {
    let c = catalogue("enterprise-attack-18.1.json");
    let t1059 = c.by_attack_id("T1059").expect("T1059");
    let counts = c.related_counts(t1059);
    let subs: usize = counts
        .iter()
        .filter(|(k, _)| k.starts_with("subtechnique-of by "))
        .map(|(_, n)| n)
        .sum();
    assert_eq!(subs, c.subtechniques_of(t1059).len());
    assert!(
        counts.keys().any(|k| k.starts_with("uses by ")),
        "{counts:?}"
    );
    let sub = c.by_attack_id("T1059.001").expect("T1059.001");
    let up: usize = c
        .related_counts(sub)
        .iter()
        .filter(|(k, _)| k.starts_with("subtechnique-of ") && !k.contains(" by "))
        .map(|(_, n)| *n)
        .sum();
    assert_eq!(up, 1, "one parent");
}
