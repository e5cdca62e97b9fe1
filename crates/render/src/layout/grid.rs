//! Side and flat matrices: column widths from the page width, row heights from the page
//! height, and the largest cell font size at which every label (word-wrapped) fits its cell.
//!
//! Side (the Navigator's default): a tactic with an expanded parent is two cells wide; the
//! parent spans the rows of its sub-techniques, a handle bar between them, the sub-techniques
//! stacked in their own column. Flat: sub-techniques below their parent, indented behind a bar.

use crate::color::Rgb;
use crate::layout::{
    Anchor, CellBox, Ctx, Run, Shape, TacticHead, TextLine, FLOOR_FONT, LINE_HEIGHT, MAX_FONT,
};
use crate::options::{LayoutKind, Scores};
use crate::text::{Words, ASCENT, DESCENT};
use crate::view::{format_score, Cell, Column};

/// The rectangle the matrix is drawn in.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Area {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

/// The laid-out matrix.
pub(crate) struct Body {
    pub tactics: Vec<TacticHead>,
    pub decorations: Vec<Shape>,
    pub cells: Vec<CellBox>,
    pub font_size: f64,
}

/// Horizontal padding inside a cell at font size `s`.
pub(crate) fn pad_h(s: f64) -> f64 {
    0.35 * s
}

/// Vertical padding inside a cell at font size `s`.
pub(crate) fn pad_v(s: f64) -> f64 {
    0.12 * s
}

/// Size of the count run relative to the label (the same: it must stay readable).
const COUNT_SCALE: f64 = 1.0;

/// Where a slot sits within its column: which part, its offset into the part and how much
/// narrower than the part it is.
#[derive(Debug, Clone, Copy)]
struct Place {
    part: usize,
    offset: Inset,
    reduce: Inset,
}

/// A width that depends on the page: none, a handle bar, the flat layout's indent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Inset {
    None,
    Handle,
    Indent,
}

impl Inset {
    fn width(self, f: Fixed) -> f64 {
        match self {
            Inset::None => 0.0,
            Inset::Handle => f.handle,
            Inset::Indent => f.indent,
        }
    }
}

/// A cell to place: which cell of the view, where, and how many rows it spans.
struct Slot<'a> {
    cell: &'a Cell,
    place: Place,
    row: usize,
    rows: usize,
    words: Words,
    count: Option<String>,
    score: Option<String>,
    score_em: f64,
    words_len: usize,
    widest: f64,
    /// `need[n - 1]`: the label's narrowest width for at most `n` lines, in em.
    need: Vec<f64>,
}

/// Lines for which [`Slot::need`] is computed exactly (more lines use the last, a safe bound).
const NEED_LINES: usize = 6;

impl Slot<'_> {
    /// The narrowest label width, in em, for at most `lines` lines (`lines` ≥ 1).
    fn need_em(&self, lines: usize) -> f64 {
        if lines >= self.words_len {
            return self.widest;
        }
        self.need[lines.min(self.need.len()) - 1]
    }
}

/// Where a handle bar goes.
#[derive(Debug, Clone, Copy)]
enum HandleAt {
    /// Between part 0 and part 1 (side, two parts).
    AfterFirst,
    /// At the right end of part 0, inside it (side, one part).
    EndOfFirst,
    /// At the left of the column (flat).
    Start,
}

struct Handle {
    at: HandleAt,
    row: usize,
    rows: usize,
    open: bool,
}

/// One tactic column with its slots (rows in row units, widths decided later).
struct Plan<'a> {
    column: &'a Column,
    parts: usize,
    rows: usize,
    slots: Vec<Slot<'a>>,
    handles: Vec<Handle>,
    /// Sub-technique bars (flat): first row, rows.
    bars: Vec<(usize, usize)>,
    head: Words,
    /// The heading's narrowest width for [`HEAD_LINES`] lines, in em of the heading size.
    head_em: f64,
}

/// The tactic heading text: `TA0002: Execution` with IDs shown, else the name.
pub(crate) fn tactic_label(ctx: &Ctx<'_>, col: &Column) -> String {
    if ctx.view.show_id {
        format!("{}: {}", col.attack_id, col.name)
    } else {
        col.name.clone()
    }
}

/// The technique-count line under a tactic name.
pub(crate) fn count_line(col: &Column) -> String {
    format!(
        "{} technique{}",
        col.technique_count,
        if col.technique_count == 1 { "" } else { "s" }
    )
}

/// Fixed widths: handle bars, gaps between columns, the flat layout's indent.
#[derive(Debug, Clone, Copy)]
struct Fixed {
    handle: f64,
    gap: f64,
    indent: f64,
}

impl Fixed {
    fn of(area: Area) -> Fixed {
        let handle = (area.w * 0.0035).clamp(2.0, 6.0);
        Fixed {
            handle,
            gap: (area.w * 0.004).clamp(2.0, 8.0),
            indent: handle * 2.2,
        }
    }
}

fn slot<'a>(ctx: &Ctx<'_>, cell: &'a Cell, place: Place, row: usize, rows: usize) -> Slot<'a> {
    let label = ctx.view.cell_label(cell);
    let mut words = ctx.m.words(&label, false);
    let count = cell
        .count_label()
        .filter(|_| ctx.opts.marks.subtechnique_counts && !label.is_empty());
    if let Some(c) = &count {
        words.push(c, ctx.m.width(c, COUNT_SCALE, false));
    }
    let score = cell
        .display_score()
        .filter(|_| ctx.opts.scores == Scores::InCell)
        .map(format_score);
    let score_em = score
        .as_deref()
        .map(|s| ctx.m.width(s, 1.0, true))
        .unwrap_or(0.0);
    let words_len = words.len();
    let need = (1..=NEED_LINES.min(words_len.max(1)))
        .map(|n| words.min_em(n))
        .collect();
    Slot {
        cell,
        place,
        row,
        rows,
        widest: words.widest(),
        words_len,
        need,
        words,
        count,
        score,
        score_em,
    }
}

/// Each parent of a column with the sub-techniques drawn after it.
fn groups(col: &Column) -> Vec<(&Cell, Vec<&Cell>)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < col.cells.len() {
        let parent = &col.cells[i];
        let subs: Vec<&Cell> = col.cells[i + 1..].iter().take_while(|c| c.is_sub).collect();
        i += 1 + subs.len();
        out.push((parent, subs.into_iter().filter(|c| c.expanded).collect()));
    }
    out
}

fn has_subs(c: &Cell) -> bool {
    c.sub_total > 0 || c.sub_count > 0
}

fn side_plan<'a>(ctx: &Ctx<'_>, col: &'a Column) -> Plan<'a> {
    let two = col.cells.iter().any(|x| x.expanded);
    let mut plan = Plan {
        column: col,
        parts: if two { 2 } else { 1 },
        rows: 0,
        slots: Vec::new(),
        handles: Vec::new(),
        bars: Vec::new(),
        head_em: 0.0,
        head: ctx.m.words(&tactic_label(ctx, col), true),
    };
    plan.head_em = plan.head.min_em(HEAD_LINES);
    for (parent, shown) in groups(col) {
        let rows = shown.len().max(1);
        let row = plan.rows;
        let inner = has_subs(parent) && !two;
        let place = Place {
            part: 0,
            offset: Inset::None,
            reduce: if inner { Inset::Handle } else { Inset::None },
        };
        plan.slots.push(slot(ctx, parent, place, row, rows));
        if has_subs(parent) {
            plan.handles.push(Handle {
                at: if two {
                    HandleAt::AfterFirst
                } else {
                    HandleAt::EndOfFirst
                },
                row,
                rows,
                open: !shown.is_empty(),
            });
        }
        for (k, s) in shown.iter().enumerate() {
            let place = Place {
                part: 1,
                offset: Inset::None,
                reduce: Inset::None,
            };
            plan.slots.push(slot(ctx, s, place, row + k, 1));
        }
        plan.rows += rows;
    }
    plan
}

fn flat_plan<'a>(ctx: &Ctx<'_>, col: &'a Column) -> Plan<'a> {
    let mut plan = Plan {
        column: col,
        parts: 1,
        rows: 0,
        slots: Vec::new(),
        handles: Vec::new(),
        bars: Vec::new(),
        head_em: 0.0,
        head: ctx.m.words(&tactic_label(ctx, col), true),
    };
    plan.head_em = plan.head.min_em(HEAD_LINES);
    for (parent, shown) in groups(col) {
        let row = plan.rows;
        let offset = if has_subs(parent) {
            Inset::Handle
        } else {
            Inset::None
        };
        let place = Place {
            part: 0,
            offset,
            reduce: offset,
        };
        plan.slots.push(slot(ctx, parent, place, row, 1));
        if has_subs(parent) {
            plan.handles.push(Handle {
                at: HandleAt::Start,
                row,
                rows: 1,
                open: !shown.is_empty(),
            });
        }
        if !shown.is_empty() {
            plan.bars.push((row + 1, shown.len()));
        }
        for (k, s) in shown.iter().enumerate() {
            let place = Place {
                part: 0,
                offset: Inset::Indent,
                reduce: Inset::Indent,
            };
            plan.slots.push(slot(ctx, s, place, row + 1 + k, 1));
        }
        plan.rows += 1 + shown.len();
    }
    plan
}

/// Lines of tactic name the heading row holds.
const HEAD_LINES: usize = 2;

/// Height of the tactic heading row at cell size `s`.
fn head_height(s: f64) -> f64 {
    HEAD_LINES as f64 * s * 1.05 * LINE_HEIGHT + s * 0.85 * LINE_HEIGHT + 3.0 * pad_v(s)
}

/// Rows are at most this many lines tall.
const MAX_ROW_LINES: f64 = 3.0;

/// The row height of a column with `rows` rows in `avail` points at size `s`.
fn row_height(rows: usize, avail: f64, s: f64) -> f64 {
    (avail / rows.max(1) as f64).min(MAX_ROW_LINES * s * LINE_HEIGHT + 2.0 * pad_v(s))
}

/// Width taken by a slot's padding and score at size `s`, in points.
fn slot_overhead(slot: &Slot<'_>, s: f64, f: Fixed) -> f64 {
    let score = if slot.score.is_some() {
        slot.score_em * s + 0.3 * s
    } else {
        0.0
    };
    2.0 * pad_h(s) + score + slot.place.reduce.width(f)
}

/// Lines a slot may use in its rows.
fn max_lines(slot: &Slot<'_>, row_h: f64, s: f64) -> usize {
    ((slot.rows as f64 * row_h - 2.0 * pad_v(s)) / (s * LINE_HEIGHT) + 1e-9).floor() as usize
}

/// The narrowest width of part `part` of a plan at which every slot's label fits its lines,
/// or `None` when some slot has room for no line at all.
fn part_min_width(plan: &Plan<'_>, part: usize, row_h: f64, s: f64, f: Fixed) -> Option<f64> {
    let mut need: f64 = 0.0;
    for sl in plan.slots.iter().filter(|sl| sl.place.part == part) {
        if sl.words_len == 0 {
            continue;
        }
        let lines = max_lines(sl, row_h, s);
        if lines == 0 {
            return None;
        }
        // A hair wider than the exact minimum, so rounding never costs a line.
        need = need.max((sl.need_em(lines) + 1e-6) * s + slot_overhead(sl, s, f));
    }
    Some(need)
}

/// The width the tactic name needs to wrap into the heading row.
fn head_min_width(plan: &Plan<'_>, s: f64) -> f64 {
    (plan.head_em + 1e-6) * s * 1.05 + 2.0 * pad_h(s)
}

/// Widths of every part of every column at size `s` (`None`: does not fit the area).
fn widths(plans: &[Plan<'_>], area: Area, f: Fixed, s: f64) -> Option<Vec<[f64; 2]>> {
    let avail = area.h - head_height(s);
    if avail <= 0.0 {
        return None;
    }
    let fixed = fixed_width(plans, f);
    let limit = area.w - fixed;
    let mut mins: Vec<[f64; 2]> = Vec::with_capacity(plans.len());
    for p in plans {
        let row_h = row_height(p.rows, avail, s);
        let mut w = [0.0; 2];
        for (part, slot_w) in w.iter_mut().enumerate().take(p.parts) {
            *slot_w = part_min_width(p, part, row_h, s, f)?.max(s);
        }
        let handle = if p.parts == 2 { f.handle } else { 0.0 };
        let head = head_min_width(p, s);
        let total = w[0] + w[1] + handle;
        if head > total {
            w[0] += head - total;
        }
        mins.push(w);
    }
    let need: f64 = mins.iter().map(|w| w[0] + w[1]).sum();
    if need > limit + 1e-6 {
        return None;
    }
    Some(fill_widths(plans, &mins, limit))
}

/// Gaps and handle bars between parts.
fn fixed_width(plans: &[Plan<'_>], f: Fixed) -> f64 {
    let breaks = plans
        .windows(2)
        .filter(|w| w[0].column.matrix != w[1].column.matrix)
        .count();
    f.gap * (plans.len().saturating_sub(1) + 3 * breaks) as f64
        + plans.iter().filter(|p| p.parts == 2).count() as f64 * f.handle
}

/// Spreads `limit` over the parts: every part at least its minimum, the rest evenly (water
/// filling), so columns are as equal as their contents allow.
fn fill_widths(plans: &[Plan<'_>], mins: &[[f64; 2]], limit: f64) -> Vec<[f64; 2]> {
    let parts: Vec<f64> = plans
        .iter()
        .zip(mins)
        .flat_map(|(p, w)| w.iter().take(p.parts).copied())
        .collect();
    let total = |t: f64| parts.iter().map(|m| m.max(t)).sum::<f64>();
    let (mut lo, mut hi) = (0.0, limit);
    for _ in 0..40 {
        let mid = (lo + hi) / 2.0;
        if total(mid) <= limit {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    plans
        .iter()
        .zip(mins)
        .map(|(p, w)| {
            let mut out = [0.0; 2];
            for part in 0..p.parts {
                out[part] = w[part].max(lo);
            }
            out
        })
        .collect()
}

/// The largest size in `FLOOR_FONT..=MAX_FONT` at which everything fits (the floor when
/// nothing does).
fn best_size(plans: &[Plan<'_>], area: Area, f: Fixed) -> f64 {
    let fits = |s: f64| widths(plans, area, f, s).is_some();
    if fits(MAX_FONT) {
        return MAX_FONT;
    }
    let (mut lo, mut hi) = (FLOOR_FONT, MAX_FONT);
    if !fits(lo) {
        return lo;
    }
    for _ in 0..20 {
        let mid = (lo + hi) / 2.0;
        if fits(mid) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    (lo * 1000.0).floor() / 1000.0
}

/// Equal widths for every part (when nothing fits: the floor size or a fixed size that is
/// too large).
fn even_widths(plans: &[Plan<'_>], area: Area, f: Fixed) -> Vec<[f64; 2]> {
    let units: usize = plans.iter().map(|p| p.parts).sum();
    let u = ((area.w - fixed_width(plans, f)) / units.max(1) as f64).max(1.0);
    plans
        .iter()
        .map(|p| if p.parts == 2 { [u, u] } else { [u, 0.0] })
        .collect()
}

/// The columns of a page with their labels measured, ready to be fitted to any page.
pub(crate) struct Prepared<'a> {
    plans: Vec<Plan<'a>>,
}

/// Measures the labels of the page's columns once (the page search lays them out many times).
pub(crate) fn prepare<'a>(ctx: &Ctx<'a>, columns: &[usize], kind: LayoutKind) -> Prepared<'a> {
    let view: &'a crate::view::MatrixView = ctx.view;
    let plans = columns
        .iter()
        .map(|&i| {
            let col = &view.columns[i];
            match kind {
                LayoutKind::Flat => flat_plan(ctx, col),
                _ => side_plan(ctx, col),
            }
        })
        .collect();
    Prepared { plans }
}

pub(crate) fn grid(ctx: &Ctx<'_>, prepared: &Prepared<'_>, area: Area) -> Body {
    let f = Fixed::of(area);
    let plans = &prepared.plans;
    let s = ctx
        .opts
        .font_size
        .unwrap_or_else(|| best_size(plans, area, f));
    let part_w = widths(plans, area, f, s).unwrap_or_else(|| even_widths(plans, area, f));
    let head_h = head_height(s);
    let avail = (area.h - head_h).max(s);
    let top = area.y + head_h;
    let mut body = Body {
        tactics: Vec::new(),
        decorations: Vec::new(),
        cells: Vec::new(),
        font_size: s,
    };
    let mut x = area.x;
    for (i, (p, w)) in plans.iter().zip(&part_w).enumerate() {
        if i > 0 && plans[i - 1].column.matrix != p.column.matrix {
            x += 3.0 * f.gap;
        }
        let handle = if p.parts == 2 { f.handle } else { 0.0 };
        let col_w = w[0] + handle + w[1];
        let row_h = row_height(p.rows, avail, s);
        body.tactics
            .push(tactic_head(ctx, p, x, col_w, area.y, head_h, s));
        for hd in &p.handles {
            let hx = match hd.at {
                HandleAt::AfterFirst => x + w[0],
                HandleAt::EndOfFirst => x + w[0] - f.handle,
                HandleAt::Start => x,
            };
            let fill = if hd.open {
                ctx.pal.sidebar
            } else {
                ctx.pal.sidebar.mix(ctx.pal.background, 0.55)
            };
            body.decorations.push(bar(
                hx,
                top + hd.row as f64 * row_h,
                f.handle,
                hd.rows as f64 * row_h,
                fill,
            ));
        }
        for &(row, n) in &p.bars {
            body.decorations.push(bar(
                x + f.handle * 0.6,
                top + row as f64 * row_h,
                f.handle,
                n as f64 * row_h,
                ctx.pal.sidebar,
            ));
        }
        for slot in &p.slots {
            let part_x = if slot.place.part == 0 {
                x
            } else {
                x + w[0] + handle
            };
            let cell_x = part_x + slot.place.offset.width(f);
            let cell_w = w[slot.place.part] - slot.place.reduce.width(f);
            let y = top + slot.row as f64 * row_h;
            body.cells.push(cell_box(
                ctx,
                slot,
                (cell_x, y, cell_w, row_h * slot.rows as f64),
                s,
                f,
            ));
        }
        x += col_w + f.gap;
    }
    body
}

fn bar(x: f64, y: f64, w: f64, h: f64, fill: Rgb) -> Shape {
    Shape::Rect {
        x,
        y,
        w,
        h,
        fill: Some(fill),
        stroke: None,
        radius: 0.0,
    }
}

fn tactic_head(ctx: &Ctx<'_>, p: &Plan<'_>, x: f64, w: f64, y: f64, h: f64, s: f64) -> TacticHead {
    let st = s * 1.05;
    let (fill, fg) = match ctx.view.tactic_row_background {
        Some(bg) => (Some(bg), bg.readable_text()),
        None => (None, ctx.pal.text),
    };
    let cx = x + w / 2.0;
    let wrapped = p.head.wrap_all(ctx.m, true, (w - 2.0 * pad_h(s)) / st);
    let mut lines = Vec::new();
    let mut baseline = y + pad_v(s) + st * (ASCENT + 0.02);
    for (t, _) in wrapped {
        lines.push(ctx.line(&t, (cx, baseline), st, true, Anchor::Middle, fg));
        baseline += st * LINE_HEIGHT;
    }
    let count = count_line(p.column);
    let count_size = s * 0.85;
    let count_baseline = y + h - 2.0 * pad_v(s) - DESCENT * count_size;
    lines.push(ctx.line(
        &count,
        (cx, count_baseline),
        count_size,
        false,
        Anchor::Middle,
        fg,
    ));
    TacticHead {
        shortname: p.column.shortname.clone(),
        x,
        y,
        w,
        h: h - pad_v(s),
        fill,
        lines,
    }
}

/// The text colour of a cell.
pub(crate) fn text_color(ctx: &Ctx<'_>, c: &Cell) -> Rgb {
    if !c.enabled {
        ctx.pal.disabled_text
    } else {
        c.text.unwrap_or(ctx.pal.text)
    }
}

/// The comment / metadata / link underline colour of a cell, if it has one.
pub(crate) fn mark_color(ctx: &Ctx<'_>, c: &Cell) -> Option<Rgb> {
    ctx.opts.marks.underline_color(
        c.comment.is_some(),
        !c.metadata.is_empty(),
        !c.links.is_empty(),
    )
}

fn cell_box(
    ctx: &Ctx<'_>,
    slot: &Slot<'_>,
    rect: (f64, f64, f64, f64),
    s: f64,
    f: Fixed,
) -> CellBox {
    let c = slot.cell;
    let (cx, y, w, h) = rect;
    let fg = text_color(ctx, c);
    let avail = ((w + slot.place.reduce.width(f) - slot_overhead(slot, s, f)) / s).max(0.0);
    let max_lines = (((h - 2.0 * pad_v(s)) / (s * LINE_HEIGHT) + 1e-9).floor() as usize).max(1);
    let (wrapped, cut) = match slot.words.wrap(avail) {
        Some(l) if l.len() <= max_lines => (l, false),
        _ => {
            let label = ctx.view.cell_label(c);
            let (l, _) = ctx.m.wrap(&label, s, false, avail * s, max_lines);
            let l = l
                .into_iter()
                .map(|t| {
                    let w = ctx.m.width(&t, 1.0, false);
                    (t, w)
                })
                .collect();
            (l, true)
        }
    };
    let block = wrapped.len() as f64 * s * LINE_HEIGHT;
    let mut baseline =
        y + (h - block) / 2.0 + s * (LINE_HEIGHT - ASCENT - DESCENT) / 2.0 + s * ASCENT;
    let x = cx + pad_h(s);
    let last = wrapped.len().saturating_sub(1);
    let count_fill = if c.sub_annotated > 0 {
        fg
    } else {
        ctx.pal.muted
    };
    let mut lines = Vec::new();
    for (i, (text, _)) in wrapped.into_iter().enumerate() {
        let mut runs = Vec::new();
        let count = slot.count.as_deref().filter(|_| i == last && !cut);
        match count.and_then(|k| text.strip_suffix(k).map(|head| (head, k))) {
            Some((head, k)) => {
                if !head.is_empty() {
                    runs.push(Run {
                        text: head.to_string(),
                        size: s,
                        fill: None,
                    });
                }
                runs.push(Run {
                    text: k.to_string(),
                    size: s * COUNT_SCALE,
                    fill: Some(count_fill),
                });
            }
            None => runs.push(Run {
                text,
                size: s,
                fill: None,
            }),
        }
        let width = runs
            .iter()
            .map(|r| ctx.m.width(&r.text, r.size, false))
            .sum();
        lines.push(TextLine {
            x,
            baseline,
            anchor: Anchor::Start,
            bold: false,
            fill: fg,
            runs,
            width,
        });
        baseline += s * LINE_HEIGHT;
    }
    let mut marks = Vec::new();
    if let Some(color) = mark_color(ctx, c) {
        for l in &lines {
            marks.push(Shape::Rect {
                x: l.x,
                y: l.baseline + 0.08 * s,
                w: l.width,
                h: (0.12 * s).max(0.3),
                fill: Some(color),
                stroke: None,
                radius: 0.0,
            });
        }
    }
    let score = slot.score.as_deref().map(|t| {
        let baseline = y + h / 2.0 + s * (ASCENT - DESCENT) / 2.0;
        ctx.line(t, (cx + w - pad_h(s), baseline), s, true, Anchor::End, fg)
    });
    CellBox {
        id: c.attack_id.clone(),
        tactic: c.tactic.clone(),
        name: c.name.clone(),
        is_sub: c.is_sub,
        x: cx,
        y,
        w,
        h,
        fill: if c.enabled {
            c.background.unwrap_or(ctx.pal.cell)
        } else {
            ctx.pal.cell
        },
        stroke: ctx.pal.border,
        stroke_width: (0.07 * s).clamp(0.15, 0.6),
        lines,
        score,
        marks,
        cut,
        tooltip: c.tooltip(),
    }
}
