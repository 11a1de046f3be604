//! A [`SignatureStore`] backed by an OCI registry (through `bulwark-oci`'s client), storing
//! signatures the way cosign does: an OCI manifest tagged `sha256-<hex>.sig` in the image's
//! repository, one layer per signature.
//!
//! Registries have no compare-and-swap on tags, so two writers appending to the same `.sig`
//! tag at once can lose one signature (last writer wins). [`RegistryStore::append_signature`]
//! narrows that window: after its `PUT` it waits a short settle time (at least twice its own
//! read-to-write time), reads the tag again and, if its layer is gone, merges and writes
//! again, up to [`AppendPolicy::max_attempts`] times. This is a mitigation, not a lock: a
//! writer that does not check (cosign itself, or an old client) and whose read-to-write
//! window is longer than our settle time can still drop our signature after we checked.

use std::sync::Arc;
use std::time::{Duration, Instant};

use bulwark_oci::{OciError, Reference, RegistryClient};
use rand_core::{OsRng, RngCore};

use crate::digest::Digest;
use crate::manifest::{
    MAX_SIGNATURE_BLOB, OCI_MANIFEST_MEDIA_TYPE, SignatureLayer, SignatureManifest,
};
use crate::referrers::{
    BundleStore, Candidate, EMPTY_CONFIG, FoundBundle, OCI_INDEX_MEDIA_TYPE, PutBundle, Subject,
    append_to_fallback_index, bundle_layer_for, bundle_referrer_manifest, classify, rfc3339_utc,
};
use crate::store::{SignatureStore, StoreError};

/// How hard [`RegistryStore::append_signature`] works to keep its signature when other
/// writers race on the same `.sig` tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AppendPolicy {
    /// Write attempts (read, merge, write, re-read) before giving up (≥ 1). Default 8.
    pub max_attempts: u32,
    /// Least wait between our write and the re-read. Default 200 ms.
    pub min_settle: Duration,
    /// Most wait between our write and the re-read. Default 3 s.
    pub max_settle: Duration,
}

impl Default for AppendPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 8,
            min_settle: Duration::from_millis(200),
            max_settle: Duration::from_secs(3),
        }
    }
}

/// Why a registry signature operation failed beyond the registry client's own errors.
#[derive(Debug, thiserror::Error)]
pub enum RegistryStoreError {
    /// Concurrent writers kept replacing the `.sig` manifest without our signature.
    #[error(
        "{tag}: our signature was overwritten by concurrent writers {attempts} times in a row; it is not stored"
    )]
    LostToConcurrentWriters {
        /// The `.sig` reference.
        tag: String,
        /// Attempts made.
        attempts: u32,
    },
    /// A digest from the signature library could not be handed to the registry client.
    #[error("digest {digest}: {reason}")]
    Digest {
        /// The digest text.
        digest: String,
        /// The problem.
        reason: String,
    },
}

/// Signatures of images in one registry repository.
#[derive(Debug, Clone)]
pub struct RegistryStore {
    client: Arc<RegistryClient>,
    repository: Reference,
    policy: AppendPolicy,
}

impl RegistryStore {
    /// A store for the repository of `repository` (its tag and digest are ignored).
    pub fn new(client: Arc<RegistryClient>, repository: &Reference) -> Self {
        Self {
            client,
            repository: repository.with_tag("latest"),
            policy: AppendPolicy::default(),
        }
    }

    /// Replaces the race-mitigation settings.
    #[must_use]
    pub fn with_append_policy(mut self, policy: AppendPolicy) -> Self {
        self.policy = policy;
        self
    }

    /// The `.sig` reference holding `image`'s signatures (`repo:sha256-<hex>.sig`).
    pub fn signature_reference(&self, image: &Digest) -> Reference {
        self.repository.with_tag(&image.signature_tag())
    }

    fn backend(e: impl std::error::Error + Send + Sync + 'static) -> StoreError {
        StoreError::Backend(Box::new(e))
    }

    fn oci_digest(d: &Digest) -> Result<bulwark_oci::Digest, StoreError> {
        bulwark_oci::Digest::parse(&d.to_string()).map_err(|e| {
            Self::backend(RegistryStoreError::Digest {
                digest: d.to_string(),
                reason: e.to_string(),
            })
        })
    }

    fn settle(&self, read_to_write: Duration) {
        let base = (read_to_write * 2).clamp(self.policy.min_settle, self.policy.max_settle);
        // up to 50 % jitter so retrying writers do not stay in lock step
        let jitter_ms = u64::from(OsRng.next_u32()) % (base.as_millis() as u64 / 2 + 1);
        std::thread::sleep(base + Duration::from_millis(jitter_ms));
    }
}

fn contains(sigs: &SignatureManifest, layer: &SignatureLayer) -> bool {
    let mut probe = sigs.clone();
    !probe.append(layer.clone())
}

impl SignatureStore for RegistryStore {
    fn get_signatures(&self, image: &Digest) -> Result<Option<SignatureManifest>, StoreError> {
        let sig_ref = self.signature_reference(image);
        let manifest = match self.client.get_manifest(&sig_ref) {
            Ok(m) => m,
            Err(OciError::ManifestNotFound { .. }) => return Ok(None),
            Err(e) => return Err(Self::backend(e)),
        };
        SignatureManifest::from_manifest(&manifest.bytes, |desc| {
            let digest = Self::oci_digest(&desc.digest)?;
            self.client
                .get_blob_bytes(&sig_ref, &digest, MAX_SIGNATURE_BLOB)
                .map_err(Self::backend)
        })
        .map(Some)
    }

    fn put_signatures(
        &self,
        image: &Digest,
        signatures: &SignatureManifest,
    ) -> Result<(), StoreError> {
        let sig_ref = self.signature_reference(image);
        for (_, blob) in signatures.blobs() {
            self.client
                .put_blob(&sig_ref, &blob)
                .map_err(Self::backend)?;
        }
        self.client
            .put_manifest(
                &sig_ref,
                OCI_MANIFEST_MEDIA_TYPE,
                &signatures.manifest_json(),
            )
            .map_err(Self::backend)?;
        Ok(())
    }

    fn append_signature(&self, image: &Digest, layer: SignatureLayer) -> Result<bool, StoreError> {
        let attempts = self.policy.max_attempts.max(1);
        for attempt in 1..=attempts {
            let started = Instant::now();
            let mut sigs = self.get_signatures(image)?.unwrap_or_default();
            if !sigs.append(layer.clone()) {
                // Present already: before our first write it was a duplicate; after a
                // lost write another writer merged it in for us.
                return Ok(attempt > 1);
            }
            self.put_signatures(image, &sigs)?;
            self.settle(started.elapsed());
            let now = self.get_signatures(image)?.unwrap_or_default();
            if contains(&now, &layer) {
                return Ok(true);
            }
        }
        Err(Self::backend(RegistryStoreError::LostToConcurrentWriters {
            tag: self.signature_reference(image).to_string(),
            attempts,
        }))
    }
}

impl RegistryStore {
    fn by_digest(&self, digest: &Digest) -> Result<Reference, StoreError> {
        let d = Self::oci_digest(digest)?;
        Reference::from_parts(
            self.repository.registry(),
            self.repository.repository(),
            None,
            Some(&d),
        )
        .map_err(Self::backend)
    }

    /// The tag-schema index of `image`, `None` when the tag does not exist.
    fn get_fallback_index(&self, image: &Digest) -> Result<Option<Vec<u8>>, StoreError> {
        match self
            .client
            .get_manifest(&self.repository.with_tag(&image.referrers_tag()))
        {
            Ok(m) => Ok(Some(m.bytes)),
            Err(OciError::ManifestNotFound { .. }) => Ok(None),
            Err(e) => Err(Self::backend(e)),
        }
    }

    fn fallback_lists(&self, image: &Digest, referrer: &Digest) -> Result<bool, StoreError> {
        let Some(bytes) = self.get_fallback_index(image)? else {
            return Ok(false);
        };
        let index: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or_default();
        let wanted = referrer.to_string();
        Ok(index
            .get("manifests")
            .and_then(serde_json::Value::as_array)
            .is_some_and(|m| {
                m.iter().any(|e| {
                    e.get("digest").and_then(serde_json::Value::as_str) == Some(wanted.as_str())
                })
            }))
    }
}

impl BundleStore for RegistryStore {
    fn get_bundles(&self, image: &Digest) -> Result<Vec<FoundBundle>, StoreError> {
        let index = self
            .client
            .referrers(&self.repository, &Self::oci_digest(image)?, None)
            .map_err(Self::backend)?;
        let mut found = Vec::new();
        for desc in &index.manifests {
            if classify(desc.artifact_type.as_deref()) == Candidate::Other {
                continue;
            }
            let Ok(referrer) = desc.digest.to_string().parse::<Digest>() else {
                continue;
            };
            let manifest = match self.client.get_manifest(&self.by_digest(&referrer)?) {
                Ok(m) => m.bytes,
                Err(e) => {
                    found.push(FoundBundle {
                        referrer,
                        bundle: Err(e.to_string()),
                    });
                    continue;
                }
            };
            let layer = match bundle_layer_for(image, &referrer, &manifest) {
                Ok(Some(layer)) => layer,
                Ok(None) => continue,
                Err(why) => {
                    found.push(FoundBundle {
                        referrer,
                        bundle: Err(why),
                    });
                    continue;
                }
            };
            let bundle = Self::oci_digest(&layer.digest)
                .map_err(|e| e.to_string())
                .and_then(|d| {
                    self.client
                        .get_blob_bytes(&self.repository, &d, MAX_SIGNATURE_BLOB)
                        .map_err(|e| e.to_string())
                })
                .and_then(|bytes| {
                    layer
                        .check_blob(&bytes)
                        .map(|()| bytes)
                        .map_err(|e| e.to_string())
                });
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
        let image_ref = self.by_digest(image)?;
        let fetched = self
            .client
            .get_manifest(&image_ref)
            .map_err(Self::backend)?;
        let subject = Subject {
            media_type: fetched.media_type,
            size: fetched.bytes.len() as u64,
            digest: image.clone(),
        };
        let created = rfc3339_utc(std::time::SystemTime::now());
        let referrer = bundle_referrer_manifest(
            &subject,
            bundle_json,
            content_kind,
            predicate_type,
            &created,
        );
        for blob in [EMPTY_CONFIG, bundle_json] {
            self.client
                .put_blob(&self.repository, blob)
                .map_err(Self::backend)?;
        }
        self.client
            .put_manifest(
                &self.by_digest(&referrer.digest)?,
                OCI_MANIFEST_MEDIA_TYPE,
                &referrer.bytes,
            )
            .map_err(Self::backend)?;
        // As go-containerregistry: a registry answering the referrers API indexes the
        // manifest itself; otherwise maintain the `sha256-<hex>` tag.
        if self
            .client
            .referrers_api(&self.repository, &Self::oci_digest(image)?, None)
            .map_err(Self::backend)?
            .is_some()
        {
            return Ok(PutBundle {
                referrer: referrer.digest,
                via: "referrers API".into(),
            });
        }
        let tag = image.referrers_tag();
        let entry = referrer.index_entry();
        let attempts = self.policy.max_attempts.max(1);
        for _ in 0..attempts {
            let started = Instant::now();
            let existing = self.get_fallback_index(image)?;
            let Some(updated) = append_to_fallback_index(&tag, existing.as_deref(), &entry)
                .map_err(Self::backend)?
            else {
                break;
            };
            self.client
                .put_manifest(
                    &self.repository.with_tag(&tag),
                    OCI_INDEX_MEDIA_TYPE,
                    &updated,
                )
                .map_err(Self::backend)?;
            self.settle(started.elapsed());
            if self.fallback_lists(image, &referrer.digest)? {
                return Ok(PutBundle {
                    referrer: referrer.digest,
                    via: format!("tag {tag}"),
                });
            }
        }
        if self.fallback_lists(image, &referrer.digest)? {
            return Ok(PutBundle {
                referrer: referrer.digest,
                via: format!("tag {tag}"),
            });
        }
        Err(Self::backend(RegistryStoreError::LostToConcurrentWriters {
            tag: self.repository.with_tag(&tag).to_string(),
            attempts,
        }))
    }
}
