//! Times the load path in process: a bare serde_json pass over the bundle (the floor: every byte
//! parsed, nothing kept) against the full catalogue load, medians over several runs.
//!
//! `cargo run --release -p navlayer-attack --example load -- FILE [--runs N] [--json] [--raw]`
//!
//! With `--raw` the catalogue keeps every object's STIX JSON ([`LoadOptions::keep_raw_json`]) and
//! is read from the file (`Catalogue::load`), as a binding that returns the JSON would;
//! `--from-file` reads the file in each run without keeping the JSON (the same path without it).
use std::time::Instant;

use navlayer_attack::{Catalogue, LoadOptions};

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args.next().ok_or("usage: load FILE [--runs N] [--json]")?;
    let mut runs = 11usize;
    let mut json = false;
    let mut raw = false;
    let mut from_file = false;
    while let Some(a) = args.next() {
        match a.as_str() {
            "--runs" => runs = args.next().ok_or("--runs N")?.parse()?,
            "--json" => json = true,
            "--raw" => raw = true,
            "--from-file" => from_file = true,
            other => return Err(format!("unknown argument {other}").into()),
        }
    }
    let bytes = std::fs::read(&path)?;
    let mut bare = Vec::new();
    let mut load = Vec::new();
    let mut summary = String::new();
    for _ in 0..runs.max(1) {
        let t = Instant::now();
        let _: serde::de::IgnoredAny = serde_json::from_slice(&bytes)?;
        bare.push(t.elapsed().as_secs_f64() * 1e3);
        let t = Instant::now();
        let cat = if raw || from_file {
            let options = LoadOptions {
                keep_raw_json: raw,
                ..LoadOptions::default()
            };
            let cat = Catalogue::load(path.as_ref(), &options)?;
            assert_eq!(cat.has_raw_json(), raw);
            cat
        } else {
            Catalogue::from_slice(&bytes, path.as_ref(), &LoadOptions::default())?
        };
        load.push(t.elapsed().as_secs_f64() * 1e3);
        summary = format!(
            "{} {}: {} objects, {} relationships",
            cat.domain(),
            cat.release(),
            cat.objects().len(),
            cat.relationships().len()
        );
    }
    let (b, l) = (median(bare), median(load));
    if json {
        println!(
            "{{\"runs\": {runs}, \"bare_parse_ms\": {b:.2}, \"catalogue_ms\": {l:.2}, \"ratio\": {:.3}}}",
            l / b
        );
    } else {
        println!(
            "{summary}\nmedian of {runs}: bare serde_json parse {b:.1} ms, catalogue load {l:.1} ms ({:.2}x)",
            l / b
        );
    }
    Ok(())
}
