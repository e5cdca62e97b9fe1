//! Atomic Red Team (`atomics/T*/T*.yaml`), read as its generator (`bin/generate-atomic-docs.rb`)
//! reads them for its Navigator layers: each atomic test is an item of the file's
//! `attack_technique`, with its `supported_platforms`; a sub-technique's tests also count for
//! its parent (the default sub-technique mode for this format is `rollup`). The link is the
//! technique's page in the repository, as the published layers have it ("View Atomic").

use serde::Deserialize;

use super::{looks_like_technique, FileParse, ParseContext};
use crate::input::{text_of, FileReport, Input};
use crate::item::{Item, TechRef};
use crate::yaml::{self, Scalar, Scalars};

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct AtomicFile {
    attack_technique: Scalar,
    display_name: Scalar,
    atomic_tests: Vec<Test>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Test {
    name: Scalar,
    auto_generated_guid: Scalar,
    supported_platforms: Scalars,
}

const TEST_FIELDS: yaml::Select = yaml::Select(&[
    ("name", None),
    ("auto_generated_guid", None),
    ("supported_platforms", None),
]);

/// The fields of [`AtomicFile`], for the YAML fast path.
const FILE_FIELDS: yaml::Select = yaml::Select(&[
    ("attack_technique", None),
    ("display_name", None),
    ("atomic_tests", Some(&TEST_FIELDS)),
]);

/// True for `T1003.yaml`, `T1003.001.yml`.
pub(super) fn is_technique_file(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let Some(stem) = lower
        .strip_suffix(".yaml")
        .or_else(|| lower.strip_suffix(".yml"))
    else {
        return false;
    };
    looks_like_technique(stem)
}

/// Parses one atomic file.
pub(super) fn parse(input: &Input, _ctx: &ParseContext<'_>) -> FileParse {
    let text = match text_of(&input.bytes) {
        Ok(t) => t,
        Err((msg, at)) => return FileParse::new(FileReport::failed(&input.name, msg, Some(at))),
    };
    let file = match yaml::document_selected::<AtomicFile>(text, &FILE_FIELDS) {
        Ok(Some(f)) => f,
        Ok(None) => return FileParse::new(FileReport::skipped(&input.name, "empty YAML file")),
        Err(e) => {
            return FileParse::new(FileReport::failed(
                &input.name,
                format!("YAML: {}", e.message),
                e.at,
            ))
        }
    };
    let Some(technique) = file.attack_technique.text() else {
        return FileParse::new(FileReport::skipped(
            &input.name,
            "no attack_technique: not an atomic technique file",
        ));
    };
    let technique = technique.to_string();
    let url = looks_like_technique(&technique).then(|| {
        format!("https://github.com/redcanaryco/atomic-red-team/blob/master/atomics/{technique}/{technique}.md")
    });
    let mut out = FileParse::new(FileReport::parsed(&input.name));
    for (i, test) in file.atomic_tests.iter().enumerate() {
        if !test.supported_platforms.is_list() {
            out.report
                .notes
                .push(format!("test {}: supported_platforms is not a list", i + 1));
        }
        let name = test.name.text().map(str::to_string).unwrap_or_else(|| {
            format!(
                "{} test {}",
                file.display_name.text().unwrap_or(&technique),
                i + 1
            )
        });
        out.items.push(Item {
            name,
            id: test.auto_generated_guid.text().map(str::to_string),
            url: url.clone(),
            file: 0,
            weight: None,
            platforms: Some(
                test.supported_platforms
                    .texts()
                    .into_iter()
                    .map(str::to_ascii_lowercase)
                    .collect(),
            ),
            tactics: Vec::new(),
            refs: vec![TechRef::new(technique.as_str())],
        });
    }
    if file.atomic_tests.is_empty() {
        out.report.notes.push("no atomic tests".to_string());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::options::MappingFilter;

    #[test]
    fn each_test_is_an_item_of_the_technique() {
        let text = "attack_technique: T1003.001\ndisplay_name: LSASS\natomic_tests:\n\
                    - name: one\n  auto_generated_guid: g1\n  supported_platforms: [windows]\n\
                    - name: two\n  supported_platforms: [linux, macos]\n";
        let f = MappingFilter::default();
        let ctx = ParseContext {
            weight: None,
            include_deprecated: false,
            min_level: None,
            min_status: None,
            mappings: &f,
        };
        let out = parse(&Input::new("T1003.001.yaml", text), &ctx);
        assert_eq!(out.items.len(), 2);
        assert_eq!(
            out.items[1].platforms.as_ref().unwrap(),
            &["linux", "macos"]
        );
        assert_eq!(out.items[0].refs[0].id, "T1003.001");
        assert!(out.items[0]
            .url
            .as_deref()
            .unwrap()
            .ends_with("T1003.001/T1003.001.md"));
        assert!(is_technique_file("T1003.yaml"));
        assert!(!is_technique_file("index.yaml"));
    }

    /// The YAML fast path against the full deserialiser, file by file, on the real corpus.
    #[test]
    fn fast_path_reads_the_corpus_as_the_full_path() {
        let dir = navlayer_testdata::shared_dir().join("rules-corpus/atomic-red-team/atomics");
        let files = yaml::assert_fast_path_on_corpus::<AtomicFile>(
            &dir,
            super::super::Format::Atomic,
            &FILE_FIELDS,
        );
        assert!(files > 300, "{files} files");
    }
}
