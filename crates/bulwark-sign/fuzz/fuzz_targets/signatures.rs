//! Fuzzes the signature parsers: base64/DER signatures, simple-signing payloads,
//! `.sig` manifests, Rekor bundles, digests and the RFC 8785 canonicaliser.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    bulwark_sign::fuzzing::signatures(data);
});
