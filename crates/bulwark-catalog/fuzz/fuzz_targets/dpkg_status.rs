#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = bulwark_catalog::analyzers::dpkg::parse_status(data, "/var/lib/dpkg/status");
    let mut owned = bulwark_catalog::FileOwnership::default();
    bulwark_catalog::analyzers::dpkg::parse_list(data, "pkg", &mut owned);
});
