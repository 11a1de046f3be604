//! Value checks for the `label-schema` types (DL3052–DL3058).

/// An absolute URI per RFC 3986 (scheme, `:`, then only URI characters with valid
/// percent-escapes), like Haskell's `Network.URI.parseURI`.
pub(crate) fn is_uri(v: &str) -> bool {
    let Some((scheme, rest)) = v.split_once(':') else {
        return false;
    };
    let mut sc = scheme.chars();
    if !sc.next().is_some_and(|c| c.is_ascii_alphabetic())
        || !sc.all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    {
        return false;
    }
    let bytes = rest.as_bytes();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hex = |j: usize| bytes.get(j).is_some_and(u8::is_ascii_hexdigit);
            if !(hex(i + 1) && hex(i + 2)) {
                return false;
            }
            i += 3;
            continue;
        }
        if !(b.is_ascii_alphanumeric() || b"-._~:/?#[]@!$&'()*+,;=".contains(&b)) {
            return false;
        }
        i += 1;
    }
    true
}

fn digits(s: &str, n: usize) -> Option<u32> {
    (s.len() == n && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

#[allow(clippy::many_single_char_names)] // y/m/d/h/s are the clearest names here
/// An RFC 3339 timestamp: `YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)`.
pub(crate) fn is_rfc3339(v: &str) -> bool {
    let Some((date, time)) = v.split_once(['T', 't', ' ']) else {
        return false;
    };
    let d: Vec<&str> = date.split('-').collect();
    let [y, m, day] = d.as_slice() else {
        return false;
    };
    let (Some(_), Some(m), Some(day)) = (digits(y, 4), digits(m, 2), digits(day, 2)) else {
        return false;
    };
    if !(1..=12).contains(&m) || !(1..=31).contains(&day) {
        return false;
    }
    let (clock, offset) = if let Some(c) = time.strip_suffix(['Z', 'z']) {
        (c, None)
    } else if let Some(i) = time.rfind(['+', '-']) {
        (time.get(..i).unwrap_or(""), time.get(i + 1..))
    } else {
        return false;
    };
    if let Some(off) = offset {
        let Some((h, mi)) = off.split_once(':') else {
            return false;
        };
        match (digits(h, 2), digits(mi, 2)) {
            (Some(h), Some(mi)) if h < 24 && mi < 60 => {}
            _ => return false,
        }
    }
    let (hms, frac) = match clock.split_once('.') {
        Some((a, f)) => (a, Some(f)),
        None => (clock, None),
    };
    if frac.is_some_and(|f| f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit())) {
        return false;
    }
    let t: Vec<&str> = hms.split(':').collect();
    let [h, mi, s] = t.as_slice() else {
        return false;
    };
    matches!(
        (digits(h, 2), digits(mi, 2), digits(s, 2)),
        (Some(h), Some(mi), Some(s)) if h < 24 && mi < 60 && s <= 60
    )
}

fn numeric_id(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) && (s == "0" || !s.starts_with('0'))
}

fn ident(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// A semantic version 2.0.0 string (`1.2.3`, `1.2.3-rc.1+build.5`).
pub(crate) fn is_semver(v: &str) -> bool {
    let (rest, build) = match v.split_once('+') {
        Some((r, b)) => (r, Some(b)),
        None => (v, None),
    };
    if build.is_some_and(|b| !b.split('.').all(ident)) {
        return false;
    }
    let (core, pre) = match rest.split_once('-') {
        Some((c, p)) => (c, Some(p)),
        None => (rest, None),
    };
    if pre.is_some_and(|p| {
        !p.split('.')
            .all(|id| ident(id) && (!id.bytes().all(|b| b.is_ascii_digit()) || numeric_id(id)))
    }) {
        return false;
    }
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() == 3 && parts.iter().all(|p| numeric_id(p))
}

/// An RFC 5322 `addr-spec` (dot-atom or quoted local part, dot-atom or literal domain).
pub(crate) fn is_email(v: &str) -> bool {
    let Some(at) = v.rfind('@') else {
        return false;
    };
    let (local, domain) = (v.get(..at).unwrap_or(""), v.get(at + 1..).unwrap_or(""));
    let atext = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~".contains(c);
    let dot_atom =
        |s: &str| !s.is_empty() && s.split('.').all(|p| !p.is_empty() && p.chars().all(atext));
    let local_ok = dot_atom(local)
        || (local.len() >= 2 && local.starts_with('"') && local.ends_with('"') && local.is_ascii());
    let domain_ok =
        dot_atom(domain) || (domain.starts_with('[') && domain.ends_with(']') && domain.is_ascii());
    local_ok && domain_ok
}

/// Common SPDX license identifiers (the full list has several hundred entries; this covers the
/// licenses seen in container images). Matching is exact, as in Cabal's `LicenseId` parser.
const SPDX: &[&str] = &[
    "0BSD",
    "AFL-3.0",
    "AGPL-1.0",
    "AGPL-3.0",
    "AGPL-3.0-only",
    "AGPL-3.0-or-later",
    "Apache-1.0",
    "Apache-1.1",
    "Apache-2.0",
    "APSL-2.0",
    "Artistic-1.0",
    "Artistic-2.0",
    "BlueOak-1.0.0",
    "BSD-1-Clause",
    "BSD-2-Clause",
    "BSD-2-Clause-Patent",
    "BSD-3-Clause",
    "BSD-3-Clause-Clear",
    "BSD-4-Clause",
    "BSL-1.0",
    "BUSL-1.1",
    "CC-BY-3.0",
    "CC-BY-4.0",
    "CC-BY-SA-3.0",
    "CC-BY-SA-4.0",
    "CC-BY-NC-4.0",
    "CC0-1.0",
    "CDDL-1.0",
    "CDDL-1.1",
    "CECILL-2.1",
    "CPL-1.0",
    "ECL-2.0",
    "EFL-2.0",
    "EPL-1.0",
    "EPL-2.0",
    "EUPL-1.1",
    "EUPL-1.2",
    "GFDL-1.3",
    "GFDL-1.3-only",
    "GFDL-1.3-or-later",
    "GPL-1.0",
    "GPL-2.0",
    "GPL-2.0-only",
    "GPL-2.0-or-later",
    "GPL-3.0",
    "GPL-3.0-only",
    "GPL-3.0-or-later",
    "HPND",
    "ICU",
    "IJG",
    "ISC",
    "LGPL-2.0",
    "LGPL-2.0-only",
    "LGPL-2.0-or-later",
    "LGPL-2.1",
    "LGPL-2.1-only",
    "LGPL-2.1-or-later",
    "LGPL-3.0",
    "LGPL-3.0-only",
    "LGPL-3.0-or-later",
    "LPL-1.02",
    "MirOS",
    "MIT",
    "MIT-0",
    "MPL-1.0",
    "MPL-1.1",
    "MPL-2.0",
    "MPL-2.0-no-copyleft-exception",
    "MS-PL",
    "MS-RL",
    "MulanPSL-2.0",
    "NCSA",
    "ODbL-1.0",
    "OFL-1.1",
    "OpenSSL",
    "OSL-3.0",
    "PHP-3.0",
    "PHP-3.01",
    "PostgreSQL",
    "PSF-2.0",
    "Python-2.0",
    "Ruby",
    "SSPL-1.0",
    "Unicode-DFS-2016",
    "Unlicense",
    "UPL-1.0",
    "Vim",
    "W3C",
    "WTFPL",
    "X11",
    "Zlib",
    "ZPL-2.0",
    "ZPL-2.1",
];

/// A known SPDX license identifier.
pub(crate) fn is_spdx(v: &str) -> bool {
    SPDX.contains(&v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uri() {
        assert!(is_uri("https://github.com/x/y?a=1#f"));
        assert!(is_uri("mailto:a@b.c"));
        assert!(!is_uri("github.com/x"));
        assert!(!is_uri("https://x y"));
        assert!(!is_uri("https://x/%zz"));
    }

    #[test]
    fn rfc3339() {
        assert!(is_rfc3339("2024-03-01T12:00:00Z"));
        assert!(is_rfc3339("2024-03-01T12:00:00.123+02:00"));
        assert!(!is_rfc3339("2024-03-01"));
        assert!(!is_rfc3339("2024-13-01T12:00:00Z"));
        assert!(!is_rfc3339("yesterday"));
    }

    #[test]
    fn semver() {
        assert!(is_semver("1.0.0"));
        assert!(is_semver("1.2.3-rc.1+build.5"));
        assert!(!is_semver("v1"));
        assert!(!is_semver("1.02.3"));
        assert!(!is_semver("1.2"));
    }

    #[test]
    fn email_and_spdx() {
        assert!(is_email("someone@example.com"));
        assert!(!is_email("someone"));
        assert!(!is_email("a@@b"));
        assert!(is_spdx("Apache-2.0") && !is_spdx("Apache 2"));
    }
}
