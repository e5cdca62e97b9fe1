//! The matrix view on real layers and on layers built in code.

#[path = "common/mod.rs"]
mod common;

use navlayer_layer::{Layer, Layout, TechniqueEntry};
use navlayer_render::{LayoutKind, MatrixView, RenderOptions, Rgb, Subtechniques};

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
        subtechniques: Some(Subtechniques::All),
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
fn subtechniques_none_and_mini_default() {
    let mut layer = Layer::new("e", "enterprise-attack");
    layer.techniques = vec![TechniqueEntry {
        show_subtechniques: Some(true),
        ..entry("T1059", Some("execution"), Some(1.0))
    }];
    let shown = |o: &RenderOptions| {
        MatrixView::build(&layer, &enterprise(), o)
            .columns
            .iter()
            .flat_map(|c| c.cells.iter())
            .filter(|c| c.is_sub && c.expanded)
            .count()
    };
    let subs_of_t1059 = enterprise()
        .by_attack_id("T1059")
        .map(|id| enterprise().subtechniques_of(id).len())
        .unwrap_or(0);
    assert_eq!(shown(&RenderOptions::default()), subs_of_t1059);
    let none = RenderOptions {
        subtechniques: Some(Subtechniques::None),
        ..RenderOptions::default()
    };
    assert_eq!(shown(&none), 0);
    // The mini layout shows every sub-technique unless told otherwise, as the Navigator.
    let mini = RenderOptions {
        layout: Some(LayoutKind::Mini),
        ..RenderOptions::default()
    };
    assert!(shown(&mini) > 400, "{}", shown(&mini));
}

#[test]
fn annotated_only_keeps_annotated_techniques_and_their_parents() {
    let layer = common::read_layer(common::REAL_LAYERS[0].1);
    let options = RenderOptions {
        annotated_only: true,
        ..RenderOptions::default()
    };
    let view = MatrixView::build(&layer, &enterprise(), &options);
    let full = MatrixView::build(&layer, &enterprise(), &RenderOptions::default());
    assert!(view.columns.len() <= full.columns.len());
    let mut annotated = 0;
    for col in &view.columns {
        let mut parent_kept_for = None;
        for c in &col.cells {
            if c.is_sub {
                assert!(c.annotated, "{} kept but not annotated", c.attack_id);
                assert_eq!(parent_kept_for, Some(true));
                annotated += 1;
            } else {
                parent_kept_for = Some(true);
                assert!(
                    c.annotated || c.sub_annotated > 0,
                    "{} kept without annotation",
                    c.attack_id
                );
                annotated += usize::from(c.annotated);
            }
        }
    }
    // Every annotated cell of the full view is still there.
    let full_annotated = full
        .columns
        .iter()
        .flat_map(|c| &c.cells)
        .filter(|c| c.annotated)
        .count();
    assert_eq!(annotated, full_annotated);
}

#[test]
fn parents_count_annotated_and_visible_subtechniques() {
    let layer = common::read_layer(common::REAL_LAYERS[0].1);
    let cat = enterprise();
    let view = MatrixView::build(&layer, &cat, &RenderOptions::default());
    let execution = view
        .columns
        .iter()
        .find(|c| c.shortname == "execution")
        .expect("execution");
    let t1059 = execution
        .cells
        .iter()
        .find(|c| c.attack_id == "T1059")
        .expect("T1059");
    let subs: Vec<_> = execution
        .cells
        .iter()
        .filter(|c| c.is_sub && c.attack_id.starts_with("T1059."))
        .collect();
    assert_eq!(t1059.sub_total, subs.len());
    assert_eq!(
        t1059.sub_annotated,
        subs.iter().filter(|c| c.annotated).count()
    );
    assert!(t1059.sub_annotated > 5);
    assert_eq!(
        t1059.count_label(),
        Some(format!("({}/{})", t1059.sub_annotated, t1059.sub_total))
    );
}

#[test]
fn matrices_come_from_the_data() {
    // Mobile 18.1 with its deprecated second matrix brought back over three live tactics: two
    // matrices, each with its own columns in its own order.
    let path = navlayer_testdata::bundle_path("mobile-attack-18.1.json");
    let mut bundle: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&path).expect("bundle")).expect("json");
    common::second_matrix(&mut bundle);
    let bytes = serde_json::to_vec(&bundle).expect("json");
    let cat = navlayer_attack::Catalogue::from_slice(&bytes, &path, &Default::default())
        .expect("catalogue");
    let layer = common::read_layer(common::REAL_LAYERS[3].1);
    let view = MatrixView::build(&layer, &cat, &RenderOptions::default());
    let names: Vec<&str> = view.matrices.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names.len(), 2, "{names:?}");
    assert_eq!(names, ["Network-Based Effects", "Mobile ATT&CK"]);
    assert_eq!(view.matrices[0].count, 3);
    for (i, m) in view.matrices.iter().enumerate() {
        assert!(view.columns[m.first..m.first + m.count]
            .iter()
            .all(|c| c.matrix == i));
    }
    let real = common::real_view(common::REAL_LAYERS[3].1, common::REAL_LAYERS[3].2);
    assert_eq!(real.matrices.len(), 1);
    assert_eq!(real.matrices[0].name, "Mobile ATT&CK");
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
