//! The "semver-like" family osv-scalibr uses for SemVer (crates.io, Bitnami,
//! Hex, SwiftURL, ConanCenter, Bioconductor and OSV `SEMVER` ranges), NuGet,
//! Pub and Hackage: numeric components (unbounded) up to the first
//! non-digit, non-dot character, then a tail holding `-prerelease+build`.
//!
//! Parsing is lenient by design (a leading `v`, missing minor/patch, extra
//! components): these strings come from real package metadata, and
//! osv-scanner orders them this way.

use std::cmp::Ordering;

use smallvec::SmallVec;

use crate::num::{Num, cmp_decimal};

/// Flavour-specific rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Flavor {
    /// SemVer 2.0: three components, build metadata ignored.
    SemVer,
    /// NuGet: four components, case-insensitive pre-release.
    NuGet,
    /// Pub: three components, build metadata compared after everything else.
    Pub,
    /// Hackage: any number of components, no tail allowed; more components
    /// sort later (`1.0 < 1.0.0`).
    Hackage,
}

/// Parsed components and the tail (which starts at `tail_start` in the text).
#[derive(Clone, Debug)]
pub(crate) struct Parsed {
    pub(crate) comps: SmallVec<[Num; 4]>,
    /// Extra components beyond the flavour's maximum, re-rendered as
    /// `.N.M` in front of the tail (osv-scalibr does the same).
    pub(crate) tail: Box<str>,
}

pub(crate) fn parse(text: &str, max: Option<usize>) -> Parsed {
    let b = text.as_bytes();
    let b = b.strip_prefix(b"v").unwrap_or(b);
    let mut comps: SmallVec<[Num; 4]> = SmallVec::new();
    let mut i = 0;
    let mut tail_start = b.len();
    while i < b.len() {
        let c = b.get(i).copied().unwrap_or_default();
        if c.is_ascii_digit() {
            let n = b
                .get(i..)
                .unwrap_or_default()
                .iter()
                .take_while(|c| c.is_ascii_digit())
                .count();
            comps.push(Num::from_digits(b.get(i..i + n).unwrap_or_default()));
            i += n;
        } else if c == b'.' {
            i += 1;
        } else {
            tail_start = i;
            break;
        }
    }
    let rest = String::from_utf8_lossy(b.get(tail_start..).unwrap_or_default());
    let tail = match max {
        Some(m) if comps.len() > m => {
            let mut t = String::new();
            for c in comps.drain(m..) {
                t.push('.');
                t.push_str(&c.to_string());
            }
            t.push_str(&rest);
            t
        }
        _ => rest.into_owned(),
    };
    Parsed {
        comps,
        tail: tail.into_boxed_str(),
    }
}

fn cmp_comps(a: &[Num], b: &[Num]) -> Ordering {
    for i in 0..a.len().max(b.len()) {
        let o = a
            .get(i)
            .unwrap_or(&Num::ZERO)
            .cmp(b.get(i).unwrap_or(&Num::ZERO));
        if o != Ordering::Equal {
            return o;
        }
    }
    Ordering::Equal
}

/// Splits `s` at the first `+` into (before, after-or-empty).
fn split_plus(s: &[u8]) -> (&[u8], &[u8]) {
    match s.iter().position(|&c| c == b'+') {
        Some(p) => (
            s.get(..p).unwrap_or_default(),
            s.get(p + 1..).unwrap_or_default(),
        ),
        None => (s, &[]),
    }
}

fn cmp_ident(p: &[u8], q: &[u8], ci: bool) -> Ordering {
    let num = |x: &[u8]| !x.is_empty() && x.iter().all(u8::is_ascii_digit);
    match (num(p), num(q)) {
        (true, true) => cmp_decimal(p, q),
        (false, false) if ci => p
            .iter()
            .map(u8::to_ascii_lowercase)
            .cmp(q.iter().map(u8::to_ascii_lowercase)),
        (false, false) => p.cmp(q),
        (true, false) => Ordering::Less,
        (false, true) => Ordering::Greater,
    }
}

/// osv-scalibr's `compareBuildComponents`: drop `+metadata`, drop one
/// leading `-`; no pre-release sorts last; then dot-separated identifiers.
fn cmp_tail(a: &str, b: &str, ci: bool) -> Ordering {
    let a = split_plus(a.as_bytes()).0;
    let b = split_plus(b.as_bytes()).0;
    let a = a.strip_prefix(b"-").unwrap_or(a);
    let b = b.strip_prefix(b"-").unwrap_or(b);
    match (a.is_empty(), b.is_empty()) {
        (true, true) => return Ordering::Equal,
        (true, false) => return Ordering::Greater,
        (false, true) => return Ordering::Less,
        _ => {}
    }
    let mut xa = a.split(|&c| c == b'.');
    let mut xb = b.split(|&c| c == b'.');
    loop {
        match (xa.next(), xb.next()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(p), Some(q)) => {
                let o = cmp_ident(p, q, ci);
                if o != Ordering::Equal {
                    return o;
                }
            }
        }
    }
}

pub(crate) fn compare(flavor: Flavor, a: &Parsed, b: &Parsed) -> Ordering {
    let o = cmp_comps(&a.comps, &b.comps);
    if o != Ordering::Equal {
        return o;
    }
    match flavor {
        Flavor::SemVer => cmp_tail(&a.tail, &b.tail, false),
        Flavor::NuGet => cmp_tail(&a.tail, &b.tail, true),
        Flavor::Pub => cmp_tail(&a.tail, &b.tail, false).then_with(|| {
            let (ba, bb) = (
                split_plus(a.tail.as_bytes()).1,
                split_plus(b.tail.as_bytes()).1,
            );
            if ba.is_empty() || bb.is_empty() {
                return (!ba.is_empty()).cmp(&!bb.is_empty());
            }
            ba.cmp(bb)
        }),
        Flavor::Hackage => a.comps.len().cmp(&b.comps.len()),
    }
}

/// Defines a typed version for one flavour.
macro_rules! semverlike_version {
    ($doc:literal, $flavor:expr, $scheme:expr, $max:expr, $no_tail:expr) => {
        #[doc = $doc]
        #[derive(Clone, Debug)]
        pub struct Version {
            text: Box<str>,
            parsed: $crate::semverlike::Parsed,
        }

        impl Version {
            /// Parses a version; see the module documentation for what is accepted.
            pub fn parse(input: &str) -> Result<Self, $crate::error::VersionError> {
                if input.is_empty() {
                    return Err($crate::error::VersionError::invalid(
                        $scheme,
                        input,
                        "the version string is empty",
                    ));
                }
                if input.chars().any(char::is_whitespace) {
                    return Err($crate::error::VersionError::invalid(
                        $scheme,
                        input,
                        "the version string contains whitespace",
                    ));
                }
                let parsed = $crate::semverlike::parse(input, $max);
                if parsed.comps.is_empty() {
                    return Err($crate::error::VersionError::invalid(
                        $scheme,
                        input,
                        "no numeric component",
                    ));
                }
                if $no_tail && !parsed.tail.is_empty() {
                    return Err($crate::error::VersionError::invalid(
                        $scheme,
                        input,
                        "only dot-separated numbers are allowed",
                    ));
                }
                Ok(Version {
                    text: input.into(),
                    parsed,
                })
            }

            /// The version text.
            pub fn as_str(&self) -> &str {
                &self.text
            }
        }

        impl Ord for Version {
            fn cmp(&self, other: &Self) -> std::cmp::Ordering {
                $crate::semverlike::compare($flavor, &self.parsed, &other.parsed)
            }
        }
        impl PartialOrd for Version {
            fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
                Some(self.cmp(other))
            }
        }
        impl PartialEq for Version {
            fn eq(&self, other: &Self) -> bool {
                self.cmp(other) == std::cmp::Ordering::Equal
            }
        }
        impl Eq for Version {}
        impl std::fmt::Display for Version {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.text)
            }
        }
        impl std::str::FromStr for Version {
            type Err = $crate::error::VersionError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Version::parse(s)
            }
        }
    };
}
pub(crate) use semverlike_version;
