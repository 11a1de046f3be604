//! Version parsing, ordering and range evaluation for every package
//! ecosystem Bulwark matches vulnerabilities in. Pure library: no I/O.
//!
//! * Typed modules ([`dpkg::Version`], [`apk::Version`], [`rpm::Version`],
//!   [`pep440::Version`], [`npm::Version`], [`gomod::Version`],
//!   [`maven::Version`], [`rubygems::Version`], [`nuget::Version`],
//!   [`packagist::Version`], [`semver::Version`], [`hackage::Version`],
//!   [`pub_dev::Version`], [`cran::Version`]) implement `Ord`, `Display` and
//!   `FromStr`. Equality is "compares equal" (`1.0` == `1.0.0` where the
//!   ecosystem says so), not string equality.
//! * [`Scheme`] picks the comparator at run time; [`Scheme::from_osv_ecosystem`]
//!   maps OSV ecosystem strings (`Debian:12`, `Alpine:v3.20`, `PyPI`...).
//! * [`osv`] evaluates OSV `affected[].ranges` / `versions` exactly as the
//!   OSV schema's evaluation pseudocode says.
//! * Range syntaxes: npm ([`npm::Range`]), PEP 440 specifiers
//!   ([`pep440::SpecifierSet`]), RubyGems requirements
//!   ([`rubygems::Requirement`]) and apk's fuzzy operators ([`apk::matches()`]).
//!
//! No parser panics on any input; errors name the scheme, the input and the
//! problem.
//!
//! ```
//! use bulwark_version::osv::{self, CompiledRange, Event, RangeKind};
//! use bulwark_version::Scheme;
//!
//! // Map the OSV ecosystem, parse the installed version once.
//! let scheme = Scheme::from_osv_ecosystem("Debian:12").unwrap();
//! let installed = scheme.parse("1:2.36.1-8+deb12u1").unwrap();
//!
//! // Compile a range once, test many versions against it.
//! let events = [Event::introduced("0"), Event::fixed("1:2.36.1-8+deb12u2")];
//! let kind = RangeKind::from_osv("ECOSYSTEM").unwrap();
//! let range = CompiledRange::compile(scheme, kind, &events).unwrap();
//! assert!(range.contains(&installed).unwrap());
//!
//! // Or evaluate a whole `affected[]` entry (ranges + versions list).
//! let ranges = [osv::Range { kind, events: events.to_vec() }];
//! assert!(osv::is_affected(scheme, "1:2.36.1-8", &ranges, &[]).unwrap());
//! assert!(!osv::is_affected(scheme, "1:2.36.1-8+deb12u2", &ranges, &[]).unwrap());
//! ```
//!
//! # Policies for strings an ecosystem's own tool rejects
//!
//! Vulnerability data and installed-package databases contain versions that
//! the strict grammar refuses; a scanner must still order them. Each choice
//! below is exercised by `tests/conformance.rs`:
//!
//! * PyPI: non-PEP 440 strings parse as *legacy* versions that sort below all
//!   PEP 440 versions (osv-scalibr's rule); [`pep440::Version::parse_strict`]
//!   rejects them.
//! * apk: strings apk-tools 3 rejects (e.g. `6.0.2p1-r1` from the apk-tools 2
//!   era) are ordered with osv-scalibr's Alpine rules; see [`apk::compare_raw`].
//! * dpkg: [`dpkg::Version::parse`] accepts what `dpkg --compare-versions`
//!   accepts (it only warns about e.g. a non-digit start);
//!   [`dpkg::Version::parse_strict`] is `Dpkg::Version::is_valid`.
//! * RubyGems: `1beta` is accepted (as `1.beta`); `parse_strict` is
//!   `Gem::Version.correct?`.
//! * npm: [`Scheme::Npm`] parses in node-semver's `loose` mode.
//! * Maven: [`maven::Version`] follows current Maven (4.x `ComparableVersion`);
//!   [`maven::v38::Version`] reproduces maven-artifact 3.8.6, which the two
//!   disagree on for a few dotted qualifiers (`2.9.0-1` vs `2.9.0.RC1`).

// Comparators conventionally name operands `a`/`b` and cursors `i`/`j`,
// mirroring the upstream C/Go/Java code they follow.
#![allow(clippy::many_single_char_names)]

pub mod apk;
pub mod cran;
pub mod dpkg;
#[doc(hidden)]
pub mod fuzzing;
pub mod gomod;
pub mod hackage;
pub mod maven;
pub mod npm;
pub mod nuget;
mod num;
pub mod osv;
pub mod packagist;
pub mod pep440;
pub mod pub_dev;
pub mod rpm;
pub mod rubygems;
pub mod semver;
mod semverlike;

use std::cmp::Ordering;
use std::fmt;

pub use num::Num;

/// Errors from parsing versions or ranges.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VersionError {
    /// A version string the scheme rejects.
    #[error("invalid {scheme} version {input:?}: {reason}")]
    Invalid {
        /// The scheme that rejected it.
        scheme: Scheme,
        /// The offending input (truncated to 200 characters).
        input: String,
        /// What is wrong.
        reason: &'static str,
    },
    /// A range / specifier / requirement the scheme rejects.
    #[error("invalid {scheme} range {input:?}: {reason}")]
    InvalidRange {
        /// The scheme that rejected it.
        scheme: Scheme,
        /// The offending input (truncated to 200 characters).
        input: String,
        /// What is wrong.
        reason: &'static str,
    },
    /// Two versions of different schemes were compared.
    #[error("cannot compare a {left} version with a {right} version")]
    SchemeMismatch {
        /// Scheme of the left operand.
        left: Scheme,
        /// Scheme of the right operand.
        right: Scheme,
    },
    /// An OSV ecosystem name with no known version ordering.
    #[error("unsupported OSV ecosystem {0:?}: no version ordering is known for it")]
    UnsupportedEcosystem(String),
}

fn clip(s: &str) -> String {
    match s.char_indices().nth(200) {
        Some((i, _)) => format!("{}…", s.get(..i).unwrap_or_default()),
        None => s.to_string(),
    }
}

impl VersionError {
    pub(crate) fn invalid(scheme: Scheme, input: &str, reason: &'static str) -> Self {
        VersionError::Invalid {
            scheme,
            input: clip(input),
            reason,
        }
    }
    pub(crate) fn invalid_range(scheme: Scheme, input: &str, reason: &'static str) -> Self {
        VersionError::InvalidRange {
            scheme,
            input: clip(input),
            reason,
        }
    }
}

/// A version ordering scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scheme {
    /// Debian/Ubuntu dpkg.
    Dpkg,
    /// Alpine/Wolfi/Chainguard apk.
    Apk,
    /// RPM (Red Hat family, SUSE, Amazon, Oracle, Mageia, openEuler...).
    Rpm,
    /// PyPI (PEP 440 with legacy fallback).
    Pep440,
    /// npm node-semver.
    Npm,
    /// Go modules.
    Go,
    /// Maven ComparableVersion.
    Maven,
    /// RubyGems Gem::Version.
    RubyGems,
    /// NuGet.
    NuGet,
    /// Packagist / Composer.
    Packagist,
    /// SemVer 2.0 (crates.io, OSV `SEMVER` ranges, Bitnami, Hex...).
    SemVer,
    /// Hackage.
    Hackage,
    /// Dart Pub.
    Pub,
    /// CRAN.
    Cran,
}

impl Scheme {
    /// Every scheme, for iteration in tests and tools.
    pub const ALL: [Scheme; 14] = [
        Scheme::Dpkg,
        Scheme::Apk,
        Scheme::Rpm,
        Scheme::Pep440,
        Scheme::Npm,
        Scheme::Go,
        Scheme::Maven,
        Scheme::RubyGems,
        Scheme::NuGet,
        Scheme::Packagist,
        Scheme::SemVer,
        Scheme::Hackage,
        Scheme::Pub,
        Scheme::Cran,
    ];

    /// Short name used in messages.
    pub fn name(self) -> &'static str {
        match self {
            Scheme::Dpkg => "dpkg",
            Scheme::Apk => "apk",
            Scheme::Rpm => "rpm",
            Scheme::Pep440 => "PEP 440",
            Scheme::Npm => "npm",
            Scheme::Go => "Go",
            Scheme::Maven => "Maven",
            Scheme::RubyGems => "RubyGems",
            Scheme::NuGet => "NuGet",
            Scheme::Packagist => "Packagist",
            Scheme::SemVer => "SemVer",
            Scheme::Hackage => "Hackage",
            Scheme::Pub => "Pub",
            Scheme::Cran => "CRAN",
        }
    }

    /// Maps an OSV `affected[].package.ecosystem` string (with or without its
    /// `:release` suffix) to a scheme; `None` for ecosystems without a
    /// version ordering (GIT-only ones such as `Linux`, `Android`, `OSS-Fuzz`).
    pub fn from_osv_ecosystem(name: &str) -> Option<Scheme> {
        Ecosystem::from_osv_ecosystem(name).map(Ecosystem::scheme)
    }

    /// Like [`Scheme::from_osv_ecosystem`], with an error naming the ecosystem.
    pub fn for_osv_ecosystem(name: &str) -> Result<Scheme, VersionError> {
        Scheme::from_osv_ecosystem(name)
            .ok_or_else(|| VersionError::UnsupportedEcosystem(clip(name)))
    }

    /// Parses a version under this scheme.
    pub fn parse(self, s: &str) -> Result<AnyVersion, VersionError> {
        Ok(match self {
            Scheme::Dpkg => AnyVersion::Dpkg(dpkg::Version::parse(s)?),
            Scheme::Apk => AnyVersion::Apk(apk::Version::parse(s)?),
            Scheme::Rpm => AnyVersion::Rpm(rpm::Version::parse(s)?),
            Scheme::Pep440 => AnyVersion::Pep440(pep440::Version::parse(s)?),
            Scheme::Npm => AnyVersion::Npm(npm::Version::parse_with(
                s,
                npm::Options {
                    loose: true,
                    include_prerelease: false,
                },
            )?),
            Scheme::Go => AnyVersion::Go(gomod::Version::parse(s)?),
            Scheme::Maven => AnyVersion::Maven(maven::Version::parse(s)?),
            Scheme::RubyGems => AnyVersion::RubyGems(rubygems::Version::parse(s)?),
            Scheme::NuGet => AnyVersion::NuGet(nuget::Version::parse(s)?),
            Scheme::Packagist => AnyVersion::Packagist(packagist::Version::parse(s)?),
            Scheme::SemVer => AnyVersion::SemVer(semver::Version::parse(s)?),
            Scheme::Hackage => AnyVersion::Hackage(hackage::Version::parse(s)?),
            Scheme::Pub => AnyVersion::Pub(pub_dev::Version::parse(s)?),
            Scheme::Cran => AnyVersion::Cran(cran::Version::parse(s)?),
        })
    }

    /// Compares two parsed versions; both must belong to this scheme.
    pub fn compare(self, a: &AnyVersion, b: &AnyVersion) -> Result<Ordering, VersionError> {
        if a.scheme() != self {
            return Err(VersionError::SchemeMismatch {
                left: self,
                right: a.scheme(),
            });
        }
        a.try_cmp(b)
    }

    /// Parses and compares two strings.
    pub fn compare_str(self, a: &str, b: &str) -> Result<Ordering, VersionError> {
        let a = self.parse(a)?;
        let b = self.parse(b)?;
        a.try_cmp(&b)
    }
}

impl fmt::Display for Scheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A version of any scheme.
#[derive(Debug, Clone)]
pub enum AnyVersion {
    /// dpkg
    Dpkg(dpkg::Version),
    /// apk
    Apk(apk::Version),
    /// rpm
    Rpm(rpm::Version),
    /// PEP 440
    Pep440(pep440::Version),
    /// npm
    Npm(npm::Version),
    /// Go
    Go(gomod::Version),
    /// Maven
    Maven(maven::Version),
    /// RubyGems
    RubyGems(rubygems::Version),
    /// NuGet
    NuGet(nuget::Version),
    /// Packagist
    Packagist(packagist::Version),
    /// SemVer
    SemVer(semver::Version),
    /// Hackage
    Hackage(hackage::Version),
    /// Pub
    Pub(pub_dev::Version),
    /// CRAN
    Cran(cran::Version),
}

impl AnyVersion {
    /// The scheme this version was parsed with.
    pub fn scheme(&self) -> Scheme {
        match self {
            AnyVersion::Dpkg(_) => Scheme::Dpkg,
            AnyVersion::Apk(_) => Scheme::Apk,
            AnyVersion::Rpm(_) => Scheme::Rpm,
            AnyVersion::Pep440(_) => Scheme::Pep440,
            AnyVersion::Npm(_) => Scheme::Npm,
            AnyVersion::Go(_) => Scheme::Go,
            AnyVersion::Maven(_) => Scheme::Maven,
            AnyVersion::RubyGems(_) => Scheme::RubyGems,
            AnyVersion::NuGet(_) => Scheme::NuGet,
            AnyVersion::Packagist(_) => Scheme::Packagist,
            AnyVersion::SemVer(_) => Scheme::SemVer,
            AnyVersion::Hackage(_) => Scheme::Hackage,
            AnyVersion::Pub(_) => Scheme::Pub,
            AnyVersion::Cran(_) => Scheme::Cran,
        }
    }

    /// Compares with another version of the same scheme.
    pub fn try_cmp(&self, other: &AnyVersion) -> Result<Ordering, VersionError> {
        use AnyVersion as A;
        Ok(match (self, other) {
            (A::Dpkg(a), A::Dpkg(b)) => a.cmp(b),
            (A::Apk(a), A::Apk(b)) => a.cmp(b),
            (A::Rpm(a), A::Rpm(b)) => a.cmp(b),
            (A::Pep440(a), A::Pep440(b)) => a.cmp(b),
            (A::Npm(a), A::Npm(b)) => a.cmp(b),
            (A::Go(a), A::Go(b)) => a.cmp(b),
            (A::Maven(a), A::Maven(b)) => a.cmp(b),
            (A::RubyGems(a), A::RubyGems(b)) => a.cmp(b),
            (A::NuGet(a), A::NuGet(b)) => a.cmp(b),
            (A::Packagist(a), A::Packagist(b)) => a.cmp(b),
            (A::SemVer(a), A::SemVer(b)) => a.cmp(b),
            (A::Hackage(a), A::Hackage(b)) => a.cmp(b),
            (A::Pub(a), A::Pub(b)) => a.cmp(b),
            (A::Cran(a), A::Cran(b)) => a.cmp(b),
            _ => {
                return Err(VersionError::SchemeMismatch {
                    left: self.scheme(),
                    right: other.scheme(),
                });
            }
        })
    }
}

/// Versions of different schemes are unordered (`None`).
impl PartialOrd for AnyVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        self.try_cmp(other).ok()
    }
}

/// Equal when of the same scheme and comparing equal.
impl PartialEq for AnyVersion {
    fn eq(&self, other: &Self) -> bool {
        self.try_cmp(other) == Ok(Ordering::Equal)
    }
}

impl fmt::Display for AnyVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AnyVersion::Dpkg(v) => v.fmt(f),
            AnyVersion::Apk(v) => v.fmt(f),
            AnyVersion::Rpm(v) => v.fmt(f),
            AnyVersion::Pep440(v) => v.fmt(f),
            AnyVersion::Npm(v) => v.fmt(f),
            AnyVersion::Go(v) => v.fmt(f),
            AnyVersion::Maven(v) => v.fmt(f),
            AnyVersion::RubyGems(v) => v.fmt(f),
            AnyVersion::NuGet(v) => v.fmt(f),
            AnyVersion::Packagist(v) => v.fmt(f),
            AnyVersion::SemVer(v) => v.fmt(f),
            AnyVersion::Hackage(v) => v.fmt(f),
            AnyVersion::Pub(v) => v.fmt(f),
            AnyVersion::Cran(v) => v.fmt(f),
        }
    }
}

/// OSV ecosystems with a known version ordering.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Ecosystem {
    /// `Debian[:N]`
    Debian,
    /// `Ubuntu:YY.MM[:LTS]`, `Ubuntu:Pro:...`
    Ubuntu,
    /// `Alpine:vX.Y`
    Alpine,
    /// `Wolfi`
    Wolfi,
    /// `Chainguard`
    Chainguard,
    /// `MinimOS`
    MinimOs,
    /// `Alpaquita`, `BellSoft Hardened Containers` (apk based)
    Alpaquita,
    /// `Red Hat:<cpe>`
    RedHat,
    /// `AlmaLinux[:N]`
    AlmaLinux,
    /// `Rocky Linux[:N]`
    RockyLinux,
    /// `SUSE:<product>`
    Suse,
    /// `openSUSE:<release>`
    OpenSuse,
    /// `Mageia:N`
    Mageia,
    /// `openEuler:<release>`
    OpenEuler,
    /// `Photon OS:N`
    PhotonOs,
    /// `Azure Linux`, `Mariner` style rpm distributions
    AzureLinux,
    /// `Amazon Linux` style rpm distributions
    AmazonLinux,
    /// `Oracle Linux` style rpm distributions
    OracleLinux,
    /// `PyPI`
    PyPi,
    /// `npm`
    Npm,
    /// `Go`
    Go,
    /// `crates.io`
    CratesIo,
    /// `Maven[:repo]`
    Maven,
    /// `RubyGems`
    RubyGems,
    /// `NuGet`
    NuGet,
    /// `Packagist[:repo]`
    Packagist,
    /// `Hackage`
    Hackage,
    /// `Pub`
    Pub,
    /// `CRAN`
    Cran,
    /// `Bioconductor`
    Bioconductor,
    /// `Bitnami`
    Bitnami,
    /// `Hex`
    Hex,
    /// `SwiftURL`
    SwiftUrl,
    /// `ConanCenter`
    ConanCenter,
}

/// Splits `Debian:12` into (`Debian`, `Some("12")`) and `Ubuntu:Pro:18.04:LTS`
/// into (`Ubuntu`, `Some("Pro:18.04:LTS")`).
pub fn split_osv_ecosystem(name: &str) -> (&str, Option<&str>) {
    match name.split_once(':') {
        Some((base, rest)) => (base, Some(rest)),
        None => (name, None),
    }
}

impl Ecosystem {
    /// Maps an OSV ecosystem string (any `:suffix` is ignored).
    /// `Root:<Distro>:<release>` and `Root:<PackageManager>` (Root's patched
    /// images) map to the underlying ecosystem.
    pub fn from_osv_ecosystem(name: &str) -> Option<Ecosystem> {
        let (base, rest) = split_osv_ecosystem(name.trim());
        if base == "Root" {
            return rest.and_then(Ecosystem::from_osv_ecosystem);
        }
        Some(match base {
            "Debian" => Ecosystem::Debian,
            "Ubuntu" => Ecosystem::Ubuntu,
            "Alpine" => Ecosystem::Alpine,
            "Wolfi" => Ecosystem::Wolfi,
            "Chainguard" => Ecosystem::Chainguard,
            "MinimOS" => Ecosystem::MinimOs,
            "Alpaquita" | "BellSoft Hardened Containers" => Ecosystem::Alpaquita,
            "Red Hat" => Ecosystem::RedHat,
            "AlmaLinux" => Ecosystem::AlmaLinux,
            "Rocky Linux" => Ecosystem::RockyLinux,
            "SUSE" => Ecosystem::Suse,
            "openSUSE" => Ecosystem::OpenSuse,
            "Mageia" => Ecosystem::Mageia,
            "openEuler" => Ecosystem::OpenEuler,
            "Photon OS" => Ecosystem::PhotonOs,
            "Azure Linux" | "Mariner" | "CBL-Mariner" => Ecosystem::AzureLinux,
            "Amazon Linux" | "Amazon" => Ecosystem::AmazonLinux,
            "Oracle Linux" | "Oracle" => Ecosystem::OracleLinux,
            "PyPI" => Ecosystem::PyPi,
            "npm" => Ecosystem::Npm,
            "Go" => Ecosystem::Go,
            "crates.io" => Ecosystem::CratesIo,
            "Maven" => Ecosystem::Maven,
            "RubyGems" => Ecosystem::RubyGems,
            "NuGet" => Ecosystem::NuGet,
            "Packagist" => Ecosystem::Packagist,
            "Hackage" => Ecosystem::Hackage,
            "Pub" => Ecosystem::Pub,
            "CRAN" => Ecosystem::Cran,
            "Bioconductor" => Ecosystem::Bioconductor,
            "Bitnami" => Ecosystem::Bitnami,
            "Hex" => Ecosystem::Hex,
            "SwiftURL" => Ecosystem::SwiftUrl,
            "ConanCenter" => Ecosystem::ConanCenter,
            _ => return None,
        })
    }

    /// The version ordering of the ecosystem.
    pub fn scheme(self) -> Scheme {
        use Ecosystem as E;
        match self {
            E::Debian | E::Ubuntu => Scheme::Dpkg,
            E::Alpine | E::Wolfi | E::Chainguard | E::MinimOs | E::Alpaquita => Scheme::Apk,
            E::RedHat
            | E::AlmaLinux
            | E::RockyLinux
            | E::Suse
            | E::OpenSuse
            | E::Mageia
            | E::OpenEuler
            | E::PhotonOs
            | E::AzureLinux
            | E::AmazonLinux
            | E::OracleLinux => Scheme::Rpm,
            E::PyPi => Scheme::Pep440,
            E::Npm => Scheme::Npm,
            E::Go => Scheme::Go,
            E::Maven => Scheme::Maven,
            E::RubyGems => Scheme::RubyGems,
            E::NuGet => Scheme::NuGet,
            E::Packagist => Scheme::Packagist,
            E::Hackage => Scheme::Hackage,
            E::Pub => Scheme::Pub,
            E::Cran => Scheme::Cran,
            E::CratesIo | E::Bioconductor | E::Bitnami | E::Hex | E::SwiftUrl | E::ConanCenter => {
                Scheme::SemVer
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn osv_ecosystem_names() {
        let cases = [
            ("Debian:12", Scheme::Dpkg),
            ("Ubuntu:22.04:LTS", Scheme::Dpkg),
            ("Ubuntu:Pro:18.04:LTS", Scheme::Dpkg),
            ("Alpine:v3.20", Scheme::Apk),
            ("Wolfi", Scheme::Apk),
            ("Chainguard", Scheme::Apk),
            ("Red Hat:enterprise_linux:9::appstream", Scheme::Rpm),
            ("AlmaLinux:9", Scheme::Rpm),
            ("Rocky Linux", Scheme::Rpm),
            ("SUSE:Linux Enterprise Server 15 SP5", Scheme::Rpm),
            ("openSUSE:Tumbleweed", Scheme::Rpm),
            ("PyPI", Scheme::Pep440),
            ("npm", Scheme::Npm),
            ("Go", Scheme::Go),
            ("crates.io", Scheme::SemVer),
            ("Maven", Scheme::Maven),
            ("Maven:https://maven.google.com", Scheme::Maven),
            ("RubyGems", Scheme::RubyGems),
            ("NuGet", Scheme::NuGet),
            ("Packagist", Scheme::Packagist),
            ("Hackage", Scheme::Hackage),
            ("Pub", Scheme::Pub),
            ("CRAN", Scheme::Cran),
            ("Bitnami", Scheme::SemVer),
        ];
        for (name, scheme) in cases {
            assert_eq!(Scheme::from_osv_ecosystem(name), Some(scheme), "{name}");
        }
        assert_eq!(
            Scheme::from_osv_ecosystem("Root:Alpine:3.18"),
            Some(Scheme::Apk)
        );
        assert_eq!(
            Scheme::from_osv_ecosystem("Root:PyPI"),
            Some(Scheme::Pep440)
        );
        assert_eq!(Scheme::from_osv_ecosystem("Root"), None);
        assert_eq!(Scheme::from_osv_ecosystem("Linux"), None);
        let e = Scheme::for_osv_ecosystem("Linux").unwrap_err().to_string();
        assert!(e.contains("\"Linux\""), "{e}");
        assert_eq!(Scheme::from_osv_ecosystem("debian"), None);
    }

    #[test]
    fn mismatched_schemes_are_an_error() {
        let a = Scheme::Dpkg.parse("1.0").unwrap();
        let b = Scheme::Rpm.parse("1.0").unwrap();
        assert!(matches!(
            a.try_cmp(&b),
            Err(VersionError::SchemeMismatch { .. })
        ));
        assert_eq!(a.partial_cmp(&b), None);
        let e = Scheme::Dpkg.parse("").unwrap_err().to_string();
        assert!(e.contains("dpkg"), "{e}");
    }
}
