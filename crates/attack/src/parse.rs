//! Reading a STIX bundle (2.0 or 2.1, plain or gzip) into objects and relationships.
//!
//! The bundle is scanned once into raw per-object slices, then the objects are decoded in parallel
//! into borrowed raw structs and converted to owned [`AttackObject`]s / [`Relationship`]s. Bundle
//! order is preserved.

use std::borrow::Cow;
use std::io::Read;
use std::path::Path;

use rayon::prelude::*;
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::model::{AttackObject, ObjectKind, RelationKind, Relationship};
use crate::AttackError;

/// A string that borrows from the input when it has no escapes.
#[derive(Deserialize)]
struct Str<'a>(#[serde(borrow)] Cow<'a, str>);

impl Str<'_> {
    fn owned(self) -> String {
        self.0.into_owned()
    }
}

fn owned_vec(v: Option<Vec<Str<'_>>>) -> Vec<String> {
    v.map(|v| v.into_iter().map(Str::owned).collect())
        .unwrap_or_default()
}

#[derive(Deserialize)]
struct RawBundle<'a> {
    #[serde(rename = "type")]
    #[serde(borrow)]
    kind: Option<Str<'a>>,
    #[serde(borrow)]
    objects: Option<Vec<&'a RawValue>>,
    #[serde(borrow)]
    spec_version: Option<Str<'a>>,
}

#[derive(Deserialize)]
struct RawExternalReference<'a> {
    #[serde(borrow)]
    source_name: Option<Str<'a>>,
    #[serde(borrow)]
    external_id: Option<Str<'a>>,
    #[serde(borrow)]
    url: Option<Str<'a>>,
}

#[derive(Deserialize)]
struct RawKillChainPhase<'a> {
    #[serde(borrow)]
    kill_chain_name: Option<Str<'a>>,
    #[serde(borrow)]
    phase_name: Option<Str<'a>>,
}

#[derive(Deserialize)]
struct RawObject<'a> {
    #[serde(rename = "type")]
    #[serde(borrow)]
    kind: Str<'a>,
    #[serde(borrow)]
    id: Str<'a>,
    #[serde(borrow)]
    name: Option<Str<'a>>,
    #[serde(borrow)]
    description: Option<Str<'a>>,
    #[serde(borrow)]
    x_mitre_version: Option<Str<'a>>,
    #[serde(borrow)]
    created: Option<Str<'a>>,
    #[serde(borrow)]
    modified: Option<Str<'a>>,
    #[serde(borrow)]
    spec_version: Option<Str<'a>>,
    revoked: Option<bool>,
    x_mitre_deprecated: Option<bool>,
    x_mitre_is_subtechnique: Option<bool>,
    #[serde(borrow)]
    external_references: Option<Vec<RawExternalReference<'a>>>,
    #[serde(borrow)]
    kill_chain_phases: Option<Vec<RawKillChainPhase<'a>>>,
    #[serde(borrow)]
    x_mitre_platforms: Option<Vec<Str<'a>>>,
    #[serde(borrow)]
    x_mitre_domains: Option<Vec<Str<'a>>>,
    #[serde(borrow)]
    aliases: Option<Vec<Str<'a>>>,
    #[serde(borrow)]
    x_mitre_aliases: Option<Vec<Str<'a>>>,
    #[serde(borrow)]
    tactic_refs: Option<Vec<Str<'a>>>,
    #[serde(borrow)]
    x_mitre_shortname: Option<Str<'a>>,
    #[serde(borrow)]
    x_mitre_analytic_refs: Option<Vec<Str<'a>>>,
    #[serde(borrow)]
    x_mitre_data_source_ref: Option<Str<'a>>,
    #[serde(borrow)]
    relationship_type: Option<Str<'a>>,
    #[serde(borrow)]
    source_ref: Option<Str<'a>>,
    #[serde(borrow)]
    target_ref: Option<Str<'a>>,
}

/// One decoded entry of the bundle's `objects` array.
pub(crate) enum Decoded {
    Object(AttackObject),
    Relationship(Relationship),
    /// `x-mitre-collection`: also an object, but carries the release.
    Collection {
        object: AttackObject,
        version: Option<String>,
    },
    /// A STIX type the catalogue does not model (identity, marking-definition, …).
    Other(String),
}

/// The raw content of a bundle file after decoding.
pub(crate) struct DecodedBundle {
    /// The bundle's own `spec_version` (STIX 2.0), else the first object's (STIX 2.1).
    pub spec_version: Option<String>,
    pub entries: Vec<Decoded>,
}

/// Reads a file into memory, decompressing gzip (by magic bytes) and stripping a UTF-8 BOM.
pub(crate) fn read_bytes(path: &Path) -> Result<Vec<u8>, AttackError> {
    let io = |source| AttackError::Io {
        path: path.to_path_buf(),
        source,
    };
    let bytes = std::fs::read(path).map_err(io)?;
    let mut bytes = if bytes.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::with_capacity(bytes.len() * 8);
        flate2::read::MultiGzDecoder::new(&bytes[..])
            .read_to_end(&mut out)
            .map_err(io)?;
        out
    } else {
        bytes
    };
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        bytes.drain(..3);
    }
    Ok(bytes)
}

/// Line and column (1-based) of a byte offset.
fn line_column(buf: &[u8], offset: usize) -> (usize, usize) {
    let before = &buf[..offset.min(buf.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let column = match before.iter().rposition(|&b| b == b'\n') {
        Some(nl) => offset - nl,
        None => offset + 1,
    };
    (line, column)
}

/// Decodes a whole bundle.
pub(crate) fn decode_bundle(path: &Path, buf: &[u8]) -> Result<DecodedBundle, AttackError> {
    let first = buf.iter().find(|b| !b.is_ascii_whitespace()).copied();
    if first != Some(b'{') {
        // Still let serde report the exact place when it is not JSON at all.
        if let Err(e) = serde_json::from_slice::<serde::de::IgnoredAny>(buf) {
            return Err(AttackError::json(path, &e));
        }
        return Err(AttackError::NotABundle {
            path: path.to_path_buf(),
            what: "the top level is not a JSON object".into(),
        });
    }
    let bundle: RawBundle = serde_json::from_slice(buf).map_err(|e| AttackError::json(path, &e))?;
    match bundle.kind.as_ref().map(|k| k.0.as_ref()) {
        Some("bundle") => {}
        Some(other) => {
            return Err(AttackError::NotABundle {
                path: path.to_path_buf(),
                what: format!("\"type\" is {other:?}, not \"bundle\""),
            })
        }
        None => {
            return Err(AttackError::NotABundle {
                path: path.to_path_buf(),
                what: "no \"type\" field".into(),
            })
        }
    }
    let Some(objects) = bundle.objects else {
        return Err(AttackError::NotABundle {
            path: path.to_path_buf(),
            what: "no \"objects\" array".into(),
        });
    };
    let entries = objects
        .par_iter()
        .with_min_len(256)
        .enumerate()
        .map(|(index, raw)| {
            decode_entry(raw, index == 0).map_err(|e| {
                let offset = raw.get().as_ptr() as usize - buf.as_ptr() as usize;
                // Position inside the object, made absolute.
                let (base_line, base_col) = line_column(buf, offset);
                let (line, column) = if e.line() <= 1 {
                    (base_line, base_col + e.column().saturating_sub(1))
                } else {
                    (base_line + e.line() - 1, e.column())
                };
                let message = e.to_string();
                let message = match message.rfind(" at line ") {
                    Some(pos) => message[..pos].to_string(),
                    None => message,
                };
                AttackError::Json {
                    path: path.to_path_buf(),
                    line,
                    column,
                    message: format!("objects[{index}]: {message}"),
                }
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let mut first_object_spec = None;
    let entries = entries
        .into_iter()
        .map(|(entry, spec)| {
            if first_object_spec.is_none() {
                first_object_spec = spec;
            }
            entry
        })
        .collect();
    Ok(DecodedBundle {
        spec_version: bundle.spec_version.map(Str::owned).or(first_object_spec),
        entries,
    })
}

fn object_kind(stix_type: &str, is_subtechnique: bool) -> Option<ObjectKind> {
    Some(match stix_type {
        "attack-pattern" if is_subtechnique => ObjectKind::SubTechnique,
        "attack-pattern" => ObjectKind::Technique,
        "x-mitre-tactic" => ObjectKind::Tactic,
        "course-of-action" => ObjectKind::Mitigation,
        "intrusion-set" => ObjectKind::Group,
        "malware" => ObjectKind::Malware,
        "tool" => ObjectKind::Tool,
        "campaign" => ObjectKind::Campaign,
        "x-mitre-data-source" => ObjectKind::DataSource,
        "x-mitre-data-component" => ObjectKind::DataComponent,
        "x-mitre-detection-strategy" => ObjectKind::DetectionStrategy,
        "x-mitre-analytic" => ObjectKind::Analytic,
        "x-mitre-asset" => ObjectKind::Asset,
        "x-mitre-matrix" => ObjectKind::Matrix,
        "x-mitre-collection" => ObjectKind::Collection,
        _ => return None,
    })
}

/// `source_name`s of ATT&CK's own external references (older bundles used per-domain names).
fn is_attack_source(name: &str) -> bool {
    matches!(
        name,
        "mitre-attack" | "mitre-mobile-attack" | "mitre-ics-attack" | "mitre-pre-attack"
    )
}

fn decode_entry(
    raw: &RawValue,
    keep_spec: bool,
) -> Result<(Decoded, Option<String>), serde_json::Error> {
    let obj: RawObject = serde_json::from_str(raw.get())?;
    let spec = if keep_spec {
        obj.spec_version.as_ref().map(|s| s.0.to_string())
    } else {
        None
    };
    decode_object(obj).map(|d| (d, spec))
}

fn decode_object(obj: RawObject<'_>) -> Result<Decoded, serde_json::Error> {
    let stix_type = obj.kind.0.as_ref();
    if stix_type == "relationship" {
        return Ok(Decoded::Relationship(Relationship {
            stix_id: obj.id.owned(),
            kind: RelationKind::from_stix(
                obj.relationship_type
                    .as_ref()
                    .map(|s| s.0.as_ref())
                    .unwrap_or(""),
            ),
            source_ref: obj.source_ref.map(Str::owned).unwrap_or_default(),
            target_ref: obj.target_ref.map(Str::owned).unwrap_or_default(),
            source: None,
            target: None,
            description: obj.description.map(Str::owned),
            revoked: obj.revoked.unwrap_or(false),
            deprecated: obj.x_mitre_deprecated.unwrap_or(false),
        }));
    }
    let Some(kind) = object_kind(stix_type, obj.x_mitre_is_subtechnique.unwrap_or(false)) else {
        return Ok(Decoded::Other(stix_type.to_string()));
    };
    let mut attack_id = None;
    let mut url = None;
    for reference in obj.external_references.into_iter().flatten() {
        let is_attack = reference
            .source_name
            .as_ref()
            .is_some_and(|s| is_attack_source(&s.0));
        if is_attack && reference.external_id.is_some() {
            attack_id = reference.external_id.map(Str::owned);
            url = reference.url.map(Str::owned);
            break;
        }
    }
    let tactics = obj
        .kill_chain_phases
        .into_iter()
        .flatten()
        .filter(|p| {
            p.kill_chain_name
                .as_ref()
                .is_some_and(|n| is_attack_source(&n.0))
        })
        .filter_map(|p| p.phase_name.map(Str::owned))
        .collect();
    let mut aliases = owned_vec(obj.aliases);
    if aliases.is_empty() {
        aliases = owned_vec(obj.x_mitre_aliases);
    }
    let version = obj.x_mitre_version.map(Str::owned);
    let object = AttackObject {
        stix_id: obj.id.owned(),
        kind,
        attack_id,
        url,
        name: obj.name.map(Str::owned).unwrap_or_default(),
        description: obj.description.map(Str::owned),
        version: version.clone(),
        revoked: obj.revoked.unwrap_or(false),
        deprecated: obj.x_mitre_deprecated.unwrap_or(false),
        created: obj.created.map(Str::owned),
        modified: obj.modified.map(Str::owned),
        platforms: owned_vec(obj.x_mitre_platforms),
        domains: owned_vec(obj.x_mitre_domains),
        tactics,
        shortname: obj.x_mitre_shortname.map(Str::owned),
        tactic_refs: owned_vec(obj.tactic_refs),
        aliases,
        analytic_refs: owned_vec(obj.x_mitre_analytic_refs),
        data_source_ref: obj.x_mitre_data_source_ref.map(Str::owned),
    };
    if kind == ObjectKind::Collection {
        return Ok(Decoded::Collection { object, version });
    }
    Ok(Decoded::Object(object))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_column_counts_from_one() {
        let buf = b"ab\ncd\nef";
        assert_eq!(line_column(buf, 0), (1, 1));
        assert_eq!(line_column(buf, 4), (2, 2));
        assert_eq!(line_column(buf, 6), (3, 1));
    }
}
