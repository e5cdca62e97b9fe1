//! # navlayer-server
//!
//! `navlayer serve`: an HTTP API over the navlayer libraries, layers kept in an SQLite file with
//! every revision, and a web matrix editor (plain HTML/CSS/JS embedded in the binary).
//!
//! The server adds no logic of its own: reading, validating, generating, combining, diffing,
//! migrating and rendering layers are calls into the library crates.
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

mod api;
mod catalogues;
mod error;
pub mod fetch;
pub mod layers;
pub mod multiselect;
mod ops;
pub mod render;
pub mod store;
mod ui;
mod view;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

pub use api::router;
pub use catalogues::Catalogues;
pub use error::{ApiError, ServerError};
pub use store::{Store, StoreError};
pub use ui::{parse_context_menu, ContextMenuItem};

/// Request limits.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest request body, in bytes.
    pub body_bytes: usize,
    /// Most technique entries in one layer.
    pub entries: usize,
    /// Longest a request may take.
    pub timeout: Duration,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            body_bytes: 16 * 1024 * 1024,
            entries: 50_000,
            timeout: Duration::from_secs(30),
        }
    }
}

/// Everything the server needs.
#[derive(Debug, Clone)]
pub struct Config {
    /// The SQLite database file (created when missing).
    pub db: PathBuf,
    /// ATT&CK data: a bundle file or a folder of `<domain>-attack-<X.Y>.json` files.
    pub data: Option<PathBuf>,
    /// The bearer token writes need (none: writes are open, allowed on loopback only).
    pub token: Option<String>,
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
            token: None,
            limits: Limits::default(),
            context_menu: Vec::new(),
            fetch: fetch::FetchPolicy::default(),
        }
    }
}

/// Shared state of a running server.
#[derive(Debug)]
pub struct AppState {
    /// The layer store.
    pub store: Arc<Store>,
    /// The ATT&CK releases found in `--data`.
    pub catalogues: Catalogues,
    /// The configuration.
    pub config: Config,
    /// Rendered revisions.
    pub render_cache: render::RenderCache,
    /// The search & multiselect lists of each release, prepared on first use.
    pub multiselect: multiselect::Cache,
}

impl AppState {
    /// Opens the store and prepares the catalogues.
    pub fn open(config: Config) -> Result<Arc<AppState>, ServerError> {
        let store = Arc::new(Store::open(&config.db)?);
        Ok(Arc::new(AppState {
            store,
            catalogues: Catalogues::new(config.data.clone()),
            config,
            render_cache: render::RenderCache::default(),
            multiselect: multiselect::Cache::default(),
        }))
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
    let addr = listener
        .local_addr()
        .map(|a| a.to_string())
        .unwrap_or_default();
    if let Ok(a) = listener.local_addr() {
        check_address(&a, config.token.as_deref())?;
    }
    let state = AppState::open(config)?;
    let app = router(state);
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await
        .map_err(|source| ServerError::Io { addr, source })
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
