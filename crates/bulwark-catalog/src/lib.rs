//! Package inventory for Bulwark: analyzers that turn files of an image layer or a directory into
//! OS information and packages (dpkg, apk, rpm, Python, Node, Go and Rust binaries, Java archives,
//! Ruby, PHP, .NET), the package model with Package URLs, and CycloneDX 1.6 / SPDX 2.3 JSON
//! writers and readers.
//!
//! Everything here is a pure function over `(path, bytes)`: image and layer I/O belong to
//! `bulwark-oci`. The caller walks each layer once, asks [`Analyzers::required`] for every entry,
//! collects the wanted files into a [`LayerFiles`] batch and calls [`Analyzers::analyze_layer`].

pub mod analyzer;
pub mod analyzers;
pub mod error;
pub mod model;
pub mod path;
pub mod purl;
pub mod registry;
pub mod sbom;

pub use sbom::{
    SbomDocument, SbomError, SbomFormat, SbomInput, SbomVulnerability, Subject, SubjectKind,
    read_sbom, write_cyclonedx, write_cyclonedx_with_vulnerabilities, write_spdx,
};

pub use analyzer::{Analyzer, AnalyzerOutput, EntryMeta, FileEntry, LayerFiles, ScanMode};
pub use analyzers::os::OS_RELEASE_FILES;
pub use error::AnalyzeError;
pub use model::{FileOwnership, Location, OsInfo, Package, PackageType, mark_os_owned};
pub use registry::{Analyzers, LayerAnalysis, LayerInventory};
