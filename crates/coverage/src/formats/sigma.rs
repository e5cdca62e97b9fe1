//! Sigma rules, read as pySigma reads them for `sigma analyze attack`:
//!
//! * every YAML document of a file is a rule, except `action: global` (a template whose fields
//!   override the following rules' — pySigma's `deep_dict_update(rule, global)`), `action:
//!   reset`, `action: repeat` (the previous rule updated with this document) and `filter:`
//!   documents; correlation rules count like rules;
//! * a tag counts when its namespace (before the first dot) is exactly `attack`; its name,
//!   upper-cased, is the ATT&CK ID (`attack.t1059.001` → `T1059.001`); sub-techniques count for
//!   themselves only (sigma-cli's default); tactic tags (`attack.persistence`) are kept as tactic
//!   hints, group and software tags are resolved and reported as not techniques;
//! * `--min-level` / `--min-status` filter as sigma-cli does, a rule without a level or status
//!   passing either.

use serde::de::IgnoredAny;
use serde::Deserialize;

use super::{looks_like_attack_id, FileParse, ParseContext};
use crate::input::{text_of, FileReport, Input};
use crate::item::{Item, TechRef};
use crate::options::Weight;
use crate::yaml::{self, Scalar, Scalars};
use crate::CoverageError;

/// Sigma rule levels, in sigma-cli's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Level {
    Informational = 1,
    Low,
    Medium,
    High,
    Critical,
}

/// Sigma rule statuses, in sigma-cli's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Status {
    Unsupported,
    Deprecated,
    Experimental,
    Test,
    Stable,
}

const LEVELS: [(&str, Level); 5] = [
    ("informational", Level::Informational),
    ("low", Level::Low),
    ("medium", Level::Medium),
    ("high", Level::High),
    ("critical", Level::Critical),
];

const STATUSES: [(&str, Status); 5] = [
    ("unsupported", Status::Unsupported),
    ("deprecated", Status::Deprecated),
    ("experimental", Status::Experimental),
    ("test", Status::Test),
    ("stable", Status::Stable),
];

fn level_of(text: &str) -> Option<Level> {
    LEVELS
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(text))
        .map(|x| x.1)
}

fn status_of(text: &str) -> Option<Status> {
    STATUSES
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(text))
        .map(|x| x.1)
}

pub(crate) fn parse_min_level(text: Option<&str>) -> Result<Option<Level>, CoverageError> {
    text.map(|t| {
        level_of(t).ok_or_else(|| {
            CoverageError::BadOption(format!(
                "unknown Sigma level {t:?}; levels: informational, low, medium, high, critical"
            ))
        })
    })
    .transpose()
}

pub(crate) fn parse_min_status(text: Option<&str>) -> Result<Option<Status>, CoverageError> {
    text.map(|t| {
        status_of(t).ok_or_else(|| {
            CoverageError::BadOption(format!(
                "unknown Sigma status {t:?}; statuses: unsupported, deprecated, experimental, test, stable"
            ))
        })
    })
    .transpose()
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
struct LogSource {
    product: Scalar,
    category: Scalar,
    service: Scalar,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
struct Doc {
    title: Scalar,
    name: Scalar,
    id: Scalar,
    status: Scalar,
    level: Scalar,
    tags: Scalars,
    logsource: Option<LogSource>,
    action: Scalar,
    correlation: Option<IgnoredAny>,
    filter: Option<IgnoredAny>,
}

const LOGSOURCE_FIELDS: yaml::Select =
    yaml::Select(&[("product", None), ("category", None), ("service", None)]);

/// The fields of [`Doc`], for the YAML fast path.
const DOC_FIELDS: yaml::Select = yaml::Select(&[
    ("title", None),
    ("name", None),
    ("id", None),
    ("status", None),
    ("level", None),
    ("tags", None),
    ("logsource", Some(&LOGSOURCE_FIELDS)),
    ("action", None),
    ("correlation", None),
    ("filter", None),
]);

fn pick(a: &Scalar, b: &Scalar) -> Scalar {
    if matches!(b, Scalar::Missing) {
        a.clone()
    } else {
        b.clone()
    }
}

/// pySigma's `deep_dict_update(dest, src)` on the fields read: `src` wins, mappings merge.
fn merge(dest: &Doc, src: &Doc) -> Doc {
    let logsource = match (&dest.logsource, &src.logsource) {
        (Some(d), Some(s)) => Some(LogSource {
            product: pick(&d.product, &s.product),
            category: pick(&d.category, &s.category),
            service: pick(&d.service, &s.service),
        }),
        (d, s) => s.clone().or_else(|| d.clone()),
    };
    Doc {
        title: pick(&dest.title, &src.title),
        name: pick(&dest.name, &src.name),
        id: pick(&dest.id, &src.id),
        status: pick(&dest.status, &src.status),
        level: pick(&dest.level, &src.level),
        tags: if matches!(src.tags, Scalars::Missing) {
            dest.tags.clone()
        } else {
            src.tags.clone()
        },
        logsource,
        action: Scalar::Missing,
        correlation: src.correlation.or(dest.correlation),
        filter: src.filter.or(dest.filter),
    }
}

/// Parses one Sigma file.
pub(super) fn parse(input: &Input, ctx: &ParseContext<'_>) -> FileParse {
    let text = match text_of(&input.bytes) {
        Ok(t) => t,
        Err((msg, at)) => return FileParse::new(FileReport::failed(&input.name, msg, Some(at))),
    };
    let docs = match yaml::documents_selected::<Doc>(text, &DOC_FIELDS) {
        Ok(d) => d,
        Err(e) => {
            return FileParse::new(FileReport::failed(
                &input.name,
                format!("YAML: {}", e.message),
                e.at,
            ))
        }
    };
    let mut out = FileParse::new(FileReport::parsed(&input.name));
    let mut global = Doc::default();
    let mut prev = Doc::default();
    let mut read = 0usize;
    for (i, doc) in docs.into_iter().enumerate() {
        let n = i + 1;
        let Some(doc) = doc else {
            continue;
        };
        let rule = match doc.action.text() {
            None if doc.correlation.is_some() => doc,
            None if doc.filter.is_some() => {
                out.report
                    .notes
                    .push(format!("document {n}: a filter, not a rule"));
                continue;
            }
            None => {
                let merged = merge(&doc, &global);
                prev = merged.clone();
                merged
            }
            Some("global") => {
                global = doc;
                prev = global.clone();
                continue;
            }
            Some("reset") => {
                global = Doc::default();
                continue;
            }
            Some("repeat") => {
                prev = merge(&prev, &doc);
                prev.clone()
            }
            Some(other) => {
                out.report.notes.push(format!(
                    "document {n}: unknown collection action {other:?}, ignored"
                ));
                continue;
            }
        };
        read += 1;
        if let Some(item) = rule_item(&rule, n, ctx, &mut out.report.notes) {
            out.items.push(item);
        }
    }
    out.report.items = read;
    out
}

/// One rule as an item, or `None` when the level/status filters exclude it (noted).
fn rule_item(
    rule: &Doc,
    n: usize,
    ctx: &ParseContext<'_>,
    notes: &mut Vec<String>,
) -> Option<Item> {
    let name = rule
        .title
        .text()
        .or(rule.name.text())
        .or(rule.id.text())
        .map(str::to_string)
        .unwrap_or_else(|| format!("rule {n}"));
    let level = field_enum(&rule.level, "level", level_of, &name, notes);
    let status = field_enum(&rule.status, "status", status_of, &name, notes);
    if let (Some(min), Some(l)) = (ctx.min_level, level) {
        if l < min {
            notes.push(format!("{name:?} excluded: level below the minimum"));
            return None;
        }
    }
    if let (Some(min), Some(s)) = (ctx.min_status, status) {
        if s < min {
            notes.push(format!("{name:?} excluded: status below the minimum"));
            return None;
        }
    }
    let mut item = Item {
        name,
        id: rule.id.text().map(str::to_string),
        url: None,
        file: 0,
        weight: weight(ctx.weight, level),
        platforms: rule
            .logsource
            .as_ref()
            .and_then(|l| l.product.text())
            .map(|p| vec![p.to_ascii_lowercase()]),
        tactics: Vec::new(),
        refs: Vec::new(),
    };
    if !rule.tags.is_list() {
        notes.push(format!("{:?}: tags is not a list of strings", item.name));
    }
    for tag in rule.tags.texts() {
        let Some((namespace, tag_name)) = tag.split_once('.') else {
            notes.push(format!("{:?}: tag {tag:?} has no namespace", item.name));
            continue;
        };
        if namespace != "attack" {
            continue;
        }
        let upper = tag_name.to_ascii_uppercase();
        if looks_like_attack_id(&upper) {
            if !item.refs.iter().any(|r| r.id == upper) {
                item.refs.push(TechRef::new(upper));
            }
        } else {
            item.tactics.push(tag_name.to_ascii_lowercase());
        }
    }
    Some(item)
}

fn field_enum<T>(
    value: &Scalar,
    field: &str,
    parse: fn(&str) -> Option<T>,
    rule: &str,
    notes: &mut Vec<String>,
) -> Option<T> {
    match value {
        Scalar::Missing => None,
        Scalar::Other(what) => {
            notes.push(format!("{rule:?}: {field} is {what}, ignored"));
            None
        }
        Scalar::Text(t) => {
            let parsed = parse(t.trim());
            if parsed.is_none() {
                notes.push(format!("{rule:?}: {t:?} is not a Sigma {field}, ignored"));
            }
            parsed
        }
    }
}

fn weight(weight: Option<Weight>, level: Option<Level>) -> Option<f64> {
    match weight? {
        Weight::Level => Some(level.map_or(0.0, |l| l as u8 as f64)),
        Weight::LevelScore => Some(match level {
            None | Some(Level::Informational) => 1.0,
            Some(Level::Low) => 2.0,
            Some(Level::Medium) => 4.0,
            Some(Level::High) => 8.0,
            Some(Level::Critical) => 12.0,
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::options::MappingFilter;

    fn ctx(filter: &MappingFilter) -> ParseContext<'_> {
        ParseContext {
            weight: Some(Weight::LevelScore),
            include_deprecated: false,
            min_level: None,
            min_status: None,
            mappings: filter,
        }
    }

    #[test]
    fn collections_merge_like_pysigma() {
        let text = "action: global\nlevel: high\ntags: [attack.t1059]\n---\ntitle: a\nlevel: low\n\
                    logsource: {product: windows}\n---\ntitle: b\ntags: [attack.t1003]\n---\n\
                    action: repeat\ntitle: c\n---\naction: reset\n---\ntitle: d\n";
        let f = MappingFilter::default();
        let out = parse(&Input::new("x.yml", text), &ctx(&f));
        let names: Vec<&str> = out.items.iter().map(|i| i.name.as_str()).collect();
        assert_eq!(names, ["a", "b", "c", "d"]);
        // The global template overrides the rule's level (deep_dict_update(rule, global)).
        assert_eq!(out.items[0].weight, Some(8.0));
        assert_eq!(out.items[0].refs[0].id, "T1059");
        assert_eq!(out.items[0].platforms, Some(vec!["windows".to_string()]));
        // The global's tags win over the rule's own.
        assert_eq!(out.items[1].refs[0].id, "T1059");
        // repeat: the previous (merged) rule with this document's fields.
        assert_eq!(out.items[2].refs[0].id, "T1059");
        assert_eq!(out.items[3].weight, Some(1.0));
        assert!(out.items[3].refs.is_empty());
    }

    #[test]
    fn tags_split_into_ids_and_tactics() {
        let text =
            "title: t\ntags:\n- attack.t1059.001\n- attack.T1059.001\n- attack.persistence\n\
                    - attack.g0016\n- Attack.t1000\n- cve.2021-1\n- nodot\n";
        let f = MappingFilter::default();
        let out = parse(&Input::new("x.yml", text), &ctx(&f));
        let item = &out.items[0];
        let ids: Vec<&str> = item.refs.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["T1059.001", "G0016"]);
        assert_eq!(item.tactics, ["persistence"]);
        assert!(out.report.notes.iter().any(|n| n.contains("no namespace")));
    }

    #[test]
    fn yaml_errors_are_located() {
        let f = MappingFilter::default();
        let out = parse(&Input::new("x.yml", "title: a\ntags: [x\n"), &ctx(&f));
        assert_eq!(out.report.outcome, crate::Outcome::Failed);
        assert!(out.report.line.is_some());
    }

    /// The YAML fast path against the full deserialiser, file by file, on the real corpus.
    #[test]
    fn fast_path_reads_the_corpus_as_the_full_path() {
        let dir = navlayer_testdata::shared_dir().join("rules-corpus/sigma");
        let files =
            yaml::assert_fast_path_on_corpus::<Doc>(&dir, super::super::Format::Sigma, &DOC_FIELDS);
        assert!(files > 300, "{files} files");
    }
}
