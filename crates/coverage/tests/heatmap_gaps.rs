//! Heatmaps against the catalogue's own per-object queries (what `query techniques --used-by G
//! --include-campaigns`, `--mitigated-by M` and `--detected-by D` list), and gaps.

use std::collections::{BTreeMap, BTreeSet};

use navlayer_attack::{Catalogue, ObjectKind, RelationKind};
use navlayer_coverage::{
    gaps, heatmap, Dates, GapsOptions, HeatmapKind, HeatmapOptions, ReportFormat, Severity,
};
use navlayer_layer::{Layer, TechniqueEntry};

fn counts(layer: &Layer) -> BTreeMap<String, f64> {
    layer
        .techniques
        .iter()
        .map(|e| (e.technique_id.clone(), e.score.unwrap()))
        .collect()
}

/// For every technique, how many of `objects` list it through `query`.
fn expected(
    cat: &Catalogue,
    objects: impl Iterator<Item = navlayer_attack::ObjectId>,
    query: impl Fn(navlayer_attack::ObjectId) -> Vec<navlayer_attack::ObjectId>,
) -> BTreeMap<String, f64> {
    let mut out: BTreeMap<String, f64> = BTreeMap::new();
    for o in objects {
        for t in query(o) {
            *out.entry(cat.object(t).display_id().to_string())
                .or_default() += 1.0;
        }
    }
    out
}

#[test]
fn every_group_count_matches_query_used_by_with_campaigns() {
    for bundle in [
        "enterprise-attack-18.1.json",
        "ics-attack-18.1.json",
        "mobile-attack-18.1.json",
    ] {
        let cat = navlayer_testdata::catalogue(bundle);
        let map = heatmap(&cat, None, &HeatmapOptions::default()).unwrap();
        let want = expected(&cat, cat.active_of_kind(ObjectKind::Group), |g| {
            cat.techniques_used_by(g, true)
        });
        assert!(want.len() > 20, "{bundle}");
        assert_eq!(counts(&map.layer), want, "{bundle}");
        assert_eq!(
            map.report.counted.len(),
            cat.active_of_kind(ObjectKind::Group).count()
        );
    }
}

#[test]
fn campaigns_attributed_to_groups_count_once() {
    let cat = navlayer_testdata::catalogue("enterprise-attack-18.1.json");
    let options = HeatmapOptions {
        kinds: vec![HeatmapKind::Groups, HeatmapKind::Campaigns],
        ..HeatmapOptions::default()
    };
    let map = heatmap(&cat, None, &options).unwrap();
    let mut want = expected(&cat, cat.active_of_kind(ObjectKind::Group), |g| {
        cat.techniques_used_by(g, true)
    });
    let attributed: BTreeSet<_> = cat
        .active_of_kind(ObjectKind::Group)
        .flat_map(|g| cat.campaigns_of_group(g))
        .collect();
    let alone = cat
        .active_of_kind(ObjectKind::Campaign)
        .filter(|c| !attributed.contains(c));
    for (t, n) in expected(&cat, alone, |c| cat.techniques_used_by(c, false)) {
        *want.entry(t).or_default() += n;
    }
    assert!(!attributed.is_empty());
    assert_eq!(counts(&map.layer), want);
}

#[test]
fn software_mitigation_and_detection_heatmaps_match_their_queries() {
    let cat = navlayer_testdata::catalogue("enterprise-attack-18.1.json");
    let run = |k: HeatmapKind| {
        counts(
            &heatmap(
                &cat,
                None,
                &HeatmapOptions {
                    kinds: vec![k],
                    ..HeatmapOptions::default()
                },
            )
            .unwrap()
            .layer,
        )
    };
    let software = cat
        .ids()
        .filter(|&o| cat.object(o).kind.is_software() && cat.object(o).is_active());
    assert_eq!(
        run(HeatmapKind::Software),
        expected(&cat, software, |s| cat.techniques_used_by(s, false))
    );
    assert_eq!(
        run(HeatmapKind::Mitigations),
        expected(&cat, cat.active_of_kind(ObjectKind::Mitigation), |m| {
            cat.techniques_from(m, &RelationKind::Mitigates)
        })
    );
    let detections = run(HeatmapKind::DetectionStrategies);
    assert!(!detections.is_empty());
    assert_eq!(
        detections,
        expected(
            &cat,
            cat.active_of_kind(ObjectKind::DetectionStrategy),
            |d| { cat.techniques_detected_by(d) }
        )
    );
}

#[test]
fn restrictions_search_and_since() {
    let cat = navlayer_testdata::catalogue("enterprise-attack-18.1.json");
    let three = HeatmapOptions {
        only: vec!["G0016".into(), "g0007".into(), "G0032".into()],
        ..HeatmapOptions::default()
    };
    let map = heatmap(&cat, None, &three).unwrap();
    let ids = ["G0016", "G0007", "G0032"].map(|g| cat.by_attack_id(g).unwrap());
    assert_eq!(
        counts(&map.layer),
        expected(&cat, ids.into_iter(), |g| cat.techniques_used_by(g, true))
    );
    let apt29 = map
        .layer
        .techniques
        .iter()
        .find(|e| e.score == Some(3.0))
        .unwrap();
    assert!(apt29.comment.as_deref().unwrap().contains("APT29"));

    let search = HeatmapOptions {
        search: vec!["FINANCIAL".into()],
        ..HeatmapOptions::default()
    };
    let found = heatmap(&cat, None, &search).unwrap();
    assert!(found.report.counted.len() > 3);
    for c in &found.report.counted {
        let o = cat.object(cat.by_attack_id(&c.id).unwrap());
        let text = format!(
            "{} {} {}",
            o.name,
            o.aliases.join(" "),
            o.description.clone().unwrap_or_default()
        )
        .to_lowercase();
        assert!(text.contains("financial"), "{}", c.id);
    }

    let dates = Dates::load(cat.source().unwrap()).unwrap();
    let since = |day: &str, field| HeatmapOptions {
        since: Some(day.into()),
        since_field: field,
        ..HeatmapOptions::default()
    };
    let all = heatmap(&cat, None, &HeatmapOptions::default()).unwrap();
    let old = heatmap(
        &cat,
        Some(&dates),
        &since("1990-01-01", navlayer_coverage::SinceField::Modified),
    )
    .unwrap();
    assert_eq!(counts(&old.layer), counts(&all.layer));
    let future = heatmap(
        &cat,
        Some(&dates),
        &since("2999-01-01", navlayer_coverage::SinceField::Modified),
    )
    .unwrap();
    assert!(future.layer.techniques.is_empty());
    // 18.1 touched every relationship in 2025, so `created` tells old uses from new ones.
    let recent = heatmap(
        &cat,
        Some(&dates),
        &since("2022-01-01", navlayer_coverage::SinceField::Created),
    )
    .unwrap();
    let total = |l: &Layer| l.techniques.iter().map(|e| e.score.unwrap()).sum::<f64>();
    assert!(total(&recent.layer) > 0.0 && total(&recent.layer) < total(&all.layer));
    // Seen dates exist only for campaigns' uses: fewer uses than by modified date.
    let seen = heatmap(
        &cat,
        Some(&dates),
        &since("2015-01-01", navlayer_coverage::SinceField::LastSeen),
    )
    .unwrap();
    assert!(total(&seen.layer) > 0.0 && total(&seen.layer) < total(&old.layer));
    assert!(heatmap(
        &cat,
        Some(&dates),
        &since("01/02/2024", navlayer_coverage::SinceField::Modified)
    )
    .is_err());
    assert!(heatmap(
        &cat,
        None,
        &HeatmapOptions {
            only: vec!["G9999".into()],
            ..HeatmapOptions::default()
        }
    )
    .is_err());
}

#[test]
fn gaps_are_the_uncovered_threat_techniques_ranked_by_threat_then_groups() {
    let cat = navlayer_testdata::catalogue("enterprise-attack-18.1.json");
    let threat = heatmap(
        &cat,
        None,
        &HeatmapOptions {
            only: vec!["G0016".into(), "G0007".into(), "G0032".into()],
            ..HeatmapOptions::default()
        },
    )
    .unwrap()
    .layer;
    // Coverage: every other threat technique (detections), plus one by mitigation, scored 0
    // (not covered) in a third layer.
    let mut detections = Layer::new("detections", "enterprise-attack");
    let mut mitigations = Layer::new("mitigations", "enterprise-attack");
    let mut zero = Layer::new("zero", "enterprise-attack");
    for (i, e) in threat.techniques.iter().enumerate() {
        let mut c = TechniqueEntry::new(e.technique_id.clone());
        c.score = Some(1.0);
        match i % 4 {
            0 | 2 => detections.techniques.push(c),
            1 => mitigations.techniques.push(c),
            _ => {
                c.score = Some(0.0);
                zero.techniques.push(c)
            }
        }
    }
    let result = gaps(
        &threat,
        &[detections, mitigations, zero],
        &cat,
        &GapsOptions::default(),
    )
    .unwrap();
    let expected: BTreeSet<String> = threat
        .techniques
        .iter()
        .enumerate()
        .filter(|(i, _)| i % 4 == 3)
        .map(|(_, e)| e.technique_id.clone())
        .collect();
    let got: BTreeSet<String> = result.report.gaps.iter().map(|g| g.id.clone()).collect();
    assert_eq!(got, expected);
    assert_eq!(
        result.report.covered + result.report.gaps.len(),
        threat.techniques.len()
    );
    // Ranked by threat score, then by groups using the technique.
    for w in result.report.gaps.windows(2) {
        assert!(
            w[0].threat > w[1].threat || (w[0].threat == w[1].threat && w[0].groups >= w[1].groups)
        );
    }
    let top = &result.report.gaps[0];
    assert_eq!(top.severity, Severity::Critical);
    let groups_using = cat
        .active_of_kind(ObjectKind::Group)
        .filter(|&g| {
            cat.techniques_used_by(g, true)
                .contains(&cat.by_attack_id(&top.id).unwrap())
        })
        .count();
    assert_eq!(top.groups, groups_using);
    // Per-tactic totals add up to the overall row.
    let overall = result.report.tactics.last().unwrap();
    let sum: usize = result.report.tactics[..result.report.tactics.len() - 1]
        .iter()
        .map(|t| t.gaps)
        .sum();
    assert_eq!(overall.gaps, sum);
    let md = result.report.render(ReportFormat::Md);
    assert!(md.contains("## Per tactic") && md.contains(&top.id));
    // The layer colours every gap by severity.
    assert!(result.layer.techniques.iter().all(|e| e.color.is_some()));
    let mobile = Layer::new("m", "mobile-attack");
    assert!(gaps(&threat, &[mobile], &cat, &GapsOptions::default()).is_err());
}
