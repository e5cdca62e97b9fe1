//! Shared by the coverage fuzz targets: a small in-memory ATT&CK release (two techniques, a
//! sub-technique, a revoked technique, a deprecated one, two tactics, a group) and a run that
//! parses the input and builds the layer and every report format from it.

use std::path::Path;
use std::sync::OnceLock;

use navlayer_attack::{Catalogue, LoadOptions};
use navlayer_coverage::{
    build_coverage, parse_inputs, CoverageOptions, Format, Input, OnlyThisRelease, ReportFormat,
    SubtechniqueMode, TacticScope,
};

const BUNDLE: &str = r#"{"type": "bundle", "id": "bundle--f", "spec_version": "2.0", "objects": [
 {"type": "x-mitre-collection", "id": "x-mitre-collection--1", "name": "Enterprise ATT&CK", "x_mitre_version": "18.1"},
 {"type": "x-mitre-matrix", "id": "x-mitre-matrix--1", "name": "Enterprise", "tactic_refs": ["x-mitre-tactic--e", "x-mitre-tactic--p"],
  "external_references": [{"source_name": "mitre-attack", "external_id": "enterprise-attack"}]},
 {"type": "x-mitre-tactic", "id": "x-mitre-tactic--e", "name": "Execution", "x_mitre_shortname": "execution",
  "external_references": [{"source_name": "mitre-attack", "external_id": "TA0002"}]},
 {"type": "x-mitre-tactic", "id": "x-mitre-tactic--p", "name": "Persistence", "x_mitre_shortname": "persistence",
  "external_references": [{"source_name": "mitre-attack", "external_id": "TA0003"}]},
 {"type": "attack-pattern", "id": "attack-pattern--1", "name": "Command and Scripting Interpreter", "x_mitre_platforms": ["Windows", "Linux"],
  "kill_chain_phases": [{"kill_chain_name": "mitre-attack", "phase_name": "execution"}, {"kill_chain_name": "mitre-attack", "phase_name": "persistence"}],
  "external_references": [{"source_name": "mitre-attack", "external_id": "T1059"}]},
 {"type": "attack-pattern", "id": "attack-pattern--2", "name": "PowerShell", "x_mitre_is_subtechnique": true, "x_mitre_platforms": ["Windows"],
  "kill_chain_phases": [{"kill_chain_name": "mitre-attack", "phase_name": "execution"}],
  "external_references": [{"source_name": "mitre-attack", "external_id": "T1059.001"}]},
 {"type": "attack-pattern", "id": "attack-pattern--3", "name": "Old", "revoked": true,
  "external_references": [{"source_name": "mitre-attack", "external_id": "T1000"}]},
 {"type": "attack-pattern", "id": "attack-pattern--4", "name": "Gone", "x_mitre_deprecated": true,
  "kill_chain_phases": [{"kill_chain_name": "mitre-attack", "phase_name": "execution"}],
  "external_references": [{"source_name": "mitre-attack", "external_id": "T1001"}]},
 {"type": "intrusion-set", "id": "intrusion-set--1", "name": "G", "external_references": [{"source_name": "mitre-attack", "external_id": "G0001"}]},
 {"type": "relationship", "id": "relationship--1", "relationship_type": "subtechnique-of", "source_ref": "attack-pattern--2", "target_ref": "attack-pattern--1"},
 {"type": "relationship", "id": "relationship--2", "relationship_type": "revoked-by", "source_ref": "attack-pattern--3", "target_ref": "attack-pattern--1"},
 {"type": "relationship", "id": "relationship--3", "relationship_type": "uses", "source_ref": "intrusion-set--1", "target_ref": "attack-pattern--2"}
]}"#;

fn catalogue() -> &'static Catalogue {
    static CAT: OnceLock<Catalogue> = OnceLock::new();
    CAT.get_or_init(|| {
        Catalogue::from_slice(BUNDLE.as_bytes(), Path::new("enterprise-attack-18.1.json"), &LoadOptions::default())
            .expect("fuzz bundle loads")
    })
}

/// Parses `data` as each format, builds the layer with varied options, renders every report.
pub fn run(formats: &[Format], data: &[u8]) {
    let mode = data.first().copied().unwrap_or(0);
    for &format in formats {
        let options = CoverageOptions {
            subtechniques: [SubtechniqueMode::Auto, SubtechniqueMode::Parent, SubtechniqueMode::Rollup][mode as usize % 3],
            tactics: [TacticScope::Auto, TacticScope::Tagged][(mode as usize / 3) % 2],
            keep_unknown: mode & 0x40 != 0,
            platforms: if mode & 0x80 != 0 { vec!["Linux".into()] } else { vec![] },
            ..CoverageOptions::default()
        };
        let parsed = parse_inputs(format, vec![Input::new("fuzz", data.to_vec())], &options)
            .expect("options are valid");
        assert_eq!(parsed.files.len(), 1);
        let built = build_coverage(format, parsed, catalogue(), &OnlyThisRelease, &options)
            .expect("a valid catalogue and options always build");
        for f in [ReportFormat::Md, ReportFormat::Json, ReportFormat::Csv] {
            let _ = built.report.render(f);
        }
        let text = navlayer_layer::write::to_json(&built.layer, navlayer_layer::write::Style::Compact);
        navlayer_layer::read::parse_layers(text.as_bytes(), "fuzz").expect("the layer written reads back");
    }
}
