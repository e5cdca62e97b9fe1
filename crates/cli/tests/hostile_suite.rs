//! The hostile-input suite (issue 9): every command and every endpoint on every file of the
//! committed hostile set (`tests/hostile/files/`, written by `tests/hostile/make_fixtures.py`)
//! and of the large inputs generated here (up to 15 MB), plus the hostile expressions of
//! `tests/hostile/expressions.txt`.
//!
//! Asserted: every command exits 0, 1 or 2 (never a signal), every HTTP answer is 2xx or 4xx
//! (never 5xx), the server stays up, and the peak RSS of each command and of the server
//! (`getrusage` through `wait4`) stays under 512 MB for inputs under 16 MB.
//!
//! It runs the release binary and takes about a minute, so `cargo test` skips it (ignored);
//! `scripts/test` runs it: `NAVLAYER_BIN=target/release/navlayer cargo test -p navlayer --test
//! hostile_suite -- --ignored`.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use serde_json::{json, Value};

mod support;
use support::{bin, data_dir, http, layer_data_dir, repo, start_server, wait4, JSON};

const RSS_LIMIT_KB: i64 = 512 * 1024;
const INPUT_LIMIT: u64 = 16 * 1024 * 1024;

struct Outcome {
    code: Option<i32>,
    signal: Option<i32>,
    max_rss_kb: i64,
    stderr: String,
}

/// Runs navlayer, waiting with `wait4` for its exit status and resource usage (so clippy's
/// `wait()` check does not see the reaping).
#[allow(clippy::zombie_processes)]
fn run(args: &[&str], scratch: &Path) -> Outcome {
    let err_path = scratch.join(format!("stderr-{}", std::process::id()));
    let child = Command::new(bin())
        .args(args)
        .env_remove("NAVLAYER_DATA")
        .env("NAVLAYER_OFFLINE", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(File::create(&err_path).unwrap())
        .spawn()
        .expect("runs navlayer");
    let (status, rss) = wait4(child.id() as i32);
    let stderr = std::fs::read_to_string(&err_path).unwrap_or_default();
    Outcome {
        code: libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status)),
        signal: libc::WIFSIGNALED(status).then(|| libc::WTERMSIG(status)),
        max_rss_kb: rss,
        stderr,
    }
}

// ---------------------------------------------------------------- the inputs

fn layer_with(techniques: Vec<Value>) -> Value {
    json!({
        "name": "generated", "domain": "enterprise-attack",
        "versions": {"attack": "18", "navigator": "5.1.0", "layer": "4.5"},
        "techniques": techniques,
    })
}

/// The large hostile inputs, written to `dir`.
fn generate(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut put = |name: &str, text: String| {
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        out.push(p);
    };
    // One entry with 80,000 properties (47 s to validate before).
    let mut entry = String::from(r#"{"techniqueID":"T1059","tactic":"execution","score":1"#);
    for i in 0..80_000 {
        entry.push_str(&format!(r#","k{i}":{i}"#));
    }
    entry.push('}');
    put(
        "wide-entry.json",
        format!(
            r#"{{"name":"wide","domain":"enterprise-attack","versions":{{"attack":"18","layer":"4.5"}},"techniques":[{entry}]}}"#
        ),
    );
    // 100,000 platform names (22.6 s before).
    let platforms: Vec<String> = (0..100_000).map(|i| format!("\"platform {i}\"")).collect();
    put(
        "platforms.json",
        format!(
            r#"{{"name":"p","domain":"enterprise-attack","versions":{{"layer":"4.5"}},"filters":{{"platforms":[{}]}},"techniques":[{{"techniqueID":"T1059"}}]}}"#,
            platforms.join(",")
        ),
    );
    // 20,000 layers with duplicate names and keys (34.9 s before).
    let one = r#"{"name":"same","name":"same","domain":"enterprise-attack","techniques":[{"techniqueID":"T1059","score":1,"score":2}]}"#;
    put(
        "layers-20k.json",
        format!("[{}]", vec![one; 20_000].join(",")),
    );
    // 50,000 entries (the server's entry limit), with comments and metadata.
    let entries: Vec<Value> = (0..50_000)
        .map(|i| {
            json!({"techniqueID": format!("T{}", 1000 + i % 700), "tactic": "execution",
                   "score": i % 100, "comment": format!("c{i}"),
                   "metadata": [{"name": "n", "value": "v"}]})
        })
        .collect();
    put("entries-50k.json", layer_with(entries).to_string());
    // A 15 MB description.
    let mut big = layer_with(vec![json!({"techniqueID": "T1059", "score": 1})]);
    big["description"] = json!("x".repeat(15 * 1024 * 1024));
    put("description-15mb.json", big.to_string());
    // A million duplicate keys.
    put(
        "duplicates-1m.json",
        format!(
            r#"{{"name":"d","domain":"enterprise-attack","techniques":[{{"techniqueID":"T1059"{}}}]}}"#,
            r#","x":1"#.repeat(1_000_000)
        ),
    );
    // A million open brackets.
    put("nesting-1m.json", "[".repeat(1_000_000));
    // 100,000 metadata items and links on one entry.
    let meta: Vec<Value> = (0..100_000)
        .map(|i| json!({"name": format!("n{i}"), "value": "<script>"}))
        .collect();
    let links: Vec<Value> = (0..20_000)
        .map(|i| json!({"label": format!("l{i}"), "url": "java\tscript:alert(1)"}))
        .collect();
    put(
        "metadata-100k.json",
        layer_with(vec![
            json!({"techniqueID": "T1059", "metadata": meta, "links": links}),
        ])
        .to_string(),
    );
    out
}

fn inputs(scratch: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(repo().join("tests/hostile/files"))
        .expect("tests/hostile/files")
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(files.len() >= 30, "the committed hostile set is missing");
    let gen = scratch.join("generated");
    std::fs::create_dir_all(&gen).unwrap();
    files.extend(generate(&gen));
    for f in &files {
        assert!(
            std::fs::metadata(f).unwrap().len() < INPUT_LIMIT,
            "{}",
            f.display()
        );
    }
    files
}

// ---------------------------------------------------------------- the CLI

#[test]
#[ignore = "run by scripts/test with the release binary (about a minute)"]
fn every_command_on_every_hostile_file() {
    let scratch = tempfile::tempdir().unwrap();
    let data = layer_data_dir(scratch.path());
    let data = data.to_str().unwrap().to_string();
    let files = inputs(scratch.path());
    let commands = |f: &str, o: &dyn Fn(&str) -> String| -> Vec<Vec<String>> {
        let (conv, filt, comb, uni, migrated) = (
            o("c.json"),
            o("f.json"),
            o("k.json"),
            o("u.json"),
            o("migrated"),
        );
        let owned = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let mut all = vec![
            owned(&["validate", f]),
            owned(&["validate", f, "--format", "json"]),
            owned(&["convert", f, "-o", &conv, "--force"]),
            owned(&["stats", f]),
            owned(&["stats", f, "--format", "csv"]),
            owned(&["filter", f, "--platform", "Windows", "-o", &filt, "--force"]),
            owned(&["diff", f, f]),
            owned(&["combine", "--expr", "a + 2b", f, f, "-o", &comb, "--force"]),
            owned(&["union", f, f, "-o", &uni, "--force"]),
            owned(&[
                "migrate",
                f,
                "--to",
                "18.1",
                "--out-dir",
                &migrated,
                "--force",
            ]),
        ];
        for fmt in ["svg", "png", "html", "xlsx", "csv", "md"] {
            let out = o(&format!("r.{fmt}"));
            all.push(owned(&[
                "render", f, "--format", fmt, "-o", &out, "--force",
            ]));
        }
        all
    };
    let failures = Mutex::new(Vec::new());
    let runs = std::sync::atomic::AtomicUsize::new(0);
    let peak = Mutex::new((0i64, String::new()));
    let start = Instant::now();
    let next = std::sync::atomic::AtomicUsize::new(0);
    let one = |f: &Path, out_dir: &Path| {
        let name = f.display().to_string();
        let o = |n: &str| out_dir.join(n).display().to_string();
        for cmd in commands(&name, &o) {
            let mut args = vec!["--data", data.as_str()];
            args.extend(cmd.iter().map(String::as_str));
            let r = run(&args, out_dir);
            runs.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            {
                let mut p = peak.lock().unwrap();
                if r.max_rss_kb > p.0 {
                    *p = (r.max_rss_kb, format!("{cmd:?}"));
                }
            }
            let what = format!(
                "{}: {:?}",
                f.file_name().unwrap().to_string_lossy(),
                &cmd[..1]
            );
            let mut fl = failures.lock().unwrap();
            match (r.code, r.signal) {
                (Some(0..=2), _) => {}
                (code, signal) => fl.push(format!(
                    "{what} {cmd:?}: exit {code:?} signal {signal:?}: {}",
                    r.stderr.chars().take(300).collect::<String>()
                )),
            }
            if r.max_rss_kb > RSS_LIMIT_KB {
                fl.push(format!("{what}: peak RSS {} MB", r.max_rss_kb / 1024));
            }
            if r.stderr.contains("panicked") {
                fl.push(format!("{what}: panicked: {}", r.stderr));
            }
        }
    };
    // Two workers (the machine has two cores), each with its own output folder.
    std::thread::scope(|scope| {
        for w in 0..2 {
            let out = scratch.path().join(format!("out{w}"));
            std::fs::create_dir_all(&out).unwrap();
            let (files, next, one) = (&files, &next, &one);
            scope.spawn(move || loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(f) = files.get(i) else { break };
                one(f, &out);
            });
        }
    });
    let mut failures = failures.into_inner().unwrap();
    let mut runs = runs.into_inner();
    let peak = peak.into_inner().unwrap();
    // The hostile expressions.
    let small = repo().join("tests/hostile/files/control-characters.json");
    let small = small.to_str().unwrap();
    let exprs = std::fs::read_to_string(repo().join("tests/hostile/expressions.txt")).unwrap();
    // (A NUL cannot be passed in an argument; the server part sends that one.)
    for e in exprs.lines().filter(|e| !e.contains('\0')) {
        let r = run(
            &["--data", &data, "combine", "--expr", e, small, small],
            scratch.path(),
        );
        runs += 1;
        if !matches!(r.code, Some(0..=2)) || r.max_rss_kb > RSS_LIMIT_KB {
            failures.push(format!(
                "combine --expr {:?}: exit {:?} signal {:?}, {} MB",
                e.chars().take(40).collect::<String>(),
                r.code,
                r.signal,
                r.max_rss_kb / 1024
            ));
        }
    }
    eprintln!(
        "hostile CLI: {runs} runs on {} files in {:.1} s; peak RSS {} MB ({})",
        files.len(),
        start.elapsed().as_secs_f64(),
        peak.0 / 1024,
        peak.1
    );
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

// ---------------------------------------------------------------- the server

/// Stops a server with SIGTERM; asserts it exits cleanly and returns its peak RSS in KiB.
fn stop(server: std::process::Child) -> i64 {
    // SAFETY: SIGTERM to our own child.
    unsafe { libc::kill(server.id() as i32, libc::SIGTERM) };
    let (status, rss) = wait4(server.id() as i32);
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "the server did not exit cleanly on SIGTERM: status {status}"
    );
    rss
}

#[test]
#[ignore = "run by scripts/test with the release binary (about a minute)"]
fn every_endpoint_on_every_hostile_file() {
    let scratch = tempfile::tempdir().unwrap();
    let data = data_dir(scratch.path());
    let files = inputs(scratch.path());
    let data = data.to_str().unwrap().to_string();
    let mut peak = (0i64, String::new());
    let failures = Arc::new(Mutex::new(Vec::<String>::new()));
    let fail = {
        let failures = failures.clone();
        move |what: String| failures.lock().unwrap().push(what)
    };
    let check = |status: u16, what: &str| {
        if !(200..500).contains(&status) {
            fail(format!("{what}: HTTP {status}"));
        }
    };
    let start = Instant::now();
    let mut requests = 0;
    // A server of its own for each file: its peak RSS (wait4) is what handling that input cost.
    for (i, f) in files.iter().enumerate() {
        let body = std::fs::read(f).unwrap();
        let name = f.file_name().unwrap().to_string_lossy().to_string();
        let (server, addr) = start_server(
            &data,
            &scratch.path().join(format!("db{i}.sqlite")),
            scratch.path(),
            &[],
        );
        let key = format!("h{i}");
        let mut send = |method: &str, path: &str, body: &[u8], headers: &[(&str, &str)]| {
            requests += 1;
            let s = http(addr, method, path, body, headers);
            check(s, &format!("{name}: {method} {path}"));
            s
        };
        send("POST", "/api/validate", &body, &[JSON]);
        send("POST", "/api/view", &body, &[JSON]);
        for fmt in ["svg", "png", "html", "xlsx", "csv", "md", "json"] {
            send("POST", &format!("/api/render/{fmt}"), &body, &[JSON]);
        }
        send("POST", &format!("/api/layers?key={key}"), &body, &[JSON]);
        let imported = send("POST", &format!("/api/import?key={key}i"), &body, &[JSON]);
        // Hostile bodies under the wrong content type, and a cross-site attempt.
        send(
            "POST",
            "/api/import",
            &body,
            &[("Content-Type", "text/plain")],
        );
        send(
            "POST",
            "/api/import",
            &body,
            &[JSON, ("Origin", "http://evil.example")],
        );
        if let Ok(v) = serde_json::from_slice::<Value>(&body) {
            let migrate = json!({"layer": v, "to": "18.1", "from": "17.1"}).to_string();
            send("POST", "/api/migrate", migrate.as_bytes(), &[JSON]);
            // The web UI's export dialog: the layer wrapped with render options.
            let options = json!({"theme": "dark", "header": {"legend": true}, "orientation": "portrait",
                "annotatedOnly": true, "subtechniques": "all", "pageSize": "a3"});
            let wrapped = json!({"layer": v, "options": options}).to_string();
            for fmt in ["svg", "pdf", "xlsx"] {
                send(
                    "POST",
                    &format!("/api/render/{fmt}"),
                    wrapped.as_bytes(),
                    &[JSON],
                );
            }
        }
        if imported == 201 {
            let k = format!("{key}i");
            for path in [
                format!("/api/layers/{k}"),
                format!("/api/layers/{k}/validate"),
                format!("/api/layers/{k}/view"),
                format!("/api/layers/{k}/render/svg"),
                format!("/api/layers/{k}/revisions"),
            ] {
                send("GET", &path, b"", &[]);
            }
            let combine = json!({"expression": "a + b", "layers": [k, k],
                "inherit": {"comments": "b", "gradient": "a", "legend": "b", "metadata": "a"}})
            .to_string();
            send("POST", "/api/combine", combine.as_bytes(), &[JSON]);
            let diff = json!({"a": k, "b": k}).to_string();
            send("POST", "/api/diff", diff.as_bytes(), &[JSON]);
            send(
                "PUT",
                &format!("/api/layers/{k}"),
                &body,
                &[JSON, ("If-Match", "\"1\"")],
            );
            // The guided upgrade: migrate the stored layer, drop one entry, keep the report.
            let upgrade = json!({"to": "18.1", "from": "17.1", "drop": [0]}).to_string();
            send(
                "POST",
                &format!("/api/layers/{k}/upgrade"),
                upgrade.as_bytes(),
                &[JSON, ("If-Match", "\"2\"")],
            );
            send(
                "GET",
                &format!("/api/layers/{k}/revisions/3/report"),
                b"",
                &[],
            );
        }
        if http(addr, "GET", "/api/health", b"", &[]) != 200 {
            fail(format!("{name}: the server stopped answering"));
        }
        let rss = stop(server);
        if rss > peak.0 {
            peak = (rss, name.clone());
        }
        if rss > RSS_LIMIT_KB {
            fail(format!("{name}: server peak RSS {} MB", rss / 1024));
        }
    }
    let (server, addr) = start_server(
        &data,
        &scratch.path().join("db.sqlite"),
        scratch.path(),
        &[],
    );
    // Hostile requests of other kinds.
    let exprs = std::fs::read_to_string(repo().join("tests/hostile/expressions.txt")).unwrap();
    let small = std::fs::read(repo().join("tests/hostile/files/control-characters.json")).unwrap();
    http(addr, "POST", "/api/layers?key=small", &small, &[JSON]);
    for e in exprs.lines() {
        requests += 1;
        let b = json!({"expression": e, "layers": ["small", "small"]}).to_string();
        check(
            http(addr, "POST", "/api/combine", b.as_bytes(), &[JSON]),
            "combine expression",
        );
    }
    let long = "a".repeat(60_000);
    let odd: Vec<(&str, String, Vec<u8>)> = vec![
        ("GET", format!("/api/layers/{long}"), vec![]),
        ("GET", "/api/layers/%00%ff%fe".into(), vec![]),
        (
            "GET",
            "/api/releases/enterprise/99999999999999999999.1/matrix".into(),
            vec![],
        ),
        (
            "GET",
            "/api/releases/enterprise/18.1/search?q=%1b%5b2J&limit=99999999999".into(),
            vec![],
        ),
        (
            "GET",
            format!("/api/releases/enterprise/18.1/objects/{long}"),
            vec![],
        ),
        (
            "POST",
            "/api/generate".into(),
            b"{\"id\": {\"x\": 1}}".to_vec(),
        ),
        (
            "POST",
            "/api/generate".into(),
            format!("{{\"id\": \"{}\"}}", "T".repeat(100_000)).into_bytes(),
        ),
        ("POST", "/api/combine".into(), b"[[[[[[[[[[[[".to_vec()),
        ("POST", "/api/diff".into(), b"{\"a\": 1}".to_vec()),
        ("POST", "/api/migrate".into(), b"{\"layer\": 5}".to_vec()),
        ("DELETE", "/api/layers/small?base=-1".into(), vec![]),
        ("BREW", "/api/layers".into(), vec![]),
        // The web workspace's endpoints.
        (
            "POST",
            "/api/layers/small/upgrade?base=1".into(),
            b"{\"drop\": [99999999999999999999999], \"to\": \"99.99\"}".to_vec(),
        ),
        (
            "POST",
            "/api/layers/small/upgrade".into(),
            b"{\"drop\": \"all\"}".to_vec(),
        ),
        (
            "GET",
            "/api/layers/small/revisions/99999999999999999999/report".into(),
            vec![],
        ),
        (
            "GET",
            "/api/releases/enterprise/18.1/multiselect?q=%1b%5b2J%00&fields=name,id,description"
                .into(),
            vec![],
        ),
        (
            "GET",
            format!("/api/releases/enterprise/18.1/multiselect?q={}", "a".repeat(5_000)),
            vec![],
        ),
        (
            "GET",
            "/api/releases/enterprise/18.1/multiselect?fields=%ff%fe,,,".into(),
            vec![],
        ),
        (
            "GET",
            "/api/releases/enterprise/18.1/matrix?descriptions=0".into(),
            vec![],
        ),
        ("GET", "/api/config".into(), vec![]),
        ("GET", "/assets/js/%2e%2e%2fCargo.toml".into(), vec![]),
        ("GET", format!("/assets/js/{long}.js"), vec![]),
        (
            "POST",
            "/api/fetch".into(),
            b"{\"url\": \"file:///etc/passwd\"}".to_vec(),
        ),
        (
            "POST",
            "/api/fetch".into(),
            // Loopback is refused before any connection (other ranges: fetch.rs unit tests).
            b"{\"url\": \"http://127.0.0.1:1/layer.json\"}".to_vec(),
        ),
        (
            "POST",
            "/api/fetch".into(),
            b"{\"url\": \"http://[::ffff:7f00:1]/\", \"key\": \"../x\"}".to_vec(),
        ),
        (
            "POST",
            "/api/fetch".into(),
            format!("{{\"url\": \"http://{long}\"}}").into_bytes(),
        ),
        ("POST", "/api/fetch".into(), b"[[[[".to_vec()),
        (
            "POST",
            "/api/render/svg".into(),
            format!(
                "{{\"layer\": {{\"name\": \"x\", \"domain\": \"enterprise-attack\"}}, \"options\": {{\"theme\": 5, \"page\": \"{long}\", \"expand\": [], \"annotatedOnly\": true}}}}"
            )
            .into_bytes(),
        ),
        (
            "POST",
            "/api/combine".into(),
            b"{\"expression\": \"a\", \"layers\": [\"small\"], \"inherit\": {\"comments\": \"zz\", \"nothing\": \"a\"}}".to_vec(),
        ),
    ];
    for (m, p, b) in &odd {
        requests += 1;
        check(
            http(addr, m, p, b, &[JSON]),
            &format!("{m} {}", &p[..p.len().min(60)]),
        );
    }
    requests += 1;
    let huge_header = "x".repeat(200_000);
    check(
        http(addr, "GET", "/api/layers", b"", &[("X-Huge", &huge_header)]).max(400),
        "huge header",
    );
    let alive = http(addr, "GET", "/api/health", b"", &[]) == 200;
    let rss = stop(server);
    eprintln!(
        "hostile HTTP: {requests} requests on {} files in {:.1} s; server peak RSS {} MB ({}), {} MB for the other requests",
        files.len(),
        start.elapsed().as_secs_f64(),
        peak.0 / 1024,
        peak.1,
        rss / 1024
    );
    let failures = failures.lock().unwrap();
    assert!(alive, "the server died");
    assert!(rss < RSS_LIMIT_KB, "server peak RSS {} MB", rss / 1024);
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
