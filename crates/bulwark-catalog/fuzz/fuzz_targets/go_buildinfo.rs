#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = bulwark_catalog::analyzers::binary::go_buildinfo(data);
    let _ = bulwark_catalog::analyzers::binary::rust_packages(data, "/bin/x");
    let _ = bulwark_catalog::analyzers::binary::parse_auditable(data, "/bin/x");
});
