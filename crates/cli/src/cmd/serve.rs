//! `navlayer serve`: the HTTP API and web UI (crates/server).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context as _;
use clap::Args;

use crate::context::Context;

#[derive(Args, Debug)]
#[command(after_help = "Examples:
  navlayer --data ../shared/attack-data serve                      http://127.0.0.1:8080, layers in the user data folder
  navlayer serve --db team.sqlite --addr 127.0.0.1:9000
  navlayer serve --context-menu menu.json                          own context-menu items for the web UI
  navlayer serve --addr 0.0.0.0:8080 --token \"$(openssl rand -hex 24)\"   reachable from the network: writes need the token
  navlayer serve --addr 0.0.0.0:8080 --token \"$TOKEN\" --token-for reads     every API request needs the token
  navlayer serve --allowed-origin https://intranet.example.org               let that site's pages call the API
  curl -X POST -H 'Authorization: Bearer TOKEN' -H 'Content-Type: application/json' --data-binary @layer.json 'http://HOST:8080/api/import?filename=layer.json'

Writes (POST, PUT, DELETE) need `Content-Type: application/json` (uploads to /api/import may be
multipart/form-data) and, when the browser sends one, an Origin of this server or an
--allowed-origin. On a loopback address the server answers only to loopback host names
(localhost, 127.0.0.1, [::1]) and --allowed-host names. Set NAVLAYER_LOG=info (or debug) to log
every request.")]
pub struct ServeArgs {
    /// Address to listen on. Any address other than loopback requires --token.
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// SQLite database file (created and migrated on first start).
    /// Default: layers.sqlite in the user's data folder.
    #[arg(long, value_name = "PATH")]
    db: Option<PathBuf>,
    /// Bearer token every write (POST, PUT, DELETE) must carry (also NAVLAYER_TOKEN).
    #[arg(long, env = "NAVLAYER_TOKEN", hide_env_values = true)]
    token: Option<String>,
    /// What the token guards: writes (reads stay open) or reads (every API request but
    /// /api/health). Clients that send wrong tokens are made to wait, longer after each.
    #[arg(long, value_enum, default_value_t = TokenForArg::Writes)]
    token_for: TokenForArg,
    /// An origin (scheme://host[:port]) besides this server's own whose pages may write and call
    /// the API (CORS); repeatable.
    #[arg(long = "allowed-origin", value_name = "ORIGIN")]
    allowed_origins: Vec<String>,
    /// A host name besides the served address (and, on loopback, localhost and loopback IPs)
    /// that requests may name in their Host header; repeatable.
    #[arg(long = "allowed-host", value_name = "NAME")]
    allowed_hosts: Vec<String>,
    /// Largest request body, in bytes.
    #[arg(long, default_value_t = 16 * 1024 * 1024)]
    max_body: usize,
    /// Most technique entries in one layer.
    #[arg(long, default_value_t = 50_000)]
    max_entries: usize,
    /// Longest a request may take, in seconds.
    #[arg(long, default_value_t = 30)]
    timeout: u64,
    /// Longest a client may take to send its request headers, in seconds.
    #[arg(long, default_value_t = 10)]
    header_timeout: u64,
    /// Most open connections (past it, the connection idle longest is closed for a new one).
    #[arg(long, default_value_t = 1024)]
    max_connections: usize,
    /// JSON file of the web UI's own context-menu items: a list of {"label", "url",
    /// "subtechnique_url"} or a Navigator config.json; URLs may use the Navigator's placeholders
    /// ({{technique_attackID}}, {{tactic_name}}, …).
    #[arg(long, value_name = "FILE")]
    context_menu: Option<PathBuf>,
    /// Let the web UI's "open from URL" fetch from loopback, private and link-local addresses
    /// (refused by default: no server-side request forgery).
    #[arg(long)]
    allow_private_urls: bool,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug)]
enum TokenForArg {
    /// POST, PUT and DELETE.
    Writes,
    /// Every API request but /api/health.
    Reads,
}

pub fn run(ctx: &Context, args: ServeArgs) -> anyhow::Result<ExitCode> {
    navlayer_server::check_address(&args.addr, args.token.as_deref())?;
    let db = match args.db {
        Some(p) => p,
        None => navlayer_server::default_db_path()
            .context("no user data folder on this system: pass --db PATH")?,
    };
    let mut config = navlayer_server::Config::new(db.clone());
    config.data = match &ctx.global.data {
        Some(data) => Some(data.clone()),
        None => {
            // Serve the cache folder; on first use, fetch the selected domain's release into it
            // (or fail with --offline), as every other command does.
            ctx.bundle_path(ctx.global.domain, ctx.global.attack_version)?;
            Some(ctx.cache()?.dir().to_path_buf())
        }
    };
    config.max_data_bytes = ctx.global.max_data_bytes;
    config.token = args.token;
    config.token_for = match args.token_for {
        TokenForArg::Writes => navlayer_server::TokenFor::Writes,
        TokenForArg::Reads => navlayer_server::TokenFor::Reads,
    };
    if config.token.is_none() && matches!(args.token_for, TokenForArg::Reads) {
        anyhow::bail!("--token-for reads needs --token");
    }
    config.allowed_origins = args.allowed_origins;
    config.allowed_hosts = args.allowed_hosts;
    config.fetch.allow_private = args.allow_private_urls;
    if let Some(path) = &args.context_menu {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        config.context_menu = navlayer_server::parse_context_menu(&text)
            .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    }
    config.limits = navlayer_server::Limits {
        body_bytes: args.max_body,
        entries: args.max_entries,
        timeout: Duration::from_secs(args.timeout.max(1)),
        header_timeout: Duration::from_secs(args.header_timeout.max(1)),
        connections: args.max_connections.max(16),
        ..navlayer_server::Limits::default()
    };
    init_log();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(args.addr)
            .await
            .with_context(|| format!("cannot listen on {}", args.addr))?;
        let local = listener.local_addr().unwrap_or(args.addr);
        eprintln!(
            "navlayer serve: http://{local}/ (database {}{})",
            db.display(),
            match (&config.token, config.token_for) {
                (None, _) => "",
                (Some(_), navlayer_server::TokenFor::Writes) => ", writes need the token",
                (Some(_), navlayer_server::TokenFor::Reads) => ", every request needs the token",
            }
        );
        navlayer_server::serve(listener, config).await?;
        anyhow::Ok(())
    })?;
    Ok(ExitCode::SUCCESS)
}

/// Request logs on stderr (tower-http's trace layer) when NAVLAYER_LOG names a level.
fn init_log() {
    let level = match std::env::var("NAVLAYER_LOG")
        .unwrap_or_default()
        .to_ascii_lowercase()
        .as_str()
    {
        "error" => tracing::Level::ERROR,
        "warn" => tracing::Level::WARN,
        "info" => tracing::Level::INFO,
        "debug" => tracing::Level::DEBUG,
        "trace" => tracing::Level::TRACE,
        _ => return,
    };
    let _ = tracing_subscriber::fmt()
        .with_max_level(level)
        .with_writer(std::io::stderr)
        .try_init();
}
