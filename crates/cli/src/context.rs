//! Global options and what every command needs from them: finding and loading ATT&CK data.
//!
//! Where data comes from, in order: `--data PATH` (or `NAVLAYER_DATA`); else the per-user cache
//! (`NAVLAYER_CACHE` overrides its folder); else, on first use, the newest official release is
//! downloaded into the cache, unless `--offline` (or `NAVLAYER_OFFLINE=1`) forbids it.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::bail;
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use navlayer_attack::{Catalogue, Domain, LoadOptions, Release};
use navlayer_source::{Cache, Fetcher, IndexRelease, Location, Progress, OFFICIAL_INDEX_URL};

/// Options shared by every command.
#[derive(Args, Debug, Clone)]
pub struct GlobalArgs {
    /// ATT&CK data: a STIX bundle file, or a folder of <domain>-attack-<X.Y>.json files.
    /// Default: $NAVLAYER_DATA, then the per-user cache (downloading the newest release on
    /// first use).
    #[arg(long, global = true, env = "NAVLAYER_DATA", value_name = "PATH")]
    pub data: Option<PathBuf>,
    /// ATT&CK domain: enterprise, mobile or ics (also enterprise-attack, …).
    #[arg(long, global = true, default_value = "enterprise", value_parser = parse_domain)]
    pub domain: Domain,
    /// ATT&CK release X.Y (default: the newest found).
    #[arg(long = "attack-version", global = true, value_name = "X.Y", value_parser = parse_release)]
    pub attack_version: Option<Release>,
    /// Never touch the network (also NAVLAYER_OFFLINE=1).
    #[arg(long, global = true, env = "NAVLAYER_OFFLINE", value_parser = clap::builder::FalseyValueParser::new())]
    pub offline: bool,
    /// Folder of downloaded releases (default: the per-user cache, e.g. ~/.cache/navlayer).
    #[arg(
        long = "cache-dir",
        global = true,
        env = "NAVLAYER_CACHE",
        value_name = "DIR"
    )]
    pub cache_dir: Option<PathBuf>,
    /// MITRE's collection index listing the releases to download: a URL or a local file
    /// (default: the official index on GitHub).
    #[arg(
        long,
        global = true,
        env = "NAVLAYER_INDEX",
        value_name = "URL_OR_FILE"
    )]
    pub index: Option<String>,
    /// Largest ATT&CK bundle read, in bytes, as a file and once decompressed (default 512 MiB;
    /// also NAVLAYER_MAX_DATA_BYTES).
    #[arg(
        long = "max-data-bytes",
        global = true,
        env = "NAVLAYER_MAX_DATA_BYTES",
        value_name = "BYTES"
    )]
    pub max_data_bytes: Option<u64>,
}

fn parse_domain(s: &str) -> Result<Domain, String> {
    s.parse::<Domain>().map_err(|e| e.to_string())
}

fn parse_release(s: &str) -> Result<Release, String> {
    s.parse::<Release>().map_err(|e| e.to_string())
}

/// What commands share: the global options, and the catalogues loaded so far.
pub struct Context {
    pub global: GlobalArgs,
}

impl Context {
    pub fn new(global: GlobalArgs) -> Context {
        Context { global }
    }

    /// The per-user cache (or the `--cache-dir` / `NAVLAYER_CACHE` folder).
    pub fn cache(&self) -> anyhow::Result<Cache> {
        Ok(Cache::from_override(self.global.cache_dir.clone())?)
    }

    /// Where the collection index is read from.
    pub fn index_location(&self) -> Location {
        Location::parse(
            self.global
                .index
                .as_deref()
                .filter(|s| !s.is_empty())
                .unwrap_or(OFFICIAL_INDEX_URL),
        )
    }

    /// Fails when `--offline` forbids reading `location` (local files are always allowed).
    pub fn check_online(&self, location: &Location, why: &str) -> anyhow::Result<()> {
        if self.global.offline && matches!(location, Location::Url(_)) {
            bail!(
                "{why} needs the network ({location}), but --offline (or NAVLAYER_OFFLINE=1) forbids it \
                 (hint: run without --offline, pass --index FILE with a local copy of the index, or use --data PATH)"
            );
        }
        Ok(())
    }

    /// Downloads `release` into the cache, with a progress bar when stderr is a terminal.
    pub fn install(&self, cache: &Cache, release: &IndexRelease) -> anyhow::Result<PathBuf> {
        self.check_online(&release.location, "downloading a release")?;
        let mut progress = BarProgress::for_stderr();
        Ok(Fetcher::new().install(cache, release, &mut progress)?)
    }

    /// The bundle file for a domain and release (the newest when `release` is `None`):
    /// from `--data` / `NAVLAYER_DATA`, else from the cache, else downloaded into the cache.
    pub fn bundle_path(&self, domain: Domain, release: Option<Release>) -> anyhow::Result<PathBuf> {
        if let Some(data) = &self.global.data {
            return Ok(navlayer_source::find_bundle(data, domain, release)?);
        }
        let cache = self.cache()?;
        if let Some(found) = cache.find(domain, release)? {
            return Ok(found.path);
        }
        let wanted = match release {
            Some(r) => format!("{domain} {r}"),
            None => format!("{domain} release"),
        };
        if self.global.offline {
            bail!(
                "no ATT&CK data: no --data given, NAVLAYER_DATA is not set, and the cache {} holds no {wanted}; \
                 --offline forbids downloading it (hint: run `navlayer data fetch --domain {}{}` while online, \
                 or pass --data PATH with a bundle or a folder of <domain>-attack-<X.Y>.json files)",
                cache.dir().display(),
                domain.short_name(),
                release.map(|r| format!(" --attack-version {r}")).unwrap_or_default(),
            );
        }
        // First use: fetch the release into the cache, as a package manager does.
        let location = self.index_location();
        eprintln!(
            "navlayer: the cache {} holds no {wanted}; looking it up in {location} (pass --offline or --data PATH to avoid this)",
            cache.dir().display()
        );
        let index = Fetcher::new().index(&location)?;
        let pick = index.find(domain, release)?;
        eprintln!(
            "navlayer: downloading {} {} from {}",
            pick.domain, pick.release, pick.location
        );
        let path = self.install(&cache, pick)?;
        eprintln!("navlayer: saved {}", path.display());
        Ok(path)
    }

    /// Loads the catalogue selected by the global options.
    pub fn catalogue(&self) -> anyhow::Result<Arc<Catalogue>> {
        self.catalogue_for(self.global.domain, self.global.attack_version)
    }

    /// Loads the catalogue of a domain and release (the newest when `release` is `None`).
    // `..LoadOptions::default()` keeps this compiling as LoadOptions grows.
    #[allow(clippy::needless_update)]
    pub fn catalogue_for(
        &self,
        domain: Domain,
        release: Option<Release>,
    ) -> anyhow::Result<Arc<Catalogue>> {
        let path = self.bundle_path(domain, release)?;
        let options = LoadOptions {
            fallback_release: release,
            max_file_bytes: self.global.max_data_bytes,
            max_decoded_bytes: self.global.max_data_bytes,
            // A command is a short-lived process (the server loads without a map).
            map_file: true,
            ..LoadOptions::default()
        };
        Ok(Arc::new(Catalogue::load(&path, &options)?))
    }
}

/// Download progress drawn with indicatif on stderr when it is a terminal; silent otherwise.
pub struct BarProgress {
    bar: Option<ProgressBar>,
    visible: bool,
}

impl BarProgress {
    /// A progress bar if stderr is a terminal, else nothing.
    pub fn for_stderr() -> BarProgress {
        BarProgress {
            bar: None,
            visible: std::io::stderr().is_terminal(),
        }
    }
}

impl Progress for BarProgress {
    fn start(&mut self, _what: &str, total: Option<u64>) {
        if !self.visible {
            return;
        }
        let bar = match total {
            Some(t) => ProgressBar::new(t).with_style(
                ProgressStyle::with_template(
                    "{bar:40.cyan/blue} {bytes}/{total_bytes} {bytes_per_sec} eta {eta}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
            ),
            None => ProgressBar::new_spinner().with_style(
                ProgressStyle::with_template("{spinner} {bytes} {bytes_per_sec}")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            ),
        };
        self.bar = Some(bar);
    }

    fn advance(&mut self, bytes: u64) {
        if let Some(bar) = &self.bar {
            bar.inc(bytes);
        }
    }

    fn finish(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}
