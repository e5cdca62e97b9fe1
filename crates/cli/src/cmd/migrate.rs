//! `navlayer migrate FILE... --to X.Y`: migrate layers between ATT&CK releases, with a report.

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{bail, Context as _};
use clap::Args;
use navlayer_attack::{Catalogue, Domain, Release};
use navlayer_layer::write::{to_json, to_json_many, Style};
use navlayer_migrate::{
    migrate_layer, pick_source_release, render_reports, LayerReport, MigrateOptions, ReleasePair,
    ReportFormat,
};

use crate::context::Context;
use crate::exit::check_failed;

#[derive(Args, Debug)]
#[command(
    after_help = "Each technique entry is classified as in the Navigator's layer upgrade view (unchanged, minor,
major, revoked, deprecated, unknown) by STIX id, moved to the technique its ID now stands for
(revoked-by chains followed), its tactic remapped, and entries landing on one technique merged
(highest score, comments joined). Rules: docs/migrate.md. The source release is --from, else the
layer's versions.attack (the newest release of that major version in the data folder; when there
is none, the nearest one, and the report says so).

Examples:
  navlayer --data ../shared/attack-data migrate old.json --to 18.1 -o new.json
  navlayer migrate layers/*.json --to 18.1 --out-dir migrated/ --report md --report-file M.md
  navlayer migrate layer.json --from 16.1 --to 17.1 --report json    report only
  navlayer migrate layer.json --to 18.1 --keep-deprecated -o new.json --force"
)]
pub struct MigrateArgs {
    /// Layer files (each a layer, or a JSON array of layers).
    #[arg(value_name = "FILE", required = true)]
    files: Vec<PathBuf>,
    /// Target ATT&CK release (X.Y), loaded from the data folder.
    #[arg(long, value_name = "X.Y", value_parser = parse_release)]
    to: Release,
    /// Source ATT&CK release (X.Y); default: each layer's versions.attack.
    #[arg(long, value_name = "X.Y", value_parser = parse_release)]
    from: Option<Release>,
    /// Write the migrated layer here (one input file only).
    #[arg(short, long, value_name = "OUT", conflicts_with = "out_dir")]
    output: Option<PathBuf>,
    /// Write each migrated file into this folder, under its own file name.
    #[arg(long, value_name = "DIR")]
    out_dir: Option<PathBuf>,
    /// Report format.
    #[arg(long, value_enum, default_value_t = ReportArg::Text)]
    report: ReportArg,
    /// Write the report to this file instead of stdout.
    #[arg(long, value_name = "PATH")]
    report_file: Option<PathBuf>,
    /// Keep entries of deprecated or removed techniques (unchanged) instead of dropping them.
    #[arg(long)]
    keep_deprecated: bool,
    /// Keep entries whose ID is a technique of neither release instead of dropping them.
    #[arg(long)]
    keep_unknown: bool,
    /// Fail when the release a layer names is not in the data folder, instead of using the
    /// nearest one.
    #[arg(long)]
    strict_source: bool,
    /// JSON layout of the migrated layers.
    #[arg(long, value_enum, default_value_t = StyleArg::Pretty)]
    style: StyleArg,
    /// Overwrite existing output files.
    #[arg(long)]
    force: bool,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum ReportArg {
    /// Summary and one line per changed entry.
    Text,
    /// Every entry of every layer.
    Json,
    /// Markdown tables.
    Md,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum StyleArg {
    /// Indented by tabs, as the Navigator writes.
    Pretty,
    /// Indented by four spaces, as mitreattack-python writes.
    Spaces,
    /// One line.
    Compact,
}

fn parse_release(s: &str) -> Result<Release, String> {
    s.parse::<Release>().map_err(|e| e.to_string())
}

/// Catalogues loaded so far, by domain and release.
struct Catalogues<'a> {
    ctx: &'a Context,
    loaded: HashMap<(Domain, Release), Arc<Catalogue>>,
    available: Vec<(Domain, Release)>,
}

impl Catalogues<'_> {
    fn get(&mut self, domain: Domain, release: Release) -> anyhow::Result<Arc<Catalogue>> {
        if let Some(c) = self.loaded.get(&(domain, release)) {
            return Ok(c.clone());
        }
        let c = self.ctx.catalogue_for(domain, Some(release))?;
        self.loaded.insert((domain, release), c.clone());
        Ok(c)
    }

    /// Loads two releases at once (each load is itself parallel, but reading is not).
    fn pair(
        &mut self,
        domain: Domain,
        a: Release,
        b: Release,
    ) -> anyhow::Result<(Arc<Catalogue>, Arc<Catalogue>)> {
        let need_a = !self.loaded.contains_key(&(domain, a));
        let need_b = a != b && !self.loaded.contains_key(&(domain, b));
        if need_a && need_b {
            let ctx = self.ctx;
            let (ra, rb) = std::thread::scope(|s| {
                let ha = s.spawn(|| ctx.catalogue_for(domain, Some(a)));
                let rb = ctx.catalogue_for(domain, Some(b));
                (ha.join(), rb)
            });
            let ca = ra.map_err(|_| anyhow::anyhow!("loading ATT&CK {domain} {a} failed"))??;
            self.loaded.insert((domain, a), ca);
            self.loaded.insert((domain, b), rb?);
        }
        Ok((self.get(domain, a)?, self.get(domain, b)?))
    }
}

pub fn run(ctx: &Context, args: MigrateArgs) -> anyhow::Result<ExitCode> {
    if args.output.is_some() && args.files.len() > 1 {
        bail!(
            "-o/--output takes one input file; use --out-dir DIR for {} files",
            args.files.len()
        );
    }
    if args.out_dir.is_some() {
        let mut names = BTreeSet::new();
        for f in &args.files {
            let name = f
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .to_string();
            if !names.insert(name.clone()) {
                bail!("two input files are named {name:?}: --out-dir would write both to one file; migrate them separately");
            }
        }
    }
    let Some(data) = &ctx.global.data else {
        bail!("no ATT&CK data: pass --data DIR (a folder of <domain>-attack-<X.Y>.json files) or set NAVLAYER_DATA");
    };
    let available: Vec<(Domain, Release)> = if data.is_dir() {
        navlayer_source::list_folder(data)?
            .into_iter()
            .map(|r| (r.domain, r.release))
            .collect()
    } else {
        bail!(
            "--data {} is a file; migrate needs two releases: pass a folder of <domain>-attack-<X.Y>.json files",
            data.display()
        );
    };
    for (flag, release) in [("--to", Some(args.to)), ("--from", args.from)] {
        if let Some(r) = release {
            if !available.iter().any(|(_, a)| *a == r) {
                let found: Vec<String> = available
                    .iter()
                    .map(|(d, r)| format!("{}-{r}", d.short_name()))
                    .collect();
                bail!(
                    "{flag} {r}: no release {r} in {} (found: {}; hint: `navlayer data fetch` downloads releases)",
                    data.display(),
                    if found.is_empty() { "nothing".to_string() } else { found.join(", ") }
                );
            }
        }
    }
    let mut catalogues = Catalogues {
        ctx,
        loaded: HashMap::new(),
        available,
    };
    let options = MigrateOptions {
        keep_deprecated: args.keep_deprecated,
        keep_unknown: args.keep_unknown,
    };
    let style = match args.style {
        StyleArg::Pretty => Style::Pretty,
        StyleArg::Spaces => Style::Spaces,
        StyleArg::Compact => Style::Compact,
    };

    let mut reports: Vec<LayerReport> = Vec::new();
    let mut failures: Vec<String> = Vec::new();
    let mut outputs: Vec<(PathBuf, String)> = Vec::new();
    for file in &args.files {
        let loaded = match navlayer_layer::read_layer_file(file) {
            Ok(l) => l,
            Err(e @ navlayer_layer::LayerError::Io { .. }) => return Err(e.into()),
            Err(e) => {
                failures.push(e.to_string());
                continue;
            }
        };
        let many = loaded.len() != 1;
        let mut migrated = Vec::with_capacity(loaded.len());
        let mut failed = false;
        for l in &loaded {
            let label = format!("{}{}", file.display(), l.pointer_prefix);
            match migrate_one(&mut catalogues, &args, &options, &l.layer, &label) {
                Ok((layer, report)) => {
                    migrated.push(layer);
                    reports.push(report);
                }
                Err(e) => {
                    failures.push(format!("{label}: {e:#}"));
                    failed = true;
                }
            }
        }
        if failed {
            continue;
        }
        let text = if many {
            to_json_many(&migrated, style)
        } else {
            to_json(&migrated[0], style)
        };
        let target = match (&args.output, &args.out_dir) {
            (Some(o), _) => Some(o.clone()),
            (None, Some(dir)) => Some(dir.join(file.file_name().unwrap_or_default())),
            (None, None) => None,
        };
        if let Some(t) = target {
            outputs.push((t, text));
        }
    }

    for (path, text) in &outputs {
        crate::output::write_file(path, text.as_bytes(), args.force)
            .with_context(|| format!("writing the migrated layer {}", path.display()))?;
    }
    let format = match args.report {
        ReportArg::Text => ReportFormat::Text,
        ReportArg::Json => ReportFormat::Json,
        ReportArg::Md => ReportFormat::Markdown,
    };
    let text = render_reports(&reports, format)?;
    match format {
        ReportFormat::Json => {
            crate::output::emit_json(args.report_file.as_deref(), &text, args.force)?
        }
        _ => crate::output::emit_text(args.report_file.as_deref(), &text, args.force)?,
    }
    if !failures.is_empty() {
        for f in &failures {
            crate::output::note(&format!("error: {f}"));
        }
        return Err(check_failed(format!(
            "{} layer(s) or file(s) could not be migrated; the others were",
            failures.len()
        )));
    }
    Ok(ExitCode::SUCCESS)
}

fn migrate_one(
    catalogues: &mut Catalogues<'_>,
    args: &MigrateArgs,
    options: &MigrateOptions,
    layer: &navlayer_layer::Layer,
    label: &str,
) -> anyhow::Result<(navlayer_layer::Layer, LayerReport)> {
    let domain = Domain::parse_lenient(&layer.domain).ok_or_else(|| {
        anyhow::anyhow!(
            "domain {:?} is not an ATT&CK domain (expected enterprise-attack, mobile-attack or ics-attack)",
            layer.domain
        )
    })?;
    let named = layer.versions.as_ref().and_then(|v| v.attack.as_deref());
    let mut notes = Vec::new();
    let from = match (args.from, named) {
        (Some(f), _) => f,
        (None, Some(text)) => {
            let wanted = Release::parse(text).ok_or_else(|| {
                anyhow::anyhow!("versions.attack is {text:?}, not a release number; pass --from X.Y")
            })?;
            let releases: Vec<Release> = catalogues
                .available
                .iter()
                .filter(|(d, _)| *d == domain)
                .map(|(_, r)| *r)
                .collect();
            let (chosen, note) = pick_source_release(wanted, &releases, args.to);
            if let Some(n) = note {
                if args.strict_source {
                    bail!("the layer names ATT&CK {text} but the data folder has no {domain} {}.x release (drop --strict-source to use the nearest, or pass --from X.Y)", wanted.major);
                }
                notes.push(n);
            }
            chosen
        }
        (None, None) => bail!(
            "the layer does not say which ATT&CK release it was made for (no versions.attack); pass --from X.Y"
        ),
    };
    let (c_from, c_to) = catalogues.pair(domain, from, args.to)?;
    let pair = ReleasePair::new(&c_from, &c_to)?;
    let m = migrate_layer(&pair, layer, options)?;
    let mut report = m.report;
    report.file = Some(label.to_string());
    report.notes.extend(notes);
    Ok((m.layer, report))
}
