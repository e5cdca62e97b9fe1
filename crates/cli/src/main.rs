//! `navlayer`: the command-line front end. Each subcommand lives in `cmd/<name>.rs` and only
//! parses arguments, calls the libraries and prints; the logic is in the library crates.

mod cmd;
mod context;
mod exit;
mod output;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::context::GlobalArgs;

/// A fast toolkit for MITRE ATT&CK® Navigator layers.
#[derive(Parser, Debug)]
#[command(name = "navlayer", version, about, long_about = None)]
#[command(after_help = "Examples:
  navlayer data info                                   release and object counts of the newest release
  navlayer --data ../shared/attack-data show T1059     one technique, offline
  navlayer query techniques --mitigated-by M1038       techniques a mitigation covers
  navlayer generate mitigation M1038 -o M1038.json     attack.mitre.org's layer for M1038")]
struct Cli {
    #[command(flatten)]
    global: GlobalArgs,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Inspect, list and fetch ATT&CK releases.
    Data(cmd::data::DataArgs),
    /// Show one ATT&CK object by its ID (T1059, M1038, G0016, …).
    Show(cmd::show::ShowArgs),
    /// Query the catalogue (techniques mitigated by, used by, detected by, …).
    Query(cmd::query::QueryArgs),
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let ctx = context::Context::new(cli.global);
    match cli.command {
        Command::Data(args) => cmd::data::run(&ctx, args),
        Command::Show(args) => cmd::show::run(&ctx, args),
        Command::Query(args) => cmd::query::run(&ctx, args),
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // clap prints help/version to stdout with exit 0, usage errors with exit 2.
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(exit::USAGE)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    match run(cli) {
        Ok(code) => code,
        Err(err) => exit::report(&err),
    }
}
