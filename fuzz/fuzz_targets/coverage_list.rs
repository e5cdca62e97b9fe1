//! Fuzz target for the coverage importers of list input (Format::List): any bytes must be
//! accounted for as parsed, skipped or failed, never panic, and give a layer that reads back.
//!
//! Run: `cargo +nightly fuzz run coverage_list -- -max_total_time=300`
#![no_main]

#[path = "coverage_common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use navlayer_coverage::Format;

fuzz_target!(|data: &[u8]| {
    common::run(&[Format::List], data);
});
