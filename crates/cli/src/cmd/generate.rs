//! `navlayer generate`: attack.mitre.org's per-object layers, byte for byte.

use std::io::{IsTerminal, Write as _};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context as _;
use clap::{Args, Subcommand};
use navlayer_attack::{Catalogue, ObjectId};
use navlayer_generate::{write_layers, GenerateError, GenerateOptions, Generator, LayerKind};

use crate::cmd::show::lookup;
use crate::context::Context;
use crate::exit::check_failed;
use crate::output::emit;

#[derive(Args, Debug)]
#[command(after_help = "Examples:
  navlayer generate mitigation M1038 -o M1038-enterprise-layer.json
  navlayer generate group G0016 > G0016-enterprise-layer.json
  navlayer --domain ics generate asset A0003
  navlayer --attack-version 17.1 generate software S0154
  navlayer generate all --out-dir layers/
  navlayer generate all --out-dir layers/ --kind group --kind campaign --force")]
pub struct GenerateArgs {
    #[command(subcommand)]
    target: Target,
    /// `versions.navigator` of the layers.
    #[arg(long, global = true, default_value = "5.3.2", value_name = "X.Y.Z")]
    navigator_version: String,
    /// `versions.layer` of the layers.
    #[arg(long, global = true, default_value = "4.5", value_name = "X.Y")]
    layer_version: String,
}

#[derive(Subcommand, Debug)]
enum Target {
    /// The layer of a mitigation (M…): techniques it mitigates.
    Mitigation(One),
    /// The layer of a group (G…): techniques it uses, and those of campaigns attributed to it.
    Group(One),
    /// The layer of a software (S…): techniques it uses.
    Software(One),
    /// The layer of a campaign (C…): techniques it uses.
    Campaign(One),
    /// The layer of an asset (A…, ICS): techniques targeting it.
    Asset(One),
    /// Every layer of the domain (or of the kinds given) into a folder, named as on the website.
    #[command(after_help = "Examples:
  navlayer generate all --out-dir layers/
  navlayer --domain mobile generate all --out-dir layers/mobile --kind software")]
    All(All),
}

#[derive(Args, Debug)]
struct One {
    /// ATT&CK ID of the object (M1038, G0016, S0154, C0024, A0003, …).
    id: String,
    /// Write the layer to this file instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Overwrite FILE if it exists.
    #[arg(long)]
    force: bool,
}

#[derive(Args, Debug)]
struct All {
    /// Folder to write the layers into (created if missing).
    #[arg(long, value_name = "DIR")]
    out_dir: PathBuf,
    /// Only these kinds (repeatable): mitigation, group, software, campaign, asset.
    #[arg(long, value_name = "KIND", value_parser = parse_kind)]
    kind: Vec<LayerKind>,
    /// Overwrite existing files.
    #[arg(long)]
    force: bool,
}

fn parse_kind(s: &str) -> Result<LayerKind, String> {
    s.parse::<LayerKind>().map_err(|e| e.to_string())
}

pub fn run(ctx: &Context, args: GenerateArgs) -> anyhow::Result<ExitCode> {
    let options = GenerateOptions {
        layer_version: args.layer_version,
        navigator_version: args.navigator_version,
    };
    let (kind, one) = match args.target {
        Target::Mitigation(one) => (LayerKind::Mitigation, one),
        Target::Group(one) => (LayerKind::Group, one),
        Target::Software(one) => (LayerKind::Software, one),
        Target::Campaign(one) => (LayerKind::Campaign, one),
        Target::Asset(one) => (LayerKind::Asset, one),
        Target::All(all) => return run_all(ctx, all, options),
    };
    let catalogue = ctx.catalogue()?;
    let id = lookup(&catalogue, &one.id)?;
    check_kind(&catalogue, id, kind)?;
    let generator = Generator::new(&catalogue, options);
    let layer = generator.generate(id).map_err(generate_error)?;
    emit(one.output.as_deref(), layer.to_json().as_bytes(), one.force)?;
    Ok(ExitCode::SUCCESS)
}

/// Errors about the input (wrong kind, nothing to generate, revoked …) exit with 1.
fn generate_error(e: GenerateError) -> anyhow::Error {
    match e {
        GenerateError::Io { .. } | GenerateError::Exists { .. } => anyhow::Error::new(e),
        other => check_failed(other.to_string()),
    }
}

fn check_kind(catalogue: &Catalogue, id: ObjectId, wanted: LayerKind) -> anyhow::Result<()> {
    let o = catalogue.object(id);
    match LayerKind::of_object(o.kind) {
        Some(k) if k == wanted => Ok(()),
        found => Err(generate_error(match found {
            Some(k) => GenerateError::WrongKind {
                id: o.display_id().to_string(),
                expected: wanted,
                found: o.kind.label().to_string(),
                suggested: k.to_string(),
            },
            None => GenerateError::NotGeneratable {
                id: o.display_id().to_string(),
                found: o.kind.label().to_string(),
            },
        })),
    }
}

fn run_all(ctx: &Context, all: All, options: GenerateOptions) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let catalogue = ctx.catalogue()?;
    let generator = Generator::new(&catalogue, options);
    let outcome = generator.generate_all(&all.kind);

    let bar = if std::io::stderr().is_terminal() {
        let bar = indicatif::ProgressBar::new(outcome.layers.len() as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} writing layers {bar:30} {pos}/{len} {elapsed}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        Some(bar)
    } else {
        None
    };
    let tick = |_: &navlayer_generate::GeneratedLayer| {
        if let Some(bar) = &bar {
            bar.inc(1);
        }
    };
    let written = write_layers(&all.out_dir, &outcome.layers, all.force, &tick)
        .map_err(anyhow::Error::new)
        .with_context(|| format!("writing layers into {}", all.out_dir.display()))?;
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }

    let mut per_kind = String::new();
    for kind in LayerKind::ALL {
        let n = outcome.layers.iter().filter(|l| l.kind == kind).count();
        if n > 0 {
            if !per_kind.is_empty() {
                per_kind.push_str(", ");
            }
            per_kind.push_str(&format!("{n} {kind}"));
        }
    }
    let mut err = std::io::stderr().lock();
    let _ = writeln!(
        err,
        "wrote {} layers ({}) for {} {} into {} in {:.2?}; skipped {} object(s) used in no {} technique",
        written.len(),
        if per_kind.is_empty() { "none" } else { &per_kind },
        catalogue.domain(),
        catalogue.release(),
        all.out_dir.display(),
        started.elapsed(),
        outcome.skipped.len(),
        catalogue.domain().display_name(),
    );
    if !outcome.failed.is_empty() {
        for (id, e) in &outcome.failed {
            let _ = writeln!(err, "error: {}: {e}", catalogue.object(*id).display_id());
        }
        return Err(check_failed(format!(
            "{} layer(s) could not be generated (malformed data, see above)",
            outcome.failed.len()
        )));
    }
    Ok(ExitCode::SUCCESS)
}
