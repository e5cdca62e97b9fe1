//! SVG snapshots of real layers, the hostile layer, and PNG rasterisation.

#[path = "../../render/tests/common/mod.rs"]
mod common;

use navlayer_render::RenderOptions;

const ELEMENTS: [&str; 8] = [
    "svg",
    "title",
    "rect",
    "text",
    "g",
    "defs",
    "linearGradient",
    "stop",
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
fn snapshots_of_real_layers() {
    for (name, path, bundle) in common::REAL_LAYERS {
        let view = common::real_view(path, bundle);
        let svg = navlayer_render_svg::svg(&view, &RenderOptions::default());
        assert_inert(&svg);
        insta::assert_snapshot!(format!("svg_{name}"), svg);
    }
}

#[test]
fn hostile_layer_stays_text() {
    let view = common::hostile_view();
    let svg = navlayer_render_svg::svg(&view, &RenderOptions::default());
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
fn png_is_page_sized_and_drawn_with_the_bundled_font() {
    let view = common::real_view(common::REAL_LAYERS[3].1, common::REAL_LAYERS[3].2);
    let options = RenderOptions {
        dpi: 96.0,
        ..RenderOptions::default()
    };
    let png = navlayer_render_svg::png(&view, &options).expect("png");
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    let width = u32::from_be_bytes([png[16], png[17], png[18], png[19]]);
    let height = u32::from_be_bytes([png[20], png[21], png[22], png[23]]);
    assert_eq!((width, height), (1056, 816), "letter landscape at 96 dpi");
    // Text is drawn: the same page without any label (no header, no names) is smaller.
    let mut blank = view.clone();
    blank.show_name = false;
    blank.show_id = false;
    for c in &mut blank.columns {
        c.name.clear();
    }
    let bare = navlayer_render_svg::png(
        &blank,
        &RenderOptions {
            header: false,
            legend: false,
            show_scores: false,
            ..options
        },
    )
    .expect("png");
    assert!(
        png.len() > bare.len() + 5_000,
        "{} vs {}",
        png.len(),
        bare.len()
    );
}
