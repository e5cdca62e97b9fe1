//! The page layout checked from its data: readable text on the page `--fit auto` chooses, no
//! text outside its cell, the legend complete, the size used reported, and the three layouts'
//! geometry (side: sub-techniques in their own column beside the parent).

#[path = "common/mod.rs"]
mod common;

use navlayer_render::layout::{CellBox, Drawing, Page, TextLine};
use navlayer_render::{layout, Fit, LayoutKind, MatrixView, Orientation, PageSize, RenderOptions};

const EPS: f64 = 1e-6;

fn m1038() -> MatrixView {
    common::real_view(common::REAL_LAYERS[0].1, common::REAL_LAYERS[0].2)
}

fn inside(line: &TextLine, c: &CellBox) -> bool {
    let (l, t, r, b) = line.bounds();
    l >= c.x - EPS && r <= c.x + c.w + EPS && t >= c.y - EPS && b <= c.y + c.h + EPS
}

/// Every cell's text at or above `min` points and inside its cell; returns the cells checked.
fn assert_readable(page: &Page, min: f64) -> usize {
    let mut lines = 0;
    for c in &page.cells {
        assert!(!c.cut, "{} {}: label shortened", c.id, c.tactic);
        for l in c.lines.iter().chain(c.score.iter()) {
            assert!(
                l.min_size() >= min - EPS,
                "{} {}: {:?} at {} pt",
                c.id,
                c.tactic,
                l.text(),
                l.min_size()
            );
            assert!(
                inside(l, c),
                "{} {}: {:?} {:?} outside {:?}",
                c.id,
                c.tactic,
                l.text(),
                l.bounds(),
                (c.x, c.y, c.w, c.h)
            );
            lines += 1;
        }
        // The whole label is there (the count is part of the last line).
        let label: String = c
            .lines
            .iter()
            .map(|l| l.text())
            .collect::<Vec<_>>()
            .join(" ");
        assert!(
            label.replace(' ', "").contains(&c.name.replace(' ', "")),
            "{}: {label:?}",
            c.id
        );
    }
    lines
}

/// Tactic headings: the name whole (no word broken across lines) and inside the heading.
fn assert_tactics_whole(view: &MatrixView, page: &Page) {
    for t in &page.tactics {
        let col = view
            .columns
            .iter()
            .find(|c| c.shortname == t.shortname)
            .expect("column");
        let (name_lines, _count) = t.lines.split_at(t.lines.len() - 1);
        for l in name_lines {
            let (left, _, right, _) = l.bounds();
            assert!(
                left >= t.x - EPS && right <= t.x + t.w + EPS,
                "{}",
                t.shortname
            );
        }
        let joined: Vec<String> = name_lines.iter().map(|l| l.text()).collect();
        assert_eq!(joined.join(" "), col.name, "{}: {joined:?}", t.shortname);
    }
}

/// Cells inside the page and not overlapping each other within a tactic.
fn assert_on_page(page: &Page) {
    for c in &page.cells {
        assert!(c.x >= 0.0 && c.y >= 0.0, "{}", c.id);
        assert!(
            c.x + c.w <= page.width + EPS,
            "{} right {}",
            c.id,
            c.x + c.w
        );
        assert!(
            c.y + c.h <= page.height + EPS,
            "{} bottom {}",
            c.id,
            c.y + c.h
        );
    }
    for (i, a) in page.cells.iter().enumerate() {
        for b in &page.cells[i + 1..] {
            let overlap = a.x + EPS < b.x + b.w
                && b.x + EPS < a.x + a.w
                && a.y + EPS < b.y + b.h
                && b.y + EPS < a.y + a.h;
            assert!(
                !overlap,
                "{} {} overlaps {} {}",
                a.id, a.tactic, b.id, b.tactic
            );
        }
    }
}

fn assert_legend_complete(view: &MatrixView, page: &Page) {
    assert_eq!(page.legend.len(), view.legend.len());
    for (item, want) in page.legend.iter().zip(&view.legend) {
        let drawn: String = item
            .lines
            .iter()
            .map(|l| l.text().replace(' ', ""))
            .collect();
        assert_eq!(drawn, want.label.replace(' ', ""), "legend label cut");
        assert!(!drawn.contains('…'));
        for l in &item.lines {
            let (left, _, right, _) = l.bounds();
            assert!(left >= 0.0 && right <= page.width);
        }
    }
}

#[test]
fn m1038_side_fit_auto_is_readable() {
    let view = m1038();
    assert_eq!(view.layout, LayoutKind::Side);
    let options = RenderOptions {
        fit: Fit::Auto,
        ..RenderOptions::default()
    };
    let d: Drawing = layout(&view, &options).expect("layout");
    assert!(d.font_size >= 6.0, "{}", d.summary());
    assert!(d.warnings.is_empty(), "{:?}", d.warnings);
    assert_eq!(d.pages.len(), 1);
    let page = &d.pages[0];
    let lines = assert_readable(page, 6.0);
    assert_tactics_whole(&view, page);
    assert!(lines > 600, "{lines} lines");
    assert_on_page(page);
    assert_legend_complete(&view, page);
    // Every expanded sub-technique of the view is drawn, and nothing else.
    let drawn = view
        .columns
        .iter()
        .flat_map(|c| &c.cells)
        .filter(|c| !c.is_sub || c.expanded)
        .count();
    assert_eq!(page.cells.len(), drawn);
    // No smaller preset would do: the one before it in either orientation is below 6 pt.
    let presets: Vec<PageSize> = PageSize::PRESETS.iter().map(|p| p.1).collect();
    let at = presets
        .iter()
        .position(|p| p.same_as(d.page_size))
        .expect("a preset");
    if at > 0 {
        for orientation in [Orientation::Landscape, Orientation::Portrait] {
            let smaller = layout(
                &view,
                &RenderOptions {
                    page_size: presets[at - 1],
                    orientation,
                    ..RenderOptions::default()
                },
            )
            .expect("layout");
            assert!(smaller.font_size < 6.0, "{}", smaller.summary());
        }
    }
}

#[test]
fn m1038_on_letter_landscape_reports_the_size() {
    let view = m1038();
    let d = layout(&view, &RenderOptions::default()).expect("layout");
    assert_eq!(d.page_size.name(), "letter");
    assert_eq!(d.orientation, Orientation::Landscape);
    let page = &d.pages[0];
    assert_eq!((page.width, page.height), (792.0, 612.0));
    // Larger than the old fixed layout's 1.6 pt, still below readable: said so.
    assert!(d.font_size > 2.0 && d.font_size < 6.0, "{}", d.font_size);
    assert!(
        d.summary().starts_with("letter landscape, cell text "),
        "{}",
        d.summary()
    );
    assert!(
        d.warnings.iter().any(|w| w.contains("--fit auto")),
        "{:?}",
        d.warnings
    );
    // Still: every label whole, inside its cell.
    assert_readable(page, d.font_size);
    assert_on_page(page);
    assert_legend_complete(&view, page);
    // A stated minimum the page cannot give is an error.
    let strict = RenderOptions {
        min_font_size: Some(6.0),
        ..RenderOptions::default()
    };
    let err = layout(&view, &strict).expect_err("unreadable");
    assert!(err.to_string().contains("--fit auto"), "{err}");
}

#[test]
fn every_preset_keeps_text_in_its_cell() {
    let view = m1038();
    let mut sizes = Vec::new();
    for (_, size) in PageSize::PRESETS {
        for kind in [LayoutKind::Side, LayoutKind::Flat] {
            let mut v = view.clone();
            v.layout = kind;
            let d = layout(
                &v,
                &RenderOptions {
                    page_size: size,
                    ..RenderOptions::default()
                },
            )
            .expect("layout");
            assert_readable(&d.pages[0], d.font_size);
            assert_on_page(&d.pages[0]);
            assert_tactics_whole(&v, &d.pages[0]);
            if kind == LayoutKind::Side {
                sizes.push(d.font_size);
            }
        }
    }
    // Posters give the text room: 24x36 is three times letter's linear size.
    assert!(sizes[6] > 2.5 * sizes[0], "{sizes:?}");
}

#[test]
fn side_puts_subtechniques_beside_their_parent() {
    let view = m1038();
    let d = layout(&view, &RenderOptions::default()).expect("layout");
    let cells = &d.pages[0].cells;
    let parent = cells
        .iter()
        .find(|c| c.id == "T1059" && c.tactic == "execution")
        .expect("T1059");
    let subs: Vec<&CellBox> = cells
        .iter()
        .filter(|c| c.id.starts_with("T1059.") && c.tactic == "execution")
        .collect();
    assert!(subs.len() > 5);
    for s in &subs {
        assert!(
            s.x > parent.x + parent.w - EPS,
            "{} not right of its parent",
            s.id
        );
        assert!(s.y >= parent.y - EPS && s.y + s.h <= parent.y + parent.h + EPS);
    }
    // The parent spans its sub-techniques' rows.
    let rows: f64 = subs.iter().map(|s| s.h).sum();
    assert!((parent.h - rows).abs() < 1e-3, "{} vs {rows}", parent.h);
    // Flat: below, indented, one row each.
    let mut flat = view.clone();
    flat.layout = LayoutKind::Flat;
    let d = layout(&flat, &RenderOptions::default()).expect("layout");
    let cells = &d.pages[0].cells;
    let parent = cells
        .iter()
        .find(|c| c.id == "T1059" && c.tactic == "execution")
        .expect("T1059");
    let mut y = parent.y + parent.h;
    for s in cells
        .iter()
        .filter(|c| c.id.starts_with("T1059.") && c.tactic == "execution")
    {
        assert!((s.y - y).abs() < 1e-3 && s.x > parent.x - EPS, "{}", s.id);
        assert!(s.x + s.w <= parent.x + parent.w + EPS);
        y += s.h;
    }
}

#[test]
fn mini_draws_squares_without_text() {
    let mut view = m1038();
    view.layout = LayoutKind::Mini;
    let d = layout(&view, &RenderOptions::default()).expect("layout");
    let page = &d.pages[0];
    assert_eq!(d.font_size, 0.0);
    assert!(d.summary().contains("mini"));
    assert!(page
        .cells
        .iter()
        .all(|c| c.lines.is_empty() && c.score.is_none()));
    assert!(page
        .cells
        .iter()
        .all(|c| (c.w - c.h).abs() < EPS && c.w > 4.0));
    assert_on_page(page);
    // Commented techniques carry a mark.
    let commented = view
        .columns
        .iter()
        .flat_map(|c| &c.cells)
        .filter(|c| (!c.is_sub || c.expanded) && c.comment.is_some())
        .count();
    assert_eq!(
        page.cells.iter().filter(|c| !c.marks.is_empty()).count(),
        commented
    );
}

#[test]
fn header_parts_switch_off() {
    let view = m1038();
    let full = layout(&view, &RenderOptions::default()).expect("layout");
    let texts = |p: &Page| -> Vec<String> {
        p.header
            .iter()
            .filter_map(|s| match s {
                navlayer_render::layout::Shape::Text(t) => Some(t.text()),
                _ => None,
            })
            .collect()
    };
    let t = texts(&full.pages[0]);
    for want in [
        "about",
        "domain",
        "platforms",
        "legend",
        "0.0",
        "0.33",
        "0.67",
        "1.0",
    ] {
        assert!(t.iter().any(|x| x == want), "{want} missing from {t:?}");
    }
    assert!(
        t.iter().any(|x| x.starts_with("Enterprise ATT&CK v18.1")),
        "{t:?}"
    );
    let mut options = RenderOptions::default();
    options.header.platforms = false;
    options.header.gradient = false;
    let t = texts(&layout(&view, &options).expect("layout").pages[0]);
    assert!(!t.iter().any(|x| x == "platforms" || x == "0.33"), "{t:?}");
    assert!(t.iter().any(|x| x == "legend"));
    options.header.show = false;
    let bare = layout(&view, &options).expect("layout");
    assert!(bare.pages[0].header.is_empty());
    // Without a header the matrix gets the room.
    assert!(bare.font_size >= full.font_size);
    assert!(bare.pages[0].tactics[0].y < full.pages[0].tactics[0].y - 50.0);
}

#[test]
fn show_id_and_show_name_are_honoured() {
    let layer = common::read_layer(common::REAL_LAYERS[4].1);
    let catalogue = navlayer_testdata::catalogue(common::REAL_LAYERS[4].2);
    let label_of = |o: &RenderOptions| {
        let view = MatrixView::build(&layer, &catalogue, o);
        let d = layout(&view, o).expect("layout");
        let c = d.pages[0]
            .cells
            .iter()
            .find(|c| c.id == "T0817")
            .expect("T0817")
            .clone();
        let text = c.lines.iter().map(|l| l.text()).collect::<Vec<_>>().join(" ");
        (text, d.pages[0].tactics[0].lines[0].text())
    };
    let (both, tactic) = label_of(&RenderOptions {
        show_id: Some(true),
        ..RenderOptions::default()
    });
    assert!(both.starts_with("T0817: Drive-by"), "{both}");
    assert!(tactic.starts_with("TA0108"), "{tactic}");
    let (id, _) = label_of(&RenderOptions {
        show_id: Some(true),
        show_name: Some(false),
        ..RenderOptions::default()
    });
    assert_eq!(id, "T0817");
    let (name, _) = label_of(&RenderOptions::default());
    assert_eq!(name.replace(' ', ""), "Drive-byCompromise");
}
