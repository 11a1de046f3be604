//! API keys: `--api-key-file FILE`, one key per line, optionally followed by its scopes
//! (`read`, `scan`; both when none are given). `#` starts a comment. Clients send
//! `Authorization: Bearer KEY` or Harbor's `X-ScannerAdapter-API-Key: KEY`.
//!
//! Keys are kept as SHA-256 hashes and looked up by the hash of what the client sent, so
//! neither the comparison's timing nor a memory dump gives a key away.

use std::collections::HashMap;

use sha2::{Digest as _, Sha256};

/// What a key may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Scopes {
    /// Read reports, metadata, changes, verdicts.
    pub read: bool,
    /// Request scans (Harbor scan requests, registry notifications, re-scans).
    pub scan: bool,
}

impl Scopes {
    /// Every scope.
    pub const ALL: Self = Self {
        read: true,
        scan: true,
    };
}

/// The scope an endpoint needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// `read`.
    Read,
    /// `scan`.
    Scan,
}

impl Scopes {
    /// True when these scopes allow `s`.
    pub fn allows(self, s: Scope) -> bool {
        match s {
            Scope::Read => self.read,
            Scope::Scan => self.scan,
        }
    }
}

/// A parse error in the key file, naming the line.
#[derive(Debug, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct KeyFileError {
    /// 1-based line.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

/// The configured keys.
#[derive(Debug, Clone, Default)]
pub struct ApiKeys {
    by_hash: HashMap<[u8; 32], (usize, Scopes)>,
}

fn hash(key: &str) -> [u8; 32] {
    Sha256::digest(key.as_bytes()).into()
}

/// Shortest key accepted: shorter ones are guessable.
pub const MIN_KEY_LEN: usize = 16;

impl ApiKeys {
    /// Parses the key file text.
    pub fn parse(text: &str) -> Result<Self, KeyFileError> {
        let mut by_hash = HashMap::new();
        for (i, raw) in text.lines().enumerate() {
            let line = i + 1;
            let content = raw.split('#').next().unwrap_or("").trim();
            if content.is_empty() {
                continue;
            }
            let mut parts = content.split_whitespace();
            let Some(key) = parts.next() else { continue };
            if key.len() < MIN_KEY_LEN {
                return Err(KeyFileError {
                    line,
                    message: format!(
                        "key is {} characters; use at least {MIN_KEY_LEN} (e.g. `openssl rand -hex 32`)",
                        key.len()
                    ),
                });
            }
            if !key.bytes().all(|b| b.is_ascii_graphic()) {
                return Err(KeyFileError {
                    line,
                    message: "key has characters an HTTP header cannot carry".into(),
                });
            }
            let mut scopes = Scopes::default();
            let mut any = false;
            for word in parts.flat_map(|p| p.split(',')).filter(|w| !w.is_empty()) {
                any = true;
                match word {
                    "read" => scopes.read = true,
                    "scan" => scopes.scan = true,
                    other => {
                        return Err(KeyFileError {
                            line,
                            message: format!("unknown scope `{other}` (use read, scan)"),
                        });
                    }
                }
            }
            if !any {
                scopes = Scopes::ALL;
            }
            if by_hash.insert(hash(key), (line, scopes)).is_some() {
                return Err(KeyFileError {
                    line,
                    message: "the same key appears twice".into(),
                });
            }
        }
        Ok(Self { by_hash })
    }

    /// Reads the key file at `path`: an unreadable file, a malformed line or a file with no key
    /// is an error naming the file (and the line).
    pub fn load(path: &std::path::Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read the API key file {}: {e}", path.display()))?;
        let keys =
            Self::parse(&text).map_err(|e| format!("API key file {}: {e}", path.display()))?;
        if keys.is_empty() {
            return Err(format!("the API key file {} holds no key", path.display()));
        }
        Ok(keys)
    }

    /// Number of keys.
    pub fn len(&self) -> usize {
        self.by_hash.len()
    }

    /// True when no key is configured.
    pub fn is_empty(&self) -> bool {
        self.by_hash.is_empty()
    }

    /// The scopes and key-file line of `presented`, if it is a known key.
    pub fn check(&self, presented: &str) -> Option<(usize, Scopes)> {
        self.by_hash.get(&hash(presented)).copied()
    }
}

/// The key a request presents: `Authorization: Bearer KEY` or `X-ScannerAdapter-API-Key`.
pub fn presented_key(headers: &axum::http::HeaderMap) -> Option<String> {
    if let Some(v) = headers
        .get("x-scanneradapter-api-key")
        .and_then(|v| v.to_str().ok())
    {
        return Some(v.trim().to_owned());
    }
    let auth = headers
        .get(axum::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?;
    let (scheme, value) = auth.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| value.trim().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn load_names_the_file_when_it_cannot_serve() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keys");
        let e = ApiKeys::load(&path).unwrap_err();
        assert!(
            e.contains("cannot read the API key file") && e.contains("keys"),
            "{e}"
        );
        std::fs::write(&path, "# only a comment\n").unwrap();
        let e = ApiKeys::load(&path).unwrap_err();
        assert!(e.contains("holds no key"), "{e}");
        std::fs::write(&path, "0123456789abcdef0123 read\n").unwrap();
        let keys = ApiKeys::load(&path).unwrap();
        assert_eq!(keys.len(), 1);
        assert!(keys.check("0123456789abcdef0123").is_some());
    }

    #[test]
    fn parses_keys_scopes_and_comments() {
        let keys = ApiKeys::parse(
            "# ops\n0123456789abcdef0123\nfedcba9876543210fedc read # harbor poller\n  \nabcdefabcdefabcdef scan,read\n",
        )
        .expect("valid");
        assert_eq!(keys.len(), 3);
        assert_eq!(keys.check("0123456789abcdef0123"), Some((2, Scopes::ALL)));
        assert_eq!(
            keys.check("fedcba9876543210fedc"),
            Some((
                3,
                Scopes {
                    read: true,
                    scan: false
                }
            ))
        );
        assert_eq!(
            keys.check("abcdefabcdefabcdef").map(|k| k.1),
            Some(Scopes::ALL)
        );
        assert_eq!(keys.check("nope"), None);
    }

    #[test]
    fn rejects_short_duplicate_and_unknown_scope() {
        assert_eq!(ApiKeys::parse("short\n").unwrap_err().line, 1);
        let e = ApiKeys::parse("0123456789abcdef0123 write\n").unwrap_err();
        assert!(e.message.contains("write"), "{e}");
        let e = ApiKeys::parse("0123456789abcdef0123\n0123456789abcdef0123 read\n").unwrap_err();
        assert_eq!(e.line, 2);
    }

    #[test]
    fn presented_key_from_either_header() {
        let mut h = axum::http::HeaderMap::new();
        h.insert("authorization", "Bearer abc".parse().unwrap());
        assert_eq!(presented_key(&h).as_deref(), Some("abc"));
        h.insert("x-scanneradapter-api-key", "xyz".parse().unwrap());
        assert_eq!(presented_key(&h).as_deref(), Some("xyz"));
        let mut b = axum::http::HeaderMap::new();
        b.insert("authorization", "Basic abc".parse().unwrap());
        assert_eq!(presented_key(&b), None);
    }
}
