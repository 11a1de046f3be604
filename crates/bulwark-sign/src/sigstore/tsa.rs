//! RFC 3161 timestamps (`timestampVerificationData.rfc3161Timestamps`): a CMS
//! SignedData over a TSTInfo whose message imprint is the hash of the bundle's
//! signature, signed by a timestamp authority of the trusted root.
//!
//! The signing certificate is always the trusted root's: certificates embedded in the
//! token are never trusted on their own, so a token from another TSA cannot verify.

use cms::content_info::ContentInfo;
use cms::signed_data::{SignedData, SignerIdentifier};
use der::oid::ObjectIdentifier;
use der::{Decode as _, Encode as _};
use x509_tsp::{TimeStampResp, TstInfo};

use super::pki::{Cert, EKU_TIME_STAMPING, HashAlg, path_valid_at};
use super::trust::TrustedRoot;

const SIGNED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.2");
const TST_INFO: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.1.4");
const CONTENT_TYPE_ATTR: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.3");
const MESSAGE_DIGEST_ATTR: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.4");

/// Verifies one timestamp token over `signature`; returns its time (Unix seconds).
pub fn verify_timestamp(token: &[u8], signature: &[u8], root: &TrustedRoot) -> Result<i64, String> {
    // Sigstore stores the whole TimeStampResp; a bare TimeStampToken is accepted too.
    let ci = if let Ok(ci) = ContentInfo::from_der(token) {
        ci
    } else {
        let resp = TimeStampResp::from_der(token)
            .map_err(|e| format!("timestamp: not an RFC 3161 response or token: {e}"))?;
        let status = resp.status.status as u8;
        if status > 1 {
            return Err(format!(
                "timestamp: the response status is {status}, not granted"
            ));
        }
        resp.time_stamp_token
            .ok_or("timestamp: the response carries no token")?
    };
    if ci.content_type != SIGNED_DATA {
        return Err("timestamp: not a CMS SignedData".into());
    }
    let sd: SignedData = ci
        .content
        .decode_as()
        .map_err(|e| format!("timestamp: SignedData: {e}"))?;
    if sd.encap_content_info.econtent_type != TST_INFO {
        return Err("timestamp: the signed content is not a TSTInfo".into());
    }
    let econtent = sd
        .encap_content_info
        .econtent
        .as_ref()
        .ok_or("timestamp: no TSTInfo")?;
    let tst_der = econtent
        .decode_as::<der::asn1::OctetString>()
        .map_err(|e| format!("timestamp: TSTInfo: {e}"))?;
    let tst =
        TstInfo::from_der(tst_der.as_bytes()).map_err(|e| format!("timestamp: TSTInfo: {e}"))?;
    let imprint_hash = HashAlg::of_digest_oid(&tst.message_imprint.hash_algorithm.oid)
        .ok_or("timestamp: unsupported message imprint hash")?;
    if imprint_hash.digest(signature) != tst.message_imprint.hashed_message.as_bytes() {
        return Err("timestamp: it does not cover this signature (message imprint differs)".into());
    }
    let gen_time = i64::try_from(tst.gen_time.to_unix_duration().as_secs())
        .map_err(|_| "timestamp: time out of range")?;

    let signers: Vec<_> = sd.signer_infos.0.iter().collect();
    let [si] = signers.as_slice() else {
        return Err(format!(
            "timestamp: {} signers, expected one",
            signers.len()
        ));
    };
    let digest_hash = HashAlg::of_digest_oid(&si.digest_alg.oid)
        .ok_or("timestamp: unsupported digest algorithm")?;
    let attrs = si
        .signed_attrs
        .as_ref()
        .ok_or("timestamp: no signed attributes")?;
    let mut digest_ok = false;
    let mut type_ok = false;
    for attr in attrs.iter() {
        let Some(value) = attr.values.iter().next() else {
            continue;
        };
        if attr.oid == MESSAGE_DIGEST_ATTR {
            digest_ok = value
                .decode_as::<der::asn1::OctetString>()
                .is_ok_and(|d| d.as_bytes() == digest_hash.digest(tst_der.as_bytes()));
        } else if attr.oid == CONTENT_TYPE_ATTR {
            type_ok = value
                .decode_as::<ObjectIdentifier>()
                .is_ok_and(|o| o == TST_INFO);
        }
    }
    if !digest_ok || !type_ok {
        return Err("timestamp: signed attributes do not match the TSTInfo".into());
    }
    let signed_attrs = attrs.to_der().map_err(|e| e.to_string())?;
    let sig_hash = HashAlg::of_signature_oid(&si.signature_algorithm.oid).unwrap_or(digest_hash);

    let mut last = String::from("timestamp: no timestamp authority in the trusted root");
    for tsa in &root.timestamp_authorities {
        let Some(leaf) = tsa.chain.first() else {
            continue;
        };
        if !signer_matches(&si.sid, leaf) {
            last =
                "timestamp: signed by a timestamp authority the trusted root does not name".into();
            continue;
        }
        let Ok(key) = leaf.public_key() else {
            continue;
        };
        if !key.verify(sig_hash, &signed_attrs, si.signature.as_bytes()) {
            last = "timestamp: the signature does not verify with the trusted TSA key".into();
            continue;
        }
        if !tsa.valid.contains(gen_time) {
            last =
                format!("timestamp: {gen_time} is outside the TSA's validity in the trusted root");
            continue;
        }
        let chain: Vec<&Cert> = tsa.chain.iter().collect();
        if !path_valid_at(&chain, gen_time) {
            last =
                "timestamp: the TSA certificate chain is not valid at the timestamp's time".into();
            continue;
        }
        if !leaf.allows_usage(&EKU_TIME_STAMPING).unwrap_or(false) {
            last = "timestamp: the TSA certificate is not for time stamping".into();
            continue;
        }
        return Ok(gen_time);
    }
    Err(last)
}

fn signer_matches(sid: &SignerIdentifier, cert: &Cert) -> bool {
    match sid {
        SignerIdentifier::IssuerAndSerialNumber(ias) => {
            ias.issuer == cert.cert.tbs_certificate.issuer
                && ias.serial_number == cert.cert.tbs_certificate.serial_number
        }
        // A key identifier is checked by the signature itself.
        SignerIdentifier::SubjectKeyIdentifier(_) => true,
    }
}
