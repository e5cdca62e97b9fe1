//! Generation, combine, diff and migrate: calls into navlayer-generate, navlayer-ops and
//! navlayer-migrate.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

use crate::error::ApiError;
use crate::AppState;

type St = State<Arc<AppState>>;

fn unavailable(what: &str) -> ApiError {
    ApiError::new(
        StatusCode::NOT_IMPLEMENTED,
        format!("{what} is not available in this build"),
        "",
    )
}

/// `POST /api/generate`.
pub async fn generate(State(_state): St, _body: Bytes) -> Result<Response, ApiError> {
    Err(unavailable("generation"))
}

/// `POST /api/combine`.
pub async fn combine(State(_state): St, _body: Bytes) -> Result<Response, ApiError> {
    Err(unavailable("combine"))
}

/// `POST /api/diff`.
pub async fn diff(State(_state): St, _body: Bytes) -> Result<Response, ApiError> {
    Err(unavailable("diff"))
}

/// `POST /api/migrate`.
pub async fn migrate(State(_state): St, _body: Bytes) -> Result<Response, ApiError> {
    Err(unavailable("migrate"))
}
