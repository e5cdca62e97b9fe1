//! Render options shared by every output: page size, orientation, theme and what to show.

use std::fmt;
use std::str::FromStr;

use crate::color::Rgb;
use crate::RenderError;

/// Paper size in inches (portrait: width ≤ height is not required; orientation decides).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PageSize {
    /// Width in inches before orientation is applied.
    pub width_in: f64,
    /// Height in inches before orientation is applied.
    pub height_in: f64,
}

impl PageSize {
    /// US letter, 8.5 × 11 in.
    pub const LETTER: PageSize = PageSize {
        width_in: 8.5,
        height_in: 11.0,
    };

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
}

impl Default for PageSize {
    fn default() -> PageSize {
        PageSize::LETTER
    }
}

impl FromStr for PageSize {
    type Err = RenderError;

    /// `letter`, `legal`, `11x17`, `18x24`, `24x36`, or `WIDTHxHEIGHT` in inches (`13.3x7.5`),
    /// optionally with a `mm` suffix (`297x210mm`).
    fn from_str(s: &str) -> Result<PageSize, RenderError> {
        let t = s.trim().to_ascii_lowercase();
        let named = match t.as_str() {
            "letter" => Some((8.5, 11.0)),
            "legal" => Some((8.5, 14.0)),
            "tabloid" | "ledger" => Some((11.0, 17.0)),
            "a4" => Some((8.27, 11.69)),
            "a3" => Some((11.69, 16.54)),
            _ => None,
        };
        if let Some((w, h)) = named {
            return Ok(PageSize {
                width_in: w,
                height_in: h,
            });
        }
        let (body, factor) = match t.strip_suffix("mm") {
            Some(b) => (b, 1.0 / 25.4),
            None => (t.strip_suffix("in").unwrap_or(&t), 1.0),
        };
        let bad = || {
            RenderError::Option {
            option: "page size".into(),
            value: s.to_string(),
            hint: "use letter, legal, 11x17, 18x24, 24x36, a4, a3, or WIDTHxHEIGHT in inches (e.g. 13.3x7.5) or mm (297x210mm)".into(),
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
        Ok(PageSize {
            width_in: w,
            height_in: h,
        })
    }
}

impl fmt::Display for PageSize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}x{}", self.width_in, self.height_in)
    }
}

/// Page orientation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Orientation {
    /// Long side across (the default: matrices are wide).
    #[default]
    Landscape,
    /// Long side down.
    Portrait,
}

/// Colour theme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Theme {
    /// Dark text on white.
    #[default]
    Light,
    /// Light text on a dark background.
    Dark,
}

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
}

impl Theme {
    /// The palette of this theme.
    pub fn palette(self) -> Palette {
        match self {
            Theme::Light => Palette {
                background: Rgb::WHITE,
                text: Rgb::new(0x1f, 0x1f, 0x1f),
                muted: Rgb::new(0x55, 0x55, 0x55),
                cell: Rgb::WHITE,
                border: Rgb::new(0xc8, 0xc8, 0xc8),
                disabled_text: Rgb::new(0xaa, 0xaa, 0xaa),
                header: Rgb::new(0xf2, 0xf2, 0xf2),
            },
            Theme::Dark => Palette {
                background: Rgb::new(0x1e, 0x1e, 0x22),
                text: Rgb::new(0xe8, 0xe8, 0xe8),
                muted: Rgb::new(0xa8, 0xa8, 0xb0),
                cell: Rgb::new(0x2b, 0x2b, 0x31),
                border: Rgb::new(0x4a, 0x4a, 0x52),
                disabled_text: Rgb::new(0x6e, 0x6e, 0x76),
                header: Rgb::new(0x36, 0x36, 0x3e),
            },
        }
    }
}

/// Which sub-techniques to show expanded, overriding the layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expand {
    /// Collapse every parent.
    None,
    /// Expand every parent.
    All,
    /// Expand parents with an annotated sub-technique (or marked `showSubtechniques`).
    Annotated,
}

impl FromStr for Expand {
    type Err = RenderError;
    fn from_str(s: &str) -> Result<Expand, RenderError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "none" => Ok(Expand::None),
            "all" => Ok(Expand::All),
            "annotated" => Ok(Expand::Annotated),
            _ => Err(RenderError::Option {
                option: "expandedSubtechniques".into(),
                value: s.to_string(),
                hint: "use none, all or annotated".into(),
            }),
        }
    }
}

/// What every renderer is asked to draw.
#[derive(Debug, Clone, PartialEq)]
pub struct RenderOptions {
    /// Paper size (SVG, PNG).
    pub page: PageSize,
    /// Orientation (SVG, PNG).
    pub orientation: Orientation,
    /// Colour theme (SVG, PNG, HTML).
    pub theme: Theme,
    /// Write each technique's score (or aggregate) in its cell.
    pub show_scores: bool,
    /// Draw the legend and gradient scale.
    pub legend: bool,
    /// Draw the header (name, description, domain, release, filters).
    pub header: bool,
    /// Override the layer's sub-technique expansion.
    pub expand: Option<Expand>,
    /// PNG resolution in dots per inch.
    pub dpi: f64,
}

impl Default for RenderOptions {
    fn default() -> RenderOptions {
        RenderOptions {
            page: PageSize::default(),
            orientation: Orientation::default(),
            theme: Theme::default(),
            show_scores: true,
            legend: true,
            header: true,
            expand: None,
            dpi: 150.0,
        }
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
        let l: PageSize = "Legal".parse().unwrap_or(PageSize {
            width_in: 0.0,
            height_in: 0.0,
        });
        assert_eq!(l.oriented(Orientation::Portrait), (8.5, 14.0));
        let mm: PageSize = "254x127mm".parse().unwrap_or_default();
        assert!((mm.width_in - 10.0).abs() < 1e-9 && (mm.height_in - 5.0).abs() < 1e-9);
        assert!("huge".parse::<PageSize>().is_err());
        assert!("0x5".parse::<PageSize>().is_err());
        assert!("NaNx5".parse::<PageSize>().is_err());
    }
}
