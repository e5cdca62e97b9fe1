//! The STIX JSON of every object and relationship exactly as read, kept on request
//! ([`crate::LoadOptions::keep_raw_json`]).
//!
//! The catalogue keeps the bundle's decoded text once and a byte range per element of its
//! `objects` array, so the cost is the file's size (the buffer that loading reads anyway), not a
//! second copy of every object as a tree.

use std::ops::Range;

use crate::catalogue::Catalogue;
use crate::model::{ObjectId, RelationshipId};

/// The decoded bundle (gzip inflated, BOM removed): read into memory, or a memory map of the
/// file ([`crate::LoadOptions::map_file`]) and where the text starts in it.
#[derive(Debug)]
pub(crate) enum Text {
    Read(Vec<u8>),
    Mapped(memmap2::Mmap, usize),
}

impl Text {
    fn bytes(&self) -> &[u8] {
        match self {
            Text::Read(bytes) => bytes,
            Text::Mapped(map, start) => map.get(*start..).unwrap_or_default(),
        }
    }
}

/// The bundle text and where each element of `objects` lies in it.
#[derive(Debug)]
pub(crate) struct RawJson {
    /// The decoded bundle.
    text: Text,
    /// Every element of `objects`, in bundle order.
    entries: Vec<Range<usize>>,
    /// Index into `entries` of each catalogue object.
    objects: Vec<u32>,
    /// Index into `entries` of each relationship.
    relationships: Vec<u32>,
    /// Index into `entries` of each element of a type the catalogue does not model.
    others: Vec<u32>,
}

/// Which list of the catalogue a decoded entry went to.
#[derive(Debug, Clone, Copy)]
pub(crate) enum EntryPlace {
    Object,
    Relationship,
    Other,
}

impl RawJson {
    /// Keeps `text` (which must be the buffer the spans index) and the place of every entry.
    /// Returns `None` when the text is not UTF-8 or a span falls outside it (neither can happen for
    /// a buffer that decoded).
    pub(crate) fn new(
        text: Text,
        entries: Vec<Range<usize>>,
        places: &[EntryPlace],
    ) -> Option<RawJson> {
        // Each entry is checked as UTF-8 when read (a check the decoder already passed).
        let len = text.bytes().len();
        if entries.iter().any(|r| r.start > r.end || r.end > len) {
            return None;
        }
        let mut raw = RawJson {
            text,
            entries,
            objects: Vec::new(),
            relationships: Vec::new(),
            others: Vec::new(),
        };
        for (i, place) in places.iter().enumerate() {
            let list = match place {
                EntryPlace::Object => &mut raw.objects,
                EntryPlace::Relationship => &mut raw.relationships,
                EntryPlace::Other => &mut raw.others,
            };
            list.push(i as u32);
        }
        Some(raw)
    }

    fn entry(&self, index: u32) -> Option<&str> {
        let range = self.entries.get(index as usize)?;
        std::str::from_utf8(self.text.bytes().get(range.clone())?).ok()
    }
}

impl Catalogue {
    /// True when the catalogue was loaded with [`crate::LoadOptions::keep_raw_json`].
    pub fn has_raw_json(&self) -> bool {
        self.raw().is_some()
    }

    /// The object's STIX JSON exactly as the bundle has it (every property, in the file's order
    /// and layout), or `None` when the catalogue was loaded without
    /// [`crate::LoadOptions::keep_raw_json`].
    pub fn raw_json(&self, id: ObjectId) -> Option<&str> {
        let raw = self.raw()?;
        raw.entry(*raw.objects.get(id.0 as usize)?)
    }

    /// The relationship's STIX JSON exactly as read, or `None` without
    /// [`crate::LoadOptions::keep_raw_json`].
    pub fn raw_relationship_json(&self, id: RelationshipId) -> Option<&str> {
        let raw = self.raw()?;
        raw.entry(*raw.relationships.get(id.0 as usize)?)
    }

    /// The STIX JSON of the elements the catalogue does not model (`identity`,
    /// `marking-definition`, …), in bundle order; empty without
    /// [`crate::LoadOptions::keep_raw_json`].
    pub fn raw_other_json(&self) -> impl Iterator<Item = &str> + '_ {
        self.raw()
            .into_iter()
            .flat_map(|raw| raw.others.iter().filter_map(|&i| raw.entry(i)))
    }

    /// Every element of the bundle's `objects` array as read, in bundle order (objects,
    /// relationships and other types interleaved as in the file); empty without
    /// [`crate::LoadOptions::keep_raw_json`].
    pub fn raw_bundle_json(&self) -> impl Iterator<Item = &str> + '_ {
        self.raw()
            .into_iter()
            .flat_map(|raw| (0..raw.entries.len() as u32).filter_map(|i| raw.entry(i)))
    }

    /// The object's STIX JSON parsed into a JSON value (a map of every property), or `None`
    /// without [`crate::LoadOptions::keep_raw_json`].
    pub fn raw_value(&self, id: ObjectId) -> Option<serde_json::Value> {
        serde_json::from_str(self.raw_json(id)?).ok()
    }

    /// The relationship's STIX JSON parsed into a JSON value, or `None` without
    /// [`crate::LoadOptions::keep_raw_json`].
    pub fn raw_relationship_value(&self, id: RelationshipId) -> Option<serde_json::Value> {
        serde_json::from_str(self.raw_relationship_json(id)?).ok()
    }
}
