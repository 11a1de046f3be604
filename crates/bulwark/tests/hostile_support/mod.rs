//! Generators and a sandboxed runner for the hostile-input suite (`tests/hostile.rs`).
//!
//! Every hostile input is generated here (raw tars with escaping names, compression bombs,
//! billion-laughs YAML, deep JSON, broken image layouts, OSV databases, registries); nothing is
//! checked in. [`Sandbox::run`] starts the release-under-test binary with a fresh `HOME`,
//! cache dir, `TMPDIR` and working directory, measures its peak RSS from `/proc/PID/status`
//! (`VmHWM`, a high-water mark, sampled until exit), kills it after a time limit, and
//! [`Sandbox::assert_no_stray_writes`] lists what changed outside the cache and output paths.

#![allow(dead_code)] // each test binary uses a different subset

use std::fmt::Write as _;
use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use sha2::Digest as _;

pub fn sha256(data: &[u8]) -> String {
    let h = sha2::Sha256::digest(data);
    format!(
        "sha256:{}",
        h.iter().fold(String::new(), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
    )
}

// ---------------------------------------------------------------- archives

/// A tar written header by header with raw names (the `tar` crate refuses `..` and `/x`).
#[derive(Default)]
pub struct Tar(Vec<u8>);

impl Tar {
    pub fn entry(mut self, path: &str, kind: tar::EntryType, data: &[u8], link: &str) -> Self {
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
    pub fn file(self, path: &str, data: &[u8]) -> Self {
        self.entry(path, tar::EntryType::Regular, data, "")
    }
    pub fn dir(self, path: &str) -> Self {
        self.entry(path, tar::EntryType::Directory, &[], "")
    }
    pub fn symlink(self, path: &str, target: &str) -> Self {
        self.entry(path, tar::EntryType::Symlink, &[], target)
    }
    /// A header claiming `size` bytes of zeros, the zeros streamed (no allocation of `size`).
    pub fn zeros(mut self, path: &str, size: u64) -> Self {
        let mut h = tar::Header::new_ustar();
        h.set_entry_type(tar::EntryType::Regular);
        h.set_size(size);
        h.set_mode(0o644);
        h.set_path(path).unwrap();
        h.set_cksum();
        self.0.extend_from_slice(h.as_bytes());
        let padded = size.div_ceil(512) * 512;
        self.0
            .resize(self.0.len() + usize::try_from(padded).unwrap(), 0);
        self
    }
    pub fn finish(mut self) -> Vec<u8> {
        self.0.extend(std::iter::repeat_n(0u8, 1024));
        self.0
    }
}

pub fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

/// A gzip stream of a tar holding one file of `size` zeros, written in chunks.
pub fn gzip_bomb(size: u64) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let mut h = tar::Header::new_ustar();
    h.set_entry_type(tar::EntryType::Regular);
    h.set_size(size);
    h.set_mode(0o644);
    h.set_path("zeros").unwrap();
    h.set_cksum();
    e.write_all(h.as_bytes()).unwrap();
    let chunk = vec![0u8; 1 << 20];
    let mut left = size.div_ceil(512) * 512 + 1024;
    while left > 0 {
        let n = left.min(chunk.len() as u64);
        e.write_all(&chunk[..usize::try_from(n).unwrap()]).unwrap();
        left -= n;
    }
    e.finish().unwrap()
}

/// zstd of `data` through the `zstd` tool (installed by scripts/test), `None` without it.
pub fn zstd(data: &[u8]) -> Option<Vec<u8>> {
    let mut child = Command::new("zstd")
        .args(["-q", "-19", "-c", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .ok()?;
    let mut stdin = child.stdin.take()?;
    let input = data.to_vec();
    let feeder = std::thread::spawn(move || stdin.write_all(&input));
    let mut out = Vec::new();
    child.stdout.take()?.read_to_end(&mut out).ok()?;
    feeder.join().ok()?.ok()?;
    child.wait().ok()?.success().then_some(out)
}

pub fn base_layer() -> Vec<u8> {
    Tar::default()
        .file("etc/os-release", b"ID=debian\nVERSION_ID=\"12\"\n")
        .file(
            "var/lib/dpkg/status",
            b"Package: base-files\nStatus: install ok installed\nVersion: 12.4\nArchitecture: amd64\n\n",
        )
        .finish()
}

/// A layer: its uncompressed tar (diff id) and what is stored (tar, gzip or zstd).
pub struct Layer {
    pub diff_id: String,
    pub blob: Vec<u8>,
    pub media_type: &'static str,
}

impl Layer {
    pub fn gzip(tar: &[u8]) -> Layer {
        Layer {
            diff_id: sha256(tar),
            blob: gzip(tar),
            media_type: "application/vnd.oci.image.layer.v1.tar+gzip",
        }
    }
    /// A pre-compressed gzip blob whose uncompressed digest is not known (bombs): the diff
    /// id is computed by decompressing once.
    pub fn gzip_blob(blob: Vec<u8>) -> Layer {
        let mut d = flate2::read::GzDecoder::new(&blob[..]);
        let mut h = sha2::Sha256::new();
        let mut buf = vec![0u8; 1 << 20];
        loop {
            let n = d.read(&mut buf).unwrap();
            if n == 0 {
                break;
            }
            h.update(&buf[..n]);
        }
        let digest = h.finalize().iter().fold(String::new(), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        });
        Layer {
            diff_id: format!("sha256:{digest}"),
            blob,
            media_type: "application/vnd.oci.image.layer.v1.tar+gzip",
        }
    }
    pub fn zstd(tar: &[u8]) -> Option<Layer> {
        Some(Layer {
            diff_id: sha256(tar),
            blob: zstd(tar)?,
            media_type: "application/vnd.oci.image.layer.v1.tar+zstd",
        })
    }
}

/// The blobs of one image: config, layers and manifest (digest → bytes).
pub struct ImageBlobs {
    pub config: Vec<u8>,
    pub manifest: Vec<u8>,
    pub blobs: Vec<(String, Vec<u8>)>,
    pub layer_digests: Vec<String>,
}

/// Builds an image from layers and a config fragment (`Env`, `Labels`, `history`).
pub fn image(layers: &[Layer], config_extra: &serde_json::Value) -> ImageBlobs {
    let diff_ids: Vec<&str> = layers.iter().map(|l| l.diff_id.as_str()).collect();
    let mut cfg = serde_json::json!({
        "architecture": "amd64", "os": "linux",
        "config": {},
        "rootfs": {"type": "layers", "diff_ids": diff_ids}
    });
    if let (Some(obj), Some(extra)) = (cfg.as_object_mut(), config_extra.as_object()) {
        for (k, v) in extra {
            obj.insert(k.clone(), v.clone());
        }
    }
    let config = serde_json::to_vec(&cfg).unwrap();
    let mut blobs = vec![(sha256(&config), config.clone())];
    let mut layer_digests = Vec::new();
    let descs: Vec<serde_json::Value> = layers
        .iter()
        .map(|l| {
            let d = sha256(&l.blob);
            blobs.push((d.clone(), l.blob.clone()));
            layer_digests.push(d.clone());
            serde_json::json!({"mediaType": l.media_type, "digest": d, "size": l.blob.len()})
        })
        .collect();
    let manifest = serde_json::to_vec(&serde_json::json!({
        "schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                   "digest": sha256(&config), "size": config.len()},
        "layers": descs
    }))
    .unwrap();
    ImageBlobs {
        config,
        manifest,
        blobs,
        layer_digests,
    }
}

/// Writes `img` as an OCI layout directory.
pub fn write_layout(dir: &Path, img: &ImageBlobs) {
    let b = dir.join("blobs/sha256");
    std::fs::create_dir_all(&b).unwrap();
    for (d, data) in img.blobs.iter().chain(std::iter::once(&(
        sha256(&img.manifest),
        img.manifest.clone(),
    ))) {
        std::fs::write(b.join(d.trim_start_matches("sha256:")), data).unwrap();
    }
    std::fs::write(dir.join("oci-layout"), br#"{"imageLayoutVersion":"1.0.0"}"#).unwrap();
    std::fs::write(
        dir.join("index.json"),
        serde_json::to_vec(&serde_json::json!({"schemaVersion": 2, "manifests": [
            {"mediaType": "application/vnd.oci.image.manifest.v1+json",
             "digest": sha256(&img.manifest), "size": img.manifest.len()}
        ]}))
        .unwrap(),
    )
    .unwrap();
}

pub fn blob_path(dir: &Path, digest: &str) -> PathBuf {
    dir.join("blobs/sha256")
        .join(digest.trim_start_matches("sha256:"))
}

/// A `docker save` archive with plain tar layers.
pub fn docker_archive(tars: &[Vec<u8>]) -> Vec<u8> {
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
        {"Config": cfg_name, "RepoTags": ["hostile/image:1"], "Layers": names}
    ]))
    .unwrap();
    let mut t = Tar::default().file(&cfg_name, &cfg);
    for (n, l) in names.iter().zip(tars) {
        t = t.file(n, l);
    }
    t.file("manifest.json", &manifest).finish()
}

// ---------------------------------------------------------------- text bombs

/// Billion laughs: 10 levels of 10 aliases each (10^10 nodes if expanded).
pub fn billion_laughs_yaml(top: &str) -> String {
    let mut y = String::from(
        "a0: &a0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    for i in 1..10 {
        let p = i - 1;
        let _ = writeln!(
            y,
            "a{i}: &a{i} [*a{p},*a{p},*a{p},*a{p},*a{p},*a{p},*a{p},*a{p},*a{p},*a{p}]"
        );
    }
    y.push_str(top);
    y
}

/// `[[[[…]]]]` nested `depth` deep.
pub fn deep_json(depth: usize) -> String {
    let mut s = "[".repeat(depth);
    s.push_str(&"]".repeat(depth));
    s
}

// ---------------------------------------------------------------- OSV data

/// An OSV record affecting PyPI `name` below `fixed`.
pub fn osv_record(id: &str, name: &str, fixed: &str) -> String {
    format!(
        r#"{{"id":"{id}","modified":"2024-01-01T00:00:00Z","summary":"hostile suite","affected":[{{"package":{{"ecosystem":"PyPI","name":"{name}"}},"ranges":[{{"type":"ECOSYSTEM","events":[{{"introduced":"0"}},{{"fixed":"{fixed}"}}]}}]}}],"database_specific":{{"severity":"HIGH"}}}}"#
    )
}

/// A zip like osv.dev's `all.zip` with `n` records.
pub fn osv_zip(n: usize) -> Vec<u8> {
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut w = zip::ZipWriter::new(&mut buf);
        for i in 0..n {
            w.start_file(
                format!("PYSEC-{i}.json"),
                zip::write::SimpleFileOptions::default(),
            )
            .unwrap();
            w.write_all(osv_record(&format!("PYSEC-{i}"), &format!("pkg{i}"), "9.0").as_bytes())
                .unwrap();
        }
        w.finish().unwrap();
    }
    buf.into_inner()
}

// ---------------------------------------------------------------- runner

/// What one run did.
#[derive(Debug)]
pub struct Outcome {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    /// Peak resident set size in KiB (`VmHWM`).
    pub peak_rss_kib: u64,
    pub took: Duration,
}

impl Outcome {
    /// No panic, no signal, an exit status the CLI documents (0–3).
    pub fn assert_sane(&self) {
        assert!(
            !self.stderr.contains("panicked") && !self.stderr.contains("RUST_BACKTRACE"),
            "panic: {}",
            self.stderr
        );
        assert!(
            self.code.is_some_and(|c| (0..=3).contains(&c)),
            "exit {:?} (signal or undocumented status): {}",
            self.code,
            self.stderr
        );
    }

    /// Sane, and failed as "could not see" (exit 3) with an error line.
    pub fn assert_runtime_error(&self) {
        self.assert_sane();
        assert_eq!(self.code, Some(3), "expected exit 3: {}", self.stderr);
        assert!(self.stderr.contains("error:"), "{}", self.stderr);
        assert!(
            !self.stdout.contains("No findings") && !self.stderr.contains("No findings"),
            "a scan that could not see must not say No findings: {}",
            self.stdout
        );
    }

    pub fn assert_rss_below_mib(&self, mib: u64) {
        assert!(
            self.peak_rss_kib > 0,
            "peak RSS was not measured (no /proc?)"
        );
        assert!(
            self.peak_rss_kib < mib * 1024,
            "peak RSS {} MiB ≥ {mib} MiB",
            self.peak_rss_kib / 1024
        );
    }

    pub fn assert_no_secret(&self, secrets: &[&str], outputs: &[PathBuf]) {
        for s in secrets {
            assert!(!self.stdout.contains(s), "secret {s} on stdout");
            assert!(!self.stderr.contains(s), "secret {s} on stderr");
            for o in outputs {
                let text = std::fs::read_to_string(o).unwrap_or_default();
                assert!(!text.contains(s), "secret {s} in {}", o.display());
            }
        }
    }
}

/// Fresh directories for one run: cwd, HOME, TMPDIR, the cache and an output directory.
pub struct Sandbox {
    _root: tempfile::TempDir,
    pub cwd: PathBuf,
    pub home: PathBuf,
    pub tmp: PathBuf,
    pub cache: PathBuf,
    pub out: PathBuf,
}

impl Sandbox {
    pub fn new() -> Sandbox {
        let root = tempfile::tempdir().unwrap();
        let p = |n: &str| {
            let d = root.path().join(n);
            std::fs::create_dir(&d).unwrap();
            d
        };
        Sandbox {
            cwd: p("cwd"),
            home: p("home"),
            tmp: p("tmp"),
            cache: p("cache"),
            out: p("out"),
            _root: root,
        }
    }

    /// The database file inside the cache.
    pub fn db(&self) -> PathBuf {
        self.cache.join("db").join("osv.db")
    }

    /// Runs `bulwark ARGS` here, killed after `limit`.
    pub fn run(&self, args: &[&str], limit: Duration) -> Outcome {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_bulwark"));
        cmd.args(args)
            .current_dir(&self.cwd)
            .env("HOME", &self.home)
            .env("TMPDIR", &self.tmp)
            .env("BULWARK_CACHE_DIR", &self.cache)
            .env("BULWARK_DB_PATH", self.db())
            .env("NO_COLOR", "1")
            .env_remove("XDG_CACHE_HOME")
            .env_remove("DOCKER_CONFIG")
            .env_remove("DOCKER_HOST")
            .env_remove("REGISTRY_AUTH_FILE")
            .env_remove("BULWARK_DB_REPOSITORY")
            .env_remove("BULWARK_TIMEOUT")
            .env_remove("BULWARK_READ_TIMEOUT")
            .env_remove("BULWARK_CONNECT_TIMEOUT")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let start = Instant::now();
        let mut child = cmd.spawn().expect("spawn bulwark");
        let pid = child.id();
        let mut out_pipe = child.stdout.take().unwrap();
        let mut err_pipe = child.stderr.take().unwrap();
        let out_t = std::thread::spawn(move || {
            let mut s = Vec::new();
            let _ = out_pipe.read_to_end(&mut s);
            s
        });
        let err_t = std::thread::spawn(move || {
            let mut s = Vec::new();
            let _ = err_pipe.read_to_end(&mut s);
            s
        });
        let mut peak = 0u64;
        let status = loop {
            // VmHWM is the high-water mark: the last sample before exit is the peak
            if let Ok(s) = std::fs::read_to_string(format!("/proc/{pid}/status"))
                && let Some(kib) = s
                    .lines()
                    .find_map(|l| l.strip_prefix("VmHWM:"))
                    .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            {
                peak = peak.max(kib);
            }
            if let Some(s) = child.try_wait().unwrap() {
                break s;
            }
            if start.elapsed() > limit {
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "bulwark {args:?} still running after {limit:?}: {}",
                    String::from_utf8_lossy(&err_t.join().unwrap_or_default())
                );
            }
            std::thread::sleep(Duration::from_millis(5));
        };
        let took = start.elapsed();
        let stdout = String::from_utf8_lossy(&out_t.join().unwrap()).into_owned();
        let stderr = String::from_utf8_lossy(&err_t.join().unwrap()).into_owned();
        eprintln!(
            "bulwark {args:?} → {status} in {took:?}, peak RSS {} MiB\n{stderr}",
            peak / 1024
        );
        Outcome {
            code: status.code(),
            stdout,
            stderr,
            peak_rss_kib: peak,
            took,
        }
    }

    /// Nothing was written to the working directory, HOME or TMPDIR (the cache and the
    /// output directory are the only places a run may write), nor next to `input`.
    pub fn assert_no_stray_writes(&self, inputs: &[(&Path, &[(PathBuf, u64)])]) {
        for d in [&self.cwd, &self.home, &self.tmp] {
            let l = listing(d);
            assert!(l.is_empty(), "{} written: {l:?}", d.display());
        }
        for (dir, before) in inputs {
            assert_eq!(&listing(dir), before, "{} changed", dir.display());
        }
    }
}

/// Every path under `dir` (relative) with its size.
pub fn listing(dir: &Path) -> Vec<(PathBuf, u64)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            let Ok(m) = std::fs::symlink_metadata(&p) else {
                continue;
            };
            if m.is_dir() {
                stack.push(p.clone());
            }
            out.push((p.strip_prefix(dir).unwrap().to_path_buf(), m.len()));
        }
    }
    out.sort();
    out
}
