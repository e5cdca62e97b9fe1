//! Test support shared by navlayer-source's and the CLI's tests: a tiny HTTP server on
//! 127.0.0.1 (a std `TcpListener` thread) serving fixed replies, and small fixture bundles and
//! indexes written by the tests themselves. Nothing here contacts any other host.
#![allow(dead_code)]

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use serde_json::{json, Value};

/// What the server answers for a path.
#[derive(Clone, Debug)]
pub enum Reply {
    /// 200 with this body.
    Ok(Vec<u8>),
    /// 200 with this body, sent gzip-compressed with `Content-Encoding: gzip`.
    Gzip(Vec<u8>),
    /// This status with a short text body.
    Status(u16),
    /// 200 announcing `Content-Length: announced` but sending only `body`, then closing.
    Truncated { body: Vec<u8>, announced: usize },
}

/// A loopback HTTP/1.1 server that stops when dropped.
pub struct TestServer {
    addr: SocketAddr,
    routes: Arc<Mutex<HashMap<String, Reply>>>,
    stop: Arc<AtomicBool>,
    requests: Arc<Mutex<Vec<String>>>,
    handle: Option<JoinHandle<()>>,
}

impl TestServer {
    /// Serves `routes` (path → reply); other paths get 404.
    pub fn start(routes: Vec<(&str, Reply)>) -> TestServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let addr = listener.local_addr().expect("local addr");
        let routes: HashMap<String, Reply> = routes
            .into_iter()
            .map(|(p, r)| (p.to_string(), r))
            .collect();
        let routes = Arc::new(Mutex::new(routes));
        let stop = Arc::new(AtomicBool::new(false));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let (stop2, requests2, routes2) = (stop.clone(), requests.clone(), routes.clone());
        let handle = std::thread::spawn(move || {
            for stream in listener.incoming() {
                if stop2.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                serve(stream, &routes2, &requests2);
            }
        });
        TestServer {
            addr,
            routes,
            stop,
            requests,
            handle: Some(handle),
        }
    }

    /// `http://127.0.0.1:PORT/path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}/{}", self.addr, path.trim_start_matches('/'))
    }

    /// Adds or replaces the reply for `path` (e.g. an index naming this server's own URLs).
    pub fn set(&self, path: &str, reply: Reply) {
        if let Ok(mut r) = self.routes.lock() {
            r.insert(path.to_string(), reply);
        }
    }

    /// The paths requested so far.
    pub fn requests(&self) -> Vec<String> {
        self.requests.lock().map(|r| r.clone()).unwrap_or_default()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect(self.addr);
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

fn serve(
    mut stream: TcpStream,
    routes: &Mutex<HashMap<String, Reply>>,
    requests: &Mutex<Vec<String>>,
) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 64 * 1024 {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
    let head = String::from_utf8_lossy(&head);
    let path = head.split_whitespace().nth(1).unwrap_or("/").to_string();
    if let Ok(mut r) = requests.lock() {
        r.push(path.clone());
    }
    let reply = routes.lock().ok().and_then(|r| r.get(&path).cloned());
    let (status, body, announced, gzip) = match reply.as_ref() {
        Some(Reply::Ok(b)) => (200, b.clone(), b.len(), false),
        Some(Reply::Gzip(b)) => {
            let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            enc.write_all(b).expect("gzip");
            let gz = enc.finish().expect("gzip");
            let n = gz.len();
            (200, gz, n, true)
        }
        Some(Reply::Status(s)) => (*s, b"nope".to_vec(), 4, false),
        Some(Reply::Truncated { body, announced }) => (200, body.clone(), *announced, false),
        None => (404, b"not found".to_vec(), 9, false),
    };
    let mut reply =
        format!("HTTP/1.1 {status} X\r\nContent-Length: {announced}\r\nConnection: close\r\n");
    if gzip {
        reply.push_str("Content-Encoding: gzip\r\n");
    }
    reply.push_str("\r\n");
    let _ = stream.write_all(reply.as_bytes());
    let _ = stream.write_all(&body);
    let _ = stream.flush();
    let _ = stream.shutdown(Shutdown::Both);
}

/// A loopback URL on which nothing listens (connection refused).
pub fn refused_url(path: &str) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    drop(listener);
    format!("http://{addr}/{path}")
}

fn ext(id: &str) -> Value {
    json!([{"source_name": "mitre-attack", "external_id": id}])
}

/// A small STIX 2.1 ATT&CK bundle of `domain` (`enterprise-attack`, …) and `version`, with a
/// collection object, a matrix, two tactics, two techniques (one a sub-technique), a
/// mitigation and a `mitigates` relationship.
pub fn bundle(domain: &str, version: &str) -> Vec<u8> {
    let objects = vec![
        json!({"type": "x-mitre-collection", "id": "x-mitre-collection--1", "spec_version": "2.1",
               "name": "Test ATT&CK", "x_mitre_version": version}),
        json!({"type": "x-mitre-matrix", "id": "x-mitre-matrix--1", "spec_version": "2.1",
               "name": "Test", "external_references": ext(domain),
               "tactic_refs": ["x-mitre-tactic--2", "x-mitre-tactic--1"]}),
        json!({"type": "x-mitre-tactic", "id": "x-mitre-tactic--1", "spec_version": "2.1",
               "name": "Execution", "x_mitre_shortname": "execution", "external_references": ext("TA0002")}),
        json!({"type": "x-mitre-tactic", "id": "x-mitre-tactic--2", "spec_version": "2.1",
               "name": "Persistence", "x_mitre_shortname": "persistence", "external_references": ext("TA0003")}),
        json!({"type": "attack-pattern", "id": "attack-pattern--1", "spec_version": "2.1",
               "name": "Command Line", "external_references": ext("T1059"),
               "kill_chain_phases": [{"kill_chain_name": "mitre-attack", "phase_name": "execution"}],
               "x_mitre_platforms": ["Linux"], "x_mitre_domains": [domain]}),
        json!({"type": "attack-pattern", "id": "attack-pattern--2", "spec_version": "2.1",
               "name": "Shell", "external_references": ext("T1059.004"), "x_mitre_is_subtechnique": true,
               "kill_chain_phases": [{"kill_chain_name": "mitre-attack", "phase_name": "execution"}],
               "x_mitre_platforms": ["Linux"], "x_mitre_domains": [domain]}),
        json!({"type": "course-of-action", "id": "course-of-action--1", "spec_version": "2.1",
               "name": "Block It", "external_references": ext("M1038")}),
        json!({"type": "relationship", "id": "relationship--1", "spec_version": "2.1",
               "relationship_type": "mitigates", "source_ref": "course-of-action--1",
               "target_ref": "attack-pattern--1"}),
    ];
    let b = json!({"type": "bundle", "id": "bundle--1", "objects": objects});
    serde_json::to_vec_pretty(&b).expect("json")
}

/// A collection index in MITRE's format: `(collection name, [(version, url)])`.
pub fn index(collections: &[(&str, Vec<(&str, String)>)]) -> Vec<u8> {
    let collections: Vec<Value> = collections
        .iter()
        .enumerate()
        .map(|(i, (name, versions))| {
            let versions: Vec<Value> = versions
                .iter()
                .map(|(v, url)| json!({"version": v, "url": url, "modified": "2025-11-13T14:00:00.188Z"}))
                .collect();
            json!({"id": format!("x-mitre-collection--{i}"), "name": name, "created": "2018-01-17T12:56:55.080Z",
                   "versions": versions})
        })
        .collect();
    let i = json!({"id": "index", "name": "MITRE ATT&CK", "modified": "2025-11-13T14:00:00.188Z",
                   "collections": collections});
    serde_json::to_vec_pretty(&i).expect("json")
}

/// Every file in `dir` with its bytes, sorted (to check that a failure left it unchanged).
pub fn snapshot(dir: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = match std::fs::read_dir(dir) {
        Ok(entries) => entries
            .flatten()
            .map(|e| {
                (
                    e.file_name().to_string_lossy().into_owned(),
                    std::fs::read(e.path()).unwrap_or_default(),
                )
            })
            .collect(),
        Err(_) => Vec::new(),
    };
    out.sort();
    out
}
