//! Arbitrary bytes into the secret scanner's entry points (file, assignment, history).
#![no_main]

use std::sync::OnceLock;

use bulwark_report::Location;
use bulwark_secrets::Scanner;
use libfuzzer_sys::fuzz_target;

fn scanner() -> &'static Scanner {
    static S: OnceLock<Scanner> = OnceLock::new();
    S.get_or_init(|| Scanner::builtin().expect("built-in rules compile"))
}

fuzz_target!(|data: &[u8]| {
    let s = scanner();
    let _ = s.scan_file("etc/app.conf", data);
    let _ = s.scan_file("src/main.rs", data);
    let text = String::from_utf8_lossy(data);
    let _ = s.scan_assignment("DB_PASSWORD", &text, &Location::file("x"));
    let _ = s.scan_created_by(&text, &Location::file("x"));
});
