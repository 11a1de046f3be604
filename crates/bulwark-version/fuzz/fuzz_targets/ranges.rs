//! Fuzz range / requirement parsing and evaluation.
#![no_main]
use bulwark_version::fuzzing;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    fuzzing::parse_ranges(data);
});
