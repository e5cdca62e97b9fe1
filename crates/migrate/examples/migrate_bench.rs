//! Timing: migrating 100 official layers from enterprise 16.1 to 18.1.
//!
//! ```sh
//! cargo run --release -p navlayer-migrate --example migrate_bench -- ../shared/attack-data [RUNS] [--write DIR]
//! ```
//!
//! Each run loads both releases (in parallel, as `navlayer migrate` does) and migrates the first
//! 100 group layers attack.mitre.org would publish for 16.1 (built once, before timing). Prints
//! the median and every run, for "load + migrate" and for "migrate only". With `--write DIR`, also
//! writes the 100 input layers to DIR (for timing the binary with bench/migrate.sh).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use navlayer_attack::{Catalogue, LoadOptions};
use navlayer_generate::{GenerateOptions, Generator, LayerKind};
use navlayer_layer::{parse_layers, Layer};
use navlayer_migrate::{migrate_layer, MigrateOptions, ReleasePair};

fn load(dir: &Path, name: &str) -> Result<Catalogue, Box<dyn std::error::Error>> {
    Ok(Catalogue::load(&dir.join(name), &LoadOptions::default())?)
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let dir = PathBuf::from(
        args.first()
            .ok_or("usage: migrate_bench DATA_DIR [RUNS] [--write DIR]")?,
    );
    let runs: usize = args
        .get(1)
        .filter(|a| !a.starts_with("--"))
        .map(|a| a.parse())
        .transpose()?
        .unwrap_or(7);
    let write_dir = args
        .iter()
        .position(|a| a == "--write")
        .and_then(|i| args.get(i + 1))
        .map(PathBuf::from);

    let c16 = load(&dir, "enterprise-attack-16.1.json")?;
    let generator = Generator::new(&c16, GenerateOptions::default());
    let outcome = generator.generate_all(&[LayerKind::Group]);
    let generated: Vec<_> = outcome.layers.into_iter().take(100).collect();
    if generated.len() < 100 {
        return Err(format!("only {} group layers", generated.len()).into());
    }
    let mut layers: Vec<Layer> = Vec::new();
    for g in &generated {
        let json = g.to_json();
        if let Some(w) = &write_dir {
            std::fs::create_dir_all(w)?;
            std::fs::write(w.join(g.file_name()), &json)?;
        }
        layers.extend(
            parse_layers(json.as_bytes(), &g.file_name())?
                .into_iter()
                .map(|l| l.layer),
        );
    }
    let entries: usize = layers.iter().map(|l| l.techniques.len()).sum();
    drop(c16);

    let options = MigrateOptions::default();
    let mut total = Vec::new();
    let mut migrate_only = Vec::new();
    for _ in 0..runs {
        let start = Instant::now();
        let (from, to) = std::thread::scope(|s| {
            let a =
                s.spawn(|| load(&dir, "enterprise-attack-16.1.json").map_err(|e| e.to_string()));
            let b = load(&dir, "enterprise-attack-18.1.json").map_err(|e| e.to_string());
            (a.join().map_err(|_| "load thread".to_string()), b)
        });
        let (from, to) = (from??, to?);
        let loaded = start.elapsed();
        let pair = ReleasePair::new(&from, &to)?;
        let mut out = 0;
        for l in &layers {
            out += migrate_layer(&pair, l, &options)?.layer.techniques.len();
        }
        let done = start.elapsed();
        std::hint::black_box(out);
        total.push(done);
        migrate_only.push(done - loaded);
    }
    let ms = |d: &Duration| format!("{:.1} ms", d.as_secs_f64() * 1000.0);
    println!(
        "100 layers ({entries} entries), enterprise 16.1 -> 18.1, {runs} runs\n  load both + migrate: median {}  [{}]\n  migrate only:        median {}  [{}]",
        ms(&median(total.clone())),
        total.iter().map(ms).collect::<Vec<_>>().join(", "),
        ms(&median(migrate_only.clone())),
        migrate_only.iter().map(ms).collect::<Vec<_>>().join(", "),
    );
    Ok(())
}
