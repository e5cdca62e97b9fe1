//! The page layout every picture format draws: where each header box, tactic heading and
//! technique cell goes on the page, in points (1/72 in), with every text line already wrapped,
//! sized and measured with the bundled font.
//!
//! [`layout`] turns a [`MatrixView`] into a [`Drawing`]: one [`Page`] (or one per matrix), the
//! cell text size used and the page chosen. SVG, PNG and PDF draw exactly these shapes, so the
//! readability of a picture can be checked from this data (every line's size and box) without
//! looking at it.
//!
//! Steps: [`header`] lays out the Navigator's header boxes (about, domain, platforms, legend
//! with the gradient's values); [`grid`] places side and flat matrices and finds the largest
//! cell font at which every label fits its cell; [`mini`] places the mini layout's squares;
//! this module picks the page (`fit: auto` tries the presets smallest first).

mod grid;
mod header;
mod mini;

use crate::color::Rgb;
use crate::options::{
    Fit, LayoutKind, Orientation, PageSize, Pages, Palette, RenderOptions, DEFAULT_MIN_FONT,
};
use crate::text::{Metrics, ASCENT, DESCENT};
use crate::view::MatrixView;
use crate::RenderError;

/// Line height, in em.
pub const LINE_HEIGHT: f64 = 1.15;
/// Largest cell text size the fitting chooses, in points (the Navigator's maximum).
pub const MAX_FONT: f64 = 12.0;
/// Smallest size the fitting tries, in points.
pub const FLOOR_FONT: f64 = 0.5;

/// Horizontal alignment of a text line at its `x`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    /// `x` is the left end.
    Start,
    /// `x` is the centre.
    Middle,
    /// `x` is the right end.
    End,
}

/// A piece of a text line in one size and colour.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    /// The text.
    pub text: String,
    /// Size in points.
    pub size: f64,
    /// Colour, when it differs from the line's.
    pub fill: Option<Rgb>,
}

/// One line of text, measured.
#[derive(Debug, Clone, PartialEq)]
pub struct TextLine {
    /// Anchor position.
    pub x: f64,
    /// Baseline.
    pub baseline: f64,
    /// How `x` anchors the line.
    pub anchor: Anchor,
    /// Bold face.
    pub bold: bool,
    /// Colour.
    pub fill: Rgb,
    /// The runs, left to right.
    pub runs: Vec<Run>,
    /// Advance width of the whole line, in points.
    pub width: f64,
}

impl TextLine {
    /// The line's text (all runs).
    pub fn text(&self) -> String {
        self.runs.iter().map(|r| r.text.as_str()).collect()
    }

    /// The largest run size.
    pub fn size(&self) -> f64 {
        self.runs.iter().map(|r| r.size).fold(0.0, f64::max)
    }

    /// The smallest run size.
    pub fn min_size(&self) -> f64 {
        self.runs
            .iter()
            .map(|r| r.size)
            .fold(f64::INFINITY, f64::min)
    }

    /// Left, top, right, bottom of the line's box (advance width × ascent + descent).
    pub fn bounds(&self) -> (f64, f64, f64, f64) {
        let left = match self.anchor {
            Anchor::Start => self.x,
            Anchor::Middle => self.x - self.width / 2.0,
            Anchor::End => self.x - self.width,
        };
        let size = self.size();
        (
            left,
            self.baseline - ASCENT * size,
            left + self.width,
            self.baseline + DESCENT * size,
        )
    }
}

/// A drawing primitive.
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    /// A rectangle.
    Rect {
        /// Left.
        x: f64,
        /// Top.
        y: f64,
        /// Width.
        w: f64,
        /// Height.
        h: f64,
        /// Fill, if any.
        fill: Option<Rgb>,
        /// Outline colour and width, if any.
        stroke: Option<(Rgb, f64)>,
        /// Corner radius.
        radius: f64,
    },
    /// A straight line.
    Line {
        /// Start x.
        x1: f64,
        /// Start y.
        y1: f64,
        /// End x.
        x2: f64,
        /// End y.
        y2: f64,
        /// Colour.
        stroke: Rgb,
        /// Width.
        width: f64,
    },
    /// A line of text.
    Text(TextLine),
}

/// A technique or sub-technique cell.
#[derive(Debug, Clone, PartialEq)]
pub struct CellBox {
    /// ATT&CK ID.
    pub id: String,
    /// Tactic short name.
    pub tactic: String,
    /// Technique name.
    pub name: String,
    /// A sub-technique.
    pub is_sub: bool,
    /// Left.
    pub x: f64,
    /// Top.
    pub y: f64,
    /// Width.
    pub w: f64,
    /// Height.
    pub h: f64,
    /// Background.
    pub fill: Rgb,
    /// Border colour.
    pub stroke: Rgb,
    /// Border width, in points.
    pub stroke_width: f64,
    /// The label, wrapped (the last line may end with the sub-technique count).
    pub lines: Vec<TextLine>,
    /// The score, right-aligned.
    pub score: Option<TextLine>,
    /// Comment/metadata/link underlines and mini-layout marks.
    pub marks: Vec<Shape>,
    /// True when the label had to be shortened to fit (only at a fixed or floor font size).
    pub cut: bool,
    /// Tooltip: ID, name, score, comment.
    pub tooltip: String,
}

/// A tactic heading above its column.
#[derive(Debug, Clone, PartialEq)]
pub struct TacticHead {
    /// Tactic short name.
    pub shortname: String,
    /// Left.
    pub x: f64,
    /// Top.
    pub y: f64,
    /// Width.
    pub w: f64,
    /// Height.
    pub h: f64,
    /// Background, when the layer sets a tactic row background.
    pub fill: Option<Rgb>,
    /// Name lines and the technique count line.
    pub lines: Vec<TextLine>,
}

/// A legend item as drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct LegendItemBox {
    /// The label from the layer.
    pub label: String,
    /// Its lines (never truncated).
    pub lines: Vec<TextLine>,
}

/// One page.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    /// Width in points.
    pub width: f64,
    /// Height in points.
    pub height: f64,
    /// Background.
    pub background: Rgb,
    /// Matrices on this page.
    pub matrices: Vec<String>,
    /// Header boxes and their text.
    pub header: Vec<Shape>,
    /// Legend items (also drawn in `header`), for checks.
    pub legend: Vec<LegendItemBox>,
    /// Tactic headings.
    pub tactics: Vec<TacticHead>,
    /// Lines and bars drawn behind the cells (sub-technique side bars, mini group boxes).
    pub decorations: Vec<Shape>,
    /// Technique cells.
    pub cells: Vec<CellBox>,
    /// Cell text size on this page, in points (0 in the mini layout, which has none).
    pub font_size: f64,
}

/// The laid-out pages and what was chosen.
#[derive(Debug, Clone, PartialEq)]
pub struct Drawing {
    /// The pages (one, or one per matrix).
    pub pages: Vec<Page>,
    /// The paper used.
    pub page_size: PageSize,
    /// Its orientation.
    pub orientation: Orientation,
    /// Cell text size in points (the smallest over the pages; 0 for mini).
    pub font_size: f64,
    /// What the reader should know (text below the readable size, labels shortened).
    pub warnings: Vec<String>,
}

impl Drawing {
    /// One line saying what was chosen: `letter landscape, cell text 2.4 pt`.
    pub fn summary(&self) -> String {
        let text = if self.font_size > 0.0 {
            format!("cell text {} pt", round2(self.font_size))
        } else {
            "no cell text (mini layout)".to_string()
        };
        format!(
            "{} {}, {}, {} page{}",
            self.page_size.name(),
            self.orientation,
            text,
            self.pages.len(),
            if self.pages.len() == 1 { "" } else { "s" }
        )
    }
}

/// Rounds to two decimals for reports.
pub fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

/// What the layout steps share.
pub(crate) struct Ctx<'a> {
    pub view: &'a MatrixView,
    pub opts: &'a RenderOptions,
    pub pal: Palette,
    pub m: &'a Metrics,
}

impl Ctx<'_> {
    /// A one-run text line measured with the bundled font.
    pub fn line(
        &self,
        text: &str,
        (x, baseline): (f64, f64),
        size: f64,
        bold: bool,
        anchor: Anchor,
        fill: Rgb,
    ) -> TextLine {
        TextLine {
            x,
            baseline,
            anchor,
            bold,
            fill,
            width: self.m.width(text, size, bold),
            runs: vec![Run {
                text: text.to_string(),
                size,
                fill: None,
            }],
        }
    }
}

/// Page margin in points for a page whose short side is `short_in` inches.
pub(crate) fn margin(short_in: f64) -> f64 {
    (short_in * 2.4).clamp(14.0, 48.0)
}

/// Lays out the view on the page the options ask for (or, with `fit: auto`, the smallest preset
/// at which the cell text stays readable).
pub fn layout(view: &MatrixView, opts: &RenderOptions) -> Result<Drawing, RenderError> {
    opts.validate()?;
    let m = Metrics::new();
    let ctx = Ctx {
        view,
        opts,
        pal: opts.theme.palette(),
        m: &m,
    };
    let groups: Vec<Group<'_>> = page_groups(view, opts.pages)
        .into_iter()
        .map(|(matrices, columns)| Group {
            prepared: (view.layout != LayoutKind::Mini)
                .then(|| grid::prepare(&ctx, &columns, view.layout)),
            matrices,
            columns,
        })
        .collect();
    let min = opts.readable_min();
    let mut drawing = match opts.fit {
        Fit::Page => draw_on(&ctx, &groups, opts.page_size, opts.orientation),
        Fit::Auto => {
            let mut chosen = None;
            'search: for (_, size) in PageSize::PRESETS {
                let other = match opts.orientation {
                    Orientation::Landscape => Orientation::Portrait,
                    Orientation::Portrait => Orientation::Landscape,
                };
                for orientation in [opts.orientation, other] {
                    let d = draw_on(&ctx, &groups, size, orientation);
                    if view.layout == LayoutKind::Mini || d.font_size >= min - 1e-9 {
                        chosen = Some(d);
                        break 'search;
                    }
                }
            }
            match chosen {
                Some(d) => d,
                None => {
                    let mut d = draw_on(&ctx, &groups, PageSize::POSTER_24X36, opts.orientation);
                    d.warnings.push(format!(
                        "even on 24x36 the cell text is {} pt, below {} pt",
                        round2(d.font_size),
                        min
                    ));
                    d
                }
            }
        }
    };
    let below = view.layout != LayoutKind::Mini && drawing.font_size + 1e-9 < min;
    if below && opts.min_font_size.is_some() && opts.font_size.is_none() {
        return Err(RenderError::Unreadable {
            size: round2(drawing.font_size),
            min,
            page: format!("{} {}", drawing.page_size.name(), drawing.orientation),
        });
    }
    if below && opts.fit == Fit::Page && opts.font_size.is_none() {
        drawing.warnings.push(format!(
            "cell text is {} pt on {} {}, below {} pt; --fit auto picks a page where it is readable",
            round2(drawing.font_size),
            drawing.page_size.name(),
            drawing.orientation,
            DEFAULT_MIN_FONT.max(min)
        ));
    }
    Ok(drawing)
}

/// The columns drawn on each page: all matrices together, or one page per matrix.
fn page_groups(view: &MatrixView, pages: Pages) -> Vec<(Vec<String>, Vec<usize>)> {
    match pages {
        Pages::PerMatrix if view.matrices.len() > 1 => view
            .matrices
            .iter()
            .map(|m| (vec![m.name.clone()], (m.first..m.first + m.count).collect()))
            .collect(),
        _ => vec![(
            view.matrices.iter().map(|m| m.name.clone()).collect(),
            (0..view.columns.len()).collect(),
        )],
    }
}

/// The columns of one page, measured once for every page size tried.
struct Group<'a> {
    matrices: Vec<String>,
    columns: Vec<usize>,
    prepared: Option<grid::Prepared<'a>>,
}

fn draw_on(
    ctx: &Ctx<'_>,
    groups: &[Group<'_>],
    size: PageSize,
    orientation: Orientation,
) -> Drawing {
    let (w_in, h_in) = size.oriented(orientation);
    let (width, height) = (w_in * 72.0, h_in * 72.0);
    let margin = margin(w_in.min(h_in));
    let mut warnings = Vec::new();
    let mut pages = Vec::new();
    for group in groups {
        let head = header::header(ctx, margin, width - 2.0 * margin, w_in.min(h_in));
        let top = margin + head.height;
        let area = grid::Area {
            x: margin,
            y: top,
            w: width - 2.0 * margin,
            h: (height - margin - top).max(1.0),
        };
        let body = match &group.prepared {
            Some(prepared) => grid::grid(ctx, prepared, area),
            None => mini::mini(ctx, &group.columns, area),
        };
        let cut = body.cells.iter().filter(|c| c.cut).count();
        if cut > 0 {
            warnings.push(format!(
                "{cut} label(s) shortened to fit their cell at {} pt",
                round2(body.font_size)
            ));
        }
        pages.push(Page {
            width,
            height,
            background: ctx.pal.background,
            matrices: group.matrices.clone(),
            header: head.shapes,
            legend: head.legend,
            tactics: body.tactics,
            decorations: body.decorations,
            cells: body.cells,
            font_size: body.font_size,
        });
    }
    let font_size = pages
        .iter()
        .map(|p| p.font_size)
        .fold(f64::INFINITY, f64::min);
    Drawing {
        pages,
        page_size: size,
        orientation,
        font_size: if font_size.is_finite() {
            font_size
        } else {
            0.0
        },
        warnings,
    }
}
