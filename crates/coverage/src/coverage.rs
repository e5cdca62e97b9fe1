//! The coverage pipeline: parsed items → resolved references → tally → layer and report.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use navlayer_attack::Catalogue;
use navlayer_layer::{Filters, Gradient, Layer, LinkItem, MetadataItem, TechniqueEntry, Versions};

use crate::formats::{parse_entries, Format};
use crate::input::{read_paths, Outcome};
use crate::item::Parsed;
use crate::options::{CoverageOptions, ScoreFunction};
use crate::platform::PlatformFilter;
use crate::report::{CoverageReport, TacticRow, TechniqueRow, Totals};
use crate::resolve::{resolve, IdStatus, Key, ReleaseSource};
use crate::tally::{entries_of, score, tally, Tally, TallyRules};
use crate::text::{clean, id_order, thousands, web_url};
use crate::CoverageError;

/// A coverage layer and the report on how it was made.
#[derive(Debug, Clone)]
pub struct Coverage {
    /// The layer (format 4.5).
    pub layer: Layer,
    /// The report.
    pub report: CoverageReport,
}

/// Reads `paths` (files and folders), parses them as `format` and builds the coverage layer of
/// `target`. Files made for another release are migrated with catalogues from `releases`.
pub fn coverage(
    format: Format,
    paths: &[PathBuf],
    target: &Catalogue,
    releases: &dyn ReleaseSource,
    options: &CoverageOptions,
) -> Result<Coverage, CoverageError> {
    let entries = read_paths(paths, format, &options.limits)?;
    let parsed = parse_entries(format, entries, options)?;
    build_coverage(format, parsed, target, releases, options)
}

/// Builds the coverage layer of `target` from parsed inputs ([`crate::parse_entries`],
/// [`crate::parse_inputs`]); parsing needs no catalogue, so callers may parse while the release
/// loads.
pub fn build_coverage(
    format: Format,
    mut parsed: Parsed,
    target: &Catalogue,
    releases: &dyn ReleaseSource,
    options: &CoverageOptions,
) -> Result<Coverage, CoverageError> {
    exclude_other_domains(&mut parsed, target);
    let seen: BTreeSet<String> = parsed
        .items
        .iter()
        .flat_map(|i| i.platforms.iter().flatten().cloned())
        .collect();
    let filter = PlatformFilter::new(&options.platforms, target, &seen)?;
    let resolution = resolve(&parsed, target, releases, options.keep_unknown)?;
    let function = match options.score {
        ScoreFunction::Auto if parsed.scores_given => ScoreFunction::Max,
        ScoreFunction::Auto => ScoreFunction::Count,
        f => f,
    };
    let rules = TallyRules {
        catalogue: target,
        platforms: filter.as_ref(),
        subtechniques: format.subtechnique_mode(options.subtechniques),
        tactics: format.tactic_scope(options.tactics),
        keep_unknown: options.keep_unknown,
    };
    let tally = tally(&parsed, &resolution.placements, &rules);
    let built = entries(format, &parsed, &tally, &rules, function, options);
    let score_text = describe_score(format, function, options);

    let mut files = std::mem::take(&mut parsed.files);
    let mut used_per_file = vec![0usize; files.len()];
    for &i in &built.used {
        used_per_file[parsed.items[i].file] += 1;
    }
    for (f, n) in files.iter_mut().zip(used_per_file) {
        f.items_used = n;
    }
    let mut totals = Totals {
        files: files.len(),
        items: files.iter().map(|f| f.items).sum(),
        items_used: built.used.len(),
        items_excluded_by_platform: tally.excluded_by_platform,
        references_off_platform: tally.refs_off_platform,
        techniques: tally.cells.len() - built.dropped_keys,
        entries: built.entries.len(),
        ..Totals::default()
    };
    for f in &files {
        match f.outcome {
            Outcome::Parsed => totals.parsed += 1,
            Outcome::Skipped => totals.skipped += 1,
            Outcome::Failed => totals.failed += 1,
        }
    }
    for f in &resolution.findings {
        let slot = match f.status {
            IdStatus::Unknown => &mut totals.unknown_ids,
            IdStatus::Revoked => &mut totals.revoked_ids,
            IdStatus::Moved => &mut totals.moved_ids,
            IdStatus::Deprecated => &mut totals.deprecated_ids,
            IdStatus::NotTechnique => &mut totals.not_technique_ids,
            IdStatus::Invalid => &mut totals.invalid_ids,
        };
        *slot += 1;
    }

    let mut layer = Layer::new(
        options
            .name
            .clone()
            .unwrap_or_else(|| format!("{} coverage", format.display_name())),
        target.domain().stix_name(),
    );
    layer.versions = Some(Versions {
        attack: Some(target.release().major.to_string()),
        navigator: Some("5.3.2".into()),
        layer: Some("4.5".into()),
        ..Versions::default()
    });
    let (_, plural) = format.item_noun();
    layer.description = Some(options.description.clone().unwrap_or_else(|| {
        format!(
            "{} coverage: {} of {} {plural} cover techniques of ATT&CK {} {}; score: {score_text}. Made by navlayer.",
            format.display_name(),
            thousands(totals.items_used),
            thousands(totals.items),
            target.domain().short_name(),
            target.release()
        )
    }));
    if let Some(f) = &filter {
        let platforms = f.attack_platforms();
        if !platforms.is_empty() {
            layer.filters = Some(Filters {
                platforms: Some(platforms),
                ..Filters::default()
            });
        }
    }
    layer.techniques = built.entries;
    layer.gradient = Some(gradient(built.max_score, options));
    layer.metadata = Some(metadata(
        format,
        &files,
        &totals,
        &score_text,
        target,
        filter.as_ref(),
        options,
    ));

    let stats = navlayer_ops::stats(&layer, target);
    let tactic_coverage = stats
        .tactics
        .iter()
        .map(|t| TacticRow {
            tactic: t.shortname.clone(),
            name: t.name.clone(),
            techniques: t.techniques.total,
            covered: t.techniques.scored,
            subtechniques: t.subtechniques.total,
            subtechniques_covered: t.subtechniques.scored,
        })
        .collect();
    let mut notes = resolution.notes;
    if tally.hints_not_of_technique > 0 {
        notes.push(format!(
            "{} tactic hints name a tactic the technique is not in; those items count in every tactic of the technique",
            tally.hints_not_of_technique
        ));
    }
    if options.score == ScoreFunction::Auto && function == ScoreFunction::Max {
        notes.push("the rows give scores: each technique keeps the highest score given".into());
    }
    let report = CoverageReport {
        format,
        layer: layer.name.clone(),
        domain: target.domain().stix_name().to_string(),
        release: target.release().to_string(),
        score: score_text,
        subtechniques: rules.subtechniques,
        tactics: rules.tactics,
        platforms: options.platforms.clone(),
        totals,
        files,
        ids: resolution.findings,
        unknown_tactics: resolution.unknown_tactics,
        migrations: resolution.migrations,
        techniques: built.rows,
        tactic_coverage,
        notes,
    };
    Ok(Coverage { layer, report })
}

/// Files naming a domain other than the release's are skipped (with the reason).
fn exclude_other_domains(parsed: &mut Parsed, target: &Catalogue) {
    let mut excluded = vec![false; parsed.files.len()];
    for (i, made_for) in parsed.made_for.iter().enumerate() {
        let Some(m) = made_for else { continue };
        if m.domain != target.domain() {
            excluded[i] = true;
            let f = &mut parsed.files[i];
            f.outcome = Outcome::Skipped;
            f.reason = Some(format!(
                "made for ATT&CK {} {}; this layer is for {} (choose the domain {})",
                m.domain.short_name(),
                m.release,
                target.domain().short_name(),
                m.domain.short_name()
            ));
        }
    }
    parsed.items.retain(|item| !excluded[item.file]);
}

fn describe_score(format: Format, function: ScoreFunction, options: &CoverageOptions) -> String {
    let (_, plural) = format.item_noun();
    let weight = options
        .weight
        .or(format.default_weight())
        .map(|w| w.label())
        .unwrap_or("1");
    match function {
        ScoreFunction::Count | ScoreFunction::Auto => format!("number of {plural}"),
        ScoreFunction::Max => format!("highest {weight} of the {plural}"),
        ScoreFunction::Sum => format!("sum of the {plural}' {weight}"),
    }
}

/// The layer's entries and what they used.
struct Built {
    entries: Vec<TechniqueEntry>,
    rows: Vec<TechniqueRow>,
    used: BTreeSet<usize>,
    max_score: f64,
    dropped_keys: usize,
}

fn entries(
    format: Format,
    parsed: &Parsed,
    tally: &Tally,
    rules: &TallyRules<'_>,
    function: ScoreFunction,
    options: &CoverageOptions,
) -> Built {
    let catalogue = rules.catalogue;
    let mut keyed: Vec<(&Key, String)> = tally
        .cells
        .keys()
        .map(|k| {
            let id = match k {
                Key::Known(t) => catalogue.object(*t).display_id().to_string(),
                Key::Unknown(s) => s.clone(),
            };
            (k, id)
        })
        .collect();
    keyed.sort_by_cached_key(|(_, id)| id_order(id));
    let mut built = Built {
        entries: Vec::new(),
        rows: Vec::new(),
        used: BTreeSet::new(),
        max_score: 0.0,
        dropped_keys: 0,
    };
    let (singular, plural) = format.item_noun();
    for (key, id) in keyed {
        let cell = &tally.cells[key];
        let (name, tactics): (String, &[String]) = match key {
            Key::Known(t) => {
                let o = catalogue.object(*t);
                (o.name.clone(), &o.tactics)
            }
            Key::Unknown(_) => (String::new(), &[]),
        };
        let sets = entries_of(cell, tactics);
        if sets.iter().all(|(_, s)| s.is_empty()) {
            built.dropped_keys += 1;
            continue;
        }
        for (tactic, items) in sets {
            let s = score(function, &items);
            built.max_score = built.max_score.max(s);
            built.used.extend(items.keys().copied());
            let names: Vec<String> = items
                .keys()
                .take(options.comment_limit)
                .map(|&i| clean(&parsed.items[i].name, 200))
                .collect();
            let noun = if items.len() == 1 { singular } else { plural };
            let mut comment = format!("{} {} {noun}:", items.len(), format.display_name());
            for n in &names {
                comment.push_str(&format!("\n- {n}"));
            }
            if items.len() > names.len() {
                comment.push_str(&format!("\n… and {} more", items.len() - names.len()));
            }
            let links = links(parsed, &items, options.comment_limit);
            built.entries.push(TechniqueEntry {
                technique_id: id.clone(),
                tactic: tactic.clone(),
                score: Some(s),
                comment: Some(comment),
                enabled: Some(true),
                links: (!links.is_empty()).then_some(links),
                ..TechniqueEntry::default()
            });
            built.rows.push(TechniqueRow {
                id: id.clone(),
                name: name.clone(),
                tactic,
                score: s,
                items: items.len(),
                names,
            });
        }
    }
    built
}

fn links(parsed: &Parsed, items: &BTreeMap<usize, Option<f64>>, limit: usize) -> Vec<LinkItem> {
    let mut out: Vec<LinkItem> = Vec::new();
    for &i in items.keys() {
        if out.len() >= limit {
            break;
        }
        let item = &parsed.items[i];
        let Some(url) = item.url.as_deref().and_then(web_url) else {
            continue;
        };
        if out.iter().any(|l| l.url.as_deref() == Some(url)) {
            continue;
        }
        out.push(LinkItem {
            label: Some(clean(&item.name, 100)),
            url: Some(url.to_string()),
            ..LinkItem::default()
        });
    }
    out
}

fn gradient(max_score: f64, options: &CoverageOptions) -> Gradient {
    let mut g = Gradient::default();
    if let Some(colors) = options.colors.clone().filter(|c| c.len() >= 2) {
        g.colors = colors;
    }
    g.min_value = 0.0;
    g.max_value = options
        .max_score
        .filter(|m| m.is_finite() && *m > 0.0)
        .unwrap_or(if max_score > 0.0 { max_score } else { 1.0 });
    g
}

fn metadata(
    format: Format,
    files: &[crate::FileReport],
    totals: &Totals,
    score_text: &str,
    target: &Catalogue,
    filter: Option<&PlatformFilter>,
    options: &CoverageOptions,
) -> Vec<MetadataItem> {
    let (_, plural) = format.item_noun();
    let source = options.source.clone().unwrap_or_else(|| {
        let parsed: Vec<&str> = files
            .iter()
            .filter(|f| f.outcome == Outcome::Parsed)
            .map(|f| f.path.as_str())
            .collect();
        if parsed.len() <= 3 {
            parsed.join(", ")
        } else {
            format!("{} files", thousands(parsed.len()))
        }
    });
    let mut pairs = vec![
        (
            "source",
            format!(
                "{} {plural}: {}",
                format.display_name(),
                clean(&source, 500)
            ),
        ),
        (
            "ATT&CK",
            format!("{} {}", target.domain().short_name(), target.release()),
        ),
        ("score", score_text.to_string()),
        (
            "files",
            format!(
                "{} parsed, {} skipped, {} failed",
                thousands(totals.parsed),
                thousands(totals.skipped),
                thousands(totals.failed)
            ),
        ),
        (
            plural,
            format!(
                "{} of {} used",
                thousands(totals.items_used),
                thousands(totals.items)
            ),
        ),
    ];
    if let Some(f) = filter {
        pairs.push(("platforms", f.describe()));
    }
    let not_counted = totals.unknown_ids + totals.deprecated_ids + totals.invalid_ids;
    if not_counted + totals.revoked_ids > 0 {
        pairs.push((
            "IDs",
            format!(
                "{} unknown, {} deprecated, {} revoked (counted for the replacement)",
                totals.unknown_ids, totals.deprecated_ids, totals.revoked_ids
            ),
        ));
    }
    pairs.push(("made by", format!("navlayer coverage {}", format.label())));
    pairs
        .into_iter()
        .map(|(n, v)| MetadataItem {
            name: Some(n.to_string()),
            value: Some(v),
            ..MetadataItem::default()
        })
        .collect()
}
