//! Relationship descriptions → layer comments, exactly as attack.mitre.org does it with Python's
//! `bleach.clean(text, tags=[], strip=True)` (bleach 6.0, the website's pin).
//!
//! bleach tokenizes with html5lib, drops every tag (no tag is allowed), drops comments, and escapes
//! the remaining text while leaving character entities that look valid alone. This module
//! reproduces that pipeline for the no-tags case:
//!
//! 1. the input stream turns `\r\n` and lone `\r` into `\n`;
//! 2. html5lib's tokenizer states decide what a `<` starts: a tag (removed, even when its quoted
//!    attribute values contain `>`), a comment or bogus comment (removed; it also splits the text
//!    into separate text nodes), a doctype (removed), or plain text (`<` followed by a space, a
//!    digit, end of input …). bleach's own twists are kept: a malformed end tag such as `</ x>` is
//!    put back as text, a tag name cut by the end of input (`<abc`) is put back as `<abc` while
//!    other tags cut by the end of input vanish;
//! 3. each text node is sanitised like bleach's `sanitize_characters`: control characters become
//!    `?`, and for each `&` bleach's `match_entity` decides whether an entity follows (kept as is)
//!    or not (the `&` is escaped); `<` and `>` are escaped.

use crate::entities::ENTITY_NAMES;

/// Cleans `text` as `bleach.clean(text, tags=[], strip=True)` does.
///
/// ```
/// use navlayer_generate::bleach_clean;
/// assert_eq!(bleach_clean("Use <code>Get-ADUser</code> & co"), "Use Get-ADUser &amp; co");
/// assert_eq!(bleach_clean("HKCU\\Software\\<username>\\PuTTY"), "HKCU\\Software\\\\PuTTY");
/// assert_eq!(bleach_clean("a < b &amp; c"), "a &lt; b &amp; c");
/// ```
pub fn bleach_clean(text: &str) -> String {
    if text.is_empty() {
        return String::new();
    }
    // Fast path: nothing that the tokenizer or the sanitiser would touch.
    if !text
        .bytes()
        .any(|b| matches!(b, b'<' | b'>' | b'&' | b'\r') || (b < 0x20 && b != b'\n' && b != b'\t'))
    {
        return text.to_string();
    }
    let chars: Vec<char> = normalise_newlines(text);
    let mut out = String::with_capacity(text.len() + 16);
    for node in text_nodes(&chars) {
        sanitize_text_node(&node, &mut out);
    }
    out
}

/// html5lib's input stream: CR LF → LF, lone CR → LF.
fn normalise_newlines(text: &str) -> Vec<char> {
    let mut chars = Vec::with_capacity(text.len());
    let mut it = text.chars().peekable();
    while let Some(c) = it.next() {
        if c == '\r' {
            if it.peek() == Some(&'\n') {
                it.next();
            }
            chars.push('\n');
        } else {
            chars.push(c);
        }
    }
    chars
}

/// html5lib's `spaceCharacters`.
fn is_space(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\u{0c}' | ' ' | '\r')
}

/// How a markup construct starting at a `<` ends.
enum Markup {
    /// Removed without a trace (tags, doctypes, `</>`); tokenizing resumes at the index.
    Dropped(usize),
    /// Removed, and the text after it is a new text node (comments); resume at the index.
    Comment(usize),
    /// Kept as text (then escaped); resume at the index.
    Text(String, usize),
    /// A complete start or end tag (removed); resume at the index. bleach replaces a stripped
    /// block-level start tag by a newline when an earlier tag was emitted.
    Tag {
        /// Index after the tag.
        next: usize,
        /// A start tag of a block-level element (`p`, `div`, `li`, …).
        block_start: bool,
    },
}

/// bleach's `HTML_TAGS_BLOCK_LEVEL`.
const BLOCK_LEVEL: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "details",
    "dialog",
    "dd",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hgroup",
    "hr",
    "li",
    "main",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "table",
    "ul",
];

/// Splits the input into the text nodes html5lib's tree builder would create once every tag is
/// stripped: only comments separate them.
fn text_nodes(s: &[char]) -> Vec<String> {
    let mut nodes = Vec::new();
    let mut current = String::new();
    // bleach's `emitted_last_token`: whether a tag was emitted before.
    let mut emitted_tag = false;
    let mut i = 0;
    while i < s.len() {
        match s[i] {
            '<' => match markup(s, i) {
                Markup::Dropped(next) => i = next,
                Markup::Tag { next, block_start } => {
                    if block_start && emitted_tag {
                        current.push('\n');
                    }
                    emitted_tag = true;
                    i = next;
                }
                Markup::Comment(next) => {
                    nodes.push(std::mem::take(&mut current));
                    i = next;
                }
                Markup::Text(text, next) => {
                    current.push_str(&text);
                    i = next;
                }
            },
            // The tree builder ignores NUL characters in body text.
            '\0' => i += 1,
            c => {
                current.push(c);
                i += 1;
            }
        }
    }
    nodes.push(current);
    nodes
}

/// What follows the `<` at `start` (html5lib's tag open state).
fn markup(s: &[char], start: usize) -> Markup {
    let j = start + 1;
    match s.get(j) {
        None => Markup::Text("<".into(), j),
        Some('!') => markup_declaration(s, j + 1),
        Some('/') => match s.get(j + 1) {
            None => Markup::Text("</".into(), j + 1),
            Some(c) if c.is_ascii_alphabetic() => tag(s, start, j + 2),
            Some('>') => Markup::Dropped(j + 2),
            // bleach turns the bogus comment html5lib makes of `</ x>` back into its text.
            Some(_) => {
                let end = bogus_comment_end(s, j + 1);
                Markup::Text(s[start..end].iter().collect(), end)
            }
        },
        Some(c) if c.is_ascii_alphabetic() => tag(s, start, j + 1),
        Some('>') => Markup::Text("<>".into(), j + 1),
        Some('?') => Markup::Comment(bogus_comment_end(s, j)),
        Some(_) => Markup::Text("<".into(), j),
    }
}

/// The index after a bogus comment starting at `from`: after the next `>`, or the end.
fn bogus_comment_end(s: &[char], from: usize) -> usize {
    match s[from..].iter().position(|&c| c == '>') {
        Some(p) => from + p + 1,
        None => s.len(),
    }
}

/// After `<!` (html5lib's markup declaration open state).
fn markup_declaration(s: &[char], m: usize) -> Markup {
    if s.get(m) == Some(&'-') && s.get(m + 1) == Some(&'-') {
        return Markup::Comment(comment_end(s, m + 2));
    }
    let doctype = "doctype";
    if s.len() >= m + doctype.len()
        && s[m..m + doctype.len()]
            .iter()
            .zip(doctype.chars())
            .all(|(a, b)| a.to_ascii_lowercase() == b)
    {
        // Every doctype state ends the token at the next `>`; the tree builder ignores it.
        return Markup::Dropped(bogus_comment_end(s, m + doctype.len()));
    }
    Markup::Comment(bogus_comment_end(s, m))
}

/// The index after a comment whose data starts at `from` (html5lib's comment states).
fn comment_end(s: &[char], from: usize) -> usize {
    #[derive(Clone, Copy)]
    enum St {
        Start,
        StartDash,
        Comment,
        EndDash,
        End,
        EndBang,
    }
    let mut state = St::Start;
    let mut i = from;
    while let Some(&c) = s.get(i) {
        i += 1;
        state = match (state, c) {
            (St::Start, '-') => St::StartDash,
            (St::Start, '>') | (St::StartDash, '>') | (St::End, '>') | (St::EndBang, '>') => {
                return i
            }
            (St::StartDash, '-') | (St::EndDash, '-') => St::End,
            (St::Comment, '-') => St::EndDash,
            (St::End, '!') => St::EndBang,
            (St::End, '-') => St::End,
            (St::EndBang, '-') => St::EndDash,
            _ => St::Comment,
        };
    }
    s.len()
}

/// A start or end tag whose name began at `name_start - 1`: finds where html5lib ends it.
fn tag(s: &[char], start: usize, name_start: usize) -> Markup {
    #[derive(Clone, Copy, PartialEq)]
    enum St {
        Name,
        BeforeAttrName,
        AttrName,
        AfterAttrName,
        BeforeAttrValue,
        DoubleQuoted,
        SingleQuoted,
        Unquoted,
        AfterAttrValue,
        SelfClosing,
    }
    let mut state = St::Name;
    let mut i = name_start;
    let mut name_end = None;
    let is_start = s[start + 1] != '/';
    let finish = |next: usize, name_end: Option<usize>| {
        let name_from = name_start - 1;
        let name: String = s[name_from..name_end.unwrap_or(next - 1)]
            .iter()
            .map(|&c| if c == '\0' { '\u{fffd}' } else { c })
            .collect::<String>()
            .to_lowercase();
        Markup::Tag {
            next,
            block_start: is_start && BLOCK_LEVEL.contains(&name.as_str()),
        }
    };
    loop {
        let Some(&c) = s.get(i) else {
            // End of input inside the tag. bleach 6.0 puts a cut tag name back as text
            // (`"<" + name`, without the `/` of an end tag); any other cut tag vanishes.
            return if state == St::Name {
                let name_from = if s[start + 1] == '/' {
                    start + 2
                } else {
                    start + 1
                };
                let name: String = s[name_from..]
                    .iter()
                    .map(|&c| if c == '\0' { '\u{fffd}' } else { c })
                    .collect();
                Markup::Text(format!("<{name}"), s.len())
            } else {
                Markup::Dropped(s.len())
            };
        };
        i += 1;
        if state == St::Name && (c == '>' || c == '/' || is_space(c)) {
            name_end = Some(i - 1);
        }
        state = match state {
            St::Name => match c {
                '>' => return finish(i, name_end),
                '/' => St::SelfClosing,
                c if is_space(c) => St::BeforeAttrName,
                _ => St::Name,
            },
            St::BeforeAttrName => match c {
                '>' => return finish(i, name_end),
                '/' => St::SelfClosing,
                c if is_space(c) => St::BeforeAttrName,
                _ => St::AttrName,
            },
            St::AttrName => match c {
                '=' => St::BeforeAttrValue,
                '>' => return finish(i, name_end),
                '/' => St::SelfClosing,
                c if is_space(c) => St::AfterAttrName,
                _ => St::AttrName,
            },
            St::AfterAttrName => match c {
                '=' => St::BeforeAttrValue,
                '>' => return finish(i, name_end),
                '/' => St::SelfClosing,
                c if is_space(c) => St::AfterAttrName,
                _ => St::AttrName,
            },
            St::BeforeAttrValue => match c {
                '"' => St::DoubleQuoted,
                '\'' => St::SingleQuoted,
                '>' => return finish(i, name_end),
                c if is_space(c) => St::BeforeAttrValue,
                _ => St::Unquoted,
            },
            St::DoubleQuoted => match c {
                '"' => St::AfterAttrValue,
                _ => St::DoubleQuoted,
            },
            St::SingleQuoted => match c {
                '\'' => St::AfterAttrValue,
                _ => St::SingleQuoted,
            },
            St::Unquoted => match c {
                '>' => return finish(i, name_end),
                c if is_space(c) => St::BeforeAttrName,
                _ => St::Unquoted,
            },
            St::AfterAttrValue => match c {
                '>' => return finish(i, name_end),
                '/' => St::SelfClosing,
                c if is_space(c) => St::BeforeAttrName,
                _ => {
                    // Reconsumed in the before-attribute-name state.
                    i -= 1;
                    St::BeforeAttrName
                }
            },
            St::SelfClosing => match c {
                '>' => return finish(i, name_end),
                _ => {
                    i -= 1;
                    St::BeforeAttrName
                }
            },
        };
    }
}

/// bleach's `INVISIBLE_CHARACTERS`: C0 controls except tab, LF and CR.
fn is_invisible(c: char) -> bool {
    matches!(c, '\0'..='\u{08}' | '\u{0b}' | '\u{0c}' | '\u{0e}'..='\u{1f}')
}

/// Serialises one text node: html5lib's tree walker splits off leading and trailing whitespace
/// (written as is); the middle goes through bleach's `sanitize_characters` and is escaped.
fn sanitize_text_node(node: &str, out: &mut String) {
    let middle_start = node.find(|c: char| !is_space(c)).unwrap_or(node.len());
    let (left, rest) = node.split_at(middle_start);
    let middle_len = rest.trim_end_matches(is_space).len();
    let (middle, right) = rest.split_at(middle_len);
    out.push_str(left);
    if !middle.is_empty() {
        let middle: String = middle
            .chars()
            .map(|c| if is_invisible(c) { '?' } else { c })
            .collect();
        sanitize_characters(&middle, out);
    }
    out.push_str(right);
}

/// bleach's `sanitize_characters` + the serializer: entities kept, the rest escaped.
fn sanitize_characters(data: &str, out: &mut String) {
    let mut parts = data.split('&');
    if let Some(first) = parts.next() {
        escape_into(first, out);
    }
    for rest in parts {
        // `part` is "&" + rest in bleach's terms.
        match match_entity(rest) {
            Some(entity) => {
                out.push('&');
                out.push_str(&entity);
                out.push(';');
                // bleach drops len(entity) + 2 characters of "&…" (the & and the ;).
                let skip: usize = rest
                    .char_indices()
                    .nth(entity.chars().count() + 1)
                    .map(|(i, _)| i)
                    .unwrap_or(rest.len());
                escape_into(&rest[skip..], out);
            }
            None => {
                out.push_str("&amp;");
                escape_into(rest, out);
            }
        }
    }
}

/// bleach's `match_entity`, given the text after the `&` (up to the next `&`): the entity name
/// (`amp`, `#x41`, …) when one is recognised.
fn match_entity(rest: &str) -> Option<String> {
    let is_end = |c: char| matches!(c, '<' | '&' | '=' | ';') || is_python_whitespace(c);
    let chars: Vec<char> = rest.chars().collect();
    let mut entity = String::new();
    let mut pos = 0;
    if chars.first() == Some(&'#') {
        entity.push('#');
        pos = 1;
        let hex = matches!(chars.get(1), Some('x' | 'X'));
        if hex {
            entity.push(chars[1]);
            pos = 2;
        }
        // bleach consumes a disallowed character too, then stops (no validity check).
        while let Some(&c) = chars.get(pos) {
            if is_end(c) {
                break;
            }
            pos += 1;
            let allowed = if hex {
                c.is_ascii_hexdigit()
            } else {
                c.is_ascii_digit()
            };
            if !allowed {
                break;
            }
            entity.push(c);
        }
        return (chars.get(pos) == Some(&';')).then_some(entity);
    }
    while let Some(&c) = chars.get(pos) {
        if is_end(c) {
            break;
        }
        pos += 1;
        entity.push(c);
        if !is_entity_prefix(&entity) {
            return None;
        }
    }
    (!entity.is_empty() && chars.get(pos) == Some(&';')).then_some(entity)
}

/// Python's `string.whitespace`.
fn is_python_whitespace(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\u{0b}' | '\u{0c}')
}

/// True when some HTML5 entity name starts with `prefix`.
fn is_entity_prefix(prefix: &str) -> bool {
    let i = ENTITY_NAMES.partition_point(|n| *n < prefix);
    ENTITY_NAMES.get(i).is_some_and(|n| n.starts_with(prefix))
}

/// `xml.sax.saxutils.escape`: `&`, `<`, `>`.
fn escape_into(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cases_checked_against_bleach() {
        // Each expectation was produced by bleach 6.0.0 (`tools/website_layers.py --bleach`).
        let cases: &[(&str, &str)] = &[
            ("a < b", "a &lt; b"),
            ("<code>x</code>", "x"),
            (
                "&amp; &lt; &foo; &am; & x",
                "&amp; &lt; &amp;foo; &am; &amp; x",
            ),
            ("<username>", ""),
            ("1 </ x> 2", "1 &lt;/ x&gt; 2"),
            ("</>", ""),
            ("<!-- c -->&am<!--x-->p;", "&amp;amp;"),
            ("x <foo ", "x "),
            ("x <abc", "x &lt;abc"),
            ("x </abc", "x &lt;abc"),
            ("x <a b", "x "),
            ("<a href=\"x>y\">t</a>", "t"),
            ("&#1a;", "&#1;;"),
            ("&#;", "&#;"),
            ("\r\nx\ry", "\nx\ny"),
            ("<?xml?>q", "q"),
            ("&am<!DOCTYPE x>p;", "&amp;"),
            ("&am<!doc>p;", "&amp;amp;"),
            ("&lt", "&amp;lt"),
            ("<3", "&lt;3"),
            ("<", "&lt;"),
            ("</", "&lt;/"),
            ("x\u{0b}y", "x?y"),
            ("\u{0c}x\u{0c}", "\u{0c}x\u{0c}"),
            ("a\0b", "ab"),
            ("&AMP;", "&AMP;"),
            ("&Amp;", "&amp;Amp;"),
            ("<<a>>", "&lt;&gt;"),
            ("< a>", "&lt; a&gt;"),
            ("<a b='c'd>x", "x"),
            ("&#x1F600;", "&#x1F600;"),
            ("&#65", "&amp;#65"),
        ];
        for (input, expected) in cases {
            assert_eq!(bleach_clean(input), *expected, "input {input:?}");
        }
    }

    #[test]
    fn entity_prefixes() {
        assert!(is_entity_prefix("am"));
        assert!(is_entity_prefix("amp"));
        assert!(is_entity_prefix("AElig"));
        assert!(!is_entity_prefix("abc"));
        assert!(!is_entity_prefix("foo"));
    }
}
