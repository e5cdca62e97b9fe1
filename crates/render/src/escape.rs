//! Escaping untrusted layer text for each output.

/// Escapes text for XML/HTML element content and quoted attribute values (`& < > " '`), and
/// drops characters XML 1.0 forbids (control characters other than tab, newline, return).
pub fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}

/// Text safe inside an HTML `<script type="application/json">` block: the JSON is kept intact,
/// and `<`, `>`, `&` and the line separators are written as `\uXXXX` escapes so nothing can
/// close the script element or open a comment.
pub fn json_in_script(json: &str) -> String {
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

/// The URL if it may become a clickable link: only `http:`, `https:` and `mailto:` URLs (after
/// trimming, case-insensitive). `javascript:`, `data:` and anything else stay plain text.
pub fn safe_url(url: &str) -> Option<&str> {
    let u = url.trim();
    let lower: String = u
        .chars()
        .take(8)
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase();
    let ok = lower.starts_with("https://")
        || lower.starts_with("http://")
        || lower.starts_with("mailto:");
    // Control characters or whitespace inside the scheme are a classic filter bypass.
    let scheme_clean = u
        .split(':')
        .next()
        .is_some_and(|s| s.chars().all(|c| c.is_ascii_alphabetic()));
    (ok && scheme_clean).then_some(u)
}

/// One CSV cell (RFC 4180): quoted when it holds a comma, quote or line break; a cell that
/// starts with `= + - @`, tab or carriage return gets a leading `'` so spreadsheets show it as
/// text instead of evaluating it.
pub fn csv_cell(text: &str) -> String {
    let neutral = neutralise_formula(text);
    if neutral.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", neutral.replace('"', "\"\""))
    } else {
        neutral
    }
}

/// Prefixes `'` to text a spreadsheet would read as a formula (leading `= + - @`, tab, CR).
pub fn neutralise_formula(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

/// One Markdown table cell: HTML-escaped (so `<script>` stays text in renderers that allow
/// inline HTML), Markdown punctuation that could form links, images, emphasis or code escaped
/// with a backslash, `|` escaped and line breaks turned into `<br>`.
pub fn markdown_cell(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '|' => out.push_str("\\|"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '(' | ')' | '!' | '#' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("<br>");
            }
            '\n' => out.push_str("<br>"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    // `javascript:` (any case) must not become a link, even through GFM's extended autolinks:
    // its colon is written as an entity.
    neutralise_javascript(&out)
}

fn neutralise_javascript(text: &str) -> String {
    const SCHEME: &str = "javascript:";
    let lower = text.to_ascii_lowercase();
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for (at, _) in lower.match_indices(SCHEME) {
        let colon = at + SCHEME.len() - 1;
        out.push_str(&text[last..colon]);
        out.push_str("&#58;");
        last = colon + 1;
    }
    out.push_str(&text[last..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_escapes_markup_and_quotes() {
        assert_eq!(
            xml("<script>alert('x' & \"y\")</script>\u{1}"),
            "&lt;script&gt;alert(&#39;x&#39; &amp; &quot;y&quot;)&lt;/script&gt;"
        );
    }

    #[test]
    fn urls() {
        assert_eq!(
            safe_url(" https://a.example/x "),
            Some("https://a.example/x")
        );
        assert_eq!(safe_url("HTTP://a"), Some("HTTP://a"));
        assert_eq!(safe_url("mailto:x@y"), Some("mailto:x@y"));
        assert_eq!(safe_url("javascript:alert(1)"), None);
        assert_eq!(safe_url("java\tscript:alert(1)"), None);
        assert_eq!(safe_url("data:text/html,<b>"), None);
        assert_eq!(safe_url("//evil.example"), None);
        assert_eq!(safe_url("'https://x'"), None);
    }

    #[test]
    fn csv_neutralises_formulas() {
        assert_eq!(csv_cell("=1+1"), "'=1+1");
        assert_eq!(csv_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_cell("a,\"b\""), "\"a,\"\"b\"\"\"");
        assert_eq!(csv_cell("-2"), "'-2");
        assert_eq!(csv_cell("plain"), "plain");
    }

    #[test]
    fn markdown_cells_stay_in_their_cell() {
        assert_eq!(markdown_cell("a|b\nc"), "a\\|b<br>c");
        assert_eq!(markdown_cell("<img src=x>"), "&lt;img src=x&gt;");
        assert_eq!(markdown_cell(" JaVaScRiPt:x"), " JaVaScRiPt&#58;x");
        assert_eq!(
            markdown_cell("[x](javascript:alert(1))"),
            "\\[x\\]\\(javascript&#58;alert\\(1\\)\\)"
        );
    }

    #[test]
    fn json_in_script_cannot_close_the_element() {
        let s = json_in_script(r#"{"c":"</script><script>alert(1)</script>"}"#);
        assert!(!s.contains('<'));
        assert!(s.contains("\\u003c/script\\u003e"));
    }
}
