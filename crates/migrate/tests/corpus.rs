//! Every layer of the shared corpus that names an ATT&CK release up to 18 migrates to 18.1 of its
//! domain, and the report accounts for every entry.

use std::path::{Path, PathBuf};

use navlayer_attack::{parse_bundle_file_name, Domain, Release};
use navlayer_layer::read_layer_file;
use navlayer_migrate::{migrate_layer, pick_source_release, Action, MigrateOptions, ReleasePair};

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .map(|e| e.path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            files(&p, out);
        } else if p.extension().is_some_and(|x| x == "json") {
            out.push(p);
        }
    }
}

#[test]
fn corpus_layers_up_to_18_migrate_to_18_1_with_every_entry_accounted_for() {
    let data = navlayer_testdata::attack_data_dir();
    let available: Vec<(Domain, Release, String)> = std::fs::read_dir(&data)
        .expect("attack-data")
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().to_string();
            parse_bundle_file_name(&e.path()).map(|(d, r)| (d, r, name))
        })
        .collect();
    let target = Release {
        major: 18,
        minor: 1,
    };

    let mut paths = Vec::new();
    files(&navlayer_testdata::layers_corpus_dir(), &mut paths);
    assert!(paths.len() > 250, "corpus has {} files", paths.len());

    let (mut layers, mut entries, mut reported, mut dropped, mut fallbacks) = (0, 0, 0, 0, 0);
    for path in &paths {
        // Unreadable files (two are not JSON on purpose) are the reader's business.
        let Ok(loaded) = read_layer_file(path) else {
            continue;
        };
        for l in loaded {
            let layer = l.layer;
            let Some(named) = layer
                .versions
                .as_ref()
                .and_then(|v| v.attack.as_deref())
                .and_then(Release::parse)
            else {
                continue;
            };
            let Some(domain) = Domain::parse_lenient(&layer.domain) else {
                continue;
            };
            if named.major > 18 {
                continue;
            }
            let releases: Vec<Release> = available
                .iter()
                .filter(|(d, _, _)| *d == domain)
                .map(|(_, r, _)| *r)
                .collect();
            let (from, note) = pick_source_release(named, &releases, target);
            fallbacks += usize::from(note.is_some());
            let file = |r: Release| format!("{}-{r}.json", domain.stix_name());
            let (c_from, c_to) = (
                navlayer_testdata::catalogue(&file(from)),
                navlayer_testdata::catalogue(&file(target)),
            );
            let pair = ReleasePair::new(&c_from, &c_to).expect("one domain");
            let m = migrate_layer(&pair, &layer, &MigrateOptions::default())
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            m.report
                .check_accounting(&m.layer)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            assert_eq!(
                m.layer.versions.as_ref().and_then(|v| v.attack.as_deref()),
                Some("18")
            );
            layers += 1;
            entries += layer.techniques.len();
            reported += m.report.entries.len();
            dropped += m
                .report
                .entries
                .iter()
                .filter(|e| e.action == Action::Dropped)
                .inspect(|e| assert!(e.note.is_some(), "dropped without a reason: {e:?}"))
                .count();
        }
    }
    eprintln!(
        "{layers} layers, {entries} entries, {dropped} dropped, {fallbacks} with a fallback source"
    );
    // 130 layers in the corpus name an ATT&CK release of 8 to 18 in an ATT&CK domain
    // (versions.attack in the raw files, counted independently of navlayer).
    assert_eq!(layers, 130);
    assert_eq!(reported, entries);
    assert!(fallbacks > 0 && dropped < entries);
}
