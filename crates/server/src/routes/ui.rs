//! The web UI (plain HTML, CSS and JavaScript embedded in the binary: no framework, no CDN, no
//! external fonts), the OpenAPI document and the health check.

use std::sync::Arc;

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};

use crate::router::AppState;
use crate::support::{json_response, St};

const INDEX: &str = include_str!("../../assets/index.html");
const APP_JS: &str = include_str!("../../assets/app.js");
const STYLE: &str = include_str!("../../assets/style.css");

/// The OpenAPI document served at `/api/openapi.json`.
pub const OPENAPI: &str = include_str!("../../assets/openapi.json");

/// Content Security Policy of the UI: only this server, no inline script.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/// The UI's files and the API description (`/api/health` is routed on its own, outside the
/// in-flight cap).
pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/api/openapi.json", get(openapi))
        .route("/", get(index))
        .route("/assets/app.js", get(app_js))
        .route("/assets/style.css", get(style))
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

async fn openapi() -> Response {
    json_response(StatusCode::OK, OPENAPI, None)
}

fn asset(body: &'static str, content_type: &'static str) -> Response {
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

async fn index() -> Response {
    asset(INDEX, "text/html; charset=utf-8")
}

async fn app_js() -> Response {
    asset(APP_JS, "text/javascript; charset=utf-8")
}

async fn style() -> Response {
    asset(STYLE, "text/css; charset=utf-8")
}
