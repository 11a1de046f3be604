//! Exact, allocation-light arithmetic on decimal digit strings.
//!
//! Version numbers are unbounded in every ecosystem we support (osv-scalibr's
//! fixtures compare 30-digit components), so comparisons never go through a
//! fixed-width integer that could overflow: small values are kept as `u64`,
//! anything larger keeps its normalised digits.

use std::cmp::Ordering;
use std::fmt;

/// Compares two ASCII digit strings numerically, ignoring leading zeros.
/// An empty string counts as zero.
pub(crate) fn cmp_decimal(a: &[u8], b: &[u8]) -> Ordering {
    // Up to 19 digits always fit in a u64: compare values directly.
    if a.len() <= 19 && b.len() <= 19 {
        let val = |s: &[u8]| {
            s.iter().fold(0u64, |v, &c| {
                v.wrapping_mul(10)
                    .wrapping_add(u64::from(c.wrapping_sub(b'0')))
            })
        };
        return val(a).cmp(&val(b));
    }
    let a = strip_zeros(a);
    let b = strip_zeros(b);
    match a.len().cmp(&b.len()) {
        Ordering::Equal if a.is_empty() => Ordering::Equal,
        Ordering::Equal => a.cmp(b),
        o => o,
    }
}

fn strip_zeros(s: &[u8]) -> &[u8] {
    let n = s.iter().take_while(|&&c| c == b'0').count();
    s.get(n..).unwrap_or_default()
}

/// An unbounded non-negative integer parsed from ASCII digits.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Num {
    /// Fits in a `u64`.
    Small(u64),
    /// Larger than `u64::MAX`: the digits without leading zeros.
    Big(Box<str>),
}

impl Num {
    /// Zero.
    pub const ZERO: Num = Num::Small(0);

    /// Parses a run of ASCII digits (the caller guarantees only digits; an
    /// empty run is zero). Non-digit bytes are ignored rather than panicking.
    pub fn from_digits(digits: &[u8]) -> Num {
        let mut v: u64 = 0;
        for &c in digits {
            if !c.is_ascii_digit() {
                continue;
            }
            if let Some(n) = v
                .checked_mul(10)
                .and_then(|x| x.checked_add(u64::from(c - b'0')))
            {
                v = n;
            } else {
                {
                    let s: String = strip_zeros(digits)
                        .iter()
                        .filter(|c| c.is_ascii_digit())
                        .map(|&c| char::from(c))
                        .collect();
                    return Num::Big(s.into_boxed_str());
                }
            }
        }
        Num::Small(v)
    }

    /// True for the value zero.
    pub fn is_zero(&self) -> bool {
        matches!(self, Num::Small(0))
    }

    /// The value as `u64` when it fits.
    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Num::Small(v) => Some(*v),
            Num::Big(_) => None,
        }
    }
}

impl From<u64> for Num {
    fn from(v: u64) -> Self {
        Num::Small(v)
    }
}

impl Ord for Num {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (Num::Small(a), Num::Small(b)) => a.cmp(b),
            (Num::Small(_), Num::Big(_)) => Ordering::Less,
            (Num::Big(_), Num::Small(_)) => Ordering::Greater,
            (Num::Big(a), Num::Big(b)) => cmp_decimal(a.as_bytes(), b.as_bytes()),
        }
    }
}

impl PartialOrd for Num {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Num {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Num::Small(v) => write!(f, "{v}"),
            Num::Big(s) => f.write_str(s),
        }
    }
}

/// Length of the leading run of ASCII digits.
pub(crate) fn digit_run(s: &[u8]) -> usize {
    s.iter().take_while(|c| c.is_ascii_digit()).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_compare_ignores_leading_zeros() {
        assert_eq!(cmp_decimal(b"0010", b"10"), Ordering::Equal);
        assert_eq!(cmp_decimal(b"", b"0"), Ordering::Equal);
        assert_eq!(cmp_decimal(b"9", b"10"), Ordering::Less);
    }

    #[test]
    fn big_numbers_order_exactly() {
        let a = Num::from_digits(b"999999999999999999999999999991");
        let b = Num::from_digits(b"999999999999999999999999999999");
        assert!(matches!(a, Num::Big(_)));
        assert!(a < b);
        assert!(Num::from_digits(b"18446744073709551615") < a);
        assert_eq!(Num::from_digits(b"000"), Num::ZERO);
    }
}
