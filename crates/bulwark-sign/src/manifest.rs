//! The cosign signature "image": an OCI image manifest tagged `sha256-<hex>.sig` in the
//! signed image's repository, with one layer per signature.
//!
//! Each layer's blob is a simple-signing payload (media type
//! `application/vnd.dev.cosign.simplesigning.v1+json`) and its annotations carry the
//! base64 signature (`dev.cosignproject.cosign/signature`) and, when the signature was
//! logged, the Rekor bundle (`dev.sigstore.cosign/bundle`). The config blob is the one
//! go-containerregistry produces for cosign: zero timestamps, one `history` entry and one
//! `diff_ids` entry per layer.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::{Map, Value};

use crate::digest::Digest;
use crate::gojson;

/// Media type of a simple-signing payload layer.
pub const SIMPLE_SIGNING_MEDIA_TYPE: &str = "application/vnd.dev.cosign.simplesigning.v1+json";
/// Layer annotation holding the base64 DER signature.
pub const SIGNATURE_ANNOTATION: &str = "dev.cosignproject.cosign/signature";
/// Layer annotation holding the Rekor bundle (SignedEntryTimestamp + entry) as JSON.
pub const BUNDLE_ANNOTATION: &str = "dev.sigstore.cosign/bundle";
/// Media type cosign gives the signature manifest.
pub const OCI_MANIFEST_MEDIA_TYPE: &str = "application/vnd.oci.image.manifest.v1+json";
/// Docker schema 2 manifest media type, accepted when reading (older registries).
pub const DOCKER_MANIFEST_MEDIA_TYPE: &str = "application/vnd.docker.distribution.manifest.v2+json";
/// Media type cosign gives the config blob.
pub const OCI_CONFIG_MEDIA_TYPE: &str = "application/vnd.oci.image.config.v1+json";
/// Largest signature payload or config blob we will read (cosign payloads are < 1 KiB).
pub const MAX_SIGNATURE_BLOB: u64 = 4 * 1024 * 1024;

/// Why a signature manifest was refused.
#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    /// The manifest bytes are not the OCI manifest JSON shape.
    #[error("signature manifest: not a valid OCI image manifest: {0}")]
    Json(String),
    /// `schemaVersion` is not 2.
    #[error("signature manifest: schemaVersion {0} (expected 2)")]
    SchemaVersion(u64),
    /// `mediaType` is neither the OCI nor the Docker v2 manifest type.
    #[error("signature manifest: unexpected mediaType {0:?}")]
    MediaType(String),
    /// A descriptor digest is not `sha256:<hex>`.
    #[error("signature manifest: descriptor digest {0:?} is not a sha256:<hex> digest")]
    BadDigest(String),
    /// A blob is larger than [`MAX_SIGNATURE_BLOB`].
    #[error(
        "signature manifest: blob {digest} claims {size} bytes, more than the {max} allowed for signatures"
    )]
    TooLarge {
        /// The blob's digest.
        digest: String,
        /// The claimed size.
        size: u64,
        /// The limit.
        max: u64,
    },
    /// A fetched blob does not hash to its descriptor's digest or size.
    #[error(
        "signature manifest: blob for {digest} has sha256 {actual} and {len} bytes (descriptor says {size} bytes)"
    )]
    BlobMismatch {
        /// The descriptor digest.
        digest: String,
        /// The digest of the bytes received.
        actual: String,
        /// Bytes received.
        len: usize,
        /// Bytes the descriptor claims.
        size: u64,
    },
}

/// An OCI content descriptor (`mediaType`, `size`, `digest`, `annotations`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Descriptor {
    /// The referenced blob's media type.
    pub media_type: String,
    /// The referenced blob's size in bytes.
    pub size: u64,
    /// The referenced blob's digest.
    pub digest: Digest,
    /// Descriptor annotations.
    pub annotations: BTreeMap<String, String>,
}

impl Descriptor {
    /// Checks `bytes` are the blob this descriptor names (digest and size).
    pub fn check_blob(&self, bytes: &[u8]) -> Result<(), ManifestError> {
        let actual = Digest::of(bytes);
        if actual == self.digest && bytes.len() as u64 == self.size {
            Ok(())
        } else {
            Err(ManifestError::BlobMismatch {
                digest: self.digest.to_string(),
                actual: actual.to_string(),
                len: bytes.len(),
                size: self.size,
            })
        }
    }

    fn to_go_json(&self) -> Value {
        let mut m = Map::new();
        m.insert("mediaType".into(), self.media_type.clone().into());
        m.insert("size".into(), self.size.into());
        m.insert("digest".into(), self.digest.to_string().into());
        if !self.annotations.is_empty() {
            m.insert("annotations".into(), string_map(&self.annotations));
        }
        Value::Object(m)
    }
}

/// One signature: a payload blob plus its layer media type and annotations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureLayer {
    /// The layer media type (simple-signing for signatures; anything else is ignored
    /// by verification, as cosign does).
    pub media_type: String,
    /// The layer blob: the exact signed bytes.
    pub payload: Vec<u8>,
    /// The layer annotations (signature, bundle, certificate, ...).
    pub annotations: BTreeMap<String, String>,
}

impl SignatureLayer {
    /// A simple-signing layer with its base64 signature and optional Rekor bundle JSON.
    pub fn simple_signing(
        payload: Vec<u8>,
        signature_b64: String,
        bundle_json: Option<String>,
    ) -> Self {
        let mut annotations = BTreeMap::new();
        annotations.insert(SIGNATURE_ANNOTATION.to_owned(), signature_b64);
        if let Some(bundle) = bundle_json {
            annotations.insert(BUNDLE_ANNOTATION.to_owned(), bundle);
        }
        Self {
            media_type: SIMPLE_SIGNING_MEDIA_TYPE.to_owned(),
            payload,
            annotations,
        }
    }

    /// True when this layer is a simple-signing signature layer.
    pub fn is_simple_signing(&self) -> bool {
        self.media_type == SIMPLE_SIGNING_MEDIA_TYPE
    }

    /// The base64 signature annotation, if present.
    pub fn signature_b64(&self) -> Option<&str> {
        self.annotations
            .get(SIGNATURE_ANNOTATION)
            .map(String::as_str)
    }

    /// The Rekor bundle annotation, if present.
    pub fn bundle_json(&self) -> Option<&str> {
        self.annotations.get(BUNDLE_ANNOTATION).map(String::as_str)
    }

    /// The digest of the payload blob.
    pub fn payload_digest(&self) -> Digest {
        Digest::of(&self.payload)
    }

    /// The layer descriptor as it appears in the manifest.
    pub fn descriptor(&self) -> Descriptor {
        Descriptor {
            media_type: self.media_type.clone(),
            size: self.payload.len() as u64,
            digest: self.payload_digest(),
            annotations: self.annotations.clone(),
        }
    }
}

/// The signatures attached to one image digest: the `.sig` manifest's layers with
/// their blobs, plus manifest-level annotations.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SignatureManifest {
    /// One entry per manifest layer, in manifest order.
    pub layers: Vec<SignatureLayer>,
    /// Manifest-level annotations (kept when rewriting).
    pub annotations: BTreeMap<String, String>,
}

/// The descriptors of a parsed manifest, before any blob is fetched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestDescriptors {
    /// The config descriptor.
    pub config: Descriptor,
    /// The layer descriptors, in order.
    pub layers: Vec<Descriptor>,
    /// Manifest-level annotations.
    pub annotations: BTreeMap<String, String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ManifestJson {
    schema_version: u64,
    #[serde(default)]
    media_type: Option<String>,
    config: DescriptorJson,
    #[serde(default)]
    layers: Vec<DescriptorJson>,
    #[serde(default)]
    annotations: Option<BTreeMap<String, String>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DescriptorJson {
    media_type: String,
    size: u64,
    digest: String,
    #[serde(default)]
    annotations: Option<BTreeMap<String, String>>,
}

impl DescriptorJson {
    fn into_descriptor(self) -> Result<Descriptor, ManifestError> {
        let digest = self
            .digest
            .parse()
            .map_err(|_| ManifestError::BadDigest(self.digest.clone()))?;
        Ok(Descriptor {
            media_type: self.media_type,
            size: self.size,
            digest,
            annotations: self.annotations.unwrap_or_default(),
        })
    }
}

impl SignatureManifest {
    /// An empty signature set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends `layer` unless a layer with the same payload digest and the same
    /// signature is already present (re-signing is then a no-op, as with cosign's
    /// duplicate detection). Returns whether the layer was added.
    pub fn append(&mut self, layer: SignatureLayer) -> bool {
        let digest = layer.payload_digest();
        let duplicate = self.layers.iter().any(|l| {
            l.media_type == layer.media_type
                && l.signature_b64() == layer.signature_b64()
                && l.payload_digest() == digest
        });
        if duplicate {
            return false;
        }
        self.layers.push(layer);
        true
    }

    /// The config blob cosign (go-containerregistry) writes for this manifest.
    pub fn config_json(&self) -> Vec<u8> {
        let history: Vec<Value> = self
            .layers
            .iter()
            .map(|_| {
                let mut h = Map::new();
                h.insert("created".into(), "0001-01-01T00:00:00Z".into());
                Value::Object(h)
            })
            .collect();
        let diff_ids: Vec<Value> = self
            .layers
            .iter()
            .map(|l| Value::String(l.payload_digest().to_string()))
            .collect();
        let mut rootfs = Map::new();
        rootfs.insert("type".into(), "layers".into());
        // Go marshals the nil slice of an image without layers as null.
        rootfs.insert(
            "diff_ids".into(),
            if diff_ids.is_empty() {
                Value::Null
            } else {
                Value::Array(diff_ids)
            },
        );
        let mut config = Map::new();
        config.insert("architecture".into(), "".into());
        config.insert("created".into(), "0001-01-01T00:00:00Z".into());
        if !history.is_empty() {
            config.insert("history".into(), Value::Array(history));
        }
        config.insert("os".into(), "".into());
        config.insert("rootfs".into(), Value::Object(rootfs));
        config.insert("config".into(), Value::Object(Map::new()));
        gojson::to_vec(&Value::Object(config))
    }

    /// The OCI image manifest bytes (Go field order, compact), referencing
    /// [`Self::config_json`] and one layer per signature.
    pub fn manifest_json(&self) -> Vec<u8> {
        let config = self.config_json();
        let config_desc = Descriptor {
            media_type: OCI_CONFIG_MEDIA_TYPE.to_owned(),
            size: config.len() as u64,
            digest: Digest::of(&config),
            annotations: BTreeMap::new(),
        };
        let mut m = Map::new();
        m.insert("schemaVersion".into(), 2.into());
        m.insert("mediaType".into(), OCI_MANIFEST_MEDIA_TYPE.into());
        m.insert("config".into(), config_desc.to_go_json());
        m.insert(
            "layers".into(),
            Value::Array(
                self.layers
                    .iter()
                    .map(|l| l.descriptor().to_go_json())
                    .collect(),
            ),
        );
        if !self.annotations.is_empty() {
            m.insert("annotations".into(), string_map(&self.annotations));
        }
        gojson::to_vec(&Value::Object(m))
    }

    /// Every blob the manifest references (config first, then payloads), without
    /// repeats, for a store to write before the manifest.
    pub fn blobs(&self) -> Vec<(Digest, Vec<u8>)> {
        let config = self.config_json();
        let mut out = vec![(Digest::of(&config), config)];
        for layer in &self.layers {
            let d = layer.payload_digest();
            if !out.iter().any(|(seen, _)| *seen == d) {
                out.push((d, layer.payload.clone()));
            }
        }
        out
    }

    /// Parses manifest bytes into descriptors, enforcing the blob size limit.
    pub fn parse_descriptors(bytes: &[u8]) -> Result<ManifestDescriptors, ManifestError> {
        let raw: ManifestJson =
            serde_json::from_slice(bytes).map_err(|e| ManifestError::Json(e.to_string()))?;
        if raw.schema_version != 2 {
            return Err(ManifestError::SchemaVersion(raw.schema_version));
        }
        if let Some(mt) = raw
            .media_type
            .filter(|mt| mt != OCI_MANIFEST_MEDIA_TYPE && mt != DOCKER_MANIFEST_MEDIA_TYPE)
        {
            return Err(ManifestError::MediaType(mt));
        }
        let config = raw.config.into_descriptor()?;
        let layers = raw
            .layers
            .into_iter()
            .map(DescriptorJson::into_descriptor)
            .collect::<Result<Vec<_>, _>>()?;
        for d in std::iter::once(&config).chain(&layers) {
            if d.size > MAX_SIGNATURE_BLOB {
                return Err(ManifestError::TooLarge {
                    digest: d.digest.to_string(),
                    size: d.size,
                    max: MAX_SIGNATURE_BLOB,
                });
            }
        }
        Ok(ManifestDescriptors {
            config,
            layers,
            annotations: raw.annotations.unwrap_or_default(),
        })
    }

    /// Builds the signature set from manifest bytes, fetching each layer blob with
    /// `fetch` and checking it against its descriptor's digest and size.
    pub fn from_manifest<E>(
        bytes: &[u8],
        mut fetch: impl FnMut(&Descriptor) -> Result<Vec<u8>, E>,
    ) -> Result<Self, E>
    where
        E: From<ManifestError>,
    {
        let parsed = Self::parse_descriptors(bytes)?;
        let mut layers = Vec::with_capacity(parsed.layers.len());
        for desc in parsed.layers {
            let payload = fetch(&desc)?;
            desc.check_blob(&payload)?;
            layers.push(SignatureLayer {
                media_type: desc.media_type,
                payload,
                annotations: desc.annotations,
            });
        }
        Ok(Self {
            layers,
            annotations: parsed.annotations,
        })
    }
}

fn string_map(map: &BTreeMap<String, String>) -> Value {
    // BTreeMap iterates in byte order, which is Go's map key order.
    Value::Object(
        map.iter()
            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layer(p: &str, sig: &str) -> SignatureLayer {
        SignatureLayer::simple_signing(p.as_bytes().to_vec(), sig.to_owned(), None)
    }

    #[test]
    fn config_matches_cosign_layout() {
        let mut m = SignatureManifest::new();
        m.append(layer("{}", "c2ln"));
        let d = Digest::of(b"{}");
        let want = format!(
            r#"{{"architecture":"","created":"0001-01-01T00:00:00Z","history":[{{"created":"0001-01-01T00:00:00Z"}}],"os":"","rootfs":{{"type":"layers","diff_ids":["{d}"]}},"config":{{}}}}"#
        );
        assert_eq!(String::from_utf8(m.config_json()).unwrap(), want);
        // go-containerregistry: 233 bytes for one layer.
        assert_eq!(m.config_json().len(), 233);
    }

    #[test]
    fn append_is_idempotent_per_payload_and_signature() {
        let mut m = SignatureManifest::new();
        assert!(m.append(layer("p", "s1")));
        assert!(!m.append(layer("p", "s1")));
        assert!(m.append(layer("p", "s2")));
        assert!(m.append(layer("q", "s1")));
        assert_eq!(m.layers.len(), 3);
    }

    #[test]
    fn manifest_round_trips_and_detects_blob_tampering() {
        let mut m = SignatureManifest::new();
        m.append(SignatureLayer::simple_signing(
            b"payload".to_vec(),
            "c2ln".into(),
            Some("{\"a\":1}".into()),
        ));
        let bytes = m.manifest_json();
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert!(text.starts_with(r#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","size":233,"#), "{text}");
        assert!(text.contains(r#""annotations":{"dev.cosignproject.cosign/signature":"c2ln","dev.sigstore.cosign/bundle":"{\"a\":1}"}"#), "{text}");
        let blobs = m.blobs();
        let fetch = |d: &Descriptor| -> Result<Vec<u8>, ManifestError> {
            Ok(blobs
                .iter()
                .find(|(k, _)| *k == d.digest)
                .map(|(_, v)| v.clone())
                .unwrap_or_default())
        };
        let back = SignatureManifest::from_manifest(&bytes, fetch).unwrap();
        assert_eq!(back, m);
        let tampered =
            |_: &Descriptor| -> Result<Vec<u8>, ManifestError> { Ok(b"payloaD".to_vec()) };
        assert!(matches!(
            SignatureManifest::from_manifest(&bytes, tampered),
            Err(ManifestError::BlobMismatch { .. })
        ));
    }

    #[test]
    fn malformed_manifests_are_refused() {
        assert!(matches!(
            SignatureManifest::parse_descriptors(b"[]"),
            Err(ManifestError::Json(_))
        ));
        assert!(matches!(
            SignatureManifest::parse_descriptors(
                br#"{"schemaVersion":1,"config":{"mediaType":"x","size":1,"digest":"sha256:00"}}"#
            ),
            Err(ManifestError::SchemaVersion(1))
        ));
        assert!(matches!(
            SignatureManifest::parse_descriptors(
                br#"{"schemaVersion":2,"config":{"mediaType":"x","size":1,"digest":"sha256:00"}}"#
            ),
            Err(ManifestError::BadDigest(_))
        ));
        let big = format!(
            r#"{{"schemaVersion":2,"config":{{"mediaType":"x","size":99999999999,"digest":"{}"}}}}"#,
            Digest::of(b"")
        );
        assert!(matches!(
            SignatureManifest::parse_descriptors(big.as_bytes()),
            Err(ManifestError::TooLarge { .. })
        ));
        let index = format!(
            r#"{{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","config":{{"mediaType":"x","size":1,"digest":"{}"}}}}"#,
            Digest::of(b"")
        );
        assert!(matches!(
            SignatureManifest::parse_descriptors(index.as_bytes()),
            Err(ManifestError::MediaType(_))
        ));
    }
}
