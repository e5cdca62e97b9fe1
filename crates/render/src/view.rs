//! The format-neutral matrix view: a layer laid over the catalogue of its release.

use std::cmp::Ordering;
use std::collections::{BTreeSet, HashMap};

use navlayer_attack::{Catalogue, ObjectId, ObjectKind};
use navlayer_layer::{Layer, LinkItem, MetadataItem, TechniqueEntry};

use crate::color::{GradientScale, Rgb};
use crate::options::{Expand, RenderOptions};

/// A name/value pair or a divider, from `metadata`.
#[derive(Debug, Clone, PartialEq)]
pub enum Meta {
    /// `name: value`.
    Pair {
        /// Name.
        name: String,
        /// Value.
        value: String,
    },
    /// A divider line.
    Divider,
}

/// A label/URL pair or a divider, from `links`.
#[derive(Debug, Clone, PartialEq)]
pub enum Link {
    /// A link. `safe` says whether the URL may become clickable (http, https, mailto).
    Item {
        /// Label (the URL when the layer gives none).
        label: String,
        /// URL as written in the layer.
        url: String,
        /// True when the URL may be a clickable link.
        safe: bool,
    },
    /// A divider line.
    Divider,
}

/// One technique or sub-technique cell under one tactic.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    /// ATT&CK ID (`T1059.001`).
    pub attack_id: String,
    /// Name from the catalogue.
    pub name: String,
    /// Tactic short name of the column.
    pub tactic: String,
    /// True for a sub-technique.
    pub is_sub: bool,
    /// Number of visible sub-techniques (parents only).
    pub sub_count: usize,
    /// Parents: sub-techniques shown expanded. Sub-techniques: their parent is expanded.
    pub expanded: bool,
    /// Score from the layer.
    pub score: Option<f64>,
    /// Aggregate score (parents, when the layer shows aggregate scores).
    pub aggregate: Option<f64>,
    /// Comment.
    pub comment: Option<String>,
    /// Enabled (false: drawn greyed out).
    pub enabled: bool,
    /// The explicit colour as written in the layer, when it parses.
    pub color: Option<Rgb>,
    /// Background: disabled none, then the explicit colour, then the aggregate colour, then the
    /// score through the gradient; `None` leaves the theme's cell colour.
    pub background: Option<Rgb>,
    /// Text colour chosen for contrast with `background`; `None` uses the theme's (or the
    /// theme's disabled colour when `enabled` is false).
    pub text: Option<Rgb>,
    /// Metadata.
    pub metadata: Vec<Meta>,
    /// Links.
    pub links: Vec<Link>,
    /// True when the layer annotates this cell (score, colour, comment, metadata, links,
    /// disabled).
    pub annotated: bool,
    /// attack.mitre.org page of the technique.
    pub url: Option<String>,
}

impl Cell {
    /// The score to write in the cell: the aggregate when there is one, else the score.
    pub fn display_score(&self) -> Option<f64> {
        self.aggregate.or(self.score)
    }
}

/// One tactic column.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// Tactic ID (`TA0002`).
    pub attack_id: String,
    /// Tactic name (`Execution`).
    pub name: String,
    /// Tactic short name (`execution`).
    pub shortname: String,
    /// Number of visible techniques (parents).
    pub technique_count: usize,
    /// Cells in display order: each parent followed by all its visible sub-techniques
    /// (`expanded` says whether they are shown).
    pub cells: Vec<Cell>,
}

/// One row of the flat listing: one layer entry.
#[derive(Debug, Clone, PartialEq)]
pub struct EntryRow {
    /// Technique ID as written in the layer.
    pub technique_id: String,
    /// Name from the catalogue (empty when the ID is unknown to this release).
    pub name: String,
    /// The entry's tactic, or the technique's tactics joined with `, `.
    pub tactic: String,
    /// Score.
    pub score: Option<f64>,
    /// Colour as written in the layer.
    pub color: String,
    /// Comment.
    pub comment: String,
    /// Enabled.
    pub enabled: bool,
    /// Metadata.
    pub metadata: Vec<Meta>,
    /// Links.
    pub links: Vec<Link>,
}

/// Column headers of the flat listing (CSV, Markdown, the XLSX entries sheet).
pub const ENTRY_HEADERS: [&str; 9] = [
    "technique_id",
    "name",
    "tactic",
    "score",
    "color",
    "comment",
    "enabled",
    "metadata",
    "links",
];

impl EntryRow {
    /// The row as text cells under [`ENTRY_HEADERS`] (not yet escaped for any format).
    pub fn cells(&self) -> [String; 9] {
        [
            self.technique_id.clone(),
            self.name.clone(),
            self.tactic.clone(),
            self.score.map(format_score).unwrap_or_default(),
            self.color.clone(),
            self.comment.clone(),
            self.enabled.to_string(),
            metadata_text(&self.metadata),
            links_text(&self.links),
        ]
    }
}

/// Metadata as one line: `name: value; name: value` (dividers as `---`).
pub fn metadata_text(items: &[Meta]) -> String {
    items
        .iter()
        .map(|m| match m {
            Meta::Pair { name, value } => format!("{name}: {value}"),
            Meta::Divider => "---".to_string(),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Links as one line: `label <url>; …` (dividers as `---`).
pub fn links_text(items: &[Link]) -> String {
    items
        .iter()
        .map(|l| match l {
            Link::Item { label, url, .. } if label == url => url.clone(),
            Link::Item { label, url, .. } => format!("{label} <{url}>"),
            Link::Divider => "---".to_string(),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// A score as text: whole numbers without decimals, others with up to two.
pub fn format_score(score: f64) -> String {
    if score.fract() == 0.0 && score.abs() < 1e15 {
        format!("{}", score as i64)
    } else {
        let s = format!("{score:.2}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// A legend item.
#[derive(Debug, Clone, PartialEq)]
pub struct LegendEntry {
    /// Label.
    pub label: String,
    /// Colour, when it parses.
    pub color: Option<Rgb>,
}

/// The whole matrix, ready for any output.
#[derive(Debug, Clone, PartialEq)]
pub struct MatrixView {
    /// Layer name.
    pub name: String,
    /// Layer description.
    pub description: String,
    /// Domain as written in the layer.
    pub domain: String,
    /// Domain display name (`Enterprise ATT&CK`).
    pub domain_label: String,
    /// Release of the catalogue used (`18.1`).
    pub release: String,
    /// `versions.attack` of the layer, when given.
    pub layer_attack_version: Option<String>,
    /// Platforms shown (the filter, as matched against the release), empty when unfiltered.
    pub platforms: Vec<String>,
    /// The gradient.
    pub gradient: GradientScale,
    /// True when some visible cell is coloured by a score.
    pub uses_gradient: bool,
    /// Legend items.
    pub legend: Vec<LegendEntry>,
    /// Layer metadata.
    pub metadata: Vec<Meta>,
    /// Layer links.
    pub links: Vec<Link>,
    /// Tactic header background, when the layer shows one.
    pub tactic_row_background: Option<Rgb>,
    /// Show technique IDs in cells.
    pub show_id: bool,
    /// Show technique names in cells.
    pub show_name: bool,
    /// Tactic columns in matrix order (tactics with no visible technique are left out).
    pub columns: Vec<Column>,
    /// One row per layer entry, in file order.
    pub entries: Vec<EntryRow>,
    /// Things the reader should know (unknown technique IDs, tactics the release lacks, …).
    pub warnings: Vec<String>,
}

/// Annotation fields merged from the entries that apply to one (technique, tactic) cell.
#[derive(Debug, Clone, Default)]
struct Annotation {
    score: Option<f64>,
    color: Option<String>,
    comment: Option<String>,
    enabled: Option<bool>,
    metadata: Option<Vec<MetadataItem>>,
    links: Option<Vec<LinkItem>>,
    show_subtechniques: Option<bool>,
}

impl Annotation {
    fn apply(&mut self, e: &TechniqueEntry) {
        if e.score.is_some() {
            self.score = e.score;
        }
        if e.color.is_some() {
            self.color.clone_from(&e.color);
        }
        if e.comment.is_some() {
            self.comment.clone_from(&e.comment);
        }
        if e.enabled.is_some() {
            self.enabled = e.enabled;
        }
        if e.metadata.is_some() {
            self.metadata.clone_from(&e.metadata);
        }
        if e.links.is_some() {
            self.links.clone_from(&e.links);
        }
        if e.show_subtechniques.is_some() {
            self.show_subtechniques = e.show_subtechniques;
        }
    }

    fn enabled(&self) -> bool {
        self.enabled.unwrap_or(true)
    }

    fn is_annotated(&self) -> bool {
        self.score.is_some()
            || self.color.as_deref().is_some_and(|c| !c.trim().is_empty())
            || self.comment.as_deref().is_some_and(|c| !c.is_empty())
            || self.metadata.as_ref().is_some_and(|m| !m.is_empty())
            || self.links.as_ref().is_some_and(|l| !l.is_empty())
            || !self.enabled()
    }
}

fn convert_meta(items: Option<&Vec<MetadataItem>>) -> Vec<Meta> {
    items
        .map(|v| {
            v.iter()
                .filter_map(|m| {
                    if m.divider == Some(true) {
                        Some(Meta::Divider)
                    } else if m.name.is_some() || m.value.is_some() {
                        Some(Meta::Pair {
                            name: m.name.clone().unwrap_or_default(),
                            value: m.value.clone().unwrap_or_default(),
                        })
                    } else {
                        None
                    }
                })
                .collect()
        })
        .unwrap_or_default()
}

fn convert_links(items: Option<&Vec<LinkItem>>) -> Vec<Link> {
    items
        .map(|v| {
            v.iter()
                .filter_map(|l| {
                    if l.divider == Some(true) {
                        return Some(Link::Divider);
                    }
                    let url = l.url.clone()?;
                    let label = l
                        .label
                        .clone()
                        .filter(|s| !s.trim().is_empty())
                        .unwrap_or_else(|| url.clone());
                    let safe = crate::escape::safe_url(&url).is_some();
                    Some(Link::Item { label, url, safe })
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Compares names like the Navigator's `localeCompare`: case-insensitive first.
fn name_cmp(a: &str, b: &str) -> Ordering {
    a.to_lowercase()
        .cmp(&b.to_lowercase())
        .then_with(|| a.cmp(b))
}

/// Key of a (technique, tactic) annotation.
type Key = (ObjectId, String);

impl MatrixView {
    /// Builds the view of `layer` over `catalogue` (the release the layer is shown with).
    ///
    /// Aggregate scores (when the layer's `layout.showAggregateScores` is set) come from
    /// [`navlayer_ops::aggregate_score`], over every sub-technique of the parent in the tactic.
    pub fn build(layer: &Layer, catalogue: &Catalogue, options: &RenderOptions) -> MatrixView {
        let aggregate_options = navlayer_ops::AggregateOptions::from_layer(layer);
        let mut warnings = Vec::new();
        let layout = layer.layout_or_default();
        let gradient = GradientScale::from_layer(&layer.gradient_or_default());
        let show_aggregate = layout.show_aggregate_scores.unwrap_or(false);

        // Tactic short names of the matrix, in order.
        let tactic_ids: Vec<ObjectId> = catalogue.tactics().to_vec();
        let tactic_short: Vec<String> = tactic_ids
            .iter()
            .map(|&t| catalogue.object(t).shortname.clone().unwrap_or_default())
            .collect();
        let known_tactics: BTreeSet<&str> = tactic_short.iter().map(String::as_str).collect();

        // Merge annotations per (technique, tactic).
        let mut notes: HashMap<Key, Annotation> = HashMap::new();
        let mut unknown_ids = BTreeSet::new();
        let mut unknown_tactics = BTreeSet::new();
        for e in &layer.techniques {
            let Some(id) = catalogue
                .by_attack_id(e.technique_id.trim())
                .filter(|&id| catalogue.object(id).kind.is_technique())
            else {
                unknown_ids.insert(e.technique_id.clone());
                continue;
            };
            let obj = catalogue.object(id);
            match e.tactic.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
                Some(t) => {
                    if !known_tactics.contains(t) {
                        unknown_tactics.insert(t.to_string());
                        continue;
                    }
                    notes.entry((id, t.to_string())).or_default().apply(e);
                }
                None => {
                    for t in &obj.tactics {
                        notes.entry((id, t.clone())).or_default().apply(e);
                    }
                }
            }
        }
        if !unknown_ids.is_empty() {
            warnings.push(format!(
                "{} technique ID(s) not in ATT&CK {} {} were left out: {}",
                unknown_ids.len(),
                catalogue.domain(),
                catalogue.release(),
                unknown_ids
                    .iter()
                    .take(10)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        if !unknown_tactics.is_empty() {
            warnings.push(format!(
                "entries for tactic(s) not in ATT&CK {} {} were left out: {}",
                catalogue.domain(),
                catalogue.release(),
                unknown_tactics
                    .iter()
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }

        // Platform filter.
        let all_platforms = catalogue.platforms();
        let mut platforms: Vec<String> = Vec::new();
        if let Some(sel) = layer.filters.as_ref().and_then(|f| f.platforms.as_ref()) {
            let mut unmatched = Vec::new();
            for p in sel {
                match all_platforms
                    .iter()
                    .find(|a| a.eq_ignore_ascii_case(p.trim()))
                {
                    Some(a) if !platforms.contains(a) => platforms.push(a.clone()),
                    Some(_) => {}
                    None => unmatched.push(p.clone()),
                }
            }
            if !unmatched.is_empty() {
                warnings.push(format!(
                    "platform filter(s) not in this release were ignored: {}",
                    unmatched.join(", ")
                ));
            }
            if platforms.is_empty() && !sel.is_empty() {
                warnings.push(
                    "no platform of the filter is in this release; showing all platforms".into(),
                );
            }
            if platforms.len() == all_platforms.len() {
                platforms.clear();
            }
        }
        let platform_ok = |id: ObjectId| {
            if platforms.is_empty() {
                return true;
            }
            let o = catalogue.object(id);
            o.platforms.is_empty() || o.platforms.iter().any(|p| platforms.contains(p))
        };

        let hide_disabled = layer.hide_disabled.unwrap_or(false);
        let expand = options.expand.or_else(|| {
            layout
                .expanded_subtechniques
                .as_deref()
                .and_then(|s| s.parse::<Expand>().ok())
        });
        let sorting = layer.sorting.unwrap_or(0);
        let tactic_row_background = if layer.show_tactic_row_background.unwrap_or(false) {
            layer.tactic_row_background.as_deref().and_then(Rgb::parse)
        } else {
            None
        };

        let empty = Annotation::default();
        let mut uses_gradient = false;
        let mut columns = Vec::new();
        for (ti, &tactic) in tactic_ids.iter().enumerate() {
            let short = &tactic_short[ti];
            let tobj = catalogue.object(tactic);
            let mut parents: Vec<(Cell, Vec<Cell>, f64)> = Vec::new();
            for tech in catalogue.techniques_in_tactic(tactic) {
                let obj = catalogue.object(tech);
                if obj.kind != ObjectKind::Technique || catalogue.parent_of(tech).is_some() {
                    continue;
                }
                if !platform_ok(tech) {
                    continue;
                }
                let note = notes.get(&(tech, short.clone())).unwrap_or(&empty);
                let subs_all: Vec<ObjectId> = catalogue
                    .subtechniques_of(tech)
                    .into_iter()
                    .filter(|&s| catalogue.object(s).tactics.iter().any(|t| t == short))
                    .collect();
                let mut subs: Vec<(ObjectId, &Annotation)> = Vec::new();
                let all_sub_scores: Vec<Option<f64>> = subs_all
                    .iter()
                    .map(|&s| notes.get(&(s, short.clone())).and_then(|n| n.score))
                    .collect();
                for s in subs_all {
                    let sn = notes.get(&(s, short.clone())).unwrap_or(&empty);
                    if !platform_ok(s) || (hide_disabled && !sn.enabled()) {
                        continue;
                    }
                    subs.push((s, sn));
                }
                if hide_disabled && !note.enabled() && !subs.iter().any(|(_, n)| n.enabled()) {
                    continue;
                }
                let any_sub_annotated = subs.iter().any(|(_, n)| n.is_annotated());
                let expanded = !subs.is_empty()
                    && match expand {
                        Some(Expand::All) => true,
                        Some(Expand::Annotated) => {
                            any_sub_annotated || note.show_subtechniques == Some(true)
                        }
                        Some(Expand::None) if options.expand.is_some() => false,
                        _ => note.show_subtechniques.unwrap_or(false),
                    };
                let agg = if show_aggregate && !all_sub_scores.is_empty() {
                    navlayer_ops::aggregate_score(aggregate_options, note.score, all_sub_scores)
                } else {
                    None
                };
                let mut parent = make_cell(catalogue, tech, short, note, false, agg, &gradient);
                parent.sub_count = subs.len();
                parent.expanded = expanded;
                let mut sub_cells: Vec<Cell> = subs
                    .iter()
                    .map(|&(s, n)| {
                        let mut c = make_cell(catalogue, s, short, n, true, None, &gradient);
                        c.expanded = expanded;
                        c
                    })
                    .collect();
                // Sub-techniques: unscored sort as 0.
                sub_cells.sort_by(|a, b| {
                    sort_cmp(
                        sorting,
                        &a.name,
                        &b.name,
                        a.score.unwrap_or(0.0),
                        b.score.unwrap_or(0.0),
                    )
                });
                // Parents: unscored sort below any score.
                let key = if show_aggregate && parent.sub_count > 0 {
                    agg.or(parent.score).unwrap_or(f64::NEG_INFINITY)
                } else {
                    parent.score.unwrap_or(f64::NEG_INFINITY)
                };
                parents.push((parent, sub_cells, key));
            }
            if parents.is_empty() {
                continue;
            }
            parents.sort_by(|a, b| sort_cmp(sorting, &a.0.name, &b.0.name, a.2, b.2));
            let technique_count = parents.len();
            let mut cells = Vec::new();
            for (p, subs, _) in parents {
                uses_gradient |=
                    p.color.is_none() && p.enabled && (p.aggregate.is_some() || p.score.is_some());
                cells.push(p);
                for s in subs {
                    uses_gradient |=
                        s.expanded && s.color.is_none() && s.enabled && s.score.is_some();
                    cells.push(s);
                }
            }
            columns.push(Column {
                attack_id: tobj.attack_id.clone().unwrap_or_default(),
                name: tobj.name.clone(),
                shortname: short.clone(),
                technique_count,
                cells,
            });
        }

        // Flat entries, in file order.
        let entries = layer
            .techniques
            .iter()
            .map(|e| {
                let id = catalogue
                    .by_attack_id(e.technique_id.trim())
                    .filter(|&id| catalogue.object(id).kind.is_technique());
                let name = id
                    .map(|i| catalogue.object(i).name.clone())
                    .unwrap_or_default();
                let tactic = match e.tactic.as_deref().filter(|t| !t.trim().is_empty()) {
                    Some(t) => t.to_string(),
                    None => id
                        .map(|i| catalogue.object(i).tactics.join(", "))
                        .unwrap_or_default(),
                };
                EntryRow {
                    technique_id: e.technique_id.clone(),
                    name,
                    tactic,
                    score: e.score,
                    color: e.color.clone().unwrap_or_default(),
                    comment: e.comment.clone().unwrap_or_default(),
                    enabled: e.is_enabled(),
                    metadata: convert_meta(e.metadata.as_ref()),
                    links: convert_links(e.links.as_ref()),
                }
            })
            .collect();

        let legend = layer
            .legend_items
            .iter()
            .flatten()
            .map(|l| LegendEntry {
                label: l.label.clone(),
                color: Rgb::parse(&l.color),
            })
            .collect();

        MatrixView {
            name: layer.name.clone(),
            description: layer.description.clone().unwrap_or_default(),
            domain: layer.domain.clone(),
            domain_label: format!("{} ATT&CK", catalogue.domain().display_name()),
            release: catalogue.release().to_string(),
            layer_attack_version: layer
                .versions
                .as_ref()
                .and_then(|v| v.attack.clone())
                .filter(|s| !s.trim().is_empty()),
            platforms,
            gradient,
            uses_gradient,
            legend,
            metadata: convert_meta(layer.metadata.as_ref()),
            links: convert_links(layer.links.as_ref()),
            tactic_row_background,
            show_id: layout.show_id.unwrap_or(false),
            show_name: layout.show_name.unwrap_or(true),
            columns,
            entries,
            warnings,
        }
    }

    /// Number of cells drawn when only expanded sub-techniques are shown, in the tallest column.
    pub fn max_rows(&self) -> usize {
        self.columns
            .iter()
            .map(|c| c.cells.iter().filter(|x| !x.is_sub || x.expanded).count())
            .max()
            .unwrap_or(0)
    }

    /// The text identifying the release: `Enterprise ATT&CK v18.1` (and the layer's own version
    /// when it differs).
    pub fn release_label(&self) -> String {
        let mut s = format!("{} v{}", self.domain_label, self.release);
        if let Some(v) = &self.layer_attack_version {
            let major = self.release.split('.').next().unwrap_or("");
            let theirs = v.trim_start_matches(['v', 'V']);
            if theirs != self.release && theirs.split('.').next() != Some(major) {
                s.push_str(&format!(" (layer made for v{theirs})"));
            }
        }
        s
    }
}

fn sort_cmp(sorting: i64, a_name: &str, b_name: &str, a: f64, b: f64) -> Ordering {
    match sorting {
        1 => name_cmp(b_name, a_name),
        2 => a
            .partial_cmp(&b)
            .unwrap_or(Ordering::Equal)
            .then_with(|| name_cmp(a_name, b_name)),
        3 => b
            .partial_cmp(&a)
            .unwrap_or(Ordering::Equal)
            .then_with(|| name_cmp(a_name, b_name)),
        _ => name_cmp(a_name, b_name),
    }
}

fn make_cell(
    catalogue: &Catalogue,
    id: ObjectId,
    tactic: &str,
    note: &Annotation,
    is_sub: bool,
    aggregate: Option<f64>,
    gradient: &GradientScale,
) -> Cell {
    let obj = catalogue.object(id);
    let enabled = note.enabled();
    let color = note.color.as_deref().and_then(Rgb::parse);
    let background = if !enabled {
        None
    } else if let Some(c) = color {
        Some(c)
    } else if let Some(a) = aggregate {
        Some(gradient.color_at(a))
    } else {
        note.score.map(|s| gradient.color_at(s))
    };
    Cell {
        attack_id: obj.attack_id.clone().unwrap_or_default(),
        name: obj.name.clone(),
        tactic: tactic.to_string(),
        is_sub,
        sub_count: 0,
        expanded: false,
        score: note.score,
        aggregate,
        comment: note.comment.clone().filter(|c| !c.is_empty()),
        enabled,
        color,
        background,
        text: background.map(Rgb::readable_text),
        metadata: convert_meta(note.metadata.as_ref()),
        links: convert_links(note.links.as_ref()),
        annotated: note.is_annotated(),
        url: obj.url.clone(),
    }
}
