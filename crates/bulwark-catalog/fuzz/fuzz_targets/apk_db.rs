#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut owned = bulwark_catalog::FileOwnership::default();
    let _ = bulwark_catalog::analyzers::apk::parse_installed(data, "/lib/apk/db/installed", &mut owned);
});
