//! Fuzz target for the coverage importers of json input (Format::Mappings, Format::Stix): any bytes must be
//! accounted for as parsed, skipped or failed, never panic, and give a layer that reads back.
//!
//! Run: `cargo +nightly fuzz run coverage_json -- -max_total_time=300`
#![no_main]

#[path = "coverage_common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use navlayer_coverage::Format;

fuzz_target!(|data: &[u8]| {
    common::run(&[Format::Mappings, Format::Stix], data);
});
