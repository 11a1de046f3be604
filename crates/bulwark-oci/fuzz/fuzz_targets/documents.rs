//! Manifest / index / config JSON, references, digests, platforms, auth challenges.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| bulwark_oci::fuzzing::documents(data));
