//! [`Scheme`]: the name of a version ordering. A plain identifier the comparators may name in
//! their errors; the run-time dispatch over it ([`Scheme::parse`], [`crate::AnyVersion`]) is in
//! the `any` module, above the comparators.

use std::fmt;

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
}

impl fmt::Display for Scheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
