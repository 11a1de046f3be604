//! `docker save` archives (legacy and Docker 25+ OCI-in-docker-save layouts) and OCI image
//! layouts / OCI archives, both read through a [`FileStore`] (directory or indexed tar).

use std::collections::HashMap;
use std::io::Read;
use std::sync::Arc;

use serde::Deserialize;

use crate::digest::Digest;
use crate::error::{OciError, Result};
use crate::image::{BlobSource, Image, read_blob_verified, resolve_manifest};
use crate::model::{
    ANNOTATION_IMAGE_NAME, ANNOTATION_REF_NAME, Descriptor, ImageIndex, ImageManifest,
    ManifestDocument, Platform, SourceKind, media_type,
};
use crate::reference::Reference;
use crate::store::{FileStore, MAX_DOCUMENT_BYTES};

/// Blob access by digest into a file store: explicit path map (docker-save) plus the OCI
/// `blobs/<alg>/<hex>` convention.
struct StoreBlobs {
    store: Arc<dyn FileStore>,
    paths: HashMap<Digest, String>,
}

impl BlobSource for StoreBlobs {
    fn open_blob(&self, digest: &Digest) -> Result<Box<dyn Read + Send>> {
        let path = self
            .paths
            .get(digest)
            .cloned()
            .unwrap_or_else(|| format!("blobs/{}/{}", digest.algorithm(), digest.hex()));
        match self.store.open(&path)? {
            Some((r, _)) => Ok(r),
            None => Err(OciError::BlobNotFound {
                image: self.store.name().to_string(),
                digest: digest.to_string(),
            }),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct SaveManifestEntry {
    config: String,
    #[serde(default)]
    repo_tags: Option<Vec<String>>,
    #[serde(default)]
    layers: Vec<String>,
}

fn digest_from_blob_path(path: &str) -> Option<Digest> {
    let rest = path.trim_start_matches("./").strip_prefix("blobs/")?;
    let (alg, hex) = rest.split_once('/')?;
    Digest::parse(&format!("{alg}:{hex}")).ok()
}

/// True when `tag` (as written in `RepoTags` or an annotation) is what `selector` asks for.
fn tag_matches(tag: &str, selector: &str) -> bool {
    if tag == selector {
        return true;
    }
    match (Reference::parse(tag), Reference::parse(selector)) {
        (Ok(a), Ok(b)) => a.matches(&b) && a.digest().is_none() && b.digest().is_none(),
        _ => false,
    }
}

fn id_matches(config: &Digest, selector: &str) -> bool {
    let sel = selector.strip_prefix("sha256:").unwrap_or(selector);
    sel.len() >= 12 && config.algorithm() == "sha256" && config.hex().starts_with(sel)
}

/// Reads a `docker save` archive held in `store`. `selector` picks an image by one of its
/// `RepoTags` (`alpine:3.20`, `docker.io/library/alpine:3.20`) or its ID prefix; it may be
/// `None` when the archive holds exactly one image.
pub fn open_docker_archive(
    store: Arc<dyn FileStore>,
    selector: Option<&str>,
    kind: SourceKind,
) -> Result<Image> {
    let name = store.name().to_string();
    let bytes = store
        .read_document("manifest.json")?
        .ok_or_else(|| OciError::NotAnImage {
            path: name.clone(),
            reason: "no manifest.json (not a docker-save archive)".into(),
        })?;
    let entries: Vec<SaveManifestEntry> = serde_json::from_slice(&bytes)
        .map_err(|e| OciError::json(format!("{name}: manifest.json"), e))?;
    let listing = || {
        entries
            .iter()
            .map(|e| {
                let tags = e.repo_tags.clone().unwrap_or_default();
                if tags.is_empty() {
                    format!("<untagged {}>", e.config)
                } else {
                    tags.join(", ")
                }
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let entry = match selector {
        Some(sel) => entries
            .iter()
            .find(|e| e.repo_tags.iter().flatten().any(|t| tag_matches(t, sel)))
            .or_else(|| {
                entries.iter().find(|e| {
                    let d = digest_from_blob_path(&e.config).or_else(|| {
                        Digest::parse(&format!("sha256:{}", e.config.trim_end_matches(".json")))
                            .ok()
                    });
                    d.is_some_and(|d| id_matches(&d, sel))
                })
            })
            .ok_or_else(|| OciError::ImageNotFound {
                source_name: name.clone(),
                wanted: sel.to_string(),
                available: listing(),
            })?,
        None => match entries.as_slice() {
            [one] => one,
            [] => {
                return Err(OciError::invalid(
                    format!("{name}: manifest.json"),
                    "lists no images",
                ));
            }
            many => {
                return Err(OciError::AmbiguousImage {
                    source_name: name.clone(),
                    count: many.len(),
                    available: listing(),
                });
            }
        },
    };
    let raw_config = store
        .read_document(&entry.config)?
        .ok_or_else(|| OciError::BlobNotFound {
            image: name.clone(),
            digest: entry.config.clone(),
        })?;
    let config_digest = Digest::sha256_of(&raw_config);
    if let Some(claimed) = digest_from_blob_path(&entry.config)
        && claimed.algorithm() == "sha256"
        && claimed != config_digest
    {
        return Err(OciError::DigestMismatch {
            what: format!("{name}: config {}", entry.config),
            expected: claimed.to_string(),
            actual: config_digest.to_string(),
        });
    }
    let cfg =
        crate::model::ImageConfig::parse(&raw_config, &format!("{name}: config {}", entry.config))?;
    // Docker 25+ writes an OCI index next to manifest.json: use it for the manifest digest and
    // real media types when a manifest there points at the same config.
    let oci = find_oci_manifest_for_config(&*store, &config_digest);
    let mut paths = HashMap::new();
    let mut layer_descs = Vec::with_capacity(entry.layers.len());
    for (i, lp) in entry.layers.iter().enumerate() {
        let digest = match digest_from_blob_path(lp) {
            Some(d) => d,
            // legacy `<id>/layer.tar`: uncompressed, so its digest is the diff id
            None => cfg.rootfs.diff_ids.get(i).cloned().ok_or_else(|| {
                OciError::invalid(
                    format!("{name}: config {}", entry.config),
                    format!("no diff_id for layer {i} ({lp})"),
                )
            })?,
        };
        paths.insert(digest.clone(), lp.clone());
        let from_oci = oci
            .as_ref()
            .and_then(|(_, m)| m.layers.iter().find(|d| d.digest == digest).cloned());
        layer_descs.push(from_oci.unwrap_or(Descriptor {
            media_type: "application/vnd.docker.image.rootfs.diff.tar".into(),
            digest,
            size: 0,
            platform: None,
            annotations: std::collections::BTreeMap::default(),
            artifact_type: None,
            urls: Vec::new(),
        }));
    }
    paths.insert(config_digest.clone(), entry.config.clone());
    let (manifest_digest, manifest) = match oci {
        Some((d, m)) => (Some(d), m),
        None => (
            None,
            ImageManifest {
                schema_version: 2,
                media_type: Some(media_type::DOCKER_MANIFEST.into()),
                artifact_type: None,
                config: Descriptor {
                    media_type: media_type::DOCKER_CONFIG.into(),
                    digest: config_digest.clone(),
                    size: raw_config.len() as u64,
                    platform: None,
                    annotations: std::collections::BTreeMap::default(),
                    artifact_type: None,
                    urls: Vec::new(),
                },
                layers: layer_descs.clone(),
                subject: None,
                annotations: std::collections::BTreeMap::default(),
            },
        ),
    };
    let synthesized = manifest_digest.is_none();
    let blobs = Arc::new(StoreBlobs { store, paths });
    let display = selector.map_or_else(|| name.clone(), |s| format!("{name} ({s})"));
    let mut img = Image::assemble(display, kind, manifest_digest, manifest, raw_config, blobs)?;
    if synthesized {
        // the synthesized manifest is not a real document: do not expose it
        img.manifest = None;
    }
    for (l, d) in img.layers.iter_mut().zip(&layer_descs) {
        l.media_type.clone_from(&d.media_type);
        l.size = d.size;
    }
    img.repo_tags = entry.repo_tags.clone().unwrap_or_default();
    img.reference = selector
        .and_then(|s| Reference::parse(s).ok())
        .or_else(|| img.repo_tags.first().and_then(|t| Reference::parse(t).ok()));
    Ok(img)
}

fn find_oci_manifest_for_config(
    store: &dyn FileStore,
    config: &Digest,
) -> Option<(Digest, ImageManifest)> {
    let bytes = store.read_document("index.json").ok()??;
    let idx: ImageIndex = serde_json::from_slice(&bytes).ok()?;
    let mut queue: Vec<Descriptor> = idx.manifests;
    let mut steps = 0;
    while let Some(d) = queue.pop() {
        steps += 1;
        if steps > 64 {
            break;
        }
        let path = format!("blobs/{}/{}", d.digest.algorithm(), d.digest.hex());
        let Ok(Some(doc)) = store.read_document(&path) else {
            continue;
        };
        if d.digest.verify(&doc).is_err() {
            continue;
        }
        match ManifestDocument::parse(&doc, Some(&d.media_type), "index.json entry") {
            Ok(ManifestDocument::Manifest(m)) if &m.config.digest == config => {
                return Some((d.digest, m));
            }
            Ok(ManifestDocument::Index(i)) => queue.extend(i.manifests),
            _ => {}
        }
    }
    None
}

/// Reads an OCI image layout held in `store` (a directory or an OCI archive).
///
/// `selector` matches an `index.json` entry by `org.opencontainers.image.ref.name` (a tag or a
/// full name) or `io.containerd.image.name`; `None` is fine when there is one entry or all
/// entries are platform variants of one image. Nested indexes are followed and the platform is
/// chosen with `platform` (default: host, else the only image).
pub fn open_oci_layout(
    store: Arc<dyn FileStore>,
    selector: Option<&str>,
    platform: Option<&Platform>,
    kind: SourceKind,
) -> Result<Image> {
    let name = store.name().to_string();
    let bytes = store
        .read_document("index.json")?
        .ok_or_else(|| OciError::NotAnImage {
            path: name.clone(),
            reason: "no index.json (not an OCI image layout)".into(),
        })?;
    if let Some(layout) = store.read_document("oci-layout")? {
        let v: serde_json::Value = serde_json::from_slice(&layout)
            .map_err(|e| OciError::json(format!("{name}: oci-layout"), e))?;
        if let Some(ver) = v.get("imageLayoutVersion").and_then(|x| x.as_str())
            && !ver.starts_with("1.")
        {
            return Err(OciError::invalid(
                format!("{name}: oci-layout"),
                format!("unsupported imageLayoutVersion {ver}"),
            ));
        }
    }
    let index: ImageIndex = serde_json::from_slice(&bytes)
        .map_err(|e| OciError::json(format!("{name}: index.json"), e))?;
    let ref_names = |d: &Descriptor| -> Vec<String> {
        [ANNOTATION_REF_NAME, ANNOTATION_IMAGE_NAME]
            .iter()
            .filter_map(|k| d.annotations.get(*k).cloned())
            .collect()
    };
    let listing = || {
        index
            .manifests
            .iter()
            .map(|d| {
                let n = ref_names(d);
                if n.is_empty() {
                    d.digest.to_string()
                } else {
                    n.join(" / ")
                }
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let blobs: Arc<dyn BlobSource> = Arc::new(StoreBlobs {
        store,
        paths: HashMap::new(),
    });
    let fetch = |d: &Descriptor| {
        read_blob_verified(
            &*blobs,
            d,
            &format!("{name}: manifest {}", d.digest),
            MAX_DOCUMENT_BYTES,
        )
    };
    let (doc, doc_digest) = match selector {
        Some(sel) => {
            let sel_tag = Reference::parse(sel)
                .ok()
                .and_then(|r| r.tag().map(str::to_string));
            let found = index
                .manifests
                .iter()
                .find(|d| ref_names(d).iter().any(|n| n == sel || tag_matches(n, sel)))
                .or_else(|| {
                    index.manifests.iter().find(|d| {
                        d.annotations
                            .get(ANNOTATION_REF_NAME)
                            .is_some_and(|n| Some(n) == sel_tag.as_ref())
                    })
                })
                .or_else(|| index.manifests.iter().find(|d| d.digest.to_string() == sel))
                .ok_or_else(|| OciError::ImageNotFound {
                    source_name: name.clone(),
                    wanted: sel.to_string(),
                    available: listing(),
                })?;
            let b = fetch(found)?;
            (
                ManifestDocument::parse(
                    &b,
                    Some(&found.media_type),
                    &format!("{name}: manifest {}", found.digest),
                )?,
                Some(found.digest.clone()),
            )
        }
        None => match index.manifests.as_slice() {
            [] => {
                return Err(OciError::invalid(
                    format!("{name}: index.json"),
                    "lists no manifests",
                ));
            }
            [one] => {
                let b = fetch(one)?;
                (
                    ManifestDocument::parse(
                        &b,
                        Some(&one.media_type),
                        &format!("{name}: manifest {}", one.digest),
                    )?,
                    Some(one.digest.clone()),
                )
            }
            many if many.iter().all(|d| d.platform.is_some()) => {
                (ManifestDocument::Index(index.clone()), None)
            }
            many => {
                return Err(OciError::AmbiguousImage {
                    source_name: name.clone(),
                    count: many.len(),
                    available: listing(),
                });
            }
        },
    };
    let (manifest, manifest_digest) = resolve_manifest(doc, doc_digest, platform, &name, &fetch)?;
    let raw_config = read_blob_verified(
        &*blobs,
        &manifest.config,
        &format!("{name}: config {}", manifest.config.digest),
        MAX_DOCUMENT_BYTES,
    )?;
    let display = selector.map_or_else(|| name.clone(), |s| format!("{name} ({s})"));
    let tags: Vec<String> = index.manifests.iter().flat_map(ref_names).collect();
    let mut img = Image::assemble(display, kind, manifest_digest, manifest, raw_config, blobs)?;
    img.repo_tags = tags;
    img.reference = selector.and_then(|s| Reference::parse(s).ok());
    Ok(img)
}
