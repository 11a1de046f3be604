//! `--format html`, checked as a person would see it: the report of the test image rendered by
//! headless Chromium (Debian's `chromium`, installed by scripts/test): a screenshot that is not
//! blank, a DOM (after the page's script ran) whose finding and package counts equal the JSON
//! report's, and no JavaScript error on the console. The page must not fetch anything: its
//! Content Security Policy forbids it, and Chromium runs with the network cut.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::io::Read as _;
use std::path::Path;
use std::process::Command;

use serde_json::Value;

fn bulwark(dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_bulwark"));
    c.current_dir(dir)
        .env("HOME", dir)
        .env_remove("BULWARK_SEVERITY")
        .env_remove("BULWARK_FORMAT");
    c
}

fn chromium() -> Option<&'static str> {
    let found = ["chromium", "chromium-browser"]
        .into_iter()
        .find(|b| bulwark_testutil::registry::which(b).is_some());
    if found.is_none() {
        let msg = "chromium is not installed (scripts/test installs it)";
        assert!(!bulwark_testutil::is_ci(), "{msg}");
        eprintln!("SKIPPED: {msg}");
    }
    found
}

/// Runs headless Chromium on `page` with `args`; returns (stdout, stderr).
fn headless(bin: &str, dir: &Path, page: &Path, args: &[&str]) -> (String, String) {
    let out = Command::new(bin)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--hide-scrollbars",
            // No network at all: a fetch the CSP missed would fail and log an error.
            "--proxy-server=127.0.0.1:9",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!(
            "--user-data-dir={}",
            dir.join("chromium-profile").display()
        ))
        .args(args)
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Console lines that report a JavaScript error (`Uncaught …`) or a failed load.
fn console_errors(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter(|l| {
            (l.contains("CONSOLE") && (l.contains("Uncaught") || l.contains("Error")))
                || l.contains("Refused to")
                || l.contains("net::ERR_")
        })
        .collect()
}

/// How many distinct pixel byte values the PNG's image data holds (1–2 for a blank page).
fn png_distinct_bytes(png: &[u8]) -> usize {
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "not a PNG");
    let mut idat = Vec::new();
    let mut at = 8;
    while at + 8 <= png.len() {
        let len = u32::from_be_bytes(png[at..at + 4].try_into().unwrap()) as usize;
        let kind = &png[at + 4..at + 8];
        if kind == b"IDAT" {
            idat.extend_from_slice(&png[at + 8..at + 8 + len]);
        }
        at += 12 + len;
    }
    let mut raw = Vec::new();
    flate2::read::ZlibDecoder::new(idat.as_slice())
        .read_to_end(&mut raw)
        .unwrap();
    let mut seen = [false; 256];
    for b in raw {
        seen[usize::from(b)] = true;
    }
    seen.iter().filter(|s| **s).count()
}

#[test]
fn html_report_renders_in_chromium_with_the_json_counts() {
    let Some(bin) = chromium() else { return };
    let Some(image) = bulwark_testutil::image::test_image() else {
        return;
    };
    let Some(osv) = bulwark_testutil::conformance_dir("osv") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let db = dir.join("osv.db");
    let st = bulwark(dir)
        .args(["db", "import", "--db-path"])
        .arg(&db)
        .arg(&osv)
        .status()
        .unwrap();
    assert!(st.success());

    // The check itself must be able to fail: a page with a script error is caught.
    let bad = dir.join("bad.html");
    std::fs::write(&bad, "<p>x</p><script>notDefined();</script>").unwrap();
    let (_, err) = headless(bin, dir, &bad, &["--dump-dom"]);
    assert!(
        !console_errors(&err).is_empty(),
        "console errors not detected: {err}"
    );

    let archive = image.join("image.tar");
    let report = |format: &str, out: &Path| {
        let st = bulwark(dir)
            .args(["image", "--input"])
            .arg(&archive)
            .args([
                "--scanners",
                "vuln,secret,config",
                "--skip-db-update",
                "--no-cache",
            ])
            .args(["-f", format, "-o"])
            .arg(out)
            .arg("--db-path")
            .arg(&db)
            .status()
            .unwrap();
        assert!(st.success(), "bulwark image -f {format}");
    };
    let page = dir.join("report.html");
    let json_path = dir.join("report.json");
    report("html", &page);
    report("json", &json_path);
    let json: Value = serde_json::from_slice(&std::fs::read(&json_path).unwrap()).unwrap();
    let html = std::fs::read_to_string(&page).unwrap();
    eprintln!("HTML report of the test image: {} bytes", html.len());
    assert!(
        !html.contains("src=\"http") && !html.contains("href=\"//"),
        "the page loads something from the network"
    );

    let mut want: BTreeMap<String, usize> = BTreeMap::new();
    for f in json["findings"].as_array().unwrap() {
        *want
            .entry(f["category"].as_str().unwrap().to_owned())
            .or_default() += 1;
    }
    assert!(
        want.get("vulnerability").copied().unwrap_or(0) > 10,
        "{want:?}"
    );

    let (dom, err) = headless(bin, dir, &page, &["--dump-dom"]);
    let errors = console_errors(&err);
    assert!(errors.is_empty(), "console errors: {errors:#?}");
    let mut got: BTreeMap<String, usize> = BTreeMap::new();
    for (i, _) in dom.match_indices("class=\"finding\" data-category=\"") {
        let rest = &dom[i + "class=\"finding\" data-category=\"".len()..];
        let cat = &rest[..rest.find('"').unwrap()];
        *got.entry(cat.to_owned()).or_default() += 1;
    }
    assert_eq!(got, want, "finding rows in the DOM vs the JSON report");
    let packages = json["metadata"]["package_count"].as_u64().unwrap();
    let rows = dom.matches("<tr class=\"package\">").count();
    assert_eq!(rows as u64, packages, "inventory rows");
    let total = format!("<span id=\"total\">{}</span>", want.values().sum::<usize>());
    assert!(dom.contains(&total), "summary total {total} missing");
    // The filter script ran: every table's counter was filled in.
    let vulns = want["vulnerability"];
    assert!(
        dom.contains(&format!("{vulns} shown")),
        "filter counter not set by the script"
    );

    let shot = dir.join("shot.png");
    let shot_arg = format!("--screenshot={}", shot.display());
    headless(bin, dir, &page, &[&shot_arg, "--window-size=1280,1600"]);
    let png = std::fs::read(&shot).unwrap();
    assert!(
        png_distinct_bytes(&png) > 32,
        "the screenshot looks blank ({} bytes)",
        png.len()
    );
}
