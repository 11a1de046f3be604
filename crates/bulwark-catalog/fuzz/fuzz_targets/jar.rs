#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut out = Vec::new();
    let _ = bulwark_catalog::analyzers::java::parse_archive(data, "/app.jar", 0, &mut out);
});
