//! Loads a bundle and prints how long it took and what it holds: `cargo run --release --example load -- FILE`.
use std::time::Instant;

use navlayer_attack::{Catalogue, LoadOptions};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).ok_or("usage: load FILE")?;
    let start = Instant::now();
    let bytes = std::fs::read(&path)?;
    let read = start.elapsed();
    let t = Instant::now();
    let _: serde::de::IgnoredAny = serde_json::from_slice(&bytes)?;
    let bare = t.elapsed();
    let t = Instant::now();
    let cat = Catalogue::from_slice(&bytes, path.as_ref(), &LoadOptions::default())?;
    let load = t.elapsed();
    println!(
        "{} {} spec {}: read {:?}, bare parse {:?}, catalogue {:?}, {} objects, {} relationships",
        cat.domain(),
        cat.release(),
        cat.spec_version(),
        read,
        bare,
        load,
        cat.objects().len(),
        cat.relationships().len()
    );
    Ok(())
}
