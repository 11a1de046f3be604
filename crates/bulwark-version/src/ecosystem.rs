//! The ecosystem table: one row per package ecosystem Bulwark knows, with every name it goes
//! by (OSV ecosystem and its aliases, Package URL type, Bulwark package type, os-release ids),
//! its version ordering, how its OSV releases are spelled, and whether `bulwark db update`
//! downloads its OSV archive by default.
//!
//! Every other crate asks this table instead of keeping a map of its own: the catalog (package
//! type ↔ purl type), the vulnerability store (OSV name → comparator, release keys), the scan
//! (os-release id → OSV ecosystem, default downloads). Adding an ecosystem is one row here, one
//! analyzer in bulwark-catalog and, when its ordering is new, one comparator module here.
//!
//! The table lives in bulwark-version because its version-scheme column is a [`Scheme`]: it
//! sits at the bottom of the graph, where the catalog and the vulnerability store can both read
//! it without an upward arrow. It holds data only; the comparators do not import it.

use crate::error::{VersionError, clip};
use crate::scheme::Scheme;

/// How an ecosystem's OSV `package.ecosystem` names a release, and so how a store keys it
/// (`Debian:12.5` and `Debian:12` both key as `Debian:12`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReleaseForm {
    /// No release part (language ecosystems, rolling distributions such as Wolfi).
    None,
    /// The release as written (`openSUSE:Leap 15.6`, `Ubuntu:22.04`).
    Verbatim,
    /// Major version only (`Debian:12`, `AlmaLinux:9`: `12.5` → `12`).
    Major,
    /// Alpine's `vX.Y` (`v3.20`, `3.20.3` → `3.20`).
    MinorWithV,
    /// Ubuntu's `YY.MM[:LTS]` and `Pro:YY.MM[:LTS]` (ESM records are keyed apart).
    Ubuntu,
    /// Red Hat's CPE product and version (`enterprise_linux:9::appstream` → stream
    /// `enterprise_linux`, release `9`).
    RedHatCpe,
    /// SUSE's product names (`Linux Enterprise Server 15 SP5-LTSS` → `15.5`).
    SuseProduct,
}

/// One ecosystem: every name it goes by and how its versions compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Ecosystem {
    /// OSV base ecosystem name (`Debian`, `Red Hat`, `PyPI`); also the name of its archive
    /// directory on osv.dev (`<osv>/all.zip`).
    pub osv: &'static str,
    /// Other spellings OSV records use for it (exact case: `CBL-Mariner`, `Amazon`).
    pub osv_aliases: &'static [&'static str],
    /// Spellings people type (`--ecosystem`, queries): matched ignoring ASCII case, as is
    /// [`Ecosystem::osv`].
    pub user_aliases: &'static [&'static str],
    /// The version ordering.
    pub scheme: Scheme,
    /// How its OSV ecosystem names a release.
    pub release: ReleaseForm,
    /// The Bulwark package type (bulwark-catalog's `PackageType::as_str`) of the packages
    /// matched against it; `None` when no analyzer produces such packages.
    pub package_type: Option<&'static str>,
    /// The Package URL type of its packages (`deb`, `pypi`, `golang`); `None` when no purl
    /// type is defined for it.
    pub purl_type: Option<&'static str>,
    /// For distributions: the purl namespaces (vendor) that name it (`pkg:rpm/redhat/...`).
    pub purl_namespaces: &'static [&'static str],
    /// For distributions: the os-release `ID` (or `ID_LIKE` entry) values that name it.
    pub distro_ids: &'static [&'static str],
    /// `bulwark db update` downloads its OSV archive unless told which ecosystems to fetch.
    pub download_by_default: bool,
}

impl Ecosystem {
    /// True for operating-system distributions (matched by source package).
    #[must_use]
    pub fn is_distro(&self) -> bool {
        !matches!(self.release, ReleaseForm::None) || !self.distro_ids.is_empty()
    }

    /// The OSV archive directory `bulwark db update` downloads by default, if it does.
    #[must_use]
    pub fn default_download(&self) -> Option<&'static str> {
        self.download_by_default.then_some(self.osv)
    }

    /// The row for an OSV `package.ecosystem` string, exact case, any `:release` suffix
    /// ignored. `Root:<Distro>:<release>` and `Root:<PackageManager>` (Root's patched images)
    /// map to the underlying ecosystem.
    #[must_use]
    pub fn from_osv(name: &str) -> Option<&'static Ecosystem> {
        let (base, rest) = split_osv_ecosystem(name.trim());
        if base == "Root" {
            return rest.and_then(Ecosystem::from_osv);
        }
        ECOSYSTEMS
            .iter()
            .find(|e| e.osv == base || e.osv_aliases.contains(&base))
    }

    /// The row for a base ecosystem name as a person may type it: the OSV name or an alias,
    /// ignoring ASCII case (`pypi`, `cargo`, `rhel`, `Oracle Linux`).
    #[must_use]
    pub fn lookup(base: &str) -> Option<&'static Ecosystem> {
        let base = base.trim();
        ECOSYSTEMS.iter().find(|e| {
            std::iter::once(&e.osv)
                .chain(e.osv_aliases)
                .chain(e.user_aliases)
                .any(|n| n.eq_ignore_ascii_case(base))
        })
    }

    /// The distribution of an os-release `ID` for packages of `package_type`.
    #[must_use]
    pub fn for_distro(package_type: &str, os_id: &str) -> Option<&'static Ecosystem> {
        ECOSYSTEMS.iter().find(|e| {
            e.package_type == Some(package_type)
                && e.distro_ids.iter().any(|d| d.eq_ignore_ascii_case(os_id))
        })
    }

    /// The language ecosystem whose packages have `package_type` (not a distribution).
    #[must_use]
    pub fn for_language_package(package_type: &str) -> Option<&'static Ecosystem> {
        ECOSYSTEMS
            .iter()
            .find(|e| e.package_type == Some(package_type) && !e.is_distro())
    }

    /// The ecosystem of a purl (type, and for distributions the namespace).
    #[must_use]
    pub fn for_purl(purl_type: &str, namespace: Option<&str>) -> Option<&'static Ecosystem> {
        let ty = purl_type.to_ascii_lowercase();
        ECOSYSTEMS.iter().find(|e| {
            e.purl_type == Some(ty.as_str())
                && (e.purl_namespaces.is_empty()
                    || namespace.is_some_and(|ns| {
                        e.purl_namespaces.iter().any(|n| n.eq_ignore_ascii_case(ns))
                    }))
        })
    }
}

/// The OSV archives `bulwark db update` downloads by default.
pub fn default_downloads() -> impl Iterator<Item = &'static str> {
    ECOSYSTEMS.iter().filter_map(Ecosystem::default_download)
}

/// Splits `Debian:12` into (`Debian`, `Some("12")`) and `Ubuntu:Pro:18.04:LTS`
/// into (`Ubuntu`, `Some("Pro:18.04:LTS")`).
pub fn split_osv_ecosystem(name: &str) -> (&str, Option<&str>) {
    match name.split_once(':') {
        Some((base, rest)) => (base, Some(rest)),
        None => (name, None),
    }
}

impl Scheme {
    /// Maps an OSV `affected[].package.ecosystem` string (with or without its
    /// `:release` suffix) to a scheme; `None` for ecosystems without a
    /// version ordering (GIT-only ones such as `Linux`, `Android`, `OSS-Fuzz`).
    #[must_use]
    pub fn from_osv_ecosystem(name: &str) -> Option<Scheme> {
        Ecosystem::from_osv(name).map(|e| e.scheme)
    }

    /// Like [`Scheme::from_osv_ecosystem`], with an error naming the ecosystem.
    pub fn for_osv_ecosystem(name: &str) -> Result<Scheme, VersionError> {
        Scheme::from_osv_ecosystem(name)
            .ok_or_else(|| VersionError::UnsupportedEcosystem(clip(name)))
    }
}

/// A row with the defaults of a language ecosystem nothing downloads or detects.
const fn lang(osv: &'static str, scheme: Scheme) -> Ecosystem {
    Ecosystem {
        osv,
        osv_aliases: &[],
        user_aliases: &[],
        scheme,
        release: ReleaseForm::None,
        package_type: None,
        purl_type: None,
        purl_namespaces: &[],
        distro_ids: &[],
        download_by_default: false,
    }
}

/// A row with the defaults of a distribution nothing downloads or detects.
const fn distro(osv: &'static str, scheme: Scheme, release: ReleaseForm) -> Ecosystem {
    Ecosystem {
        release,
        ..lang(osv, scheme)
    }
}

/// Every ecosystem, distributions first (in the order `db update` downloads them). Rows with a package type are the ones a scan can
/// query; each of them is downloaded by default (a test holds this).
pub static ECOSYSTEMS: &[Ecosystem] = &[
    // --- Distributions -----------------------------------------------------------------
    Ecosystem {
        package_type: Some("deb"),
        purl_type: Some("deb"),
        purl_namespaces: &["debian"],
        distro_ids: &["debian"],
        download_by_default: true,
        ..distro("Debian", Scheme::Dpkg, ReleaseForm::Major)
    },
    Ecosystem {
        package_type: Some("deb"),
        purl_type: Some("deb"),
        purl_namespaces: &["ubuntu"],
        distro_ids: &["ubuntu"],
        download_by_default: true,
        ..distro("Ubuntu", Scheme::Dpkg, ReleaseForm::Ubuntu)
    },
    Ecosystem {
        package_type: Some("apk"),
        purl_type: Some("apk"),
        purl_namespaces: &["alpine"],
        distro_ids: &["alpine"],
        download_by_default: true,
        ..distro("Alpine", Scheme::Apk, ReleaseForm::MinorWithV)
    },
    Ecosystem {
        user_aliases: &["redhat", "rhel"],
        package_type: Some("rpm"),
        purl_type: Some("rpm"),
        purl_namespaces: &["redhat"],
        distro_ids: &["rhel", "redhat"],
        download_by_default: true,
        ..distro("Red Hat", Scheme::Rpm, ReleaseForm::RedHatCpe)
    },
    Ecosystem {
        user_aliases: &["alma"],
        package_type: Some("rpm"),
        purl_type: Some("rpm"),
        purl_namespaces: &["almalinux"],
        distro_ids: &["almalinux"],
        download_by_default: true,
        ..distro("AlmaLinux", Scheme::Rpm, ReleaseForm::Major)
    },
    Ecosystem {
        user_aliases: &["rocky"],
        package_type: Some("rpm"),
        purl_type: Some("rpm"),
        purl_namespaces: &["rocky", "rocky-linux"],
        distro_ids: &["rocky"],
        download_by_default: true,
        ..distro("Rocky Linux", Scheme::Rpm, ReleaseForm::Major)
    },
    Ecosystem {
        osv_aliases: &["Oracle"],
        user_aliases: &["ol"],
        package_type: Some("rpm"),
        purl_type: Some("rpm"),
        purl_namespaces: &["oracle"],
        distro_ids: &["ol", "oracle"],
        download_by_default: true,
        ..distro("Oracle Linux", Scheme::Rpm, ReleaseForm::Major)
    },
    Ecosystem {
        package_type: Some("rpm"),
        purl_type: Some("rpm"),
        purl_namespaces: &["suse"],
        distro_ids: &[
            "sles",
            "sles_sap",
            "sled",
            "sle_hpc",
            "sle-micro",
            "sle-micro-rancher",
            "suse",
        ],
        download_by_default: true,
        ..distro("SUSE", Scheme::Rpm, ReleaseForm::SuseProduct)
    },
    Ecosystem {
        package_type: Some("rpm"),
        purl_type: Some("rpm"),
        purl_namespaces: &["opensuse"],
        distro_ids: &[
            "opensuse-leap",
            "opensuse-leap-micro",
            "opensuse-tumbleweed",
            "opensuse-microos",
            "opensuse",
        ],
        download_by_default: true,
        ..distro("openSUSE", Scheme::Rpm, ReleaseForm::Verbatim)
    },
    Ecosystem {
        package_type: Some("apk"),
        purl_type: Some("apk"),
        purl_namespaces: &["wolfi"],
        distro_ids: &["wolfi"],
        download_by_default: true,
        // Wolfi is rolling; a release, when given, is keyed like Alpine's.
        ..distro("Wolfi", Scheme::Apk, ReleaseForm::MinorWithV)
    },
    Ecosystem {
        package_type: Some("apk"),
        purl_type: Some("apk"),
        purl_namespaces: &["chainguard"],
        distro_ids: &["chainguard"],
        download_by_default: true,
        ..distro("Chainguard", Scheme::Apk, ReleaseForm::MinorWithV)
    },
    distro("MinimOS", Scheme::Apk, ReleaseForm::Verbatim),
    Ecosystem {
        osv_aliases: &["BellSoft Hardened Containers"],
        ..distro("Alpaquita", Scheme::Apk, ReleaseForm::Verbatim)
    },
    distro("Mageia", Scheme::Rpm, ReleaseForm::Major),
    distro("openEuler", Scheme::Rpm, ReleaseForm::Major),
    distro("Photon OS", Scheme::Rpm, ReleaseForm::Verbatim),
    Ecosystem {
        osv_aliases: &["Mariner", "CBL-Mariner"],
        ..distro("Azure Linux", Scheme::Rpm, ReleaseForm::Verbatim)
    },
    Ecosystem {
        osv_aliases: &["Amazon"],
        ..distro("Amazon Linux", Scheme::Rpm, ReleaseForm::Verbatim)
    },
    // --- Languages ---------------------------------------------------------------------
    Ecosystem {
        user_aliases: &["python", "pip"],
        package_type: Some("python"),
        purl_type: Some("pypi"),
        download_by_default: true,
        ..lang("PyPI", Scheme::Pep440)
    },
    Ecosystem {
        user_aliases: &["node", "nodejs"],
        package_type: Some("npm"),
        purl_type: Some("npm"),
        download_by_default: true,
        ..lang("npm", Scheme::Npm)
    },
    Ecosystem {
        user_aliases: &["golang"],
        package_type: Some("go-module"),
        purl_type: Some("golang"),
        download_by_default: true,
        ..lang("Go", Scheme::Go)
    },
    Ecosystem {
        user_aliases: &["cargo", "rust", "crates"],
        package_type: Some("rust-crate"),
        purl_type: Some("cargo"),
        download_by_default: true,
        ..lang("crates.io", Scheme::SemVer)
    },
    Ecosystem {
        user_aliases: &["java"],
        package_type: Some("java-archive"),
        purl_type: Some("maven"),
        download_by_default: true,
        ..lang("Maven", Scheme::Maven)
    },
    Ecosystem {
        user_aliases: &["gem", "ruby"],
        package_type: Some("gem"),
        purl_type: Some("gem"),
        download_by_default: true,
        ..lang("RubyGems", Scheme::RubyGems)
    },
    Ecosystem {
        user_aliases: &[".net", "dotnet"],
        package_type: Some("nuget"),
        purl_type: Some("nuget"),
        download_by_default: true,
        ..lang("NuGet", Scheme::NuGet)
    },
    Ecosystem {
        user_aliases: &["composer", "php"],
        package_type: Some("composer"),
        purl_type: Some("composer"),
        download_by_default: true,
        ..lang("Packagist", Scheme::Packagist)
    },
    Ecosystem {
        purl_type: Some("hex"),
        ..lang("Hex", Scheme::SemVer)
    },
    Ecosystem {
        purl_type: Some("pub"),
        ..lang("Pub", Scheme::Pub)
    },
    lang("Hackage", Scheme::Hackage),
    lang("GHC", Scheme::Hackage),
    lang("CRAN", Scheme::Cran),
    lang("Bioconductor", Scheme::Cran),
    lang("Bitnami", Scheme::SemVer),
    lang("SwiftURL", Scheme::SemVer),
    lang("ConanCenter", Scheme::SemVer),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for e in ECOSYSTEMS {
            for n in std::iter::once(&e.osv)
                .chain(e.osv_aliases)
                .chain(e.user_aliases)
            {
                assert!(seen.insert(n.to_ascii_lowercase()), "{n} names two rows");
            }
        }
    }

    #[test]
    fn every_detectable_ecosystem_is_downloaded_by_default() {
        for e in ECOSYSTEMS {
            assert_eq!(
                e.package_type.is_some(),
                e.download_by_default,
                "{}: a scan queries it exactly when db update downloads it",
                e.osv
            );
        }
    }

    #[test]
    fn lookups() {
        assert_eq!(Ecosystem::lookup("pypi").map(|e| e.osv), Some("PyPI"));
        assert_eq!(Ecosystem::lookup("RHEL").map(|e| e.osv), Some("Red Hat"));
        assert_eq!(Ecosystem::lookup("gentoo"), None);
        assert_eq!(Ecosystem::from_osv("debian"), None);
        assert_eq!(
            Ecosystem::for_distro("rpm", "opensuse-leap").map(|e| e.osv),
            Some("openSUSE")
        );
        assert_eq!(Ecosystem::for_distro("deb", "rhel"), None);
        assert_eq!(
            Ecosystem::for_language_package("rust-crate").map(|e| e.osv),
            Some("crates.io")
        );
        assert_eq!(
            Ecosystem::for_purl("rpm", Some("redhat")).map(|e| e.osv),
            Some("Red Hat")
        );
        assert_eq!(
            Ecosystem::for_purl("pypi", None).map(|e| e.osv),
            Some("PyPI")
        );
        assert_eq!(Ecosystem::for_purl("rpm", Some("fedora")), None);
    }
}
