//! Draws the layout's shapes on a krilla surface: rectangles, lines and text lines placed glyph
//! by glyph with the bundled faces.

use std::sync::Arc;

use krilla::color::rgb;
use krilla::geom::{Path, PathBuilder, Point, Rect};
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::text::{Font, GlyphId, KrillaGlyph};
use krilla::Data;
use navlayer_render::layout::{Anchor, CellBox, Page, Shape, TextLine};
use navlayer_render::text::{FONT_BOLD, FONT_REGULAR};
use navlayer_render::Rgb;

/// One face: krilla's handle and the parsed tables for glyph lookup.
struct Face {
    font: Font,
    face: ttf_parser::Face<'static>,
    upem: f32,
}

impl Face {
    fn load(data: &'static [u8]) -> Option<Face> {
        let shared: Arc<dyn AsRef<[u8]> + Send + Sync> = Arc::new(data);
        let font = Font::new(Data::from(shared), 0)?;
        let face = ttf_parser::Face::parse(data, 0).ok()?;
        let upem = f32::from(face.units_per_em());
        Some(Face { font, face, upem })
    }

    /// Glyphs of `text` with their advances (normalised to the em), as the layout measured them.
    fn glyphs(&self, text: &str) -> (Vec<KrillaGlyph>, f32) {
        let mut out = Vec::with_capacity(text.len());
        let mut width = 0.0;
        for (at, c) in text.char_indices() {
            let id = self.face.glyph_index(c).unwrap_or(ttf_parser::GlyphId(0));
            let advance = self
                .face
                .glyph_hor_advance(id)
                .map(|a| f32::from(a) / self.upem)
                .unwrap_or(0.6);
            width += advance;
            out.push(KrillaGlyph::new(
                GlyphId::new(u32::from(id.0)),
                advance,
                0.0,
                0.0,
                0.0,
                at..at + c.len_utf8(),
                None,
            ));
        }
        (out, width)
    }
}

/// The regular and bold faces.
pub(crate) struct Fonts {
    regular: Face,
    bold: Face,
}

impl Fonts {
    pub(crate) fn bundled() -> Option<Fonts> {
        Some(Fonts {
            regular: Face::load(FONT_REGULAR)?,
            bold: Face::load(FONT_BOLD)?,
        })
    }
}

fn color(c: Rgb) -> rgb::Color {
    rgb::Color::new(c.r, c.g, c.b)
}

fn fill(c: Rgb) -> Fill {
    Fill {
        paint: color(c).into(),
        ..Fill::default()
    }
}

fn stroke(c: Rgb, width: f64) -> Stroke {
    Stroke {
        paint: color(c).into(),
        width: width as f32,
        ..Stroke::default()
    }
}

fn rect_path(x: f64, y: f64, w: f64, h: f64, radius: f64) -> Option<Path> {
    let (x, y, w, h) = (x as f32, y as f32, w.max(0.0) as f32, h.max(0.0) as f32);
    let mut pb = PathBuilder::new();
    if radius > 0.0 {
        let r = (radius as f32).min(w / 2.0).min(h / 2.0);
        pb.move_to(x + r, y);
        pb.line_to(x + w - r, y);
        pb.quad_to(x + w, y, x + w, y + r);
        pb.line_to(x + w, y + h - r);
        pb.quad_to(x + w, y + h, x + w - r, y + h);
        pb.line_to(x + r, y + h);
        pb.quad_to(x, y + h, x, y + h - r);
        pb.line_to(x, y + r);
        pb.quad_to(x, y, x + r, y);
        pb.close();
    } else {
        pb.push_rect(Rect::from_xywh(x, y, w, h)?);
    }
    pb.finish()
}

fn draw_path(s: &mut Surface<'_>, path: Option<Path>, f: Option<Fill>, st: Option<Stroke>) {
    let Some(path) = path else { return };
    if f.is_none() && st.is_none() {
        return;
    }
    s.set_fill(f);
    s.set_stroke(st);
    s.draw_path(&path);
}

fn shape(s: &mut Surface<'_>, shape: &Shape, fonts: &Fonts) {
    match shape {
        Shape::Rect {
            x,
            y,
            w,
            h,
            fill: f,
            stroke: st,
            radius,
        } => draw_path(
            s,
            rect_path(*x, *y, *w, *h, *radius),
            f.map(fill),
            st.map(|(c, w)| stroke(c, w)),
        ),
        Shape::Line {
            x1,
            y1,
            x2,
            y2,
            stroke: c,
            width,
        } => {
            let mut pb = PathBuilder::new();
            pb.move_to(*x1 as f32, *y1 as f32);
            pb.line_to(*x2 as f32, *y2 as f32);
            draw_path(s, pb.finish(), None, Some(stroke(*c, *width)));
        }
        Shape::Text(t) => text(s, t, fonts),
    }
}

fn text(s: &mut Surface<'_>, line: &TextLine, fonts: &Fonts) {
    let face = if line.bold {
        &fonts.bold
    } else {
        &fonts.regular
    };
    let mut x = match line.anchor {
        Anchor::Start => line.x,
        Anchor::Middle => line.x - line.width / 2.0,
        Anchor::End => line.x - line.width,
    } as f32;
    s.set_stroke(None);
    for run in &line.runs {
        if run.text.is_empty() {
            continue;
        }
        let (glyphs, em) = face.glyphs(&run.text);
        let size = run.size as f32;
        s.set_fill(Some(fill(run.fill.unwrap_or(line.fill))));
        s.draw_glyphs(
            Point::from_xy(x, line.baseline as f32),
            &glyphs,
            face.font.clone(),
            &run.text,
            size,
            false,
        );
        x += em * size;
    }
}

fn cell(s: &mut Surface<'_>, c: &CellBox, fonts: &Fonts) {
    draw_path(
        s,
        rect_path(c.x, c.y, c.w, c.h, 0.0),
        Some(fill(c.fill)),
        Some(stroke(c.stroke, c.stroke_width)),
    );
    for m in &c.marks {
        shape(s, m, fonts);
    }
    for l in c.lines.iter().chain(c.score.iter()) {
        text(s, l, fonts);
    }
}

/// Draws a page in the order the SVG does: background, header, tactics, bars, cells.
pub(crate) fn page(s: &mut Surface<'_>, page: &Page, fonts: &Fonts) {
    draw_path(
        s,
        rect_path(0.0, 0.0, page.width, page.height, 0.0),
        Some(fill(page.background)),
        None,
    );
    for sh in &page.header {
        shape(s, sh, fonts);
    }
    for t in &page.tactics {
        if let Some(f) = t.fill {
            draw_path(s, rect_path(t.x, t.y, t.w, t.h, 0.0), Some(fill(f)), None);
        }
        for l in &t.lines {
            text(s, l, fonts);
        }
    }
    for d in &page.decorations {
        shape(s, d, fonts);
    }
    for c in &page.cells {
        cell(s, c, fonts);
    }
}
