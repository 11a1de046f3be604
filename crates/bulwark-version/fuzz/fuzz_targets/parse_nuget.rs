//! Fuzz the NuGet version parser and comparator.
#![no_main]
use bulwark_version::{fuzzing, Scheme};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    fuzzing::parse_version(Scheme::NuGet, data);
    fuzzing::compare_pair(Scheme::NuGet, data);
});
