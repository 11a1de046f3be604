//! Local stand-ins for Sigstore's public services, for keyless signing tests (Fulcio and
//! Rekor are outside this machine): a test Fulcio (a test root CA and intermediate issuing
//! code-signing leaves with the Fulcio OIDC extensions and an embedded SCT signed by a test
//! CT log key), a test Rekor (a real RFC 6962 Merkle tree: log indexes, SETs, inclusion
//! proofs, signed checkpoints), unsigned test identity tokens (the Fulcio stand-in trusts
//! them), and the trusted root / client trust config naming these keys.
//!
//! Both services run on the scripted loopback server of [`crate::stub`].

use std::str::FromStr as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use der::asn1::{BitString, Ia5String, ObjectIdentifier, OctetString, UtcTime, Utf8StringRef};
use der::{Decode as _, Encode as _};
use p256::ecdsa::signature::Signer as _;
use p256::ecdsa::signature::Verifier as _;
use p256::ecdsa::signature::hazmat::PrehashVerifier as _;
use p256::ecdsa::{Signature, SigningKey, VerifyingKey};
use p256::pkcs8::{DecodePublicKey as _, EncodePublicKey as _};
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};
use x509_cert::certificate::{Certificate, TbsCertificate, Version};
use x509_cert::ext::Extension;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::{
    AuthorityKeyIdentifier, BasicConstraints, ExtendedKeyUsage, KeyUsage, KeyUsages,
    SubjectAltName, SubjectKeyIdentifier,
};
use x509_cert::name::Name;
use x509_cert::serial_number::SerialNumber;
use x509_cert::spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};
use x509_cert::time::{Time, Validity};

use crate::http::{Reply, Request as StubRequest, Server as StubServer, serve};

const ECDSA_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.2");
const CODE_SIGNING: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.3");
const FULCIO_ISSUER_V1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.4.1.57264.1.1");
const FULCIO_ISSUER_V2: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.4.1.57264.1.8");
const SCT_LIST: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.4.1.11129.2.4.2");
const BASIC_CONSTRAINTS: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.19");
const KEY_USAGE: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.15");
const EXT_KEY_USAGE: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.37");
const SAN: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.17");
const SKI: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.14");
const AKI: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.35");

/// Trusted-root validity start for every test key (before any certificate we issue).
const VALID_FROM: &str = "2020-01-01T00:00:00Z";
/// The checkpoint origin of the test Rekor.
pub const REKOR_ORIGIN: &str = "bulwark-test-rekor - 1";

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

fn random_key() -> SigningKey {
    SigningKey::random(&mut rand_core::OsRng)
}

fn spki_der(key: &VerifyingKey) -> Vec<u8> {
    key.to_public_key_der()
        .map(|d| d.as_bytes().to_vec())
        .unwrap_or_default()
}

fn key_id(spki: &[u8]) -> Vec<u8> {
    Sha256::digest(spki)[..20].to_vec()
}

fn ext(oid: ObjectIdentifier, critical: bool, value: Vec<u8>) -> Result<Extension, String> {
    Ok(Extension {
        extn_id: oid,
        critical,
        extn_value: OctetString::new(value).map_err(|e| e.to_string())?,
    })
}

fn utc(secs: u64) -> Result<Time, String> {
    UtcTime::from_unix_duration(Duration::from_secs(secs))
        .map(Time::UtcTime)
        .map_err(|e| e.to_string())
}

static SERIAL: AtomicU64 = AtomicU64::new(1);

/// Signs a TBS certificate and returns the certificate DER.
fn sign_tbs(tbs: TbsCertificate, signer: &SigningKey) -> Result<Vec<u8>, String> {
    let tbs_der = tbs.to_der().map_err(|e| e.to_string())?;
    let sig: Signature = signer.sign(&tbs_der);
    Certificate {
        tbs_certificate: tbs,
        signature_algorithm: AlgorithmIdentifierOwned {
            oid: ECDSA_SHA256,
            parameters: None,
        },
        signature: BitString::from_bytes(sig.to_der().as_bytes()).map_err(|e| e.to_string())?,
    }
    .to_der()
    .map_err(|e| e.to_string())
}

fn tbs(
    subject: Name,
    issuer: Name,
    spki: &[u8],
    (not_before, not_after): (u64, u64),
    extensions: Vec<Extension>,
) -> Result<TbsCertificate, String> {
    let mut serial = vec![0x01];
    serial.extend_from_slice(&SERIAL.fetch_add(1, Ordering::SeqCst).to_be_bytes());
    serial.extend_from_slice(&now().to_be_bytes());
    Ok(TbsCertificate {
        version: Version::V3,
        serial_number: SerialNumber::new(&serial).map_err(|e| e.to_string())?,
        signature: AlgorithmIdentifierOwned {
            oid: ECDSA_SHA256,
            parameters: None,
        },
        issuer,
        validity: Validity {
            not_before: utc(not_before)?,
            not_after: utc(not_after)?,
        },
        subject,
        subject_public_key_info: SubjectPublicKeyInfoOwned::from_der(spki)
            .map_err(|e| e.to_string())?,
        issuer_unique_id: None,
        subject_unique_id: None,
        extensions: Some(extensions),
    })
}

fn ca_extensions(
    spki: &[u8],
    issuer_spki: &[u8],
    path_len: Option<u8>,
) -> Result<Vec<Extension>, String> {
    let der = |r: der::Result<Vec<u8>>| r.map_err(|e| e.to_string());
    let mut out = vec![
        ext(
            KEY_USAGE,
            true,
            der(KeyUsage(KeyUsages::KeyCertSign | KeyUsages::CRLSign).to_der())?,
        )?,
        ext(
            BASIC_CONSTRAINTS,
            true,
            der(BasicConstraints {
                ca: true,
                path_len_constraint: path_len,
            }
            .to_der())?,
        )?,
        ext(
            SKI,
            false,
            der(
                SubjectKeyIdentifier(OctetString::new(key_id(spki)).map_err(|e| e.to_string())?)
                    .to_der(),
            )?,
        )?,
        ext(AKI, false, der(aki(issuer_spki)?.to_der())?)?,
    ];
    if path_len.is_some() {
        out.insert(
            1,
            ext(
                EXT_KEY_USAGE,
                false,
                der(ExtendedKeyUsage(vec![CODE_SIGNING]).to_der())?,
            )?,
        );
    }
    Ok(out)
}

fn aki(issuer_spki: &[u8]) -> Result<AuthorityKeyIdentifier, String> {
    Ok(AuthorityKeyIdentifier {
        key_identifier: Some(OctetString::new(key_id(issuer_spki)).map_err(|e| e.to_string())?),
        authority_cert_issuer: None,
        authority_cert_serial_number: None,
    })
}

/// The test certificate authority and CT log.
struct Ca {
    root_der: Vec<u8>,
    intermediate_der: Vec<u8>,
    intermediate_key: SigningKey,
    intermediate_name: Name,
    intermediate_spki: Vec<u8>,
    ct_key: SigningKey,
}

impl Ca {
    fn new() -> Result<Ca, String> {
        let root_key = random_key();
        let root_spki = spki_der(root_key.verifying_key());
        let root_name =
            Name::from_str("CN=bulwark-test-root,O=bulwark.test").map_err(|e| e.to_string())?;
        let t = now();
        let window = (t - 86_400, t + 10 * 365 * 86_400);
        let root_der = sign_tbs(
            tbs(
                root_name.clone(),
                root_name.clone(),
                &root_spki,
                window,
                ca_extensions(&root_spki, &root_spki, None)?,
            )?,
            &root_key,
        )?;
        let intermediate_key = random_key();
        let intermediate_spki = spki_der(intermediate_key.verifying_key());
        let intermediate_name = Name::from_str("CN=bulwark-test-intermediate,O=bulwark.test")
            .map_err(|e| e.to_string())?;
        let intermediate_der = sign_tbs(
            tbs(
                intermediate_name.clone(),
                root_name,
                &intermediate_spki,
                window,
                ca_extensions(&intermediate_spki, &root_spki, Some(0))?,
            )?,
            &root_key,
        )?;
        Ok(Ca {
            root_der,
            intermediate_der,
            intermediate_key,
            intermediate_name,
            intermediate_spki,
            ct_key: random_key(),
        })
    }

    /// Fulcio's `POST /api/v2/signingCert`.
    fn signing_cert(&self, request: &StubRequest) -> Result<Value, (u16, String)> {
        let bad = |m: &str| (400u16, m.to_owned());
        let body: Value = serde_json::from_slice(&request.body).map_err(|_| bad("not JSON"))?;
        let token = body
            .pointer("/credentials/oidcIdentityToken")
            .and_then(Value::as_str)
            .ok_or_else(|| bad("no credentials.oidcIdentityToken"))?;
        let claims: Value = token
            .split('.')
            .nth(1)
            .and_then(|c| URL_SAFE_NO_PAD.decode(c).ok())
            .and_then(|c| serde_json::from_slice(&c).ok())
            .ok_or_else(|| (401, "the identity token is not a JWT".to_owned()))?;
        let claim = |k: &str| claims.get(k).and_then(Value::as_str).map(str::to_owned);
        let issuer = claim("iss").ok_or_else(|| (401, "token without iss".to_owned()))?;
        let subject = claim("sub").ok_or_else(|| (401, "token without sub".to_owned()))?;
        let email = claim("email");
        let pem = body
            .pointer("/publicKeyRequest/publicKey/content")
            .and_then(Value::as_str)
            .ok_or_else(|| bad("no publicKeyRequest.publicKey.content"))?;
        let key = VerifyingKey::from_public_key_pem(pem)
            .map_err(|_| bad("public key is not a P-256 PEM"))?;
        let proof = body
            .pointer("/publicKeyRequest/proofOfPossession")
            .and_then(Value::as_str)
            .and_then(|p| STANDARD.decode(p).ok())
            .and_then(|p| Signature::from_der(&p).ok())
            .ok_or_else(|| bad("no proofOfPossession"))?;
        let challenge = email.clone().unwrap_or_else(|| subject.clone());
        key.verify(challenge.as_bytes(), &proof)
            .map_err(|_| bad("the proof of possession does not verify"))?;
        let leaf = self
            .issue_leaf(&spki_der(&key), &issuer, email.as_deref(), &subject)
            .map_err(|e| (500, e))?;
        let pem_of = |der: &[u8]| pem_encode(der);
        Ok(
            json!({"signedCertificateEmbeddedSct": {"chain": {"certificates": [
                pem_of(&leaf), pem_of(&self.intermediate_der), pem_of(&self.root_der)
            ]}}}),
        )
    }

    fn issue_leaf(
        &self,
        spki: &[u8],
        issuer: &str,
        email: Option<&str>,
        subject: &str,
    ) -> Result<Vec<u8>, String> {
        let der = |r: der::Result<Vec<u8>>| r.map_err(|e| e.to_string());
        let san = match email {
            Some(e) => GeneralName::Rfc822Name(Ia5String::new(e).map_err(|e| e.to_string())?),
            None => GeneralName::UniformResourceIdentifier(
                Ia5String::new(subject).map_err(|e| e.to_string())?,
            ),
        };
        let extensions = vec![
            ext(
                KEY_USAGE,
                true,
                der(KeyUsage(KeyUsages::DigitalSignature.into()).to_der())?,
            )?,
            ext(
                EXT_KEY_USAGE,
                false,
                der(ExtendedKeyUsage(vec![CODE_SIGNING]).to_der())?,
            )?,
            ext(
                SKI,
                false,
                der(SubjectKeyIdentifier(
                    OctetString::new(key_id(spki)).map_err(|e| e.to_string())?,
                )
                .to_der())?,
            )?,
            ext(AKI, false, der(aki(&self.intermediate_spki)?.to_der())?)?,
            ext(SAN, true, der(SubjectAltName(vec![san]).to_der())?)?,
            ext(FULCIO_ISSUER_V1, false, issuer.as_bytes().to_vec())?,
            ext(
                FULCIO_ISSUER_V2,
                false,
                der(Utf8StringRef::new(issuer)
                    .map_err(|e| e.to_string())?
                    .to_der())?,
            )?,
        ];
        let t = now();
        let mut cert = tbs(
            Name::default(),
            self.intermediate_name.clone(),
            spki,
            (t - 60, t + 600),
            extensions,
        )?;
        // RFC 6962: the SCT signs the precertificate TBS (the final TBS without the SCT list)
        let precert = cert.to_der().map_err(|e| e.to_string())?;
        let sct = self.sct(&precert, t * 1000)?;
        let list_len = u16::try_from(sct.len() + 2).map_err(|e| e.to_string())?;
        let sct_len = u16::try_from(sct.len()).map_err(|e| e.to_string())?;
        let mut list = list_len.to_be_bytes().to_vec();
        list.extend_from_slice(&sct_len.to_be_bytes());
        list.extend_from_slice(&sct);
        let value = der(OctetString::new(list).map_err(|e| e.to_string())?.to_der())?;
        if let Some(exts) = cert.extensions.as_mut() {
            exts.push(ext(SCT_LIST, false, value)?);
        }
        sign_tbs(cert, &self.intermediate_key)
    }

    /// One serialized v1 SCT over `precert_tbs` (RFC 6962 §3.2).
    fn sct(&self, precert_tbs: &[u8], timestamp_ms: u64) -> Result<Vec<u8>, String> {
        let log_id: [u8; 32] = Sha256::digest(spki_der(self.ct_key.verifying_key())).into();
        let issuer_key_hash = Sha256::digest(&self.intermediate_spki);
        let tbs_len = u32::try_from(precert_tbs.len()).map_err(|e| e.to_string())?;
        let mut signed = vec![0u8, 0u8];
        signed.extend_from_slice(&timestamp_ms.to_be_bytes());
        signed.extend_from_slice(&1u16.to_be_bytes());
        signed.extend_from_slice(&issuer_key_hash);
        signed.extend_from_slice(&tbs_len.to_be_bytes()[1..]);
        signed.extend_from_slice(precert_tbs);
        signed.extend_from_slice(&0u16.to_be_bytes());
        let sig: Signature = self.ct_key.sign(&signed);
        let sig = sig.to_der().as_bytes().to_vec();
        let mut out = vec![0u8];
        out.extend_from_slice(&log_id);
        out.extend_from_slice(&timestamp_ms.to_be_bytes());
        out.extend_from_slice(&0u16.to_be_bytes());
        out.extend_from_slice(&[4, 3]); // sha256, ecdsa
        out.extend_from_slice(
            &u16::try_from(sig.len())
                .map_err(|e| e.to_string())?
                .to_be_bytes(),
        );
        out.extend_from_slice(&sig);
        Ok(out)
    }
}

fn pem_encode(der: &[u8]) -> String {
    let b64 = STANDARD.encode(der);
    let mut out = String::from("-----BEGIN CERTIFICATE-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(chunk));
        out.push('\n');
    }
    out.push_str("-----END CERTIFICATE-----\n");
    out
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::new(), |mut out, b| {
        let _ = write!(out, "{b:02x}");
        out
    })
}

fn node(l: &[u8; 32], r: &[u8; 32]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update([1u8]);
    h.update(l);
    h.update(r);
    h.finalize().into()
}

fn split_point(n: usize) -> usize {
    let mut k = 1;
    while k * 2 < n {
        k *= 2;
    }
    k
}

/// RFC 6962 Merkle tree hash.
fn mth(leaves: &[[u8; 32]]) -> [u8; 32] {
    match leaves {
        [] => Sha256::digest([]).into(),
        [one] => *one,
        _ => {
            let (l, r) = leaves.split_at(split_point(leaves.len()));
            node(&mth(l), &mth(r))
        }
    }
}

/// RFC 6962 audit path of leaf `m`.
fn path(index: usize, leaves: &[[u8; 32]]) -> Vec<[u8; 32]> {
    if leaves.len() <= 1 {
        return Vec::new();
    }
    let split = split_point(leaves.len());
    let (left, right) = leaves.split_at(split);
    if index < split {
        let mut proof = path(index, left);
        proof.push(mth(right));
        proof
    } else {
        let mut proof = path(index - split, right);
        proof.push(mth(left));
        proof
    }
}

/// The test transparency log.
struct Log {
    key: SigningKey,
    leaves: Mutex<Vec<[u8; 32]>>,
}

impl Log {
    fn log_id(&self) -> Vec<u8> {
        Sha256::digest(spki_der(self.key.verifying_key())).to_vec()
    }

    /// Rekor's `POST /api/v1/log/entries` for `hashedrekord` 0.0.1: checks the signature
    /// as Rekor does, appends the canonical body, answers with SET and inclusion proof.
    fn add_entry(&self, request: &StubRequest) -> Result<Value, (u16, String)> {
        let bad = |m: &str| (400u16, m.to_owned());
        let p: Value = serde_json::from_slice(&request.body).map_err(|_| bad("not JSON"))?;
        if p.get("kind").and_then(Value::as_str) != Some("hashedrekord")
            || p.get("apiVersion").and_then(Value::as_str) != Some("0.0.1")
        {
            return Err(bad("only hashedrekord 0.0.1 is supported by the stand-in"));
        }
        let text = |ptr: &str| {
            p.pointer(ptr)
                .and_then(Value::as_str)
                .map(str::to_owned)
                .ok_or_else(|| bad(ptr))
        };
        let algorithm = text("/spec/data/hash/algorithm")?;
        let value = text("/spec/data/hash/value")?;
        let sig_b64 = text("/spec/signature/content")?;
        let key_b64 = text("/spec/signature/publicKey/content")?;
        let verifier_pem = STANDARD
            .decode(&key_b64)
            .map_err(|_| bad("publicKey.content is not base64"))?;
        let block = pem::parse(&verifier_pem).map_err(|_| bad("publicKey.content is not PEM"))?;
        let key = match block.tag() {
            "CERTIFICATE" => Certificate::from_der(block.contents())
                .ok()
                .and_then(|c| c.tbs_certificate.subject_public_key_info.to_der().ok())
                .and_then(|spki| VerifyingKey::from_public_key_der(&spki).ok()),
            _ => VerifyingKey::from_public_key_der(block.contents()).ok(),
        }
        .ok_or_else(|| bad("the verifier is not a P-256 key or certificate"))?;
        let digest: Vec<u8> = (0..value.len())
            .step_by(2)
            .filter_map(|i| {
                value
                    .get(i..i + 2)
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
            })
            .collect();
        let sig = STANDARD
            .decode(&sig_b64)
            .ok()
            .and_then(|s| Signature::from_der(&s).ok())
            .ok_or_else(|| bad("signature is not base64 DER"))?;
        key.verify_prehash(&digest, &sig)
            .map_err(|_| bad("the signature does not verify with the given key"))?;
        // canonical (RFC 8785) body: keys in sorted order, no spaces
        let canonical = json!({"apiVersion": "0.0.1", "kind": "hashedrekord", "spec": {
            "data": {"hash": {"algorithm": algorithm, "value": value}},
            "signature": {"content": sig_b64, "publicKey": {"content": key_b64}}}});
        let body = serde_json::to_vec(&canonical).unwrap_or_default();
        let leaf = {
            let mut h = Sha256::new();
            h.update([0u8]);
            h.update(&body);
            <[u8; 32]>::from(h.finalize())
        };
        let mut leaves = self
            .leaves
            .lock()
            .map_err(|_| (500, "poisoned".to_owned()))?;
        let index = leaves.len();
        leaves.push(leaf);
        let size = leaves.len();
        let root = mth(&leaves);
        let proof: Vec<String> = path(index, &leaves).iter().map(|h| hex(h)).collect();
        drop(leaves);
        let integrated = now();
        let body_b64 = STANDARD.encode(&body);
        let log_id = hex(&self.log_id());
        let set_payload = json!({"body": body_b64, "integratedTime": integrated,
            "logID": log_id, "logIndex": index});
        let set: Signature = self
            .key
            .sign(&serde_json::to_vec(&set_payload).unwrap_or_default());
        let note = format!("{REKOR_ORIGIN}\n{size}\n{}\n", STANDARD.encode(root));
        let note_sig: Signature = self.key.sign(note.as_bytes());
        let mut signed = self.log_id()[..4].to_vec();
        signed.extend_from_slice(note_sig.to_der().as_bytes());
        let checkpoint = format!(
            "{note}\n\u{2014} bulwark-test-rekor {}\n",
            STANDARD.encode(signed)
        );
        Ok(json!({ hex(&leaf): {
            "body": body_b64,
            "integratedTime": integrated,
            "logID": log_id,
            "logIndex": index,
            "verification": {
                "signedEntryTimestamp": STANDARD.encode(set.to_der().as_bytes()),
                "inclusionProof": {
                    "checkpoint": checkpoint,
                    "hashes": proof,
                    "logIndex": index,
                    "rootHash": hex(&root),
                    "treeSize": size,
                }
            }
        }}))
    }
}

fn answer(result: Result<Value, (u16, String)>, created: u16) -> Reply {
    match result {
        Ok(v) => Reply::Full {
            status: created,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: serde_json::to_vec(&v).unwrap_or_default(),
        },
        Err((status, message)) => Reply::Full {
            status,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: serde_json::to_vec(&json!({"code": status, "message": message}))
                .unwrap_or_default(),
        },
    }
}

/// A running test Fulcio and test Rekor with their trust material.
pub struct TestSigstore {
    /// The Fulcio stand-in.
    pub fulcio: StubServer,
    /// The Rekor stand-in.
    pub rekor: StubServer,
    ca: Arc<Ca>,
    log: Arc<Log>,
}

impl TestSigstore {
    /// Starts both services with fresh keys.
    ///
    /// # Panics
    /// When the test certificates cannot be built (a bug in this stand-in).
    #[must_use]
    pub fn start() -> TestSigstore {
        #[allow(clippy::expect_used)]
        let ca = Arc::new(Ca::new().expect("build the test CA"));
        let log = Arc::new(Log {
            key: random_key(),
            leaves: Mutex::new(Vec::new()),
        });
        let c = ca.clone();
        let fulcio = serve(move |r| match (r.method.as_str(), r.path.as_str()) {
            ("POST", "/api/v2/signingCert") => answer(c.signing_cert(r), 201),
            _ => Reply::status(404),
        });
        let l = log.clone();
        let rekor = serve(move |r| match (r.method.as_str(), r.path.as_str()) {
            ("POST", "/api/v1/log/entries") => answer(l.add_entry(r), 201),
            _ => Reply::status(404),
        });
        TestSigstore {
            fulcio,
            rekor,
            ca,
            log,
        }
    }

    /// An unsigned identity token (`alg: none`) with these claims; the Fulcio stand-in
    /// certifies `email` when given, else `sub` as a URI.
    #[must_use]
    pub fn token(issuer: &str, subject: &str, email: Option<&str>) -> String {
        let mut claims = json!({"iss": issuer, "sub": subject, "aud": "sigstore",
            "iat": now(), "exp": now() + 600});
        if let (Some(e), Some(m)) = (email, claims.as_object_mut()) {
            m.insert("email".into(), e.into());
            m.insert("email_verified".into(), true.into());
        }
        format!(
            "{}.{}.",
            URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#),
            URL_SAFE_NO_PAD.encode(serde_json::to_vec(&claims).unwrap_or_default())
        )
    }

    /// The trusted root (`application/vnd.dev.sigstore.trustedroot+json;version=0.1`)
    /// naming the test Rekor key, the test CA chain and the test CT log key.
    #[must_use]
    pub fn trusted_root(&self) -> Value {
        let log_key = |spki: &[u8], url: &str| {
            json!({
                "baseUrl": url,
                "hashAlgorithm": "SHA2_256",
                "publicKey": {"rawBytes": STANDARD.encode(spki),
                    "keyDetails": "PKIX_ECDSA_P256_SHA_256", "validFor": {"start": VALID_FROM}},
                "logId": {"keyId": STANDARD.encode(Sha256::digest(spki))}
            })
        };
        json!({
            "mediaType": "application/vnd.dev.sigstore.trustedroot+json;version=0.1",
            "tlogs": [log_key(&spki_der(self.log.key.verifying_key()), &self.rekor.url())],
            "certificateAuthorities": [{
                "subject": {"organization": "bulwark.test", "commonName": "bulwark-test-root"},
                "uri": self.fulcio.url(),
                "certChain": {"certificates": [
                    {"rawBytes": STANDARD.encode(&self.ca.intermediate_der)},
                    {"rawBytes": STANDARD.encode(&self.ca.root_der)}
                ]},
                "validFor": {"start": VALID_FROM}
            }],
            "ctlogs": [log_key(&spki_der(self.ca.ct_key.verifying_key()), "http://ct.invalid")],
            "timestampAuthorities": []
        })
    }

    /// sigstore-python's `--trust-config` document: this trusted root plus a signing
    /// config pointing at the stand-ins.
    #[must_use]
    pub fn client_trust_config(&self) -> Value {
        let service = |url: String| {
            json!({"url": url, "majorApiVersion": 1,
            "validFor": {"start": VALID_FROM}, "operator": "bulwark.test"})
        };
        json!({
            "mediaType": "application/vnd.dev.sigstore.clienttrustconfig.v0.1+json",
            "trustedRoot": self.trusted_root(),
            "signingConfig": {
                "mediaType": "application/vnd.dev.sigstore.signingconfig.v0.2+json",
                "caUrls": [service(self.fulcio.url())],
                "oidcUrls": [],
                "rekorTlogUrls": [service(self.rekor.url())],
                "tsaUrls": [],
                "rekorTlogConfig": {"selector": "ANY"},
                "tsaConfig": {"selector": "ANY"}
            }
        })
    }
}
