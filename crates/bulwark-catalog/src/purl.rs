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
    /// Subpath within the package (`cmd/registry` of a Go module); `/`-separated segments
    /// are encoded one by one.
    pub subpath: Option<String>,
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
            subpath: None,
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
        let (rest, subpath) = match rest.split_once('#') {
            Some((a, s)) => (a, Some(s)),
            None => (rest, None),
        };
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
        p.subpath = subpath
            .map(|s| {
                s.split('/')
                    .filter(|seg| !seg.is_empty() && *seg != "." && *seg != "..")
                    .map(decode)
                    .collect::<Vec<_>>()
                    .join("/")
            })
            .filter(|s| !s.is_empty());
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
        if let Some(sub) = &self.subpath {
            let segs: Vec<String> = sub
                .split('/')
                .filter(|s| !s.is_empty() && *s != "." && *s != "..")
                .map(encode)
                .collect();
            if !segs.is_empty() {
                write!(f, "#{}", segs.join("/"))?;
            }
        }
        Ok(())
    }
}

/// Percent-encodes everything except RFC 3986 unreserved characters.
pub fn encode(s: &str) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
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
        if b == b'%'
            && let Some(v) = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(b);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{OsInfo, Package, PackageType};

    /// Canonical examples from the purl-spec README / PURL-TYPES.
    const SPEC: &[&str] = &[
        "pkg:npm/%40angular/animation@12.3.1",
        "pkg:maven/org.apache.commons/io@1.3.4",
        "pkg:deb/debian/curl@7.50.3-1?arch=i386&distro=jessie",
        "pkg:rpm/fedora/curl@7.50.3-1.fc25?arch=i386&distro=fedora-25",
        "pkg:pypi/django@1.11.1",
        "pkg:gem/ruby-advisory-db-check@0.12.4",
        "pkg:nuget/EnterpriseLibrary.Common@6.0.1304",
        "pkg:cargo/rand@0.7.2",
        "pkg:composer/laravel/laravel@5.5.0",
        "pkg:golang/github.com/gorilla/context@234fd47e07d1004f0aed9c",
        "pkg:apk/alpine/curl@7.83.0-r0?arch=x86",
        "pkg:golang/google.golang.org/genproto#googleapis/api/annotations",
    ];

    #[test]
    fn spec_examples_round_trip() {
        for s in SPEC {
            let p = Purl::parse(s).unwrap_or_else(|| panic!("{s}"));
            assert_eq!(&p.to_string(), s);
        }
    }

    #[test]
    fn qualifiers_sorted_and_values_encoded() {
        let mut p = Purl::new("deb", Some("debian".into()), "libc6", "2.36-9+deb12u7");
        p.qualifier("upstream", "glibc");
        p.qualifier("arch", "amd64");
        p.qualifier("distro", "debian-12");
        p.qualifier("empty", "");
        assert_eq!(
            p.to_string(),
            "pkg:deb/debian/libc6@2.36-9%2Bdeb12u7?arch=amd64&distro=debian-12&upstream=glibc"
        );
        let back = Purl::parse(&p.to_string()).expect("parse");
        assert_eq!(back.version, "2.36-9+deb12u7");
        assert_eq!(back.get("distro"), Some("debian-12"));
    }

    #[test]
    fn package_purls_per_ecosystem() {
        let os = OsInfo {
            id: "debian".into(),
            version_id: Some("12".into()),
            ..OsInfo::default()
        };
        let mut deb = Package::new(
            PackageType::Deb,
            "openssl",
            "3.0.11-1~deb12u2",
            "/var/lib/dpkg/status",
        );
        deb.arch = Some("amd64".into());
        deb.refresh_purl(Some(&os));
        assert_eq!(
            deb.purl,
            "pkg:deb/debian/openssl@3.0.11-1~deb12u2?arch=amd64&distro=debian-12"
        );
        assert_eq!(
            Package::new(PackageType::Python, "Django_REST.framework", "3.15", "/x").purl,
            "pkg:pypi/django-rest-framework@3.15"
        );
        assert_eq!(
            Package::new(PackageType::Npm, "@Scope/Name", "1.0.0", "/x").purl,
            "pkg:npm/%40scope/name@1.0.0"
        );
        assert_eq!(
            Package::new(PackageType::GoModule, "github.com/a/b/v2", "v2.0.1", "/x").purl,
            "pkg:golang/github.com/a/b/v2@v2.0.1"
        );
        assert_eq!(
            Package::new(PackageType::Composer, "Monolog/Monolog", "3.5.0", "/x").purl,
            "pkg:composer/monolog/monolog@3.5.0"
        );
        let mut rpm = Package::new(
            PackageType::Rpm,
            "openssl-libs",
            "3.0.7-27.el9",
            "/var/lib/rpm/rpmdb.sqlite",
        );
        rpm.epoch = Some(1);
        rpm.arch = Some("x86_64".into());
        let rhel = OsInfo {
            id: "rhel".into(),
            version_id: Some("9.4".into()),
            ..OsInfo::default()
        };
        rpm.refresh_purl(Some(&rhel));
        assert_eq!(
            rpm.purl,
            "pkg:rpm/redhat/openssl-libs@3.0.7-27.el9?arch=x86_64&distro=rhel-9.4&epoch=1"
        );
    }

    #[test]
    fn decode_keeps_invalid_escapes() {
        assert_eq!(decode("a%2"), "a%2");
        assert_eq!(decode("%zz%41"), "%zzA");
        assert_eq!(Purl::parse("not-a-purl"), None);
        assert_eq!(Purl::parse("pkg:npm/"), None);
    }
}
