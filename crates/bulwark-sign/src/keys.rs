//! Cosign key files: password-encrypted private keys and SPKI public keys.
//!
//! A cosign private key is a PEM block (`ENCRYPTED SIGSTORE PRIVATE KEY`, or the older
//! `ENCRYPTED COSIGN PRIVATE KEY`) whose body is the JSON envelope of
//! go-securesystemslib's `encrypted` package:
//! `{"kdf":{"name":"scrypt","params":{"N":..,"r":8,"p":1},"salt":B64},
//!   "cipher":{"name":"nacl/secretbox","nonce":B64},"ciphertext":B64}`.
//! The ciphertext is NaCl `secretbox` (XSalsa20-Poly1305, tag first) of the PKCS#8 DER
//! private key, under a 32-byte key derived with scrypt from the password.
//! Only the three scrypt parameter sets that package accepts are honoured on load, so a
//! tampered envelope cannot make us burn unbounded memory or time.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use crypto_secretbox::aead::{Aead, KeyInit};
use crypto_secretbox::{Key as BoxKey, Nonce as BoxNonce, XSalsa20Poly1305};
use p256::ecdsa::{SigningKey, VerifyingKey};
use p256::pkcs8::{
    DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey, ObjectIdentifier,
    PrivateKeyInfo,
};
use rand_core::{OsRng, RngCore};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use zeroize::Zeroizing;

use crate::digest::Digest;
use crate::gojson;

/// PEM label cosign writes for new private keys.
pub const SIGSTORE_PRIVATE_KEY_LABEL: &str = "ENCRYPTED SIGSTORE PRIVATE KEY";
/// PEM label of private keys written by older cosign releases; still accepted on load.
pub const COSIGN_PRIVATE_KEY_LABEL: &str = "ENCRYPTED COSIGN PRIVATE KEY";
/// PEM label of SPKI public keys.
pub const PUBLIC_KEY_LABEL: &str = "PUBLIC KEY";

/// scrypt parameter sets accepted on load, as `(N, r, p)`: go-securesystemslib's
/// Legacy (cosign < 2.x writes these), Standard (what cosign writes now) and OWASP.
pub const ACCEPTED_SCRYPT_PARAMS: [(u64, u32, u32); 3] =
    [(32_768, 8, 1), (65_536, 8, 1), (131_072, 8, 1)];

const KDF_NAME: &str = "scrypt";
const CIPHER_NAME: &str = "nacl/secretbox";
const SALT_LEN: usize = 32;
const NONCE_LEN: usize = 24;
const BOX_KEY_LEN: usize = 32;

/// id-ecPublicKey.
const EC_PUBLIC_KEY_OID: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
/// prime256v1 / secp256r1 / NIST P-256.
const P256_OID: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");

/// Why a key could not be generated, loaded or written.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// The input has no parsable PEM block.
    #[error("{what}: not a PEM file ({detail})")]
    Pem {
        /// Which kind of key was expected.
        what: &'static str,
        /// The PEM parser's complaint.
        detail: String,
    },
    /// The PEM block carries a label we do not load.
    #[error("{what}: unsupported PEM type {found:?} (expected {expected})")]
    PemLabel {
        /// Which kind of key was expected.
        what: &'static str,
        /// The label found in the file.
        found: String,
        /// The label(s) accepted.
        expected: &'static str,
    },
    /// The PEM body is not the cosign JSON envelope.
    #[error("encrypted private key: the PEM body is not cosign's JSON envelope: {0}")]
    Envelope(String),
    /// The envelope names a KDF other than scrypt.
    #[error("encrypted private key: unknown kdf {0:?} (only \"scrypt\" is supported)")]
    UnknownKdf(String),
    /// The envelope names a cipher other than nacl/secretbox.
    #[error("encrypted private key: unknown cipher {0:?} (only \"nacl/secretbox\" is supported)")]
    UnknownCipher(String),
    /// The scrypt parameters are not one of [`ACCEPTED_SCRYPT_PARAMS`].
    #[error(
        "encrypted private key: unsupported scrypt parameters N={n} r={r} p={p} (cosign accepts N=32768/65536/131072 with r=8 p=1)"
    )]
    ScryptParams {
        /// The cost parameter found.
        n: u64,
        /// The block size found.
        r: u64,
        /// The parallelism found.
        p: u64,
    },
    /// A base64 field of the envelope does not decode.
    #[error("encrypted private key: field {field} is not valid base64: {source}")]
    Base64 {
        /// The JSON field.
        field: &'static str,
        /// The decoder's complaint.
        source: base64::DecodeError,
    },
    /// The secretbox nonce is not 24 bytes.
    #[error("encrypted private key: nonce is {0} bytes, expected 24")]
    NonceLength(usize),
    /// Authenticated decryption failed: the password is wrong or the key file was altered.
    #[error(
        "encrypted private key: decryption failed (wrong password, or the key file is corrupted)"
    )]
    Decrypt,
    /// The decrypted (or supplied) private key is not a PKCS#8 structure.
    #[error("private key: not a PKCS#8 private key ({0})")]
    NotPkcs8(String),
    /// The private or public key is not an ECDSA P-256 key.
    #[error("{what}: unsupported key algorithm {algorithm} (only ECDSA P-256 is supported)")]
    UnsupportedAlgorithm {
        /// Which kind of key was being read.
        what: &'static str,
        /// The OID found.
        algorithm: String,
    },
    /// The public key DER is malformed.
    #[error("public key: invalid SubjectPublicKeyInfo: {0}")]
    PublicKey(String),
    /// The operating system's random generator failed.
    #[error("random number generator failed: {0}")]
    Random(String),
    /// A key could not be encoded (should not happen for valid keys).
    #[error("encoding the key failed: {0}")]
    Encode(String),
}

/// The salt, nonce and scrypt cost used to encrypt a private key.
///
/// [`KeyEncryption::random`] is what `key generate` uses; fixed values exist so tests can
/// pin the exact bytes of the output (cosign itself always randomises both).
#[derive(Clone)]
pub struct KeyEncryption {
    /// The 32-byte scrypt salt.
    pub salt: [u8; SALT_LEN],
    /// The 24-byte secretbox nonce.
    pub nonce: [u8; NONCE_LEN],
    /// scrypt N; must be one of [`ACCEPTED_SCRYPT_PARAMS`] (cosign writes 65536).
    pub scrypt_n: u64,
}

impl KeyEncryption {
    /// Fresh random salt and nonce with cosign's current scrypt cost (N=65536, r=8, p=1).
    pub fn random() -> Result<Self, KeyError> {
        let mut salt = [0u8; SALT_LEN];
        let mut nonce = [0u8; NONCE_LEN];
        OsRng
            .try_fill_bytes(&mut salt)
            .and_then(|()| OsRng.try_fill_bytes(&mut nonce))
            .map_err(|e| KeyError::Random(e.to_string()))?;
        Ok(Self {
            salt,
            nonce,
            scrypt_n: 65_536,
        })
    }
}

impl fmt::Debug for KeyEncryption {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyEncryption")
            .field("scrypt_n", &self.scrypt_n)
            .finish_non_exhaustive()
    }
}

/// An ECDSA P-256 private key. The scalar is zeroized when the value is dropped and
/// never printed by `Debug`.
#[derive(Clone)]
pub struct PrivateKey {
    secret: p256::SecretKey,
}

impl PrivateKey {
    /// Generates a new random P-256 key from the operating system's RNG.
    pub fn generate() -> Self {
        Self {
            secret: p256::SecretKey::random(&mut OsRng),
        }
    }

    /// Loads a cosign encrypted private key (`ENCRYPTED SIGSTORE PRIVATE KEY` or
    /// `ENCRYPTED COSIGN PRIVATE KEY` PEM) with `password` (empty for none).
    pub fn from_encrypted_pem(pem_text: &[u8], password: &[u8]) -> Result<Self, KeyError> {
        let block = pem::parse(pem_text).map_err(|e| KeyError::Pem {
            what: "encrypted private key",
            detail: e.to_string(),
        })?;
        if block.tag() != SIGSTORE_PRIVATE_KEY_LABEL && block.tag() != COSIGN_PRIVATE_KEY_LABEL {
            return Err(KeyError::PemLabel {
                what: "encrypted private key",
                found: block.tag().to_owned(),
                expected: "ENCRYPTED SIGSTORE PRIVATE KEY or ENCRYPTED COSIGN PRIVATE KEY",
            });
        }
        let plaintext = decrypt_envelope(block.contents(), password)?;
        Self::from_pkcs8_der(&plaintext)
    }

    /// Reads an unencrypted PKCS#8 DER private key (what the cosign envelope holds).
    pub fn from_pkcs8_der(der: &[u8]) -> Result<Self, KeyError> {
        let info = PrivateKeyInfo::try_from(der).map_err(|e| {
            KeyError::NotPkcs8(format!(
                "{e}; a SEC1 'EC PRIVATE KEY' must be converted to PKCS#8 first"
            ))
        })?;
        check_ec_p256(
            "private key",
            info.algorithm.oid,
            info.algorithm.parameters_oid().ok(),
        )?;
        let secret =
            p256::SecretKey::from_pkcs8_der(der).map_err(|e| KeyError::NotPkcs8(e.to_string()))?;
        Ok(Self { secret })
    }

    /// The PKCS#8 DER encoding, laid out as Go's `x509.MarshalPKCS8PrivateKey` does
    /// (no curve parameters repeated inside the SEC1 structure; 138 bytes).
    pub fn to_pkcs8_der(&self) -> Result<Zeroizing<Vec<u8>>, KeyError> {
        let doc = self
            .secret
            .to_pkcs8_der()
            .map_err(|e| KeyError::Encode(e.to_string()))?;
        Ok(Zeroizing::new(doc.as_bytes().to_vec()))
    }

    /// Encrypts this key into cosign's `ENCRYPTED SIGSTORE PRIVATE KEY` PEM.
    pub fn to_encrypted_pem(
        &self,
        password: &[u8],
        encryption: &KeyEncryption,
    ) -> Result<String, KeyError> {
        let der = self.to_pkcs8_der()?;
        let envelope = encrypt_envelope(&der, password, encryption)?;
        Ok(encode_pem(SIGSTORE_PRIVATE_KEY_LABEL, &envelope))
    }

    /// The matching public key.
    pub fn public_key(&self) -> PublicKey {
        PublicKey {
            key: self.secret.public_key(),
        }
    }

    /// The ECDSA signing key (for the signature module).
    pub(crate) fn signing_key(&self) -> SigningKey {
        SigningKey::from(&self.secret)
    }
}

impl fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PrivateKey")
            .field("algorithm", &"ECDSA P-256")
            .field("public_key_sha256", &self.public_key().fingerprint())
            .finish_non_exhaustive()
    }
}

/// An ECDSA P-256 public key (SPKI).
#[derive(Clone, PartialEq, Eq)]
pub struct PublicKey {
    key: p256::PublicKey,
}

impl PublicKey {
    /// Parses a `PUBLIC KEY` PEM (SubjectPublicKeyInfo), as written by cosign and openssl.
    pub fn from_pem(pem_text: &[u8]) -> Result<Self, KeyError> {
        let block = pem::parse(pem_text).map_err(|e| KeyError::Pem {
            what: "public key",
            detail: e.to_string(),
        })?;
        if block.tag() != PUBLIC_KEY_LABEL {
            return Err(KeyError::PemLabel {
                what: "public key",
                found: block.tag().to_owned(),
                expected: "PUBLIC KEY",
            });
        }
        Self::from_spki_der(block.contents())
    }

    /// Parses a DER SubjectPublicKeyInfo.
    pub fn from_spki_der(der: &[u8]) -> Result<Self, KeyError> {
        let spki = p256::pkcs8::spki::SubjectPublicKeyInfoRef::try_from(der)
            .map_err(|e| KeyError::PublicKey(e.to_string()))?;
        check_ec_p256(
            "public key",
            spki.algorithm.oid,
            spki.algorithm.parameters_oid().ok(),
        )?;
        let key = p256::PublicKey::from_public_key_der(der)
            .map_err(|e| KeyError::PublicKey(e.to_string()))?;
        Ok(Self { key })
    }

    /// The DER SubjectPublicKeyInfo (91 bytes for P-256).
    pub fn to_spki_der(&self) -> Vec<u8> {
        // Encoding a valid P-256 point as SPKI cannot fail; an empty vector would make
        // every comparison fail rather than pass.
        self.key
            .to_public_key_der()
            .map(|doc| doc.as_bytes().to_vec())
            .unwrap_or_default()
    }

    /// The `PUBLIC KEY` PEM as cosign writes it (64-column lines, trailing newline).
    pub fn to_pem(&self) -> String {
        encode_pem(PUBLIC_KEY_LABEL, &self.to_spki_der())
    }

    /// Hex sha256 of the SPKI DER: Rekor's log ID when this is a Rekor key, and a
    /// stable, non-secret name for a key in messages.
    pub fn fingerprint(&self) -> String {
        Digest::of(&self.to_spki_der()).hex().to_owned()
    }

    /// The ECDSA verifying key (for the signature module).
    pub(crate) fn verifying_key(&self) -> VerifyingKey {
        VerifyingKey::from(&self.key)
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PublicKey")
            .field("algorithm", &"ECDSA P-256")
            .field("sha256", &self.fingerprint())
            .finish()
    }
}

/// A freshly generated key pair in cosign's file formats.
#[derive(Clone)]
pub struct GeneratedKeyPair {
    /// `cosign.key`: the `ENCRYPTED SIGSTORE PRIVATE KEY` PEM.
    pub private_pem: String,
    /// `cosign.pub`: the `PUBLIC KEY` PEM.
    pub public_pem: String,
}

impl fmt::Debug for GeneratedKeyPair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GeneratedKeyPair")
            .field("public_pem", &self.public_pem)
            .finish_non_exhaustive()
    }
}

/// `cosign generate-key-pair`: a new P-256 key, encrypted under `password` with random
/// salt and nonce (scrypt N=65536, r=8, p=1).
pub fn generate_key_pair(password: &[u8]) -> Result<GeneratedKeyPair, KeyError> {
    let key = PrivateKey::generate();
    let private_pem = key.to_encrypted_pem(password, &KeyEncryption::random()?)?;
    Ok(GeneratedKeyPair {
        private_pem,
        public_pem: key.public_key().to_pem(),
    })
}

fn check_ec_p256(
    what: &'static str,
    algorithm: ObjectIdentifier,
    curve: Option<ObjectIdentifier>,
) -> Result<(), KeyError> {
    if algorithm != EC_PUBLIC_KEY_OID {
        return Err(KeyError::UnsupportedAlgorithm {
            what,
            algorithm: algorithm.to_string(),
        });
    }
    match curve {
        Some(oid) if oid == P256_OID => Ok(()),
        Some(oid) => Err(KeyError::UnsupportedAlgorithm {
            what,
            algorithm: format!("EC curve {oid}"),
        }),
        None => Err(KeyError::UnsupportedAlgorithm {
            what,
            algorithm: "EC key without a named curve".to_owned(),
        }),
    }
}

/// Go's `pem.EncodeToMemory`: LF line ends, 64-column base64 lines.
fn encode_pem(label: &str, der: &[u8]) -> String {
    let body = B64.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for chunk in body.as_bytes().chunks(64) {
        // base64 output is ASCII, so every chunk is valid UTF-8.
        out.push_str(&String::from_utf8_lossy(chunk));
        out.push('\n');
    }
    out.push_str("-----END ");
    out.push_str(label);
    out.push_str("-----\n");
    out
}

#[derive(Serialize, Deserialize)]
struct ScryptParamsJson {
    #[serde(rename = "N")]
    n: u64,
    r: u64,
    p: u64,
}

#[derive(Deserialize)]
struct KdfJson {
    name: String,
    params: ScryptParamsJson,
    salt: Option<String>,
}

#[derive(Deserialize)]
struct CipherJson {
    name: String,
    nonce: Option<String>,
}

#[derive(Deserialize)]
struct EnvelopeJson {
    kdf: KdfJson,
    cipher: CipherJson,
    ciphertext: Option<String>,
}

fn derive_box_key(
    password: &[u8],
    salt: &[u8],
    n: u64,
) -> Result<Zeroizing<[u8; BOX_KEY_LEN]>, KeyError> {
    let bad = || KeyError::ScryptParams { n, r: 8, p: 1 };
    if !n.is_power_of_two() {
        return Err(bad());
    }
    let log_n = u8::try_from(n.trailing_zeros()).map_err(|_| bad())?;
    let params = scrypt::Params::new(log_n, 8, 1, BOX_KEY_LEN).map_err(|_| bad())?;
    let mut key = Zeroizing::new([0u8; BOX_KEY_LEN]);
    scrypt::scrypt(password, salt, &params, key.as_mut_slice())
        .map_err(|e| KeyError::Encode(e.to_string()))?;
    Ok(key)
}

fn decode_field(field: &'static str, value: Option<&str>) -> Result<Vec<u8>, KeyError> {
    // Go decodes JSON null into a nil byte slice.
    value.map_or(Ok(Vec::new()), |v| {
        B64.decode(v)
            .map_err(|source| KeyError::Base64 { field, source })
    })
}

/// Opens go-securesystemslib's `encrypted.Decrypt` envelope.
fn decrypt_envelope(envelope: &[u8], password: &[u8]) -> Result<Zeroizing<Vec<u8>>, KeyError> {
    let data: EnvelopeJson =
        serde_json::from_slice(envelope).map_err(|e| KeyError::Envelope(e.to_string()))?;
    if data.kdf.name != KDF_NAME {
        return Err(KeyError::UnknownKdf(data.kdf.name));
    }
    if data.cipher.name != CIPHER_NAME {
        return Err(KeyError::UnknownCipher(data.cipher.name));
    }
    let ScryptParamsJson { n, r, p } = data.kdf.params;
    if !ACCEPTED_SCRYPT_PARAMS
        .iter()
        .any(|&(an, ar, ap)| an == n && u64::from(ar) == r && u64::from(ap) == p)
    {
        return Err(KeyError::ScryptParams { n, r, p });
    }
    let salt = decode_field("kdf.salt", data.kdf.salt.as_deref())?;
    let nonce = decode_field("cipher.nonce", data.cipher.nonce.as_deref())?;
    let ciphertext = decode_field("ciphertext", data.ciphertext.as_deref())?;
    let nonce: [u8; NONCE_LEN] = nonce
        .as_slice()
        .try_into()
        .map_err(|_| KeyError::NonceLength(nonce.len()))?;
    let key = derive_box_key(password, &salt, n)?;
    let cipher = XSalsa20Poly1305::new(BoxKey::from_slice(key.as_slice()));
    cipher
        .decrypt(BoxNonce::from_slice(&nonce), ciphertext.as_slice())
        .map(Zeroizing::new)
        .map_err(|_| KeyError::Decrypt)
}

/// go-securesystemslib's `encrypted.Encrypt`, with the JSON laid out as Go's
/// `json.Marshal` lays out its structs.
fn encrypt_envelope(
    plaintext: &[u8],
    password: &[u8],
    encryption: &KeyEncryption,
) -> Result<Vec<u8>, KeyError> {
    let n = encryption.scrypt_n;
    if !ACCEPTED_SCRYPT_PARAMS.iter().any(|&(an, _, _)| an == n) {
        return Err(KeyError::ScryptParams { n, r: 8, p: 1 });
    }
    let key = derive_box_key(password, &encryption.salt, n)?;
    let cipher = XSalsa20Poly1305::new(BoxKey::from_slice(key.as_slice()));
    let ciphertext = cipher
        .encrypt(BoxNonce::from_slice(&encryption.nonce), plaintext)
        .map_err(|e| KeyError::Encode(e.to_string()))?;
    let mut params = serde_json::Map::new();
    params.insert("N".into(), n.into());
    params.insert("r".into(), 8.into());
    params.insert("p".into(), 1.into());
    let mut kdf = serde_json::Map::new();
    kdf.insert("name".into(), KDF_NAME.into());
    kdf.insert("params".into(), Value::Object(params));
    kdf.insert("salt".into(), B64.encode(encryption.salt).into());
    let mut cipher_json = serde_json::Map::new();
    cipher_json.insert("name".into(), CIPHER_NAME.into());
    cipher_json.insert("nonce".into(), B64.encode(encryption.nonce).into());
    let mut top = serde_json::Map::new();
    top.insert("kdf".into(), Value::Object(kdf));
    top.insert("cipher".into(), Value::Object(cipher_json));
    top.insert("ciphertext".into(), B64.encode(ciphertext).into());
    Ok(gojson::to_vec(&Value::Object(top)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixed(n: u64) -> KeyEncryption {
        KeyEncryption {
            salt: [1; 32],
            nonce: [2; 24],
            scrypt_n: n,
        }
    }

    #[test]
    fn round_trip_with_each_accepted_cost() {
        let key = PrivateKey::generate();
        for (n, _, _) in ACCEPTED_SCRYPT_PARAMS {
            let pem = key.to_encrypted_pem(b"pw", &fixed(n)).unwrap();
            let back = PrivateKey::from_encrypted_pem(pem.as_bytes(), b"pw").unwrap();
            assert_eq!(back.public_key(), key.public_key());
        }
    }

    #[test]
    fn generated_pair_loads_back_with_its_password_only() {
        let pair = generate_key_pair(b"s3cret").unwrap();
        assert!(
            pair.private_pem
                .starts_with("-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n")
        );
        assert!(pair.public_pem.starts_with("-----BEGIN PUBLIC KEY-----\n"));
        let key = PrivateKey::from_encrypted_pem(pair.private_pem.as_bytes(), b"s3cret").unwrap();
        assert_eq!(
            key.public_key(),
            PublicKey::from_pem(pair.public_pem.as_bytes()).unwrap()
        );
        assert!(matches!(
            PrivateKey::from_encrypted_pem(pair.private_pem.as_bytes(), b""),
            Err(KeyError::Decrypt)
        ));
        // Salt and nonce are fresh per call.
        let again = generate_key_pair(b"s3cret").unwrap();
        assert_ne!(again.private_pem, pair.private_pem);
        assert!(!format!("{pair:?}").contains("ENCRYPTED"));
    }

    #[test]
    fn wrong_password_is_decrypt_error() {
        let key = PrivateKey::generate();
        let pem = key.to_encrypted_pem(b"right", &fixed(32_768)).unwrap();
        let err = PrivateKey::from_encrypted_pem(pem.as_bytes(), b"wrong").unwrap_err();
        assert!(matches!(err, KeyError::Decrypt), "{err}");
    }

    #[test]
    fn unaccepted_scrypt_params_are_refused_before_any_work() {
        let env = br#"{"kdf":{"name":"scrypt","params":{"N":1048576,"r":8,"p":1},"salt":"AA=="},"cipher":{"name":"nacl/secretbox","nonce":"AA=="},"ciphertext":"AA=="}"#;
        let err = decrypt_envelope(env, b"").unwrap_err();
        assert!(
            matches!(
                err,
                KeyError::ScryptParams {
                    n: 1_048_576,
                    r: 8,
                    p: 1
                }
            ),
            "{err}"
        );
        let env = br#"{"kdf":{"name":"scrypt","params":{"N":65536,"r":16,"p":1},"salt":"AA=="},"cipher":{"name":"nacl/secretbox","nonce":"AA=="},"ciphertext":"AA=="}"#;
        assert!(matches!(
            decrypt_envelope(env, b""),
            Err(KeyError::ScryptParams { r: 16, .. })
        ));
        assert!(key_encryption_rejects_unaccepted_cost());
    }

    fn key_encryption_rejects_unaccepted_cost() -> bool {
        matches!(
            PrivateKey::generate().to_encrypted_pem(b"", &fixed(1024)),
            Err(KeyError::ScryptParams { n: 1024, .. })
        )
    }

    #[test]
    fn unknown_names_and_bad_nonce_are_named() {
        let env = br#"{"kdf":{"name":"pbkdf2","params":{"N":65536,"r":8,"p":1},"salt":"AA=="},"cipher":{"name":"nacl/secretbox","nonce":"AA=="},"ciphertext":"AA=="}"#;
        assert!(
            matches!(decrypt_envelope(env, b""), Err(KeyError::UnknownKdf(n)) if n == "pbkdf2")
        );
        let env = br#"{"kdf":{"name":"scrypt","params":{"N":65536,"r":8,"p":1},"salt":"AA=="},"cipher":{"name":"aes-gcm","nonce":"AA=="},"ciphertext":"AA=="}"#;
        assert!(
            matches!(decrypt_envelope(env, b""), Err(KeyError::UnknownCipher(n)) if n == "aes-gcm")
        );
        let env = br#"{"kdf":{"name":"scrypt","params":{"N":32768,"r":8,"p":1},"salt":"AA=="},"cipher":{"name":"nacl/secretbox","nonce":"AA=="},"ciphertext":"AA=="}"#;
        assert!(matches!(
            decrypt_envelope(env, b""),
            Err(KeyError::NonceLength(1))
        ));
        let env = br#"{"kdf":{"name":"scrypt","params":{"N":32768,"r":8,"p":1},"salt":"!!"},"cipher":{"name":"nacl/secretbox","nonce":"AA=="},"ciphertext":"AA=="}"#;
        assert!(matches!(
            decrypt_envelope(env, b""),
            Err(KeyError::Base64 {
                field: "kdf.salt",
                ..
            })
        ));
    }

    #[test]
    fn debug_never_prints_secret_material() {
        let key = PrivateKey::generate();
        let der = key.to_pkcs8_der().unwrap();
        let scalar = &der[36..68];
        let debug = format!("{key:?}");
        assert!(debug.contains("public_key_sha256"));
        assert!(!debug.contains(&crate::digest::hex_lower(scalar)));
        let enc = fixed(65_536);
        assert!(!format!("{enc:?}").contains("[1, 1"));
    }

    #[test]
    fn pem_lines_are_64_columns_with_lf() {
        let pem = PrivateKey::generate()
            .to_encrypted_pem(b"", &fixed(32_768))
            .unwrap();
        let lines: Vec<&str> = pem.lines().collect();
        assert_eq!(
            lines.first(),
            Some(&"-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----")
        );
        assert_eq!(
            lines.last(),
            Some(&"-----END ENCRYPTED SIGSTORE PRIVATE KEY-----")
        );
        let body = &lines[1..lines.len() - 1];
        assert!(body[..body.len() - 1].iter().all(|l| l.len() == 64));
        assert!(!pem.contains('\r'));
        assert!(pem.ends_with("-----\n"));
    }

    #[test]
    fn crlf_pem_as_written_by_sigstore_rs_loads() {
        let key = PrivateKey::generate();
        let pem = key
            .to_encrypted_pem(b"pw", &fixed(32_768))
            .unwrap()
            .replace('\n', "\r\n");
        let back = PrivateKey::from_encrypted_pem(pem.as_bytes(), b"pw").unwrap();
        let public = key.public_key().to_pem().replace('\n', "\r\n");
        assert_eq!(
            PublicKey::from_pem(public.as_bytes()).unwrap(),
            back.public_key()
        );
    }

    #[test]
    fn wrong_labels_are_refused() {
        let key = PrivateKey::generate();
        let public = key.public_key().to_pem();
        assert!(matches!(
            PrivateKey::from_encrypted_pem(public.as_bytes(), b""),
            Err(KeyError::PemLabel { .. })
        ));
        let private = key.to_encrypted_pem(b"", &fixed(32_768)).unwrap();
        assert!(matches!(
            PublicKey::from_pem(private.as_bytes()),
            Err(KeyError::PemLabel { .. })
        ));
        assert!(matches!(
            PublicKey::from_pem(b"junk"),
            Err(KeyError::Pem { .. })
        ));
    }
}
