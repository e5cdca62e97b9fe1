//! `navlayer data …`: what a release holds, which releases there are, fetching them, and
//! exporting one as spreadsheets.

use std::fmt::Write as _;
use std::path::Path;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use navlayer_attack::parse_bundle_file_name;
use navlayer_source::{Fetcher, Index, LocalRelease, Location};
use serde_json::json;

use crate::context::Context;

#[derive(Args, Debug)]
pub struct DataArgs {
    #[command(subcommand)]
    command: DataCommand,
}

#[derive(Subcommand, Debug)]
enum DataCommand {
    /// Release, domain, STIX version and object counts (active / revoked / deprecated).
    #[command(after_help = "Examples:
  navlayer data info
  navlayer --data ../shared/attack-data --domain ics data info --format json")]
    Info {
        /// Output format.
        #[arg(long, value_enum, default_value_t = InfoFormat::Text)]
        format: InfoFormat,
    },
    /// Releases on this machine (cache, --data) and releases MITRE's index offers.
    #[command(after_help = "Examples:
  navlayer data list
  navlayer data list --offline                      only the releases on this machine
  navlayer data list --index ./index.json --format json")]
    List {
        /// Output format.
        #[arg(long, value_enum, default_value_t = InfoFormat::Text)]
        format: InfoFormat,
    },
    /// Download an official release into the cache (default: the newest enterprise release).
    #[command(after_help = "Examples:
  navlayer data fetch                                newest enterprise release
  navlayer data fetch --domain ics --attack-version 18.1
  navlayer data fetch --index ./index.json          index from a local file
  NAVLAYER_CACHE=/tmp/attack navlayer data fetch --domain mobile")]
    Fetch {
        /// Download again even when the release is already in the cache.
        #[arg(long)]
        force: bool,
    },
    /// The whole release as spreadsheets, as mitreattack-python's attackToExcel writes them.
    #[command(
        after_help = "Writes <DIR>/<domain>-v<X.Y>/: one workbook <domain>-v<X.Y>.xlsx with a sheet per object
type, the matrices, relationships, detection strategy / analytic / log source mappings (v18+)
and citations, and one workbook per type with its relationship sheets (procedure examples,
associated mitigations, ...). With --format csv, each of those sheets as a CSV file.

Examples:
  navlayer data export --out-dir excel/
  navlayer --domain ics --attack-version 18.1 data export --format csv --out-dir csv/
  navlayer --data enterprise-attack-17.1.json data export --out-dir excel/ --force"
    )]
    Export {
        /// File format.
        #[arg(long, value_enum, default_value_t = ExportFormat::Xlsx)]
        format: ExportFormat,
        /// Folder to write into (created if missing).
        #[arg(long, value_name = "DIR")]
        out_dir: std::path::PathBuf,
        /// Overwrite files that exist.
        #[arg(long)]
        force: bool,
    },
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum ExportFormat {
    /// Excel workbooks.
    Xlsx,
    /// One CSV file per sheet.
    Csv,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum InfoFormat {
    Text,
    Json,
}

pub fn run(ctx: &Context, args: DataArgs) -> anyhow::Result<ExitCode> {
    match args.command {
        DataCommand::Info { format } => info(ctx, format),
        DataCommand::List { format } => list(ctx, format),
        DataCommand::Fetch { force } => fetch(ctx, force),
        DataCommand::Export {
            format,
            out_dir,
            force,
        } => export(ctx, format, &out_dir, force),
    }
}

fn export(
    ctx: &Context,
    format: ExportFormat,
    dir: &Path,
    force: bool,
) -> anyhow::Result<ExitCode> {
    let path = ctx.bundle_path(ctx.global.domain, ctx.global.attack_version)?;
    // `..default()` keeps this literal valid when LoadOptions gains fields.
    #[allow(clippy::needless_update)]
    let options = navlayer_attack::LoadOptions {
        fallback_release: ctx.global.attack_version,
        keep_raw_json: true,
        max_file_bytes: ctx.global.max_data_bytes,
        max_decoded_bytes: ctx.global.max_data_bytes,
        map_file: true,
        ..navlayer_attack::LoadOptions::default()
    };
    let catalogue = navlayer_attack::Catalogue::load(&path, &options)?;
    let export = navlayer_export::export(&catalogue)?;
    let files = match format {
        ExportFormat::Xlsx => export.write_xlsx(dir, force)?,
        ExportFormat::Csv => export.write_csv(dir, force)?,
    };
    let mut text = String::new();
    for f in &files {
        writeln!(text, "{}", f.display())?;
    }
    crate::output::emit(None, text.as_bytes(), false)?;
    // The process ends here: freeing the sheets' half a million cells one by one would only
    // delay the exit (about 5 % of the export's time).
    std::mem::forget(export);
    std::mem::forget(catalogue);
    Ok(ExitCode::SUCCESS)
}

fn fetch(ctx: &Context, force: bool) -> anyhow::Result<ExitCode> {
    let cache = ctx.cache()?;
    let location = ctx.index_location();
    ctx.check_online(&location, "reading the collection index")?;
    let index = Fetcher::new().index(&location)?;
    let pick = index.find(ctx.global.domain, ctx.global.attack_version)?;
    if let Some(have) = cache.find(pick.domain, Some(pick.release))? {
        if !force {
            let text = format!(
                "{} {} is already in the cache: {} (pass --force to download it again)\n",
                pick.domain,
                pick.release,
                have.path.display()
            );
            crate::output::emit(None, text.as_bytes(), false)?;
            return Ok(ExitCode::SUCCESS);
        }
    }
    eprintln!(
        "navlayer: downloading {} {} from {}",
        pick.domain, pick.release, pick.location
    );
    let path = ctx.install(&cache, pick)?;
    let text = format!(
        "fetched {} {}: {}\n",
        pick.domain,
        pick.release,
        path.display()
    );
    crate::output::emit(None, text.as_bytes(), false)?;
    Ok(ExitCode::SUCCESS)
}

/// The releases of the `--data` path: a folder's `<domain>-attack-<X.Y>.json` files, or one file.
fn data_releases(
    path: &Path,
    fallback_release: Option<navlayer_attack::Release>,
    max_bytes: Option<u64>,
) -> anyhow::Result<Vec<LocalRelease>> {
    if path.is_dir() {
        return Ok(navlayer_source::list_folder(path)?);
    }
    if !path.is_file() {
        return Err(navlayer_source::SourceError::Missing {
            path: path.to_path_buf(),
        }
        .into());
    }
    // A single file: its name says the release when it follows the convention; else load it.
    if let Some((domain, release)) = parse_bundle_file_name(path) {
        return Ok(vec![LocalRelease {
            domain,
            release,
            path: path.to_path_buf(),
        }]);
    }
    let options = navlayer_attack::LoadOptions {
        fallback_release,
        max_file_bytes: max_bytes,
        max_decoded_bytes: max_bytes,
        ..navlayer_attack::LoadOptions::default()
    };
    let catalogue = navlayer_attack::Catalogue::load(path, &options)?;
    Ok(vec![LocalRelease {
        domain: catalogue.domain(),
        release: catalogue.release(),
        path: path.to_path_buf(),
    }])
}

fn list(ctx: &Context, format: InfoFormat) -> anyhow::Result<ExitCode> {
    let cache = ctx.cache()?;
    let cached = cache.releases()?;
    let data = match &ctx.global.data {
        Some(p) => Some((
            p.clone(),
            data_releases(p, ctx.global.attack_version, ctx.global.max_data_bytes)?,
        )),
        None => None,
    };
    let location = ctx.index_location();
    let skip_index = ctx.global.offline && matches!(location, Location::Url(_));
    let index: Option<anyhow::Result<Index>> =
        (!skip_index).then(|| Fetcher::new().index(&location).map_err(Into::into));
    let is_cached = |d, r| cached.iter().any(|c| c.domain == d && c.release == r);
    let local_json = |releases: &[LocalRelease]| -> Vec<serde_json::Value> {
        releases
            .iter()
            .map(|r| json!({"domain": r.domain.stix_name(), "release": r.release.to_string(), "path": r.path.display().to_string()}))
            .collect()
    };
    let mut out = String::new();
    match format {
        InfoFormat::Json => {
            let index = match index {
                None => serde_json::Value::Null,
                Some(Err(e)) => return Err(e),
                Some(Ok(index)) => {
                    let releases: Vec<serde_json::Value> = index
                        .collections
                        .iter()
                        .flat_map(|c| &c.releases)
                        .map(|r| {
                            json!({
                                "domain": r.domain.stix_name(),
                                "release": r.release.to_string(),
                                "url": r.location.to_string(),
                                "modified": r.modified,
                                "cached": is_cached(r.domain, r.release),
                            })
                        })
                        .collect();
                    json!({"location": index.location, "name": index.name, "modified": index.modified, "releases": releases})
                }
            };
            let value = json!({
                "cache": {"dir": cache.dir().display().to_string(), "releases": local_json(&cached)},
                "data": data.as_ref().map(|(p, r)| json!({"path": p.display().to_string(), "releases": local_json(r)})),
                "offline": ctx.global.offline,
                "index": index,
            });
            writeln!(out, "{}", serde_json::to_string_pretty(&value)?)?;
        }
        InfoFormat::Text => {
            let local_lines = |out: &mut String, releases: &[LocalRelease]| -> std::fmt::Result {
                for r in releases {
                    writeln!(
                        out,
                        "  {:<18} {:<6} {}",
                        r.domain.stix_name(),
                        r.release.to_string(),
                        r.path.display()
                    )?;
                }
                Ok(())
            };
            writeln!(out, "cache: {}", cache.dir().display())?;
            if cached.is_empty() {
                writeln!(
                    out,
                    "  (empty: `navlayer data fetch` downloads the newest release)"
                )?;
            }
            local_lines(&mut out, &cached)?;
            if let Some((path, releases)) = &data {
                writeln!(out, "data: {}", path.display())?;
                if releases.is_empty() {
                    writeln!(out, "  (no <domain>-attack-<X.Y>.json file)")?;
                }
                local_lines(&mut out, releases)?;
            }
            match index {
                None => writeln!(
                    out,
                    "index: not read (offline): only the releases on this machine are listed"
                )?,
                Some(Err(e)) => {
                    crate::output::emit(None, out.as_bytes(), false)?;
                    return Err(e.context("cannot list the releases the index offers (hint: --offline lists only the releases on this machine)"));
                }
                Some(Ok(index)) => {
                    write!(out, "index: {}", index.location)?;
                    if let Some(m) = &index.modified {
                        write!(out, " (modified {m})")?;
                    }
                    writeln!(out)?;
                    for c in &index.collections {
                        let Some(domain) = c.domain else { continue };
                        let versions: Vec<String> = c
                            .releases
                            .iter()
                            .map(|r| {
                                let mark = if is_cached(r.domain, r.release) {
                                    "*"
                                } else {
                                    ""
                                };
                                format!("{}{mark}", r.release)
                            })
                            .collect();
                        let mut line = format!("  {:<18}", domain.stix_name());
                        let mut width = line.len();
                        for (i, v) in versions.iter().enumerate() {
                            let piece = if i + 1 < versions.len() {
                                format!(" {v},")
                            } else {
                                format!(" {v}")
                            };
                            if width + piece.len() > 100 {
                                line.push('\n');
                                line.push_str(&" ".repeat(20));
                                width = 20;
                            }
                            width += piece.len();
                            line.push_str(&piece);
                        }
                        writeln!(out, "{line}")?;
                        if !c.skipped.is_empty() {
                            writeln!(
                                out,
                                "{:20}(not X.Y, cannot be fetched: {})",
                                "",
                                c.skipped.join(", ")
                            )?;
                        }
                    }
                    writeln!(out, "  (* = in the cache; `navlayer data fetch --domain D --attack-version X.Y` downloads one)")?;
                }
            }
        }
    }
    crate::output::emit(None, out.as_bytes(), false)?;
    Ok(ExitCode::SUCCESS)
}

fn info(ctx: &Context, format: InfoFormat) -> anyhow::Result<ExitCode> {
    let catalogue = ctx.catalogue()?;
    let counts = catalogue.counts();
    let mut out = String::new();
    let source = catalogue
        .source()
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    match format {
        InfoFormat::Json => {
            let objects: serde_json::Map<String, serde_json::Value> = counts
                .iter()
                .map(|(kind, c)| {
                    (
                        kind.label().to_string(),
                        json!({"active": c.active, "revoked": c.revoked, "deprecated": c.deprecated}),
                    )
                })
                .collect();
            let relationships: serde_json::Map<String, serde_json::Value> = catalogue
                .relationship_counts()
                .iter()
                .map(|(kind, c)| {
                    (
                        kind.clone(),
                        json!({"active": c.active, "revoked": c.revoked, "deprecated": c.deprecated}),
                    )
                })
                .collect();
            let tactics: Vec<&str> = catalogue
                .tactics()
                .iter()
                .map(|&t| catalogue.object(t).name.as_str())
                .collect();
            let value = json!({
                "file": source,
                "domain": catalogue.domain().stix_name(),
                "release": catalogue.release().to_string(),
                "spec_version": catalogue.spec_version(),
                "tactics": tactics,
                "platforms": catalogue.platforms(),
                "objects": objects,
                "relationships": relationships,
            });
            writeln!(out, "{}", serde_json::to_string_pretty(&value)?)?;
        }
        InfoFormat::Text => {
            writeln!(out, "file:         {source}")?;
            writeln!(out, "domain:       {}", catalogue.domain().stix_name())?;
            writeln!(out, "release:      {}", catalogue.release())?;
            writeln!(out, "STIX version: {}", catalogue.spec_version())?;
            writeln!(
                out,
                "tactics:      {}",
                catalogue
                    .tactics()
                    .iter()
                    .map(|&t| catalogue.object(t).name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )?;
            writeln!(out, "platforms:    {}", catalogue.platforms().join(", "))?;
            writeln!(out)?;
            writeln!(
                out,
                "{:<20} {:>7} {:>8} {:>11}",
                "objects", "active", "revoked", "deprecated"
            )?;
            for (kind, c) in &counts {
                writeln!(
                    out,
                    "{:<20} {:>7} {:>8} {:>11}",
                    kind.label(),
                    c.active,
                    c.revoked,
                    c.deprecated
                )?;
            }
            writeln!(out)?;
            writeln!(
                out,
                "{:<20} {:>7} {:>8} {:>11}",
                "relationships", "active", "revoked", "deprecated"
            )?;
            for (kind, c) in catalogue.relationship_counts() {
                writeln!(
                    out,
                    "{:<20} {:>7} {:>8} {:>11}",
                    kind, c.active, c.revoked, c.deprecated
                )?;
            }
        }
    }
    crate::output::emit(None, out.as_bytes(), false)?;
    Ok(ExitCode::SUCCESS)
}
