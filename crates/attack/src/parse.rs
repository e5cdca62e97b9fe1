//! Reading a STIX bundle (2.0 or 2.1, plain or gzip) into objects and relationships.
//!
//! The bundle is scanned once into raw per-object slices, then the objects are decoded in parallel
//! into borrowed raw structs and converted to owned [`AttackObject`]s / [`Relationship`]s. Bundle
//! order is preserved.

use std::borrow::Cow;
use std::io::Read;
use std::ops::Range;
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

/// The first ATT&CK external reference (with an `external_id`) of an `external_references`
/// array; the others are skipped without being collected.
struct FirstAttackReference<'a>(Option<RawExternalReference<'a>>);

impl<'de: 'a, 'a> Deserialize<'de> for FirstAttackReference<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> serde::de::Visitor<'de> for Visit<'a> {
            type Value = FirstAttackReference<'a>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an array of external references")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Self::Value, A::Error> {
                let mut found = None;
                while let Some(r) = seq.next_element::<RawExternalReference<'de>>()? {
                    let is_attack = r
                        .source_name
                        .as_ref()
                        .is_some_and(|s| is_attack_source(&s.0));
                    if found.is_none() && is_attack && r.external_id.is_some() {
                        found = Some(r);
                    }
                }
                Ok(FirstAttackReference(found))
            }
        }
        d.deserialize_seq(Visit(std::marker::PhantomData))
    }
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
    external_references: Option<FirstAttackReference<'a>>,
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
    x_mitre_contributors: Option<Vec<Str<'a>>>,
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
    /// Byte range of each entry's JSON text in the decoded buffer, parallel to `entries`.
    pub spans: Vec<Range<usize>>,
}

/// One decoded element of `objects`: the entry, its `spec_version` (first element of a run only)
/// and its byte range in the buffer.
pub(crate) type Entry = (Decoded, Option<String>, Range<usize>);

impl DecodedBundle {
    /// Keeps the decoded entries; the spec version is the bundle's, else the first object's
    /// that carries one.
    fn new(decoded: Vec<Entry>, bundle_spec_version: Option<String>) -> Self {
        let mut first_object_spec = None;
        let mut entries = Vec::with_capacity(decoded.len());
        let mut spans = Vec::with_capacity(decoded.len());
        for (entry, spec, span) in decoded {
            if first_object_spec.is_none() {
                first_object_spec = spec;
            }
            entries.push(entry);
            spans.push(span);
        }
        DecodedBundle {
            spec_version: bundle_spec_version.or(first_object_spec),
            entries,
            spans,
        }
    }
}

/// Maps a plain bundle file into memory ([`crate::LoadOptions::map_file`]); `None` when it is
/// not a regular file, is empty or is gzip (the caller reads it instead). A file larger than
/// `max_file` bytes is refused.
pub(crate) fn map_plain(path: &Path, max_file: u64) -> Result<Option<memmap2::Mmap>, AttackError> {
    let io = |cause| AttackError::Io {
        path: path.to_path_buf(),
        cause,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let meta = file.metadata().map_err(io)?;
    if !meta.is_file() || meta.len() == 0 {
        return Ok(None);
    }
    if meta.len() > max_file {
        return Err(AttackError::TooLarge {
            path: path.to_path_buf(),
            what: "file",
            limit: max_file,
        });
    }
    // SAFETY: the map is read-only and private to this call's caller, which drops it once the
    // bundle is decoded. Another process truncating the file meanwhile would fault (SIGBUS):
    // `map_file` documents that it is for short-lived processes only.
    let map = unsafe { memmap2::Mmap::map(&file) }.map_err(io)?;
    if map.starts_with(&[0x1f, 0x8b]) {
        return Ok(None);
    }
    Ok(Some(map))
}

/// Reads a file into memory, decompressing gzip (by magic bytes) and stripping a UTF-8 BOM.
/// A file larger than `max_file` bytes is refused before it is read (and reading stops there if
/// it grows); decompression stops past `max_decoded` bytes.
pub(crate) fn read_bytes(
    path: &Path,
    max_file: u64,
    max_decoded: u64,
) -> Result<Vec<u8>, AttackError> {
    let io = |cause| AttackError::Io {
        path: path.to_path_buf(),
        cause,
    };
    let too_large = |what: &'static str, limit: u64| AttackError::TooLarge {
        path: path.to_path_buf(),
        what,
        limit,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let len = file.metadata().map_err(io)?.len();
    if len > max_file {
        return Err(too_large("file", max_file));
    }
    // `take` hides the file's size from `read_to_end`: reserve it here (plus the byte that shows
    // the file grew), or a 45 MB bundle is read through a dozen reallocations and copies.
    let mut bytes = Vec::with_capacity(len.saturating_add(1) as usize);
    file.take(max_file.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > max_file {
        return Err(too_large("file", max_file));
    }
    let mut bytes = if bytes.starts_with(&[0x1f, 0x8b]) {
        let capacity = (bytes.len() as u64 * 8).min(max_decoded) as usize;
        let mut out = Vec::with_capacity(capacity);
        flate2::read::MultiGzDecoder::new(&bytes[..])
            .take(max_decoded.saturating_add(1))
            .read_to_end(&mut out)
            .map_err(io)?;
        if out.len() as u64 > max_decoded {
            return Err(too_large("decompressed data", max_decoded));
        }
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
///
/// Fast path: the whole buffer is checked as UTF-8 once, a light scanner finds the top-level
/// members and the span of every element of `objects` (skipping strings with `memchr`), and the
/// elements are decoded in parallel. Anything the scanner does not expect sends the file down the
/// plain serde path, which reports the exact line and column of a syntax error.
pub(crate) fn decode_bundle(path: &Path, buf: &[u8]) -> Result<DecodedBundle, AttackError> {
    decode_bundle_with(path, buf, true)
}

fn decode_bundle_with(path: &Path, buf: &[u8], fast: bool) -> Result<DecodedBundle, AttackError> {
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
    let skeleton = fast
        .then(|| std::str::from_utf8(buf).ok().and_then(skeleton::scan))
        .flatten();
    if let Some(skeleton) = skeleton {
        let kind = skeleton
            .kind
            .and_then(|raw| serde_json::from_str::<Str>(raw).ok())
            .map(Str::owned);
        let spec_version = skeleton
            .spec_version
            .and_then(|raw| serde_json::from_str::<Str>(raw).ok())
            .map(Str::owned);
        let Some(entries) = skeleton
            .objects
            .filter(|_| kind.as_deref() == Some("bundle"))
        else {
            // Not a bundle, or not valid JSON the scanner let through (`"type": bundle`): the
            // serde path gives the exact error, with line and column for a syntax error.
            return decode_bundle_with(path, buf, false);
        };
        return Ok(DecodedBundle::new(entries, spec_version));
    }
    let bundle: RawBundle = serde_json::from_slice(buf).map_err(|e| AttackError::json(path, &e))?;
    check_bundle_type(path, bundle.kind.as_ref().map(|k| k.0.as_ref()))?;
    let Some(objects) = bundle.objects else {
        return Err(no_objects(path));
    };
    let spans: Vec<&str> = objects.iter().map(|raw| raw.get()).collect();
    decode_entries(path, buf, &spans, bundle.spec_version.map(Str::owned))
}

fn no_objects(path: &Path) -> AttackError {
    AttackError::NotABundle {
        path: path.to_path_buf(),
        what: "no \"objects\" array".into(),
    }
}

fn check_bundle_type(path: &Path, kind: Option<&str>) -> Result<(), AttackError> {
    match kind {
        Some("bundle") => Ok(()),
        Some(other) => Err(AttackError::NotABundle {
            path: path.to_path_buf(),
            what: format!("\"type\" is {other:?}, not \"bundle\""),
        }),
        None => Err(AttackError::NotABundle {
            path: path.to_path_buf(),
            what: "no \"type\" field".into(),
        }),
    }
}

/// Decodes the elements of `objects` (each a slice of `buf`) in parallel, keeping their order.
fn decode_entries(
    path: &Path,
    buf: &[u8],
    objects: &[&str],
    bundle_spec_version: Option<String>,
) -> Result<DecodedBundle, AttackError> {
    let entries = objects
        .par_iter()
        .with_min_len(256)
        .enumerate()
        .map(|(index, raw)| {
            let offset = raw.as_ptr() as usize - buf.as_ptr() as usize;
            let span = offset..offset + raw.len();
            decode_entry(raw, index == 0)
                .map(|(entry, spec)| (entry, spec, span))
                .map_err(|e| {
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
    Ok(DecodedBundle::new(entries, bundle_spec_version))
}

/// The fast path: a light scanner for the top level of a bundle, and a speculative parallel
/// parse of the `objects` array.
///
/// The array is cut into one run per thread at guessed element boundaries (the text `,` + the
/// indentation of the first element + `{`). Each run decodes elements one after the other from its
/// guess until it passes the next guess. A run is kept only when the run before it ended exactly
/// on its start, which proves the guess was a real element boundary; otherwise the text is decoded
/// again sequentially from where the previous run ended. So the result is always that of a plain
/// sequential parse.
///
/// Anything unexpected (escaped or duplicate keys, malformed structure, an element that does not
/// decode) returns `None`, and the caller falls back to a full serde parse that reports the exact
/// place of the problem.
mod skeleton {
    use rayon::prelude::*;

    use super::{decode_object, Entry, RawObject};

    pub(super) struct Skeleton<'a> {
        pub kind: Option<&'a str>,
        pub spec_version: Option<&'a str>,
        pub objects: Option<Vec<Entry>>,
    }

    fn skip_ws(b: &[u8], mut i: usize) -> usize {
        while i < b.len() && matches!(b[i], b' ' | b'\n' | b'\r' | b'\t') {
            i += 1;
        }
        i
    }

    /// `b[i]` is `"`; returns the index after the closing quote.
    fn skip_string(b: &[u8], i: usize) -> Option<usize> {
        let mut k = i + 1;
        loop {
            let pos = k + memchr::memchr2(b'"', b'\\', b.get(k..)?)?;
            if b[pos] == b'\\' {
                k = pos + 2;
            } else {
                return Some(pos + 1);
            }
        }
    }

    /// Skips one (small, top-level) JSON value starting at `b[i]`; returns the index after it.
    fn skip_value(b: &[u8], i: usize) -> Option<usize> {
        match *b.get(i)? {
            b'"' => skip_string(b, i),
            b'{' | b'[' => {
                let mut depth = 0usize;
                let mut j = i;
                while j < b.len() {
                    match b[j] {
                        b'"' => {
                            j = skip_string(b, j)?;
                            continue;
                        }
                        b'{' | b'[' => depth += 1,
                        b'}' | b']' => {
                            depth -= 1;
                            if depth == 0 {
                                return Some(j + 1);
                            }
                        }
                        _ => {}
                    }
                    j += 1;
                }
                None
            }
            _ => {
                let mut j = i;
                while j < b.len()
                    && !matches!(b[j], b',' | b'}' | b']' | b' ' | b'\n' | b'\r' | b'\t')
                {
                    j += 1;
                }
                (j > i).then_some(j)
            }
        }
    }

    /// Decodes one element starting at `pos`; returns it and the index after it.
    fn decode_element(text: &str, pos: usize, keep_spec: bool) -> Option<(Entry, usize)> {
        let mut stream =
            serde_json::Deserializer::from_str(text.get(pos..)?).into_iter::<RawObject>();
        let obj = stream.next()?.ok()?;
        let end = pos + stream.byte_offset();
        let spec = if keep_spec {
            obj.spec_version.as_ref().map(|s| s.0.to_string())
        } else {
            None
        };
        let decoded = decode_object(obj).ok()?;
        Some(((decoded, spec, pos..end), end))
    }

    /// Elements decoded from `start` until the position passes `limit` or the array ends.
    struct Run {
        start: usize,
        entries: Vec<Entry>,
        /// Where the run stopped: the start of the next element, or after `]`.
        end: usize,
        /// True when the run reached the closing `]`.
        closed: bool,
    }

    fn decode_run(text: &str, start: usize, limit: usize) -> Option<Run> {
        let b = text.as_bytes();
        let mut entries = Vec::new();
        let mut pos = start;
        loop {
            if pos >= limit {
                return Some(Run {
                    start,
                    entries,
                    end: pos,
                    closed: false,
                });
            }
            let (entry, end) = decode_element(text, pos, entries.is_empty())?;
            entries.push(entry);
            pos = skip_ws(b, end);
            match *b.get(pos)? {
                b',' => pos = skip_ws(b, pos + 1),
                b']' => {
                    return Some(Run {
                        start,
                        entries,
                        end: pos + 1,
                        closed: true,
                    })
                }
                _ => return None,
            }
        }
    }

    /// Decodes the array whose first element starts at `first` (after `[` and white space);
    /// returns the entries and the index after `]`.
    fn decode_array(text: &str, first: usize, indent: &str) -> Option<(Vec<Entry>, usize)> {
        let b = text.as_bytes();
        let threads = rayon::current_num_threads().clamp(1, 64);
        let span = b.len() - first;
        let pattern = format!(",{indent}{{");
        let finder = memchr::memmem::Finder::new(pattern.as_bytes());
        let mut starts = vec![first];
        for k in 1..threads {
            let from = first + span * k / threads;
            if let Some(found) = finder.find(&b[from..]) {
                let guess = from + found + pattern.len() - 1;
                if guess > *starts.last()? {
                    starts.push(guess);
                }
            }
        }
        let runs: Vec<Option<Run>> = starts
            .par_iter()
            .enumerate()
            .map(|(k, &start)| {
                let limit = starts.get(k + 1).copied().unwrap_or(usize::MAX);
                decode_run(text, start, limit)
            })
            .collect();
        let mut entries = Vec::new();
        let mut pos = first;
        for (k, run) in runs.into_iter().enumerate() {
            let run = match run {
                Some(run) if run.start == pos => run,
                // A wrong guess, or a run that failed: decode from where we are, sequentially.
                _ => {
                    let limit = starts.get(k + 1).copied().unwrap_or(usize::MAX);
                    decode_run(text, pos, limit)?
                }
            };
            entries.extend(run.entries);
            pos = run.end;
            if run.closed {
                return Some((entries, pos));
            }
        }
        // The last run always reaches `]` or fails.
        None
    }

    pub(super) fn scan(text: &str) -> Option<Skeleton<'_>> {
        let b = text.as_bytes();
        let mut out = Skeleton {
            kind: None,
            spec_version: None,
            objects: None,
        };
        let mut i = skip_ws(b, 0);
        if b.get(i) != Some(&b'{') {
            return None;
        }
        i = skip_ws(b, i + 1);
        if b.get(i) == Some(&b'}') {
            return (skip_ws(b, i + 1) == b.len()).then_some(out);
        }
        loop {
            if b.get(i) != Some(&b'"') {
                return None;
            }
            let key_end = skip_string(b, i)?;
            let key = &text[i..key_end];
            if key.contains('\\') {
                return None;
            }
            i = skip_ws(b, key_end);
            if b.get(i) != Some(&b':') {
                return None;
            }
            i = skip_ws(b, i + 1);
            if key == "\"objects\"" && b.get(i) == Some(&b'[') {
                if out.objects.is_some() {
                    return None;
                }
                let first = skip_ws(b, i + 1);
                if b.get(first) == Some(&b']') {
                    out.objects = Some(Vec::new());
                    i = first + 1;
                } else {
                    let (entries, end) = decode_array(text, first, &text[i + 1..first])?;
                    out.objects = Some(entries);
                    i = end;
                }
            } else {
                let end = skip_value(b, i)?;
                let value = &text[i..end];
                match key {
                    "\"type\"" if out.kind.is_none() => out.kind = Some(value),
                    "\"spec_version\"" if out.spec_version.is_none() => {
                        out.spec_version = Some(value)
                    }
                    "\"type\"" | "\"spec_version\"" => return None,
                    _ => {}
                }
                i = end;
            }
            i = skip_ws(b, i);
            match b.get(i)? {
                b',' => i = skip_ws(b, i + 1),
                b'}' => return (skip_ws(b, i + 1) == b.len()).then_some(out),
                _ => return None,
            }
        }
    }

    /// The STIX ids of the decoded elements (for tests).
    #[cfg(test)]
    fn ids(text: &str) -> Option<Vec<String>> {
        use super::Decoded;
        let s = scan(text)?;
        Some(
            s.objects?
                .into_iter()
                .map(|(d, _, _)| match d {
                    Decoded::Object(o) => o.stix_id,
                    Decoded::Relationship(r) => r.stix_id,
                    Decoded::Collection { object, .. } => object.stix_id,
                    Decoded::Other(t) => t,
                })
                .collect(),
        )
    }

    #[cfg(test)]
    mod tests {
        use super::{ids, scan};

        fn obj(i: usize) -> String {
            format!(
                r#"{{"type": "attack-pattern", "id": "attack-pattern--{i}", "name": "a,\n        {{ tricky", "external_references": [{{"source_name": "x"}},
        {{"source_name": "y"}}]}}"#
            )
        }

        #[test]
        fn decodes_every_element_in_order_whatever_the_guesses() {
            for n in [1, 2, 3, 50, 400] {
                let body: Vec<String> = (0..n).map(obj).collect();
                let text = format!(
                    "{{\n    \"type\": \"bundle\",\n    \"objects\": [\n        {}\n    ],\n    \"spec_version\": \"2.0\"\n}}",
                    body.join(",\n        ")
                );
                let got = ids(&text).expect("decodes");
                let want: Vec<String> = (0..n).map(|i| format!("attack-pattern--{i}")).collect();
                assert_eq!(got, want, "n = {n}");
                let s = scan(&text).expect("scan");
                assert_eq!(s.kind, Some("\"bundle\""));
                assert_eq!(s.spec_version, Some("\"2.0\""));
            }
        }

        #[test]
        fn refuses_what_it_does_not_expect() {
            assert!(
                scan(r#"{"objects": [{"type": "x", "id": "1"},]}"#).is_none(),
                "trailing comma"
            );
            assert!(
                scan(r#"{"objects": [] "type": "bundle"}"#).is_none(),
                "missing comma"
            );
            assert!(
                scan(r#"{"objects": [], "objects": []}"#).is_none(),
                "duplicate key"
            );
            assert!(
                scan(r#"{"type": "bundle"} x"#).is_none(),
                "trailing garbage"
            );
            assert!(
                scan(r#"{"objects": [{"type": "x", "id": "1"}"#).is_none(),
                "unterminated"
            );
            assert!(scan(r#"{"obj\u0065cts": []}"#).is_none(), "escaped key");
            assert!(
                scan(r#"{"objects": [{"type": 3}]}"#).is_none(),
                "element that does not decode"
            );
            let empty = scan(r#"{"objects": []}"#).expect("empty array");
            assert_eq!(empty.objects.map(|o| o.len()), Some(0));
        }
    }
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
    raw: &str,
    keep_spec: bool,
) -> Result<(Decoded, Option<String>), serde_json::Error> {
    let obj: RawObject = serde_json::from_str(raw)?;
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
    if let Some(FirstAttackReference(Some(reference))) = obj.external_references {
        attack_id = reference.external_id.map(Str::owned);
        url = reference.url.map(Str::owned);
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
        contributors: owned_vec(obj.x_mitre_contributors),
    };
    if kind == ObjectKind::Collection {
        return Ok(Decoded::Collection { object, version });
    }
    Ok(Decoded::Object(object))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(d: &DecodedBundle) -> Vec<String> {
        d.entries
            .iter()
            .map(|e| match e {
                Decoded::Object(o) => format!("{o:?}"),
                Decoded::Relationship(r) => format!("{r:?}"),
                Decoded::Collection { object, version } => format!("{object:?} {version:?}"),
                Decoded::Other(t) => t.clone(),
            })
            .collect()
    }

    /// The speculative parallel parse gives exactly what a plain serde parse gives, on every
    /// real bundle.
    #[test]
    fn fast_path_equals_plain_parse_on_real_bundles() {
        for path in navlayer_testdata::all_bundles() {
            let buf = read_bytes(&path, u64::MAX, u64::MAX).expect("read");
            let fast = decode_bundle_with(&path, &buf, true).expect("fast");
            let plain = decode_bundle_with(&path, &buf, false).expect("plain");
            assert_eq!(fast.spec_version, plain.spec_version, "{}", path.display());
            assert!(summary(&fast) == summary(&plain), "{}", path.display());
            assert_eq!(fast.spans, plain.spans, "{}", path.display());
        }
    }

    #[test]
    fn line_column_counts_from_one() {
        let buf = b"ab\ncd\nef";
        assert_eq!(line_column(buf, 0), (1, 1));
        assert_eq!(line_column(buf, 4), (2, 2));
        assert_eq!(line_column(buf, 6), (3, 1));
    }
}
