//! What changed in the techniques of one domain between two releases (like mitreattack-python's
//! changelog, matched by STIX id as the Navigator does), as Markdown, JSON or a layer.

use std::fmt::Write as _;

use navlayer_attack::{AttackObject, Catalogue, ObjectKind};
use navlayer_layer::{Layer, LegendItem, TechniqueEntry, Versions};
use serde::Serialize;

use crate::classify::{version_change, Change, ReleasePair};
use crate::MigrateError;

/// One technique in a release diff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DiffItem {
    /// ATT&CK ID (in the target release when the technique is in it, else in the source).
    pub attack_id: String,
    /// Name.
    pub name: String,
    /// STIX id.
    pub stix_id: String,
    /// True for sub-techniques.
    pub subtechnique: bool,
    /// `x_mitre_version` in the source release.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old_version: Option<String>,
    /// `x_mitre_version` in the target release.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_version: Option<String>,
}

/// A revoked technique and what replaces it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Revocation {
    /// The revoked technique (ID as in the source release).
    pub revoked: DiffItem,
    /// The end of its `revoked-by` chain in the target release, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replaced_by: Option<DiffItem>,
}

/// A technique whose ATT&CK ID changed (became a sub-technique, or the reverse).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IdChange {
    /// The technique in the target release.
    pub technique: DiffItem,
    /// Its ID in the source release.
    pub old_id: String,
}

/// A technique whose tactics changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TacticMove {
    /// The technique.
    pub technique: DiffItem,
    /// Tactic short names in the source release.
    pub old: Vec<String>,
    /// Tactic short names in the target release.
    pub new: Vec<String>,
}

/// A tactic added or removed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TacticItem {
    /// ATT&CK ID (`TA0005`).
    pub attack_id: String,
    /// Short name (`defense-evasion`).
    pub shortname: String,
    /// Name.
    pub name: String,
}

/// What changed in the techniques and tactics of one domain between two releases.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReleaseDiff {
    /// Domain.
    pub domain: String,
    /// Source release.
    pub from: String,
    /// Target release.
    pub to: String,
    /// Techniques new in the target release (active), sub-techniques included.
    pub added: Vec<DiffItem>,
    /// New sub-techniques (a subset of `added`), plus techniques that became sub-techniques.
    pub new_subtechniques: Vec<DiffItem>,
    /// Techniques revoked in the target release, with their replacement.
    pub revoked: Vec<Revocation>,
    /// Techniques deprecated in the target release.
    pub deprecated: Vec<DiffItem>,
    /// Techniques of the source release absent from the target.
    pub deleted: Vec<DiffItem>,
    /// Major version changes (or ATT&CK ID changes).
    pub major: Vec<DiffItem>,
    /// Minor version changes.
    pub minor: Vec<DiffItem>,
    /// ATT&CK ID changes.
    pub id_changes: Vec<IdChange>,
    /// Tactic changes of techniques active in both releases.
    pub tactic_changes: Vec<TacticMove>,
    /// Tactics new in the target release.
    pub tactics_added: Vec<TacticItem>,
    /// Tactics of the source release gone (or deprecated) in the target.
    pub tactics_removed: Vec<TacticItem>,
    /// Active techniques of the target release unchanged since the source.
    pub unchanged: usize,
}

/// A technique of the target release, with its version in the source release if any.
fn item(o: &AttackObject, old: Option<&AttackObject>) -> DiffItem {
    DiffItem {
        attack_id: o.display_id().to_string(),
        name: o.name.clone(),
        stix_id: o.stix_id.clone(),
        subtechnique: o.kind == ObjectKind::SubTechnique,
        old_version: old.and_then(|x| x.version.clone()),
        new_version: o.version.clone(),
    }
}

/// A technique of the source release that is gone from the target.
fn gone_item(o: &AttackObject) -> DiffItem {
    DiffItem {
        new_version: None,
        ..item(o, Some(o))
    }
}

fn tactic_item(o: &AttackObject) -> TacticItem {
    TacticItem {
        attack_id: o.display_id().to_string(),
        shortname: o.shortname.clone().unwrap_or_default(),
        name: o.name.clone(),
    }
}

fn sorted_tactics(o: &AttackObject) -> Vec<String> {
    let mut t = o.tactics.clone();
    t.sort();
    t.dedup();
    t
}

fn by_id(a: &DiffItem, b: &DiffItem) -> std::cmp::Ordering {
    id_key(&a.attack_id).cmp(&id_key(&b.attack_id))
}

/// Sort key for ATT&CK IDs: T1059 < T1059.001 < T1100.
fn id_key(id: &str) -> (String, u32, u32) {
    let (head, sub) = id.split_once('.').unwrap_or((id, ""));
    let letters: String = head
        .chars()
        .take_while(|c| c.is_ascii_alphabetic())
        .collect();
    let num = head[letters.len()..].parse().unwrap_or(u32::MAX);
    (letters, num, sub.parse().unwrap_or(0))
}

impl ReleaseDiff {
    /// Compares the techniques and tactics of two releases of one domain.
    pub fn compute(from: &Catalogue, to: &Catalogue) -> Result<ReleaseDiff, MigrateError> {
        let pair = ReleasePair::new(from, to)?;
        let mut d = ReleaseDiff {
            domain: to.domain().to_string(),
            from: from.release().to_string(),
            to: to.release().to_string(),
            added: Vec::new(),
            new_subtechniques: Vec::new(),
            revoked: Vec::new(),
            deprecated: Vec::new(),
            deleted: Vec::new(),
            major: Vec::new(),
            minor: Vec::new(),
            id_changes: Vec::new(),
            tactic_changes: Vec::new(),
            tactics_added: Vec::new(),
            tactics_removed: Vec::new(),
            unchanged: 0,
        };
        for t in to.ids() {
            let n = to.object(t);
            if !n.kind.is_technique() {
                continue;
            }
            let old = from.by_stix_id(&n.stix_id).map(|s| from.object(s));
            match old {
                None => {
                    if n.is_active() {
                        d.added.push(item(n, None));
                        if n.kind == ObjectKind::SubTechnique {
                            d.new_subtechniques.push(item(n, None));
                        }
                    }
                }
                Some(o) => {
                    if n.revoked && !o.revoked {
                        let replaced_by = to
                            .replacement_of(t)
                            .map(|r| to.object(r))
                            .filter(|r| r.is_active())
                            .map(|r| item(r, None));
                        d.revoked.push(Revocation {
                            revoked: gone_item(o),
                            replaced_by,
                        });
                    } else if n.deprecated && !n.revoked && !o.deprecated && !o.revoked {
                        d.deprecated.push(item(n, Some(o)));
                    } else if n.is_active() {
                        let id_changed = o.attack_id != n.attack_id;
                        let change = version_change(o.version.as_deref(), n.version.as_deref());
                        let it = item(n, Some(o));
                        if id_changed {
                            d.id_changes.push(IdChange {
                                technique: it.clone(),
                                old_id: o.display_id().to_string(),
                            });
                            if n.kind == ObjectKind::SubTechnique && o.kind == ObjectKind::Technique
                            {
                                d.new_subtechniques.push(it.clone());
                            }
                        }
                        match change {
                            Change::Major => d.major.push(it.clone()),
                            Change::Minor => d.minor.push(it.clone()),
                            _ if id_changed => d.major.push(it.clone()),
                            _ => d.unchanged += 1,
                        }
                        if o.is_active() && sorted_tactics(o) != sorted_tactics(n) {
                            d.tactic_changes.push(TacticMove {
                                technique: it,
                                old: o.tactics.clone(),
                                new: n.tactics.clone(),
                            });
                        }
                    }
                }
            }
        }
        for s in from.ids() {
            let o = from.object(s);
            if o.kind.is_technique() && !o.revoked && to.by_stix_id(&o.stix_id).is_none() {
                d.deleted.push(gone_item(o));
            }
        }
        for &t in to.tactics() {
            let o = to.object(t);
            if o.shortname
                .as_deref()
                .is_some_and(|s| pair.tactic_is_new(s))
            {
                d.tactics_added.push(tactic_item(o));
            }
        }
        for &t in from.tactics() {
            let o = from.object(t);
            if o.shortname
                .as_deref()
                .is_some_and(|s| !pair.tactic_in_target(s))
            {
                d.tactics_removed.push(tactic_item(o));
            }
        }
        for list in [
            &mut d.added,
            &mut d.new_subtechniques,
            &mut d.deprecated,
            &mut d.deleted,
            &mut d.major,
            &mut d.minor,
        ] {
            list.sort_by(by_id);
        }
        d.revoked.sort_by(|a, b| by_id(&a.revoked, &b.revoked));
        d.id_changes
            .sort_by(|a, b| by_id(&a.technique, &b.technique));
        d.tactic_changes
            .sort_by(|a, b| by_id(&a.technique, &b.technique));
        Ok(d)
    }

    /// The diff as pretty JSON.
    pub fn to_json(&self) -> Result<String, MigrateError> {
        let mut s =
            serde_json::to_string_pretty(self).map_err(|source| MigrateError::Serialize {
                what: "release diff",
                source,
            })?;
        s.push('\n');
        Ok(s)
    }

    /// The diff as Markdown, one section per kind of change.
    pub fn to_markdown(&self) -> String {
        let mut out = format!(
            "# {} changes from {} to {}\n\n",
            self.domain, self.from, self.to
        );
        let _ = writeln!(
            out,
            "| change | techniques |\n|---|---:|\n| added | {} |\n| new sub-techniques | {} |\n| revoked | {} |\n| deprecated | {} |\n| deleted | {} |\n| major changes | {} |\n| minor changes | {} |\n| ID changes | {} |\n| tactic changes | {} |\n| unchanged | {} |",
            self.added.len(),
            self.new_subtechniques.len(),
            self.revoked.len(),
            self.deprecated.len(),
            self.deleted.len(),
            self.major.len(),
            self.minor.len(),
            self.id_changes.len(),
            self.tactic_changes.len(),
            self.unchanged
        );
        let tactic_line =
            |t: &TacticItem| format!("- {} {} (`{}`)\n", t.attack_id, t.name, t.shortname);
        if !self.tactics_added.is_empty() {
            out.push_str("\n## Tactics added\n\n");
            self.tactics_added
                .iter()
                .for_each(|t| out.push_str(&tactic_line(t)));
        }
        if !self.tactics_removed.is_empty() {
            out.push_str("\n## Tactics removed\n\n");
            self.tactics_removed
                .iter()
                .for_each(|t| out.push_str(&tactic_line(t)));
        }
        let list = |out: &mut String, title: &str, items: &[DiffItem]| {
            if items.is_empty() {
                return;
            }
            let _ = write!(out, "\n## {title}\n\n");
            for i in items {
                let v = match (&i.old_version, &i.new_version) {
                    (Some(a), Some(b)) => format!(" (v{a} → v{b})"),
                    (None, Some(b)) => format!(" (v{b})"),
                    _ => String::new(),
                };
                let _ = writeln!(out, "- {} {}{v}", i.attack_id, i.name);
            }
        };
        list(&mut out, "New techniques", &self.added);
        list(&mut out, "New sub-techniques", &self.new_subtechniques);
        if !self.revoked.is_empty() {
            out.push_str("\n## Revoked\n\n");
            for r in &self.revoked {
                let by = r
                    .replaced_by
                    .as_ref()
                    .map(|b| format!(" → {} {}", b.attack_id, b.name))
                    .unwrap_or_else(|| " (no replacement)".into());
                let _ = writeln!(out, "- {} {}{by}", r.revoked.attack_id, r.revoked.name);
            }
        }
        list(&mut out, "Deprecated", &self.deprecated);
        list(&mut out, "Deleted", &self.deleted);
        list(&mut out, "Major changes", &self.major);
        list(&mut out, "Minor changes", &self.minor);
        if !self.id_changes.is_empty() {
            out.push_str("\n## ATT&CK ID changes\n\n");
            for c in &self.id_changes {
                let _ = writeln!(
                    out,
                    "- {} → {} {}",
                    c.old_id, c.technique.attack_id, c.technique.name
                );
            }
        }
        if !self.tactic_changes.is_empty() {
            out.push_str("\n## Tactic changes\n\n");
            for c in &self.tactic_changes {
                let _ = writeln!(
                    out,
                    "- {} {}: {} → {}",
                    c.technique.attack_id,
                    c.technique.name,
                    c.old.join(", "),
                    c.new.join(", ")
                );
            }
        }
        out
    }

    /// The diff as a layer on the target release: added techniques green, major changes red,
    /// minor changes yellow, tactic changes and replacements of revoked techniques blue, with a
    /// legend and a comment on each entry.
    pub fn to_layer(&self) -> Layer {
        const ADDED: &str = "#8ec843";
        const MAJOR: &str = "#ff6666";
        const MINOR: &str = "#ffe766";
        const MOVED: &str = "#66b1ff";
        let mut layer = Layer::new(
            format!("ATT&CK changes {} → {}", self.from, self.to),
            self.domain.clone(),
        );
        layer.description = Some(format!(
            "Techniques changed between ATT&CK {} {} and {} (navlayer release-diff)",
            self.domain, self.from, self.to
        ));
        let major = self.to.split('.').next().unwrap_or(&self.to).to_string();
        layer.versions = Some(Versions {
            attack: Some(major),
            layer: Some("4.5".into()),
            ..Versions::default()
        });
        let mut entries: Vec<TechniqueEntry> = Vec::new();
        let mut push = |id: &str, color: &str, comment: String| {
            if let Some(e) = entries.iter_mut().find(|e| e.technique_id == id) {
                let c = e.comment.get_or_insert_with(String::new);
                c.push_str("; ");
                c.push_str(&comment);
            } else {
                entries.push(TechniqueEntry {
                    color: Some(color.into()),
                    comment: Some(comment),
                    ..TechniqueEntry::new(id)
                });
            }
        };
        let versions = |i: &DiffItem| match (&i.old_version, &i.new_version) {
            (Some(a), Some(b)) => format!(" v{a} → v{b}"),
            _ => String::new(),
        };
        for i in &self.added {
            push(&i.attack_id, ADDED, format!("new in {}", self.to));
        }
        for i in &self.major {
            push(&i.attack_id, MAJOR, format!("major change{}", versions(i)));
        }
        for c in &self.id_changes {
            push(&c.technique.attack_id, MAJOR, format!("was {}", c.old_id));
        }
        for i in &self.minor {
            push(&i.attack_id, MINOR, format!("minor change{}", versions(i)));
        }
        for c in &self.tactic_changes {
            push(
                &c.technique.attack_id,
                MOVED,
                format!("tactics {} → {}", c.old.join(", "), c.new.join(", ")),
            );
        }
        for r in &self.revoked {
            if let Some(b) = &r.replaced_by {
                push(
                    &b.attack_id,
                    MOVED,
                    format!(
                        "replaces revoked {} {}",
                        r.revoked.attack_id, r.revoked.name
                    ),
                );
            }
        }
        layer.techniques = entries;
        layer.legend_items = Some(
            [
                ("new technique", ADDED),
                ("major change", MAJOR),
                ("minor change", MINOR),
                ("tactics changed / replaces a revoked technique", MOVED),
            ]
            .iter()
            .map(|(label, color)| LegendItem {
                label: (*label).into(),
                color: (*color).into(),
                ..LegendItem::default()
            })
            .collect(),
        );
        layer
    }
}
