//! OSV range evaluation for one installed version: events sorted by version (`introduced: "0"`
//! first), `introduced` opens, `fixed` and `limit` close at the version, `last_affected` closes
//! after it; the `versions` list is an additional exact set. `SEMVER` ranges use SemVer
//! ordering, `ECOSYSTEM` ranges the ecosystem's; `GIT` ranges are counted, not evaluated.

use std::cmp::Ordering;

use bulwark_version::Scheme;

use crate::advisory::{Event, RangeKind};
use crate::versions::{ParsedVersion, VersionScheme};

/// Parse results of the installed version, one per ordering (`None`: no ordering known).
type ParsedBy<'v> = Vec<(Option<Scheme>, Result<ParsedVersion<'v>, String>)>;

/// The installed version, parsed at most once per comparator family (a query compares it
/// under its ecosystem's ordering and, for `SEMVER` ranges, under SemVer).
pub(crate) struct Installed<'v> {
    pub(crate) raw: &'v str,
    scheme: &'v dyn VersionScheme,
    parsed: std::cell::RefCell<ParsedBy<'v>>,
}

impl<'v> Installed<'v> {
    pub(crate) fn new(raw: &'v str, scheme: &'v dyn VersionScheme) -> Self {
        Installed {
            raw,
            scheme,
            parsed: std::cell::RefCell::new(Vec::new()),
        }
    }

    /// Runs `f` with the installed version parsed under `kind`.
    pub(crate) fn with<R>(
        &self,
        kind: Option<Scheme>,
        f: impl FnOnce(&Result<ParsedVersion<'v>, String>) -> R,
    ) -> R {
        let mut cache = self.parsed.borrow_mut();
        let pos = if let Some(pos) = cache.iter().position(|(k, _)| *k == kind) {
            pos
        } else {
            cache.push((kind, self.scheme.parse(kind, self.raw)));
            cache.len() - 1
        };
        match cache.get(pos) {
            Some((_, parsed)) => f(parsed),
            None => f(&Err("internal: parsed-version cache miss".to_owned())),
        }
    }
}

/// An event as (rank, version) — see [`rank`]; shared by stored and borrowed records.
pub(crate) type EventRef<'e> = (u8, &'e str);

pub(crate) fn event_ref(e: &Event) -> EventRef<'_> {
    (rank(e), e.version())
}

/// Result of one range of an `affected[]` entry.
#[derive(Debug)]
pub(crate) enum RangeOutcome {
    /// The version is inside; indexes of the opening `introduced` and closing events.
    Hit {
        semver: bool,
        introduced: Option<usize>,
        closing: Option<usize>,
    },
    /// Outside.
    Miss,
    /// A version did not parse (reason).
    Unparsable(String),
    /// A GIT range (not evaluated, counted).
    Git,
    /// Another range type (not evaluated).
    Skipped,
}

/// Outcomes of the ranges of one `affected[]` entry, and whether the `versions` list
/// names the installed version (only checked when no range matched).
pub(crate) struct AffectedOutcome {
    pub(crate) ranges: Vec<RangeOutcome>,
    pub(crate) listed: bool,
}

/// The matching core shared by the full evaluation (the matcher's `match_advisories`) and the
/// pre-filter over borrowed records, so both decide and diagnose identically.
pub(crate) fn evaluate_ranges<'e>(
    ranges: impl Iterator<Item = (RangeKind, Vec<EventRef<'e>>)>,
    versions: impl Iterator<Item = &'e str>,
    installed: &Installed<'_>,
    eco_kind: Option<Scheme>,
    scheme: &dyn VersionScheme,
) -> AffectedOutcome {
    let mut out = Vec::new();
    let mut matched = false;
    for (range_kind, events) in ranges {
        let kind = match range_kind {
            RangeKind::Semver => Some(Scheme::SemVer),
            RangeKind::Ecosystem => eco_kind,
            RangeKind::Git => {
                out.push(RangeOutcome::Git);
                continue;
            }
            RangeKind::Other => {
                out.push(RangeOutcome::Skipped);
                continue;
            }
        };
        let result = installed.with(kind, |parsed| {
            evaluate_range_parsed(&events, parsed, kind, scheme)
        });
        out.push(match result {
            Ok(Some((introduced, closing))) => {
                matched = true;
                RangeOutcome::Hit {
                    semver: range_kind == RangeKind::Semver,
                    introduced,
                    closing,
                }
            }
            Ok(None) => RangeOutcome::Miss,
            Err(reason) => RangeOutcome::Unparsable(reason),
        });
    }
    let version = installed.raw;
    let mut versions = versions.peekable();
    let listed = !matched
        && versions.peek().is_some()
        && installed.with(eco_kind, |parsed| {
            versions.any(|listed| {
                listed == version
                    || parsed.as_ref().is_ok_and(|v| {
                        scheme
                            .parse(eco_kind, listed)
                            .and_then(|l| scheme.compare_parsed(eco_kind, &l, v))
                            .is_ok_and(|o| o == Ordering::Equal)
                    })
            })
        });
    AffectedOutcome {
        ranges: out,
        listed,
    }
}

/// A range that contains the version: the `introduced` value that opened the interval
/// and the event that closes it (`None`: open-ended).
pub type RangeHit = (Option<String>, Option<Event>);

/// Evaluates one SEMVER/ECOSYSTEM range. `Ok(Some((introduced, closing event)))` when
/// `version` is inside; `Ok(None)` when outside; `Err` when a version does not parse.
pub fn evaluate_range(
    events: &[Event],
    version: &str,
    kind: Option<Scheme>,
    scheme: &dyn VersionScheme,
) -> Result<Option<RangeHit>, String> {
    if events.is_empty() {
        return Ok(None);
    }
    if kind.is_none() {
        return Err("ecosystem has no known version ordering".into());
    }
    let refs: Vec<EventRef<'_>> = events.iter().map(event_ref).collect();
    let hit = evaluate_range_parsed(&refs, &scheme.parse(kind, version), kind, scheme)?;
    Ok(hit.map(|(introduced, closing)| {
        (
            introduced
                .and_then(|i| events.get(i))
                .map(|e| e.version().to_owned()),
            closing.and_then(|i| events.get(i)).cloned(),
        )
    }))
}

/// [`evaluate_range`] with the installed version already parsed: every event version is
/// parsed once, then sorting and evaluation compare parsed forms. Returns the indexes (in
/// `events`) of the opening `introduced` and the closing event.
pub(crate) fn evaluate_range_parsed(
    events: &[EventRef<'_>],
    version: &Result<ParsedVersion<'_>, String>,
    kind: Option<Scheme>,
    scheme: &dyn VersionScheme,
) -> Result<Option<RangeIndexes>, String> {
    if events.is_empty() {
        return Ok(None);
    }
    if kind.is_none() {
        return Err("ecosystem has no known version ordering".into());
    }
    // Parse (and so validate) every event version first so sorting never sees an error;
    // `introduced: "0"` is "before everything" and is not parsed.
    let mut parsed: Vec<(usize, u8, Option<ParsedVersion<'_>>)> = Vec::with_capacity(events.len());
    for (i, &(rank, v)) in events.iter().enumerate() {
        if rank == RANK_INTRODUCED && v == "0" {
            parsed.push((i, rank, None));
        } else {
            parsed.push((i, rank, Some(scheme.parse(kind, v)?)));
        }
    }
    let version = version.as_ref().map_err(Clone::clone)?;
    parsed.sort_by(|(_, ra, pa), (_, rb, pb)| match (pa, pb) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (Some(x), Some(y)) => scheme
            .compare_parsed(kind, x, y)
            .unwrap_or(Ordering::Equal)
            .then_with(|| ra.cmp(rb)),
    });
    let mut vulnerable = false;
    let mut introduced: Option<usize> = None;
    let mut closing: Option<usize> = None;
    for (i, rank, pv) in parsed {
        let Some(pv) = pv else {
            // introduced: "0"
            vulnerable = true;
            introduced = Some(i);
            closing = None;
            continue;
        };
        let cmp = scheme.compare_parsed(kind, version, &pv)?;
        match rank {
            RANK_INTRODUCED => {
                if cmp != Ordering::Less {
                    vulnerable = true;
                    introduced = Some(i);
                    closing = None;
                }
            }
            RANK_LAST_AFFECTED => {
                if cmp == Ordering::Greater {
                    vulnerable = false;
                } else if vulnerable && closing.is_none() {
                    closing = Some(i);
                }
            }
            // fixed, limit
            _ => {
                if cmp != Ordering::Less {
                    vulnerable = false;
                } else if vulnerable && closing.is_none() {
                    closing = Some(i);
                }
            }
        }
    }
    Ok(vulnerable.then_some((introduced, closing)))
}

/// Indexes (in a range's events) of the opening `introduced` and of the closing event.
pub(crate) type RangeIndexes = (Option<usize>, Option<usize>);

pub(crate) const RANK_INTRODUCED: u8 = 0;
pub(crate) const RANK_LAST_AFFECTED: u8 = 1;

pub(crate) fn rank(e: &Event) -> u8 {
    match e {
        Event::Introduced(_) => RANK_INTRODUCED,
        Event::LastAffected(_) => RANK_LAST_AFFECTED,
        Event::Fixed(_) => 2,
        Event::Limit(_) => 3,
    }
}
