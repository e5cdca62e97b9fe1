//! Render options shared by every output: layout, page, fitting, theme, header parts, marks.
//!
//! [`RenderOptions`] deserialises from JSON with camelCase names (every field optional), so the
//! CLI, the server and language bindings pass the same options:
//!
//! ```
//! let o: navlayer_render::RenderOptions = serde_json::from_str(
//!     r#"{"layout": "flat", "pageSize": "a3", "orientation": "portrait", "fit": "auto",
//!         "subtechniques": "all", "annotatedOnly": true, "scores": "none", "theme": "dark"}"#,
//! ).unwrap();
//! assert_eq!(o.page_size, navlayer_render::PageSize::A3);
//! assert!(o.validate().is_ok());
//! ```

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::color::Rgb;
use crate::RenderError;

/// Paper size in inches (before orientation: [`PageSize::oriented`] puts the long side across
/// for landscape).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PageSize {
    /// Width in inches before orientation is applied.
    pub width_in: f64,
    /// Height in inches before orientation is applied.
    pub height_in: f64,
}

impl PageSize {
    /// US letter, 8.5 × 11 in.
    pub const LETTER: PageSize = PageSize::inches(8.5, 11.0);
    /// US legal, 8.5 × 14 in.
    pub const LEGAL: PageSize = PageSize::inches(8.5, 14.0);
    /// ISO A4, 210 × 297 mm.
    pub const A4: PageSize = PageSize::inches(210.0 / 25.4, 297.0 / 25.4);
    /// ISO A3, 297 × 420 mm.
    pub const A3: PageSize = PageSize::inches(297.0 / 25.4, 420.0 / 25.4);
    /// Tabloid / ledger, 11 × 17 in.
    pub const TABLOID: PageSize = PageSize::inches(11.0, 17.0);
    /// Poster, 18 × 24 in.
    pub const POSTER_18X24: PageSize = PageSize::inches(18.0, 24.0);
    /// Poster, 24 × 36 in.
    pub const POSTER_24X36: PageSize = PageSize::inches(24.0, 36.0);

    /// The presets `--fit auto` chooses from, smallest first, with their names.
    pub const PRESETS: [(&'static str, PageSize); 7] = [
        ("letter", PageSize::LETTER),
        ("a4", PageSize::A4),
        ("legal", PageSize::LEGAL),
        ("11x17", PageSize::TABLOID),
        ("a3", PageSize::A3),
        ("18x24", PageSize::POSTER_18X24),
        ("24x36", PageSize::POSTER_24X36),
    ];

    const fn inches(width_in: f64, height_in: f64) -> PageSize {
        PageSize {
            width_in,
            height_in,
        }
    }

    /// Width and height in inches for an orientation (landscape: the long side across).
    pub fn oriented(self, orientation: Orientation) -> (f64, f64) {
        let (short, long) = if self.width_in <= self.height_in {
            (self.width_in, self.height_in)
        } else {
            (self.height_in, self.width_in)
        };
        match orientation {
            Orientation::Landscape => (long, short),
            Orientation::Portrait => (short, long),
        }
    }

    /// The preset's name (`letter`, `a4`, …) when this is one, else `WxH` in inches.
    pub fn name(self) -> String {
        PageSize::PRESETS
            .iter()
            .find(|(_, p)| p.same_as(self))
            .map(|(n, _)| (*n).to_string())
            .unwrap_or_else(|| {
                format!("{}x{}in", trim_num(self.width_in), trim_num(self.height_in))
            })
    }

    /// Same paper, in either orientation, to a hundredth of an inch.
    pub fn same_as(self, other: PageSize) -> bool {
        let (a, b) = self.oriented(Orientation::Portrait);
        let (c, d) = other.oriented(Orientation::Portrait);
        (a - c).abs() < 0.01 && (b - d).abs() < 0.01
    }

    /// Area in square inches.
    pub fn area(self) -> f64 {
        self.width_in * self.height_in
    }
}

fn trim_num(v: f64) -> String {
    let s = format!("{v:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

impl Default for PageSize {
    fn default() -> PageSize {
        PageSize::LETTER
    }
}

impl FromStr for PageSize {
    type Err = RenderError;

    /// `letter`, `legal`, `a4`, `a3`, `11x17` (or `tabloid`), `18x24`, `24x36`, or `WIDTHxHEIGHT`
    /// in inches (`13.3x7.5`), optionally with a `mm` suffix (`297x210mm`).
    fn from_str(s: &str) -> Result<PageSize, RenderError> {
        let t = s.trim().to_ascii_lowercase();
        let named = match t.as_str() {
            "letter" => Some(PageSize::LETTER),
            "legal" => Some(PageSize::LEGAL),
            "tabloid" | "ledger" => Some(PageSize::TABLOID),
            "a4" => Some(PageSize::A4),
            "a3" => Some(PageSize::A3),
            _ => None,
        };
        if let Some(p) = named {
            return Ok(p);
        }
        let (body, factor) = match t.strip_suffix("mm") {
            Some(b) => (b, 1.0 / 25.4),
            None => (t.strip_suffix("in").unwrap_or(&t), 1.0),
        };
        let bad = || {
            RenderError::Option {
            option: "page size".into(),
            value: s.to_string(),
            hint: "use letter, legal, a4, a3, 11x17, 18x24, 24x36, or WIDTHxHEIGHT in inches (e.g. 13.3x7.5) or mm (297x210mm)".into(),
        }
        };
        let (w, h) = body.split_once(['x', '×']).ok_or_else(bad)?;
        let w: f64 = w.trim().parse().map_err(|_| bad())?;
        let h: f64 = h.trim().parse().map_err(|_| bad())?;
        let (w, h) = (w * factor, h * factor);
        if !(w.is_finite()
            && h.is_finite()
            && (1.0..=200.0).contains(&w)
            && (1.0..=200.0).contains(&h))
        {
            return Err(bad());
        }
        Ok(PageSize::inches(w, h))
    }
}

impl fmt::Display for PageSize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name())
    }
}

impl Serialize for PageSize {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.name())
    }
}

impl<'de> Deserialize<'de> for PageSize {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<PageSize, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// Defines a plain option enum: serde in camelCase, `FromStr` accepting the same names (case
/// insensitive, `-` and `_` ignored), `Display` writing them.
macro_rules! option_enum {
    ($(#[$meta:meta])* $name:ident, $option:literal { $($(#[$vmeta:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "camelCase")]
        pub enum $name {
            $($(#[$vmeta])* #[serde(alias = $text)] $variant),+
        }

        impl $name {
            /// Every value, in documentation order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The name users write.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl FromStr for $name {
            type Err = RenderError;
            fn from_str(s: &str) -> Result<$name, RenderError> {
                let key: String = s.trim().chars().filter(|c| *c != '-' && *c != '_').collect::<String>().to_ascii_lowercase();
                $(if key == $text.replace('-', "").to_ascii_lowercase() { return Ok($name::$variant); })+
                Err(RenderError::Option {
                    option: $option.into(),
                    value: s.to_string(),
                    hint: format!("use {}", [$($text),+].join(", ")),
                })
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

option_enum!(
    /// Page orientation.
    #[derive(Default)]
    Orientation, "orientation" {
        /// Long side across (the default: matrices are wide).
        #[default]
        Landscape = "landscape",
        /// Long side down.
        Portrait = "portrait",
    }
);

option_enum!(
    /// Colour theme.
    #[derive(Default)]
    Theme, "theme" {
        /// Dark text on white.
        #[default]
        Light = "light",
        /// Light text on a dark background.
        Dark = "dark",
    }
);

option_enum!(
    /// How the matrix is drawn, as the Navigator's `layout.layout`.
    LayoutKind, "layout" {
        /// Sub-techniques in their own column beside their parent (the Navigator's default).
        Side = "side",
        /// Sub-techniques below their parent, indented.
        Flat = "flat",
        /// Small squares without text (names in tooltips).
        Mini = "mini",
    }
);

option_enum!(
    /// Which sub-techniques are drawn.
    Subtechniques, "subtechniques" {
        /// Every sub-technique of every parent.
        All = "all",
        /// Those the layer shows expanded (`showSubtechniques`, `layout.expandedSubtechniques`).
        Expanded = "expanded",
        /// Those of parents with an annotated sub-technique (or marked `showSubtechniques`).
        Annotated = "annotated",
        /// None: parents only.
        None = "none",
    }
);

option_enum!(
    /// Whether scores are written in cells.
    #[derive(Default)]
    Scores, "scores" {
        /// The score (or aggregate score) at the right of the cell.
        #[default]
        InCell = "in-cell",
        /// No score text (colours still show them).
        None = "none",
    }
);

option_enum!(
    /// How the page is chosen.
    #[derive(Default)]
    Fit, "fit" {
        /// The page given (`pageSize`, `orientation`); the font is the largest that fits.
        #[default]
        Page = "page",
        /// The smallest preset page (letter … 24x36, either orientation, `orientation`
        /// preferred) at which cell text is at least `minFontSize` (6 pt unless stated).
        Auto = "auto",
    }
);

option_enum!(
    /// Pages of a PDF.
    #[derive(Default)]
    Pages, "pages" {
        /// Every matrix of the domain on one page.
        #[default]
        Single = "single",
        /// One page per matrix of the domain.
        PerMatrix = "per-matrix",
    }
);

/// The colours of a theme.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Palette {
    /// Page background.
    pub background: Rgb,
    /// Default text.
    pub text: Rgb,
    /// Secondary text (descriptions, counts).
    pub muted: Rgb,
    /// Background of an unannotated cell.
    pub cell: Rgb,
    /// Cell borders.
    pub border: Rgb,
    /// Text of a disabled technique.
    pub disabled_text: Rgb,
    /// Background of the tactic header row when the layer sets none.
    pub header: Rgb,
    /// Sub-technique side bars and handles.
    pub sidebar: Rgb,
    /// Header box outlines.
    pub box_stroke: Rgb,
}

impl Theme {
    /// The palette of this theme (the Navigator's export colours: `#6B7279` table borders and
    /// `#2e2e3f` cells in dark).
    pub fn palette(self) -> Palette {
        match self {
            Theme::Light => Palette {
                background: Rgb::WHITE,
                text: Rgb::BLACK,
                muted: Rgb::new(0x55, 0x55, 0x55),
                cell: Rgb::WHITE,
                border: Rgb::new(0x6b, 0x72, 0x79),
                disabled_text: Rgb::new(0xaa, 0xaa, 0xaa),
                header: Rgb::WHITE,
                sidebar: Rgb::new(0x6b, 0x72, 0x79),
                box_stroke: Rgb::BLACK,
            },
            Theme::Dark => Palette {
                background: Rgb::new(0x1a, 0x1a, 0x23),
                text: Rgb::WHITE,
                muted: Rgb::new(0xb0, 0xb0, 0xbc),
                cell: Rgb::new(0x2e, 0x2e, 0x3f),
                border: Rgb::new(0x4c, 0x4c, 0x68),
                disabled_text: Rgb::new(0x70, 0x70, 0x80),
                header: Rgb::new(0x1a, 0x1a, 0x23),
                sidebar: Rgb::new(0x70, 0x70, 0x90),
                box_stroke: Rgb::new(0x4c, 0x4c, 0x68),
            },
        }
    }
}

/// Which parts of the header are drawn (the Navigator's export: about, domain, filters, legend,
/// gradient). `show: false` hides the whole header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct HeaderParts {
    /// Draw the header at all.
    pub show: bool,
    /// Layer name and description.
    pub about: bool,
    /// Domain and release (`Enterprise ATT&CK v18`).
    pub domain: bool,
    /// The platform filter.
    pub platforms: bool,
    /// The legend items.
    pub legend: bool,
    /// The score gradient with its values.
    pub gradient: bool,
}

impl Default for HeaderParts {
    fn default() -> HeaderParts {
        HeaderParts {
            show: true,
            about: true,
            domain: true,
            platforms: true,
            legend: true,
            gradient: true,
        }
    }
}

/// Cell marks, as the Navigator draws them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Marks {
    /// Underline techniques with a comment, metadata or links.
    pub underline: bool,
    /// Underline colour of a comment (the Navigator's `comment_color`: yellow).
    pub comment_color: String,
    /// Underline colour of metadata (`metadata_color`: purple).
    pub metadata_color: String,
    /// Underline colour of links (`link_color`: blue).
    pub link_color: String,
    /// Write `(annotated/visible)` sub-technique counts after parent names.
    pub subtechnique_counts: bool,
}

impl Default for Marks {
    fn default() -> Marks {
        Marks {
            underline: true,
            comment_color: "yellow".into(),
            metadata_color: "purple".into(),
            link_color: "blue".into(),
            subtechnique_counts: true,
        }
    }
}

impl Marks {
    /// The underline colour of a cell: comment over metadata over links (the Navigator's order).
    pub fn underline_color(&self, comment: bool, metadata: bool, links: bool) -> Option<Rgb> {
        if !self.underline {
            return None;
        }
        let pick = if comment {
            &self.comment_color
        } else if metadata {
            &self.metadata_color
        } else if links {
            &self.link_color
        } else {
            return None;
        };
        Rgb::parse(pick)
    }
}

/// Everything a renderer is asked to draw. Every field has a default, so `{}` is valid JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct RenderOptions {
    /// `side`, `flat` or `mini`; unset: the layer's `layout.layout` (side when absent).
    pub layout: Option<LayoutKind>,
    /// Show technique IDs in cells; unset: the layer's `layout.showID`.
    #[serde(rename = "showID", alias = "showId")]
    pub show_id: Option<bool>,
    /// Show technique names in cells; unset: the layer's `layout.showName`.
    pub show_name: Option<bool>,
    /// Which sub-techniques to draw; unset: `expanded` (`all` in the mini layout, as the
    /// Navigator).
    pub subtechniques: Option<Subtechniques>,
    /// Draw only techniques the layer annotates (score, colour, comment, metadata, links,
    /// disabled), with the parents of annotated sub-techniques; tactics left empty are dropped.
    #[serde(alias = "visibleOnly")]
    pub annotated_only: bool,
    /// Paper size (SVG, PNG, PDF): `letter`, `legal`, `a4`, `a3`, `11x17`, `18x24`, `24x36`, `WxH`.
    pub page_size: PageSize,
    /// Orientation (SVG, PNG, PDF).
    pub orientation: Orientation,
    /// `page`: the page given; `auto`: the smallest preset that keeps text readable.
    pub fit: Fit,
    /// Smallest acceptable cell text, in points. With `fit: auto` (default 6 pt) it picks the
    /// page; with `fit: page` a stated minimum that cannot be met is an error.
    pub min_font_size: Option<f64>,
    /// Cell text size in points; unset: the largest at which every label fits its cell.
    pub font_size: Option<f64>,
    /// Colour theme (SVG, PNG, PDF, HTML).
    pub theme: Theme,
    /// Header parts.
    pub header: HeaderParts,
    /// Scores in cells.
    pub scores: Scores,
    /// Comment underlines and sub-technique counts.
    pub marks: Marks,
    /// PDF pages: all matrices on one page, or one page per matrix.
    pub pages: Pages,
    /// PNG resolution in dots per inch (10–1200).
    pub dpi: f64,
    /// SVG: embed the bundled font (base64 `@font-face`), so text looks the same everywhere.
    pub embed_font: bool,
}

impl Default for RenderOptions {
    fn default() -> RenderOptions {
        RenderOptions {
            layout: None,
            show_id: None,
            show_name: None,
            subtechniques: None,
            annotated_only: false,
            page_size: PageSize::default(),
            orientation: Orientation::default(),
            fit: Fit::default(),
            min_font_size: None,
            font_size: None,
            theme: Theme::default(),
            header: HeaderParts::default(),
            scores: Scores::default(),
            marks: Marks::default(),
            pages: Pages::default(),
            dpi: 150.0,
            embed_font: false,
        }
    }
}

/// Readable-text threshold used by `fit: auto` when no minimum is stated, in points.
pub const DEFAULT_MIN_FONT: f64 = 6.0;

impl RenderOptions {
    /// Checks the numbers (options may come from untrusted JSON): DPI 10–1200, font sizes
    /// 1–72 pt, colours that parse.
    pub fn validate(&self) -> Result<(), RenderError> {
        let bad = |option: &str, value: String, hint: &str| RenderError::Option {
            option: option.into(),
            value,
            hint: hint.into(),
        };
        if !(self.dpi.is_finite() && (10.0..=1200.0).contains(&self.dpi)) {
            return Err(bad("dpi", self.dpi.to_string(), "use 10 to 1200"));
        }
        for (name, v) in [
            ("minFontSize", self.min_font_size),
            ("fontSize", self.font_size),
        ] {
            if let Some(v) = v {
                if !(v.is_finite() && (1.0..=72.0).contains(&v)) {
                    return Err(bad(name, v.to_string(), "use 1 to 72 (points)"));
                }
            }
        }
        for (name, c) in [
            ("commentColor", &self.marks.comment_color),
            ("metadataColor", &self.marks.metadata_color),
            ("linkColor", &self.marks.link_color),
        ] {
            if Rgb::parse(c).is_none() {
                return Err(bad(name, c.clone(), "use #rrggbb or a CSS colour name"));
            }
        }
        Ok(())
    }

    /// The readability threshold: the stated minimum, else 6 pt.
    pub fn readable_min(&self) -> f64 {
        self.min_font_size.unwrap_or(DEFAULT_MIN_FONT)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_sizes() {
        let p: PageSize = "11x17".parse().unwrap_or_default();
        assert_eq!(p.oriented(Orientation::Landscape), (17.0, 11.0));
        assert_eq!(p.oriented(Orientation::Portrait), (11.0, 17.0));
        assert_eq!(p.name(), "11x17");
        let l: PageSize = "Legal".parse().unwrap_or(PageSize::inches(0.0, 0.0));
        assert_eq!(l.oriented(Orientation::Portrait), (8.5, 14.0));
        let mm: PageSize = "254x127mm".parse().unwrap_or_default();
        assert!((mm.width_in - 10.0).abs() < 1e-9 && (mm.height_in - 5.0).abs() < 1e-9);
        assert_eq!(mm.name(), "10x5in");
        assert_eq!(
            "297x210mm".parse::<PageSize>().map(|p| p.name()).ok(),
            Some("a4".into())
        );
        assert!("huge".parse::<PageSize>().is_err());
        assert!("0x5".parse::<PageSize>().is_err());
        assert!("NaNx5".parse::<PageSize>().is_err());
    }

    #[test]
    fn options_from_json() {
        let o: RenderOptions = serde_json::from_str(
            r##"{"layout":"mini","showID":true,"pageSize":"24x36","orientation":"portrait",
                "fit":"auto","minFontSize":7,"subtechniques":"none","visibleOnly":true,
                "scores":"in-cell","header":{"legend":false},"marks":{"commentColor":"#ff0000"},
                "pages":"perMatrix","dpi":300,"embedFont":true}"##,
        )
        .unwrap_or_default();
        assert_eq!(o.layout, Some(LayoutKind::Mini));
        assert_eq!(o.show_id, Some(true));
        assert_eq!(o.page_size, PageSize::POSTER_24X36);
        assert_eq!(o.fit, Fit::Auto);
        assert!(o.annotated_only && o.embed_font);
        assert!(!o.header.legend && o.header.about);
        assert_eq!(o.pages, Pages::PerMatrix);
        assert_eq!(o.scores, Scores::InCell);
        assert!(o.validate().is_ok());
        let back = serde_json::to_value(&o).unwrap_or_default();
        assert_eq!(back["pageSize"], "24x36");
        assert_eq!(back["layout"], "mini");
        assert!(serde_json::from_str::<RenderOptions>(r#"{"typo":1}"#).is_err());
        assert!(serde_json::from_str::<RenderOptions>(r#"{"pageSize":"huge"}"#).is_err());
        let bad = RenderOptions {
            dpi: f64::NAN,
            ..RenderOptions::default()
        };
        assert!(bad.validate().is_err());
        assert_eq!("Per_Matrix".parse::<Pages>().ok(), Some(Pages::PerMatrix));
        assert_eq!("incell".parse::<Scores>().ok(), Some(Scores::InCell));
        assert!("sideways".parse::<LayoutKind>().is_err());
    }
}
