//! From resolved references to the items covering each technique (and tactic): the platform
//! filter, the sub-technique mode and tactic scoping are applied here; scoring comes last.

use std::collections::{BTreeMap, BTreeSet};

use navlayer_attack::{Catalogue, ObjectKind};

use crate::item::Parsed;
use crate::options::{ScoreFunction, SubtechniqueMode, TacticScope};
use crate::platform::PlatformFilter;
use crate::resolve::{shortname_of, Key, Placement};

/// Items (index → weight).
pub(crate) type ItemSet = BTreeMap<usize, Option<f64>>;

/// Items (index → weight) covering one technique, for every tactic and per tactic.
#[derive(Debug, Clone, Default)]
pub(crate) struct Cell {
    /// Items counting in every tactic of the technique.
    pub all: BTreeMap<usize, Option<f64>>,
    /// Items counting in one tactic only (short name).
    pub scoped: BTreeMap<String, BTreeMap<usize, Option<f64>>>,
}

fn add(set: &mut BTreeMap<usize, Option<f64>>, item: usize, weight: Option<f64>) {
    let w = set.entry(item).or_insert(weight);
    if let (Some(old), Some(new)) = (*w, weight) {
        *w = Some(old.max(new));
    } else if w.is_none() {
        *w = weight;
    }
}

/// What the tally counted and left out.
#[derive(Debug, Default)]
pub(crate) struct Tally {
    /// Cells by technique.
    pub cells: BTreeMap<Key, Cell>,
    /// Items left out because none of their platforms is asked for.
    pub excluded_by_platform: usize,
    /// References left out because ATT&CK does not list the technique on the platforms asked
    /// for (items that name no platform).
    pub refs_off_platform: usize,
    /// Tactic hints naming a tactic the technique is not in (the item then counts in all).
    pub hints_not_of_technique: usize,
}

/// The choices the tally applies.
pub(crate) struct TallyRules<'a> {
    pub catalogue: &'a Catalogue,
    pub platforms: Option<&'a PlatformFilter>,
    pub subtechniques: SubtechniqueMode,
    pub tactics: TacticScope,
    pub keep_unknown: bool,
}

impl TallyRules<'_> {
    fn parent(&self, key: &Key) -> Option<Key> {
        match key {
            Key::Known(t) => {
                let o = self.catalogue.object(*t);
                (o.kind == ObjectKind::SubTechnique)
                    .then(|| self.catalogue.parent_of(*t))
                    .flatten()
                    .filter(|&p| self.catalogue.object(p).is_active())
                    .map(Key::Known)
            }
            Key::Unknown(id) => {
                let (p, _) = id.split_once('.')?;
                match self.catalogue.by_attack_id(p).filter(|&o| {
                    let obj = self.catalogue.object(o);
                    obj.kind.is_technique() && obj.is_active()
                }) {
                    Some(o) => Some(Key::Known(o)),
                    None => Some(Key::Unknown(p.to_string())),
                }
            }
        }
    }

    fn tactics_of(&self, key: &Key) -> &[String] {
        match key {
            Key::Known(t) => &self.catalogue.object(*t).tactics,
            Key::Unknown(_) => &[],
        }
    }

    fn counts(&self, key: &Key) -> bool {
        self.keep_unknown || matches!(key, Key::Known(_))
    }
}

/// Counts the items of every technique.
pub(crate) fn tally(
    parsed: &Parsed,
    placements: &[Vec<Placement>],
    rules: &TallyRules<'_>,
) -> Tally {
    let mut out = Tally::default();
    let mut hint_cache: BTreeMap<String, Option<String>> = BTreeMap::new();
    for (i, item) in parsed.items.iter().enumerate() {
        if let (Some(filter), Some(natives)) = (rules.platforms, &item.platforms) {
            if !filter.item_matches(natives) {
                out.excluded_by_platform += 1;
                continue;
            }
        }
        for p in &placements[i] {
            if let (Some(filter), None, Key::Known(t)) = (rules.platforms, &item.platforms, &p.key)
            {
                if !filter.technique_matches(rules.catalogue.object(*t)) {
                    out.refs_off_platform += 1;
                    continue;
                }
            }
            let weight = p.weight.or(item.weight);
            // Tactic hints, as release short names.
            let hints: BTreeSet<String> = if rules.tactics == TacticScope::Tagged {
                let written: Vec<&str> = match &p.tactic {
                    Some(t) => vec![t.as_str()],
                    None => item.tactics.iter().map(String::as_str).collect(),
                };
                written
                    .into_iter()
                    .filter_map(|h| {
                        hint_cache
                            .entry(h.to_string())
                            .or_insert_with(|| shortname_of(rules.catalogue, h))
                            .clone()
                    })
                    .collect()
            } else {
                BTreeSet::new()
            };
            let targets: Vec<Key> = match rules.subtechniques {
                SubtechniqueMode::Parent => {
                    vec![rules.parent(&p.key).unwrap_or_else(|| p.key.clone())]
                }
                SubtechniqueMode::Rollup => {
                    let mut v = vec![p.key.clone()];
                    v.extend(rules.parent(&p.key));
                    v
                }
                _ => vec![p.key.clone()],
            };
            for key in targets {
                if !rules.counts(&key) {
                    continue;
                }
                let own = rules.tactics_of(&key);
                let scoped: Vec<&String> = hints.iter().filter(|h| own.contains(h)).collect();
                if !hints.is_empty() && scoped.is_empty() {
                    out.hints_not_of_technique += 1;
                }
                let cell = out.cells.entry(key).or_default();
                if scoped.is_empty() {
                    add(&mut cell.all, i, weight);
                } else {
                    for t in scoped {
                        add(cell.scoped.entry(t.clone()).or_default(), i, weight);
                    }
                }
            }
        }
    }
    out
}

/// The score of a set of items.
pub(crate) fn score(function: ScoreFunction, items: &BTreeMap<usize, Option<f64>>) -> f64 {
    match function {
        ScoreFunction::Count | ScoreFunction::Auto => items.len() as f64,
        ScoreFunction::Max => items.values().map(|w| w.unwrap_or(0.0)).fold(0.0, f64::max),
        ScoreFunction::Sum => items.values().map(|w| w.unwrap_or(0.0)).sum(),
    }
}

/// The item sets a cell gives per entry: `(None, items)` for one entry applying to every tactic,
/// or `(Some(tactic), items)` per tactic when tactics differ.
pub(crate) fn entries_of(cell: &Cell, tactics: &[String]) -> Vec<(Option<String>, ItemSet)> {
    if cell.scoped.is_empty() {
        return vec![(None, cell.all.clone())];
    }
    let per_tactic: Vec<(String, BTreeMap<usize, Option<f64>>)> = tactics
        .iter()
        .map(|t| {
            let mut set = cell.all.clone();
            for (&i, &w) in cell.scoped.get(t).into_iter().flatten() {
                add(&mut set, i, w);
            }
            (t.clone(), set)
        })
        .collect();
    let same = per_tactic.windows(2).all(|w| w[0].1 == w[1].1);
    if same && !per_tactic.is_empty() {
        return vec![(None, per_tactic[0].1.clone())];
    }
    per_tactic
        .into_iter()
        .filter(|(_, s)| !s.is_empty())
        .map(|(t, s)| (Some(t), s))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tactic_sets_collapse_when_equal() {
        let mut cell = Cell::default();
        cell.all.insert(0, None);
        cell.scoped
            .entry("a".into())
            .or_default()
            .insert(1, Some(2.0));
        let tactics = vec!["a".to_string(), "b".to_string()];
        let e = entries_of(&cell, &tactics);
        assert_eq!(e.len(), 2);
        assert_eq!(e[0].1.len(), 2);
        assert_eq!(e[1].1.len(), 1);
        cell.scoped
            .entry("b".into())
            .or_default()
            .insert(1, Some(2.0));
        assert_eq!(entries_of(&cell, &tactics).len(), 1);
        assert_eq!(
            score(ScoreFunction::Sum, &entries_of(&cell, &tactics)[0].1),
            2.0
        );
        assert_eq!(
            score(ScoreFunction::Max, &entries_of(&cell, &tactics)[0].1),
            2.0
        );
        assert_eq!(
            score(ScoreFunction::Count, &entries_of(&cell, &tactics)[0].1),
            2.0
        );
    }
}
