//! Every parser of untrusted input, fed arbitrary bytes (and mutated real inputs), must return —
//! never panic. This runs the same bodies as the cargo-fuzz targets in fuzz/ (nightly-only).

#![allow(clippy::expect_used, clippy::panic)] // test helpers outside #[test] fns

use bulwark_catalog::analyzers::{
    apk, binary, cargo, dotnet, dpkg, java, node, os, php, python, rpm, ruby,
};
use bulwark_catalog::model::FileOwnership;
use bulwark_catalog::{Analyzers, EntryMeta, LayerFiles, ScanMode, read_sbom};
use proptest::prelude::*;

fn all_parsers(data: &[u8]) {
    let mut owned = FileOwnership::default();
    let _ = dpkg::parse_status(data, "/s");
    dpkg::parse_list(data, "p", &mut owned);
    let _ = apk::parse_installed(data, "/a", &mut owned);
    let _ = rpm::header::rpm_info(data);
    let _ = rpm::bdb::values(data);
    let _ = rpm::ndb::values(data);
    let _ = binary::go_buildinfo(data);
    let _ = binary::parse_auditable(data, "/b");
    let _ = binary::rust_packages(data, "/b");
    let _ = node::parse_package_json(data, "/n");
    let _ = node::parse_package_lock(data, "/n");
    let _ = node::parse_yarn_lock(data, "/n");
    let _ = node::parse_pnpm_lock(data, "/n");
    let _ = python::parse_metadata(data, "/p");
    let _ = python::parse_requirements(data, "/p");
    let _ = python::parse_toml_lock(data, "/p");
    let _ = python::parse_pipfile_lock(data, "/p");
    let _ = ruby::parse_gemspec(data, "/r");
    let _ = ruby::parse_gemfile_lock(data, "/r");
    let _ = php::parse_composer(data, "/c");
    let _ = dotnet::parse_deps_json(data, "/d");
    let _ = cargo::parse_cargo_lock(data, "/c");
    let _ = java::parse_archive(data, "/j.jar", 0, &mut Vec::new());
    let text = String::from_utf8_lossy(data);
    let _ = os::parse_os_release(&text);
    let _ = os::parse_redhat_release(&text);
    let _ = bulwark_catalog::purl::Purl::parse(&text);
    let _ = bulwark_catalog::purl::decode(&text);
    let _ = read_sbom(data, "x");
    let _ = java::name_version_from_file(&text);
}

fn seeds() -> Vec<Vec<u8>> {
    let dir = format!("{}/tests/fixtures", env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    let mut stack = vec![std::path::PathBuf::from(dir)];
    while let Some(p) = stack.pop() {
        if p.is_dir() {
            for e in std::fs::read_dir(&p).into_iter().flatten().flatten() {
                stack.push(e.path());
            }
        } else if let Ok(d) = std::fs::read(&p) {
            out.push(d);
        }
    }
    out.sort();
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, .. ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes(data in proptest::collection::vec(any::<u8>(), 0..2048)) {
        all_parsers(&data);
    }

    #[test]
    fn mutated_fixtures(seed in any::<prop::sample::Index>(), flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..16), cut in any::<prop::sample::Index>()) {
        let seeds = seeds();
        let mut data = seed.get(&seeds).clone();
        if !data.is_empty() {
            for (i, b) in &flips {
                let at = i.index(data.len());
                data[at] = *b;
            }
            let keep = cut.index(data.len() + 1);
            let truncated = data[..keep].to_vec();
            all_parsers(&truncated);
        }
        all_parsers(&data);
    }

    #[test]
    fn registry_required_and_analyze(path in "[a-zA-Z0-9_./@:-]{0,80}", mode in any::<u32>(), data in proptest::collection::vec(any::<u8>(), 0..512)) {
        for reg in [Analyzers::default(), Analyzers::for_mode(ScanMode::Filesystem)] {
            let meta = EntryMeta { size: data.len() as u64, mode };
            if reg.required(&path, &meta) {
                let mut b = LayerFiles::new();
                b.insert(&path, meta, data.clone());
                let _ = reg.analyze_layer(&b);
            }
        }
    }
}

#[test]
fn rpm_header_with_huge_counts_is_rejected() {
    // il/dl claim far more than the blob holds
    let blob = [0u8, 0, 0, 9, 0, 0, 0x10, 0, 0, 0, 3, 0xe8, 0, 0, 0, 6];
    assert!(rpm::header::rpm_info(&blob).is_err());
    // an index entry whose offset points outside the store yields no string, no panic
    let mut b = vec![0, 0, 0, 1, 0, 0, 0, 4];
    b.extend_from_slice(&[
        0, 0, 3, 0xe8, 0, 0, 0, 6, 0x7f, 0xff, 0xff, 0xff, 0, 0, 0, 1,
    ]);
    b.extend_from_slice(b"abc\0");
    assert_eq!(rpm::header::rpm_info(&b), Ok(None));
}
