//! Generation, combine, diff and migrate: calls into navlayer-generate, navlayer-ops and
//! navlayer-migrate. Results are returned, and stored as new layers when the request says
//! `"store": true`.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use navlayer_attack::Release;
use navlayer_layer::Layer;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::api::{json_response, load_layer, parse_domain, parse_release, slug, store_new};
use crate::error::ApiError;
use crate::layers;
use crate::AppState;

type St = State<Arc<AppState>>;

fn body<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    serde::Deserialize::deserialize(&mut de).map_err(|e: serde_json::Error| {
        let pointer = format!("line {} column {}", e.line(), e.column());
        ApiError::bad_request(format!("the request body does not fit: {e}"), pointer)
    })
}

/// Stores `layer` when asked, else returns it.
async fn result(
    state: &Arc<AppState>,
    layer: Layer,
    store: bool,
    key: Option<String>,
    default_key: String,
    extra: Value,
) -> Result<Response, ApiError> {
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
    let key = match key {
        Some(k) => Some(k),
        None => {
            let st = state.clone();
            let base = slug(&default_key);
            Some(
                tokio::task::spawn_blocking(move || -> Result<String, ApiError> {
                    if !st.store.exists(&base)? {
                        return Ok(base);
                    }
                    for n in 2..10_000 {
                        let k = format!("{base}-{n}");
                        if !st.store.exists(&k)? {
                            return Ok(k);
                        }
                    }
                    Ok(base)
                })
                .await
                .map_err(ApiError::internal)??,
            )
        }
    };
    let mut out = store_new(state, vec![parsed], key, "generated").await?;
    let mut one = out.pop().unwrap_or(Value::Null);
    if let (Value::Object(o), Value::Object(x)) = (&mut one, extra) {
        o.extend(x);
    }
    let rev = one["revision"].as_i64();
    Ok(json_response(StatusCode::CREATED, one.to_string(), rev))
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
    key: Option<String>,
}

/// `POST /api/generate`: attack.mitre.org's layer for a mitigation, group, software, campaign
/// or asset.
pub async fn generate(State(state): St, bytes: Bytes) -> Result<Response, ApiError> {
    let req: GenerateRequest = body(&bytes)?;
    let domain = parse_domain(req.domain.as_deref().unwrap_or("enterprise"))?;
    let release = parse_release(req.release.as_deref().unwrap_or("latest"))?;
    let cat = state.catalogues.get(domain, release).await?;
    let id = req.id.trim().to_string();
    let oid = cat
        .by_attack_id(&id)
        .ok_or_else(|| crate::error::unknown_id(&cat, &id, "/id"))?;
    let c = cat.clone();
    let generated = tokio::task::spawn_blocking(move || {
        navlayer_generate::Generator::new(&c, navlayer_generate::GenerateOptions::default())
            .generate(oid)
    })
    .await
    .map_err(ApiError::internal)?
    .map_err(|e| ApiError::unprocessable(e.to_string(), "/id"))?;
    let text = generated.to_json();
    if !req.store {
        // The exact bytes attack.mitre.org publishes.
        return Ok(json_response(StatusCode::OK, text, None));
    }
    let parsed = layers::parse_one(text.as_bytes(), state.config.limits.entries)?;
    let default_key = format!("{}-{}", generated.attack_id, domain.short_name());
    result(
        &state,
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
    key: Option<String>,
    /// Fields taken from one layer each: `{"comments": "b", "gradient": "a", …}` (or `"all"`).
    #[serde(default)]
    inherit: std::collections::BTreeMap<String, String>,
}

/// `POST /api/combine`: a layer whose scores an expression computes from stored layers
/// (`a`, `b`, … in order).
pub async fn combine(State(state): St, bytes: Bytes) -> Result<Response, ApiError> {
    let req: CombineRequest = body(&bytes)?;
    let keys: Vec<String> = match req.layers {
        LayerRefs::Ordered(v) => v,
        LayerRefs::Named(map) => {
            let mut out = Vec::new();
            for (i, (var, key)) in map.into_iter().enumerate() {
                let want = navlayer_ops::combine::variable_name(i).to_string();
                if var != want {
                    return Err(ApiError::bad_request(
                        format!("layers are named a, b, c… in order; found {var:?} where {want:?} was expected"),
                        format!("/layers/{var}"),
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
    let mut loaded = Vec::new();
    for k in &keys {
        crate::api::check_key(k)?;
        loaded.push(load_layer(&state, k, None).await?.1);
    }
    let expr = navlayer_ops::Expr::parse(&req.expression)
        .map_err(|e| ApiError::unprocessable(e.to_string(), "/expression"))?;
    let mut inherit = navlayer_ops::combine::Inherit::default();
    for (field, var) in &req.inherit {
        let pointer = format!("/inherit/{field}");
        let i = (0..keys.len())
            .find(|&i| navlayer_ops::combine::variable_name(i).to_string() == var.trim())
            .ok_or_else(|| {
                ApiError::bad_request(
                    format!(
                        "{var:?} names none of the layers (a … {})",
                        navlayer_ops::combine::variable_name(keys.len() - 1)
                    ),
                    pointer.clone(),
                )
            })?;
        inherit
            .set(field, i)
            .map_err(|e| ApiError::bad_request(e.to_string(), pointer))?;
    }
    let cat = state.catalogues.for_layer(&loaded[0]).await.ok();
    let options = navlayer_ops::CombineOptions {
        name: req.name.clone(),
        catalogue: cat.as_deref(),
        inherit,
    };
    let layer = navlayer_ops::combine(&loaded, &expr, &options)
        .map_err(|e| ApiError::unprocessable(e.to_string(), "/expression"))?;
    let default_key = layer.name.clone();
    result(&state, layer, req.store, req.key, default_key, json!({})).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DiffRequest {
    a: String,
    b: String,
    #[serde(default, rename = "aRevision")]
    a_revision: Option<i64>,
    #[serde(default, rename = "bRevision")]
    b_revision: Option<i64>,
}

/// `POST /api/diff`: what changed between two stored layers (or two revisions of one).
pub async fn diff(State(state): St, bytes: Bytes) -> Result<Response, ApiError> {
    let req: DiffRequest = body(&bytes)?;
    crate::api::check_key(&req.a)?;
    crate::api::check_key(&req.b)?;
    let ra = req.a_revision.map(|r| r.to_string());
    let rb = req.b_revision.map(|r| r.to_string());
    let (rev_a, a) = load_layer(&state, &req.a, ra.as_deref()).await?;
    let (rev_b, b) = load_layer(&state, &req.b, rb.as_deref()).await?;
    let d = navlayer_ops::diff(&a, &b);
    let out = json!({
        "a": {"key": req.a, "revision": rev_a},
        "b": {"key": req.b, "revision": rev_b},
        "identical": d.is_empty(),
        "diff": d,
        "text": navlayer_ops::diff::to_text(&d),
    });
    Ok(json_response(StatusCode::OK, out.to_string(), None))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MigrateRequest {
    #[serde(default)]
    key: Option<String>,
    #[serde(default)]
    layer: Option<Value>,
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    to: Option<String>,
    #[serde(default)]
    store: bool,
    #[serde(default, rename = "newKey")]
    new_key: Option<String>,
}

/// `POST /api/migrate`: a stored or posted layer moved to another ATT&CK release, with the
/// report of what happened to every entry.
pub async fn migrate(State(state): St, bytes: Bytes) -> Result<Response, ApiError> {
    let req: MigrateRequest = body(&bytes)?;
    let layer = match (&req.key, &req.layer) {
        (Some(k), None) => load_layer(&state, k, None).await?.1,
        (None, Some(v)) => {
            layers::parse_one(v.to_string().as_bytes(), state.config.limits.entries)?.layer
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
            format!("unknown domain {:?}", layer.domain),
            "/layer/domain",
        )
    })?;
    let to = parse_release(req.to.as_deref().unwrap_or("latest"))?;
    let target = state.catalogues.get(domain, to).await?;
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
    let source = state.catalogues.get(domain, Some(from)).await?;
    let (migrated_layer, report) = {
        let pair = navlayer_migrate::ReleasePair::new(&source, &target)
            .map_err(|e| ApiError::unprocessable(e.to_string(), "/from"))?;
        let m = navlayer_migrate::migrate_layer(
            &pair,
            &layer,
            &navlayer_migrate::MigrateOptions::default(),
        )
        .map_err(|e| ApiError::unprocessable(e.to_string(), ""))?;
        (m.layer, m.report)
    };
    let report = serde_json::to_value(&report).map_err(ApiError::internal)?;
    let default_key = format!(
        "{}-{}",
        req.key.clone().unwrap_or_else(|| slug(&layer.name)),
        target.release()
    );
    let extra = json!({"report": report, "notes": notes, "from": source.release().to_string(), "to": target.release().to_string()});
    result(
        &state,
        migrated_layer,
        req.store,
        req.new_key,
        default_key,
        extra,
    )
    .await
}
