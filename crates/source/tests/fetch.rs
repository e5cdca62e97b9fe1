//! The download path against a loopback HTTP server started by each test: indexes, bundles,
//! gzip, and every failure (HTTP errors, truncated transfers, invalid bundles, refused
//! connections) leaving the cache exactly as it was.

mod support;

use navlayer_attack::{Domain, Release};
use navlayer_source::{Cache, Fetcher, Index, IndexRelease, Location, NoProgress, SourceError};
use support::http::{bundle, index, refused_url, snapshot, Reply, TestServer};

fn rel(text: &str) -> Release {
    Release::parse(text).expect("release")
}

/// A cache holding one earlier release, so "unchanged" is checked against real content.
fn seeded_cache() -> (tempfile::TempDir, Cache) {
    let dir = tempfile::tempdir().expect("tempdir");
    let cache = Cache::new(dir.path());
    cache
        .store(
            Domain::Enterprise,
            rel("1.0"),
            &bundle("enterprise-attack", "1.0"),
        )
        .expect("seed");
    (dir, cache)
}

fn release_at(url: String, domain: Domain, version: &str) -> IndexRelease {
    IndexRelease {
        domain,
        release: rel(version),
        location: Location::Url(url),
        modified: None,
    }
}

/// Installs and expects a failure; checks the cache did not change and returns the message.
fn install_fails(cache: &Cache, release: &IndexRelease) -> (SourceError, String) {
    let before = snapshot(cache.dir());
    let err = Fetcher::without_proxy()
        .install(cache, release, &mut NoProgress)
        .expect_err("install must fail");
    assert_eq!(
        snapshot(cache.dir()),
        before,
        "the cache changed after: {err}"
    );
    let msg = err.to_string();
    assert!(!msg.contains('\n'), "one line: {msg}");
    (err, msg)
}

#[test]
fn fetches_the_newest_release_listed_by_a_served_index() {
    let server_bundle = bundle("enterprise-attack", "2.1");
    let old_bundle = bundle("enterprise-attack", "2.0");
    let server = TestServer::start(vec![
        (
            "/e/enterprise-attack-2.1.json",
            Reply::Ok(server_bundle.clone()),
        ),
        (
            "/e/enterprise-attack-2.0.json",
            Reply::Gzip(old_bundle.clone()),
        ),
    ]);
    let idx_bytes = index(&[(
        "Enterprise ATT&CK",
        vec![
            ("2.0", server.url("/e/enterprise-attack-2.0.json")),
            ("2.1", server.url("/e/enterprise-attack-2.1.json")),
        ],
    )]);
    // The index itself is read from a local file here, and from the server in the CLI tests.
    let dir = tempfile::tempdir().expect("tempdir");
    let index_path = dir.path().join("index.json");
    std::fs::write(&index_path, &idx_bytes).expect("write index");
    let fetcher = Fetcher::without_proxy();
    let idx = fetcher
        .index(&Location::File(index_path.clone()))
        .expect("index");
    let newest = idx.find(Domain::Enterprise, None).expect("newest");
    assert_eq!(newest.release, rel("2.1"));

    let cache = Cache::new(dir.path().join("cache"));
    let path = fetcher
        .install(&cache, newest, &mut NoProgress)
        .expect("install");
    assert_eq!(path, dir.path().join("cache/enterprise-attack-2.1.json"));
    assert_eq!(std::fs::read(&path).expect("read"), server_bundle);

    // A gzip-encoded transfer is stored decoded.
    let older = idx.find(Domain::Enterprise, Some(rel("2.0"))).expect("2.0");
    let path = fetcher
        .install(&cache, older, &mut NoProgress)
        .expect("gzip");
    assert_eq!(std::fs::read(&path).expect("read"), old_bundle);

    let listed: Vec<String> = cache
        .releases()
        .expect("list")
        .iter()
        .map(|r| format!("{} {}", r.domain, r.release))
        .collect();
    assert_eq!(listed, ["enterprise-attack 2.0", "enterprise-attack 2.1"]);
    // No temporary download files left in the cache.
    assert_eq!(snapshot(cache.dir()).len(), 2);
    assert_eq!(
        server.requests(),
        [
            "/e/enterprise-attack-2.1.json",
            "/e/enterprise-attack-2.0.json"
        ]
    );
}

#[test]
fn progress_sees_every_byte() {
    #[derive(Default)]
    struct Count {
        total: Option<u64>,
        seen: u64,
        finished: bool,
    }
    impl navlayer_source::Progress for Count {
        fn start(&mut self, _: &str, total: Option<u64>) {
            self.total = total;
        }
        fn advance(&mut self, n: u64) {
            self.seen += n;
        }
        fn finish(&mut self) {
            self.finished = true;
        }
    }
    let body = bundle("mobile-attack", "3.0");
    let server = TestServer::start(vec![("/m.json", Reply::Ok(body.clone()))]);
    let mut count = Count::default();
    let got = Fetcher::without_proxy()
        .get(&Location::Url(server.url("/m.json")), &mut count)
        .expect("get");
    assert_eq!(got, body);
    assert_eq!(count.total, Some(body.len() as u64));
    assert_eq!(count.seen, body.len() as u64);
    assert!(count.finished);
}

#[test]
fn http_404_leaves_the_cache_unchanged() {
    let (_dir, cache) = seeded_cache();
    let server = TestServer::start(vec![("/x.json", Reply::Status(500))]);
    let (err, msg) = install_fails(
        &cache,
        &release_at(
            server.url("/enterprise-attack-2.0.json"),
            Domain::Enterprise,
            "2.0",
        ),
    );
    assert!(
        matches!(err, SourceError::Http { status: 404, .. }),
        "{msg}"
    );
    assert!(msg.contains("HTTP 404"), "{msg}");
    assert!(msg.contains("enterprise-attack-2.0.json"), "{msg}");
    let (err, msg) = install_fails(
        &cache,
        &release_at(server.url("/x.json"), Domain::Enterprise, "2.0"),
    );
    assert!(
        matches!(err, SourceError::Http { status: 500, .. }),
        "{msg}"
    );
}

#[test]
fn truncated_transfer_leaves_the_cache_unchanged() {
    let (_dir, cache) = seeded_cache();
    let full = bundle("enterprise-attack", "2.0");
    let server = TestServer::start(vec![(
        "/enterprise-attack-2.0.json",
        Reply::Truncated {
            body: full[..full.len() / 2].to_vec(),
            announced: full.len(),
        },
    )]);
    let (err, msg) = install_fails(
        &cache,
        &release_at(
            server.url("/enterprise-attack-2.0.json"),
            Domain::Enterprise,
            "2.0",
        ),
    );
    assert!(matches!(err, SourceError::Network { .. }), "{msg}");
    assert!(msg.contains("download failed"), "{msg}");
}

#[test]
fn invalid_bundles_leave_the_cache_unchanged() {
    let (_dir, cache) = seeded_cache();
    let full = bundle("enterprise-attack", "2.0");
    let server = TestServer::start(vec![
        (
            "/html.json",
            Reply::Ok(b"<html>\n  <body>rate limited</body>".to_vec()),
        ),
        // Complete as far as HTTP goes, but the JSON stops half way.
        ("/half.json", Reply::Ok(full[..full.len() / 2].to_vec())),
        ("/array.json", Reply::Ok(b"[1, 2]".to_vec())),
        (
            "/notbundle.json",
            Reply::Ok(br#"{"type": "report", "objects": []}"#.to_vec()),
        ),
        ("/ics.json", Reply::Ok(bundle("ics-attack", "2.0"))),
        ("/old.json", Reply::Ok(bundle("enterprise-attack", "1.5"))),
    ]);
    let at = |p: &str| release_at(server.url(p), Domain::Enterprise, "2.0");

    let (err, msg) = install_fails(&cache, &at("/html.json"));
    assert!(matches!(err, SourceError::InvalidDownload { .. }), "{msg}");
    assert!(msg.contains("not valid JSON at line 1, column 1"), "{msg}");
    assert!(msg.contains("the cache is unchanged"), "{msg}");

    let (_, msg) = install_fails(&cache, &at("/half.json"));
    assert!(msg.contains("not valid JSON at line"), "{msg}");

    let (_, msg) = install_fails(&cache, &at("/array.json"));
    assert!(msg.contains("not a STIX bundle"), "{msg}");

    let (_, msg) = install_fails(&cache, &at("/notbundle.json"));
    assert!(msg.contains("not a STIX bundle"), "{msg}");

    let (err, msg) = install_fails(&cache, &at("/ics.json"));
    assert!(matches!(err, SourceError::Mismatch { .. }), "{msg}");
    assert!(
        msg.contains("expected enterprise-attack 2.0 but the download holds ics-attack 2.0"),
        "{msg}"
    );

    let (_, msg) = install_fails(&cache, &at("/old.json"));
    assert!(msg.contains("holds enterprise-attack 1.5"), "{msg}");
}

#[test]
fn refused_connection_leaves_the_cache_unchanged() {
    let (_dir, cache) = seeded_cache();
    let (err, msg) = install_fails(
        &cache,
        &release_at(
            refused_url("enterprise-attack-2.0.json"),
            Domain::Enterprise,
            "2.0",
        ),
    );
    assert!(matches!(err, SourceError::Network { .. }), "{msg}");
    assert!(msg.contains("127.0.0.1"), "{msg}");
    assert!(msg.contains("hint:"), "{msg}");
    // An index that cannot be reached says so too.
    let err = Fetcher::without_proxy()
        .index(&Location::Url(refused_url("index.json")))
        .expect_err("refused");
    assert!(matches!(err, SourceError::Network { .. }), "{err}");
}

#[test]
fn index_errors() {
    let server = TestServer::start(vec![(
        "/bad.json",
        Reply::Ok(b"{\"collections\": {}}".to_vec()),
    )]);
    let fetcher = Fetcher::without_proxy();
    let err = fetcher
        .index(&Location::Url(server.url("/index.json")))
        .expect_err("404");
    assert!(
        matches!(err, SourceError::Http { status: 404, .. }),
        "{err}"
    );
    let err = fetcher
        .index(&Location::Url(server.url("/bad.json")))
        .expect_err("bad");
    assert!(
        err.to_string().contains("not an ATT&CK collection index"),
        "{err}"
    );
    let err = fetcher
        .index(&Location::parse("/nonexistent/index.json"))
        .expect_err("missing file");
    assert!(matches!(err, SourceError::Missing { .. }), "{err}");
}

#[test]
fn local_index_with_relative_urls_installs_from_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(dir.path().join("ics")).expect("mkdir");
    let b = bundle("ics-attack", "4.2");
    std::fs::write(dir.path().join("ics/ics-attack-4.2.json"), &b).expect("write");
    std::fs::write(
        dir.path().join("index.json"),
        index(&[(
            "ICS ATT&CK",
            vec![("4.2", "ics/ics-attack-4.2.json".to_string())],
        )]),
    )
    .expect("write");
    let fetcher = Fetcher::without_proxy();
    let idx = fetcher
        .index(&Location::File(dir.path().join("index.json")))
        .expect("index");
    let pick = idx.find(Domain::Ics, None).expect("ics");
    let cache = Cache::new(dir.path().join("cache"));
    let path = fetcher
        .install(&cache, pick, &mut NoProgress)
        .expect("install");
    assert_eq!(std::fs::read(path).expect("read"), b);
}

/// MITRE's real index (a copy in the shared data): three domains, releases with URLs.
#[test]
fn parses_the_official_index() {
    let path = navlayer_testdata::attack_data_dir().join("index.json");
    let bytes = std::fs::read(&path).expect("shared index.json");
    let idx = Index::parse(&bytes, &Location::File(path)).expect("official index");
    let raw: serde_json::Value = serde_json::from_slice(&bytes).expect("json");
    let collections = raw["collections"].as_array().expect("collections");
    assert_eq!(idx.collections.len(), collections.len());
    for (domain, name) in [
        (Domain::Enterprise, "Enterprise ATT&CK"),
        (Domain::Mobile, "Mobile ATT&CK"),
        (Domain::Ics, "ICS ATT&CK"),
    ] {
        let raw_versions = collections
            .iter()
            .find(|c| c["name"] == name)
            .and_then(|c| c["versions"].as_array())
            .expect("collection");
        let releases = idx.releases(domain);
        // Every X.Y version is offered; the others (mobile's 11.x-beta) are listed as skipped.
        let (plain, odd): (Vec<&str>, Vec<&str>) = raw_versions
            .iter()
            .filter_map(|v| v["version"].as_str())
            .partition(|v| Release::parse(v).is_some());
        assert_eq!(releases.len(), plain.len(), "{domain}");
        let collection = idx
            .collections
            .iter()
            .find(|c| c.domain == Some(domain))
            .expect("collection");
        assert_eq!(collection.skipped, odd, "{domain}");
        assert!(odd.iter().all(|v| v.ends_with("-beta")), "{odd:?}");
        // Every release downloads from a file named after its domain and release.
        for r in &releases {
            let url = r.location.to_string();
            assert!(
                url.starts_with("https://")
                    && url.ends_with(&format!("/{}-{}.json", domain.stix_name(), r.release)),
                "{url}"
            );
        }
        // Newest first, and the newest is the highest version the index lists.
        let max = raw_versions
            .iter()
            .filter_map(|v| v["version"].as_str().and_then(Release::parse))
            .max()
            .expect("versions");
        assert_eq!(idx.find(domain, None).expect("newest").release, max);
        assert!(releases.windows(2).all(|w| w[0].release > w[1].release));
    }
    assert_eq!(
        idx.find(Domain::Enterprise, None).expect("newest").release,
        rel("18.1")
    );
}
