//! Benchmark: combining 26 layers of 1,000 entries each with a 26-variable expression.
//!
//! ```text
//! cargo run --release -p navlayer-ops --example combine_bench [RUNS]
//! ```
//!
//! Builds the layers in memory (deterministic pseudo-random scores over 800 technique IDs, a
//! quarter of the entries tactic-scoped), times `combine` RUNS times (default 30) and prints
//! the median, minimum and maximum in milliseconds.

use std::time::Instant;

use navlayer_layer::{Layer, TechniqueEntry};
use navlayer_ops::{combine, CombineOptions, Expr};

const TACTICS: [&str; 4] = ["execution", "persistence", "defense-evasion", "discovery"];

fn layers() -> Vec<Layer> {
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    (0..26)
        .map(|i| {
            let mut layer = Layer::new(format!("layer {i}"), "enterprise-attack");
            for _ in 0..1000 {
                let t = next() % 800;
                let id = if t < 300 {
                    format!("T{}", 1000 + t)
                } else {
                    format!("T{}.{:03}", 1000 + t % 300, t / 300)
                };
                let mut e = TechniqueEntry::new(id);
                if next() % 4 == 0 {
                    e.tactic = Some(TACTICS[(next() % 4) as usize].to_string());
                }
                if next() % 10 != 0 {
                    e.score = Some((next() % 100) as f64);
                }
                layer.techniques.push(e);
            }
            layer
        })
        .collect()
}

fn main() {
    let runs: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(30);
    let layers = layers();
    let text = "(a + b + c + d + e + f + g + h + i + j + k + l + m) / 13 \
                + max(n, o, p, q, r, s, t) - min(u, v, w) * 0.5 + (x > 50 and y > 50 ? z : 0)";
    let expr = match Expr::parse(text) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    assert_eq!(expr.variables().len(), 26);
    let options = CombineOptions::default();
    let mut times = Vec::with_capacity(runs);
    let mut entries = 0;
    for _ in 0..runs {
        let start = Instant::now();
        let out = match combine(&layers, &expr, &options) {
            Ok(out) => out,
            Err(e) => {
                eprintln!("{e}");
                std::process::exit(1);
            }
        };
        times.push(start.elapsed().as_secs_f64() * 1000.0);
        entries = out.techniques.len();
    }
    times.sort_by(f64::total_cmp);
    println!(
        "combine 26 layers x 1000 entries, 26 variables: {} result entries; {} runs: median {:.2} ms, min {:.2} ms, max {:.2} ms",
        entries,
        runs,
        times[runs / 2],
        times[0],
        times[runs - 1]
    );
}
