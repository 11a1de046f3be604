//! Docker Engine API client, just enough to export images: HTTP/1.1 over the unix socket
//! (`/var/run/docker.sock`) or `DOCKER_HOST=unix://…|tcp://…` (plain TCP; TLS daemons are not
//! supported). `GET /images/{name}/get` (a `docker save` tar stream) is **spooled to a temp
//! file** in the cache/spool dir, then read as a docker archive: layers may come before
//! `manifest.json` in the stream and must be read in parallel, so random access is needed.

use std::fmt::Write as _;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use crate::archive::open_docker_archive;
use crate::error::{OciError, Result};
use crate::image::Image;
use crate::model::SourceKind;
use crate::store::TarStore;

/// Default unix socket of the Docker daemon.
pub const DEFAULT_DOCKER_SOCKET: &str = "/var/run/docker.sock";

const MAX_HEADER_BYTES: usize = 64 * 1024;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Endpoint {
    Unix(PathBuf),
    Tcp(String),
}

/// A Docker Engine endpoint.
#[derive(Debug, Clone)]
pub struct DockerDaemon {
    endpoint: Endpoint,
    timeout: Duration,
}

trait Stream: Read + Write + Send {}
impl<T: Read + Write + Send> Stream for T {}

/// An HTTP response from the daemon: status and a body reader (de-chunked).
pub struct DaemonResponse {
    /// HTTP status.
    pub status: u16,
    body: Box<dyn Read + Send>,
}

impl Read for DaemonResponse {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.body.read(buf)
    }
}

impl DockerDaemon {
    /// `host` as in `DOCKER_HOST`: `unix:///path`, `tcp://host:port`, or a bare socket path.
    pub fn new(host: &str) -> Result<Self> {
        let endpoint = if let Some(p) = host.strip_prefix("unix://") {
            Endpoint::Unix(PathBuf::from(p))
        } else if let Some(a) = host
            .strip_prefix("tcp://")
            .or_else(|| host.strip_prefix("http://"))
        {
            let a = a.trim_end_matches('/');
            if a.is_empty() {
                return Err(OciError::Daemon {
                    endpoint: host.to_string(),
                    detail: "empty tcp address".into(),
                });
            }
            Endpoint::Tcp(if a.contains(':') {
                a.to_string()
            } else {
                format!("{a}:2375")
            })
        } else if host.starts_with('/') {
            Endpoint::Unix(PathBuf::from(host))
        } else {
            return Err(OciError::Daemon {
                endpoint: host.to_string(),
                detail: "unsupported DOCKER_HOST (expected unix:// or tcp://; TLS and ssh:// are not supported)".into(),
            });
        };
        Ok(Self {
            endpoint,
            timeout: Duration::from_secs(300),
        })
    }

    /// From `DOCKER_HOST`, else the default socket.
    pub fn from_env() -> Result<Self> {
        match std::env::var("DOCKER_HOST") {
            Ok(h) if !h.is_empty() => Self::new(&h),
            _ => Self::new(&format!("unix://{DEFAULT_DOCKER_SOCKET}")),
        }
    }

    /// Printable endpoint.
    pub fn endpoint(&self) -> String {
        match &self.endpoint {
            Endpoint::Unix(p) => format!("unix://{}", p.display()),
            Endpoint::Tcp(a) => format!("tcp://{a}"),
        }
    }

    fn err(&self, detail: impl Into<String>) -> OciError {
        OciError::Daemon {
            endpoint: self.endpoint(),
            detail: detail.into(),
        }
    }

    fn connect(&self) -> Result<Box<dyn Stream>> {
        match &self.endpoint {
            Endpoint::Unix(p) => {
                let s = UnixStream::connect(p).map_err(|e| self.err(format!("connect: {e}")))?;
                s.set_read_timeout(Some(self.timeout))
                    .map_err(|e| self.err(e.to_string()))?;
                Ok(Box::new(s))
            }
            Endpoint::Tcp(a) => {
                let s = TcpStream::connect(a).map_err(|e| self.err(format!("connect: {e}")))?;
                s.set_read_timeout(Some(self.timeout))
                    .map_err(|e| self.err(e.to_string()))?;
                Ok(Box::new(s))
            }
        }
    }

    /// Sends `GET path` and returns the response (any status).
    pub fn get(&self, path: &str) -> Result<DaemonResponse> {
        let mut s = self.connect()?;
        let req = format!(
            "GET {path} HTTP/1.1\r\nHost: docker\r\nUser-Agent: bulwark\r\nAccept: */*\r\nConnection: close\r\n\r\n"
        );
        s.write_all(req.as_bytes())
            .map_err(|e| self.err(format!("sending request: {e}")))?;
        s.flush()
            .map_err(|e| self.err(format!("sending request: {e}")))?;
        parse_response(BufReader::with_capacity(256 * 1024, s))
            .map_err(|e| self.err(format!("GET {path}: {e}")))
    }

    /// Pings the daemon (`GET /_ping`).
    pub fn ping(&self) -> Result<()> {
        let mut r = self.get("/_ping")?;
        let status = r.status;
        let mut body = String::new();
        let _ = (&mut r).take(1024).read_to_string(&mut body);
        if status == 200 {
            Ok(())
        } else {
            Err(self.err(format!("ping returned HTTP {status}: {body}")))
        }
    }

    /// `GET /images/{name}/json`: the image's inspect JSON, or `None` if the daemon lacks it.
    pub fn inspect(&self, name: &str) -> Result<Option<serde_json::Value>> {
        let mut r = self.get(&format!("/images/{}/json", escape_name(name)))?;
        let mut body = Vec::new();
        (&mut r)
            .take(16 << 20)
            .read_to_end(&mut body)
            .map_err(|e| self.err(format!("reading inspect response: {e}")))?;
        match r.status {
            200 => serde_json::from_slice(&body)
                .map(Some)
                .map_err(|e| OciError::json(format!("{}: inspect {name}", self.endpoint()), e)),
            404 => Ok(None),
            s => Err(self.err(format!(
                "inspect {name}: HTTP {s}: {}",
                String::from_utf8_lossy(&body).trim()
            ))),
        }
    }

    /// Exports `name` (`GET /images/{name}/get`) into a temp file under `spool_dir`
    /// (default: the system temp dir). The file is deleted when the returned handle drops.
    pub fn export(&self, name: &str, spool_dir: Option<&Path>) -> Result<tempfile::NamedTempFile> {
        let mut r = self.get(&format!("/images/{}/get", escape_name(name)))?;
        if r.status != 200 {
            let mut body = String::new();
            let _ = (&mut r).take(4096).read_to_string(&mut body);
            if r.status == 404 {
                return Err(OciError::ImageNotInDaemon {
                    image: name.to_string(),
                    endpoint: self.endpoint(),
                });
            }
            return Err(self.err(format!("export {name}: HTTP {}: {}", r.status, body.trim())));
        }
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
        io::copy(&mut r, tmp.as_file_mut())
            .map_err(|e| self.err(format!("exporting {name}: {e}")))?;
        tmp.as_file_mut()
            .flush()
            .map_err(|e| OciError::io("writing spool file", e))?;
        Ok(tmp)
    }
}

/// Percent-escapes an image name for a URL path (keeps `/ : @ . - _`).
fn escape_name(name: &str) -> String {
    let mut o = String::with_capacity(name.len());
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"/:@.-_".contains(&b) {
            o.push(char::from(b));
        } else {
            let _ = write!(o, "%{b:02X}");
        }
    }
    o
}

fn parse_response<R: BufRead + Send + 'static>(mut r: R) -> io::Result<DaemonResponse> {
    let mut line = String::new();
    let mut total = 0usize;
    let mut read_line = |r: &mut R, line: &mut String| -> io::Result<()> {
        line.clear();
        let n = r.by_ref().take(8192).read_line(line)?;
        total += n;
        if n == 0 || total > MAX_HEADER_BYTES {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "truncated or oversized HTTP header",
            ));
        }
        Ok(())
    };
    read_line(&mut r, &mut line)?;
    let status: u16 = line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!("bad status line {line:?}"),
            )
        })?;
    let mut chunked = false;
    let mut length: Option<u64> = None;
    loop {
        read_line(&mut r, &mut line)?;
        let l = line.trim_end();
        if l.is_empty() {
            break;
        }
        if let Some((k, v)) = l.split_once(':') {
            let k = k.trim().to_ascii_lowercase();
            let v = v.trim();
            if k == "transfer-encoding" && v.to_ascii_lowercase().contains("chunked") {
                chunked = true;
            } else if k == "content-length" {
                length = v.parse().ok();
            }
        }
    }
    let body: Box<dyn Read + Send> = if chunked {
        Box::new(ChunkedReader {
            inner: r,
            remaining: 0,
            done: false,
        })
    } else if let Some(n) = length {
        Box::new(r.take(n))
    } else {
        Box::new(r)
    };
    Ok(DaemonResponse { status, body })
}

/// HTTP/1.1 chunked transfer decoding.
struct ChunkedReader<R> {
    inner: R,
    remaining: u64,
    done: bool,
}

impl<R: BufRead> Read for ChunkedReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.done || buf.is_empty() {
            return Ok(0);
        }
        if self.remaining == 0 {
            let mut line = String::new();
            (&mut self.inner).take(1024).read_line(&mut line)?;
            let size_str = line.trim().split(';').next().unwrap_or("");
            let size = u64::from_str_radix(size_str, 16).map_err(|_| {
                io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("bad chunk size {line:?}"),
                )
            })?;
            if size == 0 {
                // trailers until empty line
                loop {
                    line.clear();
                    let n = (&mut self.inner).take(8192).read_line(&mut line)?;
                    if n == 0 || line.trim().is_empty() {
                        break;
                    }
                }
                self.done = true;
                return Ok(0);
            }
            self.remaining = size;
        }
        let want = buf
            .len()
            .min(usize::try_from(self.remaining).unwrap_or(usize::MAX));
        let n = self.inner.read(buf.get_mut(..want).unwrap_or_default())?;
        if n == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "truncated chunked body",
            ));
        }
        self.remaining -= n as u64;
        if self.remaining == 0 {
            let mut crlf = [0u8; 2];
            self.inner.read_exact(&mut crlf)?;
        }
        Ok(n)
    }
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
    use super::*;

    #[test]
    fn endpoints() {
        assert_eq!(
            DockerDaemon::new("unix:///x.sock").unwrap().endpoint(),
            "unix:///x.sock"
        );
        assert_eq!(
            DockerDaemon::new("tcp://1.2.3.4").unwrap().endpoint(),
            "tcp://1.2.3.4:2375"
        );
        assert!(DockerDaemon::new("ssh://x").is_err());
        assert!(DockerDaemon::new("tcp://").is_err());
    }

    #[test]
    fn chunked_and_length_bodies() {
        let raw = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6;x=y\r\n world\r\n0\r\nT: v\r\n\r\n";
        let mut r = parse_response(BufReader::new(io::Cursor::new(raw.to_vec()))).unwrap();
        let mut s = String::new();
        r.read_to_string(&mut s).unwrap();
        assert_eq!((r.status, s.as_str()), (200, "hello world"));
        let raw = b"HTTP/1.0 404 Not Found\r\nContent-Length: 3\r\n\r\nabcdef";
        let mut r = parse_response(BufReader::new(io::Cursor::new(raw.to_vec()))).unwrap();
        let mut s = String::new();
        r.read_to_string(&mut s).unwrap();
        assert_eq!((r.status, s.as_str()), (404, "abc"));
        let bad = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n";
        let mut r = parse_response(BufReader::new(io::Cursor::new(bad.to_vec()))).unwrap();
        assert!(r.read_to_end(&mut Vec::new()).is_err());
        let trunc = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nabc";
        let mut r = parse_response(BufReader::new(io::Cursor::new(trunc.to_vec()))).unwrap();
        assert!(r.read_to_end(&mut Vec::new()).is_err());
        assert!(parse_response(BufReader::new(io::Cursor::new(b"garbage".to_vec()))).is_err());
    }

    #[test]
    fn name_escaping() {
        assert_eq!(escape_name("localhost:5000/a/b:1"), "localhost:5000/a/b:1");
        assert_eq!(escape_name("a b?#"), "a%20b%3F%23");
    }
}
