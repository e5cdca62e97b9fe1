//! Lists of technique IDs: plain text (one ID per line, optionally followed by a score and a
//! comment), CSV or TSV. A header row names the columns (`technique`/`techniqueID`/`id`,
//! `score`, `comment`, `tactic`, `name`); without one the columns are ID, score, comment. Lines
//! starting with `#` are comments. Each row is an item; its score is its weight, and `auto`
//! scoring then keeps the highest score given for a technique.

use super::{looks_like_attack_id, FileParse, ParseContext};
use crate::input::{text_of, FileReport, Input};
use crate::item::{Item, TechRef};
use crate::options::Weight;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Shape {
    Plain,
    Delimited(u8),
}

#[derive(Debug, Default, Clone, Copy)]
struct Columns {
    id: usize,
    score: Option<usize>,
    comment: Option<usize>,
    tactic: Option<usize>,
    label: Option<usize>,
}

fn column_kind(header: &str) -> Option<&'static str> {
    let h = header.trim().to_ascii_lowercase().replace([' ', '-'], "_");
    match h.as_str() {
        "techniqueid" | "technique_id" | "technique" | "id" | "attack_id" | "attackid" | "ttp"
        | "mitre_id" | "external_id" => Some("id"),
        "score" | "value" | "weight" | "count" => Some("score"),
        "comment" | "comments" | "note" | "notes" | "description" => Some("comment"),
        "tactic" | "tactics" | "kill_chain_phase" => Some("tactic"),
        "name" | "title" | "rule" | "label" => Some("label"),
        _ => None,
    }
}

fn header_columns(cells: &[String]) -> Option<Columns> {
    if cells
        .first()
        .is_some_and(|c| looks_like_attack_id(c.trim()))
    {
        return None;
    }
    let mut cols = Columns::default();
    let mut id = None;
    for (i, c) in cells.iter().enumerate() {
        match column_kind(c) {
            Some("id") if id.is_none() => id = Some(i),
            Some("score") if cols.score.is_none() => cols.score = Some(i),
            Some("comment") if cols.comment.is_none() => cols.comment = Some(i),
            Some("tactic") if cols.tactic.is_none() => cols.tactic = Some(i),
            Some("label") if cols.label.is_none() => cols.label = Some(i),
            _ => {}
        }
    }
    cols.id = id?;
    Some(cols)
}

fn shape(name: &str, text: &str) -> Shape {
    let lower = name.to_ascii_lowercase();
    let first = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))
        .unwrap_or("");
    if lower.ends_with(".tsv") || first.contains('\t') {
        Shape::Delimited(b'\t')
    } else if lower.ends_with(".csv") || first.contains(',') {
        Shape::Delimited(b',')
    } else {
        Shape::Plain
    }
}

/// Rows as (line number, cells); an error as (message, (line, column)).
type Rows = Result<Vec<(usize, Vec<String>)>, (String, (usize, usize))>;

fn rows(shape: Shape, text: &str) -> Rows {
    match shape {
        Shape::Plain => Ok(text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
            .map(|(i, l)| {
                let mut parts = l.split_whitespace();
                let mut cells: Vec<String> = parts.next().into_iter().map(String::from).collect();
                let rest: Vec<&str> = parts.collect();
                if let Some((first, more)) = rest.split_first() {
                    if first.parse::<f64>().is_ok() {
                        cells.push((*first).to_string());
                        cells.push(more.join(" "));
                    } else {
                        cells.push(String::new());
                        cells.push(rest.join(" "));
                    }
                }
                (i + 1, cells)
            })
            .collect()),
        Shape::Delimited(d) => {
            let mut reader = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .delimiter(d)
                .comment(Some(b'#'))
                .trim(csv::Trim::All)
                .from_reader(text.as_bytes());
            let mut out = Vec::new();
            for record in reader.records() {
                let record = record.map_err(|e| {
                    let line = e.position().map_or(0, |p| p.line() as usize);
                    (format!("CSV: {e}"), (line, 1))
                })?;
                let line = record.position().map_or(0, |p| p.line() as usize);
                let cells: Vec<String> = record.iter().map(String::from).collect();
                if cells.iter().all(|c| c.is_empty()) {
                    continue;
                }
                out.push((line, cells));
            }
            Ok(out)
        }
    }
}

/// Parses one list file.
pub(super) fn parse(input: &Input, ctx: &ParseContext<'_>) -> FileParse {
    let text = match text_of(&input.bytes) {
        Ok(t) => t,
        Err((msg, at)) => return FileParse::new(FileReport::failed(&input.name, msg, Some(at))),
    };
    let shape = shape(&input.name, text);
    let rows = match rows(shape, text) {
        Ok(r) => r,
        Err((msg, at)) => return FileParse::new(FileReport::failed(&input.name, msg, Some(at))),
    };
    let mut out = FileParse::new(FileReport::parsed(&input.name));
    let mut rows = rows.into_iter().peekable();
    let cols = match rows.peek().and_then(|(_, cells)| header_columns(cells)) {
        Some(c) => {
            rows.next();
            c
        }
        None => Columns {
            id: 0,
            score: Some(1),
            comment: Some(2),
            tactic: None,
            label: None,
        },
    };
    let cell = |cells: &[String], i: Option<usize>| {
        i.and_then(|i| cells.get(i))
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
    };
    for (line, cells) in rows {
        let id = cell(&cells, Some(cols.id)).unwrap_or_default();
        // A row of IDs only ("T1059, T1003") lists several techniques.
        let ids: Vec<String> =
            if cells.len() > 1 && cells.iter().all(|c| looks_like_attack_id(c.trim())) {
                cells.iter().map(|c| c.trim().to_string()).collect()
            } else {
                vec![id]
            };
        if ids.iter().any(|i| !looks_like_attack_id(i)) {
            out.report.notes.push(format!(
                "line {line}: {:?} is not an ATT&CK ID, row ignored",
                ids[0]
            ));
            continue;
        }
        let score_text = if ids.len() > 1 {
            None
        } else {
            cell(&cells, cols.score)
        };
        let score = score_text
            .as_deref()
            .and_then(|s| s.parse::<f64>().ok())
            .filter(|x| x.is_finite());
        if score_text.is_some() && score.is_none() {
            out.report.notes.push(format!(
                "line {line}: score {:?} is not a number",
                score_text.unwrap_or_default()
            ));
        }
        out.scores_given |= score.is_some();
        let comment = if ids.len() > 1 {
            None
        } else {
            cell(&cells, cols.comment)
        };
        let tactic = cell(&cells, cols.tactic);
        let name = cell(&cells, cols.label)
            .or(comment.clone())
            .unwrap_or_else(|| format!("line {line}"));
        out.items.push(Item {
            name,
            id: None,
            url: None,
            file: 0,
            weight: match ctx.weight {
                Some(Weight::Score) => score,
                _ => None,
            },
            platforms: None,
            tactics: Vec::new(),
            refs: ids
                .into_iter()
                .map(|i| TechRef {
                    tactic: tactic.clone(),
                    ..TechRef::new(i)
                })
                .collect(),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::options::MappingFilter;

    fn run(name: &str, text: &str) -> FileParse {
        let f = MappingFilter::default();
        let ctx = ParseContext {
            weight: Some(Weight::Score),
            include_deprecated: false,
            min_level: None,
            min_status: None,
            mappings: &f,
        };
        parse(&Input::new(name, text), &ctx)
    }

    #[test]
    fn plain_csv_and_tsv_lists_read() {
        let out = run(
            "a.txt",
            "# mine\nT1059.001 3 PowerShell rule\nT1003\n\nbogus\n",
        );
        assert_eq!(out.items.len(), 2);
        assert_eq!(out.items[0].weight, Some(3.0));
        assert_eq!(out.items[0].name, "PowerShell rule");
        assert_eq!(out.items[1].name, "line 3");
        assert!(out.report.notes[0].contains("line 5"));
        let out = run(
            "a.csv",
            "technique,tactic,score,comment\nT1078,persistence,2,\"a, b\"\n",
        );
        assert_eq!(out.items[0].refs[0].tactic.as_deref(), Some("persistence"));
        assert_eq!(out.items[0].name, "a, b");
        assert!(out.scores_given);
        let out = run("a.tsv", "T1078\t5\nT1098\t1\tx\n");
        assert_eq!(out.items[1].weight, Some(1.0));
        let out = run("a.csv", "T1059, T1003\n");
        assert_eq!(out.items[0].refs.len(), 2);
    }
}
