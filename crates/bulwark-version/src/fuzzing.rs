//! Bodies of the cargo-fuzz targets (`crates/bulwark-version/fuzz`), kept in
//! the library so the crate's own arbitrary-bytes property tests run exactly
//! the same code on stable Rust. Each function must never panic.

use std::cmp::Ordering;

use crate::{Scheme, apk, npm, osv, pep440, rubygems};

/// Parses `data` (lossy UTF-8) under `scheme`; when it parses, checks that
/// the version equals itself and that its display form re-parses to an
/// equal version.
pub fn parse_version(scheme: Scheme, data: &[u8]) {
    let s = String::from_utf8_lossy(data);
    let Ok(v) = scheme.parse(&s) else { return };
    assert_eq!(
        v.try_cmp(&v),
        Ok(Ordering::Equal),
        "{scheme}: {s:?} not equal to itself"
    );
    let shown = v.to_string();
    if let Ok(w) = scheme.parse(&shown) {
        assert_eq!(
            v.try_cmp(&w),
            Ok(Ordering::Equal),
            "{scheme}: {s:?} displays as {shown:?}, which differs"
        );
    }
}

/// Splits `data` at the first NUL into two strings and compares them under
/// `scheme`, checking antisymmetry.
pub fn compare_pair(scheme: Scheme, data: &[u8]) {
    let s = String::from_utf8_lossy(data);
    let (a, b) = s.split_once('\0').unwrap_or((&s, ""));
    let (Ok(x), Ok(y)) = (scheme.parse(a), scheme.parse(b)) else {
        return;
    };
    let (Ok(o1), Ok(o2)) = (x.try_cmp(&y), y.try_cmp(&x)) else {
        return;
    };
    assert_eq!(
        o1,
        o2.reverse(),
        "{scheme}: {a:?} vs {b:?} not antisymmetric"
    );
}

/// Parses range syntaxes: npm ranges (both option sets), PEP 440 specifier
/// sets, RubyGems requirements and apk operators, and evaluates them
/// against a version taken from the part after the first NUL.
pub fn parse_ranges(data: &[u8]) {
    let s = String::from_utf8_lossy(data);
    let (range, version) = s.split_once('\0').unwrap_or((&s, "1.0.0"));
    for loose in [false, true] {
        for include_prerelease in [false, true] {
            let opts = npm::Options {
                loose,
                include_prerelease,
            };
            if let (Ok(r), Ok(v)) = (
                npm::Range::parse(range, opts),
                npm::Version::parse_with(version, opts),
            ) {
                let _ = r.test(&v);
            }
        }
    }
    if let (Ok(set), Ok(v)) = (
        pep440::SpecifierSet::parse(range),
        pep440::Version::parse(version),
    ) {
        let _ = set.contains(&v, true);
        let _ = set.contains(&v, false);
    }
    if let (Ok(req), Ok(v)) = (
        rubygems::Requirement::parse(range),
        rubygems::Version::parse(version),
    ) {
        let _ = req.satisfied_by(&v);
    }
    if let (Ok(op), Ok(a), Ok(b)) = (
        apk::Op::parse(range),
        apk::Version::parse(version),
        apk::Version::parse(range),
    ) {
        let _ = apk::matches(&a, op, &b);
    }
}

/// Builds OSV events from NUL-separated fields (`i`/`f`/`l`/`m` prefix picks
/// the event kind) and evaluates the range for every scheme.
pub fn osv_range(data: &[u8]) {
    let s = String::from_utf8_lossy(data);
    let mut parts = s.split('\0');
    let version = parts.next().unwrap_or_default();
    let events: Vec<osv::Event> = parts
        .filter_map(|p| {
            let mut cs = p.chars();
            let kind = cs.next()?;
            let v = cs.as_str().to_string();
            Some(match kind {
                'i' => osv::Event::introduced(v),
                'f' => osv::Event::fixed(v),
                'l' => osv::Event::last_affected(v),
                _ => osv::Event::limit(v),
            })
        })
        .collect();
    for scheme in Scheme::ALL {
        for kind in [
            osv::RangeKind::Ecosystem,
            osv::RangeKind::Semver,
            osv::RangeKind::Git,
        ] {
            if let Ok(r) = osv::CompiledRange::compile(scheme, kind, &events) {
                let _ = r.contains_str(version);
            }
        }
        let ranges = [osv::Range {
            kind: osv::RangeKind::Ecosystem,
            events: events.clone(),
        }];
        let _ = osv::is_affected(scheme, version, &ranges, &[version.to_string()]);
    }
}
