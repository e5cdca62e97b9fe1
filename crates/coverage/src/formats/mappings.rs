//! Mappings Explorer files (`mappings/<framework>/attack-<X.Y>/…/*.json`): each capability
//! (a control, a cloud service feature, a CVE) is an item; its `mapping_objects` name the
//! techniques. As the Mappings Explorer's own layers count them, a technique's score is the
//! number of distinct capabilities mapped to it. Objects can be filtered by capability,
//! capability group, mapping type, status (default `complete`: non-mappable rows are reported,
//! not counted) and score category. The file names the ATT&CK release it was made for
//! (`metadata.attack_version`); the run migrates it to the chosen release.

use std::collections::BTreeMap;

use navlayer_attack::{Domain, Release};
use serde::Deserialize;

use super::{FileParse, ParseContext};
use crate::input::{text_of, FileReport, Input};
use crate::item::{Item, MadeFor, TechRef};
use crate::options::{MappingFilter, Weight};

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct MappingFile {
    metadata: Option<Metadata>,
    mapping_objects: Option<Vec<MappingObject>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Metadata {
    attack_version: Option<String>,
    technology_domain: Option<String>,
    mapping_framework: Option<String>,
    mapping_framework_version: Option<String>,
    capability_groups: Option<BTreeMap<String, String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct MappingObject {
    capability_id: Option<String>,
    capability_description: Option<String>,
    capability_group: Option<String>,
    mapping_type: Option<String>,
    attack_object_id: Option<String>,
    score_category: Option<String>,
    score_value: Option<String>,
    status: Option<String>,
    references: Option<Vec<String>>,
}

fn any_of(list: &[String], value: Option<&str>) -> bool {
    list.is_empty() || value.is_some_and(|v| list.iter().any(|x| x.trim().eq_ignore_ascii_case(v)))
}

/// Why a mapping object does not count, or `None` when it does.
fn excluded(
    o: &MappingObject,
    filter: &MappingFilter,
    groups: &BTreeMap<String, String>,
) -> Option<&'static str> {
    let non_mappable = o.status.as_deref() == Some("non_mappable")
        || o.mapping_type.as_deref() == Some("non_mappable")
        || o.attack_object_id
            .as_deref()
            .is_none_or(|s| s.trim().is_empty());
    let status = o.status.as_deref().unwrap_or("complete");
    if !any_of(&filter.statuses, Some(status)) {
        return Some(if non_mappable {
            "non-mappable"
        } else {
            "status"
        });
    }
    if non_mappable {
        return Some("non-mappable");
    }
    if !any_of(&filter.capabilities, o.capability_id.as_deref()) {
        return Some("capability");
    }
    if !filter.groups.is_empty() {
        let id = o.capability_group.as_deref();
        let name = id.and_then(|g| groups.get(g)).map(String::as_str);
        if !any_of(&filter.groups, id) && !any_of(&filter.groups, name) {
            return Some("capability group");
        }
    }
    if !any_of(&filter.mapping_types, o.mapping_type.as_deref()) {
        return Some("mapping type");
    }
    if !any_of(&filter.categories, o.score_category.as_deref()) {
        return Some("score category");
    }
    None
}

fn score_value(text: Option<&str>) -> Option<f64> {
    match text?.trim().to_ascii_lowercase().as_str() {
        "minimal" => Some(1.0),
        "partial" => Some(2.0),
        "significant" => Some(3.0),
        _ => None,
    }
}

/// Parses one mapping file.
pub(super) fn parse(input: &Input, ctx: &ParseContext<'_>) -> FileParse {
    let text = match text_of(&input.bytes) {
        Ok(t) => t,
        Err((msg, at)) => return FileParse::new(FileReport::failed(&input.name, msg, Some(at))),
    };
    let file: MappingFile = match serde_json::from_str(text) {
        Ok(f) => f,
        Err(e) => {
            return FileParse::new(FileReport::failed(
                &input.name,
                format!("JSON: {e}"),
                Some((e.line(), e.column())),
            ))
        }
    };
    let (Some(meta), Some(objects)) = (file.metadata, file.mapping_objects) else {
        return FileParse::new(FileReport::skipped(
            &input.name,
            "no metadata and mapping_objects: not a Mappings Explorer file",
        ));
    };
    let mut out = FileParse::new(FileReport::parsed(&input.name));
    out.made_for = made_for(&meta, &mut out.report.notes);
    let groups = meta.capability_groups.clone().unwrap_or_default();
    let framework = meta.mapping_framework.as_deref().unwrap_or("mapping");
    let mut by_capability: BTreeMap<String, usize> = BTreeMap::new();
    let mut dropped: BTreeMap<&'static str, usize> = BTreeMap::new();
    for o in &objects {
        if let Some(why) = excluded(o, ctx.mappings, &groups) {
            *dropped.entry(why).or_default() += 1;
            continue;
        }
        let key = o
            .capability_id
            .clone()
            .or_else(|| o.capability_description.clone())
            .unwrap_or_else(|| format!("{framework} capability"));
        let index = *by_capability.entry(key.clone()).or_insert_with(|| {
            out.items.push(Item {
                name: match (&o.capability_id, &o.capability_description) {
                    (Some(id), Some(d)) if d != id => format!("{id} {d}"),
                    _ => key.clone(),
                },
                id: o.capability_id.clone(),
                url: o
                    .references
                    .iter()
                    .flatten()
                    .find(|r| r.starts_with("https://") || r.starts_with("http://"))
                    .cloned(),
                file: 0,
                weight: None,
                platforms: None,
                tactics: Vec::new(),
                refs: Vec::new(),
            });
            out.items.len() - 1
        });
        let weight = match ctx.weight {
            Some(Weight::ScoreValue) => score_value(o.score_value.as_deref()),
            _ => None,
        };
        out.items[index].refs.push(TechRef {
            weight,
            ..TechRef::new(o.attack_object_id.as_deref().unwrap_or(""))
        });
    }
    for (why, n) in dropped {
        out.report.notes.push(match why {
            "non-mappable" => format!("{n} mapping objects non-mappable, not counted"),
            other => format!("{n} mapping objects excluded by the {other} filter"),
        });
    }
    out
}

fn made_for(meta: &Metadata, notes: &mut Vec<String>) -> Option<MadeFor> {
    let release = meta.attack_version.as_deref().and_then(Release::parse);
    let domain = meta
        .technology_domain
        .as_deref()
        .and_then(Domain::parse_lenient);
    match (domain, release) {
        (Some(domain), Some(release)) => {
            let version = meta.mapping_framework_version.as_deref().unwrap_or("");
            notes.push(format!(
                "{} {version} mappings for ATT&CK {} {release}",
                meta.mapping_framework.as_deref().unwrap_or("?"),
                domain.short_name()
            ));
            Some(MadeFor { domain, release })
        }
        _ => {
            notes.push(
                "metadata names no ATT&CK domain and release; IDs read as of the chosen release"
                    .into(),
            );
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = r#"{"metadata": {"attack_version": "16.1", "technology_domain": "enterprise",
      "mapping_framework": "nist_800_53", "capability_groups": {"AC": "Access Control"}},
      "mapping_objects": [
        {"capability_id": "AC-2", "capability_description": "Account Management", "capability_group": "AC",
         "mapping_type": "mitigates", "attack_object_id": "T1078", "status": "complete"},
        {"capability_id": "AC-2", "capability_description": "Account Management", "capability_group": "AC",
         "mapping_type": "mitigates", "attack_object_id": "T1098", "status": "complete"},
        {"capability_id": "SI-4", "capability_group": "SI", "mapping_type": "mitigates",
         "attack_object_id": "T1078", "status": "complete"},
        {"capability_id": null, "mapping_type": null, "attack_object_id": "T1496.002", "status": "non_mappable"}
      ]}"#;

    #[test]
    fn capabilities_are_items_and_filters_apply() {
        let mut filter = MappingFilter::default();
        fn ctx(f: &MappingFilter) -> ParseContext<'_> {
            ParseContext {
                weight: None,
                include_deprecated: false,
                min_level: None,
                min_status: None,
                mappings: f,
            }
        }
        let out = parse(&Input::new("m.json", FILE), &ctx(&filter));
        assert_eq!(out.items.len(), 2);
        assert_eq!(out.items[0].name, "AC-2 Account Management");
        assert_eq!(out.items[0].refs.len(), 2);
        assert_eq!(
            out.made_for.map(|m| m.release.to_string()).as_deref(),
            Some("16.1")
        );
        assert!(out
            .report
            .notes
            .iter()
            .any(|n| n.starts_with("1 mapping objects non-mappable")));
        filter.groups = vec!["access control".into()];
        let out = parse(&Input::new("m.json", FILE), &ctx(&filter));
        assert_eq!(out.items.len(), 1);
    }
}
