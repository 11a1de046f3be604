//! Maven versions, ordered like Apache Maven's `ComparableVersion`
//! (maven-artifact): items split on `.`, `-` and digit/letter transitions,
//! nested lists after `-`, qualifiers `alpha < beta < milestone < rc = cr <
//! snapshot < "" = ga = final = release < sp < unknown (lexical)`,
//! combination items such as `alpha1`, trailing null items trimmed,
//! case-insensitive. Versions longer than 256 characters are rejected, as
//! Maven 4 does.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use crate::error::VersionError;
use crate::num::Num;
use crate::scheme::Scheme;

const MAX_LEN: usize = 256;

#[derive(Clone, Debug, PartialEq, Eq)]
enum Item {
    Int(Num),
    Str(Box<str>),
    Comb(Box<str>, Num),
    List(Vec<Item>),
}

const QUALIFIERS: [&str; 7] = ["alpha", "beta", "milestone", "rc", "snapshot", "", "sp"];

fn comparable_qualifier(q: &str) -> std::borrow::Cow<'static, str> {
    if matches!(q, "ga" | "final" | "release") {
        return "5".into();
    }
    match QUALIFIERS.iter().position(|x| *x == q) {
        Some(i) => ["0", "1", "2", "3", "4", "5", "6"]
            .get(i)
            .copied()
            .unwrap_or("7")
            .into(),
        None => format!("7-{q}").into(),
    }
}

fn string_item(value: &str, followed_by_digit: bool) -> Box<str> {
    let v = if followed_by_digit && value.chars().count() == 1 {
        match value {
            "a" => "alpha",
            "b" => "beta",
            "m" => "milestone",
            v => v,
        }
    } else {
        value
    };
    if v == "cr" { "rc".into() } else { v.into() }
}

fn cmp_str_null(s: &str) -> Ordering {
    comparable_qualifier(s).as_ref().cmp("5")
}

impl Item {
    fn is_null(&self) -> bool {
        match self {
            Item::Int(n) => n.is_zero(),
            Item::Str(s) => s.is_empty(),
            Item::Comb(..) => false,
            Item::List(l) => l.is_empty(),
        }
    }

    fn cmp_item(&self, other: Option<&Item>) -> Ordering {
        match self {
            Item::Int(n) => match other {
                None => {
                    if n.is_zero() {
                        Ordering::Equal
                    } else {
                        Ordering::Greater
                    }
                }
                Some(Item::Int(m)) => n.cmp(m),
                Some(_) => Ordering::Greater,
            },
            Item::Str(s) => match other {
                None => cmp_str_null(s),
                Some(Item::Int(_)) => Ordering::Less,
                Some(Item::Str(t)) => comparable_qualifier(s).cmp(&comparable_qualifier(t)),
                Some(Item::Comb(cs, cd)) => {
                    let r = comparable_qualifier(s).cmp(&comparable_qualifier(cs));
                    if r == Ordering::Equal {
                        if cmp_str_null(s) == Ordering::Equal {
                            return Item::Int(cd.clone()).cmp_item(None).reverse();
                        }
                        return Ordering::Less;
                    }
                    r
                }
                Some(l @ Item::List(_)) => l.cmp_item(Some(self)).reverse(),
            },
            Item::Comb(cs, cd) => match other {
                None => {
                    let r = cmp_str_null(cs);
                    if r == Ordering::Equal {
                        Item::Int(cd.clone()).cmp_item(None)
                    } else {
                        r
                    }
                }
                Some(Item::Int(_)) => Ordering::Less,
                Some(Item::Str(t)) => {
                    let r = comparable_qualifier(cs).cmp(&comparable_qualifier(t));
                    if r == Ordering::Equal {
                        if cmp_str_null(cs) == Ordering::Equal {
                            return Item::Int(cd.clone()).cmp_item(None);
                        }
                        return Ordering::Greater;
                    }
                    r
                }
                Some(l @ Item::List(_)) => l.cmp_item(Some(self)).reverse(),
                Some(Item::Comb(ts, td)) => comparable_qualifier(cs)
                    .cmp(&comparable_qualifier(ts))
                    .then_with(|| cd.cmp(td)),
            },
            Item::List(items) => match other {
                None => items
                    .iter()
                    .map(|i| i.cmp_item(None))
                    .find(|o| *o != Ordering::Equal)
                    .unwrap_or(Ordering::Equal),
                Some(Item::Int(_)) => Ordering::Less,
                Some(it @ (Item::Str(_) | Item::Comb(..))) => {
                    let mut r = match items.first() {
                        None => it.cmp_item(None).reverse(),
                        Some(f) => f.cmp_item(Some(it)),
                    };
                    for i in items.iter().skip(1) {
                        if r != Ordering::Equal {
                            break;
                        }
                        r = i.cmp_item(None);
                    }
                    r
                }
                Some(Item::List(others)) => {
                    let n = items.len().max(others.len());
                    for k in 0..n {
                        let r = match (items.get(k), others.get(k)) {
                            (None, None) => Ordering::Equal,
                            (None, Some(r)) => r.cmp_item(None).reverse(),
                            (Some(l), r) => l.cmp_item(r),
                        };
                        if r != Ordering::Equal {
                            return r;
                        }
                    }
                    Ordering::Equal
                }
            },
        }
    }
}

fn is_java_digit(c: char) -> bool {
    c.is_ascii_digit() || (!c.is_ascii() && c.is_numeric())
}

fn numeric(buf: &str) -> Num {
    Num::from_digits(buf.as_bytes())
}

fn parse_item(is_comb: bool, is_digit: bool, buf: &str) -> Item {
    if is_comb {
        let b: String = buf.chars().filter(|&c| c != '-').collect();
        let idx = b
            .char_indices()
            .find(|(_, c)| is_java_digit(*c))
            .map_or(0, |(i, _)| i);
        let (s, d) = b.split_at(idx);
        return Item::Comb(string_item(s, true), numeric(d));
    }
    if is_digit {
        return Item::Int(numeric(buf));
    }
    Item::Str(string_item(buf, false))
}

fn normalize(list: &mut Vec<Item>) {
    let mut i = list.len();
    while i > 0 {
        i -= 1;
        let null = list.get(i).is_some_and(Item::is_null);
        if null {
            let remove = match list.get(i + 1) {
                None | Some(Item::Str(_)) => true,
                Some(Item::List(sub)) => matches!(sub.first(), Some(Item::Comb(..) | Item::Str(_))),
                Some(_) => false,
            };
            if remove {
                list.remove(i);
            }
        }
    }
    if list.len() == 1
        && matches!(list.first(), Some(Item::List(_)))
        && let Some(Item::List(inner)) = list.pop()
    {
        *list = inner;
    }
}

fn parse_items(version: &str) -> Vec<Item> {
    let lower = version.to_lowercase();
    let cs: Vec<(usize, char)> = lower.char_indices().collect();
    let n = cs.len();
    let byte_at = |k: usize| cs.get(k).map_or(lower.len(), |x| x.0);
    let sub = |a: usize, b: usize| lower.get(byte_at(a)..byte_at(b)).unwrap_or_default();
    let mut stack: Vec<Vec<Item>> = vec![Vec::new()];
    let mut is_digit = false;
    let mut is_comb = false;
    let mut start = 0usize;
    let mut i = 0usize;
    while i < n {
        let c = cs.get(i).map_or('\0', |x| x.1);
        let cur_empty = stack.last().is_none_or(Vec::is_empty);
        if c == '.' {
            let item = if i == start {
                Item::Int(Num::ZERO)
            } else {
                parse_item(is_comb, is_digit, sub(start, i))
            };
            if let Some(cur) = stack.last_mut() {
                cur.push(item);
            }
            is_comb = false;
            start = i + 1;
        } else if c == '-' {
            if i == start {
                if let Some(cur) = stack.last_mut() {
                    cur.push(Item::Int(Num::ZERO));
                }
            } else {
                if !is_digit && i != n - 1 && cs.get(i + 1).is_some_and(|x| is_java_digit(x.1)) {
                    is_comb = true;
                    i += 1;
                    continue;
                }
                let item = parse_item(is_comb, is_digit, sub(start, i));
                if let Some(cur) = stack.last_mut() {
                    cur.push(item);
                }
            }
            start = i + 1;
            if stack.last().is_some_and(|l| !l.is_empty()) {
                stack.push(Vec::new());
            }
            is_comb = false;
        } else if c.is_ascii_digit() {
            if !is_digit && i > start {
                is_comb = true;
                if !cur_empty {
                    stack.push(Vec::new());
                }
            }
            is_digit = true;
        } else {
            if is_digit && i > start {
                let item = parse_item(is_comb, true, sub(start, i));
                if let Some(cur) = stack.last_mut() {
                    cur.push(item);
                }
                start = i;
                stack.push(Vec::new());
                is_comb = false;
            }
            is_digit = false;
        }
        i += 1;
    }
    if n > start {
        if !is_digit && stack.last().is_some_and(|l| !l.is_empty()) {
            stack.push(Vec::new());
        }
        let item = parse_item(is_comb, is_digit, sub(start, n));
        if let Some(cur) = stack.last_mut() {
            cur.push(item);
        }
    }
    while let Some(mut top) = stack.pop() {
        normalize(&mut top);
        match stack.last_mut() {
            Some(parent) => parent.push(Item::List(top)),
            None => return top,
        }
    }
    Vec::new()
}

/// A parsed Maven version.
#[derive(Clone, Debug)]
pub struct Version {
    text: Box<str>,
    items: Item,
}

impl Version {
    /// Parses any string of at most 256 characters (Maven accepts every
    /// string; the limit bounds nesting depth).
    pub fn parse(input: &str) -> Result<Self, VersionError> {
        if input.chars().count() > MAX_LEN {
            return Err(VersionError::invalid(
                Scheme::Maven,
                input,
                "longer than 256 characters",
            ));
        }
        Ok(Version {
            text: input.into(),
            items: Item::List(parse_items(input)),
        })
    }

    /// Maven's canonical form (`1.0-SNAPSHOT` → `1-snapshot`).
    pub fn canonical(&self) -> String {
        fn render(items: &[Item], out: &mut String) {
            for (k, it) in items.iter().enumerate() {
                if k > 0 {
                    out.push(if matches!(it, Item::List(_)) {
                        '-'
                    } else {
                        '.'
                    });
                }
                match it {
                    Item::Int(n) => out.push_str(&n.to_string()),
                    Item::Str(s) => out.push_str(s),
                    Item::Comb(s, d) => {
                        out.push_str(s);
                        out.push_str(&d.to_string());
                    }
                    Item::List(l) => render(l, out),
                }
            }
        }
        let mut s = String::new();
        if let Item::List(l) = &self.items {
            render(l, &mut s);
        }
        s
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        self.items.cmp_item(Some(&other.items))
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
    fn qualifier_order() {
        assert!(v("1-alpha") < v("1-beta"));
        assert!(v("1-rc") < v("1-SNAPSHOT"));
        assert!(v("1-snapshot") < v("1"));
        assert_eq!(v("1-ga"), v("1"));
        assert_eq!(v("1.0-FINAL"), v("1"));
        assert!(v("1") < v("1-sp"));
        assert!(v("1-sp") < v("1-abc"));
        assert_eq!(v("1.0.RC2").canonical(), "1-rc2");
    }
}

/// Maven 3.8 `ComparableVersion` (maven-artifact 3.8.6), before Maven 3.9/4
/// added combination items (`alpha1`, `X-1` = `X1`) and the `.X` = `-X`
/// rule. osv-scalibr's generated Maven fixture was ordered with this
/// release; use it to reproduce results of tools built on Maven 3.8.
pub mod v38 {
    use std::cmp::Ordering;
    use std::fmt;
    use std::str::FromStr;

    use super::{MAX_LEN, comparable_qualifier};
    use crate::error::VersionError;
    use crate::num::Num;
    use crate::scheme::Scheme;

    #[derive(Clone, Debug)]
    enum Item {
        Int(Num),
        Str(Box<str>),
        List(Vec<Item>),
    }

    fn string_item(value: &str, followed_by_digit: bool) -> Item {
        let v = if followed_by_digit && value.chars().count() == 1 {
            match value {
                "a" => "alpha",
                "b" => "beta",
                "m" => "milestone",
                v => v,
            }
        } else {
            value
        };
        let v = match v {
            "ga" | "final" | "release" => "",
            "cr" => "rc",
            v => v,
        };
        Item::Str(v.into())
    }

    impl Item {
        fn is_null(&self) -> bool {
            match self {
                Item::Int(n) => n.is_zero(),
                Item::Str(s) => s.is_empty(),
                Item::List(l) => l.is_empty(),
            }
        }

        fn cmp_item(&self, other: Option<&Item>) -> Ordering {
            match (self, other) {
                (Item::Int(n), None) => {
                    if n.is_zero() {
                        Ordering::Equal
                    } else {
                        Ordering::Greater
                    }
                }
                (Item::Int(n), Some(Item::Int(m))) => n.cmp(m),
                (Item::Int(_), Some(_)) => Ordering::Greater,
                (Item::Str(s), None) => comparable_qualifier(s).as_ref().cmp("5"),
                (Item::Str(s), Some(Item::Str(t))) => {
                    comparable_qualifier(s).cmp(&comparable_qualifier(t))
                }
                (Item::Str(_), Some(_)) => Ordering::Less,
                (Item::List(items), None) => items
                    .iter()
                    .map(|i| i.cmp_item(None))
                    .find(|o| *o != Ordering::Equal)
                    .unwrap_or(Ordering::Equal),
                (Item::List(_), Some(Item::Int(_))) => Ordering::Less,
                (Item::List(_), Some(Item::Str(_))) => Ordering::Greater,
                (Item::List(items), Some(Item::List(others))) => {
                    for k in 0..items.len().max(others.len()) {
                        let r = match (items.get(k), others.get(k)) {
                            (None, None) => Ordering::Equal,
                            (None, Some(r)) => r.cmp_item(None).reverse(),
                            (Some(l), r) => l.cmp_item(r),
                        };
                        if r != Ordering::Equal {
                            return r;
                        }
                    }
                    Ordering::Equal
                }
            }
        }
    }

    fn normalize(list: &mut Vec<Item>) {
        let mut i = list.len();
        while i > 0 {
            i -= 1;
            match list.get(i) {
                Some(it) if it.is_null() => {
                    list.remove(i);
                }
                Some(Item::List(_)) => {}
                _ => break,
            }
        }
    }

    fn parse_item(is_digit: bool, buf: &str) -> Item {
        if is_digit {
            Item::Int(Num::from_digits(buf.as_bytes()))
        } else {
            string_item(buf, false)
        }
    }

    fn parse_items(version: &str) -> Vec<Item> {
        let lower = version.to_lowercase();
        let cs: Vec<(usize, char)> = lower.char_indices().collect();
        let n = cs.len();
        let byte_at = |k: usize| cs.get(k).map_or(lower.len(), |x| x.0);
        let sub = |a: usize, b: usize| lower.get(byte_at(a)..byte_at(b)).unwrap_or_default();
        let mut stack: Vec<Vec<Item>> = vec![Vec::new()];
        let push = |stack: &mut Vec<Vec<Item>>, it: Item| {
            if let Some(cur) = stack.last_mut() {
                cur.push(it);
            }
        };
        let mut is_digit = false;
        let mut start = 0usize;
        for i in 0..n {
            let c = cs.get(i).map_or('\0', |x| x.1);
            if c == '.' || c == '-' {
                let item = if i == start {
                    Item::Int(Num::ZERO)
                } else {
                    parse_item(is_digit, sub(start, i))
                };
                push(&mut stack, item);
                start = i + 1;
                if c == '-' {
                    stack.push(Vec::new());
                }
            } else if c.is_ascii_digit() {
                if !is_digit && i > start {
                    push(&mut stack, string_item(sub(start, i), true));
                    start = i;
                    stack.push(Vec::new());
                }
                is_digit = true;
            } else {
                if is_digit && i > start {
                    push(&mut stack, parse_item(true, sub(start, i)));
                    start = i;
                    stack.push(Vec::new());
                }
                is_digit = false;
            }
        }
        if n > start {
            push(&mut stack, parse_item(is_digit, sub(start, n)));
        }
        while let Some(mut top) = stack.pop() {
            normalize(&mut top);
            match stack.last_mut() {
                Some(parent) => parent.push(Item::List(top)),
                None => return top,
            }
        }
        Vec::new()
    }

    /// A Maven version ordered like maven-artifact 3.8.6.
    #[derive(Clone, Debug)]
    pub struct Version {
        text: Box<str>,
        items: Item,
    }

    impl Version {
        /// Parses any string of at most 256 characters.
        pub fn parse(input: &str) -> Result<Self, VersionError> {
            if input.chars().count() > MAX_LEN {
                return Err(VersionError::invalid(
                    Scheme::Maven,
                    input,
                    "longer than 256 characters",
                ));
            }
            Ok(Version {
                text: input.into(),
                items: Item::List(parse_items(input)),
            })
        }
    }

    impl Ord for Version {
        fn cmp(&self, other: &Self) -> Ordering {
            self.items.cmp_item(Some(&other.items))
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
        fn maven38_differs_on_dot_qualifiers() {
            let v = |s: &str| Version::parse(s).unwrap();
            assert!(v("2.9.0-1") < v("2.9.0.RC1"));
            assert!(
                super::super::Version::parse("2.9.0-1").unwrap()
                    > super::super::Version::parse("2.9.0.RC1").unwrap()
            );
            assert!(v("1-alpha") < v("1"));
        }
    }
}
