//! Small container images built in tests, byte by byte: layer tars (files, whiteouts) and
//! `docker save` archives with a config whose history, Env and labels the test chooses. No
//! registry and no daemon are needed; the result is what `docker save` writes.

use std::path::{Path, PathBuf};

use sha2::{Digest as _, Sha256};

/// Lower-case hex SHA-256 of `bytes`.
#[must_use]
pub fn sha256_hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    Sha256::digest(bytes)
        .iter()
        .fold(String::with_capacity(64), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// One layer being built: regular files (path, bytes, mode) and whiteouts, in order.
#[derive(Debug, Default, Clone)]
pub struct Layer {
    entries: Vec<(String, Vec<u8>, u32)>,
}

impl Layer {
    /// An empty layer.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a regular file (mode 0644).
    #[must_use]
    pub fn file(self, path: &str, data: impl AsRef<[u8]>) -> Self {
        self.file_mode(path, data, 0o644)
    }

    /// Adds a regular file with `mode`.
    #[must_use]
    pub fn file_mode(mut self, path: &str, data: impl AsRef<[u8]>, mode: u32) -> Self {
        self.entries
            .push((path.to_owned(), data.as_ref().to_vec(), mode));
        self
    }

    /// Adds a whiteout deleting `path` of a lower layer (`dir/.wh.name`).
    #[must_use]
    pub fn whiteout(self, path: &str) -> Self {
        let (dir, name) = path.rsplit_once('/').unwrap_or(("", path));
        let wh = if dir.is_empty() {
            format!(".wh.{name}")
        } else {
            format!("{dir}/.wh.{name}")
        };
        self.file(&wh, b"")
    }

    /// Adds an opaque-directory marker: `dir`'s lower-layer contents are hidden.
    #[must_use]
    pub fn opaque(self, dir: &str) -> Self {
        self.file(&format!("{}/.wh..wh..opq", dir.trim_end_matches('/')), b"")
    }

    /// The uncompressed layer tar.
    ///
    /// # Panics
    /// When a path is not valid in a tar header (a test bug).
    #[must_use]
    pub fn tar(&self) -> Vec<u8> {
        let mut b = tar::Builder::new(Vec::new());
        for (path, data, mode) in &self.entries {
            let mut h = tar::Header::new_gnu();
            h.set_size(data.len() as u64);
            h.set_mode(*mode);
            h.set_mtime(1_700_000_000);
            h.set_cksum();
            #[allow(clippy::expect_used)]
            b.append_data(&mut h, path, data.as_slice())
                .expect("tar entry");
        }
        #[allow(clippy::expect_used)]
        b.into_inner().expect("tar")
    }
}

/// A `docker save` archive: layers, and the config fields a test cares about.
#[derive(Debug, Clone)]
pub struct DockerArchive {
    /// The layers, base first.
    pub layers: Vec<Layer>,
    /// `config.Env`.
    pub env: Vec<String>,
    /// `config.Labels`.
    pub labels: Vec<(String, String)>,
    /// `config.User`.
    pub user: String,
    /// History `created_by` per layer (empty steps may be added with `empty_steps`).
    pub created_by: Vec<String>,
    /// Extra history entries marked `empty_layer`, inserted after the given layer index.
    pub empty_steps: Vec<(usize, String)>,
    /// The tag recorded in `manifest.json`.
    pub tag: String,
}

impl DockerArchive {
    /// An archive of `layers` with a default history (`layer N`) and no Env or labels.
    #[must_use]
    pub fn new(layers: Vec<Layer>) -> Self {
        let created_by = (0..layers.len()).map(|i| format!("layer {i}")).collect();
        Self {
            layers,
            env: vec!["PATH=/usr/bin:/bin".to_owned()],
            labels: Vec::new(),
            user: String::new(),
            created_by,
            empty_steps: Vec::new(),
            tag: "bulwark-test/fixture:1".to_owned(),
        }
    }

    /// Writes the archive to `dir/name` and returns its path.
    ///
    /// # Panics
    /// When the file cannot be written (a test environment problem).
    #[must_use]
    pub fn write(&self, dir: &Path, name: &str) -> PathBuf {
        let tars: Vec<Vec<u8>> = self.layers.iter().map(Layer::tar).collect();
        let digests: Vec<String> = tars.iter().map(|t| sha256_hex(t)).collect();
        let mut history = Vec::new();
        for (i, step) in self.created_by.iter().enumerate() {
            history.push(serde_json::json!({ "created_by": step }));
            for (after, text) in &self.empty_steps {
                if *after == i {
                    history.push(serde_json::json!({ "created_by": text, "empty_layer": true }));
                }
            }
        }
        let labels: serde_json::Map<String, serde_json::Value> = self
            .labels
            .iter()
            .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
            .collect();
        let config = serde_json::json!({
            "architecture": "amd64",
            "os": "linux",
            "config": { "Env": self.env, "Labels": labels, "User": self.user },
            "rootfs": {
                "type": "layers",
                "diff_ids": digests.iter().map(|d| format!("sha256:{d}")).collect::<Vec<_>>(),
            },
            "history": history,
        });
        #[allow(clippy::expect_used)]
        let config_bytes = serde_json::to_vec(&config).expect("config json");
        let config_name = format!("{}.json", sha256_hex(&config_bytes));
        let manifest = serde_json::json!([{
            "Config": config_name,
            "RepoTags": [self.tag],
            "Layers": digests.iter().map(|d| format!("{d}/layer.tar")).collect::<Vec<_>>(),
        }]);
        let path = dir.join(name);
        #[allow(clippy::expect_used)]
        let file = std::fs::File::create(&path).expect("create archive");
        let mut b = tar::Builder::new(file);
        #[allow(clippy::expect_used)]
        let mut entries = vec![
            (
                "manifest.json".to_owned(),
                serde_json::to_vec(&manifest).expect("manifest json"),
            ),
            (config_name, config_bytes),
        ];
        for (d, t) in digests.iter().zip(tars) {
            entries.push((format!("{d}/layer.tar"), t));
        }
        for (name, data) in entries {
            let mut h = tar::Header::new_gnu();
            h.set_size(data.len() as u64);
            h.set_mode(0o644);
            h.set_cksum();
            #[allow(clippy::expect_used)]
            b.append_data(&mut h, name, data.as_slice())
                .expect("archive entry");
        }
        #[allow(clippy::expect_used)]
        b.finish().expect("archive");
        path
    }
}

/// A random-looking token made at run time (xorshift from `seed`), so that no live-looking
/// credential is committed to the repository: `token("ghp_", 36, 7)`.
#[must_use]
pub fn fake_token(prefix: &str, len: usize, seed: u64) -> String {
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut x = seed | 1;
    let body: String = (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            char::from(alphabet[(x % 62) as usize])
        })
        .collect();
    format!("{prefix}{body}")
}

/// The real test image (`scripts/build-test-image.sh`: mmdebstrap'd Debian bookworm, then Python,
/// npm, Go and Java layers and a layer of whiteouts; `bulwark-test/app:1`, on the base
/// `bulwark-test/debian:bookworm`), built once per test binary and cached across runs. Returns
/// the export directory holding `image.tar` (`docker save`) and `oci/` (OCI layout), or `None`
/// after a visible skip when Docker or the build tools are missing (a failure under CI).
///
/// # Panics
/// When the build script fails.
#[must_use]
pub fn test_image() -> Option<&'static Path> {
    static DIR: std::sync::OnceLock<Option<PathBuf>> = std::sync::OnceLock::new();
    DIR.get_or_init(|| {
        if !crate::registry::tools_available(&["mmdebstrap", "skopeo", "javac", "jar"])
            || !crate::docker_available()
        {
            return None;
        }
        let script =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/build-test-image.sh");
        #[allow(clippy::expect_used)]
        let out = std::process::Command::new("bash")
            .arg(&script)
            .stderr(std::process::Stdio::inherit())
            .output()
            .expect("run build-test-image.sh");
        assert!(out.status.success(), "{} failed", script.display());
        let text = String::from_utf8_lossy(&out.stdout);
        let dir = PathBuf::from(text.lines().last().unwrap_or_default().trim());
        assert!(dir.join("image.tar").is_file() && dir.join("oci/index.json").is_file());
        Some(dir)
    })
    .as_deref()
}

#[allow(clippy::unwrap_used)]
fn write_oci_blob(dir: &Path, data: &[u8]) -> (String, usize) {
    let hex = sha256_hex(data);
    let p = dir.join("blobs/sha256");
    std::fs::create_dir_all(&p).unwrap();
    std::fs::write(p.join(&hex), data).unwrap();
    (format!("sha256:{hex}"), data.len())
}

/// Writes a one-layer OCI image (`hello.txt` holding `content`) into the OCI layout `dir`,
/// tagged `tag` (added to an existing `index.json`); returns its manifest digest.
///
/// # Panics
/// When the layout cannot be written.
#[allow(clippy::unwrap_used)]
pub fn write_oci_image(dir: &Path, tag: &str, content: &[u8]) -> String {
    let mut tar = tar::Builder::new(Vec::new());
    let mut h = tar::Header::new_ustar();
    h.set_size(content.len() as u64);
    h.set_mode(0o644);
    h.set_mtime(1_700_000_000);
    h.set_cksum();
    tar.append_data(&mut h, "hello.txt", content).unwrap();
    let layer = tar.into_inner().unwrap();
    let (ld, ls) = write_oci_blob(dir, &layer);
    let config = serde_json::to_vec(&serde_json::json!({
        "architecture": "amd64", "os": "linux",
        "rootfs": {"type": "layers", "diff_ids": [ld]}, "config": {}
    }))
    .unwrap();
    let (cd, cs) = write_oci_blob(dir, &config);
    let manifest = serde_json::to_vec(&serde_json::json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cd, "size": cs},
        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": ld, "size": ls}]
    }))
    .unwrap();
    let (md, ms) = write_oci_blob(dir, &manifest);
    std::fs::write(dir.join("oci-layout"), br#"{"imageLayoutVersion":"1.0.0"}"#).unwrap();
    let index_path = dir.join("index.json");
    let mut index: serde_json::Value = std::fs::read(&index_path)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_else(|| serde_json::json!({"schemaVersion": 2, "manifests": []}));
    index["manifests"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({
            "mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": md, "size": ms,
            "annotations": {"org.opencontainers.image.ref.name": tag}
        }));
    std::fs::write(&index_path, serde_json::to_vec(&index).unwrap()).unwrap();
    md
}
