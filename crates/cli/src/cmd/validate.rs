//! `navlayer validate FILE...`: findings for each layer file, optionally against ATT&CK data.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::Args;
use navlayer_attack::{Catalogue, Domain, Release};
use navlayer_layer::read::{read_layer_file_with, LoadedLayer, ReadOptions};
use navlayer_layer::validate::{counts, has_errors, Finding, Severity};
use navlayer_layer::LayerError;
use serde_json::json;

use crate::context::Context;
use crate::exit;

#[derive(Args, Debug)]
#[command(
    after_help = "Exit status: 0 when no file has an error, 1 when one has (or cannot be parsed), 2 on usage or I/O errors.

Examples:
  navlayer validate layer.json
  navlayer validate layers/*.json --format json > findings.json
  navlayer --data ../shared/attack-data validate layer.json      also check IDs, tactics, platforms
  navlayer --data ../shared/attack-data --attack-version 16.1 validate old.json"
)]
pub struct ValidateArgs {
    /// Layer files (a layer, or a JSON array of layers; any format 1.x – 4.5).
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Also list info findings in text output.
    #[arg(long)]
    verbose: bool,
    /// Largest file accepted, in MB.
    #[arg(long, value_name = "MB", default_value_t = 64)]
    max_size: u64,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    /// One line per finding.
    Text,
    /// Findings per file, for CI pipelines.
    Json,
}

/// Catalogues loaded so far, by (domain, requested release).
type Catalogues = HashMap<(Domain, Option<Release>), Option<Arc<Catalogue>>>;

/// Picks and loads the catalogue for one layer: `--attack-version` when given, else the layer's
/// `versions.attack` when the data has it, else the newest. Returns notes for the report.
fn catalogue_for_layer(
    ctx: &Context,
    cache: &mut Catalogues,
    loaded: &LoadedLayer,
    notes: &mut Vec<Finding>,
) -> anyhow::Result<Option<Arc<Catalogue>>> {
    let Some(data) = ctx.global.data.clone() else {
        return Ok(None);
    };
    let Some(domain) = navlayer_layer::validate::attack_domain(&loaded.layer.domain) else {
        return Ok(None); // reported by validate_with_catalogue-free checks already
    };
    let mut release = ctx.global.attack_version;
    if release.is_none() && data.is_dir() {
        let wanted = loaded
            .layer
            .versions
            .as_ref()
            .and_then(|v| v.attack.as_deref())
            .filter(|a| !a.is_empty());
        if let Some(a) = wanted {
            let available = navlayer_source::list_folder(&data)?;
            let parsed = Release::parse(a);
            let pick = parsed.and_then(|want| {
                available
                    .iter()
                    .filter(|r| {
                        r.domain == domain
                            && r.release.major == want.major
                            && (!a.contains('.') || r.release.minor == want.minor)
                    })
                    .map(|r| r.release)
                    .max()
            });
            match pick {
                Some(r) => release = Some(r),
                None => notes.push(Finding::info(
                    format!("{}/versions/attack", loaded.pointer_prefix),
                    format!(
                        "ATT&CK {a} ({domain}) is not in {}; checked against the newest release there",
                        data.display()
                    ),
                )),
            }
        }
    }
    if let Some(c) = cache.get(&(domain, release)) {
        return Ok(c.clone());
    }
    let c = ctx.catalogue_for(domain, release)?;
    cache.insert((domain, release), Some(c.clone()));
    Ok(Some(c))
}

/// One layer's result: name, original version, upgrades, findings, release checked against.
type LayerResult = (
    String,
    Option<String>,
    Vec<String>,
    Vec<Finding>,
    Option<String>,
);

struct FileReport {
    file: String,
    /// Per layer: name, original version, upgrades, findings, release checked against.
    layers: Vec<LayerResult>,
    /// Why the file could not be read.
    error: Option<(String, String)>,
}

pub fn run(ctx: &Context, args: ValidateArgs) -> anyhow::Result<ExitCode> {
    let options = ReadOptions {
        max_bytes: args.max_size.saturating_mul(1024 * 1024),
    };
    let mut cache = Catalogues::new();
    let mut reports = Vec::new();
    let mut io_error = false;
    let mut failed = false;
    for file in &args.files {
        let name = file.display().to_string();
        match read_layer_file_with(file, &options) {
            Ok(layers) => {
                let mut out = Vec::new();
                for l in &layers {
                    let mut notes = Vec::new();
                    let catalogue = catalogue_for_layer(ctx, &mut cache, l, &mut notes)?;
                    let mut findings = l.validate(catalogue.as_deref());
                    findings.extend(notes);
                    findings.sort_by_key(|f| f.severity);
                    failed |= has_errors(&findings);
                    let checked = catalogue.map(|c| format!("{} {}", c.domain(), c.release()));
                    out.push((
                        l.layer.name.clone(),
                        l.original_version.clone(),
                        l.upgrades.clone(),
                        findings,
                        checked,
                    ));
                }
                reports.push(FileReport {
                    file: name,
                    layers: out,
                    error: None,
                });
            }
            Err(e) => {
                if matches!(e, LayerError::Io { .. }) {
                    io_error = true;
                } else {
                    failed = true;
                }
                reports.push(FileReport {
                    file: name,
                    layers: Vec::new(),
                    error: Some((e.kind().to_string(), e.to_string())),
                });
            }
        }
    }

    let text = match args.format {
        Format::Json => render_json(&reports)?,
        Format::Text => render_text(&reports, args.verbose),
    };
    match args.format {
        Format::Json => crate::output::emit_json(None, &text, false)?,
        Format::Text => crate::output::emit_text(None, &text, false)?,
    }
    Ok(if io_error {
        ExitCode::from(exit::USAGE)
    } else if failed {
        ExitCode::from(exit::CHECK_FAILED)
    } else {
        ExitCode::SUCCESS
    })
}

fn render_text(reports: &[FileReport], verbose: bool) -> String {
    let mut out = String::new();
    let (mut files_ok, mut files_bad) = (0, 0);
    for r in reports {
        if let Some((_, msg)) = &r.error {
            files_bad += 1;
            let _ = writeln!(out, "{msg}");
            continue;
        }
        let all: Vec<&Finding> = r.layers.iter().flat_map(|l| &l.3).collect();
        let (e, w, i) = counts(&all.iter().map(|f| (*f).clone()).collect::<Vec<_>>());
        if e > 0 {
            files_bad += 1;
        } else {
            files_ok += 1;
        }
        let many = r.layers.len() > 1;
        for (idx, (name, version, upgrades, findings, checked)) in r.layers.iter().enumerate() {
            let label = if many {
                format!("{} [layer {idx}: {name}]", r.file)
            } else {
                r.file.clone()
            };
            let from = version
                .as_deref()
                .map(|v| format!("format {v}"))
                .unwrap_or_else(|| "no format version".into());
            let against = checked
                .as_deref()
                .map(|c| format!(", checked against {c}"))
                .unwrap_or_default();
            let (le, lw, li) = counts(findings);
            let _ = writeln!(
                out,
                "{label}: {from}{against}: {le} error(s), {lw} warning(s), {li} info(s){}",
                if upgrades.is_empty() {
                    String::new()
                } else {
                    format!(", {} upgrade step(s)", upgrades.len())
                }
            );
            for f in findings {
                if f.severity == Severity::Info && !verbose {
                    continue;
                }
                let _ = writeln!(out, "  {f}");
            }
            if verbose {
                for u in upgrades {
                    let _ = writeln!(out, "  upgrade: {u}");
                }
            }
        }
        let _ = (w, i);
    }
    let _ = writeln!(
        out,
        "{} file(s): {files_ok} without errors, {files_bad} with errors",
        reports.len()
    );
    out
}

fn render_json(reports: &[FileReport]) -> anyhow::Result<String> {
    let files: Vec<serde_json::Value> = reports
        .iter()
        .map(|r| match &r.error {
            Some((kind, msg)) => json!({
                "file": r.file,
                "ok": false,
                "error": {"kind": kind, "message": msg},
                "layers": [],
            }),
            None => {
                let layers: Vec<serde_json::Value> = r
                    .layers
                    .iter()
                    .map(|(name, version, upgrades, findings, checked)| {
                        let (e, w, i) = counts(findings);
                        json!({
                            "name": name,
                            "original_version": version,
                            "checked_against": checked,
                            "upgrades": upgrades,
                            "counts": {"error": e, "warning": w, "info": i},
                            "findings": findings,
                        })
                    })
                    .collect();
                let ok = !r.layers.iter().any(|l| has_errors(&l.3));
                json!({"file": r.file, "ok": ok, "error": null, "layers": layers})
            }
        })
        .collect();
    let ok = files.iter().filter(|f| f["ok"] == true).count();
    let value = json!({
        "files": files,
        "summary": {"files": reports.len(), "ok": ok, "failed": reports.len() - ok},
    });
    let mut s = serde_json::to_string_pretty(&value)?;
    s.push('\n');
    Ok(s)
}
