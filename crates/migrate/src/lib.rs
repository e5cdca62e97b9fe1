//! # navlayer-migrate
//!
//! Migrating ATT&CK Navigator layers between ATT&CK releases, and diffing releases.
//!
//! A [`ReleasePair`] holds the source and target releases of one domain. [`migrate_layer`]
//! classifies every technique entry the way the Navigator's layer upgrade view does (matched by
//! STIX id: unchanged, minor or major change, revoked, deprecated, unknown), moves its annotations
//! to the technique the ID now stands for, remaps tactics, merges entries that land on one
//! technique, and reports what it did for every entry. [`ReleaseDiff`] lists what changed between
//! two releases. The rules are documented in `docs/migrate.md`.
//!
//! ```no_run
//! use navlayer_attack::{Catalogue, LoadOptions};
//! use navlayer_migrate::{migrate_layer, MigrateOptions, ReleasePair};
//! let from = Catalogue::load("enterprise-attack-16.1.json".as_ref(), &LoadOptions::default())?;
//! let to = Catalogue::load("enterprise-attack-18.1.json".as_ref(), &LoadOptions::default())?;
//! let pair = ReleasePair::new(&from, &to)?;
//! let mut layer = navlayer_layer::Layer::new("mine", "enterprise-attack");
//! layer.techniques.push(navlayer_layer::TechniqueEntry::new("T1574.002"));
//! let migration = migrate_layer(&pair, &layer, &MigrateOptions::default())?;
//! assert_eq!(migration.layer.techniques[0].technique_id, "T1574.001");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod changelog;
mod changelog_render;
mod classify;
mod diff;
mod error;
mod migrate;
mod platforms;
mod report;

pub use changelog::{
    Category, ChangeItem, ChangeType, Changelog, DomainChanges, ObjectRef, RelationChanges,
};
pub use classify::{
    pick_source_release, technique_by_id, version_change, Change, ReleasePair, Resolution,
};
pub use diff::{DiffItem, IdChange, ReleaseDiff, Revocation, TacticItem, TacticMove};
pub use error::MigrateError;
pub use migrate::{
    merge_into, migrate_layer, Action, Destination, EntryReport, LayerReport, MergeReport,
    MigrateOptions, Migration, TacticChange, TacticReason,
};
pub use platforms::{remap_platforms, PlatformChange};
pub use report::{render_reports, ReportFormat};
