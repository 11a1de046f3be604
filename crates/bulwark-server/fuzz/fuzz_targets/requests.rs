//! What clients send the server: Harbor scan request bodies, registry notification envelopes
//! and `Accept` headers. Each parser returns a value or a rejection for any bytes, never
//! panics; accepted scan requests name a well-formed image reference.
#![no_main]

use bulwark_server::{harbor, notify};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(scan) = harbor::parse_scan_request(data) {
        assert!(scan.image.contains('@'), "{}", scan.image);
        let _ = harbor::registry_host(&format!("http://{}", scan.registry_host));
    }
    if let Ok(parsed) = notify::parse_envelope(data) {
        for m in parsed.manifests {
            assert!(m.digest.starts_with("sha256:") || m.digest.contains(':'));
        }
    }
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = harbor::report_kind(Some(text));
        let _ = harbor::parse_authorization(text);
        let _ = harbor::registry_host(text);
    }
});
