//! # navlayer-render-svg
//!
//! Input: a [`MatrixView`] (or its page [`Drawing`]) from `navlayer-render`. Output: a standalone
//! SVG document ([`svg`]) sized to the page, and a PNG ([`png`]) rasterised with resvg at any DPI
//! using the bundled DejaVu Sans Condensed font, so a PNG looks the same on every machine.
//! `navlayer-render-pdf` draws the same documents.
//!
//! The SVG uses points as user units (`viewBox="0 0 792 612"` on letter landscape), so a font
//! size in the file is its size on paper. With `embedFont` the two font faces travel inside the
//! SVG as base64 `@font-face` rules. Every string from the layer is XML-escaped; nothing in the
//! SVG is a link or script.
//!
//! ```no_run
//! # fn demo(view: &navlayer_render::MatrixView) -> Result<(), navlayer_render::RenderError> {
//! let options = navlayer_render::RenderOptions::default();
//! let svg: String = navlayer_render_svg::svg(view, &options)?;
//! let png: Vec<u8> = navlayer_render_svg::png(view, &options)?;
//! # Ok(()) }
//! ```

mod write;

use std::sync::Arc;

use navlayer_render::layout::Drawing;
use navlayer_render::{MatrixView, Pages, RenderError, RenderOptions};

pub use navlayer_render::text::{Metrics, FONT_BOLD, FONT_FAMILY, FONT_REGULAR};
pub use resvg;
pub use write::page_svg;

/// Lays out the view on one page (all matrices together).
fn single_page(view: &MatrixView, opts: &RenderOptions) -> Result<Drawing, RenderError> {
    let opts = RenderOptions {
        pages: Pages::Single,
        ..opts.clone()
    };
    navlayer_render::layout(view, &opts)
}

/// The view as a standalone SVG document of the page (`width`/`height` in inches).
pub fn svg(view: &MatrixView, opts: &RenderOptions) -> Result<String, RenderError> {
    let drawing = single_page(view, opts)?;
    Ok(svg_of(&drawing, view, opts))
}

/// The first page of a drawing as SVG.
pub fn svg_of(drawing: &Drawing, view: &MatrixView, opts: &RenderOptions) -> String {
    drawing
        .pages
        .first()
        .map(|p| page_svg(p, &view.name, opts.embed_font))
        .unwrap_or_default()
}

/// The view rasterised to PNG at `options.dpi` (page size × dpi pixels), text drawn with the
/// bundled font only (no system fonts are read).
pub fn png(view: &MatrixView, opts: &RenderOptions) -> Result<Vec<u8>, RenderError> {
    let drawing = single_page(view, opts)?;
    png_of(&drawing, view, opts)
}

/// The first page of a drawing as PNG at `options.dpi`.
pub fn png_of(
    drawing: &Drawing,
    view: &MatrixView,
    opts: &RenderOptions,
) -> Result<Vec<u8>, RenderError> {
    let text = drawing
        .pages
        .first()
        .map(|p| page_svg(p, &view.name, false))
        .unwrap_or_default();
    png_from_svg(&text, opts.dpi)
}

/// The usvg options that resolve every font to the bundled faces.
pub fn usvg_options() -> resvg::usvg::Options<'static> {
    let mut fontdb = resvg::usvg::fontdb::Database::new();
    fontdb.load_font_data(FONT_REGULAR.to_vec());
    fontdb.load_font_data(FONT_BOLD.to_vec());
    resvg::usvg::Options {
        font_family: "DejaVu Sans Condensed".into(),
        fontdb: Arc::new(fontdb),
        ..resvg::usvg::Options::default()
    }
}

/// Rasterises an SVG produced by [`svg`] at `dpi`.
pub fn png_from_svg(svg_text: &str, dpi: f64) -> Result<Vec<u8>, RenderError> {
    let err = |message: String| RenderError::Backend {
        format: "png",
        message,
    };
    let tree =
        resvg::usvg::Tree::from_str(svg_text, &usvg_options()).map_err(|e| err(e.to_string()))?;
    let size = tree.size();
    let dpi = if dpi.is_finite() && dpi > 0.0 {
        dpi
    } else {
        150.0
    };
    // usvg reads the inch sizes at 96 px per inch.
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
