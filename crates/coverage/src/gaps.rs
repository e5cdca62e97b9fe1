//! Gaps: the techniques a threat layer scores that no coverage layer covers.
//!
//! Layers are compared technique by technique and tactic by tactic, with the Navigator's rule
//! for which entry applies (navlayer-ops' `LayerIndex`). An entry counts when it is enabled and
//! annotated; its weight is its score, or 1 when it has none. A technique in a tactic is a
//! threat when the threat layer's weight there is above zero, and covered when any coverage
//! layer's weight there is above `min_coverage` (so detections and mitigations combine). Gaps
//! are ranked by threat score, then by how many groups of the release use the technique (with
//! their campaigns), then by ID; their severity is their threat score's share of the highest.

use std::collections::BTreeMap;

use navlayer_attack::{Catalogue, Domain, ObjectId, ObjectKind, RelationKind};
use navlayer_layer::{Layer, LegendItem, MetadataItem, TechniqueEntry, Versions};
use navlayer_ops::index::{is_present, LayerIndex};
use serde::{Deserialize, Serialize};

use crate::report::ReportFormat;
use crate::text::{clean, csv_row, md, number, thousands};
use crate::CoverageError;

/// How serious a gap is: its threat score's share of the highest threat score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    /// 75 % or more.
    Critical,
    /// 50 % or more.
    High,
    /// 25 % or more.
    Medium,
    /// Below 25 %.
    Low,
}

impl Severity {
    /// Every severity, worst first.
    pub const ALL: [Severity; 4] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
    ];

    fn of(score: f64, max: f64) -> Severity {
        let share = if max > 0.0 { score / max } else { 1.0 };
        if share >= 0.75 {
            Severity::Critical
        } else if share >= 0.5 {
            Severity::High
        } else if share >= 0.25 {
            Severity::Medium
        } else {
            Severity::Low
        }
    }

    /// The kebab-case name.
    pub fn label(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::High => "high",
            Severity::Medium => "medium",
            Severity::Low => "low",
        }
    }

    /// The colour of the severity in the layer.
    pub fn color(self) -> &'static str {
        match self {
            Severity::Critical => "#d7301f",
            Severity::High => "#fc8d59",
            Severity::Medium => "#fdcc8a",
            Severity::Low => "#fef0d9",
        }
    }
}

/// The colour of covered threat techniques (`include_covered`).
pub const COVERED_COLOR: &str = "#a1d99b";

/// The choices of a gaps run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct GapsOptions {
    /// Layer name (default: "Gaps: <threat layer name>").
    pub name: Option<String>,
    /// A coverage entry covers when its weight (score, or 1 when unscored) is above this.
    pub min_coverage: f64,
    /// Also put the covered threat techniques in the layer (green, with what covers them).
    pub include_covered: bool,
}

impl Default for GapsOptions {
    fn default() -> GapsOptions {
        GapsOptions {
            name: None,
            min_coverage: 0.0,
            include_covered: false,
        }
    }
}

/// One gap: a threat technique (in some or all of its tactics) that nothing covers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Gap {
    /// Rank, from 1.
    pub rank: usize,
    /// Technique ID.
    pub id: String,
    /// Technique name.
    pub name: String,
    /// The tactics where it is a gap (all of its threat tactics, or some).
    pub tactics: Vec<String>,
    /// Its threat score (the highest over those tactics).
    pub threat: f64,
    /// Groups of the release that use it (with their campaigns).
    pub groups: usize,
    /// Severity.
    pub severity: Severity,
    /// True when it is covered in some other tactic of the threat.
    pub partly_covered: bool,
}

/// Per tactic: threat techniques, covered, gaps.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GapTactic {
    /// Tactic short name.
    pub tactic: String,
    /// Tactic name.
    pub name: String,
    /// Threat techniques in the tactic.
    pub threat: usize,
    /// Of those, covered.
    pub covered: usize,
    /// Of those, gaps.
    pub gaps: usize,
    /// Gaps per severity.
    pub by_severity: BTreeMap<Severity, usize>,
}

/// The report of a gaps run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GapsReport {
    /// Layer name.
    pub layer: String,
    /// The threat layer's name.
    pub threat: String,
    /// The coverage layers' names.
    pub coverage: Vec<String>,
    /// Domain.
    pub domain: String,
    /// Release.
    pub release: String,
    /// Threat techniques (technique IDs with a threat in any tactic).
    pub threat_techniques: usize,
    /// Of those, covered in every threat tactic.
    pub covered: usize,
    /// Gaps, ranked.
    pub gaps: Vec<Gap>,
    /// Per tactic, in matrix order, then `overall`.
    pub tactics: Vec<GapTactic>,
    /// Threat-layer IDs that are not techniques of the release.
    pub not_in_release: Vec<String>,
}

/// A gaps layer and its report.
#[derive(Debug, Clone)]
pub struct Gaps {
    /// The layer.
    pub layer: Layer,
    /// The report.
    pub report: GapsReport,
}

fn weight(entry: Option<&TechniqueEntry>) -> f64 {
    match entry {
        Some(e) if is_present(Some(e)) => e.score.unwrap_or(1.0),
        _ => 0.0,
    }
}

fn check_domain(layer: &Layer, catalogue: &Catalogue, role: &str) -> Result<(), CoverageError> {
    match Domain::parse_lenient(&layer.domain) {
        Some(d) if d == catalogue.domain() => Ok(()),
        _ => Err(CoverageError::Layer(format!(
            "the {role} layer {:?} is for {:?}, the data is {}",
            layer.name,
            layer.domain,
            catalogue.domain()
        ))),
    }
}

/// Groups using each technique, with their campaigns' uses (one pass over the relationships).
fn group_counts(catalogue: &Catalogue) -> BTreeMap<ObjectId, usize> {
    let mut users: BTreeMap<ObjectId, std::collections::BTreeSet<ObjectId>> = BTreeMap::new();
    for r in catalogue.relationships() {
        if r.kind != RelationKind::Uses || !r.is_active() {
            continue;
        }
        let (Some(s), Some(t)) = (r.source, r.target) else {
            continue;
        };
        let (so, to) = (catalogue.object(s), catalogue.object(t));
        if !so.is_active() || !to.is_active() || !to.kind.is_technique() {
            continue;
        }
        match so.kind {
            ObjectKind::Group => {
                users.entry(t).or_default().insert(s);
            }
            ObjectKind::Campaign => {
                for (_, g) in catalogue.active_outgoing(s, &RelationKind::AttributedTo) {
                    let go = catalogue.object(g);
                    if go.kind == ObjectKind::Group && go.is_active() {
                        users.entry(t).or_default().insert(g);
                    }
                }
            }
            _ => {}
        }
    }
    users.into_iter().map(|(t, u)| (t, u.len())).collect()
}

/// Computes the gaps of `threat` against `coverage` (at least one layer) on `catalogue`.
pub fn gaps(
    threat: &Layer,
    coverage: &[Layer],
    catalogue: &Catalogue,
    options: &GapsOptions,
) -> Result<Gaps, CoverageError> {
    if coverage.is_empty() {
        return Err(CoverageError::BadOption(
            "give at least one coverage layer".into(),
        ));
    }
    check_domain(threat, catalogue, "threat")?;
    for c in coverage {
        check_domain(c, catalogue, "coverage")?;
    }
    let threat_index = LayerIndex::new(threat);
    let cover_index: Vec<LayerIndex<'_>> = coverage.iter().map(LayerIndex::new).collect();
    let groups = group_counts(catalogue);

    // Per technique: (tactic, threat weight, covering layers) for each threat tactic.
    struct Row {
        id: ObjectId,
        slots: Vec<(String, f64, Vec<usize>)>,
    }
    let mut rows: Vec<Row> = Vec::new();
    let mut known = std::collections::HashSet::new();
    for t in catalogue.active_techniques() {
        let o = catalogue.object(t);
        let Some(attack_id) = o.attack_id.as_deref() else {
            continue;
        };
        known.insert(attack_id.to_string());
        let mut slots = Vec::new();
        for tactic in &o.tactics {
            let w = weight(threat_index.resolve(attack_id, Some(tactic)));
            if w <= 0.0 {
                continue;
            }
            let covering: Vec<usize> = cover_index
                .iter()
                .enumerate()
                .filter(|(_, ix)| {
                    weight(ix.resolve(attack_id, Some(tactic))) > options.min_coverage
                })
                .map(|(i, _)| i)
                .collect();
            slots.push((tactic.clone(), w, covering));
        }
        if !slots.is_empty() {
            rows.push(Row { id: t, slots });
        }
    }
    let max_threat = rows
        .iter()
        .flat_map(|r| r.slots.iter().map(|s| s.1))
        .fold(0.0, f64::max);

    let mut gap_list: Vec<Gap> = Vec::new();
    let mut covered_entries: Vec<TechniqueEntry> = Vec::new();
    let mut per_tactic: BTreeMap<String, GapTactic> = BTreeMap::new();
    for r in &rows {
        let o = catalogue.object(r.id);
        let id = o.display_id().to_string();
        let open: Vec<&(String, f64, Vec<usize>)> =
            r.slots.iter().filter(|s| s.2.is_empty()).collect();
        let threat_score = open.iter().map(|s| s.1).fold(0.0, f64::max);
        let severity = Severity::of(threat_score, max_threat);
        for (tactic, _, covering) in &r.slots {
            let row = per_tactic
                .entry(tactic.clone())
                .or_insert_with(|| GapTactic {
                    tactic: tactic.clone(),
                    name: String::new(),
                    threat: 0,
                    covered: 0,
                    gaps: 0,
                    by_severity: BTreeMap::new(),
                });
            row.threat += 1;
            if covering.is_empty() {
                row.gaps += 1;
                *row.by_severity.entry(severity).or_default() += 1;
            } else {
                row.covered += 1;
            }
        }
        if open.is_empty() {
            if options.include_covered {
                let names: Vec<String> = r.slots[0]
                    .2
                    .iter()
                    .map(|&i| clean(&coverage[i].name, 100))
                    .collect();
                covered_entries.push(TechniqueEntry {
                    technique_id: id,
                    color: Some(COVERED_COLOR.into()),
                    comment: Some(format!("covered by {}", names.join(", "))),
                    enabled: Some(true),
                    ..TechniqueEntry::default()
                });
            }
            continue;
        }
        gap_list.push(Gap {
            rank: 0,
            id,
            name: o.name.clone(),
            tactics: open.iter().map(|s| s.0.clone()).collect(),
            threat: threat_score,
            groups: groups.get(&r.id).copied().unwrap_or(0),
            severity,
            partly_covered: open.len() < r.slots.len(),
        });
    }
    gap_list.sort_by(|a, b| {
        b.threat
            .total_cmp(&a.threat)
            .then(b.groups.cmp(&a.groups))
            .then_with(|| crate::text::id_order(&a.id).cmp(&crate::text::id_order(&b.id)))
    });
    for (i, g) in gap_list.iter_mut().enumerate() {
        g.rank = i + 1;
    }
    let tactics = tactic_rows(catalogue, per_tactic);
    let not_in_release: Vec<String> = threat_index
        .technique_ids()
        .iter()
        .filter(|id| !known.contains(**id))
        .map(|s| s.to_string())
        .collect();
    let name = options
        .name
        .clone()
        .unwrap_or_else(|| format!("Gaps: {}", clean(&threat.name, 100)));
    let layer = gaps_layer(
        &name,
        threat,
        coverage,
        catalogue,
        &gap_list,
        covered_entries,
        rows.len(),
    );
    let report = GapsReport {
        layer: name,
        threat: threat.name.clone(),
        coverage: coverage.iter().map(|c| c.name.clone()).collect(),
        domain: catalogue.domain().stix_name().into(),
        release: catalogue.release().to_string(),
        threat_techniques: rows.len(),
        covered: rows.len() - gap_list.len(),
        gaps: gap_list,
        tactics,
        not_in_release,
    };
    Ok(Gaps { layer, report })
}

fn tactic_rows(catalogue: &Catalogue, mut per: BTreeMap<String, GapTactic>) -> Vec<GapTactic> {
    let mut out = Vec::new();
    let mut overall = GapTactic {
        tactic: "overall".into(),
        name: "Overall (technique-tactic pairs)".into(),
        threat: 0,
        covered: 0,
        gaps: 0,
        by_severity: BTreeMap::new(),
    };
    for &t in catalogue.tactics() {
        let o = catalogue.object(t);
        let short = o.shortname.clone().unwrap_or_default();
        let mut row = per.remove(&short).unwrap_or(GapTactic {
            tactic: short.clone(),
            name: String::new(),
            threat: 0,
            covered: 0,
            gaps: 0,
            by_severity: BTreeMap::new(),
        });
        row.name = o.name.clone();
        overall.threat += row.threat;
        overall.covered += row.covered;
        overall.gaps += row.gaps;
        for (s, n) in &row.by_severity {
            *overall.by_severity.entry(*s).or_default() += n;
        }
        out.push(row);
    }
    out.push(overall);
    out
}

fn gaps_layer(
    name: &str,
    threat: &Layer,
    coverage: &[Layer],
    catalogue: &Catalogue,
    gaps: &[Gap],
    covered: Vec<TechniqueEntry>,
    threat_techniques: usize,
) -> Layer {
    let mut layer = Layer::new(name, catalogue.domain().stix_name());
    layer.versions = Some(Versions {
        attack: Some(catalogue.release().major.to_string()),
        navigator: Some("5.3.2".into()),
        layer: Some("4.5".into()),
        ..Versions::default()
    });
    let cov_names: Vec<String> = coverage.iter().map(|c| clean(&c.name, 100)).collect();
    layer.description = Some(format!(
        "{} of {} techniques of {:?} are covered by none of: {}. Score: threat score; colour: severity. Made by navlayer.",
        thousands(gaps.len()),
        thousands(threat_techniques),
        clean(&threat.name, 100),
        cov_names.join(", ")
    ));
    for g in gaps {
        let all_tactics = catalogue
            .by_attack_id(&g.id)
            .map(|o| catalogue.object(o).tactics.len())
            .unwrap_or(0);
        let comment = format!(
            "gap #{}: {} (threat {}, {} groups){}",
            g.rank,
            g.severity.label(),
            number(g.threat),
            g.groups,
            if g.partly_covered {
                "; covered in other tactics"
            } else {
                ""
            }
        );
        let tactics: Vec<Option<String>> = if g.partly_covered || g.tactics.len() < all_tactics {
            g.tactics.iter().cloned().map(Some).collect()
        } else {
            vec![None]
        };
        for tactic in tactics {
            layer.techniques.push(TechniqueEntry {
                technique_id: g.id.clone(),
                tactic,
                score: Some(g.threat),
                color: Some(g.severity.color().into()),
                comment: Some(comment.clone()),
                enabled: Some(true),
                ..TechniqueEntry::default()
            });
        }
    }
    layer.techniques.extend(covered);
    let mut legend: Vec<LegendItem> = Severity::ALL
        .iter()
        .map(|s| LegendItem {
            label: format!("{} gap", s.label()),
            color: s.color().into(),
            ..LegendItem::default()
        })
        .collect();
    legend.push(LegendItem {
        label: "covered".into(),
        color: COVERED_COLOR.into(),
        ..LegendItem::default()
    });
    layer.legend_items = Some(legend);
    layer.metadata = Some(
        [
            ("threat", clean(&threat.name, 200)),
            ("coverage", cov_names.join("; ")),
            (
                "ATT&CK",
                format!(
                    "{} {}",
                    catalogue.domain().short_name(),
                    catalogue.release()
                ),
            ),
            ("made by", "navlayer gaps".to_string()),
        ]
        .into_iter()
        .map(|(n, v)| MetadataItem {
            name: Some(n.into()),
            value: Some(v),
            ..MetadataItem::default()
        })
        .collect(),
    );
    layer
}

impl GapsReport {
    /// One line for a terminal.
    pub fn summary(&self) -> String {
        let worst: Vec<String> = Severity::ALL
            .iter()
            .filter_map(|s| {
                let n = self.gaps.iter().filter(|g| g.severity == *s).count();
                (n > 0).then(|| format!("{n} {}", s.label()))
            })
            .collect();
        format!(
            "{} threat techniques: {} covered, {} gaps ({})",
            thousands(self.threat_techniques),
            thousands(self.covered),
            thousands(self.gaps.len()),
            if worst.is_empty() {
                "none".into()
            } else {
                worst.join(", ")
            }
        )
    }

    /// Renders the report.
    pub fn render(&self, format: ReportFormat) -> String {
        match format {
            ReportFormat::Json => {
                let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
                s.push('\n');
                s
            }
            ReportFormat::Csv => {
                let mut out = csv_row(
                    &[
                        "rank",
                        "technique",
                        "name",
                        "tactics",
                        "threat",
                        "groups",
                        "severity",
                        "partly_covered",
                    ]
                    .map(String::from),
                );
                for g in &self.gaps {
                    out.push_str(&csv_row(&[
                        g.rank.to_string(),
                        g.id.clone(),
                        g.name.clone(),
                        g.tactics.join(" "),
                        number(g.threat),
                        g.groups.to_string(),
                        g.severity.label().into(),
                        g.partly_covered.to_string(),
                    ]));
                }
                out
            }
            ReportFormat::Md => self.markdown(),
        }
    }

    fn markdown(&self) -> String {
        let mut out = format!(
            "# {}\n\nThreat: {}. Coverage: {}. ATT&CK {} {}.\n\n{}.\n\n",
            md(&self.layer),
            md(&self.threat),
            md(&self.coverage.join("; ")),
            self.domain,
            self.release,
            md(&self.summary())
        );
        if !self.not_in_release.is_empty() {
            out.push_str(&format!(
                "Threat-layer IDs not in the release (ignored): {}.\n\n",
                md(&self.not_in_release.join(", "))
            ));
        }
        out.push_str("## Per tactic\n\n| tactic | threat | covered | gaps | % covered | critical | high | medium | low |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for t in &self.tactics {
            let pct = if t.threat == 0 {
                0.0
            } else {
                t.covered as f64 * 100.0 / t.threat as f64
            };
            let sev = |s: Severity| t.by_severity.get(&s).copied().unwrap_or(0);
            out.push_str(&format!(
                "| {} | {} | {} | {} | {pct:.1} | {} | {} | {} | {} |\n",
                md(&t.name),
                t.threat,
                t.covered,
                t.gaps,
                sev(Severity::Critical),
                sev(Severity::High),
                sev(Severity::Medium),
                sev(Severity::Low)
            ));
        }
        out.push_str("\n## Gaps, worst first\n\n| rank | technique | name | tactics | threat | groups | severity |\n|---:|---|---|---|---:|---:|---|\n");
        for g in &self.gaps {
            out.push_str(&format!(
                "| {} | {} | {} | {}{} | {} | {} | {} |\n",
                g.rank,
                md(&g.id),
                md(&g.name),
                md(&g.tactics.join(", ")),
                if g.partly_covered {
                    " (covered elsewhere)"
                } else {
                    ""
                },
                number(g.threat),
                g.groups,
                g.severity.label()
            ));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severity_is_the_share_of_the_worst() {
        assert_eq!(Severity::of(10.0, 10.0), Severity::Critical);
        assert_eq!(Severity::of(5.0, 10.0), Severity::High);
        assert_eq!(Severity::of(2.5, 10.0), Severity::Medium);
        assert_eq!(Severity::of(1.0, 10.0), Severity::Low);
    }
}
