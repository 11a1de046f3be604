//! OCI / Docker image JSON documents (manifest, index, config) and the resolved [`Image`] model.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};

use crate::digest::Digest;
use crate::error::{OciError, Result};

/// Media type constants for manifests, indexes, configs and layers.
pub mod media_type {
    /// OCI image manifest.
    pub const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
    /// OCI image index.
    pub const OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";
    /// OCI image config.
    pub const OCI_CONFIG: &str = "application/vnd.oci.image.config.v1+json";
    /// OCI uncompressed layer.
    pub const OCI_LAYER: &str = "application/vnd.oci.image.layer.v1.tar";
    /// OCI gzip layer.
    pub const OCI_LAYER_GZIP: &str = "application/vnd.oci.image.layer.v1.tar+gzip";
    /// OCI zstd layer.
    pub const OCI_LAYER_ZSTD: &str = "application/vnd.oci.image.layer.v1.tar+zstd";
    /// OCI empty descriptor (artifacts).
    pub const OCI_EMPTY: &str = "application/vnd.oci.empty.v1+json";
    /// Docker schema 2 manifest.
    pub const DOCKER_MANIFEST: &str = "application/vnd.docker.distribution.manifest.v2+json";
    /// Docker manifest list.
    pub const DOCKER_MANIFEST_LIST: &str =
        "application/vnd.docker.distribution.manifest.list.v2+json";
    /// Docker container config.
    pub const DOCKER_CONFIG: &str = "application/vnd.docker.container.image.v1+json";
    /// Docker gzip layer.
    pub const DOCKER_LAYER_GZIP: &str = "application/vnd.docker.image.rootfs.diff.tar.gzip";
    /// Docker foreign (non-distributable) layer.
    pub const DOCKER_FOREIGN_LAYER: &str =
        "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip";
    /// Docker schema 1 (signed) manifest — not supported.
    pub const DOCKER_SCHEMA1_SIGNED: &str =
        "application/vnd.docker.distribution.manifest.v1+prettyjws";
    /// Docker schema 1 manifest — not supported.
    pub const DOCKER_SCHEMA1: &str = "application/vnd.docker.distribution.manifest.v1+json";

    /// `Accept` header value for fetching any supported manifest or index.
    pub const ACCEPT_ANY_MANIFEST: &str = "application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json";

    /// True for index / manifest-list media types.
    pub fn is_index(mt: &str) -> bool {
        mt == OCI_INDEX || mt == DOCKER_MANIFEST_LIST
    }

    /// True for single-image manifest media types.
    pub fn is_manifest(mt: &str) -> bool {
        mt == OCI_MANIFEST || mt == DOCKER_MANIFEST
    }
}

fn null_default<'de, D, T>(d: D) -> std::result::Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// A platform (`linux/arm64/v8`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub struct Platform {
    /// Operating system (`linux`).
    #[serde(default, deserialize_with = "null_default")]
    pub os: String,
    /// CPU architecture (`amd64`, `arm64`).
    #[serde(default, deserialize_with = "null_default")]
    pub architecture: String,
    /// Variant (`v7`, `v8`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variant: Option<String>,
    /// OS version (Windows).
    #[serde(
        rename = "os.version",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub os_version: Option<String>,
}

impl Platform {
    /// Parses `os/arch[/variant]` (as given to `--platform`).
    pub fn parse(s: &str) -> Result<Self> {
        let parts: Vec<&str> = s.split('/').collect();
        let bad = || OciError::invalid(format!("platform {s:?}"), "expected os/arch[/variant]");
        match parts.as_slice() {
            [os, arch] if !os.is_empty() && !arch.is_empty() => Ok(Self {
                os: (*os).to_string(),
                architecture: (*arch).to_string(),
                variant: None,
                os_version: None,
            }),
            [os, arch, var] if !os.is_empty() && !arch.is_empty() && !var.is_empty() => Ok(Self {
                os: (*os).to_string(),
                architecture: (*arch).to_string(),
                variant: Some((*var).to_string()),
                os_version: None,
            }),
            _ => Err(bad()),
        }
    }

    /// The platform this binary runs on, in OCI terms (`linux/amd64`, `linux/arm64`).
    pub fn host() -> Self {
        let arch = match std::env::consts::ARCH {
            "x86_64" => "amd64",
            "aarch64" => "arm64",
            "x86" => "386",
            "arm" => "arm",
            "powerpc64" => "ppc64le",
            "s390x" => "s390x",
            "riscv64" => "riscv64",
            other => other,
        };
        Self {
            os: "linux".into(),
            architecture: arch.into(),
            variant: None,
            os_version: None,
        }
    }

    /// True when `self` (a wanted platform) accepts `candidate`: os and architecture equal;
    /// variant compared only when both name one (arm64 `v8` is the default variant).
    pub fn accepts(&self, candidate: &Platform) -> bool {
        if self.os != candidate.os || self.architecture != candidate.architecture {
            return false;
        }
        match (&self.variant, &candidate.variant) {
            (Some(a), Some(b)) => a == b,
            (Some(a), None) => self.architecture == "arm64" && a == "v8",
            _ => true,
        }
    }
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.os, self.architecture)?;
        if let Some(v) = &self.variant {
            write!(f, "/{v}")?;
        }
        Ok(())
    }
}

/// A content descriptor (OCI image-spec `descriptor`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Descriptor {
    /// Media type of the referenced content.
    #[serde(default, deserialize_with = "null_default")]
    pub media_type: String,
    /// Digest of the referenced content.
    pub digest: Digest,
    /// Size in bytes.
    #[serde(default)]
    pub size: u64,
    /// Platform (index entries).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<Platform>,
    /// Annotations.
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "null_default"
    )]
    pub annotations: BTreeMap<String, String>,
    /// Artifact type (referrers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub artifact_type: Option<String>,
    /// Alternate download locations (foreign layers).
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "null_default"
    )]
    pub urls: Vec<String>,
}

/// Annotation key holding the tag of an index entry in an OCI layout.
pub const ANNOTATION_REF_NAME: &str = "org.opencontainers.image.ref.name";
/// Annotation containerd/Docker put on index entries with the full image name.
pub const ANNOTATION_IMAGE_NAME: &str = "io.containerd.image.name";

/// An image manifest (OCI or Docker schema 2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageManifest {
    /// Always 2.
    pub schema_version: u32,
    /// Media type if present in the document.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    /// Artifact type (OCI 1.1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub artifact_type: Option<String>,
    /// The config blob.
    pub config: Descriptor,
    /// Layers, base first.
    #[serde(default, deserialize_with = "null_default")]
    pub layers: Vec<Descriptor>,
    /// Subject (OCI 1.1 referrers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<Descriptor>,
    /// Annotations.
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "null_default"
    )]
    pub annotations: BTreeMap<String, String>,
}

/// An image index / manifest list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageIndex {
    /// Always 2.
    pub schema_version: u32,
    /// Media type if present.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    /// Entries.
    #[serde(default, deserialize_with = "null_default")]
    pub manifests: Vec<Descriptor>,
    /// Annotations.
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "null_default"
    )]
    pub annotations: BTreeMap<String, String>,
}

/// A manifest-ish document: either a single image or an index.
#[allow(clippy::large_enum_variant)] // short-lived parse result; boxing would only add noise
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ManifestDocument {
    /// Single image manifest.
    Manifest(ImageManifest),
    /// Index / manifest list.
    Index(ImageIndex),
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Sniff {
    #[serde(default)]
    schema_version: Option<u32>,
    #[serde(default)]
    media_type: Option<String>,
    #[serde(default)]
    manifests: Option<serde_json::Value>,
    #[serde(default)]
    config: Option<serde_json::Value>,
}

impl ManifestDocument {
    /// Parses a manifest or index. `content_type` (HTTP header / descriptor media type) is used
    /// when the document itself has no `mediaType`. `what` names the document in errors.
    pub fn parse(bytes: &[u8], content_type: Option<&str>, what: &str) -> Result<Self> {
        let sniff: Sniff = serde_json::from_slice(bytes).map_err(|e| OciError::json(what, e))?;
        let mt = sniff
            .media_type
            .as_deref()
            .or(content_type)
            .map(|m| m.split(';').next().unwrap_or(m).trim().to_string());
        if sniff.schema_version == Some(1)
            || matches!(
                mt.as_deref(),
                Some(media_type::DOCKER_SCHEMA1 | media_type::DOCKER_SCHEMA1_SIGNED)
            )
        {
            return Err(OciError::UnsupportedMediaType {
                image: what.to_string(),
                media_type: "docker schema 1 manifest".into(),
            });
        }
        let is_index = match mt.as_deref() {
            Some(m) if media_type::is_index(m) => true,
            Some(m) if media_type::is_manifest(m) => false,
            _ => sniff.manifests.is_some() && sniff.config.is_none(),
        };
        if is_index {
            let idx: ImageIndex =
                serde_json::from_slice(bytes).map_err(|e| OciError::json(what, e))?;
            Ok(Self::Index(idx))
        } else {
            if sniff.config.is_none() {
                return Err(OciError::invalid(
                    what,
                    "neither an image manifest (no config) nor an index (no manifests)",
                ));
            }
            let m: ImageManifest =
                serde_json::from_slice(bytes).map_err(|e| OciError::json(what, e))?;
            Ok(Self::Manifest(m))
        }
    }
}

/// Healthcheck from the image config.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct Healthcheck {
    /// `["CMD", ...]`, `["CMD-SHELL", "..."]` or `["NONE"]`.
    #[serde(default, deserialize_with = "null_default")]
    pub test: Vec<String>,
    /// Nanoseconds between checks.
    #[serde(default)]
    pub interval: Option<i64>,
    /// Nanoseconds before a check is considered hung.
    #[serde(default)]
    pub timeout: Option<i64>,
    /// Start period (ns).
    #[serde(default)]
    pub start_period: Option<i64>,
    /// Consecutive failures needed to be unhealthy.
    #[serde(default)]
    pub retries: Option<i64>,
}

/// The runtime part (`config`) of an image config.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct ContainerConfig {
    /// `USER`.
    #[serde(default, deserialize_with = "null_default")]
    pub user: String,
    /// `ENV` as `KEY=value`.
    #[serde(default, deserialize_with = "null_default")]
    pub env: Vec<String>,
    /// `EXPOSE` keys like `80/tcp`.
    #[serde(default, deserialize_with = "null_default")]
    pub exposed_ports: BTreeMap<String, serde_json::Value>,
    /// `LABEL`s.
    #[serde(default, deserialize_with = "null_default")]
    pub labels: BTreeMap<String, String>,
    /// `HEALTHCHECK`.
    #[serde(default)]
    pub healthcheck: Option<Healthcheck>,
    /// `ENTRYPOINT`.
    #[serde(default, deserialize_with = "null_default")]
    pub entrypoint: Vec<String>,
    /// `CMD`.
    #[serde(default, deserialize_with = "null_default")]
    pub cmd: Vec<String>,
    /// `WORKDIR`.
    #[serde(default, deserialize_with = "null_default")]
    pub working_dir: String,
    /// `VOLUME`s.
    #[serde(default, deserialize_with = "null_default")]
    pub volumes: BTreeMap<String, serde_json::Value>,
    /// `STOPSIGNAL`.
    #[serde(default, deserialize_with = "null_default")]
    pub stop_signal: String,
}

/// One `history` entry of an image config.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct HistoryEntry {
    /// RFC 3339 creation time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<String>,
    /// The Dockerfile instruction / command that created this step.
    #[serde(default, deserialize_with = "null_default")]
    pub created_by: String,
    /// Author.
    #[serde(default, deserialize_with = "null_default")]
    pub author: String,
    /// Comment.
    #[serde(default, deserialize_with = "null_default")]
    pub comment: String,
    /// True when this step produced no layer (ENV, LABEL, ...).
    #[serde(default, deserialize_with = "null_default")]
    pub empty_layer: bool,
}

/// `rootfs` of an image config.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct RootFs {
    /// Always `layers`.
    #[serde(rename = "type", default, deserialize_with = "null_default")]
    pub fs_type: String,
    /// Uncompressed layer digests, base first.
    #[serde(default, deserialize_with = "null_default")]
    pub diff_ids: Vec<Digest>,
}

/// An OCI / Docker image configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ImageConfig {
    /// CPU architecture.
    #[serde(default, deserialize_with = "null_default")]
    pub architecture: String,
    /// OS.
    #[serde(default, deserialize_with = "null_default")]
    pub os: String,
    /// Variant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variant: Option<String>,
    /// Creation time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<String>,
    /// Author.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    /// Runtime configuration.
    #[serde(default, deserialize_with = "null_default")]
    pub config: ContainerConfig,
    /// Layer diff ids.
    #[serde(default, deserialize_with = "null_default")]
    pub rootfs: RootFs,
    /// Build history.
    #[serde(default, deserialize_with = "null_default")]
    pub history: Vec<HistoryEntry>,
}

impl ImageConfig {
    /// Parses a config blob; `what` names it in errors.
    pub fn parse(bytes: &[u8], what: &str) -> Result<Self> {
        serde_json::from_slice(bytes).map_err(|e| OciError::json(what, e))
    }

    /// The image's platform.
    pub fn platform(&self) -> Platform {
        Platform {
            os: self.os.clone(),
            architecture: self.architecture.clone(),
            variant: self.variant.clone(),
            os_version: None,
        }
    }

    /// For each layer index (0-based, base first), the history entry that created it:
    /// the n-th non-`empty_layer` entry. Missing entries yield `None`.
    pub fn layer_history(&self, layer_count: usize) -> Vec<Option<HistoryEntry>> {
        let mut it = self.history.iter().filter(|h| !h.empty_layer);
        (0..layer_count).map(|_| it.next().cloned()).collect()
    }
}

/// Where an [`Image`] was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SourceKind {
    /// Docker Engine API (`docker save` stream).
    DockerDaemon,
    /// `docker save` tar file or unpacked directory.
    DockerArchive,
    /// Tar of an OCI image layout.
    OciArchive,
    /// OCI image layout directory.
    OciLayout,
    /// Remote registry.
    Registry,
}

impl fmt::Display for SourceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::DockerDaemon => "docker",
            Self::DockerArchive => "docker-archive",
            Self::OciArchive => "oci-archive",
            Self::OciLayout => "oci-layout",
            Self::Registry => "registry",
        })
    }
}

/// One layer of a resolved image.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Layer {
    /// Position, 0 = base.
    pub index: usize,
    /// Digest of the blob as stored (compressed for registries/OCI; for legacy docker-save
    /// archives the tar is uncompressed and this equals the diff id).
    pub digest: Digest,
    /// Uncompressed tar digest from the config's `rootfs.diff_ids`, if present.
    pub diff_id: Option<Digest>,
    /// Media type from the manifest (informative; decompression is chosen by magic bytes).
    pub media_type: String,
    /// Blob size in bytes (0 when the source does not say).
    pub size: u64,
    /// The history step that created this layer.
    pub history: Option<HistoryEntry>,
}

impl Layer {
    /// A stable key for caching per-layer analysis results: the blob digest, and the diff id
    /// when the blob is compressed (`sha256:BLOB>sha256:DIFF`). Both digests are part of the key
    /// because a cached result may stand for a layer only when that very blob was read and found
    /// to decompress to that diff id: keyed by the claimed diff id alone, a tampered blob whose
    /// config still claims the genuine diff id would be answered from the cache unread.
    pub fn cache_key(&self) -> String {
        match &self.diff_id {
            Some(diff) if diff != &self.digest => format!("{}>{diff}", self.digest),
            _ => self.digest.to_string(),
        }
    }
}
