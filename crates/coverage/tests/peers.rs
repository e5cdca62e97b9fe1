//! Differential tests against the peers, on the real rule sets in `$NAVLAYER_SHARED/rules-corpus`:
//! sigma-cli's `analyze attack count` output, Atomic Red Team's published Navigator layers, and
//! the Mappings Explorer's NIST 800-53 rev5 mappings migrated from 16.1 to 18.1.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use navlayer_attack::{Catalogue, Domain, Release};
use navlayer_coverage::{
    coverage, CoverageOptions, Format, IdStatus, OnlyThisRelease, Outcome, SubtechniqueMode,
};
use navlayer_layer::Layer;

fn corpus() -> PathBuf {
    navlayer_testdata::shared_dir().join("rules-corpus")
}

fn release_18() -> Arc<Catalogue> {
    navlayer_testdata::catalogue("enterprise-attack-18.1.json")
}

/// (technique, tactic) → score, with entries without a tactic expanded to the technique's
/// tactics in the release, as the Navigator applies them.
fn pairs(layer: &Layer, catalogue: &Catalogue) -> BTreeMap<(String, String), f64> {
    let mut out = BTreeMap::new();
    for e in &layer.techniques {
        let tactics: Vec<String> = match &e.tactic {
            Some(t) => vec![t.clone()],
            None => catalogue
                .by_attack_id(&e.technique_id)
                .map(|o| catalogue.object(o).tactics.clone())
                .unwrap_or_else(|| vec![String::new()]),
        };
        for t in tactics {
            out.insert((e.technique_id.clone(), t), e.score.expect("scored"));
        }
    }
    out
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            files_under(&p, out);
        } else {
            out.push(p);
        }
    }
}

#[test]
fn sigma_matches_sigma_cli_and_reports_v19_ids() {
    let sigma = corpus().join("sigma");
    let mut roots: Vec<PathBuf> = std::fs::read_dir(&sigma)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.is_dir()
                && p.file_name()
                    .unwrap()
                    .to_str()
                    .unwrap()
                    .starts_with("rules")
        })
        .collect();
    roots.sort();
    let cat = release_18();
    let result = coverage(
        Format::Sigma,
        &roots,
        &cat,
        &OnlyThisRelease,
        &CoverageOptions::default(),
    )
    .unwrap();

    // The same technique/tactic/score triples as sigma-cli 3.1.0 wrote for these rules on 18.1.
    let reference: serde_json::Value = serde_json::from_slice(
        &std::fs::read(
            corpus().join("reference/sigma-cli-analyze-attack-count-enterprise-18.1.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let expected: BTreeMap<(String, String), f64> = reference["techniques"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                (
                    t["techniqueID"].as_str().unwrap().to_string(),
                    t["tactic"].as_str().unwrap().to_string(),
                ),
                t["score"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(expected.len(), 511);
    assert_eq!(pairs(&result.layer, &cat), expected);

    // Every file accounted for: the rules parsed, the Markdown files skipped with a reason.
    let mut all = Vec::new();
    for r in &roots {
        files_under(r, &mut all);
    }
    let report = &result.report;
    assert_eq!(report.files.len(), all.len());
    for f in &report.files {
        if f.path.ends_with(".yml") {
            assert_eq!(f.outcome, Outcome::Parsed, "{f:?}");
        } else {
            assert_eq!(f.outcome, Outcome::Skipped, "{f:?}");
            assert!(f.reason.is_some());
        }
    }
    assert_eq!(report.totals.items, 3780);

    // The v19 IDs are reported as unknown, with the files naming them, and absent from the layer.
    for id in ["T1685", "T1685.001", "T1686", "T1686.003", "T1690"] {
        let f = report
            .ids
            .iter()
            .find(|f| f.id == id)
            .unwrap_or_else(|| panic!("{id} not reported"));
        assert_eq!(f.status, IdStatus::Unknown);
        assert!(f.items > 0 && !f.files.is_empty());
        assert!(!result.layer.techniques.iter().any(|e| e.technique_id == id));
    }
    let t1685 = report.ids.iter().find(|f| f.id == "T1685").unwrap();
    assert_eq!(t1685.items, 164, "rules tagged attack.t1685");
    // v19 tactic tags are reported too.
    assert!(report.unknown_tactics.iter().any(|t| t.tactic == "stealth"));
    // Group tags are reported as not techniques.
    assert!(report
        .ids
        .iter()
        .any(|f| f.id == "G0010" && f.status == IdStatus::NotTechnique));
}

fn atomic_layer(name: &str) -> Layer {
    let path = corpus().join(format!(
        "atomic-red-team/atomics/Indexes/Attack-Navigator-Layers/{name}.json"
    ));
    navlayer_layer::read_layer_file(&path)
        .unwrap()
        .remove(0)
        .layer
}

#[test]
fn atomic_matches_the_published_layers() {
    let cat = release_18();
    let atomics = vec![corpus().join("atomic-red-team/atomics")];
    let cases = [
        ("", ""),
        ("-windows", "windows"),
        ("-macos", "macos"),
        ("-linux", "linux"),
        ("-iaas", "iaas"),
        ("-iaas-aws", "iaas:aws"),
        ("-iaas-azure", "iaas:azure"),
        ("-iaas-gcp", "iaas:gcp"),
        ("-containers", "containers"),
        ("-google-workspace", "google-workspace"),
        ("-azure-ad", "azure-ad"),
        ("-office-365", "office-365"),
        ("-esxi", "esxi"),
    ];
    for (suffix, platform) in cases {
        let published = atomic_layer(&format!("art-navigator-layer{suffix}"));
        let theirs: BTreeMap<String, f64> = published
            .techniques
            .iter()
            .map(|e| (e.technique_id.clone(), e.score.unwrap()))
            .collect();
        let options = CoverageOptions {
            platforms: if platform.is_empty() {
                vec![]
            } else {
                vec![platform.to_string()]
            },
            keep_unknown: true,
            ..CoverageOptions::default()
        };
        let kept = coverage(Format::Atomic, &atomics, &cat, &OnlyThisRelease, &options).unwrap();
        let ours: BTreeMap<String, f64> = kept
            .layer
            .techniques
            .iter()
            .map(|e| (e.technique_id.clone(), e.score.unwrap()))
            .collect();
        assert_eq!(ours, theirs, "layer{suffix} with unknown IDs kept");

        // By default, IDs 18.1 does not know are reported and left out; every other pair stays.
        let options = CoverageOptions {
            keep_unknown: false,
            ..options
        };
        let plain = coverage(Format::Atomic, &atomics, &cat, &OnlyThisRelease, &options).unwrap();
        let unknown: BTreeSet<&str> = plain
            .report
            .ids
            .iter()
            .filter(|f| f.status == IdStatus::Unknown)
            .map(|f| f.id.as_str())
            .collect();
        for (id, score) in &theirs {
            let ours = plain
                .layer
                .techniques
                .iter()
                .find(|e| &e.technique_id == id);
            if cat.by_attack_id(id).is_some() {
                assert_eq!(
                    ours.and_then(|e| e.score),
                    Some(*score),
                    "{id} layer{suffix}"
                );
            } else {
                assert!(ours.is_none(), "{id} layer{suffix}");
                // A parent created only by its unknown sub-techniques is not itself referenced.
                let referenced = unknown.contains(id.as_str())
                    || unknown.iter().any(|u| u.starts_with(&format!("{id}.")));
                assert!(referenced, "{id} not reported (layer{suffix})");
            }
        }
    }
}

#[test]
fn atomic_files_are_accounted_for() {
    let cat = release_18();
    let atomics = corpus().join("atomic-red-team/atomics");
    let result = coverage(
        Format::Atomic,
        std::slice::from_ref(&atomics),
        &cat,
        &OnlyThisRelease,
        &CoverageOptions::default(),
    )
    .unwrap();
    let mut all = Vec::new();
    files_under(&atomics, &mut all);
    assert_eq!(result.report.files.len(), all.len());
    let parsed = result
        .report
        .files
        .iter()
        .filter(|f| f.outcome == Outcome::Parsed)
        .count();
    assert_eq!(parsed, 341);
    assert!(result
        .report
        .files
        .iter()
        .filter(|f| f.outcome == Outcome::Skipped)
        .all(
            |f| f.path.contains("Indexes") && f.reason.as_deref().unwrap().contains("atomic file")
        ));
    assert_eq!(result.report.subtechniques, SubtechniqueMode::Rollup);
}

#[test]
fn nist_rev5_on_16_1_is_migrated_to_18_1_with_every_technique_accounted_for() {
    let file = corpus().join(
        "mappings-explorer/mappings/nist_800_53/attack-16.1/nist_800_53-rev5/enterprise/nist_800_53-rev5_attack-16.1-enterprise.json",
    );
    let cat = release_18();
    let releases = |d: Domain, r: Release| -> Result<Arc<Catalogue>, String> {
        Ok(navlayer_testdata::catalogue(&format!(
            "{}-attack-{r}.json",
            d.short_name()
        )))
    };
    let result = coverage(
        Format::Mappings,
        std::slice::from_ref(&file),
        &cat,
        &releases,
        &CoverageOptions::default(),
    )
    .unwrap();
    let report = &result.report;
    assert_eq!(report.migrations.len(), 1);
    let m = &report.migrations[0].migration;
    assert_eq!((m.from.as_str(), m.to.as_str()), ("16.1", "18.1"));

    // Every technique with a complete mapping is in the layer, under its ID or where the
    // migration moved it; a technique dropped by the migration is reported.
    let raw: serde_json::Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    let mapped: BTreeSet<String> = raw["mapping_objects"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["status"] == "complete")
        .filter_map(|o| o["attack_object_id"].as_str().map(str::to_string))
        .collect();
    assert_eq!(mapped.len(), 470);
    let in_layer: BTreeSet<&str> = result
        .layer
        .techniques
        .iter()
        .map(|e| e.technique_id.as_str())
        .collect();
    let mut moved = 0;
    for id in &mapped {
        if in_layer.contains(id.as_str()) {
            continue;
        }
        let finding = report
            .ids
            .iter()
            .find(|f| &f.id == id)
            .unwrap_or_else(|| panic!("{id} neither in the layer nor reported"));
        match &finding.replacement {
            Some(r) => assert!(in_layer.contains(r.as_str()), "{id} -> {r}"),
            None => assert!(
                matches!(finding.status, IdStatus::Deprecated | IdStatus::Unknown),
                "{finding:?}"
            ),
        }
        moved += 1;
    }
    assert!(moved > 0, "16.1 -> 18.1 changes some NIST techniques");
    // The score is the number of distinct controls, as the Mappings Explorer counts.
    let controls_t1078: BTreeSet<&str> = raw["mapping_objects"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["status"] == "complete" && o["attack_object_id"] == "T1078")
        .filter_map(|o| o["capability_id"].as_str())
        .collect();
    let t1078 = result
        .layer
        .techniques
        .iter()
        .find(|e| e.technique_id == "T1078")
        .unwrap();
    assert_eq!(t1078.score, Some(controls_t1078.len() as f64));
    assert_eq!(
        result.layer.versions.as_ref().unwrap().attack.as_deref(),
        Some("18")
    );
}
