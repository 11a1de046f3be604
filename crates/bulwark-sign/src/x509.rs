//! Just enough X.509 to take the public key out of a certificate: a bounds-checked DER
//! walk from `Certificate` to `tbsCertificate.subjectPublicKeyInfo` (RFC 5280 §4.1).
//!
//! This does not validate the certificate (no chain, no validity period, no
//! extensions): Sigstore keyless bundles carry a Fulcio leaf certificate, and bulwark
//! only uses its key to check a signature. Chain verification against a trusted root
//! is the job of the `sigstore` module (`sigstore::pki`); callers of this module must say so.

use crate::keys::PublicKey;

/// Why a certificate's key could not be extracted.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum X509Error {
    /// The bytes are not the DER structure of a certificate.
    #[error("certificate: malformed DER ({0})")]
    Der(&'static str),
    /// The subject public key is not an ECDSA P-256 key.
    #[error("certificate: unsupported public key: {0}")]
    Key(String),
    /// A PEM certificate could not be decoded.
    #[error("certificate: not a PEM CERTIFICATE: {0}")]
    Pem(String),
}

const SEQUENCE: u8 = 0x30;
const CONTEXT_0: u8 = 0xa0;
const INTEGER: u8 = 0x02;

/// One DER TLV: tag, the whole encoding and the contents.
struct Tlv<'a> {
    tag: u8,
    whole: &'a [u8],
    contents: &'a [u8],
}

/// Reads the TLV at the start of `input`; returns it and the rest.
fn read_tlv(input: &[u8]) -> Result<(Tlv<'_>, &[u8]), X509Error> {
    let (&tag, rest) = input.split_first().ok_or(X509Error::Der("truncated tag"))?;
    if tag & 0x1f == 0x1f {
        return Err(X509Error::Der(
            "multi-byte tags are not used in certificates",
        ));
    }
    let (&first, mut rest) = rest
        .split_first()
        .ok_or(X509Error::Der("truncated length"))?;
    let len = if first < 0x80 {
        usize::from(first)
    } else {
        let count = usize::from(first & 0x7f);
        if count == 0 || count > 4 {
            return Err(X509Error::Der("unsupported length encoding"));
        }
        let (bytes, after) = rest
            .split_at_checked(count)
            .ok_or(X509Error::Der("truncated length"))?;
        rest = after;
        bytes
            .iter()
            .fold(0usize, |acc, b| (acc << 8) | usize::from(*b))
    };
    let header = input.len() - rest.len();
    let (contents, after) = rest
        .split_at_checked(len)
        .ok_or(X509Error::Der("length runs past the end"))?;
    let whole = input
        .get(..header + len)
        .ok_or(X509Error::Der("length runs past the end"))?;
    Ok((
        Tlv {
            tag,
            whole,
            contents,
        },
        after,
    ))
}

fn expect<'a>(
    input: &'a [u8],
    tag: u8,
    what: &'static str,
) -> Result<(Tlv<'a>, &'a [u8]), X509Error> {
    let (tlv, rest) = read_tlv(input)?;
    if tlv.tag == tag {
        Ok((tlv, rest))
    } else {
        Err(X509Error::Der(what))
    }
}

/// The DER SubjectPublicKeyInfo of a DER certificate.
pub fn certificate_spki(der: &[u8]) -> Result<&[u8], X509Error> {
    let (cert, _) = expect(der, SEQUENCE, "certificate is not a SEQUENCE")?;
    let (tbs, _) = expect(cert.contents, SEQUENCE, "tbsCertificate is not a SEQUENCE")?;
    let mut rest = tbs.contents;
    // version [0] EXPLICIT, optional
    let (first, after) = read_tlv(rest)?;
    if first.tag == CONTEXT_0 {
        rest = after;
    }
    let (_, after) = expect(rest, INTEGER, "serialNumber is not an INTEGER")?;
    let (_, after) = expect(after, SEQUENCE, "signature algorithm is not a SEQUENCE")?;
    let (_, after) = expect(after, SEQUENCE, "issuer is not a SEQUENCE")?;
    let (_, after) = expect(after, SEQUENCE, "validity is not a SEQUENCE")?;
    let (_, after) = expect(after, SEQUENCE, "subject is not a SEQUENCE")?;
    let (spki, _) = expect(after, SEQUENCE, "subjectPublicKeyInfo is not a SEQUENCE")?;
    Ok(spki.whole)
}

/// The P-256 public key of a DER certificate.
pub fn certificate_public_key(der: &[u8]) -> Result<PublicKey, X509Error> {
    let spki = certificate_spki(der)?;
    PublicKey::from_spki_der(spki).map_err(|e| X509Error::Key(e.to_string()))
}

/// The public key in a PEM text that is either a `PUBLIC KEY` or a `CERTIFICATE`, the
/// two forms Rekor entries record a verifier in.
pub fn pem_public_key(pem_text: &[u8]) -> Result<PublicKey, X509Error> {
    let block = pem::parse(pem_text).map_err(|e| X509Error::Pem(e.to_string()))?;
    match block.tag() {
        "CERTIFICATE" => certificate_public_key(block.contents()),
        "PUBLIC KEY" => {
            PublicKey::from_spki_der(block.contents()).map_err(|e| X509Error::Key(e.to_string()))
        }
        other => Err(X509Error::Pem(format!("unexpected PEM label {other:?}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncations_of_a_certificate_never_panic_and_fail() {
        // A syntactically valid certificate skeleton around a real SPKI.
        let key = crate::keys::PrivateKey::generate().public_key();
        let spki = key.to_spki_der();
        let mut tbs = vec![0xa0, 0x03, 0x02, 0x01, 0x02]; // [0] { INTEGER 2 }
        tbs.extend([0x02, 0x01, 0x01]); // serial
        for _ in 0..4 {
            tbs.extend([0x30, 0x00]); // algorithm, issuer, validity, subject
        }
        tbs.extend(&spki);
        let mut tbs_seq = vec![0x30, 0x81, tbs.len() as u8];
        tbs_seq.extend(&tbs);
        let mut cert = vec![0x30, 0x81, tbs_seq.len() as u8];
        cert.extend(&tbs_seq);
        assert_eq!(certificate_public_key(&cert).unwrap(), key);
        for cut in 0..cert.len() {
            assert!(certificate_public_key(&cert[..cut]).is_err());
        }
    }
}
