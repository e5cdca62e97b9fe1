//! Times reading and parsing rule files, without the ATT&CK data:
//! `cargo run --release -p navlayer-coverage --example parse_bench -- sigma DIR… [--runs N]`.
use std::path::PathBuf;
use std::time::Instant;

use navlayer_coverage::{parse_entries, read_paths, CoverageOptions, Format};

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut runs = 5;
    if let Some(i) = args.iter().position(|a| a == "--runs") {
        runs = args[i + 1].parse().expect("--runs N");
        args.drain(i..i + 2);
    }
    let format: Format = args[0].parse().expect("a format");
    let paths: Vec<PathBuf> = args[1..].iter().map(PathBuf::from).collect();
    let options = CoverageOptions::default();
    let mut read = Vec::new();
    let mut parse = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        let entries = read_paths(&paths, format, &options.limits).expect("readable paths");
        read.push(t.elapsed().as_secs_f64());
        let t = Instant::now();
        let parsed = parse_entries(format, entries, &options).expect("parsed");
        parse.push(t.elapsed().as_secs_f64());
        std::hint::black_box(parsed);
    }
    read.sort_by(f64::total_cmp);
    parse.sort_by(f64::total_cmp);
    println!(
        "read {:.1} ms, parse {:.1} ms (medians of {runs})",
        read[runs / 2] * 1e3,
        parse[runs / 2] * 1e3
    );
}
