//! `POST /api/fetch`: the server fetches a layer from a URL for the web UI's "open from URL" (so
//! the browser meets no CORS refusal) and stores it as an import does. The fetcher
//! ([`crate::fetch`]) refuses internal addresses unless the server runs with
//! `--allow-private-urls`. A write: it passes the Origin, Host, content-type and token checks.

use std::sync::Arc;
use std::time::Instant;

use axum::body::Bytes;
use axum::http::StatusCode;
use axum::routing::post;
use axum::Router;
use serde::Deserialize;
use serde_json::json;

use crate::error::ApiError;
use crate::fetch::FetchError;
use crate::layers;
use crate::router::AppState;
use crate::support::{
    blocking, json_response, overloaded, slug, store_new, ApiResult, Deadline, LayerKey, NewKeys,
    St,
};

/// Fetches running at once (each waits on the network, not the CPU, so they run beside the
/// blocking pool rather than in it).
pub const CONCURRENT_FETCHES: usize = 4;

/// `/api/fetch`.
pub fn routes() -> Router<Arc<AppState>> {
    Router::new().route("/api/fetch", post(fetch_url))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FetchRequest {
    url: String,
    #[serde(default)]
    key: Option<LayerKey>,
}

async fn fetch_url(state: St, deadline: Deadline, body: Bytes) -> ApiResult {
    let req: FetchRequest = serde_json::from_slice(&body).map_err(|e| {
        ApiError::bad_request(
            format!("the request body does not fit: {e} (expected {{\"url\": \"https://…\"}})"),
            "/url",
        )
    })?;
    let bytes = download(&state, deadline, req.url.clone()).await?;
    let entries = state.config.limits.entries;
    let parsed = blocking(&state, deadline, move || layers::parse(&bytes, entries)).await?;
    let keys = match req.key {
        Some(k) => NewKeys::From(k.as_str().to_string()),
        None if parsed.len() == 1 => NewKeys::From(slug(url_stem(&req.url))),
        None => NewKeys::FromNames,
    };
    let out = store_new(&state, deadline, parsed, keys, "import").await?;
    Ok(json_response(
        StatusCode::CREATED,
        json!({ "layers": out }).to_string(),
        None,
    ))
}

/// The file name of a URL without query, fragment and `.json`: the key of the stored layer.
fn url_stem(url: &str) -> &str {
    let path = url.split(['?', '#']).next().unwrap_or("");
    let name = path.rsplit('/').next().unwrap_or("");
    name.strip_suffix(".json").unwrap_or(name)
}

/// Runs the fetch off the async threads, at most [`CONCURRENT_FETCHES`] at once, ending by the
/// request's deadline at the latest.
async fn download(state: &AppState, deadline: Deadline, url: String) -> ApiResult<Vec<u8>> {
    let limit = state.config.limits.timeout;
    let until = tokio::time::Instant::from_std(deadline.0);
    let permit = tokio::time::timeout_at(until, state.fetches.clone().acquire_owned())
        .await
        .map_err(|_| overloaded(limit))?
        .map_err(ApiError::internal)?;
    let mut policy = state.config.fetch;
    policy.timeout = policy
        .timeout
        .min(deadline.0.saturating_duration_since(Instant::now()));
    let task = tokio::task::spawn_blocking(move || {
        let out = crate::fetch::fetch(&url, policy);
        drop(permit);
        out
    });
    let fetched = match tokio::time::timeout_at(until, task).await {
        Ok(joined) => joined.map_err(ApiError::internal)?,
        Err(_) => return Err(overloaded(limit)),
    };
    fetched.map_err(|e| {
        let status = match e {
            FetchError::Timeout(_) => StatusCode::GATEWAY_TIMEOUT,
            FetchError::Other(_) => StatusCode::BAD_GATEWAY,
            FetchError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            FetchError::Address { .. } | FetchError::Refused(_) => StatusCode::FORBIDDEN,
            _ => StatusCode::UNPROCESSABLE_ENTITY,
        };
        ApiError::new(status, e.to_string(), "/url")
    })
}

#[cfg(test)]
mod tests {
    use super::url_stem;

    #[test]
    fn keys_come_from_the_file_name() {
        assert_eq!(url_stem("http://h/a/apt29.json?x=1#f"), "apt29");
        assert_eq!(url_stem("http://h/"), "");
    }
}
