//! The [`VersionScheme`] implementation backed by `bulwark-version`.

use std::cmp::Ordering;

use bulwark_version::Scheme;

use crate::ecosystem::VersionKind;
use crate::matcher::{ParsedVersion, VersionScheme};

/// Compares versions with `bulwark-version`'s per-ecosystem comparators.
#[derive(Debug, Clone, Copy, Default)]
pub struct BulwarkVersions;

/// The `bulwark-version` scheme for a comparator family (`None` for [`VersionKind::Unknown`]).
pub fn scheme_for(kind: VersionKind) -> Option<Scheme> {
    Some(match kind {
        VersionKind::Dpkg => Scheme::Dpkg,
        VersionKind::Rpm => Scheme::Rpm,
        VersionKind::Apk => Scheme::Apk,
        VersionKind::Pep440 => Scheme::Pep440,
        VersionKind::Npm => Scheme::Npm,
        VersionKind::Go => Scheme::Go,
        VersionKind::Semver => Scheme::SemVer,
        VersionKind::Maven => Scheme::Maven,
        VersionKind::Gem => Scheme::RubyGems,
        VersionKind::NuGet => Scheme::NuGet,
        VersionKind::Composer => Scheme::Packagist,
        VersionKind::Hackage => Scheme::Hackage,
        VersionKind::Pub => Scheme::Pub,
        VersionKind::Cran => Scheme::Cran,
        VersionKind::Unknown => return None,
    })
}

impl VersionScheme for BulwarkVersions {
    fn compare(&self, kind: VersionKind, a: &str, b: &str) -> Result<Ordering, String> {
        let scheme =
            scheme_for(kind).ok_or_else(|| "no version ordering for this ecosystem".to_owned())?;
        scheme.compare_str(a, b).map_err(|e| e.to_string())
    }

    /// Parses with `bulwark-version` once; comparisons then use the parsed form.
    fn parse<'a>(&self, kind: VersionKind, v: &'a str) -> Result<ParsedVersion<'a>, String> {
        let scheme =
            scheme_for(kind).ok_or_else(|| "no version ordering for this ecosystem".to_owned())?;
        Ok(ParsedVersion {
            raw: v,
            parsed: Some(scheme.parse(v).map_err(|e| e.to_string())?),
        })
    }
}
