//! A fast path for files whose few wanted fields sit among much that is not read (a Sigma rule's
//! `detection`, an atomic test's executor): the parser's events are read directly, only the
//! selected fields become values, everything else is skipped as it streams past.
//!
//! The fast path is exact or it declines. It reads plain YAML only: any anchor, alias, tag,
//! merge key, non-scalar or non-text key, repeated key, typed scalar (a number, a boolean other
//! than via the full path) in a selected field, syntax error, or a budget limit reached sends the
//! file back to [`super::documents`], so what is read, what is refused and every message stay the
//! full deserialiser's. Skipped parts are still parsed in full (the parser validates them) and
//! still checked for repeated keys and depth.

use std::borrow::Cow;
use std::collections::HashSet;

use granit_parser::{Event, Parser, ScalarStyle};
use serde_json::{Map, Value};

/// The fields to read of each document: top-level keys, each read whole (`None`) or, when it is
/// a mapping or a list of mappings, only the keys its own [`Select`] names.
pub(crate) struct Select(pub &'static [(&'static str, Option<&'static Select>)]);

impl Select {
    fn get(&self, key: &str) -> Option<Option<&'static Select>> {
        self.0.iter().find(|(k, _)| *k == key).map(|(_, s)| *s)
    }
}

/// Why the fast path declined (the full deserialiser decides instead).
#[derive(Debug)]
pub(crate) struct Declined;

/// What is kept of a container being read.
enum Keep {
    /// Nothing: the container is skipped.
    Nothing,
    /// Everything inside it.
    All,
    /// In mappings, only the selected keys (lists pass the selection to their items).
    Only(&'static Select),
}

impl Keep {
    fn keeps(&self) -> bool {
        !matches!(self, Keep::Nothing)
    }
}

/// The keys of one mapping, to refuse a repeated key as the full deserialiser does.
#[derive(Default)]
struct Keys<'a> {
    few: Vec<Cow<'a, str>>,
    many: HashSet<Cow<'a, str>>,
}

impl<'a> Keys<'a> {
    /// Adds a key; false when it was already there.
    fn insert(&mut self, key: Cow<'a, str>) -> bool {
        if self.many.is_empty() && self.few.len() < 16 {
            if self.few.contains(&key) {
                return false;
            }
            self.few.push(key);
            return true;
        }
        if self.many.is_empty() {
            self.many.extend(self.few.drain(..));
        }
        self.many.insert(key)
    }
}

enum Frame<'a> {
    Map {
        keep: Keep,
        out: Map<String, Value>,
        keys: Keys<'a>,
        /// The key whose value comes next.
        key: Option<Cow<'a, str>>,
    },
    Seq {
        keep: Keep,
        out: Vec<Value>,
    },
}

/// Limits as the full deserialiser's default budget sets them.
struct Budget {
    depth: usize,
    events: usize,
    nodes: usize,
    documents: usize,
}

impl Budget {
    fn of_full_path() -> Budget {
        let b = serde_saphyr::Budget::default();
        Budget {
            depth: b.max_depth,
            events: b.max_events,
            nodes: b.max_nodes,
            documents: b.max_documents,
        }
    }
}

/// Every document of `text` (each a mapping) with only the selected fields, or [`Declined`] when
/// the file needs the full deserialiser (empty and scalar documents included).
pub(crate) fn outline(text: &str, select: &'static Select) -> Result<Vec<Option<Value>>, Declined> {
    let budget = Budget::of_full_path();
    let mut docs: Vec<Option<Value>> = Vec::new();
    let mut stack: Vec<Frame<'_>> = Vec::new();
    let mut root: Option<Value> = None;
    let (mut events, mut nodes) = (0usize, 0usize);
    for next in Parser::new_from_str(text) {
        let (event, _) = next.map_err(|_| Declined)?;
        events += 1;
        if events > budget.events {
            return Err(Declined);
        }
        let done: Option<Value> = match event {
            Event::StreamStart | Event::StreamEnd => continue,
            Event::DocumentStart(..) => {
                if docs.len() >= budget.documents {
                    return Err(Declined);
                }
                root = None;
                continue;
            }
            Event::DocumentEnd => {
                // A document is a mapping here; anything else went to the full path.
                let Some(doc) = root.take() else {
                    return Err(Declined);
                };
                docs.push(Some(doc));
                continue;
            }
            Event::Scalar(value, style, anchor, tag) => {
                nodes += 1;
                if anchor != 0 || tag.is_some() || nodes > budget.nodes {
                    return Err(Declined);
                }
                if let Some(Frame::Map { keys, key, .. }) = stack.last_mut() {
                    if key.is_none() {
                        check_key(&value, style)?;
                        if !keys.insert(value.clone()) {
                            return Err(Declined);
                        }
                        *key = Some(value);
                        continue;
                    }
                }
                if stack.is_empty() {
                    // A document that is a scalar (null included) is the full path's to read.
                    return Err(Declined);
                }
                let keep = child_keep(&stack);
                if keep.keeps() {
                    Some(scalar(&value, style)?)
                } else {
                    Some(Value::Null)
                }
            }
            Event::MappingStart(_, anchor, ref tag) | Event::SequenceStart(_, anchor, ref tag) => {
                nodes += 1;
                if anchor != 0 || tag.is_some() || nodes > budget.nodes {
                    return Err(Declined);
                }
                if stack.len() + 1 >= budget.depth {
                    return Err(Declined);
                }
                let is_map = matches!(event, Event::MappingStart(..));
                let keep = if stack.is_empty() {
                    if !is_map {
                        return Err(Declined);
                    }
                    Keep::Only(select)
                } else {
                    child_keep(&stack)
                };
                stack.push(if is_map {
                    Frame::Map {
                        keep,
                        out: Map::new(),
                        keys: Keys::default(),
                        key: None,
                    }
                } else {
                    Frame::Seq {
                        keep,
                        out: Vec::new(),
                    }
                });
                continue;
            }
            Event::MappingEnd | Event::SequenceEnd => match stack.pop() {
                Some(Frame::Map { out, key: None, .. }) => Some(Value::Object(out)),
                Some(Frame::Seq { out, .. }) => Some(Value::Array(out)),
                _ => return Err(Declined),
            },
            // Aliases, and whatever else the parser may report, are the full path's to read.
            _ => return Err(Declined),
        };
        let Some(value) = done else { continue };
        match stack.last_mut() {
            None => root = Some(value),
            Some(Frame::Map { keep, out, key, .. }) => {
                let Some(k) = key.take() else {
                    return Err(Declined);
                };
                let kept = match keep {
                    Keep::Nothing => false,
                    Keep::All => true,
                    Keep::Only(s) => s.get(&k).is_some(),
                };
                if kept {
                    out.insert(k.into_owned(), value);
                }
            }
            Some(Frame::Seq { keep, out }) => {
                if keep.keeps() {
                    out.push(value);
                }
            }
        }
    }
    if !stack.is_empty() || root.is_some() {
        return Err(Declined);
    }
    Ok(docs)
}

/// What is kept of the next value in the innermost container.
fn child_keep(stack: &[Frame<'_>]) -> Keep {
    match stack.last() {
        Some(Frame::Map { keep, key, .. }) => match keep {
            Keep::Nothing => Keep::Nothing,
            Keep::All => Keep::All,
            Keep::Only(s) => match key.as_deref().and_then(|k| s.get(k)) {
                None => Keep::Nothing,
                Some(None) => Keep::All,
                Some(Some(sub)) => Keep::Only(sub),
            },
        },
        Some(Frame::Seq { keep, .. }) => match keep {
            Keep::Nothing => Keep::Nothing,
            Keep::All => Keep::All,
            Keep::Only(s) => Keep::Only(s),
        },
        None => Keep::Nothing,
    }
}

fn is_null(text: &str) -> bool {
    matches!(text, "" | "~" | "null" | "Null" | "NULL")
}

/// A plain scalar the YAML schema could read as something other than text.
fn is_typed(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    if matches!(
        lower.as_str(),
        "true" | "false" | "yes" | "no" | "on" | "off" | "y" | "n"
    ) {
        return true;
    }
    let first = text.as_bytes().first().copied().unwrap_or(b' ');
    (first.is_ascii_digit() || matches!(first, b'+' | b'-' | b'.'))
        && (lower.replace('_', "").parse::<f64>().is_ok()
            || lower.trim_start_matches(['+', '-']).starts_with("0x")
            || lower.trim_start_matches(['+', '-']).starts_with("0o")
            || lower.trim_start_matches(['+', '-']).starts_with("0b")
            || lower.trim_start_matches(['+', '-']).starts_with(".inf")
            || lower == ".nan")
}

/// Keys are text: anything else (null, a number, `<<`) is the full path's to compare and merge.
fn check_key(text: &str, style: ScalarStyle) -> Result<(), Declined> {
    if style == ScalarStyle::Plain && (is_null(text) || is_typed(text) || text == "<<") {
        return Err(Declined);
    }
    Ok(())
}

fn scalar(text: &str, style: ScalarStyle) -> Result<Value, Declined> {
    if style != ScalarStyle::Plain {
        return Ok(Value::String(text.to_string()));
    }
    if is_null(text) {
        return Ok(Value::Null);
    }
    if is_typed(text) {
        return Err(Declined);
    }
    Ok(Value::String(text.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOGSOURCE: Select = Select(&[("product", None)]);
    const TOP: Select = Select(&[
        ("title", None),
        ("tags", None),
        ("logsource", Some(&LOGSOURCE)),
    ]);

    fn read(text: &str) -> Result<Vec<Option<Value>>, Declined> {
        outline(text, &TOP)
    }

    #[test]
    fn only_selected_fields_are_kept() {
        let docs = read(
            "title: a\ndetection:\n  sel: {x: [1, 2]}\ntags: [attack.t1059, 'b']\n\
             logsource: {product: windows, service: x}\n---\ntitle: \"c\"\n",
        )
        .unwrap();
        assert_eq!(
            docs,
            vec![
                Some(
                    serde_json::json!({"title": "a", "tags": ["attack.t1059", "b"],
                                        "logsource": {"product": "windows"}})
                ),
                Some(serde_json::json!({"title": "c"})),
            ]
        );
    }

    #[test]
    fn anything_unusual_declines() {
        for text in [
            "title: &a x\ntags: [*a]\n",
            "title: !!str x\n",
            "title: 12\n",
            "title: yes\n",
            "title: a\ndetection: {k: 1, k: 2}\n",
            "title: a\ntitle: b\n",
            "<<: {title: a}\n",
            "[a, b]\n",
            "title: [a\n",
            "1: x\n",
            "title: a\n---\n---\ntitle: b\n",
            "~\n",
        ] {
            assert!(read(text).is_err(), "{text:?} was read");
        }
        let deep = format!("title: x\nd: {}{}", "[".repeat(100), "]".repeat(100));
        assert!(read(&deep).is_err());
    }

    #[test]
    fn text_that_only_looks_typed_is_text() {
        let docs = read("title: 7Zip Dump\ntags: [attack.t1003, 2fa-bypass]\n").unwrap();
        assert_eq!(
            docs,
            vec![Some(
                serde_json::json!({"title": "7Zip Dump", "tags": ["attack.t1003", "2fa-bypass"]})
            )]
        );
    }

    #[test]
    fn repeated_keys_are_found_in_large_mappings() {
        let mut text = String::from("title: x\nbig:\n");
        for i in 0..50_000 {
            text.push_str(&format!("  k{i}: v\n"));
        }
        assert!(read(&text).is_ok());
        text.push_str("  k7: again\n");
        assert!(read(&text).is_err());
    }
}
