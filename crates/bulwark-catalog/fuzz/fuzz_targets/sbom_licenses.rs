#![no_main]
//! Declared licence strings of any shape through both SBOM writers and back through the
//! reader (SPDX expression classification, LicenseRef allocation, `licenseDeclared` splitting),
//! and PURL strings through the parser and printer.
use bulwark_catalog::sbom::{SbomInput, Subject, SubjectKind};
use bulwark_catalog::{Package, PackageType, read_sbom, write_cyclonedx, write_spdx};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Some(p) = bulwark_catalog::purl::Purl::parse(&text) {
        let _ = p.to_string();
    }
    let mut pkg = Package::new(PackageType::Npm, "x", "1.0.0", "/package.json");
    pkg.licenses = text.split('\n').map(str::to_owned).collect();
    let subject = Subject {
        name: "fuzz".into(),
        kind: SubjectKind::Directory,
        digest: None,
        config_digest: None,
    };
    let packages = [pkg];
    let input = SbomInput {
        subject: &subject,
        os: None,
        packages: &packages,
        timestamp: "2026-01-01T00:00:00Z",
        tool: ("bulwark", "0"),
    };
    for doc in [write_spdx(&input), write_cyclonedx(&input)] {
        let _ = read_sbom(doc.as_bytes(), "fuzz.json");
    }
});
