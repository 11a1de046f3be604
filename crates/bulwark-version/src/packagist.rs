//! Packagist (Composer/PHP) versions, ordered like osv-scalibr's Packagist
//! comparator (PHP `version_compare` after canonicalisation): a leading
//! `v`/`V` is dropped, `-`, `_`, `+` become `.`, and a `.` is inserted at
//! every digit/non-digit boundary. Special words order
//! `dev < alpha = a < beta = b < RC = rc < # (number) < pl = p`.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use smallvec::SmallVec;

use crate::error::VersionError;
use crate::num::cmp_decimal;
use crate::scheme::Scheme;

/// A parsed Packagist version.
#[derive(Clone, Debug)]
pub struct Version {
    text: Box<str>,
    comps: SmallVec<[Box<str>; 4]>,
}

fn canonicalize(v: &str) -> String {
    let v = v.strip_prefix('v').unwrap_or(v);
    let v = v.strip_prefix('V').unwrap_or(v);
    let mut out = String::with_capacity(v.len() + 4);
    let mut prev: Option<char> = None;
    for c in v.chars() {
        let c = if matches!(c, '-' | '_' | '+') { '.' } else { c };
        if let Some(p) = prev {
            let pd = p.is_ascii_digit();
            let cd = c.is_ascii_digit();
            if (!pd && p != '.' && cd) || (pd && !cd && c != '.') {
                out.push('.');
            }
        }
        out.push(c);
        prev = Some(c);
    }
    out
}

fn weight(s: &str) -> u8 {
    if s.starts_with("RC") {
        return 3;
    }
    for (i, sp) in ["dev", "a", "b", "rc", "#", "p"].iter().enumerate() {
        if s.starts_with(sp) {
            return i as u8;
        }
    }
    0
}

fn is_num(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit())
}

fn cmp_comps<A: AsRef<str>, B: AsRef<str>>(a: &[A], b: &[B]) -> Ordering {
    for (x, y) in a.iter().zip(b.iter()) {
        let (x, y) = (x.as_ref(), y.as_ref());
        let o = match (is_num(x), is_num(y)) {
            (true, true) => cmp_decimal(x.as_bytes(), y.as_bytes()),
            (false, false) => weight(x).cmp(&weight(y)),
            (true, false) => weight("#").cmp(&weight(y)),
            (false, true) => weight(x).cmp(&weight("#")),
        };
        if o != Ordering::Equal {
            return o;
        }
    }
    const HASH: [&str; 1] = ["#"];
    match a.len().cmp(&b.len()) {
        Ordering::Greater => {
            let rest = a.get(b.len()..).unwrap_or_default();
            if rest.first().is_some_and(|s| is_num(s.as_ref())) {
                return Ordering::Greater;
            }
            cmp_comps(rest, &HASH)
        }
        Ordering::Less => {
            let rest = b.get(a.len()..).unwrap_or_default();
            if rest.first().is_some_and(|s| is_num(s.as_ref())) {
                return Ordering::Less;
            }
            cmp_comps(&HASH, rest)
        }
        Ordering::Equal => Ordering::Equal,
    }
}

impl Version {
    /// Parses any non-empty string without whitespace.
    pub fn parse(input: &str) -> Result<Self, VersionError> {
        if input.is_empty() {
            return Err(VersionError::invalid(
                Scheme::Packagist,
                input,
                "the version string is empty",
            ));
        }
        if input.chars().any(char::is_whitespace) {
            return Err(VersionError::invalid(
                Scheme::Packagist,
                input,
                "the version string contains whitespace",
            ));
        }
        let comps = canonicalize(input).split('.').map(Into::into).collect();
        Ok(Version {
            text: input.into(),
            comps,
        })
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        cmp_comps(&self.comps, &other.comps)
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
    fn php_order() {
        let v = |s: &str| Version::parse(s).unwrap();
        assert!(v("1.0-dev") < v("1.0-alpha1"));
        assert!(v("1.0-RC1") < v("1.0"));
        assert!(v("1.0") < v("1.0-pl1"));
        assert!(v("v1.2") > v("1.0.1"));
    }
}
