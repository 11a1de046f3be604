//! Debian/Ubuntu package versions (`[epoch:]upstream[-revision]`), ordered
//! exactly like `dpkg --compare-versions` (dpkg's `verrevcmp`).
//!
//! Rules: the epoch is a decimal number defaulting to 0; the revision is
//! everything after the *last* hyphen and defaults to "" (which compares equal
//! to "0"); in upstream and revision, `~` sorts before everything (even the end
//! of the string), letters sort before other punctuation, and digit runs
//! compare numerically. binNMU suffixes (`+b1`) need no special case: `+`
//! sorts after letters and the end of the string, so `1.0-1+b1 > 1.0-1`.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use crate::error::VersionError;
use crate::num::cmp_decimal;
use crate::scheme::Scheme;

/// A parsed Debian version. Keeps the (whitespace-trimmed) input text and
/// the byte ranges of its three parts, so parsing allocates once and
/// comparison allocates never.
#[derive(Clone, Debug)]
pub struct Version {
    text: Box<str>,
    /// End of the epoch digits (0 when there is no epoch).
    epoch_end: u32,
    /// Start of the upstream version.
    upstream_start: u32,
    /// End of the upstream version (start of `-revision`, or the text length).
    upstream_end: u32,
}

fn err(input: &str, reason: &'static str) -> VersionError {
    VersionError::invalid(Scheme::Dpkg, input, reason)
}

impl Version {
    /// Parses a version the way `dpkg --compare-versions` accepts it:
    /// errors for an empty string or part, a non-numeric epoch and embedded
    /// whitespace; an upstream version not starting with a digit or holding
    /// unusual characters is accepted (dpkg only warns and still compares),
    /// because such strings do occur in installed databases and OSV data.
    /// Leading and trailing whitespace is stripped, like dpkg.
    pub fn parse(input: &str) -> Result<Self, VersionError> {
        Self::parse_inner(input, false)
    }

    /// Parses like `Dpkg::Version::is_valid`: additionally rejects an
    /// upstream version that does not start with a digit and characters
    /// outside `[A-Za-z0-9.+~-:]` (revision: `[A-Za-z0-9.+~]`).
    pub fn parse_strict(input: &str) -> Result<Self, VersionError> {
        Self::parse_inner(input, true)
    }

    fn parse_inner(input: &str, strict: bool) -> Result<Self, VersionError> {
        let text = input.trim();
        if text.is_empty() {
            return Err(err(input, "the version string is empty"));
        }
        if text.len() > u32::MAX as usize / 2 {
            return Err(err(input, "the version string is too long"));
        }
        let bytes = text.as_bytes();
        if bytes.iter().any(u8::is_ascii_whitespace) {
            return Err(err(input, "the version string has embedded whitespace"));
        }
        let (epoch_end, upstream_start) = match text.find(':') {
            Some(colon) => {
                let epoch = &bytes[..colon];
                if epoch.is_empty() {
                    return Err(err(input, "the epoch is empty"));
                }
                if !epoch.iter().all(u8::is_ascii_digit) {
                    return Err(err(input, "the epoch is not a number"));
                }
                (colon, colon + 1)
            }
            None => (0, 0),
        };
        let rest = &text[upstream_start..];
        let upstream_end = match rest.rfind('-') {
            Some(dash) => {
                let revision = &rest[dash + 1..];
                if revision.is_empty() {
                    return Err(err(input, "the revision after '-' is empty"));
                }
                if strict
                    && !revision
                        .bytes()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'+' | b'~'))
                {
                    return Err(err(input, "the revision contains an invalid character"));
                }
                upstream_start + dash
            }
            None => text.len(),
        };
        let upstream = &text[upstream_start..upstream_end];
        match upstream.as_bytes().first() {
            None => return Err(err(input, "the upstream version is empty")),
            Some(c) if strict && !c.is_ascii_digit() => {
                return Err(err(
                    input,
                    "the upstream version does not start with a digit",
                ));
            }
            Some(_) => {}
        }
        if strict
            && !upstream
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'+' | b'-' | b'~' | b':'))
        {
            return Err(err(
                input,
                "the upstream version contains an invalid character",
            ));
        }
        Ok(Version {
            text: text.into(),
            epoch_end: epoch_end as u32,
            upstream_start: upstream_start as u32,
            upstream_end: upstream_end as u32,
        })
    }

    /// The epoch digits ("" when absent, meaning 0).
    pub fn epoch(&self) -> &str {
        self.text.get(..self.epoch_end as usize).unwrap_or_default()
    }

    /// The upstream version.
    pub fn upstream(&self) -> &str {
        self.text
            .get(self.upstream_start as usize..self.upstream_end as usize)
            .unwrap_or_default()
    }

    /// The Debian revision ("" when absent).
    pub fn revision(&self) -> &str {
        self.text
            .get(self.upstream_end as usize + 1..)
            .unwrap_or_default()
    }

    /// The version text as parsed (trimmed).
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

fn order(c: Option<u8>) -> i32 {
    match c {
        None => 0,
        Some(b'~') => -1,
        Some(c) if c.is_ascii_digit() => 0,
        Some(c) if c.is_ascii_alphabetic() => i32::from(c),
        Some(c) => i32::from(c) + 256,
    }
}

/// dpkg's `verrevcmp`: compares one upstream version or revision string.
///
/// A common prefix is skipped first (backing up to the start of a digit
/// run, which must be compared whole): identical prefixes leave both sides
/// of the algorithm in the same state, so the result is unchanged.
pub fn verrevcmp(a: &[u8], b: &[u8]) -> Ordering {
    if a == b {
        return Ordering::Equal;
    }
    let mut p = a.iter().zip(b.iter()).take_while(|(x, y)| x == y).count();
    while p > 0 && a.get(p - 1).is_some_and(u8::is_ascii_digit) {
        p -= 1;
    }
    verrevcmp_full(
        a.get(p..).unwrap_or_default(),
        b.get(p..).unwrap_or_default(),
    )
}

fn verrevcmp_full(a: &[u8], b: &[u8]) -> Ordering {
    let is_digit = |s: &[u8], i: usize| s.get(i).is_some_and(u8::is_ascii_digit);
    let (mut i, mut j) = (0usize, 0usize);
    while i < a.len() || j < b.len() {
        while (i < a.len() && !is_digit(a, i)) || (j < b.len() && !is_digit(b, j)) {
            let ac = order(a.get(i).copied());
            let bc = order(b.get(j).copied());
            if ac != bc {
                return ac.cmp(&bc);
            }
            i += 1;
            j += 1;
        }
        while a.get(i) == Some(&b'0') {
            i += 1;
        }
        while b.get(j) == Some(&b'0') {
            j += 1;
        }
        let mut first_diff = Ordering::Equal;
        while is_digit(a, i) && is_digit(b, j) {
            if first_diff == Ordering::Equal {
                first_diff = a.get(i).cmp(&b.get(j));
            }
            i += 1;
            j += 1;
        }
        if is_digit(a, i) {
            return Ordering::Greater;
        }
        if is_digit(b, j) {
            return Ordering::Less;
        }
        if first_diff != Ordering::Equal {
            return first_diff;
        }
    }
    Ordering::Equal
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        cmp_decimal(self.epoch().as_bytes(), other.epoch().as_bytes())
            .then_with(|| verrevcmp(self.upstream().as_bytes(), other.upstream().as_bytes()))
            .then_with(|| verrevcmp(self.revision().as_bytes(), other.revision().as_bytes()))
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

    fn v(s: &str) -> Version {
        Version::parse(s).unwrap()
    }

    #[test]
    fn parts_are_split_at_first_colon_and_last_hyphen() {
        let x = v("2:1.0-beta-3");
        assert_eq!(
            (x.epoch(), x.upstream(), x.revision()),
            ("2", "1.0-beta", "3")
        );
        let y = v("1.0");
        assert_eq!((y.epoch(), y.upstream(), y.revision()), ("", "1.0", ""));
    }

    #[test]
    fn tilde_and_binnmu_rules() {
        assert!(v("1.0~rc1") < v("1.0"));
        assert!(v("1.0-1+b1") > v("1.0-1"));
        assert!(v("1.0-1+b1") < v("1.0-2"));
        assert_eq!(v("1.0"), v("0:1.0-0"));
    }

    #[test]
    fn invalid_inputs_name_the_problem() {
        assert!(Version::parse("foo5.2").is_ok());
        assert!(Version::parse_strict("foo5.2").is_err());
        let e = Version::parse("1.0-").unwrap_err().to_string();
        assert!(
            e.contains("dpkg") && e.contains("1.0-") && e.contains("revision"),
            "{e}"
        );
    }
}
