//! Property tests: for every scheme the ordering is total, antisymmetric and
//! transitive on generated versions, display → parse is stable, and no
//! parser or range evaluator panics on arbitrary bytes (the same bodies as
//! the cargo-fuzz targets).

#![allow(clippy::unwrap_used)]

use std::cmp::Ordering;

use bulwark_version::{AnyVersion, Scheme, fuzzing};
use proptest::prelude::*;

/// A generator of plausible version strings for each scheme.
fn pattern(s: Scheme) -> &'static str {
    match s {
        Scheme::Dpkg => {
            "([0-9]{1,2}:)?[0-9]{1,3}(\\.[0-9a-z]{1,3}){0,3}(~[a-z0-9]{1,3})?(\\+[a-z0-9]{1,3})?(-[0-9a-z][0-9a-z.+~]{0,4})?"
        }
        Scheme::Apk => {
            "[0-9]{1,3}(\\.[0-9]{1,3}){0,3}[a-z]?(_(alpha|beta|pre|rc|cvs|svn|git|hg|p)[0-9]{0,2}){0,2}(~[0-9a-f]{1,4})?(-r[0-9]{1,2})?"
        }
        Scheme::Rpm => "([0-9]:)?[0-9a-z][0-9a-z.~^]{0,7}(-[0-9a-z][0-9a-z.~^]{0,5})?",
        Scheme::Pep440 => {
            "(([0-9]!)?[0-9]{1,3}(\\.[0-9]{1,3}){0,3}((a|b|rc|alpha|c)[0-9]{0,2})?(\\.post[0-9]{1,2}|-[0-9])?(\\.dev[0-9]{0,2})?(\\+[a-z0-9]{1,3}(\\.[a-z0-9]{1,3}){0,2})?|[a-z0-9][a-z0-9.-]{0,8})"
        }
        Scheme::Npm => {
            "v?[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}(-[0-9a-z-]{1,3}(\\.[0-9a-z-]{1,3}){0,2})?(\\+[a-z0-9]{1,3})?"
        }
        Scheme::Go => {
            "v?[0-9]{1,3}(\\.[0-9]{1,3}(\\.[0-9]{1,3}(-[0-9a-z]{1,3}(\\.[0-9a-z]{1,14}){0,2})?(\\+incompatible)?)?)?"
        }
        Scheme::Maven => {
            "[0-9]{1,2}([.-]([0-9]{1,2}|alpha|beta|milestone|rc|cr|snapshot|ga|final|release|sp|a1|b2|m3|foo|x[0-9])){0,4}"
        }
        Scheme::RubyGems => "[0-9]{1,2}(\\.([0-9]{1,2}|[a-z]{1,3}[0-9]?)){0,4}(-[a-z0-9]{1,3})?",
        Scheme::NuGet | Scheme::SemVer | Scheme::Pub => {
            "v?[0-9]{1,3}(\\.[0-9]{1,3}){0,4}(-[0-9a-zA-Z]{1,3}(\\.[0-9a-zA-Z]{1,3}){0,2})?(\\+[0-9a-z]{1,3})?"
        }
        Scheme::Packagist => {
            "v?[0-9]{1,2}(\\.[0-9]{1,2}){0,3}([-.]?(dev|alpha|a|beta|b|RC|rc|p|pl|patch)[0-9]{0,2})?"
        }
        Scheme::Hackage => "[0-9]{1,3}(\\.[0-9]{1,3}){0,4}",
        Scheme::Cran => "[0-9]{1,3}([.-][0-9]{1,3}){1,4}",
    }
}

fn parse_all(scheme: Scheme, raw: &[String]) -> Vec<AnyVersion> {
    raw.iter().filter_map(|s| scheme.parse(s).ok()).collect()
}

fn cmp(a: &AnyVersion, b: &AnyVersion) -> Ordering {
    a.try_cmp(b).unwrap()
}

fn check_order(scheme: Scheme, vs: &[AnyVersion]) -> Result<(), TestCaseError> {
    for a in vs {
        prop_assert_eq!(cmp(a, a), Ordering::Equal, "{}: {} != itself", scheme, a);
        for b in vs {
            prop_assert_eq!(
                cmp(a, b),
                cmp(b, a).reverse(),
                "{}: {} vs {} not antisymmetric",
                scheme,
                a,
                b
            );
            for c in vs {
                if cmp(a, b) != Ordering::Greater && cmp(b, c) != Ordering::Greater {
                    prop_assert_ne!(
                        cmp(a, c),
                        Ordering::Greater,
                        "{}: {} <= {} <= {} but not {} <= {}",
                        scheme,
                        a,
                        b,
                        c,
                        a,
                        c
                    );
                }
                if cmp(a, b) == Ordering::Less && cmp(b, c) != Ordering::Greater {
                    prop_assert_eq!(
                        cmp(a, c),
                        Ordering::Less,
                        "{}: {} < {} <= {} but not {} < {}",
                        scheme,
                        a,
                        b,
                        c,
                        a,
                        c
                    );
                }
            }
        }
    }
    Ok(())
}

fn versions(scheme: Scheme) -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(
        proptest::string::string_regex(pattern(scheme)).unwrap(),
        3..6,
    )
}

macro_rules! scheme_props {
    ($($name:ident => $scheme:expr),* $(,)?) => {$(
        mod $name {
            use super::*;
            proptest! {
                #![proptest_config(ProptestConfig { cases: 384, ..ProptestConfig::default() })]

                #[test]
                fn ordering_is_a_total_order(raw in versions($scheme)) {
                    let vs = parse_all($scheme, &raw);
                    check_order($scheme, &vs)?;
                }

                #[test]
                fn display_then_parse_is_stable(raw in proptest::string::string_regex(pattern($scheme)).unwrap()) {
                    let Ok(v) = $scheme.parse(&raw) else { return Ok(()) };
                    let shown = v.to_string();
                    let again = $scheme.parse(&shown);
                    prop_assert!(again.is_ok(), "{}: {:?} displays as {:?}, which does not parse", $scheme, raw, shown);
                    let again = again.unwrap();
                    prop_assert_eq!(cmp(&v, &again), Ordering::Equal, "{}: {:?} -> {:?} changed value", $scheme, raw, shown);
                    prop_assert_eq!(again.to_string(), shown);
                }

                #[test]
                fn arbitrary_bytes_never_panic(data in prop::collection::vec(any::<u8>(), 0..64)) {
                    fuzzing::parse_version($scheme, &data);
                    fuzzing::compare_pair($scheme, &data);
                }

                #[test]
                fn arbitrary_text_never_panics(s in "\\PC{0,24}(\\x00\\PC{0,24})?") {
                    fuzzing::parse_version($scheme, s.as_bytes());
                    fuzzing::compare_pair($scheme, s.as_bytes());
                }
            }
        }
    )*};
}

scheme_props! {
    dpkg => Scheme::Dpkg,
    apk => Scheme::Apk,
    rpm => Scheme::Rpm,
    pep440 => Scheme::Pep440,
    npm => Scheme::Npm,
    go => Scheme::Go,
    maven => Scheme::Maven,
    rubygems => Scheme::RubyGems,
    nuget => Scheme::NuGet,
    packagist => Scheme::Packagist,
    semver => Scheme::SemVer,
    hackage => Scheme::Hackage,
    pub_dev => Scheme::Pub,
    cran => Scheme::Cran,
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// apk orders strings its validator rejects with osv-scalibr's rules;
    /// mixed with valid ones the order must stay a total order.
    #[test]
    fn apk_mixed_valid_and_invalid_is_a_total_order(
        raw in prop::collection::vec("[0-9][0-9a-z._~-]{0,6}", 3..6)
    ) {
        let vs = parse_all(Scheme::Apk, &raw);
        check_order(Scheme::Apk, &vs)?;
    }

    #[test]
    fn range_parsers_never_panic(data in prop::collection::vec(any::<u8>(), 0..64)) {
        fuzzing::parse_ranges(&data);
    }

    #[test]
    fn range_syntax_never_panics(s in "[<>=~^!*xX|, .0-9a-z+-]{0,30}(\\x00[0-9a-z.+-]{0,10})?") {
        fuzzing::parse_ranges(s.as_bytes());
    }

    #[test]
    fn osv_ranges_never_panic(s in "[0-9a-z.~*-]{0,8}(\\x00[iflm][0-9a-z.~*-]{0,8}){0,4}") {
        fuzzing::osv_range(s.as_bytes());
    }

    /// OSV evaluation agrees with a direct reading of the schema on a
    /// single introduced/fixed pair: affected iff introduced <= v < fixed.
    #[test]
    fn osv_introduced_fixed_matches_definition(
        raw in prop::collection::vec(proptest::string::string_regex(pattern(Scheme::SemVer)).unwrap(), 3..4)
    ) {
        use bulwark_version::osv::{CompiledRange, Event, RangeKind};
        let (v, lo, hi) = (&raw[0], &raw[1], &raw[2]);
        let r = CompiledRange::compile(Scheme::SemVer, RangeKind::Ecosystem, &[Event::introduced(lo.clone()), Event::fixed(hi.clone())]).unwrap();
        let p = |s: &str| Scheme::SemVer.parse(s).unwrap();
        let (pv, plo, phi) = (p(v), p(lo), p(hi));
        // Events sort by version; equal versions keep their order (introduced, then fixed).
        let expected = match cmp(&plo, &phi) {
            Ordering::Less => cmp(&pv, &plo) != Ordering::Less && cmp(&pv, &phi) == Ordering::Less,
            Ordering::Equal => false,
            Ordering::Greater => cmp(&pv, &plo) != Ordering::Less,
        };
        prop_assert_eq!(r.contains_str(v).unwrap(), expected, "{} in [{}, {})", v, lo, hi);
    }
}
