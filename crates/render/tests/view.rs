//! The matrix view on real layers and on layers built in code.

#[path = "common/mod.rs"]
mod common;

use navlayer_layer::{Layer, Layout, TechniqueEntry};
use navlayer_render::{Expand, MatrixView, RenderOptions, Rgb};

fn enterprise() -> std::sync::Arc<navlayer_attack::Catalogue> {
    navlayer_testdata::catalogue("enterprise-attack-18.1.json")
}

fn entry(id: &str, tactic: Option<&str>, score: Option<f64>) -> TechniqueEntry {
    TechniqueEntry {
        tactic: tactic.map(String::from),
        score,
        ..TechniqueEntry::new(id)
    }
}

#[test]
fn m1038_cells_carry_the_layer_annotations() {
    let layer = common::read_layer(common::REAL_LAYERS[0].1);
    let cat = enterprise();
    let view = MatrixView::build(&layer, &cat, &RenderOptions::default());
    // Columns follow the catalogue's tactic order.
    let order: Vec<String> = cat
        .tactics()
        .iter()
        .filter_map(|&t| cat.object(t).shortname.clone())
        .collect();
    let cols: Vec<String> = view.columns.iter().map(|c| c.shortname.clone()).collect();
    let mut expected = order.clone();
    expected.retain(|t| cols.contains(t));
    assert_eq!(cols, expected);
    assert_eq!(
        cols.len(),
        order.len(),
        "no filter: every tactic has techniques"
    );
    let gradient = navlayer_render::GradientScale::from_layer(&layer.gradient_or_default());
    let mut checked = 0;
    for e in &layer.techniques {
        let cols: Vec<&navlayer_render::Column> = view
            .columns
            .iter()
            .filter(|c| e.tactic.as_deref().is_none_or(|t| t == c.shortname))
            .collect();
        for col in cols {
            let Some(cell) = col.cells.iter().find(|c| c.attack_id == e.technique_id) else {
                continue;
            };
            assert_eq!(cell.score, e.score, "{}", e.technique_id);
            let want = e
                .color
                .as_deref()
                .and_then(Rgb::parse)
                .or_else(|| e.score.map(|s| gradient.color_at(s)));
            if e.is_enabled() {
                assert_eq!(cell.background, want, "{}", e.technique_id);
                assert_eq!(cell.text, want.map(Rgb::readable_text));
            }
            checked += 1;
        }
    }
    assert!(checked > 50, "only {checked} entries checked");
    // Entries of the flat listing: one per layer entry, in order.
    assert_eq!(view.entries.len(), layer.techniques.len());
    assert_eq!(view.release, "18.1");
    assert!(
        view.release_label().contains("layer made for v19"),
        "{}",
        view.release_label()
    );
}

#[test]
fn sorting_by_score_descending_puts_unscored_last() {
    let mut layer = Layer::new("s", "enterprise-attack");
    layer.sorting = Some(3);
    layer.techniques = vec![
        entry("T1059", Some("execution"), Some(10.0)),
        entry("T1204", Some("execution"), Some(90.0)),
        entry("T1047", Some("execution"), Some(0.0)),
    ];
    let view = MatrixView::build(&layer, &enterprise(), &RenderOptions::default());
    let col = view
        .columns
        .iter()
        .find(|c| c.shortname == "execution")
        .expect("execution column");
    let parents: Vec<&str> = col
        .cells
        .iter()
        .filter(|c| !c.is_sub)
        .map(|c| c.attack_id.as_str())
        .collect();
    assert_eq!(&parents[..3], ["T1204", "T1059", "T1047"]);
    assert!(col
        .cells
        .iter()
        .filter(|c| !c.is_sub)
        .skip(3)
        .all(|c| c.score.is_none()));
    // Sorting 1: names descending.
    layer.sorting = Some(1);
    let view = MatrixView::build(&layer, &enterprise(), &RenderOptions::default());
    let col = view
        .columns
        .iter()
        .find(|c| c.shortname == "execution")
        .expect("execution column");
    let names: Vec<String> = col
        .cells
        .iter()
        .filter(|c| !c.is_sub)
        .map(|c| c.name.to_lowercase())
        .collect();
    let mut sorted = names.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(names, sorted);
}

#[test]
fn tactic_scoped_entry_only_under_its_tactic() {
    // T1078 Valid Accounts is in four tactics.
    let mut layer = Layer::new("t", "enterprise-attack");
    layer.techniques = vec![entry("T1078", Some("persistence"), Some(42.0))];
    let view = MatrixView::build(&layer, &enterprise(), &RenderOptions::default());
    let scored: Vec<&str> = view
        .columns
        .iter()
        .filter(|c| {
            c.cells
                .iter()
                .any(|x| x.attack_id == "T1078" && x.score == Some(42.0))
        })
        .map(|c| c.shortname.as_str())
        .collect();
    assert_eq!(scored, ["persistence"]);
    let present = view
        .columns
        .iter()
        .filter(|c| c.cells.iter().any(|x| x.attack_id == "T1078"))
        .count();
    assert!(present >= 4);
    // Without a tactic it applies to all of them.
    layer.techniques = vec![entry("T1078", None, Some(42.0))];
    let view = MatrixView::build(&layer, &enterprise(), &RenderOptions::default());
    let scored = view
        .columns
        .iter()
        .filter(|c| {
            c.cells
                .iter()
                .any(|x| x.attack_id == "T1078" && x.score == Some(42.0))
        })
        .count();
    assert_eq!(scored, present);
}

#[test]
fn hide_disabled_and_platform_filter() {
    let cat = enterprise();
    let mut layer = Layer::new("f", "enterprise-attack");
    layer.hide_disabled = Some(true);
    layer.techniques = vec![TechniqueEntry {
        enabled: Some(false),
        ..TechniqueEntry::new("T1047")
    }];
    layer.filters = Some(navlayer_layer::Filters {
        platforms: Some(vec!["Linux".into()]),
        ..Default::default()
    });
    let view = MatrixView::build(&layer, &cat, &RenderOptions::default());
    for col in &view.columns {
        for c in &col.cells {
            assert_ne!(c.attack_id, "T1047");
            let id = cat.by_attack_id(&c.attack_id).expect("known");
            let p = &cat.object(id).platforms;
            assert!(
                p.is_empty() || p.iter().any(|x| x == "Linux"),
                "{} {:?}",
                c.attack_id,
                p
            );
        }
    }
    assert_eq!(view.platforms, ["Linux"]);
}

#[test]
fn aggregate_scores_use_the_ops_function() {
    let mut layer = Layer::new("a", "enterprise-attack");
    layer.layout = Some(Layout {
        show_aggregate_scores: Some(true),
        aggregate_function: Some("max".into()),
        ..Layout::default()
    });
    layer.techniques = vec![
        entry("T1059.001", Some("execution"), Some(20.0)),
        entry("T1059.003", Some("execution"), Some(80.0)),
    ];
    let view = MatrixView::build(&layer, &enterprise(), &RenderOptions::default());
    let col = view
        .columns
        .iter()
        .find(|c| c.shortname == "execution")
        .expect("execution");
    let parent = col
        .cells
        .iter()
        .find(|c| c.attack_id == "T1059")
        .expect("T1059");
    assert_eq!(parent.aggregate, Some(80.0));
    let g = navlayer_render::GradientScale::from_layer(&layer.gradient_or_default());
    assert_eq!(parent.background, Some(g.color_at(80.0)));
    assert!(view.uses_gradient);
}

#[test]
fn expansion_follows_layout_and_override() {
    let mut layer = Layer::new("e", "enterprise-attack");
    layer.layout = Some(Layout {
        expanded_subtechniques: Some("annotated".into()),
        ..Layout::default()
    });
    layer.techniques = vec![entry("T1059.001", Some("execution"), Some(1.0))];
    let view = MatrixView::build(&layer, &enterprise(), &RenderOptions::default());
    let expanded: Vec<&str> = view
        .columns
        .iter()
        .flat_map(|c| c.cells.iter())
        .filter(|c| !c.is_sub && c.expanded)
        .map(|c| c.attack_id.as_str())
        .collect();
    assert_eq!(expanded, ["T1059"]);
    let all = RenderOptions {
        expand: Some(Expand::All),
        ..RenderOptions::default()
    };
    let view = MatrixView::build(&layer, &enterprise(), &all);
    assert!(view
        .columns
        .iter()
        .flat_map(|c| c.cells.iter())
        .all(|c| c.expanded || c.sub_count == 0 && !c.is_sub));
}

#[test]
fn every_real_layer_builds() {
    for (name, path, bundle) in common::REAL_LAYERS {
        let view = common::real_view(path, bundle);
        assert!(!view.columns.is_empty(), "{name}");
        assert!(view.columns.iter().all(|c| c.technique_count > 0), "{name}");
    }
}

mod props {
    use navlayer_render::escape::xml;
    use navlayer_render::{GradientScale, Rgb};
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn two_colour_gradient_is_monotone_and_bounded(a in 0u8..=255, b in 0u8..=255, s in -50.0f64..150.0, t in -50.0f64..150.0) {
            let g = GradientScale { colors: vec![Rgb::new(a, 0, 0), Rgb::new(b, 0, 0)], min: 0.0, max: 100.0 };
            let (lo, hi) = (a.min(b), a.max(b));
            let cs = g.color_at(s).r;
            prop_assert!(cs >= lo && cs <= hi);
            let (x, y) = if s <= t { (s, t) } else { (t, s) };
            if a <= b { prop_assert!(g.color_at(x).r <= g.color_at(y).r) } else { prop_assert!(g.color_at(x).r >= g.color_at(y).r) }
        }

        #[test]
        fn xml_escape_leaves_no_markup(text in ".*") {
            let e = xml(&text);
            prop_assert!(!e.contains('<') && !e.contains('>') && !e.contains('"') && !e.contains('\''));
        }
    }
}
