//! The OCI-layout signature store: round trip, idempotent append, tamper detection,
//! concurrent writers.

// Test helpers outside #[test] fns get the same unwrap/panic allowance as tests.
#![allow(clippy::unwrap_used, clippy::panic)]

use std::collections::BTreeMap;
use std::fs;
use std::sync::Arc;

use bulwark_sign::manifest::SignatureLayer;
use bulwark_sign::store::REF_NAME_ANNOTATION;
use bulwark_sign::{
    Digest, OciLayoutStore, PrivateKey, SignatureStore, StoreError, VerifyOptions, sign_image,
    verify_image_signatures,
};
use serde_json::Value;

fn image() -> Digest {
    Digest::of(b"{\"schemaVersion\":2}")
}

#[test]
fn sign_then_verify_through_the_layout() {
    let tmp = tempfile::tempdir().unwrap();
    let store = OciLayoutStore::open_or_create(tmp.path()).unwrap();
    let key = PrivateKey::generate();
    let ann = BTreeMap::from([("env".to_owned(), "prod".to_owned())]);

    assert!(store.get_signatures(&image()).unwrap().is_none());
    let (_, added) = sign_image(&store, &key, "registry.example/app", &image(), &ann).unwrap();
    assert!(added);
    // Same key, same payload: ECDSA here is deterministic (RFC 6979), so re-signing is a no-op.
    let (_, added) = sign_image(&store, &key, "registry.example/app", &image(), &ann).unwrap();
    assert!(!added);

    let reopened = OciLayoutStore::open(tmp.path()).unwrap();
    let sigs = reopened.get_signatures(&image()).unwrap().unwrap();
    assert_eq!(sigs.layers.len(), 1);
    let options = VerifyOptions {
        annotations: ann,
        ..VerifyOptions::default()
    };
    let ok = verify_image_signatures(&sigs, &image(), &key.public_key(), &options).unwrap();
    assert_eq!(ok[0].payload.docker_reference, "registry.example/app");
    assert!(
        verify_image_signatures(&sigs, &Digest::of(b"other"), &key.public_key(), &options).is_err()
    );
    assert!(
        verify_image_signatures(
            &sigs,
            &image(),
            &PrivateKey::generate().public_key(),
            &options
        )
        .is_err()
    );

    // index.json tags the manifest the way cosign tags it in a registry.
    let index: Value =
        serde_json::from_slice(&fs::read(tmp.path().join("index.json")).unwrap()).unwrap();
    let entries = index["manifests"].as_array().unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(
        entries[0]["annotations"][REF_NAME_ANNOTATION],
        image().signature_tag()
    );

    // Other images' signatures live beside, not instead.
    sign_image(
        &store,
        &key,
        "registry.example/app",
        &Digest::of(b"x"),
        &BTreeMap::new(),
    )
    .unwrap();
    assert_eq!(
        store
            .get_signatures(&image())
            .unwrap()
            .unwrap()
            .layers
            .len(),
        1
    );
}

#[test]
fn tampered_blob_in_layout_is_detected() {
    let tmp = tempfile::tempdir().unwrap();
    let store = OciLayoutStore::open_or_create(tmp.path()).unwrap();
    let key = PrivateKey::generate();
    let (layer, _) = sign_image(&store, &key, "r/app", &image(), &BTreeMap::new()).unwrap();
    let blob = tmp
        .path()
        .join("blobs/sha256")
        .join(layer.payload_digest().hex());
    let mut bytes = fs::read(&blob).unwrap();
    bytes[3] ^= 1;
    fs::write(&blob, bytes).unwrap();
    let err = store.get_signatures(&image()).unwrap_err();
    assert!(matches!(err, StoreError::Manifest(_)), "{err}");

    fs::remove_file(&blob).unwrap();
    assert!(matches!(
        store.get_signatures(&image()),
        Err(StoreError::MissingBlob { .. })
    ));
}

#[test]
fn not_a_layout_and_bad_index_are_clear_errors() {
    let tmp = tempfile::tempdir().unwrap();
    assert!(matches!(
        OciLayoutStore::open(tmp.path()),
        Err(StoreError::NotALayout { .. })
    ));
    let store = OciLayoutStore::open_or_create(tmp.path()).unwrap();
    fs::write(tmp.path().join("index.json"), b"{\"manifests\": 3}").unwrap();
    let err = store.get_signatures(&image()).unwrap_err();
    assert!(matches!(err, StoreError::Index { .. }), "{err}");
    assert!(err.to_string().contains("index.json"));
}

#[test]
fn concurrent_writers_lose_no_signature() {
    let tmp = tempfile::tempdir().unwrap();
    OciLayoutStore::open_or_create(tmp.path()).unwrap();
    let root = Arc::new(tmp.path().to_path_buf());
    let threads: Vec<_> = (0..6)
        .map(|t| {
            let root = Arc::clone(&root);
            std::thread::spawn(move || {
                // Each thread opens its own store (own lock-file descriptor), like a process.
                let store = OciLayoutStore::open(root.as_path()).unwrap();
                for i in 0..4 {
                    let layer = SignatureLayer::simple_signing(
                        format!("payload-{t}-{i}").into_bytes(),
                        format!("sig-{t}-{i}"),
                        None,
                    );
                    assert!(store.append_signature(&image(), layer).unwrap());
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let store = OciLayoutStore::open(root.as_path()).unwrap();
    let sigs = store.get_signatures(&image()).unwrap().unwrap();
    assert_eq!(sigs.layers.len(), 24);
    let index: Value = serde_json::from_slice(&fs::read(root.join("index.json")).unwrap()).unwrap();
    assert_eq!(index["manifests"].as_array().unwrap().len(), 1);
}

#[test]
fn reads_cosign_save_layouts() {
    // `cosign save` marks roles with a "kind" annotation instead of tags.
    let tmp = tempfile::tempdir().unwrap();
    let store = OciLayoutStore::open_or_create(tmp.path()).unwrap();
    let mut sigs = bulwark_sign::SignatureManifest::new();
    sigs.append(SignatureLayer::simple_signing(
        b"p".to_vec(),
        "s".into(),
        None,
    ));
    for (_, blob) in sigs.blobs() {
        store.write_blob(&blob).unwrap();
    }
    let manifest = sigs.manifest_json();
    let m = store.write_blob(&manifest).unwrap();
    let index = serde_json::json!({
        "schemaVersion": 2,
        "manifests": [
            {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": image().to_string(), "size": 1,
             "annotations": {"kind": "dev.cosignproject.cosign/image"}},
            {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": m.to_string(), "size": manifest.len(),
             "annotations": {"kind": "dev.cosignproject.cosign/sigs"}}
        ]
    });
    fs::write(
        tmp.path().join("index.json"),
        serde_json::to_vec(&index).unwrap(),
    )
    .unwrap();
    assert_eq!(store.get_signatures(&image()).unwrap().unwrap(), sigs);
    assert!(
        store
            .get_signatures(&Digest::of(b"unrelated"))
            .unwrap()
            .is_none()
    );
}

#[test]
fn read_only_layout_is_still_readable() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let store = OciLayoutStore::open_or_create(tmp.path()).unwrap();
    sign_image(
        &store,
        &PrivateKey::generate(),
        "r/app",
        &image(),
        &BTreeMap::new(),
    )
    .unwrap();
    fs::remove_file(tmp.path().join(bulwark_sign::store::LAYOUT_LOCK_FILE)).unwrap();
    fs::set_permissions(tmp.path(), fs::Permissions::from_mode(0o555)).unwrap();
    let readable = OciLayoutStore::open(tmp.path())
        .unwrap()
        .get_signatures(&image());
    // Running as root ignores the mode bits; either way reading must work.
    fs::set_permissions(tmp.path(), fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(readable.unwrap().unwrap().layers.len(), 1);
}
