//! Hostile input: every importer takes any bytes without panicking and accounts for the file;
//! alias bombs, deep nesting and oversized files fail with a reason; real corpora of the other
//! formats parse with every file accounted for.

use std::path::PathBuf;

use navlayer_coverage::{
    build_coverage, coverage, parse_inputs, read_paths, CoverageOptions, Format, Input, Limits,
    OnlyThisRelease, Outcome,
};
use proptest::prelude::*;

fn parse_one(format: Format, name: &str, bytes: Vec<u8>) -> navlayer_coverage::Parsed {
    parse_inputs(
        format,
        vec![Input::new(name, bytes)],
        &CoverageOptions::default(),
    )
    .unwrap()
}

const SIGMA: &str = "title: Suspicious\nid: 1234\nstatus: test\nlevel: high\nlogsource:\n  product: windows\n  category: process_creation\ndetection:\n  sel:\n    Image|endswith: '\\\\x.exe'\n  condition: sel\ntags:\n  - attack.execution\n  - attack.t1059.001\n";
const ELASTIC: &str = "[metadata]\nmaturity = \"production\"\n[rule]\nname = \"R\"\nrisk_score = 21\n[[rule.threat]]\nframework = \"MITRE ATT&CK\"\n[[rule.threat.technique]]\nid = \"T1059\"\n[rule.threat.tactic]\nname = \"Execution\"\n";
const MAPPING: &str = r#"{"metadata": {"attack_version": "16.1", "technology_domain": "enterprise"}, "mapping_objects": [{"capability_id": "AC-2", "attack_object_id": "T1078", "status": "complete", "mapping_type": "mitigates"}]}"#;

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn any_bytes_give_one_file_report(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        for format in Format::ALL {
            let p = parse_one(format, "x", bytes.clone());
            prop_assert_eq!(p.files.len(), 1);
            if p.files[0].outcome == Outcome::Failed {
                prop_assert!(p.files[0].reason.is_some());
            }
        }
    }

    #[test]
    fn damaged_real_files_never_panic(cut in 0usize..400, flips in proptest::collection::vec((0usize..400, any::<u8>()), 0..6)) {
        for (format, text) in [(Format::Sigma, SIGMA), (Format::Splunk, SIGMA), (Format::Atomic, SIGMA), (Format::Elastic, ELASTIC), (Format::Mappings, MAPPING), (Format::Stix, MAPPING), (Format::List, SIGMA)] {
            let mut bytes = text.as_bytes().to_vec();
            for &(at, b) in &flips {
                if !bytes.is_empty() {
                    let i = at % bytes.len();
                    bytes[i] = b;
                }
            }
            bytes.truncate(cut.min(bytes.len()));
            let p = parse_one(format, "x", bytes);
            prop_assert_eq!(p.files.len(), 1);
        }
    }
}

#[test]
fn bombs_and_deep_nesting_fail_with_a_reason() {
    let mut bomb = String::from("a: &a [x,x,x,x,x,x,x,x,x,x]\n");
    let names: Vec<String> = (0..12).map(|i| format!("n{i}")).collect();
    let mut prev = "a".to_string();
    for n in &names {
        bomb.push_str(&format!(
            "{n}: &{n} [{}]\n",
            vec![format!("*{prev}"); 10].join(",")
        ));
        prev = n.clone();
    }
    bomb.push_str("title: bomb\ntags: [attack.t1059]\n");
    let deep_yaml = format!("title: {}{}\n", "[".repeat(50_000), "]".repeat(50_000));
    let deep_json = format!("{}{}", "[".repeat(50_000), "]".repeat(50_000));
    let deep_toml = format!("a = {}{}", "[".repeat(50_000), "]".repeat(50_000));
    let cases = [
        (Format::Sigma, bomb.clone()),
        (Format::Splunk, bomb.clone()),
        (Format::Atomic, bomb),
        (Format::Sigma, deep_yaml),
        (Format::Stix, deep_json.clone()),
        (Format::Mappings, deep_json),
        (Format::Elastic, deep_toml),
    ];
    for (format, text) in cases {
        let p = parse_one(format, "hostile", text.into_bytes());
        assert_eq!(
            p.files[0].outcome,
            Outcome::Failed,
            "{format}: {:?}",
            p.files[0]
        );
        assert!(p.items.is_empty());
    }
}

#[test]
fn oversized_files_are_refused_not_truncated() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("big.yml"), vec![b'a'; 2048]).unwrap();
    let limits = Limits {
        max_file_bytes: 1024,
        ..Limits::default()
    };
    let entries = read_paths(&[dir.path().to_path_buf()], Format::Sigma, &limits).unwrap();
    let options = CoverageOptions {
        limits,
        ..CoverageOptions::default()
    };
    let parsed = navlayer_coverage::parse_entries(Format::Sigma, entries, &options).unwrap();
    assert_eq!(parsed.files[0].outcome, Outcome::Failed);
    assert!(parsed.files[0].reason.as_deref().unwrap().contains("limit"));
    assert!(read_paths(&[dir.path().join("missing")], Format::Sigma, &limits).is_err());
}

#[test]
fn untrusted_names_are_cleaned_and_only_web_links_kept() {
    let cat = navlayer_testdata::catalogue("enterprise-attack-18.1.json");
    let text = "technique,comment\nT1059,\"=cmd|' /C calc'!A0 \u{1b}[31m\"\n";
    let parsed = parse_inputs(
        Format::List,
        vec![Input::new("x.csv", text)],
        &CoverageOptions::default(),
    )
    .unwrap();
    let cov = build_coverage(
        Format::List,
        parsed,
        &cat,
        &OnlyThisRelease,
        &CoverageOptions::default(),
    )
    .unwrap();
    let comment = cov.layer.techniques[0].comment.clone().unwrap();
    assert!(!comment.contains('\u{1b}'));
    // In the Markdown report the name's pipe cannot break out of its table cell.
    let md = cov.report.render(navlayer_coverage::ReportFormat::Md);
    assert!(md.contains("=cmd\\|' /C calc'"), "{md}");
    let stix = r#"{"type": "bundle", "objects": [{"type": "report", "id": "report--1", "name": "r", "object_refs": ["attack-pattern--x"],
        "external_references": [{"source_name": "x", "url": "javascript:alert(1)"}]}]}"#;
    let parsed = parse_inputs(
        Format::Stix,
        vec![Input::new("b.json", stix)],
        &CoverageOptions::default(),
    )
    .unwrap();
    assert_eq!(parsed.items[0].url, None);
}

fn corpus(path: &str) -> PathBuf {
    navlayer_testdata::shared_dir()
        .join("rules-corpus")
        .join(path)
}

#[test]
fn elastic_and_splunk_corpora_parse_with_every_file_accounted_for() {
    let cat = navlayer_testdata::catalogue("enterprise-attack-18.1.json");
    for (format, path, deprecated) in [
        (Format::Elastic, "elastic-detection-rules/rules", 124),
        (Format::Splunk, "splunk-security-content/detections", 98),
    ] {
        let result = coverage(
            format,
            &[corpus(path)],
            &cat,
            &OnlyThisRelease,
            &CoverageOptions::default(),
        )
        .unwrap();
        let r = &result.report;
        assert_eq!(r.totals.failed, 0, "{format}");
        let skipped: Vec<_> = r
            .files
            .iter()
            .filter(|f| f.outcome == Outcome::Skipped)
            .collect();
        assert!(
            skipped
                .iter()
                .filter(|f| f.reason.as_deref().unwrap().contains("deprecated"))
                .count()
                == deprecated,
            "{format}"
        );
        assert!(r.totals.items_used > 1000, "{format}");
        // Revoked IDs are followed to their replacement and reported.
        let revoked = r
            .ids
            .iter()
            .find(|i| i.status == navlayer_coverage::IdStatus::Revoked)
            .unwrap();
        let to = revoked.replacement.as_deref().unwrap();
        assert!(result.layer.techniques.iter().any(|e| e.technique_id == to));
    }
    // Elastic rules count in the tactic of their threat entry, as Elastic's own layers do.
    let elastic = coverage(
        Format::Elastic,
        &[corpus("elastic-detection-rules/rules")],
        &cat,
        &OnlyThisRelease,
        &CoverageOptions::default(),
    )
    .unwrap();
    assert!(elastic.layer.techniques.iter().any(|e| e.tactic.is_some()));
}
