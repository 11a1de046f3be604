//! Rekor v1 client: `POST /api/v1/log/entries` with a `hashedrekord` 0.0.1 entry, and
//! the answer turned into a bundle's transparency-log entry (body, integrated time, log
//! index and ID, SET, inclusion proof with its checkpoint).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};

use super::{KeylessError, Services};
use crate::bundle::{InclusionProof, TlogEntry};

/// The proposed `hashedrekord` entry: the artifact's SHA-256, the DER signature and the
/// verifier (a public key or certificate PEM).
pub fn hashedrekord(digest: &[u8; 32], signature_der: &[u8], verifier_pem: &str) -> Value {
    let hex = crate::digest::hex_lower(digest);
    json!({
        "apiVersion": "0.0.1",
        "kind": "hashedrekord",
        "spec": {
            "data": {"hash": {"algorithm": "sha256", "value": hex}},
            "signature": {
                "content": STANDARD.encode(signature_der),
                "publicKey": {"content": STANDARD.encode(verifier_pem)},
            }
        }
    })
}

pub(crate) fn hex_decode(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| s.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok()))
        .collect()
}

/// The log entry in Rekor's `{uuid: LogEntry}` answer. Never panics.
pub fn parse_response(answer: &Value) -> Result<TlogEntry, KeylessError> {
    let bad = |detail: String| KeylessError::Response {
        service: "Rekor",
        detail,
    };
    let entry = answer
        .as_object()
        .and_then(|m| m.values().next())
        .ok_or_else(|| bad("not an object with one log entry".into()))?;
    let text = |v: &Value, k: &str| -> Result<String, KeylessError> {
        v.get(k)
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| bad(format!("no string `{k}`")))
    };
    let int = |v: &Value, k: &str| -> Result<i64, KeylessError> {
        v.get(k)
            .and_then(Value::as_i64)
            .filter(|n| *n >= 0)
            .ok_or_else(|| bad(format!("no non-negative integer `{k}`")))
    };
    let body = STANDARD
        .decode(text(entry, "body")?)
        .map_err(|_| bad("`body` is not base64".into()))?;
    let parsed: Value =
        serde_json::from_slice(&body).map_err(|e| bad(format!("`body` is not JSON: {e}")))?;
    let kind = parsed
        .get("kind")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let version = parsed
        .get("apiVersion")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let log_id =
        hex_decode(&text(entry, "logID")?).ok_or_else(|| bad("`logID` is not hex".into()))?;
    let verification = entry
        .get("verification")
        .ok_or_else(|| bad("no `verification`".into()))?;
    let set = STANDARD
        .decode(text(verification, "signedEntryTimestamp")?)
        .map_err(|_| bad("`signedEntryTimestamp` is not base64".into()))?;
    let proof = verification
        .get("inclusionProof")
        .ok_or_else(|| bad("no `verification.inclusionProof`".into()))?;
    let hashes = proof
        .get("hashes")
        .and_then(Value::as_array)
        .ok_or_else(|| bad("no inclusionProof.hashes".into()))?
        .iter()
        .map(|h| h.as_str().and_then(hex_decode))
        .collect::<Option<Vec<_>>>()
        .ok_or_else(|| bad("an inclusion-proof hash is not hex".into()))?;
    Ok(TlogEntry {
        log_index: int(entry, "logIndex")?,
        log_id,
        kind,
        version,
        integrated_time: int(entry, "integratedTime")?,
        signed_entry_timestamp: Some(set),
        canonicalized_body: body,
        inclusion_proof: Some(InclusionProof {
            log_index: int(proof, "logIndex")?,
            root_hash: hex_decode(&text(proof, "rootHash")?)
                .ok_or_else(|| bad("`rootHash` is not hex".into()))?,
            tree_size: int(proof, "treeSize")?,
            hashes,
            checkpoint: text(proof, "checkpoint")?,
        }),
    })
}

/// Logs `proposed` in Rekor and returns the entry for the bundle.
pub fn upload(services: &Services, proposed: &Value) -> Result<TlogEntry, KeylessError> {
    let url = format!(
        "{}/api/v1/log/entries",
        services.rekor_url.trim_end_matches('/')
    );
    let answer = super::http::json_request("Rekor", &url, Some(proposed), &[], services.timeouts)?;
    parse_response(&answer)
}
