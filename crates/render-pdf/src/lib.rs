//! # navlayer-render-pdf
//!
//! Input: a [`MatrixView`] (or its page [`Drawing`]) from `navlayer-render`. Output: a vector PDF
//! ([`pdf`]) with the bundled DejaVu Sans Condensed faces embedded (subset, with a ToUnicode
//! map) and every label as real, selectable, searchable text: one page, or one page per matrix
//! of the domain (`pages: perMatrix`).
//!
//! The pages are drawn with krilla (typst's PDF writer) from the same layout shapes the SVG and
//! PNG are made of, glyph by glyph with the advances the layout measured, so the PDF shows
//! exactly what the SVG shows, at the speed of writing it.
//!
//! ```no_run
//! # fn demo(view: &navlayer_render::MatrixView) -> Result<(), navlayer_render::RenderError> {
//! let options = navlayer_render::RenderOptions::default();
//! let pdf: Vec<u8> = navlayer_render_pdf::pdf(view, &options)?;
//! assert!(pdf.starts_with(b"%PDF-"));
//! # Ok(()) }
//! ```

mod draw;

use krilla::geom::Size;
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::Document;
use navlayer_render::layout::Drawing;
use navlayer_render::{MatrixView, RenderError, RenderOptions};

fn err(message: String) -> RenderError {
    RenderError::Backend {
        format: "pdf",
        message,
    }
}

/// The view as a PDF document.
pub fn pdf(view: &MatrixView, opts: &RenderOptions) -> Result<Vec<u8>, RenderError> {
    let drawing = navlayer_render::layout(view, opts)?;
    pdf_of(&drawing, view)
}

/// A laid-out drawing as a PDF document, one PDF page per drawing page.
pub fn pdf_of(drawing: &Drawing, view: &MatrixView) -> Result<Vec<u8>, RenderError> {
    let fonts =
        draw::Fonts::bundled().ok_or_else(|| err("the bundled font does not load".into()))?;
    let mut document = Document::new();
    document.set_metadata(
        Metadata::new()
            .title(view.name.clone())
            .creator("navlayer".into())
            .producer(format!("navlayer {}", env!("CARGO_PKG_VERSION"))),
    );
    for page in &drawing.pages {
        let size = Size::from_wh(page.width as f32, page.height as f32)
            .ok_or_else(|| err(format!("bad page size {}×{}", page.width, page.height)))?;
        let mut p = document.start_page_with(PageSettings::new(size));
        let mut surface = p.surface();
        draw::page(&mut surface, page, &fonts);
        surface.finish();
        p.finish();
    }
    document.finish().map_err(|e| err(format!("{e:?}")))
}
