//! Test support: building layer tars, OCI layouts and docker-save archives in tests, and
//! starting a real local registry (Debian's `docker-registry`) for registry tests.
#![allow(
    dead_code,
    clippy::missing_panics_doc,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)] // test-only helpers: failing loudly is the point

use std::io::Write;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use bulwark_oci::Digest;

/// Builds a tar in memory, including entries the `tar` crate would refuse (`..`, absolute).
#[derive(Default)]
pub struct TarBuilder {
    out: Vec<u8>,
}

fn header(path: &str, kind: tar::EntryType, size: u64, mode: u32) -> tar::Header {
    let mut h = tar::Header::new_ustar();
    h.set_entry_type(kind);
    h.set_size(size);
    h.set_mode(mode);
    h.set_uid(0);
    h.set_gid(0);
    h.set_mtime(1_700_000_000);
    // write the name raw so unsafe names survive
    let bytes = path.as_bytes();
    assert!(bytes.len() < 100, "test paths must be short");
    let raw = h.as_mut_bytes();
    raw[..100].fill(0);
    raw[..bytes.len()].copy_from_slice(bytes);
    h
}

impl TarBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    fn push(&mut self, mut h: tar::Header, data: &[u8]) {
        h.set_cksum();
        self.out.extend_from_slice(h.as_bytes());
        self.out.extend_from_slice(data);
        let pad = (512 - data.len() % 512) % 512;
        self.out.extend(std::iter::repeat_n(0u8, pad));
    }

    pub fn file(mut self, path: &str, data: &[u8]) -> Self {
        self.push(
            header(path, tar::EntryType::Regular, data.len() as u64, 0o644),
            data,
        );
        self
    }

    pub fn file_mode(mut self, path: &str, data: &[u8], mode: u32, uid: u64) -> Self {
        let mut h = header(path, tar::EntryType::Regular, data.len() as u64, mode);
        h.set_uid(uid);
        self.push(h, data);
        self
    }

    pub fn dir(mut self, path: &str) -> Self {
        self.push(header(path, tar::EntryType::Directory, 0, 0o755), &[]);
        self
    }

    pub fn symlink(mut self, path: &str, target: &str) -> Self {
        let mut h = header(path, tar::EntryType::Symlink, 0, 0o777);
        let raw = h.as_mut_bytes();
        raw[157..257].fill(0);
        raw[157..157 + target.len()].copy_from_slice(target.as_bytes());
        self.push(h, &[]);
        self
    }

    pub fn hardlink(mut self, path: &str, target: &str) -> Self {
        let mut h = header(path, tar::EntryType::Link, 0, 0o644);
        let raw = h.as_mut_bytes();
        raw[157..257].fill(0);
        raw[157..157 + target.len()].copy_from_slice(target.as_bytes());
        self.push(h, &[]);
        self
    }

    pub fn finish(mut self) -> Vec<u8> {
        self.out.extend(std::iter::repeat_n(0u8, 1024));
        self.out
    }
}

pub fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

pub fn zstd(data: &[u8]) -> Vec<u8> {
    ruzstd::encoding::compress_to_vec(data, ruzstd::encoding::CompressionLevel::Fastest)
}

/// A layer to put into a test image: blob bytes as stored plus the uncompressed tar.
pub struct TestLayer {
    pub blob: Vec<u8>,
    pub tar: Vec<u8>,
    pub media_type: &'static str,
}

impl TestLayer {
    pub fn plain(tar: Vec<u8>) -> Self {
        Self {
            blob: tar.clone(),
            tar,
            media_type: "application/vnd.oci.image.layer.v1.tar",
        }
    }
    pub fn gz(tar: Vec<u8>) -> Self {
        Self {
            blob: gzip(&tar),
            tar,
            media_type: "application/vnd.oci.image.layer.v1.tar+gzip",
        }
    }
    pub fn zst(tar: Vec<u8>) -> Self {
        Self {
            blob: zstd(&tar),
            tar,
            media_type: "application/vnd.oci.image.layer.v1.tar+zstd",
        }
    }
}

pub fn write_blob(dir: &Path, data: &[u8]) -> Digest {
    let d = Digest::sha256_of(data);
    let p = dir.join("blobs/sha256");
    std::fs::create_dir_all(&p).unwrap();
    std::fs::write(p.join(d.hex()), data).unwrap();
    d
}

pub fn config_json(layers: &[TestLayer], arch: &str) -> Vec<u8> {
    let diff_ids: Vec<String> = layers
        .iter()
        .map(|l| Digest::sha256_of(&l.tar).to_string())
        .collect();
    let mut history = vec![serde_json::json!({"created_by": "ENV A=1", "empty_layer": true})];
    for i in 0..layers.len() {
        history.push(serde_json::json!({"created_by": format!("RUN step {i}")}));
    }
    serde_json::to_vec(&serde_json::json!({
        "architecture": arch, "os": "linux",
        "config": {
            "User": "app", "Env": ["PATH=/usr/bin", "SECRET=x"],
            "ExposedPorts": {"8080/tcp": {}}, "Labels": {"a": "b"},
            "Healthcheck": {"Test": ["CMD", "true"], "Interval": 30_000_000_000_i64, "Retries": 3}
        },
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
        "history": history
    }))
    .unwrap()
}

/// Writes an image (config + layers + manifest) into an OCI layout dir; returns the
/// manifest descriptor JSON.
pub fn write_oci_image(dir: &Path, layers: &[TestLayer], arch: &str) -> serde_json::Value {
    let cfg = config_json(layers, arch);
    let cd = write_blob(dir, &cfg);
    let layer_descs: Vec<serde_json::Value> = layers
        .iter()
        .map(|l| {
            let d = write_blob(dir, &l.blob);
            serde_json::json!({"mediaType": l.media_type, "digest": d.to_string(), "size": l.blob.len()})
        })
        .collect();
    let manifest = serde_json::to_vec(&serde_json::json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cd.to_string(), "size": cfg.len()},
        "layers": layer_descs
    }))
    .unwrap();
    let md = write_blob(dir, &manifest);
    serde_json::json!({
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "digest": md.to_string(), "size": manifest.len(),
        "platform": {"os": "linux", "architecture": arch}
    })
}

pub fn write_index(dir: &Path, manifests: &[serde_json::Value]) {
    std::fs::write(dir.join("oci-layout"), br#"{"imageLayoutVersion":"1.0.0"}"#).unwrap();
    std::fs::write(
        dir.join("index.json"),
        serde_json::to_vec(&serde_json::json!({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": manifests})).unwrap(),
    )
    .unwrap();
}

/// Tars a directory (for OCI archives / docker archives) with the tar crate.
pub fn tar_dir(dir: &Path, out: &Path) {
    let f = std::fs::File::create(out).unwrap();
    let mut b = tar::Builder::new(f);
    b.follow_symlinks(false);
    b.append_dir_all(".", dir).unwrap();
    b.finish().unwrap();
}

#[allow(unused_imports)] // each test binary uses a different part of this module
pub use bulwark_testutil::registry::{LocalRegistry, start_registry, tools_available, which};

/// `skopeo copy` into the local registry (retried: a freshly started registry can still
/// reset the first connections).
pub fn skopeo_copy(src: &str, dest: &str, creds: Option<(&str, &str)>) {
    let mut cmd = Command::new("skopeo");
    cmd.args(["--insecure-policy", "copy", "--dest-tls-verify=false"]);
    if let Some((u, p)) = creds {
        cmd.arg(format!("--dest-creds={u}:{p}"));
    }
    cmd.arg(src).arg(dest);
    let mut out = cmd.output().expect("run skopeo");
    for _ in 0..2 {
        if out.status.success() {
            break;
        }
        eprintln!("retrying skopeo: {}", String::from_utf8_lossy(&out.stderr));
        std::thread::sleep(Duration::from_millis(500));
        out = cmd.output().expect("run skopeo");
    }
    assert!(
        out.status.success(),
        "skopeo copy {src} {dest} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Writes a legacy `docker save` archive (one image) to `out`.
pub fn write_docker_archive(out: &Path, tag: &str, layers: &[TestLayer]) {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let cfg = config_json(layers, "amd64");
    let cd = Digest::sha256_of(&cfg);
    std::fs::write(d.join(format!("{}.json", cd.hex())), &cfg).unwrap();
    let mut paths = Vec::new();
    for (i, l) in layers.iter().enumerate() {
        let name = format!("layer{i}");
        std::fs::create_dir_all(d.join(&name)).unwrap();
        std::fs::write(d.join(&name).join("layer.tar"), &l.tar).unwrap();
        paths.push(format!("{name}/layer.tar"));
    }
    std::fs::write(
        d.join("manifest.json"),
        serde_json::to_vec(&serde_json::json!([{"Config": format!("{}.json", cd.hex()), "RepoTags": [tag], "Layers": paths}]))
            .unwrap(),
    )
    .unwrap();
    tar_dir(d, out);
}
