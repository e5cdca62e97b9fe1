//! HTTP tests of every endpoint against the real router (`tower::ServiceExt::oneshot`), a
//! temporary SQLite file and the real ATT&CK releases of the shared test data.

mod common;

use std::collections::BTreeSet;
use std::time::Duration;

use axum::body::Body;
use axum::http::{Method, StatusCode};
use common::{layer, server, server_with};
use serde_json::{json, Value};

#[tokio::test]
async fn layers_crud_with_revisions_and_optimistic_concurrency() {
    let s = server();
    let r = s
        .post_json("/api/layers?key=team-a", &layer("Team A"))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    assert_eq!(r.json()["key"], "team-a");
    assert_eq!(r.json()["revision"], 1);
    assert_eq!(r.header("etag"), "\"1\"");

    // A second create under the same key is refused, nothing replaced.
    let r = s.post_json("/api/layers?key=team-a", &layer("Other")).await;
    r.assert_error(StatusCode::CONFLICT);

    // Without a key, one is made from the name.
    let r = s.post_json("/api/layers", &layer("APT29 (G0016)")).await;
    assert_eq!(r.json()["key"], "apt29-g0016");

    let list = s.get("/api/layers").await.json();
    let keys: Vec<&str> = list["layers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, vec!["apt29-g0016", "team-a"]);
    assert_eq!(list["layers"][1]["techniques"], 2);
    assert_eq!(list["layers"][1]["name"], "Team A");

    let r = s.get("/api/layers/team-a").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.header("etag"), "\"1\"");
    assert_eq!(r.json()["techniques"][0]["score"], 3);

    // Save revision 2 based on 1.
    let mut v2 = layer("Team A");
    v2["techniques"][0]["score"] = json!(42);
    let r = s.put_json("/api/layers/team-a", &v2, Some("\"1\"")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["revision"], 2);

    // A write based on the stale revision 1 gets 409 and changes nothing.
    let mut stale = layer("Team A");
    stale["techniques"][0]["score"] = json!(7);
    let r = s
        .put_json("/api/layers/team-a", &stale, Some("\"1\""))
        .await;
    let e = r.assert_error(StatusCode::CONFLICT);
    assert_eq!(e["current_revision"], 2);
    assert_eq!(
        s.get("/api/layers/team-a").await.json()["techniques"][0]["score"],
        42
    );

    // A write that names no base revision is refused (428), ?base= works like If-Match.
    s.put_json("/api/layers/team-a", &stale, None)
        .await
        .assert_error(StatusCode::PRECONDITION_REQUIRED);
    let r = s.put_json("/api/layers/team-a?base=2", &stale, None).await;
    assert_eq!(r.json()["revision"], 3);

    // Revisions: newest first; old ones fetchable.
    let revs = s.get("/api/layers/team-a/revisions").await.json();
    let numbers: Vec<i64> = revs["revisions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["revision"].as_i64().unwrap())
        .collect();
    assert_eq!(numbers, vec![3, 2, 1]);
    let r1 = s.get("/api/layers/team-a/revisions/1").await;
    assert_eq!(r1.json()["techniques"][0]["score"], 3);
    assert_eq!(
        s.get("/api/layers/team-a?revision=2").await.json()["techniques"][0]["score"],
        42
    );
    s.get("/api/layers/team-a/revisions/9")
        .await
        .assert_error(StatusCode::NOT_FOUND);
    s.get("/api/layers/team-a/revisions/zero")
        .await
        .assert_error(StatusCode::BAD_REQUEST);

    // Restore revision 1 as revision 4.
    let r = s
        .call(
            Method::POST,
            "/api/layers/team-a/revisions/1/restore",
            Body::empty(),
            &[("if-match", "\"3\"")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["revision"], 4);
    assert_eq!(
        s.get("/api/layers/team-a").await.json()["techniques"][0]["score"],
        3
    );
    let r = s
        .call(
            Method::POST,
            "/api/layers/team-a/revisions/1/restore",
            Body::empty(),
            &[("if-match", "\"3\"")],
        )
        .await;
    r.assert_error(StatusCode::CONFLICT);

    // Delete: a stale base is refused, then it goes.
    let r = s
        .call(
            Method::DELETE,
            "/api/layers/team-a",
            Body::empty(),
            &[("if-match", "\"1\"")],
        )
        .await;
    r.assert_error(StatusCode::CONFLICT);
    let r = s
        .call(Method::DELETE, "/api/layers/team-a", Body::empty(), &[])
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    s.get("/api/layers/team-a")
        .await
        .assert_error(StatusCode::NOT_FOUND);
    assert_eq!(s.state.store.integrity_check().unwrap(), "ok");
}

#[tokio::test]
async fn import_stores_any_format_as_4_5_with_the_conversion_findings() {
    let s = server();
    // A format 2.x layer as the Navigator wrote it in 2019.
    let old = json!({
        "name": "Old layer",
        "version": "2.2",
        "domain": "mitre-enterprise",
        "description": "",
        "filters": {"stages": ["act"], "platforms": ["windows"]},
        "techniques": [{"techniqueID": "T1086", "tactic": "execution", "score": 1, "color": "", "comment": ""}],
        "viewMode": 0
    });
    let r = s
        .call(
            Method::POST,
            "/api/import?filename=old%20layer.json",
            old.to_string(),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let out = r.json();
    let first = &out["layers"][0];
    assert_eq!(first["key"], "old-layer");
    assert_eq!(first["originalVersion"], "2.2");
    assert!(
        !first["findings"].as_array().unwrap().is_empty(),
        "an upgrade from 2.2 reports what it changed: {first}"
    );
    let stored = s.get("/api/layers/old-layer").await.json();
    assert_eq!(stored["versions"]["layer"], "4.5");
    assert_eq!(stored["domain"], "enterprise-attack");

    // A real layer of the corpus (a file with many annotations).
    let path =
        navlayer_testdata::layers_corpus_dir().join("BoogleCloud__influence-energy/ie1_layer.json");
    let bytes = std::fs::read(&path).unwrap();
    let original: Value = serde_json::from_slice(&bytes).unwrap();
    let r = s
        .call(Method::POST, "/api/import?key=ie1", bytes, &[])
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let stored = s.get("/api/layers/ie1").await.json();
    assert_eq!(stored["name"], original["name"]);
    assert_eq!(
        stored["techniques"].as_array().unwrap().len(),
        original["techniques"].as_array().unwrap().len()
    );

    // Importing under a taken file name picks a free key.
    let r = s
        .call(
            Method::POST,
            "/api/import?filename=old%20layer.json",
            old.to_string(),
            &[],
        )
        .await;
    assert_eq!(r.json()["layers"][0]["key"], "old-layer-2");
}

#[tokio::test]
async fn bad_bodies_get_json_errors_with_a_pointer() {
    let s = server();
    let r = s
        .call(
            Method::POST,
            "/api/layers",
            "{\"name\": \"x\",\n \"domain\": ",
            &[],
        )
        .await;
    let e = r.assert_error(StatusCode::BAD_REQUEST);
    assert!(e["pointer"].as_str().unwrap().contains("line 2"), "{e}");

    // A value the reader would drop: API writes are refused (nothing stored), import keeps the
    // layer and reports the finding.
    let mut bad = layer("bad");
    bad["techniques"][1]["score"] = json!("high");
    let r = s.post_json("/api/layers", &bad).await;
    let e = r.assert_error(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(e["pointer"], "/techniques/1/score", "{e}");
    assert_eq!(s.get("/api/layers").await.json()["layers"], json!([]));
    let r = s.post_json("/api/import", &bad).await;
    assert_eq!(r.status, StatusCode::CREATED);
    assert!(r.json()["layers"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["pointer"] == "/techniques/1/score" && f["severity"] == "error"));
    // JSON that is not a layer.
    let e = s
        .post_json("/api/layers", &json!(42))
        .await
        .assert_error(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("not a Navigator layer"),
        "{e}"
    );

    s.call(Method::POST, "/api/layers", "", &[])
        .await
        .assert_error(StatusCode::BAD_REQUEST);
    let e = s
        .get("/api/nothing-here")
        .await
        .assert_error(StatusCode::NOT_FOUND);
    assert!(e["message"].as_str().unwrap().contains("/api/nothing-here"));
    s.call(Method::PATCH, "/api/layers", "", &[])
        .await
        .assert_error(StatusCode::METHOD_NOT_ALLOWED);
    s.get("/api/layers/team/render/gif")
        .await
        .assert_error(StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn limits_body_size_entry_count_and_timeout() {
    let s = server_with(|c| {
        c.limits.body_bytes = 4096;
        c.limits.entries = 3;
    });
    let mut big = layer("big");
    big["description"] = json!("x".repeat(5000));
    let e = s
        .post_json("/api/layers", &big)
        .await
        .assert_error(StatusCode::PAYLOAD_TOO_LARGE);
    assert!(e["message"].as_str().unwrap().contains("larger"), "{e}");

    let mut many = layer("many");
    many["techniques"] = json!((0..4)
        .map(|i| json!({"techniqueID": format!("T10{i:02}")}))
        .collect::<Vec<_>>());
    let e = s
        .post_json("/api/layers", &many)
        .await
        .assert_error(StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(e["pointer"], "/techniques");
    assert_eq!(s.get("/api/layers").await.json()["layers"], json!([]));

    // Loading a whole ATT&CK release cannot finish in a millisecond: the request times out.
    let slow = server_with(|c| c.limits.timeout = Duration::from_millis(1));
    slow.get("/api/releases/enterprise/17.1/matrix")
        .await
        .assert_error(StatusCode::SERVICE_UNAVAILABLE);
}

#[tokio::test]
async fn a_token_guards_every_write_but_not_reads() {
    const TOKEN: &str = "0123456789abcdef-test-token";
    let s = server_with(|c| c.token = Some(TOKEN.into()));
    let body = layer("guarded").to_string();
    let bearer = format!("Bearer {TOKEN}");
    let writes: [(Method, &str); 9] = [
        (Method::POST, "/api/layers"),
        (Method::POST, "/api/import"),
        (Method::PUT, "/api/layers/guarded"),
        (Method::DELETE, "/api/layers/guarded"),
        (Method::POST, "/api/layers/guarded/revisions/1/restore"),
        (Method::POST, "/api/validate"),
        (Method::POST, "/api/render/svg"),
        (Method::POST, "/api/generate"),
        (Method::POST, "/api/combine"),
    ];
    for (m, uri) in writes.iter().cloned() {
        let r = s.call(m.clone(), uri, body.clone(), &[]).await;
        r.assert_error(StatusCode::UNAUTHORIZED);
        assert!(
            r.header("www-authenticate").starts_with("Bearer"),
            "{m} {uri}"
        );
        // From a client of its own each: a client sending wrong tokens again and again is made
        // to wait (see hardening.rs).
        let peer = format!(
            "127.0.0.{}:4000",
            writes.iter().position(|w| w.1 == uri).unwrap() + 2
        );
        let ct = [
            ("authorization", "Bearer wrong-token-wrong-token"),
            ("content-type", "application/json"),
        ];
        let r = s
            .call_from(
                Some(peer.parse().unwrap()),
                m.clone(),
                uri,
                body.clone(),
                &ct,
            )
            .await;
        r.assert_error(StatusCode::UNAUTHORIZED);
    }
    assert_eq!(s.get("/api/layers").await.json()["layers"], json!([]));
    let r = s
        .call(
            Method::POST,
            "/api/layers",
            body.clone(),
            &[("authorization", &bearer)],
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    // Reads stay open.
    assert_eq!(s.get("/api/layers/guarded").await.status, StatusCode::OK);
    assert_eq!(s.get("/").await.status, StatusCode::OK);
}

#[test]
fn non_loopback_addresses_need_a_token() {
    use navlayer_server::{check_address, ServerError};
    let lan = "0.0.0.0:8080".parse().unwrap();
    assert!(matches!(
        check_address(&lan, None),
        Err(ServerError::TokenRequired { .. })
    ));
    assert!(matches!(
        check_address(&lan, Some("short")),
        Err(ServerError::WeakToken)
    ));
    assert!(check_address(&lan, Some("0123456789abcdef0123")).is_ok());
    assert!(check_address(&"127.0.0.1:8080".parse().unwrap(), None).is_ok());
    assert!(check_address(&"[::1]:8080".parse().unwrap(), None).is_ok());
}

#[tokio::test]
async fn path_traversal_in_any_name_is_400() {
    let s = server();
    s.post_json("/api/layers?key=safe", &layer("safe")).await;
    let bad = [
        "/api/layers/..%2F..%2Fetc%2Fpasswd",
        "/api/layers/%2e%2e",
        "/api/layers/%2E%2E/revisions",
        "/api/layers/a..b",
        "/api/layers/.hidden",
        "/api/layers/safe%5C..%5Cx",
        "/api/layers/safe%00",
        "/api/layers/safe/revisions/..%2F1",
        "/api/layers/safe/render/..%2Fsvg",
        "/api/releases/..%2F..%2Fetc/18.1/tactics",
        "/api/releases/enterprise/18.1/objects/..%2F..%2Fpasswd",
        "/assets/..%2F..%2FCargo.toml",
        "/api/layers/safe/../../../etc/passwd",
    ];
    for uri in bad {
        let r = s.get(uri).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{uri}: {}", r.text());
        r.assert_error(StatusCode::BAD_REQUEST);
    }
    for uri in [
        "/api/layers?key=..%2Fescape",
        "/api/layers?key=a%2Fb",
        "/api/import?key=..",
    ] {
        s.post_json(uri, &layer("x"))
            .await
            .assert_error(StatusCode::BAD_REQUEST);
    }
    s.put_json("/api/layers/..%2Fsafe", &layer("x"), Some("\"1\""))
        .await
        .assert_error(StatusCode::BAD_REQUEST);
    // The layer is untouched and nothing else was stored.
    assert_eq!(
        s.get("/api/layers").await.json()["layers"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn openapi_lists_every_route_and_only_routes() {
    let s = server();
    let doc = s.get("/api/openapi.json").await.json();
    assert_eq!(doc["openapi"], "3.1.0");
    let documented: BTreeSet<(String, String)> = doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(p, ops)| {
            ops.as_object()
                .unwrap()
                .keys()
                .map(move |m| (p.clone(), m.to_ascii_uppercase()))
        })
        .collect();
    // The routes the router defines, read from its source: router.rs and every routes/ file.
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = vec![src.join("router.rs")];
    let mut route_files: Vec<_> = std::fs::read_dir(src.join("routes"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "rs"))
        .collect();
    route_files.sort();
    files.extend(route_files);
    let source: String = files
        .iter()
        .map(|f| std::fs::read_to_string(f).unwrap())
        .collect();
    let mut routed = BTreeSet::new();
    for chunk in source.split(".route(").skip(1) {
        let path = chunk.split('"').nth(1).unwrap();
        // The arguments of this `.route(`: up to its closing parenthesis.
        let mut depth = 1;
        let mut end = chunk.len();
        for (i, c) in chunk.char_indices() {
            match c {
                '(' => depth += 1,
                ')' => {
                    depth -= 1;
                    if depth == 0 {
                        end = i;
                        break;
                    }
                }
                _ => {}
            }
        }
        let args = &chunk[..end];
        for (m, verb) in [
            ("get(", "GET"),
            ("post(", "POST"),
            ("put(", "PUT"),
            ("delete(", "DELETE"),
        ] {
            let found = args.match_indices(m).any(|(i, _)| {
                i == 0 || !args[..i].ends_with(|c: char| c.is_alphanumeric() || c == '_')
            });
            if found {
                routed.insert((path.to_string(), verb.to_string()));
            }
        }
    }
    assert!(
        routed.len() >= 25,
        "found only {} routes in router.rs and routes/",
        routed.len()
    );
    let missing: Vec<_> = routed.difference(&documented).collect();
    assert!(
        missing.is_empty(),
        "routes missing from openapi.json: {missing:?}"
    );
    let extra: Vec<_> = documented.difference(&routed).collect();
    assert!(
        extra.is_empty(),
        "openapi.json documents routes that do not exist: {extra:?}"
    );
}

#[tokio::test]
async fn browsing_releases_tactics_techniques_objects_and_search() {
    let s = server();
    let cat = navlayer_testdata::catalogue("enterprise-attack-18.1.json");

    let rel = s.get("/api/releases").await.json();
    let names: BTreeSet<String> = rel["releases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            format!(
                "{} {}",
                r["short"].as_str().unwrap(),
                r["release"].as_str().unwrap()
            )
        })
        .collect();
    for want in [
        "enterprise 18.1",
        "enterprise 17.1",
        "mobile 18.1",
        "ics 18.1",
    ] {
        assert!(names.contains(want), "{want} missing from {names:?}");
    }

    let t = s.get("/api/releases/enterprise/18.1/tactics").await.json();
    let ids: Vec<&str> = t["tactics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["id"].as_str().unwrap())
        .collect();
    let expected: Vec<&str> = cat
        .tactics()
        .iter()
        .map(|&id| cat.object(id).display_id())
        .collect();
    assert_eq!(ids, expected);
    assert_eq!(
        ids.first(),
        Some(&"TA0043"),
        "Reconnaissance comes first in 18.1"
    );
    // "latest" is the newest enterprise release.
    assert_eq!(
        s.get("/api/releases/enterprise/latest/tactics")
            .await
            .json()["release"],
        "18.1"
    );

    let techs = s
        .get("/api/releases/enterprise/18.1/techniques")
        .await
        .json();
    assert_eq!(
        techs["techniques"].as_array().unwrap().len(),
        cat.active_techniques().count()
    );

    let o = s
        .get("/api/releases/enterprise/18.1/objects/T1059")
        .await
        .json();
    assert_eq!(o["name"], "Command and Scripting Interpreter");
    assert!(o["subtechniques"]
        .as_array()
        .unwrap()
        .iter()
        .any(|x| x["id"] == "T1059.001"));
    let e = s
        .get("/api/releases/enterprise/18.1/objects/T1059.999")
        .await
        .assert_error(StatusCode::NOT_FOUND);
    assert!(e["message"].as_str().unwrap().contains("T1059.999"));
    s.get("/api/releases/pre/18.1/tactics")
        .await
        .assert_error(StatusCode::BAD_REQUEST);
    s.get("/api/releases/enterprise/99.0/tactics")
        .await
        .assert_error(StatusCode::NOT_FOUND);

    let r = s
        .get("/api/releases/enterprise/18.1/search?q=powershell")
        .await
        .json();
    assert_eq!(r["results"][0]["id"], "T1059.001", "{r}");
    let r = s
        .get("/api/releases/enterprise/18.1/search?q=G0016")
        .await
        .json();
    assert_eq!(r["results"][0]["name"], "APT29");
    s.get("/api/releases/enterprise/18.1/search")
        .await
        .assert_error(StatusCode::BAD_REQUEST);

    let m = s.get("/api/releases/ics/18.1/matrix").await.json();
    let ics = navlayer_testdata::catalogue("ics-attack-18.1.json");
    assert_eq!(m["tactics"].as_array().unwrap().len(), ics.tactics().len());
    for (col, &tid) in m["tactics"].as_array().unwrap().iter().zip(ics.tactics()) {
        let n = ics
            .techniques_in_tactic(tid)
            .into_iter()
            .filter(|&x| ics.object(x).kind == navlayer_attack::ObjectKind::Technique)
            .count();
        assert_eq!(col["techniques"].as_array().unwrap().len(), n);
    }
}

#[tokio::test]
async fn validation_of_stored_and_posted_layers() {
    let s = server();
    let mut l = layer("to validate");
    l["techniques"]
        .as_array_mut()
        .unwrap()
        .push(json!({"techniqueID": "T9999", "score": 1}));
    s.post_json("/api/layers?key=v", &l).await;
    let r = s.get("/api/layers/v/validate").await.json();
    assert_eq!(r["revision"], 1);
    let findings = r["findings"].as_array().unwrap();
    assert!(
        findings
            .iter()
            .any(|f| f["pointer"] == "/techniques/2/techniqueID"
                && f["message"].as_str().unwrap().contains("T9999")),
        "{r}"
    );
    assert!(
        !findings
            .iter()
            .any(|f| f["pointer"].as_str().unwrap().starts_with("/techniques/0/")),
        "T1059 is valid: {r}"
    );
    let r = s.post_json("/api/validate", &l).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert!(r.json()["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["message"].as_str().unwrap().contains("T9999")));
}

#[tokio::test]
async fn the_web_ui_is_served_embedded_with_a_strict_policy() {
    let s = server();
    let r = s.get("/").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.header("content-type").starts_with("text/html"));
    let csp = r.header("content-security-policy");
    assert!(
        csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
        "{csp}"
    );
    assert_eq!(r.header("cache-control"), "no-cache");
    let html = r.text();
    // The page refers to this build's versioned paths, which may be cached for good.
    let version = html
        .split("\"/assets/v/")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .expect("index.html names /assets/v/VERSION/…")
        .to_string();
    let prefix = format!("/assets/v/{version}");
    assert!(html.contains("id=\"matrix\"") && html.contains(&format!("\"{prefix}/js/app.js\"")));
    assert!(
        !html.contains("\"/assets/js/"),
        "every asset path is versioned"
    );
    for path in [format!("{prefix}/style.css"), format!("{prefix}/js/app.js")] {
        let a = s.get(&path).await;
        assert_eq!(a.status, StatusCode::OK, "{path}");
        assert!(a.header("cache-control").contains("immutable"), "{path}");
        assert!(a
            .header("content-security-policy")
            .contains("script-src 'self'"));
    }
    assert_eq!(
        s.get("/assets/v/0000000000000000/js/app.js").await.status,
        StatusCode::NOT_FOUND,
        "another build's version"
    );
    assert_eq!(
        s.get("/assets/js/app.js").await.header("cache-control"),
        "no-cache"
    );
    assert!(s
        .get("/assets/style.css")
        .await
        .header("content-type")
        .starts_with("text/css"));
    // Every module app.js imports, transitively, is served as JavaScript.
    let mut texts = vec![
        ("index.html".to_string(), html),
        (
            "style.css".to_string(),
            s.get("/assets/style.css").await.text(),
        ),
    ];
    let mut todo = vec!["app.js".to_string()];
    let mut seen = std::collections::BTreeSet::new();
    while let Some(name) = todo.pop() {
        if !seen.insert(name.clone()) {
            continue;
        }
        let js = s.get(&format!("/assets/js/{name}")).await;
        assert_eq!(js.status, StatusCode::OK, "{name}");
        assert!(js.header("content-type").starts_with("text/javascript"));
        let text = js.text();
        for part in text.split("from \"./").skip(1) {
            if let Some(end) = part.find('"') {
                todo.push(part[..end].to_string());
            }
        }
        texts.push((name, text));
    }
    assert!(seen.len() >= 10, "modules: {seen:?}");
    assert_eq!(
        s.get("/assets/js/nope.js").await.status,
        StatusCode::NOT_FOUND
    );
    // No CDN, no external font, and no innerHTML anywhere in the scripts.
    for (name, text) in texts {
        assert!(
            !text.contains("http://") && !text.contains("https://"),
            "{name} loads something from outside"
        );
        assert!(
            !text.contains("innerHTML")
                && !text.contains("outerHTML")
                && !text.contains("insertAdjacentHTML"),
            "{name} builds HTML from strings"
        );
    }
    assert_eq!(s.get("/api/health").await.json()["status"], "ok");
}

#[tokio::test]
async fn rendering_in_every_format_through_the_render_crates() {
    let s = server();
    s.post_json("/api/layers?key=r", &layer("Render <me> & \"you\""))
        .await;
    let svg = s.get("/api/layers/r/render/svg").await;
    assert_eq!(svg.status, StatusCode::OK, "{}", svg.text());
    assert_eq!(svg.header("content-type"), "image/svg+xml");
    assert!(svg.header("content-security-policy").contains("sandbox"));
    let text = svg.text();
    assert!(text.contains("<svg"));
    // The comment's script is escaped, never markup.
    assert!(!text.contains("<script"), "unescaped layer text in SVG");
    // The same revision renders to the same bytes (served from the cache the second time).
    assert_eq!(s.get("/api/layers/r/render/svg").await.body, svg.body);

    let png = s.get("/api/layers/r/render/png").await;
    assert_eq!(png.status, StatusCode::OK);
    assert_eq!(&png.body[..8], b"\x89PNG\r\n\x1a\n");
    let xlsx = s.get("/api/layers/r/render/xlsx").await;
    assert_eq!(&xlsx.body[..2], b"PK");
    assert!(xlsx.header("content-disposition").contains("attachment"));
    let html = s.get("/api/layers/r/render/html").await;
    assert!(html.text().contains("T1059"));
    assert!(!html.text().contains("<script>alert(1)"));
    let csv = s.get("/api/layers/r/render/csv").await.text();
    assert!(csv.contains("T1059.001"), "{csv}");
    let md = s.get("/api/layers/r/render/md").await.text();
    assert!(md.contains('|') && md.contains("T1059"), "{md}");
    let json = s.get("/api/layers/r/render/json").await.json();
    assert_eq!(json["name"], "Render <me> & \"you\"");

    // A past revision renders what it held.
    let mut v2 = layer("Render <me> & \"you\"");
    v2["techniques"][1]["techniqueID"] = json!("T1566.001");
    s.put_json("/api/layers/r", &v2, Some("\"1\"")).await;
    assert!(s
        .get("/api/layers/r/render/csv")
        .await
        .text()
        .contains("T1566.001"));
    assert!(!s
        .get("/api/layers/r/render/csv?revision=1")
        .await
        .text()
        .contains("T1566.001"));

    let posted = s.post_json("/api/render/svg", &layer("posted")).await;
    assert_eq!(posted.status, StatusCode::OK);
    assert!(posted.text().contains("<svg"));
}

/// The export dialog's path: `POST /api/render/{format}` with `{layer, options}` passes every
/// field of the render crate's `RenderOptions` (the output equals the render crate's own for the
/// same options), draws PDF, honours annotated-only, and refuses bad options with a clear 400.
#[tokio::test]
async fn render_options_reach_the_render_crate_and_bad_ones_are_refused() {
    let s = server();
    let l = layer("options");
    let options = json!({
        "layout": "mini", "showID": false, "showName": true, "subtechniques": "all",
        "annotatedOnly": true, "pageSize": "a3", "orientation": "portrait", "fit": "page",
        "theme": "dark", "header": {"legend": false, "platforms": false}, "scores": "none",
        "marks": {"underline": false, "subtechniqueCounts": false}, "pages": "per-matrix",
        "dpi": 72, "embedFont": false
    });
    let posted = s
        .post_json("/api/render/svg", &json!({"layer": l, "options": options}))
        .await;
    assert_eq!(posted.status, StatusCode::OK, "{}", posted.text());
    // The same drawing the render crate makes with those options.
    let opts: navlayer_render::RenderOptions = serde_json::from_value(options.clone()).unwrap();
    let parsed: navlayer_layer::Layer = serde_json::from_value(l.clone()).unwrap();
    let cat = navlayer_testdata::catalogue("enterprise-attack-18.1.json");
    let view = navlayer_render::MatrixView::build(&parsed, &cat, &opts);
    let single = navlayer_render::RenderOptions {
        pages: navlayer_render::Pages::Single,
        ..opts.clone()
    };
    let drawing = navlayer_render::layout(&view, &single).unwrap();
    let expected = navlayer_render_svg::svg_of(&drawing, &view, &opts);
    assert_eq!(
        posted.text(),
        expected,
        "the server dropped or changed an option"
    );
    let default = s.post_json("/api/render/svg", &l).await.text();
    assert_ne!(default, expected, "the options changed nothing");

    let pdf = s
        .post_json("/api/render/pdf", &json!({"layer": l, "options": options}))
        .await;
    assert_eq!(pdf.status, StatusCode::OK, "{}", pdf.text());
    assert_eq!(pdf.header("content-type"), "application/pdf");
    assert!(pdf.body.starts_with(b"%PDF-"));
    assert!(pdf.header("content-disposition").contains("options.pdf"));

    // Annotated only: the picture draws the two annotated techniques, not the whole matrix.
    let drawn = |opts: Value| {
        let s = &s;
        let l = l.clone();
        async move {
            let svg = s
                .post_json("/api/render/svg", &json!({"layer": l, "options": opts}))
                .await
                .text();
            ["T1059", "T1566", "T1003"].map(|id| svg.contains(&format!(">{id}")))
        }
    };
    let base = json!({"showID": true, "subtechniques": "all"});
    assert_eq!(drawn(base.clone()).await, [true, true, true]);
    let mut only = base;
    only["annotatedOnly"] = json!(true);
    assert_eq!(drawn(only).await, [true, false, false], "annotated-only");

    for (opts, pointer, says) in [
        (json!({"theme": "purple"}), "/options/theme", "purple"),
        (json!({"bogus": 1}), "/options/bogus", "unknown field"),
        (
            json!({"pageSize": "huge"}),
            "/options/pageSize",
            "page size",
        ),
        (json!({"dpi": 5}), "/options/dpi", "10 to 1200"),
        (json!({"fontSize": 500}), "/options/fontSize", "1 to 72"),
        (
            json!({"marks": {"commentColor": "nope"}}),
            "/options/commentColor",
            "nope",
        ),
        (
            json!({"subtechniques": 3}),
            "/options/subtechniques",
            "invalid type",
        ),
        (json!("dark"), "/options", "RenderOptions"),
    ] {
        let r = s
            .post_json("/api/render/svg", &json!({"layer": l, "options": opts}))
            .await;
        let e = r.assert_error(StatusCode::BAD_REQUEST);
        assert_eq!(e["pointer"], pointer, "{e}");
        let m = e["message"].as_str().unwrap_or_default();
        assert!(m.contains(says), "{opts}: {m}");
    }
    // A minimum text size the page cannot give is the request's fault, not the server's.
    let r = s
        .post_json(
            "/api/render/pdf",
            &json!({"layer": l, "options": {"subtechniques": "all", "minFontSize": 40}}),
        )
        .await;
    r.assert_error(StatusCode::UNPROCESSABLE_ENTITY);
    s.post_json("/api/layers?key=p", &l).await;
    let stored = s.get("/api/layers/p/render/pdf").await;
    assert_eq!(stored.status, StatusCode::OK, "{}", stored.text());
    assert!(stored.body.starts_with(b"%PDF-"));
}

#[tokio::test]
async fn the_matrix_view_carries_the_renderers_colours() {
    let s = server();
    s.post_json("/api/layers?key=v", &layer("view")).await;
    let v = s.get("/api/layers/v/view").await.json();
    assert_eq!(v["release"], "18.1");
    let cat = navlayer_testdata::catalogue("enterprise-attack-18.1.json");
    assert_eq!(v["columns"].as_array().unwrap().len(), cat.tactics().len());
    let exec = v["columns"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["shortname"] == "execution")
        .unwrap();
    let t1059 = exec["cells"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "T1059")
        .unwrap();
    assert_eq!(t1059["score"].as_f64(), Some(3.0));
    assert_eq!(t1059["comment"], "<script>alert(1)</script>");
    // Score 3 on a white→#ff6666 gradient over 0..100: close to white, but not white.
    let bg = t1059["background"].as_str().unwrap();
    assert!(bg.starts_with("#ff") && bg != "#ffffff", "{bg}");
    // Posting an edited layer gives the view of the edit.
    let mut edited = layer("view");
    edited["techniques"][0]["color"] = json!("#123456");
    let v = s.post_json("/api/view", &edited).await.json();
    let cell = v["columns"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["cells"].as_array().unwrap())
        .find(|c| c["id"] == "T1059" && c["tactic"] == "execution")
        .unwrap()
        .clone();
    assert_eq!(cell["background"], "#123456");
    assert_eq!(cell["text"], "#ffffff");
}

#[tokio::test]
async fn generation_combine_diff_and_migrate_call_the_libraries() {
    let s = server();
    // Generation: the exact bytes of attack.mitre.org's M1038 layer, computed by navlayer-generate.
    let r = s
        .post_json(
            "/api/generate",
            &json!({"id": "M1038", "domain": "enterprise", "release": "18.1"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let cat = navlayer_testdata::catalogue("enterprise-attack-18.1.json");
    let expected =
        navlayer_generate::Generator::new(&cat, navlayer_generate::GenerateOptions::default())
            .generate(cat.by_attack_id("M1038").unwrap())
            .unwrap()
            .to_json();
    assert_eq!(r.text(), expected);
    let r = s
        .post_json("/api/generate", &json!({"id": "G0016", "store": true}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    assert_eq!(r.json()["key"], "g0016-enterprise");
    let apt29 = s.get("/api/layers/g0016-enterprise").await.json();
    assert!(apt29["name"].as_str().unwrap().contains("APT29"));
    assert!(apt29["techniques"].as_array().unwrap().len() > 10);
    s.post_json("/api/generate", &json!({"id": "T1059"}))
        .await
        .assert_error(StatusCode::UNPROCESSABLE_ENTITY);
    s.post_json("/api/generate", &json!({"id": "M9999"}))
        .await
        .assert_error(StatusCode::NOT_FOUND);
    s.post_json("/api/generate", &json!({"idd": "M1038"}))
        .await
        .assert_error(StatusCode::BAD_REQUEST);

    // Combine two stored layers: a + b per technique.
    s.post_json("/api/layers?key=one", &layer("one")).await;
    let mut two = layer("two");
    two["techniques"][0]["score"] = json!(10);
    s.post_json("/api/layers?key=two", &two).await;
    let r = s
        .post_json(
            "/api/combine",
            &json!({"expression": "a + b", "layers": {"a": "one", "b": "two"}, "name": "sum", "store": true}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let sum = s
        .get(&format!(
            "/api/layers/{}",
            r.json()["key"].as_str().unwrap()
        ))
        .await
        .json();
    assert_eq!(sum["name"], "sum");
    let t1059 = sum["techniques"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["techniqueID"] == "T1059")
        .unwrap();
    assert_eq!(t1059["score"], 13);
    s.post_json(
        "/api/combine",
        &json!({"expression": "a +* b", "layers": ["one", "two"]}),
    )
    .await
    .assert_error(StatusCode::UNPROCESSABLE_ENTITY);
    s.post_json(
        "/api/combine",
        &json!({"expression": "a", "layers": ["../one"]}),
    )
    .await
    .assert_error(StatusCode::BAD_REQUEST);

    // Diff: the changed score is reported.
    let d = s
        .post_json("/api/diff", &json!({"a": "one", "b": "two"}))
        .await
        .json();
    assert_eq!(d["identical"], false);
    let changed = d["diff"]["changed"].as_array().unwrap();
    assert_eq!(changed.len(), 1, "{d}");
    assert_eq!(changed[0]["technique_id"], "T1059");
    let same = s
        .post_json("/api/diff", &json!({"a": "one", "b": "one"}))
        .await
        .json();
    assert_eq!(same["identical"], true);

    // Migrate a 16.1 layer to 18.1: T1574.002 became T1574.001 (the library's documented case).
    let old = json!({"name": "old", "domain": "enterprise-attack", "versions": {"attack": "16", "layer": "4.5"},
                     "techniques": [{"techniqueID": "T1574.002", "score": 5}]});
    let r = s
        .post_json("/api/migrate", &json!({"layer": old, "to": "18.1"}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let m = r.json();
    assert_eq!(m["from"], "16.1");
    assert_eq!(m["layer"]["techniques"][0]["techniqueID"], "T1574.001");
    assert_eq!(m["layer"]["techniques"][0]["score"], 5);
    assert_eq!(m["report"]["input_entries"], 1);
    s.post_json("/api/migrate", &json!({"to": "18.1"}))
        .await
        .assert_error(StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn multiselect_lists_objects_with_the_catalogues_technique_lists() {
    let s = server();
    let cat = navlayer_testdata::catalogue("enterprise-attack-18.1.json");
    let a = s
        .get("/api/releases/enterprise/18.1/multiselect?q=G0016")
        .await
        .json();
    let apt29 = a["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["id"] == "G0016")
        .expect("APT29 listed")
        .clone();
    let g = cat.by_attack_id("G0016").unwrap();
    let mut want: Vec<String> = cat
        .techniques_used_by(g, true)
        .into_iter()
        .map(|t| cat.object(t).display_id().to_string())
        .collect();
    let mut got: Vec<String> = apt29["techniques"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap().to_string())
        .collect();
    want.sort();
    got.sort();
    assert_eq!(got, want, "a group brings its campaigns' techniques");
    assert!(got.len() > cat.techniques_used_by(g, false).len());

    // Text search over techniques: name and ID by default, description on request.
    let ps = s
        .get("/api/releases/enterprise/18.1/multiselect?q=powershell")
        .await
        .json();
    let names: Vec<&str> = ps["techniques"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["T1059.001", "T1546.013"],
        "PowerShell, PowerShell Profile"
    );
    assert_eq!(ps["techniques"][0]["techniques"], json!(["T1059.001"]));
    let wide = s
        .get("/api/releases/enterprise/18.1/multiselect?q=powershell&fields=description")
        .await
        .json();
    assert!(wide["techniques"].as_array().unwrap().len() > 10);
    // Empty query: every object, no techniques.
    let all = s
        .get("/api/releases/enterprise/18.1/multiselect")
        .await
        .json();
    assert_eq!(all["techniques"], json!([]));
    assert!(all["software"].as_array().unwrap().len() > 500);
    let m = all["mitigations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == "M1038")
        .unwrap()
        .clone();
    assert!(m["techniques"].as_array().unwrap().len() > 50);
    // ICS lists assets with the techniques that target them.
    let ics = s.get("/api/releases/ics/18.1/multiselect").await.json();
    assert!(ics["assets"]
        .as_array()
        .unwrap()
        .iter()
        .any(|x| !x["techniques"].as_array().unwrap().is_empty()));
    s.get(&format!(
        "/api/releases/enterprise/18.1/multiselect?q={}",
        "x".repeat(201)
    ))
    .await
    .assert_error(StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn config_serves_the_context_menu_items() {
    let none = server();
    assert_eq!(
        none.get("/api/config").await.json()["contextMenuItems"],
        json!([])
    );
    let s = server_with(|c| {
        c.context_menu = navlayer_server::parse_context_menu(
            r#"[{"label": "Wiki", "url": "https://wiki.example/{{technique_attackID}}"}]"#,
        )
        .unwrap();
    });
    assert_eq!(
        s.get("/api/config").await.json()["contextMenuItems"][0]["url"],
        "https://wiki.example/{{technique_attackID}}"
    );
}

/// A loopback HTTP server answering every request with `body` after `delay`.
async fn loopback_server(body: Vec<u8>, delay: Duration) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            let body = body.clone();
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                let _ = sock.read(&mut buf).await;
                tokio::time::sleep(delay).await;
                let head = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                    body.len()
                );
                let _ = sock.write_all(head.as_bytes()).await;
                let _ = sock.write_all(&body).await;
            });
        }
    });
    format!("http://{addr}/layers/apt29.json")
}

#[tokio::test]
async fn fetch_opens_a_url_refusing_internal_addresses_unless_allowed() {
    let url = loopback_server(layer("Fetched").to_string().into_bytes(), Duration::ZERO).await;
    // Loopback is refused by default, without contacting it.
    let refused = server()
        .post_json("/api/fetch", &json!({ "url": url }))
        .await
        .assert_error(StatusCode::FORBIDDEN);
    assert!(
        refused["message"].as_str().unwrap().contains("loopback"),
        "{refused}"
    );
    let s = server_with(|c| {
        c.fetch.allow_private = true;
        c.fetch.max_bytes = 64 * 1024;
        c.fetch.timeout = Duration::from_millis(800);
    });
    let ok = s.post_json("/api/fetch", &json!({ "url": url })).await;
    assert_eq!(ok.status, StatusCode::CREATED, "{}", ok.text());
    let key = ok.json()["layers"][0]["key"].as_str().unwrap().to_string();
    assert_eq!(key, "apt29");
    assert_eq!(s.get("/api/layers/apt29").await.json()["name"], "Fetched");
    for bad in [
        "file:///etc/passwd",
        "ftp://127.0.0.1/x",
        "javascript:alert(1)",
    ] {
        let e = s
            .post_json("/api/fetch", &json!({ "url": bad }))
            .await
            .assert_error(StatusCode::UNPROCESSABLE_ENTITY);
        assert!(e["message"]
            .as_str()
            .unwrap()
            .contains("only http and https"));
    }
    let big = loopback_server(vec![b' '; 200 * 1024], Duration::ZERO).await;
    s.post_json("/api/fetch", &json!({ "url": big }))
        .await
        .assert_error(StatusCode::PAYLOAD_TOO_LARGE);
    let slow = loopback_server(b"{}".to_vec(), Duration::from_secs(3)).await;
    s.post_json("/api/fetch", &json!({ "url": slow }))
        .await
        .assert_error(StatusCode::GATEWAY_TIMEOUT);
}

#[tokio::test]
async fn fetch_is_a_write_under_the_origin_content_type_and_token_rules() {
    let url = loopback_server(layer("Fetched").to_string().into_bytes(), Duration::ZERO).await;
    let body = json!({ "url": url }).to_string();
    let s = server_with(|c| {
        c.fetch.allow_private = true;
        c.token = Some("0123456789abcdef0123".into());
    });
    let auth = ("authorization", "Bearer 0123456789abcdef0123");
    // A form post from a page (no preflight): refused before anything is fetched.
    s.call_raw(
        Method::POST,
        "/api/fetch",
        body.clone(),
        &[auth, ("content-type", "text/plain")],
    )
    .await
    .assert_error(StatusCode::UNSUPPORTED_MEDIA_TYPE);
    s.call(
        Method::POST,
        "/api/fetch",
        body.clone(),
        &[auth, ("origin", "http://evil.example")],
    )
    .await
    .assert_error(StatusCode::FORBIDDEN);
    s.call(Method::POST, "/api/fetch", body.clone(), &[])
        .await
        .assert_error(StatusCode::UNAUTHORIZED);
    s.call(
        Method::POST,
        "/api/fetch",
        body.clone(),
        &[auth, ("host", "rebound.example")],
    )
    .await
    .assert_error(StatusCode::FORBIDDEN);
    assert!(s.get("/api/layers").await.json()["layers"]
        .as_array()
        .unwrap()
        .is_empty());
    let ok = s
        .call(
            Method::POST,
            "/api/fetch",
            body,
            &[
                auth,
                ("host", "127.0.0.1:8080"),
                ("origin", "http://127.0.0.1:8080"),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::CREATED, "{}", ok.text());
}

#[tokio::test]
async fn the_layer_list_names_domain_attack_version_and_shown_release() {
    let s = server();
    let mut old = layer("Old");
    old["versions"]["attack"] = json!("16");
    s.post_json("/api/layers?key=old", &old).await;
    s.post_json("/api/layers?key=new", &layer("New")).await;
    let mut ics = layer("Plant");
    ics["domain"] = json!("ics-attack");
    ics["versions"] = json!({"layer": "4.5"});
    ics["techniques"] = json!([]);
    s.post_json("/api/layers?key=plant", &ics).await;
    let list = s.get("/api/layers").await.json();
    let rows: Vec<(String, String, String, Value)> = list["layers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["key"].as_str().unwrap().into(),
                l["domain"].as_str().unwrap().into(),
                l["attack"].as_str().unwrap().into(),
                l["release"].clone(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            (
                "new".into(),
                "enterprise-attack".into(),
                "18".into(),
                json!("18.1")
            ),
            (
                "old".into(),
                "enterprise-attack".into(),
                "16".into(),
                json!("16.1")
            ),
            // No versions.attack: the newest release of its domain.
            (
                "plant".into(),
                "ics-attack".into(),
                "".into(),
                json!("18.1")
            ),
        ]
    );
}

#[tokio::test]
async fn an_upgrade_saves_a_revision_with_its_migration_report() {
    let s = server();
    // T1574.002 became T1574.001 in 18.1; T1059 is unchanged.
    let old = json!({"name": "old", "domain": "enterprise-attack", "versions": {"attack": "16", "layer": "4.5"},
                     "techniques": [{"techniqueID": "T1574.002", "score": 5}, {"techniqueID": "T1059", "score": 1},
                                    {"techniqueID": "T1003", "score": 2}]});
    s.post_json("/api/layers?key=old", &old).await;
    let upgrade = |body: Value, base: &'static str| {
        let s = &s;
        async move {
            s.call(
                Method::POST,
                "/api/layers/old/upgrade",
                body.to_string(),
                &[("if-match", base)],
            )
            .await
        }
    };
    upgrade(json!({"to": "18.1"}), "\"7\"")
        .await
        .assert_error(StatusCode::CONFLICT);
    upgrade(json!({"to": "18.1", "drop": [3]}), "\"1\"")
        .await
        .assert_error(StatusCode::BAD_REQUEST);
    s.call(
        Method::POST,
        "/api/layers/old/upgrade",
        json!({"to": "18.1"}).to_string(),
        &[],
    )
    .await
    .assert_error(StatusCode::PRECONDITION_REQUIRED);
    // The review dropped source entry 2 (T1003).
    let r = upgrade(json!({"to": "18.1", "drop": [2]}), "\"1\"").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let out = r.json();
    assert_eq!(out["revision"], 2);
    assert_eq!(out["from"], "16.1");
    assert_eq!(out["dropped"], 1);
    let note = out["note"].as_str().unwrap();
    assert!(
        note.starts_with("upgrade from ATT&CK v16.1 to v18.1:")
            && note.contains("1 dropped in review"),
        "{note}"
    );
    let saved = s.get("/api/layers/old").await.json();
    let ids: Vec<&str> = saved["techniques"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["techniqueID"].as_str().unwrap())
        .collect();
    assert!(
        ids.contains(&"T1574.001") && ids.contains(&"T1059"),
        "{ids:?}"
    );
    assert!(
        !ids.contains(&"T1003") && !ids.contains(&"T1574.002"),
        "{ids:?}"
    );
    let revs = s.get("/api/layers/old/revisions").await.json();
    assert_eq!(revs["revisions"][0]["note"], note);
    assert_eq!(revs["revisions"][0]["hasReport"], true);
    assert_eq!(revs["revisions"][1]["hasReport"], false);
    let report = s.get("/api/layers/old/revisions/2/report").await.json();
    assert_eq!(report["from"], "16.1");
    assert_eq!(report["to"], "18.1");
    assert_eq!(report["dropped"], json!([2]));
    assert_eq!(report["report"]["input_entries"], 3);
    let moved = report["report"]["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["technique_id"] == "T1574.002")
        .unwrap();
    assert_eq!(moved["new_technique_id"], "T1574.001");
    s.get("/api/layers/old/revisions/1/report")
        .await
        .assert_error(StatusCode::NOT_FOUND);
    let listed = s.get("/api/layers").await.json();
    assert_eq!(listed["layers"][0]["release"], "18.1");
}
