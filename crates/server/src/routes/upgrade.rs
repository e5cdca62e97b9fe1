//! The guided upgrade of a stored layer: `POST /api/layers/{key}/upgrade` migrates the current
//! revision to another ATT&CK release (navlayer-migrate), leaves out what the review dropped,
//! and saves the result as a new revision with the migration report kept beside it
//! (`GET /api/layers/{key}/revisions/{revision}/report`).

use std::collections::BTreeSet;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::Query;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use serde::Deserialize;
use serde_json::json;

use crate::error::ApiError;
use crate::layers;
use crate::migration;
use crate::router::AppState;
use crate::store::{NewBody, StoreError};
use crate::support::{
    attack_version, body, json_response, load_layer, require_base, write, ApiResult, Deadline,
    KeyPath, St,
};

/// `/api/layers/{key}/upgrade`.
pub fn routes() -> Router<Arc<AppState>> {
    Router::new().route("/api/layers/{key}/upgrade", post(upgrade))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UpgradeRequest {
    /// Target release (`X.Y` or `latest`; default the newest).
    #[serde(default)]
    to: Option<String>,
    /// Source release (default: as `versions.attack` names it).
    #[serde(default)]
    from: Option<String>,
    /// Source entries (the report's `index`) the review dropped.
    #[serde(default)]
    drop: BTreeSet<usize>,
}

#[derive(Deserialize, Default)]
struct BaseQuery {
    base: Option<String>,
}

async fn upgrade(
    state: St,
    deadline: Deadline,
    KeyPath(key): KeyPath,
    Query(q): Query<BaseQuery>,
    headers: HeaderMap,
    bytes: Bytes,
) -> ApiResult {
    let base = require_base(&headers, q.base.as_deref())?;
    let req: UpgradeRequest = body(&bytes)?;
    let (rev, layer) = load_layer(&state, deadline, &key, None).await?;
    if rev != base {
        // Refused before migrating: the store would refuse the write anyway.
        return Err(StoreError::Conflict {
            key: key.to_string(),
            base,
            current: rev,
        }
        .into());
    }
    let inputs = layer.techniques.len();
    if let Some(bad) = req.drop.iter().find(|&&i| i >= inputs) {
        return Err(ApiError::bad_request(
            format!("`drop` names entry {bad}, but the layer has {inputs} entries"),
            "/drop",
        ));
    }
    let mut m = migration::migrate(
        &state,
        deadline,
        layer,
        req.from.as_deref(),
        req.to.as_deref(),
    )
    .await?;
    let dropped = m.drop_sources(&req.drop);
    let note = m.summary(dropped);
    let report = json!({
        "from": m.from.to_string(),
        "to": m.to.to_string(),
        "notes": m.notes,
        "dropped": req.drop,
        "report": m.report,
    })
    .to_string();
    layers::check_entries(&m.layer, state.config.limits.entries)?;
    let st = state.clone();
    let k = key.clone();
    let n = note.clone();
    let layer = m.layer;
    let new = write(&state, move || {
        let text = layers::to_json(&layer)?;
        Ok(st.store.update_before(
            k.as_str(),
            base,
            &NewBody {
                json: &text,
                name: &layer.name,
                domain: &layer.domain,
                attack: attack_version(&layer),
                techniques: layer.techniques.len(),
                note: &n,
                report: Some(&report),
            },
            Some(deadline.0),
        )?)
    })
    .await?;
    Ok(json_response(
        StatusCode::OK,
        json!({
            "key": key, "revision": new, "note": note,
            "from": m.from.to_string(), "to": m.to.to_string(), "dropped": dropped,
        })
        .to_string(),
        Some(new),
    ))
}
