//! Offline verification of a Rekor bundle (`dev.sigstore.cosign/bundle` annotation).
//!
//! The bundle is `{"SignedEntryTimestamp": B64, "Payload": {"body", "integratedTime",
//! "logIndex", "logID"}}`. The SET is Rekor's ECDSA signature over the RFC 8785
//! canonical JSON of `Payload`; `logID` is the hex sha256 of the Rekor key's SPKI DER.
//! `body` is the base64 log entry; for cosign key signatures it is a `hashedrekord`
//! whose hash, signature and public key must be the ones being verified, otherwise a
//! valid SET for some other entry could be replayed next to our signature.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use serde::Deserialize;
use serde_json::{Map, Value};
use sha2::{Digest as _, Sha256};

use crate::canonical::canonicalize;
use crate::digest::Digest;
use crate::keys::PublicKey;
use crate::signature::{VerifyError, decode_signature, verify_prehash_der};

/// Why a Rekor bundle was refused.
#[derive(Debug, thiserror::Error)]
pub enum RekorError {
    /// The annotation is not the bundle JSON shape.
    #[error("rekor bundle: not valid bundle JSON: {0}")]
    Json(String),
    /// The bundle was logged by a log whose key we were not given.
    #[error("rekor bundle: logID {found} does not match the Rekor public key (sha256 {expected})")]
    LogId {
        /// The bundle's logID.
        found: String,
        /// sha256 of the supplied Rekor key.
        expected: String,
    },
    /// The SignedEntryTimestamp does not verify with the Rekor key.
    #[error("rekor bundle: SignedEntryTimestamp does not verify: {0}")]
    Set(VerifyError),
    /// The entry body is not base64 JSON of a known shape.
    #[error("rekor bundle: entry body is malformed: {0}")]
    Body(String),
    /// The entry is not a `hashedrekord` (the kind cosign logs for key signatures).
    #[error(
        "rekor bundle: entry kind {kind:?} version {version:?} is not supported (expected hashedrekord 0.0.1)"
    )]
    Kind {
        /// The entry's kind.
        kind: String,
        /// The entry's apiVersion.
        version: String,
    },
    /// The logged hash is not the payload's.
    #[error("rekor bundle: logged hash {logged} is not the payload's sha256 {actual}")]
    Hash {
        /// The hash in the entry.
        logged: String,
        /// The payload's sha256.
        actual: String,
    },
    /// The logged signature differs from the layer's signature.
    #[error("rekor bundle: the logged signature is not the signature being verified")]
    SignatureMismatch,
    /// The logged public key differs from the verification key.
    #[error(
        "rekor bundle: the logged public key (sha256 {logged}) is not the verification key (sha256 {expected})"
    )]
    KeyMismatch {
        /// Fingerprint of the logged key.
        logged: String,
        /// Fingerprint of the verification key.
        expected: String,
    },
}

/// Where a signature stands with respect to the transparency log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TlogStatus {
    /// The bundle's SET verified with the Rekor key and the entry matches the signature.
    Verified {
        /// The entry's index in the log.
        log_index: i64,
        /// When the log integrated the entry (Unix seconds).
        integrated_time: i64,
        /// The log's ID (hex sha256 of its key).
        log_id: String,
    },
    /// No check was made; the reason says why ("no bundle", "no Rekor key").
    NotChecked {
        /// Human-readable reason.
        reason: &'static str,
    },
}

impl TlogStatus {
    /// The phrase for reports: "transparency log verified (index N)" or
    /// "transparency log not checked: REASON".
    pub fn describe(&self) -> String {
        match self {
            Self::Verified { log_index, .. } => {
                format!("transparency log verified (index {log_index})")
            }
            Self::NotChecked { reason } => format!("transparency log not checked: {reason}"),
        }
    }
}

#[derive(Deserialize)]
struct BundleJson {
    #[serde(rename = "SignedEntryTimestamp")]
    signed_entry_timestamp: String,
    #[serde(rename = "Payload")]
    payload: PayloadJson,
}

#[derive(Deserialize)]
struct PayloadJson {
    body: Value,
    #[serde(rename = "integratedTime")]
    integrated_time: i64,
    #[serde(rename = "logIndex")]
    log_index: i64,
    #[serde(rename = "logID")]
    log_id: String,
}

#[derive(Deserialize)]
struct HashedRekord {
    #[serde(rename = "apiVersion")]
    api_version: String,
    kind: String,
    spec: Value,
}

/// Verifies the Rekor `bundle_json` for a signature `signature_der` by `signer` over
/// `payload`, using the log's public key `rekor_key`.
pub fn verify_bundle(
    bundle_json: &str,
    rekor_key: &PublicKey,
    payload: &[u8],
    signature_der: &[u8],
    signer: &PublicKey,
) -> Result<TlogStatus, RekorError> {
    let bundle: BundleJson =
        serde_json::from_str(bundle_json).map_err(|e| RekorError::Json(e.to_string()))?;
    let p = bundle.payload;
    let expected_id = rekor_key.fingerprint();
    if p.log_id != expected_id {
        return Err(RekorError::LogId {
            found: p.log_id,
            expected: expected_id,
        });
    }

    let mut signed = Map::new();
    signed.insert("body".into(), p.body.clone());
    signed.insert("integratedTime".into(), p.integrated_time.into());
    signed.insert("logIndex".into(), p.log_index.into());
    signed.insert("logID".into(), p.log_id.clone().into());
    let canonical = canonicalize(&Value::Object(signed));
    let set = decode_signature(&bundle.signed_entry_timestamp).map_err(RekorError::Set)?;
    verify_prehash_der(rekor_key, &Sha256::digest(&canonical).into(), &set)
        .map_err(RekorError::Set)?;

    check_body(&p.body, payload, signature_der, signer)?;
    Ok(TlogStatus::Verified {
        log_index: p.log_index,
        integrated_time: p.integrated_time,
        log_id: p.log_id,
    })
}

fn check_body(
    body: &Value,
    payload: &[u8],
    signature_der: &[u8],
    signer: &PublicKey,
) -> Result<(), RekorError> {
    let body_b64 = body
        .as_str()
        .ok_or_else(|| RekorError::Body("body is not a base64 string".into()))?;
    let body_bytes = B64
        .decode(body_b64)
        .map_err(|e| RekorError::Body(format!("body is not base64: {e}")))?;
    let entry: HashedRekord =
        serde_json::from_slice(&body_bytes).map_err(|e| RekorError::Body(e.to_string()))?;
    if entry.kind != "hashedrekord" || entry.api_version != "0.0.1" {
        return Err(RekorError::Kind {
            kind: entry.kind,
            version: entry.api_version,
        });
    }
    let field = |path: &[&str]| -> Result<&str, RekorError> {
        let mut v = &entry.spec;
        for key in path {
            v = v
                .get(key)
                .ok_or_else(|| RekorError::Body(format!("spec.{} is missing", path.join("."))))?;
        }
        v.as_str()
            .ok_or_else(|| RekorError::Body(format!("spec.{} is not a string", path.join("."))))
    };

    let algorithm = field(&["data", "hash", "algorithm"])?;
    let logged_hash = field(&["data", "hash", "value"])?;
    let actual = Digest::of(payload);
    if algorithm != "sha256" || logged_hash != actual.hex() {
        return Err(RekorError::Hash {
            logged: format!("{algorithm}:{logged_hash}"),
            actual: actual.to_string(),
        });
    }

    let logged_sig = B64
        .decode(field(&["signature", "content"])?)
        .map_err(|e| RekorError::Body(format!("spec.signature.content is not base64: {e}")))?;
    if logged_sig != signature_der {
        return Err(RekorError::SignatureMismatch);
    }

    let key_pem = B64
        .decode(field(&["signature", "publicKey", "content"])?)
        .map_err(|e| {
            RekorError::Body(format!(
                "spec.signature.publicKey.content is not base64: {e}"
            ))
        })?;
    let logged_key = PublicKey::from_pem(&key_pem)
        .map_err(|e| RekorError::Body(format!("logged public key: {e}")))?;
    if &logged_key != signer {
        return Err(RekorError::KeyMismatch {
            logged: logged_key.fingerprint(),
            expected: signer.fingerprint(),
        });
    }
    Ok(())
}
