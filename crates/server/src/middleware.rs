//! The middleware every request passes (composed in [`crate::router::router`]): path checks,
//! the Host check (DNS rebinding), the write rules (Origin, `Sec-Fetch-Site`, content type:
//! cross-site requests), the token with a per-client back-off, the in-flight cap, the request
//! deadline, and JSON for errors produced outside the handlers.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Instant;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;
use crate::router::AppState;
use crate::support::Deadline;
use crate::TokenFor;

type St = State<Arc<AppState>>;

/// Any `..`, backslash, NUL or encoded slash in the path is refused before routing.
pub async fn check_path(req: Request, next: Next) -> Response {
    let raw = req.uri().path();
    let lower = raw.to_ascii_lowercase();
    let decoded = percent_decode(&lower);
    let bad = decoded.split('/').any(|seg| seg == ".." || seg == ".")
        || decoded.contains('\\')
        || decoded.contains('\0')
        || lower.contains("%2f")
        || lower.contains("%5c")
        || decoded.contains("/../");
    if bad {
        return ApiError::bad_request(
            "path traversal is not allowed: names may not contain '..', '/', '\\' or NUL",
            "path",
        )
        .into_response();
    }
    next.run(req).await
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let hex = std::str::from_utf8(&b[i + 1..i + 3]).ok();
            if let Some(v) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The request's deadline ([`crate::Limits::timeout`] from its arrival), for the handlers'
/// blocking work.
pub async fn deadline(State(state): St, mut req: Request, next: Next) -> Response {
    req.extensions_mut()
        .insert(Deadline(Instant::now() + state.config.limits.timeout));
    next.run(req).await
}

// ---------------------------------------------------------------- Host, Origin, content type

/// The host part of a `Host` header or an origin's authority: `localhost`, `127.0.0.1`, `::1`
/// (brackets removed), lower-cased, without the port.
fn host_name(authority: &str) -> String {
    let a = authority.trim().to_ascii_lowercase();
    if let Some(rest) = a.strip_prefix('[') {
        return rest.split(']').next().unwrap_or("").to_string();
    }
    a.rsplit_once(':')
        .filter(|(_, port)| port.bytes().all(|b| b.is_ascii_digit()))
        .map_or(a.clone(), |(h, _)| h.to_string())
}

fn is_loopback_name(host: &str) -> bool {
    host == "localhost"
        || host.ends_with(".localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// Refuses a `Host` the server does not answer to. A server on a loopback address answers to
/// loopback names only (`localhost`, `127.0.0.1`, `[::1]`) and the `--allowed-host` names, so
/// a web page whose own name resolves to 127.0.0.1 (DNS rebinding) cannot reach it. A server
/// on another address answers to any name unless `--allowed-host` lists some.
pub async fn check_host(State(state): St, req: Request, next: Next) -> Response {
    let given = req
        .headers()
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .or_else(|| req.uri().authority().map(|a| a.as_str()));
    let Some(given) = given else {
        return next.run(req).await;
    };
    let host = host_name(given);
    let allowed = &state.config.allowed_hosts;
    let ok = allowed.iter().any(|a| host_name(a) == host)
        || match state.served {
            Some(addr) if addr.ip().is_loopback() => is_loopback_name(&host),
            Some(addr) => allowed.is_empty() || host_name(&addr.ip().to_string()) == host,
            // Not on a listener (tests driving the router directly): loopback rules.
            None => is_loopback_name(&host),
        };
    if !ok {
        return ApiError::new(
            StatusCode::FORBIDDEN,
            format!(
                "this server does not answer to the host {:?} (a web page reaching it through DNS rebinding?); start it with --allowed-host {host} to allow that name",
                crate::support::shorten(given)
            ),
            "header:Host",
        )
        .into_response();
    }
    next.run(req).await
}

fn is_write(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// The origin of this server as a browser names it: `http://` and the `Host` header.
fn own_origin(headers: &HeaderMap) -> Option<String> {
    let host = headers.get(header::HOST)?.to_str().ok()?;
    Some(format!("http://{}", host.trim().to_ascii_lowercase()))
}

/// The rules for writes (POST, PUT, DELETE, …), against cross-site requests from web pages:
/// * an `Origin` header, when sent, must be this server's own origin or one of
///   `--allowed-origin` (browsers send it on every cross-site and same-site write);
/// * `Sec-Fetch-Site: cross-site` is refused unless the origin is allowed;
/// * POST and PUT bodies must be `application/json` (uploads to `/api/import` may be
///   `multipart/form-data`): a page can send `text/plain` or a form without asking, JSON only
///   after a CORS preflight this server does not grant to other origins.
pub async fn check_write(State(state): St, req: Request, next: Next) -> Response {
    if !is_write(req.method()) {
        return next.run(req).await;
    }
    let headers = req.headers();
    let origin = headers
        .get(header::ORIGIN)
        .map(|v| v.to_str().unwrap_or("").trim().to_ascii_lowercase());
    let allowed_origin = |o: &str| {
        own_origin(headers).is_some_and(|own| own == o)
            || state
                .config
                .allowed_origins
                .iter()
                .any(|a| a.trim_end_matches('/').eq_ignore_ascii_case(o))
    };
    if let Some(o) = &origin {
        if !allowed_origin(o) {
            return ApiError::new(
                StatusCode::FORBIDDEN,
                format!(
                    "writes from the origin {:?} are not allowed (a web page on another site?); start the server with --allowed-origin {o} to allow it",
                    crate::support::shorten(o)
                ),
                "header:Origin",
            )
            .into_response();
        }
    }
    let cross_site = headers
        .get("sec-fetch-site")
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"cross-site"));
    if cross_site && !origin.as_deref().is_some_and(allowed_origin) {
        return ApiError::new(
            StatusCode::FORBIDDEN,
            "cross-site writes are not allowed (Sec-Fetch-Site: cross-site); start the server with --allowed-origin ORIGIN to allow a site",
            "header:Sec-Fetch-Site",
        )
        .into_response();
    }
    if matches!(*req.method(), Method::POST | Method::PUT) {
        let ct = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let essence = ct
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        let upload = req.uri().path() == "/api/import" && essence == "multipart/form-data";
        if essence != "application/json" && !upload {
            return ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                format!(
                    "writes need `Content-Type: application/json`{}, not {:?}",
                    if req.uri().path() == "/api/import" {
                        " (or multipart/form-data for a file upload)"
                    } else {
                        ""
                    },
                    crate::support::shorten(ct)
                ),
                "header:Content-Type",
            )
            .into_response();
        }
    }
    next.run(req).await
}

// ---------------------------------------------------------------- the token

/// The client a request comes from (its IP; one shared key for requests not from a socket).
fn client(req: &Request) -> IpAddr {
    req.extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |c| c.0.ip())
}

/// Paths open without a token whatever it guards: the health check, and the UI's static files
/// and the API description (they hold no data).
fn always_open(path: &str) -> bool {
    matches!(path, "/api/health" | "/" | "/api/openapi.json") || path.starts_with("/assets/")
}

/// With a token: writes (or, with `--token-for reads`, every API request) need
/// `Authorization: Bearer TOKEN`. A client that keeps sending wrong tokens is made to wait
/// (429 with `Retry-After`, doubling per failure, up to a minute) before its next try is even
/// checked.
pub async fn auth(State(state): St, req: Request, next: Next) -> Response {
    let Some(token) = state.config.token.as_deref() else {
        return next.run(req).await;
    };
    let guarded = match state.config.token_for {
        TokenFor::Writes => is_write(req.method()),
        TokenFor::Reads => !always_open(req.uri().path()),
    };
    if !guarded {
        return next.run(req).await;
    }
    let who = client(&req);
    if let Err(wait) = state.backoff.check(who) {
        let mut e = ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            format!(
                "too many wrong tokens from this client: wait {} s before trying again",
                wait.as_secs().max(1)
            ),
            "header:Authorization",
        );
        e.retry_after = Some(wait.as_secs().max(1));
        return e.into_response();
    }
    let given = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    let ok = given.is_some_and(|g| constant_time_eq(g.as_bytes(), token.as_bytes()));
    if !ok {
        let msg = if given.is_some() {
            state.backoff.failed(who);
            "the bearer token is wrong"
        } else if state.config.token_for == TokenFor::Reads {
            "this server needs a token: send `Authorization: Bearer TOKEN` (the token the server was started with)"
        } else {
            "writes need a token: send `Authorization: Bearer TOKEN` (the token the server was started with)"
        };
        return ApiError::new(StatusCode::UNAUTHORIZED, msg, "header:Authorization")
            .into_response();
    }
    state.backoff.succeeded(who);
    next.run(req).await
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

// ---------------------------------------------------------------- load

/// At most [`crate::Limits::in_flight`] requests are served at once; past it a request gets 503
/// with `Retry-After: 1` at once (shed, not queued). `/api/health` is routed outside this.
pub async fn in_flight(State(state): St, req: Request, next: Next) -> Response {
    let Ok(permit) = state.in_flight.clone().try_acquire_owned() else {
        let mut e = ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            format!(
                "the server is serving {} requests already; try again in a moment",
                state.config.limits.in_flight
            ),
            "",
        );
        e.retry_after = Some(1);
        return e.into_response();
    };
    let resp = next.run(req).await;
    drop(permit);
    resp
}

// ---------------------------------------------------------------- errors

/// Errors produced outside the handlers (unknown route, wrong method, body too large, bad
/// path parameter, timeout) are turned into the same JSON as the others.
pub async fn json_errors(req: Request, next: Next) -> Response {
    let resp = next.run(req).await;
    let status = resp.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return resp;
    }
    let is_json = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if is_json {
        return resp;
    }
    let (parts, body) = resp.into_parts();
    let text = axum::body::to_bytes(body, 64 * 1024)
        .await
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
    let message = if status == StatusCode::PAYLOAD_TOO_LARGE {
        "the request body is larger than this server accepts (--max-body)".to_string()
    } else if status == StatusCode::METHOD_NOT_ALLOWED {
        "this method is not allowed on this path (see /api/openapi.json)".to_string()
    } else if status == StatusCode::SERVICE_UNAVAILABLE && text.is_empty() {
        "the request took longer than this server allows (--timeout); nothing was changed"
            .to_string()
    } else if text.is_empty() {
        status.canonical_reason().unwrap_or("error").to_string()
    } else {
        text
    };
    let mut err = ApiError::new(status, message, "");
    if status == StatusCode::SERVICE_UNAVAILABLE {
        err.retry_after = Some(1);
    }
    let mut err = err.into_response();
    if let Some(allow) = parts.headers.get(header::ALLOW) {
        err.headers_mut().insert(header::ALLOW, allow.clone());
    }
    err
}

/// 404 for a path no route serves.
pub async fn not_found(req: Request) -> ApiError {
    ApiError::not_found(
        format!(
            "no route for {} {} (see /api/openapi.json)",
            req.method(),
            crate::support::shorten(req.uri().path())
        ),
        "path",
    )
}
