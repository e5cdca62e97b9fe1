//! # navlayer-server
//!
//! `navlayer serve`: an HTTP API over the navlayer libraries, layers kept in an SQLite file with
//! every revision, and a web matrix editor (plain HTML/CSS/JS embedded in the binary).
//!
//! The server adds no logic of its own: reading, validating, generating, combining, diffing,
//! migrating and rendering layers are calls into the library crates.
//!
//! ## Layout
//!
//! * [`router`] — the shared state ([`AppState`]), [`router()`](router::router) (every route,
//!   composed from the `routes` modules) and the stack of middleware every request passes;
//!   the middleware itself is in `middleware` (path checks, Host/Origin/content-type rules for
//!   writes, the token with per-client back-off, JSON errors).
//! * `routes/{layers,releases,ops,render,ui}.rs` — the handlers, one file per resource, each
//!   with `fn routes() -> Router<Arc<AppState>>`. A new resource is a new file and one
//!   `.merge(…::routes())` line in `router.rs`.
//! * `support` — what handlers share ([`support::LayerKey`], `json_response`, `blocking`,
//!   `load_layer`, `store_new`, …). It imports no handler, so there is no import circle.
//! * `conn` — the connection loop under [`serve`]: header-read timeout, connection cap.
//! * [`store`], [`layers`], [`render`], `catalogues`, `view` — storage and calls into the
//!   libraries.
//!
//! ## Hostile requests
//!
//! Every CPU-heavy step (reading a layer body, validating, rendering, combining, migrating)
//! runs on the blocking pool behind a semaphore ([`Limits::work`]) with the request's deadline
//! ([`Limits::timeout`]), so the async threads stay free and `GET /api/health` (answered from
//! memory) always answers. Writes check the deadline inside their transaction: a write either
//! commits and is acknowledged, or is rolled back and reported. Slow clients get
//! [`Limits::header_timeout`] to send their headers; past [`Limits::connections`] open
//! connections the longest-idle one that is not being served is closed for a new one.
//!
//! ```no_run
//! # async fn run() -> Result<(), navlayer_server::ServerError> {
//! use navlayer_server::{Config, serve};
//! let config = Config::new("layers.sqlite".into());
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await.map_err(|source| {
//!     navlayer_server::ServerError::Io { addr: "127.0.0.1:8080".into(), source }
//! })?;
//! serve(listener, config).await
//! # }
//! ```

mod backoff;
mod catalogues;
mod conn;
mod context_menu;
mod error;
pub mod fetch;
pub mod layers;
mod middleware;
mod migration;
pub mod multiselect;
pub mod render;
pub mod router;
mod routes;
pub mod store;
pub mod support;
mod view;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

pub use catalogues::Catalogues;
pub use context_menu::{parse_context_menu, ContextMenuItem};
pub use error::{ApiError, ServerError};
pub use router::{router, AppState};
pub use store::{Store, StoreError};

/// Request limits.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest request body, in bytes.
    pub body_bytes: usize,
    /// Most technique entries in one layer.
    pub entries: usize,
    /// Longest a request may take; work still running then is abandoned with a 503 (writes are
    /// rolled back).
    pub timeout: Duration,
    /// Longest a client may take to send the request line and headers.
    pub header_timeout: Duration,
    /// Most open connections; past it the longest-idle connection that is not being served is
    /// closed to admit a new one.
    pub connections: usize,
    /// Most requests being served at once (past it: 503 with `Retry-After`); `/api/health` does
    /// not count.
    pub in_flight: usize,
    /// CPU-heavy tasks running at once on the blocking pool (parse, validate, render, combine,
    /// migrate; default: one less than the cores, at least one); more wait for a slot until
    /// their deadline.
    pub work: usize,
    /// Size of the render cache, in bytes.
    pub render_cache_bytes: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Limits {
            body_bytes: 16 * 1024 * 1024,
            entries: 50_000,
            timeout: Duration::from_secs(30),
            header_timeout: Duration::from_secs(10),
            connections: 1024,
            in_flight: 256,
            // One core is left to the async threads, so health and light requests are
            // answered while heavy work fills the pool.
            work: cores.saturating_sub(1).max(1),
            render_cache_bytes: 64 * 1024 * 1024,
        }
    }
}

/// What the token guards.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TokenFor {
    /// Writes only (POST, PUT, DELETE): reads stay open.
    #[default]
    Writes,
    /// Every API request but `/api/health` (and the UI's static files, which hold no data).
    Reads,
}

/// Everything the server needs.
#[derive(Debug, Clone)]
pub struct Config {
    /// The SQLite database file (created when missing).
    pub db: PathBuf,
    /// ATT&CK data: a bundle file or a folder of `<domain>-attack-<X.Y>.json` files.
    pub data: Option<PathBuf>,
    /// Largest ATT&CK bundle read (file and decompressed), `None` for the library default.
    pub max_data_bytes: Option<u64>,
    /// The bearer token (none: the server is open, allowed on loopback only).
    pub token: Option<String>,
    /// What the token guards.
    pub token_for: TokenFor,
    /// Origins besides the server's own allowed to write (and to read, through CORS), e.g.
    /// `https://intranet.example.org`.
    pub allowed_origins: Vec<String>,
    /// Host names besides the served address (and, on loopback, `localhost` and loopback IPs)
    /// that requests may name in `Host`.
    pub allowed_hosts: Vec<String>,
    /// Request limits.
    pub limits: Limits,
    /// User items of the web UI's context menu (`serve --context-menu FILE`).
    pub context_menu: Vec<ContextMenuItem>,
    /// What "open from URL" may fetch (`serve --allow-private-urls`).
    pub fetch: fetch::FetchPolicy,
}

impl Config {
    /// A configuration with a database, no data, no token and the default limits.
    pub fn new(db: PathBuf) -> Config {
        Config {
            db,
            data: None,
            max_data_bytes: None,
            token: None,
            token_for: TokenFor::Writes,
            allowed_origins: Vec::new(),
            allowed_hosts: Vec::new(),
            limits: Limits::default(),
            context_menu: Vec::new(),
            fetch: fetch::FetchPolicy::default(),
        }
    }
}

/// The default database: `layers.sqlite` in the user's data folder (`~/.local/share/navlayer`
/// on Linux, `~/Library/Application Support/navlayer` on macOS, `%APPDATA%\\navlayer` on Windows).
pub fn default_db_path() -> Option<PathBuf> {
    dirs::data_dir().map(|d| d.join("navlayer").join("layers.sqlite"))
}

/// Refuses a non-loopback address without a token, and weak tokens.
pub fn check_address(addr: &SocketAddr, token: Option<&str>) -> Result<(), ServerError> {
    if let Some(t) = token {
        if t.len() < 16 || !t.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(ServerError::WeakToken);
        }
    } else if !addr.ip().is_loopback() {
        return Err(ServerError::TokenRequired { addr: *addr });
    }
    Ok(())
}

/// Serves on `listener` until Ctrl-C / SIGTERM.
pub async fn serve(listener: tokio::net::TcpListener, config: Config) -> Result<(), ServerError> {
    let local = listener.local_addr().map_err(|source| ServerError::Io {
        addr: "listener".into(),
        source,
    })?;
    check_address(&local, config.token.as_deref())?;
    let state = AppState::open_at(config, Some(local))?;
    conn::serve(listener, state, shutdown_signal())
        .await
        .map_err(|source| ServerError::Io {
            addr: local.to_string(),
            source,
        })
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}
