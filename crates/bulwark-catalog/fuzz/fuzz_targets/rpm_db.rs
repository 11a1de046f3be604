#![no_main]
use libfuzzer_sys::fuzz_target;
use bulwark_catalog::analyzers::rpm::{bdb, header, ndb};

fuzz_target!(|data: &[u8]| {
    let _ = header::rpm_info(data);
    for v in bdb::values(data).unwrap_or_default() {
        let _ = header::rpm_info(&v);
    }
    for v in ndb::values(data).unwrap_or_default() {
        let _ = header::rpm_info(&v);
    }
});
