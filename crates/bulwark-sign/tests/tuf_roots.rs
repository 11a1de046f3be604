//! The TUF roots embedded in the binary are the ones sigstore-python 4.5.1 ships (in the
//! conformance folder), parse as TUF root metadata, and carry a threshold of valid
//! signatures from their own root keys.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use bulwark_sign::tuf::{self, Metadata, check_self_signed};

#[test]
fn embedded_tuf_roots_match_the_conformance_copies_and_verify_themselves() {
    let Some(dir) = bulwark_testutil::conformance_dir("sigstore") else {
        return;
    };
    for (name, embedded) in [
        ("production", tuf::PRODUCTION_TUF_ROOT),
        ("staging", tuf::STAGING_TUF_ROOT),
    ] {
        let shipped =
            std::fs::read(dir.join(format!("trusted-roots/{name}.tuf-root.json"))).unwrap();
        assert_eq!(
            embedded,
            shipped.as_slice(),
            "{name}: embedded copy differs"
        );
        let root = Metadata::parse(embedded, "root", name).unwrap();
        check_self_signed(&root, name).unwrap();
        let keys = root.root_keys(name).unwrap();
        let role = root.root_role("root", name).unwrap();
        // Every root key of these repositories is a supported (P-256) key.
        assert!(
            role.keyids
                .iter()
                .all(|k| matches!(keys.get(k), Some(Some(_)))),
            "{name}"
        );
        assert!(role.threshold >= 2, "{name}: threshold {}", role.threshold);
        assert!(root.consistent_snapshot());
    }
}

#[test]
fn a_tampered_tuf_root_no_longer_verifies_itself() {
    let text = String::from_utf8(tuf::PRODUCTION_TUF_ROOT.to_vec()).unwrap();
    // Raise the version: the signed bytes change, every signature fails.
    let tampered = text.replacen("\"version\": 15", "\"version\": 16", 1);
    assert_ne!(
        text, tampered,
        "the embedded root is no longer version 15: update the test"
    );
    let root = Metadata::parse(tampered.as_bytes(), "root", "tampered").unwrap();
    let err = check_self_signed(&root, "tampered").unwrap_err();
    assert_eq!(err.kind, tuf::TufErrorKind::Signature);
    assert!(
        err.detail.contains("0 valid signature(s)"),
        "{}",
        err.detail
    );
}

#[test]
fn tuf_metadata_parsing_never_panics_on_garbage() {
    for data in [
        &b""[..],
        b"{}",
        b"{\"signed\": {\"_type\": \"root\"}, \"signatures\": []}",
        b"{\"signed\": {\"_type\": \"targets\", \"spec_version\": \"1.0\", \"version\": 1, \"expires\": \"2030-01-01T00:00:00Z\", \"targets\": {\"trusted_root.json\": {\"length\": 1, \"hashes\": {\"sha256\": 5}}}, \"delegations\": {\"keys\": {}, \"roles\": [{\"name\": \"x\", \"keyids\": [], \"threshold\": 0}]}}, \"signatures\": [{\"keyid\": \"a\", \"sig\": \"zz\"}]}",
        tuf::PRODUCTION_TUF_ROOT,
        tuf::STAGING_TUF_ROOT,
    ] {
        tuf::fuzz_metadata(data);
    }
}
