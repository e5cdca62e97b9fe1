//! The format-neutral matrix view: a layer laid over the catalogue of its release.

use std::cmp::Ordering;
use std::collections::{BTreeSet, HashMap};

use navlayer_attack::{Catalogue, ObjectId, ObjectKind};
use navlayer_layer::{Layer, LinkItem, MetadataItem, TechniqueEntry};

use crate::color::{GradientScale, Rgb};
use crate::options::{LayoutKind, RenderOptions, Subtechniques};

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
    /// Number of sub-techniques listed after this parent in its column (parents only).
    pub sub_count: usize,
    /// Sub-techniques of this parent visible under the layer's filters, before
    /// `annotatedOnly` (the `13` of the Navigator's `(12/13)`).
    pub sub_total: usize,
    /// How many of those the layer annotates (the `12` of `(12/13)`).
    pub sub_annotated: usize,
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

    /// Tooltip text: ID and name, score, aggregate, disabled, comment.
    pub fn tooltip(&self) -> String {
        let mut t = format!("{} {}", self.attack_id, self.name);
        if let Some(s) = self.score {
            t.push_str(&format!("\nscore: {}", format_score(s)));
        }
        if let Some(a) = self.aggregate {
            t.push_str(&format!("\naggregate score: {}", format_score(a)));
        }
        if !self.enabled {
            t.push_str("\n(disabled)");
        }
        if let Some(comment) = &self.comment {
            t.push_str("\ncomment: ");
            t.push_str(comment);
        }
        t
    }

    /// The Navigator's `(annotated/visible)` sub-technique count of a parent, e.g. `(12/13)`.
    pub fn count_label(&self) -> Option<String> {
        (!self.is_sub && self.sub_total > 0)
            .then(|| format!("({}/{})", self.sub_annotated, self.sub_total))
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
    /// Index of the matrix (in [`MatrixView::matrices`]) this column belongs to.
    pub matrix: usize,
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

/// One matrix of the domain (`Enterprise ATT&CK`; old mobile releases had two).
#[derive(Debug, Clone, PartialEq)]
pub struct MatrixInfo {
    /// Matrix name from the data.
    pub name: String,
    /// Its columns: `columns[first..first + count]`.
    pub first: usize,
    /// Number of its columns shown.
    pub count: usize,
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
    /// Every platform of the release (what an unfiltered layer shows).
    pub release_platforms: Vec<String>,
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
    /// The layout to draw (options, else the layer's `layout.layout`, else side).
    pub layout: LayoutKind,
    /// Show technique IDs in cells.
    pub show_id: bool,
    /// Show technique names in cells.
    pub show_name: bool,
    /// Tactic columns in matrix order (tactics with no visible technique are left out), the
    /// columns of every matrix one after the other.
    pub columns: Vec<Column>,
    /// The matrices, each naming its run of `columns`.
    pub matrices: Vec<MatrixInfo>,
    /// True when only annotated techniques are drawn (`annotatedOnly`).
    pub annotated_only: bool,
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

/// Annotations merged per (technique, tactic), with what could not be placed.
struct Notes {
    by_cell: HashMap<Key, Annotation>,
    unknown_ids: BTreeSet<String>,
    unknown_tactics: BTreeSet<String>,
}

impl Notes {
    fn collect(layer: &Layer, catalogue: &Catalogue, known_tactics: &BTreeSet<&str>) -> Notes {
        let mut notes = Notes {
            by_cell: HashMap::new(),
            unknown_ids: BTreeSet::new(),
            unknown_tactics: BTreeSet::new(),
        };
        for e in &layer.techniques {
            let Some(id) = technique_id(catalogue, &e.technique_id) else {
                notes.unknown_ids.insert(e.technique_id.clone());
                continue;
            };
            match e.tactic.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
                Some(t) if known_tactics.contains(t) => {
                    notes
                        .by_cell
                        .entry((id, t.to_string()))
                        .or_default()
                        .apply(e);
                }
                Some(t) => {
                    notes.unknown_tactics.insert(t.to_string());
                }
                None => {
                    for t in &catalogue.object(id).tactics {
                        notes.by_cell.entry((id, t.clone())).or_default().apply(e);
                    }
                }
            }
        }
        notes
    }

    fn warnings(&self, catalogue: &Catalogue, warnings: &mut Vec<String>) {
        if !self.unknown_ids.is_empty() {
            warnings.push(format!(
                "{} technique ID(s) not in ATT&CK {} {} were left out: {}",
                self.unknown_ids.len(),
                catalogue.domain(),
                catalogue.release(),
                self.unknown_ids
                    .iter()
                    .take(10)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        if !self.unknown_tactics.is_empty() {
            warnings.push(format!(
                "entries for tactic(s) not in ATT&CK {} {} were left out: {}",
                catalogue.domain(),
                catalogue.release(),
                self.unknown_tactics
                    .iter()
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
    }
}

/// The technique (or sub-technique) an entry's ID names.
fn technique_id(catalogue: &Catalogue, id: &str) -> Option<ObjectId> {
    catalogue
        .by_attack_id(id.trim())
        .filter(|&id| catalogue.object(id).kind.is_technique())
}

/// The platforms of the layer's filter that this release knows (empty: no filter).
fn platform_filter(
    layer: &Layer,
    catalogue: &Catalogue,
    warnings: &mut Vec<String>,
) -> Vec<String> {
    let all_platforms = catalogue.platforms();
    let mut platforms: Vec<String> = Vec::new();
    let Some(sel) = layer.filters.as_ref().and_then(|f| f.platforms.as_ref()) else {
        return platforms;
    };
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
        warnings.push("no platform of the filter is in this release; showing all platforms".into());
    }
    if platforms.len() == all_platforms.len() {
        platforms.clear();
    }
    platforms
}

/// The matrices of the release (not deprecated or revoked) with their tactics in order; the
/// catalogue's tactic order when the data has no usable matrix.
fn matrices_of(catalogue: &Catalogue, fallback_name: &str) -> Vec<(String, Vec<ObjectId>)> {
    let mut out: Vec<(String, Vec<ObjectId>)> = catalogue
        .objects()
        .iter()
        .filter(|o| o.kind == ObjectKind::Matrix && o.is_active())
        .map(|m| {
            let tactics = m
                .tactic_refs
                .iter()
                .filter_map(|r| catalogue.by_stix_id(r))
                .filter(|&t| {
                    let o = catalogue.object(t);
                    o.kind == ObjectKind::Tactic && o.is_active()
                })
                .collect::<Vec<_>>();
            (m.name.clone(), tactics)
        })
        .filter(|(_, t)| !t.is_empty())
        .collect();
    if out.is_empty() {
        out.push((fallback_name.to_string(), catalogue.tactics().to_vec()));
    }
    out
}

/// What decides which cells a column holds.
struct ColumnRules<'a> {
    catalogue: &'a Catalogue,
    notes: &'a HashMap<Key, Annotation>,
    platforms: &'a [String],
    hide_disabled: bool,
    mode: Subtechniques,
    layer_mode: Option<Subtechniques>,
    annotated_only: bool,
    sorting: i64,
    show_aggregate: bool,
    aggregate_options: navlayer_ops::AggregateOptions,
    gradient: &'a GradientScale,
}

const EMPTY: Annotation = Annotation {
    score: None,
    color: None,
    comment: None,
    enabled: None,
    metadata: None,
    links: None,
    show_subtechniques: None,
};

impl ColumnRules<'_> {
    fn note(&self, id: ObjectId, tactic: &str) -> &Annotation {
        self.notes.get(&(id, tactic.to_string())).unwrap_or(&EMPTY)
    }

    fn platform_ok(&self, id: ObjectId) -> bool {
        if self.platforms.is_empty() {
            return true;
        }
        let o = self.catalogue.object(id);
        o.platforms.is_empty() || o.platforms.iter().any(|p| self.platforms.contains(p))
    }

    /// Whether a parent's sub-techniques are drawn.
    fn expanded(&self, note: &Annotation, any_sub_annotated: bool) -> bool {
        let annotated = any_sub_annotated || note.show_subtechniques == Some(true);
        match self.mode {
            Subtechniques::All => true,
            Subtechniques::None => false,
            Subtechniques::Annotated => annotated,
            Subtechniques::Expanded => match self.layer_mode {
                Some(Subtechniques::All) => true,
                Some(Subtechniques::Annotated) => annotated,
                _ => note.show_subtechniques.unwrap_or(false),
            },
        }
    }

    /// One parent and its sub-techniques under `tactic`, or `None` when it is not drawn.
    fn parent(&self, tech: ObjectId, short: &str) -> Option<(Cell, Vec<Cell>, f64)> {
        let catalogue = self.catalogue;
        let note = self.note(tech, short);
        let subs_all: Vec<ObjectId> = catalogue
            .subtechniques_of(tech)
            .into_iter()
            .filter(|&s| catalogue.object(s).tactics.iter().any(|t| t == short))
            .collect();
        let all_sub_scores: Vec<Option<f64>> = subs_all
            .iter()
            .map(|&s| self.note(s, short).score)
            .collect();
        let subs: Vec<(ObjectId, &Annotation)> = subs_all
            .into_iter()
            .map(|s| (s, self.note(s, short)))
            .filter(|&(s, n)| (n.enabled() || !self.hide_disabled) && self.platform_ok(s))
            .collect();
        if self.hide_disabled && !note.enabled() && !subs.iter().any(|(_, n)| n.enabled()) {
            return None;
        }
        let sub_annotated = subs.iter().filter(|(_, n)| n.is_annotated()).count();
        if self.annotated_only && !note.is_annotated() && sub_annotated == 0 {
            return None;
        }
        let expanded = !subs.is_empty() && self.expanded(note, sub_annotated > 0);
        let agg = if self.show_aggregate && !all_sub_scores.is_empty() {
            navlayer_ops::aggregate_score(self.aggregate_options, note.score, all_sub_scores)
        } else {
            None
        };
        let mut parent = make_cell(catalogue, tech, short, note, false, agg, self.gradient);
        parent.sub_total = subs.len();
        parent.sub_annotated = sub_annotated;
        let mut sub_cells: Vec<Cell> = subs
            .iter()
            .filter(|(_, n)| !self.annotated_only || n.is_annotated())
            .map(|&(s, n)| {
                let mut c = make_cell(catalogue, s, short, n, true, None, self.gradient);
                c.expanded = expanded;
                c
            })
            .collect();
        parent.sub_count = sub_cells.len();
        parent.expanded = expanded && !sub_cells.is_empty();
        // Sub-techniques: unscored sort as 0.
        sub_cells.sort_by(|a, b| {
            sort_cmp(
                self.sorting,
                &a.name,
                &b.name,
                a.score.unwrap_or(0.0),
                b.score.unwrap_or(0.0),
            )
        });
        // Parents: unscored sort below any score.
        let key = if self.show_aggregate && parent.sub_count > 0 {
            agg.or(parent.score).unwrap_or(f64::NEG_INFINITY)
        } else {
            parent.score.unwrap_or(f64::NEG_INFINITY)
        };
        Some((parent, sub_cells, key))
    }

    /// The column of one tactic, or `None` when nothing in it is drawn.
    fn column(&self, tactic: ObjectId, matrix: usize) -> Option<Column> {
        let catalogue = self.catalogue;
        let tobj = catalogue.object(tactic);
        let short = tobj.shortname.clone().unwrap_or_default();
        let mut parents: Vec<(Cell, Vec<Cell>, f64)> = catalogue
            .techniques_in_tactic(tactic)
            .into_iter()
            .filter(|&t| {
                catalogue.object(t).kind == ObjectKind::Technique
                    && catalogue.parent_of(t).is_none()
                    && self.platform_ok(t)
            })
            .filter_map(|t| self.parent(t, &short))
            .collect();
        if parents.is_empty() {
            return None;
        }
        parents.sort_by(|a, b| sort_cmp(self.sorting, &a.0.name, &b.0.name, a.2, b.2));
        let technique_count = parents.len();
        let mut cells = Vec::new();
        for (p, subs, _) in parents {
            cells.push(p);
            cells.extend(subs);
        }
        Some(Column {
            attack_id: tobj.attack_id.clone().unwrap_or_default(),
            name: tobj.name.clone(),
            shortname: short,
            technique_count,
            matrix,
            cells,
        })
    }
}

/// True when some drawn cell takes its colour from a score.
fn uses_gradient(columns: &[Column]) -> bool {
    columns.iter().flat_map(|c| &c.cells).any(|c| {
        (!c.is_sub || c.expanded)
            && c.color.is_none()
            && c.enabled
            && (c.aggregate.is_some() || c.score.is_some())
    })
}

/// One row per layer entry, in file order.
fn entry_rows(layer: &Layer, catalogue: &Catalogue) -> Vec<EntryRow> {
    layer
        .techniques
        .iter()
        .map(|e| {
            let id = technique_id(catalogue, &e.technique_id);
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
        .collect()
}

impl MatrixView {
    /// Builds the view of `layer` over `catalogue` (the release the layer is shown with).
    ///
    /// Aggregate scores (when the layer's `layout.showAggregateScores` is set) come from
    /// [`navlayer_ops::aggregate_score`], over every sub-technique of the parent in the tactic.
    pub fn build(layer: &Layer, catalogue: &Catalogue, options: &RenderOptions) -> MatrixView {
        let mut warnings = Vec::new();
        let layout = layer.layout_or_default();
        let gradient = GradientScale::from_layer(&layer.gradient_or_default());
        let kind = options.layout.unwrap_or_else(|| {
            layout
                .layout
                .as_deref()
                .and_then(|l| l.parse().ok())
                .unwrap_or(LayoutKind::Side)
        });
        let domain_label = format!("{} ATT&CK", catalogue.domain().display_name());
        let matrices = matrices_of(catalogue, &domain_label);
        let known_tactics: BTreeSet<&str> = matrices
            .iter()
            .flat_map(|(_, t)| t)
            .filter_map(|&t| catalogue.object(t).shortname.as_deref())
            .collect();
        let notes = Notes::collect(layer, catalogue, &known_tactics);
        notes.warnings(catalogue, &mut warnings);
        let platforms = platform_filter(layer, catalogue, &mut warnings);
        let rules = ColumnRules {
            catalogue,
            notes: &notes.by_cell,
            platforms: &platforms,
            hide_disabled: layer.hide_disabled.unwrap_or(false),
            mode: options.subtechniques.unwrap_or(match kind {
                LayoutKind::Mini => Subtechniques::All,
                _ => Subtechniques::Expanded,
            }),
            layer_mode: layout
                .expanded_subtechniques
                .as_deref()
                .and_then(|s| s.parse().ok()),
            annotated_only: options.annotated_only,
            sorting: layer.sorting.unwrap_or(0),
            show_aggregate: layout.show_aggregate_scores.unwrap_or(false),
            aggregate_options: navlayer_ops::AggregateOptions::from_layer(layer),
            gradient: &gradient,
        };
        let mut columns = Vec::new();
        let mut matrix_info = Vec::new();
        for (name, tactics) in &matrices {
            let first = columns.len();
            let index = matrix_info.len();
            columns.extend(tactics.iter().filter_map(|&t| rules.column(t, index)));
            if columns.len() > first || matrices.len() == 1 {
                matrix_info.push(MatrixInfo {
                    name: name.clone(),
                    first,
                    count: columns.len() - first,
                });
            }
        }
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
            domain_label,
            release: catalogue.release().to_string(),
            layer_attack_version: layer
                .versions
                .as_ref()
                .and_then(|v| v.attack.clone())
                .filter(|s| !s.trim().is_empty()),
            platforms,
            release_platforms: catalogue.platforms(),
            uses_gradient: uses_gradient(&columns),
            gradient,
            legend,
            metadata: convert_meta(layer.metadata.as_ref()),
            links: convert_links(layer.links.as_ref()),
            tactic_row_background: layer
                .show_tactic_row_background
                .unwrap_or(false)
                .then(|| layer.tactic_row_background.as_deref().and_then(Rgb::parse))
                .flatten(),
            layout: kind,
            show_id: options.show_id.unwrap_or(layout.show_id.unwrap_or(false)),
            show_name: options
                .show_name
                .unwrap_or(layout.show_name.unwrap_or(true)),
            columns,
            matrices: matrix_info,
            annotated_only: options.annotated_only,
            entries: entry_rows(layer, catalogue),
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

    /// The platforms the header lists: the filter, or every platform of the release (ICS
    /// releases name only the placeholder `None`, which is not listed).
    pub fn shown_platforms(&self) -> Vec<&str> {
        let list = if self.platforms.is_empty() {
            &self.release_platforms
        } else {
            &self.platforms
        };
        list.iter()
            .map(String::as_str)
            .filter(|p| !p.eq_ignore_ascii_case("none"))
            .collect()
    }

    /// The label of a cell as the layout shows it: `ID: name`, the ID, the name, or nothing.
    pub fn cell_label(&self, c: &Cell) -> String {
        match (self.show_id, self.show_name) {
            (true, true) => format!("{}: {}", c.attack_id, c.name),
            (true, false) => c.attack_id.clone(),
            (false, true) => c.name.clone(),
            (false, false) => String::new(),
        }
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
        sub_total: 0,
        sub_annotated: 0,
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
