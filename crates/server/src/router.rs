//! The shared state, [`router`] (every route, from the `routes` modules), and the order of the
//! middleware every request passes.
//!
//! Adding a resource: write `routes/NAME.rs` with `pub fn routes() -> Router<Arc<AppState>>`
//! (handlers use [`crate::support`] for keys, responses, the blocking pool and the store), add
//! `.merge(routes::NAME::routes())` below, and document the paths in `assets/openapi.json`
//! (the test `openapi_lists_every_route_and_only_routes` reads the `routes/` files).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::DefaultBodyLimit;
use axum::http::{header, HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::get;
use axum::Router;
use tokio::sync::Semaphore;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::backoff::Backoff;
use crate::catalogues::Catalogues;
use crate::error::ServerError;
use crate::middleware;
use crate::render::RenderCache;
use crate::routes;
use crate::store::Store;
use crate::support::WorkPool;
use crate::Config;

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
    pub render_cache: RenderCache,
    /// The bounded blocking pool (see [`crate::support::blocking`]).
    pub work: WorkPool,
    /// Requests being served (see [`crate::Limits::in_flight`]).
    pub in_flight: Arc<Semaphore>,
    /// Failed token attempts per client.
    pub backoff: Backoff,
    /// The address served (`None` when the router is driven without a listener).
    pub served: Option<SocketAddr>,
    /// The database's schema version, read at start (the health check answers from memory).
    pub schema_version: i64,
}

impl AppState {
    /// Opens the store and prepares the catalogues.
    pub fn open(config: Config) -> Result<Arc<AppState>, ServerError> {
        AppState::open_at(config, None)
    }

    /// [`AppState::open`] for a server listening on `served`.
    pub fn open_at(
        config: Config,
        served: Option<SocketAddr>,
    ) -> Result<Arc<AppState>, ServerError> {
        let store = Arc::new(Store::open(&config.db)?);
        let schema_version = store.schema_version()?;
        let limits = config.limits;
        Ok(Arc::new(AppState {
            store,
            catalogues: Catalogues::new(config.data.clone(), config.max_data_bytes, limits.timeout),
            render_cache: RenderCache::new(limits.render_cache_bytes),
            work: WorkPool::new(limits.work),
            in_flight: Arc::new(Semaphore::new(limits.in_flight.max(1))),
            backoff: Backoff::default(),
            served,
            schema_version,
            config,
        }))
    }
}

/// How long after a request's deadline the last-resort timeout fires. The handlers give up at
/// the deadline and store writes commit only before it, so what this cuts off has written
/// nothing.
const TIMEOUT_GRACE: Duration = Duration::from_secs(1);

/// Every route of the server: the UI, the API, and the middleware.
///
/// From the outside in: request ID (`x-request-id`, set when missing and echoed), tracing,
/// CORS (only for `--allowed-origin`s), the Host check, path checks, the deadline, JSON errors;
/// then, for everything but `/api/health`: the in-flight cap, the write rules, the token, the
/// body limit and a last-resort timeout a little past the deadline (the handlers give up at the
/// deadline themselves).
pub fn router(state: Arc<AppState>) -> Router {
    let limits = state.config.limits;
    let api = Router::new()
        .merge(routes::layers::routes())
        .merge(routes::releases::routes())
        .merge(routes::ops::routes())
        .merge(routes::render::routes())
        .merge(routes::coverage::routes())
        .merge(routes::ui::routes())
        .fallback(middleware::not_found)
        .layer(DefaultBodyLimit::max(limits.body_bytes))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            limits.timeout + TIMEOUT_GRACE,
        ))
        .layer(from_fn_with_state(state.clone(), middleware::auth))
        .layer(from_fn_with_state(state.clone(), middleware::check_write))
        .layer(from_fn_with_state(state.clone(), middleware::in_flight));
    let health = Router::new().route("/api/health", get(routes::ui::health));
    let mut app = health
        .merge(api)
        .layer(from_fn(middleware::json_errors))
        .layer(from_fn_with_state(state.clone(), middleware::deadline))
        .layer(from_fn(middleware::check_path))
        .layer(from_fn_with_state(state.clone(), middleware::check_host));
    if let Some(cors) = cors(&state.config.allowed_origins) {
        app = app.layer(cors);
    }
    app.layer(TraceLayer::new_for_http())
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .with_state(state)
}

/// CORS for the `--allowed-origin`s: their pages may call the API (with the token when one is
/// set). No other origin gets CORS headers, so browsers keep other sites' JSON requests out.
fn cors(origins: &[String]) -> Option<CorsLayer> {
    let list: Vec<HeaderValue> = origins
        .iter()
        .filter_map(|o| HeaderValue::from_str(o.trim_end_matches('/')).ok())
        .collect();
    if list.is_empty() {
        return None;
    }
    Some(
        CorsLayer::new()
            .allow_origin(AllowOrigin::list(list))
            .allow_methods([Method::GET, Method::POST, Method::PUT, Method::DELETE])
            .allow_headers([
                header::CONTENT_TYPE,
                header::AUTHORIZATION,
                header::IF_MATCH,
            ])
            .expose_headers([
                header::ETAG,
                HeaderName::from_static("x-revision"),
                HeaderName::from_static("x-request-id"),
            ])
            .max_age(Duration::from_secs(600)),
    )
}
