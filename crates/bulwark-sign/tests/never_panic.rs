//! Never-panic properties for every parser of untrusted input (the same bodies the
//! cargo-fuzz targets in `fuzz/` run), plus structured mutations of valid inputs.

// Test helpers outside #[test] fns get the same unwrap/panic allowance as tests.
#![allow(clippy::unwrap_used, clippy::panic)]

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use bulwark_sign::fuzzing;
use bulwark_sign::{PrivateKey, SignatureLayer, SignatureManifest};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn key_parsers_never_panic(data in proptest::collection::vec(any::<u8>(), 0..512)) {
        fuzzing::keys(&data);
    }

    #[test]
    fn signature_parsers_never_panic(data in proptest::collection::vec(any::<u8>(), 0..512)) {
        fuzzing::signatures(&data);
    }

    #[test]
    fn pem_wrapped_garbage_is_an_error(body in proptest::collection::vec(any::<u8>(), 0..300)) {
        let pem = format!(
            "-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n{}\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n",
            B64.encode(&body)
        );
        prop_assert!(PrivateKey::from_encrypted_pem(pem.as_bytes(), b"").is_err());
        let pem = format!("-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n", B64.encode(&body));
        prop_assert!(bulwark_sign::PublicKey::from_pem(pem.as_bytes()).is_err());
    }

    #[test]
    fn envelope_with_arbitrary_fields_is_refused_cleanly(
        n in prop_oneof![Just(1u64), Just(16_384u64), Just(262_144u64), any::<u64>()],
        r in any::<u32>(),
        p in any::<u32>(),
        salt in proptest::collection::vec(any::<u8>(), 0..40),
        nonce in proptest::collection::vec(any::<u8>(), 0..40),
        ct in proptest::collection::vec(any::<u8>(), 0..200),
    ) {
        // Only r=8, p=1 with N in {32768, 65536, 131072} would reach scrypt; those are
        // excluded here so the property stays fast and every case must fail early.
        prop_assume!(!(r == 8 && p == 1 && matches!(n, 32_768 | 65_536 | 131_072)));
        let json = format!(
            r#"{{"kdf":{{"name":"scrypt","params":{{"N":{n},"r":{r},"p":{p}}},"salt":"{}"}},"cipher":{{"name":"nacl/secretbox","nonce":"{}"}},"ciphertext":"{}"}}"#,
            B64.encode(&salt), B64.encode(&nonce), B64.encode(&ct)
        );
        let pem = format!(
            "-----BEGIN ENCRYPTED COSIGN PRIVATE KEY-----\n{}\n-----END ENCRYPTED COSIGN PRIVATE KEY-----\n",
            B64.encode(json.as_bytes())
        );
        let err = PrivateKey::from_encrypted_pem(pem.as_bytes(), b"x").unwrap_err();
        prop_assert!(matches!(err, bulwark_sign::KeyError::ScryptParams { .. }), "{}", err);
    }

    #[test]
    fn mutated_manifest_bytes_never_panic(flip in any::<usize>(), byte in any::<u8>(), cut in any::<usize>()) {
        let mut sigs = SignatureManifest::new();
        sigs.append(SignatureLayer::simple_signing(b"{}".to_vec(), "c2ln".into(), Some("{}".into())));
        let mut bytes = sigs.manifest_json();
        let len = bytes.len();
        bytes[flip % len] = byte;
        bytes.truncate(cut % (len + 1));
        fuzzing::signatures(&bytes);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn sigstore_parsers_never_panic(data in proptest::collection::vec(any::<u8>(), 0..512)) {
        fuzzing::sigstore_bundles(&data);
        fuzzing::certificates(&data);
        fuzzing::trust_roots(&data);
        fuzzing::keyless_responses(&data);
    }
}
