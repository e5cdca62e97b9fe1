//! Invariants over every layer of every bundle in `attack-data` (all kinds, all objects):
//! the JSON is what Python's `json.dumps` writes, keys come in the website's order, sub-techniques
//! follow their parent in suffix order, parents are in name order, colours appear only where the
//! rules allow, and the techniques are exactly those the catalogue's query API relates to the
//! object (plus placeholder parents).

use std::collections::BTreeSet;

use navlayer_attack::{Catalogue, RelationKind};
use navlayer_generate::{
    pyjson, GenerateOptions, GeneratedLayer, Generator, LayerKind, COLOR_BOTH, COLOR_INHERITED,
    COLOR_USED,
};
use serde_json::Value;

const LAYER_KEYS: [&str; 7] = [
    "description",
    "name",
    "domain",
    "versions",
    "techniques",
    "gradient",
    "legendItems",
];
const ENTRY_KEYS: [&str; 5] = [
    "techniqueID",
    "comment",
    "score",
    "color",
    "showSubtechniques",
];

fn keys(v: &Value) -> Vec<&str> {
    v.as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect()
}

/// ATT&CK IDs the catalogue's query API relates to the object.
fn related_ids(cat: &Catalogue, layer: &GeneratedLayer) -> BTreeSet<String> {
    let ids = match layer.kind {
        LayerKind::Mitigation => cat.techniques_from(layer.object, &RelationKind::Mitigates),
        LayerKind::Group => cat.techniques_used_by(layer.object, true),
        LayerKind::Software | LayerKind::Campaign => cat.techniques_used_by(layer.object, false),
        LayerKind::Asset => cat.techniques_targeting(layer.object),
    };
    ids.into_iter()
        .filter_map(|t| cat.object(t).attack_id.clone())
        .collect()
}

fn check_layer(cat: &Catalogue, layer: &GeneratedLayer) {
    let id = &layer.attack_id;
    let text = layer.to_json();
    assert!(text.is_ascii(), "{id}: ensure_ascii output");
    assert!(!text.ends_with('\n'), "{id}: no trailing newline");
    let v: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{id}: {e}"));
    assert_eq!(pyjson::dumps(&v), text, "{id}: json.dumps round trip");
    assert_eq!(pyjson::dumps(&layer.to_value()), text, "{id}: to_value");
    assert_eq!(keys(&v), LAYER_KEYS, "{id}: layer keys");

    let o = cat.object(layer.object);
    assert_eq!(v["name"], format!("{} ({id})", o.name));
    assert!(v["description"]
        .as_str()
        .expect("description")
        .starts_with(&format!(
            "{} techniques {} {}, ATT&CK {} {id}",
            cat.domain().display_name(),
            layer.kind.verb(),
            o.name,
            layer.kind
        )));
    assert_eq!(v["versions"]["attack"], cat.release().major.to_string());
    assert_eq!(
        layer.file_name(),
        format!("{id}-{}-layer.json", cat.domain().short_name())
    );

    let legend = v["legendItems"].as_array().expect("legend");
    let inheritance = legend.len() == 3;
    assert!(
        legend.len() == 1 || (inheritance && layer.kind == LayerKind::Group),
        "{id}: legend"
    );

    let entries = v["techniques"].as_array().expect("techniques");
    assert!(!entries.is_empty(), "{id}: a layer has techniques");
    let mut parent: Option<(String, String, bool)> = None; // (id, lowercase name, showSubtechniques)
    let mut subs_of_parent = 0;
    let mut last_suffix = String::new();
    let mut last_name = String::new();
    let mut saw_inherited_colour = false;
    let mut ids = BTreeSet::new();
    let mut placeholders = BTreeSet::new();
    let close = |parent: &Option<(String, String, bool)>, subs: usize| {
        if let Some((pid, _, show)) = parent {
            assert_eq!(
                *show,
                subs > 0,
                "{id}: {pid} showSubtechniques iff sub-techniques follow"
            );
        }
    };
    for e in entries {
        let k = keys(e);
        assert_eq!(k.first(), Some(&"techniqueID"), "{id}: entry keys {k:?}");
        assert_eq!(
            k.last(),
            Some(&"showSubtechniques"),
            "{id}: entry keys {k:?}"
        );
        let mut order = ENTRY_KEYS.iter();
        assert!(
            k.iter().all(|key| order.any(|x| x == key)),
            "{id}: entry key order {k:?}"
        );
        let tid = e["techniqueID"].as_str().expect("techniqueID").to_string();
        let technique = cat.by_attack_id(&tid).map(|t| cat.object(t));
        let technique = technique.unwrap_or_else(|| panic!("{id}: {tid} is in the catalogue"));
        assert!(
            technique.kind.is_technique() && technique.is_active(),
            "{id}: {tid} active technique"
        );
        if let Some(score) = e.get("score") {
            assert_eq!(score, 1, "{id}: {tid} score");
        }
        if let Some(c) = e.get("comment") {
            let c = c.as_str().expect("comment");
            assert!(
                !c.contains('<') && !c.contains('>'),
                "{id}: {tid} comment is cleaned"
            );
        }
        let colour = e.get("color").map(|c| c.as_str().expect("color"));
        match colour {
            None | Some(COLOR_USED) => {}
            Some(COLOR_INHERITED) | Some(COLOR_BOTH) => {
                assert!(
                    inheritance,
                    "{id}: {tid} inherited colour needs the inheritance legend"
                );
                saw_inherited_colour = true;
            }
            Some(other) => panic!("{id}: {tid} colour {other}"),
        }
        let show = e["showSubtechniques"].as_bool().expect("showSubtechniques");
        if let Some((parent_id, suffix)) = tid.split_once('.') {
            // A sub-technique: right after its parent or a sibling, suffixes in order.
            let (pid, _, _) = parent
                .as_ref()
                .unwrap_or_else(|| panic!("{id}: {tid} has a parent entry"));
            assert_eq!(pid, parent_id, "{id}: {tid} follows its parent");
            assert!(
                suffix >= last_suffix.as_str(),
                "{id}: {tid} after .{last_suffix}"
            );
            assert!(show, "{id}: {tid} showSubtechniques");
            assert_eq!(
                e.get("score"),
                Some(&Value::from(1)),
                "{id}: {tid} sub-technique score"
            );
            assert!(
                colour.is_some(),
                "{id}: {tid} a sub-technique always has a colour"
            );
            last_suffix = suffix.to_string();
            subs_of_parent += 1;
        } else {
            close(&parent, subs_of_parent);
            // Parents and standalone techniques: case-insensitive name order.
            let name = technique.name.to_lowercase();
            assert!(name >= last_name, "{id}: {tid} ({name}) after {last_name}");
            last_name = name.clone();
            assert_eq!(
                e.get("score").is_some(),
                e.get("comment").is_some(),
                "{id}: {tid} score iff comment"
            );
            if e.get("score").is_none() && colour.is_none() {
                placeholders.insert(tid.clone());
            }
            parent = Some((tid.clone(), name, show));
            subs_of_parent = 0;
            last_suffix.clear();
        }
        assert!(
            ids.insert(tid.clone()) || tid.contains('.'),
            "{id}: {tid} listed once"
        );
    }
    close(&parent, subs_of_parent);
    assert_eq!(
        inheritance, saw_inherited_colour,
        "{id}: inheritance legend iff inherited colours"
    );

    // The same techniques as the catalogue's query API, apart from placeholder parents.
    let related = related_ids(cat, layer);
    assert!(
        related.is_subset(&ids),
        "{id}: missing {:?}",
        related.difference(&ids).collect::<Vec<_>>()
    );
    let extra: BTreeSet<&String> = ids.difference(&related).collect();
    assert!(
        extra.iter().all(|t| placeholders.contains(*t)),
        "{id}: entries not related to the object: {extra:?}"
    );
}

#[test]
fn every_layer_of_every_bundle_keeps_the_invariants() {
    let bundles = navlayer_testdata::all_bundles();
    assert!(bundles.len() >= 7, "bundles: {bundles:?}");
    let mut total = 0;
    for path in bundles {
        let rel = path
            .strip_prefix(navlayer_testdata::attack_data_dir())
            .expect("inside attack-data")
            .to_string_lossy()
            .into_owned();
        let cat = navlayer_testdata::catalogue(&rel);
        let generator = Generator::new(&cat, GenerateOptions::default());
        let outcome = generator.generate_all(&[]);
        assert!(outcome.failed.is_empty(), "{rel}: {:?}", outcome.failed);
        assert!(!outcome.layers.is_empty(), "{rel}: layers");
        let mut names = BTreeSet::new();
        for layer in &outcome.layers {
            check_layer(&cat, layer);
            assert!(
                names.insert(layer.file_name()),
                "{rel}: one file per object"
            );
        }
        // Every object of a kind is either generated or skipped for having no technique.
        let listed: usize = LayerKind::ALL
            .iter()
            .map(|&k| generator.objects_of(k).len())
            .sum();
        assert_eq!(
            listed,
            outcome.layers.len() + outcome.skipped.len(),
            "{rel}"
        );
        for &s in &outcome.skipped {
            assert!(generator.generate(s).is_err_and(|e| e.is_no_techniques()));
        }
        eprintln!(
            "{rel}: {} layers, {} skipped",
            outcome.layers.len(),
            outcome.skipped.len()
        );
        total += outcome.layers.len();
    }
    assert!(total > 2000, "{total} layers in all");
}
