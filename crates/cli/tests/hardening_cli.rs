//! Regression tests of issue 9 (hardening) through the binary: one per CLI defect found by the
//! attack run, each failing on the code before the fix.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output};

use serde_json::{json, Value};

fn navlayer(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_navlayer"))
        .arg("--data")
        .arg(navlayer_testdata::attack_data_dir())
        .args(args)
        .env_remove("NAVLAYER_DATA")
        .env_remove("NAVLAYER_MAX_DATA_BYTES")
        .output()
        .expect("runs navlayer")
}

fn code(out: &Output) -> i32 {
    out.status.code().unwrap_or_else(|| {
        panic!(
            "killed by a signal (a crash?): {}",
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn write(dir: &Path, name: &str, value: &Value) -> String {
    let p = dir.join(name);
    std::fs::write(&p, serde_json::to_vec_pretty(value).unwrap()).unwrap();
    p.display().to_string()
}

fn small_layer(name: &str) -> Value {
    json!({
        "name": name, "domain": "enterprise-attack",
        "versions": {"attack": "18", "navigator": "5.1.0", "layer": "4.5"},
        "techniques": [
            {"techniqueID": "T1059", "tactic": "execution", "score": 3},
            {"techniqueID": "T1059.001", "tactic": "execution", "score": 50}
        ]
    })
}

// 1, 2 ---------------------------------------------------------------------------------------

#[test]
fn expressions_that_aborted_the_cli_are_errors_with_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    let a = write(dir.path(), "a.json", &small_layer("A"));
    for expression in [
        format!("{}a{}", "(".repeat(3_000), ")".repeat(3_000)),
        vec!["a"; 40_000].join("+"),
        "abs(".repeat(20_000) + "a",
        "a?".repeat(20_000) + "a",
        "2^".repeat(20_000) + "a",
    ] {
        let out = navlayer(&["combine", "--expr", &expression, &a]);
        assert_eq!(code(&out), 1, "{}", stderr(&out));
        let e = stderr(&out);
        assert!(e.contains("nests deeper") || e.contains("tokens"), "{e}");
        assert!(
            e.len() < 2_000,
            "an excerpt, not the whole expression: {} bytes",
            e.len()
        );
    }
    // `x + p%` used to copy the tree per term: 24 terms ran out of memory.
    let expression = format!("a{}", " + 1%".repeat(24));
    let out = navlayer(&["combine", "--expr", &expression, &a]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let layer: Value = serde_json::from_slice(&out.stdout).unwrap();
    let score = layer["techniques"][0]["score"].as_f64().unwrap();
    assert!((score - 3.0 * 1.01f64.powi(24)).abs() < 1e-9, "{score}");
}

// 5 ------------------------------------------------------------------------------------------

#[test]
fn combine_refuses_more_than_26_layers_before_reading_them() {
    let names: Vec<String> = (0..300)
        .map(|i| format!("/nonexistent/l{i}.json"))
        .collect();
    let mut args = vec!["combine", "--expr", "a"];
    args.extend(names.iter().map(String::as_str));
    let out = navlayer(&args);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(stderr(&out).contains("at most 26"), "{}", stderr(&out));
}

// 8 ------------------------------------------------------------------------------------------

#[cfg(unix)]
#[test]
fn force_never_turns_a_fifo_device_or_symlink_into_a_regular_file() {
    use std::os::unix::fs::FileTypeExt;
    let dir = tempfile::tempdir().unwrap();
    let input = write(dir.path(), "in.json", &small_layer("In"));

    // A FIFO: written through, still a FIFO.
    let fifo = dir.path().join("pipe");
    assert!(Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read(&fifo).unwrap())
    };
    let out = navlayer(&["convert", &input, "-o", fifo.to_str().unwrap(), "--force"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let got = reader.join().unwrap();
    assert!(
        serde_json::from_slice::<Value>(&got).is_ok(),
        "the reader got the layer"
    );
    assert!(std::fs::symlink_metadata(&fifo)
        .unwrap()
        .file_type()
        .is_fifo());

    // A character device (made here, so /dev is never at risk): written through, kept.
    let dev = dir.path().join("null");
    let made = Command::new("mknod")
        .arg(&dev)
        .args(["c", "1", "3"])
        .status()
        .is_ok_and(|s| s.success());
    if made {
        let out = navlayer(&["convert", &input, "-o", dev.to_str().unwrap(), "--force"]);
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        assert!(std::fs::symlink_metadata(&dev)
            .unwrap()
            .file_type()
            .is_char_device());
    } else {
        // Not root: /dev/null itself cannot be replaced, so writing to it is safe to test.
        let out = navlayer(&["convert", &input, "-o", "/dev/null", "--force"]);
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        assert!(std::fs::metadata("/dev/null")
            .unwrap()
            .file_type()
            .is_char_device());
    }

    // A symlink: followed, the link kept, its target replaced atomically.
    let target = dir.path().join("target.json");
    std::fs::write(&target, b"old").unwrap();
    let link = dir.path().join("link.json");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let out = navlayer(&["convert", &input, "-o", link.to_str().unwrap()]);
    assert_eq!(code(&out), 2, "refused without --force");
    let out = navlayer(&["convert", &input, "-o", link.to_str().unwrap(), "--force"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert!(std::fs::read_to_string(&target).unwrap().contains("\"In\""));

    // A folder: refused, --force or not.
    let folder = dir.path().join("folder");
    std::fs::create_dir(&folder).unwrap();
    let out = navlayer(&["convert", &input, "-o", folder.to_str().unwrap(), "--force"]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("is a folder"), "{}", stderr(&out));
    assert!(folder.is_dir());
}

// 11 -----------------------------------------------------------------------------------------

#[test]
fn the_data_loader_caps_the_file_and_the_decompressed_size() {
    use flate2::write::GzEncoder;
    let dir = tempfile::tempdir().unwrap();
    // 64 MiB of spaces in 64 KiB of gzip.
    let bomb = dir.path().join("enterprise-attack-18.1.json.gz");
    let mut gz = GzEncoder::new(Vec::new(), flate2::Compression::best());
    let chunk = vec![b' '; 1 << 20];
    for _ in 0..64 {
        gz.write_all(&chunk).unwrap();
    }
    std::fs::write(&bomb, gz.finish().unwrap()).unwrap();
    let layer = write(dir.path(), "l.json", &small_layer("L"));
    let out = Command::new(env!("CARGO_BIN_EXE_navlayer"))
        .args([
            "--data",
            bomb.to_str().unwrap(),
            "--max-data-bytes",
            "16777216",
        ])
        .args(["stats", &layer])
        .output()
        .unwrap();
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    let e = stderr(&out);
    assert!(
        e.contains("decompressed data is larger than the limit of 16777216 bytes")
            && e.contains("--max-data-bytes"),
        "{e}"
    );
    // A 2 GB sparse file is refused before it is read (the default limit: 512 MiB).
    let sparse = dir.path().join("enterprise-attack-17.1.json");
    std::fs::File::create(&sparse)
        .unwrap()
        .set_len(2 << 30)
        .unwrap();
    let t = std::time::Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_navlayer"))
        .args(["--data", sparse.to_str().unwrap(), "stats", &layer])
        .env_remove("NAVLAYER_MAX_DATA_BYTES")
        .output()
        .unwrap();
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("file is larger than the limit of 536870912 bytes"),
        "{}",
        stderr(&out)
    );
    assert!(t.elapsed() < std::time::Duration::from_secs(10));
}

// 12 -----------------------------------------------------------------------------------------

#[test]
fn validate_flags_disguised_script_links() {
    let dir = tempfile::tempdir().unwrap();
    for url in [
        "java\tscript:alert(1)",
        "java\nscript:alert(1)",
        "\u{1}javascript:alert(1)",
        "vbscript:msgbox(1)",
    ] {
        let mut l = small_layer("links");
        l["techniques"][0]["links"] = json!([{"label": "click", "url": url}]);
        let f = write(dir.path(), "l.json", &l);
        let out = navlayer(&["validate", &f]);
        assert_eq!(
            code(&out),
            1,
            "{url:?}: {}",
            String::from_utf8_lossy(&out.stdout)
        );
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("/techniques/0/links/0/url"), "{text}");
    }
}

// 13 -----------------------------------------------------------------------------------------

fn has_control_bytes(bytes: &[u8]) -> bool {
    // ESC, BEL, a CR that does not end a CSV line, and the UTF-8 encodings of the C1 controls
    // (0xC2 0x80-0x9F).
    let lone_cr = bytes
        .iter()
        .enumerate()
        .any(|(i, b)| *b == 0x0d && bytes.get(i + 1) != Some(&0x0a));
    lone_cr
        || bytes.iter().any(|b| matches!(b, 0x1b | 0x07))
        || bytes
            .windows(2)
            .any(|w| w[0] == 0xc2 && (0x80..=0x9f).contains(&w[1]))
}

#[test]
fn text_outputs_escape_terminal_control_characters() {
    let dir = tempfile::tempdir().unwrap();
    let evil_id = "T1059\u{1b}]0;pwned\u{7}\u{1b}[2J";
    let mut l = small_layer("Evil \u{1b}[31mname\u{9b}");
    l["versions"]["attack"] = json!("16");
    l["techniques"][0]["techniqueID"] = json!(evil_id);
    l["techniques"][1]["comment"] = json!("\u{1b}[8mhidden\r");
    let f = write(dir.path(), "evil.json", &l);
    let other = write(dir.path(), "other.json", &small_layer("Other"));
    let runs: Vec<Vec<&str>> = vec![
        vec!["stats", &f],
        vec!["stats", &f, "--format", "csv"],
        vec!["stats", &f, "--format", "json"],
        vec!["migrate", &f, "--to", "18.1", "--report", "text"],
        vec!["migrate", &f, "--to", "18.1", "--report", "md"],
        vec!["migrate", &f, "--to", "18.1", "--report", "json"],
        vec!["validate", &f],
        vec!["validate", &f, "--format", "json"],
        vec!["diff", &f, &other],
        vec!["diff", &f, &other, "--format", "json"],
        vec![
            "filter",
            &f,
            "--platform",
            "Windows",
            "-o",
            "/dev/null",
            "--force",
        ],
    ];
    for args in runs {
        let out = navlayer(&args);
        assert!(matches!(code(&out), 0..=1), "{args:?}: {}", stderr(&out));
        assert!(
            !has_control_bytes(&out.stdout),
            "{args:?} printed raw control characters: {:?}",
            String::from_utf8_lossy(&out.stdout)
        );
        assert!(
            !has_control_bytes(&out.stderr),
            "{args:?} printed raw control characters on stderr: {:?}",
            stderr(&out)
        );
    }
    // Shown escaped, not dropped.
    let out = navlayer(&["stats", &f]);
    assert!(stderr(&out).contains("\\u{1b}"), "{}", stderr(&out));
}
