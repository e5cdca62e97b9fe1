//! Errors: the crate's error enum, and the JSON error every failed request gets.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::store::StoreError;

/// Errors starting the server.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// The store could not be opened.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Listening on a non-loopback address without a token.
    #[error("{addr} is not a loopback address: pass --token TOKEN (every write then needs `Authorization: Bearer TOKEN`), or bind to 127.0.0.1")]
    TokenRequired {
        /// The address.
        addr: std::net::SocketAddr,
    },
    /// The token is unusable.
    #[error("the token must be at least 16 printable ASCII characters without spaces")]
    WeakToken,
    /// Binding or serving failed.
    #[error("{addr}: {source}")]
    Io {
        /// The address.
        addr: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
}

/// An HTTP error, sent as `{"status": 404, "message": "…", "pointer": "…"}`.
///
/// `pointer` locates the problem: a JSON pointer into the request body (`/techniques/3/score`),
/// or `path:NAME` / `query:NAME` / `header:NAME` for a part of the request; empty when the whole
/// request is at fault.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ApiError {
    /// HTTP status.
    #[serde(serialize_with = "status_code")]
    pub status: StatusCode,
    /// What went wrong, with a hint.
    pub message: String,
    /// Where.
    pub pointer: String,
    /// For 409: the current revision of the layer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_revision: Option<i64>,
    /// For 429 and 503: seconds to wait before trying again (sent as `Retry-After`).
    #[serde(skip)]
    pub retry_after: Option<u64>,
    /// More about the error, when there is more than a message (the report of a coverage run
    /// whose input files failed to parse).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub details: Option<Box<serde_json::Value>>,
}

fn status_code<S: serde::Serializer>(s: &StatusCode, ser: S) -> Result<S::Ok, S::Error> {
    ser.serialize_u16(s.as_u16())
}

impl ApiError {
    /// An error with a status, message and pointer.
    pub fn new(status: StatusCode, message: impl Into<String>, pointer: impl Into<String>) -> Self {
        ApiError {
            status,
            message: message.into(),
            pointer: pointer.into(),
            current_revision: None,
            retry_after: None,
            details: None,
        }
    }

    /// 400.
    pub fn bad_request(message: impl Into<String>, pointer: impl Into<String>) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, message, pointer)
    }

    /// 422: well-formed but unusable content.
    pub fn unprocessable(message: impl Into<String>, pointer: impl Into<String>) -> Self {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, message, pointer)
    }

    /// 404.
    pub fn not_found(message: impl Into<String>, pointer: impl Into<String>) -> Self {
        ApiError::new(StatusCode::NOT_FOUND, message, pointer)
    }

    /// 500 (the message is logged, a generic one is sent).
    pub fn internal(message: impl std::fmt::Display) -> Self {
        eprintln!("navlayer serve: internal error: {message}");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal error (see the server log)",
            "",
        )
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match &e {
            StoreError::NotFound { .. } => ApiError::not_found(e.to_string(), "path:key"),
            StoreError::NoRevision { .. } => ApiError::not_found(e.to_string(), "path:revision"),
            StoreError::Exists { .. } => {
                ApiError::new(StatusCode::CONFLICT, e.to_string(), "query:key")
            }
            StoreError::Conflict { current, .. } => ApiError {
                current_revision: Some(*current),
                ..ApiError::new(StatusCode::CONFLICT, e.to_string(), "header:If-Match")
            },
            StoreError::NoFreeKey { .. } => {
                ApiError::new(StatusCode::CONFLICT, e.to_string(), "query:key")
            }
            StoreError::Deadline => ApiError {
                retry_after: Some(1),
                ..ApiError::new(StatusCode::SERVICE_UNAVAILABLE, e.to_string(), "")
            },
            _ => ApiError::internal(e),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::to_vec(&self).unwrap_or_default();
        let mut resp = (self.status, body).into_response();
        resp.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        if let Some(secs) = self.retry_after {
            resp.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        if self.status == StatusCode::UNAUTHORIZED {
            resp.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"navlayer\""),
            );
        }
        resp
    }
}

/// 404 for an ATT&CK ID the catalogue does not hold, with the closest IDs as a hint.
pub(crate) fn unknown_id(cat: &navlayer_attack::Catalogue, id: &str, pointer: &str) -> ApiError {
    let hint = cat.suggest(id, 3);
    ApiError::not_found(
        format!(
            "{id} is not in {} {}{}",
            cat.domain(),
            cat.release(),
            if hint.is_empty() {
                String::new()
            } else {
                format!(" (did you mean {}?)", hint.join(", "))
            }
        ),
        pointer,
    )
}
