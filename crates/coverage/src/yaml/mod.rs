//! YAML reading for the importers, safe on hostile input.
//!
//! The parser is serde-saphyr (pure safe Rust, on the saphyr parser): its budget bounds the
//! events, nodes, nesting depth (64), documents, anchors and alias replays of every file, so
//! "billion laughs" alias bombs and deep nesting fail fast with an error instead of using memory
//! or stack. A duplicate key is an error with its position: PyYAML would keep the last value
//! silently, but which one the author meant is ambiguous (linters such as SigmaHQ's reject
//! them), and refusing them is also cheaper than buffering every mapping to resolve them.
//!
//! Fields are read leniently: a scalar of any type reads as text ([`Scalar`]), so a rule whose
//! `title` is a number is still read, and a wrong shape is reported, not fatal.

use std::fmt;

use serde::de::{DeserializeOwned, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};

mod outline;

pub(crate) use outline::Select;

/// A YAML error with its position.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct YamlFailure {
    pub message: String,
    pub at: Option<(usize, usize)>,
}

fn options() -> serde_saphyr::Options {
    let mut o = serde_saphyr::Options::default();
    o.duplicate_keys = serde_saphyr::DuplicateKeyPolicy::Error;
    o.with_snippet = false;
    o
}

fn failure(e: serde_saphyr::Error) -> YamlFailure {
    let at = e
        .location()
        .map(|l| (l.line() as usize, l.column() as usize));
    let mut message = e.to_string();
    // Keep messages on one line for reports.
    if let Some(first) = message.lines().next() {
        message = first.trim().to_string();
    }
    YamlFailure { message, at }
}

/// Every document of a YAML stream (empty documents read as `None`).
pub(crate) fn documents<T: DeserializeOwned>(text: &str) -> Result<Vec<Option<T>>, YamlFailure> {
    serde_saphyr::from_multiple_with_options(text, options()).map_err(failure)
}

/// [`documents`], reading only the `select`ed fields: the same result, about twice as fast on
/// files where most of the text is in fields not read (the outline fast path; anything it does
/// not read exactly goes to [`documents`]).
pub(crate) fn documents_selected<T: DeserializeOwned>(
    text: &str,
    select: &'static Select,
) -> Result<Vec<Option<T>>, YamlFailure> {
    match fast_path::<T>(text, select) {
        Some(docs) => Ok(docs),
        None => documents(text),
    }
}

/// The single document of a YAML file.
pub(crate) fn document<T: DeserializeOwned>(text: &str) -> Result<Option<T>, YamlFailure> {
    single(documents::<T>(text)?)
}

/// [`document`], reading only the `select`ed fields (see [`documents_selected`]).
pub(crate) fn document_selected<T: DeserializeOwned>(
    text: &str,
    select: &'static Select,
) -> Result<Option<T>, YamlFailure> {
    single(documents_selected::<T>(text, select)?)
}

/// The outline of `text` read into `T`, or `None` when the fast path declines.
fn fast_path<T: DeserializeOwned>(text: &str, select: &'static Select) -> Option<Vec<Option<T>>> {
    let docs = outline::outline(text, select).ok()?;
    docs.into_iter()
        .map(|doc| doc.map(serde_json::from_value::<T>).transpose())
        .collect::<Result<Vec<_>, _>>()
        .ok()
}

/// True when the fast path reads `text` itself (for tests that check it is the common case).
#[cfg(test)]
pub(crate) fn reads_fast<T: DeserializeOwned>(text: &str, select: &'static Select) -> bool {
    fast_path::<T>(text, select).is_some()
}

/// Reads every file of `dir` (as `format` selects them) both ways and asserts that the fast path
/// gives what the full deserialiser gives and reads at least 90 % of the files itself; returns
/// the number of files.
#[cfg(test)]
pub(crate) fn assert_fast_path_on_corpus<T: DeserializeOwned + fmt::Debug>(
    dir: &std::path::Path,
    format: crate::Format,
    select: &'static Select,
) -> usize {
    use crate::input::{read_paths, text_of, Entry, Limits};
    let entries = read_paths(&[dir.to_path_buf()], format, &Limits::default()).unwrap();
    let (mut files, mut fast) = (0, 0);
    for entry in entries {
        let Entry::File(input) = entry else { continue };
        let Ok(text) = text_of(&input.bytes) else {
            continue;
        };
        files += 1;
        fast += usize::from(reads_fast::<T>(text, select));
        let full = format!("{:?}", documents::<T>(text));
        let selected = format!("{:?}", documents_selected::<T>(text, select));
        assert_eq!(full, selected, "{}", input.name);
    }
    assert!(
        fast * 10 >= files * 9,
        "fast path for {fast} of {files} files"
    );
    files
}

fn single<T>(mut docs: Vec<Option<T>>) -> Result<Option<T>, YamlFailure> {
    match docs.len() {
        0 => Ok(None),
        1 => Ok(docs.pop().flatten()),
        n => Err(YamlFailure {
            message: format!("{n} YAML documents in one file; expected one"),
            at: None,
        }),
    }
}

/// A scalar read as text whatever its YAML type, or what it was instead.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) enum Scalar {
    /// Absent or null.
    #[default]
    Missing,
    /// A string, number or boolean, as text.
    Text(String),
    /// A list or mapping where a scalar was expected.
    Other(&'static str),
}

impl Scalar {
    /// The text, trimmed, when non-empty.
    pub fn text(&self) -> Option<&str> {
        match self {
            Scalar::Text(s) if !s.trim().is_empty() => Some(s.trim()),
            _ => None,
        }
    }

    /// The text as a number, when it is one.
    pub fn number(&self) -> Option<f64> {
        self.text()
            .and_then(|t| t.parse::<f64>().ok())
            .filter(|x| x.is_finite())
    }
}

struct ScalarVisitor;

impl<'de> Visitor<'de> for ScalarVisitor {
    type Value = Scalar;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a scalar")
    }
    fn visit_str<E>(self, v: &str) -> Result<Scalar, E> {
        Ok(Scalar::Text(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<Scalar, E> {
        Ok(Scalar::Text(v))
    }
    fn visit_bool<E>(self, v: bool) -> Result<Scalar, E> {
        Ok(Scalar::Text(v.to_string()))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Scalar, E> {
        Ok(Scalar::Text(v.to_string()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Scalar, E> {
        Ok(Scalar::Text(v.to_string()))
    }
    fn visit_i128<E>(self, v: i128) -> Result<Scalar, E> {
        Ok(Scalar::Text(v.to_string()))
    }
    fn visit_u128<E>(self, v: u128) -> Result<Scalar, E> {
        Ok(Scalar::Text(v.to_string()))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Scalar, E> {
        Ok(Scalar::Text(v.to_string()))
    }
    fn visit_unit<E>(self) -> Result<Scalar, E> {
        Ok(Scalar::Missing)
    }
    fn visit_none<E>(self) -> Result<Scalar, E> {
        Ok(Scalar::Missing)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Scalar, D::Error> {
        d.deserialize_any(ScalarVisitor)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Scalar, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Scalar::Other("a list"))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Scalar, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Scalar::Other("a mapping"))
    }
}

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Scalar, D::Error> {
        d.deserialize_any(ScalarVisitor)
    }
}

/// A list of scalars, or what was found instead.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) enum Scalars {
    /// Absent or null.
    #[default]
    Missing,
    /// A list.
    List(Vec<Scalar>),
    /// A single scalar where a list was expected.
    Single(Scalar),
    /// A mapping where a list was expected.
    Mapping,
}

impl Scalars {
    /// The texts of a list, or of a single scalar.
    pub fn texts(&self) -> Vec<&str> {
        match self {
            Scalars::List(v) => v.iter().filter_map(Scalar::text).collect(),
            Scalars::Single(s) => s.text().into_iter().collect(),
            _ => Vec::new(),
        }
    }

    /// True when the value is a list of scalars (or absent).
    pub fn is_list(&self) -> bool {
        match self {
            Scalars::Missing => true,
            Scalars::List(v) => v.iter().all(|s| !matches!(s, Scalar::Other(_))),
            _ => false,
        }
    }
}

struct ScalarsVisitor;

impl<'de> Visitor<'de> for ScalarsVisitor {
    type Value = Scalars;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of scalars")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Scalars, A::Error> {
        let mut out = Vec::new();
        while let Some(s) = seq.next_element::<Scalar>()? {
            out.push(s);
        }
        Ok(Scalars::List(out))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Scalars, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Scalars::Mapping)
    }
    fn visit_unit<E>(self) -> Result<Scalars, E> {
        Ok(Scalars::Missing)
    }
    fn visit_none<E>(self) -> Result<Scalars, E> {
        Ok(Scalars::Missing)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Scalars, D::Error> {
        d.deserialize_any(ScalarsVisitor)
    }
    fn visit_str<E>(self, v: &str) -> Result<Scalars, E> {
        Ok(Scalars::Single(Scalar::Text(v.to_string())))
    }
    fn visit_bool<E>(self, v: bool) -> Result<Scalars, E> {
        Ok(Scalars::Single(Scalar::Text(v.to_string())))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Scalars, E> {
        Ok(Scalars::Single(Scalar::Text(v.to_string())))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Scalars, E> {
        Ok(Scalars::Single(Scalar::Text(v.to_string())))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Scalars, E> {
        Ok(Scalars::Single(Scalar::Text(v.to_string())))
    }
}

impl<'de> Deserialize<'de> for Scalars {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Scalars, D::Error> {
        d.deserialize_any(ScalarsVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize, Default)]
    #[serde(default)]
    struct Doc {
        title: Scalar,
        tags: Scalars,
    }

    #[test]
    fn scalars_of_any_type_read_as_text() {
        let d: Doc = document("title: 12\ntags: [a, 2, true]\n")
            .unwrap()
            .unwrap();
        assert_eq!(d.title, Scalar::Text("12".into()));
        assert_eq!(d.tags.texts(), vec!["a", "2", "true"]);
        let d: Doc = document("title: {a: 1}\ntags: x\n").unwrap().unwrap();
        assert_eq!(d.title, Scalar::Other("a mapping"));
        assert!(!d.tags.is_list());
    }

    #[test]
    fn alias_bombs_and_deep_nesting_fail_fast() {
        let mut bomb = String::from(
            "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
        );
        for (i, c) in "bcdefghijklmnop".chars().enumerate() {
            let prev = if i == 0 {
                'a'
            } else {
                "bcdefghijklmnop".chars().nth(i - 1).unwrap()
            };
            bomb.push_str(&format!(
                "{c}: &{c} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"
            ));
        }
        bomb.push_str("title: x\n");
        let t = std::time::Instant::now();
        let r = document::<Doc>(&bomb);
        assert!(r.is_err(), "alias bomb accepted");
        assert!(t.elapsed().as_secs() < 5);
        let deep = format!("title: {}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert!(document::<Doc>(&deep).is_err());
    }

    #[test]
    fn duplicate_keys_are_errors() {
        let e = document::<Doc>("title: a\ntags: [x]\ntitle: b\n").unwrap_err();
        assert!(e.message.contains("uplicate"), "{e:?}");
        assert_eq!(e.at.map(|a| a.0), Some(3));
    }

    #[test]
    fn errors_have_positions() {
        let e = document::<Doc>("title: x\ntags: [a, b\n").unwrap_err();
        assert!(e.at.is_some(), "{e:?}");
    }

    const DOC_FIELDS: Select = Select(&[("title", None), ("tags", None)]);

    /// Pieces of YAML that reach every branch of the fast path: keys read and not read,
    /// flow and block collections, quoting, anchors, aliases, tags, typed scalars, documents.
    const PIECES: &[&str] = &[
        "title: ",
        "tags: ",
        "other: ",
        "k: ",
        "<<: ",
        "\n",
        "\n  ",
        "\n- ",
        "- ",
        "[",
        "]",
        "{",
        "}",
        ", ",
        ": ",
        "x",
        "7up",
        "'q'",
        "\"d\"",
        "12",
        "1.5",
        "yes",
        "~",
        "null",
        "&a ",
        "*a",
        "!!str ",
        "#c",
        "---\n",
        "...\n",
        "|\n  text",
        "? ",
    ];

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 2_000, ..Default::default() })]
        /// The fast path gives exactly what the full deserialiser gives, errors included.
        #[test]
        fn the_fast_path_agrees_with_the_full_path(
            picks in proptest::collection::vec(0..PIECES.len(), 0..40)
        ) {
            let text: String = picks.iter().map(|&i| PIECES[i]).collect();
            let full = format!("{:?}", documents::<Doc>(&text));
            let selected = format!("{:?}", documents_selected::<Doc>(&text, &DOC_FIELDS));
            proptest::prop_assert_eq!(full, selected, "{:?}", text);
        }
    }
}
