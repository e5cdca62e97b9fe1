//! # navlayer-render-html
//!
//! Renders a [`MatrixView`] as one self-contained HTML file: inline CSS and JavaScript, no
//! network access (a Content-Security-Policy forbids every fetch and allows only the page's own
//! script, by hash). Clicking (or focusing and pressing Enter on) a technique shows its score,
//! aggregate score, comment, metadata and links; parents expand and collapse their
//! sub-techniques; a search box highlights matching techniques.
//!
//! Safety: layer text in the markup is HTML-escaped; per-technique details travel as JSON in a
//! `<script type="application/json">` block with `<`, `>` and `&` escaped, and the page script
//! only ever assigns them with `textContent`. Links become `<a>` elements only for `http:`,
//! `https:` and `mailto:` URLs; anything else (`javascript:` …) is shown as plain text.

use std::fmt::Write as _;

use base64::Engine as _;
use navlayer_render::escape::{json_in_script, safe_url, xml};
use navlayer_render::{format_score, Cell, Link, MatrixView, Meta, RenderOptions, Rgb, Theme};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

const CSS: &str = include_str!("page.css");
const JS: &str = include_str!("page.js");

fn meta_json(items: &[Meta]) -> Value {
    Value::Array(
        items
            .iter()
            .map(|m| match m {
                Meta::Pair { name, value } => json!({"name": name, "value": value}),
                Meta::Divider => json!({"divider": true}),
            })
            .collect(),
    )
}

fn links_json(items: &[Link]) -> Value {
    Value::Array(
        items
            .iter()
            .map(|l| match l {
                Link::Item { label, url, safe } => {
                    json!({"label": label, "url": url, "safe": safe})
                }
                Link::Divider => json!({"divider": true}),
            })
            .collect(),
    )
}

fn cell_json(c: &Cell, tactic_name: &str) -> Value {
    json!({
        "id": c.attack_id,
        "name": c.name,
        "tactic": tactic_name,
        "score": c.score.map(format_score),
        "aggregate": c.aggregate.map(format_score),
        "comment": c.comment,
        "enabled": c.enabled,
        "color": c.color.map(|x| x.to_string()),
        "metadata": meta_json(&c.metadata),
        "links": links_json(&c.links),
        "url": c.url.as_deref().and_then(safe_url),
    })
}

fn style(bg: Option<Rgb>, fg: Option<Rgb>) -> String {
    match (bg, fg) {
        (Some(b), Some(f)) => format!(r#" style="background:{b};color:{f}""#),
        (Some(b), None) => format!(r#" style="background:{b}""#),
        (None, Some(f)) => format!(r#" style="color:{f}""#),
        (None, None) => String::new(),
    }
}

fn write_meta_list(b: &mut String, items: &[Meta]) {
    b.push_str("<dl class=\"meta\">");
    for m in items {
        match m {
            Meta::Pair { name, value } => {
                let _ = write!(b, "<dt>{}</dt><dd>{}</dd>", xml(name), xml(value));
            }
            Meta::Divider => b.push_str("<hr>"),
        }
    }
    b.push_str("</dl>");
}

fn write_links(b: &mut String, items: &[Link]) {
    b.push_str("<ul class=\"links\">");
    for l in items {
        match l {
            Link::Item { label, url, .. } => match safe_url(url) {
                Some(u) => {
                    let _ = write!(
                        b,
                        r#"<li><a href="{}" rel="noopener noreferrer nofollow" target="_blank">{}</a></li>"#,
                        xml(u),
                        xml(label)
                    );
                }
                None => {
                    let _ = write!(
                        b,
                        r#"<li><span class="unsafe-link" title="not a web link: shown as text">{}</span> <code>{}</code></li>"#,
                        xml(label),
                        xml(url)
                    );
                }
            },
            Link::Divider => b.push_str("<li><hr></li>"),
        }
    }
    b.push_str("</ul>");
}

/// The view as one self-contained HTML document.
pub fn html(view: &MatrixView, opts: &RenderOptions) -> String {
    let pal = opts.theme.palette();
    let mut data: Vec<Value> = Vec::new();
    let mut b = String::with_capacity(512 * 1024);

    let script_hash =
        base64::engine::general_purpose::STANDARD.encode(Sha256::digest(JS.as_bytes()));
    let _ = writeln!(
        b,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">"
    );
    let _ = writeln!(
        b,
        r#"<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'sha256-{script_hash}'; base-uri 'none'; form-action 'none'">"#
    );
    let _ = writeln!(
        b,
        r#"<meta name="viewport" content="width=device-width, initial-scale=1">"#
    );
    let _ = writeln!(b, r#"<meta name="referrer" content="no-referrer">"#);
    let _ = writeln!(b, "<title>{}</title>", xml(&view.name));
    let _ = writeln!(
        b,
        "<style>:root{{--bg:{};--fg:{};--muted:{};--cell:{};--border:{};--disabled:{};--header:{};}}\n{}</style>\n</head>",
        pal.background, pal.text, pal.muted, pal.cell, pal.border, pal.disabled_text, pal.header, CSS
    );
    let _ = writeln!(
        b,
        r#"<body class="{}">"#,
        if opts.theme == Theme::Dark {
            "dark"
        } else {
            "light"
        }
    );

    if opts.header {
        b.push_str("<header>\n");
        let _ = writeln!(b, "<h1>{}</h1>", xml(&view.name));
        if !view.description.trim().is_empty() {
            let _ = writeln!(
                b,
                r#"<p class="description">{}</p>"#,
                xml(&view.description)
            );
        }
        let _ = write!(
            b,
            r#"<p class="facts"><span class="release">{}</span>"#,
            xml(&view.release_label())
        );
        if !view.platforms.is_empty() {
            let _ = write!(b, " · platforms: {}", xml(&view.platforms.join(", ")));
        }
        b.push_str("</p>\n");
        if !view.metadata.is_empty() {
            write_meta_list(&mut b, &view.metadata);
        }
        if !view.links.is_empty() {
            write_links(&mut b, &view.links);
        }
        for w in &view.warnings {
            let _ = writeln!(b, r#"<p class="warning">note: {}</p>"#, xml(w));
        }
        b.push_str("</header>\n");
    }
    if opts.legend && (view.uses_gradient || !view.legend.is_empty()) {
        b.push_str("<section class=\"legend\">");
        if view.uses_gradient {
            let stops: Vec<String> = view.gradient.colors.iter().map(Rgb::to_string).collect();
            let _ = write!(
                b,
                r#"<div class="scale"><span>{}</span><span class="bar" style="background:linear-gradient(to right,{})"></span><span>{}</span></div>"#,
                xml(&format_score(view.gradient.min)),
                stops.join(","),
                xml(&format_score(view.gradient.max))
            );
        }
        for item in &view.legend {
            let swatch = item
                .color
                .map(|c| c.to_string())
                .unwrap_or_else(|| "transparent".into());
            let _ = write!(
                b,
                r#"<span class="item"><span class="swatch" style="background:{}"></span>{}</span>"#,
                swatch,
                xml(&item.label)
            );
        }
        b.push_str("</section>\n");
    }
    b.push_str(
        r#"<nav class="controls"><input id="search" type="search" placeholder="Search ID, name or comment" aria-label="Search techniques"> <button type="button" id="expand-all">Expand all</button> <button type="button" id="collapse-all">Collapse all</button> <span id="match-count" aria-live="polite"></span></nav>
"#,
    );
    let class = |c: &Cell| {
        let mut s = String::from("t");
        if c.is_sub {
            s.push_str(" sub");
        }
        if !c.enabled {
            s.push_str(" disabled");
        }
        if c.annotated {
            s.push_str(" annotated");
        }
        s
    };
    b.push_str("<main class=\"matrix\">\n");
    for col in &view.columns {
        let hs = match view.tactic_row_background {
            Some(bg) => style(Some(bg), Some(bg.readable_text())),
            None => String::new(),
        };
        let _ = write!(
            b,
            r#"<section class="tactic" data-tactic="{}"><h2{}>{}<small>{} technique{}</small></h2>"#,
            xml(&col.shortname),
            hs,
            xml(&col.name),
            col.technique_count,
            if col.technique_count == 1 { "" } else { "s" }
        );
        let mut parent_key: Option<usize> = None;
        for c in &col.cells {
            let k = data.len();
            data.push(cell_json(c, &col.name));
            if !c.is_sub {
                parent_key = Some(k);
            }
            let fg = if c.enabled { c.text } else { None };
            let label = match (view.show_id, view.show_name) {
                (true, true) => format!(
                    r#"<span class="id">{}</span> <span class="name">{}</span>"#,
                    xml(&c.attack_id),
                    xml(&c.name)
                ),
                (true, false) => format!(r#"<span class="id">{}</span>"#, xml(&c.attack_id)),
                (false, true) => format!(r#"<span class="name">{}</span>"#, xml(&c.name)),
                (false, false) => String::new(),
            };
            let score = c
                .display_score()
                .filter(|_| opts.show_scores)
                .map(|s| format!(r#"<span class="score">{}</span>"#, xml(&format_score(s))))
                .unwrap_or_default();
            let parent_attr = match (c.is_sub, parent_key) {
                (true, Some(p)) => format!(r#" data-parent="{p}""#),
                _ => String::new(),
            };
            let hidden = if c.is_sub && !c.expanded {
                " hidden"
            } else {
                ""
            };
            let _ = write!(
                b,
                r#"<div class="{}" data-k="{}" data-id="{}" tabindex="0" role="button"{}{}{}><span class="label">{}</span>{}"#,
                class(c),
                k,
                xml(&c.attack_id),
                parent_attr,
                style(if c.enabled { c.background } else { None }, fg),
                hidden,
                label,
                score
            );
            if c.sub_count > 0 {
                let _ = write!(
                    b,
                    r#"<button type="button" class="toggle" data-k="{}" aria-expanded="{}" title="{} sub-technique{}">{}</button>"#,
                    k,
                    c.expanded,
                    c.sub_count,
                    if c.sub_count == 1 { "" } else { "s" },
                    if c.expanded { "−" } else { "+" }
                );
            }
            b.push_str("</div>\n");
        }
        b.push_str("</section>\n");
    }
    b.push_str("</main>\n");
    b.push_str(
        r#"<aside id="detail" hidden><button type="button" id="detail-close" aria-label="Close">×</button><h3 id="detail-title"></h3><p id="detail-tactic" class="muted"></p><p id="detail-score"></p><p id="detail-comment" class="comment"></p><div id="detail-metadata"></div><div id="detail-links"></div></aside>
"#,
    );
    let json_text = serde_json::to_string(&data).unwrap_or_else(|_| "[]".into());
    let _ = writeln!(
        b,
        r#"<script type="application/json" id="navlayer-data">{}</script>"#,
        json_in_script(&json_text)
    );
    let _ = writeln!(b, "<script>{JS}</script>\n</body>\n</html>");
    b
}
