//! `bulwark image` on broken or hostile input: every case ends with one clear error naming the
//! image and the cause, a non-zero exit, no panic, and nothing written outside the cache
//! directory (the working directory, `$TMPDIR`, `$HOME` and the input stay as they were).

#![allow(clippy::expect_used, clippy::panic, clippy::unwrap_used)] // test helpers

use std::fmt::Write as _;
use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use sha2::Digest as _;

fn sha256(data: &[u8]) -> String {
    let h = sha2::Sha256::digest(data);
    format!(
        "sha256:{}",
        h.iter().fold(String::new(), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
    )
}

/// Builds a tar in memory with raw names (the `tar` crate refuses `..` and absolute paths).
#[derive(Default)]
struct Tar(Vec<u8>);

impl Tar {
    fn entry(mut self, path: &str, kind: tar::EntryType, data: &[u8], link: &str) -> Self {
        let mut h = tar::Header::new_ustar();
        h.set_entry_type(kind);
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_mtime(1_700_000_000);
        let raw = h.as_mut_bytes();
        raw[..100].fill(0);
        raw[..path.len()].copy_from_slice(path.as_bytes());
        raw[157..257].fill(0);
        raw[157..157 + link.len()].copy_from_slice(link.as_bytes());
        h.set_cksum();
        self.0.extend_from_slice(h.as_bytes());
        self.0.extend_from_slice(data);
        self.0
            .extend(std::iter::repeat_n(0u8, (512 - data.len() % 512) % 512));
        self
    }
    fn file(self, path: &str, data: &[u8]) -> Self {
        self.entry(path, tar::EntryType::Regular, data, "")
    }
    fn symlink(self, path: &str, target: &str) -> Self {
        self.entry(path, tar::EntryType::Symlink, &[], target)
    }
    fn finish(mut self) -> Vec<u8> {
        self.0.extend(std::iter::repeat_n(0u8, 1024));
        self.0
    }
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

fn base_layer() -> Vec<u8> {
    Tar::default()
        .file("etc/os-release", b"ID=debian\nVERSION_ID=\"12\"\n")
        .file(
            "var/lib/dpkg/status",
            b"Package: base-files\nStatus: install ok installed\nVersion: 12.4\nArchitecture: amd64\n\n",
        )
        .finish()
}

fn write_blob(dir: &Path, data: &[u8]) -> String {
    let d = sha256(data);
    let p = dir.join("blobs/sha256");
    std::fs::create_dir_all(&p).unwrap();
    std::fs::write(p.join(d.trim_start_matches("sha256:")), data).unwrap();
    d
}

/// Writes an OCI layout with gzip layers (given as uncompressed tars); returns layer blob digests.
fn oci_layout(dir: &Path, tars: &[Vec<u8>]) -> Vec<String> {
    let diff_ids: Vec<String> = tars.iter().map(|t| sha256(t)).collect();
    oci_layout_claiming(dir, tars, &diff_ids)
}

/// An OCI layout whose config claims `diff_ids` whatever the layers hold.
fn oci_layout_claiming(dir: &Path, tars: &[Vec<u8>], diff_ids: &[String]) -> Vec<String> {
    let cfg = serde_json::to_vec(&serde_json::json!({
        "architecture": "amd64", "os": "linux",
        "rootfs": {"type": "layers", "diff_ids": diff_ids}
    }))
    .unwrap();
    let cd = write_blob(dir, &cfg);
    let mut digests = Vec::new();
    let layers: Vec<serde_json::Value> = tars
        .iter()
        .map(|t| {
            let gz = gzip(t);
            let d = write_blob(dir, &gz);
            digests.push(d.clone());
            serde_json::json!({"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": d, "size": gz.len()})
        })
        .collect();
    let manifest = serde_json::to_vec(&serde_json::json!({
        "schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cd, "size": cfg.len()},
        "layers": layers
    }))
    .unwrap();
    let md = write_blob(dir, &manifest);
    std::fs::write(dir.join("oci-layout"), br#"{"imageLayoutVersion":"1.0.0"}"#).unwrap();
    std::fs::write(
        dir.join("index.json"),
        serde_json::to_vec(&serde_json::json!({"schemaVersion": 2, "manifests": [
            {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": md, "size": manifest.len()}
        ]}))
        .unwrap(),
    )
    .unwrap();
    digests
}

fn blob_path(dir: &Path, digest: &str) -> PathBuf {
    dir.join("blobs/sha256")
        .join(digest.trim_start_matches("sha256:"))
}

/// A `docker save` archive (one image, plain tar layers).
fn docker_archive(out: &Path, tars: &[Vec<u8>]) {
    let diff_ids: Vec<String> = tars.iter().map(|t| sha256(t)).collect();
    let cfg = serde_json::to_vec(&serde_json::json!({
        "architecture": "amd64", "os": "linux",
        "rootfs": {"type": "layers", "diff_ids": diff_ids}
    }))
    .unwrap();
    let cfg_name = format!("{}.json", sha256(&cfg).trim_start_matches("sha256:"));
    let names: Vec<String> = (0..tars.len())
        .map(|i| format!("layer{i}/layer.tar"))
        .collect();
    let manifest = serde_json::to_vec(&serde_json::json!([
        {"Config": cfg_name, "RepoTags": ["bad/image:1"], "Layers": names}
    ]))
    .unwrap();
    let mut t = Tar::default().file(&cfg_name, &cfg);
    for (n, l) in names.iter().zip(tars) {
        t = t.file(n, l);
    }
    std::fs::write(out, t.file("manifest.json", &manifest).finish()).unwrap();
}

/// Every file under `dir`, relative, with sizes (to prove nothing was written).
fn listing(dir: &Path) -> Vec<(PathBuf, u64)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            let m = std::fs::symlink_metadata(&p).unwrap();
            if m.is_dir() {
                stack.push(p.clone());
            }
            out.push((p.strip_prefix(dir).unwrap().to_path_buf(), m.len()));
        }
    }
    out.sort();
    out
}

/// Runs `bulwark image ARGS` in a sandbox of empty directories and checks the failure
/// contract; returns stderr.
fn expect_failure(
    args: &[&str],
    input_dir: Option<&Path>,
    env: &[(&str, &str)],
    causes: &[&str],
    names: &str,
) -> String {
    let sandbox = tempfile::tempdir().unwrap();
    let (cwd, tmp, home, cache) = (
        sandbox.path().join("cwd"),
        sandbox.path().join("tmp"),
        sandbox.path().join("home"),
        sandbox.path().join("cache"),
    );
    for d in [&cwd, &tmp, &home] {
        std::fs::create_dir(d).unwrap();
    }
    let before = input_dir.map(listing);
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_bulwark"));
    cmd.args(["image", "-f", "json", "--scanners", "none", "--cache-dir"])
        .arg(&cache)
        .args(args)
        .current_dir(&cwd)
        .env("TMPDIR", &tmp)
        .env("HOME", &home)
        .env_remove("XDG_CACHE_HOME")
        .env_remove("DOCKER_CONFIG")
        .env_remove("REGISTRY_AUTH_FILE")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("spawn bulwark");
    let deadline = Instant::now() + Duration::from_mins(2);
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("bulwark {args:?} did not finish within 120 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let mut stdout = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut stdout)
        .unwrap();
    eprintln!("bulwark {args:?} → {status}\n{stderr}");
    assert!(!stderr.contains("panicked"), "panic: {stderr}");
    assert!(
        status.code().is_some_and(|c| c != 0 && c != 101),
        "exit {status}: {stderr}"
    );
    assert!(
        stdout.trim().is_empty(),
        "no report on failure, got: {stdout}"
    );
    assert_eq!(stderr.matches("error:").count(), 1, "one error: {stderr}");
    assert!(
        stderr.contains(names),
        "error must name the image `{names}`: {stderr}"
    );
    let lower = stderr.to_ascii_lowercase();
    assert!(
        causes
            .iter()
            .any(|c| lower.contains(&c.to_ascii_lowercase())),
        "error must say the cause (one of {causes:?}): {stderr}"
    );
    for d in [&cwd, &tmp, &home] {
        assert!(
            listing(d).is_empty(),
            "{} written: {:?}",
            d.display(),
            listing(d)
        );
    }
    if let (Some(dir), Some(before)) = (input_dir, before) {
        assert_eq!(listing(dir), before, "input directory changed");
    }
    stderr
}

#[test]
fn truncated_archive() {
    let dir = tempfile::tempdir().unwrap();
    let full = dir.path().join("full.tar");
    let big = Tar::default()
        .file("usr/share/doc/big", &vec![7u8; 64 * 1024])
        .finish();
    docker_archive(&full, &[base_layer(), big]);
    let bytes = std::fs::read(&full).unwrap();
    let cut = dir.path().join("cut.tar");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    expect_failure(
        &["--input", cut.to_str().unwrap()],
        Some(dir.path()),
        &[],
        &["eof", "truncated", "unexpected end"],
        "cut.tar",
    );
}

#[test]
fn wrong_blob_digest() {
    let dir = tempfile::tempdir().unwrap();
    let digests = oci_layout(dir.path(), &[base_layer()]);
    // Same size, same decompressed content (so the gzip CRC and the diff id still match), other
    // bytes: the gzip header's OS byte changes. Only checking the blob digest can notice.
    let p = blob_path(dir.path(), &digests[0]);
    let mut b = std::fs::read(&p).unwrap();
    b[9] ^= 0x01;
    std::fs::write(&p, b).unwrap();
    expect_failure(
        &["--input", dir.path().to_str().unwrap()],
        Some(dir.path()),
        &[],
        &["digest"],
        &dir.path().display().to_string(),
    );
}

/// Same, with a flipped byte inside the compressed data of a `docker save` layer.
#[test]
fn corrupt_layer_in_archive() {
    let dir = tempfile::tempdir().unwrap();
    let ar = dir.path().join("image.tar");
    docker_archive(&ar, &[base_layer()]);
    let mut b = std::fs::read(&ar).unwrap();
    let pos = b
        .windows(10)
        .position(|w| w == b"base-files")
        .expect("layer content in archive");
    b[pos] = b'B';
    std::fs::write(&ar, b).unwrap();
    expect_failure(
        &["--input", ar.to_str().unwrap()],
        Some(dir.path()),
        &[],
        &["digest", "diff id", "diff_id"],
        "image.tar",
    );
}

#[test]
fn dotdot_entry() {
    let dir = tempfile::tempdir().unwrap();
    let evil = Tar::default()
        .file("../../etc/cron.d/evil", b"* * * * * root sh\n")
        .finish();
    oci_layout(dir.path(), &[base_layer(), evil]);
    let err = expect_failure(
        &["--input", dir.path().to_str().unwrap()],
        Some(dir.path()),
        &[],
        &["escapes the image root"],
        &dir.path().display().to_string(),
    );
    assert!(err.contains("../../etc/cron.d/evil"), "{err}");
}

/// A warm cache does not stand in for a blob it was not made from: the layout's layer is
/// replaced by another (correctly named) blob while the config still claims the genuine diff id,
/// which a scan answering from a cache keyed by the diff id alone would accept unread.
#[test]
fn tampered_layer_is_rejected_with_a_warm_cache() {
    let dir = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    let app = |version: &str| {
        Tar::default()
            .file(
                "usr/lib/python3/dist-packages/urllib3-1.26.4.dist-info/METADATA",
                format!("Metadata-Version: 2.1\nName: urllib3\nVersion: {version}\n").as_bytes(),
            )
            .finish()
    };
    let genuine = [base_layer(), app("1.26.4")];
    let claimed: Vec<String> = genuine.iter().map(|t| sha256(t)).collect();
    oci_layout(dir.path(), &genuine);
    let run = || {
        Command::new(env!("CARGO_BIN_EXE_bulwark"))
            .args([
                "image",
                "-f",
                "json",
                "--scanners",
                "none",
                "--list-all-pkgs",
            ])
            .arg("--cache-dir")
            .arg(cache.path())
            .arg("--input")
            .arg(dir.path())
            .output()
            .unwrap()
    };
    let warm = run();
    assert_eq!(warm.status.code(), Some(0), "{warm:?}");
    assert!(String::from_utf8_lossy(&warm.stdout).contains("1.26.4"));
    let again = run();
    let report: serde_json::Value = serde_json::from_slice(&again.stdout).unwrap();
    assert!(
        report["metadata"]["layers"]
            .as_array()
            .unwrap()
            .iter()
            .all(|l| l["cached"] == true),
        "the second scan is answered from the cache: {report}"
    );

    std::fs::remove_dir_all(dir.path().join("blobs")).unwrap();
    oci_layout_claiming(dir.path(), &[base_layer(), app("9.99.9")], &claimed);
    let tampered = run();
    let stderr = String::from_utf8_lossy(&tampered.stderr);
    assert_eq!(tampered.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("diff id"), "{stderr}");
    assert!(!String::from_utf8_lossy(&tampered.stdout).contains("9.99.9"));
}

/// Docker unpacks a member written as `/etc/os-release` to `etc/os-release` under the root:
/// the scan reads it there, as any runtime would, and does not fail.
#[test]
fn absolute_entry_is_read_as_relative() {
    let dir = tempfile::tempdir().unwrap();
    let abs = Tar::default()
        .file("/etc/os-release", b"ID=alpine\nVERSION_ID=3.20.0\n")
        .finish();
    oci_layout(dir.path(), &[base_layer(), abs]);
    let out = Command::new(env!("CARGO_BIN_EXE_bulwark"))
        .args([
            "image",
            "-f",
            "json",
            "--scanners",
            "none",
            "--no-cache",
            "--input",
        ])
        .arg(dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["metadata"]["os"]["id"], "alpine", "{report}");
}

#[test]
fn gzip_bomb_is_bounded() {
    let dir = tempfile::tempdir().unwrap();
    // 256 MiB of zeros compresses to ~250 KiB; the limit stops the walk after 16 MiB.
    let bomb = Tar::default().file("zeros", &vec![0u8; 256 << 20]).finish();
    oci_layout(dir.path(), &[base_layer(), bomb]);
    expect_failure(
        &[
            "--input",
            dir.path().to_str().unwrap(),
            "--max-layer-bytes",
            "16777216",
        ],
        Some(dir.path()),
        &[],
        &["exceeds the decompressed size limit"],
        &dir.path().display().to_string(),
    );
}

#[test]
fn missing_blob_in_oci_layout() {
    let dir = tempfile::tempdir().unwrap();
    let digests = oci_layout(dir.path(), &[base_layer()]);
    std::fs::remove_file(blob_path(dir.path(), &digests[0])).unwrap();
    let err = expect_failure(
        &["--input", dir.path().to_str().unwrap()],
        Some(dir.path()),
        &[],
        &["not found"],
        &dir.path().display().to_string(),
    );
    assert!(err.contains(&digests[0]), "names the missing blob: {err}");
}

#[test]
fn unreachable_daemon() {
    expect_failure(
        &["bulwark-test/app:1", "--image-src", "docker"],
        None,
        &[("DOCKER_HOST", "unix:///nonexistent")],
        &["/nonexistent"],
        "bulwark-test/app:1",
    );
}

/// A registry stand-in answering every request with `status` (and a Basic challenge on 401).
fn fake_registry(status: u16) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut s) = stream else { continue };
            let mut r = BufReader::new(s.try_clone().unwrap());
            let mut line = String::new();
            // read the request head
            while r.read_line(&mut line).is_ok_and(|n| n > 0) && line != "\r\n" {
                line.clear();
            }
            let reason = match status {
                401 => "Unauthorized",
                404 => "Not Found",
                429 => "Too Many Requests",
                _ => "Internal Server Error",
            };
            let body = format!(r#"{{"errors":[{{"code":"X","message":"{reason}"}}]}}"#);
            let extra = match status {
                401 => "WWW-Authenticate: Basic realm=\"test\"\r\n",
                429 => "Retry-After: 0\r\n",
                _ => "",
            };
            let _ = write!(
                s,
                "HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\n{extra}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    port
}

fn registry_case(status: u16, causes: &[&str]) {
    let port = fake_registry(status);
    let image = format!("127.0.0.1:{port}/team/app:1");
    expect_failure(
        &[&image, "--image-src", "remote"],
        None,
        &[],
        causes,
        &image,
    );
}

#[test]
fn registry_401() {
    registry_case(401, &["401", "unauthorized", "authentication"]);
}

#[test]
fn registry_404() {
    registry_case(404, &["404", "not found", "unknown"]);
}

#[test]
fn registry_429() {
    registry_case(429, &["429", "too many"]);
}

#[test]
fn registry_500() {
    registry_case(500, &["500", "internal server error"]);
}

/// A symlink loop is not malformed input (real images contain dangling and looping links);
/// resolving one must terminate and leave the path unresolved rather than hang or fail.
#[test]
fn symlink_loop_terminates() {
    let dir = tempfile::tempdir().unwrap();
    let loops = Tar::default()
        .symlink("a", "b")
        .symlink("b", "a")
        .symlink("etc/os-release", "../a")
        .symlink("usr/lib/os-release", "/usr/lib/os-release")
        .finish();
    oci_layout(dir.path(), &[loops]);
    let out = Command::new(env!("CARGO_BIN_EXE_bulwark"))
        .args([
            "image",
            "-f",
            "json",
            "--scanners",
            "none",
            "--no-cache",
            "--input",
        ])
        .arg(dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        v["metadata"]["os"].is_null(),
        "a looping os-release is no OS: {}",
        v["metadata"]["os"]
    );
    assert_eq!(v["metadata"]["package_count"], 0);
}
