//! # navlayer-render-xlsx
//!
//! Renders a [`MatrixView`] as an Excel workbook (rust_xlsxwriter) with three sheets:
//!
//! * **matrix**: one column per tactic, techniques below in display order (expanded
//!   sub-techniques indented), cells filled with their colour and a readable font colour, score in
//!   the cell when asked, comments and scores as cell notes;
//! * **entries**: one row per layer entry (technique ID, name, tactic, score, colour, comment,
//!   enabled, metadata, links), scores as numbers;
//! * **layer**: name, description, domain and release, platforms, metadata and links.
//!
//! Every string is written as a string cell, never as a formula, so text such as `=HYPERLINK(…)`
//! from a layer stays inert; links are plain text.

use std::collections::HashMap;

use navlayer_render::{
    format_score, links_text, metadata_text, Cell, MatrixView, RenderError, RenderOptions, Rgb,
    ENTRY_HEADERS,
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

fn cell_style(c: &Cell) -> Style {
    Style {
        bg: if c.enabled { c.background } else { None },
        fg: if c.enabled {
            c.text
        } else {
            Some(Rgb::new(0xaa, 0xaa, 0xaa))
        },
        sub: c.is_sub,
        disabled: !c.enabled,
    }
}

fn make_format(s: Style) -> Format {
    let mut f = Format::new()
        .set_text_wrap()
        .set_align(FormatAlign::Top)
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

fn note_text(c: &Cell) -> Option<String> {
    let mut parts = Vec::new();
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

fn matrix_sheet(
    view: &MatrixView,
    opts: &RenderOptions,
    ws: &mut Worksheet,
) -> Result<(), XlsxError> {
    ws.set_name("matrix")?;
    let mut header = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_border(FormatBorder::Thin);
    header = match view.tactic_row_background {
        Some(bg) => header
            .set_background_color(color(bg))
            .set_font_color(color(bg.readable_text())),
        None => header.set_background_color(Color::RGB(0xf2f2f2)),
    };
    let mut formats: HashMap<Style, Format> = HashMap::new();
    ws.set_row_height(0, 30)?;
    for (ci, col) in view.columns.iter().enumerate() {
        let ci = ci as u16;
        ws.set_column_width(ci, 28)?;
        ws.write_string_with_format(
            0,
            ci,
            clip(&format!("{} ({})", col.name, col.technique_count)),
            &header,
        )?;
        for (row, c) in (1u32..).zip(col.cells.iter().filter(|c| !c.is_sub || c.expanded)) {
            let style = cell_style(c);
            let format = formats.entry(style).or_insert_with(|| make_format(style));
            let mut text = match (view.show_id, view.show_name) {
                (true, true) => format!("{} {}", c.attack_id, c.name),
                (true, false) => c.attack_id.clone(),
                (false, true) => c.name.clone(),
                (false, false) => String::new(),
            };
            if let Some(s) = c.display_score().filter(|_| opts.show_scores) {
                text.push_str(&format!(" ({})", format_score(s)));
            }
            ws.write_string_with_format(row, ci, clip(&text), format)?;
            if let Some(note) = note_text(c) {
                let n = Note::new(note)
                    .set_author("navlayer")
                    .set_width(320)
                    .set_height(160);
                ws.insert_note(row, ci, &n)?;
            }
        }
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
    matrix_sheet(view, opts, wb.add_worksheet()).map_err(err)?;
    entries_sheet(view, wb.add_worksheet()).map_err(err)?;
    layer_sheet(view, wb.add_worksheet()).map_err(err)?;
    wb.save_to_buffer().map_err(err)
}
