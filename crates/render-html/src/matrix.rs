//! The matrix markup in the three layouts. Side: a grid per tactic (parent, handle,
//! sub-technique column); flat: sub-techniques below their parent; mini: squares without text,
//! names in tooltips. Cell details travel as JSON (see `lib.rs`), keyed by `data-k`.

use std::fmt::Write as _;

use navlayer_render::escape::{safe_url, xml};
use navlayer_render::{
    format_score, Cell, LayoutKind, Link, MatrixView, Meta, RenderOptions, Rgb, Scores,
};
use serde_json::{json, Value};

fn meta_json(items: &[Meta]) -> Value {
    Value::Array(
        items
            .iter()
            .map(|m| match m {
                Meta::Pair { name, value } => json!({"name": name, "value": value}),
                Meta::Divider => json!({"divider": true}),
            })
            .collect(),
    )
}

fn links_json(items: &[Link]) -> Value {
    Value::Array(
        items
            .iter()
            .map(|l| match l {
                Link::Item { label, url, safe } => {
                    json!({"label": label, "url": url, "safe": safe})
                }
                Link::Divider => json!({"divider": true}),
            })
            .collect(),
    )
}

fn cell_json(c: &Cell, tactic_name: &str) -> Value {
    json!({
        "id": c.attack_id,
        "name": c.name,
        "tactic": tactic_name,
        "score": c.score.map(format_score),
        "aggregate": c.aggregate.map(format_score),
        "comment": c.comment,
        "enabled": c.enabled,
        "color": c.color.map(|x| x.to_string()),
        "metadata": meta_json(&c.metadata),
        "links": links_json(&c.links),
        "url": c.url.as_deref().and_then(safe_url),
    })
}

fn style(bg: Option<Rgb>, fg: Option<Rgb>) -> String {
    match (bg, fg) {
        (Some(b), Some(f)) => format!(r#" style="background:{b};color:{f}""#),
        (Some(b), None) => format!(r#" style="background:{b}""#),
        (None, Some(f)) => format!(r#" style="color:{f}""#),
        (None, None) => String::new(),
    }
}

/// Writes the matrix and returns the per-cell JSON records.
pub(crate) struct Matrix<'a> {
    view: &'a MatrixView,
    opts: &'a RenderOptions,
    b: String,
    data: Vec<Value>,
}

impl<'a> Matrix<'a> {
    pub(crate) fn write(view: &'a MatrixView, opts: &'a RenderOptions) -> (String, Vec<Value>) {
        let mut m = Matrix {
            view,
            opts,
            b: String::with_capacity(256 * 1024),
            data: Vec::new(),
        };
        let _ = writeln!(
            m.b,
            r#"<main class="matrix {}" aria-label="ATT&amp;CK matrix">"#,
            view.layout
        );
        for (mi, matrix) in view.matrices.iter().enumerate() {
            if view.matrices.len() > 1 {
                let _ = write!(
                    m.b,
                    r#"<div class="matrix-name" data-matrix="{mi}">{}</div>"#,
                    xml(&matrix.name)
                );
            }
            for col in &view.columns[matrix.first..matrix.first + matrix.count] {
                m.column(col);
            }
        }
        m.b.push_str("</main>\n");
        (m.b, m.data)
    }

    fn column(&mut self, col: &navlayer_render::Column) {
        let hs = match self.view.tactic_row_background {
            Some(bg) => style(Some(bg), Some(bg.readable_text())),
            None => String::new(),
        };
        let label = if self.view.show_id {
            format!("{}: {}", col.attack_id, col.name)
        } else {
            col.name.clone()
        };
        let open = col.cells.iter().any(|c| c.expanded);
        let _ = write!(
            self.b,
            r#"<section class="tactic{}" data-tactic="{}"><h2{}>{}<small>{} technique{}</small></h2><div class="techniques">"#,
            if open { " open" } else { "" },
            xml(&col.shortname),
            hs,
            xml(&label),
            col.technique_count,
            if col.technique_count == 1 { "" } else { "s" }
        );
        let mut i = 0;
        while i < col.cells.len() {
            let parent = &col.cells[i];
            let n = col.cells[i + 1..].iter().take_while(|c| c.is_sub).count();
            let subs = &col.cells[i + 1..i + 1 + n];
            i += 1 + n;
            self.group(parent, subs, &col.name);
        }
        self.b.push_str("</div></section>\n");
    }

    /// A parent and its sub-techniques, in the layout's markup.
    fn group(&mut self, parent: &Cell, subs: &[Cell], tactic: &str) {
        let pk = self.data.len();
        match self.view.layout {
            LayoutKind::Side => {
                self.b.push_str(r#"<div class="row">"#);
                self.cell(parent, tactic, None);
                self.toggle(parent, pk);
                self.b.push_str(r#"<div class="subs">"#);
                for s in subs {
                    self.cell(s, tactic, Some(pk));
                }
                self.b.push_str("</div></div>\n");
            }
            LayoutKind::Flat => {
                self.b.push_str(r#"<div class="row">"#);
                self.toggle(parent, pk);
                self.cell(parent, tactic, None);
                self.b.push_str("</div>\n");
                for s in subs {
                    self.cell(s, tactic, Some(pk));
                }
            }
            LayoutKind::Mini => {
                let grouped = subs.iter().any(|s| s.expanded);
                if grouped {
                    self.b.push_str(r#"<div class="group">"#);
                }
                self.cell(parent, tactic, None);
                for s in subs {
                    self.cell(s, tactic, Some(pk));
                }
                if grouped {
                    self.b.push_str("</div>");
                }
                self.b.push('\n');
            }
        }
    }

    fn toggle(&mut self, c: &Cell, k: usize) {
        if c.sub_count == 0 {
            self.b.push_str(r#"<span class="nohandle"></span>"#);
            return;
        }
        let _ = write!(
            self.b,
            r#"<button type="button" class="toggle" data-k="{k}" aria-expanded="{}" aria-label="sub-techniques of {}" title="{} sub-technique{}"><span aria-hidden="true">=</span></button>"#,
            c.expanded,
            xml(&c.attack_id),
            c.sub_count,
            if c.sub_count == 1 { "" } else { "s" },
        );
    }

    fn classes(&self, c: &Cell) -> String {
        let mut s = String::from("t");
        if c.is_sub {
            s.push_str(" sub");
        }
        if !c.enabled {
            s.push_str(" disabled");
        }
        if c.annotated {
            s.push_str(" annotated");
        }
        if self.opts.marks.underline {
            if c.comment.is_some() {
                s.push_str(" mk-comment");
            } else if !c.metadata.is_empty() {
                s.push_str(" mk-metadata");
            } else if !c.links.is_empty() {
                s.push_str(" mk-link");
            }
        }
        s
    }

    fn cell(&mut self, c: &Cell, tactic: &str, parent: Option<usize>) {
        let k = self.data.len();
        self.data.push(cell_json(c, tactic));
        let view = self.view;
        let mini = view.layout == LayoutKind::Mini;
        let label = if mini {
            String::new()
        } else {
            match (view.show_id, view.show_name) {
                (true, true) => format!(
                    r#"<span class="id">{}</span> <span class="name">{}</span>"#,
                    xml(&c.attack_id),
                    xml(&c.name)
                ),
                (true, false) => format!(r#"<span class="id">{}</span>"#, xml(&c.attack_id)),
                (false, true) => format!(r#"<span class="name">{}</span>"#, xml(&c.name)),
                (false, false) => String::new(),
            }
        };
        let count = c
            .count_label()
            .filter(|_| !mini && self.opts.marks.subtechnique_counts && !label.is_empty())
            .map(|n| {
                let class = if c.sub_annotated == 0 { " none" } else { "" };
                format!(r#"<sub class="count{class}">{n}</sub>"#)
            })
            .unwrap_or_default();
        let score = c
            .display_score()
            .filter(|_| !mini && self.opts.scores == Scores::InCell)
            .map(|s| format!(r#"<span class="score">{}</span>"#, xml(&format_score(s))))
            .unwrap_or_default();
        let parent_attr = parent
            .map(|p| format!(r#" data-parent="{p}""#))
            .unwrap_or_default();
        let hidden = if c.is_sub && !c.expanded {
            " hidden"
        } else {
            ""
        };
        let fg = if c.enabled { c.text } else { None };
        let _ = write!(
            self.b,
            r#"<div class="{}" data-k="{k}" data-id="{}" tabindex="0" role="button" title="{}" aria-label="{} {}"{}{}{}><span class="label">{}{}</span>{}</div>"#,
            self.classes(c),
            xml(&c.attack_id),
            xml(&c.tooltip()),
            xml(&c.attack_id),
            xml(&c.name),
            parent_attr,
            style(if c.enabled { c.background } else { None }, fg),
            hidden,
            label,
            count,
            score
        );
    }
}
