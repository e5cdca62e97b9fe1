//! Rendering stored and posted layers in every format of the navlayer-render crates.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Query};
use axum::routing::{get, post};
use axum::Router;
use navlayer_render::RenderOptions;
use serde::Deserialize;
use serde_json::Value;

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

/// `POST /api/render/{format}`: a layer, or `{"layer": {…}, "options": {…}}` (the web UI's
/// export dialog) rendered with those options.
async fn render_posted(
    state: St,
    deadline: Deadline,
    Path(format): Path<String>,
    body: Bytes,
) -> ApiResult {
    let format = Format::parse(&format)?;
    let entries = state.config.limits.entries;
    let (parsed, options) = blocking(&state, deadline, move || {
        let wrapped = serde_json::from_slice::<Value>(&body).ok().filter(|v| {
            v.get("layer").is_some_and(Value::is_object) && v.get("techniques").is_none()
        });
        match wrapped {
            Some(v) => {
                let text = v["layer"].to_string();
                let parsed = layers::parse_one(text.as_bytes(), entries)?;
                Ok((parsed, render::options_from_json(&v["options"])?))
            }
            None => Ok((layers::parse_one(&body, entries)?, RenderOptions::default())),
        }
    })
    .await?;
    render::render_with(&state, deadline, format, parsed.layer, options).await
}
