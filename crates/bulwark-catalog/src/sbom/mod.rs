//! SBOM documents: CycloneDX 1.6 JSON and SPDX 2.3 JSON writers and readers.
