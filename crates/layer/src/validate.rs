//! Validation: findings, each with a severity, a JSON pointer and a plain message.
//!
//! Three sources of findings:
//! - reading ([`crate::read`]): the raw JSON (mistyped or missing properties, duplicate keys,
//!   values that had to be coerced or dropped) and the checks of [`check_layer`], already mapped
//!   to pointers into the file ([`crate::LoadedLayer::findings`]);
//! - [`check_layer`]: checks of the typed model that need no ATT&CK data (colours, gradient,
//!   technique ID syntax, duplicate entries, layout values, …);
//! - [`validate_with_catalogue`]: checks against one ATT&CK release (unknown, revoked or deprecated
//!   techniques, tactics, platforms, `versions.attack`).
//!
//! Pointers of the last two are into the model (`/techniques/3/color`); map them to the file with
//! [`crate::LoadedLayer::file_pointer`].

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;

use navlayer_attack::{Catalogue, Domain, Release};
use serde::Serialize;

use crate::model::{Layer, LinkItem, MetadataItem};

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The layer breaks the format or annotations are lost: `navlayer validate` exits 1.
    Error,
    /// Probably a mistake, or something other tools may not accept.
    Warning,
    /// Worth knowing (unknown properties kept as is, encodings, …).
    Info,
}

impl Severity {
    /// `error`, `warning` or `info`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Severity.
    pub severity: Severity,
    /// JSON pointer (RFC 6901) of the value concerned; empty for the whole document.
    pub pointer: String,
    /// What is wrong, in plain words, with a hint where one helps.
    pub message: String,
}

impl Finding {
    /// A finding.
    pub fn new(severity: Severity, pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Finding {
            severity,
            pointer: pointer.into(),
            message: message.into(),
        }
    }
    /// An error.
    pub fn error(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Finding::new(Severity::Error, pointer, message)
    }
    /// A warning.
    pub fn warning(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Finding::new(Severity::Warning, pointer, message)
    }
    /// An info.
    pub fn info(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Finding::new(Severity::Info, pointer, message)
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = if self.pointer.is_empty() {
            "/"
        } else {
            &self.pointer
        };
        write!(f, "{}: {}: {}", p, self.severity, self.message)
    }
}

/// True when any finding is an error.
pub fn has_errors(findings: &[Finding]) -> bool {
    findings.iter().any(|f| f.severity == Severity::Error)
}

/// Escapes one JSON pointer segment (`~` → `~0`, `/` → `~1`).
pub fn escape_pointer_segment(segment: &str) -> String {
    if segment.contains(['~', '/']) {
        segment.replace('~', "~0").replace('/', "~1")
    } else {
        segment.to_string()
    }
}

/// Is `domain` one of the ATT&CK domains a layer may name (`enterprise-attack`, …)?
pub fn attack_domain(domain: &str) -> Option<Domain> {
    Domain::ALL.into_iter().find(|d| d.stix_name() == domain)
}

/// Allowed `layout.layout` values.
pub const LAYOUTS: [&str; 3] = ["side", "flat", "mini"];
/// Allowed `layout.aggregateFunction` values.
pub const AGGREGATE_FUNCTIONS: [&str; 4] = ["average", "min", "max", "sum"];
/// Allowed `layout.expandedSubtechniques` values.
pub const EXPANDED_SUBTECHNIQUES: [&str; 3] = ["none", "all", "annotated"];

/// What a colour string is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColourKind {
    /// `#rgb`, `#rgba`, `#rrggbb` or `#rrggbbaa`.
    Hex,
    /// Hex digits without the `#`.
    HexWithoutHash,
    /// A CSS colour name or function (`PaleGoldenrod`, `rgb(1,2,3)`): the Navigator accepts it.
    Css,
    /// Not a colour.
    Invalid,
}

/// Classifies a colour string.
pub fn colour_kind(text: &str) -> ColourKind {
    let hex_len = |s: &str| s.len() == 3 || s.len() == 4 || s.len() == 6 || s.len() == 8;
    let all_hex = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_hexdigit());
    if let Some(rest) = text.strip_prefix('#') {
        if hex_len(rest) && all_hex(rest) {
            return ColourKind::Hex;
        }
        return ColourKind::Invalid;
    }
    if hex_len(text) && all_hex(text) {
        return ColourKind::HexWithoutHash;
    }
    if (3..=24).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_alphabetic()) {
        return ColourKind::Css;
    }
    let lower = text.to_ascii_lowercase();
    let is_fn = ["rgb(", "rgba(", "hsl(", "hsla(", "hsv(", "hsva("]
        .iter()
        .any(|p| lower.starts_with(p))
        && lower.ends_with(')');
    if is_fn {
        return ColourKind::Css;
    }
    ColourKind::Invalid
}

fn check_colour(out: &mut Vec<Finding>, pointer: String, what: &str, colour: &str) {
    let trimmed = colour.trim();
    if trimmed != colour && colour_kind(trimmed) == ColourKind::Hex {
        out.push(Finding::warning(
            pointer,
            format!("{what} {colour:?} has surrounding spaces; write {trimmed:?}"),
        ));
        return;
    }
    match colour_kind(colour) {
        ColourKind::Hex => {}
        ColourKind::HexWithoutHash => out.push(Finding::warning(
            pointer,
            format!("{what} {colour:?} lacks the leading '#'; write \"#{colour}\""),
        )),
        ColourKind::Css => out.push(Finding::warning(
            pointer,
            format!(
                "{what} {colour:?} is a CSS colour, not a hex colour: the Navigator shows it, other tools may not (write it as #rrggbb)"
            ),
        )),
        ColourKind::Invalid => out.push(Finding::error(
            pointer,
            format!("{what} {colour:?} is not a valid hex colour (expected #rrggbb, e.g. \"#ff6666\")"),
        )),
    }
}

/// Syntax of an ATT&CK technique ID: `T` + 4 digits, optionally `.` + 3 digits.
pub fn is_technique_id(id: &str) -> bool {
    let b = id.as_bytes();
    let digits = |s: &[u8]| s.iter().all(u8::is_ascii_digit);
    match b.len() {
        5 => b[0] == b'T' && digits(&b[1..5]),
        9 => b[0] == b'T' && digits(&b[1..5]) && b[5] == b'.' && digits(&b[6..9]),
        _ => false,
    }
}

fn check_enum(out: &mut Vec<Finding>, pointer: String, what: &str, value: &str, allowed: &[&str]) {
    if allowed.contains(&value) {
        return;
    }
    let list = allowed
        .iter()
        .map(|a| format!("\"{a}\""))
        .collect::<Vec<_>>()
        .join(", ");
    if allowed.iter().any(|a| a.eq_ignore_ascii_case(value.trim())) {
        out.push(Finding::warning(
            pointer,
            format!("{what} {value:?} must be written in lower case without spaces: one of {list}"),
        ));
    } else {
        out.push(Finding::error(
            pointer,
            format!("unknown {what} {value:?}: expected one of {list}"),
        ));
    }
}

fn check_metadata(out: &mut Vec<Finding>, base: &str, items: &[MetadataItem]) {
    for (i, m) in items.iter().enumerate() {
        if m.divider == Some(true) {
            continue;
        }
        let p = format!("{base}/{i}");
        match (&m.name, &m.value) {
            (Some(_), Some(_)) => {}
            (None, None) if m.divider.is_some() => {}
            (None, None) => out.push(Finding::warning(
                p,
                "metadata item has neither name and value nor \"divider\": true; the Navigator drops it",
            )),
            (Some(n), None) => out.push(Finding::warning(
                p,
                format!("metadata item {n:?} has no value; the Navigator drops it"),
            )),
            (None, Some(_)) => out.push(Finding::warning(
                p,
                "metadata item has a value but no name; the Navigator drops it",
            )),
        }
    }
}

/// The scheme of `url` as a browser's URL parser reads it (the WHATWG URL Standard, "basic URL
/// parser"): leading and trailing C0 controls and spaces are stripped and every tab, line feed
/// and carriage return is removed first (so `java\tscript:` is `javascript:`), then the scheme
/// is an ASCII letter followed by letters, digits, `+`, `-` or `.` up to a `:`, lower-cased.
/// `None` when there is no scheme (a relative URL).
pub fn url_scheme(url: &str) -> Option<String> {
    let c0_or_space = |c: char| c <= '\u{20}';
    let trimmed = url.trim_matches(c0_or_space);
    let mut scheme = String::new();
    for c in trimmed.chars().filter(|c| !matches!(c, '\t' | '\n' | '\r')) {
        if c == ':' {
            return (!scheme.is_empty()).then_some(scheme);
        }
        let ok = if scheme.is_empty() {
            c.is_ascii_alphabetic()
        } else {
            c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')
        };
        if !ok {
            return None;
        }
        scheme.push(c.to_ascii_lowercase());
    }
    None
}

/// Link schemes a layer may use: web pages and mail. Everything else (`javascript:`,
/// `vbscript:`, `data:`, `file:`, …) is refused, however it is disguised.
pub const LINK_SCHEMES: [&str; 3] = ["http", "https", "mailto"];

fn check_links(out: &mut Vec<Finding>, base: &str, items: &[LinkItem]) {
    for (i, l) in items.iter().enumerate() {
        if l.divider == Some(true) {
            continue;
        }
        let p = format!("{base}/{i}");
        match (&l.label, &l.url) {
            (Some(_), Some(url)) => match url_scheme(url) {
                None => out.push(Finding::warning(
                    format!("{p}/url"),
                    format!("link url {url:?} has no protocol; the Navigator needs e.g. \"https://…\""),
                )),
                Some(scheme) if LINK_SCHEMES.contains(&scheme.as_str()) => {}
                Some(scheme) => out.push(Finding::error(
                    format!("{p}/url"),
                    format!("link url {url:?} uses the scheme {scheme:?} (as a browser reads it); only http, https and mailto links are allowed"),
                )),
            },
            _ => out.push(Finding::warning(
                p,
                "link needs both a label and a url (or \"divider\": true); the Navigator drops it",
            )),
        }
    }
}

/// Checks of the typed model that need no ATT&CK data. Pointers are into the model.
pub fn check_layer(layer: &Layer) -> Vec<Finding> {
    let mut out = Vec::new();
    let domain = attack_domain(&layer.domain);
    if layer.name.trim().is_empty() {
        out.push(Finding::warning("/name", "the layer name is empty"));
    }
    if domain.is_none() && !layer.domain.is_empty() {
        let known = Domain::ALL
            .iter()
            .map(|d| d.stix_name())
            .collect::<Vec<_>>()
            .join(", ");
        out.push(Finding::warning(
            "/domain",
            format!(
                "domain {:?} is not an ATT&CK domain ({known}); the layer is for a custom Navigator instance, ATT&CK checks are skipped",
                layer.domain
            ),
        ));
    }
    if let Some(v) = &layer.versions {
        if v.navigator.is_none() {
            out.push(Finding::info(
                "/versions",
                "versions.navigator is missing (format 4.5 requires it, the Navigator tolerates its absence)",
            ));
        }
        if let Some(a) = &v.attack {
            if !a.is_empty() && Release::parse(a).is_none() {
                out.push(Finding::warning(
                    "/versions/attack",
                    format!("versions.attack {a:?} is not an ATT&CK version such as \"18\""),
                ));
            }
        }
    }
    if let Some(s) = layer.sorting {
        if !(0..=3).contains(&s) {
            out.push(Finding::error(
                "/sorting",
                format!("sorting {s} is unknown: 0 name ascending, 1 name descending, 2 score ascending, 3 score descending"),
            ));
        }
    }
    if let Some(l) = &layer.layout {
        if let Some(v) = &l.layout {
            check_enum(&mut out, "/layout/layout".into(), "layout", v, &LAYOUTS);
        }
        if let Some(v) = &l.aggregate_function {
            check_enum(
                &mut out,
                "/layout/aggregateFunction".into(),
                "aggregateFunction",
                v,
                &AGGREGATE_FUNCTIONS,
            );
        }
        if let Some(v) = &l.expanded_subtechniques {
            check_enum(
                &mut out,
                "/layout/expandedSubtechniques".into(),
                "expandedSubtechniques",
                v,
                &EXPANDED_SUBTECHNIQUES,
            );
        }
    }
    if let Some(g) = &layer.gradient {
        if g.colors.len() < 2 {
            out.push(Finding::error(
                "/gradient/colors",
                format!(
                    "the gradient has {} colour(s); it needs at least two (low and high)",
                    g.colors.len()
                ),
            ));
        }
        for (i, c) in g.colors.iter().enumerate() {
            check_colour(
                &mut out,
                format!("/gradient/colors/{i}"),
                "gradient colour",
                c,
            );
        }
        if g.min_value >= g.max_value {
            out.push(Finding::error(
                "/gradient",
                format!(
                    "gradient minValue {} must be below maxValue {}",
                    g.min_value, g.max_value
                ),
            ));
        }
    }
    if let Some(items) = &layer.legend_items {
        for (i, item) in items.iter().enumerate() {
            check_colour(
                &mut out,
                format!("/legendItems/{i}/color"),
                "legend colour",
                &item.color,
            );
        }
    }
    if let Some(c) = &layer.tactic_row_background {
        check_colour(
            &mut out,
            "/tacticRowBackground".into(),
            "tacticRowBackground",
            c,
        );
    }
    if let Some(m) = &layer.metadata {
        check_metadata(&mut out, "/metadata", m);
    }
    if let Some(l) = &layer.links {
        check_links(&mut out, "/links", l);
    }

    // Techniques.
    let mut seen: HashMap<(&str, Option<&str>), usize> =
        HashMap::with_capacity(layer.techniques.len());
    let mut malformed = 0usize;
    for (i, t) in layer.techniques.iter().enumerate() {
        let id = t.technique_id.as_str();
        if !is_technique_id(id) {
            if domain.is_some() {
                let hint = if is_technique_id(id.trim()) {
                    " (remove the spaces)".to_string()
                } else if is_technique_id(&id.trim().to_ascii_uppercase()) {
                    format!(
                        " (write it in upper case: {})",
                        id.trim().to_ascii_uppercase()
                    )
                } else {
                    String::new()
                };
                out.push(Finding::error(
                    format!("/techniques/{i}/techniqueID"),
                    format!("malformed technique ID {id:?}: expected T#### or T####.###{hint}"),
                ));
            } else {
                malformed += 1;
            }
        }
        if let Some(tactic) = &t.tactic {
            let odd = tactic.is_empty()
                || tactic
                    .bytes()
                    .any(|b| !(b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'));
            if odd && domain.is_some() {
                out.push(Finding::warning(
                    format!("/techniques/{i}/tactic"),
                    format!("tactic {tactic:?} is not a tactic short name such as \"command-and-control\""),
                ));
            }
        }
        let key = (id, t.tactic.as_deref());
        if let Some(first) = seen.get(&key) {
            out.push(Finding::warning(
                format!("/techniques/{i}"),
                format!(
                    "duplicate entry for {id}{}: same as /techniques/{first}; the Navigator keeps only the last one",
                    t.tactic
                        .as_deref()
                        .map(|t| format!(" in tactic {t}"))
                        .unwrap_or_default()
                ),
            ));
        } else {
            seen.insert(key, i);
        }
        if let Some(c) = &t.color {
            if !c.is_empty() && colour_kind(c) != ColourKind::Hex {
                check_colour(&mut out, format!("/techniques/{i}/color"), "colour", c);
            }
        }
        if let Some(m) = &t.metadata {
            check_metadata(&mut out, &format!("/techniques/{i}/metadata"), m);
        }
        if let Some(l) = &t.links {
            check_links(&mut out, &format!("/techniques/{i}/links"), l);
        }
    }
    if malformed > 0 {
        out.push(Finding::info(
            "/techniques",
            format!("{malformed} technique ID(s) are not ATT&CK IDs (T####[.###]); expected for a custom domain"),
        ));
    }
    out
}

/// Checks a layer against one ATT&CK release: technique IDs unknown, not techniques, revoked (with
/// the replacement) or deprecated; tactics a technique does not belong to; platforms unknown in the
/// domain; a `versions.attack` that differs from the release. Pointers are into the model.
///
/// A layer of another domain (or of a custom one) gets one finding and no further checks.
pub fn validate_with_catalogue(layer: &Layer, catalogue: &Catalogue) -> Vec<Finding> {
    let mut out = Vec::new();
    let release = catalogue.release();
    let cat_domain = catalogue.domain();
    let Some(domain) = attack_domain(&layer.domain) else {
        out.push(Finding::info(
            "/domain",
            format!(
                "domain {:?} is not an ATT&CK domain; not checked against {} {}",
                layer.domain, cat_domain, release
            ),
        ));
        return out;
    };
    if domain != cat_domain {
        out.push(Finding::warning(
            "/domain",
            format!("the layer is for {domain} but the data is {cat_domain} {release}; ATT&CK checks skipped (pass data of {domain})"),
        ));
        return out;
    }
    let data = format!("{cat_domain} {release}");

    if let Some(a) = layer.versions.as_ref().and_then(|v| v.attack.as_deref()) {
        if let Some(want) = Release::parse(a) {
            let minor_given = a.contains('.');
            let same = want.major == release.major && (!minor_given || want.minor == release.minor);
            if !same {
                out.push(Finding::warning(
                    "/versions/attack",
                    format!("versions.attack is {a:?} but the layer is checked against ATT&CK {release} (pass data of release {a}, or migrate the layer)"),
                ));
            }
        }
    }

    if let Some(platforms) = layer.filters.as_ref().and_then(|f| f.platforms.as_ref()) {
        let known = catalogue.platforms();
        for (i, p) in platforms.iter().enumerate() {
            if !known.iter().any(|k| k == p) {
                let hint = known
                    .iter()
                    .find(|k| k.eq_ignore_ascii_case(p))
                    .map(|k| format!("write it as {k:?}"))
                    .unwrap_or_else(|| format!("known: {}", known.join(", ")));
                out.push(Finding::warning(
                    format!("/filters/platforms/{i}"),
                    format!("platform {p:?} is unknown in {data} ({hint})"),
                ));
            }
        }
    }

    let mut suggestions_left = 10usize;
    let mut unknown_tactics: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, t) in layer.techniques.iter().enumerate() {
        let id = t.technique_id.as_str();
        if !is_technique_id(id) {
            continue; // already reported by check_layer
        }
        let Some(oid) = catalogue.by_attack_id(id) else {
            let hint = if suggestions_left > 0 {
                suggestions_left -= 1;
                let s = catalogue.suggest(id, 3);
                if s.is_empty() {
                    String::new()
                } else {
                    format!(" (closest: {})", s.join(", "))
                }
            } else {
                String::new()
            };
            out.push(Finding::error(
                format!("/techniques/{i}/techniqueID"),
                format!("{id} is not a technique in {data}{hint}"),
            ));
            continue;
        };
        let o = catalogue.object(oid);
        if !o.kind.is_technique() {
            out.push(Finding::error(
                format!("/techniques/{i}/techniqueID"),
                format!("{id} is a {} in {data}, not a technique", o.kind.label()),
            ));
            continue;
        }
        if o.revoked {
            let msg = match catalogue.replacement_of(oid).map(|r| catalogue.object(r)) {
                Some(r) => format!(
                    "{id} ({}) is revoked in {data}; replaced by {} ({})",
                    o.name,
                    r.display_id(),
                    r.name
                ),
                None => format!("{id} ({}) is revoked in {data}", o.name),
            };
            out.push(Finding::warning(
                format!("/techniques/{i}/techniqueID"),
                msg,
            ));
            continue;
        }
        if o.deprecated {
            out.push(Finding::warning(
                format!("/techniques/{i}/techniqueID"),
                format!(
                    "{id} ({}) is deprecated in {data}; the Navigator does not show it",
                    o.name
                ),
            ));
            continue;
        }
        if let Some(tactic) = t.tactic.as_deref() {
            if !o.tactics.iter().any(|x| x == tactic) {
                match catalogue.tactic(tactic) {
                    Some(tid) => {
                        let short = catalogue.object(tid).shortname.as_deref().unwrap_or(tactic);
                        if o.tactics.iter().any(|x| x == short) {
                            out.push(Finding::warning(
                                format!("/techniques/{i}/tactic"),
                                format!("tactic {tactic:?} should be written as its short name {short:?}"),
                            ));
                        } else {
                            out.push(Finding::error(
                                format!("/techniques/{i}/tactic"),
                                format!(
                                    "{id} ({}) is not in tactic {short} in {data}; its tactics: {}",
                                    o.name,
                                    o.tactics.join(", ")
                                ),
                            ));
                        }
                    }
                    None => unknown_tactics
                        .entry(tactic.to_string())
                        .or_default()
                        .push(i),
                }
            }
        }
    }
    if !unknown_tactics.is_empty() {
        let known: Vec<String> = catalogue
            .tactics()
            .iter()
            .filter_map(|&t| catalogue.object(t).shortname.clone())
            .collect();
        for (tactic, entries) in unknown_tactics {
            let mut more = if entries.len() > 1 {
                format!(" ({} entries)", entries.len())
            } else {
                String::new()
            };
            // PascalCase or spaced names: `CredentialAccess` → `credential-access`.
            let mut kebab = String::new();
            for (i, c) in tactic.trim().chars().enumerate() {
                if c.is_ascii_uppercase() && i > 0 && !kebab.ends_with('-') {
                    kebab.push('-');
                }
                kebab.push(if c == ' ' || c == '_' {
                    '-'
                } else {
                    c.to_ascii_lowercase()
                });
            }
            if known.contains(&kebab) {
                more.push_str(&format!(" (write it as {kebab:?})"));
            }
            out.push(Finding::error(
                format!("/techniques/{}/tactic", entries[0]),
                format!(
                    "tactic {tactic:?} is not a tactic of {data}{more}; known: {}",
                    known.join(", ")
                ),
            ));
        }
    }
    out
}

/// Unknown-property report: for each unknown key of technique entries, how many entries carry it
/// and the first one (used by the reader to report them once).
pub(crate) fn unknown_keys_summary<'a>(
    keys: impl Iterator<Item = (usize, &'a str)>,
) -> BTreeMap<&'a str, (usize, usize)> {
    let mut out: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for (i, k) in keys {
        out.entry(k).and_modify(|e| e.1 += 1).or_insert((i, 1));
    }
    out
}

/// The known property of `known` closest to an unknown `key` (case or 1–2 typos), for hints.
pub(crate) fn closest_key<'k>(key: &str, known: &[&'k str]) -> Option<&'k str> {
    known
        .iter()
        .copied()
        .filter(|k| {
            k.eq_ignore_ascii_case(key)
                || distance(&k.to_ascii_lowercase(), &key.to_ascii_lowercase()) <= 2
        })
        .min_by_key(|k| distance(k, key))
}

fn distance(a: &str, b: &str) -> usize {
    let a = a.as_bytes();
    let b = b.as_bytes();
    if a.len().abs_diff(b.len()) > 2 {
        return 3;
    }
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// Counts of findings by severity: (errors, warnings, infos).
pub fn counts(findings: &[Finding]) -> (usize, usize, usize) {
    let mut c = (0, 0, 0);
    for f in findings {
        match f.severity {
            Severity::Error => c.0 += 1,
            Severity::Warning => c.1 += 1,
            Severity::Info => c.2 += 1,
        }
    }
    c
}

/// Distinct technique IDs of a layer, sorted (for reports).
pub fn technique_ids(layer: &Layer) -> BTreeSet<&str> {
    layer
        .techniques
        .iter()
        .map(|t| t.technique_id.as_str())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Gradient, TechniqueEntry};

    #[test]
    fn colours_are_classified() {
        assert_eq!(colour_kind("#ff6666"), ColourKind::Hex);
        assert_eq!(colour_kind("#ff6666ff"), ColourKind::Hex);
        assert_eq!(colour_kind("#fff"), ColourKind::Hex);
        assert_eq!(colour_kind("ff6666"), ColourKind::HexWithoutHash);
        assert_eq!(colour_kind("PaleGoldenrod"), ColourKind::Css);
        assert_eq!(colour_kind("rgb(1, 2, 3)"), ColourKind::Css);
        assert_eq!(colour_kind("##ffffff"), ColourKind::Invalid);
        assert_eq!(colour_kind("#ggg"), ColourKind::Invalid);
        assert_eq!(colour_kind("#ff66"), ColourKind::Hex);
        assert_eq!(colour_kind("#ff666"), ColourKind::Invalid);
    }

    #[test]
    fn technique_ids_are_checked() {
        assert!(is_technique_id("T1059"));
        assert!(is_technique_id("T1059.001"));
        assert!(!is_technique_id("t1059"));
        assert!(!is_technique_id("T1059.1"));
        assert!(!is_technique_id("[\"T1071\"]"));
        assert!(!is_technique_id("N/A"));
        assert!(!is_technique_id(""));
    }

    #[test]
    fn model_checks_find_each_problem() {
        let mut layer = Layer::new("x", "enterprise-attack");
        layer.gradient = Some(Gradient {
            colors: vec!["##ffffff".into()],
            min_value: 5.0,
            max_value: 5.0,
            ..Gradient::default()
        });
        layer.techniques.push(TechniqueEntry::new("T1059"));
        layer.techniques.push(TechniqueEntry::new("T1059"));
        layer.techniques.push(TechniqueEntry::new("N/A"));
        layer.sorting = Some(7);
        let f = check_layer(&layer);
        let has = |p: &str, s: Severity| f.iter().any(|x| x.pointer == p && x.severity == s);
        assert!(has("/gradient/colors", Severity::Error), "{f:#?}");
        assert!(has("/gradient/colors/0", Severity::Error), "{f:#?}");
        assert!(has("/gradient", Severity::Error), "{f:#?}");
        assert!(has("/techniques/1", Severity::Warning), "{f:#?}");
        assert!(has("/techniques/2/techniqueID", Severity::Error), "{f:#?}");
        assert!(has("/sorting", Severity::Error), "{f:#?}");
    }

    #[test]
    fn urls_are_judged_as_browsers_parse_them() {
        for (url, scheme) in [
            ("https://attack.mitre.org/", Some("https")),
            ("  HTTP://x", Some("http")),
            ("mailto:soc@example.org", Some("mailto")),
            ("java\tscript:alert(1)", Some("javascript")),
            ("java\nscript:alert(1)", Some("javascript")),
            ("jav\r\nascript:alert(1)", Some("javascript")),
            ("\u{1}javascript:alert(1)", Some("javascript")),
            ("\u{0} \tjavascript:alert(1)", Some("javascript")),
            ("vbscript:msgbox(1)", Some("vbscript")),
            ("VBScript:msgbox(1)", Some("vbscript")),
            ("data:text/html,<script>", Some("data")),
            ("attack.mitre.org/techniques", None),
            ("/relative/path", None),
            ("1http://x", None),
            ("\u{a0}javascript:alert(1)", None),
        ] {
            assert_eq!(url_scheme(url).as_deref(), scheme, "{url:?}");
        }
        let link = |url: &str| LinkItem {
            label: Some("x".into()),
            url: Some(url.into()),
            ..Default::default()
        };
        for bad in [
            "java\tscript:alert(1)",
            "\u{1}javascript:x",
            "vbscript:x",
            "data:x",
            "file:///etc/passwd",
        ] {
            let mut out = Vec::new();
            check_links(&mut out, "/links", &[link(bad)]);
            assert!(
                out.len() == 1
                    && out[0].severity == Severity::Error
                    && out[0].pointer == "/links/0/url",
                "{bad:?}: {out:?}"
            );
        }
        for good in ["https://attack.mitre.org", "mailto:a@b.c"] {
            let mut out = Vec::new();
            check_links(&mut out, "/links", &[link(good)]);
            assert!(out.is_empty(), "{good:?}: {out:?}");
        }
    }

    #[test]
    fn closest_key_suggests_typos() {
        assert_eq!(
            closest_key("hideDisable", &["hideDisabled", "domain"]),
            Some("hideDisabled")
        );
        assert_eq!(
            closest_key("techniqueId", &["techniqueID"]),
            Some("techniqueID")
        );
        assert_eq!(closest_key("category", &["comment", "color"]), None);
    }
}
