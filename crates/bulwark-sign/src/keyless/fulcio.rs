//! Fulcio v2 client: `POST /api/v2/signingCert` with the identity token, the ephemeral
//! public key and a proof of possession (the key's signature over the token's
//! subject); the answer is a PEM chain, leaf first, with the SCT embedded in the leaf
//! (`signedCertificateEmbeddedSct`) or detached (`signedCertificateDetachedSct`).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};

use super::{IdentityToken, KeylessError, Services};
use crate::keys::PrivateKey;
use crate::signature::sign_payload_der;

/// The request body for `key`, certified for `token`'s identity.
pub fn request_body(token: &IdentityToken, key: &PrivateKey) -> Value {
    let proof = sign_payload_der(key, token.challenge().as_bytes());
    json!({
        "credentials": {"oidcIdentityToken": token.raw},
        "publicKeyRequest": {
            "publicKey": {"algorithm": "ECDSA", "content": key.public_key().to_pem()},
            "proofOfPossession": STANDARD.encode(proof),
        }
    })
}

/// The DER certificates of a `signingCert` answer, leaf first. Never panics.
pub fn parse_response(answer: &Value) -> Result<Vec<Vec<u8>>, KeylessError> {
    let bad = |detail: &str| KeylessError::Response {
        service: "Fulcio",
        detail: detail.to_owned(),
    };
    let signed = answer
        .get("signedCertificateEmbeddedSct")
        .or_else(|| answer.get("signedCertificateDetachedSct"))
        .ok_or_else(|| {
            bad("neither signedCertificateEmbeddedSct nor signedCertificateDetachedSct")
        })?;
    let list = signed
        .get("chain")
        .and_then(|c| c.get("certificates"))
        .and_then(Value::as_array)
        .ok_or_else(|| bad("no chain.certificates"))?;
    let mut chain = Vec::new();
    for item in list {
        let text = item
            .as_str()
            .ok_or_else(|| bad("a chain entry is not a string"))?;
        for block in pem::parse_many(text).map_err(|e| bad(&format!("chain PEM: {e}")))? {
            if block.tag() != "CERTIFICATE" {
                return Err(bad(&format!("chain holds a {} PEM block", block.tag())));
            }
            chain.push(block.into_contents());
        }
    }
    let leaf = chain
        .first()
        .ok_or_else(|| bad("the certificate chain is empty"))?;
    crate::sigstore::pki::Cert::from_der(leaf)
        .map_err(|e| bad(&format!("the leaf certificate does not parse: {e}")))?;
    Ok(chain)
}

/// Asks Fulcio to certify `key` for `token`; returns the DER chain, leaf first, after
/// checking that the leaf certifies `key`.
pub fn request_certificate(
    services: &Services,
    token: &IdentityToken,
    key: &PrivateKey,
) -> Result<Vec<Vec<u8>>, KeylessError> {
    let url = format!(
        "{}/api/v2/signingCert",
        services.fulcio_url.trim_end_matches('/')
    );
    let answer = super::http::json_request(
        "Fulcio",
        &url,
        Some(&request_body(token, key)),
        &[],
        services.timeouts,
    )?;
    let chain = parse_response(&answer)?;
    let leaf = chain.first().map(Vec::as_slice).unwrap_or_default();
    let leaf = crate::sigstore::pki::Cert::from_der(leaf).map_err(|e| KeylessError::Response {
        service: "Fulcio",
        detail: e,
    })?;
    if leaf.spki_der().ok() != Some(key.public_key().to_spki_der()) {
        return Err(KeylessError::Response {
            service: "Fulcio",
            detail: "the certificate is not for the key we sent".into(),
        });
    }
    Ok(chain)
}
