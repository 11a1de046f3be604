#![no_main]
//! Tokenizes arbitrary scripts; never panics, offsets stay inside the input.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(script) = std::str::from_utf8(data) {
        let parsed = bulwark_shell::parse_shell(script);
        for c in &parsed.commands {
            assert!(c.offset <= script.len());
            let _ = c.with_wrapped();
        }
    }
});
