//! Colours: parsing the hex colours layers carry, gradient interpolation and the text colour
//! that reads best on a background.

use std::fmt;

/// An opaque sRGB colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Rgb {
    /// Red, 0–255.
    pub r: u8,
    /// Green, 0–255.
    pub g: u8,
    /// Blue, 0–255.
    pub b: u8,
}

impl Rgb {
    /// White.
    pub const WHITE: Rgb = Rgb::new(255, 255, 255);
    /// Black.
    pub const BLACK: Rgb = Rgb::new(0, 0, 0);

    /// A colour from its components.
    pub const fn new(r: u8, g: u8, b: u8) -> Rgb {
        Rgb { r, g, b }
    }

    /// Parses `#rgb`, `#rrggbb`, `#rrggbbaa` (the alpha is ignored, as the Navigator draws cells
    /// opaque) with or without the `#`, and a few CSS colour names. `None` for anything else,
    /// including the empty string layers often carry.
    pub fn parse(text: &str) -> Option<Rgb> {
        let t = text.trim();
        let hex = t.strip_prefix('#').unwrap_or(t);
        let digit = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
        let bytes = hex.as_bytes();
        if bytes.iter().all(u8::is_ascii_hexdigit) {
            match bytes.len() {
                3 | 4 => {
                    let c = |i: usize| digit(bytes[i]).map(|d| d * 17);
                    return Some(Rgb::new(c(0)?, c(1)?, c(2)?));
                }
                6 | 8 => {
                    let c = |i: usize| Some(digit(bytes[i])? * 16 + digit(bytes[i + 1])?);
                    return Some(Rgb::new(c(0)?, c(2)?, c(4)?));
                }
                _ => {}
            }
        }
        let named = match t.to_ascii_lowercase().as_str() {
            "white" => Rgb::WHITE,
            "black" => Rgb::BLACK,
            "red" => Rgb::new(255, 0, 0),
            "green" => Rgb::new(0, 128, 0),
            "blue" => Rgb::new(0, 0, 255),
            "yellow" => Rgb::new(255, 255, 0),
            "orange" => Rgb::new(255, 165, 0),
            "purple" => Rgb::new(128, 0, 128),
            "gray" | "grey" => Rgb::new(128, 128, 128),
            "lightgray" | "lightgrey" => Rgb::new(211, 211, 211),
            "darkgray" | "darkgrey" => Rgb::new(169, 169, 169),
            "pink" => Rgb::new(255, 192, 203),
            "cyan" | "aqua" => Rgb::new(0, 255, 255),
            "magenta" | "fuchsia" => Rgb::new(255, 0, 255),
            "lime" => Rgb::new(0, 255, 0),
            "navy" => Rgb::new(0, 0, 128),
            "teal" => Rgb::new(0, 128, 128),
            "olive" => Rgb::new(128, 128, 0),
            "maroon" => Rgb::new(128, 0, 0),
            "silver" => Rgb::new(192, 192, 192),
            _ => return None,
        };
        Some(named)
    }

    /// `#rrggbb`, lower case.
    pub fn hex(self) -> String {
        self.to_string()
    }

    /// Relative luminance (WCAG 2.x).
    pub fn luminance(self) -> f64 {
        let lin = |c: u8| {
            let s = f64::from(c) / 255.0;
            if s <= 0.03928 {
                s / 12.92
            } else {
                ((s + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * lin(self.r) + 0.7152 * lin(self.g) + 0.0722 * lin(self.b)
    }

    /// WCAG contrast ratio between two colours (1.0 – 21.0).
    pub fn contrast(self, other: Rgb) -> f64 {
        let (a, b) = (self.luminance(), other.luminance());
        let (hi, lo) = if a > b { (a, b) } else { (b, a) };
        (hi + 0.05) / (lo + 0.05)
    }

    /// White or black, whichever contrasts more with this background (the Navigator's
    /// `tinycolor.mostReadable(bg, ['white', 'black'])`).
    pub fn readable_text(self) -> Rgb {
        if self.contrast(Rgb::WHITE) > self.contrast(Rgb::BLACK) {
            Rgb::WHITE
        } else {
            Rgb::BLACK
        }
    }

    /// Linear interpolation in sRGB: `t = 0` gives `self`, `t = 1` gives `other`.
    pub fn mix(self, other: Rgb, t: f64) -> Rgb {
        let t = if t.is_nan() { 0.0 } else { t.clamp(0.0, 1.0) };
        let c = |a: u8, b: u8| (f64::from(a) + (f64::from(b) - f64::from(a)) * t).round() as u8;
        Rgb::new(c(self.r, other.r), c(self.g, other.g), c(self.b, other.b))
    }
}

impl fmt::Display for Rgb {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{:02x}{:02x}{:02x}", self.r, self.g, self.b)
    }
}

/// A score gradient: colours spread evenly over `min..=max`.
#[derive(Debug, Clone, PartialEq)]
pub struct GradientScale {
    /// The colours, low to high (at least one).
    pub colors: Vec<Rgb>,
    /// Score of the first colour.
    pub min: f64,
    /// Score of the last colour.
    pub max: f64,
}

impl GradientScale {
    /// The scale of a layer gradient; colours that do not parse are skipped, and a gradient with
    /// no usable colour falls back to the Navigator's default colours.
    pub fn from_layer(g: &navlayer_layer::Gradient) -> GradientScale {
        let mut colors: Vec<Rgb> = g.colors.iter().filter_map(|c| Rgb::parse(c)).collect();
        if colors.is_empty() {
            colors = navlayer_layer::Gradient::default()
                .colors
                .iter()
                .filter_map(|c| Rgb::parse(c))
                .collect();
        }
        GradientScale {
            colors,
            min: g.min_value,
            max: g.max_value,
        }
    }

    /// The colour of a score: linear interpolation between neighbouring colours over
    /// `min..=max`, clamped to the end colours outside the range. A gradient with `min == max`
    /// gives the first colour up to `min` and the last above.
    pub fn color_at(&self, score: f64) -> Rgb {
        let (Some(&first), Some(&last)) = (self.colors.first(), self.colors.last()) else {
            return Rgb::WHITE;
        };
        let (lo, hi, reversed) = if self.min <= self.max {
            (self.min, self.max, false)
        } else {
            (self.max, self.min, true)
        };
        if score.is_nan() {
            return first;
        }
        let span = hi - lo;
        let mut t = if span > 0.0 && span.is_finite() {
            ((score - lo) / span).clamp(0.0, 1.0)
        } else if score <= lo {
            0.0
        } else {
            1.0
        };
        if reversed {
            t = 1.0 - t;
        }
        if self.colors.len() == 1 {
            return first;
        }
        let segments = (self.colors.len() - 1) as f64;
        let pos = t * segments;
        let i = (pos.floor() as usize).min(self.colors.len() - 2);
        let local = pos - i as f64;
        if t >= 1.0 {
            return last;
        }
        self.colors[i].mix(self.colors[i + 1], local)
    }
}

impl GradientScale {
    /// The scale as the Navigator's legend draws it: twice as many steps as colours, evenly
    /// spaced from `min` to `max`, each with its colour and its value to two significant digits
    /// (`0.0`, `0.33`, `0.67`, `1.0` for a two-colour 0–1 gradient).
    pub fn legend_steps(&self) -> Vec<(f64, String, Rgb)> {
        let n = (self.colors.len() * 2).max(2);
        (0..n)
            .map(|i| {
                let v = self.min + (self.max - self.min) * i as f64 / (n - 1) as f64;
                (v, significant2(v), self.color_at(v))
            })
            .collect()
    }
}

/// A number to two significant digits, as d3's `format('.2r')`: `0.0`, `0.33`, `1.0`, `67`,
/// `12000`.
pub fn significant2(v: f64) -> String {
    if !v.is_finite() {
        return v.to_string();
    }
    if v == 0.0 {
        return "0.0".into();
    }
    let e = v.abs().log10().floor() as i32;
    let decimals = (1 - e).max(0) as usize;
    if e >= 2 {
        let unit = 10f64.powi(e - 1);
        return format!("{}", ((v / unit).round() * unit) as i64);
    }
    let s = format!("{v:.decimals$}");
    // Rounding may carry into a new digit (9.96 -> "10.0"): keep two significant digits.
    let digits = s.chars().filter(char::is_ascii_digit).collect::<String>();
    let significant = digits.trim_start_matches('0').len();
    if significant > 2 && s.contains('.') {
        let trimmed = s.trim_end_matches('0');
        return trimmed
            .strip_suffix('.')
            .map(String::from)
            .unwrap_or_else(|| trimmed.into());
    }
    s
}

#[cfg(test)]
mod tests {
    #[test]
    fn legend_steps_like_the_navigator() {
        let g = GradientScale {
            colors: vec![Rgb::WHITE, Rgb::new(0x66, 0xb1, 0xff)],
            min: 0.0,
            max: 1.0,
        };
        let labels: Vec<String> = g.legend_steps().into_iter().map(|s| s.1).collect();
        assert_eq!(labels, ["0.0", "0.33", "0.67", "1.0"]);
        let g = GradientScale {
            colors: vec![Rgb::WHITE, Rgb::BLACK, Rgb::WHITE],
            min: 0.0,
            max: 100.0,
        };
        let labels: Vec<String> = g.legend_steps().into_iter().map(|s| s.1).collect();
        assert_eq!(labels, ["0.0", "20", "40", "60", "80", "100"]);
        assert_eq!(significant2(12345.0), "12000");
        assert_eq!(significant2(-0.5), "-0.50");
        assert_eq!(significant2(9.96), "10");
        assert_eq!(significant2(3.0), "3.0");
    }

    use super::*;

    #[test]
    fn parses_hex_forms() {
        assert_eq!(Rgb::parse("#ff6666ff"), Some(Rgb::new(255, 102, 102)));
        assert_eq!(Rgb::parse("#abc"), Some(Rgb::new(0xaa, 0xbb, 0xcc)));
        assert_eq!(Rgb::parse("8ec843"), Some(Rgb::new(0x8e, 0xc8, 0x43)));
        assert_eq!(Rgb::parse("Red"), Some(Rgb::new(255, 0, 0)));
        assert_eq!(Rgb::parse(""), None);
        assert_eq!(Rgb::parse("#12345"), None);
        assert_eq!(Rgb::parse("javascript:alert(1)"), None);
    }

    #[test]
    fn gradient_interpolates_and_clamps() {
        let g = GradientScale {
            colors: vec![
                Rgb::new(0, 0, 0),
                Rgb::new(200, 100, 0),
                Rgb::new(200, 200, 200),
            ],
            min: 0.0,
            max: 100.0,
        };
        assert_eq!(g.color_at(-5.0), Rgb::new(0, 0, 0));
        assert_eq!(g.color_at(0.0), Rgb::new(0, 0, 0));
        assert_eq!(g.color_at(25.0), Rgb::new(100, 50, 0));
        assert_eq!(g.color_at(50.0), Rgb::new(200, 100, 0));
        assert_eq!(g.color_at(75.0), Rgb::new(200, 150, 100));
        assert_eq!(g.color_at(100.0), Rgb::new(200, 200, 200));
        assert_eq!(g.color_at(1e9), Rgb::new(200, 200, 200));
    }

    #[test]
    fn degenerate_gradients_do_not_panic() {
        let g = GradientScale {
            colors: vec![Rgb::WHITE, Rgb::BLACK],
            min: 5.0,
            max: 5.0,
        };
        assert_eq!(g.color_at(5.0), Rgb::WHITE);
        assert_eq!(g.color_at(6.0), Rgb::BLACK);
        let reversed = GradientScale {
            colors: vec![Rgb::WHITE, Rgb::BLACK],
            min: 100.0,
            max: 0.0,
        };
        assert_eq!(reversed.color_at(100.0), Rgb::WHITE);
        assert_eq!(reversed.color_at(0.0), Rgb::BLACK);
    }

    #[test]
    fn readable_text_picks_contrast() {
        assert_eq!(
            Rgb::parse("#ff6666").map(Rgb::readable_text),
            Some(Rgb::BLACK)
        );
        assert_eq!(Rgb::new(20, 20, 80).readable_text(), Rgb::WHITE);
        assert_eq!(Rgb::WHITE.readable_text(), Rgb::BLACK);
    }
}
