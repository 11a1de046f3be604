//! Fuzzes `bulwark_sign::tuf::fuzz_metadata`: TUF root/timestamp/snapshot/targets parsing,
//! signature checks, meta/target/delegation accessors and path pattern matching.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    bulwark_sign::tuf::fuzz_metadata(data);
});
