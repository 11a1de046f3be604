//! CRAN (R `package_version`) versions: numbers separated by `.` or `-`
//! (`0.1-0` = `0.1.0`), compared as lists, so `1.0 < 1.0.0`.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use smallvec::SmallVec;

use crate::error::VersionError;
use crate::num::Num;
use crate::scheme::Scheme;

/// A parsed CRAN version.
#[derive(Clone, Debug)]
pub struct Version {
    text: Box<str>,
    comps: SmallVec<[Num; 4]>,
}

impl Version {
    /// Parses `N[.-]N...`; every part must be a non-empty run of digits.
    pub fn parse(input: &str) -> Result<Self, VersionError> {
        if input.is_empty() {
            return Err(VersionError::invalid(
                Scheme::Cran,
                input,
                "the version string is empty",
            ));
        }
        let mut comps = SmallVec::new();
        for part in input.split(['.', '-']) {
            if part.is_empty() || !part.bytes().all(|c| c.is_ascii_digit()) {
                return Err(VersionError::invalid(
                    Scheme::Cran,
                    input,
                    "parts must be numbers separated by '.' or '-'",
                ));
            }
            comps.push(Num::from_digits(part.as_bytes()));
        }
        Ok(Version {
            text: input.into(),
            comps,
        })
    }

    /// The numeric components.
    pub fn components(&self) -> &[Num] {
        &self.comps
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        self.comps.as_slice().cmp(other.comps.as_slice())
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
    fn dash_equals_dot() {
        let v = |s: &str| Version::parse(s).unwrap();
        assert_eq!(v("0.01.0"), v("0.1-0"));
        assert!(v("0.9") < v("0.75"));
        assert!(v("0.3.2") < v("0.3.2.0"));
        assert!(Version::parse("1.0a").is_err());
    }
}
