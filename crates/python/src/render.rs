//! `Layer.render`: the render crate's [`RenderOptions`] given as keyword arguments, the catalogue
//! the layer is drawn over, and one call per output format, as `navlayer render` makes them.

use std::sync::Arc;

use navlayer_attack::{Catalogue, Domain};
use navlayer_layer::Layer;
use navlayer_render::{MatrixView, Pages, RenderOptions};
use serde_json::{Map, Value};

use crate::catalogue::load;
use crate::errors::{Class, Failure, Outcome};
use crate::source::Request;

/// The formats `Layer.render` writes.
pub const FORMATS: [&str; 8] = ["svg", "png", "pdf", "html", "xlsx", "csv", "md", "markdown"];

/// Keyword arguments taken as they are (snake_case of the `RenderOptions` fields); the
/// shorthands `page`, `legend` and `header=bool` are translated by [`options_from_kwargs`].
const OPTIONS: [&str; 17] = [
    "layout",
    "show_id",
    "show_name",
    "subtechniques",
    "annotated_only",
    "page_size",
    "orientation",
    "fit",
    "min_font_size",
    "font_size",
    "theme",
    "header",
    "scores",
    "marks",
    "pages",
    "dpi",
    "embed_font",
];

/// `show_name` → `showName`, `show_id` → `showID` (the layer format's spelling).
fn camel(key: &str) -> String {
    if key == "show_id" {
        return "showID".into();
    }
    let mut out = String::with_capacity(key.len());
    let mut upper = false;
    for c in key.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// Nested option objects (`header`, `marks`) in camelCase too.
fn camel_keys(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (camel(&k), camel_keys(v)))
                .collect(),
        ),
        other => other,
    }
}

/// Builds the render options from Python's keyword arguments (as a JSON object): unknown names
/// are a `TypeError`, values that do not parse a `ValueError` naming the option.
pub fn options_from_kwargs(kwargs: Map<String, Value>) -> Outcome<RenderOptions> {
    let mut out = Map::new();
    let mut header = Map::new();
    for (key, value) in kwargs {
        match (key.as_str(), value) {
            ("page", v) => {
                out.insert("pageSize".into(), v);
            }
            ("legend", Value::Bool(b)) => {
                header.insert("legend".into(), Value::Bool(b));
            }
            ("header", Value::Bool(b)) => {
                header.insert("show".into(), Value::Bool(b));
            }
            ("header", Value::Object(parts)) => {
                header.extend(parts.into_iter().map(|(k, v)| (camel(&k), v)));
            }
            ("scores", Value::Bool(b)) => {
                let s = if b { "in-cell" } else { "none" };
                out.insert("scores".into(), Value::String(s.into()));
            }
            (k, v) if OPTIONS.contains(&k) => {
                out.insert(camel(k), camel_keys(v));
            }
            (k, _) => {
                return Err(Failure::new(
                    Class::Type,
                    format!(
                    "render() got an unexpected keyword argument {k:?}; options: {}, page, legend",
                    OPTIONS.join(", ")
                ),
                ))
            }
        }
    }
    if !header.is_empty() {
        out.insert("header".into(), Value::Object(header));
    }
    let options: RenderOptions = serde_json::from_value(Value::Object(out))
        .map_err(|e| Failure::new(Class::Value, format!("invalid render option: {e}")))?;
    options.validate()?;
    Ok(options)
}

/// The newest release of the layer's domain, when no catalogue is given.
fn default_catalogue(layer: &Layer) -> Outcome<Arc<Catalogue>> {
    let domain = Domain::parse_lenient(&layer.domain).ok_or_else(|| {
        Failure::new(
            Class::Render,
            format!(
                "the layer's domain {:?} is not an ATT&CK domain (enterprise-attack, mobile-attack, ics-attack); \
                 pass catalogue= with the bundle it was made for",
                layer.domain
            ),
        )
        .kind("unknown-domain")
    })?;
    let request = Request {
        path: None,
        data: None,
        domain,
        release: None,
        offline: None,
        cache_dir: None,
    };
    Ok(Arc::new(load(&request)?))
}

/// SVG, PNG and PDF: laid out on the page first (SVG and PNG on one page, as the CLI).
fn picture(format: &str, view: &MatrixView, options: &RenderOptions) -> Outcome<Vec<u8>> {
    let layout_options = if format == "pdf" {
        options.clone()
    } else {
        RenderOptions {
            pages: Pages::Single,
            ..options.clone()
        }
    };
    let drawing = navlayer_render::layout(view, &layout_options)?;
    Ok(match format {
        "svg" => navlayer_render_svg::svg_of(&drawing, view, options).into_bytes(),
        "png" => navlayer_render_svg::png_of(&drawing, view, options)?,
        _ => navlayer_render_pdf::pdf_of(&drawing, view)?,
    })
}

/// Renders `layer` over `catalogue` (the newest release of its domain when `None`); returns the
/// bytes and the view's warnings.
pub fn render(
    layer: &Layer,
    catalogue: Option<Arc<Catalogue>>,
    format: &str,
    options: &RenderOptions,
) -> Outcome<(Vec<u8>, Vec<String>)> {
    let format = format.trim().to_ascii_lowercase();
    if !FORMATS.contains(&format.as_str()) {
        return Err(Failure::new(
            Class::Value,
            format!("invalid format {format:?}: expected svg, png, pdf, html, xlsx, csv or md"),
        ));
    }
    let catalogue = match catalogue {
        Some(c) => c,
        None => default_catalogue(layer)?,
    };
    let view = MatrixView::build(layer, &catalogue, options);
    let bytes = match format.as_str() {
        "svg" | "png" | "pdf" => picture(&format, &view, options)?,
        "html" => navlayer_render_html::html(&view, options).into_bytes(),
        "xlsx" => navlayer_render_xlsx::xlsx(&view, options)?,
        "csv" => navlayer_render_table::csv(&view).into_bytes(),
        _ => navlayer_render_table::markdown(&view).into_bytes(),
    };
    Ok((bytes, view.warnings.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keyword_arguments_become_render_options() {
        let kwargs = serde_json::json!({
            "layout": "mini", "show_id": true, "page": "a4", "legend": false,
            "scores": false, "marks": {"comment_color": "#ff0000"}, "fit": "auto"
        });
        let Value::Object(map) = kwargs else {
            unreachable!()
        };
        let o = options_from_kwargs(map).expect("options");
        assert_eq!(o.show_id, Some(true));
        assert!(!o.header.legend && o.header.show);
        assert_eq!(o.marks.comment_color, "#ff0000");
        assert_eq!(o.scores, navlayer_render::Scores::None);
    }

    #[test]
    fn unknown_and_bad_options_are_refused() {
        let one = |k: &str, v: Value| {
            let mut m = Map::new();
            m.insert(k.into(), v);
            options_from_kwargs(m).map(|_| ())
        };
        assert!(one("colour", "red".into()).is_err());
        assert!(one("theme", "neon".into()).is_err());
        assert!(one("dpi", 0.into()).is_err());
        assert!(one("page", "huge".into()).is_err());
    }
}
