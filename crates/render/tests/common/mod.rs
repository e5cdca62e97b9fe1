//! Test support shared by the render crates' tests (included with `#[path]`): the real layers
//! the snapshots are made of, and a hostile layer.
#![allow(dead_code)]

use std::path::PathBuf;

use navlayer_layer::Layer;
use navlayer_render::{LayoutKind, MatrixView, RenderOptions};

/// (snapshot name, path under NAVLAYER_SHARED, bundle to draw it over).
pub const REAL_LAYERS: [(&str, &str, &str); 5] = [
    (
        "m1038_v19_official",
        "reference/M1038-enterprise-layer-attack-v19-official.json",
        "enterprise-attack-18.1.json",
    ),
    (
        "g0016_group",
        "reference/expected/enterprise-attack-18.1__G0016-enterprise-layer.json",
        "enterprise-attack-18.1.json",
    ),
    (
        "ie1_metadata_links",
        "layers-corpus/BoogleCloud__influence-energy/ie1_layer.json",
        "enterprise-attack-18.1.json",
    ),
    (
        "s1061_mobile",
        "reference/expected/mobile-attack-18.1__S1061-mobile-layer.json",
        "mobile-attack-18.1.json",
    ),
    (
        "m0930_ics",
        "reference/expected/ics-attack-18.1__M0930-ics-layer.json",
        "ics-attack-18.1.json",
    ),
];

/// The layers every layout × format snapshot is made of: M1038 as published (v19), G0016
/// (campaign colours), a mobile and an ICS layer.
pub const SNAPSHOT_LAYERS: [usize; 4] = [0, 1, 3, 4];

/// The three layouts.
pub const LAYOUTS: [LayoutKind; 3] = [LayoutKind::Side, LayoutKind::Flat, LayoutKind::Mini];

/// (snapshot name, view) for every snapshot layer in every layout, with `options` otherwise.
pub fn snapshot_views(options: &RenderOptions) -> Vec<(String, MatrixView, RenderOptions)> {
    let mut out = Vec::new();
    for i in SNAPSHOT_LAYERS {
        let (name, path, bundle) = REAL_LAYERS[i];
        let layer = read_layer(path);
        let catalogue = navlayer_testdata::catalogue(bundle);
        for kind in LAYOUTS {
            let o = RenderOptions {
                layout: Some(kind),
                ..options.clone()
            };
            let view = MatrixView::build(&layer, &catalogue, &o);
            out.push((format!("{kind}_{name}"), view, o));
        }
    }
    out
}

pub fn shared(path: &str) -> PathBuf {
    navlayer_testdata::shared_dir().join(path)
}

/// Reads a layer with the project's reader (any format version).
pub fn read_layer(path: &str) -> Layer {
    let p = shared(path);
    let mut layers = navlayer_layer::read_layer_file(&p)
        .unwrap_or_else(|e| panic!("reading {}: {e}", p.display()));
    assert_eq!(layers.len(), 1, "{path}");
    layers.remove(0).layer
}

/// The view of a real layer with default options.
pub fn real_view(path: &str, bundle: &str) -> MatrixView {
    let layer = read_layer(path);
    let catalogue = navlayer_testdata::catalogue(bundle);
    MatrixView::build(&layer, &catalogue, &RenderOptions::default())
}

/// Strings that must come out as inert text in every format.
pub const HOSTILE_NAME: &str = "<script>alert('name')</script>\"quoted\"";
pub const HOSTILE_COMMENT: &str = "</script><script>alert(1)</script><img src=x onerror=alert(2)>";
pub const HOSTILE_FORMULA: &str = "=HYPERLINK(\"http://evil.example\",\"x\")";
pub const HOSTILE_JS_URL: &str = "javascript:alert(document.cookie)";

/// A layer whose every string is hostile.
pub fn hostile_layer() -> Layer {
    let json = serde_json::json!({
        "name": HOSTILE_NAME,
        "versions": {"layer": "4.5", "attack": "18"},
        "domain": "enterprise-attack",
        "description": "\"><img src=x onerror=alert(3)> ]]> <!-- &amp; -->",
        "filters": {"platforms": ["Windows", "<b>Linux</b>"]},
        "gradient": {"colors": ["#ffffff", "\"><script>alert(4)</script>"], "minValue": 0, "maxValue": 100},
        "legendItems": [{"label": "<svg onload=alert(5)>", "color": "red;background:url(javascript:alert(6))"}],
        "showTacticRowBackground": true,
        "tacticRowBackground": "#000;}</style><script>alert(7)</script>",
        "metadata": [{"name": "<b onmouseover=alert(8)>", "value": "+cmd|' /C calc'!A0"}],
        "links": [{"label": "click me", "url": HOSTILE_JS_URL}, {"label": "ok", "url": "https://example.com/?a=1&b=\"2\""}],
        "techniques": [
            {"techniqueID": "T1059", "tactic": "execution", "score": 50, "comment": HOSTILE_COMMENT,
             "color": "\" onmouseover=\"alert(9)",
             "metadata": [{"name": "@SUM(1+1)", "value": "-2+3"}],
             "links": [{"label": "<i>evil</i>", "url": " JaVaScRiPt:alert(10)"}, {"label": "data", "url": "data:text/html,<script>alert(11)</script>"}],
             "showSubtechniques": true},
            {"techniqueID": "T1059.001", "tactic": "execution", "score": 75, "comment": HOSTILE_FORMULA},
            {"techniqueID": "T1003", "comment": "@SUM(A1:A9)", "enabled": false},
            {"techniqueID": "<script>alert(12)</script>", "comment": "unknown id"}
        ]
    });
    serde_json::from_value(json).unwrap_or_else(|e| panic!("hostile layer: {e}"))
}

pub fn hostile_view() -> MatrixView {
    let catalogue = navlayer_testdata::catalogue("enterprise-attack-18.1.json");
    MatrixView::build(&hostile_layer(), &catalogue, &RenderOptions::default())
}

/// Brings back the deprecated second matrix of a mobile bundle ("Network-Based Effects", whose
/// own tactics are deprecated too) over the last three tactics of the main matrix, so the
/// bundle has two live matrices.
pub fn second_matrix(bundle: &mut serde_json::Value) {
    let objects = bundle["objects"].as_array_mut().expect("objects");
    let main: Vec<serde_json::Value> = objects
        .iter()
        .find(|o| o["type"] == "x-mitre-matrix" && o["x_mitre_deprecated"] != true)
        .and_then(|m| m["tactic_refs"].as_array().cloned())
        .expect("main matrix");
    for o in objects.iter_mut() {
        if o["type"] == "x-mitre-matrix" && o["x_mitre_deprecated"] == true {
            o["x_mitre_deprecated"] = serde_json::Value::Bool(false);
            o["tactic_refs"] = serde_json::Value::Array(main[main.len() - 3..].to_vec());
        }
    }
}
