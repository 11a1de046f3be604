#![no_main]
use libfuzzer_sys::fuzz_target;
use bulwark_catalog::analyzers::node;

fuzz_target!(|data: &[u8]| {
    let _ = node::parse_package_json(data, "/p");
    let _ = node::parse_package_lock(data, "/p");
    let _ = node::parse_yarn_lock(data, "/p");
    let _ = node::parse_pnpm_lock(data, "/p");
});
