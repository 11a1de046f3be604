//! Redaction: the only form in which a matched secret leaves this crate.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Most leading characters kept in clear.
const KEEP_LEADING: usize = 4;
/// Most trailing characters kept in clear.
const KEEP_TRAILING: usize = 2;
/// Most `*` written, so a 3 KiB private key does not become 3 KiB of stars.
const MAX_STARS: usize = 32;

/// A secret with its middle masked, e.g. `AKIA**************LE`.
///
/// It is built from the raw secret by [`Redacted::new`] and never keeps the raw value, so
/// `Debug`, `Display` and serialisation are all safe to print. At most 4 leading and 2
/// trailing characters stay in clear, and never more than a quarter (leading) and an eighth
/// (trailing) of the secret, so short passwords reveal almost nothing. Stars stand for the
/// hidden characters one for one up to 32.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Redacted(String);

impl Redacted {
    /// Masks `secret` (raw bytes; invalid UTF-8 is replaced before masking).
    #[must_use]
    pub fn new(secret: &[u8]) -> Self {
        let text = String::from_utf8_lossy(secret);
        let chars: Vec<char> = text.chars().filter(|c| !c.is_control()).collect();
        let n = chars.len();
        let lead = KEEP_LEADING.min(n / 4);
        let trail = KEEP_TRAILING.min(n / 8);
        let hidden = n - lead - trail;
        let mut out = String::with_capacity(lead + trail + hidden.min(MAX_STARS) + 8);
        out.extend(&chars[..lead]);
        out.extend(std::iter::repeat_n('*', hidden.clamp(1, MAX_STARS)));
        out.extend(&chars[n - trail..]);
        Self(out)
    }

    /// The masked text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Redacted({:?})", self.0)
    }
}

impl fmt::Display for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_at_most_four_leading_and_two_trailing() {
        let key = format!("AKIA{}", "Q7ZL3MXR2VTB5NCW");
        let r = Redacted::new(key.as_bytes());
        assert_eq!(r.as_str(), "AKIA**************CW");
        assert!(!r.as_str().contains("Q7ZL"));
    }

    #[test]
    fn short_values_reveal_little() {
        assert_eq!(Redacted::new(b"hunter22").as_str(), "hu*****2");
        assert_eq!(Redacted::new(b"abc").as_str(), "***");
        assert_eq!(Redacted::new(b"").as_str(), "*");
    }

    #[test]
    fn long_values_are_capped_and_debug_is_masked() {
        let long = "A".repeat(3000);
        let r = Redacted::new(long.as_bytes());
        assert_eq!(r.as_str().len(), 4 + 32 + 2);
        assert!(!format!("{r:?}").contains(&"A".repeat(5)));
    }
}
