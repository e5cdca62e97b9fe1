//! The soak (issue 9): `navlayer serve` (the release binary) on a loopback port for a bounded
//! time (`SOAK_SECONDS`, default 60) under a mix of readers, writers, renderers, hostile bodies
//! and slow clients, with a health probe every 100 ms.
//!
//! Asserted: no 5xx but explicit 503 (overload, with `Retry-After`); every health probe answered
//! within 100 ms; nothing lost (every acknowledged write reads back as written, and the database
//! passes `PRAGMA integrity_check` through the server's own store afterwards). The figures are
//! printed for BENCHMARKS.md. Run by `bench/soak.sh` (and scripts/test): ignored in `cargo test`.

use std::collections::BTreeMap;
use std::io::Write;
use std::net::TcpStream;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

mod support;
use support::{data_dir, repo, request, start_server, wait4, JSON};

#[derive(Default)]
struct Stats {
    /// Per kind of request: latencies in ms.
    latencies: BTreeMap<&'static str, Vec<f64>>,
    /// Per status code.
    statuses: BTreeMap<u16, usize>,
    /// What went wrong.
    failures: Vec<String>,
}

impl Stats {
    fn record(&mut self, kind: &'static str, status: u16, ms: f64) {
        self.latencies.entry(kind).or_default().push(ms);
        *self.statuses.entry(status).or_default() += 1;
        if status == 0 || (status >= 500 && status != 503) {
            self.failures.push(format!("{kind}: HTTP {status}"));
        }
    }
}

fn layer(name: &str, marker: &str, entries: usize) -> Value {
    let techniques: Vec<Value> = (0..entries)
        .map(|i| {
            json!({"techniqueID": format!("T{}", 1001 + i % 600), "tactic": "execution",
                        "score": i % 100, "comment": format!("{marker} {i}")})
        })
        .collect();
    json!({
        "name": name, "domain": "enterprise-attack", "description": marker,
        "versions": {"attack": "18", "navigator": "5.1.0", "layer": "4.5"},
        "techniques": techniques,
    })
}

/// An acknowledged write: key, marker, revision.
type Acked = (String, String, i64);
/// A load thread, returning its acknowledged writes.
type Worker = std::thread::JoinHandle<Vec<Acked>>;
/// One step of a load thread (its step number, the shared figures).
type Load = Box<dyn Fn(u64, &Mutex<Stats>) -> Option<Acked> + Send>;

fn percentile(v: &mut [f64], p: f64) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    v.sort_by(|a, b| a.total_cmp(b));
    v[((v.len() - 1) as f64 * p).round() as usize]
}

#[test]
#[ignore = "run by bench/soak.sh and scripts/test with the release binary (60 s)"]
fn soak() {
    let seconds: u64 = std::env::var("SOAK_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60);
    let scratch = tempfile::tempdir().unwrap();
    let data = data_dir(scratch.path());
    let db = scratch.path().join("soak.sqlite");
    let (server, addr) = start_server(
        data.to_str().unwrap(),
        &db,
        scratch.path(),
        &["--header-timeout", "5"],
    );
    let stats = Arc::new(Mutex::new(Stats::default()));
    let stop = Arc::new(AtomicBool::new(false));
    let until = Instant::now() + Duration::from_secs(seconds);
    // Warm the catalogue and store layers for the readers and renderers.
    for i in 0..8 {
        let r = request(
            addr,
            "POST",
            &format!("/api/layers?key=read{i}"),
            layer(&format!("Read {i}"), "seed", 300)
                .to_string()
                .as_bytes(),
            &[JSON],
        );
        assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.body));
    }
    let mut threads = Vec::new();
    let spawn = |threads: &mut Vec<Worker>, f: Load| {
        let stats = stats.clone();
        let stop = stop.clone();
        threads.push(std::thread::spawn(move || {
            let mut acked = Vec::new();
            let mut n = 0;
            while !stop.load(Ordering::Relaxed) && Instant::now() < until {
                if let Some(a) = f(n, &stats) {
                    acked.push(a);
                }
                n += 1;
            }
            acked
        }));
    };
    let timed = move |stats: &Mutex<Stats>,
                      kind: &'static str,
                      method: &str,
                      path: &str,
                      body: &[u8],
                      headers: &[(&str, &str)]| {
        let t = Instant::now();
        let r = request(addr, method, path, body, headers);
        let ms = t.elapsed().as_secs_f64() * 1000.0;
        stats.lock().unwrap().record(kind, r.status, ms);
        r
    };
    // Readers.
    for _ in 0..3 {
        spawn(
            &mut threads,
            Box::new(move |n, s| {
                let k = n % 8;
                let path = match n % 5 {
                    0 => "/api/layers".to_string(),
                    1 => format!("/api/layers/read{k}"),
                    2 => format!("/api/layers/read{k}/view"),
                    3 => format!("/api/layers/read{k}/validate"),
                    _ => "/api/releases/enterprise/18.1/matrix".to_string(),
                };
                timed(s, "read", "GET", &path, b"", &[]);
                None
            }),
        );
    }
    // Writers: each its own layer, updated with optimistic concurrency; what was acknowledged
    // is remembered and checked at the end.
    for w in 0..2 {
        spawn(
            &mut threads,
            Box::new(move |n, s| {
                let key = format!("w{w}-{}", n / 20);
                let marker = format!("writer {w} write {n}");
                let body = layer(&key, &marker, 50).to_string();
                if n % 20 == 0 {
                    let r = timed(
                        s,
                        "write",
                        "POST",
                        &format!("/api/layers?key={key}"),
                        body.as_bytes(),
                        &[JSON],
                    );
                    return (r.status == 201).then_some((key, marker, 1));
                }
                // Revision n % 20 when every earlier write of this layer went through (a 409
                // otherwise: a refused write, not a lost one).
                let etag = format!("\"{}\"", (n % 20) as i64);
                let r = timed(
                    s,
                    "write",
                    "PUT",
                    &format!("/api/layers/{key}"),
                    body.as_bytes(),
                    &[JSON, ("If-Match", &etag)],
                );
                if r.status == 200 {
                    let v: Value = serde_json::from_slice(&r.body).unwrap_or_default();
                    return Some((key, marker, v["revision"].as_i64().unwrap_or(0)));
                }
                None
            }),
        );
    }
    // Renderers.
    spawn(
        &mut threads,
        Box::new(move |n, s| {
            let fmt = ["svg", "png", "html", "xlsx", "csv", "md"][(n % 6) as usize];
            timed(
                s,
                "render",
                "GET",
                &format!("/api/layers/read{}/render/{fmt}", n % 8),
                b"",
                &[],
            );
            None
        }),
    );
    // Hostile bodies.
    let mut hostile: Vec<Vec<u8>> = std::fs::read_dir(repo().join("tests/hostile/files"))
        .unwrap()
        .map(|e| std::fs::read(e.unwrap().path()).unwrap())
        .collect();
    let mut wide = String::from(
        r#"{"name":"w","domain":"enterprise-attack","techniques":[{"techniqueID":"T1059""#,
    );
    for i in 0..80_000 {
        wide.push_str(&format!(r#","k{i}":{i}"#));
    }
    wide.push_str("}]}");
    hostile.push(wide.into_bytes());
    let hostile = Arc::new(hostile);
    spawn(
        &mut threads,
        Box::new(move |n, s| {
            let body = &hostile[(n as usize) % hostile.len()];
            match n % 4 {
                0 => timed(s, "hostile", "POST", "/api/validate", body, &[JSON]),
                1 => timed(s, "hostile", "POST", "/api/render/svg", body, &[JSON]),
                2 => timed(
                    s,
                    "hostile",
                    "POST",
                    "/api/import",
                    body,
                    &[("Content-Type", "text/plain")],
                ),
                _ => {
                    let e =
                        json!({"expression": "(".repeat(3_000), "layers": ["read0"]}).to_string();
                    timed(s, "hostile", "POST", "/api/combine", e.as_bytes(), &[JSON])
                }
            };
            None
        }),
    );
    // Slow clients: 50 connections sending their headers a byte every 200 ms.
    let slow_stop = stop.clone();
    let slow = std::thread::spawn(move || {
        let mut conns: Vec<TcpStream> = Vec::new();
        let mut closed = 0usize;
        while !slow_stop.load(Ordering::Relaxed) && Instant::now() < until {
            while conns.len() < 50 {
                match TcpStream::connect(addr) {
                    Ok(c) => conns.push(c),
                    Err(_) => break,
                }
            }
            conns.retain_mut(|c| {
                let ok = c.write_all(b"X").is_ok();
                if !ok {
                    closed += 1;
                }
                ok
            });
            std::thread::sleep(Duration::from_millis(200));
        }
        closed
    });
    // The health probe: every 100 ms, on a new connection.
    let mut health = Vec::new();
    while Instant::now() < until {
        let t = Instant::now();
        let r = request(addr, "GET", "/api/health", b"", &[]);
        let ms = t.elapsed().as_secs_f64() * 1000.0;
        health.push(ms);
        if r.status != 200 {
            stats
                .lock()
                .unwrap()
                .failures
                .push(format!("health: HTTP {}", r.status));
        }
        std::thread::sleep(Duration::from_millis(100).saturating_sub(t.elapsed()));
    }
    stop.store(true, Ordering::Relaxed);
    let mut acked: BTreeMap<String, (String, i64)> = BTreeMap::new();
    for t in threads {
        for (key, marker, rev) in t.join().unwrap() {
            let e = acked.entry(key).or_insert((marker.clone(), rev));
            if rev >= e.1 {
                *e = (marker, rev);
            }
        }
    }
    let slow_closed = slow.join().unwrap();
    // Nothing lost: every acknowledged write reads back (the last one of each layer).
    let mut lost = Vec::new();
    for (key, (marker, rev)) in &acked {
        let r = request(addr, "GET", &format!("/api/layers/{key}"), b"", &[]);
        let v: Value = serde_json::from_slice(&r.body).unwrap_or_default();
        if r.status != 200 || v["description"] != json!(marker) {
            lost.push(format!("{key} revision {rev}: {}", v["description"]));
        }
    }
    // SAFETY: SIGTERM to our own child.
    unsafe { libc::kill(server.id() as i32, libc::SIGTERM) };
    let (_, rss) = wait4(server.id() as i32);
    let integrity = navlayer_server::Store::open(&db)
        .and_then(|s| s.integrity_check())
        .unwrap_or_else(|e| e.to_string());

    let mut stats = stats.lock().unwrap();
    let total: usize = stats.statuses.values().sum();
    println!(
        "soak: {seconds} s, {total} requests, statuses {:?}",
        stats.statuses
    );
    for (kind, v) in stats.latencies.iter_mut() {
        let n = v.len();
        println!(
            "  {kind:8} {n:6} requests  p50 {:7.1} ms  p99 {:7.1} ms  max {:7.1} ms",
            percentile(v, 0.5),
            percentile(v, 0.99),
            percentile(v, 1.0)
        );
    }
    let n = health.len();
    println!(
        "  health   {n:6} probes    p50 {:7.1} ms  p99 {:7.1} ms  max {:7.1} ms",
        percentile(&mut health, 0.5),
        percentile(&mut health, 0.99),
        percentile(&mut health, 1.0)
    );
    println!(
        "  slow clients closed by the server: {slow_closed}; acknowledged layers checked: {}; lost: {}; server peak RSS {} MB; integrity: {integrity}",
        acked.len(),
        lost.len(),
        rss / 1024
    );
    assert!(
        stats.failures.is_empty(),
        "{:?}",
        &stats.failures[..stats.failures.len().min(20)]
    );
    assert!(lost.is_empty(), "lost writes: {lost:?}");
    assert_eq!(integrity, "ok");
    assert!(
        percentile(&mut health, 1.0) < 100.0,
        "a health probe took {:.1} ms",
        percentile(&mut health, 1.0)
    );
    assert!(acked.len() > 2, "the writers wrote");
}
