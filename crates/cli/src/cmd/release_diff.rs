//! `navlayer release-diff FROM TO`: what changed between two releases, for every object type, with
//! mitreattack-python's changelog (diff_stix) categories.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::Args;
use navlayer_attack::{Catalogue, Domain, Release};
use navlayer_layer::write::{to_json, to_json_many, Style};
use navlayer_migrate::{ChangeType, Changelog};

use crate::context::Context;

#[derive(Args, Debug)]
#[command(
    after_help = "Objects are matched by STIX id within each type and sorted into diff_stix's categories:
additions, major / minor / other version changes, patches (same version, changed content),
revocations (with the revoking object), deprecations, deletions and unchanged; techniques also
show ID and tactic changes and the mitigations and detections they gained or lost. New
contributors are listed at the end.

Types: techniques, subtechniques, tactics, software, groups, campaigns, assets, mitigations,
data-sources, data-components, detection-strategies, analytics (default: all).

Examples:
  navlayer --data ../shared/attack-data release-diff 17.1 18.1
  navlayer release-diff 17.1 18.1 --types groups,software --format json
  navlayer release-diff 17.1 18.1 --all-domains --format html -o changes.html
  navlayer release-diff 16.1 18.1 --format layer -o changes-16-18.json    open it in the Navigator"
)]
pub struct ReleaseDiffArgs {
    /// The older release (X.Y).
    #[arg(value_name = "FROM", value_parser = parse_release)]
    from: Release,
    /// The newer release (X.Y).
    #[arg(value_name = "TO", value_parser = parse_release)]
    to: Release,
    /// Object types to compare, comma-separated (default: all).
    #[arg(long, value_name = "TYPES", value_delimiter = ',', value_parser = parse_type)]
    types: Vec<ChangeType>,
    /// Compare every domain that has both releases (default: the --domain one).
    #[arg(long)]
    all_domains: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DiffFormat::Md)]
    format: DiffFormat,
    /// Output file (default: stdout).
    #[arg(short, long, value_name = "OUT")]
    output: Option<PathBuf>,
    /// Overwrite OUT if it exists.
    #[arg(long)]
    force: bool,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum DiffFormat {
    /// Markdown: a summary table per domain, then each category's objects.
    Md,
    /// JSON: every type, category and object.
    Json,
    /// One self-contained HTML page.
    Html,
    /// A Navigator layer per domain on the newer release, coloured by category, with a legend
    /// (a JSON array of layers when several domains are compared).
    Layer,
}

fn parse_release(s: &str) -> Result<Release, String> {
    s.parse::<Release>().map_err(|e| e.to_string())
}

fn parse_type(s: &str) -> Result<ChangeType, String> {
    ChangeType::parse(s).ok_or_else(|| {
        let names: Vec<&str> = ChangeType::ALL.iter().map(|t| t.name()).collect();
        format!("unknown type {s:?}; types: {}", names.join(", "))
    })
}

/// Both releases of a domain, checking that the data gave the releases asked for.
fn pair(
    ctx: &Context,
    domain: Domain,
    from: Release,
    to: Release,
) -> anyhow::Result<(Arc<Catalogue>, Arc<Catalogue>)> {
    let old = ctx.catalogue_for(domain, Some(from))?;
    let new = ctx.catalogue_for(domain, Some(to))?;
    for (want, got) in [(from, old.release()), (to, new.release())] {
        if want != got {
            anyhow::bail!(
                "asked for {domain} {want} but the data gave {got} (hint: --data must be a folder holding both releases)"
            );
        }
    }
    Ok((old, new))
}

pub fn run(ctx: &Context, args: ReleaseDiffArgs) -> anyhow::Result<ExitCode> {
    let mut loaded = Vec::new();
    if args.all_domains {
        for domain in Domain::ALL {
            match pair(ctx, domain, args.from, args.to) {
                Ok(p) => loaded.push(p),
                Err(e) => eprintln!("navlayer: skipping {domain}: {e:#}"),
            }
        }
        if loaded.is_empty() {
            anyhow::bail!(
                "no domain has both ATT&CK {} and {} in the data",
                args.from,
                args.to
            );
        }
    } else {
        loaded.push(pair(ctx, ctx.global.domain, args.from, args.to)?);
    }
    let pairs: Vec<(&Catalogue, &Catalogue)> = loaded
        .iter()
        .map(|(a, b)| (a.as_ref(), b.as_ref()))
        .collect();
    let changelog = Changelog::compute(&pairs, &args.types)?;
    let text = match args.format {
        DiffFormat::Md => changelog.to_markdown(),
        DiffFormat::Json => changelog.to_json()?,
        DiffFormat::Html => changelog.to_html(),
        DiffFormat::Layer => {
            let layers = changelog.to_layers();
            match layers.as_slice() {
                [one] => to_json(one, Style::Pretty),
                many => to_json_many(many, Style::Pretty),
            }
        }
    };
    crate::output::emit(args.output.as_deref(), text.as_bytes(), args.force)?;
    Ok(ExitCode::SUCCESS)
}
