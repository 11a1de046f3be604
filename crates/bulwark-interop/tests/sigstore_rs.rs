//! Bulwark ⇄ sigstore-rs: encrypted keys and ECDSA P-256 signatures over simple-signing
//! payloads must be accepted in both directions.

use base64::Engine as _;
use bulwark_sign::{Digest, PrivateKey, PublicKey, SimpleSigningPayload, sign_payload};
use sigstore::crypto::signing_key::SigStoreKeyPair;
use sigstore::crypto::{CosignVerificationKey, Signature, SigningScheme};

fn payload() -> Vec<u8> {
    let mut annotations = std::collections::BTreeMap::new();
    annotations.insert("env".to_owned(), "prod".to_owned());
    SimpleSigningPayload::new(
        "registry.example/team/app",
        Digest::of(b"an image manifest"),
    )
    .with_annotations(&annotations)
    .to_json()
}

#[test]
fn bulwark_generated_key_loads_in_sigstore_rs() {
    let pair = bulwark_sign::generate_key_pair(b"pw").unwrap();
    let theirs = SigStoreKeyPair::from_encrypted_pem(pair.private_pem.as_bytes(), b"pw")
        .expect("sigstore-rs decrypts a bulwark cosign.key");
    // sigstore-rs writes CRLF PEM line ends; the key bytes are what must agree.
    let their_pub = theirs.public_key_to_pem().unwrap().replace("\r\n", "\n");
    assert_eq!(
        PublicKey::from_pem(their_pub.as_bytes())
            .unwrap()
            .to_spki_der(),
        PublicKey::from_pem(pair.public_pem.as_bytes())
            .unwrap()
            .to_spki_der()
    );
    // and a wrong password is refused by sigstore-rs too
    assert!(SigStoreKeyPair::from_encrypted_pem(pair.private_pem.as_bytes(), b"nope").is_err());
}

#[test]
fn bulwark_empty_password_key_loads_in_sigstore_rs() {
    let pair = bulwark_sign::generate_key_pair(b"").unwrap();
    SigStoreKeyPair::from_encrypted_pem(pair.private_pem.as_bytes(), b"")
        .expect("sigstore-rs decrypts a key with the empty password");
}

#[test]
fn bulwark_signature_verifies_with_sigstore_rs() {
    let pair = bulwark_sign::generate_key_pair(b"pw").unwrap();
    let key = PrivateKey::from_encrypted_pem(pair.private_pem.as_bytes(), b"pw").unwrap();
    let payload = payload();
    let sig = sign_payload(&key, &payload);
    let vk = CosignVerificationKey::try_from_pem(pair.public_pem.as_bytes()).unwrap();
    vk.verify_signature(Signature::Base64Encoded(sig.as_bytes()), &payload)
        .expect("sigstore-rs verifies the bulwark signature");
    let mut tampered = payload.clone();
    tampered.push(b' ');
    assert!(
        vk.verify_signature(Signature::Base64Encoded(sig.as_bytes()), &tampered)
            .is_err()
    );
}

#[test]
fn sigstore_rs_key_and_signature_are_accepted_by_bulwark() {
    let theirs = SigningScheme::ECDSA_P256_SHA256_ASN1
        .create_signer()
        .unwrap()
        .to_sigstore_keypair()
        .unwrap();
    let enc = theirs.private_key_to_encrypted_pem(b"pw2").unwrap();
    let key = PrivateKey::from_encrypted_pem(enc.as_bytes(), b"pw2")
        .expect("bulwark decrypts a sigstore-rs encrypted key");
    let their_pub = theirs.public_key_to_pem().unwrap().replace("\r\n", "\n");
    let public = PublicKey::from_pem(their_pub.as_bytes()).unwrap();
    assert_eq!(
        key.public_key().to_spki_der(),
        public.to_spki_der(),
        "same key pair on both sides"
    );

    let payload = payload();
    let signer = theirs
        .to_sigstore_signer(&SigningScheme::ECDSA_P256_SHA256_ASN1)
        .unwrap();
    let der = signer.sign(&payload).unwrap();
    bulwark_sign::signature::verify_der(&public, &payload, &der)
        .expect("bulwark verifies the sigstore-rs signature");
    let b64 = base64::engine::general_purpose::STANDARD.encode(&der);
    bulwark_sign::verify_payload(&public, &payload, &b64)
        .expect("bulwark verifies the base64 form cosign stores");
    assert!(bulwark_sign::verify_payload(&public, b"other payload", &b64).is_err());
}
