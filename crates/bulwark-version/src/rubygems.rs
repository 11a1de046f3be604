//! RubyGems versions (`Gem::Version`) and requirements (`Gem::Requirement`).
//!
//! A version is digits followed by dot-separated alphanumerics, optionally
//! `-prerelease` (`-` is read as `.pre.`). Segments are digit or letter runs;
//! any letter makes a pre-release, which sorts before the release; trailing
//! zero segments are ignored (`1.0 == 1`). An empty or blank string is `0`.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use smallvec::SmallVec;

use crate::error::VersionError;
use crate::num::Num;
use crate::scheme::Scheme;

/// One version segment.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Segment {
    /// A digit run.
    Number(Num),
    /// A letter run (case kept; compared by bytes).
    Text(Box<str>),
}

/// A parsed gem version.
#[derive(Clone, Debug)]
pub struct Version {
    text: Box<str>,
    segments: SmallVec<[Segment; 4]>,
    canonical: SmallVec<[Segment; 4]>,
}

/// `Gem::Version.correct?`: `[0-9]+(\.[0-9a-zA-Z]+)*(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?`.
/// With `lenient`, letters may follow the leading digits (`1beta`).
fn valid(s: &str, lenient: bool) -> bool {
    let b = s.as_bytes();
    let mut n = b.iter().take_while(|c| c.is_ascii_digit()).count();
    if n == 0 {
        return false;
    }
    if lenient {
        n += b
            .get(n..)
            .unwrap_or_default()
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric())
            .count();
    }
    let mut rest = b.get(n..).unwrap_or_default();
    while let Some(r) = rest.strip_prefix(b".") {
        let k = r.iter().take_while(|c| c.is_ascii_alphanumeric()).count();
        if k == 0 {
            return false;
        }
        rest = r.get(k..).unwrap_or_default();
    }
    if let Some(r) = rest.strip_prefix(b"-") {
        return r.split(|&c| c == b'.').all(|id| {
            !id.is_empty() && id.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-')
        });
    }
    rest.is_empty()
}

fn trim_zeros(segs: &[Segment]) -> &[Segment] {
    let mut end = segs.len();
    while end > 0 && matches!(segs.get(end - 1), Some(Segment::Number(n)) if n.is_zero()) {
        end -= 1;
    }
    segs.get(..end).unwrap_or_default()
}

impl Version {
    /// Parses a version, also accepting letters right after the leading
    /// digits (`1beta`), which `Gem::Version` rejects but osv-scanner orders
    /// (as `1.beta`); see [`Version::parse_strict`].
    pub fn parse(input: &str) -> Result<Self, VersionError> {
        Self::parse_inner(input, true)
    }

    /// Parses like `Gem::Version.new` (rejects what `Gem::Version.correct?` rejects).
    pub fn parse_strict(input: &str) -> Result<Self, VersionError> {
        Self::parse_inner(input, false)
    }

    fn parse_inner(input: &str, lenient: bool) -> Result<Self, VersionError> {
        let trimmed = input.trim();
        let text = if trimmed.is_empty() { "0" } else { trimmed };
        if !valid(text, lenient) {
            return Err(VersionError::invalid(
                Scheme::RubyGems,
                input,
                "malformed version number string",
            ));
        }
        let replaced = text.replace('-', ".pre.");
        let mut segments: SmallVec<[Segment; 4]> = SmallVec::new();
        let b = replaced.as_bytes();
        let mut i = 0;
        while i < b.len() {
            let rest = b.get(i..).unwrap_or_default();
            let d = rest.iter().take_while(|c| c.is_ascii_digit()).count();
            if d > 0 {
                segments.push(Segment::Number(Num::from_digits(
                    rest.get(..d).unwrap_or_default(),
                )));
                i += d;
                continue;
            }
            let a = rest.iter().take_while(|c| c.is_ascii_alphabetic()).count();
            if a > 0 {
                segments.push(Segment::Text(
                    String::from_utf8_lossy(rest.get(..a).unwrap_or_default()).into(),
                ));
                i += a;
                continue;
            }
            i += 1;
        }
        let split = segments
            .iter()
            .position(|s| matches!(s, Segment::Text(_)))
            .unwrap_or(segments.len());
        let (nums, strs) = segments.split_at(split);
        let mut canonical: SmallVec<[Segment; 4]> = trim_zeros(nums).iter().cloned().collect();
        canonical.extend(trim_zeros(strs).iter().cloned());
        Ok(Version {
            text: text.into(),
            segments,
            canonical,
        })
    }

    /// True when any segment is a letter run.
    pub fn is_prerelease(&self) -> bool {
        self.segments.iter().any(|s| matches!(s, Segment::Text(_)))
    }

    /// The segments as written (after `-` → `.pre.`).
    pub fn segments(&self) -> &[Segment] {
        &self.segments
    }

    /// `Gem::Version#release`: the version without its pre-release part.
    fn release(&self) -> Version {
        if !self.is_prerelease() {
            return self.clone();
        }
        let nums: Vec<String> = self
            .segments
            .iter()
            .take_while(|s| matches!(s, Segment::Number(_)))
            .map(|s| match s {
                Segment::Number(n) => n.to_string(),
                Segment::Text(t) => t.to_string(),
            })
            .collect();
        Version::parse(&nums.join(".")).unwrap_or_else(|_| self.clone())
    }

    /// `Gem::Version#bump`: drop pre-release segments and the last
    /// component (unless only one remains), then increment.
    fn bump(&self) -> Option<Version> {
        let mut nums: Vec<Num> = self
            .segments
            .iter()
            .take_while(|s| matches!(s, Segment::Number(_)))
            .filter_map(|s| match s {
                Segment::Number(n) => Some(n.clone()),
                Segment::Text(_) => None,
            })
            .collect();
        if nums.len() > 1 {
            nums.pop();
        }
        let last = nums.pop()?;
        let bumped = match last {
            Num::Small(v) if v < u64::MAX => Num::Small(v + 1),
            other => {
                let s = format!("{other}");
                Num::from_digits(increment_decimal(&s).as_bytes())
            }
        };
        nums.push(bumped);
        let text: Vec<String> = nums.iter().map(ToString::to_string).collect();
        Version::parse(&text.join(".")).ok()
    }
}

fn increment_decimal(s: &str) -> String {
    let mut digits: Vec<u8> = s.bytes().collect();
    let mut k = digits.len();
    loop {
        if k == 0 {
            digits.insert(0, b'1');
            break;
        }
        k -= 1;
        match digits.get_mut(k) {
            Some(d) if *d == b'9' => *d = b'0',
            Some(d) => {
                *d += 1;
                break;
            }
            None => break,
        }
    }
    String::from_utf8_lossy(&digits).into_owned()
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        let (a, b) = (&self.canonical, &other.canonical);
        let zero = Segment::Number(Num::ZERO);
        for i in 0..a.len().max(b.len()) {
            let l = a.get(i).unwrap_or(&zero);
            let r = b.get(i).unwrap_or(&zero);
            let o = match (l, r) {
                (Segment::Number(x), Segment::Number(y)) => x.cmp(y),
                (Segment::Text(x), Segment::Text(y)) => x.cmp(y),
                (Segment::Text(_), Segment::Number(_)) => Ordering::Less,
                (Segment::Number(_), Segment::Text(_)) => Ordering::Greater,
            };
            if o != Ordering::Equal {
                return o;
            }
        }
        Ordering::Equal
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

/// A `Gem::Requirement` operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operator {
    /// `=`
    Equal,
    /// `!=`
    NotEqual,
    /// `>`
    Greater,
    /// `<`
    Less,
    /// `>=`
    GreaterEqual,
    /// `<=`
    LessEqual,
    /// `~>` (pessimistic)
    Pessimistic,
}

/// A list of `op version` constraints that must all hold.
#[derive(Clone, Debug)]
pub struct Requirement {
    constraints: Vec<(Operator, Version)>,
}

impl Requirement {
    /// Parses `">= 1.4, < 2"`; a bare version means `=`.
    pub fn parse(input: &str) -> Result<Self, VersionError> {
        let mut constraints = Vec::new();
        for part in input.split(',') {
            let p = part.trim();
            let ops: [(&str, Operator); 7] = [
                ("~>", Operator::Pessimistic),
                (">=", Operator::GreaterEqual),
                ("<=", Operator::LessEqual),
                ("!=", Operator::NotEqual),
                ("=", Operator::Equal),
                (">", Operator::Greater),
                ("<", Operator::Less),
            ];
            let (op, rest) = ops
                .iter()
                .find_map(|(t, o)| p.strip_prefix(t).map(|r| (*o, r)))
                .unwrap_or((Operator::Equal, p));
            let v = Version::parse(rest).map_err(|_| {
                VersionError::invalid_range(Scheme::RubyGems, input, "malformed requirement")
            })?;
            constraints.push((op, v));
        }
        Ok(Requirement { constraints })
    }

    /// `Gem::Requirement#satisfied_by?`.
    pub fn satisfied_by(&self, v: &Version) -> bool {
        self.constraints.iter().all(|(op, r)| match op {
            Operator::Equal => v == r,
            Operator::NotEqual => v != r,
            Operator::Greater => v > r,
            Operator::Less => v < r,
            Operator::GreaterEqual => v >= r,
            Operator::LessEqual => v <= r,
            Operator::Pessimistic => v >= r && r.bump().is_some_and(|b| v.release() < b),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Version {
        Version::parse(s).unwrap()
    }

    #[test]
    fn ordering() {
        assert_eq!(v("1.0"), v("1"));
        assert!(v("1.0.a") < v("1.0"));
        assert!(v("1.0.0-1") < v("1"));
        assert_eq!(v(""), v("0"));
        assert!(Version::parse("1..2").is_err());
        assert!(v("1beta") < v("1"));
        assert!(Version::parse_strict("1beta").is_err());
    }

    #[test]
    fn pessimistic() {
        let r = Requirement::parse("~> 1.4.4").unwrap();
        assert!(r.satisfied_by(&v("1.4.9")));
        assert!(!r.satisfied_by(&v("1.5")));
        assert!(Requirement::parse("~> 1").unwrap().satisfied_by(&v("1.9")));
    }
}
