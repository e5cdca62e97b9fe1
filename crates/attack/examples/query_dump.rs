//! Answers every query of [`navlayer_attack::Query`] for every object it applies to and prints
//! them as one JSON document, for the differential test against mitreattack-python
//! (`tests/python-diff/queries.py`, run by `scripts/test`).
//!
//! `cargo run --release -p navlayer-attack --example query_dump -- BUNDLE [--dates D1,D2] [--content W1,W2]`
//!
//! Output: `{"pairs": {query: {stix_id: [[related_stix_id, [relationship_stix_id, …]], …]}},
//! "lists": {query: {key: [stix_id, …]}}}`; keys are STIX ids, or the value asked about for
//! lookups by name, alias, ATT&CK ID, date, content, platform and tactic.

use std::collections::BTreeMap;

use navlayer_attack::{Catalogue, LoadOptions, ObjectId, ObjectKind, Query, Related};
use serde_json::{json, Map, Value};

type PairFn = fn(&Query, ObjectId) -> Vec<Related>;

fn pair_queries(kind: ObjectKind) -> Vec<(&'static str, PairFn)> {
    match kind {
        ObjectKind::Technique | ObjectKind::SubTechnique => vec![
            ("groups_using_technique", |q, t| q.groups_using_technique(t)),
            ("software_using_technique", |q, t| {
                q.software_using_technique(t)
            }),
            ("campaigns_using_technique", |q, t| {
                q.campaigns_using_technique(t)
            }),
            ("mitigations_mitigating_technique", |q, t| {
                q.mitigations_mitigating_technique(t)
            }),
            ("subtechniques_of_technique", |q, t| {
                q.subtechniques_of_technique(t)
            }),
            ("parent_technique_of_subtechnique", |q, t| {
                q.parent_technique_of_subtechnique(t)
            }),
            ("datacomponents_detecting_technique", |q, t| {
                q.datacomponents_detecting_technique(t)
            }),
            ("detection_strategies_detecting_technique", |q, t| {
                q.detection_strategies_detecting_technique(t)
            }),
            ("assets_targeted_by_technique", |q, t| {
                q.assets_targeted_by_technique(t)
            }),
        ],
        ObjectKind::Group => vec![
            ("techniques_used_by_group", |q, g| {
                q.techniques_used_by_group(g)
            }),
            ("software_used_by_group", |q, g| q.software_used_by_group(g)),
            ("campaigns_attributed_to_group", |q, g| {
                q.campaigns_attributed_to_group(g)
            }),
        ],
        ObjectKind::Campaign => vec![
            ("techniques_used_by_campaign", |q, c| {
                q.techniques_used_by_campaign(c)
            }),
            ("software_used_by_campaign", |q, c| {
                q.software_used_by_campaign(c)
            }),
            ("groups_attributing_to_campaign", |q, c| {
                q.groups_attributing_to_campaign(c)
            }),
        ],
        ObjectKind::Malware | ObjectKind::Tool => vec![
            ("techniques_used_by_software", |q, s| {
                q.techniques_used_by_software(s)
            }),
            ("groups_using_software", |q, s| q.groups_using_software(s)),
            ("campaigns_using_software", |q, s| {
                q.campaigns_using_software(s)
            }),
        ],
        ObjectKind::Mitigation => vec![("techniques_mitigated_by_mitigation", |q, m| {
            q.techniques_mitigated_by_mitigation(m)
        })],
        ObjectKind::DataComponent => vec![("techniques_detected_by_datacomponent", |q, d| {
            q.techniques_detected_by_datacomponent(d)
        })],
        ObjectKind::DetectionStrategy => {
            vec![("techniques_detected_by_detection_strategy", |q, d| {
                q.techniques_detected_by_detection_strategy(d)
            })]
        }
        ObjectKind::Asset => vec![("techniques_targeting_asset", |q, a| {
            q.techniques_targeting_asset(a)
        })],
        _ => Vec::new(),
    }
}

fn ids(cat: &Catalogue, list: impl IntoIterator<Item = ObjectId>) -> Value {
    list.into_iter()
        .map(|id| json!(cat.object(id).stix_id))
        .collect()
}

fn insert(
    lists: &mut BTreeMap<&'static str, Map<String, Value>>,
    query: &'static str,
    key: &str,
    value: Value,
) {
    lists
        .entry(query)
        .or_default()
        .insert(key.to_string(), value);
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .ok_or("usage: query_dump BUNDLE [--dates D,…] [--content W,…]")?;
    let mut dates = vec![
        "2020-01-01".to_string(),
        "2024-01-01".to_string(),
        "2025-04-15T00:00:00Z".to_string(),
    ];
    let mut content = vec!["powershell".to_string(), "Registry".to_string()];
    while let Some(a) = args.next() {
        let list = args.next().ok_or("a comma-separated list")?;
        let values = list.split(',').map(String::from).collect();
        match a.as_str() {
            "--dates" => dates = values,
            "--content" => content = values,
            other => return Err(format!("unknown argument {other}").into()),
        }
    }
    let cat = Catalogue::load(path.as_ref(), &LoadOptions::default())?;
    let q = cat.query();
    let rel_id = |r| json!(cat.relationship(r).stix_id);
    let mut pairs: BTreeMap<&'static str, Map<String, Value>> = BTreeMap::new();
    let mut lists: BTreeMap<&'static str, Map<String, Value>> = BTreeMap::new();
    for id in cat.ids() {
        let o = cat.object(id);
        for (name, query) in pair_queries(o.kind) {
            let entries: Value = query(&q, id)
                .into_iter()
                .map(|e| {
                    json!([
                        cat.object(e.object).stix_id,
                        e.relationships
                            .iter()
                            .map(|&r| rel_id(r))
                            .collect::<Value>()
                    ])
                })
                .collect();
            pairs
                .entry(name)
                .or_default()
                .insert(o.stix_id.clone(), entries);
        }
        let key = o.stix_id.as_str();
        match o.kind {
            ObjectKind::Technique | ObjectKind::SubTechnique => {
                let procedures: Value = q
                    .procedure_examples_by_technique(id)
                    .into_iter()
                    .map(rel_id)
                    .collect();
                insert(
                    &mut lists,
                    "procedure_examples_by_technique",
                    key,
                    procedures,
                );
                insert(
                    &mut lists,
                    "tactics_by_technique",
                    key,
                    ids(&cat, q.tactics_by_technique(id)),
                );
            }
            ObjectKind::Group => {
                insert(
                    &mut lists,
                    "techniques_used_by_group_software",
                    key,
                    ids(&cat, q.techniques_used_by_group_software(id)),
                );
            }
            ObjectKind::DetectionStrategy => {
                insert(
                    &mut lists,
                    "analytics_by_detection_strategy",
                    key,
                    ids(&cat, q.analytics_of_detection_strategy(id, false)),
                );
            }
            _ => {}
        }
        if o.revoked {
            insert(
                &mut lists,
                "revoking_object",
                key,
                ids(&cat, q.revoking_object(id)),
            );
        }
        if let Some(attack_id) = &o.attack_id {
            let k = format!("{attack_id} {}", o.kind.stix_type());
            insert(
                &mut lists,
                "object_by_attack_id",
                &k,
                ids(&cat, q.object_by_attack_id(attack_id, o.kind.stix_type())),
            );
        }
        let k = format!("{} {}", o.name, o.kind.stix_type());
        insert(
            &mut lists,
            "objects_by_name",
            &k,
            ids(&cat, q.objects_by_name(&o.name, Some(o.kind.stix_type()))),
        );
        if matches!(
            o.kind,
            ObjectKind::Group | ObjectKind::Campaign | ObjectKind::Malware | ObjectKind::Tool
        ) {
            for alias in &o.aliases {
                insert(
                    &mut lists,
                    "objects_by_alias",
                    alias,
                    ids(&cat, q.objects_by_alias(alias)),
                );
            }
        }
    }
    for d in &dates {
        insert(
            &mut lists,
            "objects_modified_after",
            d,
            ids(&cat, q.objects_modified_after(d, false).ok_or("bad date")?),
        );
        insert(
            &mut lists,
            "objects_created_after",
            d,
            ids(&cat, q.objects_created_after(d, false).ok_or("bad date")?),
        );
    }
    for w in &content {
        insert(
            &mut lists,
            "objects_by_content",
            w,
            ids(&cat, q.objects_by_content(w, None, false)),
        );
    }
    for p in cat.platforms() {
        insert(
            &mut lists,
            "techniques_by_platform",
            &p,
            ids(&cat, q.techniques_by_platform(&p, false)),
        );
    }
    for &t in cat.tactics() {
        if let Some(short) = &cat.object(t).shortname {
            insert(
                &mut lists,
                "techniques_by_tactic",
                short,
                ids(&cat, q.techniques_by_tactic(short, false)),
            );
        }
    }
    for stix_type in [
        "attack-pattern",
        "malware",
        "tool",
        "intrusion-set",
        "campaign",
        "course-of-action",
        "x-mitre-tactic",
        "x-mitre-data-source",
        "x-mitre-data-component",
        "x-mitre-asset",
        "x-mitre-analytic",
        "x-mitre-detection-strategy",
        "x-mitre-matrix",
    ] {
        insert(
            &mut lists,
            "objects_by_type",
            stix_type,
            ids(&cat, q.objects_by_type(stix_type, false)),
        );
    }
    let out = json!({"bundle": path, "pairs": pairs, "lists": lists});
    println!("{}", serde_json::to_string(&out)?);
    Ok(())
}
