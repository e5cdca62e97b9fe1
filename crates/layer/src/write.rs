//! Writing layers as format 4.5 JSON.

use serde::Serialize;

use crate::model::{Layer, Versions};

/// The Navigator version navlayer writes in `versions.navigator` when a layer has none (the one
/// attack.mitre.org's layers name).
pub const NAVIGATOR_VERSION: &str = "5.3.2";

/// JSON layout of the written file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Style {
    /// Indented by tabs, as the Navigator writes layers (`JSON.stringify(layer, null, '\t')` in
    /// its `view-model.ts`), with a final newline.
    #[default]
    Pretty,
    /// Indented by four spaces, as mitreattack-python writes layers, with a final newline.
    Spaces,
    /// One line, no spaces, no final newline.
    Compact,
}

/// The layer with `versions.layer` set to `"4.5"` (other `versions` properties kept).
fn as_45(layer: &Layer) -> Layer {
    let mut l = layer.clone();
    let v = l.versions.get_or_insert_with(Versions::default);
    v.layer = Some("4.5".into());
    l
}

fn render<T: Serialize>(value: &T, style: Style) -> String {
    let mut out = Vec::with_capacity(4096);
    let result = match style {
        Style::Pretty | Style::Spaces => {
            let indent: &[u8] = if style == Style::Pretty {
                b"\t"
            } else {
                b"    "
            };
            let fmt = serde_json::ser::PrettyFormatter::with_indent(indent);
            let mut ser = serde_json::Serializer::with_formatter(&mut out, fmt);
            value.serialize(&mut ser)
        }
        Style::Compact => serde_json::to_writer(&mut out, value),
    };
    // Serialising the model cannot fail (string keys only); keep whatever was written if it did.
    let _ = result;
    let mut s = String::from_utf8(out).unwrap_or_default();
    if style != Style::Compact {
        s.push('\n');
    }
    s
}

/// One layer as format 4.5 JSON (`versions.layer` is written as `"4.5"`). Unknown properties
/// are written back after the known ones, in their original order; technique order is kept.
/// Non-finite scores (only possible in layers built in code) are written as `null`.
pub fn to_json(layer: &Layer, style: Style) -> String {
    render(&as_45(layer), style)
}

/// Several layers as a JSON array (the Navigator's "download all layers" file), each as format 4.5.
pub fn to_json_many(layers: &[Layer], style: Style) -> String {
    let all: Vec<Layer> = layers.iter().map(as_45).collect();
    render(&all, style)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::TechniqueEntry;

    #[test]
    fn writes_45_and_whole_numbers_as_integers() {
        let mut l = Layer::new("n", "enterprise-attack");
        l.versions = None;
        let mut t = TechniqueEntry::new("T1059");
        t.score = Some(3.0);
        l.techniques.push(t);
        let s = to_json(&l, Style::Compact);
        assert!(s.contains(r#""versions":{"layer":"4.5"}"#), "{s}");
        assert!(s.contains(r#""score":3"#), "{s}");
        let p = to_json_many(&[l.clone(), l.clone()], Style::Spaces);
        assert!(p.starts_with("[\n    {\n        \"name\""), "{p}");
        assert!(p.ends_with("]\n"));
    }

    #[test]
    fn pretty_indents_by_tabs_as_the_navigator_writes() {
        let l = Layer::new("n", "enterprise-attack");
        let p = to_json(&l, Style::Pretty);
        assert!(
            p.starts_with("{\n\t\"name\": \"n\",\n\t\"versions\": {\n\t\t\"layer\": \"4.5\""),
            "{p}"
        );
        assert!(p.ends_with("}\n"));
        assert_eq!(Style::default(), Style::Pretty);
    }
}
