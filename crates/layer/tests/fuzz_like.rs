//! Random input for the reader in the normal test suite (the cargo-fuzz target in `fuzz/` needs
//! nightly): arbitrary bytes, mutated real layer files, and generated layers. The reader must
//! never panic, and whatever loads must convert to 4.5 and read back as the same model.
//!
//! More cases: `PROPTEST_CASES=20000 NAVLAYER_SHARED=… cargo test -p navlayer-layer --test fuzz_like`.

use std::sync::OnceLock;

use navlayer_layer::read::parse_layers;
use navlayer_layer::write::{to_json, Style};
use navlayer_layer::{Layer, TechniqueEntry};
use proptest::prelude::*;

fn round_trips(bytes: &[u8]) {
    if let Ok(layers) = parse_layers(bytes, "p") {
        for l in layers {
            let text = to_json(&l.layer, Style::Compact);
            let again = parse_layers(text.as_bytes(), "again")
                .unwrap_or_else(|e| panic!("written layer does not read back: {e}\n{text}"));
            assert_eq!(again.len(), 1);
            assert_eq!(again[0].layer, l.layer, "{text}");
        }
    }
}

/// A few real layers of different formats, read once.
fn seeds() -> &'static Vec<Vec<u8>> {
    static SEEDS: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    SEEDS.get_or_init(|| {
        let dir = navlayer_testdata::layers_corpus_dir();
        let manifest = std::fs::read_to_string(dir.join("MANIFEST.tsv")).expect("manifest");
        let mut out = Vec::new();
        let mut seen_versions = std::collections::BTreeSet::new();
        for line in manifest.lines().skip(1) {
            let cols: Vec<&str> = line.split('\t').collect();
            let small = cols[6].parse::<usize>().unwrap_or(0) < 60;
            if small && seen_versions.insert(cols[4].to_string()) {
                out.push(std::fs::read(dir.join(cols[0])).expect("seed"));
            }
        }
        assert!(out.len() >= 8, "seeds from {} format versions", out.len());
        out
    })
}

#[derive(Debug, Clone)]
enum Mutation {
    Flip(usize, u8),
    Insert(usize, u8),
    Delete(usize),
    Truncate(usize),
    Splice(usize, String),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let token = prop::sample::select(vec![
        "{",
        "}",
        "[",
        "]",
        ",",
        ":",
        "\"",
        "null",
        "true",
        "\"True\"",
        "1e400",
        "-0",
        "\"\"",
        "\"score\":",
        "\"techniqueID\":",
        "\"version\":\"2.1\",",
        "\"viewMode\":2,",
        "\\u0000",
        "\"domain\":\"mitre-mobile\",",
        "\u{FEFF}",
        "\"metadata\":[1],",
        "\"gradient\":{},",
    ]);
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::Flip(i, b)),
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::Insert(i, b)),
        any::<usize>().prop_map(Mutation::Delete),
        any::<usize>().prop_map(Mutation::Truncate),
        (any::<usize>(), token).prop_map(|(i, t)| Mutation::Splice(i, t.to_string())),
    ]
}

fn apply(mut bytes: Vec<u8>, muts: &[Mutation]) -> Vec<u8> {
    for m in muts {
        let n = bytes.len().max(1);
        match m {
            Mutation::Flip(i, b) => {
                if !bytes.is_empty() {
                    bytes[i % n] ^= b;
                }
            }
            Mutation::Insert(i, b) => bytes.insert(i % (bytes.len() + 1), *b),
            Mutation::Delete(i) => {
                if !bytes.is_empty() {
                    bytes.remove(i % n);
                }
            }
            Mutation::Truncate(i) => bytes.truncate(i % n),
            Mutation::Splice(i, t) => {
                let at = i % (bytes.len() + 1);
                bytes.splice(at..at, t.bytes());
            }
        }
    }
    bytes
}

fn layer_strategy() -> impl Strategy<Value = Layer> {
    let text = "[ -~éü\"\\\\/\n\t\u{1F600}]{0,12}";
    let entry = (
        "T[0-9]{4}(\\.[0-9]{3})?",
        prop::option::of("[a-z-]{3,12}"),
        prop::option::of(text),
        prop::option::of(any::<bool>()),
        prop::option::of(prop_oneof![
            (-1000i32..1000).prop_map(f64::from),
            -1.0e12f64..1.0e12
        ]),
        prop::option::of("#[0-9a-f]{6}"),
    )
        .prop_map(|(id, tactic, comment, enabled, score, color)| {
            let mut t = TechniqueEntry::new(id);
            t.tactic = tactic;
            t.comment = comment;
            t.enabled = enabled;
            t.score = score;
            t.color = color;
            t
        });
    (
        text,
        prop::collection::vec(entry, 0..20),
        prop::option::of(0i64..4),
    )
        .prop_map(|(name, techniques, sorting)| {
            let mut l = Layer::new(name, "enterprise-attack");
            l.techniques = techniques;
            l.sorting = sorting;
            l
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        round_trips(&bytes);
    }

    #[test]
    fn json_looking_text_never_panics(text in "[{}\\[\\]\":,0-9a-zA-Z .eE+\\-\\\\]{0,200}") {
        round_trips(text.as_bytes());
    }

    #[test]
    fn mutated_real_layers_never_panic(seed in any::<prop::sample::Index>(), muts in prop::collection::vec(mutation(), 1..6)) {
        let seeds = seeds();
        let bytes = apply(seeds[seed.index(seeds.len())].clone(), &muts);
        round_trips(&bytes);
    }

    #[test]
    fn generated_layers_round_trip(layer in layer_strategy()) {
        for style in [Style::Pretty, Style::Compact] {
            let text = to_json(&layer, style);
            let back = parse_layers(text.as_bytes(), "g").expect("reads back");
            prop_assert_eq!(&back[0].layer, &layer);
            prop_assert!(back[0].upgrades.is_empty());
        }
    }
}
