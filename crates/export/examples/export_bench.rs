//! Times the export of a release in process: loading with the STIX JSON, building the sheets,
//! writing the XLSX files; medians over several runs.
//!
//! `cargo run --release -p navlayer-export --example export_bench -- BUNDLE OUT_DIR [--runs N] [--csv]`
use std::time::Instant;

use navlayer_attack::{Catalogue, LoadOptions};

/// CPU time of this process so far (user + system), in ms, from /proc (Linux; 0 elsewhere).
fn cpu_ms() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let fields: Vec<&str> = stat
        .rsplit_once(") ")
        .map(|(_, rest)| rest.split(' ').collect())
        .unwrap_or_default();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // utime and stime are fields 14 and 15 of stat (11 and 12 after the command name), in
    // clock ticks of 10 ms.
    (ticks(11) + ticks(12)) * 10.0
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .ok_or("usage: export_bench BUNDLE OUT_DIR [--runs N] [--csv]")?;
    let out = args
        .next()
        .ok_or("usage: export_bench BUNDLE OUT_DIR [--runs N] [--csv]")?;
    let mut runs = 5usize;
    let mut csv = false;
    while let Some(a) = args.next() {
        match a.as_str() {
            "--runs" => runs = args.next().ok_or("--runs N")?.parse()?,
            "--csv" => csv = true,
            other => return Err(format!("unknown argument {other}").into()),
        }
    }
    let (mut load, mut build, mut write) = (Vec::new(), Vec::new(), Vec::new());
    let mut cpu = [Vec::new(), Vec::new(), Vec::new()];
    for _ in 0..runs.max(1) {
        let c0 = cpu_ms();
        let t = Instant::now();
        let options = LoadOptions {
            keep_raw_json: true,
            ..LoadOptions::default()
        };
        let cat = Catalogue::load(path.as_ref(), &options)?;
        load.push(t.elapsed().as_secs_f64() * 1e3);
        let c1 = cpu_ms();
        let t = Instant::now();
        let export = navlayer_export::export(&cat)?;
        build.push(t.elapsed().as_secs_f64() * 1e3);
        let c2 = cpu_ms();
        let t = Instant::now();
        if csv {
            export.write_csv(out.as_ref(), true)?;
        } else {
            export.write_xlsx(out.as_ref(), true)?;
        }
        write.push(t.elapsed().as_secs_f64() * 1e3);
        let c3 = cpu_ms();
        cpu[0].push(c1 - c0);
        cpu[1].push(c2 - c1);
        cpu[2].push(c3 - c2);
    }
    let (l, b, w) = (median(load), median(build), median(write));
    let [cl, cb, cw] = cpu.map(median);
    println!(
        "median of {runs}: load {l:.0} ms, build sheets {b:.0} ms, write {w:.0} ms, total {:.0} ms \
         (CPU: load {cl:.0} ms, build {cb:.0} ms, write {cw:.0} ms)",
        l + b + w
    );
    Ok(())
}
