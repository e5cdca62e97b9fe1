//! `navlayer.Catalogue`: one ATT&CK release of one domain, with the queries of `navlayer show`
//! and `navlayer query techniques`. STIX objects come back as plain dicts, exactly as the bundle
//! has them.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Arc;

use navlayer_attack::{
    Catalogue, Domain, LoadOptions, ObjectId, ObjectKind, RelationKind, Release,
};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use serde_json::json;

use crate::errors::{Class, Failure, Outcome};
use crate::guard::{attached, detached};
use crate::json::{plain, serialize_to_py};
use crate::source::Request;

/// One ATT&CK release of one domain (see the stubs, `navlayer/_navlayer.pyi`, for the API).
#[pyclass(frozen, module = "navlayer", name = "Catalogue")]
pub struct PyCatalogue {
    /// The catalogue, shared with layers and `navlayer.compat`.
    pub inner: Arc<Catalogue>,
}

/// Parses a domain argument (`enterprise`, `enterprise-attack`, `mobile`, …).
pub fn parse_domain(text: &str) -> Outcome<Domain> {
    Domain::parse_lenient(text).ok_or_else(|| {
        Failure::new(
            Class::Value,
            format!("unknown domain {text:?} (expected enterprise, mobile or ics)"),
        )
    })
}

/// Parses a release argument given as text or a number (`"18.1"`, `18.1`, `"v18"`).
pub fn parse_release(value: &Bound<'_, PyAny>) -> PyResult<Release> {
    let text = value.str()?.to_string();
    Release::parse(&text).ok_or_else(|| {
        pyo3::exceptions::PyValueError::new_err(format!(
            "{text:?} is not an ATT&CK release number (expected X.Y, e.g. \"18.1\")"
        ))
    })
}

/// Loads a catalogue (detached: call it from a running interpreter).
pub fn load(request: &Request) -> Outcome<Catalogue> {
    let path = request.bundle_path()?;
    let options = LoadOptions {
        fallback_release: request.release,
        keep_raw_json: true,
        ..LoadOptions::default()
    };
    Ok(Catalogue::load(&path, &options)?)
}

/// The object with this ATT&CK ID (any case) or STIX id, or an error naming the closest IDs.
pub fn lookup(catalogue: &Catalogue, id: &str) -> Outcome<ObjectId> {
    if let Some(found) = catalogue
        .by_attack_id(id)
        .or_else(|| catalogue.by_stix_id(id.trim()))
    {
        return Ok(found);
    }
    let suggestions = catalogue.suggest(id, 5);
    let hint = if suggestions.is_empty() {
        String::new()
    } else {
        format!("; closest: {}", suggestions.join(", "))
    };
    let mut f = Failure::new(
        Class::Data,
        format!(
            "{id} is not an ATT&CK ID in {} {}{hint}",
            catalogue.domain(),
            catalogue.release()
        ),
    )
    .kind("unknown-id");
    if let Some(p) = catalogue.source() {
        f = f.path(p);
    }
    Err(f)
}

/// The STIX JSON of an object as a plain dict.
pub fn object_dict<'py>(
    py: Python<'py>,
    c: &Catalogue,
    id: ObjectId,
) -> PyResult<Bound<'py, PyAny>> {
    match c.raw_json(id) {
        Some(text) => plain(py, text),
        None => Err(pyo3::exceptions::PyRuntimeError::new_err(
            "the catalogue was loaded without its STIX JSON",
        )),
    }
}

fn object_list<'py>(
    py: Python<'py>,
    c: &Catalogue,
    ids: &[ObjectId],
) -> PyResult<Bound<'py, PyList>> {
    let list = PyList::empty(py);
    for &id in ids {
        list.append(object_dict(py, c, id)?)?;
    }
    Ok(list)
}

/// Kinds selected by a `kind` argument: an [`ObjectKind`] label (`technique`, `sub-technique`,
/// `data component`), a STIX type (`attack-pattern`: techniques and sub-techniques), or
/// `software` (malware and tools).
fn kinds_of(text: &str) -> Outcome<Vec<ObjectKind>> {
    let t = text.trim().to_ascii_lowercase().replace('_', "-");
    let spaced = t.replace('-', " ");
    let found: Vec<ObjectKind> = ObjectKind::ALL
        .into_iter()
        .filter(|k| {
            k.label() == t
                || k.label() == spaced
                || k.stix_type() == t
                || (t == "software" && k.is_software())
                || (t == "subtechnique" && *k == ObjectKind::SubTechnique)
        })
        .collect();
    if found.is_empty() {
        let labels: Vec<&str> = ObjectKind::ALL.iter().map(|k| k.label()).collect();
        return Err(Failure::new(
            Class::Value,
            format!(
                "unknown kind {text:?}: expected one of {}, software, or a STIX type such as attack-pattern",
                labels.join(", ")
            ),
        ));
    }
    Ok(found)
}

/// The filters of `navlayer query techniques`.
#[derive(Debug, Default)]
struct Filters {
    mitigated_by: Option<String>,
    used_by: Option<String>,
    include_campaigns: bool,
    detected_by: Option<String>,
    targeting: Option<String>,
    tactic: Option<String>,
    platform: Option<String>,
}

/// Techniques matching every filter, in the order of the first (as `navlayer query techniques`).
fn query_techniques(c: &Catalogue, f: &Filters) -> Outcome<Vec<ObjectId>> {
    let mut sets: Vec<Vec<ObjectId>> = Vec::new();
    if let Some(id) = &f.mitigated_by {
        sets.push(c.techniques_from(lookup(c, id)?, &RelationKind::Mitigates));
    }
    if let Some(id) = &f.used_by {
        sets.push(c.techniques_used_by(lookup(c, id)?, f.include_campaigns));
    }
    if let Some(id) = &f.detected_by {
        sets.push(c.techniques_detected_by(lookup(c, id)?));
    }
    if let Some(id) = &f.targeting {
        let asset = lookup(c, id)?;
        if c.object(asset).kind != ObjectKind::Asset {
            return Err(
                Failure::new(Class::Data, format!("{id} is not an asset")).kind("wrong-kind")
            );
        }
        sets.push(c.techniques_targeting(asset));
    }
    if let Some(t) = &f.tactic {
        let tactic = c.tactic(t).ok_or_else(|| {
            let names: Vec<String> = c
                .tactics()
                .iter()
                .map(|&t| {
                    let o = c.object(t);
                    format!(
                        "{} ({})",
                        o.display_id(),
                        o.shortname.as_deref().unwrap_or("")
                    )
                })
                .collect();
            Failure::new(
                Class::Data,
                format!("unknown tactic {t:?}; tactics: {}", names.join(", ")),
            )
            .kind("unknown-tactic")
        })?;
        sets.push(c.techniques_in_tactic(tactic));
    }
    if let Some(p) = &f.platform {
        let found = c.techniques_on_platform(p);
        if found.is_empty() {
            return Err(Failure::new(
                Class::Data,
                format!(
                    "no technique on platform {p:?}; platforms: {}",
                    c.platforms().join(", ")
                ),
            )
            .kind("unknown-platform"));
        }
        sets.push(found);
    }
    if sets.is_empty() {
        return Ok(c.active_techniques().collect());
    }
    let mut result = sets.remove(0);
    for other in &sets {
        let keep: BTreeSet<ObjectId> = other.iter().copied().collect();
        result.retain(|t| keep.contains(t));
    }
    Ok(result)
}

/// The summary of `navlayer show --format json`.
fn summary(c: &Catalogue, id: ObjectId) -> serde_json::Value {
    let o = c.object(id);
    let related = c.related_counts(id);
    let replacement = o
        .revoked
        .then(|| c.replacement_of(id))
        .flatten()
        .map(|r| c.object(r).display_id().to_string());
    let parent = (o.kind == ObjectKind::SubTechnique)
        .then(|| c.parent_of(id))
        .flatten()
        .map(|p| c.object(p).display_id().to_string());
    let subtechniques: Vec<String> = if o.kind == ObjectKind::Technique {
        c.subtechniques_of(id)
            .into_iter()
            .map(|s| c.object(s).display_id().to_string())
            .collect()
    } else {
        Vec::new()
    };
    json!({
        "id": o.attack_id,
        "stix_id": o.stix_id,
        "name": o.name,
        "type": o.kind.label(),
        "status": o.status(),
        "version": o.version,
        "url": o.url,
        "domain": c.domain().stix_name(),
        "release": c.release().to_string(),
        "tactics": o.tactics,
        "platforms": o.platforms,
        "aliases": o.aliases,
        "parent": parent,
        "subtechniques": subtechniques,
        "revoked_by": replacement,
        "related": related,
        "description": o.description,
    })
}

#[pymethods]
impl PyCatalogue {
    /// Loads a release (a bundle file or folder; else `data=`, `$NAVLAYER_DATA`, the user cache, a download), releasing the interpreter while it reads.
    #[staticmethod]
    #[pyo3(signature = (path = None, *, release = None, domain = "enterprise", data = None, offline = None, cache_dir = None))]
    fn load(
        py: Python<'_>,
        path: Option<PathBuf>,
        release: Option<&Bound<'_, PyAny>>,
        domain: &str,
        data: Option<PathBuf>,
        offline: Option<bool>,
        cache_dir: Option<PathBuf>,
    ) -> PyResult<PyCatalogue> {
        let request = Request {
            path,
            data,
            domain: parse_domain(domain).map_err(|f| f.into_pyerr(py))?,
            release: release.map(parse_release).transpose()?,
            offline,
            cache_dir,
        };
        let catalogue = detached(py, move || load(&request))?;
        Ok(PyCatalogue {
            inner: Arc::new(catalogue),
        })
    }

    /// `enterprise-attack`, `mobile-attack` or `ics-attack`.
    #[getter]
    fn domain(&self) -> &'static str {
        self.inner.domain().stix_name()
    }

    /// The ATT&CK release, e.g. `"18.1"`.
    #[getter]
    fn release(&self) -> String {
        self.inner.release().to_string()
    }

    /// The STIX version of the bundle (`"2.0"` or `"2.1"`).
    #[getter]
    fn spec_version(&self) -> &str {
        self.inner.spec_version()
    }

    /// The bundle file read.
    #[getter]
    fn path(&self) -> Option<String> {
        self.inner.source().map(|p| p.display().to_string())
    }

    fn __len__(&self) -> usize {
        self.inner.objects().len()
    }

    fn __contains__(&self, id: &str) -> bool {
        self.inner.by_attack_id(id).is_some() || self.inner.by_stix_id(id).is_some()
    }

    fn __repr__(&self) -> String {
        format!(
            "<navlayer.Catalogue {} {}: {} objects, {} relationships>",
            self.inner.domain(),
            self.inner.release(),
            self.inner.objects().len(),
            self.inner.relationships().len()
        )
    }

    /// The STIX object of an ATT&CK ID (any case) or STIX id, as a plain dict exactly as read; `DataError` for an unknown ID.
    fn object<'py>(&self, py: Python<'py>, id: &str) -> PyResult<Bound<'py, PyAny>> {
        attached(py, || {
            let found = lookup(&self.inner, id).map_err(|f| f.into_pyerr(py))?;
            object_dict(py, &self.inner, found)
        })
    }

    /// Like `object`, returning `default` for an unknown ID.
    #[pyo3(signature = (id, default = None))]
    fn get<'py>(
        &self,
        py: Python<'py>,
        id: &str,
        default: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        attached(py, || match lookup(&self.inner, id) {
            Ok(found) => object_dict(py, &self.inner, found),
            Err(_) => Ok(default.unwrap_or_else(|| py.None().into_bound(py))),
        })
    }

    /// The summary `navlayer show ID --format json` prints.
    fn show<'py>(&self, py: Python<'py>, id: &str) -> PyResult<Bound<'py, PyAny>> {
        attached(py, || {
            let found = lookup(&self.inner, id).map_err(|f| f.into_pyerr(py))?;
            serialize_to_py(py, &summary(&self.inner, found))
        })
    }

    /// STIX objects of a kind (or STIX type) in bundle order, active ones unless asked otherwise.
    #[pyo3(signature = (kind = None, *, include_revoked = false, include_deprecated = false))]
    fn objects<'py>(
        &self,
        py: Python<'py>,
        kind: Option<&str>,
        include_revoked: bool,
        include_deprecated: bool,
    ) -> PyResult<Bound<'py, PyList>> {
        attached(py, || {
            let c = &self.inner;
            let kinds = match kind {
                Some(k) => kinds_of(k).map_err(|f| f.into_pyerr(py))?,
                None => ObjectKind::ALL.to_vec(),
            };
            let ids: Vec<ObjectId> = c
                .ids()
                .filter(|&id| {
                    let o = c.object(id);
                    kinds.contains(&o.kind)
                        && (!o.revoked || include_revoked)
                        && (o.revoked || !o.deprecated || include_deprecated)
                })
                .collect();
            object_list(py, c, &ids)
        })
    }

    /// Active techniques matching every filter given, as `navlayer query techniques`.
    #[pyo3(signature = (*, mitigated_by = None, used_by = None, include_campaigns = false, detected_by = None, targeting = None, tactic = None, platform = None))]
    #[allow(clippy::too_many_arguments)]
    fn techniques<'py>(
        &self,
        py: Python<'py>,
        mitigated_by: Option<String>,
        used_by: Option<String>,
        include_campaigns: bool,
        detected_by: Option<String>,
        targeting: Option<String>,
        tactic: Option<String>,
        platform: Option<String>,
    ) -> PyResult<Bound<'py, PyList>> {
        let filters = Filters {
            mitigated_by,
            used_by,
            include_campaigns,
            detected_by,
            targeting,
            tactic,
            platform,
        };
        attached(py, || {
            let ids = query_techniques(&self.inner, &filters).map_err(|f| f.into_pyerr(py))?;
            object_list(py, &self.inner, &ids)
        })
    }

    /// Active tactics in matrix order.
    fn tactics<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        attached(py, || object_list(py, &self.inner, self.inner.tactics()))
    }

    /// Every platform of an active technique, sorted.
    fn platforms(&self, py: Python<'_>) -> PyResult<Vec<String>> {
        attached(py, || Ok(self.inner.platforms()))
    }

    /// Up to `limit` IDs and names closest to `text`.
    #[pyo3(signature = (text, limit = 5))]
    fn suggest(&self, py: Python<'_>, text: &str, limit: usize) -> PyResult<Vec<String>> {
        attached(py, || Ok(self.inner.suggest(text, limit)))
    }

    /// Objects per kind: active, revoked, deprecated, total (as `navlayer data info`).
    fn counts<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        attached(py, || {
            let out = PyDict::new(py);
            for (kind, n) in self.inner.counts() {
                let d = PyDict::new(py);
                d.set_item("active", n.active)?;
                d.set_item("revoked", n.revoked)?;
                d.set_item("deprecated", n.deprecated)?;
                d.set_item("total", n.total())?;
                out.set_item(kind.label(), d)?;
            }
            Ok(out)
        })
    }
}
