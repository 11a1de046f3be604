//! A warm per-layer cache never stands in for a blob that was not checked: a `docker save`
//! archive whose layer was tampered with after a scan cached it (the config still claiming the
//! genuine diff id) is rejected with the cache as it is without it.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use bulwark_scan::{LayerCache, ScanError, ScanOptions, scan_image};
use bulwark_testutil::image::{DockerArchive, Layer};

const METADATA: &str = "Metadata-Version: 2.1\nName: urllib3\nVersion: 1.26.4\n";
const SITE: &str = "usr/local/lib/python3.11/site-packages/urllib3-1.26.4.dist-info";

fn archive() -> DockerArchive {
    DockerArchive::new(vec![
        Layer::new().file("etc/os-release", "ID=debian\nVERSION_ID=\"12\"\n"),
        Layer::new().file(&format!("{SITE}/METADATA"), METADATA),
    ])
}

fn versions(inv: &bulwark_scan::Inventory) -> Vec<String> {
    inv.packages
        .iter()
        .map(|p| format!("{}@{}", p.name, p.version))
        .collect()
}

#[test]
fn tampered_archive_is_rejected_with_a_warm_cache() {
    let dir = tempfile::tempdir().unwrap();
    let path = archive().write(dir.path(), "image.tar");
    let cached = ScanOptions {
        cache: Some(LayerCache::new(&dir.path().join("cache"))),
        ..ScanOptions::default()
    };

    // Warm the cache, and show that a second scan is answered from it.
    let genuine = bulwark_oci::open_input(&path, None, None).unwrap();
    let first = scan_image(&genuine, &cached).unwrap();
    assert_eq!(versions(&first), ["urllib3@1.26.4"]);
    let second = scan_image(&genuine, &cached).unwrap();
    assert!(
        second.layers.iter().all(|l| l.cached),
        "{:?}",
        second.layers
    );

    // Same length, other bytes: the layer tar no longer hashes to the diff id the config and
    // the manifest name, but nothing else about the archive changes.
    let mut bytes = std::fs::read(&path).unwrap();
    let at = bytes
        .windows(15)
        .position(|w| w == b"Version: 1.26.4")
        .unwrap();
    bytes[at..at + 15].copy_from_slice(b"Version: 9.99.9");
    std::fs::write(&path, bytes).unwrap();
    let tampered = bulwark_oci::open_input(&path, None, None).unwrap();

    let no_cache = scan_image(&tampered, &ScanOptions::default());
    assert!(
        matches!(
            no_cache,
            Err(ScanError::Oci(bulwark_oci::OciError::DigestMismatch { .. }))
        ),
        "{no_cache:?}"
    );
    let warm = scan_image(&tampered, &cached);
    let err = match warm {
        Err(ScanError::Oci(e @ bulwark_oci::OciError::DigestMismatch { .. })) => e.to_string(),
        other => panic!("a warm cache must not accept the tampered layer: {other:?}"),
    };
    assert!(err.contains("layer #1"), "names the layer: {err}");

    // Put back, the genuine archive is answered from the cache again.
    let path = archive().write(dir.path(), "image.tar");
    let again = bulwark_oci::open_input(&path, None, None).unwrap();
    let third = scan_image(&again, &cached).unwrap();
    assert_eq!(versions(&third), ["urllib3@1.26.4"]);
    assert!(third.layers.iter().all(|l| l.cached));
}
