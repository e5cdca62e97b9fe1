//! # navlayer-layer
//!
//! ATT&CK Navigator layer files: the typed model of format 4.5 ([`model`]), reading every older
//! format (1.x – 4.4) with an in-memory upgrade, validation with findings, and writing.

pub mod model;

pub use model::{
    Filters, Gradient, Layer, Layout, LegendItem, LinkItem, MetadataItem, TechniqueEntry, Versions,
};
