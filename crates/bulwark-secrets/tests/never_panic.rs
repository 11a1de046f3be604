//! Arbitrary bytes into every entry point: no panic, and no finding ever carries the raw match.
//! This is also the body of the cargo-fuzz target in `fuzz/` (nightly is not available here).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers outside #[test] fns

use bulwark_report::Location;
use bulwark_secrets::Scanner;
use proptest::prelude::*;

fn scanner() -> &'static Scanner {
    static S: std::sync::OnceLock<Scanner> = std::sync::OnceLock::new();
    S.get_or_init(|| Scanner::builtin().unwrap())
}

/// Fragments that steer random input into the rules' interesting paths.
fn fragment() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..64),
        Just(b"-----BEGIN RSA PRIVATE KEY-----\n".to_vec()),
        Just(b"-----END RSA PRIVATE KEY-----".to_vec()),
        Just(b"password=".to_vec()),
        Just(b"\"auths\": {\"auth\": \"".to_vec()),
        Just(b"eyJhbGciOiJIUzI1NiJ9.eyJ".to_vec()),
        Just(b"postgres://u:".to_vec()),
        Just(b"AKIA".to_vec()),
        Just(b"ghp_".to_vec()),
        Just(b"\\n".to_vec()),
        Just("é\n".as_bytes().to_vec()),
        "[A-Za-z0-9+/=]{0,80}".prop_map(String::into_bytes),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn scan_never_panics(parts in proptest::collection::vec(fragment(), 0..24)) {
        let data: Vec<u8> = parts.concat();
        for f in scanner().scan_file("etc/app.conf", &data) {
            prop_assert!(f.location.line.unwrap_or(0) >= 1);
            prop_assert!(f.location.column.unwrap_or(0) >= 1);
        }
        let _ = scanner().scan_file("src/main.rs", &data);
        let text = String::from_utf8_lossy(&data);
        let _ = scanner().scan_assignment("DB_PASSWORD", &text, &Location::file("x"));
        let _ = scanner().scan_created_by(&text, &Location::file("x"));
    }

    #[test]
    fn redaction_hides_the_middle(secret in "[ -~]{8,200}") {
        let r = bulwark_secrets::Redacted::new(secret.as_bytes());
        let n = secret.chars().count();
        prop_assert!(r.as_str().chars().filter(|c| *c != '*').count() <= 6);
        prop_assert!(r.as_str().chars().filter(|c| *c != '*').count() <= n / 4 + n / 8);
    }
}
