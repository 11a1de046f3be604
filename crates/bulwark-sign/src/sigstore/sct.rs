//! Signed Certificate Timestamps embedded in Fulcio certificates (RFC 6962 §3.2–3.3):
//! the CT log's signature over the precertificate (the leaf's TBS without the SCT
//! extension) and the issuer's key hash.

use der::Decode as _;
use der::Encode as _;
use sha2::{Digest as _, Sha256};

use super::pki::{Cert, HashAlg, SCT_LIST};
use super::trust::TrustedRoot;

/// One parsed SCT.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sct {
    /// The CT log's ID (sha256 of its key).
    pub log_id: [u8; 32],
    /// Milliseconds since the epoch.
    pub timestamp: u64,
    /// CT extensions (opaque).
    pub extensions: Vec<u8>,
    /// The DER signature.
    pub signature: Vec<u8>,
}

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        let (head, tail) = self.0.split_at_checked(n).ok_or("SCT list is truncated")?;
        self.0 = tail;
        Ok(head)
    }
    fn len16(&mut self) -> Result<usize, String> {
        let b = self.take(2)?;
        Ok(usize::from(b[0]) << 8 | usize::from(b[1]))
    }
}

/// Parses the TLS-encoded `SignedCertificateTimestampList` inside the extension value.
pub fn parse_sct_list(ext_value: &[u8]) -> Result<Vec<Sct>, String> {
    let inner =
        der::asn1::OctetStringRef::from_der(ext_value).map_err(|e| format!("SCT list: {e}"))?;
    let mut list = Reader(inner.as_bytes());
    let total = list.len16()?;
    let mut r = Reader(list.take(total)?);
    let mut out = Vec::new();
    while !r.0.is_empty() {
        let len = r.len16()?;
        let mut s = Reader(r.take(len)?);
        if s.take(1)? != [0] {
            return Err("SCT: unsupported version".into());
        }
        let log_id: [u8; 32] = s.take(32)?.try_into().map_err(|_| "SCT: log ID")?;
        let ts = s.take(8)?;
        let timestamp = ts.iter().fold(0u64, |acc, b| acc << 8 | u64::from(*b));
        let ext_len = s.len16()?;
        let extensions = s.take(ext_len)?.to_vec();
        let _hash_sig_algs = s.take(2)?;
        let sig_len = s.len16()?;
        let signature = s.take(sig_len)?.to_vec();
        out.push(Sct {
            log_id,
            timestamp,
            extensions,
            signature,
        });
    }
    Ok(out)
}

/// The precertificate TBS: the leaf's TBSCertificate without the SCT list extension.
fn precert_tbs(leaf: &Cert) -> Result<Vec<u8>, String> {
    let mut tbs = leaf.cert.tbs_certificate.clone();
    if let Some(exts) = tbs.extensions.as_mut() {
        exts.retain(|e| e.extn_id != SCT_LIST);
    }
    tbs.to_der().map_err(|e| e.to_string())
}

/// Verifies the leaf's embedded SCTs; returns how many verified with a CT log key of
/// the trusted root that was valid at the SCT's time. An SCT by an unknown log counts
/// for nothing; a certificate without SCTs verifies none.
pub fn verified_scts(leaf: &Cert, issuer: &Cert, root: &TrustedRoot) -> Result<usize, String> {
    let Some(ext) = leaf.extension(&SCT_LIST)? else {
        return Ok(0);
    };
    let scts = parse_sct_list(ext)?;
    let tbs = precert_tbs(leaf)?;
    let issuer_key_hash = Sha256::digest(issuer.spki_der()?);
    let tbs_len = u32::try_from(tbs.len()).map_err(|_| "certificate too large")?;
    let mut ok = 0;
    for sct in &scts {
        let Some(log) = root.ctlog(&sct.log_id) else {
            continue;
        };
        let Ok(key) = &log.key else {
            continue;
        };
        let secs = i64::try_from(sct.timestamp / 1000).unwrap_or(i64::MAX);
        if !log.valid.contains(secs) {
            continue;
        }
        let ext_len = u16::try_from(sct.extensions.len()).map_err(|_| "SCT extensions too long")?;
        let mut signed = Vec::with_capacity(tbs.len() + 64);
        signed.push(0); // v1
        signed.push(0); // certificate_timestamp
        signed.extend_from_slice(&sct.timestamp.to_be_bytes());
        signed.extend_from_slice(&1u16.to_be_bytes()); // precert_entry
        signed.extend_from_slice(&issuer_key_hash);
        signed.extend_from_slice(&tbs_len.to_be_bytes()[1..]);
        signed.extend_from_slice(&tbs);
        signed.extend_from_slice(&ext_len.to_be_bytes());
        signed.extend_from_slice(&sct.extensions);
        if key.verify(HashAlg::Sha256, &signed, &sct.signature) {
            ok += 1;
        }
    }
    Ok(ok)
}
