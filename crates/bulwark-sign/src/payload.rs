//! Cosign's "simple signing" payload: the JSON document an image signature signs.
//!
//! ```json
//! {"critical":{"identity":{"docker-reference":"REF"},
//!              "image":{"docker-manifest-digest":"sha256:..."},
//!              "type":"cosign container image signature"},
//!  "optional":null}
//! ```
//! Built byte-for-byte as cosign's Go code marshals it (struct field order for
//! `critical`, sorted keys and Go escaping for the `optional` annotations map).
//! Verification always works on the signed bytes themselves, never on a re-encoding.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::{Map, Value};

use crate::digest::Digest;
use crate::gojson;

/// The `critical.type` cosign writes and verifiers require.
pub const COSIGN_SIGNATURE_TYPE: &str = "cosign container image signature";

/// Why a payload was refused.
#[derive(Debug, thiserror::Error)]
pub enum PayloadError {
    /// The bytes are not the simple-signing JSON shape.
    #[error("simple-signing payload: not valid JSON of the expected shape: {0}")]
    Json(String),
    /// `critical.type` is not cosign's.
    #[error(
        "simple-signing payload: critical.type is {0:?}, expected \"cosign container image signature\""
    )]
    WrongType(String),
    /// `critical.image.docker-manifest-digest` is not a sha256 digest.
    #[error(
        "simple-signing payload: critical.image.docker-manifest-digest {0:?} is not a sha256:<hex> digest"
    )]
    BadDigest(String),
    /// The payload signs a different manifest than the one being verified.
    #[error("simple-signing payload signs {signed}, but the image digest is {actual}")]
    DigestMismatch {
        /// Digest named in the payload.
        signed: String,
        /// Digest of the image being verified.
        actual: String,
    },
    /// A required `-a key=value` annotation is absent or has another value.
    #[error("simple-signing payload: annotation {key:?} is {found}, expected {expected:?}")]
    Annotation {
        /// The annotation key.
        key: String,
        /// What the payload holds (`missing` or the JSON value).
        found: String,
        /// The required value.
        expected: String,
    },
}

/// A parsed or to-be-built simple-signing payload.
#[derive(Debug, Clone, PartialEq)]
pub struct SimpleSigningPayload {
    /// `critical.identity.docker-reference`: the repository (cosign writes the
    /// repository name without tag or digest, e.g. `ghcr.io/org/app`).
    pub docker_reference: String,
    /// `critical.image.docker-manifest-digest`: the signed manifest's digest.
    pub manifest_digest: Digest,
    /// `optional`: cosign's `-a key=value` annotations; `None` serialises as `null`.
    pub optional: Option<Map<String, Value>>,
}

#[derive(Deserialize)]
struct PayloadJson {
    critical: CriticalJson,
    #[serde(default)]
    optional: Option<Map<String, Value>>,
}

#[derive(Deserialize)]
struct CriticalJson {
    identity: IdentityJson,
    image: ImageJson,
    #[serde(rename = "type")]
    kind: String,
}

#[derive(Deserialize)]
struct IdentityJson {
    #[serde(rename = "docker-reference")]
    docker_reference: String,
}

#[derive(Deserialize)]
struct ImageJson {
    #[serde(rename = "docker-manifest-digest")]
    docker_manifest_digest: String,
}

impl SimpleSigningPayload {
    /// A payload for `docker_reference` at `manifest_digest` with no annotations.
    pub fn new(docker_reference: impl Into<String>, manifest_digest: Digest) -> Self {
        Self {
            docker_reference: docker_reference.into(),
            manifest_digest,
            optional: None,
        }
    }

    /// Adds the string annotations given with cosign's `-a key=value`; an empty map
    /// leaves `optional` as `null`, as cosign does when no `-a` is given.
    #[must_use]
    pub fn with_annotations(mut self, annotations: &BTreeMap<String, String>) -> Self {
        if !annotations.is_empty() {
            let map = self.optional.get_or_insert_with(Map::new);
            for (k, v) in annotations {
                map.insert(k.clone(), Value::String(v.clone()));
            }
        }
        self
    }

    /// The exact bytes cosign would sign for this payload (no trailing newline).
    pub fn to_json(&self) -> Vec<u8> {
        let mut identity = Map::new();
        identity.insert(
            "docker-reference".into(),
            self.docker_reference.clone().into(),
        );
        let mut image = Map::new();
        image.insert(
            "docker-manifest-digest".into(),
            self.manifest_digest.to_string().into(),
        );
        let mut critical = Map::new();
        critical.insert("identity".into(), Value::Object(identity));
        critical.insert("image".into(), Value::Object(image));
        critical.insert("type".into(), COSIGN_SIGNATURE_TYPE.into());
        let mut top = Map::new();
        top.insert("critical".into(), Value::Object(critical));
        top.insert(
            "optional".into(),
            self.optional.as_ref().map_or(Value::Null, |m| {
                gojson::sort_map_keys(&Value::Object(m.clone()))
            }),
        );
        gojson::to_vec(&Value::Object(top))
    }

    /// Parses signed payload bytes. Unknown fields are ignored (as Go's decoder does),
    /// but `critical.type` must be cosign's and the digest must be `sha256:<hex>`.
    pub fn parse(bytes: &[u8]) -> Result<Self, PayloadError> {
        let raw: PayloadJson =
            serde_json::from_slice(bytes).map_err(|e| PayloadError::Json(e.to_string()))?;
        if raw.critical.kind != COSIGN_SIGNATURE_TYPE {
            return Err(PayloadError::WrongType(raw.critical.kind));
        }
        let digest_text = raw.critical.image.docker_manifest_digest;
        let manifest_digest = digest_text
            .parse()
            .map_err(|_| PayloadError::BadDigest(digest_text.clone()))?;
        Ok(Self {
            docker_reference: raw.critical.identity.docker_reference,
            manifest_digest,
            optional: raw.optional,
        })
    }

    /// Checks the payload signs `image_digest` (cosign's claim check).
    pub fn check_digest(&self, image_digest: &Digest) -> Result<(), PayloadError> {
        if &self.manifest_digest == image_digest {
            Ok(())
        } else {
            Err(PayloadError::DigestMismatch {
                signed: self.manifest_digest.to_string(),
                actual: image_digest.to_string(),
            })
        }
    }

    /// Checks every required annotation is present in `optional` with exactly that
    /// string value (cosign verify's `-a key=value`).
    pub fn check_annotations(
        &self,
        required: &BTreeMap<String, String>,
    ) -> Result<(), PayloadError> {
        for (key, expected) in required {
            let found = self.optional.as_ref().and_then(|m| m.get(key));
            match found {
                Some(Value::String(s)) if s == expected => {}
                other => {
                    return Err(PayloadError::Annotation {
                        key: key.clone(),
                        found: other.map_or_else(|| "missing".to_owned(), Value::to_string),
                        expected: expected.clone(),
                    });
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn digest() -> Digest {
        "sha256:634a8f35b5f16dcf4aaa0822adc0b1964bb786fca12f6831de8ddc45e5986a00"
            .parse()
            .unwrap()
    }

    #[test]
    fn annotations_are_sorted_and_go_escaped() {
        let mut ann = BTreeMap::new();
        ann.insert("z".to_owned(), "<tag>&".to_owned());
        ann.insert("a".to_owned(), "1".to_owned());
        let p = SimpleSigningPayload::new("r/x", digest()).with_annotations(&ann);
        let json = String::from_utf8(p.to_json()).unwrap();
        assert!(
            json.ends_with(r#""optional":{"a":"1","z":"\u003ctag\u003e\u0026"}}"#),
            "{json}"
        );
        let back = SimpleSigningPayload::parse(json.as_bytes()).unwrap();
        assert_eq!(back, p);
        back.check_annotations(&ann).unwrap();
    }

    #[test]
    fn annotation_mismatch_and_absence_are_reported() {
        let mut have = BTreeMap::new();
        have.insert("env".to_owned(), "prod".to_owned());
        let p = SimpleSigningPayload::new("r", digest()).with_annotations(&have);
        let mut want = BTreeMap::new();
        want.insert("env".to_owned(), "dev".to_owned());
        assert!(
            matches!(p.check_annotations(&want), Err(PayloadError::Annotation { found, .. }) if found == "\"prod\"")
        );
        want.clear();
        want.insert("team".to_owned(), "x".to_owned());
        assert!(
            matches!(p.check_annotations(&want), Err(PayloadError::Annotation { found, .. }) if found == "missing")
        );
        let bare = SimpleSigningPayload::new("r", digest());
        assert!(bare.check_annotations(&want).is_err());
        assert!(bare.check_annotations(&BTreeMap::new()).is_ok());
    }

    #[test]
    fn wrong_type_and_bad_digest_are_refused() {
        let wrong = br#"{"critical":{"identity":{"docker-reference":"r"},"image":{"docker-manifest-digest":"sha256:634a8f35b5f16dcf4aaa0822adc0b1964bb786fca12f6831de8ddc45e5986a00"},"type":"atomic container signature"},"optional":null}"#;
        assert!(matches!(
            SimpleSigningPayload::parse(wrong),
            Err(PayloadError::WrongType(_))
        ));
        let bad = br#"{"critical":{"identity":{"docker-reference":"r"},"image":{"docker-manifest-digest":"md5:00"},"type":"cosign container image signature"},"optional":null}"#;
        assert!(matches!(
            SimpleSigningPayload::parse(bad),
            Err(PayloadError::BadDigest(_))
        ));
        assert!(matches!(
            SimpleSigningPayload::parse(b"{}"),
            Err(PayloadError::Json(_))
        ));
        assert!(matches!(
            SimpleSigningPayload::parse(b""),
            Err(PayloadError::Json(_))
        ));
    }

    #[test]
    fn digest_binding() {
        let p = SimpleSigningPayload::new("r", digest());
        p.check_digest(&digest()).unwrap();
        let other = Digest::of(b"other");
        assert!(matches!(
            p.check_digest(&other),
            Err(PayloadError::DigestMismatch { .. })
        ));
    }
}
