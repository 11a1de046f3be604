//! RPM versions (Red Hat, AlmaLinux, Rocky, SUSE/openSUSE, Amazon, Oracle,
//! Mageia, openEuler...): `[epoch:]version[-release]`, each part compared with
//! rpm's `rpmvercmp` (including `~` sorting before everything and `^`
//! sorting after the end of the string but before any further segment).
//!
//! Splitting follows osv-scalibr (the reference for OSV matching): the epoch
//! is the part before the first `:` when it is all digits (default 0); the
//! release is everything after the first `-` that follows. A missing release
//! sorts before any present one.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use crate::error::VersionError;
use crate::num::cmp_decimal;
use crate::scheme::Scheme;

/// rpm's `rpmvercmp` on a single version or release string.
pub fn rpmvercmp(a: &str, b: &str) -> Ordering {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a == b {
        return Ordering::Equal;
    }
    let sep = |c: u8| !c.is_ascii_alphanumeric() && c != b'~' && c != b'^';
    let (mut i, mut j) = (0usize, 0usize);
    while i < a.len() || j < b.len() {
        while a.get(i).is_some_and(|&c| sep(c)) {
            i += 1;
        }
        while b.get(j).is_some_and(|&c| sep(c)) {
            j += 1;
        }
        let (ca, cb) = (a.get(i).copied(), b.get(j).copied());
        if ca == Some(b'~') || cb == Some(b'~') {
            if ca != Some(b'~') {
                return Ordering::Greater;
            }
            if cb != Some(b'~') {
                return Ordering::Less;
            }
            i += 1;
            j += 1;
            continue;
        }
        if ca == Some(b'^') || cb == Some(b'^') {
            if ca.is_none() {
                return Ordering::Less;
            }
            if cb.is_none() {
                return Ordering::Greater;
            }
            if ca != Some(b'^') {
                return Ordering::Greater;
            }
            if cb != Some(b'^') {
                return Ordering::Less;
            }
            i += 1;
            j += 1;
            continue;
        }
        let (Some(first), Some(_)) = (ca, cb) else {
            break;
        };
        let isnum = first.is_ascii_digit();
        let class = |c: &u8| {
            if isnum {
                c.is_ascii_digit()
            } else {
                c.is_ascii_alphabetic()
            }
        };
        let si = i + a
            .get(i..)
            .unwrap_or_default()
            .iter()
            .take_while(|c| class(c))
            .count();
        let sj = j + b
            .get(j..)
            .unwrap_or_default()
            .iter()
            .take_while(|c| class(c))
            .count();
        if sj == j {
            return if isnum {
                Ordering::Greater
            } else {
                Ordering::Less
            };
        }
        let (sa, sb) = (
            a.get(i..si).unwrap_or_default(),
            b.get(j..sj).unwrap_or_default(),
        );
        let r = if isnum {
            cmp_decimal(sa, sb)
        } else {
            sa.cmp(sb)
        };
        if r != Ordering::Equal {
            return r;
        }
        i = si;
        j = sj;
    }
    match (i >= a.len(), j >= b.len()) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Less,
        _ => Ordering::Greater,
    }
}

/// A parsed RPM EVR.
#[derive(Clone, Debug)]
pub struct Version {
    text: Box<str>,
    /// End of the epoch digits, 0 when absent.
    epoch_end: u32,
    ver_start: u32,
    /// Start of the release (after '-'), `None` when absent.
    release_start: Option<u32>,
}

impl Version {
    /// Parses `[epoch:]version[-release]`. Rejects empty strings and
    /// whitespace; any other bytes are kept and treated as rpm does (as
    /// separators).
    pub fn parse(input: &str) -> Result<Self, VersionError> {
        if input.is_empty() {
            return Err(VersionError::invalid(
                Scheme::Rpm,
                input,
                "the version string is empty",
            ));
        }
        if input.len() > u32::MAX as usize / 2 {
            return Err(VersionError::invalid(
                Scheme::Rpm,
                input,
                "the version string is too long",
            ));
        }
        if input.chars().any(char::is_whitespace) {
            return Err(VersionError::invalid(
                Scheme::Rpm,
                input,
                "the version string contains whitespace",
            ));
        }
        let (epoch_end, ver_start) = match input.find(':') {
            Some(c)
                if input
                    .as_bytes()
                    .get(..c)
                    .is_some_and(|e| e.iter().all(u8::is_ascii_digit)) =>
            {
                (c, c + 1)
            }
            _ => (0, 0),
        };
        let release_start = input
            .get(ver_start..)
            .and_then(|r| r.find('-'))
            .map(|d| (ver_start + d + 1) as u32);
        Ok(Version {
            text: input.into(),
            epoch_end: epoch_end as u32,
            ver_start: ver_start as u32,
            release_start,
        })
    }

    /// Epoch digits ("" = 0).
    pub fn epoch(&self) -> &str {
        self.text.get(..self.epoch_end as usize).unwrap_or_default()
    }

    /// The version part.
    pub fn version(&self) -> &str {
        let end = self
            .release_start
            .map_or(self.text.len(), |r| r as usize - 1);
        self.text
            .get(self.ver_start as usize..end)
            .unwrap_or_default()
    }

    /// The release part, when present.
    pub fn release(&self) -> Option<&str> {
        self.release_start.and_then(|r| self.text.get(r as usize..))
    }

    /// The version text.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        cmp_decimal(self.epoch().as_bytes(), other.epoch().as_bytes())
            .then_with(|| rpmvercmp(self.version(), other.version()))
            .then_with(|| match (self.release(), other.release()) {
                (None, None) => Ordering::Equal,
                (None, Some(_)) => Ordering::Less,
                (Some(_), None) => Ordering::Greater,
                (Some(a), Some(b)) => rpmvercmp(a, b),
            })
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
impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
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
    fn tilde_and_caret() {
        assert_eq!(rpmvercmp("1.0~rc1", "1.0"), Ordering::Less);
        assert_eq!(rpmvercmp("1.0^git1", "1.0"), Ordering::Greater);
        assert_eq!(rpmvercmp("1.0^git1", "1.0.1"), Ordering::Less);
    }

    #[test]
    fn evr_parts() {
        let v = Version::parse("1:2.3-4.el9").unwrap();
        assert_eq!(
            (v.epoch(), v.version(), v.release()),
            ("1", "2.3", Some("4.el9"))
        );
        assert!(v > Version::parse("2.9-1").unwrap());
    }
}
