//! `navlayer data list|fetch|info`, first-use fetching, `--offline`, and the bad-input errors,
//! run on the built binary. Every run gets its own cache folder (NAVLAYER_CACHE) and an index
//! that is either a loopback test server or a local path, so no test ever leaves 127.0.0.1.

#[path = "../../source/tests/support/http.rs"]
mod http;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use http::{bundle, index, refused_url, snapshot, Reply, TestServer};

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// The binary with a private cache, no data, online, and an index that is a missing local file
/// (so an unexpected download attempt fails instead of reaching the internet).
fn navlayer(cache: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_navlayer"));
    c.env("NAVLAYER_CACHE", cache)
        .env("NAVLAYER_INDEX", cache.join("no-index-here.json"))
        .env_remove("NAVLAYER_DATA")
        .env_remove("NAVLAYER_OFFLINE");
    for var in [
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "http_proxy",
        "https_proxy",
        "all_proxy",
    ] {
        c.env_remove(var);
    }
    c
}

fn run(cmd: &mut Command) -> Run {
    let out = cmd.output().expect("run navlayer");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Asserts the run failed with exit 2 and one `error: …` line, the last on stderr, mentioning
/// every `needle`; any line before it is a `navlayer: …` progress message.
fn assert_one_line_error(r: &Run, needles: &[&str]) {
    assert_eq!(r.code, 2, "exit code; stderr: {}", r.stderr);
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    let lines: Vec<&str> = r.stderr.trim_end().lines().collect();
    let Some((line, before)) = lines.split_last() else {
        panic!("no error message");
    };
    assert!(line.starts_with("error: "), "{}", r.stderr);
    assert!(
        before.iter().all(|l| l.starts_with("navlayer: ")),
        "{}",
        r.stderr
    );
    for n in needles {
        assert!(line.contains(n), "{n:?} missing from: {line}");
    }
}

/// A loopback server offering enterprise 2.0 (sent gzip-encoded) and 2.1, ICS 1.0, and a
/// broken enterprise 3.0 that is only listed when `with_broken`; returns it with its index URL.
fn release_server(with_broken: bool) -> (TestServer, String) {
    let server = TestServer::start(vec![
        (
            "/enterprise-attack/enterprise-attack-2.1.json",
            Reply::Ok(bundle("enterprise-attack", "2.1")),
        ),
        (
            "/enterprise-attack/enterprise-attack-2.0.json",
            Reply::Gzip(bundle("enterprise-attack", "2.0")),
        ),
        (
            "/ics-attack/ics-attack-1.0.json",
            Reply::Ok(bundle("ics-attack", "1.0")),
        ),
        (
            "/enterprise-attack/enterprise-attack-3.0.json",
            Reply::Ok(b"{\n  \"type\": \"bundle\",\n  \"objects\": [".to_vec()),
        ),
    ]);
    let mut enterprise = vec![
        (
            "2.1",
            server.url("/enterprise-attack/enterprise-attack-2.1.json"),
        ),
        (
            "2.0",
            server.url("/enterprise-attack/enterprise-attack-2.0.json"),
        ),
    ];
    if with_broken {
        enterprise.push((
            "3.0",
            server.url("/enterprise-attack/enterprise-attack-3.0.json"),
        ));
    }
    let idx = index(&[
        ("Enterprise ATT&CK", enterprise),
        (
            "ICS ATT&CK",
            vec![("1.0", server.url("/ics-attack/ics-attack-1.0.json"))],
        ),
    ]);
    server.set("/index.json", Reply::Ok(idx));
    let url = server.url("/index.json");
    (server, url)
}

fn bundle_requests(server: &TestServer) -> usize {
    server
        .requests()
        .iter()
        .filter(|p| p.ends_with(".json") && !p.ends_with("index.json"))
        .count()
}

#[test]
fn fetch_downloads_into_the_cache_atomically_and_once() {
    let (server, index_url) = release_server(false);
    let tmp = tempfile::tempdir().expect("tempdir");
    let cache = tmp.path().join("cache");

    let r = run(navlayer(&cache).args(["data", "fetch", "--index", &index_url]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let path = cache.join("enterprise-attack-2.1.json");
    assert_eq!(
        r.stdout,
        format!("fetched enterprise-attack 2.1: {}\n", path.display())
    );
    assert_eq!(
        std::fs::read(&path).expect("cached"),
        bundle("enterprise-attack", "2.1")
    );
    // stderr is a pipe here: a message, but no progress bar.
    assert!(
        r.stderr
            .contains("downloading enterprise-attack 2.1 from http://127.0.0.1"),
        "{}",
        r.stderr
    );
    assert!(
        !r.stderr.contains('\r') && !r.stderr.contains("eta"),
        "{}",
        r.stderr
    );

    // Already there: no second download.
    let before = bundle_requests(&server);
    let r = run(navlayer(&cache).args(["data", "fetch", "--index", &index_url]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("already in the cache"), "{}", r.stdout);
    assert_eq!(bundle_requests(&server), before);
    // --force downloads again.
    let r = run(navlayer(&cache).args(["data", "fetch", "--force", "--index", &index_url]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(bundle_requests(&server), before + 1);

    // A chosen release and domain (gzip on the wire, stored decoded); NAVLAYER_INDEX works too.
    let r = run(navlayer(&cache).env("NAVLAYER_INDEX", &index_url).args([
        "data",
        "fetch",
        "--attack-version",
        "2.0",
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        std::fs::read(cache.join("enterprise-attack-2.0.json")).expect("2.0"),
        bundle("enterprise-attack", "2.0")
    );
    let r = run(navlayer(&cache).args([
        "data",
        "fetch",
        "--domain",
        "ics-attack",
        "--index",
        &index_url,
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let names: Vec<String> = snapshot(&cache).into_iter().map(|(n, _)| n).collect();
    assert_eq!(
        names,
        [
            "enterprise-attack-2.0.json",
            "enterprise-attack-2.1.json",
            "ics-attack-1.0.json"
        ]
    );

    // The cache is a valid --data folder, and commands use it without --data.
    let r = run(navlayer(&cache).args(["--offline", "data", "info"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("release:      2.1\n"), "{}", r.stdout);
    let r = run(navlayer(&cache)
        .args(["--data"])
        .arg(&cache)
        .args(["--domain", "ics", "data", "info"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("domain:       ics-attack\n"),
        "{}",
        r.stdout
    );
}

#[test]
fn fetch_failures_leave_the_cache_unchanged() {
    let (server, index_url) = release_server(true);
    let tmp = tempfile::tempdir().expect("tempdir");
    let cache = tmp.path().join("cache");
    let r = run(navlayer(&cache).args([
        "data",
        "fetch",
        "--attack-version",
        "2.0",
        "--index",
        &index_url,
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let before = snapshot(&cache);
    assert_eq!(before.len(), 1);

    // The newest listed release is not valid JSON.
    let r = run(navlayer(&cache).args(["data", "fetch", "--index", &index_url]));
    assert_one_line_error(
        &r,
        &[
            "enterprise-attack-3.0.json",
            "not valid JSON at line 3",
            "the cache is unchanged",
        ],
    );
    assert_eq!(snapshot(&cache), before);

    // A release the index does not list.
    let r = run(navlayer(&cache).args([
        "data",
        "fetch",
        "--attack-version",
        "9.9",
        "--index",
        &index_url,
    ]));
    assert_one_line_error(
        &r,
        &[
            "offers no enterprise-attack release 9.9",
            "offered: 3.0, 2.1, 2.0",
        ],
    );

    // The index itself: missing (404), unreachable, a missing local file.
    let r =
        run(navlayer(&cache).args(["data", "fetch", "--index", &server.url("/nope/index.json")]));
    assert_one_line_error(&r, &["/nope/index.json", "HTTP 404"]);
    let refused = refused_url("index.json");
    let r = run(navlayer(&cache).args(["data", "fetch", "--index", &refused]));
    assert_one_line_error(&r, &[&refused, "download failed", "hint:"]);
    let r = run(navlayer(&cache).args(["data", "fetch", "--index", "/nonexistent/index.json"]));
    assert_one_line_error(&r, &["/nonexistent/index.json", "no such file"]);

    // A listed release that is gone from the server.
    let dead = index(&[(
        "Enterprise ATT&CK",
        vec![("5.0", server.url("/gone/enterprise-attack-5.0.json"))],
    )]);
    let dead_index = tmp.path().join("dead-index.json");
    std::fs::write(&dead_index, dead).expect("write");
    let r = run(navlayer(&cache)
        .args(["data", "fetch", "--index"])
        .arg(&dead_index));
    assert_one_line_error(&r, &["enterprise-attack-5.0.json", "HTTP 404"]);
    assert_eq!(snapshot(&cache), before);
}

#[test]
fn offline_never_downloads_and_says_how_to_get_data() {
    let (server, index_url) = release_server(false);
    let tmp = tempfile::tempdir().expect("tempdir");
    let cache = tmp.path().join("cache");
    for how in [["--offline"].as_slice(), [].as_slice()] {
        let mut cmd = navlayer(&cache);
        cmd.env("NAVLAYER_INDEX", &index_url).args(how);
        if how.is_empty() {
            cmd.env("NAVLAYER_OFFLINE", "1");
        }
        let r = run(cmd.args(["show", "T1059"]));
        assert_one_line_error(
            &r,
            &[
                &cache.display().to_string(),
                "--offline forbids downloading",
                "navlayer data fetch --domain enterprise",
                "--data PATH",
            ],
        );
    }
    let r = run(navlayer(&cache).args(["--offline", "--attack-version", "2.0", "data", "info"]));
    assert_one_line_error(
        &r,
        &["holds no enterprise-attack 2.0", "--attack-version 2.0"],
    );
    let r = run(navlayer(&cache).args(["--offline", "data", "fetch", "--index", &index_url]));
    assert_one_line_error(&r, &["--offline", "forbids"]);
    assert!(server.requests().is_empty(), "{:?}", server.requests());
    assert!(!cache.exists());
}

#[test]
fn first_use_fetches_the_newest_release_into_the_cache() {
    let (server, index_url) = release_server(false);
    let tmp = tempfile::tempdir().expect("tempdir");
    let cache = tmp.path().join("cache");
    let r = run(navlayer(&cache)
        .env("NAVLAYER_INDEX", &index_url)
        .args(["data", "info"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("release:      2.1\n"), "{}", r.stdout);
    assert!(
        r.stderr.contains("holds no enterprise-attack release")
            && r.stderr.contains("downloading enterprise-attack 2.1")
            && r.stderr.contains("saved "),
        "{}",
        r.stderr
    );
    assert!(cache.join("enterprise-attack-2.1.json").is_file());
    // A requested older release is fetched on first use too; then nothing more is downloaded.
    let r = run(navlayer(&cache).env("NAVLAYER_INDEX", &index_url).args([
        "--attack-version",
        "2.0",
        "show",
        "T1059",
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(cache.join("enterprise-attack-2.0.json").is_file());
    let seen = server.requests().len();
    let r = run(navlayer(&cache)
        .env("NAVLAYER_INDEX", &index_url)
        .args(["show", "T1059"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stderr, "");
    assert_eq!(server.requests().len(), seen);
    // Unreachable index on first use: one line, exit 2, nothing cached.
    let other = tmp.path().join("other");
    let r = run(navlayer(&other)
        .env("NAVLAYER_INDEX", refused_url("index.json"))
        .args(["data", "info"]));
    assert_eq!(r.code, 2);
    let last = r
        .stderr
        .trim_end()
        .lines()
        .last()
        .unwrap_or_default()
        .to_string();
    assert!(
        last.starts_with("error: ") && last.contains("download failed"),
        "{}",
        r.stderr
    );
    assert!(!other.join("enterprise-attack-2.1.json").exists());
}

/// Replaces the run-specific parts (temp folders, port) for snapshots.
fn redact(text: &str, pairs: &[(&str, &str)]) -> String {
    let mut out = text.to_string();
    for (from, to) in pairs {
        out = out.replace(from, to);
    }
    out
}

#[test]
fn list_shows_cache_data_and_index() {
    let (server, index_url) = release_server(false);
    let tmp = tempfile::tempdir().expect("tempdir");
    let cache = tmp.path().join("cache");
    let r = run(navlayer(&cache).args(["data", "list", "--index", &index_url]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let cache_s = cache.display().to_string();
    let base = server.url("");
    let base = base.trim_end_matches('/');
    insta::assert_snapshot!(
        "list_empty_cache",
        redact(&r.stdout, &[(&cache_s, "[CACHE]"), (base, "[SERVER]")])
    );

    let r = run(navlayer(&cache).args(["data", "fetch", "--index", &index_url]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let data = tmp.path().join("data");
    std::fs::create_dir(&data).expect("mkdir");
    std::fs::write(
        data.join("ics-attack-1.0.json"),
        bundle("ics-attack", "1.0"),
    )
    .expect("write");
    std::fs::write(data.join("README.md"), "not a bundle").expect("write");
    let data_s = data.display().to_string();
    let r = run(navlayer(&cache)
        .arg("--data")
        .arg(&data)
        .args(["data", "list", "--index", &index_url]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    insta::assert_snapshot!(
        "list_with_cache_and_data",
        redact(
            &r.stdout,
            &[
                (&cache_s, "[CACHE]"),
                (&data_s, "[DATA]"),
                (base, "[SERVER]")
            ]
        )
    );

    // Offline: only what is on this machine, and no request at all.
    let seen = server.requests().len();
    let r =
        run(navlayer(&cache)
            .env("NAVLAYER_INDEX", &index_url)
            .args(["--offline", "data", "list"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("index: not read (offline)"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("enterprise-attack  2.1"), "{}", r.stdout);
    assert_eq!(server.requests().len(), seen);

    // JSON.
    let r = run(navlayer(&cache).args(["data", "list", "--format", "json", "--index", &index_url]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("json");
    assert_eq!(v["cache"]["dir"], cache_s.as_str());
    assert_eq!(v["cache"]["releases"][0]["release"], "2.1");
    let offered: Vec<(String, bool)> = v["index"]["releases"]
        .as_array()
        .expect("releases")
        .iter()
        .map(|r| {
            (
                format!(
                    "{} {}",
                    r["domain"].as_str().unwrap_or("?"),
                    r["release"].as_str().unwrap_or("?")
                ),
                r["cached"] == true,
            )
        })
        .collect();
    assert_eq!(
        offered,
        [
            ("enterprise-attack 2.1".to_string(), true),
            ("enterprise-attack 2.0".to_string(), false),
            ("ics-attack 1.0".to_string(), false)
        ]
    );

    // An unreachable index: the local part is still printed, then a one-line error.
    let r = run(navlayer(&cache).args(["data", "list", "--index", &refused_url("index.json")]));
    assert_eq!(r.code, 2);
    assert!(r.stdout.starts_with("cache: "), "{}", r.stdout);
    assert_one_line_error(
        &r,
        &[
            "download failed",
            "--offline lists only the releases on this machine",
        ],
    );
}

#[test]
fn list_reads_the_shared_folder_and_the_official_index_file() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let shared = navlayer_testdata::attack_data_dir();
    let r = run(navlayer(tmp.path())
        .arg("--data")
        .arg(&shared)
        .arg("--index")
        .arg(shared.join("index.json"))
        .args(["data", "list"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    for name in [
        "enterprise-attack-16.1.json",
        "enterprise-attack-17.1.json",
        "enterprise-attack-18.1.json",
        "mobile-attack-17.1.json",
        "mobile-attack-18.1.json",
        "ics-attack-18.1.json",
    ] {
        assert!(
            r.stdout.contains(&shared.join(name).display().to_string()),
            "{name}: {}",
            r.stdout
        );
    }
    assert!(
        r.stdout.contains("  enterprise-attack  18.1, 18.0, 17.1,"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("  ics-attack         18.1, 18.0,"),
        "{}",
        r.stdout
    );
    // Mobile's beta versions are listed as not fetchable rather than silently dropped.
    assert!(
        r.stdout
            .contains("(not X.Y, cannot be fetched: 11.2-beta, 11.1-beta, 11.0-beta)"),
        "{}",
        r.stdout
    );
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).expect("write");
    p
}

#[test]
fn bad_input_is_one_line_exit_2() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    let cache = dir.join("cache");
    let info = |data: &Path| {
        run(navlayer(&cache)
            .arg("--data")
            .arg(data)
            .args(["data", "info"]))
    };

    let missing = dir.join("nope.json");
    assert_one_line_error(
        &info(&missing),
        &[
            &missing.display().to_string(),
            "no such file or folder",
            "hint:",
        ],
    );

    let not_json = write(dir, "garbage.json", "{\n  \"type\": bundle\n}");
    assert_one_line_error(
        &info(&not_json),
        &[
            &not_json.display().to_string(),
            "not valid JSON at line 2, column 11",
            "hint:",
        ],
    );

    let not_bundle = write(dir, "report.json", r#"{"type": "report", "objects": []}"#);
    assert_one_line_error(
        &info(&not_bundle),
        &[
            &not_bundle.display().to_string(),
            "not a STIX bundle",
            "hint:",
        ],
    );
    let array = write(dir, "array.json", "[1, 2, 3]");
    assert_one_line_error(
        &info(&array),
        &[&array.display().to_string(), "not a STIX bundle"],
    );

    let unknown = write(
        dir,
        "mystery.json",
        r#"{"type": "bundle", "id": "bundle--1", "objects": [
             {"type": "x-mitre-matrix", "id": "x-mitre-matrix--1", "name": "PRE",
              "external_references": [{"source_name": "mitre-attack", "external_id": "pre-attack"}]},
             {"type": "attack-pattern", "id": "attack-pattern--1", "name": "x"}]}"#,
    );
    assert_one_line_error(
        &info(&unknown),
        &[
            &unknown.display().to_string(),
            "unknown ATT&CK domain",
            "hint:",
        ],
    );

    let empty = dir.join("empty");
    std::fs::create_dir(&empty).expect("mkdir");
    assert_one_line_error(
        &info(&empty),
        &[
            &empty.display().to_string(),
            "no enterprise-attack bundle",
            "found: nothing",
            "navlayer data fetch",
        ],
    );

    // A folder whose bundle is broken names the file.
    let folder = dir.join("folder");
    std::fs::create_dir(&folder).expect("mkdir");
    let broken = write(&folder, "enterprise-attack-9.0.json", "");
    assert_one_line_error(
        &info(&folder),
        &[&broken.display().to_string(), "not valid JSON"],
    );

    // NAVLAYER_DATA is held to the same standard.
    let r = run(navlayer(&cache)
        .env("NAVLAYER_DATA", &missing)
        .args(["show", "T1059"]));
    assert_one_line_error(
        &r,
        &[&missing.display().to_string(), "no such file or folder"],
    );

    // Usage errors are exit 2 as well.
    let r = run(navlayer(&cache).args(["--domain", "pre", "data", "info"]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("unknown domain"), "{}", r.stderr);
    let r = run(navlayer(&cache).args(["--attack-version", "x.y", "data", "info"]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(!cache.exists(), "bad input must not create the cache");
}

/// `data info` on every real bundle: counts per kind (active, revoked, deprecated) as computed
/// independently with Python from the bundle files (revoked first, then deprecated, else active;
/// attack-patterns split on x_mitre_is_subtechnique).
#[test]
fn info_counts_on_every_shared_bundle() {
    type Row = (&'static str, [usize; 3]);
    let expected: [(&str, &str, &str, &str, &[Row]); 7] = [
        (
            "enterprise-attack-16.1.json",
            "enterprise-attack",
            "16.1",
            "2.0",
            &[
                ("technique", [203, 129, 11]),
                ("sub-technique", [453, 2, 1]),
                ("mitigation", [44, 0, 224]),
                ("group", [159, 6, 9]),
                ("malware", [622, 2, 1]),
                ("tool", [88, 0, 0]),
                ("campaign", [34, 0, 0]),
                ("tactic", [14, 0, 0]),
                ("data source", [37, 0, 1]),
                ("data component", [106, 0, 3]),
            ],
        ),
        (
            "enterprise-attack-17.1.json",
            "enterprise-attack",
            "17.1",
            "2.0",
            &[
                ("technique", [211, 129, 11]),
                ("sub-technique", [468, 3, 1]),
                ("mitigation", [44, 0, 224]),
                ("group", [166, 6, 9]),
                ("malware", [664, 2, 1]),
                ("tool", [91, 0, 0]),
                ("campaign", [47, 0, 0]),
                ("tactic", [14, 0, 0]),
            ],
        ),
        (
            "enterprise-attack-18.1.json",
            "enterprise-attack",
            "18.1",
            "2.0",
            &[
                ("technique", [216, 129, 11]),
                ("sub-technique", [475, 3, 1]),
                ("mitigation", [44, 0, 224]),
                ("group", [172, 6, 9]),
                ("malware", [693, 2, 1]),
                ("tool", [91, 0, 0]),
                ("campaign", [52, 0, 0]),
                ("tactic", [14, 0, 0]),
                ("data source", [0, 0, 38]),
                ("detection strategy", [691, 0, 0]),
                ("analytic", [1739, 0, 0]),
            ],
        ),
        (
            "mobile-attack-17.1.json",
            "mobile-attack",
            "17.1",
            "2.1",
            &[
                ("technique", [75, 53, 14]),
                ("sub-technique", [46, 0, 0]),
                ("mitigation", [13, 0, 2]),
                ("group", [15, 0, 0]),
                ("malware", [116, 0, 1]),
                ("tool", [2, 0, 0]),
                ("campaign", [3, 0, 0]),
                ("tactic", [12, 0, 2]),
            ],
        ),
        (
            "mobile-attack-18.1.json",
            "mobile-attack",
            "18.1",
            "2.0",
            &[
                ("technique", [77, 53, 13]),
                ("sub-technique", [47, 0, 0]),
                ("mitigation", [13, 0, 2]),
                ("group", [17, 0, 0]),
                ("malware", [120, 0, 1]),
                ("tool", [2, 0, 0]),
                ("campaign", [3, 0, 0]),
                ("tactic", [12, 0, 2]),
                ("detection strategy", [124, 0, 0]),
                ("analytic", [211, 0, 0]),
            ],
        ),
        (
            "ics-attack-18.1.json",
            "ics-attack",
            "18.1",
            "2.1",
            &[
                ("technique", [83, 0, 12]),
                ("mitigation", [52, 0, 0]),
                ("group", [14, 2, 0]),
                ("malware", [23, 0, 7]),
                ("campaign", [7, 0, 1]),
                ("tactic", [12, 0, 0]),
                ("asset", [18, 0, 0]),
                ("detection strategy", [83, 0, 0]),
                ("analytic", [82, 0, 0]),
            ],
        ),
        (
            "stix20/ics-attack-18.1.json",
            "ics-attack",
            "18.1",
            "2.0",
            &[
                ("technique", [83, 0, 12]),
                ("mitigation", [52, 0, 0]),
                ("group", [14, 2, 0]),
                ("malware", [23, 0, 7]),
                ("campaign", [7, 0, 1]),
                ("tactic", [12, 0, 0]),
                ("asset", [18, 0, 0]),
            ],
        ),
    ];
    let tmp = tempfile::tempdir().expect("tempdir");
    for (file, domain, release, spec, rows) in expected {
        let path = navlayer_testdata::bundle_path(file);
        let r =
            run(navlayer(tmp.path())
                .arg("--data")
                .arg(&path)
                .args(["--offline", "data", "info"]));
        assert_eq!(r.code, 0, "{file}: {}", r.stderr);
        assert!(
            r.stdout.contains(&format!("domain:       {domain}\n")),
            "{file}: {}",
            r.stdout
        );
        assert!(
            r.stdout.contains(&format!("release:      {release}\n")),
            "{file}: {}",
            r.stdout
        );
        assert!(
            r.stdout.contains(&format!("STIX version: {spec}\n")),
            "{file}: {}",
            r.stdout
        );
        let table = object_table(&r.stdout);
        for (label, want) in rows {
            assert_eq!(
                table.get(*label),
                Some(want),
                "{file}: {label}\n{}",
                r.stdout
            );
        }
    }
    // From a folder, --domain and --attack-version pick the file.
    let r = run(navlayer(tmp.path())
        .arg("--data")
        .arg(navlayer_testdata::attack_data_dir())
        .args([
            "--domain",
            "mobile",
            "--attack-version",
            "17.1",
            "data",
            "info",
        ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("mobile-attack-17.1.json"), "{}", r.stdout);
    assert_eq!(
        object_table(&r.stdout).get("technique"),
        Some(&[75, 53, 14])
    );
    // Without a version, the newest: enterprise 18.1.
    let r = run(navlayer(tmp.path())
        .arg("--data")
        .arg(navlayer_testdata::attack_data_dir())
        .args(["data", "info"]));
    assert!(r.stdout.contains("release:      18.1\n"), "{}", r.stdout);
}

/// The `objects  active revoked deprecated` table of `data info`: label → counts.
fn object_table(text: &str) -> BTreeMap<String, [usize; 3]> {
    text.lines()
        .skip_while(|l| !l.starts_with("objects"))
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .filter_map(|l| {
            let parts: Vec<&str> = l.split_whitespace().collect();
            let n = parts.len();
            if n < 4 {
                return None;
            }
            let nums: Vec<usize> = parts[n - 3..]
                .iter()
                .filter_map(|p| p.parse().ok())
                .collect();
            let label = parts[..n - 3].join(" ");
            (nums.len() == 3).then(|| (label, [nums[0], nums[1], nums[2]]))
        })
        .collect()
}
