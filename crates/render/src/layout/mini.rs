//! The mini layout: each technique a small square, no text; a parent with sub-techniques shown
//! is boxed with its sub-techniques, as the Navigator's mini matrix. The squares are as large
//! as the page allows.

use crate::layout::grid::{count_line, mark_color, tactic_label, text_color, Area, Body};
use crate::layout::{Anchor, CellBox, Ctx, Shape, TacticHead, LINE_HEIGHT};
use crate::text::ASCENT;
use crate::view::{Cell, Column};

/// Largest square side, in points.
const MAX_SQUARE: f64 = 28.0;

/// Squares of one column: (cell, x, y) with the boxes drawn around parent groups.
struct Placed<'a> {
    squares: Vec<(&'a Cell, f64, f64)>,
    boxes: Vec<(f64, f64, f64, f64)>,
    height: f64,
}

fn gap(q: f64) -> f64 {
    (q * 0.18).max(0.6)
}

/// Places one column's squares of side `q` in width `w` from (x, y).
fn place<'a>(col: &'a Column, x: f64, y: f64, w: f64, q: f64) -> Placed<'a> {
    let g = gap(q);
    let per_row = (((w + g) / (q + g)).floor() as usize).max(1);
    let pad = g * 1.5;
    let per_box_row = (((w - 2.0 * pad + g) / (q + g)).floor() as usize).max(1);
    let mut out = Placed {
        squares: Vec::new(),
        boxes: Vec::new(),
        height: 0.0,
    };
    let (mut cy, mut cx) = (y, 0usize);
    let mut i = 0;
    while i < col.cells.len() {
        let parent = &col.cells[i];
        let subs: Vec<&Cell> = col.cells[i + 1..]
            .iter()
            .take_while(|c| c.is_sub)
            .filter(|c| c.expanded)
            .collect();
        i += 1 + col.cells[i + 1..].iter().take_while(|c| c.is_sub).count();
        if subs.is_empty() {
            if cx == per_row {
                cx = 0;
                cy += q + g;
            }
            out.squares.push((parent, x + cx as f64 * (q + g), cy));
            cx += 1;
            continue;
        }
        if cx > 0 {
            cy += q + g;
            cx = 0;
        }
        let items: Vec<&Cell> = std::iter::once(parent).chain(subs).collect();
        let rows = items.len().div_ceil(per_box_row);
        for (k, c) in items.into_iter().enumerate() {
            let (r, col_i) = (k / per_box_row, k % per_box_row);
            out.squares.push((
                c,
                x + pad + col_i as f64 * (q + g),
                cy + pad + r as f64 * (q + g),
            ));
        }
        let box_h = 2.0 * pad + rows as f64 * (q + g) - g;
        out.boxes.push((x, cy, w, box_h));
        cy += box_h + g;
    }
    if cx > 0 {
        cy += q + g;
    }
    out.height = cy - y;
    out
}

pub(crate) fn mini(ctx: &Ctx<'_>, columns: &[usize], area: Area) -> Body {
    let cols: Vec<&Column> = columns.iter().map(|&i| &ctx.view.columns[i]).collect();
    let gap_x = (area.w * 0.006).clamp(3.0, 10.0);
    let n = cols.len().max(1) as f64;
    let col_w = ((area.w - gap_x * (n - 1.0)) / n).max(1.0);
    // Tactic names: the largest size up to 9 pt at which every word fits across its column.
    let heads: Vec<_> = cols
        .iter()
        .map(|c| ctx.m.words(&tactic_label(ctx, c), true))
        .collect();
    let widest = heads.iter().map(|w| w.widest()).fold(0.0, f64::max);
    let st = (col_w * 0.95 / widest.max(0.1)).clamp(0.5, 9.0);
    let wrapped: Vec<Vec<(String, f64)>> = heads
        .iter()
        .map(|w| w.wrap_all(ctx.m, true, col_w / st))
        .collect();
    let name_lines = wrapped.iter().map(Vec::len).max().unwrap_or(1);
    let count_size = st * 0.85;
    let head_h = name_lines as f64 * st * LINE_HEIGHT + count_size * LINE_HEIGHT + st * 0.8;
    let top = area.y + head_h;
    let avail = (area.h - head_h).max(1.0);
    // The largest square at which the tallest column fits.
    let height_at = |q: f64| {
        cols.iter()
            .map(|c| place(c, 0.0, 0.0, col_w, q).height)
            .fold(0.0, f64::max)
    };
    let (mut lo, mut hi) = (0.5, MAX_SQUARE.min(col_w));
    if height_at(hi) <= avail {
        lo = hi;
    } else {
        for _ in 0..22 {
            let mid = (lo + hi) / 2.0;
            if height_at(mid) <= avail {
                lo = mid;
            } else {
                hi = mid;
            }
        }
    }
    let q = lo;
    let mut body = Body {
        tactics: Vec::new(),
        decorations: Vec::new(),
        cells: Vec::new(),
        font_size: 0.0,
    };
    for (i, col) in cols.iter().enumerate() {
        let x = area.x + i as f64 * (col_w + gap_x);
        let (fill, fg) = match ctx.view.tactic_row_background {
            Some(bg) => (Some(bg), bg.readable_text()),
            None => (None, ctx.pal.text),
        };
        let mut lines = Vec::new();
        let mut baseline = area.y + st * ASCENT;
        for (t, _) in &wrapped[i] {
            lines.push(ctx.line(t, (x, baseline), st, true, Anchor::Start, fg));
            baseline += st * LINE_HEIGHT;
        }
        lines.push(ctx.line(
            &count_line(col),
            (x, baseline),
            count_size,
            false,
            Anchor::Start,
            fg,
        ));
        body.tactics.push(TacticHead {
            shortname: col.shortname.clone(),
            x,
            y: area.y,
            w: col_w,
            h: head_h - st * 0.4,
            fill,
            lines,
        });
        let placed = place(col, x, top, col_w, q);
        for (bx, by, bw, bh) in placed.boxes {
            body.decorations.push(Shape::Rect {
                x: bx,
                y: by,
                w: bw,
                h: bh,
                fill: None,
                stroke: Some((ctx.pal.border, 0.6)),
                radius: 0.0,
            });
        }
        for (c, sx, sy) in placed.squares {
            body.cells.push(square(ctx, c, sx, sy, q));
        }
    }
    body
}

fn square(ctx: &Ctx<'_>, c: &Cell, x: f64, y: f64, q: f64) -> CellBox {
    let mut marks = Vec::new();
    if let Some(color) = mark_color(ctx, c) {
        marks.push(Shape::Rect {
            x,
            y: y + q * 0.78,
            w: q,
            h: q * 0.22,
            fill: Some(color),
            stroke: None,
            radius: 0.0,
        });
    }
    if !c.enabled {
        let stroke = text_color(ctx, c);
        let (a, b) = (q * 0.25, q * 0.75);
        for (x1, y1, x2, y2) in [(a, a, b, b), (b, a, a, b)] {
            marks.push(Shape::Line {
                x1: x + x1,
                y1: y + y1,
                x2: x + x2,
                y2: y + y2,
                stroke,
                width: (q * 0.08).max(0.3),
            });
        }
    }
    CellBox {
        id: c.attack_id.clone(),
        tactic: c.tactic.clone(),
        name: c.name.clone(),
        is_sub: c.is_sub,
        x,
        y,
        w: q,
        h: q,
        fill: if c.enabled {
            c.background.unwrap_or(ctx.pal.cell)
        } else {
            ctx.pal.cell
        },
        stroke: ctx.pal.border,
        stroke_width: (0.04 * q).clamp(0.15, 0.6),
        lines: Vec::new(),
        score: None,
        marks,
        cut: false,
        tooltip: c.tooltip(),
    }
}
