//! The router: JSON API, web UI, and the middleware every request passes (path checks, token,
//! timeout, JSON errors).

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, Path, Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use navlayer_attack::{Catalogue, Domain, ObjectId, ObjectKind, Release};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::error::ApiError;
use crate::layers;
use crate::store::NewBody;
use crate::ui;
use crate::AppState;

type ApiResult<T = Response> = Result<T, ApiError>;
type St = State<Arc<AppState>>;

/// The OpenAPI document served at `/api/openapi.json`.
pub const OPENAPI: &str = include_str!("../assets/openapi.json");

/// Every route of the server: the UI, the API, and the middleware.
pub fn router(state: Arc<AppState>) -> Router {
    let limits = state.config.limits;
    let api = Router::new()
        .route("/api/health", get(health))
        .route("/api/openapi.json", get(openapi))
        .route("/api/layers", get(list_layers).post(create_layer))
        .route("/api/import", post(import))
        .route("/api/fetch", post(fetch_url))
        .route(
            "/api/layers/{key}",
            get(get_layer).put(update_layer).delete(delete_layer),
        )
        .route("/api/layers/{key}/revisions", get(list_revisions))
        .route("/api/layers/{key}/revisions/{revision}", get(get_revision))
        .route(
            "/api/layers/{key}/revisions/{revision}/restore",
            post(restore_revision),
        )
        .route("/api/layers/{key}/validate", get(validate_stored))
        .route("/api/layers/{key}/render/{format}", get(render_stored))
        .route("/api/layers/{key}/view", get(view_stored))
        .route("/api/view", post(view_posted))
        .route("/api/validate", post(validate_posted))
        .route("/api/render/{format}", post(render_posted))
        .route("/api/generate", post(crate::ops::generate))
        .route("/api/combine", post(crate::ops::combine))
        .route("/api/diff", post(crate::ops::diff))
        .route("/api/migrate", post(crate::ops::migrate))
        .route("/api/releases", get(list_releases))
        .route("/api/releases/{domain}/{release}/tactics", get(tactics))
        .route(
            "/api/releases/{domain}/{release}/techniques",
            get(techniques),
        )
        .route("/api/releases/{domain}/{release}/matrix", get(matrix))
        .route("/api/releases/{domain}/{release}/objects/{id}", get(object))
        .route("/api/releases/{domain}/{release}/search", get(search))
        .route(
            "/api/releases/{domain}/{release}/multiselect",
            get(multiselect),
        )
        .route("/api/config", get(ui::config))
        .route("/", get(ui::index))
        .route("/assets/{file}", get(ui::file))
        .route("/assets/js/{file}", get(ui::module))
        .fallback(not_found);
    api.layer(DefaultBodyLimit::max(limits.body_bytes))
        .layer(middleware::from_fn_with_state(state.clone(), auth))
        .layer(middleware::from_fn_with_state(state.clone(), timeout))
        .layer(middleware::from_fn(json_errors))
        .layer(middleware::from_fn(check_path))
        .with_state(state)
}

// ---------------------------------------------------------------- middleware

/// Any `..`, backslash, NUL or encoded slash in the path is refused before routing.
async fn check_path(req: Request, next: Next) -> Response {
    let raw = req.uri().path();
    let lower = raw.to_ascii_lowercase();
    let decoded = percent_decode(&lower);
    let bad = decoded.split('/').any(|seg| seg == ".." || seg == ".")
        || decoded.contains('\\')
        || decoded.contains('\0')
        || lower.contains("%2f")
        || lower.contains("%5c")
        || decoded.contains("/../");
    if bad {
        return ApiError::bad_request(
            "path traversal is not allowed: names may not contain '..', '/', '\\' or NUL",
            "path",
        )
        .into_response();
    }
    next.run(req).await
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let hex = std::str::from_utf8(&b[i + 1..i + 3]).ok();
            if let Some(v) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Writes (anything but GET/HEAD/OPTIONS) need `Authorization: Bearer TOKEN` when a token is set.
async fn auth(State(state): St, req: Request, next: Next) -> Response {
    if let Some(token) = state.config.token.as_deref() {
        let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
        if !safe {
            let given = req
                .headers()
                .get(header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.strip_prefix("Bearer "))
                .map(str::trim);
            let ok = given.is_some_and(|g| constant_time_eq(g.as_bytes(), token.as_bytes()));
            if !ok {
                let msg = if given.is_some() {
                    "the bearer token is wrong"
                } else {
                    "writes need a token: send `Authorization: Bearer TOKEN` (the token the server was started with)"
                };
                return ApiError::new(StatusCode::UNAUTHORIZED, msg, "header:Authorization")
                    .into_response();
            }
        }
    }
    next.run(req).await
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

async fn timeout(State(state): St, req: Request, next: Next) -> Response {
    let limit = state.config.limits.timeout;
    match tokio::time::timeout(limit, next.run(req)).await {
        Ok(r) => r,
        Err(_) => ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            format!("the request took longer than {} s", limit.as_secs_f64()),
            "",
        )
        .into_response(),
    }
}

/// Errors produced outside the handlers (unknown route, wrong method, body too large, bad
/// path parameter) are turned into the same JSON as the others.
async fn json_errors(req: Request, next: Next) -> Response {
    let resp = next.run(req).await;
    let status = resp.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return resp;
    }
    let is_json = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if is_json {
        return resp;
    }
    let (parts, body) = resp.into_parts();
    let text = axum::body::to_bytes(body, 64 * 1024)
        .await
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
    let message = if status == StatusCode::PAYLOAD_TOO_LARGE {
        "the request body is larger than this server accepts (--max-body)".to_string()
    } else if status == StatusCode::METHOD_NOT_ALLOWED {
        "this method is not allowed on this path (see /api/openapi.json)".to_string()
    } else if text.is_empty() {
        status.canonical_reason().unwrap_or("error").to_string()
    } else {
        text
    };
    let mut err = ApiError::new(status, message, "").into_response();
    if let Some(allow) = parts.headers.get(header::ALLOW) {
        err.headers_mut().insert(header::ALLOW, allow.clone());
    }
    err
}

async fn not_found(req: Request) -> ApiError {
    ApiError::not_found(
        format!(
            "no route for {} {} (see /api/openapi.json)",
            req.method(),
            req.uri().path()
        ),
        "path",
    )
}

// ---------------------------------------------------------------- helpers

/// A layer key: 1–128 of `A-Z a-z 0-9 . _ -`, not starting with `.`.
pub(crate) fn check_key(key: &str) -> Result<(), ApiError> {
    let ok = !key.is_empty()
        && key.len() <= 128
        && !key.starts_with('.')
        && !key.contains("..")
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
    if ok {
        Ok(())
    } else {
        Err(ApiError::bad_request(
            format!("{key:?} is not a usable layer name: use 1-128 letters, digits, '.', '_' or '-', not starting with '.' and without '..'"),
            "path:key",
        ))
    }
}

/// A key made from a layer name: `APT29 (G0016)` → `apt29-g0016`.
pub(crate) fn slug(name: &str) -> String {
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

/// A free key derived from `base`.
fn free_key(state: &AppState, base: &str) -> ApiResult<String> {
    if !state.store.exists(base)? {
        return Ok(base.to_string());
    }
    for n in 2..10_000 {
        let k = format!("{base}-{n}");
        if !state.store.exists(&k)? {
            return Ok(k);
        }
    }
    Err(ApiError::new(
        StatusCode::CONFLICT,
        "no free name",
        "query:key",
    ))
}

fn parse_revision(text: &str, pointer: &str) -> ApiResult<i64> {
    text.trim()
        .trim_start_matches("W/")
        .trim_matches('"')
        .parse::<i64>()
        .ok()
        .filter(|r| *r >= 1)
        .ok_or_else(|| {
            ApiError::bad_request(
                format!("{text:?} is not a revision number (1, 2, …)"),
                pointer,
            )
        })
}

/// The revision a write is based on: `If-Match: "N"` or `?base=N`.
fn base_revision(headers: &HeaderMap, base: Option<&str>) -> ApiResult<Option<i64>> {
    if let Some(v) = headers.get(header::IF_MATCH) {
        let text = v.to_str().unwrap_or("");
        return parse_revision(text, "header:If-Match").map(Some);
    }
    base.map(|b| parse_revision(b, "query:base")).transpose()
}

fn require_base(headers: &HeaderMap, base: Option<&str>) -> ApiResult<i64> {
    base_revision(headers, base)?.ok_or_else(|| {
        ApiError::new(
            StatusCode::PRECONDITION_REQUIRED,
            "say which revision this write is based on: `If-Match: \"N\"` (the ETag of GET /api/layers/KEY) or ?base=N",
            "header:If-Match",
        )
    })
}

pub(crate) fn json_response(
    status: StatusCode,
    body: impl Into<Body>,
    revision: Option<i64>,
) -> Response {
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

/// Runs a blocking store call off the async threads.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> ApiResult<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(ApiError::internal)?
}

pub(crate) fn parse_domain(text: &str) -> ApiResult<Domain> {
    Domain::parse_lenient(text).ok_or_else(|| {
        ApiError::bad_request(
            format!("unknown domain {text:?} (expected enterprise, mobile or ics)"),
            "path:domain",
        )
    })
}

pub(crate) fn parse_release(text: &str) -> ApiResult<Option<Release>> {
    if text == "latest" {
        return Ok(None);
    }
    text.parse::<Release>().map(Some).map_err(|_| {
        ApiError::bad_request(
            format!("{text:?} is not a release (X.Y or latest)"),
            "path:release",
        )
    })
}

pub(crate) async fn catalogue(
    state: &AppState,
    domain: &str,
    release: &str,
) -> ApiResult<Arc<Catalogue>> {
    let d = parse_domain(domain)?;
    let r = parse_release(release)?;
    state.catalogues.get(d, r).await
}

// ---------------------------------------------------------------- handlers: layers

async fn health(State(state): St) -> ApiResult<Json<Value>> {
    let s = state.store.clone();
    let version = blocking(move || Ok(s.schema_version()?)).await?;
    Ok(Json(json!({"status": "ok", "schemaVersion": version})))
}

async fn openapi() -> Response {
    json_response(StatusCode::OK, OPENAPI, None)
}

async fn list_layers(State(state): St) -> ApiResult<Json<Value>> {
    let s = state.store.clone();
    let list = blocking(move || Ok(s.list()?)).await?;
    Ok(Json(json!({ "layers": list })))
}

#[derive(Deserialize, Default)]
struct KeyQuery {
    key: Option<String>,
    filename: Option<String>,
}

/// Stores parsed layers under `key` (or keys made from their names).
pub(crate) async fn store_new(
    state: &Arc<AppState>,
    parsed: Vec<layers::Parsed>,
    key: Option<String>,
    note: &'static str,
) -> ApiResult<Vec<Value>> {
    if let Some(k) = &key {
        check_key(k)?;
    }
    let st = state.clone();
    let several = parsed.len() > 1;
    blocking(move || {
        let mut out = Vec::new();
        for (i, p) in parsed.into_iter().enumerate() {
            let json_text = layers::to_json(&p.layer)?;
            let k = match &key {
                Some(k) if !several => k.clone(),
                Some(k) => free_key(&st, &format!("{k}-{}", i + 1))?,
                None => free_key(&st, &slug(&p.layer.name))?,
            };
            let revision = st.store.create(
                &k,
                &NewBody {
                    json: &json_text,
                    name: &p.layer.name,
                    domain: &p.layer.domain,
                    techniques: p.layer.techniques.len(),
                    note,
                },
            )?;
            out.push(json!({
                "key": k,
                "revision": revision,
                "name": p.layer.name,
                "originalVersion": p.original_version,
                "findings": p.findings,
            }));
        }
        Ok(out)
    })
    .await
}

async fn create_layer(State(state): St, Query(q): Query<KeyQuery>, body: Bytes) -> ApiResult {
    let parsed = layers::parse_one(&body, state.config.limits.entries)?;
    layers::reject_errors(&parsed)?;
    let mut out = store_new(&state, vec![parsed], q.key, "create").await?;
    let one = out.pop().unwrap_or(Value::Null);
    let rev = one["revision"].as_i64();
    Ok(json_response(StatusCode::CREATED, one.to_string(), rev))
}

async fn import(State(state): St, Query(q): Query<KeyQuery>, body: Bytes) -> ApiResult {
    let parsed = layers::parse(&body, state.config.limits.entries)?;
    let key = match (q.key, q.filename) {
        (Some(k), _) => Some(k),
        (None, Some(f)) => {
            let stem = f.rsplit(['/', '\\']).next().unwrap_or(&f);
            let stem = stem.strip_suffix(".json").unwrap_or(stem);
            Some(slug(stem)).filter(|_| parsed.len() == 1)
        }
        (None, None) => None,
    };
    let key = match key {
        Some(k) if parsed.len() == 1 && q_key_is_free(&state, &k).await? => Some(k),
        Some(k) if parsed.len() == 1 => {
            let st = state.clone();
            Some(blocking(move || free_key(&st, &k)).await?)
        }
        other => other,
    };
    let out = store_new(&state, parsed, key, "import").await?;
    Ok(json_response(
        StatusCode::CREATED,
        json!({ "layers": out }).to_string(),
        None,
    ))
}

async fn q_key_is_free(state: &Arc<AppState>, key: &str) -> ApiResult<bool> {
    check_key(key)?;
    let st = state.clone();
    let k = key.to_string();
    blocking(move || Ok(!st.store.exists(&k)?)).await
}

#[derive(Deserialize, Default)]
struct RevQuery {
    revision: Option<String>,
    base: Option<String>,
}

async fn load(
    state: &Arc<AppState>,
    key: &str,
    revision: Option<&str>,
) -> ApiResult<(i64, String)> {
    check_key(key)?;
    let rev = revision
        .map(|r| parse_revision(r, "query:revision"))
        .transpose()?;
    let st = state.clone();
    let k = key.to_string();
    blocking(move || match rev {
        Some(r) => Ok((r, st.store.get_revision(&k, r)?)),
        None => Ok(st.store.get(&k)?),
    })
    .await
}

pub(crate) async fn load_layer(
    state: &Arc<AppState>,
    key: &str,
    revision: Option<&str>,
) -> ApiResult<(i64, navlayer_layer::Layer)> {
    let (rev, text) = load(state, key, revision).await?;
    let layer = serde_json::from_str(&text).map_err(ApiError::internal)?;
    Ok((rev, layer))
}

async fn get_layer(
    State(state): St,
    Path(key): Path<String>,
    Query(q): Query<RevQuery>,
) -> ApiResult {
    let (rev, text) = load(&state, &key, q.revision.as_deref()).await?;
    let mut r = json_response(StatusCode::OK, text, Some(rev));
    if let Ok(v) = HeaderValue::from_str(&rev.to_string()) {
        r.headers_mut().insert("x-revision", v);
    }
    Ok(r)
}

async fn update_layer(
    State(state): St,
    Path(key): Path<String>,
    Query(q): Query<RevQuery>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult {
    check_key(&key)?;
    let base = require_base(&headers, q.base.as_deref())?;
    let parsed = layers::parse_one(&body, state.config.limits.entries)?;
    layers::reject_errors(&parsed)?;
    let json_text = layers::to_json(&parsed.layer)?;
    let st = state.clone();
    let k = key.clone();
    let layer = parsed.layer;
    let rev = blocking(move || {
        Ok(st.store.update(
            &k,
            base,
            &NewBody {
                json: &json_text,
                name: &layer.name,
                domain: &layer.domain,
                techniques: layer.techniques.len(),
                note: "update",
            },
        )?)
    })
    .await?;
    Ok(json_response(
        StatusCode::OK,
        json!({"key": key, "revision": rev, "findings": parsed.findings}).to_string(),
        Some(rev),
    ))
}

async fn delete_layer(
    State(state): St,
    Path(key): Path<String>,
    Query(q): Query<RevQuery>,
    headers: HeaderMap,
) -> ApiResult {
    check_key(&key)?;
    let base = base_revision(&headers, q.base.as_deref())?;
    let st = state.clone();
    blocking(move || Ok(st.store.delete(&key, base)?)).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn list_revisions(State(state): St, Path(key): Path<String>) -> ApiResult<Json<Value>> {
    check_key(&key)?;
    let st = state.clone();
    let k = key.clone();
    let revs = blocking(move || Ok(st.store.revisions(&k)?)).await?;
    Ok(Json(json!({"key": key, "revisions": revs})))
}

async fn get_revision(
    State(state): St,
    Path((key, revision)): Path<(String, String)>,
) -> ApiResult {
    let (rev, text) = load(&state, &key, Some(&revision)).await?;
    Ok(json_response(StatusCode::OK, text, Some(rev)))
}

async fn restore_revision(
    State(state): St,
    Path((key, revision)): Path<(String, String)>,
    Query(q): Query<RevQuery>,
    headers: HeaderMap,
) -> ApiResult {
    check_key(&key)?;
    let rev = parse_revision(&revision, "path:revision")?;
    let base = require_base(&headers, q.base.as_deref())?;
    let st = state.clone();
    let k = key.clone();
    let new = blocking(move || Ok(st.store.restore(&k, rev, base)?)).await?;
    Ok(json_response(
        StatusCode::OK,
        json!({"key": key, "revision": new, "restored": rev}).to_string(),
        Some(new),
    ))
}

async fn validate_stored(
    State(state): St,
    Path(key): Path<String>,
    Query(q): Query<RevQuery>,
) -> ApiResult<Json<Value>> {
    let (rev, layer) = load_layer(&state, &key, q.revision.as_deref()).await?;
    let cat = state.catalogues.for_layer(&layer).await?;
    let findings = layers::validate(&layer, &cat);
    Ok(Json(json!({
        "key": key, "revision": rev,
        "release": format!("{} {}", cat.domain(), cat.release()),
        "valid": !findings.iter().any(|f| f.severity == "error"),
        "findings": findings,
    })))
}

async fn validate_posted(State(state): St, body: Bytes) -> ApiResult<Json<Value>> {
    let parsed = layers::parse_one(&body, state.config.limits.entries)?;
    let cat = state.catalogues.for_layer(&parsed.layer).await?;
    let mut findings = parsed.findings;
    findings.extend(layers::validate_against(&parsed.layer, &cat));
    Ok(Json(json!({
        "originalVersion": parsed.original_version,
        "release": format!("{} {}", cat.domain(), cat.release()),
        "valid": !findings.iter().any(|f| f.severity == "error"),
        "findings": findings,
    })))
}

async fn render_stored(
    State(state): St,
    Path((key, format)): Path<(String, String)>,
    Query(q): Query<RevQuery>,
) -> ApiResult {
    let format = crate::render::Format::parse(&format)?;
    let (rev, text) = load(&state, &key, q.revision.as_deref()).await?;
    crate::render::cached(&state, &key, rev, format, &text).await
}

async fn render_posted(State(state): St, Path(format): Path<String>, body: Bytes) -> ApiResult {
    let format = crate::render::Format::parse(&format)?;
    // Either a layer, or `{"layer": {…}, "options": {…}}` (the web UI's export dialog).
    let wrapped = serde_json::from_slice::<Value>(&body)
        .ok()
        .filter(|v| v.get("layer").is_some_and(Value::is_object) && v.get("techniques").is_none());
    if let Some(v) = wrapped {
        let text = v["layer"].to_string();
        let parsed = layers::parse_one(text.as_bytes(), state.config.limits.entries)?;
        let opts = crate::render::options_from_json(&v["options"])?;
        return crate::render::render_with(&state, format, &parsed.layer, opts).await;
    }
    let parsed = layers::parse_one(&body, state.config.limits.entries)?;
    crate::render::render(&state, format, &parsed.layer).await
}

async fn view_stored(
    State(state): St,
    Path(key): Path<String>,
    Query(q): Query<RevQuery>,
) -> ApiResult<Json<Value>> {
    let (rev, layer) = load_layer(&state, &key, q.revision.as_deref()).await?;
    let mut v = crate::view::build(&state, layer).await?;
    v["revision"] = json!(rev);
    Ok(Json(v))
}

async fn view_posted(State(state): St, body: Bytes) -> ApiResult<Json<Value>> {
    let parsed = layers::parse_one(&body, state.config.limits.entries)?;
    Ok(Json(crate::view::build(&state, parsed.layer).await?))
}

// ---------------------------------------------------------------- handlers: releases

async fn list_releases(State(state): St) -> ApiResult<Json<Value>> {
    let list: Vec<Value> = state
        .catalogues
        .releases()?
        .into_iter()
        .map(|r| {
            json!({
                "domain": r.domain.stix_name(),
                "short": r.domain.short_name(),
                "release": r.release.to_string(),
            })
        })
        .collect();
    Ok(Json(json!({ "releases": list })))
}

fn brief(cat: &Catalogue, id: ObjectId) -> Value {
    let o = cat.object(id);
    json!({
        "id": o.display_id(),
        "name": o.name,
        "type": o.kind.label(),
        "stixId": o.stix_id,
    })
}

async fn tactics(
    State(state): St,
    Path((domain, release)): Path<(String, String)>,
) -> ApiResult<Json<Value>> {
    let cat = catalogue(&state, &domain, &release).await?;
    let list: Vec<Value> = cat
        .tactics()
        .iter()
        .map(|&t| {
            let o = cat.object(t);
            json!({"id": o.display_id(), "name": o.name, "shortname": o.shortname})
        })
        .collect();
    Ok(Json(
        json!({"release": cat.release().to_string(), "tactics": list}),
    ))
}

async fn techniques(
    State(state): St,
    Path((domain, release)): Path<(String, String)>,
) -> ApiResult<Json<Value>> {
    let cat = catalogue(&state, &domain, &release).await?;
    let list: Vec<Value> = cat
        .active_techniques()
        .map(|t| {
            let o = cat.object(t);
            json!({
                "id": o.display_id(), "name": o.name,
                "subtechnique": o.kind == ObjectKind::SubTechnique,
                "tactics": o.tactics, "platforms": o.platforms,
            })
        })
        .collect();
    Ok(Json(
        json!({"release": cat.release().to_string(), "techniques": list}),
    ))
}

#[derive(Deserialize)]
struct MatrixQuery {
    /// `0`: leave out the descriptions (the web UI fetches them one by one for tooltips).
    descriptions: Option<String>,
}

/// The matrix the UI draws: tactics in order, their techniques by name, sub-techniques.
async fn matrix(
    State(state): St,
    Path((domain, release)): Path<(String, String)>,
    Query(mq): Query<MatrixQuery>,
) -> ApiResult<Json<Value>> {
    let cat = catalogue(&state, &domain, &release).await?;
    let with_descriptions = !matches!(mq.descriptions.as_deref(), Some("0" | "false"));
    let cell = |id: ObjectId| {
        let o = cat.object(id);
        let mut c = json!({"id": o.display_id(), "name": o.name, "platforms": o.platforms});
        if with_descriptions {
            c["description"] = json!(o.description.as_deref().map(first_paragraph));
        }
        c
    };
    let tactics: Vec<Value> = cat
        .tactics()
        .iter()
        .map(|&t| {
            let o = cat.object(t);
            let mut techs: Vec<ObjectId> = cat
                .techniques_in_tactic(t)
                .into_iter()
                .filter(|&x| cat.object(x).kind == ObjectKind::Technique)
                .collect();
            techs.sort_by(|a, b| cat.object(*a).name.cmp(&cat.object(*b).name));
            let techniques: Vec<Value> = techs
                .into_iter()
                .map(|x| {
                    let mut subs: Vec<ObjectId> = cat
                        .subtechniques_of(x)
                        .into_iter()
                        .filter(|s| {
                            cat.object(*s)
                                .tactics
                                .iter()
                                .any(|tt| Some(tt) == o.shortname.as_ref())
                        })
                        .collect();
                    subs.sort_by(|a, b| cat.object(*a).name.cmp(&cat.object(*b).name));
                    let mut c = cell(x);
                    c["subtechniques"] = subs.into_iter().map(cell).collect();
                    c
                })
                .collect();
            json!({"id": o.display_id(), "name": o.name, "shortname": o.shortname, "techniques": techniques})
        })
        .collect();
    Ok(Json(json!({
        "domain": cat.domain().stix_name(),
        "release": cat.release().to_string(),
        "tactics": tactics,
    })))
}

fn first_paragraph(text: &str) -> String {
    let p = text.split("\n\n").next().unwrap_or(text);
    let mut s: String = p.chars().take(400).collect();
    if p.chars().count() > 400 {
        s.push('…');
    }
    s
}

async fn object(
    State(state): St,
    Path((domain, release, id)): Path<(String, String, String)>,
) -> ApiResult<Json<Value>> {
    let cat = catalogue(&state, &domain, &release).await?;
    let oid = cat
        .by_attack_id(&id)
        .or_else(|| cat.by_stix_id(&id))
        .ok_or_else(|| crate::error::unknown_id(&cat, &id, "path:id"))?;
    let o = cat.object(oid);
    Ok(Json(json!({
        "id": o.display_id(), "stixId": o.stix_id, "name": o.name, "type": o.kind.label(),
        "status": o.status(), "description": o.description, "url": o.url,
        "platforms": o.platforms, "tactics": o.tactics, "aliases": o.aliases,
        "version": o.version, "modified": o.modified,
        "parent": cat.parent_of(oid).filter(|_| o.kind == ObjectKind::SubTechnique).map(|p| brief(&cat, p)),
        "subtechniques": if o.kind == ObjectKind::Technique {
            cat.subtechniques_of(oid).into_iter().map(|s| brief(&cat, s)).collect::<Vec<_>>()
        } else { Vec::new() },
    })))
}

#[derive(Deserialize)]
struct SearchQuery {
    q: Option<String>,
    limit: Option<usize>,
}

async fn search(
    State(state): St,
    Path((domain, release)): Path<(String, String)>,
    Query(sq): Query<SearchQuery>,
) -> ApiResult<Json<Value>> {
    let q = sq.q.unwrap_or_default();
    let q = q.trim();
    if q.is_empty() {
        return Err(ApiError::bad_request(
            "say what to search for: ?q=T1059 or ?q=powershell",
            "query:q",
        ));
    }
    let limit = sq.limit.unwrap_or(25).clamp(1, 500);
    let cat = catalogue(&state, &domain, &release).await?;
    let upper = q.to_ascii_uppercase();
    let lower = q.to_lowercase();
    let mut hits: Vec<(u8, ObjectId)> = cat
        .ids()
        .filter_map(|id| {
            let o = cat.object(id);
            if !o.is_active() || matches!(o.kind, ObjectKind::Matrix | ObjectKind::Collection) {
                return None;
            }
            let aid = o.attack_id.as_deref().unwrap_or("").to_ascii_uppercase();
            let name = o.name.to_lowercase();
            let rank = if aid == upper {
                0
            } else if !aid.is_empty() && aid.starts_with(&upper) {
                1
            } else if name == lower {
                2
            } else if name.starts_with(&lower) {
                3
            } else if name.contains(&lower)
                || o.aliases.iter().any(|a| a.to_lowercase().contains(&lower))
            {
                4
            } else {
                return None;
            };
            Some((rank, id))
        })
        .collect();
    hits.sort_by(|a, b| {
        a.0.cmp(&b.0)
            .then_with(|| cat.object(a.1).name.cmp(&cat.object(b.1).name))
    });
    let total = hits.len();
    let results: Vec<Value> = hits
        .into_iter()
        .take(limit)
        .map(|(_, id)| brief(&cat, id))
        .collect();
    Ok(Json(
        json!({"query": q, "total": total, "results": results}),
    ))
}

/// The search & multiselect panel: techniques and object lists with their technique IDs.
async fn multiselect(
    State(state): St,
    Path((domain, release)): Path<(String, String)>,
    Query(mq): Query<crate::multiselect::MultiselectQuery>,
) -> ApiResult {
    let cat = catalogue(&state, &domain, &release).await?;
    let q = mq.q.unwrap_or_default();
    if q.chars().count() > 200 {
        return Err(ApiError::bad_request(
            "the search text is longer than 200 characters",
            "query:q",
        ));
    }
    let fields = crate::multiselect::Fields::parse(mq.fields.as_deref());
    let st = state.clone();
    let answer = blocking(move || Ok(st.multiselect.get(&cat).answer(&q, fields))).await?;
    Ok(json_response(StatusCode::OK, answer, None))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FetchRequest {
    url: String,
    #[serde(default)]
    key: Option<String>,
}

/// `POST /api/fetch`: the server fetches a layer from a URL (no CORS trouble for the browser),
/// refusing internal addresses unless started with `--allow-private-urls`, and stores it as an
/// import does.
async fn fetch_url(State(state): St, body: Bytes) -> ApiResult {
    let req: FetchRequest = serde_json::from_slice(&body).map_err(|e| {
        ApiError::bad_request(
            format!("the request body does not fit: {e} (expected {{\"url\": \"https://…\"}})"),
            "/url",
        )
    })?;
    let policy = state.config.fetch;
    let url = req.url.clone();
    let bytes = tokio::task::spawn_blocking(move || crate::fetch::fetch(&url, policy))
        .await
        .map_err(ApiError::internal)?
        .map_err(|e| {
            let status = match e {
                crate::fetch::FetchError::Timeout(_) => StatusCode::GATEWAY_TIMEOUT,
                crate::fetch::FetchError::Other(_) => StatusCode::BAD_GATEWAY,
                crate::fetch::FetchError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
                _ => StatusCode::UNPROCESSABLE_ENTITY,
            };
            ApiError::new(status, e.to_string(), "/url")
        })?;
    let parsed = layers::parse(&bytes, state.config.limits.entries)?;
    let name = req.url.rsplit('/').next().unwrap_or("");
    let stem = slug(
        name.split(['?', '#'])
            .next()
            .unwrap_or("")
            .trim_end_matches(".json"),
    );
    let key = match req.key {
        Some(k) => Some(k),
        None if parsed.len() == 1 => {
            let st = state.clone();
            Some(blocking(move || free_key(&st, &stem)).await?)
        }
        None => None,
    };
    let out = store_new(&state, parsed, key, "import").await?;
    Ok(json_response(
        StatusCode::CREATED,
        json!({ "layers": out }).to_string(),
        None,
    ))
}
