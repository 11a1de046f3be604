//! The package model: what was found, where, and how to name it (Package URL).

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use bulwark_version::ecosystem::ECOSYSTEMS;

use crate::purl::Purl;

/// Ecosystem of a package; decides its PURL type and how vulnerability data is matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PackageType {
    /// Debian/Ubuntu package from the dpkg database.
    Deb,
    /// Alpine/Wolfi package from the apk database.
    Apk,
    /// RPM package from an rpmdb (SQLite, Berkeley DB or NDB).
    Rpm,
    /// Python distribution (dist-info, egg-info, lock files).
    Python,
    /// npm package (node_modules, package-lock, yarn, pnpm).
    Npm,
    /// Go module compiled into a binary (or the Go standard library, named `stdlib`).
    GoModule,
    /// Rust crate (cargo-auditable data or Cargo.lock).
    RustCrate,
    /// Java archive (jar/war/ear, nested jars included).
    JavaArchive,
    /// Ruby gem.
    Gem,
    /// PHP Composer package.
    Composer,
    /// .NET NuGet package (from `*.deps.json`).
    Nuget,
}

impl PackageType {
    /// Stable lower-case name used in JSON output and SBOM properties.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Deb => "deb",
            Self::Apk => "apk",
            Self::Rpm => "rpm",
            Self::Python => "python",
            Self::Npm => "npm",
            Self::GoModule => "go-module",
            Self::RustCrate => "rust-crate",
            Self::JavaArchive => "java-archive",
            Self::Gem => "gem",
            Self::Composer => "composer",
            Self::Nuget => "nuget",
        }
    }

    /// Inverse of [`PackageType::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "deb" => Self::Deb,
            "apk" => Self::Apk,
            "rpm" => Self::Rpm,
            "python" => Self::Python,
            "npm" => Self::Npm,
            "go-module" => Self::GoModule,
            "rust-crate" => Self::RustCrate,
            "java-archive" => Self::JavaArchive,
            "gem" => Self::Gem,
            "composer" => Self::Composer,
            "nuget" => Self::Nuget,
            _ => return None,
        })
    }

    /// Package type for a PURL type (`pkg:<type>/...`), used by the SBOM readers: the
    /// package type of the first row of bulwark-version's ecosystem table with that purl type.
    pub fn from_purl_type(t: &str) -> Option<Self> {
        // Arch's `alpm` has no vulnerability ecosystem; the SBOM readers have always read it
        // as apk (same database layout family), so it stays here rather than in the table.
        if t == "alpm" {
            return Some(Self::Apk);
        }
        ECOSYSTEMS
            .iter()
            .find(|e| e.purl_type == Some(t))
            .and_then(|e| e.package_type)
            .and_then(Self::parse)
    }

    /// The Package URL type of this package type (`deb`, `pypi`, `golang`), from the ecosystem
    /// table's first row of this package type.
    pub fn purl_type(self) -> &'static str {
        ECOSYSTEMS
            .iter()
            .find(|e| e.package_type == Some(self.as_str()))
            .and_then(|e| e.purl_type)
            // Every package type has a row (`purl_types_map_to_package_types` holds it); the
            // stable name is the least wrong answer if a row were ever missing.
            .unwrap_or(self.as_str())
    }

    /// True for packages installed by the OS package manager.
    pub fn is_os(self) -> bool {
        matches!(self, Self::Deb | Self::Apk | Self::Rpm)
    }
}

/// Where a package was found: the layer (filled by the caller, who knows the digest) and the file.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Location {
    /// Digest of the layer (`sha256:...`) whose files produced this package; `None` in fs mode.
    pub layer_digest: Option<String>,
    /// Absolute path (`/var/lib/dpkg/status`) or nested path (`/app.jar/BOOT-INF/lib/x.jar`).
    pub path: String,
}

/// The operating system of an image, from os-release and friends.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OsInfo {
    /// os-release `ID` (lower case: `debian`, `ubuntu`, `alpine`, `rhel`, `fedora`, ...).
    pub id: String,
    /// os-release `ID_LIKE` entries.
    pub id_like: Vec<String>,
    /// `VERSION_ID` (`12`, `3.20.1`, `9.4`), or the version from a distro release file.
    pub version_id: Option<String>,
    /// `VERSION_CODENAME` (`bookworm`).
    pub codename: Option<String>,
    /// `PRETTY_NAME`.
    pub pretty_name: Option<String>,
    /// True when the image looks distroless (os-release plus dpkg `status.d`, no `status`).
    pub distroless: bool,
}

impl OsInfo {
    /// The PURL namespace for this distro's packages (`debian`, `alpine`, `redhat` for RHEL).
    pub fn purl_namespace(&self) -> String {
        match self.id.as_str() {
            "rhel" => "redhat".to_owned(),
            other => other.to_owned(),
        }
    }

    /// The PURL `distro` qualifier, `<id>-<version_id>` (e.g. `debian-12`), or the bare id.
    pub fn purl_distro(&self) -> String {
        match &self.version_id {
            Some(v) => format!("{}-{v}", self.id),
            None => self.id.clone(),
        }
    }
}

/// One package found in an image or directory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Package {
    /// Ecosystem.
    #[serde(rename = "type")]
    pub kind: PackageType,
    /// Name as the ecosystem spells it (binary package name for OS packages, module path for Go,
    /// artifactId for Maven, `vendor/name` for Composer, `@scope/name` for npm).
    pub name: String,
    /// Version as recorded (deb: full version with epoch; rpm: `version-release`).
    pub version: String,
    /// Maven groupId (only for Java archives).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub group: Option<String>,
    /// RPM epoch, kept apart from `version` as rpm does.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub epoch: Option<u32>,
    /// Architecture (`amd64`, `x86_64`, `noarch`).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub arch: Option<String>,
    /// Source package name (deb `Source:`, apk origin, rpm SOURCERPM name) for distro matching.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub source_name: Option<String>,
    /// Source package version when it differs or is recorded.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub source_version: Option<String>,
    /// License expressions or names as declared.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub licenses: Vec<String>,
    /// Maintainer / vendor / author string.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub maintainer: Option<String>,
    /// Package URL (purl-spec); recomputed by [`Package::refresh_purl`] once the OS is known.
    pub purl: String,
    /// Evidence: layer and file.
    pub location: Location,
    /// For language packages: the OS package whose file list contains this package's files.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub owned_by_os_package: Option<String>,
    /// Ecosystem-specific extras (Go toolchain version, replace directives, rpm vendor, ...).
    #[serde(skip_serializing_if = "BTreeMap::is_empty", default)]
    pub metadata: BTreeMap<String, String>,
}

impl Package {
    /// A package with the required fields; the PURL is computed without OS context.
    pub fn new(
        kind: PackageType,
        name: impl Into<String>,
        version: impl Into<String>,
        path: impl Into<String>,
    ) -> Self {
        let mut p = Self {
            kind,
            name: name.into(),
            version: version.into(),
            group: None,
            epoch: None,
            arch: None,
            source_name: None,
            source_version: None,
            licenses: Vec::new(),
            maintainer: None,
            purl: String::new(),
            location: Location {
                layer_digest: None,
                path: path.into(),
            },
            owned_by_os_package: None,
            metadata: BTreeMap::new(),
        };
        p.refresh_purl(None);
        p
    }

    /// Recomputes [`Package::purl`]; OS packages need the image's OS for namespace and `distro`.
    pub fn refresh_purl(&mut self, os: Option<&OsInfo>) {
        self.purl = self.compute_purl(os).to_string();
    }

    /// Builds the Package URL for this package per purl-spec.
    pub fn compute_purl(&self, os: Option<&OsInfo>) -> Purl {
        let ty = self.kind.purl_type();
        let os_ns = |default: &str| os.map_or_else(|| default.to_owned(), OsInfo::purl_namespace);
        let mut purl = match self.kind {
            PackageType::Deb => {
                let mut p = Purl::new(ty, Some(os_ns("debian")), &self.name, &self.version);
                if let Some(src) = self.source_name.as_deref().filter(|s| *s != self.name) {
                    let upstream = match self.source_version.as_deref() {
                        Some(v) if v != self.version => format!("{src}@{v}"),
                        _ => src.to_owned(),
                    };
                    p.qualifier("upstream", &upstream);
                }
                p
            }
            PackageType::Apk => {
                let mut p = Purl::new(
                    ty,
                    Some(os_ns("alpine")),
                    &self.name.to_lowercase(),
                    &self.version,
                );
                if let Some(src) = self.source_name.as_deref().filter(|s| *s != self.name) {
                    p.qualifier("upstream", src);
                }
                p
            }
            PackageType::Rpm => {
                let mut p = Purl::new(ty, Some(os_ns("redhat")), &self.name, &self.version);
                if let Some(e) = self.epoch {
                    p.qualifier("epoch", &e.to_string());
                }
                if let Some(src) = self.metadata.get("sourcerpm") {
                    p.qualifier("upstream", src);
                }
                p
            }
            PackageType::Python => {
                Purl::new(ty, None, &normalize_python_name(&self.name), &self.version)
            }
            PackageType::Npm => {
                let lower = self.name.to_lowercase();
                match lower.strip_prefix('@').and_then(|s| s.split_once('/')) {
                    Some((scope, name)) => {
                        Purl::new(ty, Some(format!("@{scope}")), name, &self.version)
                    }
                    None => Purl::new(ty, None, &lower, &self.version),
                }
            }
            PackageType::GoModule => {
                // OSV and Syft name the toolchain `stdlib@1.22.5`, without `go`
                let version = if self.name == "stdlib" {
                    self.version.strip_prefix("go").unwrap_or(&self.version)
                } else {
                    &self.version
                };
                let mut p = match self.name.rsplit_once('/') {
                    Some((ns, name)) => Purl::new(ty, Some(ns.to_owned()), name, version),
                    None => Purl::new(ty, None, &self.name, version),
                };
                // the main package of a GOPATH build, inside its module
                p.subpath = self
                    .metadata
                    .get("go.package")
                    .and_then(|pkg| pkg.strip_prefix(self.name.as_str()))
                    .and_then(|sub| sub.strip_prefix('/'))
                    .map(str::to_owned);
                p
            }
            PackageType::RustCrate => Purl::new(ty, None, &self.name, &self.version),
            PackageType::JavaArchive => {
                Purl::new(ty, self.group.clone(), &self.name, &self.version)
            }
            PackageType::Gem => Purl::new(ty, None, &self.name, &self.version),
            PackageType::Composer => {
                let lower = self.name.to_lowercase();
                match lower.split_once('/') {
                    Some((vendor, name)) => {
                        Purl::new(ty, Some(vendor.to_owned()), name, &self.version)
                    }
                    None => Purl::new(ty, None, &lower, &self.version),
                }
            }
            PackageType::Nuget => Purl::new(ty, None, &self.name, &self.version),
        };
        if self.kind.is_os() {
            if let Some(a) = &self.arch {
                purl.qualifier("arch", a);
            }
            if let Some(os) = os {
                purl.qualifier("distro", &os.purl_distro());
            }
        }
        purl
    }

    /// Sort key giving a deterministic order: type, name, version, path.
    pub fn sort_key(&self) -> (PackageType, &str, &str, &str, &str) {
        (
            self.kind,
            self.name.as_str(),
            self.version.as_str(),
            self.location.path.as_str(),
            self.purl.as_str(),
        )
    }
}

/// PEP 503 normalisation as purl-spec asks for `pypi`: lower case, runs of `-_.` become `-`.
pub fn normalize_python_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut last_sep = false;
    for c in name.trim().chars() {
        if matches!(c, '-' | '_' | '.') {
            if !last_sep {
                out.push('-');
            }
            last_sep = true;
        } else {
            out.extend(c.to_lowercase());
            last_sep = false;
        }
    }
    out
}

/// Which OS package owns which file path (from dpkg `.list`, apk `F`/`R`, rpm file lists).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileOwnership {
    /// Absolute path → owning OS package name.
    pub files: HashMap<String, String>,
}

impl FileOwnership {
    /// Records that `package` owns `path` (normalised to an absolute path).
    pub fn insert(&mut self, path: &str, package: &str) {
        self.files
            .insert(crate::path::normalize_path(path), package.to_owned());
    }

    /// The OS package owning `path`, if any.
    pub fn owner(&self, path: &str) -> Option<&str> {
        self.files.get(path).map(String::as_str)
    }

    /// Adds all entries of `other` (a later layer wins on conflicts).
    pub fn extend(&mut self, other: FileOwnership) {
        self.files.extend(other.files);
    }

    /// Number of owned paths.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// True when no path is owned.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

/// True for paths naming an archive that can hold other packages (Java, Python wheels/eggs,
/// NuGet, zip).
fn is_archive_path(path: &str) -> bool {
    const EXTS: [&str; 12] = [
        ".jar", ".war", ".ear", ".par", ".sar", ".jpi", ".hpi", ".kar", ".zip", ".whl", ".egg",
        ".nupkg",
    ];
    let lower = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    EXTS.iter().any(|e| lower.ends_with(e))
}

/// Sets [`Package::owned_by_os_package`] on language packages whose evidence file is owned by an
/// OS package (e.g. `python3-yaml` owning `/usr/lib/python3/dist-packages/PyYAML-*.dist-info/METADATA`).
/// Nested paths (`/x.jar/inner.jar`) are checked by their outer file.
pub fn mark_os_owned(packages: &mut [Package], owned: &FileOwnership) {
    if owned.is_empty() {
        return;
    }
    for p in packages.iter_mut().filter(|p| !p.kind.is_os()) {
        let path = p.location.path.as_str();
        let mut owner = owned.owner(path);
        if owner.is_none() {
            // nested archive path (`/app.jar/BOOT-INF/lib/x.jar`): the outer archive decides.
            // Only archive prefixes count: package file lists also name directories
            // (`/usr/local/lib`), and owning a directory says nothing about files put in it.
            owner = path
                .match_indices('/')
                .skip(1)
                .filter_map(|(i, _)| path.get(..i))
                .filter(|prefix| is_archive_path(prefix))
                .find_map(|prefix| owned.owner(prefix));
        }
        if let Some(o) = owner {
            p.owned_by_os_package = Some(o.to_owned());
        }
    }
}

#[cfg(test)]
mod ownership_tests {
    use super::*;

    #[test]
    fn purl_types_map_to_package_types() {
        // The map the SBOM readers used before the ecosystem table.
        let cases = [
            ("deb", PackageType::Deb),
            ("apk", PackageType::Apk),
            ("alpm", PackageType::Apk),
            ("rpm", PackageType::Rpm),
            ("pypi", PackageType::Python),
            ("npm", PackageType::Npm),
            ("golang", PackageType::GoModule),
            ("cargo", PackageType::RustCrate),
            ("maven", PackageType::JavaArchive),
            ("gem", PackageType::Gem),
            ("composer", PackageType::Composer),
            ("nuget", PackageType::Nuget),
        ];
        for (ty, kind) in cases {
            assert_eq!(PackageType::from_purl_type(ty), Some(kind), "{ty}");
        }
        for (ty, kind) in cases.into_iter().filter(|(ty, _)| *ty != "alpm") {
            assert_eq!(kind.purl_type(), ty, "{kind:?}");
        }
        assert_eq!(PackageType::from_purl_type("hex"), None);
        assert_eq!(PackageType::from_purl_type("PyPI"), None);
    }

    #[test]
    fn owned_directories_do_not_own_the_files_put_in_them() {
        let mut owned = FileOwnership::default();
        // dpkg file lists name directories too (base-files, zlib1g, ... list `/usr/local/lib`).
        owned.insert("/usr/local/lib", "base-files");
        owned.insert(
            "/usr/lib/python3/dist-packages/PyYAML-6.0.dist-info/METADATA",
            "python3-yaml",
        );
        owned.insert("/usr/share/java/app.jar", "libapp-java");
        let mut pkgs = vec![
            Package::new(
                PackageType::Python,
                "Django",
                "3.2",
                "/usr/local/lib/python3.11/dist-packages/Django-3.2.dist-info/METADATA",
            ),
            Package::new(
                PackageType::Python,
                "PyYAML",
                "6.0",
                "/usr/lib/python3/dist-packages/PyYAML-6.0.dist-info/METADATA",
            ),
            Package::new(
                PackageType::JavaArchive,
                "inner",
                "1.0",
                "/usr/share/java/app.jar/BOOT-INF/lib/inner-1.0.jar",
            ),
        ];
        mark_os_owned(&mut pkgs, &owned);
        assert_eq!(pkgs[0].owned_by_os_package, None);
        assert_eq!(pkgs[1].owned_by_os_package.as_deref(), Some("python3-yaml"));
        assert_eq!(pkgs[2].owned_by_os_package.as_deref(), Some("libapp-java"));
    }
}
