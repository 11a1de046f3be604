//! Fuzzes the Sigstore bundle parser and verifier, in-toto statements, bundle referrer
//! manifests, the referrers tag-schema index, certificate key extraction and Rekor
//! `dsse`/`hashedrekord` entry bodies.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    bulwark_sign::fuzzing::bundles(data);
});
