//! Secrets in image layers, end to end: a two-layer `docker save` archive whose first layer holds
//! a fake AWS key and a freshly generated RSA private key, whose second layer deletes both files,
//! and whose config carries a GitHub token in `Env`. Every secret must be found with the right
//! layer and path, flagged "removed in a later layer" where that is so, and never printed in
//! full. The same archive is then loaded into the Docker engine and scanned from the daemon.

#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::Command;

use sha2::{Digest as _, Sha256};

fn sha256_hex(b: &[u8]) -> String {
    use std::fmt::Write as _;
    Sha256::digest(b).iter().fold(String::new(), |mut s, x| {
        let _ = write!(s, "{x:02x}");
        s
    })
}

fn layer_tar(files: &[(&str, &[u8], u32)]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for (path, data, mode) in files {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(*mode);
        h.set_mtime(1_700_000_000);
        h.set_cksum();
        b.append_data(&mut h, path, *data).unwrap();
    }
    b.into_inner().unwrap()
}

struct Fixture {
    aws_key_id: String,
    github_token: String,
    rsa_pem: Vec<u8>,
}

fn fixture() -> Option<Fixture> {
    let out = Command::new("openssl")
        .args(["genrsa", "-traditional", "2048"])
        .output()
        .ok()
        .filter(|o| o.status.success());
    let Some(out) = out else {
        assert!(
            !bulwark_testutil::is_ci(),
            "openssl is needed to generate the RSA key"
        );
        eprintln!("SKIPPED: openssl not available");
        return None;
    };
    // Built at run time so no live-looking credential sits in the repository.
    Some(Fixture {
        aws_key_id: format!("AKIA{}", "QYLPMN5HHHFPZAM2"),
        github_token: format!("ghp_{}", "R8x2Kq9LmN4pT7vW1yZ3aB5cD6eF0gH2jK4m"),
        rsa_pem: out.stdout,
    })
}

/// Writes the archive and returns (layer digests as the config's diff ids).
fn write_archive(dir: &Path, fx: &Fixture) -> (std::path::PathBuf, Vec<String>) {
    let creds = format!(
        "[default]\naws_access_key_id = {}\naws_secret_access_key = {}\n",
        fx.aws_key_id,
        format_args!("{}{}", "1tUm636uS1yOEcfP5pvfqJ/", "ml36mF7AkyHsEU0IO")
    );
    let l1 = layer_tar(&[
        ("etc/os-release", b"ID=bulwarktest\nVERSION_ID=1\n", 0o644),
        ("app/config.ini", creds.as_bytes(), 0o644),
        ("root/.ssh/id_rsa", &fx.rsa_pem, 0o600),
    ]);
    let l2 = layer_tar(&[
        ("app/.wh.config.ini", b"", 0o644),
        ("root/.ssh/.wh.id_rsa", b"", 0o644),
        ("app/README", b"nothing secret here\n", 0o644),
    ]);
    let d1 = sha256_hex(&l1);
    let d2 = sha256_hex(&l2);
    let config = serde_json::json!({
        "architecture": "amd64", "os": "linux",
        "config": { "Env": [format!("GITHUB_TOKEN={}", fx.github_token), "PATH=/usr/bin"], "User": "" },
        "rootfs": { "type": "layers", "diff_ids": [format!("sha256:{d1}"), format!("sha256:{d2}")] },
        "history": [
            { "created_by": "COPY secrets /" },
            { "created_by": "ENV GITHUB_TOKEN=...", "empty_layer": true },
            { "created_by": "RUN rm /app/config.ini /root/.ssh/id_rsa" }
        ]
    });
    let config_bytes = serde_json::to_vec(&config).unwrap();
    let config_name = format!("{}.json", sha256_hex(&config_bytes));
    let manifest = serde_json::json!([{
        "Config": config_name,
        "RepoTags": ["bulwark-test/secrets:1"],
        "Layers": [format!("{d1}/layer.tar"), format!("{d2}/layer.tar")]
    }]);
    let archive = dir.join("secrets.tar");
    let mut b = tar::Builder::new(std::fs::File::create(&archive).unwrap());
    for (name, data) in [
        (
            "manifest.json".to_string(),
            serde_json::to_vec(&manifest).unwrap(),
        ),
        (config_name, config_bytes),
        (format!("{d1}/layer.tar"), l1),
        (format!("{d2}/layer.tar"), l2),
    ] {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_cksum();
        b.append_data(&mut h, name, data.as_slice()).unwrap();
    }
    b.finish().unwrap();
    (
        archive,
        vec![format!("sha256:{d1}"), format!("sha256:{d2}")],
    )
}

fn scan(args: &[&str], cache: &Path) -> (serde_json::Value, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_bulwark"))
        .args([
            "image",
            "-f",
            "json",
            "--scanners",
            "secret,config",
            "--cache-dir",
        ])
        .arg(cache)
        .args(args)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (serde_json::from_str(&stdout).unwrap(), stdout)
}

fn check(report: &serde_json::Value, raw: &str, fx: &Fixture, layers: &[String]) {
    let findings = report["findings"].as_array().unwrap();
    let find = |code: &str| {
        let f = findings.iter().find(|f| f["code"] == code);
        assert!(f.is_some(), "{code} not found in {raw}");
        f.unwrap()
    };
    let aws = find("aws-access-key-id");
    // In-image paths: relative to the image's root, whatever the working directory.
    assert_eq!(aws["location"]["path"], "app/config.ini");
    assert_eq!(aws["location"]["artifact"]["type"], "image");
    assert_eq!(aws["location"]["line"], 2);
    assert_eq!(aws["properties"]["removed_in_later_layer"], true);
    let key = find("private-key");
    assert_eq!(key["location"]["path"], "root/.ssh/id_rsa");
    assert_eq!(key["properties"]["removed_in_later_layer"], true);
    let layer_of = |f: &serde_json::Value| {
        f["properties"]["layer_digest"]
            .as_str()
            .unwrap()
            .to_string()
    };
    // docker-save layers are uncompressed: their blob digest is the diff id.
    assert_eq!(layer_of(aws), layers[0]);
    assert_eq!(layer_of(key), layers[0]);
    assert_eq!(aws["properties"]["created_by"], "COPY secrets /");
    // The token in Env is a secret in the image configuration (BWI002).
    assert!(
        findings.iter().any(|f| f["category"] == "secret"
            && f["code"] == "BWI002"
            && f["message"]
                .as_str()
                .unwrap_or_default()
                .contains("GITHUB_TOKEN")),
        "{raw}"
    );
    // Never the full secret.
    for secret in [fx.aws_key_id.as_str(), fx.github_token.as_str()] {
        assert!(!raw.contains(secret), "full secret leaked into the report");
    }
    let body: String = String::from_utf8_lossy(&fx.rsa_pem)
        .lines()
        .nth(1)
        .unwrap()
        .to_string();
    assert!(!raw.contains(&body), "key material leaked into the report");
}

#[test]
fn secrets_in_layers_and_env_are_found_with_layer_and_path() {
    let Some(fx) = fixture() else { return };
    let dir = tempfile::tempdir().unwrap();
    let (archive, layers) = write_archive(dir.path(), &fx);
    let cache = dir.path().join("cache");
    let (report, raw) = scan(&["--input", archive.to_str().unwrap()], &cache);
    check(&report, &raw, &fx, &layers);
    // Second run comes from the per-layer cache and says the same.
    let (again, raw2) = scan(&["--input", archive.to_str().unwrap()], &cache);
    assert!(
        again["metadata"]["layers"]
            .as_array()
            .unwrap()
            .iter()
            .all(|l| l["cached"] == true)
    );
    check(&again, &raw2, &fx, &layers);

    // The same image from the Docker engine.
    if !bulwark_testutil::docker_available() {
        return;
    }
    let load = Command::new("docker")
        .args(["load", "-i"])
        .arg(&archive)
        .output()
        .unwrap();
    assert!(
        load.status.success(),
        "{}",
        String::from_utf8_lossy(&load.stderr)
    );
    let (report, raw) = scan(&["--image-src", "docker", "bulwark-test/secrets:1"], &cache);
    let _ = Command::new("docker")
        .args(["rmi", "-f", "bulwark-test/secrets:1"])
        .output();
    check(&report, &raw, &fx, &layers);
}

/// A one-layer `docker save` archive holding `files`.
fn one_layer_archive(dir: &Path, files: &[(&str, &[u8], u32)]) -> std::path::PathBuf {
    let layer = layer_tar(files);
    let d = sha256_hex(&layer);
    let config = serde_json::json!({
        "architecture": "amd64", "os": "linux",
        "config": { "Env": ["PATH=/usr/bin"] },
        "rootfs": { "type": "layers", "diff_ids": [format!("sha256:{d}")] },
        "history": [{ "created_by": "RUN apt-get install corp-tools" }]
    });
    let config_bytes = serde_json::to_vec(&config).unwrap();
    let config_name = format!("{}.json", sha256_hex(&config_bytes));
    let manifest = serde_json::json!([{
        "Config": config_name,
        "RepoTags": ["bulwark-test/secret-config:1"],
        "Layers": [format!("{d}/layer.tar")]
    }]);
    let archive = dir.join("owned.tar");
    let mut b = tar::Builder::new(std::fs::File::create(&archive).unwrap());
    for (name, data) in [
        (
            "manifest.json".to_string(),
            serde_json::to_vec(&manifest).unwrap(),
        ),
        (config_name, config_bytes),
        (format!("{d}/layer.tar"), layer),
    ] {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_cksum();
        b.append_data(&mut h, name, data.as_slice()).unwrap();
    }
    b.finish().unwrap();
    archive
}

fn secret_paths(args: &[&str], archive: &Path) -> Vec<(String, String)> {
    let out = Command::new(env!("CARGO_BIN_EXE_bulwark"))
        .args(["image", "-f", "json", "--scanners", "secret", "--no-cache"])
        .arg("--input")
        .arg(archive)
        .args(args)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let mut v: Vec<(String, String)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["location"]["path"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    v.sort();
    v
}

/// A custom rule from a Trivy-style YAML config finds the corp token; a file that dpkg lists as
/// installed by a package in the same layer is not scanned unless `scan-package-files: true`,
/// except configuration files under /etc.
#[test]
fn yaml_secret_config_custom_rule_and_package_owned_files() {
    let dir = tempfile::tempdir().unwrap();
    // Built at run time so no credential-shaped literal sits in the repository.
    let token = format!("corp_{}", "q7Z2m9XkR4t8W1vB6n3Y5cLp");
    let line = format!("api_token: {token}\n");
    let list = b"/.\n/usr\n/usr/lib/corp\n/usr/lib/corp/defaults.yml\n/etc/corp.yml\n";
    let archive = one_layer_archive(
        dir.path(),
        &[
            ("usr/lib/corp/defaults.yml", line.as_bytes(), 0o644),
            ("etc/corp.yml", line.as_bytes(), 0o644),
            ("app/settings.yml", line.as_bytes(), 0o644),
            ("var/lib/dpkg/info/corp-tools.list", list, 0o644),
        ],
    );
    let yaml = "\
rules:
  - id: corp-token
    category: Corp
    title: Corp API token
    severity: high
    keywords: [corp_]
    regex: '(?P<secret>corp_[A-Za-z0-9]{24})'
disable-rules: [generic-secret-assignment]
";
    let cfg = dir.path().join("trivy-secret.yaml");
    std::fs::write(&cfg, yaml).unwrap();
    let found = secret_paths(&["--secret-config", cfg.to_str().unwrap()], &archive);
    let expected = |paths: &[&str]| -> Vec<(String, String)> {
        paths
            .iter()
            .map(|p| ("corp-token".to_string(), (*p).to_string()))
            .collect()
    };
    assert_eq!(found, expected(&["app/settings.yml", "etc/corp.yml"]));

    let all = dir.path().join("all.yml");
    std::fs::write(&all, format!("{yaml}scan-package-files: true\n")).unwrap();
    let found = secret_paths(&["--secret-config", all.to_str().unwrap()], &archive);
    assert_eq!(
        found,
        expected(&[
            "app/settings.yml",
            "etc/corp.yml",
            "usr/lib/corp/defaults.yml"
        ])
    );

    // A broken config is a usage error naming the file and the problem.
    let bad = dir.path().join("bad.yaml");
    std::fs::write(&bad, "rules:\n  - id: x\n    regexp: y\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_bulwark"))
        .args(["image", "-f", "json", "--scanners", "secret", "--no-cache"])
        .arg("--input")
        .arg(&archive)
        .arg("--secret-config")
        .arg(&bad)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains("bad.yaml") && stderr.contains("regexp"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}
