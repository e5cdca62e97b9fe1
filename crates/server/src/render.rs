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
    let bytes = render_bytes(state, format, &layer).await?;
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
    let bytes = render_bytes(state, format, layer).await?;
    Ok(respond(format, bytes, &layer.name))
}

async fn render_bytes(state: &AppState, format: Format, layer: &Layer) -> Result<Bytes, ApiError> {
    if format == Format::Json {
        return Ok(Bytes::from(crate::layers::to_json(layer)?));
    }
    let catalogue = state.catalogues.for_layer(layer).await?;
    let layer = layer.clone();
    tokio::task::spawn_blocking(move || {
        let opts = RenderOptions::default();
        let view = MatrixView::build(&layer, &catalogue, &opts);
        let backend = |e: navlayer_render::RenderError| ApiError::internal(e);
        let bytes: Vec<u8> = match format {
            Format::Svg => navlayer_render_svg::svg(&view, &opts)
                .map_err(backend)?
                .into_bytes(),
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
