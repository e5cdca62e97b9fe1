//! Every question mitreattack-python's `MitreAttackData` answers, with the same rules, as methods
//! of [`Query`] (`catalogue.query()`).
//!
//! The pair methods (`groups_using_technique`, `mitigations_mitigating_technique`, …) follow
//! `MitreAttackData.get_related`: only relationships that are neither revoked nor deprecated count,
//! the related object must be in the bundle and active, and the object asked about may have any
//! status. Results are in the bundle order of the relationships, one [`Related`] per related
//! object with every relationship that relates it. Groups inherit the techniques and software of
//! the campaigns attributed to them (and techniques and software inherit those groups), as in
//! mitreattack-python, whose order of relationships an inherited entry keeps (for a group's
//! techniques: the campaign's `uses`, then its `attributed-to`; for a technique's groups: the
//! `attributed-to`, then the campaign's `uses`).
//!
//! ```no_run
//! use navlayer_attack::{Catalogue, LoadOptions};
//! let catalogue = Catalogue::load("enterprise-attack-18.1.json".as_ref(), &LoadOptions::default())?;
//! let t1059 = catalogue.by_attack_id("T1059").expect("known technique");
//! for group in catalogue.query().groups_using_technique(t1059) {
//!     let o = catalogue.object(group.object);
//!     println!("{} {} ({} relationships)", o.display_id(), o.name, group.relationships.len());
//! }
//! # Ok::<(), navlayer_attack::AttackError>(())
//! ```

use std::collections::{BTreeSet, HashMap};

use crate::catalogue::Catalogue;
use crate::model::{ObjectId, ObjectKind, RelationKind, RelationshipId};

/// One related object and the relationships that relate it (mitreattack-python's
/// `RelationshipEntry`: `{"object": …, "relationships": […]}`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Related {
    /// The related object.
    pub object: ObjectId,
    /// The relationships that relate it, in the order mitreattack-python lists them: direct
    /// relationships first; for an entry inherited through a campaign, the campaign's relationship
    /// followed by the `attributed-to` relationship.
    pub relationships: Vec<RelationshipId>,
}

/// Which end of a relationship the object asked about is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// The object is the relationship's source; related objects are targets.
    Outgoing,
    /// The object is the relationship's target; related objects are sources.
    Incoming,
}

/// The queries of one catalogue; see the [module documentation](self).
#[derive(Debug, Clone, Copy)]
pub struct Query<'a> {
    catalogue: &'a Catalogue,
}

impl Catalogue {
    /// Every query mitreattack-python's `MitreAttackData` answers, on this catalogue.
    pub fn query(&self) -> Query<'_> {
        Query { catalogue: self }
    }
}

const SOFTWARE: [&str; 2] = ["tool", "malware"];
const TECHNIQUE: [&str; 1] = ["attack-pattern"];
const GROUP: [&str; 1] = ["intrusion-set"];
const CAMPAIGN: [&str; 1] = ["campaign"];

/// Stable merge of entries of one object: first position kept, relationships appended.
fn dedup(entries: Vec<Related>) -> Vec<Related> {
    let mut out: Vec<Related> = Vec::with_capacity(entries.len());
    let mut index: HashMap<ObjectId, usize> = HashMap::new();
    for e in entries {
        match index.get(&e.object) {
            Some(&i) => out[i].relationships.extend(e.relationships),
            None => {
                index.insert(e.object, out.len());
                out.push(e);
            }
        }
    }
    out
}

impl<'a> Query<'a> {
    /// The catalogue queried.
    pub fn catalogue(&self) -> &'a Catalogue {
        self.catalogue
    }

    /// The general pair query (`MitreAttackData.get_related`): objects related to `id` by active
    /// relationships of `kind`, in `direction`, whose STIX type is one of `related_types` (in
    /// that order of types, as mitreattack-python merges its per-type maps), provided `id`'s own
    /// STIX type is one of `own_types`. Related objects must be active.
    pub fn related(
        &self,
        id: ObjectId,
        kind: &RelationKind,
        direction: Direction,
        own_types: &[&str],
        related_types: &[&str],
    ) -> Vec<Related> {
        let c = self.catalogue;
        if !own_types.contains(&c.object(id).kind.stix_type()) {
            return Vec::new();
        }
        let rels = match direction {
            Direction::Outgoing => c.outgoing(id),
            Direction::Incoming => c.incoming(id),
        };
        let mut out = Vec::new();
        for stix_type in related_types {
            for &rid in rels {
                let r = c.relationship(rid);
                if r.kind != *kind || !r.is_active() {
                    continue;
                }
                let other = match direction {
                    Direction::Outgoing => r.target,
                    Direction::Incoming => r.source,
                };
                let Some(other) = other else { continue };
                let o = c.object(other);
                if o.kind.stix_type() == *stix_type && o.is_active() {
                    out.push(Related {
                        object: other,
                        relationships: vec![rid],
                    });
                }
            }
        }
        out
    }

    /// Entries of `direct`, then for each campaign entry, the entries `through` gives for that
    /// campaign with the campaign link appended; merged by object.
    fn with_campaigns(
        &self,
        direct: Vec<Related>,
        campaigns: Vec<Related>,
        through: impl Fn(ObjectId) -> Vec<Related>,
    ) -> Vec<Related> {
        let mut all = direct;
        for campaign in campaigns {
            for mut entry in through(campaign.object) {
                entry
                    .relationships
                    .extend(campaign.relationships.iter().copied());
                all.push(entry);
            }
        }
        dedup(all)
    }

    // --- groups and software ---

    /// Software used by a group, and by the campaigns attributed to it.
    pub fn software_used_by_group(&self, group: ObjectId) -> Vec<Related> {
        let direct = dedup(self.related(
            group,
            &RelationKind::Uses,
            Direction::Outgoing,
            &GROUP,
            &SOFTWARE,
        ));
        self.with_campaigns(direct, self.campaigns_attributed_to_group(group), |c| {
            self.software_used_by_campaign(c)
        })
    }

    /// Groups using a software, and groups to which campaigns using it are attributed.
    pub fn groups_using_software(&self, software: ObjectId) -> Vec<Related> {
        let direct = dedup(self.related(
            software,
            &RelationKind::Uses,
            Direction::Incoming,
            &SOFTWARE,
            &GROUP,
        ));
        self.with_campaigns(direct, self.campaigns_using_software(software), |c| {
            self.groups_attributing_to_campaign(c)
        })
    }

    // --- campaigns and software ---

    /// Software used by a campaign.
    pub fn software_used_by_campaign(&self, campaign: ObjectId) -> Vec<Related> {
        self.related(
            campaign,
            &RelationKind::Uses,
            Direction::Outgoing,
            &CAMPAIGN,
            &SOFTWARE,
        )
    }

    /// Campaigns using a software.
    pub fn campaigns_using_software(&self, software: ObjectId) -> Vec<Related> {
        self.related(
            software,
            &RelationKind::Uses,
            Direction::Incoming,
            &SOFTWARE,
            &CAMPAIGN,
        )
    }

    // --- campaigns and groups ---

    /// Groups a campaign is attributed to.
    pub fn groups_attributing_to_campaign(&self, campaign: ObjectId) -> Vec<Related> {
        self.related(
            campaign,
            &RelationKind::AttributedTo,
            Direction::Outgoing,
            &CAMPAIGN,
            &GROUP,
        )
    }

    /// Campaigns attributed to a group.
    pub fn campaigns_attributed_to_group(&self, group: ObjectId) -> Vec<Related> {
        self.related(
            group,
            &RelationKind::AttributedTo,
            Direction::Incoming,
            &GROUP,
            &CAMPAIGN,
        )
    }

    // --- techniques and groups ---

    /// Techniques (and sub-techniques) used by a group, and by the campaigns attributed to it.
    pub fn techniques_used_by_group(&self, group: ObjectId) -> Vec<Related> {
        let direct = dedup(self.related(
            group,
            &RelationKind::Uses,
            Direction::Outgoing,
            &GROUP,
            &TECHNIQUE,
        ));
        self.with_campaigns(direct, self.campaigns_attributed_to_group(group), |c| {
            self.techniques_used_by_campaign(c)
        })
    }

    /// Groups using a technique, and groups to which campaigns using it are attributed.
    pub fn groups_using_technique(&self, technique: ObjectId) -> Vec<Related> {
        let direct = dedup(self.related(
            technique,
            &RelationKind::Uses,
            Direction::Incoming,
            &TECHNIQUE,
            &GROUP,
        ));
        self.with_campaigns(direct, self.campaigns_using_technique(technique), |c| {
            self.groups_attributing_to_campaign(c)
        })
    }

    // --- techniques and campaigns ---

    /// Techniques used by a campaign.
    pub fn techniques_used_by_campaign(&self, campaign: ObjectId) -> Vec<Related> {
        self.related(
            campaign,
            &RelationKind::Uses,
            Direction::Outgoing,
            &CAMPAIGN,
            &TECHNIQUE,
        )
    }

    /// Campaigns using a technique.
    pub fn campaigns_using_technique(&self, technique: ObjectId) -> Vec<Related> {
        self.related(
            technique,
            &RelationKind::Uses,
            Direction::Incoming,
            &TECHNIQUE,
            &CAMPAIGN,
        )
    }

    // --- techniques and software ---

    /// Techniques used by a software.
    pub fn techniques_used_by_software(&self, software: ObjectId) -> Vec<Related> {
        self.related(
            software,
            &RelationKind::Uses,
            Direction::Outgoing,
            &SOFTWARE,
            &TECHNIQUE,
        )
    }

    /// Software using a technique (tools first, then malware, as mitreattack-python merges them).
    pub fn software_using_technique(&self, technique: ObjectId) -> Vec<Related> {
        self.related(
            technique,
            &RelationKind::Uses,
            Direction::Incoming,
            &TECHNIQUE,
            &SOFTWARE,
        )
    }

    // --- techniques and mitigations ---

    /// Techniques a mitigation mitigates.
    pub fn techniques_mitigated_by_mitigation(&self, mitigation: ObjectId) -> Vec<Related> {
        self.related(
            mitigation,
            &RelationKind::Mitigates,
            Direction::Outgoing,
            &["course-of-action"],
            &TECHNIQUE,
        )
    }

    /// Mitigations of a technique.
    pub fn mitigations_mitigating_technique(&self, technique: ObjectId) -> Vec<Related> {
        self.related(
            technique,
            &RelationKind::Mitigates,
            Direction::Incoming,
            &TECHNIQUE,
            &["course-of-action"],
        )
    }

    // --- techniques and sub-techniques ---

    /// The parent technique of a sub-technique (a list, as in mitreattack-python).
    pub fn parent_technique_of_subtechnique(&self, subtechnique: ObjectId) -> Vec<Related> {
        self.related(
            subtechnique,
            &RelationKind::SubtechniqueOf,
            Direction::Outgoing,
            &TECHNIQUE,
            &TECHNIQUE,
        )
    }

    /// Sub-techniques of a technique.
    pub fn subtechniques_of_technique(&self, technique: ObjectId) -> Vec<Related> {
        self.related(
            technique,
            &RelationKind::SubtechniqueOf,
            Direction::Incoming,
            &TECHNIQUE,
            &TECHNIQUE,
        )
    }

    // --- detections ---

    /// Techniques a data component detects.
    pub fn techniques_detected_by_datacomponent(&self, component: ObjectId) -> Vec<Related> {
        self.related(
            component,
            &RelationKind::Detects,
            Direction::Outgoing,
            &["x-mitre-data-component"],
            &TECHNIQUE,
        )
    }

    /// Data components that detect a technique.
    pub fn datacomponents_detecting_technique(&self, technique: ObjectId) -> Vec<Related> {
        self.related(
            technique,
            &RelationKind::Detects,
            Direction::Incoming,
            &TECHNIQUE,
            &["x-mitre-data-component"],
        )
    }

    /// Techniques a detection strategy detects (ATT&CK v18+).
    pub fn techniques_detected_by_detection_strategy(&self, strategy: ObjectId) -> Vec<Related> {
        self.related(
            strategy,
            &RelationKind::Detects,
            Direction::Outgoing,
            &["x-mitre-detection-strategy"],
            &TECHNIQUE,
        )
    }

    /// Detection strategies that detect a technique (ATT&CK v18+).
    pub fn detection_strategies_detecting_technique(&self, technique: ObjectId) -> Vec<Related> {
        self.related(
            technique,
            &RelationKind::Detects,
            Direction::Incoming,
            &TECHNIQUE,
            &["x-mitre-detection-strategy"],
        )
    }

    /// Analytics a detection strategy references (`x_mitre_analytic_refs`), in bundle order as
    /// mitreattack-python returns them; with `active_only`, revoked and deprecated ones are left out.
    pub fn analytics_of_detection_strategy(
        &self,
        strategy: ObjectId,
        active_only: bool,
    ) -> Vec<ObjectId> {
        let c = self.catalogue;
        let refs: BTreeSet<&str> = c
            .object(strategy)
            .analytic_refs
            .iter()
            .map(String::as_str)
            .collect();
        c.ids()
            .filter(|&id| {
                let o = c.object(id);
                o.kind == ObjectKind::Analytic
                    && refs.contains(o.stix_id.as_str())
                    && (!active_only || o.is_active())
            })
            .collect()
    }

    /// Detection strategies that reference an analytic, in bundle order.
    pub fn detection_strategies_of_analytic(
        &self,
        analytic: ObjectId,
        active_only: bool,
    ) -> Vec<ObjectId> {
        let c = self.catalogue;
        let stix_id = &c.object(analytic).stix_id;
        c.ids()
            .filter(|&id| {
                let o = c.object(id);
                o.kind == ObjectKind::DetectionStrategy
                    && o.analytic_refs.contains(stix_id)
                    && (!active_only || o.is_active())
            })
            .collect()
    }

    /// Data components of a data source (`x_mitre_data_source_ref`, before ATT&CK v18), in
    /// bundle order.
    pub fn datacomponents_of_datasource(
        &self,
        source: ObjectId,
        active_only: bool,
    ) -> Vec<ObjectId> {
        let c = self.catalogue;
        let stix_id = c.object(source).stix_id.as_str();
        c.ids()
            .filter(|&id| {
                let o = c.object(id);
                o.kind == ObjectKind::DataComponent
                    && o.data_source_ref.as_deref() == Some(stix_id)
                    && (!active_only || o.is_active())
            })
            .collect()
    }

    // --- assets ---

    /// Techniques that target an asset.
    pub fn techniques_targeting_asset(&self, asset: ObjectId) -> Vec<Related> {
        self.related(
            asset,
            &RelationKind::Targets,
            Direction::Incoming,
            &["x-mitre-asset"],
            &TECHNIQUE,
        )
    }

    /// Assets a technique targets.
    pub fn assets_targeted_by_technique(&self, technique: ObjectId) -> Vec<Related> {
        self.related(
            technique,
            &RelationKind::Targets,
            Direction::Outgoing,
            &TECHNIQUE,
            &["x-mitre-asset"],
        )
    }

    // --- other relations ---

    /// Techniques used by the software a group uses (`get_techniques_used_by_group_software`):
    /// relationships of every status, techniques of every status, each once, in bundle order.
    pub fn techniques_used_by_group_software(&self, group: ObjectId) -> Vec<ObjectId> {
        let c = self.catalogue;
        let software: BTreeSet<&str> = c
            .outgoing(group)
            .iter()
            .map(|&r| c.relationship(r))
            .filter(|r| {
                r.kind == RelationKind::Uses
                    && ref_type(&r.target_ref).is_some_and(|t| SOFTWARE.contains(&t))
            })
            .map(|r| r.target_ref.as_str())
            .collect();
        let techniques: BTreeSet<&str> = c
            .relationships()
            .iter()
            .filter(|r| r.kind == RelationKind::Uses && software.contains(r.source_ref.as_str()))
            .map(|r| r.target_ref.as_str())
            .collect();
        c.ids()
            .filter(|&id| {
                let o = c.object(id);
                o.kind.is_technique() && techniques.contains(o.stix_id.as_str())
            })
            .collect()
    }

    /// The object that revoked this one (`get_revoking_object`): the first, in bundle order, of
    /// the targets of its `revoked-by` relationships. See [`Catalogue::replacement_of`] for the
    /// end of a chain.
    pub fn revoking_object(&self, revoked: ObjectId) -> Option<ObjectId> {
        let c = self.catalogue;
        c.outgoing(revoked)
            .iter()
            .map(|&r| c.relationship(r))
            .filter(|r| r.kind == RelationKind::RevokedBy)
            .filter_map(|r| r.target)
            .min()
    }

    /// Procedure examples of a technique (`get_procedure_examples_by_technique`): every `uses`
    /// relationship that targets it, of every status, in bundle order. Their descriptions say how
    /// each group, software or campaign uses the technique.
    pub fn procedure_examples_by_technique(&self, technique: ObjectId) -> Vec<RelationshipId> {
        let c = self.catalogue;
        c.incoming(technique)
            .iter()
            .copied()
            .filter(|&r| c.relationship(r).kind == RelationKind::Uses)
            .collect()
    }

    /// Tactics of a technique (`get_tactics_by_technique`): tactics of every status whose short
    /// name is one of the technique's kill chain phases, in bundle order.
    pub fn tactics_by_technique(&self, technique: ObjectId) -> Vec<ObjectId> {
        let c = self.catalogue;
        let phases = &c.object(technique).tactics;
        c.ids()
            .filter(|&id| {
                let o = c.object(id);
                o.kind == ObjectKind::Tactic
                    && o.shortname.as_ref().is_some_and(|s| phases.contains(s))
            })
            .collect()
    }

    /// Techniques in a tactic by its short name (`get_techniques_by_tactic`), in bundle order.
    pub fn techniques_by_tactic(&self, shortname: &str, active_only: bool) -> Vec<ObjectId> {
        let c = self.catalogue;
        c.ids()
            .filter(|&id| {
                let o = c.object(id);
                o.kind.is_technique()
                    && o.tactics.iter().any(|t| t == shortname)
                    && (!active_only || o.is_active())
            })
            .collect()
    }

    /// Techniques one of whose platforms contains `platform` (case-sensitive, as
    /// `get_techniques_by_platform` matches), in bundle order.
    pub fn techniques_by_platform(&self, platform: &str, active_only: bool) -> Vec<ObjectId> {
        let c = self.catalogue;
        c.ids()
            .filter(|&id| {
                let o = c.object(id);
                o.kind.is_technique()
                    && o.platforms.iter().any(|p| p.contains(platform))
                    && (!active_only || o.is_active())
            })
            .collect()
    }

    // --- objects by value ---

    /// Objects of one STIX type (`attack-pattern` covers techniques and sub-techniques), in
    /// bundle order.
    pub fn objects_by_type(&self, stix_type: &str, active_only: bool) -> Vec<ObjectId> {
        let c = self.catalogue;
        c.ids()
            .filter(|&id| {
                let o = c.object(id);
                o.kind.stix_type() == stix_type && (!active_only || o.is_active())
            })
            .collect()
    }

    /// The first object of a STIX type carrying this ATT&CK ID (case-insensitive), of any
    /// status (`get_object_by_attack_id`).
    pub fn object_by_attack_id(&self, attack_id: &str, stix_type: &str) -> Option<ObjectId> {
        let c = self.catalogue;
        c.all_by_attack_id(attack_id)
            .iter()
            .copied()
            .find(|&id| c.object(id).kind.stix_type() == stix_type)
    }

    /// Objects whose name is exactly `name` (case-sensitive, `get_objects_by_name`), optionally of
    /// one STIX type, in bundle order.
    pub fn objects_by_name(&self, name: &str, stix_type: Option<&str>) -> Vec<ObjectId> {
        let c = self.catalogue;
        c.ids()
            .filter(|&id| {
                let o = c.object(id);
                o.name == name && stix_type.is_none_or(|t| o.kind.stix_type() == t)
            })
            .collect()
    }

    /// Groups, campaigns and software one of whose aliases contains `alias` (case-sensitive, as
    /// mitreattack-python's `contains` filter matches list elements: `Industroyer` also finds
    /// `Industroyer2`); groups and campaigns by `aliases`, software by `x_mitre_aliases`. In
    /// bundle order within groups, campaigns, malware, then tools (`get_groups_by_alias`,
    /// `get_campaigns_by_alias`, `get_software_by_alias`).
    pub fn objects_by_alias(&self, alias: &str) -> Vec<ObjectId> {
        let c = self.catalogue;
        let mut out = Vec::new();
        for kind in [
            ObjectKind::Group,
            ObjectKind::Campaign,
            ObjectKind::Malware,
            ObjectKind::Tool,
        ] {
            out.extend(c.ids().filter(|&id| {
                let o = c.object(id);
                o.kind == kind && o.aliases.iter().any(|a| a.contains(alias))
            }));
        }
        out
    }

    /// Objects whose description contains `content`, ignoring case (`get_objects_by_content`),
    /// optionally of one STIX type, in bundle order.
    pub fn objects_by_content(
        &self,
        content: &str,
        stix_type: Option<&str>,
        active_only: bool,
    ) -> Vec<ObjectId> {
        let c = self.catalogue;
        let needle = content.to_lowercase();
        c.ids()
            .filter(|&id| {
                let o = c.object(id);
                stix_type.is_none_or(|t| o.kind.stix_type() == t)
                    && (!active_only || o.is_active())
                    && o.description
                        .as_ref()
                        .is_some_and(|d| d.to_lowercase().contains(&needle))
            })
            .collect()
    }

    /// Objects created strictly after a timestamp (`get_objects_created_after`), in bundle order.
    /// `None` when `timestamp` is not an ISO 8601 date or date-time.
    pub fn objects_created_after(
        &self,
        timestamp: &str,
        active_only: bool,
    ) -> Option<Vec<ObjectId>> {
        let after = Timestamp::parse(timestamp)?;
        Some(self.objects_after(after, active_only, |o| o.created.as_deref()))
    }

    /// Objects modified strictly after a date or date-time (`get_objects_modified_after`), in
    /// bundle order. `None` when `date` is not an ISO 8601 date or date-time.
    pub fn objects_modified_after(&self, date: &str, active_only: bool) -> Option<Vec<ObjectId>> {
        let after = Timestamp::parse(date)?;
        Some(self.objects_after(after, active_only, |o| o.modified.as_deref()))
    }

    fn objects_after(
        &self,
        after: Timestamp,
        active_only: bool,
        field: impl Fn(&crate::AttackObject) -> Option<&str>,
    ) -> Vec<ObjectId> {
        let c = self.catalogue;
        c.ids()
            .filter(|&id| {
                let o = c.object(id);
                (!active_only || o.is_active())
                    && field(o)
                        .and_then(Timestamp::parse)
                        .is_some_and(|t| t > after)
            })
            .collect()
    }
}

/// The STIX type of a STIX id (`attack-pattern--…` → `attack-pattern`).
fn ref_type(stix_id: &str) -> Option<&str> {
    stix_id.split_once("--").map(|(t, _)| t)
}

/// A UTC instant parsed from an ISO 8601 date (`2024-10-01`) or date-time
/// (`2024-10-01T12:30:00.123Z`, `…+02:00`), comparable to nanoseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Timestamp {
    /// Seconds since 1970-01-01T00:00:00Z.
    pub seconds: i64,
    /// Nanoseconds within the second.
    pub nanos: u32,
}

impl Timestamp {
    /// Parses an ISO 8601 date or date-time; a time without an offset is taken as UTC.
    pub fn parse(text: &str) -> Option<Timestamp> {
        let t = text.trim();
        let (date, rest) = match t.find(['T', 't', ' ']) {
            Some(i) => (&t[..i], Some(&t[i + 1..])),
            None => (t, None),
        };
        let mut d = date.split('-');
        let year: i64 = d.next()?.parse().ok()?;
        let month: u32 = d.next()?.parse().ok()?;
        let day: u32 = d.next()?.parse().ok()?;
        if d.next().is_some() || !(1..=12).contains(&month) || !(1..=31).contains(&day) {
            return None;
        }
        let mut seconds = days_from_civil(year, month, day) * 86_400;
        let mut nanos = 0;
        if let Some(rest) = rest {
            let (clock, offset) = split_offset(rest)?;
            let mut parts = clock.split(':');
            let h: i64 = parts.next()?.parse().ok()?;
            let m: i64 = parts.next().unwrap_or("0").parse().ok()?;
            let s_text = parts.next().unwrap_or("0");
            if parts.next().is_some() || h > 24 || m > 59 {
                return None;
            }
            let (whole, frac) = s_text.split_once('.').unwrap_or((s_text, ""));
            let s: i64 = whole.parse().ok()?;
            if s > 60 || !frac.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            let digits: String = frac.chars().chain(std::iter::repeat('0')).take(9).collect();
            nanos = digits.parse().ok()?;
            seconds += h * 3600 + m * 60 + s - offset;
        }
        Some(Timestamp { seconds, nanos })
    }
}

/// Splits `HH:MM:SS.fffZ` / `…+02:00` into the clock and the offset in seconds.
fn split_offset(text: &str) -> Option<(&str, i64)> {
    if let Some(clock) = text.strip_suffix(['Z', 'z']) {
        return Some((clock, 0));
    }
    match text.rfind(['+', '-']) {
        Some(i) => {
            let (clock, off) = text.split_at(i);
            let sign = if off.starts_with('-') { -1 } else { 1 };
            let (h, m) = off[1..].split_once(':').unwrap_or((&off[1..], "0"));
            let h: i64 = h.parse().ok()?;
            let m: i64 = m.parse().ok()?;
            Some((clock, sign * (h * 3600 + m * 60)))
        }
        None => Some((text, 0)),
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_compare_as_instants() {
        let a = Timestamp::parse("2024-10-01").expect("date");
        let b = Timestamp::parse("2024-10-01T00:00:00.000Z").expect("date-time");
        assert_eq!(a, b);
        let c = Timestamp::parse("2024-10-01T00:00:00.001Z").expect("millis");
        assert!(c > b);
        let d = Timestamp::parse("2024-10-01T02:00:00+02:00").expect("offset");
        assert_eq!(d, b);
        assert_eq!(
            Timestamp::parse("1970-01-01T00:00:01Z").map(|t| t.seconds),
            Some(1)
        );
        assert_eq!(
            Timestamp::parse("2000-03-01").map(|t| t.seconds),
            Some(951_868_800)
        );
        assert!(Timestamp::parse("October 1, 2022").is_none());
        assert!(Timestamp::parse("2024-13-01").is_none());
    }

    #[test]
    fn dedup_keeps_first_position_and_appends_relationships() {
        let e = |o: u32, r: u32| Related {
            object: ObjectId(o),
            relationships: vec![RelationshipId(r)],
        };
        let out = dedup(vec![e(1, 10), e(2, 20), e(1, 11)]);
        assert_eq!(out.len(), 2);
        assert_eq!(
            out[0].relationships,
            vec![RelationshipId(10), RelationshipId(11)]
        );
        assert_eq!(out[1].object, ObjectId(2));
    }
}
