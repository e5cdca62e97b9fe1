//! Fuzz target for the STIX bundle reader (the catalogue): any bytes must give a catalogue or a
//! clear error, never a panic; whatever loads must answer the basic queries.
//!
//! Run: `cargo +nightly fuzz run read_bundle fuzz/corpus/read_bundle -- -max_total_time=300`
//! (seed with small bundles, e.g. the first objects of a release; see fuzz/README.md).
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use navlayer_attack::{Catalogue, LoadOptions, Release};

fuzz_target!(|data: &[u8]| {
    let options = LoadOptions {
        fallback_release: Some(Release { major: 18, minor: 1 }),
        ..LoadOptions::default()
    };
    if let Ok(c) = Catalogue::from_slice(data, Path::new("enterprise-attack-18.1.json"), &options) {
        let _ = (c.domain(), c.release(), c.tactics().len(), c.platforms());
        for id in c.ids() {
            let o = c.object(id);
            let _ = (o.display_id(), o.status());
        }
        let _ = c.active_techniques().count();
        let _ = c.suggest("T1059", 3);
    }
});
