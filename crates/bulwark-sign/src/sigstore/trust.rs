//! The Sigstore trusted root (`dev.sigstore.trustroot.v1.TrustedRoot`, protobuf JSON):
//! Fulcio CAs, Rekor logs, CT logs and timestamp authorities, each with the window of
//! time in which it may be trusted.
//!
//! The public-good production root is embedded (`trust/production.trusted_root.json`,
//! as sigstore-python 4.5.1 ships it) so verification works offline; a private instance
//! passes its own with `--trusted-root`, and `bulwark trust update` refreshes the
//! embedded copy's replacement through TUF (the `tuf` module of this crate).

use serde_json::Value;
use sha2::{Digest as _, Sha256};

use super::pki::{AnyKey, Cert};

/// The public-good instance's trusted root, embedded at build time.
pub const PRODUCTION_TRUSTED_ROOT: &[u8] =
    include_bytes!("../../trust/production.trusted_root.json");

/// The media type every trusted root version starts with.
const TRUSTED_ROOT_MEDIA_TYPE_PREFIX: &str = "application/vnd.dev.sigstore.trustedroot";

/// Why a trusted root was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("trusted root: {0}")]
pub struct TrustRootError(pub String);

/// A validity window (Unix seconds), both ends inclusive; `None` is unbounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Window {
    /// Start.
    pub start: Option<i64>,
    /// End.
    pub end: Option<i64>,
}

impl Window {
    /// Whether `t` is inside the window.
    pub fn contains(&self, t: i64) -> bool {
        self.start.is_none_or(|s| s <= t) && self.end.is_none_or(|e| t <= e)
    }
}

/// A transparency log or CT log key.
#[derive(Debug, Clone)]
pub struct LogKey {
    /// `logId.keyId`.
    pub log_id: Vec<u8>,
    /// `baseUrl`.
    pub base_url: String,
    /// The key, or why it cannot be used (an unsupported algorithm is not an error
    /// for the whole root: entries by that log simply do not verify).
    pub key: Result<AnyKey, String>,
    /// The DER SubjectPublicKeyInfo.
    pub key_der: Vec<u8>,
    /// `publicKey.validFor`.
    pub valid: Window,
}

/// A certificate authority (Fulcio) or timestamp authority.
#[derive(Debug, Clone)]
pub struct Authority {
    /// `uri`.
    pub uri: String,
    /// `certChain.certificates`, issuing certificate first, root last.
    pub chain: Vec<Cert>,
    /// `validFor`.
    pub valid: Window,
}

/// A parsed trusted root.
#[derive(Debug, Clone)]
pub struct TrustedRoot {
    /// Rekor logs.
    pub tlogs: Vec<LogKey>,
    /// Certificate Transparency logs.
    pub ctlogs: Vec<LogKey>,
    /// Fulcio certificate authorities.
    pub certificate_authorities: Vec<Authority>,
    /// RFC 3161 timestamp authorities.
    pub timestamp_authorities: Vec<Authority>,
}

fn err(msg: impl Into<String>) -> TrustRootError {
    TrustRootError(msg.into())
}

fn b64(v: Option<&Value>, what: &str) -> Result<Vec<u8>, TrustRootError> {
    let s = v
        .and_then(Value::as_str)
        .ok_or_else(|| err(format!("{what} is missing")))?;
    crate::bundle::decode_b64(s).ok_or_else(|| err(format!("{what} is not base64")))
}

fn window(v: Option<&Value>, what: &str, start_required: bool) -> Result<Window, TrustRootError> {
    let Some(v) = v.filter(|v| !v.is_null()) else {
        if start_required {
            return Err(err(format!("{what}.validFor is missing")));
        }
        return Ok(Window::default());
    };
    let time = |k: &str| -> Result<Option<i64>, TrustRootError> {
        match v.get(k).filter(|x| !x.is_null()) {
            None => Ok(None),
            Some(Value::String(s)) => parse_rfc3339(s)
                .map(Some)
                .ok_or_else(|| err(format!("{what}.validFor.{k} {s:?} is not an RFC 3339 time"))),
            Some(_) => Err(err(format!("{what}.validFor.{k} is not a string"))),
        }
    };
    let w = Window {
        start: time("start")?,
        end: time("end")?,
    };
    if w.start.is_none() && start_required {
        return Err(err(format!("{what}.validFor.start is missing")));
    }
    Ok(w)
}

fn log_key(v: &Value, what: &str) -> Result<LogKey, TrustRootError> {
    let pk = v
        .get("publicKey")
        .ok_or_else(|| err(format!("{what}.publicKey is missing")))?;
    let key_der = b64(pk.get("rawBytes"), &format!("{what}.publicKey.rawBytes"))?;
    let log_id = match v.get("logId").and_then(|l| l.get("keyId")) {
        Some(id) => b64(Some(id), &format!("{what}.logId.keyId"))?,
        None => Sha256::digest(&key_der).to_vec(),
    };
    Ok(LogKey {
        log_id,
        base_url: v
            .get("baseUrl")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
        key: AnyKey::from_spki_der(&key_der),
        key_der,
        // sigstore-go refuses a log key without a start: it could never be placed in time.
        valid: window(pk.get("validFor"), &format!("{what}.publicKey"), true)?,
    })
}

fn authority(v: &Value, what: &str) -> Result<Authority, TrustRootError> {
    let certs = v
        .get("certChain")
        .and_then(|c| c.get("certificates"))
        .and_then(Value::as_array)
        .ok_or_else(|| err(format!("{what}.certChain.certificates is missing")))?;
    let chain = certs
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let der = b64(
                c.get("rawBytes"),
                &format!("{what}.certificates[{i}].rawBytes"),
            )?;
            Cert::from_der(&der).map_err(|e| err(format!("{what}.certificates[{i}]: {e}")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    if chain.is_empty() {
        return Err(err(format!("{what} has an empty certificate chain")));
    }
    Ok(Authority {
        uri: v
            .get("uri")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
        chain,
        valid: window(v.get("validFor"), what, false)?,
    })
}

impl TrustedRoot {
    /// The embedded public-good production root.
    pub fn production() -> Result<Self, TrustRootError> {
        Self::parse(PRODUCTION_TRUSTED_ROOT)
    }

    /// Parses a trusted root JSON document. Never panics.
    pub fn parse(json: &[u8]) -> Result<Self, TrustRootError> {
        let v: Value = serde_json::from_slice(json).map_err(|e| err(format!("not JSON: {e}")))?;
        let media_type = v
            .get("mediaType")
            .and_then(Value::as_str)
            .unwrap_or_default();
        if !media_type.starts_with(TRUSTED_ROOT_MEDIA_TYPE_PREFIX) {
            return Err(err(format!(
                "mediaType {media_type:?} is not a Sigstore trusted root"
            )));
        }
        let list = |k: &str| -> &[Value] {
            v.get(k)
                .and_then(Value::as_array)
                .map_or(&[], Vec::as_slice)
        };
        Ok(Self {
            tlogs: list("tlogs")
                .iter()
                .enumerate()
                .map(|(i, t)| log_key(t, &format!("tlogs[{i}]")))
                .collect::<Result<_, _>>()?,
            ctlogs: list("ctlogs")
                .iter()
                .enumerate()
                .map(|(i, t)| log_key(t, &format!("ctlogs[{i}]")))
                .collect::<Result<_, _>>()?,
            certificate_authorities: list("certificateAuthorities")
                .iter()
                .enumerate()
                .map(|(i, t)| authority(t, &format!("certificateAuthorities[{i}]")))
                .collect::<Result<_, _>>()?,
            timestamp_authorities: list("timestampAuthorities")
                .iter()
                .enumerate()
                .map(|(i, t)| authority(t, &format!("timestampAuthorities[{i}]")))
                .collect::<Result<_, _>>()?,
        })
    }

    /// The Rekor log with this log ID.
    pub fn tlog(&self, log_id: &[u8]) -> Option<&LogKey> {
        self.tlogs.iter().find(|l| l.log_id == log_id)
    }

    /// The CT log with this log ID.
    pub fn ctlog(&self, log_id: &[u8]) -> Option<&LogKey> {
        self.ctlogs.iter().find(|l| l.log_id == log_id)
    }
}

/// Parses an RFC 3339 UTC time (`2021-01-12T11:53:27Z`, fractional seconds and
/// numeric offsets allowed) to Unix seconds, fractions dropped.
#[allow(clippy::many_single_char_names)] // RFC 3339 field names
pub fn parse_rfc3339(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let part = s.get(r)?;
        if !part.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        part.parse().ok()
    };
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hour, min, sec) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || min > 59 || sec > 60 {
        return None;
    }
    let mut rest = &s[19..];
    if let Some(frac) = rest.strip_prefix('.') {
        let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        rest = &frac[digits..];
    }
    let offset = match rest {
        "Z" | "z" => 0,
        _ if rest.len() == 6 && (rest.starts_with('+') || rest.starts_with('-')) => {
            let h = num_str(&rest[1..3])?;
            let m = num_str(&rest[4..6])?;
            let o = h * 3600 + m * 60;
            if rest.starts_with('-') { -o } else { o }
        }
        _ => return None,
    };
    Some(days_from_civil(year, month, day) * 86_400 + hour * 3600 + min * 60 + sec - offset)
}

fn num_str(s: &str) -> Option<i64> {
    if s.bytes().all(|c| c.is_ascii_digit()) {
        s.parse().ok()
    } else {
        None
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_times() {
        assert_eq!(parse_rfc3339("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_rfc3339("2021-01-12T11:53:27Z"), Some(1_610_452_407));
        assert_eq!(
            parse_rfc3339("2022-12-31T23:59:59.999Z"),
            Some(1_672_531_199)
        );
        assert_eq!(
            parse_rfc3339("2021-01-12T12:53:27+01:00"),
            Some(1_610_452_407)
        );
        assert_eq!(parse_rfc3339("2021-01-12"), None);
        assert_eq!(parse_rfc3339("2021-13-12T11:53:27Z"), None);
    }

    #[test]
    fn the_embedded_production_root_parses() {
        let root = TrustedRoot::production().unwrap();
        assert!(
            root.tlogs
                .iter()
                .any(|t| t.base_url == "https://rekor.sigstore.dev")
        );
        assert!(!root.certificate_authorities.is_empty());
        assert!(root.tlogs.iter().all(|t| t.key.is_ok()));
    }
}
