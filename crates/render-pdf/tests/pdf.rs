//! PDF checked by parsing it with poppler-utils (Debian's `pdfinfo`, `pdffonts`, `pdftotext`,
//! installed by scripts/test): pages and their size, the bundled font embedded, technique names
//! extractable as text, one page per matrix.

#[path = "../../render/tests/common/mod.rs"]
mod common;

use std::io::Write as _;
use std::process::Command;

use navlayer_render::{LayoutKind, MatrixView, Pages, RenderOptions};

/// Runs a poppler tool on the PDF and returns its standard output.
fn poppler(tool: &str, args: &[&str], pdf: &[u8]) -> String {
    let mut file = tempfile::NamedTempFile::new().expect("temp file");
    file.write_all(pdf).expect("write");
    let out = Command::new(tool)
        .args(args)
        .arg(file.path())
        .args(if tool == "pdftotext" { &["-"][..] } else { &[][..] })
        .output()
        .unwrap_or_else(|e| {
            panic!("{tool} is needed for the PDF tests ({e}): apt-get install poppler-utils (scripts/test installs it)")
        });
    assert!(
        out.status.success(),
        "{tool}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn info_line<'a>(info: &'a str, key: &str) -> &'a str {
    info.lines()
        .find(|l| l.starts_with(key))
        .map(|l| l[key.len()..].trim())
        .unwrap_or("")
}

/// The fonts `pdffonts` lists: name without the subset tag, type, embedded, subset, unicode.
fn fonts(pdf: &[u8]) -> Vec<String> {
    let list = poppler("pdffonts", &[], pdf);
    let mut out: Vec<String> = list
        .lines()
        .skip(2)
        .map(|l| {
            let cols: Vec<&str> = l.split_whitespace().collect();
            let name = cols[0].split_once('+').map(|(_, n)| n).unwrap_or(cols[0]);
            // name, type…, encoding, emb, sub, uni, object, id
            let n = cols.len();
            format!(
                "{name} {} emb={} sub={} uni={}",
                cols[1..n - 5].join(" "),
                cols[n - 5],
                cols[n - 4],
                cols[n - 3]
            )
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

fn normalise(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Names of drawn cells (parents and shown sub-techniques), at most `n`, spread over the view.
fn some_names(view: &MatrixView, n: usize) -> Vec<String> {
    let names: Vec<String> = view
        .columns
        .iter()
        .flat_map(|c| &c.cells)
        .filter(|c| !c.is_sub || c.expanded)
        .map(|c| c.name.clone())
        .collect();
    let step = (names.len() / n).max(1);
    names.into_iter().step_by(step).take(n).collect()
}

#[test]
fn every_layout_parses_with_the_font_embedded_and_text_extractable() {
    for (name, view, options) in common::snapshot_views(&RenderOptions::default()) {
        let pdf = navlayer_render_pdf::pdf(&view, &options).expect("pdf");
        assert!(pdf.starts_with(b"%PDF-"), "{name}");
        let info = poppler("pdfinfo", &[], &pdf);
        assert_eq!(info_line(&info, "Pages:"), "1", "{name}");
        assert!(
            info_line(&info, "Page size:").starts_with("792 x 612 pts"),
            "{name}: {info}"
        );
        assert_eq!(info_line(&info, "Title:"), view.name, "{name}");
        let fonts = fonts(&pdf);
        assert!(!fonts.is_empty(), "{name}: no font");
        for f in &fonts {
            assert!(f.starts_with("DejaVuSansCondensed"), "{name}: {f}");
            assert!(
                f.contains("emb=yes") && f.contains("uni=yes"),
                "{name}: {f}"
            );
        }
        let text = normalise(&poppler("pdftotext", &["-raw"], &pdf));
        for col in &view.columns {
            assert!(
                text.contains(&normalise(&col.name)),
                "{name}: tactic {}",
                col.name
            );
        }
        if view.layout != LayoutKind::Mini {
            for n in some_names(&view, 12) {
                assert!(
                    text.contains(&normalise(&n)),
                    "{name}: {n:?} not in the text"
                );
            }
        }
        let summary = format!(
            "pages: {}\npage size: {}\nfonts:\n  {}\ntext: {} words, begins {:?}\n",
            info_line(&info, "Pages:"),
            info_line(&info, "Page size:"),
            fonts.join("\n  "),
            text.split(' ').count(),
            text.split(' ').take(24).collect::<Vec<_>>().join(" ")
        );
        insta::assert_snapshot!(format!("pdf_{name}"), summary);
    }
}

#[test]
fn fit_auto_picks_a_poster_and_says_so_in_the_page_size() {
    let view = common::real_view(common::REAL_LAYERS[0].1, common::REAL_LAYERS[0].2);
    let options = RenderOptions {
        fit: navlayer_render::Fit::Auto,
        ..RenderOptions::default()
    };
    let drawing = navlayer_render::layout(&view, &options).expect("layout");
    let pdf = navlayer_render_pdf::pdf_of(&drawing, &view).expect("pdf");
    let info = poppler("pdfinfo", &[], &pdf);
    let (w, h) = drawing.page_size.oriented(drawing.orientation);
    let want = format!("{} x {} pts", w * 72.0, h * 72.0);
    assert!(info_line(&info, "Page size:").starts_with(&want), "{info}");
    assert!(drawing.font_size >= 6.0);
}

#[test]
fn one_page_per_matrix() {
    // Mobile 18.1 with its deprecated second matrix brought back: two matrices.
    let path = navlayer_testdata::bundle_path("mobile-attack-18.1.json");
    let mut bundle: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&path).expect("bundle")).expect("json");
    common::second_matrix(&mut bundle);
    let bytes = serde_json::to_vec(&bundle).expect("json");
    let cat = navlayer_attack::Catalogue::from_slice(&bytes, &path, &Default::default())
        .expect("catalogue");
    let layer = common::read_layer(common::REAL_LAYERS[3].1);
    let options = RenderOptions {
        pages: Pages::PerMatrix,
        ..RenderOptions::default()
    };
    let view = MatrixView::build(&layer, &cat, &options);
    assert_eq!(view.matrices.len(), 2);
    let pdf = navlayer_render_pdf::pdf(&view, &options).expect("pdf");
    let info = poppler("pdfinfo", &[], &pdf);
    assert_eq!(info_line(&info, "Pages:"), "2");
    for (i, m) in view.matrices.iter().enumerate() {
        let page = (i + 1).to_string();
        let text = normalise(&poppler("pdftotext", &["-f", &page, "-l", &page], &pdf));
        for col in &view.columns[m.first..m.first + m.count] {
            assert!(
                text.contains(&normalise(&col.name)),
                "page {page}: {}",
                col.name
            );
        }
    }
    let single = navlayer_render_pdf::pdf(&view, &RenderOptions::default()).expect("pdf");
    assert_eq!(info_line(&poppler("pdfinfo", &[], &single), "Pages:"), "1");
}
