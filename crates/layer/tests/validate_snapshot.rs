//! The findings for a layer with one of each problem, against enterprise 18.1 (insta snapshot).

use navlayer_layer::read::parse_layers;

const LAYER: &str = r###"{
    "name": "every problem",
    "versions": {"attack": "16", "layer": "4.3"},
    "domain": "enterprise-attack",
    "sorting": "2",
    "hideDisable": true,
    "filters": {"platforms": ["Windows", "windows-server"]},
    "layout": {"layout": "grid", "aggregateFunction": "Average"},
    "gradient": {"colors": ["##ffffff"], "minValue": 10, "maxValue": 0},
    "legendItems": [{"label": "x", "color": "PaleGoldenrod"}],
    "techniques": [
        {"techniqueID": "T1086", "tactic": "execution", "score": "high"},
        {"techniqueID": "T1059", "tactic": "persistence", "color": "#0d47a1 "},
        {"techniqueID": "T1059", "tactic": "persistence", "enabled": "False"},
        {"techniqueID": "t1003"},
        {"techniqueID": "T9999", "links": [{"label": "ref", "url": "example.com"}]},
        {"techniqueID": "M1036"},
        {"techniqueID": "T1003.001", "tactic": "CredentialAccess", "metadata": [{"name": "only a name"}]},
        {},
        {"techniqueID": "T1566", "tactic": "initial-access", "score": 3, "score": 4, "category": "x"}
    ]
}"###;

#[test]
fn findings_against_enterprise_18_1() {
    let catalogue = navlayer_testdata::catalogue("enterprise-attack-18.1.json");
    let loaded = parse_layers(LAYER.as_bytes(), "every-problem.json").expect("loads");
    let mut text = String::new();
    for u in &loaded[0].upgrades {
        text.push_str(&format!("upgrade: {u}\n"));
    }
    for f in loaded[0].validate(Some(&catalogue)) {
        text.push_str(&format!("{f}\n"));
    }
    insta::assert_snapshot!(text);
}
