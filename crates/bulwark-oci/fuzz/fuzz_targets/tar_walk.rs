//! Layer blobs: gzip / zstd / plain tar walking, whiteouts, path normalisation, applier.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| bulwark_oci::fuzzing::tar_walk(data));
