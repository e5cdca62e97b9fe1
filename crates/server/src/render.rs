//! Rendering layers through the navlayer-render crates, with a cache of rendered revisions.

use std::collections::HashMap;
use std::sync::Mutex;

use axum::body::Bytes;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use navlayer_layer::Layer;
use navlayer_render::{MatrixView, RenderOptions};

use crate::error::ApiError;
use crate::AppState;

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// SVG image of the matrix.
    Svg,
    /// PNG image of the matrix.
    Png,
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
            "html" => Format::Html,
            "xlsx" => Format::Xlsx,
            "csv" => Format::Csv,
            "md" | "markdown" => Format::Md,
            "json" => Format::Json,
            _ => {
                return Err(ApiError::bad_request(
                    format!(
                        "unknown format {text:?} (expected svg, png, html, xlsx, csv, md or json)"
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
            Format::Html => "html",
            Format::Xlsx => "xlsx",
            Format::Csv => "csv",
            Format::Md => "md",
            Format::Json => "json",
        }
    }
}

/// Rendered revisions, keyed by layer key, revision and format (a new revision has a new key,
/// so an entry never goes stale).
#[derive(Debug, Default)]
pub struct RenderCache {
    entries: Mutex<HashMap<(String, i64, Format), Bytes>>,
}

const CACHE_ENTRIES: usize = 256;

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
    let file = format!("{}.{}", crate::api::slug(name), format.extension());
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{file}\"")) {
        if !matches!(format, Format::Svg | Format::Json) {
            h.insert(header::CONTENT_DISPOSITION, v);
        }
    }
    r
}

/// Renders a stored revision, from the cache when it was rendered before.
pub async fn cached(
    state: &AppState,
    key: &str,
    revision: i64,
    format: Format,
    text: &str,
) -> Result<Response, ApiError> {
    let id = (key.to_string(), revision, format);
    if let Some(b) = state
        .render_cache
        .entries
        .lock()
        .ok()
        .and_then(|m| m.get(&id).cloned())
    {
        return Ok(respond(format, b, key));
    }
    let layer: Layer = serde_json::from_str(text).map_err(ApiError::internal)?;
    let bytes = render_bytes(state, format, &layer, RenderOptions::default()).await?;
    if let Ok(mut m) = state.render_cache.entries.lock() {
        if m.len() >= CACHE_ENTRIES {
            m.clear();
        }
        m.insert(id, bytes.clone());
    }
    Ok(respond(format, bytes, key))
}

/// Renders a layer.
pub async fn render(state: &AppState, format: Format, layer: &Layer) -> Result<Response, ApiError> {
    render_with(state, format, layer, RenderOptions::default()).await
}

/// Renders a layer with options.
pub async fn render_with(
    state: &AppState,
    format: Format,
    layer: &Layer,
    opts: RenderOptions,
) -> Result<Response, ApiError> {
    let bytes = render_bytes(state, format, layer, opts).await?;
    Ok(respond(format, bytes, &layer.name))
}

/// Render options from the web UI's export dialog: `theme` (light, dark), `page` (letter, a4,
/// 11x17, …), `orientation` (landscape, portrait), `legend` (bool), `expand` (all, annotated,
/// none; empty: as the layer shows them).
pub fn options_from_json(v: &serde_json::Value) -> Result<RenderOptions, ApiError> {
    let mut o = RenderOptions::default();
    let text = |k: &str| {
        v.get(k)
            .and_then(|x| x.as_str())
            .map(str::trim)
            .filter(|s| !s.is_empty())
    };
    let bad = |k: &str, e: String| ApiError::bad_request(e, format!("/options/{k}"));
    if let Some(t) = text("theme") {
        o.theme = match t {
            "light" => navlayer_render::Theme::Light,
            "dark" => navlayer_render::Theme::Dark,
            _ => return Err(bad("theme", format!("unknown theme {t:?} (light or dark)"))),
        };
    }
    if let Some(p) = text("page") {
        o.page = p
            .parse()
            .map_err(|e: navlayer_render::RenderError| bad("page", e.to_string()))?;
    }
    if let Some(t) = text("orientation") {
        o.orientation = match t {
            "landscape" => navlayer_render::Orientation::Landscape,
            "portrait" => navlayer_render::Orientation::Portrait,
            _ => return Err(bad("orientation", format!("unknown orientation {t:?}"))),
        };
    }
    if let Some(l) = v.get("legend").and_then(|x| x.as_bool()) {
        o.legend = l;
    }
    if let Some(e) = text("expand") {
        o.expand = Some(
            e.parse()
                .map_err(|e: navlayer_render::RenderError| bad("expand", e.to_string()))?,
        );
    }
    if v.get("annotatedOnly").and_then(|x| x.as_bool()) == Some(true) {
        return Err(bad(
            "annotatedOnly",
            "annotated-only output is not in this build's render options yet".into(),
        ));
    }
    Ok(o)
}

async fn render_bytes(
    state: &AppState,
    format: Format,
    layer: &Layer,
    opts: RenderOptions,
) -> Result<Bytes, ApiError> {
    if format == Format::Json {
        return Ok(Bytes::from(crate::layers::to_json(layer)?));
    }
    let catalogue = state.catalogues.for_layer(layer).await?;
    let layer = layer.clone();
    tokio::task::spawn_blocking(move || {
        let view = MatrixView::build(&layer, &catalogue, &opts);
        let backend = |e: navlayer_render::RenderError| ApiError::internal(e);
        let bytes: Vec<u8> = match format {
            Format::Svg => navlayer_render_svg::svg(&view, &opts).into_bytes(),
            Format::Png => navlayer_render_svg::png(&view, &opts).map_err(backend)?,
            Format::Html => navlayer_render_html::html(&view, &opts).into_bytes(),
            Format::Xlsx => navlayer_render_xlsx::xlsx(&view, &opts).map_err(backend)?,
            Format::Csv => navlayer_render_table::csv(&view).into_bytes(),
            Format::Md => navlayer_render_table::markdown(&view).into_bytes(),
            Format::Json => Vec::new(),
        };
        Ok(Bytes::from(bytes))
    })
    .await
    .map_err(ApiError::internal)?
}
