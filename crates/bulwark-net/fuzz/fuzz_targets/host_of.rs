//! `host_of` reads URLs a server hands us (token realms, redirects): it must never panic and
//! must return a piece of its input.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let url = String::from_utf8_lossy(data);
    let host = bulwark_net::host_of(&url);
    assert!(url.contains(host));
    assert!(!host.contains('/'));
});
