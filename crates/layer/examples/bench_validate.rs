//! Benchmark: read and validate a layer of 10,000 technique entries against an ATT&CK release,
//! after the catalogue is loaded. Prints the median, min and max of several runs.
//!
//! `cargo run --release -p navlayer-layer --example bench_validate -- [BUNDLE] [RUNS]`
//! (BUNDLE defaults to $NAVLAYER_SHARED/attack-data/enterprise-attack-18.1.json). See
//! `bench/layer-validate.sh`.

use std::path::PathBuf;
use std::time::Instant;

use navlayer_attack::{Catalogue, LoadOptions};
use navlayer_layer::read::parse_layers;
use navlayer_layer::validate::counts;
use navlayer_layer::write::{to_json, Style};
use navlayer_layer::{Layer, MetadataItem, TechniqueEntry};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let bundle = match args.next() {
        Some(p) => PathBuf::from(p),
        None => {
            let shared = std::env::var_os("NAVLAYER_SHARED")
                .ok_or("pass a bundle path or set NAVLAYER_SHARED")?;
            PathBuf::from(shared).join("attack-data/enterprise-attack-18.1.json")
        }
    };
    let runs: usize = args.next().map(|r| r.parse()).transpose()?.unwrap_or(31);
    let catalogue = Catalogue::load(&bundle, &LoadOptions::default())?;

    // 10,000 entries: every (technique, tactic) pair of the release, repeated with different
    // annotations until there are 10,000 (so there are duplicates, as real big layers have).
    let pairs: Vec<(String, String)> = catalogue
        .active_techniques()
        .flat_map(|id| {
            let o = catalogue.object(id);
            let tid = o.attack_id.clone().unwrap_or_default();
            o.tactics
                .iter()
                .map(move |t| (tid.clone(), t.clone()))
                .collect::<Vec<_>>()
        })
        .collect();
    let mut layer = Layer::new("bench 10k", catalogue.domain().stix_name());
    if let Some(v) = layer.versions.as_mut() {
        v.attack = Some(catalogue.release().major.to_string());
        v.navigator = Some("5.1.0".into());
    }
    for i in 0..10_000 {
        let (tid, tactic) = &pairs[i % pairs.len()];
        let mut t = TechniqueEntry::new(tid.clone());
        t.tactic = Some(tactic.clone());
        t.score = Some((i % 100) as f64);
        t.color = Some(if i % 3 == 0 {
            "#ff6666".into()
        } else {
            String::new()
        });
        if std::env::var_os("BENCH_LEAN").is_some() {
            // A lean layer: ID, tactic, score and colour only (as most generated layers are).
            layer.techniques.push(t);
            continue;
        }
        t.comment = Some(format!("entry {i}"));
        t.enabled = Some(i % 7 != 0);
        t.metadata = Some(vec![MetadataItem {
            name: Some("source".into()),
            value: Some(format!("report {}", i % 13)),
            ..MetadataItem::default()
        }]);
        layer.techniques.push(t);
    }
    let text = to_json(&layer, Style::Pretty);

    let mut times = Vec::with_capacity(runs);
    let mut cpu_times = Vec::with_capacity(runs);
    let mut summary = (0, 0, 0);
    for _ in 0..runs {
        let start = Instant::now();
        let cpu_start = thread_cpu_ms();
        let loaded = parse_layers(text.as_bytes(), "bench")?;
        let findings = loaded[0].validate(Some(&catalogue));
        cpu_times.push(thread_cpu_ms() - cpu_start);
        times.push(start.elapsed().as_secs_f64() * 1000.0);
        summary = counts(&findings);
    }
    times.sort_by(f64::total_cmp);
    cpu_times.sort_by(f64::total_cmp);
    if std::env::var_os("BENCH_PHASES").is_some() {
        let t = Instant::now();
        let loaded = parse_layers(text.as_bytes(), "bench")?;
        let parse = t.elapsed();
        let t = Instant::now();
        let _ = navlayer_layer::validate::validate_with_catalogue(&loaded[0].layer, &catalogue);
        let check = t.elapsed();
        let t = Instant::now();
        let _: serde_json::Value = serde_json::from_str(&text)?;
        let plain = t.elapsed();
        eprintln!("phases: read {parse:?} (plain serde_json Value parse {plain:?}), catalogue checks {check:?}");
    }
    println!(
        "read + validate {} entries ({} KB) against {} {}: median {:.2} ms, min {:.2} ms, max {:.2} ms over {runs} runs (findings: {} errors, {} warnings, {} infos)",
        layer.techniques.len(),
        text.len() / 1024,
        catalogue.domain(),
        catalogue.release(),
        times[times.len() / 2],
        times[0],
        times[times.len() - 1],
        summary.0,
        summary.1,
        summary.2
    );
    println!(
        "thread CPU time: median {:.2} ms, min {:.2} ms (wall time is inflated when other processes share the CPU)",
        cpu_times[cpu_times.len() / 2],
        cpu_times[0]
    );
    Ok(())
}

/// CPU time of the calling thread, in ms.
fn thread_cpu_ms() -> f64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes into the timespec we own.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    ts.tv_sec as f64 * 1000.0 + ts.tv_nsec as f64 / 1.0e6
}
