//! Untrusted text (rule titles, control names, group descriptions) made safe for the outputs:
//! control characters removed (no terminal escapes), whitespace collapsed, length capped;
//! Markdown and CSV cells escaped; only `http(s)` links kept.

/// One line of plain text: control characters dropped, whitespace runs (newlines included)
/// collapsed to one space, at most `max` characters (then `…`).
pub(crate) fn clean(text: &str, max: usize) -> String {
    let mut out = String::with_capacity(text.len().min(max + 4));
    let mut space = false;
    let mut n = 0;
    for c in text.chars() {
        if c.is_whitespace() {
            space = !out.is_empty();
            continue;
        }
        if c.is_control() || is_bidi_control(c) {
            continue;
        }
        if space {
            out.push(' ');
            n += 1;
            space = false;
        }
        if n >= max {
            out.push('…');
            return out;
        }
        out.push(c);
        n += 1;
    }
    out
}

/// Unicode bidirectional controls, which can make text display other than it reads.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}')
}

/// A Markdown table cell: cleaned, with Markdown and HTML syntax escaped.
pub(crate) fn md(text: &str) -> String {
    let cleaned = clean(text, 300);
    let mut out = String::with_capacity(cleaned.len() + 8);
    for c in cleaned.chars() {
        match c {
            '|' | '\\' | '*' | '`' | '[' | ']' | '<' | '>' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

/// A CSV cell: quoted when needed; a leading `= + - @` (or tab/CR) neutralised with `'` so
/// spreadsheets do not evaluate it.
pub(crate) fn csv(text: &str) -> String {
    let cleaned: String = text
        .chars()
        .filter(|c| !c.is_control() || *c == '\n')
        .collect();
    let neutral = if cleaned.starts_with(['=', '+', '-', '@']) {
        format!("'{cleaned}")
    } else {
        cleaned
    };
    if neutral.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", neutral.replace('"', "\"\""))
    } else {
        neutral
    }
}

/// One CSV line from cells.
pub(crate) fn csv_row(cells: &[String]) -> String {
    let mut line = cells.iter().map(|c| csv(c)).collect::<Vec<_>>().join(",");
    line.push_str("\r\n");
    line
}

/// The URL when it is an `http(s)` link without spaces or control characters.
pub(crate) fn web_url(url: &str) -> Option<&str> {
    let u = url.trim();
    let lower = u.get(..8).unwrap_or(u).to_ascii_lowercase();
    let ok = (lower.starts_with("https://") || lower.starts_with("http://"))
        && u.len() <= 2048
        && !u.chars().any(|c| c.is_whitespace() || c.is_control());
    ok.then_some(u)
}

/// A count with thousands separators (`3,780`).
pub(crate) fn thousands(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Natural order of ATT&CK IDs: T1003 < T1003.001 < T1005 < T1059 < T1110.
pub(crate) fn id_order(id: &str) -> (String, Vec<u64>, String) {
    let letters: String = id.chars().take_while(|c| c.is_ascii_alphabetic()).collect();
    let nums: Vec<u64> = id[letters.len()..]
        .split('.')
        .map(|p| p.parse().unwrap_or(u64::MAX))
        .collect();
    (letters, nums, id.to_string())
}

/// A score written as an integer when whole.
pub(crate) fn number(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x:.2}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn untrusted_text_is_neutralised() {
        assert_eq!(clean("a\n\tb\x1b[31m c", 100), "a b[31m c");
        assert_eq!(clean("abcdef", 3), "abc…");
        assert_eq!(md("x|y <script>"), "x\\|y \\<script\\>");
        assert_eq!(csv("=HYPERLINK(1)"), "'=HYPERLINK(1)");
        assert_eq!(csv("a,b"), "\"a,b\"");
        assert_eq!(web_url("javascript:alert(1)"), None);
        assert_eq!(web_url("https://x.org/a"), Some("https://x.org/a"));
        assert_eq!(thousands(3780), "3,780");
        assert_eq!(thousands(100), "100");
        assert_eq!(number(2.0), "2");
    }
}
