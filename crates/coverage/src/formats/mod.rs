//! One module per input format. Each turns one file into items with technique references and a
//! [`FileReport`]; none of them needs the ATT&CK data (resolution comes after, in
//! [`crate::resolve`]), so files are parsed in parallel while the release loads.

mod atomic;
mod elastic;
mod list;
mod mappings;
mod sigma;
mod splunk;
mod stix;

use std::path::Path;
use std::str::FromStr;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::input::{Entry, FileReport, Input};
use crate::item::{Item, MadeFor, Parsed};
use crate::options::{CoverageOptions, MappingFilter, SubtechniqueMode, TacticScope, Weight};
use crate::CoverageError;

/// An input format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    /// Sigma rules (`*.yml`): `tags: attack.t1059.001`, tactic tags, rule collections.
    Sigma,
    /// Elastic detection-rules (`*.toml`): `[[rule.threat]]` techniques and sub-techniques.
    Elastic,
    /// Splunk security_content detections (`*.yml`): `tags.mitre_attack_id`.
    Splunk,
    /// Atomic Red Team (`atomics/T*/T*.yaml`): atomic tests per technique.
    Atomic,
    /// Mappings Explorer mapping files (`*.json`): `mapping_objects`.
    Mappings,
    /// Plain text, CSV or TSV of technique IDs, with optional score, comment and tactic columns.
    List,
    /// STIX 2.x bundles of threat reports (`*.json`).
    Stix,
}

impl Format {
    /// Every format.
    pub const ALL: [Format; 7] = [
        Format::Sigma,
        Format::Elastic,
        Format::Splunk,
        Format::Atomic,
        Format::Mappings,
        Format::List,
        Format::Stix,
    ];

    /// The kebab-case name (`sigma`, …).
    pub fn label(self) -> &'static str {
        match self {
            Format::Sigma => "sigma",
            Format::Elastic => "elastic",
            Format::Splunk => "splunk",
            Format::Atomic => "atomic",
            Format::Mappings => "mappings",
            Format::List => "list",
            Format::Stix => "stix",
        }
    }

    /// A display name (`Sigma`, `Atomic Red Team`, …).
    pub fn display_name(self) -> &'static str {
        match self {
            Format::Sigma => "Sigma",
            Format::Elastic => "Elastic",
            Format::Splunk => "Splunk",
            Format::Atomic => "Atomic Red Team",
            Format::Mappings => "Mappings Explorer",
            Format::List => "technique list",
            Format::Stix => "STIX",
        }
    }

    /// What one item of this format is called, singular and plural.
    pub fn item_noun(self) -> (&'static str, &'static str) {
        match self {
            Format::Sigma | Format::Elastic => ("rule", "rules"),
            Format::Splunk => ("detection", "detections"),
            Format::Atomic => ("test", "tests"),
            Format::Mappings => ("control", "controls"),
            Format::List => ("row", "rows"),
            Format::Stix => ("report", "reports"),
        }
    }

    /// Whether a file found in a folder is one of this format's files; else why not.
    pub fn wants(self, path: &Path) -> Result<(), String> {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .unwrap_or_default();
        let (ok, wanted) = match self {
            Format::Sigma | Format::Splunk => (ext == "yml" || ext == "yaml", "a .yml file"),
            Format::Elastic => (ext == "toml", "a .toml file"),
            Format::Atomic => (atomic::is_technique_file(name), "an atomic file T….yaml"),
            Format::Mappings | Format::Stix => (ext == "json", "a .json file"),
            Format::List => (
                matches!(ext.as_str(), "txt" | "csv" | "tsv" | "list"),
                "a .txt, .csv or .tsv file",
            ),
        };
        if ok {
            Ok(())
        } else {
            Err(format!("not {wanted}"))
        }
    }

    /// The weight `max` and `sum` use when none is chosen.
    pub fn default_weight(self) -> Option<Weight> {
        match self {
            Format::Sigma => Some(Weight::Level),
            Format::Elastic | Format::Splunk => Some(Weight::RiskScore),
            Format::Mappings => Some(Weight::ScoreValue),
            Format::List => Some(Weight::Score),
            Format::Atomic | Format::Stix => None,
        }
    }

    /// The weights this format's items can carry.
    pub fn weights(self) -> &'static [Weight] {
        match self {
            Format::Sigma => &[Weight::Level, Weight::LevelScore],
            Format::Elastic => &[Weight::RiskScore, Weight::Severity],
            Format::Splunk => &[Weight::RiskScore, Weight::Confidence, Weight::Impact],
            Format::Mappings => &[Weight::ScoreValue],
            Format::List => &[Weight::Score],
            Format::Atomic | Format::Stix => &[],
        }
    }

    /// The sub-technique convention of the format's own layers.
    pub fn subtechnique_mode(self, chosen: SubtechniqueMode) -> SubtechniqueMode {
        match (chosen, self) {
            (SubtechniqueMode::Auto, Format::Atomic) => SubtechniqueMode::Rollup,
            (SubtechniqueMode::Auto, _) => SubtechniqueMode::Separate,
            (m, _) => m,
        }
    }

    /// The tactic convention of the format.
    pub fn tactic_scope(self, chosen: TacticScope) -> TacticScope {
        match (chosen, self) {
            (TacticScope::Auto, Format::Elastic | Format::List) => TacticScope::Tagged,
            (TacticScope::Auto, _) => TacticScope::All,
            (s, _) => s,
        }
    }
}

impl FromStr for Format {
    type Err = CoverageError;
    fn from_str(s: &str) -> Result<Format, CoverageError> {
        let key = s.trim().to_ascii_lowercase();
        Format::ALL
            .into_iter()
            .find(|f| f.label() == key)
            .ok_or_else(|| {
                let names: Vec<&str> = Format::ALL.iter().map(|f| f.label()).collect();
                CoverageError::BadOption(format!(
                    "unknown format {s:?}; formats: {}",
                    names.join(", ")
                ))
            })
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

/// What the importers need from the options.
pub(crate) struct ParseContext<'a> {
    pub weight: Option<Weight>,
    pub include_deprecated: bool,
    pub min_level: Option<sigma::Level>,
    pub min_status: Option<sigma::Status>,
    pub mappings: &'a MappingFilter,
}

/// One file after parsing: its report, what it was made for, its items (file index unset).
pub(crate) struct FileParse {
    pub report: FileReport,
    pub made_for: Option<MadeFor>,
    pub items: Vec<Item>,
    pub scores_given: bool,
}

impl FileParse {
    fn new(report: FileReport) -> FileParse {
        FileParse {
            report,
            made_for: None,
            items: Vec::new(),
            scores_given: false,
        }
    }
}

/// Parses every entry (in parallel) into items, keeping the entries' order.
pub fn parse_entries(
    format: Format,
    entries: Vec<Entry>,
    options: &CoverageOptions,
) -> Result<Parsed, CoverageError> {
    let weight = match options.weight {
        Some(w) if !format.weights().contains(&w) => {
            let names: Vec<&str> = format.weights().iter().map(|w| w.label()).collect();
            return Err(CoverageError::BadOption(format!(
                "{} files carry no {} weight; weights: {}",
                format.display_name(),
                w.label(),
                if names.is_empty() {
                    "none (use count)".to_string()
                } else {
                    names.join(", ")
                }
            )));
        }
        Some(w) => Some(w),
        None => format.default_weight(),
    };
    let ctx = ParseContext {
        weight,
        include_deprecated: options.include_deprecated,
        min_level: sigma::parse_min_level(options.min_level.as_deref())?,
        min_status: sigma::parse_min_status(options.min_status.as_deref())?,
        mappings: &options.mappings,
    };
    let results: Vec<FileParse> = entries
        .into_par_iter()
        .map(|entry| match entry {
            Entry::File(input) => parse_one(format, &input, &ctx),
            Entry::NotRead(report) => FileParse::new(report),
        })
        .collect();
    let mut parsed = Parsed::default();
    for (i, mut r) in results.into_iter().enumerate() {
        for item in &mut r.items {
            item.file = i;
        }
        parsed.scores_given |= r.scores_given;
        parsed.files.push(r.report);
        parsed.made_for.push(r.made_for);
        parsed.items.extend(r.items);
    }
    Ok(parsed)
}

/// Parses in-memory inputs (an upload, a test) the way [`parse_entries`] parses files.
pub fn parse_inputs(
    format: Format,
    inputs: Vec<Input>,
    options: &CoverageOptions,
) -> Result<Parsed, CoverageError> {
    parse_entries(
        format,
        inputs.into_iter().map(Entry::File).collect(),
        options,
    )
}

fn parse_one(format: Format, input: &Input, ctx: &ParseContext<'_>) -> FileParse {
    let mut result = match format {
        Format::Sigma => sigma::parse(input, ctx),
        Format::Elastic => elastic::parse(input, ctx),
        Format::Splunk => splunk::parse(input, ctx),
        Format::Atomic => atomic::parse(input, ctx),
        Format::Mappings => mappings::parse(input, ctx),
        Format::List => list::parse(input, ctx),
        Format::Stix => stix::parse(input, ctx),
    };
    if result.report.outcome == crate::Outcome::Parsed && result.report.items == 0 {
        result.report.items = result.items.len();
    }
    result
}

/// Tactic short name from a name as written (`Defense Evasion` → `defense-evasion`).
pub(crate) fn tactic_shortname(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join("-")
        .to_ascii_lowercase()
}

/// True for `T1234` and `T1234.567` (any case).
pub(crate) fn looks_like_technique(id: &str) -> bool {
    let b = id.as_bytes();
    let digits = |s: &[u8]| !s.is_empty() && s.iter().all(u8::is_ascii_digit);
    if b.len() < 2 || !(b[0] == b'T' || b[0] == b't') {
        return false;
    }
    match id[1..].split_once('.') {
        Some((main, sub)) => digits(main.as_bytes()) && digits(sub.as_bytes()),
        None => digits(&b[1..]),
    }
}

/// True for ATT&CK IDs of any kind (`T1059`, `TA0002`, `G0016`, `S0154`, `M1038`, `DS0009`,
/// `DET0001`, `AN0001`, `C0015`, `A0001`).
pub(crate) fn looks_like_attack_id(id: &str) -> bool {
    let letters = id.bytes().take_while(u8::is_ascii_alphabetic).count();
    let rest = &id[letters..];
    (1..=3).contains(&letters)
        && !rest.is_empty()
        && rest
            .split('.')
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn technique_ids_are_recognised() {
        assert!(looks_like_technique("T1059"));
        assert!(looks_like_technique("t1059.001"));
        assert!(!looks_like_technique("T1059."));
        assert!(!looks_like_technique("TA0002"));
        assert!(!looks_like_technique("T"));
        assert!(looks_like_attack_id("TA0002"));
        assert!(looks_like_attack_id("DET0001"));
        assert!(!looks_like_attack_id("execution"));
        assert!(!looks_like_attack_id("cve-2021-1234"));
    }

    #[test]
    fn folder_files_are_picked_by_format() {
        assert!(Format::Sigma.wants(Path::new("a/b.yml")).is_ok());
        assert!(Format::Sigma.wants(Path::new("a/README.md")).is_err());
        assert!(Format::Atomic.wants(Path::new("T1003/T1003.yaml")).is_ok());
        assert!(Format::Atomic
            .wants(Path::new("Indexes/index.yaml"))
            .is_err());
    }
}
