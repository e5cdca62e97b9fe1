//! Exit codes and error reporting: 0 success, 1 the input failed a check, 2 usage or I/O error.

use std::process::ExitCode;

/// The input failed a check (validation error, unknown ID, nothing to generate …).
pub const CHECK_FAILED: u8 = 1;
/// Usage or I/O error.
pub const USAGE: u8 = 2;

/// An error meaning "the input failed a check": reported like any error, but exits with 1.
#[derive(Debug)]
pub struct CheckFailed(pub String);

impl std::fmt::Display for CheckFailed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for CheckFailed {}

/// Builds an error that exits with code 1.
pub fn check_failed(message: impl Into<String>) -> anyhow::Error {
    anyhow::Error::new(CheckFailed(message.into()))
}

/// Prints `error: …` (with its causes) to stderr and picks the exit code.
pub fn report(err: &anyhow::Error) -> ExitCode {
    // Error messages quote IDs, names and file text: no terminal control characters.
    eprintln!(
        "{}",
        crate::output::terminal_safe(&format!("error: {err:#}"))
    );
    if err.downcast_ref::<CheckFailed>().is_some() {
        ExitCode::from(CHECK_FAILED)
    } else {
        ExitCode::from(USAGE)
    }
}
