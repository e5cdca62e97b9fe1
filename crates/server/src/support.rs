//! What the handlers share: the validated [`LayerKey`], JSON responses, path and header parsing,
//! the bounded blocking pool ([`blocking`]), loading and storing layers.
//!
//! A leaf module: it imports no handler (`routes::*`), so handlers of every resource can use it
//! without an import circle.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use navlayer_attack::{Catalogue, Domain, Release};
use navlayer_layer::Layer;
use serde::{Deserialize, Deserializer};
use serde_json::{json, Value};
use tokio::sync::Semaphore;

use crate::error::ApiError;
use crate::layers;
use crate::router::AppState;
use crate::store::{KeyChoice, NewBody};

/// A handler's result.
pub type ApiResult<T = Response> = Result<T, ApiError>;

/// The state extractor.
pub type St = axum::extract::State<Arc<AppState>>;

// ---------------------------------------------------------------- keys

/// A layer key: 1–128 of `A-Z a-z 0-9 . _ -`, not starting with `.`, without `..`. Checked when
/// it is deserialized, so `Path<LayerKey>` (and a key in a JSON body or query) is checked once,
/// where it enters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct LayerKey(String);

impl LayerKey {
    /// Checks `key`.
    pub fn parse(key: &str) -> Result<LayerKey, ApiError> {
        let ok = !key.is_empty()
            && key.len() <= 128
            && !key.starts_with('.')
            && !key.contains("..")
            && key
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
        if ok {
            Ok(LayerKey(key.to_string()))
        } else {
            Err(ApiError::bad_request(
                format!("{:?} is not a usable layer name: use 1-128 letters, digits, '.', '_' or '-', not starting with '.' and without '..'", shorten(key)),
                "path:key",
            ))
        }
    }

    /// The key.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for LayerKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for LayerKey {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<LayerKey, D::Error> {
        let text = String::deserialize(d)?;
        LayerKey::parse(&text).map_err(|e| serde::de::Error::custom(e.message))
    }
}

/// The `{key}` of a route, checked: `Path<LayerKey>` with a JSON 400 naming the rule (axum's own
/// rejection would be plain text). Routes with more parameters use `Path<(LayerKey, …)>`, whose
/// rejection [`crate::middleware::json_errors`] turns into the same JSON.
#[derive(Debug, Clone)]
pub struct KeyPath(pub LayerKey);

impl<S: Send + Sync> FromRequestParts<S> for KeyPath {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<KeyPath, ApiError> {
        let axum::extract::Path(raw) =
            axum::extract::Path::<String>::from_request_parts(parts, state)
                .await
                .map_err(|e| ApiError::bad_request(e.body_text(), "path:key"))?;
        LayerKey::parse(&raw).map(KeyPath)
    }
}

/// The first 80 characters of a user-given text, for messages.
pub fn shorten(text: &str) -> String {
    let mut s: String = text.chars().take(80).collect();
    if text.chars().count() > 80 {
        s.push('…');
    }
    s
}

/// A key made from a layer name: `APT29 (G0016)` → `apt29-g0016`.
pub fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
        if out.len() >= 64 {
            break;
        }
    }
    let s = out.trim_matches('-').to_string();
    if s.is_empty() {
        "layer".into()
    } else {
        s
    }
}

// ---------------------------------------------------------------- responses and parameters

/// A JSON response, with `ETag: "N"` when it is about revision N.
pub fn json_response(status: StatusCode, body: impl Into<Body>, revision: Option<i64>) -> Response {
    let mut r = (status, body.into()).into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    if let Some(rev) = revision {
        if let Ok(v) = HeaderValue::from_str(&format!("\"{rev}\"")) {
            h.insert(header::ETAG, v);
        }
    }
    r
}

/// A JSON request body of type `T`, with the line and column of what does not fit.
pub fn body<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> ApiResult<T> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    serde::Deserialize::deserialize(&mut de).map_err(|e: serde_json::Error| {
        let pointer = format!("line {} column {}", e.line(), e.column());
        ApiError::bad_request(format!("the request body does not fit: {e}"), pointer)
    })
}

/// A domain in a path: `enterprise`, `enterprise-attack`, …
pub fn parse_domain(text: &str) -> ApiResult<Domain> {
    Domain::parse_lenient(text).ok_or_else(|| {
        ApiError::bad_request(
            format!(
                "unknown domain {:?} (expected enterprise, mobile or ics)",
                shorten(text)
            ),
            "path:domain",
        )
    })
}

/// A release in a path: `X.Y`, or `latest` (`None`).
pub fn parse_release(text: &str) -> ApiResult<Option<Release>> {
    if text == "latest" {
        return Ok(None);
    }
    text.parse::<Release>().map(Some).map_err(|_| {
        ApiError::bad_request(
            format!("{:?} is not a release (X.Y or latest)", shorten(text)),
            "path:release",
        )
    })
}

/// A revision number (`3`, `"3"`, `W/"3"`).
pub fn parse_revision(text: &str, pointer: &str) -> ApiResult<i64> {
    text.trim()
        .trim_start_matches("W/")
        .trim_matches('"')
        .parse::<i64>()
        .ok()
        .filter(|r| *r >= 1)
        .ok_or_else(|| {
            ApiError::bad_request(
                format!("{:?} is not a revision number (1, 2, …)", shorten(text)),
                pointer,
            )
        })
}

/// The revision a write is based on: `If-Match: "N"` or `?base=N`.
pub fn base_revision(headers: &HeaderMap, base: Option<&str>) -> ApiResult<Option<i64>> {
    if let Some(v) = headers.get(header::IF_MATCH) {
        let text = v.to_str().unwrap_or("");
        return parse_revision(text, "header:If-Match").map(Some);
    }
    base.map(|b| parse_revision(b, "query:base")).transpose()
}

/// [`base_revision`], required (428 without one).
pub fn require_base(headers: &HeaderMap, base: Option<&str>) -> ApiResult<i64> {
    base_revision(headers, base)?.ok_or_else(|| {
        ApiError::new(
            StatusCode::PRECONDITION_REQUIRED,
            "say which revision this write is based on: `If-Match: \"N\"` (the ETag of GET /api/layers/KEY) or ?base=N",
            "header:If-Match",
        )
    })
}

/// The catalogue of a `{domain}/{release}` path.
pub async fn catalogue(
    state: &AppState,
    deadline: Deadline,
    domain: &str,
    release: &str,
) -> ApiResult<Arc<Catalogue>> {
    let d = parse_domain(domain)?;
    let r = parse_release(release)?;
    state.catalogues.get(d, r, deadline).await
}

// ---------------------------------------------------------------- the blocking pool

/// The bounded pool CPU-heavy and store work runs on: at most `permits` tasks at once on
/// tokio's blocking threads, each with the request's deadline.
#[derive(Debug)]
pub struct WorkPool {
    permits: Arc<Semaphore>,
    size: usize,
}

impl WorkPool {
    /// A pool running at most `size` tasks at once.
    pub fn new(size: usize) -> WorkPool {
        let size = size.max(1);
        WorkPool {
            permits: Arc::new(Semaphore::new(size)),
            size,
        }
    }

    /// Tasks running now.
    pub fn busy(&self) -> usize {
        self.size - self.permits.available_permits()
    }

    /// Tasks that may run at once.
    pub fn size(&self) -> usize {
        self.size
    }
}

/// The deadline of a request: set by the router when the request arrives
/// ([`crate::Limits::timeout`] from then).
#[derive(Debug, Clone, Copy)]
pub struct Deadline(pub Instant);

impl Deadline {
    /// The deadline of a request that has none (tests calling handlers directly): the limit from
    /// now.
    pub fn from_now(limit: Duration) -> Deadline {
        Deadline(Instant::now() + limit)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Deadline {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        _state: &S,
    ) -> Result<Deadline, Self::Rejection> {
        Ok(parts
            .extensions
            .get::<Deadline>()
            .copied()
            .unwrap_or_else(|| Deadline::from_now(Duration::from_secs(30))))
    }
}

/// 503 for work that missed the deadline.
pub fn overloaded(limit: Duration) -> ApiError {
    let mut e = ApiError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        format!(
            "the request did not finish within {} s (the server is busy or the work too large); nothing was changed",
            limit.as_secs_f64()
        ),
        "",
    );
    e.retry_after = Some(1);
    e
}

/// Runs `f` on the blocking pool, off the async threads, and gives up with a 503 at the
/// deadline: waiting for a free slot and running both count. Work that is still running then
/// keeps its slot until it ends, so a flood of slow requests occupies at most the pool's size
/// of threads while the runtime keeps answering. For reads and computations; store writes use
/// [`write`].
pub async fn blocking<T: Send + 'static>(
    state: &AppState,
    deadline: Deadline,
    f: impl FnOnce() -> ApiResult<T> + Send + 'static,
) -> ApiResult<T> {
    let limit = state.config.limits.timeout;
    let until = tokio::time::Instant::from_std(deadline.0);
    let permit = tokio::time::timeout_at(until, state.work.permits.clone().acquire_owned())
        .await
        .map_err(|_| overloaded(limit))?
        .map_err(ApiError::internal)?;
    let task = tokio::task::spawn_blocking(move || {
        let out = f();
        drop(permit);
        out
    });
    match tokio::time::timeout_at(until, task).await {
        Ok(joined) => joined.map_err(ApiError::internal)?,
        Err(_) => Err(overloaded(limit)),
    }
}

/// Runs a store write on the blocking pool and waits for its outcome: the store checks the
/// deadline before it commits (rolling back after it), so what the client is told is what
/// happened.
pub async fn write<T: Send + 'static>(
    state: &AppState,
    f: impl FnOnce() -> ApiResult<T> + Send + 'static,
) -> ApiResult<T> {
    let permit = state
        .work
        .permits
        .clone()
        .acquire_owned()
        .await
        .map_err(ApiError::internal)?;
    tokio::task::spawn_blocking(move || {
        let out = f();
        drop(permit);
        out
    })
    .await
    .map_err(ApiError::internal)?
}

// ---------------------------------------------------------------- loading and storing

/// The JSON text of a stored layer (its current revision, or `revision`) and the revision.
pub async fn load(
    state: &Arc<AppState>,
    deadline: Deadline,
    key: &LayerKey,
    revision: Option<&str>,
) -> ApiResult<(i64, String)> {
    let rev = revision
        .map(|r| parse_revision(r, "query:revision"))
        .transpose()?;
    let st = state.clone();
    let k = key.clone();
    blocking(state, deadline, move || match rev {
        Some(r) => Ok((r, st.store.get_revision(k.as_str(), r)?)),
        None => Ok(st.store.get(k.as_str())?),
    })
    .await
}

/// A stored layer, read back into the model.
pub async fn load_layer(
    state: &Arc<AppState>,
    deadline: Deadline,
    key: &LayerKey,
    revision: Option<&str>,
) -> ApiResult<(i64, navlayer_layer::Layer)> {
    let rev = revision
        .map(|r| parse_revision(r, "query:revision"))
        .transpose()?;
    let st = state.clone();
    let k = key.clone();
    blocking(state, deadline, move || {
        let (rev, text) = match rev {
            Some(r) => (r, st.store.get_revision(k.as_str(), r)?),
            None => st.store.get(k.as_str())?,
        };
        let layer = serde_json::from_str(&text).map_err(ApiError::internal)?;
        Ok((rev, layer))
    })
    .await
}

/// How [`store_new`] picks the keys of new layers.
#[derive(Debug, Clone)]
pub enum NewKeys {
    /// One layer under exactly this key (409 when taken).
    Exact(LayerKey),
    /// Free keys from this base (`base`, `base-2`, …), one per layer.
    From(String),
    /// Free keys from each layer's name.
    FromNames,
}

/// Stores parsed layers as new layers, all of them or none, in one transaction with the
/// request's deadline. Returns one summary per layer.
pub async fn store_new(
    state: &Arc<AppState>,
    deadline: Deadline,
    parsed: Vec<layers::Parsed>,
    keys: NewKeys,
    note: &'static str,
) -> ApiResult<Vec<Value>> {
    let st = state.clone();
    write(state, move || {
        let texts: Vec<String> = parsed
            .iter()
            .map(|p| layers::to_json(&p.layer))
            .collect::<Result<_, _>>()?;
        let items: Vec<(KeyChoice, NewBody<'_>)> = parsed
            .iter()
            .zip(&texts)
            .map(|(p, text)| {
                let choice = match &keys {
                    NewKeys::Exact(k) => KeyChoice::Exact(k.as_str().to_string()),
                    NewKeys::From(base) => KeyChoice::FreeFrom(base.clone()),
                    NewKeys::FromNames => KeyChoice::FreeFrom(slug(&p.layer.name)),
                };
                let body = NewBody {
                    json: text,
                    name: &p.layer.name,
                    domain: &p.layer.domain,
                    techniques: p.layer.techniques.len(),
                    note,
                };
                (choice, body)
            })
            .collect();
        let stored = st.store.create_many(&items, Some(deadline.0))?;
        Ok(parsed
            .iter()
            .zip(stored)
            .map(|(p, key)| {
                json!({
                    "key": key,
                    "revision": 1,
                    "name": p.layer.name,
                    "originalVersion": p.original_version,
                    "findings": p.findings,
                })
            })
            .collect())
    })
    .await
}

/// The answer of a computation that makes a layer: `{"layer": …, …extra}` (200), or with
/// `store` the layer stored as a new layer and `{"key", "revision", "name", …extra}` (201), under
/// `key` or a free key made from `default_key`.
pub async fn layer_result(
    state: &Arc<AppState>,
    deadline: Deadline,
    layer: Layer,
    store: bool,
    key: Option<LayerKey>,
    default_key: String,
    extra: Value,
) -> ApiResult {
    if !store {
        let mut v = serde_json::to_value(&layer).map_err(ApiError::internal)?;
        if let Value::Object(map) = &mut v {
            if let Some(versions) = map.get_mut("versions").and_then(Value::as_object_mut) {
                versions.insert("layer".into(), json!("4.5"));
            }
        }
        let mut out = json!({ "layer": v });
        if let (Value::Object(o), Value::Object(x)) = (&mut out, extra) {
            o.extend(x);
        }
        return Ok(json_response(StatusCode::OK, out.to_string(), None));
    }
    layers::check_entries(&layer, state.config.limits.entries)?;
    let parsed = layers::Parsed {
        layer,
        original_version: "4.5".into(),
        findings: Vec::new(),
    };
    let keys = match key {
        Some(k) => NewKeys::Exact(k),
        None => NewKeys::From(slug(&default_key)),
    };
    let mut out = store_new(state, deadline, vec![parsed], keys, "generated").await?;
    let mut one = out.pop().unwrap_or(Value::Null);
    if let (Value::Object(o), Value::Object(x)) = (&mut one, extra) {
        o.extend(x);
    }
    let rev = one["revision"].as_i64();
    Ok(json_response(StatusCode::CREATED, one.to_string(), rev))
}
