//! Text measurement with the bundled font, so layout (wrapping, ellipsis) is the same on every
//! machine and in the PNG.

use ttf_parser::Face;

/// DejaVu Sans Condensed (Bitstream Vera licence, see `fonts/LICENSE-DejaVu.txt`).
pub static FONT_REGULAR: &[u8] = include_bytes!("../fonts/DejaVuSansCondensed.ttf");
/// DejaVu Sans Condensed Bold.
pub static FONT_BOLD: &[u8] = include_bytes!("../fonts/DejaVuSansCondensed-Bold.ttf");

/// The CSS font-family stack written into SVGs: the bundled font first.
pub const FONT_FAMILY: &str =
    "'DejaVu Sans Condensed', 'DejaVu Sans', 'Arial Narrow', Arial, sans-serif";

struct Measured {
    face: Option<Face<'static>>,
    ascii: [f32; 95],
    upem: f32,
}

impl Measured {
    fn new(data: &'static [u8]) -> Measured {
        let face = Face::parse(data, 0).ok();
        let upem = face
            .as_ref()
            .map(|f| f32::from(f.units_per_em()))
            .unwrap_or(2048.0);
        let mut ascii = [0.55f32; 95];
        if let Some(f) = &face {
            for (i, slot) in ascii.iter_mut().enumerate() {
                let c = char::from(32 + i as u8);
                if let Some(adv) = f.glyph_index(c).and_then(|g| f.glyph_hor_advance(g)) {
                    *slot = f32::from(adv) / upem;
                }
            }
        }
        Measured { face, ascii, upem }
    }

    fn em(&self, c: char) -> f32 {
        let code = c as u32;
        if (32..127).contains(&code) {
            return self.ascii[(code - 32) as usize];
        }
        self.face
            .as_ref()
            .and_then(|f| f.glyph_index(c).and_then(|g| f.glyph_hor_advance(g)))
            .map(|a| f32::from(a) / self.upem)
            .unwrap_or(0.6)
    }
}

/// Advance widths of the bundled regular and bold faces.
pub struct Metrics {
    regular: Measured,
    bold: Measured,
}

impl Default for Metrics {
    fn default() -> Metrics {
        Metrics::new()
    }
}

impl Metrics {
    /// Parses the bundled fonts (cheap: tables are read lazily).
    pub fn new() -> Metrics {
        Metrics {
            regular: Measured::new(FONT_REGULAR),
            bold: Measured::new(FONT_BOLD),
        }
    }

    /// Width of `text` at `size` units.
    pub fn width(&self, text: &str, size: f64, bold: bool) -> f64 {
        let m = if bold { &self.bold } else { &self.regular };
        let em: f32 = text.chars().map(|c| m.em(c)).sum();
        f64::from(em) * size
    }

    /// Wraps `text` into at most `max_lines` lines of at most `width` units; the last line ends
    /// with `…` when text is cut. Words longer than a line are cut too.
    pub fn wrap(
        &self,
        text: &str,
        size: f64,
        bold: bool,
        width: f64,
        max_lines: usize,
    ) -> (Vec<String>, bool) {
        let mut lines: Vec<String> = Vec::new();
        let mut current = String::new();
        let mut cut = false;
        for word in text.split_whitespace() {
            let candidate = if current.is_empty() {
                word.to_string()
            } else {
                format!("{current} {word}")
            };
            if self.width(&candidate, size, bold) <= width || current.is_empty() {
                current = candidate;
            } else {
                lines.push(std::mem::take(&mut current));
                current = word.to_string();
            }
            if lines.len() >= max_lines {
                cut = true;
                break;
            }
        }
        if !cut && !current.is_empty() {
            lines.push(current);
        }
        if lines.len() > max_lines {
            lines.truncate(max_lines);
            cut = true;
        }
        // Cut lines that are still too wide (one long word) and mark the cut.
        let last = lines.len().saturating_sub(1);
        for (i, line) in lines.iter_mut().enumerate() {
            let needs_mark = cut && i == last;
            if self.width(line, size, bold) > width || needs_mark {
                *line = self.ellipsize(line, size, bold, width, needs_mark);
                cut = true;
            }
        }
        (lines, cut)
    }

    /// `text` shortened to fit `width`, ending with `…` (always when `force_mark`).
    pub fn ellipsize(
        &self,
        text: &str,
        size: f64,
        bold: bool,
        width: f64,
        force_mark: bool,
    ) -> String {
        if !force_mark && self.width(text, size, bold) <= width {
            return text.to_string();
        }
        let mark = self.width("…", size, bold);
        let mut out = String::new();
        let mut w = 0.0;
        for c in text.chars() {
            let cw = self.width(c.encode_utf8(&mut [0; 4]), size, bold);
            if w + cw + mark > width {
                break;
            }
            w += cw;
            out.push(c);
        }
        let trimmed = out.trim_end().to_string();
        format!("{trimmed}…")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn measures_and_wraps() {
        let m = Metrics::new();
        let w = m.width("Command and Scripting Interpreter", 10.0, false);
        assert!(w > 120.0 && w < 200.0, "{w}");
        assert!(m.width("W", 10.0, true) > m.width("i", 10.0, true));
        let (lines, cut) = m.wrap("Command and Scripting Interpreter", 10.0, false, 100.0, 2);
        assert_eq!(lines.len(), 2);
        assert!(!cut);
        for l in &lines {
            assert!(m.width(l, 10.0, false) <= 100.0);
        }
        let (lines, cut) = m.wrap(
            "Abuse Elevation Control Mechanism: Bypass User Account Control",
            10.0,
            false,
            60.0,
            2,
        );
        assert!(cut);
        assert_eq!(lines.len(), 2);
        assert!(lines[1].ends_with('…'));
        assert!(m.width(&lines[1], 10.0, false) <= 60.0);
    }
}
