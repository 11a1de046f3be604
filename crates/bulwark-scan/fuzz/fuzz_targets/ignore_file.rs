//! Ignore files are user input (`--ignorefile`, `.bulwarkignore.yaml`, `.trivyignore`): both
//! parsers must return rules or an error for any bytes, never panic, and applying the parsed
//! rules to a finding must not panic either.
#![no_main]

use std::path::Path;

use bulwark_report::{Category, Finding, Location, Severity};
use bulwark_scan::ignore::{Date, IgnoreRules};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = Date::parse(text);
    let finding = Finding::new(
        "CVE-2024-0001",
        Severity::High,
        Category::Vulnerability,
        "fuzz",
        Location::file("/app/requirements.txt"),
    )
    .with_property("purl", "pkg:pypi/django@3.2")
    .with_property("aliases", vec!["GHSA-xxxx-yyyy-zzzz"]);
    let today = Date::from_unix_days(20_000);
    for rules in [
        IgnoreRules::parse_yaml(text, Path::new("fuzz.yaml")).ok(),
        Some(IgnoreRules::parse_trivyignore(text, Path::new(".trivyignore"))),
    ]
    .into_iter()
    .flatten()
    {
        for e in &rules.entries {
            let _ = e.matches(&finding);
            let _ = e.expired(today);
        }
    }
});
