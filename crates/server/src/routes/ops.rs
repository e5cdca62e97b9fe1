//! Generation, combine, diff and migrate: calls into navlayer-generate, navlayer-ops and
//! navlayer-migrate. Results are returned, and stored as new layers when the request says
//! `"store": true`.

use std::sync::Arc;

use axum::body::Bytes;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::post;
use axum::Router;
use navlayer_attack::Release;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::error::ApiError;
use crate::layers;
use crate::router::AppState;
use crate::support::{
    blocking, body, json_response, layer_result as result, load_layer, parse_domain, parse_release,
    shorten, slug, Deadline, LayerKey, St,
};

/// `/api/generate`, `/api/combine`, `/api/diff`, `/api/migrate`.
pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/api/generate", post(generate))
        .route("/api/combine", post(combine))
        .route("/api/diff", post(diff))
        .route("/api/migrate", post(migrate))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GenerateRequest {
    id: String,
    #[serde(default)]
    domain: Option<String>,
    #[serde(default)]
    release: Option<String>,
    #[serde(default)]
    store: bool,
    #[serde(default)]
    key: Option<LayerKey>,
}

/// `POST /api/generate`: attack.mitre.org's layer for a mitigation, group, software, campaign
/// or asset.
async fn generate(state: St, deadline: Deadline, bytes: Bytes) -> Result<Response, ApiError> {
    let req: GenerateRequest = body(&bytes)?;
    let domain = parse_domain(req.domain.as_deref().unwrap_or("enterprise"))?;
    let release = parse_release(req.release.as_deref().unwrap_or("latest"))?;
    let cat = state.catalogues.get(domain, release, deadline).await?;
    let id = req.id.trim().to_string();
    let oid = cat
        .by_attack_id(&id)
        .ok_or_else(|| crate::error::unknown_id(&cat, &shorten(&id), "/id"))?;
    let c = cat.clone();
    let generated = blocking(&state, deadline, move || {
        navlayer_generate::Generator::new(&c, navlayer_generate::GenerateOptions::default())
            .generate(oid)
            .map_err(|e| ApiError::unprocessable(e.to_string(), "/id"))
    })
    .await?;
    let text = generated.to_json();
    if !req.store {
        // The exact bytes attack.mitre.org publishes.
        return Ok(json_response(StatusCode::OK, text, None));
    }
    let entries = state.config.limits.entries;
    let parsed = blocking(&state, deadline, move || {
        layers::parse_one(text.as_bytes(), entries)
    })
    .await?;
    let default_key = format!("{}-{}", generated.attack_id, domain.short_name());
    result(
        &state,
        deadline,
        parsed.layer,
        true,
        req.key,
        default_key,
        json!({"name": generated.name}),
    )
    .await
}

#[derive(Deserialize)]
#[serde(untagged)]
enum LayerRefs {
    Named(std::collections::BTreeMap<String, String>),
    Ordered(Vec<String>),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CombineRequest {
    expression: String,
    layers: LayerRefs,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    store: bool,
    #[serde(default)]
    key: Option<LayerKey>,
}

/// `POST /api/combine`: a layer whose scores an expression computes from stored layers
/// (`a`, `b`, … in order).
async fn combine(state: St, deadline: Deadline, bytes: Bytes) -> Result<Response, ApiError> {
    let req: CombineRequest = body(&bytes)?;
    let keys: Vec<String> = match req.layers {
        LayerRefs::Ordered(v) => v,
        LayerRefs::Named(map) => {
            let mut out = Vec::new();
            for (i, (var, key)) in map.into_iter().enumerate() {
                let want = navlayer_ops::combine::variable_name(i).to_string();
                if var != want {
                    return Err(ApiError::bad_request(
                        format!("layers are named a, b, c… in order; found {:?} where {want:?} was expected", shorten(&var)),
                        format!("/layers/{}", shorten(&var)),
                    ));
                }
                out.push(key);
            }
            out
        }
    };
    if keys.is_empty() {
        return Err(ApiError::bad_request(
            "name at least one stored layer in `layers`",
            "/layers",
        ));
    }
    // Counted before anything is loaded: a small request naming a large layer 300 times is
    // refused here, not after loading it 300 times.
    navlayer_ops::combine::check_layer_count(keys.len())
        .map_err(|e| ApiError::unprocessable(e.to_string(), "/layers"))?;
    let keys: Vec<LayerKey> = keys
        .iter()
        .enumerate()
        .map(|(i, k)| {
            LayerKey::parse(k).map_err(|e| ApiError::bad_request(e.message, format!("/layers/{i}")))
        })
        .collect::<Result<_, _>>()?;
    let expression = req.expression;
    let expr = blocking(&state, deadline, move || {
        navlayer_ops::Expr::parse(&expression)
            .map_err(|e| ApiError::unprocessable(e.to_string(), "/expression"))
    })
    .await?;
    let mut loaded = Vec::with_capacity(keys.len());
    for k in &keys {
        loaded.push(load_layer(&state, deadline, k, None).await?.1);
    }
    let cat = state.catalogues.for_layer(&loaded[0], deadline).await.ok();
    let name = req.name.clone();
    let layer = blocking(&state, deadline, move || {
        let options = navlayer_ops::CombineOptions {
            name,
            catalogue: cat.as_deref(),
            ..Default::default()
        };
        navlayer_ops::combine(&loaded, &expr, &options)
            .map_err(|e| ApiError::unprocessable(e.to_string(), "/expression"))
    })
    .await?;
    let default_key = layer.name.clone();
    result(
        &state,
        deadline,
        layer,
        req.store,
        req.key,
        default_key,
        json!({}),
    )
    .await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DiffRequest {
    a: LayerKey,
    b: LayerKey,
    #[serde(default, rename = "aRevision")]
    a_revision: Option<i64>,
    #[serde(default, rename = "bRevision")]
    b_revision: Option<i64>,
}

/// `POST /api/diff`: what changed between two stored layers (or two revisions of one).
async fn diff(state: St, deadline: Deadline, bytes: Bytes) -> Result<Response, ApiError> {
    let req: DiffRequest = body(&bytes)?;
    let ra = req.a_revision.map(|r| r.to_string());
    let rb = req.b_revision.map(|r| r.to_string());
    let (rev_a, a) = load_layer(&state, deadline, &req.a, ra.as_deref()).await?;
    let (rev_b, b) = load_layer(&state, deadline, &req.b, rb.as_deref()).await?;
    let out = blocking(&state, deadline, move || {
        let d = navlayer_ops::diff(&a, &b);
        Ok(json!({
            "a": {"key": req.a, "revision": rev_a},
            "b": {"key": req.b, "revision": rev_b},
            "identical": d.is_empty(),
            "diff": d,
            "text": navlayer_ops::diff::to_text(&d),
        })
        .to_string())
    })
    .await?;
    Ok(json_response(StatusCode::OK, out, None))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MigrateRequest {
    #[serde(default)]
    key: Option<LayerKey>,
    #[serde(default)]
    layer: Option<Value>,
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    to: Option<String>,
    #[serde(default)]
    store: bool,
    #[serde(default, rename = "newKey")]
    new_key: Option<LayerKey>,
}

/// `POST /api/migrate`: a stored or posted layer moved to another ATT&CK release, with the
/// report of what happened to every entry.
async fn migrate(state: St, deadline: Deadline, bytes: Bytes) -> Result<Response, ApiError> {
    let mut req: MigrateRequest = body(&bytes)?;
    let posted = req.layer.take();
    let layer = match (&req.key, posted) {
        (Some(k), None) => load_layer(&state, deadline, k, None).await?.1,
        (None, Some(v)) => {
            let entries = state.config.limits.entries;
            blocking(&state, deadline, move || {
                Ok(layers::parse_one(v.to_string().as_bytes(), entries)?.layer)
            })
            .await?
        }
        _ => {
            return Err(ApiError::bad_request(
                "give either `key` (a stored layer) or `layer` (a layer object)",
                "/key",
            ))
        }
    };
    let domain = navlayer_attack::Domain::parse_lenient(&layer.domain).ok_or_else(|| {
        ApiError::unprocessable(
            format!("unknown domain {:?}", shorten(&layer.domain)),
            "/layer/domain",
        )
    })?;
    let to = parse_release(req.to.as_deref().unwrap_or("latest"))?;
    let target = state.catalogues.get(domain, to, deadline).await?;
    let available: Vec<Release> = state
        .catalogues
        .releases()?
        .into_iter()
        .filter(|r| r.domain == domain)
        .map(|r| r.release)
        .collect();
    let mut notes = Vec::new();
    let from = match req.from.as_deref() {
        Some(f) => parse_release(f)?.unwrap_or(target.release()),
        None => {
            let wanted = layer
                .versions
                .as_ref()
                .and_then(|v| v.attack.as_deref())
                .and_then(|a| a.split('.').next()?.trim().parse::<u32>().ok())
                .ok_or_else(|| {
                    ApiError::unprocessable(
                        "the layer does not say its ATT&CK version (versions.attack): give `from` (X.Y)",
                        "/from",
                    )
                })?;
            let (r, note) = navlayer_migrate::pick_source_release(
                Release {
                    major: wanted,
                    minor: 0,
                },
                &available,
                target.release(),
            );
            notes.extend(note);
            r
        }
    };
    let source = state.catalogues.get(domain, Some(from), deadline).await?;
    let default_key = format!(
        "{}-{}",
        req.key
            .as_ref()
            .map_or_else(|| slug(&layer.name), |k| k.as_str().to_string()),
        target.release()
    );
    let (src, tgt) = (source.clone(), target.clone());
    let (migrated_layer, report) = blocking(&state, deadline, move || {
        let pair = navlayer_migrate::ReleasePair::new(&src, &tgt)
            .map_err(|e| ApiError::unprocessable(e.to_string(), "/from"))?;
        let m = navlayer_migrate::migrate_layer(
            &pair,
            &layer,
            &navlayer_migrate::MigrateOptions::default(),
        )
        .map_err(|e| ApiError::unprocessable(e.to_string(), ""))?;
        let report = serde_json::to_value(&m.report).map_err(ApiError::internal)?;
        Ok((m.layer, report))
    })
    .await?;
    let extra = json!({"report": report, "notes": notes, "from": source.release().to_string(), "to": target.release().to_string()});
    result(
        &state,
        deadline,
        migrated_layer,
        req.store,
        req.new_key,
        default_key,
        extra,
    )
    .await
}
