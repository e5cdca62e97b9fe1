//! `Layer.render`: the options of `navlayer render`, the catalogue the layer is drawn over, and
//! one call per output format.

use std::sync::Arc;

use navlayer_attack::{Catalogue, Domain};
use navlayer_layer::Layer;
use navlayer_render::{Expand, MatrixView, Orientation, PageSize, RenderOptions, Theme};

use crate::catalogue::load;
use crate::errors::{Class, Failure, Outcome};
use crate::source::Request;

/// The render options as given from Python.
#[derive(Debug, Clone)]
pub struct RenderArgs {
    /// `svg`, `png`, `html`, `xlsx`, `csv` or `md`.
    pub format: String,
    /// `letter`, `a4`, `11x17`, `WIDTHxHEIGHT` …
    pub page: String,
    /// `landscape` or `portrait`.
    pub orientation: String,
    /// `light` or `dark`.
    pub theme: String,
    /// Write scores in cells.
    pub scores: bool,
    /// Draw the legend.
    pub legend: bool,
    /// Draw the header.
    pub header: bool,
    /// `none`, `all`, `annotated`, or `None` for the layer's own setting.
    pub expand: Option<String>,
    /// PNG resolution.
    pub dpi: f64,
}

fn bad(option: &str, value: &str, expected: &str) -> Failure {
    Failure::new(
        Class::Value,
        format!("invalid {option} {value:?}: expected {expected}"),
    )
}

impl RenderArgs {
    fn options(&self) -> Outcome<RenderOptions> {
        let orientation = match self.orientation.trim().to_ascii_lowercase().as_str() {
            "landscape" => Orientation::Landscape,
            "portrait" => Orientation::Portrait,
            _ => {
                return Err(bad(
                    "orientation",
                    &self.orientation,
                    "landscape or portrait",
                ))
            }
        };
        let theme = match self.theme.trim().to_ascii_lowercase().as_str() {
            "light" => Theme::Light,
            "dark" => Theme::Dark,
            _ => return Err(bad("theme", &self.theme, "light or dark")),
        };
        if !(self.dpi.is_finite() && (10.0..=1200.0).contains(&self.dpi)) {
            return Err(bad(
                "dpi",
                &self.dpi.to_string(),
                "a number from 10 to 1200",
            ));
        }
        Ok(RenderOptions {
            page: self.page.parse::<PageSize>()?,
            orientation,
            theme,
            show_scores: self.scores,
            legend: self.legend,
            header: self.header,
            expand: self
                .expand
                .as_deref()
                .map(str::parse::<Expand>)
                .transpose()?,
            dpi: self.dpi,
        })
    }
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

/// Renders `layer` over `catalogue` (the newest release of its domain when `None`); returns the
/// bytes and the view's warnings.
pub fn render(
    layer: &Layer,
    catalogue: Option<Arc<Catalogue>>,
    args: &RenderArgs,
) -> Outcome<(Vec<u8>, Vec<String>)> {
    let options = args.options()?;
    let format = args.format.trim().to_ascii_lowercase();
    const FORMATS: [&str; 7] = ["svg", "png", "html", "xlsx", "csv", "md", "markdown"];
    if !FORMATS.contains(&format.as_str()) {
        return Err(bad(
            "format",
            &args.format,
            "svg, png, html, xlsx, csv or md",
        ));
    }
    let catalogue = match catalogue {
        Some(c) => c,
        None => default_catalogue(layer)?,
    };
    let view = MatrixView::build(layer, &catalogue, &options);
    let bytes = match format.as_str() {
        "svg" => navlayer_render_svg::svg(&view, &options).into_bytes(),
        "png" => navlayer_render_svg::png(&view, &options)?,
        "html" => navlayer_render_html::html(&view, &options).into_bytes(),
        "xlsx" => navlayer_render_xlsx::xlsx(&view, &options)?,
        "csv" => navlayer_render_table::csv(&view).into_bytes(),
        _ => navlayer_render_table::markdown(&view).into_bytes(),
    };
    Ok((bytes, view.warnings.clone()))
}
