//! The connection loop under [`crate::serve`]: HTTP/1.1 connections served by hyper with a
//! header-read timeout ([`crate::Limits::header_timeout`]: a client sending its headers a byte
//! at a time is closed), and a connection cap ([`crate::Limits::connections`]) that keeps
//! room for new clients: when it is reached, the connection idle longest that is not being
//! served (a slow client still sending headers, or an idle keep-alive) is closed to admit the
//! new one; only when every connection is in the middle of a request is the new one refused.

use std::collections::HashMap;
use std::convert::Infallible;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::ConnectInfo;
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::sync::Notify;
use tower::ServiceExt;

use crate::router::{router, AppState};

/// How long open connections may finish their requests after a shutdown signal.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

#[derive(Debug)]
struct Conn {
    /// Requests being served on it.
    serving: usize,
    /// When it was accepted or last finished a request.
    idle_since: Instant,
    /// Closes it.
    close: Arc<Notify>,
}

/// The open connections.
#[derive(Debug, Default)]
struct Registry {
    conns: Mutex<HashMap<u64, Conn>>,
    next: Mutex<u64>,
}

impl Registry {
    /// Admits a connection, closing the longest-idle unserved one when `cap` are open. `None`
    /// when every open connection is serving a request.
    fn admit(&self, cap: usize) -> Option<(u64, Arc<Notify>)> {
        let mut conns = self.conns.lock().ok()?;
        if conns.len() >= cap.max(1) {
            let victim = conns
                .iter()
                .filter(|(_, c)| c.serving == 0)
                .min_by_key(|(_, c)| c.idle_since)
                .map(|(id, _)| *id)?;
            if let Some(c) = conns.remove(&victim) {
                c.close.notify_one();
            }
        }
        let id = {
            let mut next = self.next.lock().ok()?;
            *next += 1;
            *next
        };
        let close = Arc::new(Notify::new());
        conns.insert(
            id,
            Conn {
                serving: 0,
                idle_since: Instant::now(),
                close: close.clone(),
            },
        );
        Some((id, close))
    }

    fn started(&self, id: u64) {
        if let Some(c) = self.conns.lock().ok().as_mut().and_then(|m| m.get_mut(&id)) {
            c.serving += 1;
        }
    }

    fn finished(&self, id: u64) {
        if let Some(c) = self.conns.lock().ok().as_mut().and_then(|m| m.get_mut(&id)) {
            c.serving = c.serving.saturating_sub(1);
            c.idle_since = Instant::now();
        }
    }

    fn closed(&self, id: u64) {
        if let Ok(mut m) = self.conns.lock() {
            m.remove(&id);
        }
    }
}

/// Counts a request as being served on its connection until it is dropped (when the response
/// is sent, or the request is abandoned).
struct Serving {
    registry: Arc<Registry>,
    id: u64,
}

impl Drop for Serving {
    fn drop(&mut self) {
        self.registry.finished(self.id);
    }
}

/// Serves `listener` until `shutdown` completes, then lets open connections finish (for at
/// most [`SHUTDOWN_GRACE`]).
pub async fn serve(
    listener: TcpListener,
    state: Arc<AppState>,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let limits = state.config.limits;
    let app: Router = router(state);
    let registry = Arc::new(Registry::default());
    let graceful = GracefulShutdown::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .keep_alive(true);
    let http = Arc::new(http);
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(e) => {
                    // Out of file descriptors and the like: wait a little instead of spinning.
                    eprintln!("navlayer serve: accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let Some((id, close)) = registry.admit(limits.connections) else {
            // Every connection is being served: refuse this one (the client may retry).
            drop(stream);
            continue;
        };
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        let reg = registry.clone();
        let service = hyper::service::service_fn(move |req: hyper::Request<Incoming>| {
            reg.started(id);
            let serving = Serving {
                registry: reg.clone(),
                id,
            };
            let mut req = req.map(axum::body::Body::new);
            req.extensions_mut().insert(ConnectInfo(peer));
            let app = app.clone();
            async move {
                let resp = app.oneshot(req).await;
                drop(serving);
                resp.map_err(|e: Infallible| e)
            }
        });
        let conn = http.serve_connection(TokioIo::new(stream), service);
        let conn = graceful.watch(conn);
        let reg = registry.clone();
        tokio::spawn(async move {
            tokio::select! {
                _ = conn => {}
                () = close.notified() => {}
            }
            reg.closed(id);
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(SHUTDOWN_GRACE) => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_registry_closes_the_longest_idle_unserved_connection() {
        let r = Registry::default();
        let (a, close_a) = r.admit(3).unwrap();
        let (b, _) = r.admit(3).unwrap();
        let (c, _) = r.admit(3).unwrap();
        r.started(a);
        r.started(c);
        // Full: `b` is the only one not serving, so it goes.
        let (d, _) = r.admit(3).unwrap();
        assert!(!r.conns.lock().unwrap().contains_key(&b));
        // `d` is idle, `a` and `c` serving: `d` goes next.
        r.admit(3).unwrap();
        assert!(!r.conns.lock().unwrap().contains_key(&d));
        // Now every other connection serves a request except the newest.
        r.finished(a);
        r.started(a);
        let newest = *r.conns.lock().unwrap().keys().max().unwrap();
        r.started(newest);
        assert!(r.admit(3).is_none(), "all three are serving: refused");
        drop(close_a);
    }
}
