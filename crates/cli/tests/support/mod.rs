//! Shared by the suites that run the release binary (`hostile_suite.rs`, `soak.rs`): the binary,
//! `wait4` with resource usage, a minimal HTTP/1.1 client, and a server started on a free
//! loopback port.

#![allow(dead_code)]

use std::fs::File;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The binary under test: `NAVLAYER_BIN` (scripts/test sets the release build), else this
/// build's.
pub fn bin() -> PathBuf {
    std::env::var_os("NAVLAYER_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_navlayer")))
}

pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The ATT&CK data the suites run against: enterprise 18.1 (every command loads it).
pub fn data_dir(dir: &Path) -> PathBuf {
    let d = dir.join("data");
    std::fs::create_dir_all(&d).unwrap();
    let src = navlayer_testdata::bundle_path("enterprise-attack-18.1.json");
    let dst = d.join("enterprise-attack-18.1.json");
    if std::fs::hard_link(&src, &dst).is_err() {
        std::fs::copy(&src, &dst).unwrap();
    }
    d
}

/// Enterprise 18.1 with what layer commands read (the matrix, tactics, techniques and
/// sub-technique relationships, the collection) and without groups, software, mitigations,
/// campaigns and their relationships: the real techniques and tactics, loaded in a tenth of the
/// time, for suites that run hundreds of commands.
pub fn layer_data_dir(dir: &Path) -> PathBuf {
    let d = dir.join("layer-data");
    std::fs::create_dir_all(&d).unwrap();
    let src = navlayer_testdata::bundle_path("enterprise-attack-18.1.json");
    let mut bundle: serde_json::Value =
        serde_json::from_slice(&std::fs::read(src).unwrap()).unwrap();
    let keep = |o: &serde_json::Value| match o["type"].as_str().unwrap_or("") {
        "x-mitre-matrix" | "x-mitre-tactic" | "x-mitre-collection" | "attack-pattern"
        | "identity" | "marking-definition" => true,
        "relationship" => o["relationship_type"] == "subtechnique-of",
        _ => false,
    };
    if let Some(objects) = bundle["objects"].as_array_mut() {
        objects.retain(keep);
    }
    std::fs::write(
        d.join("enterprise-attack-18.1.json"),
        serde_json::to_vec(&bundle).unwrap(),
    )
    .unwrap();
    d
}

/// `wait4(pid)`: the raw status and the peak RSS in KiB.
pub fn wait4(pid: i32) -> (i32, i64) {
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value; wait4 fills it for the child it reaps.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: pid is our own child, status and usage point to live locals.
    let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(r, pid, "wait4 failed");
    (status, usage.ru_maxrss)
}

/// A response: status (0 when the server did not answer) and body.
pub struct Reply {
    pub status: u16,
    pub body: Vec<u8>,
}

/// One HTTP/1.1 request on a new connection.
pub fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    body: &[u8],
    headers: &[(&str, &str)],
) -> Reply {
    let Ok(mut c) = TcpStream::connect(addr) else {
        return Reply {
            status: 0,
            body: Vec::new(),
        };
    };
    c.set_read_timeout(Some(Duration::from_secs(120))).unwrap();
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\nContent-Length: {}\r\n",
        addr.port(),
        body.len()
    );
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    // The server may refuse a body it will not read (413) and close: read what it said.
    let _ = c.write_all(head.as_bytes()).and_then(|_| c.write_all(body));
    let mut resp = Vec::new();
    let _ = c.read_to_end(&mut resp);
    let status = String::from_utf8_lossy(&resp[..resp.len().min(64)])
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = match resp.windows(4).position(|w| w == b"\r\n\r\n") {
        Some(i) => resp[i + 4..].to_vec(),
        None => Vec::new(),
    };
    Reply { status, body }
}

/// [`request`], the status only.
pub fn http(
    addr: SocketAddr,
    method: &str,
    path: &str,
    body: &[u8],
    headers: &[(&str, &str)],
) -> u16 {
    request(addr, method, path, body, headers).status
}

/// `Content-Type: application/json`.
pub const JSON: (&str, &str) = ("Content-Type", "application/json");

/// Starts `navlayer serve` on a free loopback port; `extra` are more serve options. The caller
/// stops it and reaps it with [`wait4`].
#[allow(clippy::zombie_processes)]
pub fn start_server(
    data: &str,
    db: &Path,
    scratch: &Path,
    extra: &[&str],
) -> (std::process::Child, SocketAddr) {
    let log = scratch.join("server.log");
    let child = Command::new(bin())
        .args(["--data", data, "serve", "--addr", "127.0.0.1:0", "--db"])
        .arg(db)
        .args(extra)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(File::create(&log).unwrap())
        .spawn()
        .unwrap();
    let start = Instant::now();
    loop {
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        // The line may be read while it is being written: wait for the `/` after the address.
        let announced = text.split("http://").nth(1).and_then(|r| r.split_once('/'));
        if let Some((addr, _)) = announced {
            return (child, addr.parse().unwrap());
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "server did not start: {text}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}
