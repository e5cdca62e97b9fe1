//! Stored layers: create, import, read, update (optimistic concurrency), delete, revisions,
//! restore, validation and the matrix view; and the validation and view of posted layers.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{FromRequest, Multipart, Path, Query, Request};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::error::ApiError;
use crate::layers;
use crate::router::AppState;
use crate::store::NewBody;
use crate::support::{
    attack_version, base_revision, blocking, json_response, load, load_layer, parse_revision,
    require_base, slug, store_new, write, ApiResult, Deadline, KeyPath, LayerKey, NewKeys, St,
};

/// `/api/layers…`, `/api/import`, `/api/validate`, `/api/view`.
pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/api/layers", get(list_layers).post(create_layer))
        .route("/api/import", post(import))
        .route(
            "/api/layers/{key}",
            get(get_layer).put(update_layer).delete(delete_layer),
        )
        .route("/api/layers/{key}/revisions", get(list_revisions))
        .route("/api/layers/{key}/revisions/{revision}", get(get_revision))
        .route(
            "/api/layers/{key}/revisions/{revision}/report",
            get(get_revision_report),
        )
        .route(
            "/api/layers/{key}/revisions/{revision}/restore",
            post(restore_revision),
        )
        .route("/api/layers/{key}/validate", get(validate_stored))
        .route("/api/layers/{key}/view", get(view_stored))
        .route("/api/view", post(view_posted))
        .route("/api/validate", post(validate_posted))
}

#[derive(Deserialize, Default)]
struct KeyQuery {
    key: Option<LayerKey>,
    filename: Option<String>,
}

#[derive(Deserialize, Default)]
struct RevQuery {
    revision: Option<String>,
    base: Option<String>,
}

/// Reads one layer from a request body on the blocking pool (a 16 MB body takes a while).
async fn parse_one(
    state: &Arc<AppState>,
    deadline: Deadline,
    body: Bytes,
    exact: bool,
) -> ApiResult<layers::Parsed> {
    let entries = state.config.limits.entries;
    blocking(state, deadline, move || {
        let parsed = layers::parse_one(&body, entries)?;
        if exact {
            layers::reject_errors(&parsed)?;
        }
        Ok(parsed)
    })
    .await
}

/// `GET /api/layers`: every stored layer with its domain, the ATT&CK version it says it is for
/// (`attack`) and the release the server shows it on (`release`, `null` without data for it).
async fn list_layers(state: St, deadline: Deadline) -> ApiResult<Json<Value>> {
    let st = state.clone();
    let list = blocking(&state, deadline, move || {
        let list = st.store.list()?;
        let shown = st
            .catalogues
            .shown_releases(list.iter().map(|l| (l.domain.as_str(), l.attack.as_str())));
        let mut out = Vec::with_capacity(list.len());
        for (l, r) in list.into_iter().zip(shown) {
            let mut v = serde_json::to_value(l).map_err(ApiError::internal)?;
            v["release"] = json!(r.map(|r| r.to_string()));
            out.push(v);
        }
        Ok(out)
    })
    .await?;
    Ok(Json(json!({ "layers": list })))
}

async fn create_layer(
    state: St,
    deadline: Deadline,
    Query(q): Query<KeyQuery>,
    body: Bytes,
) -> ApiResult {
    let parsed = parse_one(&state, deadline, body, true).await?;
    let keys = match q.key {
        Some(k) => NewKeys::Exact(k),
        None => NewKeys::FromNames,
    };
    let mut out = store_new(&state, deadline, vec![parsed], keys, "create").await?;
    let one = out.pop().unwrap_or(Value::Null);
    let rev = one["revision"].as_i64();
    Ok(json_response(StatusCode::CREATED, one.to_string(), rev))
}

/// The bytes and file name of an upload: the first file part of a `multipart/form-data` body,
/// or the whole body.
async fn upload(state: &Arc<AppState>, req: Request) -> ApiResult<(Option<String>, Bytes)> {
    let multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().starts_with("multipart/form-data"));
    if !multipart {
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|e| ApiError::new(e.status(), e.body_text(), ""))?;
        return Ok((None, bytes));
    }
    let bad = |e: axum::extract::multipart::MultipartError| {
        ApiError::new(
            e.status(),
            format!("the upload is not usable: {}", e.body_text()),
            "",
        )
    };
    let mut form = Multipart::from_request(req, state)
        .await
        .map_err(|e| ApiError::new(e.status(), e.body_text(), ""))?;
    while let Some(field) = form.next_field().await.map_err(bad)? {
        if field.file_name().is_some() || field.name() == Some("file") {
            let name = field.file_name().map(str::to_string);
            return Ok((name, field.bytes().await.map_err(bad)?));
        }
    }
    Err(ApiError::bad_request(
        "the multipart upload holds no file part (send the layer file as a part with a filename)",
        "",
    ))
}

/// `POST /api/import`: every layer of a file (any format), stored as 4.5 with what reading
/// found: all of them or none.
async fn import(
    state: St,
    deadline: Deadline,
    Query(q): Query<KeyQuery>,
    req: Request,
) -> ApiResult {
    let (part_name, bytes) = upload(&state, req).await?;
    let entries = state.config.limits.entries;
    let parsed = blocking(&state, deadline, move || layers::parse(&bytes, entries)).await?;
    let filename = q.filename.or(part_name);
    let keys = match (q.key, filename) {
        (Some(k), _) => NewKeys::From(k.as_str().to_string()),
        (None, Some(f)) if parsed.len() == 1 => {
            let stem = f.rsplit(['/', '\\']).next().unwrap_or(&f);
            let stem = stem.strip_suffix(".json").unwrap_or(stem);
            NewKeys::From(slug(stem))
        }
        _ => NewKeys::FromNames,
    };
    let out = store_new(&state, deadline, parsed, keys, "import").await?;
    Ok(json_response(
        StatusCode::CREATED,
        json!({ "layers": out }).to_string(),
        None,
    ))
}

async fn get_layer(
    state: St,
    deadline: Deadline,
    KeyPath(key): KeyPath,
    Query(q): Query<RevQuery>,
) -> ApiResult {
    let (rev, text) = load(&state, deadline, &key, q.revision.as_deref()).await?;
    let mut r = json_response(StatusCode::OK, text, Some(rev));
    if let Ok(v) = HeaderValue::from_str(&rev.to_string()) {
        r.headers_mut().insert("x-revision", v);
    }
    Ok(r)
}

async fn update_layer(
    state: St,
    deadline: Deadline,
    KeyPath(key): KeyPath,
    Query(q): Query<RevQuery>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult {
    let base = require_base(&headers, q.base.as_deref())?;
    let parsed = parse_one(&state, deadline, body, true).await?;
    let st = state.clone();
    let k = key.clone();
    let layer = parsed.layer;
    let rev = write(&state, move || {
        let json_text = layers::to_json(&layer)?;
        Ok(st.store.update_before(
            k.as_str(),
            base,
            &NewBody {
                json: &json_text,
                name: &layer.name,
                domain: &layer.domain,
                attack: attack_version(&layer),
                techniques: layer.techniques.len(),
                note: "update",
                report: None,
            },
            Some(deadline.0),
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
    state: St,
    deadline: Deadline,
    KeyPath(key): KeyPath,
    Query(q): Query<RevQuery>,
    headers: HeaderMap,
) -> ApiResult {
    let base = base_revision(&headers, q.base.as_deref())?;
    let st = state.clone();
    write(&state, move || {
        Ok(st
            .store
            .delete_before(key.as_str(), base, Some(deadline.0))?)
    })
    .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn list_revisions(
    state: St,
    deadline: Deadline,
    KeyPath(key): KeyPath,
) -> ApiResult<Json<Value>> {
    let st = state.clone();
    let k = key.clone();
    let revs = blocking(&state, deadline, move || {
        Ok(st.store.revisions(k.as_str())?)
    })
    .await?;
    Ok(Json(json!({"key": key, "revisions": revs})))
}

async fn get_revision(
    state: St,
    deadline: Deadline,
    Path((key, revision)): Path<(LayerKey, String)>,
) -> ApiResult {
    let rev = parse_revision(&revision, "path:revision")?;
    let (rev, text) = load(&state, deadline, &key, Some(&rev.to_string())).await?;
    Ok(json_response(StatusCode::OK, text, Some(rev)))
}

/// `GET …/revisions/{revision}/report`: the report stored with a revision (an upgrade's
/// migration report), 404 when it has none.
async fn get_revision_report(
    state: St,
    deadline: Deadline,
    Path((key, revision)): Path<(LayerKey, String)>,
) -> ApiResult {
    let rev = parse_revision(&revision, "path:revision")?;
    let st = state.clone();
    let k = key.clone();
    let report = blocking(&state, deadline, move || {
        Ok(st.store.revision_report(k.as_str(), rev)?)
    })
    .await?;
    let report = report.ok_or_else(|| {
        ApiError::not_found(
            format!("revision {rev} of {key:?} has no report (only upgrades keep one)"),
            "path:revision",
        )
    })?;
    Ok(json_response(StatusCode::OK, report, Some(rev)))
}

async fn restore_revision(
    state: St,
    deadline: Deadline,
    Path((key, revision)): Path<(LayerKey, String)>,
    Query(q): Query<RevQuery>,
    headers: HeaderMap,
) -> ApiResult {
    let rev = parse_revision(&revision, "path:revision")?;
    let base = require_base(&headers, q.base.as_deref())?;
    let st = state.clone();
    let k = key.clone();
    let new = write(&state, move || {
        Ok(st
            .store
            .restore_before(k.as_str(), rev, base, Some(deadline.0))?)
    })
    .await?;
    Ok(json_response(
        StatusCode::OK,
        json!({"key": key, "revision": new, "restored": rev}).to_string(),
        Some(new),
    ))
}

async fn validate_stored(
    state: St,
    deadline: Deadline,
    KeyPath(key): KeyPath,
    Query(q): Query<RevQuery>,
) -> ApiResult<Json<Value>> {
    let (rev, layer) = load_layer(&state, deadline, &key, q.revision.as_deref()).await?;
    let cat = state.catalogues.for_layer(&layer, deadline).await?;
    let release = format!("{} {}", cat.domain(), cat.release());
    let findings = blocking(&state, deadline, move || Ok(layers::validate(&layer, &cat))).await?;
    Ok(Json(json!({
        "key": key, "revision": rev,
        "release": release,
        "valid": !findings.iter().any(|f| f.severity == "error"),
        "findings": findings,
    })))
}

async fn validate_posted(state: St, deadline: Deadline, body: Bytes) -> ApiResult<Json<Value>> {
    let parsed = parse_one(&state, deadline, body, false).await?;
    let cat = state.catalogues.for_layer(&parsed.layer, deadline).await?;
    let release = format!("{} {}", cat.domain(), cat.release());
    let original_version = parsed.original_version.clone();
    let findings = blocking(&state, deadline, move || {
        let mut findings = parsed.findings;
        findings.extend(layers::validate_against(&parsed.layer, &cat));
        Ok(findings)
    })
    .await?;
    Ok(Json(json!({
        "originalVersion": original_version,
        "release": release,
        "valid": !findings.iter().any(|f| f.severity == "error"),
        "findings": findings,
    })))
}

async fn view_stored(
    state: St,
    deadline: Deadline,
    KeyPath(key): KeyPath,
    Query(q): Query<RevQuery>,
) -> ApiResult<Json<Value>> {
    let (rev, layer) = load_layer(&state, deadline, &key, q.revision.as_deref()).await?;
    let mut v = crate::view::build(&state, deadline, layer).await?;
    v["revision"] = json!(rev);
    Ok(Json(v))
}

async fn view_posted(state: St, deadline: Deadline, body: Bytes) -> ApiResult<Json<Value>> {
    let parsed = parse_one(&state, deadline, body, false).await?;
    Ok(Json(
        crate::view::build(&state, deadline, parsed.layer).await?,
    ))
}
