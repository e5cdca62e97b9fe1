//! The module functions: `generate`, `combine`, `diff`, `stats`, `filter_platforms`, `migrate`,
//! `release_diff`. Each calls one function of a library crate, detached from the interpreter.

use std::sync::Arc;

use navlayer_generate::{GenerateError, GenerateOptions, Generator, LayerKind};
use navlayer_migrate::{migrate_layer, MigrateOptions, ReleaseDiff, ReleasePair};
use navlayer_ops::{CombineOptions, Expr, Inherit};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};

use crate::catalogue::{lookup, PyCatalogue};
use crate::errors::{Class, Failure, Outcome};
use crate::guard::detached;
use crate::json::serialize_to_py;
use crate::layer::PyLayer;

fn generated_json(
    catalogue: &navlayer_attack::Catalogue,
    kind: &str,
    id: &str,
    options: GenerateOptions,
) -> Outcome<String> {
    let wanted: LayerKind = kind
        .parse()
        .map_err(|e: navlayer_generate::UnknownKind| Failure::new(Class::Value, e.to_string()))?;
    let object = lookup(catalogue, id)?;
    let o = catalogue.object(object);
    match LayerKind::of_object(o.kind) {
        Some(k) if k == wanted => {}
        Some(k) => {
            return Err(GenerateError::WrongKind {
                id: o.display_id().to_string(),
                expected: wanted,
                found: o.kind.label().to_string(),
                suggested: k.to_string(),
            }
            .into())
        }
        None => {
            return Err(GenerateError::NotGeneratable {
                id: o.display_id().to_string(),
                found: o.kind.label().to_string(),
            }
            .into())
        }
    }
    let layer = Generator::new(catalogue, options).generate(object)?;
    Ok(layer.to_json())
}

fn options(navigator_version: String, layer_version: String) -> GenerateOptions {
    GenerateOptions {
        layer_version,
        navigator_version,
    }
}

/// attack.mitre.org's layer of one object (`kind`: mitigation, group, software, campaign, asset).
#[pyfunction]
#[pyo3(signature = (catalogue, kind, id, *, navigator_version = "5.3.2".to_string(), layer_version = "4.5".to_string()))]
pub fn generate(
    py: Python<'_>,
    catalogue: &PyCatalogue,
    kind: String,
    id: String,
    navigator_version: String,
    layer_version: String,
) -> PyResult<PyLayer> {
    let c = Arc::clone(&catalogue.inner);
    detached(py, move || {
        let text = generated_json(&c, &kind, &id, options(navigator_version, layer_version))?;
        let mut all = navlayer_layer::parse_layers(text.as_bytes(), &format!("<{kind} {id}>"))?;
        all.pop()
            .map(|loaded| PyLayer { loaded })
            .ok_or_else(|| Failure::new(Class::Internal, "a generated layer read back as nothing"))
    })
}

/// The same layer as the exact text attack.mitre.org publishes (byte for byte).
#[pyfunction]
#[pyo3(signature = (catalogue, kind, id, *, navigator_version = "5.3.2".to_string(), layer_version = "4.5".to_string()))]
pub fn generate_json(
    py: Python<'_>,
    catalogue: &PyCatalogue,
    kind: String,
    id: String,
    navigator_version: String,
    layer_version: String,
) -> PyResult<String> {
    let c = Arc::clone(&catalogue.inner);
    detached(py, move || {
        generated_json(&c, &kind, &id, options(navigator_version, layer_version))
    })
}

/// The layer index of a variable letter (`"a"` → 0) or an index given as a number.
fn layer_index(value: &Bound<'_, PyAny>) -> PyResult<usize> {
    if let Ok(i) = value.extract::<usize>() {
        return Ok(i);
    }
    let s: String = value.extract()?;
    let t = s.trim().to_ascii_lowercase();
    match t.as_bytes() {
        [c @ b'a'..=b'z'] => Ok(usize::from(c - b'a')),
        _ => Err(pyo3::exceptions::PyValueError::new_err(format!(
            "{s:?} is not a layer variable (a, b, c, …)"
        ))),
    }
}

fn inherit_of(value: Option<&Bound<'_, PyAny>>) -> PyResult<Inherit> {
    let mut inherit = Inherit::default();
    let Some(value) = value else {
        return Ok(inherit);
    };
    if let Ok(d) = value.cast::<PyDict>() {
        for (field, layer) in d.iter() {
            let field: String = field.extract()?;
            inherit
                .set(&field, layer_index(&layer)?)
                .map_err(|e| Failure::from(e).into_pyerr(value.py()))?;
        }
        return Ok(inherit);
    }
    Ok(Inherit::all(layer_index(value)?))
}

/// A layer whose scores `expr` computes from the layers' scores (`a`, `b`, … in order).
#[pyfunction]
#[pyo3(signature = (expr, layers, *, name = None, inherit = None, catalogue = None))]
pub fn combine(
    py: Python<'_>,
    expr: String,
    layers: Vec<PyRef<'_, PyLayer>>,
    name: Option<String>,
    inherit: Option<&Bound<'_, PyAny>>,
    catalogue: Option<&PyCatalogue>,
) -> PyResult<PyLayer> {
    let inherit = inherit_of(inherit)?;
    let models: Vec<navlayer_layer::Layer> = layers.iter().map(|l| l.layer().clone()).collect();
    let c = catalogue.map(|c| Arc::clone(&c.inner));
    detached(py, move || {
        let expr = Expr::parse(&expr)?;
        let options = CombineOptions {
            name,
            inherit,
            catalogue: c.as_deref(),
        };
        let out = navlayer_ops::combine(&models, &expr, &options)?;
        PyLayer::from_layer(&out)
    })
}

/// What changed from layer `a` to layer `b`: `{"from", "to", "added", "removed", "changed"}`.
#[pyfunction]
pub fn diff<'py>(py: Python<'py>, a: &PyLayer, b: &PyLayer) -> PyResult<Bound<'py, PyAny>> {
    let (la, lb) = (a.layer(), b.layer());
    let d = detached(py, move || Ok(navlayer_ops::diff(la, lb)))?;
    serialize_to_py(py, &d)
}

/// The diff of `a` and `b` as a layer (added green, removed red, changed yellow).
#[pyfunction]
pub fn diff_layer(py: Python<'_>, a: &PyLayer, b: &PyLayer) -> PyResult<PyLayer> {
    let (la, lb) = (a.layer(), b.layer());
    detached(py, move || {
        let d = navlayer_ops::diff(la, lb);
        PyLayer::from_layer(&navlayer_ops::diff::to_layer(&d, la, lb))
    })
}

/// Coverage statistics of a layer per tactic against a release (`navlayer stats`).
#[pyfunction]
pub fn stats<'py>(
    py: Python<'py>,
    layer: &PyLayer,
    catalogue: &PyCatalogue,
) -> PyResult<Bound<'py, PyAny>> {
    let l = layer.layer();
    let c = Arc::clone(&catalogue.inner);
    let s = detached(py, move || Ok(navlayer_ops::stats(l, &c)))?;
    serialize_to_py(py, &s)
}

/// The layer with only the techniques of some platforms (`navlayer filter`).
#[pyfunction]
pub fn filter_platforms(
    py: Python<'_>,
    layer: &PyLayer,
    catalogue: &PyCatalogue,
    platforms: Vec<String>,
) -> PyResult<PyLayer> {
    let l = layer.layer();
    let c = Arc::clone(&catalogue.inner);
    detached(py, move || {
        let report = navlayer_ops::filter_platforms(l, &c, &platforms)?;
        PyLayer::from_layer(&report.layer)
    })
}

/// Migrates a layer from release `source` to release `target`: `(migrated layer, report)`.
#[pyfunction]
#[pyo3(signature = (layer, source, target, *, keep_deprecated = false, keep_unknown = false))]
pub fn migrate<'py>(
    py: Python<'py>,
    layer: &PyLayer,
    source: &PyCatalogue,
    target: &PyCatalogue,
    keep_deprecated: bool,
    keep_unknown: bool,
) -> PyResult<(PyLayer, Bound<'py, PyAny>)> {
    let l = layer.layer();
    let (from, to) = (Arc::clone(&source.inner), Arc::clone(&target.inner));
    let options = MigrateOptions {
        keep_deprecated,
        keep_unknown,
    };
    let (migrated, report) = detached(py, move || {
        let pair = ReleasePair::new(&from, &to)?;
        let m = migrate_layer(&pair, l, &options)?;
        Ok((PyLayer::from_layer(&m.layer)?, m.report))
    })?;
    Ok((migrated, serialize_to_py(py, &report)?))
}

/// What changed between two releases of one domain (`navlayer release-diff`).
#[pyfunction]
#[pyo3(signature = (source, target, *, format = "dict"))]
pub fn release_diff<'py>(
    py: Python<'py>,
    source: &PyCatalogue,
    target: &PyCatalogue,
    format: &str,
) -> PyResult<Bound<'py, PyAny>> {
    let (from, to) = (Arc::clone(&source.inner), Arc::clone(&target.inner));
    let wanted = format.to_string();
    let text = detached(py, move || {
        let d = ReleaseDiff::compute(&from, &to)?;
        match wanted.as_str() {
            "dict" | "json" => Ok(d.to_json()?),
            "md" | "markdown" => Ok(d.to_markdown()),
            other => Err(Failure::new(
                Class::Value,
                format!("invalid format {other:?}: expected dict, json or md"),
            )),
        }
    })?;
    if format == "dict" {
        crate::json::plain(py, &text)
    } else {
        Ok(PyString::new(py, &text).into_any())
    }
}
