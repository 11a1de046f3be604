//! Ecosystem keys and package-name normalisation.
//!
//! The store indexes advisories by `(ecosystem key, normalised name)`. The ecosystem key is
//! the OSV base ecosystem plus, for distributions, the release:
//!
//! | OSV `package.ecosystem`                   | key              |
//! |-------------------------------------------|------------------|
//! | `Debian:12`                               | `Debian:12`      |
//! | `Ubuntu:22.04:LTS`                        | `Ubuntu:22.04`   |
//! | `Ubuntu:Pro:16.04:LTS`                    | `Ubuntu:Pro:16.04` |
//! | `Alpine:v3.20`                            | `Alpine:3.20`    |
//! | `Red Hat:enterprise_linux:9::appstream`   | `Red Hat:9`      |
//! | `Red Hat:rhel_aus:8.6::appstream`         | `Red Hat:8`      |
//! | `AlmaLinux:9`, `Rocky Linux:8`            | unchanged        |
//! | `PyPI`, `npm`, `Go`, `crates.io`, `Maven` | unchanged        |
//!
//! Ubuntu Pro / ESM records are indexed apart (`Ubuntu:Pro:16.04`): a plain Ubuntu query
//! does not see them; query with ecosystem `Ubuntu:Pro` to include ESM fixes.
//!
//! Red Hat entries keep their CPE product (`enterprise_linux`, `rhel_aus`, `rhel_eus`, …) as
//! a *stream*; the matcher only uses mainline `enterprise_linux` entries unless the query
//! names another stream, because EUS/AUS fixed versions do not apply to mainline images.

use bulwark_version::Scheme;
use bulwark_version::ecosystem::{Ecosystem, ReleaseForm};

/// Parsed form of an OSV ecosystem string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EcosystemKey {
    /// Base ecosystem (`Debian`, `PyPI`, `Red Hat`, …) in OSV spelling.
    pub base: String,
    /// Release part of the index key (`12`, `22.04`, `Pro:16.04`, `3.20`), empty for
    /// language ecosystems.
    pub release: String,
    /// Sub-stream kept for filtering (Red Hat CPE product such as `enterprise_linux`).
    pub stream: String,
}

impl EcosystemKey {
    /// Parses an OSV `package.ecosystem` string.
    pub fn parse(ecosystem: &str) -> Self {
        let eco = ecosystem.trim();
        let (base_raw, rest) = eco.split_once(':').unwrap_or((eco, ""));
        let base = canonical_base(base_raw);
        let mut stream = String::new();
        let release = match release_form(&base) {
            ReleaseForm::Ubuntu => {
                let parts: Vec<&str> = rest
                    .split(':')
                    .filter(|p| !p.is_empty() && !p.eq_ignore_ascii_case("LTS"))
                    .collect();
                parts.join(":")
            }
            ReleaseForm::MinorWithV => alpine_release(rest),
            ReleaseForm::RedHatCpe => {
                // `product:version::repo` (CPE-ish) or plain `9`.
                let parts: Vec<&str> = rest.split(':').collect();
                match parts.as_slice() {
                    [single] => major(single),
                    [product, version, ..] => {
                        (*product).clone_into(&mut stream);
                        major(version)
                    }
                    [] => String::new(),
                }
            }
            ReleaseForm::Major => major(rest),
            ReleaseForm::SuseProduct => {
                let (product, release) = suse_release(rest);
                product.clone_into(&mut stream);
                release
            }
            ReleaseForm::None | ReleaseForm::Verbatim => rest.to_owned(),
        };
        EcosystemKey {
            base,
            release,
            stream,
        }
    }

    /// Builds the key a query uses: `base` from the package's ecosystem, `release` from the
    /// image's OS release (`12.5` → `12` for Debian, `v3.20.3` → `3.20` for Alpine).
    pub fn for_query(ecosystem: &str, release: Option<&str>) -> Self {
        let mut key = Self::parse(ecosystem);
        if let Some(rel) = release.map(str::trim).filter(|r| !r.is_empty()) {
            key.release = match release_form(&key.base) {
                ReleaseForm::MinorWithV => alpine_release(rel),
                // `Ubuntu:Pro` + `16.04` → `Pro:16.04` (ESM records are indexed apart).
                ReleaseForm::Ubuntu
                    if key.release.starts_with(|c: char| c.is_ascii_alphabetic()) =>
                {
                    let prefix = key.release.split(':').next().unwrap_or_default();
                    format!("{prefix}:{rel}")
                }
                ReleaseForm::Major | ReleaseForm::RedHatCpe => major(rel),
                ReleaseForm::Ubuntu
                | ReleaseForm::SuseProduct
                | ReleaseForm::None
                | ReleaseForm::Verbatim => rel.to_owned(),
            };
        }
        key
    }

    /// The index key string: `base` or `base:release`.
    pub fn index_key(&self) -> String {
        if self.release.is_empty() {
            self.base.clone()
        } else {
            format!("{}:{}", self.base, self.release)
        }
    }

    /// The row of the ecosystem table for this key's base, if Bulwark knows it.
    pub fn ecosystem(&self) -> Option<&'static Ecosystem> {
        Ecosystem::lookup(&self.base)
    }

    /// The version ordering of this ecosystem; `None` when unknown (only the exact `versions`
    /// list of a record can then be evaluated).
    pub fn scheme(&self) -> Option<Scheme> {
        self.ecosystem().map(|e| e.scheme)
    }

    /// True for operating-system ecosystems (matched by source package).
    pub fn is_distro(&self) -> bool {
        self.ecosystem().is_some_and(Ecosystem::is_distro)
    }
}

/// How the ecosystem `base` spells releases ([`ReleaseForm::Verbatim`] when unknown).
fn release_form(base: &str) -> ReleaseForm {
    Ecosystem::lookup(base).map_or(ReleaseForm::Verbatim, |e| e.release)
}

/// Maps a spelling of a base ecosystem to OSV's (`pypi` → `PyPI`, `cargo` → `crates.io`), as
/// the ecosystem table knows them; unknown names are kept as given (trimmed).
pub fn canonical_base(base: &str) -> String {
    let b = base.trim();
    Ecosystem::lookup(b).map_or_else(|| b.to_owned(), |e| e.osv.to_owned())
}

/// Splits a SUSE product (`Linux Enterprise Server 15 SP5-LTSS`, `Linux Enterprise Module for
/// Basesystem 15 SP7`, `Linux Enterprise Micro 5.5`) into product and the code base release it
/// is built from (`15.5`, `15.7`, `Micro 5.5`). SUSE files one advisory under every product and
/// module that ships a package, with support-phase suffixes (`-LTSS`, `-ESPOS`) that os-release
/// does not record; an SLE 15 SP5 image therefore matches the records of every SLE 15 SP5
/// product, keyed `SUSE:15.5` like its os-release `VERSION_ID`.
fn suse_release(rest: &str) -> (&str, String) {
    let rest = rest.trim();
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let (head, last) = rest.rsplit_once(' ').unwrap_or(("", rest));
    // `SP5-LTSS` → `SP5`, `5.5-ESPOS` → `5.5`
    let last = last.split('-').next().unwrap_or(last);
    if let Some(sp) = last.strip_prefix("SP").filter(|n| digits(n)) {
        let (product, major) = head.rsplit_once(' ').unwrap_or(("", head));
        if digits(major) {
            return (product.trim(), format!("{major}.{sp}"));
        }
    }
    if last.starts_with(|c: char| c.is_ascii_digit()) {
        let product = head.trim();
        if product.ends_with("Micro") {
            return (product, format!("Micro {last}"));
        }
        return (product, last.to_owned());
    }
    (rest, rest.to_owned())
}

fn major(release: &str) -> String {
    let r = release.trim();
    r.split('.').next().unwrap_or(r).to_owned()
}

fn alpine_release(release: &str) -> String {
    let r = release.trim();
    let r = r.strip_prefix('v').unwrap_or(r);
    let mut parts = r.split('.');
    match (parts.next(), parts.next()) {
        (Some(a), Some(b)) => format!("{a}.{b}"),
        (Some(a), None) => a.to_owned(),
        _ => r.to_owned(),
    }
}

/// Normalises a package name for the index, per ecosystem: PyPI per PEP 503 (lowercase,
/// runs of `-_.` → `-`); NuGet and Packagist lowercase (case-insensitive registries);
/// npm (including `@scope/name`), Maven `group:artifact`, Go module paths, crates.io and
/// distribution source package names as given (trimmed), since those are case-sensitive.
pub fn normalize_name(base: &str, name: &str) -> String {
    let name = name.trim();
    match base {
        "PyPI" => pep503(name),
        // NuGet and Packagist names are case-insensitive.
        "NuGet" | "Packagist" => name.to_ascii_lowercase(),
        _ => name.to_owned(),
    }
}

fn pep503(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut in_sep = false;
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            if !in_sep {
                out.push('-');
            }
            in_sep = true;
        } else {
            out.extend(c.to_lowercase());
            in_sep = false;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_for_distro_ecosystems() {
        let cases = [
            ("Debian:12", "Debian:12", ""),
            ("Debian:7", "Debian:7", ""),
            ("Ubuntu:22.04:LTS", "Ubuntu:22.04", ""),
            ("Ubuntu:Pro:16.04:LTS", "Ubuntu:Pro:16.04", ""),
            ("Ubuntu:24.10", "Ubuntu:24.10", ""),
            ("Alpine:v3.20", "Alpine:3.20", ""),
            (
                "Red Hat:enterprise_linux:9::appstream",
                "Red Hat:9",
                "enterprise_linux",
            ),
            ("Red Hat:rhel_aus:8.6::appstream", "Red Hat:8", "rhel_aus"),
            ("AlmaLinux:9", "AlmaLinux:9", ""),
            ("Rocky Linux:8", "Rocky Linux:8", ""),
            (
                "SUSE:Linux Enterprise Server 15 SP5-LTSS",
                "SUSE:15.5",
                "Linux Enterprise Server",
            ),
            (
                "SUSE:Linux Enterprise Module for Basesystem 15 SP7",
                "SUSE:15.7",
                "Linux Enterprise Module for Basesystem",
            ),
            (
                "SUSE:Linux Enterprise Server 12 SP5",
                "SUSE:12.5",
                "Linux Enterprise Server",
            ),
            (
                "SUSE:Linux Enterprise Server 15",
                "SUSE:15",
                "Linux Enterprise Server",
            ),
            (
                "SUSE:Linux Enterprise Micro 5.5",
                "SUSE:Micro 5.5",
                "Linux Enterprise Micro",
            ),
            ("openSUSE:Leap 15.5", "openSUSE:Leap 15.5", ""),
            ("openSUSE:Tumbleweed", "openSUSE:Tumbleweed", ""),
            ("PyPI", "PyPI", ""),
            ("crates.io", "crates.io", ""),
        ];
        for (eco, key, stream) in cases {
            let k = EcosystemKey::parse(eco);
            assert_eq!(k.index_key(), key, "{eco}");
            assert_eq!(k.stream, stream, "{eco}");
        }
    }

    #[test]
    fn query_release_is_normalised() {
        assert_eq!(
            EcosystemKey::for_query("debian", Some("12.5")).index_key(),
            "Debian:12"
        );
        assert_eq!(
            EcosystemKey::for_query("alpine", Some("3.20.3")).index_key(),
            "Alpine:3.20"
        );
        assert_eq!(
            EcosystemKey::for_query("Ubuntu", Some("22.04")).index_key(),
            "Ubuntu:22.04"
        );
        assert_eq!(
            EcosystemKey::for_query("AlmaLinux", Some("9.4")).index_key(),
            "AlmaLinux:9"
        );
        assert_eq!(EcosystemKey::for_query("pypi", None).index_key(), "PyPI");
        assert_eq!(
            EcosystemKey::for_query("Ubuntu:Pro", Some("16.04")).index_key(),
            "Ubuntu:Pro:16.04"
        );
        assert_eq!(
            EcosystemKey::for_query("Ubuntu:22.04:LTS", None).index_key(),
            "Ubuntu:22.04"
        );
    }

    #[test]
    fn pep503_normalisation() {
        assert_eq!(normalize_name("PyPI", "Django"), "django");
        assert_eq!(normalize_name("PyPI", "zope.interface"), "zope-interface");
        assert_eq!(normalize_name("PyPI", "Foo__Bar-.baz"), "foo-bar-baz");
        assert_eq!(normalize_name("npm", "@Scope/Pkg"), "@Scope/Pkg");
        assert_eq!(
            normalize_name("Maven", "org.apache:commons"),
            "org.apache:commons"
        );
    }
}
