//! SBOM documents of a scan, the one place every front end writes them (`bulwark image -f
//! cyclonedx|spdx-json`, the server's Harbor SBOM reports): which formats there are, their
//! names, and the document for an inventory with the vulnerabilities a scan kept.

use bulwark_catalog::{
    OsInfo, Package, SbomInput, SbomVulnerability, Subject, write_cyclonedx_with_vulnerabilities,
    write_spdx,
};

use crate::pipeline::ScanResult;

/// An SBOM format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SbomFormat {
    /// SPDX 2.3 JSON (`spdx-json`, `spdx`; `application/spdx+json`).
    Spdx,
    /// CycloneDX 1.6 JSON (`cyclonedx`, `cyclonedx-json`; `application/vnd.cyclonedx+json`).
    CycloneDx,
}

impl SbomFormat {
    /// The format a `--format` name asks for (any case), `None` when it names no SBOM format.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        match name.to_ascii_lowercase().as_str() {
            "cyclonedx" | "cyclonedx-json" => Some(Self::CycloneDx),
            "spdx-json" | "spdx" => Some(Self::Spdx),
            _ => None,
        }
    }
}

/// What an SBOM describes.
#[derive(Debug, Clone, Copy)]
pub struct SbomSubject<'a> {
    /// The image or directory.
    pub subject: &'a Subject,
    /// Its operating system, when known.
    pub os: Option<&'a OsInfo>,
    /// Its packages.
    pub packages: &'a [Package],
}

/// Writes the SBOM of `of` in `format`, stamped `timestamp` (RFC 3339). A CycloneDX document
/// carries `vulnerabilities` (SPDX has no place for them).
#[must_use]
pub fn write(
    format: SbomFormat,
    of: SbomSubject<'_>,
    vulnerabilities: &[SbomVulnerability<'_>],
    timestamp: &str,
) -> String {
    let input = SbomInput {
        subject: of.subject,
        os: of.os,
        packages: of.packages,
        timestamp,
        tool: ("bulwark", env!("CARGO_PKG_VERSION")),
    };
    match format {
        SbomFormat::Spdx => write_spdx(&input),
        SbomFormat::CycloneDx => write_cyclonedx_with_vulnerabilities(&input, vulnerabilities),
    }
}

impl ScanResult {
    /// The SBOM of the scanned inventory, stamped now; CycloneDX carries the vulnerabilities the
    /// policy kept (as `trivy image --format cyclonedx --scanners vuln`), built from the typed
    /// detections ([`ScanResult::sbom_vulnerabilities`]).
    #[must_use]
    pub fn sbom(&self, format: SbomFormat) -> String {
        let inv = &self.inventory;
        write(
            format,
            SbomSubject {
                subject: &inv.subject,
                os: inv.os.as_ref(),
                packages: &inv.packages,
            },
            &self.sbom_vulnerabilities(),
            &crate::time::now_rfc3339(),
        )
    }
}
