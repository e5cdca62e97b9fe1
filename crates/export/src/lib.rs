//! # navlayer-export
//!
//! A whole ATT&CK release as spreadsheets, the way mitreattack-python's `attackToExcel` writes
//! it: one workbook `<domain>-v<X.Y>.xlsx` with a sheet per object type (techniques, tactics,
//! software, groups, campaigns, assets, mitigations, matrices, relationships, data sources or
//! components, analytics, detection strategies), the detection strategy ↔ analytic ↔ log source
//! mappings (`defensive mappings`, ATT&CK v18+) and the citations; and one workbook per type with
//! its relationship sheets (`procedure examples`, `associated mitigations`, …). Same file names,
//! sheet names, columns and values; every sheet can also be written as CSV.
//!
//! Input: a [`Catalogue`] from navlayer-attack loaded with `LoadOptions::keep_raw_json` (the
//! sheets need every STIX property). Output: [`Export`], written by [`Export::write_xlsx`] or
//! [`Export::write_csv`].
//!
//! ```no_run
//! use navlayer_attack::{Catalogue, LoadOptions};
//! let options = LoadOptions { keep_raw_json: true, ..LoadOptions::default() };
//! let catalogue = Catalogue::load("enterprise-attack-18.1.json".as_ref(), &options)?;
//! let export = navlayer_export::export(&catalogue)?;
//! let files = export.write_xlsx("out".as_ref(), false)?;
//! println!("{} files", files.len());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Differences from attackToExcel, on purpose: text is written as text, never as a formula
//! (attackToExcel's XlsxWriter turns a cell starting with `=` into one); the `relationship
//! citations` of an object list each sheet's citations sorted (attackToExcel: Python set order);
//! platform matrices are made for the platforms the release's techniques name.

mod frames;
mod matrix;
mod objects;
mod relationships;
mod table;
mod write;

use std::sync::Arc;

use navlayer_attack::Catalogue;

pub use table::{Cell, Merge, Sheet};

use crate::frames::{Frames, Stix};

/// Everything that can go wrong exporting.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ExportError {
    /// The catalogue does not hold the STIX JSON the sheets need.
    #[error("the catalogue was loaded without its STIX JSON (hint: load it with LoadOptions {{ keep_raw_json: true, .. }})")]
    NoRawJson,
    /// A file could not be written.
    #[error("{path}: cannot write: {cause}")]
    Io {
        /// The file.
        path: std::path::PathBuf,
        /// The cause.
        cause: std::io::Error,
    },
    /// The file exists and overwriting was not asked for.
    #[error("{path} exists (hint: pass --force to overwrite it)")]
    Exists {
        /// The file.
        path: std::path::PathBuf,
    },
    /// The XLSX writer failed.
    #[error("{path}: cannot write the workbook: {message}")]
    Xlsx {
        /// The file.
        path: std::path::PathBuf,
        /// What the writer said.
        message: String,
    },
}

/// One workbook: its file name and sheets.
#[derive(Debug, Clone, PartialEq)]
pub struct Workbook {
    /// File name, e.g. `enterprise-attack-v18.1-techniques.xlsx`.
    pub file_name: String,
    /// Sheets, in order (shared: the master workbook holds the same sheets as the per-type ones).
    pub sheets: Vec<Arc<Sheet>>,
}

/// The export of one release: the per-type workbooks, then the master workbook.
#[derive(Debug, Clone, PartialEq)]
pub struct Export {
    /// `<domain>-v<X.Y>`: the folder and file name prefix.
    pub prefix: String,
    /// The workbooks.
    pub workbooks: Vec<Workbook>,
}

fn sheets(frames: Frames) -> Vec<Arc<Sheet>> {
    frames
        .0
        .into_iter()
        .map(|(name, table)| Arc::new(table.into_sheet(&name)))
        .collect()
}

/// Builds every sheet of attackToExcel's workbooks for a release.
pub fn export(catalogue: &Catalogue) -> Result<Export, ExportError> {
    let stix = Stix::new(catalogue)?;
    relationships::prepare(&stix);
    let prefix = format!(
        "{}-v{}",
        catalogue.domain().stix_name(),
        catalogue.release()
    );
    let v18 = catalogue.release().major >= 18;
    type Build = fn(&Stix) -> Frames;
    let mut types: Vec<(&str, Build)> = vec![
        ("techniques", objects::techniques),
        ("tactics", objects::tactics),
        ("software", objects::software),
        ("groups", objects::groups),
        ("campaigns", objects::campaigns),
        ("assets", objects::assets),
        ("mitigations", objects::mitigations),
        ("matrices", |_| Frames::default()),
        ("relationships", relationships::all),
    ];
    if v18 {
        types.push(("datacomponents", objects::datacomponents));
    } else {
        types.push(("datasources", objects::datasources));
    }
    types.push(("analytics", objects::analytics));
    types.push(("detectionstrategies", objects::detectionstrategies));
    // Each type's sheets, built and finished (`into_sheet`) on the pool.
    let built: Vec<(&str, Vec<Arc<Sheet>>)> = {
        use rayon::prelude::*;
        types
            .par_iter()
            .with_max_len(1)
            .map(|(name, f)| (*name, sheets(f(&stix))))
            .collect()
    };
    let mappings = Arc::new(objects::defensive_mappings(&stix).into_sheet("defensive mappings"));
    let (main_matrices, platform_matrices) = matrix::matrices(&stix);
    let main_matrices: Vec<Arc<Sheet>> = main_matrices.into_iter().map(Arc::new).collect();
    let platform_matrices: Vec<Arc<Sheet>> = platform_matrices.into_iter().map(Arc::new).collect();

    let mut workbooks = Vec::new();
    let mut master: Vec<Arc<Sheet>> = Vec::new();
    let mut citations: Vec<Vec<Cell>> = Vec::new();
    for (name, mut sheets) in built {
        let file_name = format!("{prefix}-{name}.xlsx");
        if name == "matrices" {
            let mut all = main_matrices.clone();
            all.extend(platform_matrices.iter().cloned());
            master.extend(main_matrices.iter().cloned());
            workbooks.push(Workbook {
                file_name,
                sheets: all,
            });
            continue;
        }
        if sheets.is_empty() {
            continue;
        }
        if let Some(c) = sheets.iter().find(|s| s.name == "citations") {
            for row in &c.rows {
                let mut full = vec![Cell::Empty; 3];
                for (col, cell) in c.columns.iter().zip(row) {
                    if let Some(i) = ["reference", "citation", "url"]
                        .iter()
                        .position(|k| k == col)
                    {
                        full[i] = cell.clone();
                    }
                }
                citations.push(full);
            }
        }
        if let Some(main) = sheets.iter().find(|s| s.name == name) {
            master.push(main.clone());
        }
        if matches!(name, "detectionstrategies" | "analytics" | "datacomponents")
            && !mappings.rows.is_empty()
        {
            sheets.push(mappings.clone());
        }
        workbooks.push(Workbook { file_name, sheets });
    }
    if !mappings.rows.is_empty() {
        master.push(mappings);
    }
    master.push(Arc::new(master_citations(citations)));
    workbooks.push(Workbook {
        file_name: format!("{prefix}.xlsx"),
        sheets: master,
    });
    stix.release();
    Ok(Export { prefix, workbooks })
}

/// Every type's citations, once per reference (the first), sorted by reference.
fn master_citations(rows: Vec<Vec<Cell>>) -> Sheet {
    let mut seen = std::collections::HashSet::new();
    let mut rows: Vec<Vec<Cell>> = rows
        .into_iter()
        .filter(|r| seen.insert(r[0].text().to_string()))
        .collect();
    rows.sort_by(|a, b| a[0].text().cmp(b[0].text()));
    Sheet {
        name: "citations".into(),
        columns: vec!["reference".into(), "citation".into(), "url".into()],
        rows,
        merges: Vec::new(),
    }
}
