//! [`PackageQuery`]: an installed package to check, built by the scan or from a Package URL.

use bulwark_version::Ecosystem;

/// An installed package to check.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PackageQuery {
    /// Ecosystem: OSV base name or common alias (`Debian`, `ubuntu`, `PyPI`, `npm`, `Go`,
    /// `crates.io`, `Maven`, `AlmaLinux`, …).
    pub ecosystem: String,
    /// Distribution release (`12`, `22.04`, `3.20`, `9.4`); `None` for language packages.
    pub release: Option<String>,
    /// Package name (the binary package for distros; `group:artifact` for Maven).
    pub name: String,
    /// Source package name for distro packages (dpkg `Source:`, rpm source rpm name, apk origin).
    pub source_name: Option<String>,
    /// Installed version (rpm: include the epoch as `E:V-R` when it is non-zero).
    pub version: String,
    /// Source package version when it differs (Debian binNMUs, `Source: x (ver)`).
    pub source_version: Option<String>,
    /// Package URL, informational.
    pub purl: Option<String>,
}

impl PackageQuery {
    /// Builds a query from a package URL (`pkg:pypi/django@3.2`, `pkg:npm/%40scope/x@1.0.0`,
    /// `pkg:golang/github.com/a/b@v1.2.3`, `pkg:cargo/regex@1.5.4`, `pkg:maven/g/a@1`,
    /// `pkg:deb/debian/libssl3@3.0.7-1?distro=debian-12&upstream=openssl`,
    /// `pkg:apk/alpine/libcurl@7.65.1-r0?distro=3.11.6&upstream=curl`). `None` when the purl
    /// has no version or an unsupported type.
    pub fn from_purl(purl: &str) -> Option<PackageQuery> {
        let rest = purl.trim().strip_prefix("pkg:")?;
        let rest = rest.split('#').next().unwrap_or(rest);
        let (path, qualifiers) = rest.split_once('?').unwrap_or((rest, ""));
        let (path, version) = path.rsplit_once('@')?;
        let (ty, path) = path.split_once('/')?;
        let path = percent_decode(path);
        let version = percent_decode(version);
        let qual = |key: &str| {
            qualifiers
                .split('&')
                .filter_map(|kv| kv.split_once('='))
                .find(|(k, _)| *k == key)
                .map(|(_, v)| percent_decode(v))
        };
        let last = |p: &str| p.rsplit('/').next().unwrap_or(p).to_owned();
        let ty = ty.to_ascii_lowercase();
        let (ecosystem, name, release) = match ty.as_str() {
            "maven" => {
                let (g, a) = path.rsplit_once('/')?;
                let eco = Ecosystem::for_purl(&ty, None)?;
                (eco.osv, format!("{}:{a}", g.replace('/', ".")), None)
            }
            "deb" | "apk" | "rpm" => {
                let (vendor, _) = path.split_once('/').unwrap_or(("", ""));
                let distro = qual("distro");
                // distro=debian-12 / ubuntu-22.04 / 3.11.6 / el9 …: keep the part after the
                // last '-' when it starts with a digit.
                let release = distro.map(|d| {
                    d.rsplit_once('-')
                        .map_or(d.as_str(), |(_, r)| r)
                        .trim_start_matches("el")
                        .to_owned()
                });
                let eco = Ecosystem::for_purl(&ty, Some(vendor))?;
                (eco.osv, last(&path), release)
            }
            _ => (Ecosystem::for_purl(&ty, None)?.osv, path, None),
        };
        let mut q = PackageQuery {
            ecosystem: ecosystem.to_owned(),
            release,
            name,
            version,
            purl: Some(purl.to_owned()),
            ..PackageQuery::default()
        };
        if let Some(srpm) = qual("upstream")
            .as_deref()
            .and_then(|u| u.strip_suffix(".src.rpm"))
        {
            // rpm: `upstream=openssl-3.0.7-27.el9.src.rpm` → source name `openssl`.
            let mut parts = srpm.rsplitn(3, '-');
            let (_rel, _ver, name) = (parts.next(), parts.next(), parts.next());
            q.source_name = name.map(str::to_owned);
        } else if let Some(up) = qual("upstream") {
            // `upstream=openssl` or `upstream=openssl@3.0.7-1` (source name and version).
            match up.split_once('@') {
                Some((n, v)) => {
                    q.source_name = Some(n.to_owned());
                    q.source_version = Some(v.to_owned());
                }
                None => q.source_name = Some(up),
            }
        }
        if let Some(epoch) = qual("epoch")
            && !q.version.contains(':')
        {
            q.version = format!("{epoch}:{}", q.version);
        }
        Some(q)
    }
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%'
            && let Some(hex) = s.get(i + 1..i + 3)
            && let Ok(v) = u8::from_str_radix(hex, 16)
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

    #[test]
    fn purls() {
        let q = PackageQuery::from_purl("pkg:pypi/django@3.2.0").unwrap();
        assert_eq!(
            (q.ecosystem.as_str(), q.name.as_str(), q.version.as_str()),
            ("PyPI", "django", "3.2.0")
        );
        let q = PackageQuery::from_purl("pkg:npm/%40babel/core@7.0.0").unwrap();
        assert_eq!(q.name, "@babel/core");
        let q = PackageQuery::from_purl(
            "pkg:golang/github.com/docker/distribution@v2.8.1+incompatible",
        )
        .unwrap();
        assert_eq!(
            (q.ecosystem.as_str(), q.name.as_str()),
            ("Go", "github.com/docker/distribution")
        );
        let q = PackageQuery::from_purl("pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1")
            .unwrap();
        assert_eq!(q.name, "org.apache.logging.log4j:log4j-core");
        let q = PackageQuery::from_purl(
            "pkg:deb/debian/libssl3@3.0.7-1?arch=amd64&distro=debian-12&upstream=openssl",
        )
        .unwrap();
        assert_eq!(q.ecosystem, "Debian");
        assert_eq!(q.release.as_deref(), Some("12"));
        assert_eq!(q.source_name.as_deref(), Some("openssl"));
        let q = PackageQuery::from_purl("pkg:rpm/almalinux/openssl-libs@3.0.7-27.el9?epoch=1&distro=almalinux-9.4&upstream=openssl-3.0.7-27.el9.src.rpm").unwrap();
        assert_eq!(q.version, "1:3.0.7-27.el9");
        assert_eq!(q.release.as_deref(), Some("9.4"));
        assert_eq!(q.source_name.as_deref(), Some("openssl"));
        assert!(PackageQuery::from_purl("pkg:pypi/django").is_none());
        assert!(PackageQuery::from_purl("pkg:unknown/x@1").is_none());
        assert!(PackageQuery::from_purl("not a purl").is_none());
    }
}
