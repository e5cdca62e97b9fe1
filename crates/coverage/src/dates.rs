//! Object and relationship dates of a bundle (`created`, `modified`, campaigns' `first_seen` and
//! `last_seen`) for `heatmap --since`. The catalogue does not keep them, so they are read from
//! the bundle once more, only when asked for: one streaming pass that keeps four short strings
//! per object and skips everything else.

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::CoverageError;

/// Which date of a use `--since` compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SinceField {
    /// The relationship's `modified` date (the default).
    #[default]
    Modified,
    /// The relationship's `created` date.
    Created,
    /// The campaign's `first_seen`: only uses through a campaign have one.
    FirstSeen,
    /// The campaign's `last_seen`: only uses through a campaign have one.
    LastSeen,
}

/// The dates of one object or relationship (`YYYY-MM-DD…` strings as in the bundle).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ObjectDates {
    /// `created`.
    pub created: Option<String>,
    /// `modified`.
    pub modified: Option<String>,
    /// `first_seen` (campaigns).
    pub first_seen: Option<String>,
    /// `last_seen` (campaigns).
    pub last_seen: Option<String>,
}

/// Dates by STIX id.
#[derive(Debug, Clone, Default)]
pub struct Dates {
    by_id: HashMap<String, ObjectDates>,
}

#[derive(Deserialize)]
struct Bundle<'a> {
    #[serde(borrow, default)]
    objects: Vec<Row<'a>>,
}

#[derive(Deserialize)]
struct Row<'a> {
    #[serde(borrow)]
    id: Cow<'a, str>,
    #[serde(borrow, default)]
    created: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    modified: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    first_seen: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    last_seen: Option<Cow<'a, str>>,
}

impl Dates {
    /// Reads the dates of a bundle file (`.json` or `.json.gz`).
    pub fn load(path: &Path) -> Result<Dates, CoverageError> {
        let err = |message: String| CoverageError::Dates {
            path: path.to_path_buf(),
            message,
        };
        let raw = std::fs::read(path).map_err(|e| err(e.to_string()))?;
        let bytes = if raw.starts_with(&[0x1f, 0x8b]) {
            let mut out = Vec::new();
            flate2::read::GzDecoder::new(raw.as_slice())
                .take(2 << 30)
                .read_to_end(&mut out)
                .map_err(|e| err(e.to_string()))?;
            out
        } else {
            raw
        };
        Dates::from_slice(&bytes).map_err(err)
    }

    /// Reads the dates of a bundle in memory.
    pub fn from_slice(bytes: &[u8]) -> Result<Dates, String> {
        let bundle: Bundle<'_> = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
        let by_id = bundle
            .objects
            .into_iter()
            .map(|r| {
                (
                    r.id.into_owned(),
                    ObjectDates {
                        created: r.created.map(Cow::into_owned),
                        modified: r.modified.map(Cow::into_owned),
                        first_seen: r.first_seen.map(Cow::into_owned),
                        last_seen: r.last_seen.map(Cow::into_owned),
                    },
                )
            })
            .collect();
        Ok(Dates { by_id })
    }

    /// The dates of one object, when the bundle has it.
    pub fn get(&self, stix_id: &str) -> Option<&ObjectDates> {
        self.by_id.get(stix_id)
    }
}

/// Checks a `YYYY-MM-DD` date (a longer RFC 3339 timestamp is cut to its date).
pub(crate) fn parse_day(text: &str) -> Result<String, CoverageError> {
    let t = text.trim();
    let day = t.get(..10).unwrap_or(t);
    let b = day.as_bytes();
    let ok = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
        && (1..=12).contains(&day[5..7].parse::<u32>().unwrap_or(0))
        && (1..=31).contains(&day[8..10].parse::<u32>().unwrap_or(0));
    if ok {
        Ok(day.to_string())
    } else {
        Err(CoverageError::BadDate(text.to_string()))
    }
}

/// True when a bundle date is on or after `day` (`YYYY-MM-DD`).
pub(crate) fn on_or_after(date: Option<&str>, day: &str) -> bool {
    date.and_then(|d| d.get(..10)).is_some_and(|d| d >= day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_parse_and_compare() {
        assert_eq!(parse_day("2024-03-01").unwrap(), "2024-03-01");
        assert_eq!(parse_day("2024-03-01T00:00:00Z").unwrap(), "2024-03-01");
        assert!(parse_day("2024-13-01").is_err());
        assert!(parse_day("yesterday").is_err());
        assert!(on_or_after(Some("2024-03-02T10:00:00.000Z"), "2024-03-01"));
        assert!(!on_or_after(Some("2023-12-31T10:00:00.000Z"), "2024-03-01"));
        assert!(!on_or_after(None, "2024-03-01"));
        let d = Dates::from_slice(br#"{"objects": [{"id": "campaign--1", "type": "campaign", "first_seen": "2020-01-01T00:00:00Z", "x": [1, {"y": 2}]}]}"#).unwrap();
        assert_eq!(
            d.get("campaign--1").unwrap().first_seen.as_deref(),
            Some("2020-01-01T00:00:00Z")
        );
    }
}
