//! One module per subcommand.

pub mod data;
pub mod query;
pub mod show;
