//! Times drawing the full expanded enterprise 18.1 matrix (every sub-technique shown, the
//! official M1038 layer's colours) after the catalogue and layer are loaded: view + layout +
//! SVG, and view + layout + PDF, in the side layout on letter landscape and with `fit: auto`.
//! Prints the median of N runs (default 15).
//!
//! NAVLAYER_SHARED=/work/shared cargo run --release -p navlayer-render-pdf --example render_bench -- 15

use std::time::Instant;

use navlayer_render::{Fit, MatrixView, RenderOptions, Subtechniques};

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn main() {
    let runs: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(15)
        .max(1);
    let shared = std::env::var("NAVLAYER_SHARED").unwrap_or_else(|_| "../shared".into());
    let shared = std::path::Path::new(&shared);
    let t = Instant::now();
    let catalogue = navlayer_attack::Catalogue::load(
        &shared.join("attack-data/enterprise-attack-18.1.json"),
        &navlayer_attack::LoadOptions::default(),
    )
    .unwrap_or_else(|e| panic!("catalogue: {e}"));
    let layer = navlayer_layer::read_layer_file(
        &shared.join("reference/M1038-enterprise-layer-attack-v19-official.json"),
    )
    .unwrap_or_else(|e| panic!("layer: {e}"))
    .remove(0)
    .layer;
    eprintln!(
        "catalogue and layer loaded in {:.1} ms (not counted)",
        t.elapsed().as_secs_f64() * 1e3
    );
    for (label, fit) in [("letter landscape", Fit::Page), ("fit auto", Fit::Auto)] {
        let options = RenderOptions {
            subtechniques: Some(Subtechniques::All),
            fit,
            ..RenderOptions::default()
        };
        let mut svg_ms = Vec::new();
        let mut pdf_ms = Vec::new();
        let (mut svg_len, mut pdf_len, mut cells, mut summary) = (0, 0, 0, String::new());
        for _ in 0..runs {
            let t = Instant::now();
            let view = MatrixView::build(&layer, &catalogue, &options);
            let svg = navlayer_render_svg::svg(&view, &options).unwrap_or_default();
            svg_ms.push(t.elapsed().as_secs_f64() * 1e3);
            svg_len = svg.len();
            let t = Instant::now();
            let view = MatrixView::build(&layer, &catalogue, &options);
            let drawing =
                navlayer_render::layout(&view, &options).unwrap_or_else(|e| panic!("{e}"));
            let pdf = navlayer_render_pdf::pdf_of(&drawing, &view).unwrap_or_default();
            pdf_ms.push(t.elapsed().as_secs_f64() * 1e3);
            pdf_len = pdf.len();
            cells = drawing.pages.iter().map(|p| p.cells.len()).sum();
            summary = drawing.summary();
        }
        println!("{label}: {summary}, {cells} cells, {runs} runs");
        println!("  svg median {:.1} ms ({svg_len} bytes)", median(svg_ms));
        println!("  pdf median {:.1} ms ({pdf_len} bytes)", median(pdf_ms));
    }
}
