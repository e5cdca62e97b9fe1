//! `navlayer.coverage`, `coverage_from_texts`, `heatmap`, `gaps`: navlayer-coverage's three
//! analyses. Keyword arguments are the fields of the library's option structs (snake_case names,
//! kebab-case values, as `navlayer coverage --help` spells them) through serde; each function
//! returns the layer and the library's report as a dict (the JSON of `--report json`).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use navlayer_attack::{Catalogue, Domain, Release};
use navlayer_coverage::{CoverageOptions, Dates, Format, GapsOptions, HeatmapOptions, Input};
use navlayer_layer::Layer;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString, PyTuple};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::catalogue::{load, PyCatalogue};
use crate::errors::{Class, Failure, Outcome};
use crate::guard::detached;
use crate::json::{dumps, serialize_to_py};
use crate::layer::PyLayer;
use crate::source::Request;

/// The keyword arguments as a JSON object (through the standard `json` module).
fn kwargs_map(kwargs: Option<&Bound<'_, PyDict>>) -> PyResult<Map<String, Value>> {
    match kwargs {
        Some(d) => serde_json::from_str(&dumps(d.as_any())?).map_err(|e| {
            pyo3::exceptions::PyTypeError::new_err(format!("options must be JSON values: {e}"))
        }),
        None => Ok(Map::new()),
    }
}

/// The library's option struct `T` from keyword arguments: a name that is not one of its fields
/// is a `TypeError` listing them, a value serde refuses a `ValueError` naming the option.
pub fn options_from_kwargs<T>(function: &str, kwargs: Map<String, Value>) -> Outcome<T>
where
    T: DeserializeOwned + Serialize + Default,
{
    // The fields are the keys of the defaults as serialized (no field is skipped when empty).
    let known: Vec<String> = match serde_json::to_value(T::default()) {
        Ok(Value::Object(m)) => m.into_iter().map(|(k, _)| k).collect(),
        _ => Vec::new(),
    };
    if let Some(unknown) = kwargs.keys().find(|k| !known.contains(k)) {
        return Err(Failure::new(
            Class::Type,
            format!(
                "{function}() got an unexpected keyword argument {unknown:?}; options: {}",
                known.join(", ")
            ),
        ));
    }
    serde_json::from_value(Value::Object(kwargs.clone())).map_err(|whole| {
        // Name the option: the first one that does not deserialize on its own.
        let (key, e) = kwargs
            .into_iter()
            .find_map(|(k, v)| {
                let one = Value::Object(Map::from_iter([(k.clone(), v)]));
                serde_json::from_value::<T>(one).err().map(|e| (k, e))
            })
            .unwrap_or_else(|| ("?".into(), whole));
        Failure::new(
            Class::Value,
            format!("{function}(): invalid value for option {key:?}: {e}"),
        )
    })
}

/// `"sigma"`, `"Atomic"`, … as a [`Format`].
fn parse_format(text: &str) -> Outcome<Format> {
    serde_json::from_value(Value::String(text.trim().to_ascii_lowercase())).map_err(|_| {
        let all: Vec<&str> = Format::ALL.iter().map(|f| f.label()).collect();
        Failure::new(
            Class::Value,
            format!("invalid format {text:?}: expected {}", all.join(", ")),
        )
    })
}

/// One path (str or `os.PathLike`) or a list of them.
fn extract_paths(paths: &Bound<'_, PyAny>) -> PyResult<Vec<PathBuf>> {
    if let Ok(one) = paths.extract::<PathBuf>() {
        return Ok(vec![one]);
    }
    paths.extract::<Vec<PathBuf>>().map_err(|_| {
        pyo3::exceptions::PyTypeError::new_err(
            "paths must be a str, an os.PathLike or a list of them",
        )
    })
}

/// `{name: text}` (any mapping) or `[(name, text), …]`.
fn extract_files(files: &Bound<'_, PyAny>) -> PyResult<Vec<(String, String)>> {
    let pairs = if files.hasattr("items")? && !files.is_instance_of::<PyString>() {
        files.call_method0("items")?
    } else {
        files.clone()
    };
    let mut out = Vec::new();
    for pair in pairs.try_iter()? {
        let pair = pair?;
        let (name, text) = pair
            .cast::<PyTuple>()
            .ok()
            .and_then(|t| t.extract::<(String, String)>().ok())
            .ok_or_else(|| {
                pyo3::exceptions::PyTypeError::new_err(
                    "files must be a mapping of name -> text or a list of (name, text) pairs of str",
                )
            })?;
        out.push((name, text));
    }
    Ok(out)
}

/// The catalogues of other releases of the domain, for files made for another release: from
/// the folder the target release was read from, else where `Catalogue.load` looks.
fn other_release(
    target: &Catalogue,
    domain: Domain,
    release: Release,
) -> Result<Arc<Catalogue>, String> {
    let folder = target
        .source()
        .and_then(Path::parent)
        .map(Path::to_path_buf);
    let request = |path: Option<PathBuf>| Request {
        path,
        data: None,
        domain,
        release: Some(release),
        offline: None,
        cache_dir: None,
    };
    folder
        .map(|f| load(&request(Some(f))))
        .filter(Result::is_ok)
        .unwrap_or_else(|| load(&request(None)))
        .map(Arc::new)
        .map_err(|f| f.message)
}

/// The layer (wrapped as `navlayer.Layer`) and the report (a dict).
fn answer<'py, R: Serialize>(
    py: Python<'py>,
    layer: Layer,
    report: &R,
) -> PyResult<(PyLayer, Bound<'py, PyAny>)> {
    let layer = detached(py, move || PyLayer::from_layer(&layer))?;
    Ok((layer, serialize_to_py(py, report)?))
}

/// Runs one coverage build over inputs read by `read` (detached).
fn run_coverage<'py>(
    py: Python<'py>,
    format: &str,
    catalogue: &PyCatalogue,
    options: Option<&Bound<'py, PyDict>>,
    default_source: String,
    read: impl FnOnce(Format, &CoverageOptions) -> Outcome<navlayer_coverage::Parsed> + Send,
) -> PyResult<(PyLayer, Bound<'py, PyAny>)> {
    let kwargs = kwargs_map(options)?;
    let target = Arc::clone(&catalogue.inner);
    let format = format.to_string();
    let built = detached(py, move || {
        let format = parse_format(&format)?;
        let mut options: CoverageOptions = options_from_kwargs("coverage", kwargs)?;
        options.source.get_or_insert(default_source);
        let parsed = read(format, &options)?;
        let releases = |d: Domain, r: Release| other_release(&target, d, r);
        Ok(navlayer_coverage::build_coverage(
            format, parsed, &target, &releases, &options,
        )?)
    })?;
    answer(py, built.layer, &built.report)
}

/// A coverage layer from rule, test, mapping, list or STIX files and folders (walked as
/// `navlayer coverage` walks them), and its report.
#[pyfunction]
#[pyo3(signature = (format, paths, catalogue, **options))]
pub fn coverage<'py>(
    py: Python<'py>,
    format: &str,
    paths: &Bound<'py, PyAny>,
    catalogue: &PyCatalogue,
    options: Option<&Bound<'py, PyDict>>,
) -> PyResult<(PyLayer, Bound<'py, PyAny>)> {
    let paths = extract_paths(paths)?;
    let source = paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ");
    run_coverage(py, format, catalogue, options, source, move |f, o| {
        let entries = navlayer_coverage::read_paths(&paths, f, &o.limits)?;
        Ok(navlayer_coverage::parse_entries(f, entries, o)?)
    })
}

/// A coverage layer from file contents held in memory (`{name: text}` or `[(name, text)]`).
#[pyfunction]
#[pyo3(signature = (format, files, catalogue, **options))]
pub fn coverage_from_texts<'py>(
    py: Python<'py>,
    format: &str,
    files: &Bound<'py, PyAny>,
    catalogue: &PyCatalogue,
    options: Option<&Bound<'py, PyDict>>,
) -> PyResult<(PyLayer, Bound<'py, PyAny>)> {
    let files = extract_files(files)?;
    let source = match files.as_slice() {
        [(name, _)] => name.clone(),
        _ => format!("{} files", files.len()),
    };
    let inputs: Vec<Input> = files
        .into_iter()
        .map(|(name, text)| Input::new(name, text.into_bytes()))
        .collect();
    run_coverage(py, format, catalogue, options, source, move |f, o| {
        Ok(navlayer_coverage::parse_inputs(f, inputs, o)?)
    })
}

/// How many groups (software, campaigns, mitigations, detection strategies) use each technique.
#[pyfunction]
#[pyo3(signature = (catalogue, **options))]
pub fn heatmap<'py>(
    py: Python<'py>,
    catalogue: &PyCatalogue,
    options: Option<&Bound<'py, PyDict>>,
) -> PyResult<(PyLayer, Bound<'py, PyAny>)> {
    let kwargs = kwargs_map(options)?;
    let c = Arc::clone(&catalogue.inner);
    let built = detached(py, move || {
        let options: HeatmapOptions = options_from_kwargs("heatmap", kwargs)?;
        // `since` compares relationship dates, which the catalogue does not keep.
        let dates = match &options.since {
            Some(_) => {
                let path = c.source().ok_or_else(|| {
                    Failure::new(
                        Class::Coverage,
                        "since= needs the bundle file the release was read from",
                    )
                })?;
                Some(Dates::load(path)?)
            }
            None => None,
        };
        Ok(navlayer_coverage::heatmap(&c, dates.as_ref(), &options)?)
    })?;
    answer(py, built.layer, &built.report)
}

/// The techniques the threat layer scores that no coverage layer covers, ranked by severity.
#[pyfunction]
#[pyo3(signature = (threat, coverage, catalogue, **options))]
pub fn gaps<'py>(
    py: Python<'py>,
    threat: &PyLayer,
    coverage: Vec<PyRef<'py, PyLayer>>,
    catalogue: &PyCatalogue,
    options: Option<&Bound<'py, PyDict>>,
) -> PyResult<(PyLayer, Bound<'py, PyAny>)> {
    let kwargs = kwargs_map(options)?;
    let covering: Vec<Layer> = coverage.iter().map(|l| l.layer().clone()).collect();
    let threat = threat.layer();
    let c = Arc::clone(&catalogue.inner);
    let built = detached(py, move || {
        let options: GapsOptions = options_from_kwargs("gaps", kwargs)?;
        Ok(navlayer_coverage::gaps(threat, &covering, &c, &options)?)
    })?;
    answer(py, built.layer, &built.report)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kwargs(v: Value) -> Map<String, Value> {
        match v {
            Value::Object(m) => m,
            _ => Map::new(),
        }
    }

    #[test]
    fn keyword_arguments_become_coverage_options() {
        let o: CoverageOptions = options_from_kwargs(
            "coverage",
            kwargs(
                serde_json::json!({"score": "sum", "weight": "level", "platforms": ["Linux"],
                "mappings": {"groups": ["AC"]}}),
            ),
        )
        .expect("options");
        assert_eq!(o.score, navlayer_coverage::ScoreFunction::Sum);
        assert_eq!(o.platforms, ["Linux"]);
        assert_eq!(o.mappings.groups, ["AC"]);
        assert_eq!(o.mappings.statuses, ["complete"]);
    }

    #[test]
    fn unknown_options_and_bad_values_are_told_apart() {
        let bad = options_from_kwargs::<HeatmapOptions>(
            "heatmap",
            kwargs(serde_json::json!({"colour": "red"})),
        )
        .expect_err("unknown");
        assert_eq!(bad.class, Class::Type);
        assert!(bad.message.contains("\"colour\"") && bad.message.contains("kinds"));
        let bad = options_from_kwargs::<HeatmapOptions>(
            "heatmap",
            kwargs(serde_json::json!({"name": "x", "kinds": ["dragons"]})),
        )
        .expect_err("bad value");
        assert_eq!(bad.class, Class::Value);
        assert!(bad.message.contains("\"kinds\""), "{}", bad.message);
    }
}
