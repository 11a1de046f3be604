//! OSV range evaluation, exactly as the OSV schema's "Evaluation" section:
//!
//! ```text
//! IncludedInRanges(v, ranges):
//!   for range in ranges:
//!     if BeforeLimits(v, range):
//!       vulnerable = false
//!       for evt in sorted(range.events):
//!         if evt.introduced and v >= evt.introduced: vulnerable = true
//!         elif evt.fixed and v >= evt.fixed: vulnerable = false
//!         elif evt.last_affected and v > evt.last_affected: vulnerable = false
//!       if vulnerable: return true
//! BeforeLimits: true without limit events, else v < some limit ("*" = infinity)
//! ```
//!
//! `introduced: "0"` sorts before every version. `SEMVER` ranges always use
//! SemVer 2.0 precedence (so tricks such as `introduced: "1.16.0-0"` work),
//! whatever the package ecosystem; `ECOSYSTEM` ranges use the ecosystem's
//! scheme; `GIT` ranges never match a version (they need a commit graph).
//! Events are sorted stably, so events at equal versions keep their order.

use std::cmp::Ordering;

use crate::any::AnyVersion;
use crate::error::VersionError;
use crate::scheme::Scheme;

/// `affected[].ranges[].type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RangeKind {
    /// `SEMVER`
    Semver,
    /// `ECOSYSTEM`
    Ecosystem,
    /// `GIT`
    Git,
}

impl RangeKind {
    /// Parses the OSV `type` string.
    pub fn from_osv(s: &str) -> Option<RangeKind> {
        match s {
            "SEMVER" => Some(RangeKind::Semver),
            "ECOSYSTEM" => Some(RangeKind::Ecosystem),
            "GIT" => Some(RangeKind::Git),
            _ => None,
        }
    }
}

/// The scheme to evaluate a range of `kind` for a package of OSV
/// `ecosystem`: `SEMVER` ranges always use SemVer 2.0 (even for ecosystems
/// without a known ordering, e.g. `GitHub Actions`), `ECOSYSTEM` ranges the
/// ecosystem's own scheme, and `GIT` ranges none (they need a commit graph).
pub fn scheme_for_range(ecosystem: &str, kind: RangeKind) -> Option<Scheme> {
    match kind {
        RangeKind::Semver => Some(Scheme::SemVer),
        RangeKind::Ecosystem => Scheme::from_osv_ecosystem(ecosystem),
        RangeKind::Git => None,
    }
}

/// Which field an event sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventKind {
    /// `introduced`
    Introduced,
    /// `fixed`
    Fixed,
    /// `last_affected`
    LastAffected,
    /// `limit`
    Limit,
}

/// One OSV range event.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Event {
    /// The event field.
    pub kind: EventKind,
    /// Its version string.
    pub version: String,
}

impl Event {
    /// `{"introduced": v}`
    pub fn introduced(v: impl Into<String>) -> Self {
        Event {
            kind: EventKind::Introduced,
            version: v.into(),
        }
    }
    /// `{"fixed": v}`
    pub fn fixed(v: impl Into<String>) -> Self {
        Event {
            kind: EventKind::Fixed,
            version: v.into(),
        }
    }
    /// `{"last_affected": v}`
    pub fn last_affected(v: impl Into<String>) -> Self {
        Event {
            kind: EventKind::LastAffected,
            version: v.into(),
        }
    }
    /// `{"limit": v}`
    pub fn limit(v: impl Into<String>) -> Self {
        Event {
            kind: EventKind::Limit,
            version: v.into(),
        }
    }
}

/// A bound after parsing: "0" (minus infinity), "*" (plus infinity) or a version.
#[derive(Debug, Clone)]
enum Bound {
    Zero,
    Infinity,
    At(Box<AnyVersion>),
}

impl Bound {
    fn cmp_version(&self, v: &AnyVersion) -> Ordering {
        match self {
            Bound::Zero => Ordering::Less,
            Bound::Infinity => Ordering::Greater,
            Bound::At(b) => b.try_cmp(v).unwrap_or(Ordering::Equal),
        }
    }
    fn cmp_bound(&self, o: &Bound) -> Ordering {
        match (self, o) {
            (Bound::Zero, Bound::Zero) | (Bound::Infinity, Bound::Infinity) => Ordering::Equal,
            (Bound::Zero, _) | (_, Bound::Infinity) => Ordering::Less,
            (_, Bound::Zero) | (Bound::Infinity, _) => Ordering::Greater,
            (Bound::At(a), Bound::At(b)) => a.try_cmp(b).unwrap_or(Ordering::Equal),
        }
    }
}

/// A range with parsed, sorted events, ready for repeated evaluation.
#[derive(Debug, Clone)]
pub struct CompiledRange {
    kind: RangeKind,
    scheme: Scheme,
    events: Vec<(EventKind, Bound)>,
    limits: Vec<Bound>,
}

impl CompiledRange {
    /// Parses and sorts a range's events. `scheme` is the package
    /// ecosystem's scheme; `SEMVER` ranges use [`Scheme::SemVer`] instead.
    pub fn compile(
        scheme: Scheme,
        kind: RangeKind,
        events: &[Event],
    ) -> Result<Self, VersionError> {
        let scheme = if kind == RangeKind::Semver {
            Scheme::SemVer
        } else {
            scheme
        };
        let mut parsed = Vec::with_capacity(events.len());
        let mut limits = Vec::new();
        if kind != RangeKind::Git {
            for e in events {
                let bound = match e.kind {
                    EventKind::Introduced if e.version == "0" => Bound::Zero,
                    EventKind::Limit if e.version.contains('*') => Bound::Infinity,
                    _ => Bound::At(Box::new(scheme.parse(&e.version)?)),
                };
                if e.kind == EventKind::Limit {
                    limits.push(bound);
                } else {
                    parsed.push((e.kind, bound));
                }
            }
            parsed.sort_by(|a, b| a.1.cmp_bound(&b.1));
        }
        Ok(CompiledRange {
            kind,
            scheme,
            events: parsed,
            limits,
        })
    }

    /// The scheme the bounds were parsed with.
    pub fn scheme(&self) -> Scheme {
        self.scheme
    }

    /// Whether `v` lies in this range. A version of another scheme is
    /// re-parsed from its display form under the range's scheme.
    pub fn contains(&self, v: &AnyVersion) -> Result<bool, VersionError> {
        if self.kind == RangeKind::Git {
            return Ok(false);
        }
        if v.scheme() != self.scheme {
            let w = self.scheme.parse(&v.to_string())?;
            return Ok(self.contains_parsed(&w));
        }
        Ok(self.contains_parsed(v))
    }

    /// Parses `version` under the range's scheme and evaluates it.
    pub fn contains_str(&self, version: &str) -> Result<bool, VersionError> {
        if self.kind == RangeKind::Git {
            return Ok(false);
        }
        Ok(self.contains_parsed(&self.scheme.parse(version)?))
    }

    fn contains_parsed(&self, v: &AnyVersion) -> bool {
        if !self.limits.is_empty()
            && !self
                .limits
                .iter()
                .any(|l| l.cmp_version(v) == Ordering::Greater)
        {
            return false;
        }
        let mut vulnerable = false;
        for (kind, bound) in &self.events {
            let ord = bound.cmp_version(v); // bound vs v
            match kind {
                EventKind::Introduced if ord != Ordering::Greater => vulnerable = true,
                EventKind::Fixed if ord != Ordering::Greater => vulnerable = false,
                EventKind::LastAffected if ord == Ordering::Less => vulnerable = false,
                _ => {}
            }
        }
        vulnerable
    }
}

/// An `affected[].ranges[]` entry.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Range {
    /// `type`
    pub kind: RangeKind,
    /// `events`
    pub events: Vec<Event>,
}

/// OSV `IsVulnerable` for one `affected[]` entry: `version` (a string of the
/// ecosystem's `scheme`) is affected when it equals an entry of `versions`
/// (textually, or comparing equal under the scheme) or lies in any range.
pub fn is_affected(
    scheme: Scheme,
    version: &str,
    ranges: &[Range],
    versions: &[String],
) -> Result<bool, VersionError> {
    if versions.iter().any(|v| v == version) {
        return Ok(true);
    }
    let parsed = scheme.parse(version)?;
    if versions
        .iter()
        .filter_map(|v| scheme.parse(v).ok())
        .any(|v| v.try_cmp(&parsed) == Ok(Ordering::Equal))
    {
        return Ok(true);
    }
    for r in ranges {
        if CompiledRange::compile(scheme, r.kind, &r.events)?.contains(&parsed)? {
            return Ok(true);
        }
    }
    Ok(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eco(scheme: Scheme, events: &[Event], v: &str) -> bool {
        CompiledRange::compile(scheme, RangeKind::Ecosystem, events)
            .unwrap()
            .contains_str(v)
            .unwrap()
    }

    #[test]
    fn range_schemes() {
        assert_eq!(
            scheme_for_range("GitHub Actions", RangeKind::Semver),
            Some(Scheme::SemVer)
        );
        assert_eq!(
            scheme_for_range("GitHub Actions", RangeKind::Ecosystem),
            None
        );
        assert_eq!(
            scheme_for_range("Debian:12", RangeKind::Ecosystem),
            Some(Scheme::Dpkg)
        );
        assert_eq!(scheme_for_range("Debian:12", RangeKind::Git), None);
    }

    #[test]
    fn introduced_fixed() {
        let ev = [Event::introduced("0"), Event::fixed("1.0.2")];
        assert!(eco(Scheme::SemVer, &ev, "0.0.1"));
        assert!(eco(Scheme::SemVer, &ev, "1.0.1"));
        assert!(!eco(Scheme::SemVer, &ev, "1.0.2"));
    }

    #[test]
    fn multiple_ranges_unsorted() {
        let ev = [
            Event::introduced("3.0.0"),
            Event::fixed("3.2.5"),
            Event::fixed("1.0.2"),
            Event::introduced("1.0.0"),
        ];
        assert!(eco(Scheme::SemVer, &ev, "1.0.1"));
        assert!(!eco(Scheme::SemVer, &ev, "2.0.0"));
        assert!(eco(Scheme::SemVer, &ev, "3.1.0"));
        assert!(!eco(Scheme::SemVer, &ev, "0.9.0"));
    }

    #[test]
    fn last_affected_is_inclusive() {
        let ev = [Event::introduced("0"), Event::last_affected("2.1.214")];
        assert!(eco(Scheme::Maven, &ev, "2.1.214"));
        assert!(!eco(Scheme::Maven, &ev, "2.1.215"));
    }

    #[test]
    fn limits() {
        let ev = [Event::introduced("1.0"), Event::limit("1.5")];
        assert!(eco(Scheme::Pep440, &ev, "1.4"));
        assert!(!eco(Scheme::Pep440, &ev, "1.6"));
        let star = [Event::introduced("1.0"), Event::limit("*")];
        assert!(eco(Scheme::Pep440, &star, "99"));
    }

    #[test]
    fn semver_prerelease_trick() {
        let ev = [Event::introduced("1.16.0-0"), Event::fixed("1.16.3")];
        let r = CompiledRange::compile(Scheme::Go, RangeKind::Semver, &ev).unwrap();
        assert!(r.contains_str("1.16.0-rc.1").unwrap());
        assert!(!r.contains_str("1.15.9").unwrap());
        let go = Scheme::Go.parse("v1.16.2").unwrap();
        assert!(r.contains(&go).unwrap());
    }

    #[test]
    fn versions_list_and_git() {
        let ranges = [Range {
            kind: RangeKind::Git,
            events: vec![Event::introduced("abc")],
        }];
        let versions = vec!["1.0-1".to_string()];
        assert!(is_affected(Scheme::Dpkg, "1.0-1", &ranges, &versions).unwrap());
        assert!(is_affected(Scheme::Dpkg, "0:1.0-1", &ranges, &versions).unwrap());
        assert!(!is_affected(Scheme::Dpkg, "1.0-2", &ranges, &versions).unwrap());
    }
}
