//! Writes one laid-out page as SVG text.

use std::fmt::Write as _;

use base64::Engine as _;
use navlayer_render::escape::xml;
use navlayer_render::layout::{Anchor, CellBox, Page, Shape, TacticHead, TextLine};
use navlayer_render::text::{FONT_BOLD, FONT_FAMILY, FONT_REGULAR};

/// Formats a number for SVG attributes (at most two decimals).
fn n(v: f64) -> String {
    let s = format!("{v:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".into()
    } else {
        s.to_string()
    }
}

fn rect(b: &mut String, shape: &Shape) {
    match shape {
        Shape::Rect {
            x,
            y,
            w,
            h,
            fill,
            stroke,
            radius,
        } => {
            let _ = write!(
                b,
                r#"<rect x="{}" y="{}" width="{}" height="{}" fill="{}""#,
                n(*x),
                n(*y),
                n(w.max(0.0)),
                n(h.max(0.0)),
                fill.map(|c| c.to_string()).unwrap_or_else(|| "none".into())
            );
            if let Some((c, sw)) = stroke {
                let _ = write!(b, r#" stroke="{c}" stroke-width="{}""#, n(*sw));
            }
            if *radius > 0.0 {
                let _ = write!(b, r#" rx="{}""#, n(*radius));
            }
            b.push_str("/>");
        }
        Shape::Line {
            x1,
            y1,
            x2,
            y2,
            stroke,
            width,
        } => {
            let _ = write!(
                b,
                r#"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{stroke}" stroke-width="{}"/>"#,
                n(*x1),
                n(*y1),
                n(*x2),
                n(*y2),
                n(*width)
            );
        }
        Shape::Text(t) => text(b, t),
    }
}

fn text(b: &mut String, t: &TextLine) {
    let size = t.runs.first().map(|r| r.size).unwrap_or(0.0);
    let _ = write!(
        b,
        r#"<text x="{}" y="{}" font-size="{}" fill="{}""#,
        n(t.x),
        n(t.baseline),
        n(size),
        t.fill
    );
    if t.bold {
        b.push_str(r#" font-weight="bold""#);
    }
    match t.anchor {
        Anchor::Start => {}
        Anchor::Middle => b.push_str(r#" text-anchor="middle""#),
        Anchor::End => b.push_str(r#" text-anchor="end""#),
    }
    b.push('>');
    for (i, r) in t.runs.iter().enumerate() {
        if i == 0 && r.fill.is_none() && (r.size - size).abs() < 1e-9 {
            b.push_str(&xml(&r.text));
            continue;
        }
        let _ = write!(b, r#"<tspan font-size="{}""#, n(r.size));
        if let Some(c) = r.fill {
            let _ = write!(b, r#" fill="{c}""#);
        }
        let _ = write!(b, ">{}</tspan>", xml(&r.text));
    }
    b.push_str("</text>");
}

fn tactic(b: &mut String, t: &TacticHead) {
    let _ = write!(
        b,
        r#"<g class="tactic" data-tactic="{}">"#,
        xml(&t.shortname)
    );
    if let Some(fill) = t.fill {
        rect(
            b,
            &Shape::Rect {
                x: t.x,
                y: t.y,
                w: t.w,
                h: t.h,
                fill: Some(fill),
                stroke: None,
                radius: 0.0,
            },
        );
    }
    for l in &t.lines {
        text(b, l);
    }
    b.push_str("</g>\n");
}

fn cell(b: &mut String, c: &CellBox) {
    let _ = write!(
        b,
        r#"<g class="technique{}" data-id="{}" data-tactic="{}"><title>{}</title>"#,
        if c.is_sub { " sub" } else { "" },
        xml(&c.id),
        xml(&c.tactic),
        xml(&c.tooltip)
    );
    rect(
        b,
        &Shape::Rect {
            x: c.x,
            y: c.y,
            w: c.w,
            h: c.h,
            fill: Some(c.fill),
            stroke: Some((c.stroke, c.stroke_width)),
            radius: 0.0,
        },
    );
    for m in &c.marks {
        rect(b, m);
    }
    for l in &c.lines {
        text(b, l);
    }
    if let Some(s) = &c.score {
        text(b, s);
    }
    b.push_str("</g>\n");
}

fn font_faces() -> String {
    let enc = |d: &[u8]| base64::engine::general_purpose::STANDARD.encode(d);
    format!(
        "<style>@font-face{{font-family:'DejaVu Sans Condensed';font-weight:normal;src:url(data:font/ttf;base64,{})}}@font-face{{font-family:'DejaVu Sans Condensed';font-weight:bold;src:url(data:font/ttf;base64,{})}}</style>\n",
        enc(FONT_REGULAR),
        enc(FONT_BOLD)
    )
}

/// One page as a standalone SVG document titled `title`; `embed_font` puts the bundled font
/// faces inside it.
pub fn page_svg(page: &Page, title: &str, embed_font: bool) -> String {
    let mut b = String::with_capacity(128 * 1024 + page.cells.len() * 400);
    let _ = writeln!(
        b,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{}in" height="{}in" viewBox="0 0 {} {}" font-family="{}">"#,
        n(page.width / 72.0),
        n(page.height / 72.0),
        n(page.width),
        n(page.height),
        FONT_FAMILY
    );
    let _ = writeln!(b, "<title>{}</title>", xml(title));
    if embed_font {
        b.push_str(&font_faces());
    }
    rect(
        &mut b,
        &Shape::Rect {
            x: 0.0,
            y: 0.0,
            w: page.width,
            h: page.height,
            fill: Some(page.background),
            stroke: None,
            radius: 0.0,
        },
    );
    b.push_str("\n<g class=\"header\">\n");
    for s in &page.header {
        rect(&mut b, s);
        b.push('\n');
    }
    b.push_str("</g>\n<g class=\"tactics\">\n");
    for t in &page.tactics {
        tactic(&mut b, t);
    }
    b.push_str("</g>\n<g class=\"bars\">\n");
    for d in &page.decorations {
        rect(&mut b, d);
        b.push('\n');
    }
    b.push_str("</g>\n<g class=\"techniques\">\n");
    for c in &page.cells {
        cell(&mut b, c);
    }
    b.push_str("</g>\n</svg>\n");
    b
}
