//! Python package versions (PEP 440, as implemented by `pypa/packaging`)
//! and PEP 440 version specifiers.
//!
//! # Legacy (non-PEP 440) versions — policy
//!
//! Modern `packaging` rejects strings such as `0.9-ivysaur` or `2004d`, yet
//! real PyPI projects published them and OSV records still mention them.
//! Bulwark follows osv-scalibr (the comparator osv-scanner uses for PyPI):
//!
//! * [`Version::parse`] (and [`crate::Scheme::Pep440`]) accepts any non-empty
//!   string. A string that is not PEP 440 becomes a *legacy* version
//!   ([`Version::is_legacy`]): it sorts **below every PEP 440 version** (as the
//!   old `packaging.version.LegacyVersion` did, with epoch -1), and two legacy
//!   versions compare by setuptools' legacy key (digit runs zero-padded to 8,
//!   `pre`/`preview`/`rc` → `c`, `dev` → `@`, `-` → `final-`, trailing zeros
//!   and `final-` markers dropped), exactly like osv-scalibr.
//! * [`Version::parse_strict`] rejects legacy strings, like `packaging`
//!   26, for callers that need validation (e.g. lock-file parsers).
//! * Specifiers never match a legacy version (as in `packaging` ≥ 22),
//!   except `===`, which compares strings.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use smallvec::SmallVec;

use crate::error::VersionError;
use crate::num::{Num, digit_run};
use crate::scheme::Scheme;

/// Pre-release phase, in sort order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PreKind {
    /// `a`, `alpha`
    Alpha,
    /// `b`, `beta`
    Beta,
    /// `rc`, `c`, `pre`, `preview`
    Rc,
}

impl PreKind {
    fn as_str(self) -> &'static str {
        match self {
            PreKind::Alpha => "a",
            PreKind::Beta => "b",
            PreKind::Rc => "rc",
        }
    }
}

/// One segment of a local version label (`+ubuntu.1`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum LocalSegment {
    /// All-digit segment, compared numerically.
    Number(Num),
    /// Alphanumeric segment, lowercased, compared lexically.
    Text(Box<str>),
}

impl Ord for LocalSegment {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (LocalSegment::Number(a), LocalSegment::Number(b)) => a.cmp(b),
            (LocalSegment::Text(a), LocalSegment::Text(b)) => a.cmp(b),
            (LocalSegment::Number(_), LocalSegment::Text(_)) => Ordering::Greater,
            (LocalSegment::Text(_), LocalSegment::Number(_)) => Ordering::Less,
        }
    }
}
impl PartialOrd for LocalSegment {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Parsed {
    epoch: Num,
    release: SmallVec<[Num; 4]>,
    pre: Option<(PreKind, Num)>,
    post: Option<Num>,
    dev: Option<Num>,
    local: SmallVec<[LocalSegment; 1]>,
    has_local: bool,
}

#[derive(Clone, Debug)]
enum Kind {
    Pep440(Box<Parsed>),
    Legacy(Box<str>),
}

/// A parsed PyPI version: PEP 440 or legacy (see the module docs).
#[derive(Clone, Debug)]
pub struct Version {
    text: Box<str>,
    kind: Kind,
}

fn err(input: &str, reason: &'static str) -> VersionError {
    VersionError::invalid(Scheme::Pep440, input, reason)
}

struct Cursor<'a> {
    b: &'a [u8],
    p: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.p).map(u8::to_ascii_lowercase)
    }
    fn peek_at(&self, off: usize) -> Option<u8> {
        self.b.get(self.p + off).map(u8::to_ascii_lowercase)
    }
    fn is_sep(c: Option<u8>) -> bool {
        matches!(c, Some(b'-' | b'_' | b'.'))
    }
    fn digits(&mut self) -> Option<Num> {
        let n = digit_run(self.b.get(self.p..).unwrap_or_default());
        if n == 0 {
            return None;
        }
        let d = self.b.get(self.p..self.p + n).unwrap_or_default();
        self.p += n;
        Some(Num::from_digits(d))
    }
    /// Tries the labels in order (longest alternatives first), case-insensitively.
    fn label(&mut self, labels: &[&str]) -> Option<usize> {
        for (idx, l) in labels.iter().enumerate() {
            let lb = l.as_bytes();
            let ok = self
                .b
                .get(self.p..self.p + lb.len())
                .is_some_and(|s| s.eq_ignore_ascii_case(lb));
            if ok {
                self.p += lb.len();
                return Some(idx);
            }
        }
        None
    }
    /// `[-_.]?[0-9]+` when present, else None (nothing consumed).
    fn opt_sep_number(&mut self) -> Option<Num> {
        let save = self.p;
        if Self::is_sep(self.peek()) {
            self.p += 1;
        }
        let n = self.digits();
        if n.is_none() {
            self.p = save;
        }
        n
    }
    /// `[-_.]?label[-_.]?[0-9]*`; returns the label index and number.
    fn lettered(&mut self, labels: &[&str]) -> Option<(usize, Num)> {
        let save = self.p;
        if Self::is_sep(self.peek()) {
            self.p += 1;
        }
        if let Some(idx) = self.label(labels) {
            Some((idx, self.opt_sep_number().unwrap_or(Num::ZERO)))
        } else {
            self.p = save;
            None
        }
    }
}

fn parse_pep440(text: &str) -> Option<Parsed> {
    let mut c = Cursor {
        b: text.as_bytes(),
        p: 0,
    };
    if c.peek() == Some(b'v') {
        c.p += 1;
    }
    let mut epoch = Num::ZERO;
    let mut first = c.digits()?;
    if c.peek() == Some(b'!') {
        c.p += 1;
        epoch = first;
        first = c.digits()?;
    }
    let mut release: SmallVec<[Num; 4]> = SmallVec::new();
    release.push(first);
    while c.peek() == Some(b'.') && c.peek_at(1).is_some_and(|d| d.is_ascii_digit()) {
        c.p += 1;
        release.push(c.digits()?);
    }
    let pre = c
        .lettered(&["alpha", "a", "beta", "b", "preview", "pre", "c", "rc"])
        .map(|(idx, n)| {
            let kind = match idx {
                0 | 1 => PreKind::Alpha,
                2 | 3 => PreKind::Beta,
                _ => PreKind::Rc,
            };
            (kind, n)
        });
    let post = if c.peek() == Some(b'-') && c.peek_at(1).is_some_and(|d| d.is_ascii_digit()) {
        c.p += 1;
        c.digits()
    } else {
        c.lettered(&["post", "rev", "r"]).map(|(_, n)| n)
    };
    let dev = c.lettered(&["dev"]).map(|(_, n)| n);
    let mut local: SmallVec<[LocalSegment; 1]> = SmallVec::new();
    let mut has_local = false;
    if c.peek() == Some(b'+') {
        c.p += 1;
        has_local = true;
        loop {
            let rest = c.b.get(c.p..).unwrap_or_default();
            let n = rest
                .iter()
                .take_while(|x| x.is_ascii_alphanumeric())
                .count();
            if n == 0 {
                return None;
            }
            let seg = rest.get(..n).unwrap_or_default();
            local.push(if seg.iter().all(u8::is_ascii_digit) {
                LocalSegment::Number(Num::from_digits(seg))
            } else {
                LocalSegment::Text(
                    String::from_utf8_lossy(seg)
                        .to_ascii_lowercase()
                        .into_boxed_str(),
                )
            });
            c.p += n;
            if Cursor::is_sep(c.peek()) {
                c.p += 1;
            } else {
                break;
            }
        }
    }
    if c.p != c.b.len() {
        return None;
    }
    Some(Parsed {
        epoch,
        release,
        pre,
        post,
        dev,
        local,
        has_local,
    })
}

/// setuptools' legacy sort key, as osv-scalibr computes it.
fn legacy_key(text: &str) -> String {
    let lower = text.to_lowercase();
    let b = lower.as_bytes();
    let mut raw: Vec<&str> = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let rest = b.get(i..).unwrap_or_default();
        let n = if rest.first().is_some_and(u8::is_ascii_digit) {
            digit_run(rest)
        } else if rest.first().is_some_and(u8::is_ascii_lowercase) {
            rest.iter().take_while(|c| c.is_ascii_lowercase()).count()
        } else {
            usize::from(matches!(rest.first(), Some(b'.' | b'-')))
        };
        if n == 0 {
            i += 1;
            continue;
        }
        raw.push(lower.get(i..i + n).unwrap_or_default());
        i += n;
    }
    raw.push("final");
    let mut parts: Vec<String> = Vec::new();
    for part in raw {
        if part.is_empty() || part == "." {
            continue;
        }
        let norm = match part {
            "pre" | "preview" | "rc" => "c",
            "-" => "final-",
            "dev" => "@",
            p => p,
        };
        let part = if norm.as_bytes().first().is_some_and(u8::is_ascii_digit) {
            format!("{norm:0>8}")
        } else {
            format!("*{norm}")
        };
        if part.starts_with('*') {
            if part.as_str() < "*final" {
                while parts.last().is_some_and(|p| p == "*final-") {
                    parts.pop();
                }
            }
            while parts.last().is_some_and(|p| p == "00000000") {
                parts.pop();
            }
        }
        parts.push(part);
    }
    parts.concat()
}

impl Version {
    /// Parses a PEP 440 version, falling back to a legacy version for any
    /// other non-empty string (see the module docs).
    pub fn parse(input: &str) -> Result<Self, VersionError> {
        let text = input.trim();
        if text.is_empty() {
            return Err(err(input, "the version string is empty"));
        }
        let kind = match parse_pep440(text) {
            Some(p) => Kind::Pep440(Box::new(p)),
            None => Kind::Legacy(legacy_key(text).into_boxed_str()),
        };
        Ok(Version {
            text: text.into(),
            kind,
        })
    }

    /// Parses a PEP 440 version and rejects anything else, like `packaging`.
    pub fn parse_strict(input: &str) -> Result<Self, VersionError> {
        let text = input.trim();
        match parse_pep440(text) {
            Some(p) => Ok(Version {
                text: text.into(),
                kind: Kind::Pep440(Box::new(p)),
            }),
            None => Err(err(input, "not a valid PEP 440 version")),
        }
    }

    /// True for non-PEP 440 strings kept for ordering only.
    pub fn is_legacy(&self) -> bool {
        matches!(self.kind, Kind::Legacy(_))
    }

    fn parsed(&self) -> Option<&Parsed> {
        match &self.kind {
            Kind::Pep440(p) => Some(p),
            Kind::Legacy(_) => None,
        }
    }

    /// True when the version has a pre-release or dev-release segment.
    pub fn is_prerelease(&self) -> bool {
        self.parsed()
            .is_some_and(|p| p.pre.is_some() || p.dev.is_some())
    }

    /// True when the version has a post-release segment.
    pub fn is_postrelease(&self) -> bool {
        self.parsed().is_some_and(|p| p.post.is_some())
    }

    /// True when the version has a local label (`+...`).
    pub fn has_local(&self) -> bool {
        self.parsed().is_some_and(|p| p.has_local)
    }

    /// The text as given (trimmed).
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The version without its local label.
    fn public(&self) -> Option<Parsed> {
        self.parsed().map(|p| {
            let mut q = p.clone();
            q.local.clear();
            q.has_local = false;
            q
        })
    }

    /// epoch + release only.
    fn base(&self) -> Option<Parsed> {
        self.parsed().map(|p| Parsed {
            epoch: p.epoch.clone(),
            release: p.release.clone(),
            pre: None,
            post: None,
            dev: None,
            local: SmallVec::new(),
            has_local: false,
        })
    }
}

fn cmp_release(a: &[Num], b: &[Num]) -> Ordering {
    let n = a.len().max(b.len());
    for i in 0..n {
        let x = a.get(i).unwrap_or(&Num::ZERO);
        let y = b.get(i).unwrap_or(&Num::ZERO);
        match x.cmp(y) {
            Ordering::Equal => {}
            o => return o,
        }
    }
    Ordering::Equal
}

#[derive(PartialEq, Eq, PartialOrd, Ord)]
enum PreKey<'a> {
    NegInf,
    Pre(PreKind, &'a Num),
    PosInf,
}

fn pre_key(p: &Parsed) -> PreKey<'_> {
    match (&p.pre, &p.post, &p.dev) {
        (None, None, Some(_)) => PreKey::NegInf,
        (None, _, _) => PreKey::PosInf,
        (Some((k, n)), _, _) => PreKey::Pre(*k, n),
    }
}

fn cmp_parsed(a: &Parsed, b: &Parsed) -> Ordering {
    a.epoch
        .cmp(&b.epoch)
        .then_with(|| cmp_release(&a.release, &b.release))
        .then_with(|| pre_key(a).cmp(&pre_key(b)))
        .then_with(|| a.post.cmp(&b.post))
        .then_with(|| match (&a.dev, &b.dev) {
            (None, None) => Ordering::Equal,
            (None, Some(_)) => Ordering::Greater,
            (Some(_), None) => Ordering::Less,
            (Some(x), Some(y)) => x.cmp(y),
        })
        .then_with(|| match (a.has_local, b.has_local) {
            (false, false) => Ordering::Equal,
            (false, true) => Ordering::Less,
            (true, false) => Ordering::Greater,
            (true, true) => a.local.as_slice().cmp(b.local.as_slice()),
        })
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        match (&self.kind, &other.kind) {
            (Kind::Pep440(a), Kind::Pep440(b)) => cmp_parsed(a, b),
            (Kind::Legacy(_), Kind::Pep440(_)) => Ordering::Less,
            (Kind::Pep440(_), Kind::Legacy(_)) => Ordering::Greater,
            (Kind::Legacy(a), Kind::Legacy(b)) => a.cmp(b),
        }
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

fn write_parsed(p: &Parsed, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    if !p.epoch.is_zero() {
        write!(f, "{}!", p.epoch)?;
    }
    for (i, r) in p.release.iter().enumerate() {
        if i > 0 {
            f.write_str(".")?;
        }
        write!(f, "{r}")?;
    }
    if let Some((k, n)) = &p.pre {
        write!(f, "{}{n}", k.as_str())?;
    }
    if let Some(n) = &p.post {
        write!(f, ".post{n}")?;
    }
    if let Some(n) = &p.dev {
        write!(f, ".dev{n}")?;
    }
    if p.has_local {
        f.write_str("+")?;
        for (i, s) in p.local.iter().enumerate() {
            if i > 0 {
                f.write_str(".")?;
            }
            match s {
                LocalSegment::Number(n) => write!(f, "{n}")?,
                LocalSegment::Text(t) => f.write_str(t)?,
            }
        }
    }
    Ok(())
}

/// Displays the normalised PEP 440 form (`1.0-r5` → `1.0.post5`); legacy
/// versions display as given.
impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            Kind::Pep440(p) => write_parsed(p, f),
            Kind::Legacy(_) => f.write_str(&self.text),
        }
    }
}

impl FromStr for Version {
    type Err = VersionError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Version::parse(s)
    }
}

/// A PEP 440 comparison operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operator {
    /// `~=`
    Compatible,
    /// `==`
    Equal,
    /// `!=`
    NotEqual,
    /// `<=`
    LessEqual,
    /// `>=`
    GreaterEqual,
    /// `<`
    Less,
    /// `>`
    Greater,
    /// `===`
    Arbitrary,
}

/// One specifier clause such as `>=1.0` or `==2.*`.
#[derive(Clone, Debug)]
pub struct Specifier {
    op: Operator,
    /// The version text after the operator (without `.*`).
    text: Box<str>,
    version: Option<Version>,
    prefix: bool,
}

fn spec_err(input: &str, reason: &'static str) -> VersionError {
    VersionError::invalid_range(Scheme::Pep440, input, reason)
}

impl Specifier {
    /// Parses one clause.
    pub fn parse(input: &str) -> Result<Self, VersionError> {
        let s = input.trim();
        let ops: [(&str, Operator); 8] = [
            ("===", Operator::Arbitrary),
            ("~=", Operator::Compatible),
            ("==", Operator::Equal),
            ("!=", Operator::NotEqual),
            ("<=", Operator::LessEqual),
            (">=", Operator::GreaterEqual),
            ("<", Operator::Less),
            (">", Operator::Greater),
        ];
        let Some((op, rest)) = ops
            .iter()
            .find_map(|(t, op)| s.strip_prefix(t).map(|r| (*op, r.trim())))
        else {
            return Err(spec_err(input, "missing comparison operator"));
        };
        if rest.is_empty() {
            return Err(spec_err(input, "missing version"));
        }
        if op == Operator::Arbitrary {
            return Ok(Specifier {
                op,
                text: rest.into(),
                version: None,
                prefix: false,
            });
        }
        let (vtext, prefix) = match rest.strip_suffix(".*") {
            Some(v) if matches!(op, Operator::Equal | Operator::NotEqual) => (v, true),
            Some(_) => return Err(spec_err(input, "'.*' is only allowed with == and !=")),
            None => (rest, false),
        };
        let version = Version::parse_strict(vtext)
            .map_err(|_| spec_err(input, "the version is not PEP 440"))?;
        if prefix && version.has_local() {
            return Err(spec_err(
                input,
                "a prefix match cannot have a local version",
            ));
        }
        if op == Operator::Compatible && version.parsed().is_some_and(|p| p.release.len() < 2) {
            return Err(spec_err(input, "~= needs at least two release components"));
        }
        Ok(Specifier {
            op,
            text: vtext.into(),
            version: Some(version),
            prefix,
        })
    }

    /// The operator.
    pub fn operator(&self) -> Operator {
        self.op
    }

    /// True when the clause's own version is a pre-release.
    pub fn is_prerelease(&self) -> bool {
        self.version.as_ref().is_some_and(Version::is_prerelease)
    }

    /// Whether `v` satisfies this clause (pre-releases are not filtered here;
    /// see [`SpecifierSet::contains`]).
    pub fn matches(&self, v: &Version) -> bool {
        if self.op == Operator::Arbitrary {
            return v.as_str().eq_ignore_ascii_case(&self.text)
                || v.to_string().eq_ignore_ascii_case(&self.text);
        }
        let (Some(spec), Some(pv)) = (self.version.as_ref().and_then(Version::parsed), v.parsed())
        else {
            return false;
        };
        match self.op {
            Operator::Equal => self.equal(spec, v, pv),
            Operator::NotEqual => !self.equal(spec, v, pv),
            Operator::LessEqual => v
                .public()
                .is_some_and(|p| cmp_parsed(&p, spec) != Ordering::Greater),
            Operator::GreaterEqual => v
                .public()
                .is_some_and(|p| cmp_parsed(&p, spec) != Ordering::Less),
            Operator::Less => {
                if cmp_parsed(pv, spec) != Ordering::Less {
                    return false;
                }
                let spec_pre = spec.pre.is_some() || spec.dev.is_some();
                !(!spec_pre && v.is_prerelease() && same_base(v, spec))
            }
            Operator::Greater => {
                if cmp_parsed(pv, spec) != Ordering::Greater {
                    return false;
                }
                if spec.post.is_none() && v.is_postrelease() && same_base(v, spec) {
                    return false;
                }
                // A local version of the very version named is not "greater".
                !(pv.has_local
                    && v.public()
                        .is_some_and(|p| cmp_parsed(&p, spec) == Ordering::Equal))
            }
            Operator::Compatible => {
                if v.public()
                    .is_none_or(|p| cmp_parsed(&p, spec) == Ordering::Less)
                {
                    return false;
                }
                let keep = spec.release.len().saturating_sub(1);
                pv.epoch == spec.epoch
                    && release_prefix(&pv.release, spec.release.get(..keep).unwrap_or_default())
            }
            Operator::Arbitrary => false,
        }
    }

    fn equal(&self, spec: &Parsed, v: &Version, pv: &Parsed) -> bool {
        if self.prefix {
            return pv.epoch == spec.epoch && release_prefix(&pv.release, &spec.release);
        }
        if spec.has_local {
            cmp_parsed(pv, spec) == Ordering::Equal
        } else {
            v.public()
                .is_some_and(|p| cmp_parsed(&p, spec) == Ordering::Equal)
        }
    }
}

fn same_base(v: &Version, spec: &Parsed) -> bool {
    v.base().is_some_and(|b| {
        b.epoch == spec.epoch && cmp_release(&b.release, &spec.release) == Ordering::Equal
    })
}

/// `release` padded with zeros starts with `prefix`.
fn release_prefix(release: &[Num], prefix: &[Num]) -> bool {
    prefix
        .iter()
        .enumerate()
        .all(|(i, p)| release.get(i).unwrap_or(&Num::ZERO) == p)
}

/// A comma-separated list of clauses that must all hold.
#[derive(Clone, Debug)]
pub struct SpecifierSet {
    specs: Vec<Specifier>,
}

impl SpecifierSet {
    /// Parses `>=1.0, <2` (an empty string matches everything).
    pub fn parse(input: &str) -> Result<Self, VersionError> {
        let specs = input
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(Specifier::parse)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(SpecifierSet { specs })
    }

    /// Whether `v` satisfies every clause. With `include_prereleases`
    /// false, a pre-release only matches when some clause names a
    /// pre-release itself (packaging's default behaviour).
    pub fn contains(&self, v: &Version, include_prereleases: bool) -> bool {
        if !include_prereleases
            && v.is_prerelease()
            && !self.specs.iter().any(Specifier::is_prerelease)
        {
            return false;
        }
        self.specs.iter().all(|s| s.matches(v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Version {
        Version::parse(s).unwrap()
    }

    #[test]
    fn normalisation() {
        assert_eq!(v("1.0-r5"), v("1.0.post5"));
        assert_eq!(v("1.0-r5").to_string(), "1.0.post5");
        assert_eq!(v("v1!2.0ALPHA-3.DEV").to_string(), "1!2.0a3.dev0");
        assert_eq!(v("1.0+Ubuntu-1").to_string(), "1.0+ubuntu.1");
    }

    #[test]
    fn ordering() {
        assert!(v("1.0.dev0") < v("1.0a0"));
        assert!(v("1.0") < v("1.0+local"));
        assert!(v("1.0.post1.dev1") < v("1.0.post1"));
        assert!(v("0.9-ivysaur") < v("0.0.1"));
        assert!(v("0.9-horsea") < v("0.9-ivysaur"));
    }

    #[test]
    fn strict_rejects_legacy() {
        assert!(Version::parse_strict("0.9-ivysaur").is_err());
        assert!(v("0.9-ivysaur").is_legacy());
    }

    #[test]
    fn specifiers() {
        let s = SpecifierSet::parse(">=1.0, <2, !=1.5.*").unwrap();
        assert!(s.contains(&v("1.4"), false));
        assert!(!s.contains(&v("1.5.1"), false));
        assert!(!s.contains(&v("2.0"), false));
        assert!(!s.contains(&v("1.9a1"), false));
        assert!(s.contains(&v("1.9a1"), true));
        assert!(Specifier::parse("~=2.2").unwrap().matches(&v("2.9")));
        assert!(!Specifier::parse("~=2.2").unwrap().matches(&v("3.0")));
    }
}
