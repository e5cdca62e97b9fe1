//! Reading and writing layer bodies: the one place the server calls navlayer-layer.

use navlayer_layer::Layer;
use serde::Serialize;

use crate::error::ApiError;

/// A layer read from a request, upgraded to format 4.5.
#[derive(Debug, Clone)]
pub struct Parsed {
    /// The layer, format 4.5.
    pub layer: Layer,
    /// The format version the request carried (`"4.5"`, `"3.0"`, …; `"unknown"` when absent).
    pub original_version: String,
    /// What reading and upgrading found (conversion notes, warnings).
    pub findings: Vec<Finding>,
}

/// A finding about a layer (from the conversion or the validation).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// `error`, `warning` or `info`.
    pub severity: String,
    /// JSON pointer into the layer.
    pub pointer: String,
    /// What was found.
    pub message: String,
}

/// Reads every layer in `bytes` (a layer file of any format version), upgraded to 4.5, and
/// refuses layers with more than `max_entries` technique entries.
pub fn parse(bytes: &[u8], max_entries: usize) -> Result<Vec<Parsed>, ApiError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::bad_request(
            "the request body is empty; send a layer file (JSON)",
            "",
        ));
    }
    let options = navlayer_layer::read::ReadOptions {
        max_bytes: bytes.len() as u64 + 1,
    };
    let loaded = navlayer_layer::read::parse_layers_with(bytes, "request body", &options)
        .map_err(layer_error)?;
    let mut out = Vec::with_capacity(loaded.len());
    for l in loaded {
        check_entries(&l.layer, max_entries)?;
        let mut findings: Vec<Finding> = l
            .upgrades
            .iter()
            .map(|u| Finding {
                severity: "info".into(),
                pointer: l.pointer_prefix.clone(),
                message: format!("upgraded: {u}"),
            })
            .collect();
        findings.extend(l.findings.iter().map(convert_finding));
        out.push(Parsed {
            layer: l.layer,
            original_version: l.original_version.unwrap_or_else(|| "unknown".into()),
            findings,
        });
    }
    if out.is_empty() {
        return Err(ApiError::unprocessable("the file holds no layer", ""));
    }
    Ok(out)
}

fn layer_error(e: navlayer_layer::LayerError) -> ApiError {
    use navlayer_layer::LayerError as E;
    let message = e.to_string();
    let message = message
        .strip_prefix("request body")
        .map(|m| format!("request body{m}"))
        .unwrap_or(message);
    match &e {
        E::Json { line, column, .. } | E::Encoding { line, column, .. } => {
            ApiError::bad_request(message, format!("line {line} column {column}"))
        }
        E::NotALayer { pointer, .. } => ApiError::unprocessable(message, pointer.clone()),
        E::TooLarge { .. } => ApiError::new(axum::http::StatusCode::PAYLOAD_TOO_LARGE, message, ""),
        E::Io { .. } => ApiError::internal(message),
    }
}

/// Reads exactly one layer.
pub fn parse_one(bytes: &[u8], max_entries: usize) -> Result<Parsed, ApiError> {
    let mut all = parse(bytes, max_entries)?;
    if all.len() != 1 {
        return Err(ApiError::unprocessable(
            format!(
                "the body holds {} layers; send one (POST /api/import stores several)",
                all.len()
            ),
            "",
        ));
    }
    Ok(all.remove(0))
}

/// Refuses a layer whose reading found errors (values that would be dropped): API writes must
/// be exact. (`POST /api/import` stores such files and reports the findings instead.)
pub fn reject_errors(parsed: &Parsed) -> Result<(), ApiError> {
    let errors: Vec<&Finding> = parsed
        .findings
        .iter()
        .filter(|f| f.severity == "error")
        .collect();
    if let Some(first) = errors.first() {
        let more = if errors.len() > 1 {
            format!(" (and {} more)", errors.len() - 1)
        } else {
            String::new()
        };
        return Err(ApiError::unprocessable(
            format!(
                "{}{more} (hint: fix the layer, or POST it to /api/import, which stores it with the findings)",
                first.message
            ),
            first.pointer.clone(),
        ));
    }
    Ok(())
}

/// Refuses a layer over the entry limit.
pub fn check_entries(layer: &Layer, max_entries: usize) -> Result<(), ApiError> {
    if layer.techniques.len() > max_entries {
        return Err(ApiError::new(
            axum::http::StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "the layer has {} technique entries; this server accepts at most {max_entries} (--max-entries)",
                layer.techniques.len()
            ),
            "/techniques",
        ));
    }
    Ok(())
}

/// The layer as stored and served: format 4.5 JSON, indented as the Navigator writes it.
pub fn to_json(layer: &Layer) -> Result<String, ApiError> {
    Ok(navlayer_layer::write::to_json(
        layer,
        navlayer_layer::write::Style::Pretty,
    ))
}

fn convert_finding(f: &navlayer_layer::validate::Finding) -> Finding {
    Finding {
        severity: f.severity.as_str().to_string(),
        pointer: f.pointer.clone(),
        message: f.message.clone(),
    }
}

/// Checks a layer against a catalogue (navlayer-layer's catalogue checks only).
pub fn validate_against(layer: &Layer, catalogue: &navlayer_attack::Catalogue) -> Vec<Finding> {
    navlayer_layer::validate::validate_with_catalogue(layer, catalogue)
        .iter()
        .map(convert_finding)
        .collect()
}

/// Every check of a stored layer: the layer's own consistency, then the catalogue checks.
pub fn validate(layer: &Layer, catalogue: &navlayer_attack::Catalogue) -> Vec<Finding> {
    let mut out: Vec<Finding> = navlayer_layer::validate::check_layer(layer)
        .iter()
        .map(convert_finding)
        .collect();
    out.extend(validate_against(layer, catalogue));
    out
}
