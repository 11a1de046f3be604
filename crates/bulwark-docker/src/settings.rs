//! What the daemon's configuration is, from three places: the Engine API (`/info`, the default
//! bridge network), and — when the engine is this machine's unix socket — the `dockerd`
//! command line (from `/proc`) and its configuration file (`--config-file`, default
//! `/etc/docker/daemon.json`), where docker-bench-security reads it too.

use std::path::{Path, PathBuf};

use serde_json::Value;

/// Default daemon configuration file.
pub const DEFAULT_CONFIG_FILE: &str = "/etc/docker/daemon.json";

/// The daemon's settings as far as they can be seen.
#[derive(Debug, Clone, Default)]
pub struct DaemonSettings {
    /// How Bulwark reached the engine (`unix:///var/run/docker.sock`, `tcp://h:2375`).
    pub endpoint: String,
    /// Bulwark itself reached the engine over plain TCP (no TLS).
    pub reached_over_plain_tcp: bool,
    /// `GET /info`.
    pub info: Value,
    /// Options of the default `bridge` network (`com.docker.network.bridge.enable_icc`).
    pub bridge_options: Option<Value>,
    /// The configuration file and its JSON, when readable.
    pub config_file: Option<(PathBuf, Value)>,
    /// Why the configuration file could not be read, when it exists but could not.
    pub config_error: Option<String>,
    /// `dockerd`'s arguments (without the program name), when visible.
    pub command_line: Option<Vec<String>>,
}

impl DaemonSettings {
    /// True when the command line and configuration file were seen (local engine).
    #[must_use]
    pub fn local_config_visible(&self) -> bool {
        self.command_line.is_some() && self.config_file.is_some()
    }

    /// A key of the configuration file.
    #[must_use]
    pub fn config(&self, key: &str) -> Option<&Value> {
        self.config_file.as_ref().and_then(|(_, v)| v.get(key))
    }

    /// Values of a `dockerd` flag (`--icc=false`, `--icc false`, `-H tcp://…`); a bare boolean
    /// flag yields `"true"`.
    #[must_use]
    pub fn flag(&self, names: &[&str]) -> Vec<String> {
        let Some(args) = &self.command_line else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let mut i = 0;
        while i < args.len() {
            let a = &args[i];
            for n in names {
                if let Some(v) = a.strip_prefix(n).and_then(|r| r.strip_prefix('=')) {
                    out.push(v.to_string());
                } else if a == n {
                    let next = args.get(i + 1);
                    // Flags that take a value consume the next argument; booleans do not.
                    match next {
                        Some(v) if !v.starts_with('-') && takes_value(n) => {
                            out.push(v.clone());
                            i += 1;
                        }
                        _ => out.push("true".to_string()),
                    }
                }
            }
            i += 1;
        }
        out
    }

    /// Where a setting was read, for the finding's `source` property.
    #[must_use]
    pub fn config_path(&self) -> Option<&Path> {
        self.config_file.as_ref().map(|(p, _)| p.as_path())
    }

    /// `info` value at a JSON pointer.
    #[must_use]
    pub fn info_at(&self, ptr: &str) -> Option<&Value> {
        self.info.pointer(ptr)
    }
}

fn takes_value(flag: &str) -> bool {
    !matches!(
        flag,
        "--icc"
            | "--live-restore"
            | "--no-new-privileges"
            | "--userland-proxy"
            | "--tls"
            | "--tlsverify"
            | "--experimental"
            | "--selinux-enabled"
    )
}

/// Finds the `dockerd` process in `/proc` and returns its arguments.
#[must_use]
pub fn dockerd_command_line(proc_root: &Path) -> Option<Vec<String>> {
    let entries = std::fs::read_dir(proc_root).ok()?;
    for e in entries.flatten() {
        let name = e.file_name();
        if !name.to_string_lossy().bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        let comm = std::fs::read_to_string(e.path().join("comm")).unwrap_or_default();
        if comm.trim() != "dockerd" {
            continue;
        }
        let raw = std::fs::read(e.path().join("cmdline")).ok()?;
        let args: Vec<String> = raw
            .split(|b| *b == 0)
            .filter(|a| !a.is_empty())
            .map(|a| String::from_utf8_lossy(a).into_owned())
            .collect();
        return Some(args.into_iter().skip(1).collect());
    }
    None
}

/// Reads the daemon configuration file named by `--config-file` (or the default).
pub fn read_config_file(settings: &mut DaemonSettings) {
    let path = settings
        .flag(&["--config-file"])
        .pop()
        .map_or_else(|| PathBuf::from(DEFAULT_CONFIG_FILE), PathBuf::from);
    match std::fs::read(&path) {
        Ok(bytes) => match serde_json::from_slice::<Value>(&bytes) {
            Ok(v) => settings.config_file = Some((path, v)),
            Err(e) => {
                settings.config_error = Some(format!("{}: not valid JSON: {e}", path.display()));
            }
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            // No file: every setting is at its default.
            settings.config_file = Some((path, Value::Object(serde_json::Map::new())));
        }
        Err(e) => settings.config_error = Some(format!("{}: {e}", path.display())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags() {
        let s = DaemonSettings {
            command_line: Some(
                [
                    "-H",
                    "fd://",
                    "--icc=false",
                    "--live-restore",
                    "--host",
                    "tcp://0.0.0.0:2375",
                    "--default-ulimit",
                    "nofile=100:200",
                ]
                .map(String::from)
                .to_vec(),
            ),
            ..DaemonSettings::default()
        };
        assert_eq!(s.flag(&["-H", "--host"]), ["fd://", "tcp://0.0.0.0:2375"]);
        assert_eq!(s.flag(&["--icc"]), ["false"]);
        assert_eq!(s.flag(&["--live-restore"]), ["true"]);
        assert_eq!(s.flag(&["--default-ulimit"]), ["nofile=100:200"]);
        assert!(s.flag(&["--userns-remap"]).is_empty());
    }
}
