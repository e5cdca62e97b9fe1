//! A [`Changelog`] as Markdown, a self-contained HTML page, and one Navigator layer per domain.

use std::fmt::Write as _;

use navlayer_attack::Domain;
use navlayer_layer::write::NAVIGATOR_VERSION;
use navlayer_layer::{Layer, LegendItem, TechniqueEntry, Versions};

use crate::changelog::{Category, ChangeItem, ChangeType, Changelog, DomainChanges};

fn domain_label(domain: &str) -> &str {
    Domain::parse_lenient(domain)
        .map(Domain::display_name)
        .unwrap_or(domain)
}

fn versions(it: &ChangeItem) -> String {
    match (&it.old_version, &it.new_version) {
        (Some(a), Some(b)) if a != b => format!("v{a} → v{b}"),
        (_, Some(b)) => format!("v{b}"),
        (Some(a), None) => format!("v{a}"),
        (None, None) => String::new(),
    }
}

/// Details of an item on one line: versions, revocation, ID and tactic changes, relations.
fn details(it: &ChangeItem) -> Vec<String> {
    let mut d = Vec::new();
    let v = versions(it);
    if !v.is_empty() {
        d.push(v);
    }
    if let Some(by) = &it.revoked_by {
        d.push(format!("revoked by {}", by.label()));
    }
    if let Some(old) = &it.old_attack_id {
        d.push(format!("was {old}"));
    }
    if it.description_changed {
        d.push("description changed".into());
    }
    if let Some(old) = &it.old_tactics {
        d.push(format!("tactics were {}", old.join(", ")));
    }
    for (what, changes) in [
        ("mitigations", &it.mitigations),
        ("detections", &it.detections),
    ] {
        if !changes.new.is_empty() {
            d.push(format!("new {what}: {}", changes.new.join(", ")));
        }
        if !changes.dropped.is_empty() {
            d.push(format!("dropped {what}: {}", changes.dropped.join(", ")));
        }
    }
    d
}

/// Markdown text: `|`, `*`, `_`, `` ` ``, `[`, `]`, `<`, `>` and `\` escaped.
fn md(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(
            c,
            '|' | '*' | '_' | '`' | '[' | ']' | '<' | '>' | '\\' | '#'
        ) {
            out.push('\\');
        }
        if c.is_control() {
            out.push(' ');
        } else {
            out.push(c);
        }
    }
    out
}

/// HTML text and attribute escaping.
fn html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

impl DomainChanges {
    fn count(&self, t: ChangeType, c: Category) -> usize {
        self.items(t, c).len()
    }
}

impl Changelog {
    /// Categories shown in summaries: every one but `unchanged` comes with its list.
    fn listed(c: Category) -> bool {
        c != Category::Unchanged
    }

    /// The changelog as Markdown: a summary table per domain, then every changed object by type
    /// and category, then the new contributors.
    pub fn to_markdown(&self) -> String {
        let mut out = format!("# ATT&CK changes from {} to {}\n", self.from, self.to);
        for d in &self.domains {
            let _ = write!(out, "\n## {}\n\n| type |", domain_label(&d.domain));
            for c in Category::ALL {
                let _ = write!(out, " {} |", c.key().replace('_', " "));
            }
            out.push_str("\n|---|");
            out.push_str(&"---:|".repeat(Category::ALL.len()));
            out.push('\n');
            for &t in &self.types {
                let _ = write!(out, "| {} |", t.title());
                for c in Category::ALL {
                    let _ = write!(out, " {} |", d.count(t, c));
                }
                out.push('\n');
            }
            for &t in &self.types {
                let any = Category::ALL
                    .iter()
                    .any(|&c| Self::listed(c) && d.count(t, c) > 0);
                if !any {
                    continue;
                }
                let _ = write!(out, "\n### {} {}\n", domain_label(&d.domain), t.title());
                for c in Category::ALL.into_iter().filter(|&c| Self::listed(c)) {
                    let items = d.items(t, c);
                    if items.is_empty() {
                        continue;
                    }
                    let _ = write!(out, "\n#### {} ({})\n\n", c.title(), items.len());
                    for it in items {
                        let extra = details(it);
                        let extra = if extra.is_empty() {
                            String::new()
                        } else {
                            format!(" ({})", md(&extra.join("; ")))
                        };
                        let _ = writeln!(out, "- {}{extra}", md(&it.object.label()));
                    }
                }
            }
        }
        out.push_str("\n## Contributors to this release\n\n");
        if self.contributors.is_empty() {
            out.push_str("None.\n");
        }
        for c in &self.contributors {
            let _ = writeln!(out, "- {}", md(c));
        }
        out
    }

    /// The changelog as one self-contained HTML page (no script, no external resource), every
    /// text escaped.
    pub fn to_html(&self) -> String {
        let title = html(&format!("ATT&CK changes from {} to {}", self.from, self.to));
        let mut out = format!(
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{title}</title>\n<style>\n{CSS}</style>\n</head>\n<body>\n<h1>{title}</h1>\n"
        );
        out.push_str("<section class=\"key\"><h2>Key</h2><dl>\n");
        for c in Category::ALL {
            let _ = writeln!(
                out,
                "<dt><span class=\"swatch\" style=\"background:{}\"></span>{}</dt><dd>{}</dd>",
                c.color(),
                html(c.title()),
                html(c.description())
            );
        }
        out.push_str("</dl></section>\n");
        for d in &self.domains {
            let label = html(domain_label(&d.domain));
            let _ = write!(
                out,
                "<section>\n<h2>{label}</h2>\n<table>\n<thead><tr><th scope=\"col\">type</th>"
            );
            for c in Category::ALL {
                let _ = write!(
                    out,
                    "<th scope=\"col\">{}</th>",
                    html(&c.key().replace('_', " "))
                );
            }
            out.push_str("</tr></thead>\n<tbody>\n");
            for &t in &self.types {
                let _ = write!(out, "<tr><th scope=\"row\">{}</th>", html(t.title()));
                for c in Category::ALL {
                    let _ = write!(out, "<td>{}</td>", d.count(t, c));
                }
                out.push_str("</tr>\n");
            }
            out.push_str("</tbody>\n</table>\n");
            for &t in &self.types {
                for c in Category::ALL.into_iter().filter(|&c| Self::listed(c)) {
                    let items = d.items(t, c);
                    if items.is_empty() {
                        continue;
                    }
                    let _ = write!(
                        out,
                        "<details><summary><span class=\"swatch\" style=\"background:{}\"></span>{label} {}: {} ({})</summary>\n<ul>\n",
                        c.color(),
                        html(t.title()),
                        html(c.title()),
                        items.len()
                    );
                    for it in items {
                        let extra = details(it);
                        let extra = if extra.is_empty() {
                            String::new()
                        } else {
                            format!(
                                " <span class=\"details\">{}</span>",
                                html(&extra.join("; "))
                            )
                        };
                        let _ = writeln!(out, "<li>{}{extra}</li>", html(&it.object.label()));
                    }
                    out.push_str("</ul>\n</details>\n");
                }
            }
            out.push_str("</section>\n");
        }
        out.push_str("<section>\n<h2>Contributors to this release</h2>\n<ul>\n");
        for c in &self.contributors {
            let _ = writeln!(out, "<li>{}</li>", html(c));
        }
        out.push_str("</ul>\n</section>\n</body>\n</html>\n");
        out
    }

    /// One Navigator layer per domain on the new release: every technique and sub-technique in
    /// a category but revocations, deprecations and unchanged (which the new matrix does not
    /// show, or which did not change), once per tactic, coloured by category with diff_stix's
    /// colours, the category in the comment, and a legend.
    pub fn to_layers(&self) -> Vec<Layer> {
        self.domains.iter().map(|d| self.layer(d)).collect()
    }

    fn layer(&self, d: &DomainChanges) -> Layer {
        let label = domain_label(&d.domain);
        let mut layer = Layer::new(
            format!("ATT&CK {label} changes {} → {}", self.from, self.to),
            d.domain.clone(),
        );
        layer.description = Some(format!(
            "{label} objects changed between ATT&CK {} and {}, by category (navlayer release-diff)",
            self.from, self.to
        ));
        layer.versions = Some(Versions {
            attack: Some(self.to.split('.').next().unwrap_or(&self.to).to_string()),
            navigator: Some(NAVIGATOR_VERSION.into()),
            layer: Some("4.5".into()),
            ..Versions::default()
        });
        let shown = [
            Category::Additions,
            Category::MajorVersionChanges,
            Category::MinorVersionChanges,
            Category::OtherVersionChanges,
            Category::Patches,
            Category::Deletions,
        ];
        for t in [ChangeType::Techniques, ChangeType::Subtechniques] {
            for c in shown {
                for it in d.items(t, c) {
                    let Some(id) = &it.object.attack_id else {
                        continue;
                    };
                    let mut comment = c.key().trim_end_matches('s').replace('_', " ");
                    let extra = details(it);
                    if !extra.is_empty() {
                        comment = format!("{comment}: {}", extra.join("; "));
                    }
                    let tactics = it.tactics.clone();
                    let tactics: Vec<Option<String>> = if tactics.is_empty() {
                        vec![None]
                    } else {
                        tactics.into_iter().map(Some).collect()
                    };
                    for tactic in tactics {
                        layer.techniques.push(TechniqueEntry {
                            tactic,
                            color: Some(c.color().into()),
                            comment: Some(comment.clone()),
                            enabled: Some(true),
                            ..TechniqueEntry::new(id.clone())
                        });
                    }
                }
            }
        }
        layer.legend_items = Some(
            shown
                .iter()
                .map(|c| LegendItem {
                    label: format!("{}: {}", c.key(), c.description()),
                    color: c.color().into(),
                    ..LegendItem::default()
                })
                .collect(),
        );
        layer
    }
}

const CSS: &str = "body{font-family:system-ui,sans-serif;margin:2rem;max-width:80rem;color:#1b1b1b}
table{border-collapse:collapse;margin:1rem 0}th,td{border:1px solid #ccc;padding:.25rem .5rem}
td{text-align:right}thead th{background:#f0f0f0}details{margin:.25rem 0}summary{cursor:pointer;font-weight:600}
.swatch{display:inline-block;width:.9em;height:.9em;border:1px solid #888;margin-right:.4em;vertical-align:-.1em}
.details{color:#555}dl dt{font-weight:600;margin-top:.4rem}dl dd{margin-left:1.4rem}
";
