//! Version parsing, ordering and range evaluation for every package
//! ecosystem Bulwark matches vulnerabilities in. Pure library: no I/O.
//!
//! * Typed modules ([`dpkg::Version`], [`apk::Version`], [`rpm::Version`],
//!   [`pep440::Version`], [`npm::Version`], [`gomod::Version`],
//!   [`maven::Version`], [`rubygems::Version`], [`nuget::Version`],
//!   [`packagist::Version`], [`semver::Version`], [`hackage::Version`],
//!   [`pub_dev::Version`], [`cran::Version`]) implement `Ord`, `Display` and
//!   `FromStr`. Equality is "compares equal" (`1.0` == `1.0.0` where the
//!   ecosystem says so), not string equality.
//! * [`Scheme`] picks the comparator at run time; [`Scheme::from_osv_ecosystem`]
//!   maps OSV ecosystem strings (`Debian:12`, `Alpine:v3.20`, `PyPI`...).
//! * [`osv`] evaluates OSV `affected[].ranges` / `versions` exactly as the
//!   OSV schema's evaluation pseudocode says.
//! * Range syntaxes: npm ([`npm::Range`]), PEP 440 specifiers
//!   ([`pep440::SpecifierSet`]), RubyGems requirements
//!   ([`rubygems::Requirement`]) and apk's fuzzy operators ([`apk::matches()`]).
//!
//! No parser panics on any input; errors name the scheme, the input and the
//! problem.
//!
//! ```
//! use bulwark_version::osv::{self, CompiledRange, Event, RangeKind};
//! use bulwark_version::Scheme;
//!
//! // Map the OSV ecosystem, parse the installed version once.
//! let scheme = Scheme::from_osv_ecosystem("Debian:12").unwrap();
//! let installed = scheme.parse("1:2.36.1-8+deb12u1").unwrap();
//!
//! // Compile a range once, test many versions against it.
//! let events = [Event::introduced("0"), Event::fixed("1:2.36.1-8+deb12u2")];
//! let kind = RangeKind::from_osv("ECOSYSTEM").unwrap();
//! let range = CompiledRange::compile(scheme, kind, &events).unwrap();
//! assert!(range.contains(&installed).unwrap());
//!
//! // Or evaluate a whole `affected[]` entry (ranges + versions list).
//! let ranges = [osv::Range { kind, events: events.to_vec() }];
//! assert!(osv::is_affected(scheme, "1:2.36.1-8", &ranges, &[]).unwrap());
//! assert!(!osv::is_affected(scheme, "1:2.36.1-8+deb12u2", &ranges, &[]).unwrap());
//! ```
//!
//! # Policies for strings an ecosystem's own tool rejects
//!
//! Vulnerability data and installed-package databases contain versions that
//! the strict grammar refuses; a scanner must still order them. Each choice
//! below is exercised by `tests/conformance.rs`:
//!
//! * PyPI: non-PEP 440 strings parse as *legacy* versions that sort below all
//!   PEP 440 versions (osv-scalibr's rule); [`pep440::Version::parse_strict`]
//!   rejects them.
//! * apk: strings apk-tools 3 rejects (e.g. `6.0.2p1-r1` from the apk-tools 2
//!   era) are ordered with osv-scalibr's Alpine rules; see [`apk::compare_raw`].
//! * dpkg: [`dpkg::Version::parse`] accepts what `dpkg --compare-versions`
//!   accepts (it only warns about e.g. a non-digit start);
//!   [`dpkg::Version::parse_strict`] is `Dpkg::Version::is_valid`.
//! * RubyGems: `1beta` is accepted (as `1.beta`); `parse_strict` is
//!   `Gem::Version.correct?`.
//! * npm: [`Scheme::Npm`] parses in node-semver's `loose` mode.
//! * Maven: [`maven::Version`] follows current Maven (4.x `ComparableVersion`);
//!   [`maven::v38::Version`] reproduces maven-artifact 3.8.6, which the two
//!   disagree on for a few dotted qualifiers (`2.9.0-1` vs `2.9.0.RC1`).

// Comparators conventionally name operands `a`/`b` and cursors `i`/`j`,
// mirroring the upstream C/Go/Java code they follow.
#![allow(clippy::many_single_char_names)]

mod any;
pub mod apk;
pub mod cran;
pub mod dpkg;
pub mod ecosystem;
mod error;
#[doc(hidden)]
pub mod fuzzing;
pub mod gomod;
pub mod hackage;
pub mod maven;
pub mod npm;
pub mod nuget;
mod num;
pub mod osv;
pub mod packagist;
pub mod pep440;
pub mod pub_dev;
pub mod rpm;
pub mod rubygems;
mod scheme;
pub mod semver;
mod semverlike;

pub use any::AnyVersion;
pub use ecosystem::{Ecosystem, split_osv_ecosystem};
pub use error::VersionError;
pub use num::Num;
pub use scheme::Scheme;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn osv_ecosystem_names() {
        let cases = [
            ("Debian:12", Scheme::Dpkg),
            ("Ubuntu:22.04:LTS", Scheme::Dpkg),
            ("Ubuntu:Pro:18.04:LTS", Scheme::Dpkg),
            ("Alpine:v3.20", Scheme::Apk),
            ("Wolfi", Scheme::Apk),
            ("Chainguard", Scheme::Apk),
            ("Red Hat:enterprise_linux:9::appstream", Scheme::Rpm),
            ("AlmaLinux:9", Scheme::Rpm),
            ("Rocky Linux", Scheme::Rpm),
            ("SUSE:Linux Enterprise Server 15 SP5", Scheme::Rpm),
            ("openSUSE:Tumbleweed", Scheme::Rpm),
            ("PyPI", Scheme::Pep440),
            ("npm", Scheme::Npm),
            ("Go", Scheme::Go),
            ("crates.io", Scheme::SemVer),
            ("Maven", Scheme::Maven),
            ("Maven:https://maven.google.com", Scheme::Maven),
            ("RubyGems", Scheme::RubyGems),
            ("NuGet", Scheme::NuGet),
            ("Packagist", Scheme::Packagist),
            ("Hackage", Scheme::Hackage),
            ("Pub", Scheme::Pub),
            ("CRAN", Scheme::Cran),
            ("Bitnami", Scheme::SemVer),
        ];
        for (name, scheme) in cases {
            assert_eq!(Scheme::from_osv_ecosystem(name), Some(scheme), "{name}");
        }
        assert_eq!(
            Scheme::from_osv_ecosystem("Root:Alpine:3.18"),
            Some(Scheme::Apk)
        );
        assert_eq!(
            Scheme::from_osv_ecosystem("Root:PyPI"),
            Some(Scheme::Pep440)
        );
        assert_eq!(Scheme::from_osv_ecosystem("Root"), None);
        assert_eq!(Scheme::from_osv_ecosystem("Linux"), None);
        let e = Scheme::for_osv_ecosystem("Linux").unwrap_err().to_string();
        assert!(e.contains("\"Linux\""), "{e}");
        assert_eq!(Scheme::from_osv_ecosystem("debian"), None);
    }

    #[test]
    fn mismatched_schemes_are_an_error() {
        let a = Scheme::Dpkg.parse("1.0").unwrap();
        let b = Scheme::Rpm.parse("1.0").unwrap();
        assert!(matches!(
            a.try_cmp(&b),
            Err(VersionError::SchemeMismatch { .. })
        ));
        assert_eq!(a.partial_cmp(&b), None);
        let e = Scheme::Dpkg.parse("").unwrap_err().to_string();
        assert!(e.contains("dpkg"), "{e}");
    }
}
