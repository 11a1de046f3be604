//! Fuzzes `bulwark_sign::fuzzing::keyless_responses` (identity tokens, Fulcio and Rekor answers).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    bulwark_sign::fuzzing::keyless_responses(data);
});
