//! Source resolution: which source an image is read from (like Trivy's `--image-src`: Docker
//! daemon first, then registry) and `--input FILE|DIR` auto-detection (docker-save archive,
//! OCI archive, OCI layout directory).

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::archive::{open_docker_archive, open_oci_layout};
use crate::daemon::{DockerDaemon, open_daemon_image};
use crate::error::{OciError, Result};
use crate::image::Image;
use crate::model::{Platform, SourceKind};
use crate::reference::Reference;
use crate::registry::{RegistryClient, RegistryOptions, open_registry_image};
use crate::store::{DirStore, FileStore, TarStore};

/// A place to look for an image given by reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageSource {
    /// The Docker daemon (`DOCKER_HOST` or the default socket).
    Docker,
    /// The registry named by the reference.
    Registry,
}

impl ImageSource {
    /// Parses `docker` or `remote`/`registry` (Trivy's names).
    pub fn parse(s: &str) -> Result<Self> {
        match s {
            "docker" => Ok(Self::Docker),
            "remote" | "registry" => Ok(Self::Registry),
            other => Err(OciError::invalid(
                format!("image source {other:?}"),
                "expected docker or remote",
            )),
        }
    }
}

/// How to resolve images.
#[derive(Debug, Clone)]
pub struct ResolveOptions {
    /// Sources tried in order for a reference. Default: Docker daemon, then registry.
    pub sources: Vec<ImageSource>,
    /// Platform to choose from multi-platform images (default: host, else the only one).
    pub platform: Option<Platform>,
    /// Registry client settings (credentials, insecure, retries).
    pub registry: RegistryOptions,
    /// Docker endpoint (`DOCKER_HOST` syntax); `None` = environment / default socket.
    pub docker_host: Option<String>,
    /// Where `docker save` streams are spooled (e.g. the cache dir); `None` = system temp.
    pub spool_dir: Option<PathBuf>,
}

impl Default for ResolveOptions {
    fn default() -> Self {
        Self {
            sources: vec![ImageSource::Docker, ImageSource::Registry],
            platform: None,
            registry: RegistryOptions::default(),
            docker_host: None,
            spool_dir: None,
        }
    }
}

/// What an `--input` path holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    /// `docker save` tar (or unpacked directory with `manifest.json`).
    DockerArchive,
    /// Tar of an OCI layout.
    OciArchive,
    /// OCI layout directory.
    OciLayout,
}

fn open_store(path: &Path) -> Result<(Arc<dyn FileStore>, bool)> {
    let md = std::fs::metadata(path)
        .map_err(|e| OciError::io(format!("{}: opening input", path.display()), e))?;
    if md.is_dir() {
        return Ok((Arc::new(DirStore::new(path)), true));
    }
    let mut head = [0u8; 4];
    let n = File::open(path)
        .and_then(|mut f| f.read(&mut head))
        .map_err(|e| OciError::io(format!("{}: reading input", path.display()), e))?;
    if n >= 2 && head.starts_with(&[0x1f, 0x8b]) || n >= 4 && head == [0x28, 0xb5, 0x2f, 0xfd] {
        return Err(OciError::NotAnImage {
            path: path.display().to_string(),
            reason: "compressed archive; decompress it first (e.g. gunzip) so layers can be read in place".into(),
        });
    }
    Ok((Arc::new(TarStore::open(path)?), false))
}

fn detect(store: &dyn FileStore, is_dir: bool) -> Option<InputKind> {
    if store.exists("manifest.json") {
        Some(InputKind::DockerArchive)
    } else if store.exists("index.json") || store.exists("oci-layout") {
        Some(if is_dir {
            InputKind::OciLayout
        } else {
            InputKind::OciArchive
        })
    } else {
        None
    }
}

/// Detects what `path` holds (docker archive vs OCI archive vs OCI layout directory).
pub fn detect_input(path: &Path) -> Result<InputKind> {
    let (store, is_dir) = open_store(path)?;
    detect(&*store, is_dir).ok_or_else(|| OciError::NotAnImage {
        path: path.display().to_string(),
        reason: "no manifest.json (docker save) or index.json (OCI layout) found".into(),
    })
}

/// Opens `--input PATH`: a docker-save tar, an OCI archive, or an OCI layout directory
/// (auto-detected). `selector` picks one image by tag / ref name when several are present.
pub fn open_input(
    path: &Path,
    selector: Option<&str>,
    platform: Option<&Platform>,
) -> Result<Image> {
    let (store, is_dir) = open_store(path)?;
    match detect(&*store, is_dir) {
        Some(InputKind::DockerArchive) => {
            open_docker_archive(store, selector, SourceKind::DockerArchive)
        }
        Some(InputKind::OciArchive) => {
            open_oci_layout(store, selector, platform, SourceKind::OciArchive)
        }
        Some(InputKind::OciLayout) => {
            open_oci_layout(store, selector, platform, SourceKind::OciLayout)
        }
        None => Err(OciError::NotAnImage {
            path: path.display().to_string(),
            reason: "no manifest.json (docker save) or index.json (OCI layout) found".into(),
        }),
    }
}

/// Splits `path[:selector]` as used by the archive/layout transports, preferring the whole
/// string when it exists on disk.
fn split_path_selector(s: &str) -> (PathBuf, Option<String>) {
    if Path::new(s).exists() {
        return (PathBuf::from(s), None);
    }
    // the selector may itself contain ':' (`app:1`, `localhost:5000/app:1`): take the
    // shortest existing path prefix
    for (i, _) in s.match_indices(':') {
        let (p, sel) = (
            s.get(..i).unwrap_or_default(),
            s.get(i + 1..).unwrap_or_default(),
        );
        if !p.is_empty() && !sel.is_empty() && Path::new(p).exists() {
            return (PathBuf::from(p), Some(sel.to_string()));
        }
    }
    (PathBuf::from(s), None)
}

/// Resolves `target` to an image.
///
/// `target` is an image reference tried in the `opts.sources` order (default: Docker daemon,
/// then registry; every failure is reported if all fail), or carries an explicit transport:
/// `docker:REF`, `registry:REF`, `docker-archive:PATH[:TAG]`, `oci-archive:PATH[:TAG]`,
/// `oci:DIR[:TAG]` (also `oci-dir:`).
pub fn open_image(target: &str, opts: &ResolveOptions) -> Result<Image> {
    if let Some((transport, rest)) = target.split_once(':') {
        match transport {
            "docker-archive" | "oci-archive" | "oci" | "oci-dir" => {
                let (path, sel) = split_path_selector(rest);
                return open_input(&path, sel.as_deref(), opts.platform.as_ref());
            }
            "docker" => {
                return open_with(rest, &[ImageSource::Docker], opts);
            }
            "registry" | "remote" => {
                return open_with(rest, &[ImageSource::Registry], opts);
            }
            _ => {}
        }
    }
    open_with(target, &opts.sources, opts)
}

fn open_with(target: &str, sources: &[ImageSource], opts: &ResolveOptions) -> Result<Image> {
    let reference = Reference::parse(target)?;
    let mut attempts = Vec::new();
    for src in sources {
        let res = match src {
            ImageSource::Docker => {
                let daemon = match &opts.docker_host {
                    Some(h) => DockerDaemon::new(h),
                    None => DockerDaemon::from_env(),
                };
                daemon.and_then(|d| open_daemon_image(&d, target, opts.spool_dir.as_deref()))
            }
            ImageSource::Registry => {
                let client = Arc::new(RegistryClient::new(opts.registry.clone()));
                open_registry_image(client, &reference, opts.platform.as_ref())
            }
        };
        match res {
            Ok(mut img) => {
                if img.reference.is_none() {
                    img.reference = Some(reference);
                }
                return Ok(img);
            }
            Err(e) => attempts.push((
                match src {
                    ImageSource::Docker => "docker".to_string(),
                    ImageSource::Registry => "registry".to_string(),
                },
                e.to_string(),
            )),
        }
    }
    Err(OciError::AllSourcesFailed {
        image: target.to_string(),
        attempts,
    })
}
