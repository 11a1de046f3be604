//! Run-time dispatch over the comparators: [`Scheme::parse`] / [`Scheme::compare`] and
//! [`AnyVersion`]. This module imports every comparator; no comparator imports it.

use std::cmp::Ordering;
use std::fmt;

use crate::error::VersionError;
use crate::scheme::Scheme;
use crate::{
    apk, cran, dpkg, gomod, hackage, maven, npm, nuget, packagist, pep440, pub_dev, rpm, rubygems,
    semver,
};

impl Scheme {
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
