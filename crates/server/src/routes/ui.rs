//! The web UI (plain HTML, CSS and JavaScript ES modules embedded in the binary: no framework,
//! no build step, no CDN, no external fonts), its server options (`GET /api/config`), the OpenAPI
//! document and the health check. Each front-end feature is one module under `assets/js/`.

use std::sync::Arc;

use axum::extract::Path;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};

use crate::error::ApiError;
use crate::router::AppState;
use crate::support::{json_response, shorten, St};

const INDEX: &str = include_str!("../../assets/index.html");

/// The OpenAPI document served at `/api/openapi.json`.
pub const OPENAPI: &str = include_str!("../../assets/openapi.json");

const JS: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";

/// One embedded file below `/assets/`: its path there, content type and body.
macro_rules! assets {
    ($( $path:literal => $ty:expr ),* $(,)?) => {
        &[ $( ($path, $ty, include_str!(concat!("../../assets/", $path))) ),* ]
    };
}

/// Every file the UI loads, embedded in the binary.
pub const ASSETS: &[(&str, &str, &str)] = assets![
    "style.css" => CSS,
    "js/api.js" => JS,
    "js/boot.js" => JS,
    "js/app.js" => JS,
    "js/cellmenu.js" => JS,
    "js/colour.js" => JS,
    "js/contextmenu.js" => JS,
    "js/controls.js" => JS,
    "js/create.js" => JS,
    "js/doc.js" => JS,
    "js/dom.js" => JS,
    "js/editor.js" => JS,
    "js/exporter.js" => JS,
    "js/keyboard.js" => JS,
    "js/layers.js" => JS,
    "js/legend.js" => JS,
    "js/lists.js" => JS,
    "js/matrix.js" => JS,
    "js/newfrom.js" => JS,
    "js/report.js" => JS,
    "js/search.js" => JS,
    "js/selection.js" => JS,
    "js/tabs.js" => JS,
    "js/theme.js" => JS,
    "js/tooltip.js" => JS,
    "js/upgrade.js" => JS,
    "js/view.js" => JS,
];

/// A hash of every embedded file (FNV-1a, computed at compile time): the version in the
/// cacheable asset paths `/assets/v/VERSION/…` that the served `index.html` refers to, so a
/// browser keeps the files it has until the binary changes.
const VERSION: u64 = {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut i = 0;
    while i < ASSETS.len() {
        let body = ASSETS[i].2.as_bytes();
        let mut j = 0;
        while j < body.len() {
            h ^= body[j] as u64;
            h = h.wrapping_mul(0x0100_0000_01b3);
            j += 1;
        }
        i += 1;
    }
    h
};

/// Cache policy of the versioned asset paths: their content never changes.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// Content Security Policy of the UI: only this server, no inline script.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/// The UI's files, its options and the API description (`/api/health` is routed on its own,
/// outside the in-flight cap).
pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/api/openapi.json", get(openapi))
        .route("/api/config", get(config))
        .route("/", get(index))
        .route("/assets/{file}", get(file))
        .route("/assets/js/{file}", get(module))
        .route("/assets/v/{version}/{file}", get(versioned_file))
        .route("/assets/v/{version}/js/{file}", get(versioned_module))
}

/// `GET /api/health`: answered from memory, never waiting for the database or the blocking
/// pool, so it answers while the server is under load. `work` tells how busy the pool is.
pub async fn health(state: St) -> Json<Value> {
    Json(json!({
        "status": "ok",
        "schemaVersion": state.schema_version,
        "work": {"busy": state.work.busy(), "size": state.work.size()},
    }))
}

/// `GET /api/config`: what the web UI needs from the server's options.
async fn config(state: St) -> Json<Value> {
    Json(json!({ "contextMenuItems": state.config.context_menu }))
}

async fn openapi() -> Response {
    json_response(StatusCode::OK, OPENAPI, None)
}

fn asset(body: impl IntoResponse, content_type: &'static str) -> Response {
    let mut r = (StatusCode::OK, body).into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    r
}

fn named(name: &str) -> Result<Response, ApiError> {
    ASSETS
        .iter()
        .find(|(n, _, _)| *n == name)
        .map(|(_, ty, body)| asset(*body, ty))
        .ok_or_else(|| ApiError::not_found(format!("no asset {:?}", shorten(name)), "path"))
}

/// `index.html`, its asset paths versioned (`/assets/…` → `/assets/v/VERSION/…`).
async fn index() -> Response {
    let html = INDEX.replace("\"/assets/", &format!("\"/assets/v/{VERSION:016x}/"));
    asset(html, "text/html; charset=utf-8")
}

async fn file(Path(file): Path<String>) -> Result<Response, ApiError> {
    named(&file)
}

async fn module(Path(file): Path<String>) -> Result<Response, ApiError> {
    named(&format!("js/{file}"))
}

/// A file of this build, cacheable for good (any other version: 404).
fn versioned(version: &str, name: &str) -> Result<Response, ApiError> {
    if version != format!("{VERSION:016x}") {
        return Err(ApiError::not_found(
            format!(
                "no asset version {:?} (this server's is {VERSION:016x})",
                shorten(version)
            ),
            "path",
        ));
    }
    let mut r = named(name)?;
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(IMMUTABLE));
    Ok(r)
}

async fn versioned_file(
    Path((version, file)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    versioned(&version, &file)
}

async fn versioned_module(
    Path((version, file)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    versioned(&version, &format!("js/{file}"))
}
