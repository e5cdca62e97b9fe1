//! Text measurement with the bundled font, so layout (wrapping, fitting, ellipsis) is the same
//! on every machine and in every output drawn from the layout (SVG, PNG, PDF).

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

/// A label split into words with their advance widths at 1 pt, ready to be wrapped at any size.
#[derive(Debug, Clone)]
pub struct Words {
    words: Vec<(String, f64)>,
    space: f64,
}

impl Words {
    /// Number of words.
    pub fn len(&self) -> usize {
        self.words.len()
    }

    /// True when there is no word.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// Greedy word wrap into lines at most `max_em` wide (widths in em, i.e. at 1 pt): each line's
    /// text and width in em. `None` when a single word is wider than `max_em`.
    pub fn wrap(&self, max_em: f64) -> Option<Vec<(String, f64)>> {
        let mut lines: Vec<(String, f64)> = Vec::new();
        let mut current = String::new();
        let mut width = 0.0;
        for (word, w) in &self.words {
            if *w > max_em {
                return None;
            }
            if current.is_empty() {
                current.push_str(word);
                width = *w;
            } else if width + self.space + w <= max_em {
                current.push(' ');
                current.push_str(word);
                width += self.space + w;
            } else {
                lines.push((std::mem::take(&mut current), width));
                current.push_str(word);
                width = *w;
            }
        }
        if !current.is_empty() {
            lines.push((current, width));
        }
        Some(lines)
    }

    /// Number of lines [`Words::wrap`] makes, without building them (`None`: a word is too wide).
    pub fn line_count(&self, max_em: f64) -> Option<usize> {
        let mut n = 0;
        let mut width = 0.0;
        for (i, (_, w)) in self.words.iter().enumerate() {
            if *w > max_em {
                return None;
            }
            if i == 0 || width + self.space + w > max_em {
                n += 1;
                width = *w;
            } else {
                width += self.space + w;
            }
        }
        Some(n)
    }

    /// Appends a token measured by the caller (e.g. a count drawn smaller), in em.
    pub fn push(&mut self, token: &str, em: f64) {
        self.words.push((token.to_string(), em));
    }

    /// Like [`Words::wrap`], but a word wider than a line is broken between characters, so
    /// nothing is ever dropped (legend labels, hostile names).
    pub fn wrap_all(&self, metrics: &Metrics, bold: bool, max_em: f64) -> Vec<(String, f64)> {
        let mut pieces = Words {
            words: Vec::with_capacity(self.words.len()),
            space: self.space,
        };
        let mut breaks_after = Vec::new();
        for (word, w) in &self.words {
            if *w <= max_em {
                pieces.words.push((word.clone(), *w));
                breaks_after.push(false);
                continue;
            }
            let mut chunk = String::new();
            let mut cw = 0.0;
            for c in word.chars() {
                let w = metrics.width(c.encode_utf8(&mut [0; 4]), 1.0, bold);
                if cw + w > max_em && !chunk.is_empty() {
                    pieces.words.push((std::mem::take(&mut chunk), cw));
                    breaks_after.push(true);
                    cw = 0.0;
                }
                chunk.push(c);
                cw += w;
            }
            if !chunk.is_empty() {
                pieces.words.push((chunk, cw));
                breaks_after.push(false);
            }
        }
        // Every piece fits now (a single character wider than the line is kept as it is).
        let mut lines: Vec<(String, f64)> = Vec::new();
        let mut current = String::new();
        let mut width = 0.0;
        let mut forced = false;
        for ((word, w), brk) in pieces.words.iter().zip(breaks_after) {
            if current.is_empty() {
                current.push_str(word);
                width = *w;
            } else if !forced && width + self.space + w <= max_em {
                current.push(' ');
                current.push_str(word);
                width += self.space + w;
            } else {
                lines.push((std::mem::take(&mut current), width));
                current.push_str(word);
                width = *w;
            }
            forced = brk;
        }
        if !current.is_empty() {
            lines.push((current, width));
        }
        lines
    }

    /// The narrowest line width (em) at which the words wrap into at most `lines` lines.
    pub fn min_em(&self, lines: usize) -> f64 {
        let widest = self.widest();
        if lines >= self.words.len() {
            return widest;
        }
        let total: f64 = self.words.iter().map(|(_, w)| *w).sum::<f64>()
            + self.space * (self.words.len() - 1) as f64;
        if lines <= 1 {
            return total;
        }
        let (mut lo, mut hi) = (widest, total);
        for _ in 0..22 {
            let mid = (lo + hi) / 2.0;
            if self.line_count(mid).is_some_and(|n| n <= lines) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        hi
    }

    /// Width of the widest word, in em.
    pub fn widest(&self) -> f64 {
        self.words.iter().map(|(_, w)| *w).fold(0.0, f64::max)
    }
}

/// Ascent of the bundled font, in em (DejaVu: 1901/2048).
pub const ASCENT: f64 = 1901.0 / 2048.0;
/// Descent of the bundled font, in em (DejaVu: 483/2048).
pub const DESCENT: f64 = 483.0 / 2048.0;

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

    /// `text` split on white space, each word measured at 1 pt.
    pub fn words(&self, text: &str, bold: bool) -> Words {
        Words {
            words: text
                .split_whitespace()
                .map(|w| (w.to_string(), self.width(w, 1.0, bold)))
                .collect(),
            space: self.width(" ", 1.0, bold),
        }
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
    fn words_wrap_at_any_size() {
        let m = Metrics::new();
        let w = m.words("Command and Scripting Interpreter", false);
        let one = m.width("Command and Scripting Interpreter", 1.0, false);
        assert_eq!(w.line_count(one + 0.01), Some(1));
        let lines = w.wrap(one / 2.0).unwrap_or_default();
        assert_eq!(lines.len(), w.line_count(one / 2.0).unwrap_or(0));
        assert!(lines.len() >= 2);
        for (text, em) in &lines {
            assert!(*em <= one / 2.0 + 1e-9, "{text}");
            assert!((m.width(text, 1.0, false) - em).abs() < 1e-6);
        }
        assert_eq!(w.wrap(w.widest() - 0.01), None);
        let long = m.words("Supercalifragilisticexpialidocious word", false);
        let lines = long.wrap_all(&m, false, 4.0);
        assert!(lines.len() > 2);
        assert!(lines.iter().all(|(_, em)| *em <= 4.0 + 1e-9));
        let joined: String = lines.iter().map(|(t, _)| t.replace(' ', "")).collect();
        assert_eq!(joined, "Supercalifragilisticexpialidociousword");
    }

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
