//! Layer operations on small hand-made layers (expectations computed by hand), property tests,
//! and runs over the real layers of the shared corpus.

use std::path::{Path, PathBuf};

use navlayer_layer::{read_layer_file, Layer, TechniqueEntry, Versions};
use navlayer_ops::combine::{combine, CombineOptions, Inherit};
use navlayer_ops::diff::diff;
use navlayer_ops::index::{is_present, slots, LayerIndex};
use navlayer_ops::setops::{set_operation, ScoreRule, SetOperation};
use navlayer_ops::{Expr, OpsError};
use proptest::prelude::*;

fn entry(id: &str, tactic: Option<&str>, score: Option<f64>) -> TechniqueEntry {
    TechniqueEntry {
        tactic: tactic.map(String::from),
        score,
        ..TechniqueEntry::new(id)
    }
}

fn layer(name: &str, entries: Vec<TechniqueEntry>) -> Layer {
    let mut l = Layer::new(name, "enterprise-attack");
    l.techniques = entries;
    l
}

/// (technique, tactic, score) of each entry, in order.
fn scores(l: &Layer) -> Vec<(String, Option<String>, Option<f64>)> {
    l.techniques
        .iter()
        .map(|e| (e.technique_id.clone(), e.tactic.clone(), e.score))
        .collect()
}

fn s(id: &str, tactic: Option<&str>, score: f64) -> (String, Option<String>, Option<f64>) {
    (id.to_string(), tactic.map(String::from), Some(score))
}

fn run(layers: &[Layer], expr: &str) -> Result<Layer, OpsError> {
    combine(layers, &Expr::parse(expr)?, &CombineOptions::default())
}

#[test]
fn combine_missing_scores_count_as_zero_and_unscored_stays_unscored() {
    let mut t3 = entry("T3", None, None);
    t3.comment = Some("only a comment".into());
    let a = layer(
        "A",
        vec![
            entry("T1", None, Some(1.0)),
            entry("T2", None, Some(2.0)),
            t3,
        ],
    );
    let b = layer(
        "B",
        vec![entry("T2", None, Some(3.0)), entry("T4", None, Some(5.0))],
    );
    let out = run(&[a.clone(), b.clone()], "a + b").unwrap();
    // T1: 1 + 0; T2: 2 + 3; T3: scored by neither, left out; T4: 0 + 5.
    assert_eq!(
        scores(&out),
        vec![s("T1", None, 1.0), s("T2", None, 5.0), s("T4", None, 5.0)]
    );
    let g = out.gradient.unwrap();
    assert_eq!((g.min_value, g.max_value), (1.0, 5.0));

    // Booleans become 1 / 0 and a 0..1 range gives the transparent-blue gradient.
    let out = run(&[a.clone(), b.clone()], "a > b").unwrap();
    assert_eq!(
        scores(&out),
        vec![s("T1", None, 1.0), s("T2", None, 0.0), s("T4", None, 0.0)]
    );
    let g = out.gradient.unwrap();
    assert_eq!(
        g.colors,
        vec!["#ffffff00".to_string(), "#66b1ffff".to_string()]
    );

    // Only the layers the expression uses bring techniques: "b * 2" ignores A's T1.
    let out = run(&[a, b], "b * 2").unwrap();
    assert_eq!(scores(&out), vec![s("T2", None, 6.0), s("T4", None, 10.0)]);
}

#[test]
fn combine_tactic_scoped_entries() {
    // A scores T1 in every tactic; B only in execution.
    let a = layer("A", vec![entry("T1", None, Some(5.0))]);
    let b = layer("B", vec![entry("T1", Some("execution"), Some(3.0))]);
    let out = run(&[a, b], "a + b").unwrap();
    // Every other tactic: 5 + 0; execution: 5 + 3.
    assert_eq!(
        scores(&out),
        vec![s("T1", None, 5.0), s("T1", Some("execution"), 8.0)]
    );
}

#[test]
fn combine_inherits_fields_from_the_named_layers() {
    let mut a1 = entry("T1", None, Some(1.0));
    a1.comment = Some("from a".into());
    a1.color = Some("#ff0000".into());
    let mut b1 = entry("T1", None, Some(2.0));
    b1.comment = Some("from b".into());
    b1.enabled = Some(false);
    let mut b9 = entry("T9", None, None);
    b9.comment = Some("b only".into());
    let a = layer("A", vec![a1]);
    let mut b = layer("B", vec![b1, b9]);
    b.legend_items = Some(vec![navlayer_layer::LegendItem {
        label: "x".into(),
        color: "#000000".into(),
        ..Default::default()
    }]);
    let mut inherit = Inherit::default();
    inherit.set("comments", 1).unwrap();
    inherit.set("colors", 0).unwrap();
    inherit.set("legend", 1).unwrap();
    let options = CombineOptions {
        name: Some("mix".into()),
        inherit,
        catalogue: None,
    };
    let out = combine(
        &[a, b.clone()],
        &Expr::parse("a * 10 + b").unwrap(),
        &options,
    )
    .unwrap();
    assert_eq!(out.name, "mix");
    assert_eq!(out.techniques.len(), 2);
    let t1 = &out.techniques[0];
    assert_eq!(t1.score, Some(12.0));
    assert_eq!(t1.comment.as_deref(), Some("from b"));
    assert_eq!(t1.color.as_deref(), Some("#ff0000"));
    // Enabled state was not inherited.
    assert_eq!(t1.enabled, None);
    // T9: scored by B? No, B has no score for it, and A misses it too: only its comment.
    assert_eq!(out.techniques[1].technique_id, "T9");
    assert_eq!(out.techniques[1].score, None);
    assert_eq!(out.techniques[1].comment.as_deref(), Some("b only"));
    assert_eq!(out.legend_items, b.legend_items);
    assert!(Inherit::default().set("colour", 0).is_ok());
    assert!(matches!(
        Inherit::default().set("scores", 0),
        Err(OpsError::UnknownInheritField(_))
    ));
}

#[test]
fn combine_errors_are_precise() {
    let a = layer("A", vec![entry("T1", None, Some(1.0))]);
    let b = layer("B", vec![entry("T1", None, Some(0.0))]);
    match run(&[a.clone(), b.clone()], "a + c") {
        Err(OpsError::UnboundVariable {
            column, variable, ..
        }) => assert_eq!((column, variable), (5, 'c')),
        other => panic!("expected an unbound variable, got {other:?}"),
    }
    let err = run(&[a.clone(), b.clone()], "a / b").unwrap_err();
    let text = err.to_string();
    assert!(text.contains("T1") && text.contains("a=1, b=0"), "{text}");
    let mut m = b.clone();
    m.domain = "mobile-attack".into();
    let err = run(&[a.clone(), m], "a + b").unwrap_err();
    assert!(matches!(err, OpsError::Mismatch { .. }));
    assert!(
        err.to_string().contains("b (\"B\") has mobile-attack"),
        "{err}"
    );
    let mut v = b.clone();
    v.versions = Some(Versions {
        attack: Some("15".into()),
        ..Versions::default()
    });
    let mut w = a.clone();
    w.versions = Some(Versions {
        attack: Some("16".into()),
        ..Versions::default()
    });
    assert!(matches!(
        run(&[w, v], "a + b"),
        Err(OpsError::Mismatch { .. })
    ));
    assert!(matches!(
        run(&[a], "2"),
        Err(OpsError::ConstantNeedsCatalogue { .. })
    ));
}

#[test]
fn set_operations_by_hand() {
    let mut colored = entry("T5", None, None);
    colored.color = Some("#123456".into());
    let mut disabled = entry("T6", None, Some(9.0));
    disabled.enabled = Some(false);
    let a = layer(
        "A",
        vec![
            entry("T1", None, Some(1.0)),
            entry("T2", None, Some(4.0)),
            colored,
            disabled,
        ],
    );
    let b = layer(
        "B",
        vec![entry("T2", None, Some(2.0)), entry("T3", None, Some(7.0))],
    );
    let ids = |l: &Layer| -> Vec<String> {
        l.techniques
            .iter()
            .filter(|e| e.is_annotated())
            .map(|e| e.technique_id.clone())
            .collect()
    };
    let u = set_operation(
        &[a.clone(), b.clone()],
        SetOperation::Union,
        ScoreRule::Max,
        None,
    )
    .unwrap();
    // A disabled entry is not "in" A.
    assert_eq!(ids(&u), vec!["T1", "T2", "T5", "T3"]);
    assert_eq!(u.techniques[1].score, Some(4.0));
    assert_eq!(u.name, "union of A, B");
    let i = set_operation(
        &[a.clone(), b.clone()],
        SetOperation::Intersect,
        ScoreRule::Min,
        None,
    )
    .unwrap();
    assert_eq!(ids(&i), vec!["T2"]);
    assert_eq!(i.techniques[0].score, Some(2.0));
    let c = set_operation(
        &[a.clone(), b.clone()],
        SetOperation::Union,
        ScoreRule::Count,
        None,
    )
    .unwrap();
    let counts: Vec<Option<f64>> = c.techniques.iter().map(|e| e.score).collect();
    assert_eq!(counts, vec![Some(1.0), Some(2.0), Some(1.0), Some(1.0)]);
    let d = set_operation(
        &[a.clone(), b.clone()],
        SetOperation::Subtract,
        ScoreRule::Max,
        None,
    )
    .unwrap();
    assert_eq!(ids(&d), vec!["T1", "T5"]);
    assert_eq!(d.techniques[1].color.as_deref(), Some("#123456"));
    assert!(set_operation(&[a], SetOperation::Subtract, ScoreRule::Max, None).is_err());
}

#[test]
fn diff_by_hand() {
    let mut c = entry("T3", None, Some(1.0));
    c.comment = Some("old".into());
    let a = layer(
        "A",
        vec![
            entry("T1", None, Some(1.0)),
            entry("T2", None, Some(2.0)),
            c.clone(),
        ],
    );
    let mut c2 = c.clone();
    c2.comment = Some("new".into());
    c2.enabled = Some(false);
    let b = layer(
        "B",
        vec![
            entry("T2", None, Some(5.0)),
            c2,
            entry("T4", Some("execution"), Some(1.0)),
        ],
    );
    let d = diff(&a, &b);
    let ids = |v: Vec<&str>| v.into_iter().map(String::from).collect::<Vec<_>>();
    assert_eq!(
        d.added
            .iter()
            .map(|i| i.technique_id.clone())
            .collect::<Vec<_>>(),
        ids(vec!["T4"])
    );
    assert_eq!(d.added[0].tactic.as_deref(), Some("execution"));
    assert_eq!(
        d.removed
            .iter()
            .map(|i| i.technique_id.clone())
            .collect::<Vec<_>>(),
        ids(vec!["T1"])
    );
    assert_eq!(d.changed.len(), 2);
    assert_eq!(d.changed[0].technique_id, "T2");
    let score = d.changed[0].score.as_ref().unwrap();
    assert_eq!((score.before, score.after), (Some(2.0), Some(5.0)));
    assert!(d.changed[1].comment.is_some() && d.changed[1].enabled.is_some());
    assert!(d.changed[1].score.is_none());
    let as_layer = navlayer_ops::diff::to_layer(&d, &a, &b);
    assert_eq!(as_layer.techniques.len(), 4);
    assert_eq!(as_layer.legend_items.as_ref().map(Vec::len), Some(3));
    let text = navlayer_ops::diff::to_text(&d);
    insta::assert_snapshot!(text);
}

// ---------------------------------------------------------------- properties

/// Resolved (score, present) per slot of a layer, over the slots of `over`: what the Navigator
/// shows, independent of how the entries are written.
fn view(l: &Layer, over: &[&Layer]) -> Vec<(String, Option<String>, Option<f64>, bool)> {
    let index = LayerIndex::new(l);
    let all: Vec<LayerIndex<'_>> = over.iter().map(|l| LayerIndex::new(l)).collect();
    let refs: Vec<&LayerIndex<'_>> = all.iter().collect();
    let mut out = Vec::new();
    for slot in slots(&refs) {
        for tactic in std::iter::once(None).chain(slot.tactics.iter().map(|t| Some(*t))) {
            let e = index.resolve(slot.technique_id, tactic);
            out.push((
                slot.technique_id.to_string(),
                tactic.map(String::from),
                e.and_then(|e| e.score),
                is_present(e),
            ));
        }
    }
    out.sort_by(|x, y| (&x.0, &x.1).cmp(&(&y.0, &y.1)));
    out
}

fn arb_layer(name: &'static str) -> impl Strategy<Value = Layer> {
    let e = (
        0..12u8,
        prop_oneof![
            Just(None),
            Just(Some("execution")),
            Just(Some("persistence"))
        ],
        prop::option::of(-5i32..20),
        prop::option::of("[a-c]{0,2}"),
    )
        .prop_map(|(t, tactic, score, comment)| {
            let mut e = entry(&format!("T{t}"), tactic, score.map(f64::from));
            e.comment = comment;
            e
        });
    prop::collection::vec(e, 0..15).prop_map(move |v| layer(name, v))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn addition_commutes(x in arb_layer("X"), y in arb_layer("Y")) {
        let ab = run(&[x.clone(), y.clone()], "a + b").unwrap();
        let ba = run(&[x.clone(), y.clone()], "b + a").unwrap();
        prop_assert_eq!(&ab.techniques, &ba.techniques);
        // Swapping the layers gives the same per-technique results.
        let swapped = run(&[y.clone(), x.clone()], "a + b").unwrap();
        prop_assert_eq!(view(&ab, &[&x, &y]), view(&swapped, &[&x, &y]));
    }

    #[test]
    fn combine_matches_a_direct_evaluation(x in arb_layer("X"), y in arb_layer("Y")) {
        let out = run(&[x.clone(), y.clone()], "2a - b").unwrap();
        let (ix, iy) = (LayerIndex::new(&x), LayerIndex::new(&y));
        let io = LayerIndex::new(&out);
        for slot in slots(&[&ix, &iy]) {
            for tactic in std::iter::once(None).chain(slot.tactics.iter().map(|t| Some(*t))) {
                let sx = ix.resolve(slot.technique_id, tactic).and_then(|e| e.score);
                let sy = iy.resolve(slot.technique_id, tactic).and_then(|e| e.score);
                let expected = if sx.is_none() && sy.is_none() {
                    None
                } else {
                    Some(2.0 * sx.unwrap_or(0.0) - sy.unwrap_or(0.0))
                };
                let got = io.resolve(slot.technique_id, tactic).and_then(|e| e.score);
                prop_assert_eq!(got, expected, "{} {:?}", slot.technique_id, tactic);
            }
        }
    }

    #[test]
    fn union_is_idempotent(x in arb_layer("X"), y in arb_layer("Y")) {
        let single = set_operation(std::slice::from_ref(&x), SetOperation::Union, ScoreRule::Max, None).unwrap();
        let twice = set_operation(&[x.clone(), x.clone()], SetOperation::Union, ScoreRule::Max, None).unwrap();
        prop_assert_eq!(&single.techniques, &twice.techniques);
        // The union of x's present techniques is x's present techniques.
        let vx: Vec<_> = view(&x, &[&x]).into_iter().filter(|v| v.3).map(|v| (v.0, v.1, v.2)).collect();
        let vs: Vec<_> = view(&single, &[&x]).into_iter().filter(|v| v.3).map(|v| (v.0, v.1, v.2)).collect();
        prop_assert_eq!(vx, vs);
        let u = set_operation(&[x.clone(), y.clone()], SetOperation::Union, ScoreRule::Max, None).unwrap();
        let uu = set_operation(&[u.clone(), u.clone()], SetOperation::Union, ScoreRule::Max, None).unwrap();
        prop_assert_eq!(view(&u, &[&x, &y]), view(&uu, &[&x, &y]));
    }

    #[test]
    fn diff_with_itself_is_empty(x in arb_layer("X"), y in arb_layer("Y")) {
        prop_assert!(diff(&x, &x).is_empty());
        // And a diff is empty exactly when the annotated views agree.
        let d = diff(&x, &y);
        let same = view(&x, &[&x, &y]).iter().zip(view(&y, &[&x, &y]).iter()).all(|(p, q)| p == q);
        if !d.is_empty() {
            prop_assert!(!same || x.techniques.iter().any(|e| e.comment.is_some()) || y.techniques.iter().any(|e| e.comment.is_some()));
        }
    }
}

// ---------------------------------------------------------------- real layers

fn corpus_files() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "json") {
                out.push(p);
            }
        }
    }
    let mut out = Vec::new();
    walk(&navlayer_testdata::layers_corpus_dir(), &mut out);
    out.sort();
    out
}

fn corpus_layers() -> Vec<(PathBuf, Layer)> {
    let mut out = Vec::new();
    for path in corpus_files() {
        if let Ok(loaded) = read_layer_file(&path) {
            for l in loaded {
                out.push((path.clone(), l.layer));
            }
        }
    }
    out
}

#[test]
fn corpus_identity_operations() {
    let layers = corpus_layers();
    assert!(
        layers.len() > 200,
        "only {} corpus layers read",
        layers.len()
    );
    let mut scored = 0;
    for (path, l) in &layers {
        assert!(diff(l, l).is_empty(), "{}", path.display());
        // "a" reproduces every score the layer shows.
        let Ok(out) = run(std::slice::from_ref(l), "a") else {
            panic!("combine a failed on {}", path.display());
        };
        let vl: Vec<_> = view(l, &[l]).into_iter().map(|v| (v.0, v.1, v.2)).collect();
        let vo: Vec<_> = view(&out, &[l])
            .into_iter()
            .map(|v| (v.0, v.1, v.2))
            .collect();
        assert_eq!(vl, vo, "{}", path.display());
        scored += usize::from(vl.iter().any(|v| v.2.is_some()));
        // Union with itself keeps what the layer contains.
        let u = set_operation(
            &[l.clone(), l.clone()],
            SetOperation::Union,
            ScoreRule::Max,
            None,
        )
        .unwrap();
        let present =
            |x: &Layer| -> Vec<_> { view(x, &[l]).into_iter().map(|v| (v.0, v.1, v.3)).collect() };
        assert_eq!(present(l), present(&u), "{}", path.display());
    }
    assert!(scored > 100, "only {scored} corpus layers have scores");
}

#[test]
fn corpus_pairs_commute_and_subtract_is_disjoint() {
    let layers: Vec<Layer> = corpus_layers()
        .into_iter()
        .map(|(_, l)| l)
        .filter(|l| l.domain == "enterprise-attack" && !l.techniques.is_empty())
        .map(|mut l| {
            l.versions = None;
            l
        })
        .collect();
    assert!(layers.len() > 50);
    for pair in layers.windows(2).take(60) {
        let ab = run(pair, "a + b").unwrap();
        let ba = run(pair, "b + a").unwrap();
        assert_eq!(ab.techniques, ba.techniques);
        let sub = set_operation(pair, SetOperation::Subtract, ScoreRule::Max, None).unwrap();
        let inter = set_operation(
            &[sub.clone(), pair[1].clone()],
            SetOperation::Intersect,
            ScoreRule::Max,
            None,
        )
        .unwrap();
        assert!(
            inter.techniques.iter().all(|e| !e.is_annotated()),
            "A - B still shares techniques with B: {} / {}",
            pair[0].name,
            pair[1].name
        );
    }
}
