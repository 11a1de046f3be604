//! The Docker Engine, reached through [bollard] (the maintained Rust Engine API client): the
//! image source's daemon access (ping, image inspect, `docker save` export) and the one place
//! that builds an engine client for the rest of Bulwark (`bulwark-docker` audits the engine
//! through [`DockerDaemon::client`] and [`DockerDaemon::block_on`]).
//!
//! The endpoint is found the way the docker CLI finds it ([`EngineEndpoint::from_env`]):
//! `DOCKER_HOST` (`unix://`, `tcp://`, `ssh://`; `tcp://` uses TLS when `DOCKER_TLS_VERIFY` is
//! set, with `ca.pem`/`cert.pem`/`key.pem` from `DOCKER_CERT_PATH` or `~/.docker`), else the
//! context named by `DOCKER_CONTEXT` or `currentContext` in `~/.docker/config.json` (its
//! endpoint in `~/.docker/contexts/meta/<sha256(name)>/meta.json`, TLS material in
//! `~/.docker/contexts/tls/<sha256(name)>/docker/`), else `/var/run/docker.sock`.
//!
//! `GET /images/{name}/get` (a `docker save` tar stream) is **spooled to a temp file** in the
//! cache/spool dir, then read as a docker archive: layers may come before `manifest.json` in the
//! stream and must be read in parallel, so random access is needed.
//!
//! bollard is async; the rest of the pipeline is sync + rayon, so each [`DockerDaemon`] owns a
//! small current-thread tokio runtime and blocks on it. Do not call it from inside an async task
//! (use `spawn_blocking`).

use std::future::Future;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use bollard::Docker;
use futures_util::StreamExt;
use sha2::{Digest as _, Sha256};

use crate::archive::open_docker_archive;
use crate::error::{OciError, Result};
use crate::image::Image;
use crate::model::SourceKind;
use crate::store::TarStore;

/// Default unix socket of the Docker daemon.
pub const DEFAULT_DOCKER_SOCKET: &str = "/var/run/docker.sock";

/// Seconds a single API request may take before it is abandoned.
const REQUEST_TIMEOUT_SECS: u64 = 300;

/// Client certificate, key and CA for a TLS endpoint (`DOCKER_CERT_PATH` layout).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsFiles {
    /// CA bundle that signed the daemon's certificate (`ca.pem`).
    pub ca: PathBuf,
    /// Client certificate (`cert.pem`).
    pub cert: PathBuf,
    /// Client private key (`key.pem`).
    pub key: PathBuf,
}

impl TlsFiles {
    /// `ca.pem`, `cert.pem`, `key.pem` in `dir`.
    #[must_use]
    pub fn in_dir(dir: &Path) -> Self {
        Self {
            ca: dir.join("ca.pem"),
            cert: dir.join("cert.pem"),
            key: dir.join("key.pem"),
        }
    }
}

/// Where the engine is, resolved like the docker CLI resolves it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EngineEndpoint {
    /// `unix:///path`, `tcp://host:port` or `ssh://[user@]host[:port]`.
    pub host: String,
    /// TLS material for `tcp://` endpoints that use TLS.
    pub tls: Option<TlsFiles>,
    /// The Docker context the endpoint came from, if any.
    pub context: Option<String>,
}

impl EngineEndpoint {
    /// An explicit host (`DOCKER_HOST` syntax, or a bare socket path), with TLS as the
    /// environment says (`DOCKER_TLS_VERIFY`, `DOCKER_CERT_PATH`) for `tcp://` hosts.
    pub fn from_host(host: &str) -> Result<Self> {
        Self::from_host_with(host, &|k| std::env::var(k).ok(), home_dir().as_deref())
    }

    /// [`EngineEndpoint::from_host`] with an explicit environment and home directory.
    pub fn from_host_with(
        host: &str,
        env: &dyn Fn(&str) -> Option<String>,
        home: Option<&Path>,
    ) -> Result<Self> {
        let tls_verify = env("DOCKER_TLS_VERIFY").is_some_and(|v| !v.is_empty());
        let host = normalize_host(host, tls_verify)?;
        let tls = if tls_verify && host.starts_with("tcp://") {
            let dir = env("DOCKER_CERT_PATH")
                .filter(|p| !p.is_empty())
                .map(PathBuf::from)
                .or_else(|| config_dir(env, home))
                .ok_or_else(|| OciError::Daemon {
                    endpoint: host.clone(),
                    detail: "DOCKER_TLS_VERIFY is set but neither DOCKER_CERT_PATH nor HOME is"
                        .into(),
                })?;
            Some(TlsFiles::in_dir(&dir))
        } else {
            None
        };
        Ok(Self {
            host,
            tls,
            context: None,
        })
    }

    /// From the process environment: `DOCKER_HOST`, then `DOCKER_CONTEXT`, then the current
    /// context of `~/.docker/config.json` (or `$DOCKER_CONFIG/config.json`), then the default
    /// unix socket.
    pub fn from_env() -> Result<Self> {
        Self::from_env_with(&|k| std::env::var(k).ok(), home_dir().as_deref())
    }

    /// [`EngineEndpoint::from_env`] with an explicit environment and home directory.
    pub fn from_env_with(
        env: &dyn Fn(&str) -> Option<String>,
        home: Option<&Path>,
    ) -> Result<Self> {
        if let Some(h) = env("DOCKER_HOST").filter(|h| !h.is_empty()) {
            return Self::from_host_with(&h, env, home);
        }
        let context = env("DOCKER_CONTEXT")
            .filter(|c| !c.is_empty())
            .or_else(|| current_context(env, home));
        match context.as_deref() {
            None | Some("default") => {
                Self::from_host_with(&format!("unix://{DEFAULT_DOCKER_SOCKET}"), env, home)
            }
            Some(name) => load_context(name, env, home),
        }
    }

    /// The endpoint as users write it, with the context name when there is one.
    #[must_use]
    pub fn display(&self) -> String {
        match &self.context {
            Some(c) => format!("{} (context {c})", self.host),
            None => self.host.clone(),
        }
    }
}

fn home_dir() -> Option<PathBuf> {
    std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .map(PathBuf::from)
}

/// `$DOCKER_CONFIG`, else `~/.docker`.
fn config_dir(env: &dyn Fn(&str) -> Option<String>, home: Option<&Path>) -> Option<PathBuf> {
    env("DOCKER_CONFIG")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .or_else(|| home.map(|h| h.join(".docker")))
}

fn current_context(env: &dyn Fn(&str) -> Option<String>, home: Option<&Path>) -> Option<String> {
    let path = config_dir(env, home)?.join("config.json");
    let text = std::fs::read(&path).ok()?;
    let v: serde_json::Value = serde_json::from_slice(&text).ok()?;
    v.get("currentContext")
        .and_then(serde_json::Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// Reads a context's docker endpoint, as `docker context inspect` shows it.
fn load_context(
    name: &str,
    env: &dyn Fn(&str) -> Option<String>,
    home: Option<&Path>,
) -> Result<EngineEndpoint> {
    let not_found = |detail: String| OciError::Daemon {
        endpoint: format!("context {name}"),
        detail,
    };
    let dir = config_dir(env, home)
        .ok_or_else(|| not_found("no HOME or DOCKER_CONFIG to find contexts in".into()))?
        .join("contexts");
    let id = hex(&Sha256::digest(name.as_bytes()));
    let meta_path = dir.join("meta").join(&id).join("meta.json");
    let text = std::fs::read(&meta_path).map_err(|e| {
        not_found(format!(
            "cannot read {}: {e} (list contexts with `docker context ls`, pick one with `docker context use`)",
            meta_path.display()
        ))
    })?;
    let meta: serde_json::Value = serde_json::from_slice(&text)
        .map_err(|e| not_found(format!("{}: {e}", meta_path.display())))?;
    let docker = meta.pointer("/Endpoints/docker");
    let host = docker
        .and_then(|d| d.get("Host"))
        .and_then(serde_json::Value::as_str)
        .filter(|h| !h.is_empty())
        .ok_or_else(|| {
            not_found(format!(
                "{} has no Endpoints.docker.Host",
                meta_path.display()
            ))
        })?;
    let skip_verify = docker
        .and_then(|d| d.get("SkipTLSVerify"))
        .and_then(serde_json::Value::as_bool)
        .unwrap_or(false);
    let tls_dir = dir.join("tls").join(&id).join("docker");
    let has_tls = tls_dir.join("ca.pem").is_file() || tls_dir.join("cert.pem").is_file();
    let host = normalize_host(host, has_tls)?;
    if skip_verify && host.starts_with("tcp://") {
        return Err(not_found(
            "SkipTLSVerify is set: Bulwark always verifies the daemon's certificate (give the context its ca.pem)".into(),
        ));
    }
    Ok(EngineEndpoint {
        tls: (has_tls && host.starts_with("tcp://")).then(|| TlsFiles::in_dir(&tls_dir)),
        host,
        context: Some(name.to_string()),
    })
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// Checks and canonicalises a `DOCKER_HOST` value (default ports as the docker CLI has them:
/// 2375 plain, 2376 with TLS).
fn normalize_host(host: &str, tls: bool) -> Result<String> {
    let bad = |detail: &str| OciError::Daemon {
        endpoint: host.to_string(),
        detail: detail.to_string(),
    };
    if host.starts_with('/') {
        return Ok(format!("unix://{host}"));
    }
    if let Some(p) = host.strip_prefix("unix://") {
        if p.is_empty() {
            return Err(bad("empty unix socket path"));
        }
        return Ok(host.to_string());
    }
    if let Some(a) = host
        .strip_prefix("tcp://")
        .or_else(|| host.strip_prefix("http://"))
        .or_else(|| host.strip_prefix("https://"))
    {
        let a = a.trim_end_matches('/');
        if a.is_empty() {
            return Err(bad("empty tcp address"));
        }
        let has_port = a
            .rsplit_once(':')
            .is_some_and(|(_, p)| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
        let port = if tls { 2376 } else { 2375 };
        return Ok(if has_port {
            format!("tcp://{a}")
        } else {
            format!("tcp://{a}:{port}")
        });
    }
    if let Some(a) = host.strip_prefix("ssh://") {
        if a.trim_matches('/').is_empty() {
            return Err(bad("empty ssh address"));
        }
        return Ok(host.trim_end_matches('/').to_string());
    }
    Err(bad(
        "unsupported DOCKER_HOST: expected unix://PATH, tcp://HOST:PORT or ssh://[USER@]HOST",
    ))
}

/// A Docker Engine: its endpoint, a bollard client for it and the runtime that drives it.
#[derive(Debug, Clone)]
pub struct DockerDaemon {
    endpoint: EngineEndpoint,
    runtime: Arc<tokio::runtime::Runtime>,
    client: Docker,
    negotiated: Arc<OnceLock<Docker>>,
}

impl DockerDaemon {
    /// `host` as in `DOCKER_HOST`: `unix:///path`, `tcp://host:port`, `ssh://user@host`, or a
    /// bare socket path. `tcp://` uses TLS when `DOCKER_TLS_VERIFY` is set.
    pub fn new(host: &str) -> Result<Self> {
        Self::with_endpoint(EngineEndpoint::from_host(host)?)
    }

    /// From `DOCKER_HOST`, the current Docker context, else the default socket.
    pub fn from_env() -> Result<Self> {
        Self::with_endpoint(EngineEndpoint::from_env()?)
    }

    /// A client for `endpoint`. Nothing is sent until the first request; TLS files are read now.
    pub fn with_endpoint(endpoint: EngineEndpoint) -> Result<Self> {
        let fail = |detail: String| OciError::Daemon {
            endpoint: endpoint.display(),
            detail,
        };
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_io()
            .enable_time()
            .build()
            .map_err(|e| fail(format!("starting the I/O runtime: {e}")))?;
        let version = bollard::API_DEFAULT_VERSION;
        let client = if let Some(path) = endpoint.host.strip_prefix("unix://") {
            Docker::connect_with_unix(path, REQUEST_TIMEOUT_SECS, version)
        } else if endpoint.host.starts_with("ssh://") {
            Docker::connect_with_ssh(&endpoint.host, REQUEST_TIMEOUT_SECS, version, None)
        } else if let Some(tls) = &endpoint.tls {
            for f in [&tls.ca, &tls.cert, &tls.key] {
                if !f.is_file() {
                    return Err(fail(format!(
                        "TLS file {} not found (set DOCKER_CERT_PATH to the directory with ca.pem, cert.pem and key.pem)",
                        f.display()
                    )));
                }
            }
            // bollard's rustls client needs a process-wide crypto provider; an error only
            // means one is installed already.
            let _ = rustls::crypto::ring::default_provider().install_default();
            Docker::connect_with_ssl(
                &endpoint.host,
                &tls.key,
                &tls.cert,
                &tls.ca,
                REQUEST_TIMEOUT_SECS,
                version,
            )
        } else {
            Docker::connect_with_http(&endpoint.host, REQUEST_TIMEOUT_SECS, version)
        }
        .map_err(|e| {
            fail(format!(
                "{} (is the Docker engine running? set DOCKER_HOST or pick a context with `docker context use`)",
                error_chain(&e)
            ))
        })?;
        Ok(Self {
            endpoint,
            runtime: Arc::new(runtime),
            client,
            negotiated: Arc::new(OnceLock::new()),
        })
    }

    /// Printable endpoint (`unix:///var/run/docker.sock`, `tcp://h:2376 (context prod)`).
    pub fn endpoint(&self) -> String {
        self.endpoint.display()
    }

    /// The resolved endpoint.
    pub fn engine_endpoint(&self) -> &EngineEndpoint {
        &self.endpoint
    }

    /// True when the engine is on this machine's unix socket (its configuration files and
    /// process can then be read too).
    pub fn is_local_socket(&self) -> bool {
        self.endpoint.host.starts_with("unix://")
    }

    /// Runs a future on this daemon's runtime. Must not be called from inside an async task.
    pub fn block_on<F: Future>(&self, fut: F) -> F::Output {
        self.runtime.block_on(fut)
    }

    /// The bollard client, with the API version negotiated down to what the engine speaks
    /// (the first call asks the engine; later calls reuse the answer).
    pub fn client(&self) -> Result<&Docker> {
        if let Some(c) = self.negotiated.get() {
            return Ok(c);
        }
        let c = self
            .block_on(self.client.clone().negotiate_version())
            .map_err(|e| self.api_error("connecting", &e))?;
        Ok(self.negotiated.get_or_init(|| c))
    }

    /// An [`OciError::Daemon`] for a failed request, with what to do when the engine cannot be
    /// reached at all.
    pub fn api_error(&self, what: &str, e: &bollard::errors::Error) -> OciError {
        use bollard::errors::Error as E;
        let detail = match e {
            E::DockerResponseServerError {
                status_code,
                message,
            } => format!("{what}: HTTP {status_code}: {}", message.trim()),
            E::RequestTimeoutError => format!(
                "{what}: no answer within {REQUEST_TIMEOUT_SECS} s (is the engine overloaded?)"
            ),
            other => format!(
                "{what}: {} (is the Docker engine running and reachable? set DOCKER_HOST or pick a context with `docker context use`)",
                error_chain(other)
            ),
        };
        OciError::Daemon {
            endpoint: self.endpoint(),
            detail,
        }
    }

    /// Pings the daemon (`GET /_ping`).
    pub fn ping(&self) -> Result<()> {
        let c = self.client()?;
        self.block_on(c.ping())
            .map(|_| ())
            .map_err(|e| self.api_error("ping", &e))
    }

    /// `GET /images/{name}/json`: the image's inspect JSON, or `None` if the daemon lacks it.
    pub fn inspect(&self, name: &str) -> Result<Option<serde_json::Value>> {
        let c = self.client()?;
        match self.block_on(c.inspect_image(name)) {
            Ok(info) => serde_json::to_value(&info)
                .map(Some)
                .map_err(|e| OciError::json(format!("{}: inspect {name}", self.endpoint()), e)),
            Err(bollard::errors::Error::DockerResponseServerError {
                status_code: 404, ..
            }) => Ok(None),
            Err(e) => Err(self.api_error(&format!("inspect {name}"), &e)),
        }
    }

    /// Exports `name` (`GET /images/{name}/get`) into a temp file under `spool_dir`
    /// (default: the system temp dir). The file is deleted when the returned handle drops.
    pub fn export(&self, name: &str, spool_dir: Option<&Path>) -> Result<tempfile::NamedTempFile> {
        let c = self.client()?;
        let mut tmp = match spool_dir {
            Some(d) => {
                std::fs::create_dir_all(d)
                    .map_err(|e| OciError::io(format!("creating spool dir {}", d.display()), e))?;
                tempfile::Builder::new()
                    .prefix("bulwark-docker-save-")
                    .suffix(".tar")
                    .tempfile_in(d)
            }
            None => tempfile::Builder::new()
                .prefix("bulwark-docker-save-")
                .suffix(".tar")
                .tempfile(),
        }
        .map_err(|e| OciError::io("creating spool file for docker save", e))?;
        let file = tmp.as_file_mut();
        self.block_on(async {
            let mut stream = c.export_image(name);
            while let Some(chunk) = stream.next().await {
                match chunk {
                    Ok(bytes) => file
                        .write_all(&bytes)
                        .map_err(|e| OciError::io("writing spool file", e))?,
                    Err(bollard::errors::Error::DockerResponseServerError {
                        status_code: 404,
                        ..
                    }) => {
                        return Err(OciError::ImageNotInDaemon {
                            image: name.to_string(),
                            endpoint: self.endpoint(),
                        });
                    }
                    Err(e) => return Err(self.api_error(&format!("exporting {name}"), &e)),
                }
            }
            Ok(())
        })?;
        file.flush()
            .map_err(|e| OciError::io("writing spool file", e))?;
        Ok(tmp)
    }
}

/// The error and its sources on one line (bollard wraps hyper wraps io).
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut cur = e.source();
    while let Some(s) = cur {
        let t = s.to_string();
        if !out.contains(&t) {
            out.push_str(": ");
            out.push_str(&t);
        }
        cur = s.source();
    }
    out
}

/// Reads image `name` (as Docker names it: `alpine:3.20`, an ID, `repo@sha256:…`) from the
/// daemon: inspect (so a missing image fails fast with [`OciError::ImageNotInDaemon`]), export
/// to a spool file, read as a docker archive.
pub fn open_daemon_image(
    daemon: &DockerDaemon,
    name: &str,
    spool_dir: Option<&Path>,
) -> Result<Image> {
    let Some(info) = daemon.inspect(name)? else {
        return Err(OciError::ImageNotInDaemon {
            image: name.to_string(),
            endpoint: daemon.endpoint(),
        });
    };
    let id = info.get("Id").and_then(|v| v.as_str()).map(str::to_string);
    // export by ID when we have it: the archive then holds exactly this image
    let tmp = daemon.export(id.as_deref().unwrap_or(name), spool_dir)?;
    let store = TarStore::open_spooled(tmp, format!("docker daemon image {name}"))?;
    let mut img = open_docker_archive(Arc::new(store), None, SourceKind::DockerDaemon)?;
    img.name = name.to_string();
    if let Some(tags) = info.get("RepoTags").and_then(|v| v.as_array()) {
        img.repo_tags = tags
            .iter()
            .filter_map(|t| t.as_str().map(str::to_string))
            .collect();
    }
    if img.manifest_digest.is_none()
        && let Some(rd) = info.get("RepoDigests").and_then(|v| v.as_array())
    {
        // `repo@sha256:…` — the registry manifest digest Docker recorded on pull
        img.manifest_digest = rd.iter().filter_map(|v| v.as_str()).find_map(|s| {
            s.split_once('@')
                .and_then(|(_, d)| crate::digest::Digest::parse(d).ok())
        });
    }
    img.reference = crate::reference::Reference::parse(name).ok();
    Ok(img)
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> + use<> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
            .collect();
        move |k| map.get(k).cloned()
    }

    #[test]
    fn hosts() {
        let e = env_of(&[]);
        let host = |h| EngineEndpoint::from_host_with(h, &e, None).map(|x| x.host);
        assert_eq!(host("unix:///x.sock").unwrap(), "unix:///x.sock");
        assert_eq!(host("/x.sock").unwrap(), "unix:///x.sock");
        assert_eq!(host("tcp://1.2.3.4").unwrap(), "tcp://1.2.3.4:2375");
        assert_eq!(host("tcp://[::1]:99/").unwrap(), "tcp://[::1]:99");
        assert_eq!(host("ssh://me@box").unwrap(), "ssh://me@box");
        assert!(host("tcp://").is_err());
        assert!(host("npipe:////./pipe/docker").is_err());
        assert!(host("ssh://").is_err());
    }

    #[test]
    fn tls_from_environment() {
        let e = env_of(&[("DOCKER_TLS_VERIFY", "1"), ("DOCKER_CERT_PATH", "/certs")]);
        let ep = EngineEndpoint::from_host_with("tcp://h", &e, None).unwrap();
        assert_eq!(ep.host, "tcp://h:2376");
        assert_eq!(ep.tls, Some(TlsFiles::in_dir(Path::new("/certs"))));
        let e = env_of(&[("DOCKER_TLS_VERIFY", "1")]);
        let ep =
            EngineEndpoint::from_host_with("tcp://h:1", &e, Some(Path::new("/home/u"))).unwrap();
        assert_eq!(ep.tls, Some(TlsFiles::in_dir(Path::new("/home/u/.docker"))));
        // missing TLS files are named
        let err = DockerDaemon::with_endpoint(ep).unwrap_err().to_string();
        assert!(
            err.contains("/home/u/.docker/ca.pem") && err.contains("DOCKER_CERT_PATH"),
            "{err}"
        );
    }

    #[test]
    fn contexts() {
        let home = tempfile::tempdir().unwrap();
        let docker = home.path().join(".docker");
        std::fs::create_dir_all(&docker).unwrap();
        std::fs::write(docker.join("config.json"), r#"{"currentContext":"remote"}"#).unwrap();
        let id = hex(&Sha256::digest(b"remote"));
        let meta = docker.join("contexts/meta").join(&id);
        std::fs::create_dir_all(&meta).unwrap();
        std::fs::write(
            meta.join("meta.json"),
            r#"{"Name":"remote","Metadata":{},"Endpoints":{"docker":{"Host":"tcp://10.0.0.5:2376","SkipTLSVerify":false}}}"#,
        )
        .unwrap();
        let tls = docker.join("contexts/tls").join(&id).join("docker");
        std::fs::create_dir_all(&tls).unwrap();
        std::fs::write(tls.join("ca.pem"), "x").unwrap();
        let e = env_of(&[]);
        let ep = EngineEndpoint::from_env_with(&e, Some(home.path())).unwrap();
        assert_eq!(ep.host, "tcp://10.0.0.5:2376");
        assert_eq!(ep.context.as_deref(), Some("remote"));
        assert_eq!(ep.tls, Some(TlsFiles::in_dir(&tls)));
        // DOCKER_HOST wins over the context; DOCKER_CONTEXT over config.json
        let e = env_of(&[("DOCKER_HOST", "unix:///d.sock")]);
        let ep = EngineEndpoint::from_env_with(&e, Some(home.path())).unwrap();
        assert_eq!((ep.host.as_str(), ep.context), ("unix:///d.sock", None));
        let e = env_of(&[("DOCKER_CONTEXT", "default")]);
        let ep = EngineEndpoint::from_env_with(&e, Some(home.path())).unwrap();
        assert_eq!(ep.host, format!("unix://{DEFAULT_DOCKER_SOCKET}"));
        let e = env_of(&[("DOCKER_CONTEXT", "nope")]);
        let err = EngineEndpoint::from_env_with(&e, Some(home.path()))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("context nope") && err.contains("docker context ls"),
            "{err}"
        );
        // no config at all: the default socket
        let empty = tempfile::tempdir().unwrap();
        let ep = EngineEndpoint::from_env_with(&env_of(&[]), Some(empty.path())).unwrap();
        assert_eq!(ep.host, format!("unix://{DEFAULT_DOCKER_SOCKET}"));
    }

    #[test]
    fn unreachable_engine_says_what_to_do() {
        let dir = tempfile::tempdir().unwrap();
        let err = DockerDaemon::new(&format!("unix://{}", dir.path().join("no.sock").display()))
            .and_then(|d| d.ping())
            .unwrap_err()
            .to_string();
        assert!(err.contains("DOCKER_HOST"), "{err}");
        let d = DockerDaemon::new("tcp://127.0.0.1:1").unwrap();
        let err = d.ping().unwrap_err().to_string();
        assert!(err.contains("tcp://127.0.0.1:1"), "{err}");
    }
}
