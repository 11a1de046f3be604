//! Fuzzes `bulwark_sign::fuzzing::certificates` (Sigstore verification inputs).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    bulwark_sign::fuzzing::certificates(data);
});
