//! Fuzz `PackageQuery::from_purl` (SBOM input): never panic; an accepted purl names an
//! ecosystem of the ecosystem table and carries the version it was given.
#![no_main]

use bulwark_vulndb::{EcosystemKey, PackageQuery};
use libfuzzer_sys::fuzz_target;

fn check(purl: &str) {
    if let Some(q) = PackageQuery::from_purl(purl) {
        assert!(
            bulwark_version::Ecosystem::lookup(&q.ecosystem).is_some(),
            "{purl}: {}",
            q.ecosystem
        );
        let _ = EcosystemKey::for_query(&q.ecosystem, q.release.as_deref()).index_key();
    }
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    check(&text);
    // Most inputs lack the scheme and a type; also try them under the distro types.
    for ty in ["pkg:deb/debian/", "pkg:rpm/redhat/", "pkg:maven/"] {
        check(&format!("{ty}{text}"));
    }
});
