//! Operator files: the API key file and the verdict policy (YAML or JSON). Any text gives keys
//! or a line-numbered error, a policy or an error; never a panic.
#![no_main]

use bulwark_server::{auth::ApiKeys, policy};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match ApiKeys::parse(text) {
        Ok(keys) => {
            let first = text.split_whitespace().next().unwrap_or("");
            let _ = keys.check(first);
        }
        Err(e) => assert!(e.line >= 1),
    }
    let _ = policy::parse_policy(text, std::path::Path::new("/nonexistent-policy-dir"));
});
