//! `navlayer render` on the built binary: every format from a real layer, format from the
//! extension, catalogue choice, refusing to overwrite, and bad input.

use std::path::PathBuf;
use std::process::Command;

fn shared() -> PathBuf {
    navlayer_testdata::shared_dir()
}

fn navlayer() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_navlayer"));
    c.env("NAVLAYER_DATA", shared().join("attack-data"))
        .env("NAVLAYER_OFFLINE", "1")
        .env(
            "NAVLAYER_CACHE",
            std::env::temp_dir().join("navlayer-render-cli-no-cache"),
        );
    c
}

fn m1038() -> PathBuf {
    shared().join("reference/M1038-enterprise-layer-attack-v19-official.json")
}

#[test]
fn renders_every_format_to_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (ext, magic) in [
        ("svg", &b"<svg"[..]),
        ("png", &b"\x89PNG"[..]),
        ("pdf", &b"%PDF-"[..]),
        ("html", &b"<!DOCTYPE html>"[..]),
        ("xlsx", &b"PK"[..]),
        ("csv", &b"technique_id,name"[..]),
        ("md", &b"# "[..]),
    ] {
        let out = dir.path().join(format!("m1038.{ext}"));
        let run = navlayer()
            .arg("render")
            .arg(m1038())
            .arg("-o")
            .arg(&out)
            .output()
            .expect("run");
        assert!(
            run.status.success(),
            "{ext}: {}",
            String::from_utf8_lossy(&run.stderr)
        );
        let bytes = std::fs::read(&out).expect("output");
        assert!(
            bytes.starts_with(magic),
            "{ext} starts with {:?}",
            &bytes[..8.min(bytes.len())]
        );
    }
    // The v19 layer is drawn over the newest release the data has, with a note.
    let run = navlayer()
        .args(["render", "--format", "md"])
        .arg(m1038())
        .output()
        .expect("run");
    let md = String::from_utf8_lossy(&run.stdout);
    assert!(
        md.contains(r"Enterprise ATT&amp;CK v18.1 \(layer made for v19\)"),
        "{md}"
    );
    assert!(String::from_utf8_lossy(&run.stderr).contains("note:"));
    // One CSV row per entry.
    let run = navlayer()
        .args(["render", "-f", "csv"])
        .arg(m1038())
        .output()
        .expect("run");
    let layer: serde_json::Value =
        serde_json::from_slice(&std::fs::read(m1038()).expect("layer")).expect("json");
    let entries = layer["techniques"].as_array().map(Vec::len).unwrap_or(0);
    assert_eq!(
        // Records end with CRLF; line breaks inside quoted comments are bare LF.
        String::from_utf8_lossy(&run.stdout).matches("\r\n").count(),
        entries + 1
    );
}

#[test]
fn page_fitting_is_reported_and_options_apply() {
    let dir = tempfile::tempdir().expect("tempdir");
    // Letter landscape: the size used is reported, with a hint when below 6 pt.
    let out = dir.path().join("letter.svg");
    let run = navlayer()
        .arg("render")
        .arg(m1038())
        .arg("-o")
        .arg(&out)
        .output()
        .expect("run");
    assert!(run.status.success());
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(
        err.contains("render: letter landscape, cell text "),
        "{err}"
    );
    assert!(err.contains("--fit auto"), "{err}");
    let svg = std::fs::read_to_string(&out).expect("svg");
    assert!(svg.contains(r#"width="11in" height="8.5in" viewBox="0 0 792 612""#));
    // --fit auto: a poster, text at least 6 pt.
    let out = dir.path().join("auto.pdf");
    let run = navlayer()
        .args(["render", "--fit", "auto"])
        .arg(m1038())
        .arg("-o")
        .arg(&out)
        .output()
        .expect("run");
    assert!(run.status.success());
    let err = String::from_utf8_lossy(&run.stderr);
    let line = err
        .lines()
        .find(|l| l.starts_with("render: "))
        .expect("report");
    let size: f64 = line
        .split("cell text ")
        .nth(1)
        .and_then(|t| t.split(' ').next())
        .and_then(|t| t.parse().ok())
        .expect("a size");
    assert!(size >= 6.0, "{line}");
    assert!(!line.starts_with("render: letter"), "{line}");
    // A stated minimum the page cannot give: exit 1 with a hint.
    let run = navlayer()
        .args(["render", "--min-font-size", "6", "-f", "svg"])
        .arg(m1038())
        .output()
        .expect("run");
    assert_eq!(run.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&run.stderr).contains("--fit auto"));
    // Layout, sub-techniques, scores, header parts, theme, embedded font.
    let run = navlayer()
        .args([
            "render",
            "-f",
            "svg",
            "--layout",
            "flat",
            "--subtechniques",
            "none",
            "--scores",
            "none",
            "--no-platforms",
            "--theme",
            "dark",
            "--embed-font",
            "--annotated-only",
        ])
        .arg(m1038())
        .output()
        .expect("run");
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let svg = String::from_utf8_lossy(&run.stdout);
    assert!(svg.contains("@font-face") && svg.contains(r##"fill="#1a1a23""##));
    assert!(!svg.contains(">platforms<"));
    assert!(!svg.contains(r#"class="technique sub""#));
    // Bad option values are usage errors.
    for bad in [
        &["--layout", "sideways"][..],
        &["--dpi", "0"],
        &["--comment-color", "nope"],
    ] {
        let run = navlayer()
            .args(["render", "-f", "svg"])
            .args(bad)
            .arg(m1038())
            .output()
            .expect("run");
        assert_eq!(run.status.code(), Some(2), "{bad:?}");
    }
}

#[test]
fn refuses_to_overwrite_without_force() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("x.svg");
    std::fs::write(&out, "keep").expect("write");
    let run = navlayer()
        .arg("render")
        .arg(m1038())
        .arg("-o")
        .arg(&out)
        .output()
        .expect("run");
    assert_eq!(run.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&run.stderr).contains("--force"));
    assert_eq!(std::fs::read_to_string(&out).expect("read"), "keep");
    let run = navlayer()
        .arg("render")
        .arg(m1038())
        .arg("-o")
        .arg(&out)
        .arg("--force")
        .output()
        .expect("run");
    assert!(run.status.success());
    assert!(std::fs::read_to_string(&out)
        .expect("read")
        .starts_with("<svg"));
}

#[test]
fn bad_input_is_reported() {
    let dir = tempfile::tempdir().expect("tempdir");
    let broken = dir.path().join("broken.json");
    std::fs::write(&broken, "{\"name\": \"x\", \"domain\": ").expect("write");
    let run = navlayer().arg("render").arg(&broken).output().expect("run");
    assert_ne!(run.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&run.stderr).contains("broken.json"));
    let custom = dir.path().join("custom.json");
    std::fs::write(
        &custom,
        r#"{"name":"x","domain":"f3-financial","versions":{"layer":"4.5"},"techniques":[]}"#,
    )
    .expect("write");
    let run = navlayer().arg("render").arg(&custom).output().expect("run");
    assert_eq!(run.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&run.stderr).contains("not an ATT&CK domain"));
    let run = navlayer()
        .args(["render", "--page", "huge"])
        .arg(m1038())
        .output()
        .expect("run");
    assert_eq!(run.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&run.stderr).contains("letter, legal"));
}

#[test]
fn mobile_and_ics_layers_use_their_domain() {
    for (file, label) in [
        (
            "reference/expected/mobile-attack-18.1__S1061-mobile-layer.json",
            "Mobile",
        ),
        (
            "reference/expected/ics-attack-18.1__M0930-ics-layer.json",
            "ICS",
        ),
    ] {
        let run = navlayer()
            .args(["render", "-f", "html"])
            .arg(shared().join(file))
            .output()
            .expect("run");
        assert!(
            run.status.success(),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
        assert!(
            String::from_utf8_lossy(&run.stdout).contains(label),
            "{file}"
        );
    }
}
