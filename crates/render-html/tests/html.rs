//! HTML snapshots of every layout on real layers (the page's CSS and script left out: they are
//! the same in every file), the layouts' markup, and the hostile layer.

#[path = "../../render/tests/common/mod.rs"]
mod common;

use navlayer_render::{LayoutKind, RenderOptions, Scores};

const TAGS: [&str; 30] = [
    "html", "head", "meta", "title", "style", "body", "header", "h1", "p", "span", "dl", "dt",
    "dd", "hr", "ul", "li", "a", "code", "section", "nav", "input", "button", "main", "h2", "sub",
    "div", "aside", "h3", "script", "small",
];

/// The attribute names of a start tag (quoted values skipped).
fn attribute_names(tag: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut chars = tag.chars().peekable();
    // Skip the tag name.
    while chars.peek().is_some_and(|c| !c.is_whitespace()) {
        chars.next();
    }
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        let name: String =
            std::iter::from_fn(|| chars.next_if(|c| !c.is_whitespace() && *c != '=')).collect();
        if name.is_empty() {
            break;
        }
        names.push(name.to_ascii_lowercase());
        if chars.next_if_eq(&'=').is_some() {
            match chars.next() {
                Some(q @ ('"' | '\'')) => while chars.next().is_some_and(|c| c != q) {},
                _ => while chars.next().is_some_and(|c| !c.is_whitespace()) {},
            }
        }
    }
    names
}

/// Every tag is one the renderer writes, no attribute is an event handler, there are exactly
/// two scripts (the JSON data block and the page script), and every link is http(s) or mailto.
fn assert_inert(html: &str) {
    let lower = html.to_ascii_lowercase();
    let mut i = 0;
    while let Some(p) = lower[i..].find('<') {
        let start = i + p + 1;
        let rest = &lower[start..];
        i = start;
        if rest.starts_with('!') {
            continue;
        }
        let closing = rest.starts_with('/');
        let name: String = rest
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        assert!(
            TAGS.contains(&name.as_str()),
            "unexpected tag <{name}> at {start}: {}",
            &html[start..(start + 60).min(html.len())]
        );
        if closing {
            continue;
        }
        // Escaped values hold no `>`, so the tag ends at the first one.
        let tag = &rest[..rest.find('>').unwrap_or(rest.len())];
        for a in attribute_names(tag) {
            assert!(!a.starts_with("on"), "event handler {a} in <{tag}>");
        }
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

/// The document without the shared CSS and page script, and without the cell data block
/// (checked by the hostile-layer test and the browser test).
fn without_assets(html: &str) -> String {
    let mut out = html.to_string();
    for (open, close) in [
        ("<style>", "</style>"),
        (r#"id="navlayer-data">"#, "</script>\n<script>"),
        ("<script>", "</script>"),
    ] {
        if let (Some(a), Some(b)) = (out.find(open), out.rfind(close)) {
            if a < b {
                out.replace_range(a + open.len()..b, "…");
            }
        }
    }
    out
}

#[test]
fn snapshots_of_every_layout() {
    for (name, view, options) in common::snapshot_views(&RenderOptions::default()) {
        let html = navlayer_render_html::html(&view, &options);
        assert_inert(&html);
        assert!(html.contains(&format!(r#"<main class="matrix {}""#, view.layout)));
        // One element per cell, sub-techniques of collapsed parents hidden.
        let cells = view.columns.iter().map(|c| c.cells.len()).sum::<usize>();
        let drawn =
            html.matches(r#"<div class="t""#).count() + html.matches(r#"<div class="t "#).count();
        assert_eq!(drawn, cells, "{name}");
        insta::assert_snapshot!(format!("html_{name}"), without_assets(&html));
    }
}

#[test]
fn layouts_mark_up_as_the_navigator_draws_them() {
    let (_, path, bundle) = common::REAL_LAYERS[0];
    let layer = common::read_layer(path);
    let catalogue = navlayer_testdata::catalogue(bundle);
    let build = |o: &RenderOptions| navlayer_render::MatrixView::build(&layer, &catalogue, o);
    // Side: each parent row holds the parent, its handle and a column of its sub-techniques.
    let side = RenderOptions::default();
    let html = navlayer_render_html::html(&build(&side), &side);
    let row = html
        .split(r#"<div class="row">"#)
        .find(|r| r.contains(r#"data-id="T1059""#))
        .expect("T1059 row");
    let parent_at = row.find(r#"data-id="T1059""#).expect("parent");
    let handle_at = row.find(r#"class="toggle""#).expect("handle");
    let subs_at = row.find(r#"<div class="subs">"#).expect("subs");
    assert!(parent_at < handle_at && handle_at < subs_at);
    assert!(row[subs_at..].contains(r#"data-id="T1059.001""#));
    assert!(
        row.contains(r#"<sub class="count">(8/13)</sub>"#) || row.contains("<sub class=\"count")
    );
    // Comment underline colours come from the options.
    let mut marked = RenderOptions::default();
    marked.marks.comment_color = "#ff0000".into();
    let html = navlayer_render_html::html(&build(&marked), &marked);
    assert!(html.contains("--comment:#ff0000"));
    assert!(html.contains("mk-comment"));
    // Scores off: no score spans.
    let no_scores = RenderOptions {
        scores: Scores::None,
        ..RenderOptions::default()
    };
    let html = navlayer_render_html::html(&build(&no_scores), &no_scores);
    assert!(!html.contains(r#"class="score""#));
    // Mini: no text in the squares, the name in the tooltip.
    let mini = RenderOptions {
        layout: Some(LayoutKind::Mini),
        ..RenderOptions::default()
    };
    let html = navlayer_render_html::html(&build(&mini), &mini);
    assert!(html.contains(r#"<span class="label"></span>"#));
    assert!(!html.contains(r#"<span class="name">"#));
    assert!(html.contains(r#"title="T1059 Command and Scripting Interpreter"#));
    // Header parts switch off.
    let mut bare = RenderOptions::default();
    bare.header.platforms = false;
    bare.header.gradient = false;
    let html = navlayer_render_html::html(&build(&bare), &bare);
    assert!(!html.contains(r#"aria-label="platforms""#) && !html.contains(r#"class="scale""#));
    assert!(html.contains(r#"aria-label="legend""#));
    let full = navlayer_render_html::html(&build(&side), &side);
    for v in ["0.0", "0.33", "0.67", "1.0"] {
        assert!(
            full.contains(&format!(r#"<span class="value">{v}</span>"#)),
            "{v}"
        );
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
