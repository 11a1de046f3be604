//! Arbitrary bytes as a secret configuration file, YAML and JSON: parsing must return a
//! configuration or an error naming the file, never panic or blow up (alias bombs, deep
//! nesting); a parsed configuration must build a scanner or fail with an error, and that
//! scanner (per-rule allow rules, exclude blocks) must scan the input itself without panicking.
#![no_main]

use std::path::Path;

use bulwark_secrets::{AllowRule, ConfigFormat, ExcludeBlock, Scanner, SecretConfig};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    for format in [ConfigFormat::Yaml, ConfigFormat::Json] {
        if let Ok(config) = SecretConfig::parse_as(format, &text) {
            // Keep regex compilation bounded: huge custom regexes are a config author's choice.
            let short = |re: &String| re.len() < 256;
            let allow_short = |a: &AllowRule| a.regex.as_ref().is_none_or(short);
            let block_short =
                |b: &Option<ExcludeBlock>| b.as_ref().is_none_or(|b| b.regexes.iter().all(short));
            let bounded = config.rules.iter().all(|r| {
                short(&r.regex)
                    && r.allow_rules.iter().all(allow_short)
                    && block_short(&r.exclude_block)
            }) && config.allow_rules.iter().all(allow_short)
                && block_short(&config.exclude_block);
            if bounded && let Ok(scanner) = Scanner::new(&config) {
                // Exercise the per-rule and global allow rules and exclude blocks on the input.
                let _ = scanner.scan_file("fuzz/app.env", data);
            }
        }
    }
    if let Err(e) = SecretConfig::parse(Path::new("fuzz.conf"), &text) {
        assert!(e.to_string().starts_with("secret config fuzz.conf: "));
    }
});
