//! How the matcher orders versions: the [`VersionScheme`] seam and its implementation backed by
//! `bulwark-version` ([`BulwarkVersions`]). The matcher imports this module; it imports nothing
//! of the matcher.

use std::cmp::Ordering;

use bulwark_version::Scheme;

/// Compares two version strings of one ecosystem family. Implemented by
/// [`BulwarkVersions`] on top of `bulwark-version`; tests may supply others.
pub trait VersionScheme: Send + Sync {
    /// Orders `a` against `b` under `kind`; `Err` with a reason when either does not parse.
    fn compare(&self, kind: Option<Scheme>, a: &str, b: &str) -> Result<Ordering, String>;

    /// Parses `v` once so it can be compared many times with
    /// [`VersionScheme::compare_parsed`]. Must fail exactly when `compare(kind, v, v)` fails,
    /// with the same reason. The default validates with `compare` and keeps the string.
    fn parse<'a>(&self, kind: Option<Scheme>, v: &'a str) -> Result<ParsedVersion<'a>, String> {
        self.compare(kind, v, v)?;
        Ok(ParsedVersion {
            raw: v,
            parsed: None,
        })
    }

    /// Orders two versions from [`VersionScheme::parse`]; must agree with `compare` on their
    /// strings. Uses the parsed forms when both have one, else `compare`.
    fn compare_parsed(
        &self,
        kind: Option<Scheme>,
        a: &ParsedVersion<'_>,
        b: &ParsedVersion<'_>,
    ) -> Result<Ordering, String> {
        match (&a.parsed, &b.parsed) {
            (Some(x), Some(y)) => x.try_cmp(y).map_err(|e| e.to_string()),
            _ => self.compare(kind, a.raw, b.raw),
        }
    }
}

/// A version string with its parsed form (when the scheme parses ahead of comparing).
#[derive(Debug, Clone)]
pub struct ParsedVersion<'a> {
    /// The version as written.
    pub raw: &'a str,
    /// Its `bulwark-version` form; `None` when the scheme compares strings.
    pub parsed: Option<bulwark_version::AnyVersion>,
}

/// Compares versions with `bulwark-version`'s per-ecosystem comparators.
#[derive(Debug, Clone, Copy, Default)]
pub struct BulwarkVersions;

const NO_ORDERING: &str = "no version ordering for this ecosystem";

impl VersionScheme for BulwarkVersions {
    fn compare(&self, kind: Option<Scheme>, a: &str, b: &str) -> Result<Ordering, String> {
        let scheme = kind.ok_or_else(|| NO_ORDERING.to_owned())?;
        scheme.compare_str(a, b).map_err(|e| e.to_string())
    }

    /// Parses with `bulwark-version` once; comparisons then use the parsed form.
    fn parse<'a>(&self, kind: Option<Scheme>, v: &'a str) -> Result<ParsedVersion<'a>, String> {
        let scheme = kind.ok_or_else(|| NO_ORDERING.to_owned())?;
        Ok(ParsedVersion {
            raw: v,
            parsed: Some(scheme.parse(v).map_err(|e| e.to_string())?),
        })
    }
}
