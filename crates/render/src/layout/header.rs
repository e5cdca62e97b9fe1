//! The header above the matrix, as the Navigator's SVG export draws it: a row of outlined
//! boxes titled `about`, `domain`, `platforms` and `legend`, each switchable. The legend box
//! holds the gradient's steps with their values and the legend items, wrapped, never cut.

use crate::color::Rgb;
use crate::layout::{Anchor, Ctx, LegendItemBox, Shape, TextLine, LINE_HEIGHT};

/// The laid-out header.
pub(crate) struct Header {
    /// Height including the gap below it (0 without a header).
    pub height: f64,
    pub shapes: Vec<Shape>,
    pub legend: Vec<LegendItemBox>,
}

/// Lays out a box's content: (context, width, text size, top) → content.
type Build = Box<dyn Fn(&Ctx<'_>, f64, f64, f64) -> Content>;

/// One box: its title, its share of the width and how to lay out its content at x = 0.
struct Section {
    title: &'static str,
    weight: f64,
    build: Build,
}

#[derive(Default)]
struct Content {
    shapes: Vec<Shape>,
    legend: Vec<LegendItemBox>,
    height: f64,
}

/// Header text size for a page whose short side is `short_in` inches: 8.5 pt on letter, larger
/// on posters.
fn base_size(short_in: f64) -> f64 {
    (8.0 * short_in / 8.5).clamp(7.5, 20.0)
}

pub(crate) fn header(ctx: &Ctx<'_>, x0: f64, width: f64, short_in: f64) -> Header {
    let parts = ctx.opts.header;
    let view = ctx.view;
    let empty = Header {
        height: 0.0,
        shapes: Vec::new(),
        legend: Vec::new(),
    };
    if !parts.show {
        return empty;
    }
    let mut sections: Vec<Section> = Vec::new();
    if parts.about && (!view.name.trim().is_empty() || !view.description.trim().is_empty()) {
        sections.push(Section {
            title: "about",
            weight: 3.0,
            build: Box::new(about),
        });
    }
    if parts.domain {
        sections.push(Section {
            title: "domain",
            weight: 1.3,
            build: Box::new(|ctx, w, s, y| text_block(ctx, &ctx.view.release_label(), w, s, y)),
        });
    }
    if parts.platforms && !view.shown_platforms().is_empty() {
        sections.push(Section {
            title: "platforms",
            weight: 1.7,
            build: Box::new(|ctx, w, s, y| {
                text_block(ctx, &ctx.view.shown_platforms().join(", "), w, s, y)
            }),
        });
    }
    let gradient = parts.gradient && view.uses_gradient;
    let legend = parts.legend && !view.legend.is_empty();
    if gradient || legend {
        sections.push(Section {
            title: "legend",
            weight: 2.6,
            build: Box::new(move |ctx, w, s, y| legend_block(ctx, w, s, y, gradient, legend)),
        });
    }
    if sections.is_empty() {
        return empty;
    }
    let size = base_size(short_in);
    let pad = size * 0.6;
    let gap = size * 0.8;
    let title_h = size * 0.9;
    let total_weight: f64 = sections.iter().map(|s| s.weight).sum();
    let inner = width - gap * (sections.len() - 1) as f64;
    // The page margin is also the top margin; box titles sit on the top border.
    let top = x0 + title_h * 0.5;
    let content_y = top + title_h * 0.5 + pad;
    let mut x = x0;
    let mut boxes = Vec::new();
    for s in &sections {
        let w = inner * s.weight / total_weight;
        let content = (s.build)(ctx, w - 2.0 * pad, size, content_y);
        boxes.push((x, w, s.title, content));
        x += w + gap;
    }
    let content_h = boxes.iter().map(|b| b.3.height).fold(0.0, f64::max);
    let box_h = content_h + 2.0 * pad + title_h * 0.5;
    let mut shapes = Vec::new();
    let mut legend_boxes = Vec::new();
    for (bx, w, title, content) in boxes {
        shapes.push(Shape::Rect {
            x: bx,
            y: top,
            w,
            h: box_h,
            fill: Some(ctx.pal.background),
            stroke: Some((ctx.pal.box_stroke, 0.6)),
            radius: pad * 0.6,
        });
        let label = ctx.line(
            title,
            (bx + 2.0 * pad, top + title_h * 0.35),
            title_h,
            false,
            Anchor::Start,
            ctx.pal.text,
        );
        shapes.push(Shape::Rect {
            x: bx + 2.0 * pad - 2.0,
            y: top - title_h * 0.5,
            w: label.width + 4.0,
            h: title_h,
            fill: Some(ctx.pal.background),
            stroke: None,
            radius: 0.0,
        });
        shapes.push(Shape::Text(label));
        let dx = bx + pad;
        shapes.extend(content.shapes.into_iter().map(|s| shift(s, dx)));
        legend_boxes.extend(content.legend.into_iter().map(|mut l| {
            for line in &mut l.lines {
                line.x += dx;
            }
            l
        }));
    }
    Header {
        height: top + box_h + gap - x0,
        shapes,
        legend: legend_boxes,
    }
}

fn shift(shape: Shape, dx: f64) -> Shape {
    match shape {
        Shape::Rect {
            x,
            y,
            w,
            h,
            fill,
            stroke,
            radius,
        } => Shape::Rect {
            x: x + dx,
            y,
            w,
            h,
            fill,
            stroke,
            radius,
        },
        Shape::Line {
            x1,
            y1,
            x2,
            y2,
            stroke,
            width,
        } => Shape::Line {
            x1: x1 + dx,
            y1,
            x2: x2 + dx,
            y2,
            stroke,
            width,
        },
        Shape::Text(mut t) => {
            t.x += dx;
            Shape::Text(t)
        }
    }
}

/// Wrapped lines of `text` at `size` within `width`, the first baseline at `y + ascent`.
/// How a header text is set.
struct Look {
    size: f64,
    bold: bool,
    fill: Rgb,
    max_lines: Option<usize>,
}

fn lines(ctx: &Ctx<'_>, text: &str, width: f64, y: f64, look: Look) -> (Vec<TextLine>, f64) {
    let Look {
        size,
        bold,
        fill,
        max_lines,
    } = look;
    let mut wrapped = ctx.m.words(text, bold).wrap_all(ctx.m, bold, width / size);
    if let Some(max) = max_lines {
        if wrapped.len() > max {
            wrapped.truncate(max);
            let last = &mut wrapped[max - 1];
            let cut = ctx.m.ellipsize(&last.0, size, bold, width, true);
            *last = (cut.clone(), ctx.m.width(&cut, 1.0, bold));
        }
    }
    let mut out = Vec::new();
    let mut baseline = y + size * 0.93;
    for (t, _) in wrapped {
        out.push(ctx.line(&t, (0.0, baseline), size, bold, Anchor::Start, fill));
        baseline += size * LINE_HEIGHT;
    }
    let h = out.len() as f64 * size * LINE_HEIGHT;
    (out, h)
}

fn text_block(ctx: &Ctx<'_>, text: &str, width: f64, size: f64, y: f64) -> Content {
    let (l, h) = lines(
        ctx,
        text,
        width,
        y,
        Look {
            size,
            bold: false,
            fill: ctx.pal.text,
            max_lines: None,
        },
    );
    Content {
        shapes: l.into_iter().map(Shape::Text).collect(),
        legend: Vec::new(),
        height: h,
    }
}

fn about(ctx: &Ctx<'_>, width: f64, size: f64, y: f64) -> Content {
    let view = ctx.view;
    let mut shapes = Vec::new();
    let mut h = 0.0;
    if !view.name.trim().is_empty() {
        let (l, lh) = lines(
            ctx,
            &view.name,
            width,
            y,
            Look {
                size: size * 1.15,
                bold: true,
                fill: ctx.pal.text,
                max_lines: Some(2),
            },
        );
        shapes.extend(l.into_iter().map(Shape::Text));
        h += lh;
    }
    if !view.description.trim().is_empty() {
        let (l, lh) = lines(
            ctx,
            &view.description,
            width,
            y + h,
            Look {
                size: size * 0.9,
                bold: false,
                fill: ctx.pal.muted,
                max_lines: Some(3),
            },
        );
        shapes.extend(l.into_iter().map(Shape::Text));
        h += lh;
    }
    Content {
        shapes,
        legend: Vec::new(),
        height: h,
    }
}

fn legend_block(
    ctx: &Ctx<'_>,
    width: f64,
    size: f64,
    y: f64,
    gradient: bool,
    legend: bool,
) -> Content {
    let mut c = Content::default();
    let mut cy = y;
    if gradient {
        let steps = ctx.view.gradient.legend_steps();
        let cell_w = width / steps.len() as f64;
        let bar_h = size * 1.1;
        for (i, (_, label, color)) in steps.iter().enumerate() {
            let x = i as f64 * cell_w;
            c.shapes.push(Shape::Rect {
                x,
                y: cy,
                w: cell_w,
                h: bar_h,
                fill: Some(*color),
                stroke: Some((ctx.pal.border, 0.4)),
                radius: 0.0,
            });
            c.shapes.push(Shape::Text(ctx.line(
                label,
                (x + cell_w / 2.0, cy + bar_h + size * 1.0),
                size * 0.9,
                false,
                Anchor::Middle,
                ctx.pal.text,
            )));
        }
        cy += bar_h + size * 1.5;
    }
    if legend {
        if gradient {
            cy += size * 0.3;
        }
        let items = &ctx.view.legend;
        let columns = ((width / (size * 11.0)).floor() as usize).clamp(1, items.len().max(1));
        let item_w = width / columns as f64;
        let swatch = size;
        for row in items.chunks(columns) {
            let mut row_h: f64 = swatch;
            for (i, item) in row.iter().enumerate() {
                let x = i as f64 * item_w;
                c.shapes.push(Shape::Rect {
                    x,
                    y: cy,
                    w: swatch,
                    h: swatch,
                    fill: item.color,
                    stroke: Some((ctx.pal.border, 0.4)),
                    radius: 0.0,
                });
                let text_w = (item_w - swatch * 1.5).max(size);
                let (mut l, lh) = lines(
                    ctx,
                    &item.label,
                    text_w,
                    cy,
                    Look {
                        size: size * 0.9,
                        bold: false,
                        fill: ctx.pal.text,
                        max_lines: None,
                    },
                );
                for line in &mut l {
                    line.x = x + swatch * 1.4;
                }
                row_h = row_h.max(lh);
                c.shapes.extend(l.iter().cloned().map(Shape::Text));
                c.legend.push(LegendItemBox {
                    label: item.label.clone(),
                    lines: l,
                });
            }
            cy += row_h + size * 0.3;
        }
    }
    c.height = cy - y;
    c
}
