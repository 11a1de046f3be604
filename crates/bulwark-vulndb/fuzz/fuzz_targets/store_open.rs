//! Fuzz the store reader: arbitrary bytes as a store file must error, never panic.
#![no_main]

use bulwark_vulndb::Store;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let p = std::env::temp_dir().join(format!("bwfuzz-store-{}.bwdb", std::process::id()));
    if std::fs::write(&p, data).is_err() {
        return;
    }
    if let Ok(s) = Store::open(&p) {
        let _ = s.metadata();
        let _ = s.keys();
        let _ = s.lookup("PyPI", "django");
        let _ = s.lookup("Debian:12", "openssl");
    }
});
