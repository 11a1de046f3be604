//! `bulwark server` end to end, single instance on the embedded store: scan on push from a real
//! `docker-registry`, Harbor's scan/poll flow compared with `bulwark image`, SBOM reports,
//! registry credentials (used, never stored or logged), re-scan after a database change,
//! authentication and limits, TLS, and schemathesis against the Harbor v1.2 OpenAPI spec.
#![allow(
    clippy::expect_used,
    clippy::panic,
    clippy::unwrap_used,
    clippy::duration_suboptimal_units
)]

mod server_support;

use std::collections::BTreeSet;
use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpListener;
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;
use server_support::{
    Server, cli_findings, free_port, header, http, import_db, push, test_image, write,
};

const VULN: &str = "application/vnd.security.vulnerability.report; version=1.1";
const VULN_HARBOR: &str = "application/vnd.scanner.adapter.vuln.report.harbor+json; version=1.0";
const SBOM: &str = "application/vnd.security.sbom.report+json; version=1.0";

fn harbor_severity(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
        .unwrap_or_default()
}

/// (id, package, version, fix version, severity) of CLI findings, Harbor's way.
fn cli_tuples(findings: &[Value]) -> Vec<(String, String, String, String, String)> {
    let mut v: Vec<_> = findings
        .iter()
        .map(|f| {
            let p = &f["properties"];
            (
                f["code"].as_str().unwrap().to_owned(),
                p["package"].as_str().unwrap().to_owned(),
                p["installed_version"].as_str().unwrap().to_owned(),
                p["fixed_version"].as_str().unwrap_or("").to_owned(),
                harbor_severity(f["severity"].as_str().unwrap()),
            )
        })
        .collect();
    v.sort();
    v
}

fn harbor_tuples(report: &Value) -> Vec<(String, String, String, String, String)> {
    let mut v: Vec<_> = report["vulnerabilities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["id"].as_str().unwrap().to_owned(),
                i["package"].as_str().unwrap().to_owned(),
                i["version"].as_str().unwrap().to_owned(),
                i["fix_version"].as_str().unwrap_or("").to_owned(),
                i["severity"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    v.sort();
    v
}

fn metric(server: &Server, name: &str) -> f64 {
    let (_, _, text) = server.get("/metrics", &[]);
    text.lines()
        .find_map(|l| l.strip_prefix(name).and_then(|r| r.trim().parse().ok()))
        .unwrap_or(0.0)
}

/// A push to the registry produces a stored result with no other call; Harbor's scan of the
/// same digest is then answered from the store, and its vulnerabilities equal `bulwark image
/// --format json` on that digest. SBOM reports carry the same packages as the CLI's SBOMs.
#[test]
fn push_scans_and_the_harbor_report_equals_the_cli() {
    let Some(image_dir) = test_image() else {
        return;
    };
    let Some(osv) = bulwark_testutil::conformance_dir("osv") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("osv.db");
    import_db(&db, &[&osv]);
    let port = free_port();
    let Some(registry) = bulwark_testutil::registry::start_registry_notifying(&format!(
        "http://127.0.0.1:{port}/api/v1/registry/events"
    )) else {
        return;
    };
    let store = tmp.path().join("store.db");
    let server = Server::start(
        port,
        &tmp.path().join("server.log"),
        &[
            "--database",
            store.to_str().unwrap(),
            "--db-path",
            db.to_str().unwrap(),
            "--offline",
            "--cache-dir",
            tmp.path().join("cache").to_str().unwrap(),
            "--workers",
            "2",
            "--refresh-after",
            "1",
        ],
        None,
    );
    let digest = push(&image_dir.join("oci"), &registry.host(), "team/app:1", None);

    // No call but the push: wait until a job finished.
    let deadline = Instant::now() + Duration::from_secs(180);
    while metric(&server, "bulwark_scan_duration_seconds_count") < 1.0 {
        assert!(
            Instant::now() < deadline,
            "push did not produce a scan:\n{}",
            server.log_text()
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    // Harbor asks for the same digest: answered from the store (no worker took the job).
    let id = server.harbor_scan(&registry.host(), "team/app", &digest, None);
    let job = server.job(&id);
    assert_eq!(job["state"], "done", "{job}");
    assert_eq!(job["attempts"], 0, "answered from the store: {job}");

    let (status, text) = server.poll_report(&id, VULN, "", Duration::from_secs(60));
    assert_eq!(status, 200, "{text}");
    let report: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(report["artifact"]["digest"], digest.as_str());
    assert_eq!(report["artifact"]["repository"], "team/app");
    let image_ref = format!("{}/team/app@{digest}", registry.host());
    let cli = cli_findings(&image_ref, &db, &tmp.path().join("cli-cache"));
    assert!(
        cli.len() > 10,
        "too few vulnerabilities to compare: {}",
        cli.len()
    );
    assert_eq!(
        harbor_tuples(&report),
        cli_tuples(&cli),
        "Harbor report vs bulwark image"
    );
    let top = report["vulnerabilities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["severity"].as_str().unwrap())
        .max_by_key(|s| {
            ["Unknown", "Low", "Medium", "High", "Critical"]
                .iter()
                .position(|x| x == s)
        })
        .unwrap();
    assert_eq!(report["severity"], top);

    // The Harbor 1.0 form is the same list under its media type.
    let (status, headers, text) = server.get(
        &format!("/api/v1/scan/{id}/report"),
        &[("Accept", VULN_HARBOR.into())],
    );
    assert_eq!(status, 200);
    assert_eq!(header(&headers, "content-type"), Some(VULN_HARBOR));
    assert_eq!(
        harbor_tuples(&serde_json::from_str(&text).unwrap()),
        harbor_tuples(&report)
    );

    // SBOM reports: SPDX and CycloneDX, the same packages as `bulwark image -f cyclonedx`.
    let (status, _, text) = server.get(
        &format!("/api/v1/scan/{id}/report?sbom_media_type=application/vnd.cyclonedx%2Bjson"),
        &[("Accept", SBOM.into())],
    );
    assert_eq!(status, 200, "{text}");
    let sbom: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(sbom["media_type"], "application/vnd.cyclonedx+json");
    let purls = |bom: &Value| -> BTreeSet<String> {
        bom["components"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|c| c["purl"].as_str().map(str::to_owned))
            .collect()
    };
    let out = Command::new(env!("CARGO_BIN_EXE_bulwark"))
        .args([
            "image",
            &image_ref,
            "--image-src",
            "remote",
            "-f",
            "cyclonedx",
            "--cache-dir",
        ])
        .arg(tmp.path().join("cli-cache"))
        .output()
        .unwrap();
    assert!(out.status.success());
    let cli_bom: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(purls(&sbom["sbom"]), purls(&cli_bom));
    let (status, _, text) = server.get(
        &format!("/api/v1/scan/{id}/report?sbom_media_type=application/spdx%2Bjson"),
        &[("Accept", SBOM.into())],
    );
    assert_eq!(status, 200);
    let spdx: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(spdx["sbom"]["spdxVersion"], "SPDX-2.3");
    // An SBOM report without its media type is a bad request (as the spec says).
    let (status, _, _) = server.get(
        &format!("/api/v1/scan/{id}/report"),
        &[("Accept", SBOM.into())],
    );
    assert_eq!(status, 400);
    let (status, _, _) = server.get("/api/v1/scan/0000/report", &[]);
    assert_eq!(status, 404);

    // Metadata announces both capabilities and the database date.
    let (status, _, text) = server.get("/api/v1/metadata", &[]);
    assert_eq!(status, 200);
    let meta: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(meta["capabilities"].as_array().unwrap().len(), 2);
    assert!(
        meta["properties"]["harbor.scanner-adapter/vulnerability-database-updated-at"].is_string()
    );
}

/// Registry credentials from the scan request open a private registry for that scan, fail
/// visibly when wrong, and appear nowhere: not in the store file, not in the logs.
#[test]
fn registry_credentials_are_used_and_never_stored_or_logged() {
    let Some(osv) = bulwark_testutil::conformance_dir("osv") else {
        return;
    };
    let (user, password) = ("harbor-robot", "Pa55-w0rd-only-in-memory");
    let Some(registry) = bulwark_testutil::registry::start_registry(Some((user, password))) else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("osv.db");
    import_db(&db, &[&osv]);
    let layout = server_support::small_image(tmp.path(), 4);
    let digest = push(
        &layout,
        &registry.host(),
        "private/app:1",
        Some(&format!("{user}:{password}")),
    );
    let store = tmp.path().join("store.db");
    let server = Server::start(
        free_port(),
        &tmp.path().join("server.log"),
        &[
            "--database",
            store.to_str().unwrap(),
            "--db-path",
            db.to_str().unwrap(),
            "--offline",
            "--no-cache",
            "--refresh-after",
            "1",
        ],
        None,
    );
    use base64::Engine as _;
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
    let id = server.harbor_scan(
        &registry.host(),
        "private/app",
        &digest,
        Some(&format!("Basic {basic}")),
    );
    let (status, text) = server.poll_report(&id, VULN, "", Duration::from_secs(120));
    assert_eq!(status, 200, "{text}");
    let report: Value = serde_json::from_str(&text).unwrap();
    assert!(!report["vulnerabilities"].as_array().unwrap().is_empty());

    // Wrong credentials: the scan fails and says why (no result from a scan that could not see).
    let wrong = base64::engine::general_purpose::STANDARD.encode(format!("{user}:nope"));
    let other = push(
        &server_support::small_image(tmp.path(), 5),
        &registry.host(),
        "private/app:2",
        Some(&format!("{user}:{password}")),
    );
    let id = server.harbor_scan(
        &registry.host(),
        "private/app",
        &other,
        Some(&format!("Basic {wrong}")),
    );
    let (status, text) = server.poll_report(&id, VULN, "", Duration::from_secs(120));
    assert_eq!(status, 500, "{text}");
    assert!(text.contains("private/app"), "{text}");
    // Without credentials the same scan fails too.
    let id = server.harbor_scan(&registry.host(), "private/app", &other, None);
    assert_eq!(
        server
            .poll_report(&id, VULN, "", Duration::from_secs(120))
            .0,
        500
    );

    drop(server);
    let mut stored = Vec::new();
    for entry in std::fs::read_dir(tmp.path()).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with("store.db") || name == "server.log" {
            stored.extend(std::fs::read(entry.path()).unwrap());
        }
    }
    assert!(stored.len() > 1000, "store and log were read");
    let text = String::from_utf8_lossy(&stored);
    for secret in [password, basic.as_str(), wrong.as_str()] {
        assert!(
            !text.contains(secret),
            "`{secret}` found in the store or the log"
        );
    }
}

/// Serves one-shot HTTP POSTs on 127.0.0.1, keeping their bodies (the change webhook).
fn webhook_sink() -> (u16, Arc<Mutex<Vec<String>>>) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    let got = Arc::new(Mutex::new(Vec::new()));
    let g = Arc::clone(&got);
    std::thread::spawn(move || {
        for conn in l.incoming().take(50) {
            let Ok(mut s) = conn else { return };
            let mut r = BufReader::new(s.try_clone().unwrap());
            let mut len = 0usize;
            loop {
                let mut line = String::new();
                if r.read_line(&mut line).unwrap_or(0) == 0 || line.trim().is_empty() {
                    break;
                }
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    len = v.trim().parse().unwrap_or(0);
                }
            }
            let mut body = vec![0u8; len];
            let _ = r.read_exact(&mut body);
            g.lock()
                .unwrap()
                .push(String::from_utf8_lossy(&body).into_owned());
            let _ = s.write_all(
                b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            );
        }
    });
    (port, got)
}

/// After the database changes (a `db import` by another process), stored inventories are
/// matched again without pulling: `/api/v1/changes` and the webhook report exactly the pairs
/// the new records add, as `bulwark image` against both databases says.
#[test]
fn rescan_reports_exactly_the_new_pairs() {
    let Some(image_dir) = test_image() else {
        return;
    };
    let Some(osv) = bulwark_testutil::conformance_dir("osv") else {
        return;
    };
    let Some(registry) = bulwark_testutil::registry::start_registry(None) else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    // The first database lacks the npm and Go records; the second has everything.
    let partial = tmp.path().join("osv-partial");
    std::fs::create_dir(&partial).unwrap();
    for entry in std::fs::read_dir(&osv).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if entry.path().is_dir() && name != "npm" && name != "Go" {
            let out = Command::new("cp")
                .arg("-r")
                .arg(entry.path())
                .arg(&partial)
                .status()
                .unwrap();
            assert!(out.success());
        }
    }
    let db = tmp.path().join("osv.db");
    import_db(&db, &[&partial]);
    let db_full = tmp.path().join("osv-full.db");
    import_db(&db_full, &[&osv]);
    let digest = push(&image_dir.join("oci"), &registry.host(), "app:1", None);
    let image_ref = format!("{}/app@{digest}", registry.host());
    let key = |f: &Value| {
        (
            f["code"].as_str().unwrap().to_owned(),
            f["properties"]["package"].as_str().unwrap().to_owned(),
            f["properties"]["installed_version"]
                .as_str()
                .unwrap()
                .to_owned(),
            f["location"]["path"].as_str().unwrap().to_owned(),
        )
    };
    let cache = tmp.path().join("cli-cache");
    let before: BTreeSet<_> = cli_findings(&image_ref, &db, &cache)
        .iter()
        .map(key)
        .collect();
    let after: BTreeSet<_> = cli_findings(&image_ref, &db_full, &cache)
        .iter()
        .map(key)
        .collect();
    let expected: BTreeSet<_> = after.difference(&before).cloned().collect();
    assert!(!expected.is_empty(), "the npm and Go records add findings");
    assert!(before.is_subset(&after));

    let (hook_port, hooks) = webhook_sink();
    let server = Server::start(
        free_port(),
        &tmp.path().join("server.log"),
        &[
            "--database",
            tmp.path().join("store.db").to_str().unwrap(),
            "--db-path",
            db.to_str().unwrap(),
            "--offline",
            "--no-cache",
            "--refresh-after",
            "1",
            "--db-check-interval",
            "1s",
            "--webhook-url",
            &format!("http://127.0.0.1:{hook_port}/hook"),
        ],
        None,
    );
    let id = server.harbor_scan(&registry.host(), "app", &digest, None);
    assert_eq!(
        server
            .poll_report(&id, VULN, "", Duration::from_secs(180))
            .0,
        200
    );
    let (_, _, text) = server.get("/api/v1/changes?since=0", &[]);
    let v: Value = serde_json::from_str(&text).unwrap();
    assert!(
        v["changes"].as_array().unwrap().is_empty(),
        "a first scan is no change: {v}"
    );

    // `bulwark db import` run by another process replaces the file; the server notices.
    let out = Command::new(env!("CARGO_BIN_EXE_bulwark"))
        .args(["db", "import", "--db-path"])
        .arg(&db)
        .arg(&osv)
        .output()
        .unwrap();
    assert!(out.status.success());
    let deadline = Instant::now() + Duration::from_secs(120);
    let change = loop {
        let (status, _, text) = server.get("/api/v1/changes?since=0", &[]);
        assert_eq!(status, 200, "{text}");
        let v: Value = serde_json::from_str(&text).unwrap();
        if let Some(c) = v["changes"].as_array().unwrap().first() {
            assert_eq!(v["next"], c["seq"]);
            break c.clone();
        }
        assert!(
            Instant::now() < deadline,
            "no change recorded:\n{}",
            server.log_text()
        );
        std::thread::sleep(Duration::from_millis(300));
    };
    assert_eq!(change["digest"], digest.as_str());
    let got: BTreeSet<_> = change["added"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["id"].as_str().unwrap().to_owned(),
                p["package"].as_str().unwrap().to_owned(),
                p["version"].as_str().unwrap().to_owned(),
                p["target"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(got, expected, "re-scan adds exactly the new pairs");
    assert!(change["removed"].as_array().unwrap().is_empty());
    let seq = change["seq"].as_i64().unwrap();
    let (_, _, text) = server.get(&format!("/api/v1/changes?since={seq}"), &[]);
    assert!(
        serde_json::from_str::<Value>(&text).unwrap()["changes"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    let (status, _, _) = server.get("/api/v1/changes?since=-1", &[]);
    assert_eq!(status, 400);

    // The webhook got the same pairs.
    let deadline = Instant::now() + Duration::from_secs(30);
    while hooks.lock().unwrap().is_empty() {
        assert!(Instant::now() < deadline, "webhook not called");
        std::thread::sleep(Duration::from_millis(100));
    }
    let body: Value = serde_json::from_str(&hooks.lock().unwrap()[0]).unwrap();
    assert_eq!(body["digest"], digest.as_str());
    assert_eq!(body["added"].as_array().unwrap().len(), expected.len());
    // A new Harbor request for the digest is answered from the store against the new database.
    let id = server.harbor_scan(&registry.host(), "app", &digest, None);
    assert_eq!(server.job(&id)["attempts"], 0);
    let (_, text) = server.poll_report(&id, VULN, "", Duration::from_secs(30));
    assert_eq!(
        serde_json::from_str::<Value>(&text).unwrap()["vulnerabilities"]
            .as_array()
            .unwrap()
            .len(),
        after.len()
    );
}

/// Keys and scopes, limits, readiness, metrics, TLS, the loopback rule, graceful shutdown.
#[test]
fn access_control_limits_and_tls() {
    let tmp = tempfile::tempdir().unwrap();
    let keys = tmp.path().join("keys");
    let (scan_key, read_key) = ("scan-and-read-0123456789", "read-only-key-0123456789");
    write(&keys, &format!("# keys\n{scan_key}\n{read_key} read\n"));
    // Without keys, only loopback.
    let out = Command::new(env!("CARGO_BIN_EXE_bulwark"))
        .args(["server", "--listen", "0.0.0.0:0", "--database"])
        .arg(tmp.path().join("x.db"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--api-key-file"));

    let db = tmp.path().join("missing-osv.db");
    let mut server = Server::start(
        free_port(),
        &tmp.path().join("server.log"),
        &[
            "--database",
            tmp.path().join("store.db").to_str().unwrap(),
            "--db-path",
            db.to_str().unwrap(),
            "--offline",
            "--api-key-file",
            keys.to_str().unwrap(),
            "--rate-limit",
            "5",
            "--max-body-bytes",
            "4096",
        ],
        Some(scan_key),
    );
    let url = server.url("/api/v1/metadata");
    assert_eq!(http("GET", &url, &[], None).0, 401);
    assert_eq!(
        http(
            "GET",
            &url,
            &[("Authorization", "Bearer wrong-key-0123456789".into())],
            None
        )
        .0,
        401
    );
    assert_eq!(
        http(
            "GET",
            &url,
            &[("X-ScannerAdapter-API-Key", read_key.into())],
            None
        )
        .0,
        200
    );
    let body = r#"{"registry":{"url":"http://127.0.0.1:1"},"artifact":{"repository":"a","digest":"sha256:6c3c624b58dbbcd3c0dd82b4c53f04194d1247c6eebdaab7c610cf7d66709b3b"}}"#;
    let scan_url = server.url("/api/v1/scan");
    let (status, _, text) = http(
        "POST",
        &scan_url,
        &[("X-ScannerAdapter-API-Key", read_key.into())],
        Some(body.as_bytes()),
    );
    assert_eq!(status, 403, "{text}");
    assert!(text.contains("scan"), "{text}");
    // Too large a body.
    let big = format!("{{\"pad\":\"{}\"}}", "x".repeat(8000));
    let (status, _, _) = http(
        "POST",
        &scan_url,
        &[("Authorization", format!("Bearer {scan_key}"))],
        Some(big.as_bytes()),
    );
    assert_eq!(status, 413);
    // Not ready without a vulnerability database; healthy all the same.
    let (status, _, text) = http("GET", &server.url("/readyz"), &[], None);
    assert_eq!(status, 503);
    assert!(text.contains("vulnerability database"), "{text}");
    // Rate limit: a burst beyond 2 s worth of requests is refused with Retry-After.
    let mut limited = 0;
    for _ in 0..40 {
        let (status, headers, _) = http(
            "GET",
            &url,
            &[("X-ScannerAdapter-API-Key", read_key.into())],
            None,
        );
        if status == 429 {
            assert_eq!(header(&headers, "retry-after"), Some("1"));
            limited += 1;
        }
    }
    assert!(limited > 0, "no request was rate limited");
    let (_, _, metrics) = http("GET", &server.url("/metrics"), &[], None);
    assert!(
        metrics.contains("bulwark_http_requests_total{route=\"metadata\",status=\"429\"}"),
        "{metrics}"
    );
    assert!(
        metrics.contains("bulwark_queue_depth{state=\"queued\"} 0"),
        "{metrics}"
    );
    assert!(server.terminate().success(), "graceful shutdown exits 0");

    // TLS with a certificate made by openssl; curl checks it against the certificate.
    if !bulwark_testutil::registry::tools_available(&["openssl", "curl"]) {
        return;
    }
    let (cert, key) = (tmp.path().join("cert.pem"), tmp.path().join("key.pem"));
    let ok = Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
        ])
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .unwrap();
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let port = free_port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_bulwark"))
        .args([
            "server",
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--database",
        ])
        .arg(tmp.path().join("tls.db"))
        .arg("--db-path")
        .arg(&db)
        .args(["--offline", "--tls-cert"])
        .arg(&cert)
        .arg("--tls-key")
        .arg(&key)
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    let answer = loop {
        let out = Command::new("curl")
            .args(["-sS", "--cacert"])
            .arg(&cert)
            .arg(format!("https://127.0.0.1:{port}/healthz"))
            .output()
            .unwrap();
        if out.status.success() {
            break String::from_utf8_lossy(&out.stdout).into_owned();
        }
        assert!(
            Instant::now() < deadline,
            "TLS server did not answer: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!(answer.trim(), "ok");
    // Plain HTTP to the TLS port gets no answer.
    assert_ne!(
        http(
            "GET",
            &format!("http://127.0.0.1:{port}/healthz"),
            &[],
            None
        )
        .0,
        200
    );
    let _ = child.kill();
    let _ = child.wait();
}

/// schemathesis drives the live server from the Harbor v1.2 OpenAPI spec (examples, coverage
/// and fuzzing phases, with a real finished scan id): no 5xx, and every response matches the
/// spec's status codes, headers, media types and schemas.
#[test]
fn schemathesis_against_the_harbor_spec() {
    let Some(spec_dir) = bulwark_testutil::conformance_dir("harbor-scanner") else {
        return;
    };
    let Some(osv) = bulwark_testutil::conformance_dir("osv") else {
        return;
    };
    if !bulwark_testutil::registry::tools_available(&["schemathesis"]) {
        return;
    }
    let Some(registry) = bulwark_testutil::registry::start_registry(None) else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("osv.db");
    import_db(&db, &[&osv]);
    let digest = push(
        &server_support::small_image(tmp.path(), 3),
        &registry.host(),
        "app:1",
        None,
    );
    let key = "schemathesis-key-0123456789";
    write(&tmp.path().join("keys"), &format!("{key}\n"));
    let server = Server::start(
        free_port(),
        &tmp.path().join("server.log"),
        &[
            "--database",
            tmp.path().join("store.db").to_str().unwrap(),
            "--db-path",
            db.to_str().unwrap(),
            "--offline",
            "--no-cache",
            "--refresh-after",
            "1",
            "--api-key-file",
            tmp.path().join("keys").to_str().unwrap(),
        ],
        Some(key),
    );
    let id = server.harbor_scan(&registry.host(), "app", &digest, None);
    assert_eq!(
        server.poll_report(&id, VULN, "", Duration::from_secs(60)).0,
        200
    );
    // The vendor media types are JSON: let schemathesis validate them against the schemas.
    write(
        &tmp.path().join("bulwark_hooks.py"),
        "import json\nimport schemathesis\n\n@schemathesis.deserializer(\"application/vnd.security.vulnerability.report\", \"application/vnd.scanner.adapter.vuln.report.harbor+json\", \"application/vnd.security.sbom.report+json\", \"application/vnd.scanner.adapter.metadata+json\", \"application/vnd.scanner.adapter.scan.response+json\", \"application/vnd.scanner.adapter.error+json\")\ndef vendor_json(ctx, response):\n    return json.loads(response.content)\n",
    );
    write(
        &tmp.path().join("schemathesis.toml"),
        &format!("[parameters]\nscan_request_id = \"{id}\"\n"),
    );
    let out = Command::new("schemathesis")
        .current_dir(tmp.path())
        .env("PYTHONPATH", tmp.path())
        .env("SCHEMATHESIS_HOOKS", "bulwark_hooks")
        .arg("--config-file")
        .arg(tmp.path().join("schemathesis.toml"))
        .arg("run")
        .arg(spec_dir.join("scanner-adapter-openapi-v1.2.yaml"))
        .args(["--url", &server.url("/api/v1")])
        .args(["-H", &format!("Authorization: Bearer {key}")])
        .args([
            "--checks",
            "not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance",
            "--phases", "examples,coverage,fuzzing",
            "--max-time", "40", "-w", "1", "--seed", "1",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "schemathesis failed:\n{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("passed"), "{text}");
    assert!(
        !text.contains("Schema validation skipped"),
        "reports were not validated:\n{text}"
    );
}

/// `GET /api/v1/verdict`: an unscanned image is denied and a scan queued; then the answer
/// follows the policy: fixable vulnerabilities at or above `max_severity` (as the stored report
/// lists them), the registry allow-list, and a Cosign signature by the policy's key, which
/// `bulwark sign` adds.
#[test]
fn verdict_follows_the_policy() {
    let Some(osv) = bulwark_testutil::conformance_dir("osv") else {
        return;
    };
    let Some(registry) = bulwark_testutil::registry::start_registry(None) else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("osv.db");
    import_db(&db, &[&osv]);
    let digest = push(
        &server_support::small_image(tmp.path(), 6),
        &registry.host(),
        "app:1",
        None,
    );
    let cosign = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_bulwark"))
            .current_dir(tmp.path())
            .env("COSIGN_PASSWORD", "pw")
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    cosign(&["key", "generate", "--output-key-prefix", "signer"]);
    write(
        &tmp.path().join("policy.yaml"),
        &format!(
            "max_severity: high\nallowed_registries: ['{}']\nrequire_signature:\n  keys: [signer.pub]\n",
            registry.host()
        ),
    );
    let server = Server::start(
        free_port(),
        &tmp.path().join("server.log"),
        &[
            "--database",
            tmp.path().join("store.db").to_str().unwrap(),
            "--db-path",
            db.to_str().unwrap(),
            "--offline",
            "--no-cache",
            "--policy",
            tmp.path().join("policy.yaml").to_str().unwrap(),
        ],
        None,
    );
    let image = format!("{}/app:1", registry.host());
    let verdict = || -> Value {
        let (status, _, text) = server.get(&format!("/api/v1/verdict?image={image}"), &[]);
        assert_eq!(status, 200, "{text}");
        serde_json::from_str(&text).unwrap()
    };
    let first = verdict();
    assert_eq!(first["decision"], "deny");
    assert_eq!(
        first["digest"],
        digest.as_str(),
        "the tag resolves to the pushed digest"
    );
    assert!(
        first["reasons"].to_string().contains("not been scanned"),
        "{first}"
    );
    let deadline = Instant::now() + Duration::from_secs(120);
    let scanned = loop {
        let v = verdict();
        if !v["reasons"].to_string().contains("not been scanned") {
            break v;
        }
        assert!(Instant::now() < deadline, "the queued scan never finished");
        std::thread::sleep(Duration::from_millis(300));
    };
    // What the stored report says decides the severity rule.
    let id = server.harbor_scan(&registry.host(), "app", &digest, None);
    let (_, text) = server.poll_report(&id, VULN, "", Duration::from_secs(60));
    let report: Value = serde_json::from_str(&text).unwrap();
    let fixable_high = report["vulnerabilities"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|v| {
            matches!(v["severity"].as_str(), Some("High" | "Critical"))
                && v["fix_version"].is_string()
        })
        .count();
    let reasons = scanned["reasons"].to_string();
    assert_eq!(
        reasons.contains("fixable vulnerabilit"),
        fixable_high > 0,
        "{scanned}"
    );
    assert!(reasons.contains("no signature"), "{scanned}");
    assert!(!reasons.contains("not allowed"), "{scanned}");
    // Signed with the policy's key: the signature reason goes.
    cosign(&[
        "sign",
        "--key",
        "signer.key",
        &format!("{}/app@{digest}", registry.host()),
    ]);
    let signed = verdict();
    assert!(
        !signed["reasons"].to_string().contains("no signature"),
        "{signed}"
    );
    assert!(
        signed["signed_by"].to_string().contains("signer.pub"),
        "{signed}"
    );
    assert_eq!(signed["allow"], fixable_high == 0, "{signed}");
    // A registry outside the allow-list is denied; a malformed reference is a bad request.
    let (status, _, text) = server.get("/api/v1/verdict?image=127.0.0.2:1/app:1", &[]);
    assert_eq!(status, 200, "{text}");
    assert!(
        text.contains("not allowed") && text.contains("\"deny\""),
        "{text}"
    );
    assert_eq!(server.get("/api/v1/verdict?image=UPPER::case", &[]).0, 400);
    assert_eq!(server.get("/api/v1/verdict", &[]).0, 400);
}

/// `--connect-timeout`, `--read-timeout` and `--timeout` bound the server's registry
/// conversations as they bound the CLI's: a registry that reads the request and never answers
/// fails the job at the read deadline, naming it, instead of holding a worker for the default
/// 30 s read deadline (the poll below gives up long before that).
#[test]
fn a_silent_registry_fails_the_scan_at_the_servers_read_deadline() {
    let tmp = tempfile::tempdir().unwrap();
    let osv = tmp.path().join("osv");
    std::fs::create_dir_all(&osv).unwrap();
    write(
        &osv.join("PYSEC-T-1.json"),
        r#"{"id":"PYSEC-T-1","modified":"2024-01-01T00:00:00Z","affected":[{"package":{"ecosystem":"PyPI","name":"x"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"}]}]}]}"#,
    );
    let db = tmp.path().join("osv.db");
    import_db(&db, &[&osv]);
    let registry = bulwark_testutil::http::silent();
    let store = tmp.path().join("store.db");
    let server = Server::start(
        free_port(),
        &tmp.path().join("server.log"),
        &[
            "--database",
            store.to_str().unwrap(),
            "--db-path",
            db.to_str().unwrap(),
            "--offline",
            "--no-cache",
            "--refresh-after",
            "1",
            "--connect-timeout",
            "2s",
            "--read-timeout",
            "1s",
            "--timeout",
            "5s",
        ],
        None,
    );
    let digest = format!("sha256:{}", "ab".repeat(32));
    let id = server.harbor_scan(&registry.host(), "team/app", &digest, None);
    let (status, text) = server.poll_report(&id, VULN, "", Duration::from_secs(20));
    assert_eq!(status, 500, "{text}");
    assert!(
        text.contains(&registry.host()) && text.contains("read deadline"),
        "{text}"
    );
    assert!(!registry.requests().is_empty(), "the registry was asked");
}
