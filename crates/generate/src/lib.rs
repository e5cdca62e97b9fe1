//! # navlayer-generate
//!
//! The per-object ATT&CK Navigator layers attack.mitre.org publishes (`M1038-enterprise-layer.json`
//! and the like), generated from any ATT&CK release, identical to the byte.
//!
//! For every mitigation, group, software, campaign and asset the website builds a layer of the
//! techniques the object mitigates, uses or is targeted by. The rules follow the website's code
//! (mitre-attack/attack-website, `modules/util/buildhelpers.py` and the per-type modules):
//!
//! * relationships are read in bundle order (the output depends on it: a parent technique only
//!   gets its colour when its own relationship comes before those of its sub-techniques);
//! * a group also inherits the techniques of the campaigns attributed to it (`#ff6666` when
//!   inherited only, `#ff66f4` when also used by the group);
//! * comments are the relationship descriptions cleaned like `bleach.clean(text, tags=[],
//!   strip=True)` ([`bleach_clean`]);
//! * the file is what Python's `json.dumps(layer)` writes ([`pyjson`]).
//!
//! ```no_run
//! use navlayer_attack::{Catalogue, LoadOptions};
//! use navlayer_generate::{GenerateOptions, Generator};
//! let catalogue = Catalogue::load("enterprise-attack-18.1.json".as_ref(), &LoadOptions::default())?;
//! let generator = Generator::new(&catalogue, GenerateOptions::default());
//! let m1038 = catalogue.by_attack_id("M1038").expect("known mitigation");
//! let layer = generator.generate(m1038)?;
//! std::fs::write(layer.file_name(), layer.to_json())?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod batch;
mod build;
mod clean;
mod entities;
mod error;
mod kind;
pub mod pyjson;

pub use batch::{write_layers, BatchOutcome};
pub use build::{
    GenerateOptions, GeneratedLayer, Generator, LegendItem, TechniqueEntry, COLOR_BOTH,
    COLOR_INHERITED, COLOR_UNUSED, COLOR_USED,
};
pub use clean::bleach_clean;
pub use error::GenerateError;
pub use kind::{LayerKind, UnknownKind};
