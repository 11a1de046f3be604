//! Package URLs per the purl-spec: `pkg:type/namespace/name@version?qualifiers#subpath`.

use std::fmt;

/// A Package URL under construction; [`fmt::Display`] renders the canonical string
/// (percent-encoded components, qualifiers sorted by key, empty qualifier values dropped).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Purl {
    /// PURL type (`deb`, `npm`, `maven`, ...), lower case.
    pub ty: String,
    /// Namespace; `/`-separated segments are encoded one by one.
    pub namespace: Option<String>,
    /// Name.
    pub name: String,
    /// Version (may be empty: then `@` is omitted).
    pub version: String,
    /// Qualifiers as (key, value) pairs.
    pub qualifiers: Vec<(String, String)>,
}

impl Purl {
    /// A PURL without qualifiers.
    pub fn new(ty: &str, namespace: Option<String>, name: &str, version: &str) -> Self {
        Self {
            ty: ty.to_ascii_lowercase(),
            namespace: namespace.filter(|n| !n.is_empty()),
            name: name.to_owned(),
            version: version.to_owned(),
            qualifiers: Vec::new(),
        }
    }

    /// Adds a qualifier (keys are lower-cased; an existing key is replaced).
    pub fn qualifier(&mut self, key: &str, value: &str) {
        let key = key.to_ascii_lowercase();
        self.qualifiers.retain(|(k, _)| *k != key);
        self.qualifiers.push((key, value.to_owned()));
    }

    /// Parses a PURL string (used by the SBOM readers). Returns `None` when it is not `pkg:`.
    pub fn parse(s: &str) -> Option<Self> {
        let rest = s.trim().strip_prefix("pkg:")?;
        let rest = rest.trim_start_matches('/');
        let rest = rest.split_once('#').map_or(rest, |(a, _)| a);
        let (rest, quals) = match rest.split_once('?') {
            Some((a, q)) => (a, Some(q)),
            None => (rest, None),
        };
        let (ty, path) = rest.split_once('/')?;
        let path = path.trim_end_matches('/');
        let (path, version) = match path.rfind('@') {
            // npm scopes are encoded as %40, so a literal '@' after the last '/' is the version
            Some(i) if !path[i..].contains('/') => (&path[..i], Some(&path[i + 1..])),
            _ => (path, None),
        };
        let (namespace, name) = match path.rsplit_once('/') {
            Some((ns, n)) => (
                Some(ns.split('/').map(decode).collect::<Vec<_>>().join("/")),
                n,
            ),
            None => (None, path),
        };
        let mut p = Self::new(
            ty,
            namespace,
            &decode(name),
            &version.map(decode).unwrap_or_default(),
        );
        for kv in quals.into_iter().flat_map(|q| q.split('&')) {
            if let Some((k, v)) = kv.split_once('=') {
                p.qualifier(k, &decode(v));
            }
        }
        if p.name.is_empty() {
            return None;
        }
        Some(p)
    }

    /// Value of qualifier `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.qualifiers
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

impl fmt::Display for Purl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "pkg:{}/", self.ty)?;
        if let Some(ns) = &self.namespace {
            for seg in ns.split('/').filter(|s| !s.is_empty()) {
                write!(f, "{}/", encode(seg))?;
            }
        }
        f.write_str(&encode(&self.name))?;
        if !self.version.is_empty() {
            write!(f, "@{}", encode(&self.version))?;
        }
        let mut q: Vec<&(String, String)> = self
            .qualifiers
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .collect();
        q.sort();
        for (i, (k, v)) in q.iter().enumerate() {
            write!(f, "{}{k}={}", if i == 0 { '?' } else { '&' }, encode(v))?;
        }
        Ok(())
    }
}

/// Percent-encodes everything except RFC 3986 unreserved characters.
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Decodes `%XX` escapes; invalid escapes are kept verbatim.
pub fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            if let Some(v) = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok())
            {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
