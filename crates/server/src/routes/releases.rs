//! The ATT&CK releases of `--data`: their tactics, techniques, matrix, objects and search.

use std::sync::Arc;

use axum::extract::{Path, Query};
use axum::routing::get;
use axum::{Json, Router};
use navlayer_attack::{Catalogue, ObjectId, ObjectKind};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::error::ApiError;
use crate::multiselect::{Fields, MultiselectQuery};
use crate::router::AppState;
use crate::support::{blocking, catalogue, json_response, shorten, ApiResult, Deadline, St};

/// `/api/releases…`.
pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
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
}

async fn list_releases(state: St) -> ApiResult<Json<Value>> {
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
    state: St,
    deadline: Deadline,
    Path((domain, release)): Path<(String, String)>,
) -> ApiResult<Json<Value>> {
    let cat = catalogue(&state, deadline, &domain, &release).await?;
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
    state: St,
    deadline: Deadline,
    Path((domain, release)): Path<(String, String)>,
) -> ApiResult<Json<Value>> {
    let cat = catalogue(&state, deadline, &domain, &release).await?;
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
    state: St,
    deadline: Deadline,
    Path((domain, release)): Path<(String, String)>,
    Query(mq): Query<MatrixQuery>,
) -> ApiResult<Json<Value>> {
    let cat = catalogue(&state, deadline, &domain, &release).await?;
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
    state: St,
    deadline: Deadline,
    Path((domain, release, id)): Path<(String, String, String)>,
) -> ApiResult<Json<Value>> {
    let cat = catalogue(&state, deadline, &domain, &release).await?;
    let oid = cat
        .by_attack_id(&id)
        .or_else(|| cat.by_stix_id(&id))
        .ok_or_else(|| crate::error::unknown_id(&cat, &shorten(&id), "path:id"))?;
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
    state: St,
    deadline: Deadline,
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
    let cat = catalogue(&state, deadline, &domain, &release).await?;
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

/// `GET …/multiselect?q=&fields=`: the search & multiselect panel, techniques and object lists
/// with their technique IDs (lists prepared once per release on the blocking pool, then a filter).
async fn multiselect(
    state: St,
    deadline: Deadline,
    Path((domain, release)): Path<(String, String)>,
    Query(mq): Query<MultiselectQuery>,
) -> ApiResult {
    let q = mq.q.unwrap_or_default();
    if q.chars().count() > 200 {
        return Err(ApiError::bad_request(
            "the search text is longer than 200 characters",
            "query:q",
        ));
    }
    let fields = Fields::parse(mq.fields.as_deref());
    let cat = catalogue(&state, deadline, &domain, &release).await?;
    let st = state.clone();
    let answer = blocking(&state, deadline, move || {
        Ok(st.multiselect.get(&cat).answer(&q, fields))
    })
    .await?;
    Ok(json_response(axum::http::StatusCode::OK, answer, None))
}
