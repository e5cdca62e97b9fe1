//! Test support: a router over a temporary SQLite file and the real ATT&CK data.

#![allow(dead_code)]

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Method, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use navlayer_server::{AppState, Config, Limits};
use serde_json::Value;
use tower::ServiceExt;

/// A server over a temporary database.
pub struct TestServer {
    pub dir: tempfile::TempDir,
    pub state: Arc<AppState>,
    pub router: Router,
}

/// A response.
pub struct Resp {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Resp {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "not JSON ({e}): {}",
                String::from_utf8_lossy(&self.body[..self.body.len().min(400)])
            )
        })
    }
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    pub fn header(&self, name: &str) -> String {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    }
    /// Asserts a JSON error of this status with a message and a pointer.
    pub fn assert_error(&self, status: StatusCode) -> Value {
        assert_eq!(self.status, status, "body: {}", self.text());
        assert!(
            self.header("content-type").starts_with("application/json"),
            "error is not JSON: {:?}",
            self.headers
        );
        let v = self.json();
        assert_eq!(v["status"], status.as_u16());
        assert!(
            v["message"].as_str().is_some_and(|m| !m.is_empty()),
            "no message: {v}"
        );
        assert!(v["pointer"].is_string(), "no pointer: {v}");
        v
    }
}

pub fn server_with(configure: impl FnOnce(&mut Config)) -> TestServer {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut config = Config::new(dir.path().join("layers.sqlite"));
    config.data = Some(navlayer_testdata::attack_data_dir());
    config.limits = Limits::default();
    configure(&mut config);
    let state = AppState::open(config).expect("open the store");
    let router = navlayer_server::router(state.clone());
    TestServer { dir, state, router }
}

pub fn server() -> TestServer {
    server_with(|_| {})
}

impl TestServer {
    /// A request as the web UI sends it: POST and PUT get `Content-Type: application/json`
    /// unless `headers` name one.
    pub async fn call(
        &self,
        method: Method,
        uri: &str,
        body: impl Into<Body>,
        headers: &[(&str, &str)],
    ) -> Resp {
        let mut all: Vec<(&str, &str)> = headers.to_vec();
        let typed = headers
            .iter()
            .any(|(k, _)| k.eq_ignore_ascii_case("content-type"));
        if !typed && (method == Method::POST || method == Method::PUT) {
            all.push(("content-type", "application/json"));
        }
        self.call_raw(method, uri, body, &all).await
    }

    /// A request with exactly these headers.
    pub async fn call_raw(
        &self,
        method: Method,
        uri: &str,
        body: impl Into<Body>,
        headers: &[(&str, &str)],
    ) -> Resp {
        self.call_from(None, method, uri, body, headers).await
    }

    /// A request with exactly these headers, as from the client `peer` (what the server's
    /// connection loop records for a real socket).
    pub async fn call_from(
        &self,
        peer: Option<std::net::SocketAddr>,
        method: Method,
        uri: &str,
        body: impl Into<Body>,
        headers: &[(&str, &str)],
    ) -> Resp {
        let mut req = Request::builder().method(method).uri(uri);
        if let Some(p) = peer {
            req = req.extension(axum::extract::ConnectInfo(p));
        }
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let req = req.body(body.into()).expect("request");
        let resp = self.router.clone().oneshot(req).await.expect("infallible");
        let (parts, body) = resp.into_parts();
        let body = body.collect().await.expect("body").to_bytes();
        Resp {
            status: parts.status,
            headers: parts.headers,
            body,
        }
    }

    pub async fn get(&self, uri: &str) -> Resp {
        self.call(Method::GET, uri, Body::empty(), &[]).await
    }

    pub async fn post_json(&self, uri: &str, body: &Value) -> Resp {
        self.call(
            Method::POST,
            uri,
            body.to_string(),
            &[("content-type", "application/json")],
        )
        .await
    }

    pub async fn put_json(&self, uri: &str, body: &Value, if_match: Option<&str>) -> Resp {
        let mut h = vec![("content-type", "application/json")];
        if let Some(m) = if_match {
            h.push(("if-match", m));
        }
        self.call(Method::PUT, uri, body.to_string(), &h).await
    }
}

/// A small layer of format 4.5 on enterprise ATT&CK 18.
pub fn layer(name: &str) -> Value {
    serde_json::json!({
        "name": name,
        "versions": {"attack": "18", "navigator": "5.1.0", "layer": "4.5"},
        "domain": "enterprise-attack",
        "description": "test layer",
        "techniques": [
            {"techniqueID": "T1059", "tactic": "execution", "score": 3, "comment": "<script>alert(1)</script>"},
            {"techniqueID": "T1059.001", "tactic": "execution", "score": 50, "color": "#ff0000"}
        ],
        "gradient": {"colors": ["#ffffff", "#ff6666"], "minValue": 0, "maxValue": 100}
    })
}
