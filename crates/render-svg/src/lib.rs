//! # navlayer-render-svg
//!
//! Draws a [`MatrixView`] as a standalone SVG document ([`svg`]) and rasterises it to PNG with
//! resvg ([`png`]) using the bundled DejaVu Sans Condensed font, so a PNG looks the same on every
//! machine. Every string from the layer is XML-escaped; nothing in the SVG is a link or script.
//!
//! ```no_run
//! # fn demo(view: &navlayer_render::MatrixView) -> Result<(), navlayer_render::RenderError> {
//! let options = navlayer_render::RenderOptions::default();
//! let svg: String = navlayer_render_svg::svg(view, &options);
//! let png: Vec<u8> = navlayer_render_svg::png(view, &options)?;
//! # Ok(()) }
//! ```

mod text;

use std::fmt::Write as _;

use navlayer_render::escape::xml;
use navlayer_render::{format_score, Cell, MatrixView, Palette, RenderError, RenderOptions};

pub use text::{Metrics, FONT_BOLD, FONT_FAMILY, FONT_REGULAR};

/// Layout constants, in SVG user units.
const MARGIN: f64 = 20.0;
const COL_W: f64 = 150.0;
const COL_GAP: f64 = 4.0;
const CELL_H: f64 = 28.0;
const CELL_FONT: f64 = 10.0;
const LINE_H: f64 = 11.5;
const PAD: f64 = 4.0;
const SUB_INDENT: f64 = 12.0;
const HANDLE_W: f64 = 6.0;
const TACTIC_H: f64 = 40.0;

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

struct Header {
    height: f64,
    body: String,
}

fn header(
    view: &MatrixView,
    opts: &RenderOptions,
    pal: &Palette,
    m: &Metrics,
    width: f64,
) -> Header {
    let mut b = String::new();
    let mut y = MARGIN;
    let show_right = opts.legend && (view.uses_gradient || !view.legend.is_empty());
    let right_w = if show_right {
        300.0_f64.min(width * 0.4)
    } else {
        0.0
    };
    let left_w = width - right_w - if show_right { 24.0 } else { 0.0 };
    if opts.header {
        let title = m.ellipsize(&view.name, 20.0, true, left_w, false);
        y += 20.0;
        let _ = writeln!(
            b,
            r#"<text class="title" x="{}" y="{}" font-size="20" font-weight="bold" fill="{}">{}</text>"#,
            n(MARGIN),
            n(y),
            pal.text,
            xml(&title)
        );
        y += 6.0;
        if !view.description.trim().is_empty() {
            let (lines, _) = m.wrap(&view.description, 11.0, false, left_w, 3);
            for line in lines {
                y += 14.0;
                let _ = writeln!(
                    b,
                    r#"<text class="description" x="{}" y="{}" font-size="11" fill="{}">{}</text>"#,
                    n(MARGIN),
                    n(y),
                    pal.muted,
                    xml(&line)
                );
            }
        }
        y += 16.0;
        let mut facts = view.release_label();
        if !view.platforms.is_empty() {
            facts.push_str(" · platforms: ");
            facts.push_str(&view.platforms.join(", "));
        }
        let (lines, _) = m.wrap(&facts, 11.0, false, left_w, 2);
        for (i, line) in lines.iter().enumerate() {
            if i > 0 {
                y += 14.0;
            }
            let _ = writeln!(
                b,
                r#"<text class="facts" x="{}" y="{}" font-size="11" fill="{}">{}</text>"#,
                n(MARGIN),
                n(y),
                pal.text,
                xml(line)
            );
        }
    }
    let mut ry = MARGIN;
    if show_right {
        let x0 = MARGIN + width - right_w;
        if view.uses_gradient {
            ry += 12.0;
            let _ = writeln!(
                b,
                r#"<text x="{}" y="{}" font-size="11" font-weight="bold" fill="{}">Scores</text>"#,
                n(x0),
                n(ry),
                pal.text
            );
            ry += 5.0;
            let _ = writeln!(
                b,
                r#"<defs><linearGradient id="navlayer-gradient" x1="0" x2="1" y1="0" y2="0">"#
            );
            let k = view.gradient.colors.len().max(2) - 1;
            for (i, c) in view.gradient.colors.iter().enumerate() {
                let _ = writeln!(
                    b,
                    r#"<stop offset="{}" stop-color="{}"/>"#,
                    n(i as f64 / k as f64),
                    c
                );
            }
            let _ = writeln!(b, "</linearGradient></defs>");
            let _ = writeln!(
                b,
                r#"<rect x="{}" y="{}" width="{}" height="12" fill="url(#navlayer-gradient)" stroke="{}" stroke-width="0.5"/>"#,
                n(x0),
                n(ry),
                n(right_w),
                pal.border
            );
            ry += 24.0;
            let _ = writeln!(
                b,
                r#"<text x="{}" y="{}" font-size="10" fill="{}">{}</text>"#,
                n(x0),
                n(ry),
                pal.text,
                xml(&format_score(view.gradient.min))
            );
            let _ = writeln!(
                b,
                r#"<text x="{}" y="{}" font-size="10" text-anchor="end" fill="{}">{}</text>"#,
                n(x0 + right_w),
                n(ry),
                pal.text,
                xml(&format_score(view.gradient.max))
            );
            ry += 6.0;
        }
        if !view.legend.is_empty() {
            ry += 14.0;
            let _ = writeln!(
                b,
                r#"<text x="{}" y="{}" font-size="11" font-weight="bold" fill="{}">Legend</text>"#,
                n(x0),
                n(ry),
                pal.text
            );
            let item_w = right_w / 2.0;
            for (i, item) in view.legend.iter().enumerate() {
                let col = (i % 2) as f64;
                if i % 2 == 0 {
                    ry += 16.0;
                }
                let x = x0 + col * item_w;
                let fill = item
                    .color
                    .map(|c| c.to_string())
                    .unwrap_or_else(|| "none".into());
                let _ = writeln!(
                    b,
                    r#"<rect x="{}" y="{}" width="12" height="12" fill="{}" stroke="{}" stroke-width="0.5"/>"#,
                    n(x),
                    n(ry - 10.0),
                    fill,
                    pal.border
                );
                let label = m.ellipsize(&item.label, 10.0, false, item_w - 20.0, false);
                let _ = writeln!(
                    b,
                    r#"<text x="{}" y="{}" font-size="10" fill="{}">{}</text>"#,
                    n(x + 16.0),
                    n(ry),
                    pal.text,
                    xml(&label)
                );
            }
        }
    }
    let bottom = y.max(ry);
    let height = if opts.header || show_right {
        bottom + 16.0 - MARGIN
    } else {
        0.0
    };
    Header { height, body: b }
}

fn cell_label(view: &MatrixView, c: &Cell) -> String {
    match (view.show_id, view.show_name) {
        (true, true) => format!("{} {}", c.attack_id, c.name),
        (true, false) => c.attack_id.clone(),
        (false, true) => c.name.clone(),
        (false, false) => String::new(),
    }
}

fn tooltip(c: &Cell) -> String {
    let mut t = format!("{} {}", c.attack_id, c.name);
    if let Some(s) = c.score {
        t.push_str(&format!("\nscore: {}", format_score(s)));
    }
    if let Some(a) = c.aggregate {
        t.push_str(&format!("\naggregate score: {}", format_score(a)));
    }
    if !c.enabled {
        t.push_str("\n(disabled)");
    }
    if let Some(comment) = &c.comment {
        t.push_str("\ncomment: ");
        t.push_str(comment);
    }
    t
}

#[allow(clippy::too_many_arguments)]
fn draw_cell(
    b: &mut String,
    view: &MatrixView,
    opts: &RenderOptions,
    pal: &Palette,
    m: &Metrics,
    c: &Cell,
    x: f64,
    y: f64,
    w: f64,
) {
    let bg = c.background.unwrap_or(pal.cell);
    let fg = if !c.enabled {
        pal.disabled_text
    } else {
        c.text.unwrap_or(pal.text)
    };
    let _ = write!(
        b,
        r#"<g class="technique{}" data-id="{}" data-tactic="{}"><title>{}</title><rect x="{}" y="{}" width="{}" height="{}" fill="{}" stroke="{}" stroke-width="0.6"/>"#,
        if c.is_sub { " sub" } else { "" },
        xml(&c.attack_id),
        xml(&c.tactic),
        xml(&tooltip(c)),
        n(x),
        n(y),
        n(w),
        n(CELL_H),
        bg,
        pal.border
    );
    let mut text_w = w - 2.0 * PAD;
    if c.sub_count > 0 {
        let handle = if c.expanded { pal.muted } else { pal.border };
        let _ = write!(
            b,
            r#"<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>"#,
            n(x + w - HANDLE_W),
            n(y),
            n(HANDLE_W),
            n(CELL_H),
            handle
        );
        text_w -= HANDLE_W;
    }
    let score = c
        .display_score()
        .filter(|_| opts.show_scores)
        .map(format_score);
    if let Some(s) = &score {
        let sw = m.width(s, CELL_FONT, true);
        let right = x + w - PAD - if c.sub_count > 0 { HANDLE_W } else { 0.0 };
        let _ = write!(
            b,
            r#"<text x="{}" y="{}" font-size="{}" font-weight="bold" text-anchor="end" fill="{}">{}</text>"#,
            n(right),
            n(y + PAD + CELL_FONT),
            n(CELL_FONT),
            fg,
            xml(s)
        );
        text_w -= sw + 4.0;
    }
    let label = cell_label(view, c);
    if !label.is_empty() && text_w > 8.0 {
        let mut size = CELL_FONT;
        let (mut lines, mut cut) = m.wrap(&label, size, false, text_w, 2);
        while cut && size > 8.0 {
            size -= 0.5;
            (lines, cut) = m.wrap(&label, size, false, text_w, 2);
        }
        let line_h = LINE_H * size / CELL_FONT;
        let block = line_h * lines.len() as f64;
        let mut ty = y + (CELL_H - block) / 2.0 + size * 0.8;
        for line in &lines {
            let _ = write!(
                b,
                r#"<text x="{}" y="{}" font-size="{}" fill="{}"{}>{}</text>"#,
                n(x + PAD),
                n(ty),
                n(size),
                fg,
                if c.enabled {
                    ""
                } else {
                    r#" text-decoration="line-through""#
                },
                xml(line)
            );
            ty += line_h;
        }
    }
    b.push_str("</g>\n");
}

/// The view as a standalone SVG document sized to the page (`width`/`height` in inches, the
/// drawing scaled to fit).
pub fn svg(view: &MatrixView, opts: &RenderOptions) -> String {
    let m = Metrics::new();
    let pal = opts.theme.palette();
    let ncols = view.columns.len().max(1) as f64;
    let matrix_w = ncols * COL_W + (ncols - 1.0) * COL_GAP;
    let content_w = matrix_w.max(640.0);
    let head = header(view, opts, &pal, &m, content_w);
    let top = MARGIN + head.height;
    let rows = view.max_rows() as f64;
    let matrix_h = TACTIC_H + rows * CELL_H;
    let mut foot_h = 0.0;
    if !view.warnings.is_empty() && opts.header {
        foot_h = 8.0 + 13.0 * view.warnings.len() as f64;
    }
    let full_w = content_w + 2.0 * MARGIN;
    let full_h = top + matrix_h + foot_h + MARGIN;

    // Fit the drawing to the page's aspect ratio.
    let (page_w, page_h) = opts.page.oriented(opts.orientation);
    let aspect = page_w / page_h;
    let vb_w = full_w.max(full_h * aspect);
    let vb_h = full_h.max(full_w / aspect);
    let ox = (vb_w - full_w) / 2.0;

    let mut b = String::with_capacity(256 * 1024);
    let _ = writeln!(
        b,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{}in" height="{}in" viewBox="0 0 {} {}" font-family="{}">"#,
        n(page_w),
        n(page_h),
        n(vb_w),
        n(vb_h),
        FONT_FAMILY
    );
    let _ = writeln!(b, "<title>{}</title>", xml(&view.name));
    let _ = writeln!(
        b,
        r#"<rect x="0" y="0" width="{}" height="{}" fill="{}"/>"#,
        n(vb_w),
        n(vb_h),
        pal.background
    );
    let _ = writeln!(b, r#"<g transform="translate({} 0)">"#, n(ox));
    b.push_str(&head.body);

    let x0 = MARGIN + (content_w - matrix_w) / 2.0;
    for (i, col) in view.columns.iter().enumerate() {
        let x = x0 + i as f64 * (COL_W + COL_GAP);
        let (hbg, hfg) = match view.tactic_row_background {
            Some(bg) => (bg, bg.readable_text()),
            None => (pal.header, pal.text),
        };
        let _ = write!(
            b,
            r#"<g class="tactic" data-tactic="{}"><rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>"#,
            xml(&col.shortname),
            n(x),
            n(top),
            n(COL_W),
            n(TACTIC_H - 4.0),
            hbg
        );
        let name = m.ellipsize(&col.name, 12.0, true, COL_W - 2.0 * PAD, false);
        let _ = write!(
            b,
            r#"<text x="{}" y="{}" font-size="12" font-weight="bold" text-anchor="middle" fill="{}">{}</text>"#,
            n(x + COL_W / 2.0),
            n(top + 16.0),
            hfg,
            xml(&name)
        );
        let count = format!(
            "{} technique{}",
            col.technique_count,
            if col.technique_count == 1 { "" } else { "s" }
        );
        let _ = writeln!(
            b,
            r#"<text x="{}" y="{}" font-size="9" text-anchor="middle" fill="{}">{}</text></g>"#,
            n(x + COL_W / 2.0),
            n(top + 30.0),
            hfg,
            xml(&count)
        );
        let mut y = top + TACTIC_H;
        let mut group_start: Option<f64> = None;
        for c in &col.cells {
            if c.is_sub {
                if !c.expanded {
                    continue;
                }
                group_start.get_or_insert(y);
                draw_cell(
                    &mut b,
                    view,
                    opts,
                    &pal,
                    &m,
                    c,
                    x + SUB_INDENT,
                    y,
                    COL_W - SUB_INDENT,
                );
            } else {
                if let Some(start) = group_start.take() {
                    let _ = writeln!(
                        b,
                        r#"<rect x="{}" y="{}" width="3" height="{}" fill="{}"/>"#,
                        n(x + SUB_INDENT / 2.0 - 1.5),
                        n(start),
                        n(y - start),
                        pal.muted
                    );
                }
                draw_cell(&mut b, view, opts, &pal, &m, c, x, y, COL_W);
            }
            y += CELL_H;
        }
        if let Some(start) = group_start.take() {
            let _ = writeln!(
                b,
                r#"<rect x="{}" y="{}" width="3" height="{}" fill="{}"/>"#,
                n(x + SUB_INDENT / 2.0 - 1.5),
                n(start),
                n(y - start),
                pal.muted
            );
        }
    }
    if foot_h > 0.0 {
        let mut y = top + matrix_h + 14.0;
        for w in &view.warnings {
            let line = m.ellipsize(&format!("note: {w}"), 10.0, false, content_w, false);
            let _ = writeln!(
                b,
                r#"<text class="warning" x="{}" y="{}" font-size="10" fill="{}">{}</text>"#,
                n(MARGIN),
                n(y),
                pal.muted,
                xml(&line)
            );
            y += 13.0;
        }
    }
    b.push_str("</g>\n</svg>\n");
    b
}

/// The view rasterised to PNG at `options.dpi` (page size × dpi pixels), text drawn with the
/// bundled font only (no system fonts are read).
pub fn png(view: &MatrixView, opts: &RenderOptions) -> Result<Vec<u8>, RenderError> {
    png_from_svg(&svg(view, opts), opts.dpi)
}

/// Rasterises an SVG produced by [`svg`] at `dpi`.
pub fn png_from_svg(svg_text: &str, dpi: f64) -> Result<Vec<u8>, RenderError> {
    let err = |message: String| RenderError::Backend {
        format: "png",
        message,
    };
    let mut fontdb = resvg::usvg::fontdb::Database::new();
    fontdb.load_font_data(FONT_REGULAR.to_vec());
    fontdb.load_font_data(FONT_BOLD.to_vec());
    let mut options = resvg::usvg::Options {
        font_family: "DejaVu Sans".into(),
        ..resvg::usvg::Options::default()
    };
    *options.fontdb_mut() = fontdb;
    let tree = resvg::usvg::Tree::from_str(svg_text, &options).map_err(|e| err(e.to_string()))?;
    let size = tree.size();
    let dpi = if dpi.is_finite() && dpi > 0.0 {
        dpi
    } else {
        150.0
    };
    let scale = (dpi / 96.0) as f32;
    let w = (size.width() * scale).ceil() as u32;
    let h = (size.height() * scale).ceil() as u32;
    if w == 0 || h == 0 || u64::from(w) * u64::from(h) > 400_000_000 {
        return Err(err(format!(
            "image of {w}×{h} pixels is too large or empty; lower --dpi or the page size"
        )));
    }
    let mut pixmap = resvg::tiny_skia::Pixmap::new(w, h)
        .ok_or_else(|| err("cannot allocate the image".into()))?;
    resvg::render(
        &tree,
        resvg::tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    pixmap.encode_png().map_err(|e| err(e.to_string()))
}
