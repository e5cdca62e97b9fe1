//! # navlayer-ops
//!
//! What analysts do with ATT&CK Navigator layers once they have them:
//!
//! * [`combine`](mod@combine): a layer whose scores an expression computes from other layers'
//!   scores, as the Navigator's "create layer from other layers" does ([`expr`] is the
//!   expression language);
//! * [`setops`]: union, intersection and difference of the techniques layers contain;
//! * [`diff`](mod@diff): what changed between two layers;
//! * [`filter`]: keep the techniques of some platforms;
//! * [`aggregate`]: parents' aggregate scores from their sub-techniques, as the Navigator
//!   computes them (shared with the renderers);
//! * [`stats`](mod@stats): coverage per tactic against an ATT&CK release.
//!
//! [`index`] holds the rule every operation shares: which entry of a layer applies to a
//! technique in a tactic.

pub mod aggregate;
pub mod combine;
pub mod diff;
mod error;
pub mod expr;
pub mod filter;
pub mod index;
pub mod setops;
pub mod stats;

pub use aggregate::{aggregate_score, AggregateFunction, AggregateOptions};
pub use combine::{combine, CombineOptions, Inherit};
pub use diff::{diff, LayerDiff};
pub use error::OpsError;
pub use expr::Expr;
pub use filter::{filter_platforms, FilterReport};
pub use setops::{set_operation, ScoreRule, SetOperation};
pub use stats::{stats, Stats};
