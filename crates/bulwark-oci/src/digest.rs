//! Content digests (`sha256:<hex>`) and a reader that verifies a digest while streaming.

use std::fmt;
use std::io::{self, Read};
use std::str::FromStr;

use sha2::{Digest as _, Sha256, Sha512};

/// A content-addressable digest such as `sha256:e3b0c442…`.
///
/// Only `sha256` and `sha512` can be verified; other well-formed algorithms parse but
/// [`Digest::hasher`] returns `None` for them.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Digest {
    algorithm: String,
    hex: String,
}

/// Why a digest string is invalid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid digest {input:?}: {reason}")]
pub struct DigestError {
    /// The text.
    pub input: String,
    /// The problem.
    pub reason: &'static str,
}

impl Digest {
    /// Parses `algorithm:hex` following the OCI image-spec digest grammar.
    pub fn parse(s: &str) -> Result<Self, DigestError> {
        let err = |reason| DigestError {
            input: s.to_string(),
            reason,
        };
        let (alg, hex) = s.split_once(':').ok_or_else(|| err("missing ':'"))?;
        let alg_ok = !alg.is_empty()
            && alg.split(['+', '.', '_', '-']).all(|c| {
                let mut ch = c.chars();
                ch.next().is_some_and(|f| f.is_ascii_lowercase())
                    && ch.all(|x| x.is_ascii_lowercase() || x.is_ascii_digit())
            });
        if !alg_ok {
            return Err(err("bad algorithm"));
        }
        if hex.is_empty()
            || !hex
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"=_-".contains(&b))
        {
            return Err(err("bad encoded part"));
        }
        let want_len = match alg {
            "sha256" => Some(64),
            "sha512" => Some(128),
            _ => None,
        };
        if let Some(n) = want_len
            && (hex.len() != n
                || !hex
                    .bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)))
        {
            return Err(err("wrong length or not lowercase hex"));
        }
        Ok(Self {
            algorithm: alg.to_string(),
            hex: hex.to_string(),
        })
    }

    /// The sha256 digest of `data`.
    pub fn sha256_of(data: &[u8]) -> Self {
        Self::from_sha256(Sha256::digest(data).as_slice())
    }

    fn from_sha256(bytes: &[u8]) -> Self {
        Self {
            algorithm: "sha256".into(),
            hex: to_hex(bytes),
        }
    }

    /// Algorithm part (`sha256`).
    pub fn algorithm(&self) -> &str {
        &self.algorithm
    }

    /// Encoded (hex) part.
    pub fn hex(&self) -> &str {
        &self.hex
    }

    /// A fresh hasher for this digest's algorithm, or `None` if unsupported.
    pub fn hasher(&self) -> Option<Hasher> {
        match self.algorithm.as_str() {
            "sha256" => Some(Hasher::Sha256(Sha256::new())),
            "sha512" => Some(Hasher::Sha512(Sha512::new())),
            _ => None,
        }
    }

    /// Checks `data` against this digest; returns the actual digest on mismatch.
    pub fn verify(&self, data: &[u8]) -> Result<(), Digest> {
        let Some(mut h) = self.hasher() else {
            return Ok(());
        };
        h.update(data);
        let actual = h.finish();
        if &actual == self { Ok(()) } else { Err(actual) }
    }
}

/// Incremental hasher matching a [`Digest`] algorithm.
#[derive(Clone)]
pub enum Hasher {
    /// sha256
    Sha256(Sha256),
    /// sha512
    Sha512(Sha512),
}

impl Hasher {
    /// Feeds bytes.
    pub fn update(&mut self, data: &[u8]) {
        match self {
            Self::Sha256(h) => h.update(data),
            Self::Sha512(h) => h.update(data),
        }
    }

    /// Returns the digest of everything fed so far.
    pub fn finish(self) -> Digest {
        match self {
            Self::Sha256(h) => Digest::from_sha256(h.finalize().as_slice()),
            Self::Sha512(h) => Digest {
                algorithm: "sha512".into(),
                hex: to_hex(h.finalize().as_slice()),
            },
        }
    }
}

impl fmt::Debug for Hasher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Sha256(_) => "Hasher(sha256)",
            Self::Sha512(_) => "Hasher(sha512)",
        })
    }
}

pub(crate) fn to_hex(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(HEX[usize::from(b >> 4)]));
        s.push(char::from(HEX[usize::from(b & 15)]));
    }
    s
}

impl fmt::Display for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.algorithm, self.hex)
    }
}

impl FromStr for Digest {
    type Err = DigestError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl serde::Serialize for Digest {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Digest {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Self::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// Wraps a reader and checks, when the inner reader reaches EOF, that the bytes read hash to
/// `expected` (and have `expected_size` bytes, if given). A mismatch surfaces as an
/// `io::ErrorKind::InvalidData` error from the final `read`, so any consumer that reads to the
/// end (tar walker, `read_to_end`, `io::copy`) notices it.
pub struct VerifyingReader<R> {
    inner: R,
    hasher: Option<Hasher>,
    expected: Digest,
    expected_size: Option<u64>,
    read: u64,
    verified: bool,
}

impl<R: Read> VerifyingReader<R> {
    /// Wraps `inner`. Unsupported algorithms are passed through unverified.
    pub fn new(inner: R, expected: Digest, expected_size: Option<u64>) -> Self {
        Self {
            inner,
            hasher: expected.hasher(),
            expected,
            expected_size,
            read: 0,
            verified: false,
        }
    }

    /// True once EOF was reached and the digest matched.
    pub fn verified(&self) -> bool {
        self.verified
    }

    /// Bytes read so far.
    pub fn bytes_read(&self) -> u64 {
        self.read
    }
}

impl<R: Read> Read for VerifyingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n > 0 {
            self.read += n as u64;
            if let Some(sz) = self.expected_size
                && self.read > sz
            {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!(
                        "blob {} is larger than its declared size {sz}",
                        self.expected
                    ),
                ));
            }
            if let Some(h) = self.hasher.as_mut() {
                h.update(buf.get(..n).unwrap_or_default());
            }
            return Ok(n);
        }
        if buf.is_empty() {
            return Ok(0);
        }
        if let Some(h) = self.hasher.take() {
            let actual = h.finish();
            if actual != self.expected {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    DigestMismatchIo {
                        expected: self.expected.to_string(),
                        actual: actual.to_string(),
                    },
                ));
            }
            if let Some(sz) = self.expected_size
                && self.read != sz
            {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!(
                        "blob {} has {} bytes, declared size {sz}",
                        self.expected, self.read
                    ),
                ));
            }
            self.verified = true;
        }
        Ok(0)
    }
}

/// The io-error payload for a digest mismatch detected by [`VerifyingReader`].
#[derive(Debug, thiserror::Error)]
#[error("digest mismatch: expected {expected}, got {actual}")]
pub struct DigestMismatchIo {
    /// Expected digest.
    pub expected: String,
    /// Actual digest.
    pub actual: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_display() {
        let d = Digest::sha256_of(b"");
        assert_eq!(
            d.to_string(),
            "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(Digest::parse(&d.to_string()).unwrap(), d);
        assert!(Digest::parse("sha256:abc").is_err());
        assert!(
            Digest::parse(
                "sha256:E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855"
            )
            .is_err()
        );
        assert!(Digest::parse("nocolon").is_err());
        assert!(Digest::parse(":abc").is_err());
        assert!(
            Digest::parse("multihash+base58:QmRZxt2b1FVZPNqd8hsiykDL3TdBDeTSPX9Kv46HmX4Gx8")
                .is_ok()
        );
    }

    #[test]
    fn verifying_reader_detects_mismatch_and_size() {
        let good = Digest::sha256_of(b"hello");
        let mut out = Vec::new();
        let mut r = VerifyingReader::new(&b"hello"[..], good.clone(), Some(5));
        r.read_to_end(&mut out).unwrap();
        assert!(r.verified());
        let mut r = VerifyingReader::new(&b"hellO"[..], good.clone(), None);
        let e = r.read_to_end(&mut out).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::InvalidData);
        assert!(e.to_string().contains("digest mismatch"), "{e}");
        let mut r = VerifyingReader::new(&b"hello"[..], good, Some(4));
        assert!(r.read_to_end(&mut out).is_err());
    }
}
