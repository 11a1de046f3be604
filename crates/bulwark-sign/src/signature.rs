//! ECDSA P-256 / SHA-256 signatures in cosign's wire form: base64 of the ASN.1 DER
//! `ECDSA-Sig-Value`.
//!
//! Verification follows Go's `ecdsa.VerifyASN1`: DER only (no raw `r||s`), and both
//! low-S and high-S signatures are accepted (Go never normalises S, so cosign-made
//! signatures are high-S about half of the time).

use std::io::{self, Read};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use p256::ecdsa::Signature;
use p256::ecdsa::signature::hazmat::{PrehashSigner, PrehashVerifier};
use sha2::{Digest as _, Sha256};

use crate::keys::{PrivateKey, PublicKey};

/// Why a signature did not verify.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    /// The signature text is not base64.
    #[error("signature is not valid base64: {0}")]
    Base64(#[from] base64::DecodeError),
    /// The signature bytes are not a DER ECDSA signature (truncated, raw r||s, junk).
    #[error("signature is not an ASN.1 DER ECDSA signature ({len} bytes)")]
    NotDer {
        /// Length of the decoded signature.
        len: usize,
    },
    /// The signature is well-formed but does not match the data and key.
    #[error("signature does not verify with public key sha256:{key}")]
    Mismatch {
        /// Fingerprint (sha256 of the SPKI) of the key tried.
        key: String,
    },
    /// The blob could not be read.
    #[error("reading the signed data failed: {0}")]
    Io(#[from] io::Error),
}

/// Signs `payload` (e.g. a simple-signing payload, exact bytes) and returns the base64
/// DER signature cosign stores in `dev.cosignproject.cosign/signature`.
pub fn sign_payload(key: &PrivateKey, payload: &[u8]) -> String {
    sign_prehash(key, &Sha256::digest(payload).into())
}

/// Returns the raw DER signature over `payload` (for `openssl dgst -verify`).
pub fn sign_payload_der(key: &PrivateKey, payload: &[u8]) -> Vec<u8> {
    sign_prehash_der(key, &Sha256::digest(payload).into())
}

/// Verifies a base64 DER signature over `payload`.
pub fn verify_payload(
    key: &PublicKey,
    payload: &[u8],
    signature_b64: &str,
) -> Result<(), VerifyError> {
    let der = decode_signature(signature_b64)?;
    verify_der(key, payload, &der)
}

/// Verifies a DER signature over `payload`; high-S is accepted as Go accepts it.
pub fn verify_der(key: &PublicKey, payload: &[u8], der: &[u8]) -> Result<(), VerifyError> {
    verify_prehash_der(key, &Sha256::digest(payload).into(), der)
}

/// `cosign sign-blob`: signs the SHA-256 of everything `reader` yields, streaming, and
/// returns the base64 DER signature.
pub fn sign_blob(key: &PrivateKey, reader: impl Read) -> io::Result<String> {
    Ok(sign_prehash(key, &hash_reader(reader)?))
}

/// `cosign verify-blob`: checks `signature_b64` (surrounding whitespace allowed, as in a
/// `.sig` file) against the SHA-256 of everything `reader` yields.
pub fn verify_blob(
    key: &PublicKey,
    reader: impl Read,
    signature_b64: &str,
) -> Result<(), VerifyError> {
    let der = decode_signature(signature_b64)?;
    verify_prehash_der(key, &hash_reader(reader)?, &der)
}

/// Decodes cosign's base64 signature text (standard alphabet, padded), trimming the
/// surrounding whitespace a file may carry.
pub fn decode_signature(signature_b64: &str) -> Result<Vec<u8>, VerifyError> {
    Ok(B64.decode(signature_b64.trim())?)
}

/// The SHA-256 of everything `reader` yields (streaming).
pub fn hash_reader(mut reader: impl Read) -> io::Result<[u8; 32]> {
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        hasher.update(buf.get(..n).unwrap_or_default());
    }
    Ok(hasher.finalize().into())
}

pub(crate) fn sign_prehash_der(key: &PrivateKey, hash: &[u8; 32]) -> Vec<u8> {
    let signing = key.signing_key();
    // A 32-byte prehash is exactly the field size, which the signer always accepts;
    // the fallback keeps this path panic-free regardless.
    let sig: Signature = match signing.sign_prehash(hash) {
        Ok(sig) => sig,
        Err(_) => return Vec::new(),
    };
    sig.to_der().as_bytes().to_vec()
}

fn sign_prehash(key: &PrivateKey, hash: &[u8; 32]) -> String {
    B64.encode(sign_prehash_der(key, hash))
}

pub(crate) fn verify_prehash_der(
    key: &PublicKey,
    hash: &[u8; 32],
    der: &[u8],
) -> Result<(), VerifyError> {
    let sig = Signature::from_der(der).map_err(|_| VerifyError::NotDer { len: der.len() })?;
    // RustCrypto's verifier wants low-S; Go accepts either, so normalise first.
    let sig = sig.normalize_s().unwrap_or(sig);
    key.verifying_key()
        .verify_prehash(hash, &sig)
        .map_err(|_| VerifyError::Mismatch {
            key: key.fingerprint(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_then_verify_and_tamper() {
        let key = PrivateKey::generate();
        let public = key.public_key();
        let sig = sign_payload(&key, b"payload");
        verify_payload(&public, b"payload", &sig).unwrap();
        assert!(matches!(
            verify_payload(&public, b"payloaD", &sig),
            Err(VerifyError::Mismatch { .. })
        ));
        let other = PrivateKey::generate().public_key();
        assert!(matches!(
            verify_payload(&other, b"payload", &sig),
            Err(VerifyError::Mismatch { .. })
        ));
    }

    #[test]
    fn high_s_form_of_our_signature_still_verifies() {
        let key = PrivateKey::generate();
        let der = sign_payload_der(&key, b"x");
        let sig = Signature::from_der(&der).unwrap();
        let (r, s) = sig.split_scalars();
        let high = Signature::from_scalars(r, -*s).unwrap();
        let high_der = high.to_der().as_bytes().to_vec();
        assert_ne!(high_der, der);
        verify_der(&key.public_key(), b"x", &high_der).unwrap();
    }

    #[test]
    fn raw_and_truncated_signatures_are_not_der() {
        let key = PrivateKey::generate();
        let der = sign_payload_der(&key, b"x");
        let raw = Signature::from_der(&der).unwrap().to_bytes().to_vec();
        assert!(matches!(
            verify_der(&key.public_key(), b"x", &raw),
            Err(VerifyError::NotDer { len: 64 })
        ));
        for cut in 0..der.len() {
            assert!(matches!(
                verify_der(&key.public_key(), b"x", &der[..cut]),
                Err(VerifyError::NotDer { .. })
            ));
        }
        let mut trailing = der.clone();
        trailing.push(0);
        assert!(verify_der(&key.public_key(), b"x", &trailing).is_err());
        assert!(matches!(
            verify_payload(&key.public_key(), b"x", "not base64!"),
            Err(VerifyError::Base64(_))
        ));
    }

    #[test]
    fn blob_signature_equals_payload_signature_semantics() {
        let key = PrivateKey::generate();
        let data = vec![7u8; 200_000];
        let sig = sign_blob(&key, data.as_slice()).unwrap();
        verify_blob(&key.public_key(), data.as_slice(), &format!("{sig}\n")).unwrap();
        verify_payload(&key.public_key(), &data, &sig).unwrap();
        assert!(verify_blob(&key.public_key(), &data[1..], &sig).is_err());
    }
}
