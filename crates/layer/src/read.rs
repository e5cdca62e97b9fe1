//! Reading layer files of every Navigator format (1.x – 4.5), upgraded in memory to format 4.5.
//!
//! A file holds one layer (a JSON object) or several (a JSON array of layers, as the Navigator's
//! "download all layers" writes). Text may be UTF-8 (with or without a byte-order mark) or UTF-16
//! (with a byte-order mark, or recognisably without one).
//!
//! Reading is lenient where the Navigator is lenient and precise about what it did: old
//! properties are upgraded (each change is listed in [`LoadedLayer::upgrades`]), mistyped values
//! are coerced when their meaning is clear (`"score": "3"`, `"enabled": "True"`) and dropped
//! otherwise, each with a [`Finding`] pointing into the file. Unknown properties are kept and
//! written back unchanged.
//!
//! Hostile input is bounded: a size limit ([`ReadOptions::max_bytes`]), serde_json's nesting limit
//! (128 levels), no panics.

use std::borrow::Cow;
use std::cell::RefCell;
use std::fmt;
use std::fmt::Write as _;
use std::io::Read;
use std::path::Path;

use serde::de::{DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

use crate::error::LayerError;
use crate::model::{Layer, LinkItem, MetadataItem, TechniqueEntry};
use crate::validate::{self, escape_pointer_segment, Finding};

/// Default size limit: 64 MiB (real layers are rarely above a few MB).
pub const DEFAULT_MAX_BYTES: u64 = 64 * 1024 * 1024;

/// Options for reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadOptions {
    /// Inputs larger than this many bytes are refused with [`LayerError::TooLarge`].
    pub max_bytes: u64,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            max_bytes: DEFAULT_MAX_BYTES,
        }
    }
}

/// One layer read from a file, upgraded to format 4.5.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadedLayer {
    /// The layer (format 4.5).
    pub layer: Layer,
    /// The format version the file declared (`versions.layer`, or the old top-level `version`),
    /// `None` when it declared none.
    pub original_version: Option<String>,
    /// What the upgrade to 4.5 changed, in plain English (empty for a clean 4.5 layer).
    pub upgrades: Vec<String>,
    /// Findings about the file: mistyped, missing or dropped values, duplicate keys, and the
    /// checks of [`validate::check_layer`]; pointers are into the file.
    pub findings: Vec<Finding>,
    /// JSON pointer of this layer in the file: empty for a single-layer file, `/2` for the
    /// third layer of an array.
    pub pointer_prefix: String,
    /// For each entry of `layer.techniques`, its index in the file's `techniques` array (they
    /// differ when entries without a technique ID were dropped).
    pub technique_origin: Vec<usize>,
}

impl LoadedLayer {
    /// Maps a pointer into the model (as [`validate::validate_with_catalogue`] gives) to a pointer
    /// into the file.
    pub fn file_pointer(&self, model_pointer: &str) -> String {
        if let Some(rest) = model_pointer.strip_prefix("/techniques/") {
            let (idx, tail) = match rest.find('/') {
                Some(n) => (&rest[..n], &rest[n..]),
                None => (rest, ""),
            };
            if let Ok(i) = idx.parse::<usize>() {
                let orig = self.technique_origin.get(i).copied().unwrap_or(i);
                return format!("{}/techniques/{orig}{tail}", self.pointer_prefix);
            }
        }
        format!("{}{model_pointer}", self.pointer_prefix)
    }

    /// True when [`LoadedLayer::file_pointer`] gives the pointer back unchanged.
    fn maps_unchanged(&self, model_pointer: &str) -> bool {
        if !self.pointer_prefix.is_empty() {
            return false;
        }
        let Some(rest) = model_pointer.strip_prefix("/techniques/") else {
            return true;
        };
        let idx = rest.find('/').map_or(rest, |n| &rest[..n]);
        // Only a canonical index is written back as it was ("07" or "+7" would become "7").
        let canonical = !idx.is_empty()
            && idx.bytes().all(|b| b.is_ascii_digit())
            && (idx.len() == 1 || !idx.starts_with('0'));
        if !canonical {
            return idx.parse::<usize>().is_err();
        }
        match idx.parse::<usize>() {
            Ok(i) => self.technique_origin.get(i).is_none_or(|&o| o == i),
            Err(_) => true,
        }
    }

    /// Every finding without data plus, when a catalogue is given, the checks against it; all
    /// with pointers into the file.
    pub fn validate(&self, catalogue: Option<&navlayer_attack::Catalogue>) -> Vec<Finding> {
        let mut out = self.findings.clone();
        if let Some(c) = catalogue {
            out.extend(
                validate::validate_with_catalogue(&self.layer, c)
                    .into_iter()
                    .map(|f| {
                        let pointer = if self.maps_unchanged(&f.pointer) {
                            f.pointer
                        } else {
                            self.file_pointer(&f.pointer)
                        };
                        Finding { pointer, ..f }
                    }),
            );
        }
        out
    }
}

/// Reads a layer file with the default [`ReadOptions`].
pub fn read_layer_file(path: &Path) -> Result<Vec<LoadedLayer>, LayerError> {
    read_layer_file_with(path, &ReadOptions::default())
}

/// Reads a layer file. The size is checked before reading, and reading stops at the limit
/// (for pipes and special files whose size is unknown).
pub fn read_layer_file_with(
    path: &Path,
    options: &ReadOptions,
) -> Result<Vec<LoadedLayer>, LayerError> {
    let source = path.display().to_string();
    let io = |source: std::io::Error| LayerError::Io {
        path: path.to_path_buf(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let meta = file.metadata().map_err(io)?;
    if meta.is_dir() {
        return Err(io(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "it is a folder, not a file",
        )));
    }
    if meta.is_file() && meta.len() > options.max_bytes {
        return Err(LayerError::TooLarge {
            input: source,
            size: meta.len(),
            limit: options.max_bytes,
        });
    }
    let mut bytes = Vec::with_capacity(meta.len().min(options.max_bytes) as usize);
    file.take(options.max_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(io)?;
    parse_layers_with(&bytes, &source, options)
}

/// Parses the bytes of a layer file with the default [`ReadOptions`]; `source` names the input in
/// messages (a path, `<stdin>`, …).
pub fn parse_layers(bytes: &[u8], source: &str) -> Result<Vec<LoadedLayer>, LayerError> {
    parse_layers_with(bytes, source, &ReadOptions::default())
}

/// Parses the bytes of a layer file.
pub fn parse_layers_with(
    bytes: &[u8],
    source: &str,
    options: &ReadOptions,
) -> Result<Vec<LoadedLayer>, LayerError> {
    if bytes.len() as u64 > options.max_bytes {
        return Err(LayerError::TooLarge {
            input: source.to_string(),
            size: bytes.len() as u64,
            limit: options.max_bytes,
        });
    }
    let (text, encoding_note) = decode(bytes, source)?;
    let (value, duplicates, techniques) = parse_json(&text, source)?;
    // By layer (linear: a file of 20,000 layers must not search a list per layer).
    let mut techniques: std::collections::HashMap<Option<usize>, Vec<RawItem>> =
        techniques.into_iter().collect();
    let mut techniques_of = |index: Option<usize>| techniques.remove(&index);
    let mut duplicates_of = duplicates_by_layer(duplicates, matches!(value, Value::Object(_)));
    let mut file_findings: Vec<Finding> = Vec::new();
    if let Some(note) = encoding_note {
        file_findings.push(Finding::info("", note));
    }
    type Item = (String, Map<String, Value>, Option<Vec<RawItem>>);
    let items: Vec<Item> = match value {
        Value::Object(map) => {
            check_is_layer(&map, "", source)?;
            vec![(String::new(), map, techniques_of(None))]
        }
        Value::Array(list) => {
            if list.is_empty() {
                return Err(LayerError::NotALayer {
                    input: source.to_string(),
                    pointer: String::new(),
                    message: "the file is an empty array: it holds no layer".into(),
                });
            }
            let mut out = Vec::with_capacity(list.len());
            for (i, v) in list.into_iter().enumerate() {
                let p = format!("/{i}");
                match v {
                    Value::Object(map) => {
                        check_is_layer(&map, &p, source)?;
                        out.push((p, map, techniques_of(Some(i))));
                    }
                    other => {
                        return Err(LayerError::NotALayer {
                            input: source.to_string(),
                            pointer: p,
                            message: format!(
                                "an array of layers holds {}, not a layer object",
                                type_name(&other)
                            ),
                        })
                    }
                }
            }
            out
        }
        other => {
            return Err(LayerError::NotALayer {
                input: source.to_string(),
                pointer: String::new(),
                message: format!(
                    "the file holds {}; a layer file holds a JSON object (one layer) or an array of layer objects",
                    type_name(&other)
                ),
            })
        }
    };
    let mut out = Vec::with_capacity(items.len());
    let single = items.len() == 1 && items[0].0.is_empty();
    for (i, (prefix, map, techniques)) in items.into_iter().enumerate() {
        let mut loaded = load_one(map, techniques, prefix, source)?;
        let mut pre: Vec<Finding> = file_findings.clone();
        let mine = duplicates_of
            .remove(&if single { None } else { Some(i) })
            .unwrap_or_default();
        for d in mine {
            let message = match d {
                Duplicate::Key(d) => {
                    let key = d.rsplit('/').next().unwrap_or("").to_string();
                    (d, format!(
                        "duplicate key {key:?}: the object names it more than once; the last value is used (as the Navigator does)"
                    ))
                }
                Duplicate::More(n) => (
                    loaded.pointer_prefix.clone(),
                    format!("{n} more duplicate keys (only the first {MAX_DUPLICATE_FINDINGS} are listed)"),
                ),
            };
            pre.push(Finding::error(message.0, message.1));
        }
        pre.append(&mut loaded.findings);
        loaded.findings = pre;
        out.push(loaded);
    }
    Ok(out)
}

/// Duplicate keys listed one by one; past this many a file gets one finding with the count (a
/// hostile file can repeat a key millions of times).
pub const MAX_DUPLICATE_FINDINGS: usize = 1_000;

/// A duplicate-key finding to report.
enum Duplicate {
    /// The pointer of a repeated key.
    Key(String),
    /// How many more were found than [`MAX_DUPLICATE_FINDINGS`].
    More(usize),
}

/// Duplicate keys by the layer they are in: all of them for a file holding one layer object
/// (`single`, key `None`), else by the index `i` of their `/i/…` pointer (`Some(i)`).
fn duplicates_by_layer(
    (pointers, more): (Vec<String>, usize),
    single: bool,
) -> std::collections::HashMap<Option<usize>, Vec<Duplicate>> {
    let mut out: std::collections::HashMap<Option<usize>, Vec<Duplicate>> =
        std::collections::HashMap::new();
    for d in pointers {
        let layer = if single {
            None
        } else {
            match d
                .strip_prefix('/')
                .and_then(|rest| rest.split_once('/'))
                .and_then(|(first, _)| first.parse::<usize>().ok())
            {
                Some(i) => Some(i),
                None => continue,
            }
        };
        out.entry(layer).or_default().push(Duplicate::Key(d));
    }
    if more > 0 {
        let first = if single { None } else { Some(0) };
        out.entry(first).or_default().push(Duplicate::More(more));
    }
    out
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn check_is_layer(map: &Map<String, Value>, pointer: &str, source: &str) -> Result<(), LayerError> {
    let layerish = ["name", "domain", "techniques", "versions", "version"];
    if layerish.iter().any(|k| map.contains_key(*k)) {
        return Ok(());
    }
    let mut message = String::from("an object without name, domain, versions or techniques");
    if map.get("type").and_then(Value::as_str) == Some("bundle") {
        message.push_str(" (this is a STIX bundle: ATT&CK data, not a layer; pass it with --data)");
    } else if map.is_empty() {
        message.push_str(" (the object is empty)");
    } else {
        let keys: Vec<&str> = map.keys().take(8).map(String::as_str).collect();
        message.push_str(&format!(" (its keys: {})", keys.join(", ")));
    }
    Err(LayerError::NotALayer {
        input: source.to_string(),
        pointer: pointer.to_string(),
        message,
    })
}

// ---------------------------------------------------------------------------------------------
// Decoding

fn line_col_of_prefix(prefix: &str) -> (usize, usize) {
    let line = prefix.bytes().filter(|&b| b == b'\n').count() + 1;
    let col = prefix
        .rsplit('\n')
        .next()
        .map(|l| l.chars().count())
        .unwrap_or(0)
        + 1;
    (line, col)
}

/// Decodes the bytes to text; the second value notes an unusual encoding.
fn decode<'a>(
    bytes: &'a [u8],
    source: &str,
) -> Result<(std::borrow::Cow<'a, str>, Option<String>), LayerError> {
    use std::borrow::Cow;
    let enc_err = |line, column, message: String| LayerError::Encoding {
        input: source.to_string(),
        line,
        column,
        message,
    };
    if bytes.starts_with(&[0, 0, 0xFE, 0xFF]) || bytes.starts_with(&[0xFF, 0xFE, 0, 0]) {
        return Err(enc_err(
            1,
            1,
            "the file is UTF-32, which layer files cannot be; re-save it as UTF-8".into(),
        ));
    }
    let (body, utf16, note) = if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        (
            rest,
            None,
            Some("the file starts with a UTF-8 byte-order mark (ignored)"),
        )
    } else if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        (
            rest,
            Some(true),
            Some("the file is UTF-16LE with a byte-order mark; it is written back as UTF-8"),
        )
    } else if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        (
            rest,
            Some(false),
            Some("the file is UTF-16BE with a byte-order mark; it is written back as UTF-8"),
        )
    } else if bytes.len() >= 4 && bytes[0] != 0 && bytes[1] == 0 && bytes[2] != 0 && bytes[3] == 0 {
        (
            bytes,
            Some(true),
            Some("the file is UTF-16LE without a byte-order mark; it is written back as UTF-8"),
        )
    } else if bytes.len() >= 4 && bytes[0] == 0 && bytes[1] != 0 && bytes[2] == 0 && bytes[3] != 0 {
        (
            bytes,
            Some(false),
            Some("the file is UTF-16BE without a byte-order mark; it is written back as UTF-8"),
        )
    } else {
        (bytes, None, None)
    };
    let note = note.map(String::from);
    match utf16 {
        None => match std::str::from_utf8(body) {
            Ok(s) => Ok((Cow::Borrowed(s), note)),
            Err(e) => {
                let good = e.valid_up_to();
                // The prefix is valid UTF-8 by construction.
                let prefix = std::str::from_utf8(&body[..good]).unwrap_or("");
                let (line, column) = line_col_of_prefix(prefix);
                let byte = body.get(good).copied().unwrap_or(0);
                Err(enc_err(
                    line,
                    column,
                    format!(
                        "invalid UTF-8 (byte 0x{byte:02X} at offset {}); the file is probably in a legacy encoding such as Windows-1252: re-save it as UTF-8",
                        good + bytes.len() - body.len()
                    ),
                ))
            }
        },
        Some(little) => {
            if body.len() % 2 != 0 {
                return Err(enc_err(
                    1,
                    1,
                    "the file looks like UTF-16 but has an odd number of bytes; it is truncated or not UTF-16".into(),
                ));
            }
            let units = body.chunks_exact(2).map(|c| {
                if little {
                    u16::from_le_bytes([c[0], c[1]])
                } else {
                    u16::from_be_bytes([c[0], c[1]])
                }
            });
            let mut text = String::with_capacity(body.len() / 2);
            for r in char::decode_utf16(units) {
                match r {
                    Ok(c) => text.push(c),
                    Err(e) => {
                        let (line, column) = line_col_of_prefix(&text);
                        return Err(enc_err(
                            line,
                            column,
                            format!(
                                "invalid UTF-16: unpaired surrogate 0x{:04X}; the file is damaged",
                                e.unpaired_surrogate()
                            ),
                        ));
                    }
                }
            }
            Ok((Cow::Owned(text), note))
        }
    }
}

// ---------------------------------------------------------------------------------------------
// JSON with duplicate-key detection

/// Duplicate keys found so far, as pointers relative to the value being parsed; each enclosing
/// array or object prefixes its segment as the parse unwinds (free when there are none).
#[derive(Default)]
struct ParseCtx {
    duplicates: Vec<String>,
    /// Duplicates found past [`MAX_DUPLICATE_FINDINGS`] (counted, not listed).
    more_duplicates: usize,
    /// The `techniques` arrays of the layer objects, parsed straight into [`RawItem`]s (the
    /// layer object holds an empty array in their place): the layer's index in a top-level
    /// array (`None` for a top-level object) and its items.
    techniques: Vec<(Option<usize>, Vec<RawItem>)>,
}

impl ParseCtx {
    fn duplicate(&mut self, key: &str) {
        if self.duplicates.len() < MAX_DUPLICATE_FINDINGS {
            self.duplicates
                .push(format!("/{}", escape_pointer_segment(key)));
        } else {
            self.more_duplicates += 1;
        }
    }

    fn prefix_since(&mut self, since: usize, segment: &str) {
        for d in &mut self.duplicates[since..] {
            d.insert_str(0, segment);
            d.insert(0, '/');
        }
    }
}

#[derive(Clone, Copy)]
struct ValueSeed<'a> {
    ctx: &'a RefCell<ParseCtx>,
    /// `Some` when this value, if an object, is a layer: `Some(None)` for the top-level value,
    /// `Some(Some(i))` for item `i` of a top-level array.
    layer: Option<Option<usize>>,
}

impl<'a> ValueSeed<'a> {
    fn inner(ctx: &'a RefCell<ParseCtx>) -> Self {
        ValueSeed { ctx, layer: None }
    }
}

impl<'de> DeserializeSeed<'de> for ValueSeed<'_> {
    type Value = Value;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ValueSeed<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }
    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }
    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Value, E> {
        Ok(Number::from_f64(v).map_or(Value::Null, Value::Number))
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }
    fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E: serde::de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E: serde::de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        loop {
            let before = self.ctx.borrow().duplicates.len();
            let child = ValueSeed {
                ctx: self.ctx,
                layer: (self.layer == Some(None)).then_some(Some(out.len())),
            };
            let next = seq.next_element_seed(child)?;
            let mut ctx = self.ctx.borrow_mut();
            if ctx.duplicates.len() > before {
                ctx.prefix_since(before, &out.len().to_string());
            }
            drop(ctx);
            match next {
                Some(v) => out.push(v),
                None => break,
            }
        }
        Ok(Value::Array(out))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        let mut typed: Option<Vec<RawItem>> = None;
        while let Some(key) = map.next_key::<String>()? {
            let before = self.ctx.borrow().duplicates.len();
            let value = if self.layer.is_some() && key == "techniques" {
                match map.next_value_seed(TechniquesSeed { ctx: self.ctx })? {
                    Techniques::Items(items) => {
                        typed = Some(items);
                        Value::Array(Vec::new())
                    }
                    Techniques::Value(v) => {
                        typed = None;
                        v
                    }
                }
            } else {
                map.next_value_seed(ValueSeed::inner(self.ctx))?
            };
            let mut ctx = self.ctx.borrow_mut();
            if ctx.duplicates.len() > before {
                ctx.prefix_since(before, &escape_pointer_segment(&key));
            }
            if out.contains_key(&key) {
                ctx.duplicate(&key);
            }
            drop(ctx);
            out.insert(key, value);
        }
        if let (Some(index), Some(items)) = (self.layer, typed) {
            self.ctx.borrow_mut().techniques.push((index, items));
        }
        Ok(Value::Object(out))
    }
}

/// A layer's `techniques` value: an array parsed into [`RawItem`]s, or any other value.
enum Techniques {
    Items(Vec<RawItem>),
    Value(Value),
}

#[derive(Clone, Copy)]
struct TechniquesSeed<'a> {
    ctx: &'a RefCell<ParseCtx>,
}

impl<'de> DeserializeSeed<'de> for TechniquesSeed<'_> {
    type Value = Techniques;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Techniques, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for TechniquesSeed<'_> {
    type Value = Techniques;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Techniques, E> {
        ValueSeed::inner(self.ctx)
            .visit_bool(v)
            .map(Techniques::Value)
    }
    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Techniques, E> {
        ValueSeed::inner(self.ctx)
            .visit_i64(v)
            .map(Techniques::Value)
    }
    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Techniques, E> {
        ValueSeed::inner(self.ctx)
            .visit_u64(v)
            .map(Techniques::Value)
    }
    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Techniques, E> {
        ValueSeed::inner(self.ctx)
            .visit_f64(v)
            .map(Techniques::Value)
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Techniques, E> {
        ValueSeed::inner(self.ctx)
            .visit_str(v)
            .map(Techniques::Value)
    }
    fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Techniques, E> {
        ValueSeed::inner(self.ctx)
            .visit_string(v)
            .map(Techniques::Value)
    }
    fn visit_unit<E: serde::de::Error>(self) -> Result<Techniques, E> {
        ValueSeed::inner(self.ctx)
            .visit_unit()
            .map(Techniques::Value)
    }
    fn visit_none<E: serde::de::Error>(self) -> Result<Techniques, E> {
        ValueSeed::inner(self.ctx)
            .visit_none()
            .map(Techniques::Value)
    }
    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Techniques, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Techniques, A::Error> {
        ValueSeed::inner(self.ctx)
            .visit_map(map)
            .map(Techniques::Value)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Techniques, A::Error> {
        let mut out = Vec::new();
        loop {
            let before = self.ctx.borrow().duplicates.len();
            let next = seq.next_element_seed(EntrySeed { ctx: self.ctx })?;
            let mut ctx = self.ctx.borrow_mut();
            if ctx.duplicates.len() > before {
                ctx.prefix_since(before, &out.len().to_string());
            }
            drop(ctx);
            match next {
                Some(v) => out.push(v),
                None => break,
            }
        }
        Ok(Techniques::Items(out))
    }
}

/// One item of a layer's `techniques` array.
#[derive(Clone, Copy)]
struct EntrySeed<'a> {
    ctx: &'a RefCell<ParseCtx>,
}

impl<'de> DeserializeSeed<'de> for EntrySeed<'_> {
    type Value = RawItem;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<RawItem, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for EntrySeed<'_> {
    type Value = RawItem;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<RawItem, E> {
        ValueSeed::inner(self.ctx).visit_bool(v).map(RawItem::Other)
    }
    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<RawItem, E> {
        ValueSeed::inner(self.ctx).visit_i64(v).map(RawItem::Other)
    }
    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<RawItem, E> {
        ValueSeed::inner(self.ctx).visit_u64(v).map(RawItem::Other)
    }
    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<RawItem, E> {
        ValueSeed::inner(self.ctx).visit_f64(v).map(RawItem::Other)
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<RawItem, E> {
        ValueSeed::inner(self.ctx).visit_str(v).map(RawItem::Other)
    }
    fn visit_string<E: serde::de::Error>(self, v: String) -> Result<RawItem, E> {
        ValueSeed::inner(self.ctx)
            .visit_string(v)
            .map(RawItem::Other)
    }
    fn visit_unit<E: serde::de::Error>(self) -> Result<RawItem, E> {
        ValueSeed::inner(self.ctx).visit_unit().map(RawItem::Other)
    }
    fn visit_none<E: serde::de::Error>(self) -> Result<RawItem, E> {
        ValueSeed::inner(self.ctx).visit_none().map(RawItem::Other)
    }
    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<RawItem, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<RawItem, A::Error> {
        ValueSeed::inner(self.ctx)
            .visit_seq(seq)
            .map(RawItem::Other)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawItem, A::Error> {
        let mut out = SmallMap {
            items: Vec::with_capacity(8),
            index: None,
        };
        while let Some(key) = map.next_key_seed(KeySeed)? {
            let before = self.ctx.borrow().duplicates.len();
            let value = map.next_value_seed(ValueSeed::inner(self.ctx))?;
            let mut ctx = self.ctx.borrow_mut();
            if ctx.duplicates.len() > before {
                ctx.prefix_since(before, &escape_pointer_segment(&key));
            }
            if out.contains_key(&key) {
                ctx.duplicate(&key);
            }
            drop(ctx);
            out.insert_key(key, value);
        }
        Ok(RawItem::Object(out))
    }
}

/// A property name of a technique entry: the known names are not allocated.
struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Cow<'static, str>;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed {
    type Value = Cow<'static, str>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a property name")
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(match TECHNIQUE_KEYS.iter().find(|k| **k == v) {
            Some(k) => Cow::Borrowed(k),
            None => Cow::Owned(v.to_string()),
        })
    }
    fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(match TECHNIQUE_KEYS.iter().find(|k| **k == v) {
            Some(k) => Cow::Borrowed(k),
            None => Cow::Owned(v),
        })
    }
}

/// A parsed file: the JSON value, the duplicate keys (listed, and the count of those not
/// listed), and the layers' `techniques` arrays
/// (see [`ParseCtx::techniques`]).
type Parsed = (
    Value,
    (Vec<String>, usize),
    Vec<(Option<usize>, Vec<RawItem>)>,
);

fn parse_json(text: &str, source: &str) -> Result<Parsed, LayerError> {
    if text.trim().is_empty() {
        let (line, column) = line_col_of_prefix(text);
        return Err(LayerError::Json {
            input: source.to_string(),
            line,
            column,
            message: "the file is empty".into(),
            hint: Some(
                "a layer file holds a JSON object; was it written by a job that failed?".into(),
            ),
        });
    }
    let ctx = RefCell::new(ParseCtx::default());
    let mut de = serde_json::Deserializer::from_str(text);
    let result = ValueSeed {
        ctx: &ctx,
        layer: Some(None),
    }
    .deserialize(&mut de)
    .and_then(|v| de.end().map(|_| v));
    match result {
        Ok(v) => {
            let ctx = ctx.into_inner();
            Ok((v, (ctx.duplicates, ctx.more_duplicates), ctx.techniques))
        }
        Err(e) => Err(json_error(&e, text, source)),
    }
}

fn json_error(e: &serde_json::Error, text: &str, source: &str) -> LayerError {
    let full = e.to_string();
    let message = match full.rfind(" at line ") {
        Some(n) => full[..n].to_string(),
        None => full,
    };
    let line_text = text.lines().nth(e.line().saturating_sub(1)).unwrap_or("");
    let has_conflict = text
        .lines()
        .any(|l| l.starts_with("<<<<<<< ") || l.starts_with(">>>>>>> ") || l == "=======");
    let trimmed = text.trim_start();
    let hint = if has_conflict {
        Some("the file holds unresolved git merge-conflict markers (<<<<<<<, =======, >>>>>>>); resolve the conflict".to_string())
    } else if message.contains("recursion limit") {
        Some("values are nested more than 128 levels deep; no layer is nested like that".into())
    } else if message.contains("number out of range") {
        Some("a number is too large to be represented; scores must be finite numbers".into())
    } else if trimmed.starts_with('<') {
        Some(
            "this looks like HTML or XML, not JSON (a saved web page instead of the raw file?)"
                .into(),
        )
    } else if ["NaN", "Infinity", "-Infinity"]
        .iter()
        .any(|w| line_text.contains(w))
    {
        Some("JSON has no NaN or Infinity; write a finite number or leave the value out".into())
    } else if message.contains("trailing comma") {
        Some("remove the comma before the closing bracket".into())
    } else if message.contains("trailing characters") {
        Some(
            "the JSON document ends before the file does; is it two documents concatenated?".into(),
        )
    } else if message.contains("EOF while parsing") {
        Some("the file ends in the middle of the JSON; it may be truncated".into())
    } else {
        None
    };
    LayerError::Json {
        input: source.to_string(),
        line: e.line(),
        column: e.column(),
        message,
        hint,
    }
}

// ---------------------------------------------------------------------------------------------
// Small objects (technique entries)

/// The map operations normalisation needs, on serde_json's [`Map`] (an `IndexMap`: file order,
/// `remove` is a swap-remove) and on [`SmallMap`], which behaves identically.
trait ObjMap {
    fn get(&self, key: &str) -> Option<&Value>;
    fn get_mut(&mut self, key: &str) -> Option<&mut Value>;
    fn remove(&mut self, key: &str) -> Option<Value>;
    fn insert(&mut self, key: String, value: Value) -> Option<Value>;
    fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }
}

impl ObjMap for Map<String, Value> {
    fn get(&self, key: &str) -> Option<&Value> {
        Map::get(self, key)
    }
    fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        Map::get_mut(self, key)
    }
    fn remove(&mut self, key: &str) -> Option<Value> {
        Map::remove(self, key)
    }
    fn insert(&mut self, key: String, value: Value) -> Option<Value> {
        Map::insert(self, key, value)
    }
}

/// A JSON object as a list of properties in file order, for the many small objects of the
/// `techniques` array: cheaper to build than a [`Map`] and with the same semantics (a repeated
/// key keeps its first position and takes the last value; `remove` moves the last property into
/// the removed one's place). A linear scan serves the usual handful of properties; past
/// [`SmallMap::INDEX_FROM`] a hash index takes over, so a hostile entry with 80,000 properties
/// is read in linear time.
#[derive(Default)]
struct SmallMap {
    items: Vec<(Cow<'static, str>, Value)>,
    /// Position of each key, once the map holds more than [`SmallMap::INDEX_FROM`] properties.
    index: Option<std::collections::HashMap<String, usize>>,
}

impl SmallMap {
    const INDEX_FROM: usize = 16;

    fn from_items(items: Vec<(Cow<'static, str>, Value)>) -> SmallMap {
        let mut m = SmallMap { items, index: None };
        m.build_index();
        m
    }
    fn build_index(&mut self) {
        if self.index.is_none() && self.items.len() > Self::INDEX_FROM {
            let mut index = std::collections::HashMap::with_capacity(self.items.len() * 2);
            for (i, (k, _)) in self.items.iter().enumerate() {
                index.entry(k.to_string()).or_insert(i);
            }
            self.index = Some(index);
        }
    }
    fn position(&self, key: &str) -> Option<usize> {
        match &self.index {
            Some(index) => index.get(key).copied(),
            None => self.items.iter().position(|(k, _)| k == key),
        }
    }
    fn insert_key(&mut self, key: Cow<'static, str>, value: Value) -> Option<Value> {
        match self.position(&key) {
            Some(i) => Some(std::mem::replace(&mut self.items[i].1, value)),
            None => {
                if let Some(index) = &mut self.index {
                    index.insert(key.to_string(), self.items.len());
                }
                self.items.push((key, value));
                self.build_index();
                None
            }
        }
    }
    fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

impl ObjMap for SmallMap {
    fn get(&self, key: &str) -> Option<&Value> {
        self.position(key).map(|i| &self.items[i].1)
    }
    fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        self.position(key).map(|i| &mut self.items[i].1)
    }
    fn remove(&mut self, key: &str) -> Option<Value> {
        let i = self.position(key)?;
        let (_, value) = self.items.swap_remove(i);
        if let Some(index) = &mut self.index {
            index.remove(key);
            if let Some((moved, _)) = self.items.get(i) {
                index.insert(moved.to_string(), i);
            }
        }
        Some(value)
    }
    fn insert(&mut self, key: String, value: Value) -> Option<Value> {
        self.insert_key(Cow::Owned(key), value)
    }
}

/// An item of a layer's `techniques` array as parsed: objects as [`SmallMap`]s.
enum RawItem {
    Object(SmallMap),
    Other(Value),
}

// ---------------------------------------------------------------------------------------------
// Normalisation and upgrade of one layer object

struct Norm {
    prefix: String,
    findings: Vec<Finding>,
    upgrades: Vec<String>,
}

/// What a property must hold.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Want {
    Str,
    Bool,
    Num,
    Int,
}

impl Norm {
    fn p(&self, rel: &str) -> String {
        format!("{}{rel}", self.prefix)
    }
    fn error(&mut self, rel: &str, msg: String) {
        let p = self.p(rel);
        self.findings.push(Finding::error(p, msg));
    }
    fn warning(&mut self, rel: &str, msg: String) {
        let p = self.p(rel);
        self.findings.push(Finding::warning(p, msg));
    }
    fn info(&mut self, rel: &str, msg: String) {
        let p = self.p(rel);
        self.findings.push(Finding::info(p, msg));
    }

    /// Makes `map[key]` hold the wanted type, coercing when the meaning is clear, else removing
    /// it. `base` is the pointer of `map`.
    fn field(&mut self, map: &mut impl ObjMap, key: &str, base: &str, want: Want) {
        let Some(v) = map.get_mut(key) else { return };
        // The common case (the value has the wanted type) builds no message text.
        match (want, &*v) {
            (Want::Str, Value::String(_))
            | (Want::Bool, Value::Bool(_))
            | (Want::Num, Value::Number(_)) => return,
            (Want::Int, Value::Number(n)) if n.is_i64() => return,
            _ => {}
        }
        let rel = format!("{base}/{}", escape_pointer_segment(key));
        let shown = short(v);
        let keep = match (want, &*v) {
            (Want::Str, Value::String(_)) | (Want::Bool, Value::Bool(_)) => true,
            (Want::Num, Value::Number(_)) => true,
            (Want::Int, Value::Number(n)) => {
                if n.is_i64() {
                    true
                } else if let Some(f) = n.as_f64().filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
                {
                    *v = Value::Number((f as i64).into());
                    true
                } else {
                    self.error(
                        &rel,
                        format!("{key} is {shown}, expected a whole number; ignored"),
                    );
                    false
                }
            }
            (_, Value::Null) => {
                self.warning(&rel, format!("{key} is null; read as absent"));
                false
            }
            (Want::Str, Value::Number(_) | Value::Bool(_)) => {
                let s = match &*v {
                    Value::Number(n) => n.to_string(),
                    Value::Bool(b) => b.to_string(),
                    _ => String::new(),
                };
                self.warning(
                    &rel,
                    format!("{key} is {shown}, expected a string; read as {s:?}"),
                );
                *v = Value::String(s);
                true
            }
            (Want::Bool, Value::String(s)) => match s.trim().to_ascii_lowercase().as_str() {
                "true" => {
                    self.warning(
                        &rel,
                        format!("{key} is the string {s:?}, expected a boolean; read as true"),
                    );
                    *v = Value::Bool(true);
                    true
                }
                "false" => {
                    self.warning(
                        &rel,
                        format!("{key} is the string {s:?}, expected a boolean; read as false"),
                    );
                    *v = Value::Bool(false);
                    true
                }
                _ => {
                    self.error(
                        &rel,
                        format!("{key} is {shown}, expected true or false; ignored"),
                    );
                    false
                }
            },
            (Want::Bool, Value::Number(n))
                if n.as_f64() == Some(0.0) || n.as_f64() == Some(1.0) =>
            {
                let b = n.as_f64() == Some(1.0);
                self.warning(
                    &rel,
                    format!("{key} is the number {n}, expected a boolean; read as {b}"),
                );
                *v = Value::Bool(b);
                true
            }
            (Want::Num | Want::Int, Value::String(s)) => {
                let t = s.trim();
                let parsed = t
                    .parse::<f64>()
                    .ok()
                    .filter(|f| f.is_finite() && !t.is_empty());
                match parsed {
                    Some(f) if want == Want::Int && f.fract() != 0.0 => {
                        self.error(
                            &rel,
                            format!("{key} is {shown}, expected a whole number; ignored"),
                        );
                        false
                    }
                    Some(f) => {
                        let n = if f.fract() == 0.0 && f.abs() < 9.0e15 {
                            Number::from(f as i64)
                        } else {
                            Number::from_f64(f).unwrap_or_else(|| Number::from(0))
                        };
                        self.warning(
                            &rel,
                            format!("{key} is the string {s:?}, expected a number; read as {n}"),
                        );
                        *v = Value::Number(n);
                        true
                    }
                    None => {
                        let what = if key == "score" {
                            "; ignored (the entry is read as unscored)"
                        } else {
                            "; ignored"
                        };
                        self.error(
                            &rel,
                            format!("{key} is {shown}, which is not a number{what}"),
                        );
                        false
                    }
                }
            }
            _ => {
                let expected = match want {
                    Want::Str => "a string",
                    Want::Bool => "true or false",
                    Want::Num => "a number",
                    Want::Int => "a whole number",
                };
                self.error(
                    &rel,
                    format!("{key} is {shown}, expected {expected}; ignored"),
                );
                false
            }
        };
        if !keep {
            map.remove(key);
        }
    }

    /// A required string: coerced like [`Norm::field`], set to "" (with an error) when missing.
    fn required_str(&mut self, map: &mut Map<String, Value>, key: &str, base: &str, what: &str) {
        self.field(map, key, base, Want::Str);
        if !map.contains_key(key) {
            self.error(
                base,
                format!("missing required property {key:?} ({what}); read as \"\""),
            );
            map.insert(key.to_string(), Value::String(String::new()));
        }
    }

    /// Makes `map[key]` an object, removing it otherwise; returns it.
    fn object<'m>(
        &mut self,
        map: &'m mut Map<String, Value>,
        key: &str,
        base: &str,
    ) -> Option<&'m mut Map<String, Value>> {
        let rel = format!("{base}/{key}");
        match map.get(key) {
            None => return None,
            Some(Value::Object(_)) => {}
            Some(Value::Null) => {
                self.warning(&rel, format!("{key} is null; read as absent"));
                map.remove(key);
                return None;
            }
            Some(other) => {
                let shown = short(other);
                self.error(
                    &rel,
                    format!("{key} is {shown}, expected an object; ignored"),
                );
                map.remove(key);
                return None;
            }
        }
        map.get_mut(key).and_then(Value::as_object_mut)
    }

    /// Makes `map[key]` an array, removing it otherwise; returns it.
    fn array<'m>(
        &mut self,
        map: &'m mut impl ObjMap,
        key: &str,
        base: &str,
    ) -> Option<&'m mut Vec<Value>> {
        let rel = format!("{base}/{key}");
        match map.get(key) {
            None => return None,
            Some(Value::Array(_)) => {}
            Some(Value::Null) => {
                self.warning(&rel, format!("{key} is null; read as absent"));
                map.remove(key);
                return None;
            }
            Some(other) => {
                let shown = short(other);
                self.error(
                    &rel,
                    format!("{key} is {shown}, expected an array; ignored"),
                );
                map.remove(key);
                return None;
            }
        }
        map.get_mut(key).and_then(Value::as_array_mut)
    }

    /// An array of strings: non-string items are stringified (numbers) or dropped.
    fn string_array(&mut self, map: &mut Map<String, Value>, key: &str, base: &str) {
        if let Some(Value::String(s)) = map.get(key) {
            let s = s.clone();
            self.warning(
                &format!("{base}/{key}"),
                format!("{key} is a string, expected an array of strings; read as [{s:?}]"),
            );
            map.insert(key.to_string(), Value::Array(vec![Value::String(s)]));
        }
        let Some(items) = self.array(map, key, base) else {
            return;
        };
        let mut bad = Vec::new();
        let mut kept = Vec::with_capacity(items.len());
        for (i, v) in std::mem::take(items).into_iter().enumerate() {
            match v {
                Value::String(_) => kept.push(v),
                other => bad.push((i, short(&other))),
            }
        }
        *items = kept;
        for (i, shown) in bad {
            self.error(
                &format!("{base}/{key}/{i}"),
                format!("{key} holds {shown}, expected a string; dropped"),
            );
        }
    }

    /// Metadata or links: an array of objects whose properties are normalised.
    fn items(&mut self, map: &mut impl ObjMap, key: &str, base: &str, fields: &[&str]) {
        let Some(items) = self.array(map, key, base) else {
            return;
        };
        let mut list = std::mem::take(items);
        let mut dropped = Vec::new();
        let mut kept = Vec::with_capacity(list.len());
        let mut b = String::new();
        for (i, v) in list.drain(..).enumerate() {
            match v {
                Value::Object(mut m) => {
                    b.clear();
                    let _ = write!(b, "{base}/{key}/{i}");
                    for f in fields {
                        self.field(&mut m, f, &b, Want::Str);
                    }
                    self.field(&mut m, "divider", &b, Want::Bool);
                    kept.push(Value::Object(m));
                }
                other => dropped.push((i, short(&other))),
            }
        }
        for (i, shown) in dropped {
            self.error(
                &format!("{base}/{key}/{i}"),
                format!("{key} item is {shown}, expected an object; dropped"),
            );
        }
        if let Some(items) = map.get_mut(key).and_then(Value::as_array_mut) {
            *items = kept;
        }
    }
}

/// A short rendering of a value for messages.
fn short(v: &Value) -> String {
    match v {
        Value::String(s) => {
            let mut t: String = s.chars().take(40).collect();
            if s.chars().count() > 40 {
                t.push('…');
            }
            format!("the string {t:?}")
        }
        Value::Number(n) => format!("the number {n}"),
        Value::Bool(b) => format!("{b}"),
        Value::Null => "null".into(),
        Value::Array(a) => format!("an array of {}", a.len()),
        Value::Object(_) => "an object".into(),
    }
}

const LAYER_KEYS: [&str; 20] = [
    "name",
    "versions",
    "domain",
    "description",
    "filters",
    "sorting",
    "layout",
    "hideDisabled",
    "techniques",
    "gradient",
    "legendItems",
    "showTacticRowBackground",
    "tacticRowBackground",
    "selectTechniquesAcrossTactics",
    "selectSubtechniquesWithParent",
    "selectVisibleTechniques",
    "metadata",
    "links",
    "customDataURL",
    "version",
];
const TECHNIQUE_KEYS: [&str; 9] = [
    "techniqueID",
    "tactic",
    "comment",
    "enabled",
    "score",
    "color",
    "metadata",
    "links",
    "showSubtechniques",
];

fn version_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Converts a normalised technique entry (every known property has its model type, as
/// [`Norm::field`] and [`Norm::items`] leave it) to the typed model; unknown properties go to
/// `extra` in the map's order, as serde's `flatten` would put them.
fn technique_entry(m: SmallMap) -> Result<TechniqueEntry, String> {
    let mut e = TechniqueEntry::default();
    let mut has_id = false;
    for (k, v) in m.items {
        match (k.as_ref(), v) {
            ("techniqueID", Value::String(s)) => {
                e.technique_id = s;
                has_id = true;
            }
            ("tactic", Value::String(s)) => e.tactic = Some(s),
            ("comment", Value::String(s)) => e.comment = Some(s),
            ("color", Value::String(s)) => e.color = Some(s),
            ("enabled", Value::Bool(b)) => e.enabled = Some(b),
            ("showSubtechniques", Value::Bool(b)) => e.show_subtechniques = Some(b),
            ("score", Value::Number(num)) => e.score = num.as_f64(),
            ("metadata", Value::Array(items)) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    out.push(metadata_item(item)?);
                }
                e.metadata = Some(out);
            }
            ("links", Value::Array(items)) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    out.push(link_item(item)?);
                }
                e.links = Some(out);
            }
            (known, v) if TECHNIQUE_KEYS.contains(&known) => {
                return Err(format!("technique property {known} is {}", short(&v)));
            }
            (_, v) => {
                e.extra.insert(k.into_owned(), v);
            }
        }
    }
    if !has_id {
        return Err("missing field `techniqueID`".into());
    }
    Ok(e)
}

/// A normalised metadata item (see [`technique_entry`]).
fn metadata_item(v: Value) -> Result<MetadataItem, String> {
    let Value::Object(m) = v else {
        return Err(format!("a metadata item is {}", short(&v)));
    };
    let mut item = MetadataItem::default();
    for (k, v) in m {
        match (k.as_str(), v) {
            ("name", Value::String(s)) => item.name = Some(s),
            ("value", Value::String(s)) => item.value = Some(s),
            ("divider", Value::Bool(b)) => item.divider = Some(b),
            (known @ ("name" | "value" | "divider"), v) => {
                return Err(format!("metadata property {known} is {}", short(&v)));
            }
            (_, v) => {
                item.extra.insert(k, v);
            }
        }
    }
    Ok(item)
}

/// A normalised link item (see [`technique_entry`]).
fn link_item(v: Value) -> Result<LinkItem, String> {
    let Value::Object(m) = v else {
        return Err(format!("a link item is {}", short(&v)));
    };
    let mut item = LinkItem::default();
    for (k, v) in m {
        match (k.as_str(), v) {
            ("label", Value::String(s)) => item.label = Some(s),
            ("url", Value::String(s)) => item.url = Some(s),
            ("divider", Value::Bool(b)) => item.divider = Some(b),
            (known @ ("label" | "url" | "divider"), v) => {
                return Err(format!("link property {known} is {}", short(&v)));
            }
            (_, v) => {
                item.extra.insert(k, v);
            }
        }
    }
    Ok(item)
}

/// Normalises and upgrades one layer object; `techniques` holds its `techniques` array when the
/// parse read it apart (the object then holds an empty array in its place).
fn load_one(
    mut map: Map<String, Value>,
    techniques: Option<Vec<RawItem>>,
    prefix: String,
    source: &str,
) -> Result<LoadedLayer, LayerError> {
    let mut n = Norm {
        prefix,
        findings: Vec::new(),
        upgrades: Vec::new(),
    };

    // --- format version -------------------------------------------------------------------
    let top_version = map.remove("version");
    let mut original_version = top_version.as_ref().and_then(version_text);
    if let Some(v) = &top_version {
        match version_text(v) {
            Some(t) => n.upgrades.push(format!(
                "format {t}: the top-level \"version\" property was replaced by versions.layer \"4.5\""
            )),
            None => n.error(
                "/version",
                format!("version is {}, expected a string such as \"3.0\"; dropped", short(v)),
            ),
        }
    }
    if let Some(vs) = n.object(&mut map, "versions", "") {
        let mut vs = std::mem::take(vs);
        for k in ["attack", "navigator", "layer"] {
            n.field(&mut vs, k, "/versions", Want::Str);
        }
        let declared = vs.get("layer").and_then(Value::as_str).map(String::from);
        if original_version.is_none() {
            original_version = declared.clone();
        }
        match declared.as_deref() {
            Some("4.5") => {}
            Some(old) if top_version.is_none() => n.upgrades.push(format!(
                "format {old}: versions.layer \"{old}\" was set to \"4.5\""
            )),
            Some(_) => {}
            None if top_version.is_none() => n
                .upgrades
                .push("versions.layer was missing; set to \"4.5\"".to_string()),
            None => {}
        }
        vs.insert("layer".into(), Value::String("4.5".into()));
        map.insert("versions".into(), Value::Object(vs));
    } else {
        if top_version.is_none() {
            n.upgrades.push(
                "no format version in the file (neither versions nor version); read as format 4.5"
                    .into(),
            );
        }
        let mut vs = Map::new();
        vs.insert("layer".into(), Value::String("4.5".into()));
        map.insert("versions".into(), Value::Object(vs));
    }

    // --- name, domain, plain strings ------------------------------------------------------
    n.required_str(&mut map, "name", "", "the layer name");
    n.required_str(&mut map, "domain", "", "e.g. \"enterprise-attack\"");
    if let Some(Value::String(d)) = map.get_mut("domain") {
        let new = match d.as_str() {
            "mitre-enterprise" => Some("enterprise-attack"),
            "mitre-mobile" => Some("mobile-attack"),
            _ => None,
        };
        if let Some(new) = new {
            n.upgrades
                .push(format!("domain \"{d}\" was renamed \"{new}\""));
            *d = new.to_string();
        }
    }
    for k in ["description", "customDataURL", "tacticRowBackground"] {
        n.field(&mut map, k, "", Want::Str);
    }
    n.field(&mut map, "sorting", "", Want::Int);
    for k in [
        "hideDisabled",
        "showTacticRowBackground",
        "selectTechniquesAcrossTactics",
        "selectSubtechniquesWithParent",
        "selectVisibleTechniques",
    ] {
        n.field(&mut map, k, "", Want::Bool);
    }

    // --- filters ---------------------------------------------------------------------------
    if let Some(f) = n.object(&mut map, "filters", "") {
        let mut f = std::mem::take(f);
        if let Some(stages) = f.remove("stages") {
            let shown = match &stages {
                Value::Array(a) => a
                    .iter()
                    .map(|s| {
                        s.as_str()
                            .map(String::from)
                            .unwrap_or_else(|| s.to_string())
                    })
                    .collect::<Vec<_>>()
                    .join(", "),
                other => other.to_string(),
            };
            n.upgrades.push(format!(
                "filters.stages [{shown}] was removed (PRE-ATT&CK stages no longer exist; format 4.0 dropped them)"
            ));
        }
        n.string_array(&mut f, "platforms", "/filters");
        if let Some(Value::Array(ps)) = f.get_mut("platforms") {
            let mut renamed = Vec::new();
            let mut out: Vec<Value> = Vec::with_capacity(ps.len());
            let mut seen = std::collections::HashSet::with_capacity(ps.len());
            for p in ps.drain(..) {
                let s = p.as_str().unwrap_or_default();
                let new = match s {
                    "windows" => Some("Windows"),
                    "linux" => Some("Linux"),
                    "mac" => Some("macOS"),
                    "android" => Some("Android"),
                    "ios" => Some("iOS"),
                    _ => None,
                };
                let v = match new {
                    Some(new) => {
                        renamed.push(format!("{s} → {new}"));
                        Value::String(new.into())
                    }
                    None => p,
                };
                if seen.insert(v.as_str().unwrap_or_default().to_string()) {
                    out.push(v);
                }
            }
            *ps = out;
            if !renamed.is_empty() {
                n.upgrades.push(format!(
                    "old platform names in filters.platforms were renamed ({})",
                    renamed.join(", ")
                ));
            }
        }
        map.insert("filters".into(), Value::Object(f));
    }

    // --- viewMode → layout -----------------------------------------------------------------
    if let Some(vm) = map.remove("viewMode") {
        if map.contains_key("layout") {
            n.upgrades.push(
                "viewMode was removed (the file also has layout, which takes precedence)".into(),
            );
        } else {
            let mode = vm
                .as_f64()
                .filter(|m| m.fract() == 0.0 && m.abs() < 1e9)
                .map(|m| m as i64);
            let (layout, show_name, show_id, what) = match mode {
                Some(1) => ("side", false, true, "1 (compact: IDs only)"),
                Some(2) => ("mini", false, false, "2 (mini)"),
                _ => ("side", true, false, "0 (full: names)"),
            };
            if !matches!(mode, Some(0..=2)) {
                n.warning(
                    "/viewMode",
                    format!("viewMode {} is not 0, 1 or 2; read as 0", short(&vm)),
                );
            }
            let mut l = Map::new();
            l.insert("layout".into(), Value::String(layout.into()));
            l.insert("showID".into(), Value::Bool(show_id));
            l.insert("showName".into(), Value::Bool(show_name));
            map.insert("layout".into(), Value::Object(l));
            n.upgrades.push(format!(
                "viewMode {what} was replaced by layout {{layout: \"{layout}\", showID: {show_id}, showName: {show_name}}}"
            ));
        }
    }
    if let Some(l) = n.object(&mut map, "layout", "") {
        let mut l = std::mem::take(l);
        for k in ["layout", "aggregateFunction", "expandedSubtechniques"] {
            n.field(&mut l, k, "/layout", Want::Str);
        }
        for k in ["showID", "showName", "showAggregateScores", "countUnscored"] {
            n.field(&mut l, k, "/layout", Want::Bool);
        }
        map.insert("layout".into(), Value::Object(l));
    }

    // --- gradient --------------------------------------------------------------------------
    if let Some(g) = n.object(&mut map, "gradient", "") {
        let mut g = std::mem::take(g);
        n.string_array(&mut g, "colors", "/gradient");
        n.field(&mut g, "minValue", "/gradient", Want::Num);
        n.field(&mut g, "maxValue", "/gradient", Want::Num);
        let default = crate::model::Gradient::default();
        if !g.contains_key("colors") {
            n.error(
                "/gradient",
                "the gradient has no colors; the Navigator's default colours are used".into(),
            );
            g.insert("colors".into(), serde_json::json!(default.colors));
        }
        if !g.contains_key("minValue") {
            n.error(
                "/gradient",
                "the gradient has no minValue; read as 0".into(),
            );
            g.insert("minValue".into(), Value::Number(0.into()));
        }
        if !g.contains_key("maxValue") {
            n.error(
                "/gradient",
                "the gradient has no maxValue; read as 100".into(),
            );
            g.insert("maxValue".into(), Value::Number(100.into()));
        }
        map.insert("gradient".into(), Value::Object(g));
    }

    // --- legend, metadata, links -------------------------------------------------------------
    if let Some(items) = n.array(&mut map, "legendItems", "") {
        let list = std::mem::take(items);
        let mut kept = Vec::with_capacity(list.len());
        let mut notes = Vec::new();
        for (i, v) in list.into_iter().enumerate() {
            match v {
                Value::Object(mut m) => {
                    let b = format!("/legendItems/{i}");
                    n.field(&mut m, "label", &b, Want::Str);
                    n.field(&mut m, "color", &b, Want::Str);
                    for k in ["label", "color"] {
                        if !m.contains_key(k) {
                            notes
                                .push((b.clone(), format!("legend item has no {k}; read as \"\"")));
                            m.insert(k.into(), Value::String(String::new()));
                        }
                    }
                    kept.push(Value::Object(m));
                }
                other => notes.push((
                    format!("/legendItems/{i}"),
                    format!(
                        "legend item is {}, expected an object; dropped",
                        short(&other)
                    ),
                )),
            }
        }
        for (p, m) in notes {
            n.error(&p, m);
        }
        map.insert("legendItems".into(), Value::Array(kept));
    }
    n.items(&mut map, "metadata", "", &["name", "value"]);
    n.items(&mut map, "links", "", &["label", "url"]);

    // --- techniques --------------------------------------------------------------------------
    let mut origin = Vec::new();
    let mut unknown_technique_keys: Vec<(usize, String)> = Vec::new();
    // Entries are converted to the typed model as they are normalised (not through serde's
    // `flatten`, which buffers every entry); `None` when the layer has no techniques array.
    let mut typed_techniques: Option<Vec<TechniqueEntry>> = None;
    if let Some(list) = n.array(&mut map, "techniques", "") {
        let list: Vec<RawItem> = match techniques {
            Some(items) => items,
            None => std::mem::take(list)
                .into_iter()
                .map(|v| match v {
                    Value::Object(m) => RawItem::Object(SmallMap::from_items(
                        m.into_iter().map(|(k, v)| (Cow::Owned(k), v)).collect(),
                    )),
                    other => RawItem::Other(other),
                })
                .collect(),
        };
        origin.reserve(list.len());
        let mut kept: Vec<TechniqueEntry> = Vec::with_capacity(list.len());
        let mut empty_entries = Vec::new();
        let mut b = String::new();
        for (i, v) in list.into_iter().enumerate() {
            b.clear();
            let _ = write!(b, "/techniques/{i}");
            let mut m = match v {
                RawItem::Object(m) => m,
                RawItem::Other(other) => {
                    n.error(
                        &b,
                        format!(
                            "technique entry is {}, expected an object; dropped",
                            short(&other)
                        ),
                    );
                    continue;
                }
            };
            match m.get("techniqueID") {
                Some(Value::String(_)) => {}
                Some(Value::Number(num)) => {
                    let s = num.to_string();
                    n.warning(
                        &format!("{b}/techniqueID"),
                        format!(
                            "techniqueID is the number {num}, expected a string; read as {s:?}"
                        ),
                    );
                    m.insert("techniqueID".into(), Value::String(s));
                }
                None if m.is_empty() => {
                    empty_entries.push(i);
                    continue;
                }
                None => {
                    n.error(&b, "technique entry has no techniqueID; dropped".into());
                    continue;
                }
                Some(other) => {
                    let shown = short(other);
                    n.error(
                        &format!("{b}/techniqueID"),
                        format!("techniqueID is {shown}, expected a string such as \"T1059\"; entry dropped"),
                    );
                    continue;
                }
            }
            for k in ["tactic", "comment", "color"] {
                n.field(&mut m, k, &b, Want::Str);
            }
            for k in ["enabled", "showSubtechniques"] {
                n.field(&mut m, k, &b, Want::Bool);
            }
            n.field(&mut m, "score", &b, Want::Num);
            n.items(&mut m, "metadata", &b, &["name", "value"]);
            n.items(&mut m, "links", &b, &["label", "url"]);
            let entry = match technique_entry(m) {
                Ok(e) => e,
                Err(message) => {
                    return Err(LayerError::NotALayer {
                        input: source.to_string(),
                        pointer: n.prefix.clone(),
                        message: format!("the layer cannot be read: {message}"),
                    })
                }
            };
            for k in entry.extra.keys() {
                unknown_technique_keys.push((i, k.clone()));
            }
            origin.push(i);
            kept.push(entry);
        }
        if !empty_entries.is_empty() {
            let first = empty_entries[0];
            let count = empty_entries.len();
            n.error(
                &format!("/techniques/{first}"),
                if count == 1 {
                    "empty technique entry {} (no techniqueID); dropped".to_string()
                } else {
                    format!("{count} empty technique entries {{}} (no techniqueID), the first here; dropped")
                },
            );
        }
        map.insert("techniques".into(), Value::Array(Vec::new()));
        typed_techniques = Some(kept);
    }

    // --- unknown properties ------------------------------------------------------------------
    let unknown: Vec<String> = map
        .keys()
        .filter(|k| !LAYER_KEYS.contains(&k.as_str()))
        .cloned()
        .collect();
    for k in unknown {
        let hint = validate::closest_key(&k, &LAYER_KEYS)
            .map(|s| format!("; did you mean {s:?}?"))
            .unwrap_or_default();
        let sev_warn = !hint.is_empty();
        let msg = format!("unknown property {k:?}, kept as is{hint}");
        let rel = format!("/{}", escape_pointer_segment(&k));
        if sev_warn {
            n.warning(&rel, msg);
        } else {
            n.info(&rel, msg);
        }
    }
    let summary = validate::unknown_keys_summary(
        unknown_technique_keys.iter().map(|(i, k)| (*i, k.as_str())),
    );
    for (k, (first, count)) in summary {
        let hint = validate::closest_key(k, &TECHNIQUE_KEYS)
            .map(|s| format!("; did you mean {s:?}?"))
            .unwrap_or_default();
        let entries = if count == 1 {
            String::new()
        } else {
            format!(" ({count} entries)")
        };
        let msg = format!("unknown technique property {k:?}{entries}, kept as is{hint}");
        let rel = format!("/techniques/{first}/{}", escape_pointer_segment(k));
        if hint.is_empty() {
            n.info(&rel, msg);
        } else {
            n.warning(&rel, msg);
        }
    }

    // --- typed model -------------------------------------------------------------------------
    let layer: Layer = match serde_json::from_value::<Layer>(Value::Object(map)) {
        Ok(mut l) => {
            if let Some(t) = typed_techniques {
                l.techniques = t;
            }
            l
        }
        Err(e) => {
            return Err(LayerError::NotALayer {
                input: source.to_string(),
                pointer: n.prefix.clone(),
                message: format!("the layer cannot be read: {e}"),
            })
        }
    };
    let mut loaded = LoadedLayer {
        layer,
        original_version,
        upgrades: n.upgrades,
        findings: n.findings,
        pointer_prefix: n.prefix,
        technique_origin: origin,
    };
    let checks = validate::check_layer(&loaded.layer);
    for f in checks {
        let pointer = loaded.file_pointer(&f.pointer);
        loaded.findings.push(Finding { pointer, ..f });
    }
    Ok(loaded)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::Severity;

    fn one(text: &str) -> LoadedLayer {
        let mut v = parse_layers(text.as_bytes(), "t.json").expect("loads");
        assert_eq!(v.len(), 1);
        v.remove(0)
    }

    #[test]
    fn old_format_is_upgraded() {
        let l = one(
            r#"{"name":"x","version":"2.1","domain":"mitre-enterprise","viewMode":1,
                "filters":{"stages":["act"],"platforms":["windows","Windows","linux"]},
                "techniques":[{"techniqueID":"T1059","tactic":"execution","score":3}]}"#,
        );
        assert_eq!(l.original_version.as_deref(), Some("2.1"));
        assert_eq!(l.layer.domain, "enterprise-attack");
        assert_eq!(
            l.layer.versions.as_ref().and_then(|v| v.layer.as_deref()),
            Some("4.5")
        );
        let layout = l.layer.layout.clone().expect("layout");
        assert_eq!(layout.layout.as_deref(), Some("side"));
        assert_eq!(layout.show_id, Some(true));
        assert_eq!(
            l.layer.filters.as_ref().and_then(|f| f.platforms.clone()),
            Some(vec!["Windows".to_string(), "Linux".to_string()])
        );
        assert!(l.layer.extra.is_empty(), "{:?}", l.layer.extra);
        assert_eq!(l.upgrades.len(), 5, "{:#?}", l.upgrades);
    }

    #[test]
    fn mistyped_values_are_coerced_or_dropped() {
        let l = one(
            r#"{"name":"x","domain":"enterprise-attack","versions":{"layer":"4.5"},"sorting":"3",
                "techniques":[{"techniqueID":"T1059","score":"Partial","enabled":"True"},
                              {},{"techniqueID":"T1003","score":"2.5","showSubtechniques":"false"},
                              {"techniqueID":"T1005","score":null}]}"#,
        );
        assert_eq!(l.layer.sorting, Some(3));
        assert_eq!(l.layer.techniques.len(), 3);
        assert_eq!(l.technique_origin, vec![0, 2, 3]);
        assert_eq!(l.layer.techniques[0].score, None);
        assert_eq!(l.layer.techniques[0].enabled, Some(true));
        assert_eq!(l.layer.techniques[1].score, Some(2.5));
        assert_eq!(l.layer.techniques[1].show_subtechniques, Some(false));
        let errs: Vec<&str> = l
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .map(|f| f.pointer.as_str())
            .collect();
        assert_eq!(
            errs,
            vec!["/techniques/0/score", "/techniques/1"],
            "{:#?}",
            l.findings
        );
        assert_eq!(l.file_pointer("/techniques/1/color"), "/techniques/2/color");
    }

    #[test]
    fn duplicate_keys_are_errors_with_pointers() {
        let l = one(
            r#"{"name":"a","name":"b","domain":"enterprise-attack","techniques":[{"techniqueID":"T1","techniqueID":"T1059"}]}"#,
        );
        assert_eq!(l.layer.name, "b");
        assert_eq!(l.layer.techniques[0].technique_id, "T1059");
        let dups: Vec<&str> = l
            .findings
            .iter()
            .filter(|f| f.message.starts_with("duplicate key"))
            .map(|f| f.pointer.as_str())
            .collect();
        assert_eq!(dups, vec!["/name", "/techniques/0/techniqueID"]);
    }

    #[test]
    fn arrays_of_layers_get_prefixed_pointers() {
        let v = parse_layers(
            br#"[{"name":"a","domain":"enterprise-attack"},{"name":"b","domain":"enterprise-attack","sorting":9,"sorting":9}]"#,
            "t",
        )
        .expect("loads");
        assert_eq!(v.len(), 2);
        assert_eq!(v[1].pointer_prefix, "/1");
        assert!(v[1]
            .findings
            .iter()
            .any(|f| f.pointer == "/1/sorting" && f.severity == Severity::Error));
        assert!(!v[0]
            .findings
            .iter()
            .any(|f| f.message.starts_with("duplicate")));
    }

    #[test]
    fn encodings_are_decoded() {
        let text = r#"{"name":"é","domain":"enterprise-attack"}"#;
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice(text.as_bytes());
        assert_eq!(parse_layers(&bom, "t").expect("bom")[0].layer.name, "é");
        for (le, with_bom) in [(true, true), (false, true), (true, false), (false, false)] {
            let mut b: Vec<u8> = match (le, with_bom) {
                (true, true) => vec![0xFF, 0xFE],
                (false, true) => vec![0xFE, 0xFF],
                _ => vec![],
            };
            for u in text.encode_utf16() {
                b.extend_from_slice(&if le { u.to_le_bytes() } else { u.to_be_bytes() });
            }
            let l = parse_layers(&b, "t").expect("utf16");
            assert_eq!(l[0].layer.name, "é");
            assert!(l[0].findings.iter().any(|f| f.message.contains("UTF-16")));
        }
    }
}
