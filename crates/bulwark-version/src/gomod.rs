//! Go module versions: `golang.org/x/mod/semver` (SemVer 2.0 with a
//! mandatory `v`, shorthands `v1` / `v1.2`, build metadata ignored), plus
//! pseudo-versions (`v1.2.4-0.20060102150405-abcdef123456`, which sort after
//! their base tag because they are pre-releases of the next patch) and
//! `+incompatible` (build metadata, ignored by ordering).
//!
//! OSV's `Go` ecosystem writes versions without the `v` (`1.2.3`), so
//! [`Version::parse`] accepts both; [`Version::parse_canonical`] and
//! [`compare_x_mod`] keep `x/mod`'s exact rules (`v` required, invalid
//! strings equal to each other and below every valid version).

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use smallvec::SmallVec;

use crate::error::VersionError;
use crate::npm::{Identifier, cmp_prerelease};
use crate::num::{Num, digit_run};
use crate::scheme::Scheme;

/// A parsed Go module version.
#[derive(Clone, Debug)]
pub struct Version {
    major: Num,
    minor: Num,
    patch: Num,
    /// How many numeric parts were written (1, 2 or 3).
    parts: u8,
    pre: SmallVec<[Identifier; 2]>,
    build: Option<Box<str>>,
}

fn ident_ok(id: &[u8]) -> bool {
    !id.is_empty() && id.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-')
}

fn parse_int(b: &[u8]) -> Option<(Num, &[u8])> {
    let n = digit_run(b);
    if n == 0 || (n > 1 && b.first() == Some(&b'0')) {
        return None;
    }
    let (d, rest) = b.split_at(n);
    Some((Num::from_digits(d), rest))
}

fn parse_x_mod(v: &str) -> Option<Version> {
    let b = v.as_bytes().strip_prefix(b"v")?;
    let (major, rest) = parse_int(b)?;
    if rest.is_empty() {
        return Some(Version {
            major,
            minor: Num::ZERO,
            patch: Num::ZERO,
            parts: 1,
            pre: SmallVec::new(),
            build: None,
        });
    }
    let (minor, rest) = parse_int(rest.strip_prefix(b".")?)?;
    if rest.is_empty() {
        return Some(Version {
            major,
            minor,
            patch: Num::ZERO,
            parts: 2,
            pre: SmallVec::new(),
            build: None,
        });
    }
    let (patch, mut rest) = parse_int(rest.strip_prefix(b".")?)?;
    let mut pre = SmallVec::new();
    if let Some(r) = rest.strip_prefix(b"-") {
        let end = r.iter().position(|&c| c == b'+').unwrap_or(r.len());
        let (p, tail) = r.split_at(end);
        for id in p.split(|&c| c == b'.') {
            if !ident_ok(id) {
                return None;
            }
            if id.iter().all(u8::is_ascii_digit) {
                if id.len() > 1 && id.first() == Some(&b'0') {
                    return None;
                }
                pre.push(Identifier::Numeric(Num::from_digits(id)));
            } else {
                pre.push(Identifier::AlphaNumeric(String::from_utf8_lossy(id).into()));
            }
        }
        rest = tail;
    }
    let mut build = None;
    if let Some(r) = rest.strip_prefix(b"+") {
        if !r.split(|&c| c == b'.').all(ident_ok) {
            return None;
        }
        build = Some(String::from_utf8_lossy(r).into());
        rest = &[];
    }
    if !rest.is_empty() {
        return None;
    }
    Some(Version {
        major,
        minor,
        patch,
        parts: 3,
        pre,
        build,
    })
}

impl Version {
    /// Parses a Go version with or without the leading `v`.
    pub fn parse(input: &str) -> Result<Self, VersionError> {
        if input.starts_with('v') {
            Self::parse_canonical(input)
        } else {
            parse_x_mod(&format!("v{input}")).ok_or_else(|| {
                VersionError::invalid(
                    Scheme::Go,
                    input,
                    "not a semantic version (vMAJOR[.MINOR[.PATCH[-PRE][+BUILD]]])",
                )
            })
        }
    }

    /// Parses exactly what `semver.IsValid` accepts (leading `v` required).
    pub fn parse_canonical(input: &str) -> Result<Self, VersionError> {
        parse_x_mod(input).ok_or_else(|| {
            VersionError::invalid(
                Scheme::Go,
                input,
                "not a semantic version (vMAJOR[.MINOR[.PATCH[-PRE][+BUILD]]])",
            )
        })
    }

    /// True for pseudo-versions (`vX.0.0-yyyymmddhhmmss-abcdef`,
    /// `vX.Y.(Z+1)-0.yyyymmddhhmmss-abcdef`, `vX.Y.Z-pre.0.yyyymmddhhmmss-abcdef`).
    pub fn is_pseudo(&self) -> bool {
        let Some(Identifier::AlphaNumeric(last)) = self.pre.last() else {
            return false;
        };
        let b = last.as_bytes();
        let stamp_ok = b.len() > 15
            && b.get(..14)
                .is_some_and(|d| d.iter().all(u8::is_ascii_digit))
            && b.get(14) == Some(&b'-')
            && b.get(15..)
                .is_some_and(|h| h.iter().all(u8::is_ascii_alphanumeric));
        if !stamp_ok {
            return false;
        }
        match self.pre.len() {
            1 => self.minor.is_zero() && self.patch.is_zero(),
            n => matches!(self.pre.get(n - 2), Some(Identifier::Numeric(z)) if z.is_zero()),
        }
    }

    /// True when the build metadata is `incompatible`.
    pub fn is_incompatible(&self) -> bool {
        self.build.as_deref() == Some("incompatible")
    }
}

/// `semver.Compare` from golang.org/x/mod: invalid versions (including ones
/// without `v`) are equal to each other and less than every valid one.
pub fn compare_x_mod(a: &str, b: &str) -> Ordering {
    match (parse_x_mod(a), parse_x_mod(b)) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (Some(x), Some(y)) => x.cmp(&y),
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        self.major
            .cmp(&other.major)
            .then_with(|| self.minor.cmp(&other.minor))
            .then_with(|| self.patch.cmp(&other.patch))
            .then_with(|| cmp_prerelease(&self.pre, &other.pre))
    }
}
impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl PartialEq for Version {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Version {}

/// Displays the canonical form with `v` (`v1` → `v1.0.0`), keeping build
/// metadata such as `+incompatible`.
impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "v{}.{}.{}", self.major, self.minor, self.patch)?;
        for (i, id) in self.pre.iter().enumerate() {
            f.write_str(if i == 0 { "-" } else { "." })?;
            write!(f, "{id}")?;
        }
        if let Some(b) = &self.build {
            write!(f, "+{b}")?;
        }
        let _ = self.parts;
        Ok(())
    }
}
impl FromStr for Version {
    type Err = VersionError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Version::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shorthand_and_pseudo() {
        assert_eq!(compare_x_mod("v1", "v1.0.0"), Ordering::Equal);
        assert_eq!(compare_x_mod("v1-pre", "bad"), Ordering::Equal);
        let p = Version::parse("v1.2.4-0.20060102150405-abcdef123456").unwrap();
        assert!(p.is_pseudo());
        assert!(p > Version::parse("1.2.3").unwrap());
        assert!(!Version::parse("v1.2.3-pre").unwrap().is_pseudo());
        assert!(
            Version::parse("v2.0.0+incompatible")
                .unwrap()
                .is_incompatible()
        );
    }
}
