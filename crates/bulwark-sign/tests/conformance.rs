//! Every vector in shared/conformance/cosign/vectors.json behaves as it says.

// Test helpers outside #[test] fns get the same unwrap/panic allowance as tests.
#![allow(clippy::unwrap_used, clippy::panic)]

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use bulwark_sign::keys::KeyEncryption;
use bulwark_sign::manifest::SignatureLayer;
use bulwark_sign::verify::{LayerFailure, verify_layer};
use bulwark_sign::{
    Digest, KeyError, PrivateKey, PublicKey, RekorError, SignatureManifest, SimpleSigningPayload,
    TlogStatus, VerifyOptions, sign_payload, verify_image_signatures, verify_payload,
};
use serde_json::Value;

fn data() -> Option<(PathBuf, Value)> {
    let dir = bulwark_testutil::conformance_dir("cosign")?;
    let vectors = serde_json::from_slice(&fs::read(dir.join("vectors.json")).unwrap()).unwrap();
    Some((dir, vectors))
}

fn read(dir: &Path, rel: &str) -> Vec<u8> {
    fs::read(dir.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn text(dir: &Path, rel: &str) -> String {
    String::from_utf8(read(dir, rel)).unwrap()
}

#[test]
fn key_vectors() {
    let Some((dir, vectors)) = data() else { return };
    let keys = vectors["keys"].as_array().unwrap();
    assert!(keys.len() >= 7);
    for v in keys {
        let file = v["file"].as_str().unwrap();
        let pem = read(&dir, file);
        assert!(
            String::from_utf8_lossy(&pem)
                .contains(&format!("BEGIN {}", v["pem_type"].as_str().unwrap())),
            "{file}"
        );
        let password = v["password"].as_str().unwrap().as_bytes();
        let loaded = PrivateKey::from_encrypted_pem(&pem, password);
        match v["expect"].as_str().unwrap() {
            "ok" => {
                let key = loaded.unwrap_or_else(|e| panic!("{file}: {e}"));
                let want =
                    PublicKey::from_pem(&read(&dir, v["public_key"].as_str().unwrap())).unwrap();
                assert_eq!(key.public_key(), want, "{file}");
                assert_eq!(
                    key.public_key().to_pem(),
                    text(&dir, v["public_key"].as_str().unwrap()),
                    "{file}"
                );
                let sig = sign_payload(&key, b"conformance");
                verify_payload(&want, b"conformance", &sig).unwrap();
            }
            "reject" => {
                let err = loaded.expect_err(file);
                assert!(matches!(err, KeyError::NotPkcs8(_)), "{file}: {err}");
            }
            other => panic!("unknown expectation {other}"),
        }
    }
}

#[test]
fn wrong_password_on_cosign_key_is_decrypt_error() {
    let Some((dir, _)) = data() else { return };
    let pem = read(&dir, "keys/cosign-pemsigstorekey.key");
    let err = PrivateKey::from_encrypted_pem(&pem, b"not-hello").unwrap_err();
    assert!(matches!(err, KeyError::Decrypt), "{err}");
    assert!(err.to_string().contains("wrong password"));
}

#[test]
fn deterministic_key_is_reproduced_byte_for_byte() {
    let Some((dir, _)) = data() else { return };
    let pkcs8_pem = pem_body(&text(&dir, "keys/deterministic-hello.pkcs8.pem"));
    let key = PrivateKey::from_pkcs8_der(&pkcs8_pem).unwrap();
    // Our PKCS#8 encoding is Go's x509.MarshalPKCS8PrivateKey layout.
    assert_eq!(key.to_pkcs8_der().unwrap().as_slice(), pkcs8_pem.as_slice());
    let enc = KeyEncryption {
        salt: [0x07; 32],
        nonce: [0x09; 24],
        scrypt_n: 65_536,
    };
    let pem = key.to_encrypted_pem(b"hello", &enc).unwrap();
    assert_eq!(pem, text(&dir, "keys/deterministic-hello.key"));
    assert_eq!(
        key.public_key().to_pem(),
        text(&dir, "keys/deterministic-hello.pub")
    );
}

fn pem_body(pem: &str) -> Vec<u8> {
    use base64::Engine as _;
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    base64::engine::general_purpose::STANDARD
        .decode(body)
        .unwrap()
}

fn layer_of(dir: &Path, case_dir: &str) -> SignatureLayer {
    let media_type = text(dir, &format!("{case_dir}/layer-media-type.txt"))
        .trim()
        .to_owned();
    let mut layer = SignatureLayer::simple_signing(
        read(dir, &format!("{case_dir}/payload.json")),
        text(dir, &format!("{case_dir}/signature.b64"))
            .trim()
            .to_owned(),
        dir.join(case_dir)
            .join("bundle-annotation.json")
            .exists()
            .then(|| {
                text(dir, &format!("{case_dir}/bundle-annotation.json"))
                    .trim()
                    .to_owned()
            }),
    );
    layer.media_type = media_type;
    layer
}

#[test]
fn simple_signing_vectors() {
    let Some((dir, vectors)) = data() else { return };
    let cases = vectors["simple_signing"].as_array().unwrap();
    assert!(cases.len() >= 7);
    let cosign_pub = PublicKey::from_pem(&read(&dir, "signatures/cosign.pub")).unwrap();
    let mut checked = 0;
    for case in cases {
        let case_dir = case["dir"].as_str().unwrap();
        let expect_ok = case["expect"] == "ok";
        // modified-manifest pairs the signature of another case with this manifest.
        let (layer_dir, image) = if let Some(pair) = case["pair_with"].as_str() {
            let manifest = read(&dir, &format!("{case_dir}/manifest.json"));
            let image = Digest::of(&manifest);
            assert_eq!(image.to_string(), case["manifest_sha256"].as_str().unwrap());
            (pair.to_owned(), image)
        } else {
            let digest = case["docker_manifest_digest"]
                .as_str()
                .map_or_else(|| Digest::of(b"unused"), |d| d.parse().unwrap());
            (case_dir.to_owned(), digest)
        };
        let layer = layer_of(&dir, &layer_dir);
        if let Some(sha) = case["payload_sha256"].as_str() {
            assert_eq!(layer.payload_digest().hex(), sha, "{case_dir}");
        }
        if let (Some(m), None) = (case["manifest_sha256"].as_str(), case["pair_with"].as_str()) {
            assert_eq!(
                Digest::of(&read(&dir, &format!("{case_dir}/manifest.json"))).to_string(),
                m
            );
        }
        let key = case["verify_with"].as_str().map_or_else(
            || cosign_pub.clone(),
            |k| PublicKey::from_pem(&read(&dir, k)).unwrap(),
        );
        let mut options = VerifyOptions::default();
        if let Some(rekor) = case["rekor_public_key"].as_str() {
            options.rekor_key = Some(PublicKey::from_pem(&read(&dir, rekor)).unwrap());
            options.require_tlog = true;
        }
        let result = verify_layer(&layer, &image, &key, &options);
        assert_eq!(result.is_ok(), expect_ok, "{case_dir}: {:?}", result.err());
        if let Ok((payload, _, tlog)) = &result {
            assert_eq!(
                payload.docker_reference,
                case["docker_reference"].as_str().unwrap()
            );
            // Re-encoding the parsed payload gives back the signed bytes: our builder
            // writes cosign's byte layout.
            assert_eq!(payload.to_json(), layer.payload, "{case_dir}");
            if case["rekor_bundle"].is_string() {
                assert!(
                    matches!(
                        tlog,
                        TlogStatus::Verified {
                            log_index: 11_608_800,
                            ..
                        }
                    ),
                    "{tlog:?}"
                );
            } else {
                assert!(matches!(tlog, TlogStatus::NotChecked { .. }));
            }
        }
        match (case_dir, result.err()) {
            ("signatures/unknown-key", Some(e)) => {
                assert!(matches!(e, LayerFailure::Signature(_)), "{e}");
            }
            ("signatures/other-attachment", Some(e)) => {
                assert!(matches!(e, LayerFailure::NotSimpleSigning(_)), "{e}");
            }
            ("signatures/modified-manifest", Some(e)) => assert!(
                matches!(
                    e,
                    LayerFailure::Payload(bulwark_sign::PayloadError::DigestMismatch { .. })
                ),
                "{e}"
            ),
            (_, None) => {}
            (other, Some(e)) => panic!("unexpected rejection of {other}: {e}"),
        }
        checked += 1;
    }
    assert_eq!(checked, cases.len());
}

#[test]
fn two_signature_manifest_verifies_both_and_ignores_attachment() {
    let Some((dir, _)) = data() else { return };
    let key = PublicKey::from_pem(&read(&dir, "signatures/cosign.pub")).unwrap();
    let image: Digest = Digest::of(&read(&dir, "signatures/valid/manifest.json"));
    let mut sigs = SignatureManifest::new();
    assert!(sigs.append(layer_of(&dir, "signatures/valid")));
    assert!(sigs.append(layer_of(&dir, "signatures/valid-2nd-signature")));
    assert!(sigs.append(layer_of(&dir, "signatures/other-attachment")));
    assert!(sigs.append(layer_of(&dir, "signatures/unknown-key")));
    assert!(
        !sigs.append(layer_of(&dir, "signatures/valid")),
        "duplicate must be a no-op"
    );
    let ok = verify_image_signatures(&sigs, &image, &key, &VerifyOptions::default()).unwrap();
    assert_eq!(
        ok.iter().map(|v| v.layer_index).collect::<Vec<_>>(),
        vec![0, 1]
    );

    let modified = Digest::of(&read(&dir, "signatures/modified-manifest/manifest.json"));
    let err =
        verify_image_signatures(&sigs, &modified, &key, &VerifyOptions::default()).unwrap_err();
    assert_eq!(err.failures.len(), 4);
    assert!(err.to_string().contains("no valid signature"));
}

#[test]
fn annotations_must_match_the_payload() {
    let Some((dir, _)) = data() else { return };
    let key = PublicKey::from_pem(&read(&dir, "signatures/cosign.pub")).unwrap();
    let layer = layer_of(&dir, "signatures/valid-with-tag");
    let image: Digest = "sha256:634a8f35b5f16dcf4aaa0822adc0b1964bb786fca12f6831de8ddc45e5986a00"
        .parse()
        .unwrap();
    let mut options = VerifyOptions {
        annotations: BTreeMap::from([(
            "creator".to_owned(),
            "containers/image 5.21.2-dev".to_owned(),
        )]),
        ..VerifyOptions::default()
    };
    verify_layer(&layer, &image, &key, &options).unwrap();
    options.annotations = BTreeMap::from([("creator".to_owned(), "cosign".to_owned())]);
    assert!(verify_layer(&layer, &image, &key, &options).is_err());
}

#[test]
fn rekor_bundle_checks() {
    let Some((dir, _)) = data() else { return };
    let case = "signatures/key-rekor-valid";
    let key = PublicKey::from_pem(&read(&dir, "signatures/cosign2.pub")).unwrap();
    let rekor = PublicKey::from_pem(&read(&dir, "signatures/rekor.pub")).unwrap();
    let layer = layer_of(&dir, case);
    let bundle = layer.bundle_json().unwrap().to_owned();
    let sig = bulwark_sign::signature::decode_signature(layer.signature_b64().unwrap()).unwrap();
    let status = bulwark_sign::verify_bundle(&bundle, &rekor, &layer.payload, &sig, &key).unwrap();
    assert_eq!(
        status,
        TlogStatus::Verified {
            log_index: 11_608_800,
            integrated_time: 1_674_251_859,
            log_id: "c0d23d6ad406973f9559f3ba2d1ca01f84147d8ffc5b8445c224f98b9591801d".into()
        }
    );
    // Without a Rekor key the verdict says so instead of claiming a check.
    let image: Digest = "sha256:0489474da8ea22426ece86ace6c1c0026ab2fd3cdfbbd62b7e94650266c37d9a"
        .parse()
        .unwrap();
    let (_, _, tlog) = verify_layer(&layer, &image, &key, &VerifyOptions::default()).unwrap();
    assert_eq!(
        tlog.describe(),
        "transparency log not checked: no Rekor public key was given"
    );

    // Tampered integratedTime: the SET no longer verifies.
    let tampered = bundle.replace("1674251859", "1674251860");
    assert!(matches!(
        bulwark_sign::verify_bundle(&tampered, &rekor, &layer.payload, &sig, &key),
        Err(RekorError::Set(_))
    ));
    // Another log's key.
    let cosign_pub = PublicKey::from_pem(&read(&dir, "signatures/cosign.pub")).unwrap();
    assert!(matches!(
        bulwark_sign::verify_bundle(&bundle, &cosign_pub, &layer.payload, &sig, &key),
        Err(RekorError::LogId { .. })
    ));
    // Valid SET, but the entry is for another payload / signature / key.
    assert!(matches!(
        bulwark_sign::verify_bundle(&bundle, &rekor, b"other payload", &sig, &key),
        Err(RekorError::Hash { .. })
    ));
    let mut other_sig = sig.clone();
    if let Some(last) = other_sig.last_mut() {
        *last ^= 1;
    }
    assert!(matches!(
        bulwark_sign::verify_bundle(&bundle, &rekor, &layer.payload, &other_sig, &key),
        Err(RekorError::SignatureMismatch)
    ));
    assert!(matches!(
        bulwark_sign::verify_bundle(&bundle, &rekor, &layer.payload, &sig, &cosign_pub),
        Err(RekorError::KeyMismatch { .. })
    ));
    assert!(matches!(
        bulwark_sign::verify_bundle("{", &rekor, &layer.payload, &sig, &key),
        Err(RekorError::Json(_))
    ));
}

#[test]
fn tampered_payload_or_signature_is_rejected() {
    let Some((dir, _)) = data() else { return };
    let key = PublicKey::from_pem(&read(&dir, "signatures/cosign.pub")).unwrap();
    let image: Digest = "sha256:634a8f35b5f16dcf4aaa0822adc0b1964bb786fca12f6831de8ddc45e5986a00"
        .parse()
        .unwrap();
    let good = layer_of(&dir, "signatures/valid");
    verify_layer(&good, &image, &key, &VerifyOptions::default()).unwrap();

    let mut payload_tampered = good.clone();
    payload_tampered.payload = String::from_utf8(good.payload.clone())
        .unwrap()
        .replace("single-sample", "single-sampl3")
        .into_bytes();
    assert!(matches!(
        verify_layer(&payload_tampered, &image, &key, &VerifyOptions::default()),
        Err(LayerFailure::Signature(_))
    ));

    let mut sig_tampered = good.clone();
    let mut der = bulwark_sign::signature::decode_signature(good.signature_b64().unwrap()).unwrap();
    der[10] ^= 0x01;
    use base64::Engine as _;
    sig_tampered.annotations.insert(
        bulwark_sign::manifest::SIGNATURE_ANNOTATION.into(),
        base64::engine::general_purpose::STANDARD.encode(&der),
    );
    assert!(verify_layer(&sig_tampered, &image, &key, &VerifyOptions::default()).is_err());

    let mut truncated = good.clone();
    truncated.annotations.insert(
        bulwark_sign::manifest::SIGNATURE_ANNOTATION.into(),
        "MEYCIQDm".into(),
    );
    assert!(matches!(
        verify_layer(&truncated, &image, &key, &VerifyOptions::default()),
        Err(LayerFailure::Signature(
            bulwark_sign::VerifyError::NotDer { .. }
        ))
    ));

    // The payload parses and names a reference, but our builder also rebuilds it
    // exactly from its parts.
    let parsed = SimpleSigningPayload::parse(&good.payload).unwrap();
    let rebuilt = SimpleSigningPayload::new(
        parsed.docker_reference.clone(),
        parsed.manifest_digest.clone(),
    );
    assert_eq!(rebuilt.to_json(), good.payload);
}
