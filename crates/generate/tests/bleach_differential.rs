//! `bleach_clean` against the real `bleach.clean(text, tags=[], strip=True)` (bleach 6.0.0):
//! `fixtures/bleach_cases.json` holds 3,000 random HTML-ish strings (tags, comments, doctypes,
//! entities, block-level tags, control characters, CR/LF, non-ASCII) with bleach's output, made by
//! `tools/website_layers.py bleach-cases 3000 7`.

use navlayer_generate::bleach_clean;
use proptest::prelude::*;

#[test]
fn matches_bleach_on_3000_random_inputs() {
    let text = include_str!("fixtures/bleach_cases.json");
    let cases: Vec<(String, String)> = serde_json::from_str(text).expect("fixture parses");
    assert_eq!(cases.len(), 3000);
    let failures: Vec<String> = cases
        .iter()
        .filter(|(input, expected)| bleach_clean(input) != *expected)
        .map(|(input, expected)| {
            format!(
                "{input:?}: bleach {expected:?}, ours {:?}",
                bleach_clean(input)
            )
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of 3000 differ:\n{}",
        failures.len(),
        failures[..failures.len().min(20)].join("\n")
    );
}

/// More cases from a file made by `website_layers.py bleach-cases N SEED`, when
/// `NAVLAYER_BLEACH_CASES` names one (for longer differential runs than the committed fixture).
#[test]
fn matches_bleach_on_extra_cases_when_given() {
    let Some(path) = std::env::var_os("NAVLAYER_BLEACH_CASES") else {
        return;
    };
    let text = std::fs::read_to_string(&path).expect("NAVLAYER_BLEACH_CASES file");
    let cases: Vec<(String, String)> = serde_json::from_str(&text).expect("cases parse");
    let failures: Vec<&(String, String)> = cases
        .iter()
        .filter(|(i, e)| bleach_clean(i) != *e)
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} differ: {:?}",
        failures.len(),
        cases.len(),
        &failures[..failures.len().min(10)]
    );
}

proptest! {
    /// No markup survives: the output never holds a raw `<` or `>`.
    #[test]
    fn output_has_no_markup(input in "[<>&;/!a-zA-Z0-9 \"'=#\\-\n]{0,40}") {
        let out = bleach_clean(&input);
        prop_assert!(!out.contains('<') && !out.contains('>'), "{:?} -> {:?}", input, out);
    }

    /// Cleaning is idempotent: a cleaned comment cleans to itself.
    #[test]
    fn cleaning_is_idempotent(input in "[<>&;/!a-zA-Z0-9 \"'=#\\-\n]{0,40}") {
        let once = bleach_clean(&input);
        prop_assert_eq!(bleach_clean(&once), once);
    }

    /// Text without markup characters is returned unchanged.
    #[test]
    fn plain_text_is_unchanged(input in "[a-zA-Z0-9 .,()\\[\\]:/\n\t\u{e9}\u{4e2d}]{0,60}") {
        prop_assert_eq!(bleach_clean(&input), input);
    }
}
