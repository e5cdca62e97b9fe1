//! # navlayer-attack
//!
//! Reads MITRE ATT&CK® STIX bundles (STIX 2.0 as in mitre/cti, STIX 2.1 as in
//! mitre-attack/attack-stix-data; plain JSON or gzip) of any domain and release into a
//! [`Catalogue`]: every object and relationship in bundle order, indexed by STIX id, by ATT&CK ID
//! and by relationship endpoint in both directions.
//!
//! ```no_run
//! use navlayer_attack::{Catalogue, LoadOptions};
//! let catalogue = Catalogue::load("enterprise-attack-18.1.json".as_ref(), &LoadOptions::default())?;
//! let m1038 = catalogue.by_attack_id("M1038").expect("known mitigation");
//! let techniques = catalogue.techniques_from(m1038, &navlayer_attack::RelationKind::Mitigates);
//! println!("{} techniques", techniques.len());
//! # Ok::<(), navlayer_attack::AttackError>(())
//! ```

mod catalogue;
mod error;
mod model;
mod parse;
mod query;
mod raw;

pub use catalogue::{parse_bundle_file_name, Catalogue, LoadOptions, StatusCounts};
pub use error::AttackError;
pub use model::{
    AttackObject, Domain, ObjectId, ObjectKind, RelationKind, Relationship, RelationshipId, Release,
};
pub use query::{Direction, Query, Related, Timestamp};
