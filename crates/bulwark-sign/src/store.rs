//! Where signature manifests live: the [`SignatureStore`] seam, and its implementation
//! for an OCI image layout directory (`oci-layout`, `index.json`, `blobs/sha256/`).
//!
//! Registries implement the same trait in `bulwark-oci`; everything above (sign,
//! verify) only talks to the trait.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use serde_json::{Map, Value};

use crate::digest::Digest;
use crate::manifest::{
    Descriptor, MAX_SIGNATURE_BLOB, ManifestError, OCI_MANIFEST_MEDIA_TYPE, SignatureLayer,
    SignatureManifest,
};
use crate::referrers::{
    BundleStore, Candidate, EMPTY_CONFIG, FoundBundle, OCI_INDEX_MEDIA_TYPE, PutBundle, Subject,
    append_to_fallback_index, bundle_layer_for, bundle_referrer_manifest, classify, rfc3339_utc,
};

/// The index annotation naming a manifest's tag in an OCI layout.
pub const REF_NAME_ANNOTATION: &str = "org.opencontainers.image.ref.name";
/// The index annotation `cosign save` uses to mark each manifest's role.
pub const COSIGN_KIND_ANNOTATION: &str = "kind";
/// `cosign save`'s role value for the signed image.
pub const COSIGN_KIND_IMAGE: &str = "dev.cosignproject.cosign/image";
/// `cosign save`'s role value for the signature manifest.
pub const COSIGN_KIND_SIGS: &str = "dev.cosignproject.cosign/sigs";
/// The lock file serialising writers of one layout (advisory `flock`).
pub const LAYOUT_LOCK_FILE: &str = "index.json.lock";

const INDEX_MEDIA_TYPE: &str = "application/vnd.oci.image.index.v1+json";

pub use crate::store_error::StoreError;

/// Storage for the cosign signature manifest of image digests.
pub trait SignatureStore {
    /// The signatures attached to `image`, or `None` when it has none.
    fn get_signatures(&self, image: &Digest) -> Result<Option<SignatureManifest>, StoreError>;

    /// Writes `signatures` as the signature manifest of `image`, replacing any previous
    /// one (blobs first, then the manifest, then the tag).
    fn put_signatures(
        &self,
        image: &Digest,
        signatures: &SignatureManifest,
    ) -> Result<(), StoreError>;

    /// Adds one signature to `image`'s manifest unless it is already there; returns
    /// whether anything changed. Implementations should make the read-modify-write
    /// atomic against concurrent writers; this default is not.
    fn append_signature(&self, image: &Digest, layer: SignatureLayer) -> Result<bool, StoreError> {
        let mut sigs = self.get_signatures(image)?.unwrap_or_default();
        if !sigs.append(layer) {
            return Ok(false);
        }
        self.put_signatures(image, &sigs)?;
        Ok(true)
    }
}

/// A signature store in an OCI image layout directory. Signature manifests are tagged
/// `sha256-<hex>.sig` through `org.opencontainers.image.ref.name`, mirroring cosign's
/// registry tags; layouts written by `cosign save` (roles in a `kind` annotation) are
/// read as well. Writers take an exclusive `flock` on [`LAYOUT_LOCK_FILE`], readers a
/// shared one, and every file is replaced by rename, so concurrent processes never see
/// a half-written index or lose each other's signatures.
#[derive(Debug, Clone)]
pub struct OciLayoutStore {
    root: PathBuf,
}

impl OciLayoutStore {
    /// Opens an existing layout (the directory must hold an `oci-layout` file).
    pub fn open(root: impl Into<PathBuf>) -> Result<Self, StoreError> {
        let root = root.into();
        let marker = root.join("oci-layout");
        let text = fs::read_to_string(&marker).map_err(|e| StoreError::NotALayout {
            path: root.clone(),
            reason: format!("cannot read oci-layout: {e}"),
        })?;
        let v: Value = serde_json::from_str(&text).map_err(|e| StoreError::NotALayout {
            path: root.clone(),
            reason: format!("oci-layout is not JSON: {e}"),
        })?;
        if v.get("imageLayoutVersion")
            .and_then(Value::as_str)
            .is_none()
        {
            return Err(StoreError::NotALayout {
                path: root,
                reason: "oci-layout has no imageLayoutVersion".into(),
            });
        }
        Ok(Self { root })
    }

    /// Opens the layout at `root`, creating an empty one (directories, `oci-layout`,
    /// empty `index.json`) if the directory does not hold one yet.
    pub fn open_or_create(root: impl Into<PathBuf>) -> Result<Self, StoreError> {
        let root = root.into();
        let blobs = root.join("blobs").join("sha256");
        fs::create_dir_all(&blobs).map_err(|e| io_err(&blobs, e))?;
        let store = Self { root };
        let _lock = store.lock(true)?;
        let marker = store.root.join("oci-layout");
        if !marker.exists() {
            write_atomic(&marker, br#"{"imageLayoutVersion":"1.0.0"}"#)?;
        }
        let index = store.index_path();
        if !index.exists() {
            let empty = serde_json::json!({"schemaVersion": 2, "mediaType": INDEX_MEDIA_TYPE, "manifests": []});
            write_atomic(&index, &json_bytes(&empty))?;
        }
        Self::open(store.root.clone())
    }

    /// The layout directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    fn index_path(&self) -> PathBuf {
        self.root.join("index.json")
    }

    fn blob_path(&self, digest: &Digest) -> PathBuf {
        // Digest guarantees 64 hex digits, so this cannot escape the layout.
        self.root.join("blobs").join("sha256").join(digest.hex())
    }

    /// Takes the layout lock: exclusive for writers, shared for readers. A reader of a
    /// layout it cannot write (read-only mount, other owner) proceeds without the lock:
    /// nobody can be writing through us there, and renames keep each file consistent.
    fn lock(&self, exclusive: bool) -> Result<Option<File>, StoreError> {
        let path = self.root.join(LAYOUT_LOCK_FILE);
        let opened = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path);
        let file = match opened {
            Ok(file) => file,
            Err(_) if !exclusive => match File::open(&path) {
                Ok(file) => file,
                Err(_) => return Ok(None),
            },
            Err(e) => return Err(io_err(&path, e)),
        };
        let locked = if exclusive {
            file.lock()
        } else {
            file.lock_shared()
        };
        locked.map_err(|e| io_err(&path, e))?;
        Ok(Some(file))
    }

    fn read_index(&self) -> Result<Map<String, Value>, StoreError> {
        let path = self.index_path();
        let bytes = fs::read(&path).map_err(|e| io_err(&path, e))?;
        let value: Value = serde_json::from_slice(&bytes).map_err(|e| StoreError::Index {
            path: path.clone(),
            detail: e.to_string(),
        })?;
        let Value::Object(map) = value else {
            return Err(StoreError::Index {
                path,
                detail: "top level is not an object".into(),
            });
        };
        match map.get("manifests") {
            None | Some(Value::Array(_)) => Ok(map),
            Some(_) => Err(StoreError::Index {
                path,
                detail: "manifests is not an array".into(),
            }),
        }
    }

    /// Reads a blob, refusing ones larger than `limit` before reading them.
    pub fn read_blob(&self, digest: &Digest, limit: u64) -> Result<Vec<u8>, StoreError> {
        let path = self.blob_path(digest);
        let file = File::open(&path).map_err(|e| {
            if e.kind() == io::ErrorKind::NotFound {
                StoreError::MissingBlob {
                    digest: digest.to_string(),
                    path: path.clone(),
                }
            } else {
                io_err(&path, e)
            }
        })?;
        let len = file.metadata().map_err(|e| io_err(&path, e))?.len();
        if len > limit {
            return Err(ManifestError::TooLarge {
                digest: digest.to_string(),
                size: len,
                max: limit,
            }
            .into());
        }
        let mut bytes = Vec::new();
        file.take(limit.saturating_add(1))
            .read_to_end(&mut bytes)
            .map_err(|e| io_err(&path, e))?;
        Ok(bytes)
    }

    /// Writes a blob under its digest unless it is already present.
    pub fn write_blob(&self, bytes: &[u8]) -> Result<Digest, StoreError> {
        let digest = Digest::of(bytes);
        let path = self.blob_path(&digest);
        if !path.exists() {
            write_atomic(&path, bytes)?;
        }
        Ok(digest)
    }

    fn find_signature_manifest(index: &Map<String, Value>, image: &Digest) -> Option<Descriptor> {
        let entries: Vec<&Value> = index
            .get("manifests")
            .and_then(Value::as_array)
            .map(|a| a.iter().collect())
            .unwrap_or_default();
        let annotation = |e: &Value, key: &str| -> Option<String> {
            e.get("annotations")?.get(key)?.as_str().map(str::to_owned)
        };
        let tag = image.signature_tag();
        let by_tag = entries
            .iter()
            .rev()
            .find(|e| annotation(e, REF_NAME_ANNOTATION).as_deref() == Some(tag.as_str()));
        let by_cosign_save = || {
            let image_text = image.to_string();
            let has_image = entries.iter().any(|e| {
                annotation(e, COSIGN_KIND_ANNOTATION).as_deref() == Some(COSIGN_KIND_IMAGE)
                    && e.get("digest").and_then(Value::as_str) == Some(image_text.as_str())
            });
            if has_image {
                entries.iter().find(|e| {
                    annotation(e, COSIGN_KIND_ANNOTATION).as_deref() == Some(COSIGN_KIND_SIGS)
                })
            } else {
                None
            }
        };
        let entry = by_tag.or_else(by_cosign_save)?;
        let digest = entry.get("digest")?.as_str()?.parse().ok()?;
        Some(Descriptor {
            media_type: entry
                .get("mediaType")
                .and_then(Value::as_str)
                .unwrap_or(OCI_MANIFEST_MEDIA_TYPE)
                .to_owned(),
            size: entry.get("size").and_then(Value::as_u64).unwrap_or(0),
            digest,
            annotations: std::collections::BTreeMap::new(),
        })
    }

    fn get_unlocked(&self, image: &Digest) -> Result<Option<SignatureManifest>, StoreError> {
        let index = self.read_index()?;
        let Some(desc) = Self::find_signature_manifest(&index, image) else {
            return Ok(None);
        };
        let manifest = self.read_blob(&desc.digest, MAX_SIGNATURE_BLOB)?;
        desc.check_blob(&manifest)?;
        SignatureManifest::from_manifest(&manifest, |d: &Descriptor| {
            self.read_blob(&d.digest, MAX_SIGNATURE_BLOB)
        })
        .map(Some)
    }

    fn put_unlocked(
        &self,
        image: &Digest,
        signatures: &SignatureManifest,
    ) -> Result<(), StoreError> {
        for (_, blob) in signatures.blobs() {
            self.write_blob(&blob)?;
        }
        let manifest = signatures.manifest_json();
        let digest = self.write_blob(&manifest)?;
        let tag = image.signature_tag();

        let index = self.read_index()?;
        self.write_tagged(
            index,
            &tag,
            OCI_MANIFEST_MEDIA_TYPE,
            &digest,
            manifest.len(),
        )
    }

    /// Points `tag` in index.json at `digest` (replacing what the tag named before) and
    /// writes the index atomically.
    fn write_tagged(
        &self,
        mut index: Map<String, Value>,
        tag: &str,
        media_type: &str,
        digest: &Digest,
        size: usize,
    ) -> Result<(), StoreError> {
        let mut manifests = match index.remove("manifests") {
            Some(Value::Array(a)) => a,
            _ => Vec::new(),
        };
        manifests.retain(|e| {
            e.get("annotations")
                .and_then(|a| a.get(REF_NAME_ANNOTATION))
                .and_then(Value::as_str)
                != Some(tag)
        });
        let mut annotations = Map::new();
        annotations.insert(REF_NAME_ANNOTATION.into(), tag.into());
        let mut entry = Map::new();
        entry.insert("mediaType".into(), media_type.into());
        entry.insert("digest".into(), digest.to_string().into());
        entry.insert("size".into(), (size as u64).into());
        entry.insert("annotations".into(), Value::Object(annotations));
        manifests.push(Value::Object(entry));
        if !index.contains_key("schemaVersion") {
            index.insert("schemaVersion".into(), 2.into());
        }
        index.insert("manifests".into(), Value::Array(manifests));
        write_atomic(&self.index_path(), &json_bytes(&Value::Object(index)))
    }
}

impl SignatureStore for OciLayoutStore {
    fn get_signatures(&self, image: &Digest) -> Result<Option<SignatureManifest>, StoreError> {
        let _lock = self.lock(false)?;
        self.get_unlocked(image)
    }

    fn put_signatures(
        &self,
        image: &Digest,
        signatures: &SignatureManifest,
    ) -> Result<(), StoreError> {
        let _lock = self.lock(true)?;
        self.put_unlocked(image, signatures)
    }

    fn append_signature(&self, image: &Digest, layer: SignatureLayer) -> Result<bool, StoreError> {
        let _lock = self.lock(true)?;
        let mut sigs = self.get_unlocked(image)?.unwrap_or_default();
        if !sigs.append(layer) {
            return Ok(false);
        }
        self.put_unlocked(image, &sigs)?;
        Ok(true)
    }
}

fn io_err(path: &Path, source: io::Error) -> StoreError {
    StoreError::Io {
        path: path.to_path_buf(),
        source,
    }
}

fn json_bytes(value: &Value) -> Vec<u8> {
    // Serialising a serde_json::Value to a Vec cannot fail.
    serde_json::to_vec(value).unwrap_or_default()
}

/// Writes `bytes` to a unique temporary file beside `path`, syncs it and renames it
/// over `path`, so readers see the old or the new content, never a mix.
fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let dir = path.parent().unwrap_or_else(|| Path::new("."));
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let tmp = dir.join(format!(
        ".{name}.tmp-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let result = (|| {
        let mut f = File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        fs::rename(&tmp, path)
    })();
    if let Err(e) = result {
        let _ = fs::remove_file(&tmp);
        return Err(io_err(path, e));
    }
    Ok(())
}

impl OciLayoutStore {
    /// The `(mediaType, size)` of manifest `digest`: from its index.json entry, else
    /// from the blob itself.
    fn manifest_subject(
        &self,
        index: &Map<String, Value>,
        digest: &Digest,
    ) -> Result<Subject, StoreError> {
        let text = digest.to_string();
        let entry = index
            .get("manifests")
            .and_then(Value::as_array)
            .and_then(|a| {
                a.iter()
                    .find(|e| e.get("digest").and_then(Value::as_str) == Some(text.as_str()))
            });
        let from_entry = entry.and_then(|e| {
            Some((
                e.get("mediaType")?.as_str()?.to_owned(),
                e.get("size")?.as_u64()?,
            ))
        });
        let (media_type, size) = if let Some(found) = from_entry {
            found
        } else {
            let bytes = self.read_blob(digest, MAX_SIGNATURE_BLOB)?;
            let media_type = serde_json::from_slice::<Value>(&bytes)
                .ok()
                .and_then(|v| v.get("mediaType")?.as_str().map(str::to_owned))
                .unwrap_or_else(|| OCI_MANIFEST_MEDIA_TYPE.to_owned());
            (media_type, bytes.len() as u64)
        };
        Ok(Subject {
            media_type,
            size,
            digest: digest.clone(),
        })
    }

    /// The index.json entry carrying `tag` in `org.opencontainers.image.ref.name`.
    fn tagged_entry<'a>(index: &'a Map<String, Value>, tag: &str) -> Option<&'a Value> {
        index
            .get("manifests")
            .and_then(Value::as_array)?
            .iter()
            .rev()
            .find(|e| {
                e.get("annotations")
                    .and_then(|a| a.get(REF_NAME_ANNOTATION))
                    .and_then(Value::as_str)
                    == Some(tag)
            })
    }

    fn entry_digest(entry: &Value) -> Option<Digest> {
        entry.get("digest")?.as_str()?.parse().ok()
    }

    /// Referrer descriptors of `image`: the `sha256-<hex>` index's entries, then
    /// index.json entries with a bundle `artifactType` (their subject is checked later).
    fn referrer_candidates(
        &self,
        index: &Map<String, Value>,
        image: &Digest,
    ) -> Result<Vec<Digest>, StoreError> {
        let mut out: Vec<Digest> = Vec::new();
        let mut push = |d: Digest| {
            if !out.contains(&d) {
                out.push(d);
            }
        };
        if let Some(entry) = Self::tagged_entry(index, &image.referrers_tag())
            && let Some(d) = Self::entry_digest(entry)
        {
            let bytes = self.read_blob(&d, MAX_SIGNATURE_BLOB)?;
            let fallback: Value =
                serde_json::from_slice(&bytes).map_err(|e| StoreError::Index {
                    path: self.blob_path(&d),
                    detail: format!("referrers index {}: {e}", image.referrers_tag()),
                })?;
            for m in fallback
                .get("manifests")
                .and_then(Value::as_array)
                .map(Vec::as_slice)
                .unwrap_or_default()
            {
                let at = m.get("artifactType").and_then(Value::as_str);
                if classify(at) != Candidate::Other
                    && let Some(d) = Self::entry_digest(m)
                {
                    push(d);
                }
            }
        }
        for e in index
            .get("manifests")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default()
        {
            let at = e.get("artifactType").and_then(Value::as_str);
            if classify(at) == Candidate::Bundle
                && let Some(d) = Self::entry_digest(e)
            {
                push(d);
            }
        }
        Ok(out)
    }
}

impl BundleStore for OciLayoutStore {
    fn get_bundles(&self, image: &Digest) -> Result<Vec<FoundBundle>, StoreError> {
        let _lock = self.lock(false)?;
        let index = self.read_index()?;
        let mut found = Vec::new();
        for referrer in self.referrer_candidates(&index, image)? {
            let manifest = match self.read_blob(&referrer, MAX_SIGNATURE_BLOB) {
                Ok(m) => m,
                Err(e) => {
                    found.push(FoundBundle {
                        referrer,
                        bundle: Err(e.to_string()),
                    });
                    continue;
                }
            };
            if Digest::of(&manifest) != referrer {
                found.push(FoundBundle {
                    referrer,
                    bundle: Err("the manifest blob does not hash to its digest".into()),
                });
                continue;
            }
            let bundle = match bundle_layer_for(image, &referrer, &manifest) {
                Ok(None) => continue,
                Err(why) => Err(why),
                Ok(Some(layer)) => self
                    .read_blob(&layer.digest, MAX_SIGNATURE_BLOB)
                    .map_err(|e| e.to_string())
                    .and_then(|b| layer.check_blob(&b).map(|()| b).map_err(|e| e.to_string())),
            };
            found.push(FoundBundle { referrer, bundle });
        }
        Ok(found)
    }

    fn put_bundle(
        &self,
        image: &Digest,
        bundle_json: &[u8],
        content_kind: &str,
        predicate_type: Option<&str>,
    ) -> Result<PutBundle, StoreError> {
        let _lock = self.lock(true)?;
        let index = self.read_index()?;
        let subject = self.manifest_subject(&index, image)?;
        let created = rfc3339_utc(std::time::SystemTime::now());
        let referrer = bundle_referrer_manifest(
            &subject,
            bundle_json,
            content_kind,
            predicate_type,
            &created,
        );
        self.write_blob(EMPTY_CONFIG)?;
        self.write_blob(bundle_json)?;
        self.write_blob(&referrer.bytes)?;

        let tag = image.referrers_tag();
        let existing = match Self::tagged_entry(&index, &tag).and_then(Self::entry_digest) {
            Some(d) => Some(self.read_blob(&d, MAX_SIGNATURE_BLOB)?),
            None => None,
        };
        let via = PutBundle {
            referrer: referrer.digest.clone(),
            via: format!("tag {tag}"),
        };
        let Some(updated) =
            append_to_fallback_index(&tag, existing.as_deref(), &referrer.index_entry()).map_err(
                |e| StoreError::Index {
                    path: self.index_path(),
                    detail: e.to_string(),
                },
            )?
        else {
            return Ok(via);
        };
        let digest = self.write_blob(&updated)?;
        self.write_tagged(index, &tag, OCI_INDEX_MEDIA_TYPE, &digest, updated.len())?;
        Ok(via)
    }
}
