//! Alpine apk versions (also Wolfi, Chainguard, MinimOS), ordered like
//! apk-tools' `src/version.c` (the tokenizer of apk-tools 3):
//! `digit{.digit}...{letter}{_suffix{number}}...{~hash}{-r#}`.
//!
//! Suffix order: `_alpha < _beta < _pre < _rc < (none) < _cvs < _svn < _git
//! < _hg < _p`. A digit component after the first with a leading zero
//! compares as a string (Gentoo rule). apk compares *any* string, including
//! ones its validator rejects (the comparison stops at the first invalid
//! token, and an invalid tail sorts below a valid end), so
//! [`Version::parse`] accepts every non-empty string and records validity in
//! [`Version::is_valid`]; [`Version::parse_strict`] rejects invalid ones.
//!
//! Fuzzy operators (`~`, `<~`, `>~`, and the `!` conflict prefix) are
//! available through [`Op`] and [`matches()`].

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use smallvec::SmallVec;

use crate::error::VersionError;
use crate::num::{cmp_decimal, digit_run};
use crate::scheme::Scheme;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Tok {
    InitialDigit,
    Digit,
    Letter,
    Suffix,
    SuffixNo,
    CommitHash,
    RevisionNo,
    End,
    Invalid,
}

const SUFFIX_INVALID: u8 = 0;
const SUFFIX_NONE: u8 = 5;

fn suffix_value(s: &[u8]) -> u8 {
    match s {
        b"alpha" => 1,
        b"beta" => 2,
        b"pre" => 3,
        b"rc" => 4,
        b"cvs" => 6,
        b"svn" => 7,
        b"git" => 8,
        b"hg" => 9,
        b"p" => 10,
        _ => SUFFIX_INVALID,
    }
}

#[derive(Clone, Copy)]
struct Token<'a> {
    tok: Tok,
    suffix: u8,
    value: &'a [u8],
}

struct Lexer<'a> {
    rest: &'a [u8],
    cur: Token<'a>,
}

impl<'a> Lexer<'a> {
    fn new(s: &'a [u8]) -> Self {
        let mut lx = Lexer {
            rest: s,
            cur: Token {
                tok: Tok::InitialDigit,
                suffix: 0,
                value: &[],
            },
        };
        lx.parse_digits();
        lx
    }

    fn parse_digits(&mut self) {
        let n = digit_run(self.rest);
        let (v, r) = self.rest.split_at(n);
        self.cur.value = v;
        self.rest = r;
        if n == 0 {
            self.cur.tok = Tok::Invalid;
        }
    }

    fn next(&mut self) {
        let Some(&c) = self.rest.first() else {
            self.cur.tok = Tok::End;
            return;
        };
        let t = self.cur.tok;
        match c {
            b'a'..=b'z' => {
                if t > Tok::Digit {
                    self.cur.tok = Tok::Invalid;
                    return;
                }
                let (v, r) = self.rest.split_at(1);
                self.cur.value = v;
                self.rest = r;
                self.cur.tok = Tok::Letter;
            }
            b'.' | b'0'..=b'9' => {
                if c == b'.' {
                    if t > Tok::Digit {
                        self.cur.tok = Tok::Invalid;
                        return;
                    }
                    self.rest = self.rest.get(1..).unwrap_or_default();
                }
                self.cur.tok = match t {
                    Tok::InitialDigit | Tok::Digit => Tok::Digit,
                    Tok::Suffix => Tok::SuffixNo,
                    _ => {
                        self.cur.tok = Tok::Invalid;
                        return;
                    }
                };
                self.parse_digits();
            }
            b'_' => {
                if t > Tok::SuffixNo {
                    self.cur.tok = Tok::Invalid;
                    return;
                }
                let r = self.rest.get(1..).unwrap_or_default();
                let n = r.iter().take_while(|c| c.is_ascii_lowercase()).count();
                let (v, r) = r.split_at(n);
                self.cur.value = v;
                self.rest = r;
                self.cur.suffix = suffix_value(v);
                self.cur.tok = if self.cur.suffix == SUFFIX_INVALID {
                    Tok::Invalid
                } else {
                    Tok::Suffix
                };
            }
            b'~' => {
                if t >= Tok::CommitHash {
                    self.cur.tok = Tok::Invalid;
                    return;
                }
                let r = self.rest.get(1..).unwrap_or_default();
                let n = r.iter().take_while(|c| c.is_ascii_hexdigit()).count();
                let (v, r) = r.split_at(n);
                self.cur.value = v;
                self.rest = r;
                self.cur.tok = if n == 0 {
                    Tok::Invalid
                } else {
                    Tok::CommitHash
                };
            }
            b'-' => {
                if t >= Tok::RevisionNo || !self.rest.starts_with(b"-r") {
                    self.cur.tok = Tok::Invalid;
                    return;
                }
                self.rest = self.rest.get(2..).unwrap_or_default();
                self.cur.tok = Tok::RevisionNo;
                self.parse_digits();
            }
            _ => self.cur.tok = Tok::Invalid,
        }
    }
}

fn token_cmp(a: &Token<'_>, b: &Token<'_>) -> Ordering {
    match a.tok {
        Tok::Digit if a.value.first() == Some(&b'0') || b.value.first() == Some(&b'0') => {
            a.value.cmp(b.value)
        }
        Tok::Digit | Tok::InitialDigit | Tok::SuffixNo | Tok::RevisionNo => {
            cmp_decimal(a.value, b.value)
        }
        Tok::Letter => a.value.first().cmp(&b.value.first()),
        Tok::Suffix => a.suffix.cmp(&b.suffix),
        _ => a.value.cmp(b.value),
    }
}

/// Compares two raw version strings. Strings apk accepts are ordered
/// exactly as apk-tools 3 orders them; if either is one apk rejects (apk
/// would stop at the first bad token), osv-scalibr's Alpine order is used
/// instead, which keeps apk-tools 2 era versions such as `6.0.2p1-r1 <
/// 6.0.2p1-r2` (still present in OSV data) ordered. With `fuzzy`, `a`
/// matching `b` as a prefix at a token boundary counts as equal (always
/// apk-tools 3 semantics).
pub fn compare_raw(a: &str, b: &str, fuzzy: bool) -> Ordering {
    if !fuzzy && (!is_valid(a) || !is_valid(b)) {
        return scalibr::compare(a, b);
    }
    compare_tokens(a, b, fuzzy)
}

/// apk-tools 3 `apk_version_compare_fuzzy`.
fn compare_tokens(a: &str, b: &str, fuzzy: bool) -> Ordering {
    let mut la = Lexer::new(a.as_bytes());
    let mut lb = Lexer::new(b.as_bytes());
    while la.cur.tok == lb.cur.tok && la.cur.tok < Tok::End {
        let r = token_cmp(&la.cur, &lb.cur);
        if r != Ordering::Equal {
            return r;
        }
        la.next();
        lb.next();
    }
    finish(&la.cur, &lb.cur, fuzzy)
}

/// The tail of `apk_version_compare_fuzzy` once the token loop stopped.
fn finish(ta: &Token<'_>, tb: &Token<'_>, fuzzy: bool) -> Ordering {
    if ta.tok == tb.tok || (tb.tok == Tok::End && fuzzy) {
        return Ordering::Equal;
    }
    if ta.tok == Tok::Suffix && ta.suffix < SUFFIX_NONE {
        return Ordering::Less;
    }
    if tb.tok == Tok::Suffix && tb.suffix < SUFFIX_NONE {
        return Ordering::Greater;
    }
    tb.tok.cmp(&ta.tok)
}

/// apk's `apk_version_validate`: true when the whole string tokenizes.
pub fn is_valid(s: &str) -> bool {
    let mut lx = Lexer::new(s.as_bytes());
    while lx.cur.tok < Tok::End {
        lx.next();
    }
    lx.cur.tok == Tok::End
}

/// One token of a valid version, as byte offsets into the text.
#[derive(Clone, Copy, Debug)]
struct PTok {
    tok: Tok,
    suffix: u8,
    start: u32,
    len: u32,
}

/// A parsed apk version. Valid versions keep their token list so that
/// comparing two parsed versions does not re-tokenize.
#[derive(Clone, Debug)]
pub struct Version {
    text: Box<str>,
    valid: bool,
    tokens: SmallVec<[PTok; 6]>,
}

fn tokenize(s: &str) -> SmallVec<[PTok; 6]> {
    let base = s.as_ptr() as usize;
    let mut out = SmallVec::new();
    let mut lx = Lexer::new(s.as_bytes());
    loop {
        let t = lx.cur;
        let start = (t.value.as_ptr() as usize).saturating_sub(base);
        out.push(PTok {
            tok: t.tok,
            suffix: t.suffix,
            start: start as u32,
            len: t.value.len() as u32,
        });
        if t.tok >= Tok::End {
            break;
        }
        lx.next();
    }
    out
}

impl Version {
    fn token(&self, i: usize) -> Token<'_> {
        match self.tokens.get(i).or(self.tokens.last()) {
            Some(p) => Token {
                tok: p.tok,
                suffix: p.suffix,
                value: self
                    .text
                    .as_bytes()
                    .get(p.start as usize..(p.start + p.len) as usize)
                    .unwrap_or_default(),
            },
            None => Token {
                tok: Tok::End,
                suffix: 0,
                value: &[],
            },
        }
    }

    /// apk-tools 3 comparison on the stored tokens (both versions valid).
    fn cmp_tokens(&self, other: &Self) -> Ordering {
        if self.text == other.text {
            return Ordering::Equal;
        }
        let mut i = 0;
        let (mut ta, mut tb) = (self.token(0), other.token(0));
        while ta.tok == tb.tok && ta.tok < Tok::End {
            let r = token_cmp(&ta, &tb);
            if r != Ordering::Equal {
                return r;
            }
            i += 1;
            ta = self.token(i);
            tb = other.token(i);
        }
        finish(&ta, &tb, false)
    }
}

impl Version {
    /// Accepts any non-empty string without whitespace (apk orders invalid
    /// strings too); see [`Version::is_valid`].
    pub fn parse(input: &str) -> Result<Self, VersionError> {
        if input.is_empty() {
            return Err(VersionError::invalid(
                Scheme::Apk,
                input,
                "the version string is empty",
            ));
        }
        if input.bytes().any(|c| c.is_ascii_whitespace()) {
            return Err(VersionError::invalid(
                Scheme::Apk,
                input,
                "the version string contains whitespace",
            ));
        }
        let text: Box<str> = input.into();
        let mut tokens = tokenize(&text);
        let valid = tokens.last().is_some_and(|t| t.tok == Tok::End);
        if !valid {
            tokens.clear();
        }
        Ok(Version {
            text,
            valid,
            tokens,
        })
    }

    /// Accepts only strings apk's validator accepts.
    pub fn parse_strict(input: &str) -> Result<Self, VersionError> {
        let v = Version::parse(input)?;
        if !v.valid {
            return Err(VersionError::invalid(
                Scheme::Apk,
                input,
                "not of the form digit{.digit}{letter}{_suffix{number}}{~hash}{-r#}",
            ));
        }
        Ok(v)
    }

    /// Whether apk's validator accepts this version.
    pub fn is_valid(&self) -> bool {
        self.valid
    }

    /// The version text.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        if self.valid && other.valid {
            self.cmp_tokens(other)
        } else {
            scalibr::compare(&self.text, &other.text)
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

/// An apk dependency operator: a mask of less/equal/greater, optional fuzzy
/// matching (`~`) and the conflict prefix `!` that negates the result.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Op {
    less: bool,
    equal: bool,
    greater: bool,
    fuzzy: bool,
    conflict: bool,
}

impl Op {
    /// Parses `<`, `<=`, `=`, `>=`, `>`, `~`, `<~`, `>~`, `=~`, optionally
    /// prefixed with `!`.
    pub fn parse(s: &str) -> Result<Self, VersionError> {
        let (conflict, body) = match s.strip_prefix('!') {
            Some(rest) => (true, rest),
            None => (false, s),
        };
        let mut op = Op {
            less: false,
            equal: false,
            greater: false,
            fuzzy: false,
            conflict,
        };
        if body.is_empty() {
            return Err(VersionError::invalid_range(
                Scheme::Apk,
                s,
                "empty operator",
            ));
        }
        for c in body.chars() {
            match c {
                '<' => op.less = true,
                '>' => op.greater = true,
                '=' => op.equal = true,
                '~' => {
                    op.fuzzy = true;
                    op.equal = true;
                }
                _ => {
                    return Err(VersionError::invalid_range(
                        Scheme::Apk,
                        s,
                        "unknown operator character",
                    ));
                }
            }
        }
        Ok(op)
    }
}

/// apk's `apk_version_match(a, op, b)`.
pub fn matches(a: &Version, op: Op, b: &Version) -> bool {
    let r = if op.fuzzy {
        compare_tokens(&a.text, &b.text, true)
    } else {
        a.cmp(b)
    };
    let ok = match r {
        Ordering::Less => op.less,
        Ordering::Equal => op.equal,
        Ordering::Greater => op.greater,
    };
    ok != op.conflict
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Version {
        Version::parse(s).unwrap()
    }

    #[test]
    fn suffix_and_revision_order() {
        assert!(v("1.0_rc1") < v("1.0"));
        assert!(v("1.0") < v("1.0_p1"));
        assert!(v("1.0-r1") < v("1.0-r10"));
        assert!(v("1.0_alpha") < v("1.0_beta"));
    }

    #[test]
    fn fuzzy_prefix_match() {
        let op = Op::parse("~").unwrap();
        assert!(matches(&v("3.6.9"), op, &v("3.6")));
        assert!(!matches(&v("3.7"), op, &v("3.6")));
        assert!(matches(&v("3.7"), Op::parse("!~").unwrap(), &v("3.6")));
    }

    #[test]
    fn validity() {
        assert!(v("0.1_pre2~1234abcd").is_valid());
        assert!(!v("0.1-r2-r3").is_valid());
        assert!(Version::parse_strict("0.1bc").is_err());
    }
}

/// osv-scalibr's Alpine comparator, used for strings apk itself rejects.
///
/// One deliberate difference: for two strings that osv-scalibr flags as
/// invalid it compares plain strings, while we compare the parsed parts
/// first and use the string order only to break ties. That keeps the order
/// transitive on digit-led strings (see `tests/properties.rs`), and every
/// row of osv-scalibr's Alpine fixtures still holds.
mod scalibr {
    use std::cmp::Ordering;

    use smallvec::SmallVec;

    use crate::num::{cmp_decimal, digit_run};

    struct Parsed<'a> {
        invalid: bool,
        comps: SmallVec<[(&'a [u8], usize); 4]>,
        letter: Option<u8>,
        suffixes: SmallVec<[(u8, &'a [u8]); 2]>,
        build: &'a [u8],
        remainder_empty: bool,
    }

    const SUFFIXES: [&[u8]; 9] = [
        b"alpha", b"beta", b"pre", b"rc", b"cvs", b"svn", b"git", b"hg", b"p",
    ];

    fn weight(s: &[u8]) -> u8 {
        match s {
            b"alpha" => 0,
            b"beta" => 1,
            b"pre" => 2,
            b"rc" => 3,
            b"cvs" => 5,
            b"svn" => 6,
            b"git" => 7,
            b"hg" => 8,
            _ => 9,
        }
    }

    /// Finds `_(alpha|...|p)(\d*)` at or after `from`; returns (start, end, name, digits).
    fn find_suffix(s: &[u8], from: usize) -> Option<(usize, usize, &[u8], &[u8])> {
        let mut i = from;
        while i < s.len() {
            if s.get(i) == Some(&b'_') {
                let rest = s.get(i + 1..).unwrap_or_default();
                if let Some(name) = SUFFIXES.iter().find(|n| rest.starts_with(n)) {
                    let after = rest.get(name.len()..).unwrap_or_default();
                    let d = digit_run(after);
                    let end = i + 1 + name.len() + d;
                    return Some((i, end, name, after.get(..d).unwrap_or_default()));
                }
            }
            i += 1;
        }
        None
    }

    fn parse(s: &str) -> Parsed<'_> {
        let b = s.as_bytes();
        let mut i = 0;
        loop {
            let n = digit_run(b.get(i..).unwrap_or_default());
            if n == 0 {
                break;
            }
            i += n;
            if b.get(i) == Some(&b'.') {
                i += 1;
            }
        }
        let mut comps = SmallVec::new();
        for (idx, d) in b
            .get(..i)
            .unwrap_or_default()
            .split(|&c| c == b'.')
            .enumerate()
        {
            if d.is_empty() {
                break;
            }
            comps.push((d, idx));
        }
        let mut rest = b.get(i..).unwrap_or_default();
        let mut letter = None;
        if let Some(&c) = rest.first().filter(|c| c.is_ascii_lowercase()) {
            letter = Some(c);
            rest = rest.get(1..).unwrap_or_default();
        }
        let mut suffixes = SmallVec::new();
        let scan = rest;
        let mut from = 0;
        while let Some((start, end, name, digits)) = find_suffix(scan, from) {
            suffixes.push((weight(name), digits));
            let m = scan.get(start..end).unwrap_or_default();
            if rest.starts_with(m) {
                rest = rest.get(m.len()..).unwrap_or_default();
            }
            from = end.max(start + 1);
        }
        if rest.first() == Some(&b'~') {
            let n = rest
                .iter()
                .skip(1)
                .take_while(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f'))
                .count();
            if n > 0 {
                rest = rest.get(n + 1..).unwrap_or_default();
            }
        }
        let mut invalid = false;
        let mut build: &[u8] = b"0";
        if !rest.is_empty() {
            if let Some(r) = rest.strip_prefix(b"-r") {
                let d = digit_run(r);
                build = r.get(..d).unwrap_or_default();
                rest = r.get(d..).unwrap_or_default();
            } else {
                invalid = true;
            }
        }
        Parsed {
            invalid,
            comps,
            letter,
            suffixes,
            build,
            remainder_empty: rest.is_empty(),
        }
    }

    pub(super) fn compare(a: &str, b: &str) -> Ordering {
        let (v, w) = (parse(a), parse(b));
        let o = structural(&v, &w);
        if o == Ordering::Equal && v.invalid && w.invalid {
            return a.cmp(b);
        }
        o
    }

    fn structural(v: &Parsed<'_>, w: &Parsed<'_>) -> Ordering {
        let zero: (&[u8], usize) = (b"0", 0);
        for k in 0..v.comps.len().max(w.comps.len()) {
            let x = v.comps.get(k).unwrap_or(&zero);
            let y = w.comps.get(k).unwrap_or(&zero);
            let o = if x.1 != 0
                && y.1 != 0
                && (x.0.first() == Some(&b'0') || y.0.first() == Some(&b'0'))
            {
                x.0.cmp(y.0)
            } else {
                cmp_decimal(x.0, y.0)
            };
            if o != Ordering::Equal {
                return o;
            }
        }
        let o = match (v.letter, w.letter) {
            (None, Some(_)) => Ordering::Less,
            (Some(_), None) => Ordering::Greater,
            (x, y) => x.cmp(&y),
        };
        if o != Ordering::Equal {
            return o;
        }
        let none: (u8, &[u8]) = (4, b"0");
        for k in 0..v.suffixes.len().max(w.suffixes.len()) {
            let x = v.suffixes.get(k).unwrap_or(&none);
            let y = w.suffixes.get(k).unwrap_or(&none);
            let o = x.0.cmp(&y.0).then_with(|| cmp_decimal(x.1, y.1));
            if o != Ordering::Equal {
                return o;
            }
        }
        let o = cmp_decimal(v.build, w.build);
        if o != Ordering::Equal {
            return o;
        }
        match (v.remainder_empty, w.remainder_empty) {
            (true, false) => Ordering::Greater,
            (false, true) => Ordering::Less,
            _ => Ordering::Equal,
        }
    }
}
