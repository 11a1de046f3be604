//! Sigstore bundles (v0.1, v0.2, v0.3) as Cosign v3 attaches them to images, and their
//! verification with a public key.
//!
//! Wire format: the protobuf-JSON form of `dev.sigstore.bundle.v1.Bundle`
//! (sigstore/protobuf-specs `sigstore_bundle.proto`, mirrored in sigstore/cosign
//! `specs/dotsigstore_bundle/pb/sigstore_bundle.proto`). Parsing follows protobuf-JSON
//! rules: lowerCamelCase names (the proto names are accepted too), `bytes` as base64
//! (standard or URL alphabet, padding optional), 64-bit integers as strings or numbers.
//!
//! What `cosign sign --key k --new-bundle-format` (the default in Cosign v3) produces,
//! read from sigstore/cosign `cmd/cosign/cli/sign/sign.go` (`signDigestBundle`) and
//! sigstore-go `pkg/sign` (`Bundle`, `EphemeralKeypair.GetHint`):
//! - an in-toto Statement v1 (`https://in-toto.io/Statement/v1`) whose only subject has
//!   `digest: {sha256: <image manifest digest hex>}` (no `name`), whose subject
//!   `annotations` are the `-a` annotations, with `predicateType`
//!   `https://sigstore.dev/cosign/sign/v1` and an empty `predicate`;
//! - signed as a DSSE envelope (`payloadType: application/vnd.in-toto+json`; the ECDSA
//!   signature is over the DSSE pre-authentication encoding, PAE);
//! - in a v0.3 bundle whose `verificationMaterial.publicKey.hint` is
//!   base64(sha256(SPKI DER)) and, with `--tlog-upload=false`, no `tlogEntries`.
//!
//! A `messageSignature` bundle signs the artifact's digest directly; for an image the
//! artifact is its manifest, so `messageDigest` must be the image digest.

use std::collections::BTreeMap;
use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use serde_json::{Map, Value};

use crate::digest::{Digest, hex_lower};
use crate::keys::{PrivateKey, PublicKey};
use crate::rekor::{Logged, RekorError, TlogStatus, check_entry, verify_set};
use crate::signature::{VerifyError, sign_payload_der, verify_der, verify_prehash_der};
use crate::verify::VerifyOptions;

/// Media type of a v0.3 bundle (also the referrer's `artifactType` and layer type).
pub const BUNDLE_MEDIA_TYPE: &str = "application/vnd.dev.sigstore.bundle.v0.3+json";
/// Every bundle media type (v0.1 `…bundle+json;version=0.1`, v0.3 `…bundle.v0.3+json`)
/// starts with this.
pub const BUNDLE_MEDIA_TYPE_PREFIX: &str = "application/vnd.dev.sigstore.bundle";
/// The DSSE payload type of an in-toto statement.
pub const IN_TOTO_PAYLOAD_TYPE: &str = "application/vnd.in-toto+json";
/// in-toto Statement v1 `_type`.
pub const IN_TOTO_STATEMENT_V1: &str = "https://in-toto.io/Statement/v1";
/// in-toto Statement v0.1 `_type` (still produced by older attestations).
pub const IN_TOTO_STATEMENT_V01: &str = "https://in-toto.io/Statement/v0.1";
/// The predicate type of a Cosign v3 image signature.
pub const COSIGN_SIGN_PREDICATE_TYPE: &str = "https://sigstore.dev/cosign/sign/v1";
/// Referrer annotation: `dsse-envelope` or `message-signature`.
pub const BUNDLE_CONTENT_ANNOTATION: &str = "dev.sigstore.bundle.content";
/// Referrer annotation: the in-toto predicate type of a DSSE bundle.
pub const BUNDLE_PREDICATE_TYPE_ANNOTATION: &str = "dev.sigstore.bundle.predicateType";

/// Why a bundle could not be parsed.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum BundleError {
    /// Not JSON, or not an object.
    #[error("sigstore bundle: not a JSON object: {0}")]
    Json(String),
    /// The media type is not a known bundle version.
    #[error("sigstore bundle: unsupported media type {0:?}")]
    MediaType(String),
    /// A required field is missing or has the wrong type.
    #[error("sigstore bundle: {0}")]
    Field(String),
}

/// The key material a bundle names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VerificationMaterial {
    /// A public key known out of band; the hint is advisory.
    PublicKey {
        /// `publicKey.hint` (Cosign: base64 sha256 of the SPKI).
        hint: String,
    },
    /// A single leaf certificate (v0.3).
    Certificate(Vec<u8>),
    /// A chain, leaf first (v0.1/v0.2).
    X509Chain(Vec<Vec<u8>>),
}

/// A transparency-log entry (`dev.sigstore.rekor.v1.TransparencyLogEntry`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlogEntry {
    /// `logIndex`.
    pub log_index: i64,
    /// `logId.keyId` (sha256 of the log's key).
    pub log_id: Vec<u8>,
    /// `kindVersion.kind` (`hashedrekord`, `dsse`, `intoto`).
    pub kind: String,
    /// `kindVersion.version`.
    pub version: String,
    /// `integratedTime` (Unix seconds).
    pub integrated_time: i64,
    /// `inclusionPromise.signedEntryTimestamp`, when present.
    pub signed_entry_timestamp: Option<Vec<u8>>,
    /// `canonicalizedBody`.
    pub canonicalized_body: Vec<u8>,
    /// `inclusionProof`, when present.
    pub inclusion_proof: Option<InclusionProof>,
}

/// A Merkle inclusion proof with the checkpoint it is consistent with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InclusionProof {
    /// `logIndex` (the leaf's index in the tree the proof is for).
    pub log_index: i64,
    /// `rootHash`.
    pub root_hash: Vec<u8>,
    /// `treeSize`.
    pub tree_size: i64,
    /// `hashes`, leaf to root.
    pub hashes: Vec<Vec<u8>>,
    /// `checkpoint.envelope` (a signed note).
    pub checkpoint: String,
}

/// One DSSE signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DsseSignature {
    /// The raw signature (DER ECDSA for P-256 keys).
    pub sig: Vec<u8>,
    /// `keyid` (usually empty).
    pub keyid: String,
}

/// A DSSE envelope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DsseEnvelope {
    /// The exact payload bytes.
    pub payload: Vec<u8>,
    /// `payloadType`.
    pub payload_type: String,
    /// The signatures.
    pub signatures: Vec<DsseSignature>,
}

/// A signature over an artifact digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageSignature {
    /// `messageDigest.algorithm` (`SHA2_256`).
    pub algorithm: String,
    /// `messageDigest.digest`.
    pub digest: Vec<u8>,
    /// `signature`.
    pub signature: Vec<u8>,
}

/// What a bundle signs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BundleContent {
    /// A DSSE envelope (Cosign v3 image signatures and attestations).
    Dsse(DsseEnvelope),
    /// A plain signature over a digest.
    MessageSignature(MessageSignature),
}

/// A parsed Sigstore bundle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bundle {
    /// `mediaType`.
    pub media_type: String,
    /// The key material.
    pub verification_material: VerificationMaterial,
    /// `verificationMaterial.tlogEntries`.
    pub tlog_entries: Vec<TlogEntry>,
    /// The signed content.
    pub content: BundleContent,
    /// `verificationMaterial.timestampVerificationData.rfc3161Timestamps[].signedTimestamp`.
    pub rfc3161_timestamps: Vec<Vec<u8>>,
}

fn field<'a>(obj: &'a Map<String, Value>, json_name: &str, proto_name: &str) -> Option<&'a Value> {
    obj.get(json_name)
        .or_else(|| obj.get(proto_name))
        .filter(|v| !v.is_null())
}

fn object<'a>(v: &'a Value, what: &str) -> Result<&'a Map<String, Value>, BundleError> {
    v.as_object()
        .ok_or_else(|| BundleError::Field(format!("{what} is not an object")))
}

fn string(
    obj: &Map<String, Value>,
    json: &str,
    proto: &str,
    what: &str,
) -> Result<String, BundleError> {
    match field(obj, json, proto) {
        None => Ok(String::new()),
        Some(Value::String(s)) => Ok(s.clone()),
        Some(_) => Err(BundleError::Field(format!("{what} is not a string"))),
    }
}

/// protobuf-JSON `bytes`: base64, standard or URL-safe, with or without padding.
fn bytes(
    obj: &Map<String, Value>,
    json: &str,
    proto: &str,
    what: &str,
) -> Result<Vec<u8>, BundleError> {
    match field(obj, json, proto) {
        None => Ok(Vec::new()),
        Some(Value::String(s)) => {
            decode_b64(s).ok_or_else(|| BundleError::Field(format!("{what} is not base64")))
        }
        Some(_) => Err(BundleError::Field(format!("{what} is not a base64 string"))),
    }
}

pub(crate) fn decode_b64(s: &str) -> Option<Vec<u8>> {
    // Go's and Python's decoders skip line breaks (`base64` wraps at 76 columns).
    let unwrapped;
    let s = if s.contains(['\n', '\r']) {
        unwrapped = s.replace(['\n', '\r'], "");
        unwrapped.as_str()
    } else {
        s
    };
    STANDARD
        .decode(s)
        .or_else(|_| STANDARD_NO_PAD.decode(s))
        .or_else(|_| URL_SAFE.decode(s))
        .or_else(|_| URL_SAFE_NO_PAD.decode(s))
        .ok()
}

/// protobuf-JSON `int64`: a decimal string or a JSON number.
fn int64(
    obj: &Map<String, Value>,
    json: &str,
    proto: &str,
    what: &str,
) -> Result<i64, BundleError> {
    match field(obj, json, proto) {
        None => Ok(0),
        Some(Value::String(s)) => s
            .parse()
            .map_err(|_| BundleError::Field(format!("{what} is not an int64"))),
        Some(Value::Number(n)) => n
            .as_i64()
            .ok_or_else(|| BundleError::Field(format!("{what} is not an int64"))),
        Some(_) => Err(BundleError::Field(format!("{what} is not an int64"))),
    }
}

fn array<'a>(
    obj: &'a Map<String, Value>,
    json: &str,
    proto: &str,
    what: &str,
) -> Result<&'a [Value], BundleError> {
    match field(obj, json, proto) {
        None => Ok(&[]),
        Some(Value::Array(a)) => Ok(a),
        Some(_) => Err(BundleError::Field(format!("{what} is not an array"))),
    }
}

/// The bundle format version of a media type, or `None` when it is not a bundle.
pub fn bundle_version(media_type: &str) -> Option<&'static str> {
    match media_type {
        "application/vnd.dev.sigstore.bundle+json;version=0.1" => Some("0.1"),
        "application/vnd.dev.sigstore.bundle+json;version=0.2" => Some("0.2"),
        "application/vnd.dev.sigstore.bundle+json;version=0.3"
        | "application/vnd.dev.sigstore.bundle.v0.3+json" => Some("0.3"),
        _ => None,
    }
}

impl Bundle {
    /// Parses a bundle (protobuf JSON). Never panics; unknown fields are ignored.
    pub fn parse(bytes_in: &[u8]) -> Result<Self, BundleError> {
        let value: Value =
            serde_json::from_slice(bytes_in).map_err(|e| BundleError::Json(e.to_string()))?;
        let root = value
            .as_object()
            .ok_or_else(|| BundleError::Json("top level is not an object".into()))?;
        let media_type = string(root, "mediaType", "media_type", "mediaType")?;
        if bundle_version(&media_type).is_none() {
            return Err(BundleError::MediaType(media_type));
        }
        let vm = object(
            field(root, "verificationMaterial", "verification_material")
                .ok_or_else(|| BundleError::Field("verificationMaterial is missing".into()))?,
            "verificationMaterial",
        )?;
        let verification_material = Self::parse_material(vm)?;
        let tlog_entries = array(vm, "tlogEntries", "tlog_entries", "tlogEntries")?
            .iter()
            .map(Self::parse_tlog_entry)
            .collect::<Result<Vec<_>, _>>()?;
        let content = match (
            field(root, "dsseEnvelope", "dsse_envelope"),
            field(root, "messageSignature", "message_signature"),
        ) {
            (Some(d), None) => BundleContent::Dsse(Self::parse_dsse(object(d, "dsseEnvelope")?)?),
            (None, Some(m)) => BundleContent::MessageSignature(Self::parse_message(object(
                m,
                "messageSignature",
            )?)?),
            (Some(_), Some(_)) => {
                return Err(BundleError::Field(
                    "both dsseEnvelope and messageSignature are set".into(),
                ));
            }
            (None, None) => {
                return Err(BundleError::Field(
                    "neither dsseEnvelope nor messageSignature is set".into(),
                ));
            }
        };
        let rfc3161_timestamps = match field(
            vm,
            "timestampVerificationData",
            "timestamp_verification_data",
        ) {
            Some(t) => array(
                object(t, "timestampVerificationData")?,
                "rfc3161Timestamps",
                "rfc3161_timestamps",
                "rfc3161Timestamps",
            )?
            .iter()
            .map(|ts| {
                bytes(
                    object(ts, "rfc3161Timestamps[]")?,
                    "signedTimestamp",
                    "signed_timestamp",
                    "rfc3161Timestamps[].signedTimestamp",
                )
            })
            .collect::<Result<Vec<_>, _>>()?,
            None => Vec::new(),
        };
        Ok(Self {
            media_type,
            verification_material,
            tlog_entries,
            content,
            rfc3161_timestamps,
        })
    }

    fn parse_material(vm: &Map<String, Value>) -> Result<VerificationMaterial, BundleError> {
        if let Some(pk) = field(vm, "publicKey", "public_key") {
            let pk = object(pk, "verificationMaterial.publicKey")?;
            return Ok(VerificationMaterial::PublicKey {
                hint: string(pk, "hint", "hint", "publicKey.hint")?,
            });
        }
        if let Some(cert) = field(vm, "certificate", "certificate") {
            let cert = object(cert, "verificationMaterial.certificate")?;
            return Ok(VerificationMaterial::Certificate(bytes(
                cert,
                "rawBytes",
                "raw_bytes",
                "certificate.rawBytes",
            )?));
        }
        if let Some(chain) = field(vm, "x509CertificateChain", "x509_certificate_chain") {
            let chain = object(chain, "verificationMaterial.x509CertificateChain")?;
            let certs = array(chain, "certificates", "certificates", "certificates")?
                .iter()
                .map(|c| {
                    bytes(
                        object(c, "x509CertificateChain.certificates[]")?,
                        "rawBytes",
                        "raw_bytes",
                        "certificates[].rawBytes",
                    )
                })
                .collect::<Result<Vec<_>, _>>()?;
            return Ok(VerificationMaterial::X509Chain(certs));
        }
        Err(BundleError::Field(
            "verificationMaterial has no publicKey, certificate or x509CertificateChain".into(),
        ))
    }

    fn parse_tlog_entry(v: &Value) -> Result<TlogEntry, BundleError> {
        let e = object(v, "tlogEntries[]")?;
        let log_id = match field(e, "logId", "log_id") {
            Some(id) => bytes(object(id, "logId")?, "keyId", "key_id", "logId.keyId")?,
            None => Vec::new(),
        };
        let (kind, version) = match field(e, "kindVersion", "kind_version") {
            Some(kv) => {
                let kv = object(kv, "kindVersion")?;
                (
                    string(kv, "kind", "kind", "kindVersion.kind")?,
                    string(kv, "version", "version", "kindVersion.version")?,
                )
            }
            None => (String::new(), String::new()),
        };
        let signed_entry_timestamp = match field(e, "inclusionPromise", "inclusion_promise") {
            Some(p) => Some(bytes(
                object(p, "inclusionPromise")?,
                "signedEntryTimestamp",
                "signed_entry_timestamp",
                "inclusionPromise.signedEntryTimestamp",
            )?),
            None => None,
        };
        let inclusion_proof = match field(e, "inclusionProof", "inclusion_proof") {
            Some(p) => Some(Self::parse_proof(object(p, "inclusionProof")?)?),
            None => None,
        };
        Ok(TlogEntry {
            inclusion_proof,
            log_index: int64(e, "logIndex", "log_index", "logIndex")?,
            log_id,
            kind,
            version,
            integrated_time: int64(e, "integratedTime", "integrated_time", "integratedTime")?,
            signed_entry_timestamp,
            canonicalized_body: bytes(
                e,
                "canonicalizedBody",
                "canonicalized_body",
                "canonicalizedBody",
            )?,
        })
    }

    fn parse_proof(p: &Map<String, Value>) -> Result<InclusionProof, BundleError> {
        let checkpoint = match field(p, "checkpoint", "checkpoint") {
            Some(c) => string(
                object(c, "inclusionProof.checkpoint")?,
                "envelope",
                "envelope",
                "checkpoint.envelope",
            )?,
            None => String::new(),
        };
        Ok(InclusionProof {
            log_index: int64(p, "logIndex", "log_index", "inclusionProof.logIndex")?,
            root_hash: bytes(p, "rootHash", "root_hash", "inclusionProof.rootHash")?,
            tree_size: int64(p, "treeSize", "tree_size", "inclusionProof.treeSize")?,
            hashes: array(p, "hashes", "hashes", "inclusionProof.hashes")?
                .iter()
                .map(|h| match h {
                    Value::String(s) => decode_b64(s).ok_or_else(|| {
                        BundleError::Field("inclusionProof.hashes[] is not base64".into())
                    }),
                    _ => Err(BundleError::Field(
                        "inclusionProof.hashes[] is not a string".into(),
                    )),
                })
                .collect::<Result<Vec<_>, _>>()?,
            checkpoint,
        })
    }

    fn parse_dsse(d: &Map<String, Value>) -> Result<DsseEnvelope, BundleError> {
        let signatures = array(d, "signatures", "signatures", "dsseEnvelope.signatures")?
            .iter()
            .map(|s| {
                let s = object(s, "dsseEnvelope.signatures[]")?;
                Ok(DsseSignature {
                    sig: bytes(s, "sig", "sig", "signatures[].sig")?,
                    keyid: string(s, "keyid", "keyid", "signatures[].keyid")?,
                })
            })
            .collect::<Result<Vec<_>, BundleError>>()?;
        Ok(DsseEnvelope {
            payload: bytes(d, "payload", "payload", "dsseEnvelope.payload")?,
            payload_type: string(d, "payloadType", "payload_type", "dsseEnvelope.payloadType")?,
            signatures,
        })
    }

    fn parse_message(m: &Map<String, Value>) -> Result<MessageSignature, BundleError> {
        let (algorithm, digest) = match field(m, "messageDigest", "message_digest") {
            Some(d) => {
                let d = object(d, "messageDigest")?;
                let algorithm = match field(d, "algorithm", "algorithm") {
                    None => String::new(),
                    Some(Value::String(s)) => s.clone(),
                    // enums may be written as their number; 1 is SHA2_256
                    Some(Value::Number(n)) if n.as_u64() == Some(1) => "SHA2_256".to_owned(),
                    Some(other) => other.to_string(),
                };
                (
                    algorithm,
                    bytes(d, "digest", "digest", "messageDigest.digest")?,
                )
            }
            None => (String::new(), Vec::new()),
        };
        Ok(MessageSignature {
            algorithm,
            digest,
            signature: bytes(m, "signature", "signature", "messageSignature.signature")?,
        })
    }

    /// The signed payload of a DSSE bundle (the exact statement bytes).
    pub fn signed_payload(&self) -> Option<&[u8]> {
        match &self.content {
            BundleContent::Dsse(env) => Some(&env.payload),
            BundleContent::MessageSignature(_) => None,
        }
    }

    /// The (first) signature, base64, as `--output-signature` writes it.
    pub fn signature_b64(&self) -> Option<String> {
        match &self.content {
            BundleContent::Dsse(env) => env.signatures.first().map(|s| STANDARD.encode(&s.sig)),
            BundleContent::MessageSignature(m) => Some(STANDARD.encode(&m.signature)),
        }
    }

    /// `dsse-envelope` or `message-signature`, the referrer's content annotation.
    pub fn content_kind(&self) -> &'static str {
        match self.content {
            BundleContent::Dsse(_) => "dsse-envelope",
            BundleContent::MessageSignature(_) => "message-signature",
        }
    }

    /// The bundle as protobuf JSON in protojson's field order (declaration order), as
    /// sigstore-go writes it. Only the shapes bulwark writes are rendered: a
    /// public-key hint or certificate(s), Rekor v1 log entries, a DSSE envelope or a
    /// message signature (no RFC 3161 timestamps).
    pub fn to_json(&self) -> Vec<u8> {
        let mut vm = Map::new();
        match &self.verification_material {
            VerificationMaterial::PublicKey { hint } => {
                let mut pk = Map::new();
                pk.insert("hint".into(), hint.clone().into());
                vm.insert("publicKey".into(), Value::Object(pk));
            }
            VerificationMaterial::Certificate(der) => {
                let mut c = Map::new();
                c.insert("rawBytes".into(), STANDARD.encode(der).into());
                vm.insert("certificate".into(), Value::Object(c));
            }
            VerificationMaterial::X509Chain(certs) => {
                let list: Vec<Value> = certs
                    .iter()
                    .map(|der| {
                        let mut c = Map::new();
                        c.insert("rawBytes".into(), STANDARD.encode(der).into());
                        Value::Object(c)
                    })
                    .collect();
                let mut chain = Map::new();
                chain.insert("certificates".into(), Value::Array(list));
                vm.insert("x509CertificateChain".into(), Value::Object(chain));
            }
        }
        if !self.tlog_entries.is_empty() {
            let entries = self.tlog_entries.iter().map(TlogEntry::to_json).collect();
            vm.insert("tlogEntries".into(), Value::Array(entries));
        }
        let mut root = Map::new();
        root.insert("mediaType".into(), self.media_type.clone().into());
        root.insert("verificationMaterial".into(), Value::Object(vm));
        match &self.content {
            BundleContent::MessageSignature(m) => {
                let mut d = Map::new();
                d.insert("algorithm".into(), m.algorithm.clone().into());
                d.insert("digest".into(), STANDARD.encode(&m.digest).into());
                let mut ms = Map::new();
                ms.insert("messageDigest".into(), Value::Object(d));
                ms.insert("signature".into(), STANDARD.encode(&m.signature).into());
                root.insert("messageSignature".into(), Value::Object(ms));
            }
            BundleContent::Dsse(env) => {
                let sigs: Vec<Value> = env
                    .signatures
                    .iter()
                    .map(|s| {
                        let mut o = Map::new();
                        o.insert("sig".into(), STANDARD.encode(&s.sig).into());
                        if !s.keyid.is_empty() {
                            o.insert("keyid".into(), s.keyid.clone().into());
                        }
                        Value::Object(o)
                    })
                    .collect();
                let mut d = Map::new();
                d.insert("payload".into(), STANDARD.encode(&env.payload).into());
                d.insert("payloadType".into(), env.payload_type.clone().into());
                d.insert("signatures".into(), Value::Array(sigs));
                root.insert("dsseEnvelope".into(), Value::Object(d));
            }
        }
        serde_json::to_vec(&Value::Object(root)).unwrap_or_default()
    }
}

impl TlogEntry {
    /// `dev.sigstore.rekor.v1.TransparencyLogEntry` as protobuf JSON (int64 as strings,
    /// bytes as base64, fields in declaration order).
    pub fn to_json(&self) -> Value {
        let mut e = Map::new();
        e.insert("logIndex".into(), self.log_index.to_string().into());
        let mut id = Map::new();
        id.insert("keyId".into(), STANDARD.encode(&self.log_id).into());
        e.insert("logId".into(), Value::Object(id));
        let mut kv = Map::new();
        kv.insert("kind".into(), self.kind.clone().into());
        kv.insert("version".into(), self.version.clone().into());
        e.insert("kindVersion".into(), Value::Object(kv));
        e.insert(
            "integratedTime".into(),
            self.integrated_time.to_string().into(),
        );
        if let Some(set) = &self.signed_entry_timestamp {
            let mut p = Map::new();
            p.insert("signedEntryTimestamp".into(), STANDARD.encode(set).into());
            e.insert("inclusionPromise".into(), Value::Object(p));
        }
        if let Some(proof) = &self.inclusion_proof {
            let mut p = Map::new();
            p.insert("logIndex".into(), proof.log_index.to_string().into());
            p.insert("rootHash".into(), STANDARD.encode(&proof.root_hash).into());
            p.insert("treeSize".into(), proof.tree_size.to_string().into());
            let hashes = proof
                .hashes
                .iter()
                .map(|h| Value::from(STANDARD.encode(h)))
                .collect();
            p.insert("hashes".into(), Value::Array(hashes));
            let mut c = Map::new();
            c.insert("envelope".into(), proof.checkpoint.clone().into());
            p.insert("checkpoint".into(), Value::Object(c));
            e.insert("inclusionProof".into(), Value::Object(p));
        }
        e.insert(
            "canonicalizedBody".into(),
            STANDARD.encode(&self.canonicalized_body).into(),
        );
        Value::Object(e)
    }
}

/// DSSE pre-authentication encoding: `"DSSEv1" SP len(type) SP type SP len(body) SP body`
/// (secure-systems-lab/dsse `protocol.md`).
pub fn pae(payload_type: &str, payload: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "DSSEv1 {} {} {} ",
        payload_type.len(),
        payload_type,
        payload.len()
    )
    .into_bytes();
    out.extend_from_slice(payload);
    out
}

/// The Cosign hint for a key: base64 of the sha256 of its SPKI DER.
pub fn key_hint(key: &PublicKey) -> String {
    STANDARD.encode(Digest::of(&key.to_spki_der()).to_bytes())
}

/// The in-toto statement `cosign sign --new-bundle-format` signs for `image`, with the
/// `-a` annotations on the subject (protojson layout: field declaration order, map keys
/// sorted, no HTML escaping).
pub fn cosign_sign_statement(image: &Digest, annotations: &BTreeMap<String, String>) -> Vec<u8> {
    let mut digest = Map::new();
    digest.insert("sha256".into(), image.hex().into());
    let mut annos = Map::new();
    for (k, v) in annotations {
        annos.insert(k.clone(), v.clone().into());
    }
    let mut subject = Map::new();
    subject.insert("digest".into(), Value::Object(digest));
    subject.insert("annotations".into(), Value::Object(annos));
    let mut st = Map::new();
    st.insert("_type".into(), IN_TOTO_STATEMENT_V1.into());
    st.insert("subject".into(), Value::Array(vec![Value::Object(subject)]));
    st.insert("predicateType".into(), COSIGN_SIGN_PREDICATE_TYPE.into());
    st.insert("predicate".into(), Value::Object(Map::new()));
    serde_json::to_vec(&Value::Object(st)).unwrap_or_default()
}

/// Signs `image` the way `cosign sign --key --new-bundle-format --tlog-upload=false` does
/// and returns the v0.3 bundle.
pub fn sign_image_bundle(
    key: &PrivateKey,
    image: &Digest,
    annotations: &BTreeMap<String, String>,
) -> Bundle {
    let payload = cosign_sign_statement(image, annotations);
    let sig = sign_payload_der(key, &pae(IN_TOTO_PAYLOAD_TYPE, &payload));
    Bundle {
        media_type: BUNDLE_MEDIA_TYPE.to_owned(),
        verification_material: VerificationMaterial::PublicKey {
            hint: key_hint(&key.public_key()),
        },
        tlog_entries: Vec::new(),
        rfc3161_timestamps: Vec::new(),
        content: BundleContent::Dsse(DsseEnvelope {
            payload,
            payload_type: IN_TOTO_PAYLOAD_TYPE.to_owned(),
            signatures: vec![DsseSignature {
                sig,
                keyid: String::new(),
            }],
        }),
    }
}

/// Why a bundle did not count as a valid signature of the image.
#[derive(Debug, thiserror::Error)]
pub enum BundleFailure {
    /// The bundle JSON is malformed.
    #[error(transparent)]
    Parse(#[from] BundleError),
    /// No DSSE signature (or the message signature) verifies with the key.
    #[error("bundle signature: {0}")]
    Signature(VerifyError),
    /// The envelope has no signatures at all.
    #[error("the DSSE envelope has no signatures")]
    NoSignatures,
    /// The DSSE payload is not an in-toto statement.
    #[error("DSSE payload type {0:?} is not {IN_TOTO_PAYLOAD_TYPE}")]
    PayloadType(String),
    /// The statement is malformed.
    #[error("in-toto statement: {0}")]
    Statement(String),
    /// The statement is another kind of attestation.
    #[error("predicate type {found:?} is not {expected:?}")]
    PredicateType {
        /// What the statement says.
        found: String,
        /// What was required.
        expected: String,
    },
    /// No subject (or message digest) names the image.
    #[error("the bundle signs {found}, not the image {expected}")]
    Subject {
        /// What the bundle names.
        found: String,
        /// The image digest.
        expected: String,
    },
    /// A required `-a` annotation is absent from the subject.
    #[error("annotation {key}={value} is not in the signed subject annotations")]
    Annotation {
        /// The key.
        key: String,
        /// The value.
        value: String,
    },
    /// A transparency-log entry was checked and failed.
    #[error(transparent)]
    Rekor(#[from] RekorError),
    /// A verified transparency-log entry was required but none was checked.
    #[error("a verified transparency-log entry is required: {0}")]
    TlogRequired(String),
}

/// A bundle that passed every check.
#[derive(Debug, Clone)]
pub struct VerifiedBundle {
    /// The parsed statement (DSSE bundles).
    pub statement: Option<Value>,
    /// Its predicate type (DSSE bundles).
    pub predicate_type: Option<String>,
    /// The signed subject's annotations (DSSE bundles).
    pub annotations: BTreeMap<String, String>,
    /// Transparency-log outcome.
    pub tlog: TlogStatus,
}

/// Verifies the DSSE envelope's signatures with `key` over PAE(payloadType, payload);
/// returns the DER of the first that verifies. High-S signatures are accepted.
pub fn verify_dsse(env: &DsseEnvelope, key: &PublicKey) -> Result<Vec<u8>, BundleFailure> {
    let pae = pae(&env.payload_type, &env.payload);
    let mut last = None;
    for s in &env.signatures {
        match verify_der(key, &pae, &s.sig) {
            Ok(()) => return Ok(s.sig.clone()),
            Err(e) => last = Some(e),
        }
    }
    Err(last.map_or(BundleFailure::NoSignatures, BundleFailure::Signature))
}

/// Parses `payload` as an in-toto statement and checks that it is one, with
/// `predicate_type` (when given) and a subject whose sha256 is `image`; returns the
/// statement, its predicate type and the matching subject's annotations.
pub fn check_statement(
    payload: &[u8],
    image: &Digest,
    predicate_type: Option<&str>,
) -> Result<(Value, String, BTreeMap<String, String>), BundleFailure> {
    let st: Value =
        serde_json::from_slice(payload).map_err(|e| BundleFailure::Statement(e.to_string()))?;
    let obj = st
        .as_object()
        .ok_or_else(|| BundleFailure::Statement("not a JSON object".into()))?;
    let ty = obj.get("_type").and_then(Value::as_str).unwrap_or_default();
    if ty != IN_TOTO_STATEMENT_V1 && ty != IN_TOTO_STATEMENT_V01 {
        return Err(BundleFailure::Statement(format!(
            "_type {ty:?} is not an in-toto statement"
        )));
    }
    let found_pt = obj
        .get("predicateType")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    if let Some(expected) = predicate_type
        && found_pt != expected
    {
        return Err(BundleFailure::PredicateType {
            found: found_pt,
            expected: expected.to_owned(),
        });
    }
    let subjects = obj
        .get("subject")
        .and_then(Value::as_array)
        .ok_or_else(|| BundleFailure::Statement("subject is not an array".into()))?;
    let matching = subjects.iter().find(|s| {
        s.get("digest")
            .and_then(|d| d.get("sha256"))
            .and_then(Value::as_str)
            == Some(image.hex())
    });
    let Some(subject) = matching else {
        let found: Vec<String> = subjects
            .iter()
            .filter_map(|s| s.get("digest").and_then(|d| d.get("sha256")))
            .filter_map(Value::as_str)
            .map(|h| format!("sha256:{h}"))
            .collect();
        return Err(BundleFailure::Subject {
            found: if found.is_empty() {
                "no sha256 subject".into()
            } else {
                found.join(", ")
            },
            expected: image.to_string(),
        });
    };
    let annotations = subject
        .get("annotations")
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .map(|(k, v)| {
                    let v = v.as_str().map_or_else(|| v.to_string(), str::to_owned);
                    (k.clone(), v)
                })
                .collect()
        })
        .unwrap_or_default();
    Ok((st, found_pt, annotations))
}

/// Verifies `bundle` as a signature of `image` by `key`: the signature over the exact
/// payload bytes (DSSE PAE, or the message digest), the statement's subject, its
/// predicate type (when `predicate_type` is given; image signatures use
/// [`COSIGN_SIGN_PREDICATE_TYPE`]), the `-a` annotations, then the transparency log when
/// a Rekor key is given.
pub fn verify_bundle_for_image(
    bundle: &Bundle,
    image: &Digest,
    key: &PublicKey,
    predicate_type: Option<&str>,
    options: &VerifyOptions,
) -> Result<VerifiedBundle, BundleFailure> {
    let (sig_der, logged, statement, found_pt, annotations) = match &bundle.content {
        BundleContent::Dsse(env) => {
            if env.payload_type != IN_TOTO_PAYLOAD_TYPE {
                return Err(BundleFailure::PayloadType(env.payload_type.clone()));
            }
            let sig = verify_dsse(env, key)?;
            let (st, pt, annotations) = check_statement(&env.payload, image, predicate_type)?;
            (
                sig,
                Logged::DssePayload(&env.payload),
                Some(st),
                Some(pt),
                annotations,
            )
        }
        BundleContent::MessageSignature(m) => {
            let digest: [u8; 32] = m
                .digest
                .as_slice()
                .try_into()
                .ok()
                .filter(|_| m.algorithm == "SHA2_256")
                .ok_or_else(|| BundleFailure::Subject {
                    found: format!("{} digest of {} bytes", m.algorithm, m.digest.len()),
                    expected: image.to_string(),
                })?;
            let signed = Digest::from_sha256(&digest);
            if &signed != image {
                return Err(BundleFailure::Subject {
                    found: signed.to_string(),
                    expected: image.to_string(),
                });
            }
            verify_prehash_der(key, &digest, &m.signature).map_err(BundleFailure::Signature)?;
            (
                m.signature.clone(),
                Logged::Hash(image),
                None,
                None,
                BTreeMap::new(),
            )
        }
    };
    for (k, v) in &options.annotations {
        if annotations.get(k) != Some(v) {
            return Err(BundleFailure::Annotation {
                key: k.clone(),
                value: v.clone(),
            });
        }
    }
    let tlog = check_tlog(bundle, &logged, &sig_der, key, options.rekor_key.as_ref())?;
    if options.require_tlog && !matches!(tlog, TlogStatus::Verified { .. }) {
        return Err(BundleFailure::TlogRequired(tlog.describe()));
    }
    Ok(VerifiedBundle {
        statement,
        predicate_type: found_pt,
        annotations,
        tlog,
    })
}

/// Checks the bundle's log entries offline: an entry's inclusion promise (SET) must
/// verify with `rekor_key`, and its body must record this signature, payload and key.
/// The inclusion proof and checkpoint are not checked.
pub(crate) fn check_tlog(
    bundle: &Bundle,
    logged: &Logged<'_>,
    sig_der: &[u8],
    signer: &PublicKey,
    rekor_key: Option<&PublicKey>,
) -> Result<TlogStatus, RekorError> {
    let Some(rekor) = rekor_key else {
        return Ok(TlogStatus::NotChecked {
            reason: "no Rekor public key was given",
        });
    };
    if bundle.tlog_entries.is_empty() {
        return Ok(TlogStatus::NotChecked {
            reason: "the bundle has no transparency-log entry",
        });
    }
    let mut last_err = None;
    for entry in &bundle.tlog_entries {
        let Some(set) = &entry.signed_entry_timestamp else {
            continue;
        };
        let log_id = hex_lower(&entry.log_id);
        let body = Value::String(STANDARD.encode(&entry.canonicalized_body));
        let checked = verify_set(
            rekor,
            &body,
            entry.integrated_time,
            entry.log_index,
            &log_id,
            set,
        )
        .and_then(|()| check_entry(&entry.canonicalized_body, logged, sig_der, signer));
        match checked {
            Ok(()) => {
                return Ok(TlogStatus::Verified {
                    log_index: entry.log_index,
                    integrated_time: entry.integrated_time,
                    log_id,
                });
            }
            Err(e) => last_err = Some(e),
        }
    }
    match last_err {
        Some(e) => Err(e),
        None => Ok(TlogStatus::NotChecked {
            reason: "the bundle's log entries carry no inclusion promise (SET)",
        }),
    }
}

impl fmt::Display for VerificationMaterial {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::PublicKey { hint } => write!(f, "public key (hint {hint})"),
            Self::Certificate(_) => write!(f, "certificate"),
            Self::X509Chain(c) => write!(f, "certificate chain of {}", c.len()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn image() -> Digest {
        Digest::of(b"{\"schemaVersion\":2}")
    }

    #[test]
    fn pae_matches_the_dsse_spec_example() {
        // secure-systems-lab/dsse protocol.md test vector
        assert_eq!(
            pae("http://example.com/HelloWorld", b"hello world"),
            b"DSSEv1 29 http://example.com/HelloWorld 11 hello world".to_vec()
        );
    }

    #[test]
    fn signed_bundle_round_trips_and_verifies() {
        let key = PrivateKey::generate();
        let mut annotations = BTreeMap::new();
        annotations.insert("env".to_owned(), "prod".to_owned());
        let bundle = sign_image_bundle(&key, &image(), &annotations);
        let json = bundle.to_json();
        let parsed = Bundle::parse(&json).unwrap();
        assert_eq!(parsed, bundle);
        let mut opts = VerifyOptions {
            annotations: annotations.clone(),
            ..VerifyOptions::default()
        };
        let ok = verify_bundle_for_image(
            &parsed,
            &image(),
            &key.public_key(),
            Some(COSIGN_SIGN_PREDICATE_TYPE),
            &opts,
        )
        .unwrap();
        assert_eq!(ok.annotations, annotations);
        assert!(matches!(ok.tlog, TlogStatus::NotChecked { .. }));

        // wrong key, wrong image, missing annotation, other predicate type
        let other = PrivateKey::generate().public_key();
        assert!(matches!(
            verify_bundle_for_image(&parsed, &image(), &other, None, &VerifyOptions::default()),
            Err(BundleFailure::Signature(_))
        ));
        assert!(matches!(
            verify_bundle_for_image(
                &parsed,
                &Digest::of(b"x"),
                &key.public_key(),
                None,
                &VerifyOptions::default()
            ),
            Err(BundleFailure::Subject { .. })
        ));
        opts.annotations.insert("team".into(), "x".into());
        assert!(matches!(
            verify_bundle_for_image(&parsed, &image(), &key.public_key(), None, &opts),
            Err(BundleFailure::Annotation { .. })
        ));
        assert!(matches!(
            verify_bundle_for_image(
                &parsed,
                &image(),
                &key.public_key(),
                Some("https://slsa.dev/provenance/v1"),
                &VerifyOptions::default()
            ),
            Err(BundleFailure::PredicateType { .. })
        ));
    }

    #[test]
    fn a_changed_payload_byte_breaks_the_signature() {
        let key = PrivateKey::generate();
        let mut bundle = sign_image_bundle(&key, &image(), &BTreeMap::new());
        if let BundleContent::Dsse(env) = &mut bundle.content {
            // same JSON meaning, different bytes: the signature is over the exact bytes
            env.payload.push(b' ');
        }
        assert!(matches!(
            verify_bundle_for_image(
                &bundle,
                &image(),
                &key.public_key(),
                None,
                &VerifyOptions::default()
            ),
            Err(BundleFailure::Signature(_))
        ));
    }

    #[test]
    fn message_signature_bundles_bind_the_image_digest() {
        let key = PrivateKey::generate();
        let manifest = b"{\"schemaVersion\":2}";
        let sig = crate::signature::sign_payload_der(&key, manifest);
        let json = serde_json::json!({
            "mediaType": "application/vnd.dev.sigstore.bundle+json;version=0.2",
            "verificationMaterial": {"publicKey": {"hint": "x"}},
            "messageSignature": {
                "messageDigest": {"algorithm": "SHA2_256", "digest": STANDARD.encode(Digest::of(manifest).to_bytes())},
                "signature": STANDARD.encode(&sig)
            }
        });
        let bundle = Bundle::parse(json.to_string().as_bytes()).unwrap();
        let opts = VerifyOptions::default();
        verify_bundle_for_image(&bundle, &image(), &key.public_key(), None, &opts).unwrap();
        assert!(matches!(
            verify_bundle_for_image(&bundle, &Digest::of(b"y"), &key.public_key(), None, &opts),
            Err(BundleFailure::Subject { .. })
        ));
    }

    #[test]
    fn malformed_bundles_are_errors() {
        for bad in [
            &b""[..],
            b"[]",
            b"{}",
            br#"{"mediaType":"application/json"}"#,
            br#"{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json"}"#,
            br#"{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json","verificationMaterial":{"publicKey":{}}}"#,
            br#"{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json","verificationMaterial":{"publicKey":{}},"dsseEnvelope":{"payload":"!!"}}"#,
            br#"{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json","verificationMaterial":{"publicKey":{},"tlogEntries":[{"logIndex":"x"}]},"dsseEnvelope":{}}"#,
        ] {
            assert!(Bundle::parse(bad).is_err(), "{}", String::from_utf8_lossy(bad));
        }
    }
}
