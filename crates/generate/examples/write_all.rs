//! Writes every layer of a bundle into a folder (what `navlayer generate all` does), for comparing
//! with `tools/website_layers.py compare`:
//!
//! `cargo run --release -p navlayer-generate --example write_all -- BUNDLE.json OUT_DIR`

use navlayer_attack::{Catalogue, LoadOptions};
use navlayer_generate::{write_layers, GenerateOptions, Generator};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(bundle), Some(out)) = (args.next(), args.next()) else {
        return Err("usage: write_all BUNDLE.json OUT_DIR".into());
    };
    let catalogue = Catalogue::load(bundle.as_ref(), &LoadOptions::default())?;
    let generator = Generator::new(&catalogue, GenerateOptions::default());
    let outcome = generator.generate_all(&[]);
    let written = write_layers(out.as_ref(), &outcome.layers, true, &|_| {})?;
    println!(
        "{}: {} layers, {} skipped, {} failed",
        bundle,
        written.len(),
        outcome.skipped.len(),
        outcome.failed.len()
    );
    Ok(())
}
