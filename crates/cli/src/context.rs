//! Global options and what every command needs from them: finding and loading ATT&CK data.

use std::path::PathBuf;
use std::sync::Arc;

use clap::Args;
use navlayer_attack::{Catalogue, Domain, LoadOptions, Release};

/// Options shared by every command.
#[derive(Args, Debug, Clone)]
pub struct GlobalArgs {
    /// ATT&CK data: a STIX bundle file, or a folder of <domain>-attack-<X.Y>.json files.
    /// Default: $NAVLAYER_DATA, then the per-user cache.
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

    /// The bundle file for a domain and release (the newest when `release` is `None`).
    pub fn bundle_path(&self, domain: Domain, release: Option<Release>) -> anyhow::Result<PathBuf> {
        let Some(data) = &self.global.data else {
            anyhow::bail!(
                "no ATT&CK data: pass --data PATH (a bundle or a folder of <domain>-attack-<X.Y>.json files) or set NAVLAYER_DATA"
            );
        };
        Ok(navlayer_source::find_bundle(data, domain, release)?)
    }

    /// Loads the catalogue selected by the global options.
    pub fn catalogue(&self) -> anyhow::Result<Arc<Catalogue>> {
        self.catalogue_for(self.global.domain, self.global.attack_version)
    }

    /// Loads the catalogue of a domain and release (the newest when `release` is `None`).
    pub fn catalogue_for(
        &self,
        domain: Domain,
        release: Option<Release>,
    ) -> anyhow::Result<Arc<Catalogue>> {
        let path = self.bundle_path(domain, release)?;
        let options = LoadOptions {
            fallback_release: release,
        };
        Ok(Arc::new(Catalogue::load(&path, &options)?))
    }
}
