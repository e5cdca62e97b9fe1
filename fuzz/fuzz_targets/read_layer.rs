//! Fuzz target for the layer reader: any bytes must give layers or a clear error, never a panic;
//! and whatever loads must convert to 4.5 and read back as the same model.
//!
//! Run: `cargo +nightly fuzz run read_layer fuzz/corpus/read_layer -- -max_total_time=300`
//! (seed the corpus with real layers, e.g. `cp ../shared/layers-corpus/*/*.json fuzz/corpus/read_layer/`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use navlayer_layer::read::parse_layers;
use navlayer_layer::write::{to_json, Style};

fuzz_target!(|data: &[u8]| {
    if let Ok(layers) = parse_layers(data, "fuzz") {
        for l in layers {
            let text = to_json(&l.layer, Style::Compact);
            let again =
                parse_layers(text.as_bytes(), "fuzz-again").expect("written layer reads back");
            assert_eq!(again.len(), 1);
            assert_eq!(again[0].layer, l.layer, "model changed through 4.5: {text}");
        }
    }
});
