//! Keys and X.509 certificates for Sigstore verification: the signature algorithms the
//! public-good and private instances use (ECDSA P-256/P-384 with SHA-256/384/512,
//! Ed25519), certificate parsing with `x509-cert`, issuer signatures, validity and the
//! extensions Fulcio writes (SAN, OIDC issuer, EKU, basic constraints).

use der::asn1::Ia5String;
use der::oid::ObjectIdentifier;
use der::{Decode, Encode};
use ecdsa::signature::hazmat::PrehashVerifier;
use sha2::{Digest as _, Sha256, Sha384, Sha512};
use x509_cert::Certificate;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::{BasicConstraints, ExtendedKeyUsage, KeyUsage, SubjectAltName};

/// id-ecPublicKey.
const EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const SECP256R1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
const SECP384R1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.34");
const ED25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");
const ECDSA_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.2");
const ECDSA_SHA384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.3");
const ECDSA_SHA512: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.4");
const RSA_ENCRYPTION: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
const RSA_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.11");
const RSA_SHA384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.12");
const RSA_SHA512: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.13");
const SAN: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.17");
const BASIC_CONSTRAINTS: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.19");
const KEY_USAGE: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.15");
const EXT_KEY_USAGE: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.37");
/// Fulcio: OIDC issuer, raw string (deprecated, still written).
const FULCIO_ISSUER_V1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.4.1.57264.1.1");
/// Fulcio: OIDC issuer, DER UTF8String.
const FULCIO_ISSUER_V2: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.4.1.57264.1.8");
/// id-kp-codeSigning.
pub(crate) const EKU_CODE_SIGNING: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.3");
/// id-kp-timeStamping.
pub(crate) const EKU_TIME_STAMPING: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.8");
/// The precertificate SCT list extension (RFC 6962 §3.3).
pub(crate) const SCT_LIST: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.3.6.1.4.1.11129.2.4.2");

/// A hash function named by a signature algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HashAlg {
    /// SHA-256.
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512.
    Sha512,
}

impl HashAlg {
    /// The digest of `data`.
    pub fn digest(self, data: &[u8]) -> Vec<u8> {
        match self {
            Self::Sha256 => Sha256::digest(data).to_vec(),
            Self::Sha384 => Sha384::digest(data).to_vec(),
            Self::Sha512 => Sha512::digest(data).to_vec(),
        }
    }

    /// The hash of an ECDSA or RSA PKCS#1 v1.5 signature algorithm OID
    /// (`ecdsa-with-SHA*`, `sha*WithRSAEncryption`).
    pub fn of_signature_oid(oid: &ObjectIdentifier) -> Option<Self> {
        match *oid {
            ECDSA_SHA256 | RSA_SHA256 => Some(Self::Sha256),
            ECDSA_SHA384 | RSA_SHA384 => Some(Self::Sha384),
            ECDSA_SHA512 | RSA_SHA512 => Some(Self::Sha512),
            _ => None,
        }
    }

    /// The hash of a digest algorithm OID (RFC 5754).
    pub fn of_digest_oid(oid: &ObjectIdentifier) -> Option<Self> {
        match oid.to_string().as_str() {
            "2.16.840.1.101.3.4.2.1" => Some(Self::Sha256),
            "2.16.840.1.101.3.4.2.2" => Some(Self::Sha384),
            "2.16.840.1.101.3.4.2.3" => Some(Self::Sha512),
            _ => None,
        }
    }
}

/// A verification key of any algorithm Sigstore uses.
#[derive(Clone, PartialEq, Eq)]
pub enum AnyKey {
    /// ECDSA P-256.
    P256(p256::ecdsa::VerifyingKey),
    /// ECDSA P-384.
    P384(p384::ecdsa::VerifyingKey),
    /// Ed25519.
    Ed25519(ed25519_dalek::VerifyingKey),
    /// RSA, PKCS#1 v1.5 signatures.
    Rsa(rsa::RsaPublicKey),
}

impl std::fmt::Debug for AnyKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.algorithm())
    }
}

impl AnyKey {
    /// Parses a DER SubjectPublicKeyInfo.
    pub fn from_spki_der(der: &[u8]) -> Result<Self, String> {
        let spki = match p256::pkcs8::spki::SubjectPublicKeyInfoRef::from_der(der) {
            Ok(spki) => spki,
            // Trusted roots write some RSA CT log keys as a bare PKCS#1 RSAPublicKey.
            Err(e) => {
                return rsa::pkcs1::DecodeRsaPublicKey::from_pkcs1_der(der)
                    .map(Self::Rsa)
                    .map_err(|_| e.to_string());
            }
        };
        let key_bytes = spki.subject_public_key.raw_bytes();
        if spki.algorithm.oid == ED25519 {
            let bytes: [u8; 32] = key_bytes
                .try_into()
                .map_err(|_| "Ed25519 key is not 32 bytes".to_owned())?;
            return ed25519_dalek::VerifyingKey::from_bytes(&bytes)
                .map(Self::Ed25519)
                .map_err(|e| e.to_string());
        }
        if spki.algorithm.oid == RSA_ENCRYPTION {
            return rsa::pkcs1::DecodeRsaPublicKey::from_pkcs1_der(key_bytes)
                .map(Self::Rsa)
                .map_err(|e| e.to_string());
        }
        if spki.algorithm.oid != EC_PUBLIC_KEY {
            return Err(format!("unsupported key algorithm {}", spki.algorithm.oid));
        }
        match spki.algorithm.parameters_oid().map_err(|e| e.to_string())? {
            SECP256R1 => p256::ecdsa::VerifyingKey::from_sec1_bytes(key_bytes)
                .map(Self::P256)
                .map_err(|e| e.to_string()),
            SECP384R1 => p384::ecdsa::VerifyingKey::from_sec1_bytes(key_bytes)
                .map(Self::P384)
                .map_err(|e| e.to_string()),
            other => Err(format!("unsupported elliptic curve {other}")),
        }
    }

    /// Parses a `PUBLIC KEY` PEM.
    pub fn from_pem(text: &[u8]) -> Result<Self, String> {
        let block = pem::parse(text).map_err(|e| e.to_string())?;
        if block.tag() != "PUBLIC KEY" {
            return Err(format!("PEM block is {:?}, not PUBLIC KEY", block.tag()));
        }
        Self::from_spki_der(block.contents())
    }

    /// `ECDSA P-256`, `ECDSA P-384` or `Ed25519`.
    pub fn algorithm(&self) -> &'static str {
        match self {
            Self::P256(_) => "ECDSA P-256",
            Self::P384(_) => "ECDSA P-384",
            Self::Ed25519(_) => "Ed25519",
            Self::Rsa(_) => "RSA",
        }
    }

    /// Verifies a DER ECDSA signature over a precomputed digest. Ed25519 signs
    /// messages, not digests, so it never verifies here.
    pub fn verify_prehash(&self, prehash: &[u8], sig_der: &[u8]) -> bool {
        match self {
            Self::P256(k) => p256::ecdsa::Signature::from_der(sig_der)
                .is_ok_and(|s| k.verify_prehash(prehash, &s).is_ok()),
            Self::P384(k) => p384::ecdsa::Signature::from_der(sig_der)
                .is_ok_and(|s| k.verify_prehash(prehash, &s).is_ok()),
            Self::Rsa(k) => {
                let scheme = match prehash.len() {
                    32 => rsa::Pkcs1v15Sign::new::<Sha256>(),
                    48 => rsa::Pkcs1v15Sign::new::<Sha384>(),
                    64 => rsa::Pkcs1v15Sign::new::<Sha512>(),
                    _ => return false,
                };
                k.verify(scheme, prehash, sig_der).is_ok()
            }
            Self::Ed25519(_) => false,
        }
    }

    /// Verifies `sig` over `message`: ECDSA (DER) over `hash(message)`, or Ed25519
    /// (64 raw bytes) over the message itself.
    pub fn verify(&self, hash: HashAlg, message: &[u8], sig: &[u8]) -> bool {
        match self {
            Self::Ed25519(k) => ed25519_dalek::Signature::from_slice(sig)
                .is_ok_and(|s| k.verify_strict(message, &s).is_ok()),
            _ => self.verify_prehash(&hash.digest(message), sig),
        }
    }

    /// The hash this key's algorithm pairs with for message signatures.
    pub fn default_hash(&self) -> HashAlg {
        match self {
            Self::P384(_) => HashAlg::Sha384,
            Self::P256(_) | Self::Ed25519(_) | Self::Rsa(_) => HashAlg::Sha256,
        }
    }
}

/// A parsed certificate with its DER.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cert {
    /// The DER encoding.
    pub der: Vec<u8>,
    /// The parsed certificate.
    pub cert: Certificate,
}

impl Cert {
    /// Parses DER.
    pub fn from_der(der: &[u8]) -> Result<Self, String> {
        let cert = Certificate::from_der(der).map_err(|e| format!("certificate: {e}"))?;
        Ok(Self {
            der: der.to_vec(),
            cert,
        })
    }

    /// The subject public key.
    pub fn public_key(&self) -> Result<AnyKey, String> {
        let spki = self.spki_der()?;
        AnyKey::from_spki_der(&spki)
    }

    /// The DER SubjectPublicKeyInfo.
    pub fn spki_der(&self) -> Result<Vec<u8>, String> {
        self.cert
            .tbs_certificate
            .subject_public_key_info
            .to_der()
            .map_err(|e| e.to_string())
    }

    /// `notBefore` and `notAfter` as Unix seconds.
    pub fn validity(&self) -> (i64, i64) {
        let v = &self.cert.tbs_certificate.validity;
        let secs = |t: x509_cert::time::Time| {
            i64::try_from(t.to_unix_duration().as_secs()).unwrap_or(i64::MAX)
        };
        (secs(v.not_before), secs(v.not_after))
    }

    /// Whether `t` (Unix seconds) is within the validity period, both ends inclusive.
    pub fn valid_at(&self, t: i64) -> bool {
        let (nb, na) = self.validity();
        nb <= t && t <= na
    }

    /// The raw value of the extension `oid`, when present (an error when repeated).
    pub fn extension(&self, oid: &ObjectIdentifier) -> Result<Option<&[u8]>, String> {
        let mut found = None;
        for ext in self.cert.tbs_certificate.extensions.iter().flatten() {
            if &ext.extn_id == oid {
                if found.is_some() {
                    return Err(format!("certificate: extension {oid} is repeated"));
                }
                found = Some(ext.extn_value.as_bytes());
            }
        }
        Ok(found)
    }

    /// Whether the certificate may sign certificates (basicConstraints CA, or the
    /// keyCertSign usage).
    pub fn is_ca(&self) -> Result<bool, String> {
        let ca = match self.extension(&BASIC_CONSTRAINTS)? {
            Some(v) => {
                BasicConstraints::from_der(v)
                    .map_err(|e| format!("basicConstraints: {e}"))?
                    .ca
            }
            None => false,
        };
        let cert_sign = match self.extension(&KEY_USAGE)? {
            Some(v) => KeyUsage::from_der(v)
                .map_err(|e| format!("keyUsage: {e}"))?
                .key_cert_sign(),
            None => false,
        };
        Ok(ca || cert_sign)
    }

    /// Whether the extended key usage, when present, allows `purpose`.
    pub fn allows_usage(&self, purpose: &ObjectIdentifier) -> Result<bool, String> {
        match self.extension(&EXT_KEY_USAGE)? {
            Some(v) => Ok(ExtendedKeyUsage::from_der(v)
                .map_err(|e| format!("extendedKeyUsage: {e}"))?
                .0
                .contains(purpose)),
            None => Ok(true),
        }
    }

    /// Whether `issuer`'s key signed this certificate (issuer name and signature).
    pub fn issued_by(&self, issuer: &Self) -> bool {
        if self.cert.tbs_certificate.issuer != issuer.cert.tbs_certificate.subject {
            return false;
        }
        let Some(hash) = HashAlg::of_signature_oid(&self.cert.signature_algorithm.oid) else {
            // Ed25519 certificates carry no hash.
            if self.cert.signature_algorithm.oid == ED25519
                && let (Ok(key @ AnyKey::Ed25519(_)), Ok(tbs)) =
                    (issuer.public_key(), self.cert.tbs_certificate.to_der())
            {
                return key.verify(HashAlg::Sha256, &tbs, self.cert.signature.raw_bytes());
            }
            return false;
        };
        let (Ok(key), Ok(tbs)) = (issuer.public_key(), self.cert.tbs_certificate.to_der()) else {
            return false;
        };
        key.verify(hash, &tbs, self.cert.signature.raw_bytes())
    }

    /// The subject alternative names a Fulcio certificate binds: URIs, emails and
    /// other names (UTF-8 strings, e.g. Fulcio's username SAN).
    pub fn san_identities(&self) -> Result<Vec<String>, String> {
        let Some(v) = self.extension(&SAN)? else {
            return Ok(Vec::new());
        };
        let san = SubjectAltName::from_der(v).map_err(|e| format!("subjectAltName: {e}"))?;
        Ok(san
            .0
            .iter()
            .filter_map(|name| match name {
                GeneralName::UniformResourceIdentifier(s)
                | GeneralName::Rfc822Name(s)
                | GeneralName::DnsName(s) => Some(ia5(s)),
                GeneralName::OtherName(o) => o
                    .value
                    .decode_as::<der::asn1::Utf8StringRef<'_>>()
                    .ok()
                    .map(|s| s.as_str().to_owned()),
                _ => None,
            })
            .collect())
    }

    /// The OIDC issuer Fulcio recorded (`1.3.6.1.4.1.57264.1.8`, else the older
    /// `1.3.6.1.4.1.57264.1.1`).
    pub fn oidc_issuer(&self) -> Result<Option<String>, String> {
        if let Some(v) = self.extension(&FULCIO_ISSUER_V2)? {
            let s = der::asn1::Utf8StringRef::from_der(v)
                .map_err(|e| format!("OIDC issuer extension: {e}"))?;
            return Ok(Some(s.as_str().to_owned()));
        }
        if let Some(v) = self.extension(&FULCIO_ISSUER_V1)? {
            return Ok(Some(String::from_utf8_lossy(v).into_owned()));
        }
        Ok(None)
    }
}

fn ia5(s: &Ia5String) -> String {
    s.to_string()
}

/// Verifies `chain[0]` up to `chain.last()` as a path: each certificate issued by the
/// next, every issuer a CA, every certificate valid at `t`.
pub fn path_valid_at(chain: &[&Cert], t: i64) -> bool {
    chain.iter().all(|c| c.valid_at(t))
        && chain
            .windows(2)
            .all(|w| w[0].issued_by(w[1]) && w[1].is_ca().unwrap_or(false))
}
