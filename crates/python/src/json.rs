//! JSON text to Python objects and back, through the standard library's `json` module (its C
//! scanner builds dicts faster than anything that crosses the stable ABI value by value).
//!
//! Plain mode gives `dict`s. STIX mode (for `navlayer.compat`) gives `navlayer._stix.StixObject`s
//! at every level, shaped at the top as stix2 gives them ([`Decoders::stix`]).

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};
use serde::Serialize;

/// Top-level properties stix2 reads as timestamps.
const TIMESTAMP_KEYS: [&str; 4] = ["created", "modified", "first_seen", "last_seen"];

/// The Python callables the conversions use, imported once.
pub struct Decoders {
    /// `json.JSONDecoder(object_pairs_hook=StixObject).decode`.
    stix: Py<PyAny>,
    /// `datetime.datetime`.
    datetime: Py<PyAny>,
    /// `datetime.timezone.utc`.
    utc: Py<PyAny>,
}

impl Decoders {
    /// Imports them.
    pub fn new(py: Python<'_>) -> PyResult<Decoders> {
        let json = py.import("json")?;
        let stix_object = py.import("navlayer._stix")?.getattr("StixObject")?;
        let kwargs = PyDict::new(py);
        kwargs.set_item("object_pairs_hook", stix_object)?;
        let decoder = json.getattr("JSONDecoder")?.call((), Some(&kwargs))?;
        let datetime = py.import("datetime")?;
        Ok(Decoders {
            stix: decoder.getattr("decode")?.unbind(),
            datetime: datetime.getattr("datetime")?.unbind(),
            utc: datetime.getattr("timezone")?.getattr("utc")?.unbind(),
        })
    }

    /// A STIX element as stix2 shows it: `StixObject`s at every level; at the top, timestamps as
    /// timezone-aware `datetime`s and, for STIX 2.0 (`default_revoked`), `revoked: False` where
    /// the element does not say. Types stix2 does not know (`x-mitre-collection`) stay as read,
    /// as stix2 keeps those as plain dicts.
    pub fn stix<'py>(
        &self,
        py: Python<'py>,
        text: &str,
        default_revoked: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let value = self.stix.bind(py).call1((text,))?;
        let Ok(dict) = value.cast::<PyDict>() else {
            return Ok(value);
        };
        let stix_type: Option<String> = dict.get_item("type")?.and_then(|t| t.extract().ok());
        match stix_type.as_deref() {
            Some("x-mitre-collection") => return Ok(value),
            Some("marking-definition") => {}
            _ if default_revoked && !dict.contains("revoked")? => {
                dict.set_item("revoked", false)?
            }
            _ => {}
        }
        for key in TIMESTAMP_KEYS {
            let Some(v) = dict.get_item(key)? else {
                continue;
            };
            let Ok(text) = v.cast::<PyString>() else {
                continue;
            };
            if let Some(t) = self.timestamp(py, &text.to_cow()?)? {
                dict.set_item(key, t)?;
            }
        }
        Ok(value)
    }

    /// A STIX timestamp as a UTC `datetime` (microsecond precision, as stix2 keeps it).
    fn timestamp<'py>(&self, py: Python<'py>, text: &str) -> PyResult<Option<Bound<'py, PyAny>>> {
        let Some(t) = navlayer_attack::Timestamp::parse(text) else {
            return Ok(None);
        };
        let days = t.seconds.div_euclid(86_400);
        let secs = t.seconds.rem_euclid(86_400);
        let (year, month, day) = civil_from_days(days);
        if !(1..=9999).contains(&year) {
            return Ok(None);
        }
        let args = (
            year,
            month,
            day,
            secs / 3600,
            secs / 60 % 60,
            secs % 60,
            t.nanos / 1000,
            self.utc.bind(py),
        );
        self.datetime.bind(py).call1(args).map(Some)
    }
}

/// The proleptic Gregorian date of a day count since 1970-01-01 (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Plain Python values of JSON text.
pub fn plain<'py>(py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyAny>> {
    py.import("json")?.getattr("loads")?.call1((text,))
}

/// Plain Python values (dicts, lists, str, int, float, bool, None) of a serializable value.
pub fn serialize_to_py<'py, T: Serialize>(
    py: Python<'py>,
    value: &T,
) -> PyResult<Bound<'py, PyAny>> {
    let text = serde_json::to_string(value)
        .map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))?;
    plain(py, &text)
}

/// JSON text of a Python object, through the standard library's `json.dumps`.
pub fn dumps(value: &Bound<'_, PyAny>) -> PyResult<String> {
    let json = value.py().import("json")?;
    json.getattr("dumps")?.call1((value,))?.extract()
}
