//! npm versions and ranges, following `node-semver` 7: strict and `loose`
//! parsing, `^`, `~`, x-ranges, hyphen ranges, `||`, and the pre-release
//! rule (a pre-release only satisfies a comparator set when one of its
//! comparators has a pre-release on the same `major.minor.patch`, unless
//! `include_prerelease` is set).

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use smallvec::SmallVec;

use crate::error::VersionError;
use crate::num::{Num, digit_run};
use crate::scheme::Scheme;

/// node-semver's `MAX_LENGTH`.
pub const MAX_LENGTH: usize = 256;
/// Longest range accepted (bounds the work spent on untrusted input).
pub const MAX_RANGE_LENGTH: usize = 4096;
/// `Number.MAX_SAFE_INTEGER`.
pub const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

/// Parsing options, as node-semver's `{ loose, includePrerelease }`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// Accept `v 1.2.3`, `=1.2.3`, `1.2.3beta`, leading zeros.
    pub loose: bool,
    /// Let pre-releases satisfy ranges without a same-tuple pre-release comparator.
    pub include_prerelease: bool,
}

/// A pre-release identifier.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Identifier {
    /// All digits; compared numerically and below any alphanumeric identifier.
    Numeric(Num),
    /// Contains a letter or hyphen; compared by ASCII.
    AlphaNumeric(Box<str>),
}

impl Ord for Identifier {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (Identifier::Numeric(a), Identifier::Numeric(b)) => a.cmp(b),
            (Identifier::AlphaNumeric(a), Identifier::AlphaNumeric(b)) => a.cmp(b),
            (Identifier::Numeric(_), Identifier::AlphaNumeric(_)) => Ordering::Less,
            (Identifier::AlphaNumeric(_), Identifier::Numeric(_)) => Ordering::Greater,
        }
    }
}
impl PartialOrd for Identifier {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl fmt::Display for Identifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Identifier::Numeric(n) => write!(f, "{n}"),
            Identifier::AlphaNumeric(s) => f.write_str(s),
        }
    }
}

/// Compares pre-release lists by SemVer 2.0 rules (empty = release, sorts last).
pub(crate) fn cmp_prerelease(a: &[Identifier], b: &[Identifier]) -> Ordering {
    match (a.is_empty(), b.is_empty()) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Greater,
        (false, true) => Ordering::Less,
        (false, false) => a.cmp(b),
    }
}

/// A parsed npm version.
#[derive(Clone, Debug)]
pub struct Version {
    major: u64,
    minor: u64,
    patch: u64,
    pre: SmallVec<[Identifier; 2]>,
    build: Option<Box<str>>,
}

fn err(input: &str, reason: &'static str) -> VersionError {
    VersionError::invalid(Scheme::Npm, input, reason)
}

struct P<'a> {
    b: &'a [u8],
    p: usize,
}

impl P<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.p).copied()
    }
    fn eat(&mut self, c: u8) -> bool {
        if self.peek() == Some(c) {
            self.p += 1;
            true
        } else {
            false
        }
    }
    /// A main-version number. Strict forbids leading zeros.
    fn number(&mut self, loose: bool) -> Option<u64> {
        let rest = self.b.get(self.p..).unwrap_or_default();
        let n = digit_run(rest);
        if n == 0 || (!loose && n > 1 && rest.first() == Some(&b'0')) {
            return None;
        }
        let v = match Num::from_digits(rest.get(..n).unwrap_or_default()) {
            Num::Small(v) if v <= MAX_SAFE_INTEGER => v,
            _ => return None,
        };
        self.p += n;
        Some(v)
    }
    /// Dot-separated `[0-9A-Za-z-]+` identifiers.
    fn idents(&mut self) -> Option<&[u8]> {
        let start = self.p;
        loop {
            let rest = self.b.get(self.p..).unwrap_or_default();
            let n = rest
                .iter()
                .take_while(|c| c.is_ascii_alphanumeric() || **c == b'-')
                .count();
            if n == 0 {
                return None;
            }
            self.p += n;
            if !(self.peek() == Some(b'.')
                && self
                    .b
                    .get(self.p + 1)
                    .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'-'))
            {
                break;
            }
            self.p += 1;
        }
        self.b.get(start..self.p)
    }
}

fn parse_pre(s: &[u8], loose: bool) -> Option<SmallVec<[Identifier; 2]>> {
    let mut out = SmallVec::new();
    for id in s.split(|&c| c == b'.') {
        if id.is_empty() {
            return None;
        }
        if id.iter().all(u8::is_ascii_digit) {
            if !loose && id.len() > 1 && id.first() == Some(&b'0') {
                return None;
            }
            out.push(Identifier::Numeric(Num::from_digits(id)));
        } else {
            out.push(Identifier::AlphaNumeric(String::from_utf8_lossy(id).into()));
        }
    }
    Some(out)
}

/// Parses the tail after `major.minor.patch`: pre-release and build.
/// Pre-release identifiers and build metadata.
type Tail = (SmallVec<[Identifier; 2]>, Option<Box<str>>);

fn parse_tail(p: &mut P<'_>, loose: bool) -> Option<Tail> {
    let mut pre = SmallVec::new();
    let has_dash = p.eat(b'-');
    if has_dash
        || (loose
            && p.peek()
                .is_some_and(|c| c.is_ascii_alphanumeric() || c == b'-'))
    {
        let ids = p.idents()?;
        pre = parse_pre(ids, loose)?;
    }
    let mut build = None;
    if p.eat(b'+') {
        let ids = p.idents()?;
        build = Some(String::from_utf8_lossy(ids).into());
    }
    Some((pre, build))
}

impl Version {
    /// Builds a version from parts (used by range desugaring).
    pub fn new(major: u64, minor: u64, patch: u64) -> Self {
        Version {
            major,
            minor,
            patch,
            pre: SmallVec::new(),
            build: None,
        }
    }

    fn with_pre(mut self, pre: SmallVec<[Identifier; 2]>) -> Self {
        self.pre = pre;
        self
    }

    fn zero_pre() -> SmallVec<[Identifier; 2]> {
        let mut v = SmallVec::new();
        v.push(Identifier::Numeric(Num::ZERO));
        v
    }

    /// Strict parse (node-semver default options).
    pub fn parse(input: &str) -> Result<Self, VersionError> {
        Self::parse_with(input, Options::default())
    }

    /// Parse with node-semver options.
    pub fn parse_with(input: &str, opts: Options) -> Result<Self, VersionError> {
        if input.len() > MAX_LENGTH {
            return Err(err(input, "longer than 256 characters"));
        }
        let s = input.trim();
        let mut p = P {
            b: s.as_bytes(),
            p: 0,
        };
        if opts.loose {
            while matches!(p.peek(), Some(b'v' | b'='))
                || p.peek().is_some_and(|c| c.is_ascii_whitespace())
            {
                p.p += 1;
            }
        } else {
            p.eat(b'v');
        }
        let bad = || {
            err(
                input,
                "not MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD] with numbers up to 2^53-1",
            )
        };
        let major = p.number(opts.loose).ok_or_else(bad)?;
        if !p.eat(b'.') {
            return Err(bad());
        }
        let minor = p.number(opts.loose).ok_or_else(bad)?;
        if !p.eat(b'.') {
            return Err(bad());
        }
        let patch = p.number(opts.loose).ok_or_else(bad)?;
        let (pre, build) = parse_tail(&mut p, opts.loose).ok_or_else(bad)?;
        if p.p != p.b.len() {
            return Err(bad());
        }
        Ok(Version {
            major,
            minor,
            patch,
            pre,
            build,
        })
    }

    /// Major number.
    pub fn major(&self) -> u64 {
        self.major
    }
    /// Minor number.
    pub fn minor(&self) -> u64 {
        self.minor
    }
    /// Patch number.
    pub fn patch(&self) -> u64 {
        self.patch
    }
    /// Pre-release identifiers (empty for a release).
    pub fn prerelease(&self) -> &[Identifier] {
        &self.pre
    }
    /// Build metadata (ignored by ordering).
    pub fn build(&self) -> Option<&str> {
        self.build.as_deref()
    }

    fn same_tuple(&self, o: &Version) -> bool {
        (self.major, self.minor, self.patch) == (o.major, o.minor, o.patch)
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.major, self.minor, self.patch)
            .cmp(&(other.major, other.minor, other.patch))
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
impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)?;
        for (i, id) in self.pre.iter().enumerate() {
            f.write_str(if i == 0 { "-" } else { "." })?;
            write!(f, "{id}")?;
        }
        if let Some(b) = &self.build {
            write!(f, "+{b}")?;
        }
        Ok(())
    }
}
impl FromStr for Version {
    type Err = VersionError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Version::parse(s)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    Eq,
    Lt,
    Le,
    Gt,
    Ge,
}

/// One comparator of a range; `version: None` is node-semver's ANY.
#[derive(Clone, Debug)]
struct Comparator {
    op: Op,
    version: Option<Version>,
}

impl Comparator {
    fn any() -> Self {
        Comparator {
            op: Op::Eq,
            version: None,
        }
    }
    fn new(op: Op, v: Version) -> Self {
        Comparator {
            op,
            version: Some(v),
        }
    }
    fn test(&self, v: &Version) -> bool {
        let Some(c) = &self.version else { return true };
        let o = v.cmp(c);
        match self.op {
            Op::Eq => o == Ordering::Equal,
            Op::Lt => o == Ordering::Less,
            Op::Le => o != Ordering::Greater,
            Op::Gt => o == Ordering::Greater,
            Op::Ge => o != Ordering::Less,
        }
    }
    fn is_null_set(&self) -> bool {
        self.op == Op::Lt
            && self
                .version
                .as_ref()
                .is_some_and(|v| *v == Version::new(0, 0, 0).with_pre(Version::zero_pre()))
    }
}

/// x-range parts; `None` is a wildcard (`x`, `X`, `*` or missing).
struct XParts {
    /// The `[v=\s]*` prefix had something other than a single optional `v`.
    loose_prefix: bool,
    major: Option<u64>,
    minor: Option<u64>,
    patch: Option<u64>,
    pre: SmallVec<[Identifier; 2]>,
}

/// Outer `None`: no identifier here; inner `None`: a wildcard.
#[allow(clippy::option_option)]
fn xid(p: &mut P<'_>, loose: bool) -> Option<Option<u64>> {
    match p.peek() {
        Some(b'x' | b'X' | b'*') => {
            p.p += 1;
            Some(None)
        }
        _ => p.number(loose).map(Some),
    }
}

/// Parses `[v=\s]*X(.X(.X(PRERELEASE)?BUILD?)?)?` covering all of `s`.
fn parse_xrange_plain(s: &str, loose: bool) -> Option<XParts> {
    let mut p = P {
        b: s.as_bytes(),
        p: 0,
    };
    let mut prefix = Vec::new();
    while let Some(c) = p.peek() {
        if c == b'v' || c == b'=' || c.is_ascii_whitespace() {
            if !c.is_ascii_whitespace() {
                prefix.push(c);
            }
            p.p += 1;
        } else {
            break;
        }
    }
    let loose_prefix = !(prefix.is_empty() || prefix == b"v");
    let major = xid(&mut p, loose)?;
    let mut minor = None;
    let mut patch = None;
    let mut pre = SmallVec::new();
    let mut minor_present = false;
    let mut patch_present = false;
    if p.eat(b'.') {
        minor = xid(&mut p, loose)?;
        minor_present = true;
        if p.eat(b'.') {
            patch = xid(&mut p, loose)?;
            patch_present = true;
            let (pr, _build) = parse_tail(&mut p, loose)?;
            pre = pr;
        }
    }
    if p.p != p.b.len() {
        return None;
    }
    // A missing part is a wildcard; a wildcard major makes everything below wild.
    let minor = if major.is_none() || !minor_present {
        None
    } else {
        minor
    };
    let patch = if minor.is_none() || !patch_present {
        None
    } else {
        patch
    };
    Some(XParts {
        loose_prefix,
        major,
        minor,
        patch,
        pre,
    })
}

/// A parsed npm range (`||`-separated comparator sets).
#[derive(Clone, Debug)]
pub struct Range {
    sets: Vec<Vec<Comparator>>,
    opts: Options,
}

fn range_err(input: &str, reason: &'static str) -> VersionError {
    VersionError::invalid_range(Scheme::Npm, input, reason)
}

fn is_operator_only(t: &str) -> bool {
    matches!(t, "<" | ">" | "<=" | ">=" | "=" | "~" | "~>" | "^")
}

/// Expands one comparator token into comparators; `None` when invalid.
fn expand(tok: &str, opts: Options) -> Option<Vec<Comparator>> {
    let loose = opts.loose;
    let inc = opts.include_prerelease;
    let z = || {
        if inc {
            Version::zero_pre()
        } else {
            SmallVec::new()
        }
    };
    let zp = Version::zero_pre;
    if let Some(rest) = tok.strip_prefix('^') {
        let x = parse_xrange_plain(rest, loose)?;
        let Some(mj) = x.major else {
            return Some(vec![Comparator::any()]);
        };
        let Some(mn) = x.minor else {
            return Some(vec![
                Comparator::new(Op::Ge, Version::new(mj, 0, 0).with_pre(z())),
                Comparator::new(Op::Lt, Version::new(mj + 1, 0, 0).with_pre(zp())),
            ]);
        };
        let Some(pt) = x.patch else {
            let upper = if mj == 0 {
                Version::new(0, mn + 1, 0)
            } else {
                Version::new(mj + 1, 0, 0)
            };
            return Some(vec![
                Comparator::new(Op::Ge, Version::new(mj, mn, 0).with_pre(z())),
                Comparator::new(Op::Lt, upper.with_pre(zp())),
            ]);
        };
        let lower = Version::new(mj, mn, pt).with_pre(x.pre);
        let upper = if mj == 0 {
            if mn == 0 {
                Version::new(0, 0, pt + 1)
            } else {
                Version::new(0, mn + 1, 0)
            }
        } else {
            Version::new(mj + 1, 0, 0)
        };
        return Some(vec![
            Comparator::new(Op::Ge, lower),
            Comparator::new(Op::Lt, upper.with_pre(zp())),
        ]);
    }
    if let Some(rest) = tok.strip_prefix('~') {
        let rest = rest.strip_prefix('>').unwrap_or(rest);
        let x = parse_xrange_plain(rest, loose)?;
        let Some(mj) = x.major else {
            return Some(vec![Comparator::any()]);
        };
        let Some(mn) = x.minor else {
            return Some(vec![
                Comparator::new(Op::Ge, Version::new(mj, 0, 0).with_pre(z())),
                Comparator::new(Op::Lt, Version::new(mj + 1, 0, 0).with_pre(zp())),
            ]);
        };
        let pt = x.patch.unwrap_or(0);
        let lower = if x.patch.is_some() {
            Version::new(mj, mn, pt).with_pre(x.pre)
        } else {
            Version::new(mj, mn, 0).with_pre(z())
        };
        return Some(vec![
            Comparator::new(Op::Ge, lower),
            Comparator::new(Op::Lt, Version::new(mj, mn + 1, 0).with_pre(zp())),
        ]);
    }
    let (gtlt, rest) = ["<=", ">=", "<", ">", "="]
        .iter()
        .find_map(|op| tok.strip_prefix(op).map(|r| (*op, r)))
        .unwrap_or(("", tok));
    let x = parse_xrange_plain(rest, loose)?;
    let any_x = x.patch.is_none();
    let gtlt = if gtlt == "=" && any_x { "" } else { gtlt };
    let Some(mj) = x.major else {
        if gtlt == "<" || gtlt == ">" {
            return Some(vec![Comparator::new(
                Op::Lt,
                Version::new(0, 0, 0).with_pre(zp()),
            )]);
        }
        return Some(vec![Comparator::any()]);
    };
    if !any_x {
        if !loose && x.loose_prefix {
            return None;
        }
        let op = match gtlt {
            "<" => Op::Lt,
            "<=" => Op::Le,
            ">" => Op::Gt,
            ">=" => Op::Ge,
            _ => Op::Eq,
        };
        let v = Version::new(mj, x.minor.unwrap_or(0), x.patch.unwrap_or(0)).with_pre(x.pre);
        let c = Comparator::new(op, v);
        let gte0 = op == Op::Ge
            && c.version.as_ref().is_some_and(|v| {
                (v.major, v.minor, v.patch) == (0, 0, 0)
                    && if inc {
                        v.pre.as_slice() == Version::zero_pre().as_slice()
                    } else {
                        v.pre.is_empty()
                    }
            });
        return Some(vec![if gte0 { Comparator::any() } else { c }]);
    }
    if !gtlt.is_empty() {
        let (mut m1, mut m2) = (mj, x.minor.unwrap_or(0));
        let xm = x.minor.is_none();
        let mut pre = z();
        let op = match gtlt {
            ">" => {
                if xm {
                    m1 += 1;
                    m2 = 0;
                } else {
                    m2 += 1;
                }
                Op::Ge
            }
            "<=" => {
                if xm {
                    m1 += 1;
                } else {
                    m2 += 1;
                }
                Op::Lt
            }
            "<" => Op::Lt,
            _ => Op::Ge,
        };
        if op == Op::Lt {
            pre = zp();
        }
        let c = Comparator::new(op, Version::new(m1, m2, 0).with_pre(pre));
        let gte0 = op == Op::Ge && (m1, m2) == (0, 0) && !inc;
        return Some(vec![if gte0 { Comparator::any() } else { c }]);
    }
    match x.minor {
        None => Some(vec![
            Comparator::new(Op::Ge, Version::new(mj, 0, 0).with_pre(z())),
            Comparator::new(Op::Lt, Version::new(mj + 1, 0, 0).with_pre(zp())),
        ]),
        Some(mn) => Some(vec![
            Comparator::new(Op::Ge, Version::new(mj, mn, 0).with_pre(z())),
            Comparator::new(Op::Lt, Version::new(mj, mn + 1, 0).with_pre(zp())),
        ]),
    }
}

/// Hyphen range `A - B`, when `set` is one.
fn hyphen(set: &str, opts: Options) -> Option<Vec<Comparator>> {
    let inc = opts.include_prerelease;
    let mut search = 0;
    while let Some(i) = set.get(search..).and_then(|s| s.find(" - ")) {
        let at = search + i;
        search = at + 1;
        let (l, r) = (set.get(..at)?.trim(), set.get(at + 3..)?.trim());
        let (Some(from), Some(to)) = (
            parse_xrange_plain(l, opts.loose),
            parse_xrange_plain(r, opts.loose),
        ) else {
            continue;
        };
        let mut out = Vec::new();
        let z = || {
            if inc {
                Version::zero_pre()
            } else {
                SmallVec::new()
            }
        };
        if let Some(fm) = from.major {
            let v = match (from.minor, from.patch) {
                (None, _) => Version::new(fm, 0, 0).with_pre(z()),
                (Some(mn), None) => Version::new(fm, mn, 0).with_pre(z()),
                (Some(mn), Some(pt)) => {
                    let pre = if from.pre.is_empty() { z() } else { from.pre };
                    Version::new(fm, mn, pt).with_pre(pre)
                }
            };
            out.push(Comparator::new(Op::Ge, v));
        }
        if let Some(tm) = to.major {
            let c = match (to.minor, to.patch) {
                (None, _) => Comparator::new(
                    Op::Lt,
                    Version::new(tm + 1, 0, 0).with_pre(Version::zero_pre()),
                ),
                (Some(mn), None) => Comparator::new(
                    Op::Lt,
                    Version::new(tm, mn + 1, 0).with_pre(Version::zero_pre()),
                ),
                (Some(mn), Some(pt)) if !to.pre.is_empty() => {
                    Comparator::new(Op::Le, Version::new(tm, mn, pt).with_pre(to.pre))
                }
                (Some(mn), Some(pt)) if inc => Comparator::new(
                    Op::Lt,
                    Version::new(tm, mn, pt + 1).with_pre(Version::zero_pre()),
                ),
                (Some(mn), Some(pt)) => Comparator::new(Op::Le, Version::new(tm, mn, pt)),
            };
            out.push(c);
        }
        if out.is_empty() {
            out.push(Comparator::any());
        }
        return Some(out);
    }
    None
}

impl Range {
    /// Parses a range with node-semver options. Strict mode rejects a range
    /// with any invalid comparator; loose mode drops invalid comparators.
    pub fn parse(input: &str, opts: Options) -> Result<Self, VersionError> {
        if input.len() > MAX_RANGE_LENGTH {
            return Err(range_err(input, "longer than 4096 bytes"));
        }
        let normalized = input.split_whitespace().collect::<Vec<_>>().join(" ");
        let mut sets = Vec::new();
        for raw in normalized.split("||") {
            let set_str = raw.trim();
            let mut comps: Vec<Comparator> = Vec::new();
            if let Some(h) = hyphen(set_str, opts) {
                comps = h;
            } else {
                let words: Vec<&str> = set_str.split(' ').filter(|w| !w.is_empty()).collect();
                let mut toks: Vec<String> = Vec::new();
                let mut i = 0;
                while i < words.len() {
                    let w = words.get(i).copied().unwrap_or_default();
                    if is_operator_only(w) && i + 1 < words.len() {
                        toks.push(format!(
                            "{w}{}",
                            words.get(i + 1).copied().unwrap_or_default()
                        ));
                        i += 2;
                    } else {
                        toks.push(w.to_string());
                        i += 1;
                    }
                }
                if toks.is_empty() {
                    comps.push(Comparator::any());
                }
                for t in &toks {
                    match expand(t, opts) {
                        Some(cs) => comps.extend(cs),
                        None if opts.loose => {}
                        None => return Err(range_err(input, "invalid comparator")),
                    }
                }
            }
            if comps.is_empty() {
                continue;
            }
            if let Some(null) = comps.iter().find(|c| c.is_null_set()) {
                comps = vec![null.clone()];
            } else if comps.len() > 1 {
                comps.retain(|c| c.version.is_some());
                if comps.is_empty() {
                    comps.push(Comparator::any());
                }
            }
            sets.push(comps);
        }
        if sets.is_empty() {
            return Err(range_err(input, "no valid comparator set"));
        }
        Ok(Range { sets, opts })
    }

    /// node-semver's `Range.test`.
    pub fn test(&self, v: &Version) -> bool {
        self.sets.iter().any(|set| {
            if !set.iter().all(|c| c.test(v)) {
                return false;
            }
            if v.pre.is_empty() || self.opts.include_prerelease {
                return true;
            }
            set.iter().any(|c| {
                c.version
                    .as_ref()
                    .is_some_and(|cv| !cv.pre.is_empty() && cv.same_tuple(v))
            })
        })
    }
}

/// node-semver's `satisfies(version, range, options)`: false when either
/// does not parse.
pub fn satisfies(version: &str, range: &str, opts: Options) -> bool {
    match (
        Version::parse_with(version, opts),
        Range::parse(range, opts),
    ) {
        (Ok(v), Ok(r)) => r.test(&v),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caret_and_tilde() {
        let o = Options::default();
        assert!(satisfies("1.8.1", "^1.2.3", o));
        assert!(!satisfies("2.0.0", "^1.2.3", o));
        assert!(satisfies("0.1.2", "^0.1", o));
        assert!(!satisfies("0.0.2", "^0.0.1", o));
        assert!(satisfies("1.2.9", "~1.2.3", o));
        assert!(!satisfies("1.3.0", "~1.2.3", o));
    }

    #[test]
    fn prerelease_rule() {
        let o = Options::default();
        assert!(satisfies("1.2.3-pre", "^1.2.3-alpha", o));
        assert!(!satisfies("1.2.4-pre", "^1.2.3", o));
        let inc = Options {
            include_prerelease: true,
            ..o
        };
        assert!(satisfies("1.2.4-pre", "^1.2.3", inc));
    }

    #[test]
    fn strict_versus_loose() {
        assert!(Version::parse("v1.2.3").is_ok());
        assert!(Version::parse("=1.2.3").is_err());
        assert!(
            Version::parse_with(
                "=1.2.3",
                Options {
                    loose: true,
                    ..Options::default()
                }
            )
            .is_ok()
        );
        assert!(Version::parse("01.2.3").is_err());
    }
}
