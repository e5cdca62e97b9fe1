//! The header: the Navigator's boxes (about, domain, platforms, legend with the gradient's
//! values), each switchable, plus the layer's metadata, links and warnings.

use std::fmt::Write as _;

use navlayer_render::escape::{safe_url, xml};
use navlayer_render::{Link, MatrixView, Meta, RenderOptions};

pub(crate) fn write_meta_list(b: &mut String, items: &[Meta]) {
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

pub(crate) fn write_links(b: &mut String, items: &[Link]) {
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

fn open_box(b: &mut String, class: &str, title: &str) {
    let _ = write!(
        b,
        r#"<section class="box {class}" aria-label="{title}"><h2 class="box-title">{title}</h2>"#
    );
}

fn legend_box(b: &mut String, view: &MatrixView, gradient: bool, legend: bool) {
    open_box(b, "legend", "legend");
    if gradient {
        b.push_str(r#"<div class="scale" role="img" aria-label="score gradient">"#);
        for (_, label, color) in view.gradient.legend_steps() {
            let _ = write!(
                b,
                r#"<span class="step"><span class="swatch" style="background:{color}"></span><span class="value">{}</span></span>"#,
                xml(&label)
            );
        }
        b.push_str("</div>");
    }
    if legend {
        b.push_str(r#"<ul class="items">"#);
        for item in &view.legend {
            let swatch = item
                .color
                .map(|c| c.to_string())
                .unwrap_or_else(|| "transparent".into());
            let _ = write!(
                b,
                r#"<li><span class="swatch" style="background:{swatch}"></span><span class="label">{}</span></li>"#,
                xml(&item.label)
            );
        }
        b.push_str("</ul>");
    }
    b.push_str("</section>");
}

/// The `<header>` element (empty when the options hide it).
pub(crate) fn header(b: &mut String, view: &MatrixView, opts: &RenderOptions) {
    let parts = opts.header;
    if !parts.show {
        return;
    }
    b.push_str("<header>\n<div class=\"boxes\">");
    if parts.about && (!view.name.trim().is_empty() || !view.description.trim().is_empty()) {
        open_box(b, "about", "about");
        let _ = write!(b, "<h1>{}</h1>", xml(&view.name));
        if !view.description.trim().is_empty() {
            let _ = write!(
                b,
                r#"<p class="description">{}</p>"#,
                xml(&view.description)
            );
        }
        b.push_str("</section>");
    }
    if parts.domain {
        open_box(b, "domain", "domain");
        let _ = write!(
            b,
            r#"<p class="release">{}</p></section>"#,
            xml(&view.release_label())
        );
    }
    if parts.platforms && !view.shown_platforms().is_empty() {
        open_box(b, "platforms", "platforms");
        let _ = write!(
            b,
            "<p>{}</p></section>",
            xml(&view.shown_platforms().join(", "))
        );
    }
    let gradient = parts.gradient && view.uses_gradient;
    let legend = parts.legend && !view.legend.is_empty();
    if gradient || legend {
        legend_box(b, view, gradient, legend);
    }
    b.push_str("</div>\n");
    if parts.about && !view.metadata.is_empty() {
        write_meta_list(b, &view.metadata);
    }
    if parts.about && !view.links.is_empty() {
        write_links(b, &view.links);
    }
    for w in &view.warnings {
        let _ = writeln!(b, r#"<p class="warning">note: {}</p>"#, xml(w));
    }
    b.push_str("</header>\n");
}
