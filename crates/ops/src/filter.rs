//! `filter`: keep the techniques of some platforms, using the ATT&CK data.

use navlayer_attack::Catalogue;
use navlayer_layer::Layer;

use crate::error::OpsError;

/// The result of [`filter_platforms`].
#[derive(Debug, Clone, PartialEq)]
pub struct FilterReport {
    /// The filtered layer.
    pub layer: Layer,
    /// Entries kept.
    pub kept: usize,
    /// Entries removed because their technique is on none of the platforms.
    pub removed: usize,
    /// Technique IDs not in the ATT&CK data (their entries are removed), in file order.
    pub unknown: Vec<String>,
}

/// Resolves platform names (case-insensitive) to the data's spelling.
pub fn resolve_platforms(
    catalogue: &Catalogue,
    platforms: &[String],
) -> Result<Vec<String>, OpsError> {
    let available = catalogue.platforms();
    let mut out = Vec::new();
    for p in platforms {
        let want = p.trim();
        match available.iter().find(|a| a.eq_ignore_ascii_case(want)) {
            Some(a) => {
                if !out.contains(a) {
                    out.push(a.clone());
                }
            }
            None => {
                return Err(OpsError::UnknownPlatform {
                    platform: want.to_string(),
                    domain: catalogue.domain().to_string(),
                    release: catalogue.release().to_string(),
                    available: available.join(", "),
                })
            }
        }
    }
    Ok(out)
}

/// Keeps the entries whose technique (or sub-technique) lists one of `platforms` in the
/// catalogue, and sets the layer's platform filter to them. Entries for IDs the catalogue does
/// not know are removed and reported.
pub fn filter_platforms(
    layer: &Layer,
    catalogue: &Catalogue,
    platforms: &[String],
) -> Result<FilterReport, OpsError> {
    if platforms.is_empty() {
        return Err(OpsError::LayerCount(
            "no platform given: pass --platform NAME (repeatable)".into(),
        ));
    }
    let platforms = resolve_platforms(catalogue, platforms)?;
    let mut out = layer.clone();
    let mut unknown: Vec<String> = Vec::new();
    let mut removed = 0;
    out.techniques.retain(|e| {
        let object = catalogue
            .by_attack_id(&e.technique_id)
            .map(|id| catalogue.object(id))
            .filter(|o| o.kind.is_technique());
        match object {
            None => {
                if !unknown.contains(&e.technique_id) {
                    unknown.push(e.technique_id.clone());
                }
                false
            }
            Some(o) => {
                let keep = o
                    .platforms
                    .iter()
                    .any(|p| platforms.iter().any(|w| w.eq_ignore_ascii_case(p)));
                if !keep {
                    removed += 1;
                }
                keep
            }
        }
    });
    let mut filters = out.filters.take().unwrap_or_default();
    filters.platforms = Some(platforms);
    out.filters = Some(filters);
    let kept = out.techniques.len();
    Ok(FilterReport {
        layer: out,
        kept,
        removed,
        unknown,
    })
}
