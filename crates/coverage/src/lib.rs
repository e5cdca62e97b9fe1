//! # navlayer-coverage
//!
//! Coverage and threat analytics: ATT&CK Navigator layers made from what defenders have and
//! what adversaries do.
//!
//! * [`coverage`]: a layer from detection rules, tests, control mappings, ID lists or STIX
//!   reports — one module per input format ([`Format`]: Sigma, Elastic, Splunk, Atomic Red
//!   Team, Mappings Explorer, lists, STIX) — with a [`CoverageReport`] accounting for every
//!   input file and every ID that did not resolve plainly;
//! * [`heatmap`](mod@heatmap): how many groups, software, campaigns, mitigations or detection
//!   strategies of a release use (or cover) each technique;
//! * [`gaps`](mod@gaps): the techniques a threat layer scores that no coverage layer covers,
//!   ranked, coloured by severity, with per-tactic totals.
//!
//! Input: files or in-memory [`Input`]s, and a `Catalogue` from navlayer-attack; output: a
//! navlayer-layer `Layer` and a serializable report, for the CLI, the server and Python.
//!
//! # Steps of a coverage run
//! 1. [`read_paths`] walks files and folders (bounded by [`Limits`]), or the caller holds
//!    [`Input`]s;
//! 2. [`parse_entries`] / [`parse_inputs`] parse every file in parallel into items with
//!    technique references (no ATT&CK data needed, so it overlaps with loading the release);
//! 3. [`build_coverage`] resolves the references against the release (revoked IDs followed,
//!    unknown ones reported, files made for an older release migrated with navlayer-migrate),
//!    applies the platform filter, sub-technique and tactic rules, scores and writes the layer.
//!
//! ```
//! use navlayer_coverage::{parse_inputs, CoverageOptions, Format, Input};
//! let rule = "title: Suspicious PowerShell\nlevel: high\ntags: [attack.execution, attack.t1059.001]\n";
//! let parsed = parse_inputs(Format::Sigma, vec![Input::new("rule.yml", rule)], &CoverageOptions::default())?;
//! assert_eq!(parsed.items.len(), 1);
//! assert_eq!(parsed.items[0].refs[0].id, "T1059.001");
//! assert_eq!(parsed.items[0].tactics, ["execution"]);
//! # Ok::<(), navlayer_coverage::CoverageError>(())
//! ```

mod coverage;
mod dates;
mod error;
mod formats;
pub mod gaps;
pub mod heatmap;
mod input;
mod item;
mod options;
mod platform;
mod report;
mod resolve;
mod tally;
mod text;
mod yaml;

pub use coverage::{build_coverage, coverage, Coverage};
pub use dates::{Dates, ObjectDates, SinceField};
pub use error::CoverageError;
pub use formats::{parse_entries, parse_inputs, Format};
pub use gaps::{gaps, Gap, GapTactic, Gaps, GapsOptions, GapsReport, Severity};
pub use heatmap::{
    heatmap, parse_id_list, CountedObject, HeatRow, HeatTactic, Heatmap, HeatmapKind,
    HeatmapOptions, HeatmapReport,
};
pub use input::{read_paths, Entry, FileReport, Input, Limits, Outcome};
pub use item::{Item, MadeFor, Parsed, TechRef};
pub use options::{
    CoverageOptions, MappingFilter, ScoreFunction, SubtechniqueMode, TacticScope, Weight,
};
pub use report::{CoverageReport, ReportFormat, TacticRow, TechniqueRow, Totals};
pub use resolve::{
    IdFinding, IdStatus, MigrationReport, OnlyThisRelease, ReleaseSource, TacticFinding,
};
