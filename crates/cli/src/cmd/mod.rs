//! One module per subcommand.

pub mod combine;
pub mod convert;
pub mod coverage;
pub mod data;
pub mod diff;
pub mod filter;
pub mod gaps;
pub mod generate;
pub mod heatmap;
pub mod migrate;
pub mod query;
pub mod release_diff;
pub mod render;
pub mod serve;
pub mod show;
pub mod stats;
pub mod validate;
