//! Feeds arbitrary bytes to `check_source` at every level: it must never panic.
#![no_main]

use bulwark_k8s::{Level, Options, PolicyVersion, check_source};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for (level, version) in [
        (Level::Restricted, PolicyVersion::Latest),
        (Level::Baseline, PolicyVersion::V1(18)),
    ] {
        let opts = Options { level, version, ..Options::default() };
        let _ = check_source("fuzz.yaml", data, &opts);
    }
});
