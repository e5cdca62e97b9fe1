//! Times rendering the full enterprise 18.1 matrix with the official M1038 layer, after the
//! catalogue is loaded: view + SVG, and view + XLSX. Prints the median of N runs.
//!
//! NAVLAYER_SHARED=/work/shared cargo run --release -p navlayer-render-xlsx --example render_timing -- 30

use std::time::Instant;

use navlayer_render::{MatrixView, RenderOptions};

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn main() {
    let runs: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(30);
    let shared = std::env::var("NAVLAYER_SHARED").unwrap_or_else(|_| "../shared".into());
    let shared = std::path::Path::new(&shared);
    let t = Instant::now();
    let catalogue = navlayer_attack::Catalogue::load(
        &shared.join("attack-data/enterprise-attack-18.1.json"),
        &navlayer_attack::LoadOptions::default(),
    )
    .unwrap_or_else(|e| panic!("catalogue: {e}"));
    eprintln!(
        "catalogue loaded in {:.1} ms (not counted)",
        t.elapsed().as_secs_f64() * 1e3
    );
    let layer = navlayer_layer::read_layer_file(
        &shared.join("reference/M1038-enterprise-layer-attack-v19-official.json"),
    )
    .unwrap_or_else(|e| panic!("layer: {e}"))
    .remove(0)
    .layer;
    let options = RenderOptions::default();
    let mut svg_ms = Vec::new();
    let mut xlsx_ms = Vec::new();
    let (mut svg_len, mut xlsx_len) = (0, 0);
    for _ in 0..runs {
        let t = Instant::now();
        let view = MatrixView::build(&layer, &catalogue, &options);
        svg_len = navlayer_render_svg::svg(&view, &options)
            .map(|s| s.len())
            .unwrap_or(0);
        svg_ms.push(t.elapsed().as_secs_f64() * 1e3);
        let t = Instant::now();
        let view = MatrixView::build(&layer, &catalogue, &options);
        xlsx_len = navlayer_render_xlsx::xlsx(&view, &options)
            .map(|b| b.len())
            .unwrap_or(0);
        xlsx_ms.push(t.elapsed().as_secs_f64() * 1e3);
    }
    println!("runs: {runs}");
    println!("svg  median {:.2} ms ({svg_len} bytes)", median(svg_ms));
    println!("xlsx median {:.2} ms ({xlsx_len} bytes)", median(xlsx_ms));
}
