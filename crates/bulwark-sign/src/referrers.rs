//! Sigstore bundles attached to images as OCI 1.1 referrers, as Cosign v3 does.
//!
//! Layout written (sigstore/cosign `pkg/oci/remote/write.go`, `WriteReferrer` and
//! `WriteAttestationNewBundleFormat`; `specs/BUNDLE_SPEC.md`):
//! - the bundle JSON as a blob, the empty config `{}` as a blob;
//! - an OCI image manifest with `artifactType` and the single layer's media type
//!   `application/vnd.dev.sigstore.bundle.v0.3+json`, config media type
//!   `application/vnd.oci.empty.v1+json` (cosign also sets the bundle type as the config
//!   descriptor's `artifactType`), `subject` = the image's descriptor, and the
//!   annotations `dev.sigstore.bundle.content`, `dev.sigstore.bundle.predicateType` and
//!   `org.opencontainers.image.created`; pushed by digest.
//! - Registries without the referrers API get the client-maintained tag-schema index
//!   `sha256-<hex>` (OCI distribution spec, "Referrers Tag Schema"): fetch, append a
//!   descriptor unless its digest is present, push. go-containerregistry (which cosign
//!   uses) decides "no API" when `GET /v2/<repo>/referrers/<digest>` answers 404 or 400,
//!   and writes the descriptor's `artifactType` from the config media type instead of
//!   the manifest's `artifactType` (sigstore/cosign#4641). We write what the spec says
//!   (the manifest's `artifactType`, annotations pulled up) and, when reading, also look
//!   inside referrers whose descriptor says `application/vnd.oci.empty.v1+json` or
//!   nothing, so indexes written by cosign are found too.

use std::collections::BTreeMap;
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Map, Value};

use crate::bundle::{
    BUNDLE_CONTENT_ANNOTATION, BUNDLE_MEDIA_TYPE, BUNDLE_MEDIA_TYPE_PREFIX,
    BUNDLE_PREDICATE_TYPE_ANNOTATION,
};
use crate::digest::Digest;
use crate::gojson;
use crate::manifest::{Descriptor, OCI_MANIFEST_MEDIA_TYPE};
use crate::store_error::StoreError;

/// The OCI empty descriptor's media type.
pub const EMPTY_MEDIA_TYPE: &str = "application/vnd.oci.empty.v1+json";
/// The empty config blob.
pub const EMPTY_CONFIG: &[u8] = b"{}";
/// The OCI image index media type.
pub const OCI_INDEX_MEDIA_TYPE: &str = "application/vnd.oci.image.index.v1+json";
/// The creation-time annotation.
pub const CREATED_ANNOTATION: &str = "org.opencontainers.image.created";

/// Why referrer documents were refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ReferrerError {
    /// The existing tag-schema index is not one we may append to.
    #[error("referrers index {tag}: {reason}")]
    BadIndex {
        /// The fallback tag.
        tag: String,
        /// The problem.
        reason: String,
    },
    /// A referrer manifest is malformed.
    #[error("referrer manifest {digest}: {reason}")]
    BadManifest {
        /// The manifest digest.
        digest: String,
        /// The problem.
        reason: String,
    },
}

/// The image a referrer points at (`subject`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subject {
    /// The image manifest's media type.
    pub media_type: String,
    /// Its size in bytes.
    pub size: u64,
    /// Its digest.
    pub digest: Digest,
}

/// A referrer manifest ready to push, with the descriptor an index lists it under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferrerManifest {
    /// The manifest bytes.
    pub bytes: Vec<u8>,
    /// Their digest.
    pub digest: Digest,
    /// The annotations (pulled up into the fallback index).
    pub annotations: BTreeMap<String, String>,
    /// The bundle blob's descriptor.
    pub layer: Descriptor,
}

impl ReferrerManifest {
    /// The index entry for this manifest (Go descriptor field order).
    pub fn index_entry(&self) -> Value {
        let mut m = Map::new();
        m.insert("mediaType".into(), OCI_MANIFEST_MEDIA_TYPE.into());
        m.insert("size".into(), (self.bytes.len() as u64).into());
        m.insert("digest".into(), self.digest.to_string().into());
        m.insert("annotations".into(), string_map(&self.annotations));
        m.insert("artifactType".into(), BUNDLE_MEDIA_TYPE.into());
        Value::Object(m)
    }
}

fn string_map(map: &BTreeMap<String, String>) -> Value {
    Value::Object(
        map.iter()
            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
            .collect(),
    )
}

fn descriptor_json(media_type: &str, size: u64, digest: &Digest) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("mediaType".into(), media_type.into());
    m.insert("size".into(), size.into());
    m.insert("digest".into(), digest.to_string().into());
    m
}

/// `time` as RFC 3339 UTC with seconds (Go's `time.RFC3339` of a UTC time).
pub fn rfc3339_utc(time: SystemTime) -> String {
    let secs = time
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Howard Hinnant's civil_from_days
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Builds the referrer manifest for `bundle_json` about `subject`, byte for byte as
/// cosign's `referrerManifest` marshals (Go `v1.Manifest` field order, then
/// `artifactType`).
pub fn bundle_referrer_manifest(
    subject: &Subject,
    bundle_json: &[u8],
    content_kind: &str,
    predicate_type: Option<&str>,
    created: &str,
) -> ReferrerManifest {
    let mut annotations = BTreeMap::new();
    annotations.insert(
        BUNDLE_CONTENT_ANNOTATION.to_owned(),
        content_kind.to_owned(),
    );
    if let Some(pt) = predicate_type {
        annotations.insert(BUNDLE_PREDICATE_TYPE_ANNOTATION.to_owned(), pt.to_owned());
    }
    annotations.insert(CREATED_ANNOTATION.to_owned(), created.to_owned());
    let layer = Descriptor {
        media_type: BUNDLE_MEDIA_TYPE.to_owned(),
        size: bundle_json.len() as u64,
        digest: Digest::of(bundle_json),
        annotations: BTreeMap::new(),
    };
    let mut config = descriptor_json(
        EMPTY_MEDIA_TYPE,
        EMPTY_CONFIG.len() as u64,
        &Digest::of(EMPTY_CONFIG),
    );
    config.insert("artifactType".into(), BUNDLE_MEDIA_TYPE.into());
    let mut m = Map::new();
    m.insert("schemaVersion".into(), 2.into());
    m.insert("mediaType".into(), OCI_MANIFEST_MEDIA_TYPE.into());
    m.insert("config".into(), Value::Object(config));
    m.insert(
        "layers".into(),
        Value::Array(vec![Value::Object(descriptor_json(
            &layer.media_type,
            layer.size,
            &layer.digest,
        ))]),
    );
    m.insert("annotations".into(), string_map(&annotations));
    m.insert(
        "subject".into(),
        Value::Object(descriptor_json(
            &subject.media_type,
            subject.size,
            &subject.digest,
        )),
    );
    m.insert("artifactType".into(), BUNDLE_MEDIA_TYPE.into());
    let bytes = gojson::to_vec(&Value::Object(m));
    ReferrerManifest {
        digest: Digest::of(&bytes),
        bytes,
        annotations,
        layer,
    }
}

/// Appends `entry` to the tag-schema index `existing` (`None`: there is none yet).
/// Returns the new index bytes, or `None` when an entry with that digest is present.
/// Entries already listed are kept as they are, in their order.
pub fn append_to_fallback_index(
    tag: &str,
    existing: Option<&[u8]>,
    entry: &Value,
) -> Result<Option<Vec<u8>>, ReferrerError> {
    let bad = |reason: String| ReferrerError::BadIndex {
        tag: tag.to_owned(),
        reason,
    };
    let mut index = match existing {
        None => {
            let mut m = Map::new();
            m.insert("schemaVersion".into(), 2.into());
            m.insert("mediaType".into(), OCI_INDEX_MEDIA_TYPE.into());
            m.insert("manifests".into(), Value::Array(Vec::new()));
            m
        }
        Some(bytes) => match serde_json::from_slice::<Value>(bytes) {
            Ok(Value::Object(m)) => m,
            Ok(_) => return Err(bad("not a JSON object".into())),
            Err(e) => return Err(bad(format!("not JSON: {e}"))),
        },
    };
    if index.get("schemaVersion").and_then(Value::as_u64) != Some(2) {
        return Err(bad("schemaVersion is not 2".into()));
    }
    match index.get("mediaType").and_then(Value::as_str) {
        None | Some(OCI_INDEX_MEDIA_TYPE) => {}
        Some(other) => return Err(bad(format!("media type {other:?} is not an OCI index"))),
    }
    let digest = entry.get("digest").and_then(Value::as_str);
    let manifests = match index
        .entry("manifests")
        .or_insert_with(|| Value::Array(Vec::new()))
    {
        Value::Array(a) => a,
        Value::Null => return Err(bad("manifests is null".into())),
        _ => return Err(bad("manifests is not an array".into())),
    };
    if manifests
        .iter()
        .any(|m| m.get("digest").and_then(Value::as_str) == digest)
    {
        return Ok(None);
    }
    manifests.push(entry.clone());
    Ok(Some(gojson::to_vec(&Value::Object(index))))
}

/// Whether an index descriptor may be a bundle referrer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Candidate {
    /// Its `artifactType` is a bundle type.
    Bundle,
    /// It has no useful `artifactType` (absent, or cosign's fallback-tag
    /// `application/vnd.oci.empty.v1+json`): look at the manifest.
    Maybe,
    /// Something else.
    Other,
}

/// Classifies an index descriptor by its `artifactType`.
pub fn classify(artifact_type: Option<&str>) -> Candidate {
    match artifact_type {
        Some(t) if t.starts_with(BUNDLE_MEDIA_TYPE_PREFIX) => Candidate::Bundle,
        None | Some("" | EMPTY_MEDIA_TYPE) => Candidate::Maybe,
        Some(_) => Candidate::Other,
    }
}

/// The bundle layer and subject of a referrer manifest; `Ok(None)` when the manifest
/// is not a bundle referrer (its `artifactType`, else its config media type, is not a
/// bundle type).
pub fn parse_bundle_referrer(
    digest: &Digest,
    manifest: &[u8],
) -> Result<Option<(Descriptor, Option<Digest>)>, ReferrerError> {
    let bad = |reason: &str| ReferrerError::BadManifest {
        digest: digest.to_string(),
        reason: reason.to_owned(),
    };
    let Ok(Value::Object(m)) = serde_json::from_slice::<Value>(manifest) else {
        return Err(bad("not a JSON object"));
    };
    let artifact_type = m
        .get("artifactType")
        .and_then(Value::as_str)
        .filter(|t| !t.is_empty())
        .or_else(|| {
            m.get("config")
                .and_then(|c| c.get("mediaType"))
                .and_then(Value::as_str)
        })
        .unwrap_or_default();
    if !artifact_type.starts_with(BUNDLE_MEDIA_TYPE_PREFIX) {
        return Ok(None);
    }
    let layer = m
        .get("layers")
        .and_then(Value::as_array)
        .and_then(|l| l.first())
        .ok_or_else(|| bad("no layers"))?;
    let media_type = layer
        .get("mediaType")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if !media_type.starts_with(BUNDLE_MEDIA_TYPE_PREFIX) {
        return Err(bad("its first layer is not a sigstore bundle"));
    }
    let layer_digest: Digest = layer
        .get("digest")
        .and_then(Value::as_str)
        .and_then(|d| d.parse().ok())
        .ok_or_else(|| bad("the bundle layer digest is not sha256:<hex>"))?;
    let size = layer
        .get("size")
        .and_then(Value::as_u64)
        .ok_or_else(|| bad("the bundle layer has no size"))?;
    let subject = m
        .get("subject")
        .and_then(|s| s.get("digest"))
        .and_then(Value::as_str)
        .and_then(|d| d.parse().ok());
    Ok(Some((
        Descriptor {
            media_type: media_type.to_owned(),
            size,
            digest: layer_digest,
            annotations: BTreeMap::new(),
        },
        subject,
    )))
}

/// One bundle referrer found for an image: its manifest digest and the bundle bytes,
/// or why it could not be read.
#[derive(Debug)]
pub struct FoundBundle {
    /// The referrer manifest digest.
    pub referrer: Digest,
    /// The bundle JSON, or the reason it is unusable.
    pub bundle: Result<Vec<u8>, String>,
}

/// Where a bundle was attached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PutBundle {
    /// The referrer manifest digest.
    pub referrer: Digest,
    /// How it is discoverable (`referrers API` or `tag sha256-<hex>`).
    pub via: String,
}

/// Storage of bundle referrers next to images.
pub trait BundleStore {
    /// Every bundle referrer of `image` (possibly none).
    fn get_bundles(&self, image: &Digest) -> Result<Vec<FoundBundle>, StoreError>;

    /// Attaches `bundle_json` to `image` as a referrer.
    fn put_bundle(
        &self,
        image: &Digest,
        bundle_json: &[u8],
        content_kind: &str,
        predicate_type: Option<&str>,
    ) -> Result<PutBundle, StoreError>;
}

/// Checks a referrer found for `image` and returns its bundle layer descriptor, or the
/// reason to skip (`Ok(None)`: not a bundle at all).
pub(crate) fn bundle_layer_for(
    image: &Digest,
    referrer: &Digest,
    manifest: &[u8],
) -> Result<Option<Descriptor>, String> {
    match parse_bundle_referrer(referrer, manifest) {
        Ok(None) => Ok(None),
        Err(e) => Err(e.to_string()),
        Ok(Some((_, subject))) if subject.as_ref() != Some(image) => Err(format!(
            "its subject is {}, not the image",
            subject.map_or_else(|| "missing".to_owned(), |s| s.to_string())
        )),
        Ok(Some((layer, _))) => Ok(Some(layer)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_matches_known_instants() {
        let at = |s: u64| rfc3339_utc(UNIX_EPOCH + std::time::Duration::from_secs(s));
        assert_eq!(at(0), "1970-01-01T00:00:00Z");
        assert_eq!(at(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(at(1_740_770_291), "2025-02-28T19:18:11Z");
    }

    fn subject() -> Subject {
        Subject {
            media_type: OCI_MANIFEST_MEDIA_TYPE.into(),
            size: 10,
            digest: Digest::of(b"image"),
        }
    }

    #[test]
    fn referrer_manifest_has_cosigns_shape() {
        let r = bundle_referrer_manifest(
            &subject(),
            b"{}bundle",
            "dsse-envelope",
            Some("https://sigstore.dev/cosign/sign/v1"),
            "2026-01-01T00:00:00Z",
        );
        let text = String::from_utf8(r.bytes.clone()).unwrap();
        let expected = format!(
            concat!(
                r#"{{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","#,
                r#""config":{{"mediaType":"application/vnd.oci.empty.v1+json","size":2,"digest":"{}","artifactType":"application/vnd.dev.sigstore.bundle.v0.3+json"}},"#,
                r#""layers":[{{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json","size":8,"digest":"{}"}}],"#,
                r#""annotations":{{"dev.sigstore.bundle.content":"dsse-envelope","dev.sigstore.bundle.predicateType":"https://sigstore.dev/cosign/sign/v1","org.opencontainers.image.created":"2026-01-01T00:00:00Z"}},"#,
                r#""subject":{{"mediaType":"application/vnd.oci.image.manifest.v1+json","size":10,"digest":"{}"}},"#,
                r#""artifactType":"application/vnd.dev.sigstore.bundle.v0.3+json"}}"#
            ),
            Digest::of(b"{}"),
            Digest::of(b"{}bundle"),
            Digest::of(b"image")
        );
        assert_eq!(text, expected);
        let (layer, subj) = parse_bundle_referrer(&r.digest, &r.bytes).unwrap().unwrap();
        assert_eq!(layer, r.layer);
        assert_eq!(subj, Some(Digest::of(b"image")));
    }

    #[test]
    fn fallback_index_appends_and_deduplicates() {
        let a = bundle_referrer_manifest(&subject(), b"a", "dsse-envelope", None, "t");
        let b = bundle_referrer_manifest(&subject(), b"b", "dsse-envelope", None, "t");
        let first = append_to_fallback_index("t", None, &a.index_entry())
            .unwrap()
            .unwrap();
        assert_eq!(
            append_to_fallback_index("t", Some(&first), &a.index_entry()).unwrap(),
            None
        );
        let second = append_to_fallback_index("t", Some(&first), &b.index_entry())
            .unwrap()
            .unwrap();
        let v: Value = serde_json::from_slice(&second).unwrap();
        let digests: Vec<&str> = v["manifests"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["digest"].as_str().unwrap())
            .collect();
        assert_eq!(digests, [a.digest.to_string(), b.digest.to_string()]);
        assert_eq!(
            v["manifests"][1]["artifactType"],
            "application/vnd.dev.sigstore.bundle.v0.3+json"
        );
        // foreign content under the tag is never overwritten
        for bad in [
            &br#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json"}"#[..],
            br#"{"schemaVersion":1}"#,
            br#"{"schemaVersion":2,"manifests":{}}"#,
            b"[]",
            b"nope",
        ] {
            assert!(append_to_fallback_index("t", Some(bad), &b.index_entry()).is_err());
        }
    }

    #[test]
    fn classification_and_non_bundle_manifests() {
        assert_eq!(classify(Some(BUNDLE_MEDIA_TYPE)), Candidate::Bundle);
        assert_eq!(classify(Some(EMPTY_MEDIA_TYPE)), Candidate::Maybe);
        assert_eq!(classify(None), Candidate::Maybe);
        assert_eq!(
            classify(Some("application/vnd.cncf.notary.signature")),
            Candidate::Other
        );
        let d = Digest::of(b"m");
        let other = br#"{"schemaVersion":2,"artifactType":"application/spdx+json","layers":[]}"#;
        assert_eq!(parse_bundle_referrer(&d, other), Ok(None));
        let bad_layer = br#"{"schemaVersion":2,"artifactType":"application/vnd.dev.sigstore.bundle.v0.3+json","layers":[{"mediaType":"text/plain","size":1,"digest":"sha256:00"}]}"#;
        assert!(parse_bundle_referrer(&d, bad_layer).is_err());
    }
}
