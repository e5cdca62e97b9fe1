//! # navlayer-layer
//!
//! ATT&CK Navigator layer files: the typed model of format 4.5 ([`model`]), reading every older
//! format (1.x – 4.4) with an in-memory upgrade ([`read`]), validation with findings
//! ([`validate`]), and writing ([`write`]).
//!
//! ```no_run
//! use navlayer_layer::{read_layer_file, write::{to_json, Style}};
//! for loaded in read_layer_file("layer.json".as_ref())? {
//!     for change in &loaded.upgrades {
//!         eprintln!("upgraded: {change}");
//!     }
//!     for finding in &loaded.findings {
//!         eprintln!("{finding}");
//!     }
//!     print!("{}", to_json(&loaded.layer, Style::Pretty));
//! }
//! # Ok::<(), navlayer_layer::LayerError>(())
//! ```

pub mod error;
pub mod model;
pub mod read;
pub mod validate;
pub mod write;

pub use error::LayerError;
pub use model::{
    Filters, Gradient, Layer, Layout, LegendItem, LinkItem, MetadataItem, TechniqueEntry, Versions,
};
pub use read::{parse_layers, read_layer_file, LoadedLayer};
