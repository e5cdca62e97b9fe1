//! HTML snapshots of real layers and the hostile layer.

#[path = "../../render/tests/common/mod.rs"]
mod common;

use navlayer_render::RenderOptions;

const TAGS: [&str; 29] = [
    "html", "head", "meta", "title", "style", "body", "header", "h1", "p", "span", "dl", "dt",
    "dd", "hr", "ul", "li", "a", "code", "section", "nav", "input", "button", "main", "h2",
    "small", "div", "aside", "h3", "script",
];

/// Every tag in the document is one the renderer writes, there are exactly two scripts (the
/// JSON data block and the page script), no inline event handler, and every link is http(s).
fn assert_inert(html: &str) {
    let lower = html.to_ascii_lowercase();
    let mut i = 0;
    while let Some(p) = lower[i..].find('<') {
        let start = i + p + 1;
        let rest = &lower[start..];
        let name: String = rest
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        if !rest.starts_with('!') {
            assert!(
                TAGS.contains(&name.as_str()),
                "unexpected tag <{name}> at {start}: {}",
                &html[start..(start + 60).min(html.len())]
            );
            // Inside a tag (escaped values hold no `>`), no event-handler attribute.
            let tag = &rest[..rest.find('>').unwrap_or(rest.len())];
            let words: Vec<&str> = tag.split([' ', '\t', '\n']).collect();
            for w in words.iter().skip(1) {
                assert!(
                    !(w.starts_with("on") && w.contains('=')),
                    "event handler in <{tag}>"
                );
            }
        }
        i = start;
    }
    assert_eq!(lower.matches("<script").count(), 2);
    assert!(lower.contains(r#"<script type="application/json" id="navlayer-data">"#));
    for (at, _) in lower.match_indices("href=\"") {
        let v = &lower[at + 6..];
        assert!(
            v.starts_with("https://") || v.starts_with("http://") || v.starts_with("mailto:"),
            "{}",
            &v[..40.min(v.len())]
        );
    }
    assert!(lower.contains("content-security-policy"));
}

#[test]
fn snapshots_of_real_layers() {
    for (name, path, bundle) in common::REAL_LAYERS {
        let view = common::real_view(path, bundle);
        let html = navlayer_render_html::html(&view, &RenderOptions::default());
        assert_inert(&html);
        insta::assert_snapshot!(format!("html_{name}"), html);
    }
}

#[test]
fn hostile_layer_stays_text() {
    let view = common::hostile_view();
    let html = navlayer_render_html::html(&view, &RenderOptions::default());
    assert_inert(&html);
    // The comment travels in the JSON block, escaped, and decodes back to the original.
    let start = html.find(r#"id="navlayer-data">"#).expect("data") + r#"id="navlayer-data">"#.len();
    let end = start + html[start..].find("</script>").expect("end");
    let data: serde_json::Value = serde_json::from_str(&html[start..end]).expect("json");
    let comments: Vec<&str> = data
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|c| c["comment"].as_str())
        .collect();
    assert!(comments.contains(&common::HOSTILE_COMMENT));
    // javascript: links are listed as text, never as href.
    assert!(html.contains("javascript:alert(document.cookie)"));
    assert!(!html.to_ascii_lowercase().contains("href=\"javascript"));
    let links = data
        .as_array()
        .expect("array")
        .iter()
        .flat_map(|c| c["links"].as_array().cloned().unwrap_or_default());
    for l in links {
        if l["url"]
            .as_str()
            .is_some_and(|u| u.to_ascii_lowercase().contains("javascript"))
        {
            assert_eq!(l["safe"], serde_json::Value::Bool(false));
        }
    }
}
