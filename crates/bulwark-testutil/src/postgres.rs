//! A real PostgreSQL 15 for tests: a fresh cluster (`initdb`) in a temp dir, served on a free
//! 127.0.0.1 port by Debian's `postgresql-15` binaries (`/usr/lib/postgresql/15/bin`).
//! PostgreSQL refuses to run as root, so under root the cluster belongs to the `postgres` user
//! and every command runs through `runuser -u postgres`.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Where Debian installs PostgreSQL 15's server binaries.
pub const PG_BIN: &str = "/usr/lib/postgresql/15/bin";

/// A running cluster; stopped (immediate) and deleted on drop.
#[derive(Debug)]
pub struct LocalPostgres {
    /// Port on 127.0.0.1.
    pub port: u16,
    data: PathBuf,
    _dir: tempfile::TempDir,
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

fn pg_command(bin: &str) -> Command {
    let path = format!("{PG_BIN}/{bin}");
    if is_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--", &path]);
        c
    } else {
        Command::new(path)
    }
}

impl LocalPostgres {
    /// `postgres://bulwark@127.0.0.1:PORT/postgres` (trust authentication, loopback only).
    #[must_use]
    pub fn url(&self) -> String {
        format!("postgres://bulwark@127.0.0.1:{}/postgres", self.port)
    }

    /// Stops the server (fast shutdown: running transactions are rolled back, clients are
    /// disconnected), as a crash or restart would.
    ///
    /// # Panics
    /// When `pg_ctl` fails.
    #[allow(clippy::expect_used)]
    pub fn stop(&self) {
        let ok = pg_command("pg_ctl")
            .args(["stop", "-m", "fast", "-w", "-D"])
            .arg(&self.data)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("run pg_ctl stop")
            .success();
        assert!(ok, "pg_ctl stop failed");
    }

    /// Starts the (stopped) server again on the same port and waits until it accepts
    /// connections.
    ///
    /// # Panics
    /// When it does not come up within 30 s.
    #[allow(clippy::expect_used, clippy::panic)]
    pub fn start(&self) {
        let opts = format!(
            "-p {} -c listen_addresses=127.0.0.1 -c unix_socket_directories={} -c fsync=off",
            self.port,
            self.data.display()
        );
        let ok = pg_command("pg_ctl")
            .args(["start", "-w", "-t", "30", "-l"])
            .arg(self.data.join("server.log"))
            .arg("-o")
            .arg(&opts)
            .arg("-D")
            .arg(&self.data)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("run pg_ctl start")
            .success();
        assert!(
            ok,
            "pg_ctl start failed: see {}",
            self.data.join("server.log").display()
        );
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            let ready = Command::new(format!("{PG_BIN}/pg_isready"))
                .args(["-h", "127.0.0.1", "-p", &self.port.to_string()])
                .stdout(Stdio::null())
                .status()
                .is_ok_and(|s| s.success());
            if ready {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!(
            "PostgreSQL did not accept connections on port {}",
            self.port
        );
    }
}

impl Drop for LocalPostgres {
    fn drop(&mut self) {
        let _ = pg_command("pg_ctl")
            .args(["stop", "-m", "immediate", "-D"])
            .arg(&self.data)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}

/// Creates and starts a cluster with a `bulwark` superuser. `None` (skip, or under CI a panic)
/// when PostgreSQL 15 is not installed.
///
/// # Panics
/// When the cluster cannot be created or started.
#[must_use]
#[allow(clippy::expect_used)]
pub fn start_postgres() -> Option<LocalPostgres> {
    if !std::path::Path::new(&format!("{PG_BIN}/initdb")).is_file() {
        let msg = format!(
            "PostgreSQL 15 not installed ({PG_BIN}/initdb missing; scripts/test installs postgresql-15)"
        );
        assert!(!crate::is_ci(), "{msg}");
        eprintln!("SKIPPED: {msg}");
        return None;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    std::fs::create_dir(&data).expect("create data dir");
    if is_root() {
        for p in [dir.path(), data.as_path()] {
            let ok = Command::new("chown")
                .args(["postgres:postgres"])
                .arg(p)
                .status()
                .expect("run chown")
                .success();
            assert!(ok, "chown postgres {}", p.display());
        }
    }
    let ok = pg_command("initdb")
        .args([
            "-A",
            "trust",
            "-U",
            "bulwark",
            "-E",
            "UTF8",
            "--no-sync",
            "-D",
        ])
        .arg(&data)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("run initdb")
        .success();
    assert!(ok, "initdb failed");
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    let pg = LocalPostgres {
        port,
        data,
        _dir: dir,
    };
    pg.start();
    Some(pg)
}
