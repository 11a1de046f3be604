//! The resolved image: manifest digest, parsed config, ordered layers, and access to blobs.

use std::fmt;
use std::io::Read;
use std::sync::Arc;

use crate::digest::{Digest, VerifyingReader};
use crate::error::{OciError, Result};
use crate::model::{
    Descriptor, ImageConfig, ImageIndex, ImageManifest, Layer, ManifestDocument, Platform,
    SourceKind, media_type,
};
use crate::reference::Reference;

/// Something that can hand out blobs by digest (archive, layout, registry, daemon spool).
pub trait BlobSource: Send + Sync {
    /// Opens the raw (possibly compressed) blob. Callers wrap it in a [`VerifyingReader`].
    fn open_blob(&self, digest: &Digest) -> Result<Box<dyn Read + Send>>;

    /// True when a blob can only ever be read as the bytes its digest names (a registry serves
    /// by digest and every read is verified), so a result cached for a digest stands for this
    /// source's blob without reading it. False for files on disk (archives, layouts, daemon
    /// spools), whose blob names are claims until the bytes are hashed.
    fn content_addressed(&self) -> bool {
        false
    }
}

/// A container image resolved from one source, ready for layer walking.
#[derive(Clone)]
pub struct Image {
    /// What the user asked for (reference or path), used in messages.
    pub name: String,
    /// Parsed reference when the image came from a reference (daemon / registry) or a tag.
    pub reference: Option<Reference>,
    /// Where it came from.
    pub source: SourceKind,
    /// Digest of the image manifest, when the source has one (registry, OCI, Docker 25+ save).
    pub manifest_digest: Option<Digest>,
    /// The image manifest, when the source has one.
    pub manifest: Option<ImageManifest>,
    /// Tags recorded with the image (docker-save `RepoTags`, layout ref names).
    pub repo_tags: Vec<String>,
    /// Digest of the config blob (the image ID for Docker).
    pub config_digest: Digest,
    /// Parsed config.
    pub config: ImageConfig,
    /// Raw config bytes (for SBOM/attestation use).
    pub raw_config: Vec<u8>,
    /// Layers, base first.
    pub layers: Vec<Layer>,
    pub(crate) blobs: Arc<dyn BlobSource>,
}

impl fmt::Debug for Image {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Image")
            .field("name", &self.name)
            .field("source", &self.source)
            .field("manifest_digest", &self.manifest_digest)
            .field("config_digest", &self.config_digest)
            .field("layers", &self.layers.len())
            .finish_non_exhaustive()
    }
}

impl Image {
    /// The image's platform as recorded in its config.
    pub fn platform(&self) -> Platform {
        self.config.platform()
    }

    /// Opens layer `layer`'s blob, verifying its digest (and size if known) while streaming:
    /// a mismatch surfaces as an `InvalidData` I/O error at EOF.
    pub fn open_layer(&self, layer: &Layer) -> Result<Box<dyn Read + Send>> {
        let raw = self.blobs.open_blob(&layer.digest)?;
        let size = (layer.size > 0).then_some(layer.size);
        Ok(Box::new(VerifyingReader::new(
            raw,
            layer.digest.clone(),
            size,
        )))
    }

    /// Checks that layer `layer`'s blob is the one its digest names, by hashing it (streamed
    /// through a bounded buffer) — what a cached per-layer result needs before it may stand for
    /// this image's layer. Sources that are content-addressed ([`BlobSource::content_addressed`],
    /// a registry) are not read: any read of them is verified anyway.
    pub fn verify_layer_blob(&self, layer: &Layer) -> Result<()> {
        if self.blobs.content_addressed() {
            return Ok(());
        }
        let mut r = self.open_layer(layer)?;
        let what = format!("{}: layer #{} {}", self.name, layer.index, layer.digest);
        std::io::copy(&mut r, &mut std::io::sink())
            .map(drop)
            .map_err(|e| map_verify_error(&what, &layer.digest, e))
    }

    /// Builds an image from a manifest and its config bytes (already read and verified).
    pub(crate) fn assemble(
        name: String,
        source: SourceKind,
        manifest_digest: Option<Digest>,
        manifest: ImageManifest,
        raw_config: Vec<u8>,
        blobs: Arc<dyn BlobSource>,
    ) -> Result<Self> {
        let config = ImageConfig::parse(
            &raw_config,
            &format!("{name}: config {}", manifest.config.digest),
        )?;
        let diff_ids = &config.rootfs.diff_ids;
        if !diff_ids.is_empty() && diff_ids.len() != manifest.layers.len() {
            return Err(OciError::invalid(
                format!("{name}: config {}", manifest.config.digest),
                format!(
                    "rootfs lists {} diff_ids but the manifest has {} layers",
                    diff_ids.len(),
                    manifest.layers.len()
                ),
            ));
        }
        let history = config.layer_history(manifest.layers.len());
        let layers = manifest
            .layers
            .iter()
            .enumerate()
            .map(|(i, d)| Layer {
                index: i,
                digest: d.digest.clone(),
                diff_id: diff_ids.get(i).cloned(),
                media_type: d.media_type.clone(),
                size: d.size,
                history: history.get(i).cloned().flatten(),
            })
            .collect();
        Ok(Self {
            name,
            reference: None,
            source,
            manifest_digest,
            config_digest: manifest.config.digest.clone(),
            manifest: Some(manifest),
            repo_tags: Vec::new(),
            config,
            raw_config,
            layers,
            blobs,
        })
    }
}

/// Reads a whole blob into memory (bounded), verifying its digest.
pub(crate) fn read_blob_verified(
    src: &dyn BlobSource,
    d: &Descriptor,
    what: &str,
    limit: u64,
) -> Result<Vec<u8>> {
    if d.size > limit {
        return Err(OciError::invalid(
            what,
            format!("size {} exceeds limit {limit}", d.size),
        ));
    }
    let raw = src.open_blob(&d.digest)?;
    let size = (d.size > 0).then_some(d.size);
    let mut r = VerifyingReader::new(raw, d.digest.clone(), size);
    let mut buf = Vec::new();
    (&mut r)
        .take(limit + 1)
        .read_to_end(&mut buf)
        .map_err(|e| map_verify_error(what, &d.digest, e))?;
    if buf.len() as u64 > limit {
        return Err(OciError::invalid(
            what,
            format!("larger than limit {limit}"),
        ));
    }
    Ok(buf)
}

/// Turns a `VerifyingReader` I/O error into [`OciError::DigestMismatch`] where applicable.
pub(crate) fn map_verify_error(what: &str, digest: &Digest, e: std::io::Error) -> OciError {
    if let Some(m) = e
        .get_ref()
        .and_then(|x| x.downcast_ref::<crate::digest::DigestMismatchIo>())
    {
        return OciError::DigestMismatch {
            what: what.to_string(),
            expected: m.expected.clone(),
            actual: m.actual.clone(),
        };
    }
    OciError::io(format!("{what}: reading blob {digest}"), e)
}

/// Chooses the manifest descriptor for `wanted` (or the host platform) from an index.
///
/// With an explicit platform the match must be exact (variant compared when both give one).
/// Without one, the host platform is preferred; if nothing matches and the index holds exactly
/// one runnable image (attestation entries with `unknown/unknown` ignored), that one is used.
pub fn choose_platform<'a>(
    index: &'a ImageIndex,
    wanted: Option<&Platform>,
    image: &str,
) -> Result<&'a Descriptor> {
    let candidates: Vec<&Descriptor> = index
        .manifests
        .iter()
        .filter(|d| {
            (media_type::is_manifest(&d.media_type)
                || media_type::is_index(&d.media_type)
                || d.media_type.is_empty())
                && d.platform.as_ref().is_none_or(|p| p.os != "unknown")
                && !d.annotations.contains_key("vnd.docker.reference.type")
        })
        .collect();
    let host = Platform::host();
    let target = wanted.unwrap_or(&host);
    if let Some(d) = candidates
        .iter()
        .find(|d| d.platform.as_ref().is_some_and(|p| target.accepts(p)))
    {
        return Ok(d);
    }
    if wanted.is_none()
        && let [only] = candidates.as_slice()
    {
        return Ok(only);
    }
    let available = candidates
        .iter()
        .map(|d| {
            d.platform
                .as_ref()
                .map_or_else(|| "unspecified".to_string(), ToString::to_string)
        })
        .collect::<Vec<_>>()
        .join(", ");
    Err(OciError::NoMatchingPlatform {
        image: image.to_string(),
        wanted: target.to_string(),
        available,
    })
}

/// Maximum nesting of indexes we follow (index → index → manifest).
pub(crate) const MAX_INDEX_DEPTH: usize = 4;

/// Resolves a manifest-or-index document to a single image manifest, following nested indexes
/// through `fetch` (which returns the document bytes and the content type for a descriptor).
pub(crate) fn resolve_manifest(
    mut doc: ManifestDocument,
    mut digest: Option<Digest>,
    platform: Option<&Platform>,
    image: &str,
    fetch: &dyn Fn(&Descriptor) -> Result<Vec<u8>>,
) -> Result<(ImageManifest, Option<Digest>)> {
    for _ in 0..=MAX_INDEX_DEPTH {
        match doc {
            ManifestDocument::Manifest(m) => return Ok((m, digest)),
            ManifestDocument::Index(idx) => {
                let d = choose_platform(&idx, platform, image)?.clone();
                let bytes = fetch(&d)?;
                let mt = (!d.media_type.is_empty()).then_some(d.media_type.as_str());
                doc = ManifestDocument::parse(
                    &bytes,
                    mt,
                    &format!("{image}: manifest {}", d.digest),
                )?;
                digest = Some(d.digest.clone());
            }
        }
    }
    Err(OciError::invalid(
        image,
        format!("indexes nested deeper than {MAX_INDEX_DEPTH} levels"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn desc(p: &str) -> Descriptor {
        let plat = Platform::parse(p).unwrap();
        Descriptor {
            media_type: media_type::OCI_MANIFEST.into(),
            digest: Digest::sha256_of(p.as_bytes()),
            size: 1,
            platform: Some(plat),
            annotations: std::collections::BTreeMap::default(),
            artifact_type: None,
            urls: vec![],
        }
    }

    #[test]
    fn platform_choice() {
        let idx = ImageIndex {
            schema_version: 2,
            media_type: None,
            manifests: vec![
                desc("linux/amd64"),
                desc("linux/arm/v7"),
                desc("linux/arm64/v8"),
                desc("unknown/unknown"),
            ],
            annotations: std::collections::BTreeMap::default(),
        };
        let pick = |s: &str| {
            choose_platform(&idx, Some(&Platform::parse(s).unwrap()), "img")
                .map(|d| d.digest.clone())
        };
        assert_eq!(
            pick("linux/arm/v7").unwrap(),
            Digest::sha256_of(b"linux/arm/v7")
        );
        assert_eq!(
            pick("linux/arm64").unwrap(),
            Digest::sha256_of(b"linux/arm64/v8")
        );
        assert_eq!(
            pick("linux/amd64").unwrap(),
            Digest::sha256_of(b"linux/amd64")
        );
        let e = pick("linux/arm/v6").unwrap_err().to_string();
        assert!(
            e.contains("linux/arm/v6") && e.contains("linux/amd64") && !e.contains("unknown"),
            "{e}"
        );
        assert!(pick("windows/amd64").is_err());
    }
}
