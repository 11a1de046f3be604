//! CVSS base scores from vector strings.
//!
//! Implemented: CVSS v3.0 and v3.1 (FIRST specification §7 formulas, including the 3.1
//! `Roundup` definition and the 3.0 ceiling rounding), CVSS v2 (NVD base equation) and
//! CVSS v4.0 (MacroVector lookup and interpolation, in [`crate::cvss4`]).

/// CVSS version of a vector.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CvssVersion {
    /// v2 (no prefix).
    V2,
    /// `CVSS:3.0/`.
    V3_0,
    /// `CVSS:3.1/`.
    V3_1,
    /// `CVSS:4.0/`.
    V4_0,
}

/// Qualitative rating of a score (FIRST v3 scale: None 0, Low 0.1–3.9, Medium 4.0–6.9,
/// High 7.0–8.9, Critical 9.0–10.0; v2 per NVD: Low <4, Medium <7, High ≥7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum CvssRating {
    /// 0.0.
    None,
    /// Low.
    Low,
    /// Medium.
    Medium,
    /// High.
    High,
    /// Critical.
    Critical,
}

/// Detects the version of a vector string.
pub fn version_of(vector: &str) -> Option<CvssVersion> {
    let v = vector.trim();
    if v.starts_with("CVSS:3.1/") {
        Some(CvssVersion::V3_1)
    } else if v.starts_with("CVSS:3.0/") {
        Some(CvssVersion::V3_0)
    } else if v.starts_with("CVSS:4.0/") {
        Some(CvssVersion::V4_0)
    } else if v.contains("AV:") && v.contains("Au:") {
        Some(CvssVersion::V2)
    } else {
        None
    }
}

/// Score of a v2, v3.x or v4.0 vector; `None` for malformed vectors. For v4.0 this is the
/// score of the metrics present (CVSS-B, -BT, -BE or -BTE, see [`crate::cvss4`]).
pub fn base_score(vector: &str) -> Option<f64> {
    match version_of(vector)? {
        CvssVersion::V3_0 => v3_score(vector, false),
        CvssVersion::V3_1 => v3_score(vector, true),
        CvssVersion::V2 => v2_score(vector),
        CvssVersion::V4_0 => crate::cvss4::score(vector),
    }
}

// The rating scale belongs to this module; cvss4 only computes scores and does not import it.
impl crate::cvss4::Cvss4 {
    /// Qualitative rating of [`Cvss4::score`](crate::cvss4::Cvss4::score).
    pub fn rating(&self) -> CvssRating {
        rating(CvssVersion::V4_0, self.score())
    }
}

/// Rating of a score for the given version.
pub fn rating(version: CvssVersion, score: f64) -> CvssRating {
    if version == CvssVersion::V2 {
        return if score < 4.0 {
            CvssRating::Low
        } else if score < 7.0 {
            CvssRating::Medium
        } else {
            CvssRating::High
        };
    }
    if score <= 0.0 {
        CvssRating::None
    } else if score < 4.0 {
        CvssRating::Low
    } else if score < 7.0 {
        CvssRating::Medium
    } else if score < 9.0 {
        CvssRating::High
    } else {
        CvssRating::Critical
    }
}

/// Parses `K:V/K:V` after the optional `CVSS:x.y/` prefix. Duplicate keys make it invalid.
fn metrics(vector: &str) -> Option<Vec<(&str, &str)>> {
    let body = vector
        .trim()
        .strip_prefix("CVSS:3.1/")
        .or_else(|| vector.trim().strip_prefix("CVSS:3.0/"))
        .unwrap_or(vector.trim());
    let body = body.strip_prefix('(').unwrap_or(body);
    let body = body.strip_suffix(')').unwrap_or(body);
    let mut out: Vec<(&str, &str)> = Vec::new();
    for part in body.split('/') {
        let (k, v) = part.split_once(':')?;
        if out.iter().any(|(ek, _)| *ek == k) {
            return None;
        }
        out.push((k, v));
    }
    Some(out)
}

fn get<'a>(m: &[(&'a str, &'a str)], key: &str) -> Option<&'a str> {
    m.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
}

/// CVSS 3.1 `Roundup`: smallest number with one decimal ≥ input, computed on integers to
/// avoid floating-point artefacts.
fn roundup_31(x: f64) -> f64 {
    let int_input = (x * 100_000.0).round() as i64;
    if int_input % 10_000 == 0 {
        int_input as f64 / 100_000.0
    } else {
        ((int_input / 10_000) + 1) as f64 / 10.0
    }
}

fn roundup_30(x: f64) -> f64 {
    (x * 10.0).ceil() / 10.0
}

#[allow(clippy::many_single_char_names)] // the specification's metric names
fn v3_score(vector: &str, is_31: bool) -> Option<f64> {
    let m = metrics(vector)?;
    let scope_changed = match get(&m, "S")? {
        "U" => false,
        "C" => true,
        _ => return None,
    };
    let av = match get(&m, "AV")? {
        "N" => 0.85,
        "A" => 0.62,
        "L" => 0.55,
        "P" => 0.2,
        _ => return None,
    };
    let ac = match get(&m, "AC")? {
        "L" => 0.77,
        "H" => 0.44,
        _ => return None,
    };
    let pr = match (get(&m, "PR")?, scope_changed) {
        ("N", _) => 0.85,
        ("L", false) => 0.62,
        ("L", true) => 0.68,
        ("H", false) => 0.27,
        ("H", true) => 0.5,
        _ => return None,
    };
    let ui = match get(&m, "UI")? {
        "N" => 0.85,
        "R" => 0.62,
        _ => return None,
    };
    let cia = |k: &str| -> Option<f64> {
        match get(&m, k)? {
            "H" => Some(0.56),
            "L" => Some(0.22),
            "N" => Some(0.0),
            _ => None,
        }
    };
    let (c, i, a) = (cia("C")?, cia("I")?, cia("A")?);
    let iss = 1.0 - ((1.0 - c) * (1.0 - i) * (1.0 - a));
    let impact = if scope_changed {
        7.52 * (iss - 0.029) - 3.25 * (iss - 0.02).powi(15)
    } else {
        6.42 * iss
    };
    let exploitability = 8.22 * av * ac * pr * ui;
    if impact <= 0.0 {
        return Some(0.0);
    }
    let raw = if scope_changed {
        (1.08 * (impact + exploitability)).min(10.0)
    } else {
        (impact + exploitability).min(10.0)
    };
    Some(if is_31 {
        roundup_31(raw)
    } else {
        roundup_30(raw)
    })
}

#[allow(clippy::many_single_char_names)] // the specification's metric names
fn v2_score(vector: &str) -> Option<f64> {
    let m = metrics(vector)?;
    let av = match get(&m, "AV")? {
        "L" => 0.395,
        "A" => 0.646,
        "N" => 1.0,
        _ => return None,
    };
    let ac = match get(&m, "AC")? {
        "H" => 0.35,
        "M" => 0.61,
        "L" => 0.71,
        _ => return None,
    };
    let au = match get(&m, "Au")? {
        "M" => 0.45,
        "S" => 0.56,
        "N" => 0.704,
        _ => return None,
    };
    let cia = |k: &str| -> Option<f64> {
        match get(&m, k)? {
            "N" => Some(0.0),
            "P" => Some(0.275),
            "C" => Some(0.660),
            _ => None,
        }
    };
    let (c, i, a) = (cia("C")?, cia("I")?, cia("A")?);
    let impact = 10.41 * (1.0 - (1.0 - c) * (1.0 - i) * (1.0 - a));
    let exploitability = 20.0 * av * ac * au;
    let f = if impact == 0.0 { 0.0 } else { 1.176 };
    let raw = ((0.6 * impact) + (0.4 * exploitability) - 1.5) * f;
    Some((raw * 10.0).round() / 10.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    // Expected scores are from the NVD/FIRST calculators for well-known CVEs.
    #[test]
    fn v31_known_vectors() {
        // CVE-2021-44228 (Log4Shell): 10.0
        assert_eq!(
            base_score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H"),
            Some(10.0)
        );
        // Typical network RCE: 9.8
        assert_eq!(
            base_score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"),
            Some(9.8)
        );
        // DoS only: 7.5
        assert_eq!(
            base_score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H"),
            Some(7.5)
        );
        // Reflected XSS: 6.1
        assert_eq!(
            base_score("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N"),
            Some(6.1)
        );
        // UBUNTU-CVE-2021-3782's vector: NVD lists 6.6.
        assert_eq!(
            base_score("CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:L/I:L/A:H"),
            Some(6.6)
        );
        // No impact: 0.0
        assert_eq!(
            base_score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N"),
            Some(0.0)
        );
        // Scope changed with PR:L: CVE-2019-5736-like vector 8.6 (AV:L/AC:L/PR:N/UI:R/S:C/C:H/I:H/A:H)
        assert_eq!(
            base_score("CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:C/C:H/I:H/A:H"),
            Some(8.6)
        );
        // 3.0 prefix uses the same equations for these values.
        assert_eq!(
            base_score("CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N"),
            Some(5.9)
        );
    }

    #[test]
    fn v2_known_vectors() {
        // Heartbleed CVE-2014-0160: 5.0
        assert_eq!(base_score("AV:N/AC:L/Au:N/C:P/I:N/A:N"), Some(5.0));
        // Shellshock CVE-2014-6271: 10.0
        assert_eq!(base_score("AV:N/AC:L/Au:N/C:C/I:C/A:C"), Some(10.0));
        // 7.5
        assert_eq!(base_score("AV:N/AC:L/Au:N/C:P/I:P/A:P"), Some(7.5));
    }

    #[test]
    fn malformed_and_v4() {
        assert_eq!(base_score("CVSS:3.1/AV:X/AC:L"), None);
        assert_eq!(base_score("CVSS:3.1/AV:N/AV:N"), None);
        assert_eq!(base_score(""), None);
        // v4.0: FIRST's calculator gives 9.3.
        assert_eq!(
            base_score("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"),
            Some(9.3)
        );
        assert_eq!(base_score("CVSS:4.0/AV:N/AC:L/AT:N"), None);
    }

    #[test]
    fn ratings() {
        assert_eq!(rating(CvssVersion::V3_1, 9.8), CvssRating::Critical);
        assert_eq!(rating(CvssVersion::V3_1, 7.0), CvssRating::High);
        assert_eq!(rating(CvssVersion::V3_1, 6.9), CvssRating::Medium);
        assert_eq!(rating(CvssVersion::V3_1, 0.1), CvssRating::Low);
        assert_eq!(rating(CvssVersion::V3_1, 0.0), CvssRating::None);
        assert_eq!(rating(CvssVersion::V2, 10.0), CvssRating::High);
    }
}
