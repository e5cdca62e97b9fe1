//! Hostile input: every case ends in layers or a clear error, never a panic, with bounded memory.

use navlayer_layer::read::{parse_layers, parse_layers_with, read_layer_file, ReadOptions};
use navlayer_layer::validate::Severity;
use navlayer_layer::LayerError;

fn err(bytes: &[u8]) -> LayerError {
    match parse_layers(bytes, "h.json") {
        Ok(l) => panic!("expected an error, loaded {} layer(s)", l.len()),
        Err(e) => e,
    }
}

#[test]
fn deeply_nested_json_is_refused_without_stack_overflow() {
    for depth in [200usize, 100_000, 1_000_000] {
        let text = "[".repeat(depth);
        let e = err(text.as_bytes());
        assert_eq!(e.kind(), "json");
        assert!(e.to_string().contains("nested more than 128"), "{e}");
        let text = format!(
            r#"{{"name":"x","domain":"enterprise-attack","techniques":[{{"techniqueID":"T1059","metadata":{}1{}}}]}}"#,
            "{\"a\":".repeat(depth),
            "}".repeat(depth)
        );
        assert_eq!(err(text.as_bytes()).kind(), "json");
    }
}

#[test]
fn a_200_mb_file_is_refused_before_it_is_read() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("huge.json");
    let f = std::fs::File::create(&path).expect("create");
    f.set_len(200 * 1024 * 1024).expect("sparse file");
    let e = read_layer_file(&path).expect_err("too large");
    assert_eq!(e.kind(), "too-large");
    let msg = e.to_string();
    assert!(
        msg.contains("209715200 bytes") && msg.contains("limit"),
        "{msg}"
    );
    // The same limit applies to bytes given directly.
    let small = ReadOptions { max_bytes: 10 };
    let e = parse_layers_with(br#"{"name":"abcdefghijk"}"#, "b", &small).expect_err("limit");
    assert_eq!(e.kind(), "too-large");
}

#[test]
fn invalid_utf8_names_line_and_column() {
    let e = err(b"{\"name\":\"ok\",\n \"description\":\"caf\xE9\"}");
    assert_eq!(e.kind(), "encoding");
    let msg = e.to_string();
    assert!(
        msg.starts_with("h.json:2:20: invalid UTF-8 (byte 0xE9"),
        "{msg}"
    );
    assert!(msg.contains("re-save it as UTF-8"), "{msg}");
    // Unpaired surrogate in UTF-16.
    let mut b = vec![0xFF, 0xFE];
    for u in [b'{' as u16, 0xD800, b'}' as u16] {
        b.extend_from_slice(&u.to_le_bytes());
    }
    assert_eq!(err(&b).kind(), "encoding");
    // UTF-32 and odd-length UTF-16.
    assert_eq!(err(&[0xFF, 0xFE, 0, 0, b'{', 0, 0, 0]).kind(), "encoding");
    assert_eq!(err(&[0xFF, 0xFE, b'{', 0, b'}']).kind(), "encoding");
}

#[test]
fn byte_order_mark_is_accepted_and_noted() {
    let mut b = vec![0xEF, 0xBB, 0xBF];
    b.extend_from_slice(br#"{"name":"x","domain":"enterprise-attack"}"#);
    let l = parse_layers(&b, "bom").expect("loads");
    assert!(l[0]
        .findings
        .iter()
        .any(|f| f.severity == Severity::Info && f.message.contains("byte-order mark")));
}

#[test]
fn duplicate_keys_are_errors() {
    let l = parse_layers(
        br#"{"name":"x","domain":"enterprise-attack","domain":"mobile-attack"}"#,
        "d",
    )
    .expect("loads");
    let f = l[0]
        .findings
        .iter()
        .find(|f| f.pointer == "/domain" && f.severity == Severity::Error)
        .expect("duplicate finding");
    assert!(
        f.message.contains("duplicate key \"domain\""),
        "{}",
        f.message
    );
    assert_eq!(
        l[0].layer.domain, "mobile-attack",
        "the last value wins, as in JavaScript"
    );
}

#[test]
fn huge_and_non_finite_numbers() {
    let layer = |score: &str| {
        format!(
            r#"{{"name":"x","domain":"enterprise-attack","techniques":[{{"techniqueID":"T1059","score":{score}}}]}}"#
        )
    };
    let e = err(layer("1e400").as_bytes());
    assert!(e.to_string().contains("too large"), "{e}");
    for s in ["NaN", "Infinity", "-Infinity"] {
        let e = err(layer(s).as_bytes());
        assert_eq!(e.kind(), "json");
        assert!(e.to_string().contains("no NaN or Infinity"), "{e}");
    }
    let l = parse_layers(layer("123456789012345678901234567890").as_bytes(), "n").expect("loads");
    assert_eq!(l[0].layer.techniques[0].score, Some(1.2345678901234568e29));
    let l = parse_layers(layer("1.7976931348623157e308").as_bytes(), "n").expect("loads");
    assert_eq!(l[0].layer.techniques[0].score, Some(f64::MAX));
    // A huge score written as a string is not coerced to infinity.
    let l = parse_layers(layer("\"1e999\"").as_bytes(), "n").expect("loads");
    assert_eq!(l[0].layer.techniques[0].score, None);
    // A sorting value beyond i64 is dropped, not wrapped.
    let l = parse_layers(
        br#"{"name":"x","domain":"enterprise-attack","sorting":18446744073709551615}"#,
        "n",
    )
    .expect("loads");
    assert_eq!(l[0].layer.sorting, None);
}

#[test]
fn other_garbage_gets_a_hint() {
    let cases: [(&[u8], &str, &str); 8] = [
        (b"", "json", "empty"),
        (b"  \n ", "json", "empty"),
        (b"<html><body>404</body></html>", "json", "HTML"),
        (
            b"{\"name\":\"x\",\n<<<<<<< HEAD\n}",
            "json",
            "merge-conflict",
        ),
        (b"\"just a string\"", "not-a-layer", "a string"),
        (b"[]", "not-a-layer", "empty array"),
        (
            b"[{\"name\":\"x\",\"domain\":\"enterprise-attack\"}, 3]",
            "not-a-layer",
            "/1",
        ),
        (
            br#"{"type":"bundle","objects":[]}"#,
            "not-a-layer",
            "STIX bundle",
        ),
    ];
    for (bytes, kind, text) in cases {
        let e = err(bytes);
        assert_eq!(e.kind(), kind, "{e}");
        assert!(e.to_string().contains(text), "{e} lacks {text:?}");
    }
    let e = err(b"{\"name\":\"x\",}");
    assert!(
        e.to_string().starts_with("h.json:1:13: invalid JSON"),
        "{e}"
    );
}

/// Regression (found by `fuzz_like::generated_layers_round_trip`): without serde_json's
/// `float_roundtrip`, -914515084913.9316 read back as -914515084913.9315.
#[test]
fn scores_round_trip_exactly() {
    use navlayer_layer::write::{to_json, Style};
    for score in [
        -914515084913.9316f64,
        0.1,
        1.0 / 3.0,
        5e-324,
        f64::MAX,
        -0.0,
    ] {
        let mut l = navlayer_layer::Layer::new("x", "enterprise-attack");
        let mut t = navlayer_layer::TechniqueEntry::new("T1059");
        t.score = Some(score);
        l.techniques.push(t);
        let back = parse_layers(to_json(&l, Style::Compact).as_bytes(), "r").expect("reads");
        assert_eq!(back[0].layer.techniques[0].score, Some(score), "{score}");
    }
}

/// Runs `f` and fails when it takes longer than `limit`: a liveness bound for inputs that were
/// quadratic (each case took 20–50 s before; linear reading takes well under a second, even in
/// a debug build), not a performance target.
fn within<T>(limit_s: u64, what: &str, f: impl FnOnce() -> T) -> T {
    let start = std::time::Instant::now();
    let out = f();
    let took = start.elapsed();
    assert!(
        took < std::time::Duration::from_secs(limit_s),
        "{what} took {took:?} (limit {limit_s} s): quadratic again?"
    );
    out
}

#[test]
fn a_technique_entry_with_80000_properties_is_read_in_linear_time() {
    let mut entry = String::from(r#"{"techniqueID":"T1059","score":1"#);
    for i in 0..80_000 {
        entry.push_str(&format!(r#","k{i}":{i}"#));
    }
    entry.push_str(r#","k7":"last","score":2}"#);
    let text = format!(r#"{{"name":"x","domain":"enterprise-attack","techniques":[{entry}]}}"#);
    // A debug build on a loaded machine takes a few seconds; the quadratic reader took 47 s
    // in a release build.
    let layers = within(30, "80,000 properties", || {
        parse_layers(text.as_bytes(), "h.json").expect("reads")
    });
    let t = &layers[0].layer.techniques[0];
    // Repeated keys keep their first position and take the last value, as before.
    assert_eq!(t.score, Some(2.0));
    assert_eq!(t.extra.len(), 80_000);
    assert_eq!(t.extra.get("k7"), Some(&serde_json::json!("last")));
    assert_eq!(t.extra.keys().nth(7).map(String::as_str), Some("k7"));
    let dups: Vec<_> = layers[0]
        .findings
        .iter()
        .filter(|f| f.message.starts_with("duplicate key"))
        .map(|f| f.pointer.as_str())
        .collect();
    assert_eq!(dups, ["/techniques/0/k7", "/techniques/0/score"]);
    within(10, "checking 80,000 properties", || {
        navlayer_layer::validate::check_layer(&layers[0].layer)
    });
}

#[test]
fn a_filter_of_100000_platforms_is_read_and_validated_in_linear_time() {
    let platforms: Vec<String> = (0..100_000).map(|i| format!("\"p{i}\"")).collect();
    let text = format!(
        r#"{{"name":"x","domain":"enterprise-attack","versions":{{"layer":"4.5"}},"filters":{{"platforms":[{},"windows","Windows"]}},"techniques":[]}}"#,
        platforms.join(",")
    );
    let layers = within(10, "100,000 platforms", || {
        parse_layers(text.as_bytes(), "h.json").expect("reads")
    });
    let kept = layers[0]
        .layer
        .filters
        .as_ref()
        .unwrap()
        .platforms
        .as_ref()
        .unwrap();
    // Duplicates (after renaming old names) are dropped, the order kept.
    assert_eq!(kept.len(), 100_001);
    assert_eq!(kept.last().map(String::as_str), Some("Windows"));
    let cat = navlayer_testdata::catalogue("enterprise-attack-18.1.json");
    let findings = within(10, "validating 100,000 platforms", || {
        navlayer_layer::validate::validate_with_catalogue(&layers[0].layer, &cat)
    });
    assert_eq!(
        findings
            .iter()
            .filter(|f| f.pointer.starts_with("/filters/platforms/"))
            .count(),
        100_000
    );
}

#[test]
fn twenty_thousand_layers_with_duplicate_keys_are_read_in_linear_time() {
    let one = r#"{"name":"same","name":"same","domain":"enterprise-attack","techniques":[{"techniqueID":"T1059","score":1,"score":2}]}"#;
    let text = format!("[{}]", vec![one; 20_000].join(","));
    let layers = within(20, "20,000 layers", || {
        parse_layers(text.as_bytes(), "h.json").expect("reads")
    });
    assert_eq!(layers.len(), 20_000);
    // Each layer gets its own duplicates while the file's first 1,000 are listed; the count of
    // the rest is reported once.
    let of = |i: usize| {
        layers[i]
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Error && f.message.contains("duplicate"))
            .map(|f| f.pointer.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(of(1), ["/1/name", "/1/techniques/0/score"]);
    assert!(of(0).iter().any(|p| p == "/0/name"));
    assert!(
        layers[0]
            .findings
            .iter()
            .any(|f| f.message == "39000 more duplicate keys (only the first 1000 are listed)"),
        "{:?}",
        of(0)
    );
    assert!(of(19_999).is_empty());
}
