//! Test support for the navlayer crates: finds the shared test data (real ATT&CK releases,
//! reference layers, the layer corpus) through the `NAVLAYER_SHARED` environment variable, and
//! loads each release once per test process.
//!
//! `.ci/run` sets `NAVLAYER_SHARED` to `../shared`. When it is missing, tests fail with a message
//! saying where to get the data; they never skip silently.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use navlayer_attack::{Catalogue, LoadOptions};

/// The environment variable naming the shared data folder.
pub const SHARED_VAR: &str = "NAVLAYER_SHARED";

/// The shared folder (holding `attack-data/`, `reference/`, `layers-corpus/`).
///
/// # Panics
/// When `NAVLAYER_SHARED` is unset or does not hold `attack-data/`: tests need the real data.
pub fn shared_dir() -> PathBuf {
    let Some(dir) = std::env::var_os(SHARED_VAR) else {
        panic!(
            "{SHARED_VAR} is not set. Integration tests read real ATT&CK releases from it: set it to the \
             folder holding attack-data/, reference/ and layers-corpus/ (CI uses ../shared, i.e. \
             `{SHARED_VAR}=$PWD/../shared cargo test --workspace`). ATT&CK bundles can be fetched with \
             `navlayer data fetch` or downloaded from github.com/mitre-attack/attack-stix-data."
        )
    };
    let dir = PathBuf::from(dir);
    let dir = if dir.is_relative() {
        // cargo runs tests from the crate folder; resolve against the workspace root.
        workspace_root().join(dir)
    } else {
        dir
    };
    assert!(
        dir.join("attack-data").is_dir(),
        "{SHARED_VAR}={} does not hold an attack-data/ folder; point it at the shared test data folder",
        dir.display()
    );
    dir
}

/// The workspace root (two levels above this crate).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// `…/attack-data`.
pub fn attack_data_dir() -> PathBuf {
    shared_dir().join("attack-data")
}

/// A bundle in `attack-data`, e.g. `enterprise-attack-18.1.json` or `stix20/ics-attack-18.1.json`.
pub fn bundle_path(name: &str) -> PathBuf {
    let p = attack_data_dir().join(name);
    assert!(p.is_file(), "missing test bundle {}", p.display());
    p
}

/// Every bundle file in `attack-data` (including `stix20/`), sorted.
pub fn all_bundles() -> Vec<PathBuf> {
    let mut out = Vec::new();
    for dir in [attack_data_dir(), attack_data_dir().join("stix20")] {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if name.ends_with(".json") && name.contains("-attack-") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// `…/reference`.
pub fn reference_dir() -> PathBuf {
    shared_dir().join("reference")
}

/// `…/layers-corpus`.
pub fn layers_corpus_dir() -> PathBuf {
    shared_dir().join("layers-corpus")
}

/// Loads a bundle of `attack-data` once per process and shares it.
pub fn catalogue(name: &str) -> Arc<Catalogue> {
    static CACHE: OnceLock<Mutex<HashMap<String, Arc<Catalogue>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(c) = cache.lock().expect("cache lock").get(name) {
        return c.clone();
    }
    let loaded = Arc::new(
        Catalogue::load(&bundle_path(name), &LoadOptions::default())
            .unwrap_or_else(|e| panic!("loading {name}: {e}")),
    );
    cache
        .lock()
        .expect("cache lock")
        .entry(name.to_string())
        .or_insert(loaded)
        .clone()
}
