//! Durability: the server process is killed with SIGKILL in the middle of a stream of writes; after
//! a restart every acknowledged write is there and the database passes `PRAGMA integrity_check`.
//!
//! The server runs in a child process: this test binary re-runs itself with the ignored test
//! `child_server`, which serves until it is killed.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use navlayer_server::{Config, Store};
use serde_json::json;

const CHILD_DB: &str = "NAVLAYER_TEST_CHILD_DB";
const CHILD_PORT_FILE: &str = "NAVLAYER_TEST_CHILD_PORT_FILE";

/// Not a test of its own: the server process of `acknowledged_writes_survive_sigkill`.
#[test]
#[ignore = "run by acknowledged_writes_survive_sigkill in a child process"]
fn child_server() {
    let (Some(db), Some(port_file)) = (
        std::env::var_os(CHILD_DB),
        std::env::var_os(CHILD_PORT_FILE),
    ) else {
        return;
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let tmp = PathBuf::from(&port_file).with_extension("tmp");
        std::fs::write(&tmp, port.to_string()).unwrap();
        std::fs::rename(&tmp, &port_file).unwrap();
        navlayer_server::serve(listener, Config::new(PathBuf::from(db)))
            .await
            .unwrap();
    });
}

// The caller kills the child and waits for it.
#[allow(clippy::zombie_processes)]
fn start_child(db: &Path, dir: &Path) -> (Child, u16) {
    let port_file = dir.join("port");
    let _ = std::fs::remove_file(&port_file);
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "--ignored",
            "--exact",
            "child_server",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_DB, db)
        .env(CHILD_PORT_FILE, &port_file)
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start the server process");
    let start = Instant::now();
    loop {
        if let Ok(text) = std::fs::read_to_string(&port_file) {
            if let Ok(port) = text.trim().parse() {
                return (child, port);
            }
        }
        if start.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the server did not start");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// One HTTP/1.1 request; `Some((status, body))` only when the whole response arrived.
fn request(
    port: u16,
    method: &str,
    path: &str,
    headers: &str,
    body: &str,
) -> Option<(u16, String)> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(20))).ok()?;
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: application/json\r\n{headers}Content-Length: {}\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).ok()?;
    let mut out = Vec::new();
    s.read_to_end(&mut out).ok()?;
    let text = String::from_utf8_lossy(&out).into_owned();
    let (head, body) = text.split_once("\r\n\r\n")?;
    let status: u16 = head.split(' ').nth(1)?.parse().ok()?;
    // Complete only when the declared length arrived.
    let len: usize = head
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case("content-length")
                .then(|| v.trim().parse().ok())?
        })
        .unwrap_or(body.len());
    (body.len() >= len).then(|| (status, body.to_string()))
}

fn layer(name: &str, score: usize) -> String {
    json!({
        "name": name,
        "versions": {"layer": "4.5", "attack": "18"},
        "domain": "enterprise-attack",
        "techniques": [{"techniqueID": "T1059", "score": score, "comment": format!("{name} write {score}")}],
    })
    .to_string()
}

/// What the server acknowledged: (key, revision, score).
type Acked = Arc<Mutex<Vec<(String, i64, usize)>>>;

fn writer(port: u16, key: String, acked: Acked, stop: Arc<AtomicBool>) {
    let mut revision: Option<i64> = None;
    let mut i = 0usize;
    while !stop.load(Ordering::SeqCst) {
        i += 1;
        let body = layer(&key, i);
        let resp = match revision {
            None => request(port, "POST", &format!("/api/layers?key={key}"), "", &body),
            Some(r) => request(
                port,
                "PUT",
                &format!("/api/layers/{key}"),
                &format!("If-Match: \"{r}\"\r\n"),
                &body,
            ),
        };
        let Some((status, text)) = resp else {
            return; // the server is gone: this write was not acknowledged
        };
        assert!(status == 200 || status == 201, "{status}: {text}");
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        let rev = v["revision"].as_i64().unwrap();
        acked.lock().unwrap().push((key.clone(), rev, i));
        revision = Some(rev);
    }
}

#[test]
fn acknowledged_writes_survive_sigkill() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("layers.sqlite");
    let (mut child, port) = start_child(&db, dir.path());

    let acked: Acked = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let writers: Vec<_> = (0..4)
        .map(|n| {
            let (acked, stop) = (acked.clone(), stop.clone());
            std::thread::spawn(move || writer(port, format!("layer-{n}"), acked, stop))
        })
        .collect();
    // Kill once a good number of writes went through, while the writers are still going.
    let start = Instant::now();
    while acked.lock().unwrap().len() < 200 && start.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().expect("SIGKILL the server");
    let _ = child.wait();
    stop.store(true, Ordering::SeqCst);
    for w in writers {
        w.join().expect("writer thread");
    }
    let acked = acked.lock().unwrap().clone();
    assert!(
        acked.len() >= 200,
        "only {} writes before the kill",
        acked.len()
    );

    // Restart on the same file: every acknowledged revision is there with its content.
    let (mut child, port) = start_child(&db, dir.path());
    for (key, rev, score) in &acked {
        let (status, body) = request(
            port,
            "GET",
            &format!("/api/layers/{key}/revisions/{rev}"),
            "",
            "",
        )
        .expect("the restarted server answers");
        assert_eq!(status, 200, "{key} revision {rev} lost: {body}");
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(v["techniques"][0]["score"], *score, "{key} revision {rev}");
    }
    // The newest revision of each layer is at least the last acknowledged one, and the chain has
    // no gaps.
    for n in 0..4 {
        let key = format!("layer-{n}");
        let last = acked
            .iter()
            .filter(|a| a.0 == key)
            .map(|a| a.1)
            .max()
            .unwrap_or(0);
        let (_, body) =
            request(port, "GET", &format!("/api/layers/{key}/revisions"), "", "").unwrap();
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        let revs: Vec<i64> = v["revisions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["revision"].as_i64().unwrap())
            .collect();
        assert!(
            revs[0] >= last,
            "{key}: newest {} < acknowledged {last}",
            revs[0]
        );
        assert_eq!(
            revs,
            (1..=revs[0]).rev().collect::<Vec<_>>(),
            "{key}: gaps in {revs:?}"
        );
    }
    child.kill().unwrap();
    let _ = child.wait();

    let store = Store::open(&db).unwrap();
    assert_eq!(store.integrity_check().unwrap(), "ok");
    assert_eq!(store.journal_mode().unwrap(), "wal");
}
