//! JSON text straight into Python objects (no intermediate tree), and back through Python's
//! `json` module.
//!
//! Objects become plain `dict`s, or for `navlayer.compat` instances of `navlayer._stix.StixObject`
//! shaped as stix2 gives them (see [`stix_top_level`]). Nesting is bounded by serde_json's recursion limit (128).

use std::fmt;

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyFloat, PyList, PyString};
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Serialize;

/// How JSON objects become Python objects.
#[derive(Clone, Copy)]
pub struct Shape<'a, 'py> {
    /// `None`: plain `dict`s and timestamps as text; else `StixObject`s and `datetime`s.
    pub stix: Option<&'a StixTypes<'py>>,
}

/// The Python side of `StixObject`s: the class and the timestamp constructor.
pub struct StixTypes<'py> {
    /// `navlayer._stix.StixObject`.
    pub class: Bound<'py, PyAny>,
    /// `navlayer._stix._timestamp(seconds, microseconds)`.
    pub timestamp: Bound<'py, PyAny>,
    /// Add `"revoked": false` where it is missing (stix2 does, for STIX 2.0 objects).
    pub default_revoked: bool,
}

impl<'py> StixTypes<'py> {
    /// Imports them.
    pub fn import(py: Python<'py>, spec_version: &str) -> PyResult<StixTypes<'py>> {
        let module = py.import("navlayer._stix")?;
        Ok(StixTypes {
            class: module.getattr("StixObject")?,
            timestamp: module.getattr("_timestamp")?,
            default_revoked: spec_version.starts_with("2.0"),
        })
    }
}

const TIMESTAMP_KEYS: [&str; 4] = ["created", "modified", "first_seen", "last_seen"];

/// Parses JSON text into Python objects shaped by `shape`.
pub fn to_py<'py>(py: Python<'py>, text: &str, shape: Shape<'_, 'py>) -> PyResult<Bound<'py, PyAny>> {
    let mut de = serde_json::Deserializer::from_str(text);
    let seed = Seed {
        py,
        shape,
        depth: 0,
    };
    let value = seed
        .deserialize(&mut de)
        .map_err(|e| pyo3::exceptions::PyValueError::new_err(format!("invalid JSON: {e}")))?;
    de.end()
        .map_err(|e| pyo3::exceptions::PyValueError::new_err(format!("invalid JSON: {e}")))?;
    Ok(value)
}

/// Plain Python objects (dicts, lists, str, int, float, bool, None) of a serializable value.
pub fn serialize_to_py<'py, T: Serialize>(py: Python<'py>, value: &T) -> PyResult<Bound<'py, PyAny>> {
    let text = serde_json::to_string(value)
        .map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))?;
    to_py(py, &text, Shape { stix: None })
}

/// JSON text of a Python object, through the standard library's `json.dumps`.
pub fn dumps(value: &Bound<'_, PyAny>) -> PyResult<String> {
    let json = value.py().import("json")?;
    json.getattr("dumps")?.call1((value,))?.extract()
}

#[derive(Clone, Copy)]
struct Seed<'a, 'py> {
    py: Python<'py>,
    shape: Shape<'a, 'py>,
    depth: usize,
}

impl<'a, 'py> Seed<'a, 'py> {
    fn deeper(self) -> Seed<'a, 'py> {
        Seed {
            depth: self.depth + 1,
            ..self
        }
    }
}

fn int<'py, T>(py: Python<'py>, v: T) -> Bound<'py, PyAny>
where
    T: IntoPyObject<'py, Target = pyo3::types::PyInt, Output = Bound<'py, pyo3::types::PyInt>, Error = std::convert::Infallible>,
{
    match v.into_pyobject(py) {
        Ok(i) => i.into_any(),
        Err(never) => match never {},
    }
}

fn py_err<E: de::Error>(e: PyErr) -> E {
    E::custom(e.to_string())
}

impl<'de, 'py> DeserializeSeed<'de> for Seed<'_, 'py> {
    type Value = Bound<'py, PyAny>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, 'py> Visitor<'de> for Seed<'_, 'py> {
    type Value = Bound<'py, PyAny>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(pyo3::types::PyBool::new(self.py, v).to_owned().into_any())
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(int(self.py, v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(int(self.py, v))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(PyFloat::new(self.py, v).into_any())
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(PyString::new(self.py, v).into_any())
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(self.py.None().into_bound(self.py))
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        self.visit_unit()
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let list = PyList::empty(self.py);
        while let Some(item) = seq.next_element_seed(self.deeper())? {
            list.append(item).map_err(py_err)?;
        }
        Ok(list.into_any())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let dict = match self.shape.stix {
            None => PyDict::new(self.py),
            Some(types) => types
                .class
                .call0()
                .and_then(|o| o.cast_into::<PyDict>().map_err(PyErr::from))
                .map_err(py_err)?,
        };
        let py = self.py;
        while let Some(key) = map.next_key_seed(Key { py })? {
            let value = map.next_value_seed(self.deeper())?;
            dict.set_item(key, value).map_err(py_err)?;
        }
        if let (Some(types), 0) = (self.shape.stix, self.depth) {
            stix_top_level(types, &dict).map_err(py_err)?;
        }
        Ok(dict.into_any())
    }
}

/// What stix2 does to a top-level object: timestamps become `datetime`s and, in STIX 2.0, a
/// missing `revoked` is `False`. Types stix2 does not know (`x-mitre-collection`) stay as read,
/// as stix2 keeps them as plain dicts.
fn stix_top_level(types: &StixTypes<'_>, dict: &Bound<'_, PyDict>) -> PyResult<()> {
    let stix_type: Option<String> = dict.get_item("type")?.and_then(|t| t.extract().ok());
    match stix_type.as_deref() {
        Some("x-mitre-collection") => return Ok(()),
        Some("marking-definition") => {}
        _ if types.default_revoked && !dict.contains("revoked")? => {
            dict.set_item("revoked", false)?;
        }
        _ => {}
    }
    for key in TIMESTAMP_KEYS {
        let Some(value) = dict.get_item(key)? else {
            continue;
        };
        let Ok(text) = value.cast::<PyString>() else {
            continue;
        };
        if let Some(t) = timestamp(types, &text.to_cow()?) {
            dict.set_item(key, t)?;
        }
    }
    Ok(())
}

/// A STIX timestamp as a timezone-aware `datetime` (microsecond precision, as stix2 keeps it).
fn timestamp<'py>(types: &StixTypes<'py>, text: &str) -> Option<Bound<'py, PyAny>> {
    let t = navlayer_attack::Timestamp::parse(text)?;
    types
        .timestamp
        .call1((t.seconds, t.nanos / 1000))
        .ok()
}

/// A JSON object key, straight into a Python `str`.
struct Key<'py> {
    py: Python<'py>,
}

impl<'de, 'py> DeserializeSeed<'de> for Key<'py> {
    type Value = Bound<'py, PyString>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de, 'py> Visitor<'de> for Key<'py> {
    type Value = Bound<'py, PyString>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object key")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(PyString::new(self.py, v))
    }
}
