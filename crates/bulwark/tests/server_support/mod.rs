//! Shared parts of the `bulwark server` end-to-end tests: real server processes, a small HTTP
//! client, the test image pushed to a real registry, and small generated images.
#![allow(
    clippy::expect_used,
    clippy::panic,
    clippy::unwrap_used,
    clippy::duration_suboptimal_units,
    clippy::single_match_else,
    clippy::format_collect,
    dead_code,
    unreachable_pub
)]

use std::io::Write as _;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use serde_json::Value;

/// Builds (or reuses) the test image (scripts/build-test-image.sh); the export directory.
pub fn test_image() -> Option<&'static Path> {
    static DIR: OnceLock<Option<PathBuf>> = OnceLock::new();
    DIR.get_or_init(|| {
        if !bulwark_testutil::registry::tools_available(&[
            "mmdebstrap",
            "skopeo",
            "javac",
            "jar",
            "docker-registry",
        ]) || !bulwark_testutil::docker_available()
        {
            return None;
        }
        let script =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/build-test-image.sh");
        let out = Command::new("bash")
            .arg(&script)
            .stderr(Stdio::inherit())
            .output()
            .expect("run build-test-image.sh");
        assert!(out.status.success(), "{} failed", script.display());
        let dir = String::from_utf8(out.stdout).unwrap();
        Some(PathBuf::from(dir.lines().last().unwrap().trim()))
    })
    .as_deref()
}

/// A free port on 127.0.0.1.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A running `bulwark server`; killed on drop.
pub struct Server {
    pub child: Child,
    pub port: u16,
    pub log: PathBuf,
    pub key: Option<String>,
}

impl Server {
    /// Starts `bulwark server --listen 127.0.0.1:PORT ARGS...` (JSON logs to `log`) and waits
    /// for `/healthz`.
    pub fn start(port: u16, log: &Path, args: &[&str], key: Option<&str>) -> Server {
        let file = std::fs::File::create(log).unwrap();
        let child = Command::new(env!("CARGO_BIN_EXE_bulwark"))
            .args(["server", "--listen", &format!("127.0.0.1:{port}")])
            .args(args)
            .env("BULWARK_LOG", "info")
            .stdout(Stdio::null())
            .stderr(file)
            .spawn()
            .expect("spawn bulwark server");
        let s = Server {
            child,
            port,
            log: log.to_path_buf(),
            key: key.map(str::to_owned),
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if http("GET", &s.url("/healthz"), &[], None).0 == 200 {
                return s;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!(
            "bulwark server did not start: {}",
            std::fs::read_to_string(log).unwrap_or_default()
        );
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    fn auth(&self) -> Vec<(&'static str, String)> {
        self.key
            .iter()
            .map(|k| ("Authorization", format!("Bearer {k}")))
            .collect()
    }

    /// GET with the server's key and extra headers.
    pub fn get(
        &self,
        path: &str,
        headers: &[(&'static str, String)],
    ) -> (u16, Vec<(String, String)>, String) {
        let mut h = self.auth();
        h.extend(headers.iter().cloned());
        http("GET", &self.url(path), &h, None)
    }

    /// POST JSON with the server's key.
    pub fn post(
        &self,
        path: &str,
        content_type: &str,
        body: &str,
    ) -> (u16, Vec<(String, String)>, String) {
        let mut h = self.auth();
        h.push(("Content-Type", content_type.to_owned()));
        http("POST", &self.url(path), &h, Some(body.as_bytes()))
    }

    /// Sends a Harbor scan request; returns the scan id.
    pub fn harbor_scan(
        &self,
        registry: &str,
        repository: &str,
        digest: &str,
        authorization: Option<&str>,
    ) -> String {
        let mut reg = serde_json::json!({ "url": format!("http://{registry}") });
        if let Some(a) = authorization {
            reg["authorization"] = a.into();
        }
        let body = serde_json::json!({
            "registry": reg,
            "artifact": {
                "repository": repository,
                "digest": digest,
                "tag": "1",
                "mime_type": "application/vnd.oci.image.manifest.v1+json"
            },
            "enabled_capabilities": [
                { "type": "vulnerability", "produces_mime_types": ["application/vnd.security.vulnerability.report; version=1.1"] },
                { "type": "sbom", "produces_mime_types": ["application/vnd.security.sbom.report+json; version=1.0"],
                  "parameters": { "sbom_media_types": ["application/spdx+json", "application/vnd.cyclonedx+json"] } }
            ]
        });
        let (status, headers, text) = self.post(
            "/api/v1/scan",
            "application/vnd.scanner.adapter.scan.request+json; version=1.1",
            &body.to_string(),
        );
        assert_eq!(status, 202, "scan request: {text}");
        assert!(
            header(&headers, "content-type").is_some_and(
                |c| c.starts_with("application/vnd.scanner.adapter.scan.response+json")
            ),
            "{headers:?}"
        );
        let v: Value = serde_json::from_str(&text).unwrap();
        v["id"].as_str().unwrap().to_owned()
    }

    /// Polls a report as Harbor does (302 + Refresh-After while running) until 200 or 500.
    pub fn poll_report(
        &self,
        id: &str,
        accept: &str,
        query: &str,
        deadline: Duration,
    ) -> (u16, String) {
        let end = Instant::now() + deadline;
        loop {
            let (status, headers, text) = self.get(
                &format!("/api/v1/scan/{id}/report{query}"),
                &[("Accept", accept.to_owned())],
            );
            match status {
                302 => {
                    let after: u64 = header(&headers, "refresh-after")
                        .expect("302 carries Refresh-After")
                        .parse()
                        .expect("Refresh-After is an integer");
                    assert!(after >= 1);
                }
                200 | 500 => return (status, text),
                other => panic!("report {id}: unexpected HTTP {other}: {text}"),
            }
            assert!(
                Instant::now() < end,
                "report {id} not ready in {deadline:?}"
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// The job document.
    pub fn job(&self, id: &str) -> Value {
        let (status, _, text) = self.get(&format!("/api/v1/jobs/{id}"), &[]);
        assert_eq!(status, 200, "{text}");
        serde_json::from_str(&text).unwrap()
    }

    /// Sends SIGTERM and waits for the process (graceful shutdown).
    pub fn terminate(&mut self) -> std::process::ExitStatus {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Some(s) = self.child.try_wait().unwrap() {
                return s;
            }
            assert!(
                Instant::now() < deadline,
                "server did not stop after SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// One HTTP request (no redirects followed): status, headers, body.
pub fn http(
    method: &str,
    url: &str,
    headers: &[(&'static str, String)],
    body: Option<&[u8]>,
) -> (u16, Vec<(String, String)>, String) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .into();
    let result = match method {
        "GET" => {
            let mut r = agent.get(url);
            for (k, v) in headers {
                r = r.header(*k, v);
            }
            r.call()
        }
        _ => {
            let mut r = agent.post(url);
            for (k, v) in headers {
                r = r.header(*k, v);
            }
            r.send(body.unwrap_or_default())
        }
    };
    match result {
        Ok(resp) => {
            let status = resp.status().as_u16();
            let hs = resp
                .headers()
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_owned()))
                .collect();
            let text = resp
                .into_body()
                .with_config()
                .limit(64 << 20)
                .read_to_string()
                .unwrap_or_default();
            (status, hs, text)
        }
        Err(_) => (0, Vec::new(), String::new()),
    }
}

/// Copies an OCI layout to `registry` as `repo:tag` with skopeo (plain HTTP); returns the
/// manifest digest in the registry.
pub fn push(layout: &Path, registry: &str, repo_tag: &str, creds: Option<&str>) -> String {
    let mut cmd = Command::new("skopeo");
    cmd.args(["copy", "-q", "--dest-tls-verify=false"]);
    if let Some(c) = creds {
        cmd.args(["--dest-creds", c]);
    }
    let out = cmd
        .arg(format!("oci:{}", layout.display()))
        .arg(format!("docker://{registry}/{repo_tag}"))
        .output()
        .expect("run skopeo copy");
    assert!(
        out.status.success(),
        "skopeo copy: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut cmd = Command::new("skopeo");
    cmd.args(["inspect", "--tls-verify=false", "--format", "{{.Digest}}"]);
    if let Some(c) = creds {
        cmd.args(["--creds", c]);
    }
    let out = cmd
        .arg(format!("docker://{registry}/{repo_tag}"))
        .output()
        .expect("run skopeo inspect");
    assert!(
        out.status.success(),
        "skopeo inspect: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

fn sha256_hex(data: &[u8]) -> String {
    use sha2::Digest as _;
    sha2::Sha256::digest(data)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Writes a small one-layer OCI layout: Debian 12 os-release and a Python package
/// `urllib3 1.26.<n>` (real OSV records match the old releases), so every `n` is a distinct
/// image with real findings.
pub fn small_image(dir: &Path, n: u32) -> PathBuf {
    let layout = dir.join(format!("small-{n}"));
    let blobs = layout.join("blobs/sha256");
    std::fs::create_dir_all(&blobs).unwrap();
    let mut tar = tar::Builder::new(Vec::new());
    let mut add = |path: &str, data: &[u8]| {
        let mut h = tar::Header::new_ustar();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_mtime(0);
        h.set_cksum();
        tar.append_data(&mut h, path, data).unwrap();
    };
    add(
        "etc/os-release",
        b"PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nID=debian\n",
    );
    let meta = format!("Metadata-Version: 2.1\nName: urllib3\nVersion: 1.26.{n}\n");
    add(
        &format!("usr/lib/python3/dist-packages/urllib3-1.26.{n}.dist-info/METADATA"),
        meta.as_bytes(),
    );
    let layer = tar.into_inner().unwrap();
    let layer_digest = sha256_hex(&layer);
    std::fs::write(blobs.join(&layer_digest), &layer).unwrap();
    let config = serde_json::json!({
        "architecture": "amd64", "os": "linux",
        "config": { "Env": ["PATH=/usr/bin"] },
        "rootfs": { "type": "layers", "diff_ids": [format!("sha256:{layer_digest}")] },
        "history": [{ "created_by": format!("COPY small-{n} /") }]
    })
    .to_string();
    let config_digest = sha256_hex(config.as_bytes());
    std::fs::write(blobs.join(&config_digest), &config).unwrap();
    let manifest = serde_json::json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": { "mediaType": "application/vnd.oci.image.config.v1+json", "digest": format!("sha256:{config_digest}"), "size": config.len() },
        "layers": [{ "mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": format!("sha256:{layer_digest}"), "size": layer.len() }]
    })
    .to_string();
    let manifest_digest = sha256_hex(manifest.as_bytes());
    std::fs::write(blobs.join(&manifest_digest), &manifest).unwrap();
    std::fs::write(
        layout.join("oci-layout"),
        r#"{"imageLayoutVersion":"1.0.0"}"#,
    )
    .unwrap();
    let index = serde_json::json!({
        "schemaVersion": 2,
        "manifests": [{ "mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": format!("sha256:{manifest_digest}"), "size": manifest.len() }]
    });
    std::fs::write(layout.join("index.json"), index.to_string()).unwrap();
    layout
}

/// Imports OSV data (directories) into a database file with the CLI.
pub fn import_db(db: &Path, sources: &[&Path]) {
    let out = Command::new(env!("CARGO_BIN_EXE_bulwark"))
        .args(["db", "import", "--db-path"])
        .arg(db)
        .args(sources)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "db import: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `bulwark image REF --format json --scanners vuln` against the registry copy.
pub fn cli_findings(image: &str, db: &Path, cache: &Path) -> Vec<Value> {
    let out = Command::new(env!("CARGO_BIN_EXE_bulwark"))
        .args([
            "image",
            image,
            "--image-src",
            "remote",
            "-f",
            "json",
            "--scanners",
            "vuln",
            "--skip-db-update",
            "--db-path",
        ])
        .arg(db)
        .arg("--cache-dir")
        .arg(cache)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "bulwark image: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    v["findings"].as_array().unwrap().clone()
}

/// Writes `text` to a new file.
pub fn write(path: &Path, text: &str) {
    let mut f = std::fs::File::create(path).unwrap();
    f.write_all(text.as_bytes()).unwrap();
}
