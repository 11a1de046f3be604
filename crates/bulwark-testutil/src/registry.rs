//! A real local registry for tests: Debian's `docker-registry` on a free 127.0.0.1 port, with
//! filesystem storage in a temp dir, optionally behind htpasswd basic auth. Shared by the
//! registry tests of bulwark-oci and the image and signing CLI tests.

use std::fmt::Write as _;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Path of `bin` on `PATH`, if installed.
#[must_use]
pub fn which(bin: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|p| {
        std::env::split_paths(&p)
            .map(|d| d.join(bin))
            .find(|c| c.is_file())
    })
}

/// True when all `bins` are installed; else skips visibly (`SKIPPED: ...`) or, under CI,
/// panics: CI installs them (scripts/test) and must run these tests.
#[must_use]
pub fn tools_available(bins: &[&str]) -> bool {
    let missing: Vec<&str> = bins
        .iter()
        .copied()
        .filter(|b| which(b).is_none())
        .collect();
    if missing.is_empty() {
        return true;
    }
    let msg = format!(
        "missing {} (scripts/test installs them with apt-get)",
        missing.join(", ")
    );
    assert!(!crate::is_ci(), "{msg}");
    eprintln!("SKIPPED: {msg}");
    false
}

/// A running `docker-registry serve` on 127.0.0.1; killed on drop.
#[derive(Debug)]
pub struct LocalRegistry {
    child: Child,
    /// Port it listens on.
    pub port: u16,
    _dir: tempfile::TempDir,
}

impl LocalRegistry {
    /// `127.0.0.1:PORT`.
    #[must_use]
    pub fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }
}

impl Drop for LocalRegistry {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts a registry (deletes enabled); with `basic_auth` an htpasswd (bcrypt) file is
/// written and required. `None` (skip) when `docker-registry` or `skopeo` is missing.
///
/// # Panics
/// When the temp dir, config or process cannot be created, or the registry does not answer
/// within 20 s: the test cannot run and should fail loudly.
#[must_use]
#[allow(clippy::expect_used, clippy::panic)] // test support: failing loudly is the point
pub fn start_registry(basic_auth: Option<(&str, &str)>) -> Option<LocalRegistry> {
    start_registry_with(basic_auth, None)
}

/// As [`start_registry`], and with `notify_url` the registry posts its events (pushes,
/// pulls; Distribution's `notifications.endpoints` envelope) to that URL, retrying failed
/// deliveries every second.
///
/// # Panics
/// As [`start_registry`].
#[must_use]
pub fn start_registry_notifying(notify_url: &str) -> Option<LocalRegistry> {
    start_registry_with(None, Some(notify_url))
}

#[allow(clippy::expect_used, clippy::panic)] // test support: failing loudly is the point
fn start_registry_with(
    basic_auth: Option<(&str, &str)>,
    notify_url: Option<&str>,
) -> Option<LocalRegistry> {
    if !tools_available(&["docker-registry", "skopeo"]) {
        return None;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    let mut cfg = format!(
        "version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: {}\n  delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:{port}\n",
        dir.path().join("data").display()
    );
    if let Some((user, password)) = basic_auth {
        let hash = bcrypt::hash(password, 5).expect("bcrypt");
        let htpasswd = dir.path().join("htpasswd");
        std::fs::write(&htpasswd, format!("{user}:{hash}\n")).expect("write htpasswd");
        let _ = write!(
            cfg,
            "auth:\n  htpasswd:\n    realm: bulwark-test\n    path: {}\n",
            htpasswd.display()
        );
    }
    if let Some(url) = notify_url {
        let _ = write!(
            cfg,
            "notifications:\n  endpoints:\n    - name: bulwark-test\n      url: {url}\n      timeout: 5s\n      threshold: 1000\n      backoff: 1s\n"
        );
    }
    let cfg_path = dir.path().join("config.yml");
    std::fs::write(&cfg_path, cfg).expect("write registry config");
    let child = Command::new("docker-registry")
        .arg("serve")
        .arg(&cfg_path)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn docker-registry");
    let reg = LocalRegistry {
        child,
        port,
        _dir: dir,
    };
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        if answers(port) {
            return Some(reg);
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("docker-registry did not start on port {port}");
}

/// True once `GET /v2/` gets an HTTP answer (200, or 401 with auth).
fn answers(port: u16) -> bool {
    let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
    if s.write_all(b"GET /v2/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .is_err()
    {
        return false;
    }
    let mut buf = [0u8; 12];
    s.read_exact(&mut buf).is_ok() && (buf.ends_with(b"200") || buf.ends_with(b"401"))
}
