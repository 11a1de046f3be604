//! Arbitrary bytes as a secret configuration file, YAML and JSON: parsing must return a
//! configuration or an error naming the file, never panic or blow up (alias bombs, deep
//! nesting); a parsed configuration must build a scanner or fail with an error.
#![no_main]

use std::path::Path;

use bulwark_secrets::{ConfigFormat, Scanner, SecretConfig};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    for format in [ConfigFormat::Yaml, ConfigFormat::Json] {
        if let Ok(config) = SecretConfig::parse_as(format, &text) {
            // Keep regex compilation bounded: huge custom regexes are a config author's choice.
            if config.rules.iter().all(|r| r.regex.len() < 256) {
                let _ = Scanner::new(&config);
            }
        }
    }
    if let Err(e) = SecretConfig::parse(Path::new("fuzz.conf"), &text) {
        assert!(e.to_string().starts_with("secret config fuzz.conf: "));
    }
});
