//! `navlayer.Layer` and `navlayer.Finding`: a Navigator layer read from a file, a dict, JSON text
//! or bytes (any format 1.x – 4.5, upgraded to 4.5), its findings, validation against a
//! catalogue, writing, and rendering.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use navlayer_layer::validate::Finding;
use navlayer_layer::write::{to_json, Style};
use navlayer_layer::{parse_layers, read_layer_file, Layer, LoadedLayer};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList, PyString};

use crate::catalogue::PyCatalogue;
use crate::errors::{Class, Failure, Outcome};
use crate::guard::{attached, detached};
use crate::json::{dumps, plain};
use crate::render::{options_from_kwargs, render};

/// One finding about a layer.
#[pyclass(frozen, module = "navlayer", name = "Finding")]
#[derive(Clone)]
pub struct PyFinding {
    /// `"error"`, `"warning"` or `"info"`.
    #[pyo3(get)]
    severity: &'static str,
    /// JSON pointer into the file (`""` for the whole document).
    #[pyo3(get)]
    pointer: String,
    /// What is wrong, with a hint where one helps.
    #[pyo3(get)]
    message: String,
}

impl From<&Finding> for PyFinding {
    fn from(f: &Finding) -> PyFinding {
        PyFinding {
            severity: f.severity.as_str(),
            pointer: f.pointer.clone(),
            message: f.message.clone(),
        }
    }
}

#[pymethods]
impl PyFinding {
    fn __repr__(&self) -> String {
        format!(
            "Finding(severity={:?}, pointer={:?}, message={:?})",
            self.severity, self.pointer, self.message
        )
    }

    fn __str__(&self) -> String {
        let p = if self.pointer.is_empty() {
            "/"
        } else {
            &self.pointer
        };
        format!("{p}: {}: {}", self.severity, self.message)
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other.extract::<PyRef<'_, PyFinding>>().is_ok_and(|o| {
            o.severity == self.severity && o.pointer == self.pointer && o.message == self.message
        })
    }

    fn __hash__(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        (self.severity, &self.pointer, &self.message).hash(&mut h);
        h.finish()
    }

    /// `{"severity": …, "pointer": …, "message": …}`.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, pyo3::types::PyDict>> {
        let d = pyo3::types::PyDict::new(py);
        d.set_item("severity", self.severity)?;
        d.set_item("pointer", &self.pointer)?;
        d.set_item("message", &self.message)?;
        Ok(d)
    }
}

fn findings<'py>(py: Python<'py>, list: &[Finding]) -> PyResult<Bound<'py, PyList>> {
    PyList::new(py, list.iter().map(PyFinding::from))
}

/// A Navigator layer (format 4.5), read-only: change one through `to_dict()` and `Layer.read`.
#[pyclass(frozen, module = "navlayer", name = "Layer")]
pub struct PyLayer {
    /// The layer as read, with its findings and the map of pointers into the file.
    pub loaded: LoadedLayer,
}

impl PyLayer {
    /// Wraps a layer built in code (combine, migrate, …): written and read back, so its
    /// findings are those a reader of the written file would see.
    pub fn from_layer(layer: &Layer) -> Outcome<PyLayer> {
        let text = to_json(layer, Style::Compact);
        let mut all = parse_layers(text.as_bytes(), "<layer>")?;
        let loaded = all
            .pop()
            .ok_or_else(|| Failure::new(Class::Internal, "a written layer read back as nothing"))?;
        Ok(PyLayer { loaded })
    }

    /// The layer model.
    pub fn layer(&self) -> &Layer {
        &self.loaded.layer
    }
}

/// What `Layer.read` was given.
enum Source {
    Path(PathBuf),
    Bytes(Vec<u8>, &'static str),
}

fn source_of(value: &Bound<'_, PyAny>) -> PyResult<Source> {
    if let Ok(s) = value.cast::<PyString>() {
        let text = s.to_cow()?;
        let trimmed = text.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
        return Ok(if trimmed.starts_with('{') || trimmed.starts_with('[') {
            Source::Bytes(text.as_bytes().to_vec(), "<string>")
        } else {
            Source::Path(PathBuf::from(text.as_ref()))
        });
    }
    if let Ok(b) = value.cast::<PyBytes>() {
        return Ok(Source::Bytes(b.as_bytes().to_vec(), "<bytes>"));
    }
    if value.is_instance_of::<pyo3::types::PyDict>() || value.is_instance_of::<PyList>() {
        return Ok(Source::Bytes(dumps(value)?.into_bytes(), "<dict>"));
    }
    if let Ok(p) = value.extract::<PathBuf>() {
        return Ok(Source::Path(p));
    }
    Err(pyo3::exceptions::PyTypeError::new_err(format!(
        "Layer.read takes a path, a dict (or a list of layer dicts), JSON text or bytes, not {}",
        value.get_type().name()?
    )))
}

fn read_source(source: Source) -> Outcome<Vec<LoadedLayer>> {
    Ok(match source {
        Source::Path(p) => read_layer_file(&p)?,
        Source::Bytes(bytes, name) => parse_layers(&bytes, name)?,
    })
}

/// Picks one layer of a file, as `navlayer render --layer N` does.
fn pick(mut all: Vec<LoadedLayer>, index: Option<usize>, what: &str) -> Outcome<LoadedLayer> {
    let n = all.len();
    let chosen = match (n, index) {
        (0, _) => {
            return Err(Failure::new(Class::Layer, format!("{what} holds no layer"))
                .kind("no-layer")
                .path(what))
        }
        (_, Some(i)) if i < n => i,
        (1, None) => 0,
        (_, Some(i)) => {
            return Err(Failure::new(
                Class::Layer,
                format!("{what} holds {n} layer(s); index={i} is out of range (0..{})", n - 1),
            )
            .kind("index")
            .path(what))
        }
        (_, None) => {
            return Err(Failure::new(
                Class::Layer,
                format!(
                    "{what} holds {n} layers; pick one with Layer.read(..., index=N) (0..{}) or read them all with Layer.read_all",
                    n - 1
                ),
            )
            .kind("several-layers")
            .path(what))
        }
    };
    Ok(all.swap_remove(chosen))
}

/// Writes `bytes` to `path` atomically (a temporary file in the same folder, renamed into place),
/// never replacing an existing file unless `force`, and never replacing anything that is not a
/// regular file.
pub fn write_file(path: &Path, bytes: &[u8], force: bool) -> Outcome<()> {
    if let Ok(meta) = std::fs::symlink_metadata(path) {
        if !meta.is_file() {
            return Err(Failure::new(
                Class::Os,
                format!(
                    "{}: exists and is not a regular file; not replacing it",
                    path.display()
                ),
            ));
        }
        if !force {
            return Err(Failure::new(
                Class::Exists,
                format!(
                    "{} already exists; pass force=True to overwrite it",
                    path.display()
                ),
            ));
        }
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let os = |what: &str, e: std::io::Error| {
        Failure::new(Class::Os, format!("{what} {}: {e}", path.display()))
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".navlayer-");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path)
            .map(|m| m.permissions().mode() & 0o7777)
            .unwrap_or(0o644);
        builder.permissions(std::fs::Permissions::from_mode(mode));
    }
    let mut tmp = builder
        .tempfile_in(dir)
        .map_err(|e| os("creating a temporary file for", e))?;
    tmp.write_all(bytes)
        .and_then(|_| tmp.as_file().sync_all())
        .map_err(|e| os("writing", e))?;
    tmp.persist(path).map_err(|e| os("writing", e.error))?;
    Ok(())
}

#[pymethods]
impl PyLayer {
    /// Reads one layer of any Navigator format from a path, a dict, JSON text or bytes (`index=` picks one of several).
    #[staticmethod]
    #[pyo3(signature = (source, *, index = None))]
    fn read(py: Python<'_>, source: &Bound<'_, PyAny>, index: Option<usize>) -> PyResult<PyLayer> {
        let source = source_of(source)?;
        let what = match &source {
            Source::Path(p) => p.display().to_string(),
            Source::Bytes(_, name) => name.to_string(),
        };
        let loaded = detached(py, move || pick(read_source(source)?, index, &what))?;
        Ok(PyLayer { loaded })
    }

    /// Every layer of a file (one, or a JSON array of layers).
    #[staticmethod]
    fn read_all(py: Python<'_>, source: &Bound<'_, PyAny>) -> PyResult<Vec<PyLayer>> {
        let source = source_of(source)?;
        let all = detached(py, move || read_source(source))?;
        Ok(all.into_iter().map(|loaded| PyLayer { loaded }).collect())
    }

    /// The layer name.
    #[getter]
    fn name(&self) -> &str {
        &self.loaded.layer.name
    }

    /// The layer domain (`enterprise-attack`, …).
    #[getter]
    fn domain(&self) -> &str {
        &self.loaded.layer.domain
    }

    /// The layer description.
    #[getter]
    fn description(&self) -> Option<&str> {
        self.loaded.layer.description.as_deref()
    }

    /// `versions.attack`.
    #[getter]
    fn attack_version(&self) -> Option<String> {
        self.loaded
            .layer
            .versions
            .as_ref()
            .and_then(|v| v.attack.clone())
    }

    /// The format version the source declared.
    #[getter]
    fn original_version(&self) -> Option<&str> {
        self.loaded.original_version.as_deref()
    }

    /// What the upgrade to format 4.5 changed.
    #[getter]
    fn upgrades(&self) -> Vec<String> {
        self.loaded.upgrades.clone()
    }

    /// Problems found while reading, with JSON pointers into the source.
    #[getter]
    fn findings<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        findings(py, &self.loaded.findings)
    }

    /// The technique ID of every entry, in order.
    #[getter]
    fn technique_ids(&self) -> Vec<String> {
        self.loaded
            .layer
            .techniques
            .iter()
            .map(|t| t.technique_id.clone())
            .collect()
    }

    fn __len__(&self) -> usize {
        self.loaded.layer.techniques.len()
    }

    fn __repr__(&self) -> String {
        format!(
            "<navlayer.Layer {:?} ({}, {} technique entries)>",
            self.loaded.layer.name,
            self.loaded.layer.domain,
            self.loaded.layer.techniques.len()
        )
    }

    /// The reading findings plus, with a catalogue, the checks against that release.
    #[pyo3(signature = (catalogue = None))]
    fn validate<'py>(
        &self,
        py: Python<'py>,
        catalogue: Option<&PyCatalogue>,
    ) -> PyResult<Bound<'py, PyList>> {
        let c = catalogue.map(|c| std::sync::Arc::clone(&c.inner));
        let loaded = &self.loaded;
        let found = detached(py, move || Ok(loaded.validate(c.as_deref())))?;
        findings(py, &found)
    }

    /// True when `validate` finds no error.
    #[pyo3(signature = (catalogue = None))]
    fn is_valid(&self, py: Python<'_>, catalogue: Option<&PyCatalogue>) -> PyResult<bool> {
        let c = catalogue.map(|c| std::sync::Arc::clone(&c.inner));
        let loaded = &self.loaded;
        detached(py, move || {
            let found = loaded.validate(c.as_deref());
            Ok(!navlayer_layer::validate::has_errors(&found))
        })
    }

    /// The layer as format 4.5 JSON values (dicts and lists).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        attached(py, || {
            plain(py, &to_json(&self.loaded.layer, Style::Compact))
        })
    }

    /// Format 4.5 JSON text (indented by 4 spaces unless `compact`).
    #[pyo3(signature = (*, compact = false))]
    fn to_json(&self, compact: bool) -> String {
        let style = if compact {
            Style::Compact
        } else {
            Style::Pretty
        };
        to_json(&self.loaded.layer, style)
    }

    /// Writes the layer atomically; `FileExistsError` for an existing file unless `force`.
    #[pyo3(signature = (path, *, force = false, compact = false))]
    fn write(&self, py: Python<'_>, path: PathBuf, force: bool, compact: bool) -> PyResult<()> {
        let text = self.to_json(compact);
        detached(py, move || write_file(&path, text.as_bytes(), force))
    }

    /// The layer drawn as svg, png, pdf, html, xlsx, csv or md (bytes), with the render options of
    /// `navlayer render` as keyword arguments; releases the interpreter while it renders.
    #[pyo3(signature = (format = "svg", *, catalogue = None, **options))]
    fn render<'py>(
        &self,
        py: Python<'py>,
        format: &str,
        catalogue: Option<&PyCatalogue>,
        options: Option<&Bound<'py, pyo3::types::PyDict>>,
    ) -> PyResult<Bound<'py, PyBytes>> {
        let kwargs = match options {
            Some(d) => serde_json::from_str(&dumps(d.as_any())?).map_err(|e| {
                pyo3::exceptions::PyTypeError::new_err(format!("render options: {e}"))
            })?,
            None => serde_json::Map::new(),
        };
        let options = options_from_kwargs(kwargs).map_err(|f| f.into_pyerr(py))?;
        let format = format.to_string();
        let c = catalogue.map(|c| std::sync::Arc::clone(&c.inner));
        let layer = &self.loaded.layer;
        let (bytes, warnings) = detached(py, move || render(layer, c, &format, &options))?;
        let warn = py.import("warnings")?.getattr("warn")?;
        for w in warnings {
            warn.call1((w,))?;
        }
        Ok(PyBytes::new(py, &bytes))
    }
}
