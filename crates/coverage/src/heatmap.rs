//! Heatmaps from ATT&CK itself: for each technique, how many groups, software, campaigns,
//! mitigations or detection strategies of the release use (mitigate, detect) it.
//!
//! The relationships are walked once. A group's uses include those of the campaigns attributed
//! to it (as `query techniques --used-by G --include-campaigns`); when groups and campaigns are
//! both counted, a campaign attributed to a counted group counts through that group only, so a
//! technique is never counted twice for one actor. The counted objects can be restricted to
//! IDs and to a search over names, aliases and descriptions (the union of both), and uses to
//! those dated on or after a day (`since`, on the relationship's `modified` or `created` date,
//! or the campaign's `first_seen` / `last_seen`).

use std::collections::{BTreeMap, BTreeSet};

use navlayer_attack::{Catalogue, ObjectId, ObjectKind, RelationKind};
use navlayer_layer::{Filters, Gradient, Layer, LinkItem, MetadataItem, TechniqueEntry, Versions};
use serde::{Deserialize, Serialize};

use crate::dates::{on_or_after, parse_day, Dates, SinceField};
use crate::report::ReportFormat;
use crate::text::{clean, csv_row, id_order, md, thousands, web_url};
use crate::CoverageError;

/// What a heatmap counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum HeatmapKind {
    /// Groups (intrusion sets), with their campaigns' uses.
    Groups,
    /// Software (malware and tools).
    Software,
    /// Campaigns (those attributed to a counted group count through the group).
    Campaigns,
    /// Mitigations (`mitigates`).
    Mitigations,
    /// Detection strategies (`detects`).
    DetectionStrategies,
}

impl HeatmapKind {
    /// The kebab-case name.
    pub fn label(self) -> &'static str {
        match self {
            HeatmapKind::Groups => "groups",
            HeatmapKind::Software => "software",
            HeatmapKind::Campaigns => "campaigns",
            HeatmapKind::Mitigations => "mitigations",
            HeatmapKind::DetectionStrategies => "detection-strategies",
        }
    }

    fn of(kind: ObjectKind) -> Option<HeatmapKind> {
        match kind {
            ObjectKind::Group => Some(HeatmapKind::Groups),
            ObjectKind::Malware | ObjectKind::Tool => Some(HeatmapKind::Software),
            ObjectKind::Campaign => Some(HeatmapKind::Campaigns),
            ObjectKind::Mitigation => Some(HeatmapKind::Mitigations),
            ObjectKind::DetectionStrategy => Some(HeatmapKind::DetectionStrategies),
            _ => None,
        }
    }

    fn relation(self) -> RelationKind {
        match self {
            HeatmapKind::Mitigations => RelationKind::Mitigates,
            HeatmapKind::DetectionStrategies => RelationKind::Detects,
            _ => RelationKind::Uses,
        }
    }
}

/// The choices of a heatmap.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HeatmapOptions {
    /// What to count (default: groups; with `only` and no kinds, the kinds of the IDs given).
    pub kinds: Vec<HeatmapKind>,
    /// Count only these objects (ATT&CK IDs) …
    pub only: Vec<String>,
    /// … and those whose name, alias or description contains one of these (case-insensitive).
    pub search: Vec<String>,
    /// A group's uses include its campaigns' (default true).
    pub include_campaigns: bool,
    /// Only uses dated on or after this day (`YYYY-MM-DD`).
    pub since: Option<String>,
    /// Which date `since` compares.
    pub since_field: SinceField,
    /// Only techniques on these ATT&CK platforms.
    pub platforms: Vec<String>,
    /// Layer name.
    pub name: Option<String>,
    /// Most names listed in a comment.
    pub comment_limit: usize,
    /// Gradient maximum (default: the highest count).
    pub max_score: Option<f64>,
    /// Gradient colours, low to high (default: white to red).
    pub colors: Option<Vec<String>>,
}

impl Default for HeatmapOptions {
    fn default() -> HeatmapOptions {
        HeatmapOptions {
            kinds: Vec::new(),
            only: Vec::new(),
            search: Vec::new(),
            include_campaigns: true,
            since: None,
            since_field: SinceField::Modified,
            platforms: Vec::new(),
            name: None,
            comment_limit: 10,
            max_score: None,
            colors: None,
        }
    }
}

/// One counted object.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CountedObject {
    /// ATT&CK ID.
    pub id: String,
    /// Name.
    pub name: String,
    /// Its kind.
    pub kind: HeatmapKind,
    /// Techniques it adds to the heatmap.
    pub techniques: usize,
}

/// One technique of the heatmap.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HeatRow {
    /// Technique ID.
    pub id: String,
    /// Technique name.
    pub name: String,
    /// How many counted objects use it.
    pub count: usize,
    /// Their IDs, in ID order.
    pub users: Vec<String>,
}

/// Per tactic: techniques used by at least one counted object.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HeatTactic {
    /// Tactic short name.
    pub tactic: String,
    /// Tactic name.
    pub name: String,
    /// Techniques and sub-techniques of the tactic in the release.
    pub total: usize,
    /// Of those, in the heatmap.
    pub used: usize,
}

/// The report of a heatmap.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HeatmapReport {
    /// Layer name.
    pub layer: String,
    /// Domain.
    pub domain: String,
    /// Release.
    pub release: String,
    /// What was counted.
    pub kinds: Vec<HeatmapKind>,
    /// How the counted objects were chosen.
    pub restriction: String,
    /// The objects counted.
    pub counted: Vec<CountedObject>,
    /// Techniques, highest count first.
    pub techniques: Vec<HeatRow>,
    /// Per tactic, in matrix order.
    pub tactics: Vec<HeatTactic>,
    /// Remarks.
    pub notes: Vec<String>,
}

/// A heatmap layer and its report.
#[derive(Debug, Clone)]
pub struct Heatmap {
    /// The layer.
    pub layer: Layer,
    /// The report.
    pub report: HeatmapReport,
}

/// Reads IDs from text: one or more per line, separated by commas, semicolons or spaces; `#`
/// starts a comment.
pub fn parse_id_list(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| l.split('#').next().unwrap_or(""))
        .flat_map(|l| l.split([',', ';', ' ', '\t']))
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

fn matches_search(catalogue: &Catalogue, o: ObjectId, terms: &[String]) -> bool {
    let obj = catalogue.object(o);
    terms.iter().any(|t| {
        let t = t.to_lowercase();
        obj.name.to_lowercase().contains(&t)
            || obj.aliases.iter().any(|a| a.to_lowercase().contains(&t))
            || obj
                .description
                .as_deref()
                .is_some_and(|d| d.to_lowercase().contains(&t))
    })
}

/// The objects to count, in bundle order, and the kinds counted.
fn counted(
    catalogue: &Catalogue,
    options: &HeatmapOptions,
) -> Result<(Vec<ObjectId>, Vec<HeatmapKind>), CoverageError> {
    let mut only = Vec::new();
    for id in &options.only {
        let o = catalogue
            .by_attack_id(id)
            .filter(|&o| HeatmapKind::of(catalogue.object(o).kind).is_some());
        match o {
            Some(o) => only.push(o),
            None => {
                let hint = catalogue.suggest(id, 3);
                return Err(CoverageError::UnknownObject {
                    id: id.clone(),
                    expected: "a group, software, campaign, mitigation or detection strategy"
                        .into(),
                    domain: catalogue.domain().to_string(),
                    release: catalogue.release().to_string(),
                    hint: if hint.is_empty() {
                        String::new()
                    } else {
                        format!("; did you mean {}?", hint.join(", "))
                    },
                });
            }
        }
    }
    let mut kinds: Vec<HeatmapKind> = options.kinds.clone();
    if kinds.is_empty() {
        kinds = only
            .iter()
            .filter_map(|&o| HeatmapKind::of(catalogue.object(o).kind))
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        if kinds.is_empty() {
            kinds.push(HeatmapKind::Groups);
        }
    }
    kinds.sort();
    kinds.dedup();
    let relations: BTreeSet<RelationKind> = kinds.iter().map(|k| k.relation()).collect();
    if relations.len() > 1 {
        return Err(CoverageError::BadOption(
            "count users (groups, software, campaigns), mitigations or detection strategies, not a mix".into(),
        ));
    }
    for &o in &only {
        let k = HeatmapKind::of(catalogue.object(o).kind);
        if !k.is_some_and(|k| kinds.contains(&k)) {
            return Err(CoverageError::BadOption(format!(
                "{} is not one of the kinds counted ({})",
                catalogue.object(o).display_id(),
                kinds
                    .iter()
                    .map(|k| k.label())
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
    }
    let restricted = !options.only.is_empty() || !options.search.is_empty();
    let chosen: Vec<ObjectId> = catalogue
        .ids()
        .filter(|&o| {
            let obj = catalogue.object(o);
            obj.is_active()
                && HeatmapKind::of(obj.kind).is_some_and(|k| kinds.contains(&k))
                && (!restricted
                    || only.contains(&o)
                    || (!options.search.is_empty()
                        && matches_search(catalogue, o, &options.search)))
        })
        .collect();
    Ok((chosen, kinds))
}

/// Builds the heatmap of `catalogue`. `dates` is needed only with `since`.
pub fn heatmap(
    catalogue: &Catalogue,
    dates: Option<&Dates>,
    options: &HeatmapOptions,
) -> Result<Heatmap, CoverageError> {
    let (chosen, kinds) = counted(catalogue, options)?;
    let since = options.since.as_deref().map(parse_day).transpose()?;
    if since.is_some() && dates.is_none() {
        return Err(CoverageError::BadOption(
            "--since needs the bundle's dates".into(),
        ));
    }
    let platforms = if options.platforms.is_empty() {
        Vec::new()
    } else {
        navlayer_ops::filter::resolve_platforms(catalogue, &options.platforms).map_err(|e| {
            CoverageError::UnknownPlatform {
                platform: options.platforms.join(", "),
                domain: catalogue.domain().to_string(),
                release: catalogue.release().to_string(),
                available: format!("{e}"),
            }
        })?
    };
    let counted_set: BTreeSet<ObjectId> = chosen.iter().copied().collect();
    let relation = kinds[0].relation();
    let groups_counted = kinds.contains(&HeatmapKind::Groups);

    // A use passes `since` when its date is on or after the day.
    let passes = |rel_id: &str, campaign: Option<ObjectId>| -> bool {
        let (Some(day), Some(dates)) = (since.as_deref(), dates) else {
            return true;
        };
        match options.since_field {
            SinceField::Modified => {
                on_or_after(dates.get(rel_id).and_then(|d| d.modified.as_deref()), day)
            }
            SinceField::Created => {
                on_or_after(dates.get(rel_id).and_then(|d| d.created.as_deref()), day)
            }
            SinceField::FirstSeen | SinceField::LastSeen => campaign.is_some_and(|c| {
                let d = dates.get(&catalogue.object(c).stix_id);
                let v = if options.since_field == SinceField::FirstSeen {
                    d.and_then(|d| d.first_seen.as_deref())
                } else {
                    d.and_then(|d| d.last_seen.as_deref())
                };
                on_or_after(v, day)
            }),
        }
    };

    let mut users: BTreeMap<ObjectId, BTreeSet<ObjectId>> = BTreeMap::new();
    for r in catalogue.relationships() {
        if r.kind != relation || !r.is_active() {
            continue;
        }
        let (Some(s), Some(t)) = (r.source, r.target) else {
            continue;
        };
        let (so, to) = (catalogue.object(s), catalogue.object(t));
        if !so.is_active() || !to.is_active() || !to.kind.is_technique() {
            continue;
        }
        if !platforms.is_empty() && !to.platforms.iter().any(|p| platforms.contains(p)) {
            continue;
        }
        let campaign = (so.kind == ObjectKind::Campaign).then_some(s);
        if !passes(&r.stix_id, campaign) {
            continue;
        }
        // Groups the campaign is attributed to, when groups take in their campaigns.
        let mut via_groups: Vec<ObjectId> = Vec::new();
        if campaign.is_some() && options.include_campaigns && groups_counted {
            via_groups = catalogue
                .campaigns_of_group_inverse(s)
                .into_iter()
                .filter(|g| counted_set.contains(g))
                .collect();
        }
        if !via_groups.is_empty() {
            users.entry(t).or_default().extend(via_groups);
        } else if counted_set.contains(&s) {
            users.entry(t).or_default().insert(s);
        }
    }
    Ok(build(
        catalogue,
        &chosen,
        &kinds,
        users,
        options,
        since.as_deref(),
        &platforms,
    ))
}

/// The groups a campaign is attributed to (active relationships and groups).
trait CampaignGroups {
    fn campaigns_of_group_inverse(&self, campaign: ObjectId) -> Vec<ObjectId>;
}

impl CampaignGroups for Catalogue {
    fn campaigns_of_group_inverse(&self, campaign: ObjectId) -> Vec<ObjectId> {
        self.active_outgoing(campaign, &RelationKind::AttributedTo)
            .map(|(_, g)| g)
            .filter(|&g| {
                let o = self.object(g);
                o.kind == ObjectKind::Group && o.is_active()
            })
            .collect()
    }
}

fn build(
    catalogue: &Catalogue,
    chosen: &[ObjectId],
    kinds: &[HeatmapKind],
    users: BTreeMap<ObjectId, BTreeSet<ObjectId>>,
    options: &HeatmapOptions,
    since: Option<&str>,
    platforms: &[String],
) -> Heatmap {
    let id_of = |o: ObjectId| catalogue.object(o).display_id().to_string();
    let kinds_text = kinds
        .iter()
        .map(|k| k.label())
        .collect::<Vec<_>>()
        .join(" and ");
    let mut restriction = if options.only.is_empty() && options.search.is_empty() {
        format!(
            "every active object of the release ({})",
            thousands(chosen.len())
        )
    } else {
        let mut parts = Vec::new();
        if !options.only.is_empty() {
            parts.push(format!("IDs {}", options.only.join(", ")));
        }
        if !options.search.is_empty() {
            parts.push(format!(
                "matching {}",
                options
                    .search
                    .iter()
                    .map(|s| format!("{s:?}"))
                    .collect::<Vec<_>>()
                    .join(" or ")
            ));
        }
        format!(
            "{} ({} objects)",
            parts.join(", or "),
            thousands(chosen.len())
        )
    };
    if let Some(day) = since {
        restriction.push_str(&format!(
            "; uses dated {:?} on or after {day}",
            options.since_field
        ));
    }
    let mut per_object: BTreeMap<ObjectId, usize> = BTreeMap::new();
    let mut entries = Vec::new();
    let mut rows = Vec::new();
    let mut max = 0usize;
    let mut techniques: Vec<(ObjectId, &BTreeSet<ObjectId>)> =
        users.iter().map(|(t, u)| (*t, u)).collect();
    techniques.sort_by_cached_key(|(t, _)| id_order(catalogue.object(*t).display_id()));
    let noun = kinds_text.clone();
    for (t, set) in techniques {
        let obj = catalogue.object(t);
        let mut list: Vec<ObjectId> = set.iter().copied().collect();
        list.sort_by_cached_key(|&o| id_order(catalogue.object(o).display_id()));
        for &u in &list {
            *per_object.entry(u).or_default() += 1;
        }
        max = max.max(list.len());
        let names: Vec<String> = list
            .iter()
            .take(options.comment_limit)
            .map(|&o| format!("{} {}", id_of(o), clean(&catalogue.object(o).name, 100)))
            .collect();
        let mut comment = format!("{} {noun}:", list.len());
        for n in &names {
            comment.push_str(&format!("\n- {n}"));
        }
        if list.len() > names.len() {
            comment.push_str(&format!("\n… and {} more", list.len() - names.len()));
        }
        let links: Vec<LinkItem> = list
            .iter()
            .take(options.comment_limit)
            .filter_map(|&o| {
                let u = catalogue.object(o).url.as_deref().and_then(web_url)?;
                Some(LinkItem {
                    label: Some(clean(&catalogue.object(o).name, 100)),
                    url: Some(u.to_string()),
                    ..LinkItem::default()
                })
            })
            .collect();
        entries.push(TechniqueEntry {
            technique_id: id_of(t),
            score: Some(list.len() as f64),
            comment: Some(comment),
            enabled: Some(true),
            links: (!links.is_empty()).then_some(links),
            ..TechniqueEntry::default()
        });
        rows.push(HeatRow {
            id: id_of(t),
            name: obj.name.clone(),
            count: list.len(),
            users: list.iter().map(|&o| id_of(o)).collect(),
        });
    }
    rows.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then_with(|| id_order(&a.id).cmp(&id_order(&b.id)))
    });
    let name = options
        .name
        .clone()
        .unwrap_or_else(|| format!("ATT&CK {kinds_text} heatmap"));
    let mut layer = Layer::new(name.clone(), catalogue.domain().stix_name());
    layer.versions = Some(Versions {
        attack: Some(catalogue.release().major.to_string()),
        navigator: Some("5.3.2".into()),
        layer: Some("4.5".into()),
        ..Versions::default()
    });
    layer.description = Some(format!(
        "How many {kinds_text} of ATT&CK {} {} use each technique: {restriction}. Made by navlayer.",
        catalogue.domain().short_name(),
        catalogue.release()
    ));
    if !platforms.is_empty() {
        layer.filters = Some(Filters {
            platforms: Some(platforms.to_vec()),
            ..Filters::default()
        });
    }
    layer.techniques = entries;
    layer.gradient = Some(Gradient {
        colors: options
            .colors
            .clone()
            .filter(|c| c.len() >= 2)
            .unwrap_or_else(|| vec!["#ffffffff".into(), "#ff6666ff".into()]),
        min_value: 0.0,
        max_value: options
            .max_score
            .filter(|m| *m > 0.0)
            .unwrap_or(max.max(1) as f64),
        ..Gradient::default()
    });
    layer.metadata = Some(
        [
            ("counted", kinds_text.clone()),
            ("chosen", restriction.clone()),
            (
                "ATT&CK",
                format!(
                    "{} {}",
                    catalogue.domain().short_name(),
                    catalogue.release()
                ),
            ),
            ("made by", "navlayer heatmap".to_string()),
        ]
        .into_iter()
        .map(|(n, v)| MetadataItem {
            name: Some(n.into()),
            value: Some(v),
            ..MetadataItem::default()
        })
        .collect(),
    );
    let in_map: BTreeSet<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    let tactics = catalogue
        .tactics()
        .iter()
        .map(|&tid| {
            let t = catalogue.object(tid);
            let all = catalogue.techniques_in_tactic(tid);
            HeatTactic {
                tactic: t.shortname.clone().unwrap_or_default(),
                name: t.name.clone(),
                total: all.len(),
                used: all
                    .iter()
                    .filter(|&&x| in_map.contains(catalogue.object(x).display_id()))
                    .count(),
            }
        })
        .collect();
    let counted = chosen
        .iter()
        .map(|&o| CountedObject {
            id: id_of(o),
            name: catalogue.object(o).name.clone(),
            kind: HeatmapKind::of(catalogue.object(o).kind).unwrap_or(HeatmapKind::Groups),
            techniques: per_object.get(&o).copied().unwrap_or(0),
        })
        .collect();
    let mut notes = Vec::new();
    if kinds.contains(&HeatmapKind::Groups) && options.include_campaigns {
        notes.push("a group's uses include those of the campaigns attributed to it".into());
    }
    if kinds.contains(&HeatmapKind::Groups)
        && kinds.contains(&HeatmapKind::Campaigns)
        && options.include_campaigns
    {
        notes.push("campaigns attributed to a counted group count through the group only".into());
    }
    Heatmap {
        layer,
        report: HeatmapReport {
            layer: name,
            domain: catalogue.domain().stix_name().into(),
            release: catalogue.release().to_string(),
            kinds: kinds.to_vec(),
            restriction,
            counted,
            techniques: rows,
            tactics,
            notes,
        },
    }
}

impl HeatmapReport {
    /// One line for a terminal.
    pub fn summary(&self) -> String {
        format!(
            "{} {} counted; {} techniques used; highest count {}",
            thousands(self.counted.len()),
            self.kinds
                .iter()
                .map(|k| k.label())
                .collect::<Vec<_>>()
                .join(" and "),
            thousands(self.techniques.len()),
            self.techniques.first().map_or(0, |r| r.count)
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
                let mut out = csv_row(&["technique", "name", "count", "users"].map(String::from));
                for r in &self.techniques {
                    out.push_str(&csv_row(&[
                        r.id.clone(),
                        r.name.clone(),
                        r.count.to_string(),
                        r.users.join(" "),
                    ]));
                }
                out
            }
            ReportFormat::Md => {
                let mut out = format!(
                    "# {}\n\nATT&CK {} {}; counted: {}.\n\n{}.\n\n",
                    md(&self.layer),
                    self.domain,
                    self.release,
                    md(&self.restriction),
                    md(&self.summary())
                );
                for n in &self.notes {
                    out.push_str(&format!("- {}\n", md(n)));
                }
                out.push_str(
                    "\n## Per tactic\n\n| tactic | techniques | used | % |\n|---|---:|---:|---:|\n",
                );
                for t in &self.tactics {
                    let pct = if t.total == 0 {
                        0.0
                    } else {
                        t.used as f64 * 100.0 / t.total as f64
                    };
                    out.push_str(&format!(
                        "| {} | {} | {} | {pct:.1} |\n",
                        md(&t.name),
                        t.total,
                        t.used
                    ));
                }
                out.push_str("\n## Techniques, most used first\n\n| technique | name | count | used by |\n|---|---|---:|---|\n");
                for r in &self.techniques {
                    let mut users = r
                        .users
                        .iter()
                        .take(20)
                        .cloned()
                        .collect::<Vec<_>>()
                        .join(", ");
                    if r.users.len() > 20 {
                        users.push_str(&format!(" … and {} more", r.users.len() - 20));
                    }
                    out.push_str(&format!(
                        "| {} | {} | {} | {} |\n",
                        md(&r.id),
                        md(&r.name),
                        r.count,
                        md(&users)
                    ));
                }
                out
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_lists_split_on_any_separator() {
        assert_eq!(
            parse_id_list("G0016, G0007\n# c\nG0032 G0050 # x\n"),
            ["G0016", "G0007", "G0032", "G0050"]
        );
    }
}
