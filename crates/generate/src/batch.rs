//! Every layer of a catalogue at once (in parallel), and writing them to a folder.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use navlayer_attack::{AttackObject, ObjectId};
use rayon::prelude::*;

use crate::{GenerateError, GeneratedLayer, Generator, LayerKind};

/// What `generate all` produced.
#[derive(Debug, Default)]
pub struct BatchOutcome {
    /// The layers, grouped by kind (in [`LayerKind::ALL`] order), objects in bundle order.
    pub layers: Vec<GeneratedLayer>,
    /// Objects used in no technique of the domain (no layer, as on the website).
    pub skipped: Vec<ObjectId>,
    /// Objects whose layer could not be built (malformed data).
    pub failed: Vec<(ObjectId, GenerateError)>,
}

impl<'a> Generator<'a> {
    /// The objects the website lists for a kind, in bundle order: not revoked (mitigations: nor
    /// deprecated), with an ATT&CK ID, one per ATT&CK ID (a non-deprecated object over a
    /// deprecated one, else the most recently modified).
    pub fn objects_of(&self, kind: LayerKind) -> Vec<ObjectId> {
        let cat = self.catalogue();
        let mut chosen: Vec<ObjectId> = Vec::new();
        let mut by_attack_id: HashMap<&str, usize> = HashMap::new();
        for id in cat.ids() {
            let o = cat.object(id);
            if LayerKind::of_object(o.kind) != Some(kind) || o.revoked {
                continue;
            }
            if kind == LayerKind::Mitigation && o.deprecated {
                continue;
            }
            let Some(attack_id) = o.attack_id.as_deref() else {
                continue;
            };
            match by_attack_id.get(attack_id) {
                None => {
                    by_attack_id.insert(attack_id, chosen.len());
                    chosen.push(id);
                }
                Some(&slot) => {
                    if replaces(o, cat.object(chosen[slot])) {
                        chosen[slot] = id;
                    }
                }
            }
        }
        chosen
    }

    /// Every layer of the given kinds (all kinds when `kinds` is empty), built in parallel.
    pub fn generate_all(&self, kinds: &[LayerKind]) -> BatchOutcome {
        let kinds: Vec<LayerKind> = if kinds.is_empty() {
            LayerKind::ALL.to_vec()
        } else {
            LayerKind::ALL
                .iter()
                .copied()
                .filter(|k| kinds.contains(k))
                .collect()
        };
        let objects: Vec<ObjectId> = kinds.iter().flat_map(|&k| self.objects_of(k)).collect();
        let results: Vec<(ObjectId, Result<GeneratedLayer, GenerateError>)> = objects
            .par_iter()
            .map(|&id| (id, self.generate(id)))
            .collect();
        let mut outcome = BatchOutcome::default();
        for (id, result) in results {
            match result {
                Ok(layer) => outcome.layers.push(layer),
                Err(e) if e.is_no_techniques() => outcome.skipped.push(id),
                Err(e) => outcome.failed.push((id, e)),
            }
        }
        outcome
    }
}

/// The website's `add_replace_or_ignore` between two objects with the same ATT&CK ID.
fn replaces(new: &AttackObject, current: &AttackObject) -> bool {
    match (current.deprecated, new.deprecated) {
        (false, true) => false,
        (true, false) => true,
        _ => new.modified > current.modified,
    }
}

/// Writes layers into `dir` under the website's file names, in parallel. Each file is written to
/// a temporary file in `dir` and renamed into place. Unless `force`, nothing is written when any
/// target file exists (the error names the first one). `on_written` is called once per file.
pub fn write_layers(
    dir: &Path,
    layers: &[GeneratedLayer],
    force: bool,
    on_written: &(dyn Fn(&GeneratedLayer) + Sync),
) -> Result<Vec<PathBuf>, GenerateError> {
    std::fs::create_dir_all(dir).map_err(|source| GenerateError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let paths: Vec<PathBuf> = layers.iter().map(|l| dir.join(l.file_name())).collect();
    if !force {
        if let Some(existing) = paths.iter().find(|p| p.exists()) {
            return Err(GenerateError::Exists {
                path: existing.clone(),
            });
        }
    }
    layers
        .par_iter()
        .zip(paths.par_iter())
        .try_for_each(|(layer, path)| {
            write_atomically(dir, path, layer.to_json().as_bytes())?;
            on_written(layer);
            Ok(())
        })?;
    Ok(paths)
}

/// Temporary file in `dir`, then rename over `path`.
fn write_atomically(dir: &Path, path: &Path, bytes: &[u8]) -> Result<(), GenerateError> {
    let io = |source| GenerateError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".navlayer-");
    // A layer is ordinary data, readable like any file the user creates, not private like a
    // temporary file.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o644));
    }
    let mut tmp = builder.tempfile_in(dir).map_err(io)?;
    tmp.write_all(bytes).map_err(io)?;
    tmp.persist(path).map_err(|e| io(e.error))?;
    Ok(())
}
