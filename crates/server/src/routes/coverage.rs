//! Coverage, heatmap and gaps: calls into navlayer-coverage. Rule and mapping files come in the
//! JSON body; threat and coverage layers inline or as stored keys. Each answers the layer and
//! the library's report (`{"layer", "report", "summary"}`), or stores the layer as a new one
//! with `"store": true`. The contract is written out in `docs/coverage.md` ("HTTP API").

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use axum::body::Bytes;
use axum::response::Response;
use axum::routing::post;
use axum::Router;
use navlayer_attack::{Catalogue, Domain, Release};
use navlayer_coverage::{
    CoverageError, CoverageOptions, CoverageReport, Dates, Format, GapsOptions, HeatmapOptions,
    Input, Outcome, ReportFormat,
};
use navlayer_layer::Layer;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::error::ApiError;
use crate::layers;
use crate::router::AppState;
use crate::support::{
    blocking, body, layer_result, load_layer, parse_domain, parse_release, shorten, Deadline,
    LayerKey, St,
};

/// Most files in one `POST /api/coverage` (the body limit bounds their bytes).
pub const MAX_FILES: usize = 20_000;

/// Most coverage layers in one `POST /api/gaps`.
pub const MAX_COVERAGE_LAYERS: usize = 25;

/// Failed files named in the message of a 400 (all are in `details`).
const FAILED_IN_MESSAGE: usize = 5;

/// `/api/coverage`, `/api/heatmap`, `/api/gaps`.
pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/api/coverage", post(coverage))
        .route("/api/heatmap", post(heatmap))
        .route("/api/gaps", post(gaps))
}

/// A library error as an HTTP error: the input's fault (an unknown `only` ID, a layer of another
/// domain) is 422, a bad option 400.
fn coverage_error(e: CoverageError, pointer: &str) -> ApiError {
    if e.is_check_failure() {
        ApiError::unprocessable(e.to_string(), pointer)
    } else {
        ApiError::bad_request(e.to_string(), pointer)
    }
}

/// The release a request names (`domain`, `release`; default enterprise, the newest).
async fn target(
    state: &AppState,
    deadline: Deadline,
    domain: Option<&str>,
    release: Option<&str>,
) -> Result<Arc<Catalogue>, ApiError> {
    let d = parse_domain(domain.unwrap_or("enterprise")).map_err(|e| repoint(e, "/domain"))?;
    let r = parse_release(release.unwrap_or("latest")).map_err(|e| repoint(e, "/release"))?;
    state.catalogues.get(d, r, deadline).await
}

/// The error with a body pointer in place of the path pointer the shared parsers give.
fn repoint(mut e: ApiError, pointer: &str) -> ApiError {
    e.pointer = pointer.to_string();
    e
}

/// `report`, plus `reportText` in the format asked for, plus the one-line `summary`.
fn report_fields(report: Value, summary: String, text: Option<String>) -> Value {
    let mut out = json!({ "report": report, "summary": summary });
    if let Some(t) = text {
        out["reportText"] = Value::String(t);
    }
    out
}

// ---------------------------------------------------------------- POST /api/coverage

/// One uploaded file.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UploadedFile {
    /// The name reports use (a path such as `rules/linux/x.yml`); its extension does not matter.
    name: String,
    /// The content.
    text: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct CoverageRequest {
    format: Format,
    files: Vec<UploadedFile>,
    #[serde(default)]
    domain: Option<String>,
    #[serde(default)]
    release: Option<String>,
    #[serde(default)]
    options: CoverageOptions,
    /// Answer the layer even when files failed to parse (they are in the report).
    #[serde(default)]
    allow_failed: bool,
    #[serde(default)]
    report_format: Option<ReportFormat>,
    #[serde(default)]
    store: bool,
    #[serde(default)]
    key: Option<LayerKey>,
}

/// `POST /api/coverage`: a coverage layer from rule, test, mapping, list or STIX files sent in
/// the body, and the report accounting for every file.
async fn coverage(state: St, deadline: Deadline, bytes: Bytes) -> Result<Response, ApiError> {
    let req: CoverageRequest = body(&bytes)?;
    drop(bytes);
    check_files(&req.files)?;
    let format = req.format;
    let mut options = req.options;
    options.source.get_or_insert_with(|| uploaded(&req.files));
    let inputs: Vec<Input> = req
        .files
        .into_iter()
        .map(|f| Input::new(f.name, f.text.into_bytes()))
        .collect();
    // Parse while the release loads: parsing needs no ATT&CK data.
    let parse_options = options.clone();
    let parsing = blocking(&state, deadline, move || {
        navlayer_coverage::parse_inputs(format, inputs, &parse_options)
            .map_err(|e| coverage_error(e, "/options"))
    });
    let (catalogue, parsed) = tokio::join!(
        target(
            &state,
            deadline,
            req.domain.as_deref(),
            req.release.as_deref()
        ),
        parsing
    );
    let (catalogue, parsed) = (catalogue?, parsed?);
    let others = other_releases(&state, deadline, &catalogue, &parsed.made_for).await;
    let cat = catalogue.clone();
    let (layer, report, text) = blocking(&state, deadline, move || {
        let releases = |d: Domain, r: Release| -> Result<Arc<Catalogue>, String> {
            others
                .get(&(d, r))
                .cloned()
                .unwrap_or_else(|| Err(format!("{d} {r} is not available on this server")))
        };
        let built = navlayer_coverage::build_coverage(format, parsed, &cat, &releases, &options)
            .map_err(|e| coverage_error(e, "/options"))?;
        let text = req.report_format.map(|f| built.report.render(f));
        Ok((built.layer, built.report, text))
    })
    .await?;
    if report.has_failures() && !req.allow_failed {
        return Err(failed_files(&report));
    }
    let extra = report_fields(
        serde_json::to_value(&report).map_err(ApiError::internal)?,
        report.summary(),
        text,
    );
    let default_key = format!("{}-coverage", format.label());
    layer_result(
        &state,
        deadline,
        layer,
        req.store,
        req.key,
        default_key,
        extra,
    )
    .await
}

/// At least one file, at most [`MAX_FILES`].
fn check_files(files: &[UploadedFile]) -> Result<(), ApiError> {
    if files.is_empty() {
        return Err(ApiError::bad_request(
            "send at least one file in `files` ([{\"name\": …, \"text\": …}])",
            "/files",
        ));
    }
    if files.len() > MAX_FILES {
        return Err(ApiError::bad_request(
            format!(
                "{} files in one request; at most {MAX_FILES} (split the request, or use `navlayer coverage` on the folder)",
                files.len()
            ),
            "/files",
        ));
    }
    Ok(())
}

/// The layer's source when the request names none: `rule.yml` or `120 uploaded files`.
fn uploaded(files: &[UploadedFile]) -> String {
    match files {
        [one] => shorten(&one.name),
        _ => format!("{} uploaded files", files.len()),
    }
}

/// The catalogues of the other releases of the target's domain that files say they were made
/// for (Mappings Explorer files name theirs), loaded now so the blocking build can migrate; one
/// the server does not have is the reason the report gives.
async fn other_releases(
    state: &AppState,
    deadline: Deadline,
    target: &Catalogue,
    made_for: &[Option<navlayer_coverage::MadeFor>],
) -> HashMap<(Domain, Release), Result<Arc<Catalogue>, String>> {
    let wanted: BTreeSet<(Domain, Release)> = made_for
        .iter()
        .flatten()
        .filter(|m| m.domain == target.domain() && m.release != target.release())
        .map(|m| (m.domain, m.release))
        .collect();
    let mut out = HashMap::new();
    for (d, r) in wanted {
        let got = state
            .catalogues
            .get(d, Some(r), deadline)
            .await
            .map_err(|e| e.message);
        out.insert((d, r), got);
    }
    out
}

/// 400 for files that failed to parse: the first few with line and column in the message, the
/// whole report in `details`.
fn failed_files(report: &CoverageReport) -> ApiError {
    let failed: Vec<(usize, &navlayer_coverage::FileReport)> = report
        .files
        .iter()
        .enumerate()
        .filter(|(_, f)| f.outcome == Outcome::Failed)
        .collect();
    let listed: Vec<String> = failed
        .iter()
        .take(FAILED_IN_MESSAGE)
        .map(|(_, f)| {
            let at = match (f.line, f.column) {
                (Some(l), Some(c)) => format!(":{l}:{c}"),
                (Some(l), None) => format!(":{l}"),
                _ => String::new(),
            };
            format!(
                "{}{at}: {}",
                shorten(&f.path),
                f.reason.as_deref().unwrap_or("failed")
            )
        })
        .collect();
    let more = failed.len().saturating_sub(FAILED_IN_MESSAGE);
    let mut message = format!(
        "{} of {} file(s) failed to parse: {}",
        failed.len(),
        report.files.len(),
        listed.join("; ")
    );
    if more > 0 {
        message.push_str(&format!("; and {more} more"));
    }
    message.push_str(" (fix them, or send \"allowFailed\": true for the layer of the others; `details` is the report)");
    let pointer = failed
        .first()
        .map_or(String::from("/files"), |(i, _)| format!("/files/{i}/text"));
    let mut e = ApiError::bad_request(message, pointer);
    e.details = serde_json::to_value(report).ok().map(Box::new);
    e
}

// ---------------------------------------------------------------- POST /api/heatmap

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct HeatmapRequest {
    #[serde(default)]
    domain: Option<String>,
    #[serde(default)]
    release: Option<String>,
    #[serde(default)]
    options: HeatmapOptions,
    #[serde(default)]
    report_format: Option<ReportFormat>,
    #[serde(default)]
    store: bool,
    #[serde(default)]
    key: Option<LayerKey>,
}

/// `POST /api/heatmap`: how many groups, software, campaigns, mitigations or detection
/// strategies of a release use each technique.
async fn heatmap(state: St, deadline: Deadline, bytes: Bytes) -> Result<Response, ApiError> {
    let req: HeatmapRequest = body(&bytes)?;
    let catalogue = target(
        &state,
        deadline,
        req.domain.as_deref(),
        req.release.as_deref(),
    )
    .await?;
    let options = req.options;
    let report_format = req.report_format;
    let (layer, extra) = blocking(&state, deadline, move || {
        // `since` compares the relationships' dates, which the catalogue does not keep: read
        // them from the bundle again.
        let dates = match &options.since {
            Some(_) => {
                let path = catalogue.source().ok_or_else(|| {
                    ApiError::internal("the release was not read from a file: no dates")
                })?;
                Some(Dates::load(path).map_err(ApiError::internal)?)
            }
            None => None,
        };
        let built = navlayer_coverage::heatmap(&catalogue, dates.as_ref(), &options)
            .map_err(|e| coverage_error(e, "/options"))?;
        let text = report_format.map(|f| built.report.render(f));
        let report = serde_json::to_value(&built.report).map_err(ApiError::internal)?;
        Ok((
            built.layer,
            report_fields(report, built.report.summary(), text),
        ))
    })
    .await?;
    let default_key = format!("heatmap-{}", shorten(&layer.name));
    layer_result(
        &state,
        deadline,
        layer,
        req.store,
        req.key,
        default_key,
        extra,
    )
    .await
}

// ---------------------------------------------------------------- POST /api/gaps

/// A layer named by its stored key, or given inline.
#[derive(Deserialize)]
#[serde(untagged)]
enum LayerRef {
    Key(LayerKey),
    Inline(serde_json::Map<String, Value>),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct GapsRequest {
    threat: LayerRef,
    coverage: Vec<LayerRef>,
    #[serde(default)]
    options: GapsOptions,
    #[serde(default)]
    report_format: Option<ReportFormat>,
    #[serde(default)]
    store: bool,
    #[serde(default)]
    key: Option<LayerKey>,
}

/// A stored or inline layer, read into the model.
async fn resolve_layer(
    state: &Arc<AppState>,
    deadline: Deadline,
    layer: LayerRef,
    pointer: String,
) -> Result<Layer, ApiError> {
    match layer {
        LayerRef::Key(k) => match load_layer(state, deadline, &k, None).await {
            Ok((_, layer)) => Ok(layer),
            Err(e) if e.status == axum::http::StatusCode::NOT_FOUND => Err(repoint(e, &pointer)),
            Err(e) => Err(e),
        },
        LayerRef::Inline(map) => {
            let entries = state.config.limits.entries;
            blocking(state, deadline, move || {
                let text = Value::Object(map).to_string();
                layers::parse_one(text.as_bytes(), entries)
                    .map(|p| p.layer)
                    .map_err(|e| {
                        let inner = e.pointer.trim_start_matches('/');
                        let at = if inner.is_empty() {
                            pointer.clone()
                        } else {
                            format!("{pointer}/{inner}")
                        };
                        ApiError::new(e.status, format!("{pointer}: {}", e.message), at)
                    })
            })
            .await
        }
    }
}

/// `POST /api/gaps`: the techniques the threat layer scores that no coverage layer covers,
/// ranked and coloured by severity.
async fn gaps(state: St, deadline: Deadline, bytes: Bytes) -> Result<Response, ApiError> {
    let req: GapsRequest = body(&bytes)?;
    drop(bytes);
    if req.coverage.is_empty() || req.coverage.len() > MAX_COVERAGE_LAYERS {
        return Err(ApiError::bad_request(
            format!(
                "give 1 to {MAX_COVERAGE_LAYERS} coverage layers in `coverage` (stored keys or layer objects); got {}",
                req.coverage.len()
            ),
            "/coverage",
        ));
    }
    let threat = resolve_layer(&state, deadline, req.threat, "/threat".into()).await?;
    let mut coverage = Vec::with_capacity(req.coverage.len());
    for (i, c) in req.coverage.into_iter().enumerate() {
        coverage.push(resolve_layer(&state, deadline, c, format!("/coverage/{i}")).await?);
    }
    let catalogue = state
        .catalogues
        .for_layer(&threat, deadline)
        .await
        .map_err(|e| repoint(e, "/threat/domain"))?;
    let options = req.options;
    let report_format = req.report_format;
    let (layer, extra) = blocking(&state, deadline, move || {
        let built = navlayer_coverage::gaps(&threat, &coverage, &catalogue, &options)
            .map_err(|e| coverage_error(e, "/coverage"))?;
        let text = report_format.map(|f| built.report.render(f));
        let report = serde_json::to_value(&built.report).map_err(ApiError::internal)?;
        Ok((
            built.layer,
            report_fields(report, built.report.summary(), text),
        ))
    })
    .await?;
    let default_key = format!("gaps-{}", shorten(&layer.name));
    layer_result(
        &state,
        deadline,
        layer,
        req.store,
        req.key,
        default_key,
        extra,
    )
    .await
}
