#![no_main]
//! Parses arbitrary bytes; the parser must never panic.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = bulwark_dockerfile::parse_bytes(data);
});
