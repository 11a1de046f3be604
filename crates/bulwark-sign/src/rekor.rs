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
    let set = decode_signature(&bundle.signed_entry_timestamp).map_err(RekorError::Set)?;
    verify_set(
        rekor_key,
        &p.body,
        p.integrated_time,
        p.log_index,
        &p.log_id,
        &set,
    )?;

    check_body(&p.body, payload, signature_der, signer)?;
    Ok(TlogStatus::Verified {
        log_index: p.log_index,
        integrated_time: p.integrated_time,
        log_id: p.log_id,
    })
}

/// Checks a SignedEntryTimestamp: Rekor's signature over the RFC 8785 canonical JSON of
/// `{body, integratedTime, logIndex, logID}` (the same bytes for a `dev.sigstore.cosign/bundle`
/// annotation and for a Sigstore bundle's `inclusionPromise`).
pub(crate) fn verify_set(
    rekor_key: &PublicKey,
    body: &Value,
    integrated_time: i64,
    log_index: i64,
    log_id_hex: &str,
    set_der: &[u8],
) -> Result<(), RekorError> {
    let expected_id = rekor_key.fingerprint();
    if log_id_hex != expected_id {
        return Err(RekorError::LogId {
            found: log_id_hex.to_owned(),
            expected: expected_id,
        });
    }
    let mut signed = Map::new();
    signed.insert("body".into(), body.clone());
    signed.insert("integratedTime".into(), integrated_time.into());
    signed.insert("logIndex".into(), log_index.into());
    signed.insert("logID".into(), log_id_hex.into());
    let canonical = canonicalize(&Value::Object(signed));
    verify_prehash_der(rekor_key, &Sha256::digest(&canonical).into(), set_der)
        .map_err(RekorError::Set)
}

/// What a log entry must record for the signature being verified.
pub(crate) enum Logged<'a> {
    /// A `hashedrekord`: the sha256 of the signed artifact.
    Hash(&'a Digest),
    /// A `dsse` entry: the envelope payload.
    DssePayload(&'a [u8]),
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
    check_entry(
        &body_bytes,
        &Logged::Hash(&Digest::of(payload)),
        signature_der,
        signer,
    )
}

/// Checks a decoded log entry body records `logged`, `signature_der` and `signer`.
pub(crate) fn check_entry(
    body_bytes: &[u8],
    logged: &Logged<'_>,
    signature_der: &[u8],
    signer: &PublicKey,
) -> Result<(), RekorError> {
    let entry: HashedRekord =
        serde_json::from_slice(body_bytes).map_err(|e| RekorError::Body(e.to_string()))?;
    match (entry.kind.as_str(), entry.api_version.as_str(), logged) {
        ("hashedrekord", "0.0.1", Logged::Hash(hash)) => {
            check_hashedrekord(&entry.spec, hash, signature_der, signer)
        }
        ("dsse", "0.0.1", Logged::DssePayload(payload)) => {
            check_dsse(&entry.spec, payload, signature_der, signer)
        }
        _ => Err(RekorError::Kind {
            kind: entry.kind,
            version: entry.api_version,
        }),
    }
}

fn spec_str<'a>(spec: &'a Value, path: &[&str]) -> Result<&'a str, RekorError> {
    let mut v = spec;
    for key in path {
        v = v
            .get(key)
            .ok_or_else(|| RekorError::Body(format!("spec.{} is missing", path.join("."))))?;
    }
    v.as_str()
        .ok_or_else(|| RekorError::Body(format!("spec.{} is not a string", path.join("."))))
}

fn check_logged_key(pem_b64: &str, what: &str, signer: &PublicKey) -> Result<(), RekorError> {
    let key_pem = B64
        .decode(pem_b64)
        .map_err(|e| RekorError::Body(format!("{what} is not base64: {e}")))?;
    let logged_key = crate::x509::pem_public_key(&key_pem)
        .map_err(|e| RekorError::Body(format!("logged public key: {e}")))?;
    if &logged_key != signer {
        return Err(RekorError::KeyMismatch {
            logged: logged_key.fingerprint(),
            expected: signer.fingerprint(),
        });
    }
    Ok(())
}

/// A `dsse` 0.0.1 entry: `payloadHash` must be the payload's sha256 and one of
/// `signatures` must be ours, by our key (`verifier`: base64 PEM key or certificate).
fn check_dsse(
    spec: &Value,
    payload: &[u8],
    signature_der: &[u8],
    signer: &PublicKey,
) -> Result<(), RekorError> {
    let algorithm = spec_str(spec, &["payloadHash", "algorithm"])?;
    let logged_hash = spec_str(spec, &["payloadHash", "value"])?;
    let actual = Digest::of(payload);
    if algorithm != "sha256" || logged_hash != actual.hex() {
        return Err(RekorError::Hash {
            logged: format!("{algorithm}:{logged_hash}"),
            actual: actual.to_string(),
        });
    }
    let signatures = spec
        .get("signatures")
        .and_then(Value::as_array)
        .ok_or_else(|| RekorError::Body("spec.signatures is not an array".into()))?;
    let ours = signatures.iter().find(|s| {
        s.get("signature")
            .and_then(Value::as_str)
            .and_then(|b| B64.decode(b).ok())
            .is_some_and(|sig| sig == signature_der)
    });
    let Some(ours) = ours else {
        return Err(RekorError::SignatureMismatch);
    };
    let verifier = ours
        .get("verifier")
        .and_then(Value::as_str)
        .ok_or_else(|| RekorError::Body("spec.signatures[].verifier is missing".into()))?;
    check_logged_key(verifier, "spec.signatures[].verifier", signer)
}

fn check_hashedrekord(
    spec: &Value,
    hash: &Digest,
    signature_der: &[u8],
    signer: &PublicKey,
) -> Result<(), RekorError> {
    let field = |path: &[&str]| spec_str(spec, path);

    let algorithm = field(&["data", "hash", "algorithm"])?;
    let logged_hash = field(&["data", "hash", "value"])?;
    if algorithm != "sha256" || logged_hash != hash.hex() {
        return Err(RekorError::Hash {
            logged: format!("{algorithm}:{logged_hash}"),
            actual: hash.to_string(),
        });
    }

    let logged_sig = B64
        .decode(field(&["signature", "content"])?)
        .map_err(|e| RekorError::Body(format!("spec.signature.content is not base64: {e}")))?;
    if logged_sig != signature_der {
        return Err(RekorError::SignatureMismatch);
    }
    check_logged_key(
        field(&["signature", "publicKey", "content"])?,
        "spec.signature.publicKey.content",
        signer,
    )
}
