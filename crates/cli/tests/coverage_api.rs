//! `POST /api/coverage`, `/api/heatmap` and `/api/gaps` on a server listening on a real loopback
//! socket, against the `navlayer coverage|heatmap|gaps` commands on the same input: the layers
//! must be the same. Rules: SigmaHQ's Linux rules from `$NAVLAYER_SHARED/rules-corpus`.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

use serde_json::{json, Value};

fn navlayer(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_navlayer"))
        .arg("--data")
        .arg(navlayer_testdata::attack_data_dir())
        .args(args)
        .env_remove("NAVLAYER_DATA")
        .env("NAVLAYER_OFFLINE", "1")
        .output()
        .expect("run navlayer")
}

fn cli_layer(args: &[&str], dir: &Path, name: &str) -> Value {
    let out_path = dir.join(name);
    let mut all = args.to_vec();
    all.extend(["-o", out_path.to_str().unwrap()]);
    let out = navlayer(&all);
    assert!(
        out.status.success(),
        "{all:?}: exit {:?}\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&std::fs::read(&out_path).unwrap()).unwrap()
}

/// A server on a real loopback listener, in a runtime of its own.
fn listen() -> (SocketAddr, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let mut config = navlayer_server::Config::new(dir.path().join("db.sqlite"));
    config.data = Some(navlayer_testdata::attack_data_dir());
    config.limits.body_bytes = 32 << 20;
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(listener.local_addr().unwrap()).unwrap();
            let _ = navlayer_server::serve(listener, config).await;
        });
    });
    (rx.recv().unwrap(), dir)
}

/// One HTTP/1.1 POST with `Connection: close`: the status and the body.
fn post(addr: SocketAddr, path: &str, body: &str, extra_headers: &[&str]) -> (u16, Value) {
    let mut c = TcpStream::connect(addr).unwrap();
    c.set_read_timeout(Some(Duration::from_secs(120))).unwrap();
    let mut head = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    if !extra_headers.iter().any(|h| h.starts_with("Content-Type")) {
        head.push_str("Content-Type: application/json\r\n");
    }
    for h in extra_headers {
        head.push_str(h);
        head.push_str("\r\n");
    }
    head.push_str("\r\n");
    c.write_all(head.as_bytes()).unwrap();
    c.write_all(body.as_bytes()).unwrap();
    let mut raw = Vec::new();
    c.read_to_end(&mut raw).unwrap();
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a response head");
    let head = String::from_utf8_lossy(&raw[..split]).to_ascii_lowercase();
    let status: u16 = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    let mut payload = raw[split + 4..].to_vec();
    if head.contains("transfer-encoding: chunked") {
        payload = dechunk(&payload);
    }
    let value = serde_json::from_slice(&payload).unwrap_or_else(|e| {
        panic!(
            "{path}: {status}: not JSON ({e}): {}",
            String::from_utf8_lossy(&payload[..payload.len().min(300)])
        )
    });
    (status, value)
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let line_end = data.windows(2).position(|w| w == b"\r\n").unwrap();
        let size =
            usize::from_str_radix(std::str::from_utf8(&data[..line_end]).unwrap().trim(), 16)
                .unwrap();
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&data[line_end + 2..line_end + 2 + size]);
        data = &data[line_end + 2 + size + 2..];
    }
}

fn ok(path: &str, (status, v): (u16, Value)) -> Value {
    assert_eq!(status, 200, "{path}: {v}");
    v
}

/// The `.yml` files under `dir`, sorted by path as the CLI walks them.
fn yml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            yml_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "yml") {
            out.push(p);
        }
    }
}

fn uploads(files: &[PathBuf]) -> Vec<Value> {
    files
        .iter()
        .map(|p| json!({"name": p.display().to_string(), "text": std::fs::read_to_string(p).unwrap()}))
        .collect()
}

fn technique_count(layer: &Value) -> usize {
    layer["techniques"].as_array().map_or(0, Vec::len)
}

#[test]
fn api_layers_equal_the_cli_layers_on_the_same_input() {
    let rules = navlayer_testdata::shared_dir().join("rules-corpus/sigma/rules/linux");
    let mut files = Vec::new();
    yml_files(&rules, &mut files);
    assert!(files.len() > 100, "{} Linux rules", files.len());
    let (addr, _db) = listen();
    let tmp = tempfile::tempdir().unwrap();
    let source = rules.display().to_string();

    // Coverage: the same layer as `navlayer coverage sigma DIR`, with a platform filter and
    // a weighted score, on 18.1 (the v19 IDs some rules carry are reported as unknown).
    let cli = cli_layer(
        &[
            "--attack-version",
            "18.1",
            "coverage",
            "sigma",
            &source,
            "--platform",
            "Linux",
            "--score",
            "sum",
            "--weight",
            "level-score",
        ],
        tmp.path(),
        "cli-sigma.json",
    );
    let request = json!({
        "format": "sigma",
        "files": uploads(&files),
        "domain": "enterprise",
        "release": "18.1",
        "options": {"source": source, "platforms": ["Linux"], "score": "sum", "weight": "level-score"},
        "reportFormat": "md",
    });
    let api = ok(
        "/api/coverage",
        post(addr, "/api/coverage", &request.to_string(), &[]),
    );
    assert!(technique_count(&cli) > 50, "{}", technique_count(&cli));
    assert_eq!(api["layer"], cli, "API and CLI coverage layers differ");
    let report = &api["report"];
    assert_eq!(report["files"].as_array().unwrap().len(), files.len());
    assert_eq!(report["totals"]["failed"], 0);
    assert!(api["reportText"].as_str().unwrap().starts_with('#'));
    assert!(api["summary"].as_str().unwrap().contains("rules"));

    // Heatmap of three groups, and their gaps against the Sigma layer (threat stored by key,
    // coverage inline).
    let groups = "G0016,G0007,G0032";
    let cli_heat = cli_layer(
        &["--attack-version", "18.1", "heatmap", "--only", groups],
        tmp.path(),
        "cli-heat.json",
    );
    let heat_request = json!({
        "release": "18.1",
        "options": {"only": ["G0016", "G0007", "G0032"]},
        "store": true,
        "key": "three-groups",
    });
    let (status, stored) = post(addr, "/api/heatmap", &heat_request.to_string(), &[]);
    assert_eq!(status, 201, "{stored}");
    assert_eq!(stored["key"], "three-groups");
    let mut heat_request = heat_request;
    heat_request["store"] = json!(false);
    heat_request.as_object_mut().unwrap().remove("key");
    let api_heat = ok(
        "/api/heatmap",
        post(addr, "/api/heatmap", &heat_request.to_string(), &[]),
    );
    assert!(technique_count(&cli_heat) > 50);
    assert_eq!(api_heat["layer"], cli_heat, "API and CLI heatmaps differ");

    let heat_file = tmp.path().join("cli-heat.json");
    let sigma_file = tmp.path().join("cli-sigma.json");
    let cli_gaps = cli_layer(
        &[
            "gaps",
            heat_file.to_str().unwrap(),
            sigma_file.to_str().unwrap(),
        ],
        tmp.path(),
        "cli-gaps.json",
    );
    let gaps_request =
        json!({"threat": "three-groups", "coverage": [api["layer"]], "reportFormat": "csv"});
    let api_gaps = ok(
        "/api/gaps",
        post(addr, "/api/gaps", &gaps_request.to_string(), &[]),
    );
    assert!(technique_count(&cli_gaps) > 10);
    assert_eq!(api_gaps["layer"], cli_gaps, "API and CLI gaps differ");
    assert!(api_gaps["report"]["tactics"].is_array() || api_gaps["report"].is_object());
}

#[test]
fn api_errors_name_the_file_line_and_column_and_writes_are_guarded() {
    let (addr, _db) = listen();
    let good = "title: Good\nlogsource: {product: linux}\ntags: [attack.t1059.004]\n";
    let broken = "title: Broken\ntags: [attack.t1003\n";
    let request = json!({
        "format": "sigma",
        "files": [{"name": "good.yml", "text": good}, {"name": "rules/broken.yml", "text": broken}],
    });
    let (status, err) = post(addr, "/api/coverage", &request.to_string(), &[]);
    assert_eq!(status, 400, "{err}");
    let message = err["message"].as_str().unwrap();
    assert!(
        message.contains("rules/broken.yml:2:"),
        "no file:line:column in {message}"
    );
    assert_eq!(err["pointer"], "/files/1/text");
    let failed = &err["details"]["files"][1];
    assert_eq!(failed["outcome"], "failed");
    assert_eq!(failed["line"], 2);

    // allowFailed: the layer of the good file, the broken one in the report.
    let mut allowed = request.clone();
    allowed["allowFailed"] = json!(true);
    let v = ok(
        "/api/coverage",
        post(addr, "/api/coverage", &allowed.to_string(), &[]),
    );
    let ids: Vec<&str> = v["layer"]["techniques"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["techniqueID"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["T1059.004"]);
    assert_eq!(v["report"]["files"][1]["outcome"], "failed");

    // A bad request body, an unknown format, no files, a bad option, a bad layer reference.
    let (status, err) = post(
        addr,
        "/api/coverage",
        &json!({"format": "yara", "files": []}).to_string(),
        &[],
    );
    assert_eq!(status, 400);
    assert!(err["message"].as_str().unwrap().contains("yara"), "{err}");
    let (status, err) = post(
        addr,
        "/api/coverage",
        &json!({"format": "sigma", "files": []}).to_string(),
        &[],
    );
    assert_eq!((status, err["pointer"].as_str()), (400, Some("/files")));
    let (status, err) = post(
        addr,
        "/api/coverage",
        &json!({"format": "sigma", "files": [{"name": "a.yml", "text": good}], "options": {"weight": "risk-score", "score": "max"}}).to_string(),
        &[],
    );
    assert_eq!(status, 400);
    assert!(err["message"].as_str().unwrap().contains("weight"), "{err}");
    let (status, err) = post(
        addr,
        "/api/heatmap",
        &json!({"options": {"only": ["G9999"]}}).to_string(),
        &[],
    );
    assert_eq!(status, 422, "{err}");
    let (status, err) = post(
        addr,
        "/api/gaps",
        &json!({"threat": "no-such-layer", "coverage": ["x"]}).to_string(),
        &[],
    );
    assert_eq!(
        (status, err["pointer"].as_str()),
        (404, Some("/threat")),
        "{err}"
    );
    let inline = json!({"name": "c", "domain": "enterprise-attack", "versions": {"attack": "18"}, "techniques": [{"techniqueID": "T1059"}]});
    let (status, err) = post(
        addr,
        "/api/gaps",
        &json!({"threat": {"name": "t", "domain": "nowhere-attack", "techniques": []}, "coverage": [inline]}).to_string(),
        &[],
    );
    assert_eq!(
        (status, err["pointer"].as_str()),
        (422, Some("/threat/domain")),
        "{err}"
    );
    let (status, err) = post(
        addr,
        "/api/gaps",
        &json!({"threat": inline, "coverage": []}).to_string(),
        &[],
    );
    assert_eq!(
        (status, err["pointer"].as_str()),
        (400, Some("/coverage")),
        "{err}"
    );

    // The write rules of every POST: another site's page, a form post.
    let (status, _) = post(
        addr,
        "/api/coverage",
        &request.to_string(),
        &["Origin: https://evil.example"],
    );
    assert_eq!(status, 403);
    let (status, _) = post(
        addr,
        "/api/coverage",
        &request.to_string(),
        &["Content-Type: text/plain"],
    );
    assert_eq!(status, 415);
}

#[test]
fn api_migrates_a_mapping_file_made_for_an_older_release_as_the_cli_does() {
    let file = navlayer_testdata::shared_dir().join(
        "rules-corpus/mappings-explorer/mappings/nist_800_53/attack-16.1/nist_800_53-rev5/enterprise/nist_800_53-rev5_attack-16.1-enterprise.json",
    );
    let name = file.display().to_string();
    let (addr, _db) = listen();
    let tmp = tempfile::tempdir().unwrap();
    let cli = cli_layer(
        &["--attack-version", "18.1", "coverage", "mappings", &name],
        tmp.path(),
        "cli-nist.json",
    );
    let request = json!({
        "format": "mappings",
        "files": [{"name": name, "text": std::fs::read_to_string(&file).unwrap()}],
        "release": "18.1",
        "options": {"source": name},
    });
    let api = ok(
        "/api/coverage",
        post(addr, "/api/coverage", &request.to_string(), &[]),
    );
    assert!(technique_count(&cli) > 100, "{}", technique_count(&cli));
    assert_eq!(api["layer"], cli, "API and CLI mapping layers differ");
    // Migrated from 16.1 with the server's 16.1 release, and the report says so.
    let migrations = api["report"]["migrations"].as_array().unwrap();
    assert_eq!(migrations.len(), 1, "{}", api["report"]["notes"]);
    assert_eq!(migrations[0]["files"][0], name);
}
