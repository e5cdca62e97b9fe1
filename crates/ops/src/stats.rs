//! `stats`: coverage per tactic. Totals come from the ATT&CK data (active techniques and
//! sub-techniques of each tactic), tactics in matrix order.
//!
//! For each tactic, a technique counts as *scored*, *commented*, *annotated* (any annotation) or
//! *enabled* according to the layer entry that applies to it in that tactic (see
//! [`crate::index`]); an unannotated technique counts as enabled. The overall line counts each
//! technique once: scored if it is scored in any of its tactics.

use std::collections::HashSet;

use navlayer_attack::{Catalogue, ObjectKind};
use navlayer_layer::{Layer, TechniqueEntry};
use serde::Serialize;

use crate::index::LayerIndex;

/// Counts for one group of techniques.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Counts {
    /// Techniques in the group in this release.
    pub total: usize,
    /// With a score.
    pub scored: usize,
    /// With a comment.
    pub commented: usize,
    /// With any annotation (score, colour, comment, metadata, links, disabled).
    pub annotated: usize,
    /// Not disabled.
    pub enabled: usize,
}

impl Counts {
    fn add(&mut self, e: Option<&TechniqueEntry>) {
        self.total += 1;
        if let Some(e) = e {
            self.scored += usize::from(e.score.is_some());
            self.commented += usize::from(e.comment.as_deref().is_some_and(|c| !c.is_empty()));
            self.annotated += usize::from(e.is_annotated());
            self.enabled += usize::from(e.is_enabled());
        } else {
            self.enabled += 1;
        }
    }

    /// Scored share of the total, in percent (0 when the total is 0).
    pub fn scored_percent(&self) -> f64 {
        if self.total == 0 {
            0.0
        } else {
            self.scored as f64 * 100.0 / self.total as f64
        }
    }
}

/// Counts for one tactic.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TacticStats {
    /// Tactic ID (`TA0002`).
    pub id: String,
    /// Short name (`execution`).
    pub shortname: String,
    /// Name (`Execution`).
    pub name: String,
    /// Techniques (not sub-techniques).
    pub techniques: Counts,
    /// Sub-techniques.
    pub subtechniques: Counts,
}

/// Coverage statistics of a layer against a release.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stats {
    /// Layer name.
    pub layer: String,
    /// Domain of the data.
    pub domain: String,
    /// Release of the data.
    pub release: String,
    /// Per tactic, in matrix order.
    pub tactics: Vec<TacticStats>,
    /// Every technique once.
    pub overall_techniques: Counts,
    /// Every sub-technique once.
    pub overall_subtechniques: Counts,
    /// Technique IDs of the layer that are not active techniques of this release.
    pub not_in_release: Vec<String>,
}

/// Computes the statistics.
pub fn stats(layer: &Layer, catalogue: &Catalogue) -> Stats {
    let index = LayerIndex::new(layer);
    let mut tactics = Vec::new();
    for &tid in catalogue.tactics() {
        let t = catalogue.object(tid);
        let short = t.shortname.clone().unwrap_or_default();
        let mut row = TacticStats {
            id: t.attack_id.clone().unwrap_or_default(),
            shortname: short.clone(),
            name: t.name.clone(),
            techniques: Counts::default(),
            subtechniques: Counts::default(),
        };
        for id in catalogue.techniques_in_tactic(tid) {
            let o = catalogue.object(id);
            let Some(attack_id) = o.attack_id.as_deref() else {
                continue;
            };
            let e = index.resolve(attack_id, Some(&short));
            if o.kind == ObjectKind::SubTechnique {
                row.subtechniques.add(e);
            } else {
                row.techniques.add(e);
            }
        }
        tactics.push(row);
    }
    let mut overall_techniques = Counts::default();
    let mut overall_subtechniques = Counts::default();
    let mut known = HashSet::new();
    for id in catalogue.active_techniques() {
        let o = catalogue.object(id);
        let Some(attack_id) = o.attack_id.as_deref() else {
            continue;
        };
        if !known.insert(attack_id) {
            continue;
        }
        // Any tactic: the entries of this technique, each applying to some tactic.
        let entries: Vec<&TechniqueEntry> = index.entries(attack_id).collect();
        let pick = |pred: &dyn Fn(&TechniqueEntry) -> bool| entries.iter().any(|e| pred(e));
        let c = if o.kind == ObjectKind::SubTechnique {
            &mut overall_subtechniques
        } else {
            &mut overall_techniques
        };
        c.total += 1;
        c.scored += usize::from(pick(&|e| e.score.is_some()));
        c.commented += usize::from(pick(&|e| {
            e.comment.as_deref().is_some_and(|s| !s.is_empty())
        }));
        c.annotated += usize::from(pick(&|e| e.is_annotated()));
        c.enabled += usize::from(!pick(&|e| !e.is_enabled()));
    }
    let not_in_release = index
        .technique_ids()
        .iter()
        .filter(|id| !known.contains(**id))
        .map(|id| id.to_string())
        .collect();
    Stats {
        layer: layer.name.clone(),
        domain: catalogue.domain().to_string(),
        release: catalogue.release().to_string(),
        tactics,
        overall_techniques,
        overall_subtechniques,
        not_in_release,
    }
}

impl Stats {
    /// Column headers of [`Stats::rows`].
    pub const HEADERS: [&'static str; 11] = [
        "tactic",
        "techniques",
        "scored",
        "commented",
        "enabled",
        "coverage%",
        "subtechniques",
        "sub_scored",
        "sub_commented",
        "sub_enabled",
        "sub_coverage%",
    ];

    /// One row per tactic, then an `overall` row.
    pub fn rows(&self) -> Vec<Vec<String>> {
        let row = |name: &str, t: &Counts, s: &Counts| {
            vec![
                name.to_string(),
                t.total.to_string(),
                t.scored.to_string(),
                t.commented.to_string(),
                t.enabled.to_string(),
                format!("{:.1}", t.scored_percent()),
                s.total.to_string(),
                s.scored.to_string(),
                s.commented.to_string(),
                s.enabled.to_string(),
                format!("{:.1}", s.scored_percent()),
            ]
        };
        let mut rows: Vec<Vec<String>> = self
            .tactics
            .iter()
            .map(|t| row(&t.shortname, &t.techniques, &t.subtechniques))
            .collect();
        rows.push(row(
            "overall",
            &self.overall_techniques,
            &self.overall_subtechniques,
        ));
        rows
    }
}
