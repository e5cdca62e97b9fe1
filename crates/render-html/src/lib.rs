//! # navlayer-render-html
//!
//! Input: a [`MatrixView`] from `navlayer-render`. Output: one self-contained HTML file
//! ([`html`]): inline CSS and JavaScript, no network access (a Content-Security-Policy forbids
//! every fetch and allows only the page's own script, by hash). The matrix is drawn in the
//! layer's layout, as the Navigator draws it: side (sub-techniques in their own column beside
//! the parent), flat (indented below) or mini (squares, names in tooltips). The header has the
//! Navigator's boxes (about, domain, platforms, legend with the gradient's values), each
//! switchable; comment / metadata / link underlines use the configured colours.
//!
//! Clicking (or focusing and pressing Enter on) a technique shows its score, aggregate score,
//! comment, metadata and links; parents expand and collapse their sub-techniques; a search box
//! highlights matching techniques.
//!
//! Safety: layer text in the markup is HTML-escaped; per-technique details travel as JSON in a
//! `<script type="application/json">` block with `<`, `>` and `&` escaped, and the page script
//! only ever assigns them with `textContent`. Links become `<a>` elements only for `http:`,
//! `https:` and `mailto:` URLs; anything else (`javascript:` …) is shown as plain text.

mod header;
mod matrix;

use std::fmt::Write as _;

use base64::Engine as _;
use navlayer_render::escape::{json_in_script, xml};
use navlayer_render::{MatrixView, RenderOptions, Rgb, Theme};
use sha2::{Digest, Sha256};

const CSS: &str = include_str!("page.css");
const JS: &str = include_str!("page.js");

/// A configured mark colour as CSS (options are validated; an unparsable one falls back).
fn mark(text: &str, fallback: Rgb) -> Rgb {
    Rgb::parse(text).unwrap_or(fallback)
}

fn head(b: &mut String, view: &MatrixView, opts: &RenderOptions) {
    let pal = opts.theme.palette();
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
    let marks = &opts.marks;
    let _ = writeln!(
        b,
        "<style>:root{{--bg:{};--fg:{};--muted:{};--cell:{};--border:{};--disabled:{};--sidebar:{};--sidebar-off:{};--boxline:{};--comment:{};--metadata:{};--link:{};}}\n{}</style>\n</head>",
        pal.background,
        pal.text,
        pal.muted,
        pal.cell,
        pal.border,
        pal.disabled_text,
        pal.sidebar,
        pal.sidebar.mix(pal.background, 0.55),
        pal.box_stroke,
        mark(&marks.comment_color, Rgb::new(255, 255, 0)),
        mark(&marks.metadata_color, Rgb::new(128, 0, 128)),
        mark(&marks.link_color, Rgb::new(0, 0, 255)),
        CSS
    );
}

/// The view as one self-contained HTML document.
pub fn html(view: &MatrixView, opts: &RenderOptions) -> String {
    let mut b = String::with_capacity(512 * 1024);
    head(&mut b, view, opts);
    let _ = writeln!(
        b,
        r#"<body class="{}">"#,
        if opts.theme == Theme::Dark {
            "dark"
        } else {
            "light"
        }
    );
    header::header(&mut b, view, opts);
    b.push_str(
        r#"<nav class="controls"><input id="search" type="search" placeholder="Search ID, name or comment" aria-label="Search techniques"> <button type="button" id="expand-all">Expand all</button> <button type="button" id="collapse-all">Collapse all</button> <span id="match-count" aria-live="polite"></span></nav>
"#,
    );
    let (markup, data) = matrix::Matrix::write(view, opts);
    b.push_str(&markup);
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
