//! Rendering stored and posted layers in every format of the navlayer-render crates.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Query};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;

use crate::layers;
use crate::render::{self, Format};
use crate::router::AppState;
use crate::support::{blocking, load, ApiResult, Deadline, LayerKey, St};

/// `/api/layers/{key}/render/{format}`, `/api/render/{format}`.
pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/api/layers/{key}/render/{format}", get(render_stored))
        .route("/api/render/{format}", post(render_posted))
}

#[derive(Deserialize, Default)]
struct RevQuery {
    revision: Option<String>,
}

async fn render_stored(
    state: St,
    deadline: Deadline,
    Path((key, format)): Path<(LayerKey, String)>,
    Query(q): Query<RevQuery>,
) -> ApiResult {
    let format = Format::parse(&format)?;
    let (_, text) = load(&state, deadline, &key, q.revision.as_deref()).await?;
    render::cached(&state, deadline, key.as_str(), text, format).await
}

async fn render_posted(
    state: St,
    deadline: Deadline,
    Path(format): Path<String>,
    body: Bytes,
) -> ApiResult {
    let format = Format::parse(&format)?;
    let entries = state.config.limits.entries;
    let parsed = blocking(&state, deadline, move || layers::parse_one(&body, entries)).await?;
    render::render(&state, deadline, format, parsed.layer).await
}
