//! SVG and PNG snapshots of every layout on real layers, the hostile layer, DPI, embedded font.

#[path = "../../render/tests/common/mod.rs"]
mod common;

use std::collections::HashMap;

use navlayer_render::{RenderOptions, Theme};

const ELEMENTS: [&str; 8] = [
    "svg", "title", "rect", "text", "tspan", "g", "line", "style",
];

/// Parses the SVG as XML and checks every element and attribute against what the renderer
/// writes: no script, no foreign elements, no event handlers, no links.
fn assert_inert(svg: &str) -> roxmltree::Document<'_> {
    let doc = roxmltree::Document::parse(svg)
        .unwrap_or_else(|e| panic!("SVG is not well-formed XML: {e}"));
    for node in doc.descendants().filter(|n| n.is_element()) {
        let name = node.tag_name().name();
        assert!(ELEMENTS.contains(&name), "unexpected element <{name}>");
        for a in node.attributes() {
            let n = a.name().to_ascii_lowercase();
            assert!(
                !n.starts_with("on") && !n.contains("href"),
                "attribute {n} on <{name}>"
            );
            assert!(
                !a.value().to_ascii_lowercase().contains("javascript:"),
                "{n}={:?}",
                a.value()
            );
        }
    }
    doc
}

#[test]
fn snapshots_of_every_layout() {
    for (name, view, options) in common::snapshot_views(&RenderOptions::default()) {
        let svg = navlayer_render_svg::svg(&view, &options).expect("svg");
        let doc = assert_inert(&svg);
        // One technique group per drawn cell.
        let drawn = view
            .columns
            .iter()
            .flat_map(|c| &c.cells)
            .filter(|c| !c.is_sub || c.expanded)
            .count();
        let groups = doc
            .descendants()
            .filter(|n| matches!(n.attribute("class"), Some("technique" | "technique sub")))
            .count();
        assert_eq!(groups, drawn, "{name}");
        insta::assert_snapshot!(format!("svg_{name}"), svg);
    }
}

/// Share of the picture's pixels per colour (the eight most common, ‰), a summary that changes
/// when the layout, the colours or the page change.
fn png_summary(png: &[u8]) -> String {
    let pixmap = resvg_pixmap(png);
    let mut counts: HashMap<[u8; 3], usize> = HashMap::new();
    for p in pixmap.pixels() {
        let c = p.demultiply();
        *counts.entry([c.red(), c.green(), c.blue()]).or_default() += 1;
    }
    let total = (pixmap.width() * pixmap.height()) as f64;
    let mut top: Vec<([u8; 3], usize)> = counts.into_iter().collect();
    top.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut out = format!("{}x{} px\n", pixmap.width(), pixmap.height());
    for (c, n) in top.into_iter().take(8) {
        out.push_str(&format!(
            "#{:02x}{:02x}{:02x} {:>4}‰\n",
            c[0],
            c[1],
            c[2],
            (n as f64 / total * 1000.0).round()
        ));
    }
    out
}

fn resvg_pixmap(png: &[u8]) -> navlayer_render_svg::resvg::tiny_skia::Pixmap {
    navlayer_render_svg::resvg::tiny_skia::Pixmap::decode_png(png).expect("decodes")
}

#[test]
fn png_snapshots_of_every_layout() {
    let options = RenderOptions {
        dpi: 40.0,
        ..RenderOptions::default()
    };
    for (name, view, options) in common::snapshot_views(&options) {
        let png = navlayer_render_svg::png(&view, &options).expect("png");
        let summary = png_summary(&png);
        assert!(summary.starts_with("440x340 px"), "{name}: {summary}");
        insta::assert_snapshot!(format!("png_{name}"), summary);
    }
}

#[test]
fn hostile_layer_stays_text() {
    let view = common::hostile_view();
    let svg = navlayer_render_svg::svg(&view, &RenderOptions::default()).expect("svg");
    let doc = assert_inert(&svg);
    let text: String = doc
        .descendants()
        .filter(|n| n.is_text())
        .filter_map(|n| n.text())
        .collect();
    // The hostile strings are shown, as text.
    assert!(
        text.contains(common::HOSTILE_COMMENT),
        "comment missing from the tooltip"
    );
    assert!(text.contains("<script>alert('name')"), "name missing");
    // Colours that do not parse never reach an attribute.
    assert!(!svg.contains("onmouseover"));
    assert!(!svg.contains("alert(4)") && !svg.contains("alert(7)"));
}

#[test]
fn png_is_page_sized_at_any_dpi_and_drawn_with_the_bundled_font() {
    let view = common::real_view(common::REAL_LAYERS[3].1, common::REAL_LAYERS[3].2);
    for (dpi, size) in [(96.0, (1056, 816)), (200.0, (2200, 1700))] {
        let options = RenderOptions {
            dpi,
            ..RenderOptions::default()
        };
        let png = navlayer_render_svg::png(&view, &options).expect("png");
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        let width = u32::from_be_bytes([png[16], png[17], png[18], png[19]]);
        let height = u32::from_be_bytes([png[20], png[21], png[22], png[23]]);
        assert_eq!((width, height), size, "letter landscape at {dpi} dpi");
    }
    let options = RenderOptions {
        dpi: 96.0,
        ..RenderOptions::default()
    };
    let png = navlayer_render_svg::png(&view, &options).expect("png");
    // Text is drawn: the same page without any label (no header, no names) is smaller.
    let mut blank = view.clone();
    blank.show_name = false;
    blank.show_id = false;
    for c in &mut blank.columns {
        c.name.clear();
    }
    let mut bare_options = options.clone();
    bare_options.header.show = false;
    bare_options.scores = navlayer_render::Scores::None;
    bare_options.marks.subtechnique_counts = false;
    let bare = navlayer_render_svg::png(&blank, &bare_options).expect("png");
    assert!(
        png.len() > bare.len() + 5_000,
        "{} vs {}",
        png.len(),
        bare.len()
    );
}

#[test]
fn dark_theme_and_embedded_font() {
    let view = common::real_view(common::REAL_LAYERS[4].1, common::REAL_LAYERS[4].2);
    let options = RenderOptions {
        theme: Theme::Dark,
        embed_font: true,
        ..RenderOptions::default()
    };
    let svg = navlayer_render_svg::svg(&view, &options).expect("svg");
    let doc = assert_inert(&svg);
    let style: String = doc
        .descendants()
        .filter(|n| n.has_tag_name("style"))
        .filter_map(|n| n.text())
        .collect();
    assert_eq!(style.matches("@font-face").count(), 2);
    assert!(style.contains("font-family:'DejaVu Sans Condensed'"));
    assert!(
        style.contains("data:font/ttf;base64,AAEAAA"),
        "TrueType data"
    );
    // The page background is the dark theme's.
    assert!(svg.contains(r##"fill="#1a1a23""##));
    let plain = navlayer_render_svg::svg(&view, &RenderOptions::default()).expect("svg");
    assert!(!plain.contains("@font-face"));
    assert!(svg.len() > plain.len() + 500_000);
}
