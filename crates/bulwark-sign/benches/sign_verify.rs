//! Throughput of the hot paths: signing and verifying a simple-signing payload,
//! verifying a whole `.sig` manifest, and decrypting a cosign key (scrypt-bound).

use std::collections::BTreeMap;

use bulwark_sign::keys::KeyEncryption;
use bulwark_sign::{
    Digest, PrivateKey, SignatureLayer, SignatureManifest, SimpleSigningPayload, VerifyOptions,
    sign_payload, verify_image_signatures, verify_payload,
};
use criterion::{Criterion, criterion_group, criterion_main};

fn bench(c: &mut Criterion) {
    let key = PrivateKey::generate();
    let public = key.public_key();
    let image = Digest::of(b"manifest");
    let ann = BTreeMap::from([("env".to_owned(), "prod".to_owned())]);
    let payload = SimpleSigningPayload::new("registry.example/team/app", image.clone())
        .with_annotations(&ann)
        .to_json();
    let sig = sign_payload(&key, &payload);

    c.bench_function("sign_payload", |b| b.iter(|| sign_payload(&key, &payload)));
    c.bench_function("verify_payload", |b| {
        b.iter(|| verify_payload(&public, &payload, &sig));
    });

    let mut sigs = SignatureManifest::new();
    for i in 0..10 {
        let p = SimpleSigningPayload::new(format!("r/app{i}"), image.clone()).to_json();
        let s = sign_payload(&key, &p);
        sigs.append(SignatureLayer::simple_signing(p, s, None));
    }
    c.bench_function("verify_image_signatures_10_layers", |b| {
        b.iter(|| verify_image_signatures(&sigs, &image, &public, &VerifyOptions::default()));
    });

    let enc = KeyEncryption {
        salt: [3; 32],
        nonce: [4; 24],
        scrypt_n: 65_536,
    };
    let pem = key.to_encrypted_pem(b"pw", &enc).unwrap_or_default();
    let mut group = c.benchmark_group("key");
    group.sample_size(10);
    group.bench_function("load_encrypted_key_scrypt_n65536", |b| {
        b.iter(|| PrivateKey::from_encrypted_pem(pem.as_bytes(), b"pw"));
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
