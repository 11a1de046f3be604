//! Fuzz the SemVer version parser and comparator.
#![no_main]
use bulwark_version::{fuzzing, Scheme};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    fuzzing::parse_version(Scheme::SemVer, data);
    fuzzing::compare_pair(Scheme::SemVer, data);
});
