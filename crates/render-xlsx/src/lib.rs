//! # navlayer-render-xlsx
//!
//! Renders a [`MatrixView`] as an Excel workbook (rust_xlsxwriter) with three sheets:
//!
//! * **matrix** (one per matrix of the domain): the layer's layout. Side, as the Navigator's
//!   Excel export: a tactic with expanded parents gets a second column for their sub-techniques,
//!   the tactic header merged across both and each expanded parent merged down beside its
//!   sub-techniques. Flat: sub-techniques indented below their parent. Mini: one narrow column
//!   of coloured squares per tactic, no text. Cells are filled with their colour and a readable
//!   font colour, scores and `(annotated/visible)` counts in the text when asked, and the
//!   score, comment, metadata and links (mini: also the name) in a cell note;
//! * **entries**: one row per layer entry (technique ID, name, tactic, score, colour, comment,
//!   enabled, metadata, links), scores as numbers;
//! * **layer**: name, description, domain and release, platforms, metadata and links.
//!
//! Every string is written as a string cell, never as a formula, so text such as `=HYPERLINK(…)`
//! from a layer stays inert; links are plain text.

use std::collections::HashMap;

use navlayer_render::{
    format_score, links_text, metadata_text, Cell, Column, LayoutKind, MatrixInfo, MatrixView,
    RenderError, RenderOptions, Rgb, Scores, ENTRY_HEADERS,
};
use rust_xlsxwriter::{
    Color, Format, FormatAlign, FormatBorder, Note, Workbook, Worksheet, XlsxError,
};

/// Longest text Excel keeps in a cell.
const MAX_CELL: usize = 32_000;

fn clip(text: &str) -> String {
    if text.len() <= MAX_CELL {
        return text.to_string();
    }
    let mut end = MAX_CELL;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

fn color(c: Rgb) -> Color {
    Color::RGB((u32::from(c.r) << 16) | (u32::from(c.g) << 8) | u32::from(c.b))
}

fn err(e: XlsxError) -> RenderError {
    RenderError::Backend {
        format: "xlsx",
        message: e.to_string(),
    }
}

#[derive(Hash, PartialEq, Eq, Clone, Copy)]
struct Style {
    bg: Option<Rgb>,
    fg: Option<Rgb>,
    sub: bool,
    disabled: bool,
}

fn cell_style(c: &Cell, indent: bool) -> Style {
    Style {
        bg: if c.enabled { c.background } else { None },
        fg: if c.enabled {
            c.text
        } else {
            Some(Rgb::new(0xaa, 0xaa, 0xaa))
        },
        sub: indent,
        disabled: !c.enabled,
    }
}

fn make_format(s: Style) -> Format {
    let mut f = Format::new()
        .set_text_wrap()
        .set_align(FormatAlign::VerticalCenter)
        .set_border(FormatBorder::Thin)
        .set_border_color(Color::RGB(0xc8c8c8));
    if let Some(bg) = s.bg {
        f = f.set_background_color(color(bg));
    }
    if let Some(fg) = s.fg {
        f = f.set_font_color(color(fg));
    }
    if s.sub {
        f = f.set_indent(1);
    }
    if s.disabled {
        f = f.set_font_strikethrough();
    }
    f
}

fn note_text(c: &Cell, with_name: bool) -> Option<String> {
    let mut parts = Vec::new();
    if with_name {
        parts.push(format!("{} {}", c.attack_id, c.name));
    }
    if let Some(s) = c.score {
        parts.push(format!("Score: {}", format_score(s)));
    }
    if let Some(a) = c.aggregate {
        parts.push(format!("Aggregate score: {}", format_score(a)));
    }
    if let Some(comment) = &c.comment {
        parts.push(comment.clone());
    }
    if !c.metadata.is_empty() {
        parts.push(metadata_text(&c.metadata));
    }
    if !c.links.is_empty() {
        parts.push(links_text(&c.links));
    }
    (!parts.is_empty()).then(|| clip(&parts.join("\n")))
}

/// Writes one sheet cell: the label (and score), its format and its note; `rows > 1` merges
/// it down over the rows of its sub-techniques (side layout).
struct Writer<'a> {
    view: &'a MatrixView,
    opts: &'a RenderOptions,
    formats: HashMap<Style, Format>,
}

impl Writer<'_> {
    fn text(&self, c: &Cell) -> String {
        if self.view.layout == LayoutKind::Mini {
            return String::new();
        }
        let mut text = self.view.cell_label(c);
        if let Some(n) = c
            .count_label()
            .filter(|_| self.opts.marks.subtechnique_counts && !text.is_empty())
        {
            text.push(' ');
            text.push_str(&n);
        }
        if let Some(s) = c
            .display_score()
            .filter(|_| self.opts.scores == Scores::InCell)
        {
            text.push_str(&format!(" · score {}", format_score(s)));
        }
        text
    }

    fn put(
        &mut self,
        ws: &mut Worksheet,
        c: &Cell,
        row: u32,
        col: u16,
        rows: u32,
        indent: bool,
    ) -> Result<(), XlsxError> {
        let style = cell_style(c, indent);
        let format = self
            .formats
            .entry(style)
            .or_insert_with(|| make_format(style))
            .clone();
        let text = clip(&self.text(c));
        if rows > 1 {
            ws.merge_range(row, col, row + rows - 1, col, &text, &format)?;
        } else {
            ws.write_string_with_format(row, col, text, &format)?;
        }
        if let Some(note) = note_text(c, self.view.layout == LayoutKind::Mini) {
            let n = Note::new(note)
                .add_author_prefix(false)
                .set_width(320)
                .set_height(160);
            ws.insert_note(row, col, &n)?;
        }
        Ok(())
    }
}

/// Each parent of a column with the sub-techniques drawn after it.
fn groups(col: &Column) -> Vec<(&Cell, Vec<&Cell>)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < col.cells.len() {
        let n = col.cells[i + 1..].iter().take_while(|c| c.is_sub).count();
        let shown = col.cells[i + 1..i + 1 + n]
            .iter()
            .filter(|c| c.expanded)
            .collect();
        out.push((&col.cells[i], shown));
        i += 1 + n;
    }
    out
}

fn header_format(view: &MatrixView) -> Format {
    let header = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_border(FormatBorder::Thin);
    match view.tactic_row_background {
        Some(bg) => header
            .set_background_color(color(bg))
            .set_font_color(color(bg.readable_text())),
        None => header.set_background_color(Color::RGB(0xf2f2f2)),
    }
}

/// Column width of a technique column, as the Navigator sizes it.
fn column_width(view: &MatrixView) -> f64 {
    match (view.layout, view.show_id, view.show_name) {
        (LayoutKind::Mini, _, _) => 2.6,
        (_, _, true) => 30.0,
        (_, true, false) => 15.0,
        _ => 10.0,
    }
}

/// One matrix as a sheet: side puts sub-techniques in their own column with the parent merged
/// down beside them (the Navigator's Excel export); flat indents them below the parent; mini is
/// one narrow column of coloured squares per tactic, names in notes.
fn matrix_sheet(
    view: &MatrixView,
    opts: &RenderOptions,
    matrix: &MatrixInfo,
    name: &str,
    ws: &mut Worksheet,
) -> Result<(), XlsxError> {
    ws.set_name(name)?;
    let header = header_format(view);
    let mut w = Writer {
        view,
        opts,
        formats: HashMap::new(),
    };
    let width = column_width(view);
    ws.set_row_height(0, 30)?;
    let mut sheet_col: u16 = 0;
    for col in &view.columns[matrix.first..matrix.first + matrix.count] {
        let groups = groups(col);
        let side_subs = view.layout == LayoutKind::Side && groups.iter().any(|g| !g.1.is_empty());
        let title = clip(&format!(
            "{} ({})",
            if view.show_id {
                format!("{}: {}", col.attack_id, col.name)
            } else {
                col.name.clone()
            },
            col.technique_count
        ));
        ws.set_column_width(sheet_col, width)?;
        if side_subs {
            ws.set_column_width(sheet_col + 1, width)?;
            ws.merge_range(0, sheet_col, 0, sheet_col + 1, &title, &header)?;
        } else {
            ws.write_string_with_format(0, sheet_col, title, &header)?;
        }
        let mut row: u32 = 1;
        for (parent, shown) in groups {
            match view.layout {
                LayoutKind::Side => {
                    let span = shown.len().max(1) as u32;
                    w.put(ws, parent, row, sheet_col, span, false)?;
                    for (k, s) in shown.iter().enumerate() {
                        w.put(ws, s, row + k as u32, sheet_col + 1, 1, false)?;
                    }
                    row += span;
                }
                _ => {
                    w.put(ws, parent, row, sheet_col, 1, false)?;
                    row += 1;
                    for s in shown {
                        w.put(ws, s, row, sheet_col, 1, true)?;
                        row += 1;
                    }
                }
            }
        }
        if view.layout == LayoutKind::Mini {
            for r in 1..row {
                ws.set_row_height(r, 15)?;
            }
        }
        sheet_col += if side_subs { 2 } else { 1 };
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}

fn entries_sheet(view: &MatrixView, ws: &mut Worksheet) -> Result<(), XlsxError> {
    ws.set_name("entries")?;
    let bold = Format::new().set_bold();
    for (i, h) in ENTRY_HEADERS.iter().enumerate() {
        ws.write_string_with_format(0, i as u16, *h, &bold)?;
    }
    let widths = [12.0, 36.0, 22.0, 8.0, 10.0, 50.0, 8.0, 40.0, 40.0];
    for (i, w) in widths.iter().enumerate() {
        ws.set_column_width(i as u16, *w)?;
    }
    for (r, e) in view.entries.iter().enumerate() {
        let row = r as u32 + 1;
        for (ci, text) in e.cells().iter().enumerate() {
            let ci = ci as u16;
            if ci == 3 {
                if let Some(s) = e.score.filter(|s| s.is_finite()) {
                    ws.write_number(row, ci, s)?;
                }
                continue;
            }
            if ci == 6 {
                ws.write_boolean(row, ci, e.enabled)?;
                continue;
            }
            if !text.is_empty() {
                ws.write_string(row, ci, clip(text))?;
            }
        }
    }
    if !view.entries.is_empty() {
        ws.autofilter(
            0,
            0,
            view.entries.len() as u32,
            ENTRY_HEADERS.len() as u16 - 1,
        )?;
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}

fn layer_sheet(view: &MatrixView, ws: &mut Worksheet) -> Result<(), XlsxError> {
    ws.set_name("layer")?;
    let bold = Format::new().set_bold();
    ws.set_column_width(0, 18)?;
    ws.set_column_width(1, 90)?;
    let mut rows: Vec<(String, String)> = vec![
        ("name".into(), view.name.clone()),
        ("description".into(), view.description.clone()),
        ("domain".into(), view.domain.clone()),
        ("release".into(), view.release_label()),
        ("platforms".into(), view.platforms.join(", ")),
        (
            "gradient".into(),
            format!(
                "{} .. {}: {}",
                format_score(view.gradient.min),
                format_score(view.gradient.max),
                view.gradient
                    .colors
                    .iter()
                    .map(Rgb::to_string)
                    .collect::<Vec<_>>()
                    .join(" ")
            ),
        ),
        ("metadata".into(), metadata_text(&view.metadata)),
        ("links".into(), links_text(&view.links)),
    ];
    for l in &view.legend {
        rows.push((
            "legend".into(),
            format!(
                "{} {}",
                l.color.map(|c| c.to_string()).unwrap_or_default(),
                l.label
            ),
        ));
    }
    for w in &view.warnings {
        rows.push(("note".into(), w.clone()));
    }
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    for (i, (k, v)) in rows.iter().enumerate() {
        ws.write_string_with_format(i as u32, 0, k, &bold)?;
        ws.write_string_with_format(i as u32, 1, clip(v), &wrap)?;
    }
    Ok(())
}

/// The view as an `.xlsx` workbook.
pub fn xlsx(view: &MatrixView, opts: &RenderOptions) -> Result<Vec<u8>, RenderError> {
    let mut wb = Workbook::new();
    for (i, m) in view.matrices.iter().enumerate() {
        let name = if i == 0 {
            "matrix".to_string()
        } else {
            format!("matrix {}", i + 1)
        };
        matrix_sheet(view, opts, m, &name, wb.add_worksheet()).map_err(err)?;
    }
    entries_sheet(view, wb.add_worksheet()).map_err(err)?;
    layer_sheet(view, wb.add_worksheet()).map_err(err)?;
    wb.save_to_buffer().map_err(err)
}
