//! Rendering layers through the navlayer-render crates, with a cache of rendered revisions.

use std::collections::hash_map::RandomState;
use std::collections::{HashMap, VecDeque};
use std::hash::BuildHasher;
use std::sync::Mutex;

use axum::body::Bytes;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use navlayer_layer::Layer;
use navlayer_render::{MatrixView, RenderOptions};

use crate::error::ApiError;
use crate::router::AppState;
use crate::support::{blocking, shorten, Deadline};

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// SVG image of the matrix.
    Svg,
    /// PNG image of the matrix.
    Png,
    /// PDF document of the matrix (vector, text selectable).
    Pdf,
    /// Self-contained HTML page.
    Html,
    /// Excel workbook.
    Xlsx,
    /// CSV table.
    Csv,
    /// Markdown table.
    Md,
    /// The layer itself (format 4.5 JSON).
    Json,
}

impl Format {
    /// Parses a format name.
    pub fn parse(text: &str) -> Result<Format, ApiError> {
        Ok(match text.to_ascii_lowercase().as_str() {
            "svg" => Format::Svg,
            "png" => Format::Png,
            "pdf" => Format::Pdf,
            "html" => Format::Html,
            "xlsx" => Format::Xlsx,
            "csv" => Format::Csv,
            "md" | "markdown" => Format::Md,
            "json" => Format::Json,
            _ => {
                return Err(ApiError::bad_request(
                    format!(
                    "unknown format {text:?} (expected svg, png, pdf, html, xlsx, csv, md or json)"
                ),
                    "path:format",
                ))
            }
        })
    }

    /// Content type.
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Svg => "image/svg+xml",
            Format::Png => "image/png",
            Format::Pdf => "application/pdf",
            Format::Html => "text/html; charset=utf-8",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Format::Csv => "text/csv; charset=utf-8",
            Format::Md => "text/markdown; charset=utf-8",
            Format::Json => "application/json",
        }
    }

    /// File extension.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Svg => "svg",
            Format::Png => "png",
            Format::Pdf => "pdf",
            Format::Html => "html",
            Format::Xlsx => "xlsx",
            Format::Csv => "csv",
            Format::Md => "md",
            Format::Json => "json",
        }
    }
}

/// Rendered layers, keyed by a 128-bit keyed hash of the stored JSON text (and its length) and
/// the format: a render is found again only for the very same layer text, so a layer deleted
/// and created again under the same key (or any other change) can never be served an old
/// render. Bounded by bytes: the oldest renders are dropped past the size given, and a render
/// larger than a quarter of it is not kept.
#[derive(Debug)]
pub struct RenderCache {
    inner: Mutex<CacheInner>,
    /// Two independently keyed SipHash states (random per process): 128 bits that a client
    /// cannot steer to a collision.
    hashers: (RandomState, RandomState),
    max_bytes: usize,
}

#[derive(Debug, Default)]
struct CacheInner {
    entries: HashMap<CacheKey, Bytes>,
    /// Insertion order, oldest first, for eviction.
    order: VecDeque<CacheKey>,
    bytes: usize,
}

type CacheKey = (u64, u64, usize, Format);

impl RenderCache {
    /// A cache holding at most `max_bytes` of renders.
    pub fn new(max_bytes: usize) -> RenderCache {
        RenderCache {
            inner: Mutex::new(CacheInner::default()),
            hashers: (RandomState::new(), RandomState::new()),
            max_bytes,
        }
    }

    fn key(&self, text: &str, format: Format) -> CacheKey {
        (
            self.hashers.0.hash_one(text),
            self.hashers.1.hash_one(text),
            text.len(),
            format,
        )
    }

    fn get(&self, key: &CacheKey) -> Option<Bytes> {
        self.inner.lock().ok()?.entries.get(key).cloned()
    }

    fn put(&self, key: CacheKey, bytes: Bytes) {
        if bytes.len() > self.max_bytes / 4 {
            return;
        }
        let Ok(mut c) = self.inner.lock() else {
            return;
        };
        if c.entries.contains_key(&key) {
            return;
        }
        while c.bytes + bytes.len() > self.max_bytes {
            let Some(old) = c.order.pop_front() else {
                break;
            };
            if let Some(b) = c.entries.remove(&old) {
                c.bytes -= b.len();
            }
        }
        c.bytes += bytes.len();
        c.order.push_back(key);
        c.entries.insert(key, bytes);
    }

    /// Bytes held and number of renders.
    pub fn usage(&self) -> (usize, usize) {
        self.inner
            .lock()
            .map(|c| (c.bytes, c.entries.len()))
            .unwrap_or_default()
    }
}

fn respond(format: Format, bytes: Bytes, name: &str) -> Response {
    let mut r = (StatusCode::OK, bytes).into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(format.content_type()),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    // Rendered HTML/SVG carry layer text: never let them run script in this origin.
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox",
        ),
    );
    let file = format!("{}.{}", crate::support::slug(name), format.extension());
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{file}\"")) {
        if !matches!(format, Format::Svg | Format::Json) {
            h.insert(header::CONTENT_DISPOSITION, v);
        }
    }
    r
}

/// Renders a stored layer (its JSON text), from the cache when that text was rendered before.
pub async fn cached(
    state: &AppState,
    deadline: Deadline,
    name: &str,
    text: String,
    format: Format,
) -> Result<Response, ApiError> {
    let key = state.render_cache.key(&text, format);
    if let Some(b) = state.render_cache.get(&key) {
        return Ok(respond(format, b, name));
    }
    let layer: Layer = blocking(state, deadline, move || {
        serde_json::from_str(&text).map_err(ApiError::internal)
    })
    .await?;
    let bytes = render_bytes(state, deadline, format, layer, RenderOptions::default()).await?;
    state.render_cache.put(key, bytes.clone());
    Ok(respond(format, bytes, name))
}

/// Renders a layer with the default options.
pub async fn render(
    state: &AppState,
    deadline: Deadline,
    format: Format,
    layer: Layer,
) -> Result<Response, ApiError> {
    render_with(state, deadline, format, layer, RenderOptions::default()).await
}

/// Renders a layer with options (not cached: the web UI's export dialog).
pub async fn render_with(
    state: &AppState,
    deadline: Deadline,
    format: Format,
    layer: Layer,
    opts: RenderOptions,
) -> Result<Response, ApiError> {
    let name = layer.name.clone();
    let bytes = render_bytes(state, deadline, format, layer, opts).await?;
    Ok(respond(format, bytes, &name))
}

/// Render options as JSON (the render crate's [`RenderOptions`], camelCase names, every field
/// optional: `layout`, `showID`, `showName`, `subtechniques`, `annotatedOnly`, `pageSize`,
/// `orientation`, `fit`, `minFontSize`, `fontSize`, `theme`, `header`, `scores`, `marks`, `pages`,
/// `dpi`, `embedFont`). `null` or absent: the defaults. Unknown names, wrong types and values out
/// of range are a 400 that names the option and what is accepted.
pub fn options_from_json(v: &serde_json::Value) -> Result<RenderOptions, ApiError> {
    if v.is_null() {
        return Ok(RenderOptions::default());
    }
    let o: RenderOptions = serde_json::from_value(v.clone()).map_err(|e| serde_error(v, &e))?;
    o.validate().map_err(|e| option_error(&e))?;
    Ok(o)
}

/// A 400 for options that do not deserialise, pointing at the first option that fails alone.
fn serde_error(v: &serde_json::Value, e: &serde_json::Error) -> ApiError {
    let culprit = v.as_object().and_then(|m| {
        m.iter().find(|(k, x)| {
            let one = serde_json::json!({ k.as_str(): x });
            serde_json::from_value::<RenderOptions>(one).is_err()
        })
    });
    match culprit {
        Some((k, _)) => ApiError::bad_request(
            format!("render option `{}`: {e} (see docs/render.md)", shorten(k)),
            format!("/options/{}", shorten(k)),
        ),
        None => ApiError::bad_request(
            format!("render options: {e} (an object of RenderOptions, see docs/render.md)"),
            "/options",
        ),
    }
}

/// A 400 for an option the render crate refused, pointing at it.
fn option_error(e: &navlayer_render::RenderError) -> ApiError {
    let pointer = match e {
        navlayer_render::RenderError::Option { option, .. } => format!("/options/{option}"),
        _ => "/options".into(),
    };
    ApiError::bad_request(format!("render options: {e}"), pointer)
}

/// Errors of drawing: options the page cannot honour are the client's (422), the rest are ours.
fn draw_error(e: navlayer_render::RenderError) -> ApiError {
    match e {
        navlayer_render::RenderError::Unreadable { .. } => {
            ApiError::unprocessable(e.to_string(), "/options/minFontSize")
        }
        navlayer_render::RenderError::Option { .. } => option_error(&e),
        other => ApiError::internal(other),
    }
}

/// Lays out a picture format (one page for SVG and PNG, as `navlayer render` does) and draws it.
fn picture(
    format: Format,
    view: &MatrixView,
    opts: &RenderOptions,
) -> Result<Vec<u8>, navlayer_render::RenderError> {
    let layout_options = match format {
        Format::Pdf => opts.clone(),
        _ => RenderOptions {
            pages: navlayer_render::Pages::Single,
            ..opts.clone()
        },
    };
    let drawing = navlayer_render::layout(view, &layout_options)?;
    Ok(match format {
        Format::Svg => navlayer_render_svg::svg_of(&drawing, view, opts).into_bytes(),
        Format::Png => navlayer_render_svg::png_of(&drawing, view, opts)?,
        _ => navlayer_render_pdf::pdf_of(&drawing, view)?,
    })
}

async fn render_bytes(
    state: &AppState,
    deadline: Deadline,
    format: Format,
    layer: Layer,
    opts: RenderOptions,
) -> Result<Bytes, ApiError> {
    if format == Format::Json {
        return blocking(state, deadline, move || {
            Ok(Bytes::from(crate::layers::to_json(&layer)?))
        })
        .await;
    }
    let catalogue = state.catalogues.for_layer(&layer, deadline).await?;
    blocking(state, deadline, move || {
        let view = MatrixView::build(&layer, &catalogue, &opts);
        let bytes: Vec<u8> = match format {
            Format::Svg | Format::Png | Format::Pdf => {
                picture(format, &view, &opts).map_err(draw_error)?
            }
            Format::Html => navlayer_render_html::html(&view, &opts).into_bytes(),
            Format::Xlsx => navlayer_render_xlsx::xlsx(&view, &opts).map_err(draw_error)?,
            Format::Csv => navlayer_render_table::csv(&view).into_bytes(),
            Format::Md => navlayer_render_table::markdown(&view).into_bytes(),
            Format::Json => Vec::new(),
        };
        Ok(Bytes::from(bytes))
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cache_is_bounded_by_bytes_and_keyed_by_content() {
        let cache = RenderCache::new(1000);
        let a = cache.key("{\"name\":\"a\"}", Format::Svg);
        let b = cache.key("{\"name\":\"b\"}", Format::Svg);
        assert_ne!(a, b, "different layer text, different entry");
        assert_ne!(a, cache.key("{\"name\":\"a\"}", Format::Png));
        assert_eq!(a, cache.key("{\"name\":\"a\"}", Format::Svg));
        cache.put(a, Bytes::from(vec![0u8; 200]));
        cache.put(b, Bytes::from(vec![0u8; 200]));
        assert_eq!(cache.usage(), (400, 2));
        // Too large for the cache: not kept.
        cache.put(cache.key("big", Format::Svg), Bytes::from(vec![0u8; 300]));
        assert_eq!(cache.usage(), (400, 2));
        for i in 0..10 {
            cache.put(
                cache.key(&format!("x{i}"), Format::Svg),
                Bytes::from(vec![0u8; 200]),
            );
            assert!(cache.usage().0 <= 1000);
        }
        assert!(cache.get(&a).is_none(), "the oldest render was dropped");
    }
}
