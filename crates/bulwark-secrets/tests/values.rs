//! `Scanner::scan_assignment`, `scan_env`, `scan_labels`, `scan_created_by`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers outside #[test] fns

use bulwark_report::Location;
use bulwark_secrets::Scanner;
use bulwark_secrets::values::SECRET_IN_VARIABLE;

fn s() -> Scanner {
    Scanner::builtin().unwrap()
}

fn loc() -> Location {
    Location::at("Dockerfile", 7, Some(1))
}

#[test]
fn secret_looking_names_with_literal_values() {
    let value = ["Zr8", "qL2vX"].concat();
    let f = s().scan_assignment("DB_PASSWORD", &value, &loc());
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].rule_id, SECRET_IN_VARIABLE);
    assert_eq!(f[0].location, loc());
    assert!(!format!("{f:?}").contains(&value));
    // Dictionary-ish but literal: reported (the name says it is a password).
    assert_eq!(
        s().scan_assignment("ADMIN_TOKEN", "letmein", &loc()).len(),
        1
    );
}

#[test]
fn placeholders_and_non_secret_names_are_quiet() {
    for (k, v) in [
        ("DB_PASSWORD", ""),
        ("DB_PASSWORD", "${DB_PASSWORD}"),
        ("DB_PASSWORD", "$DB_PASSWORD"),
        ("DB_PASSWORD", "changeme"),
        ("DB_PASSWORD_FILE", "/run/secrets/db"),
        ("MYSQL_ALLOW_EMPTY_PASSWORD", "yes"),
        ("MYSQL_RANDOM_ROOT_PASSWORD", "1"),
        ("API_TOKEN", "<token>"),
        ("GPG_KEY", "A035C8C19219BA821ECEA86B64E628F8D684696D"),
        (
            "PYTHON_SHA256",
            "8d5e4b3f7a0c1e2d9b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c",
        ),
        ("PATH", "/usr/local/sbin:/usr/local/bin"),
        ("NODE_VERSION", "20.11.1"),
        ("TOKEN_URL", "https://auth.internal/token"),
    ] {
        let f = s().scan_assignment(k, v, &loc());
        assert!(f.is_empty(), "{k}={v}: {f:?}");
    }
}

#[test]
fn vendor_tokens_in_any_variable() {
    let tok = ["sk_live_", "Q9zL2mX0vTb7NcW4rK8yPd3s"].concat();
    let f = s().scan_assignment("PAYMENTS", &tok, &loc());
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].rule_id, "stripe-secret-token");
    let url = ["postgres://app:", "Zr8qL2vX9pT", "@db.internal/app"].concat();
    let f = s().scan_assignment("DATABASE_URL", &url, &loc());
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].rule_id, "database-url-password");
}

#[test]
fn env_list_points_at_entries() {
    let env = vec![
        "PATH=/usr/bin".to_string(),
        ["NPM_TOKEN=npm_", "Q9zL2mX0vTb7NcW4rK8yPd3sHf6JgA1eUi5o"].concat(),
        "EMPTY".to_string(),
    ];
    let f = s().scan_env(&env, "image:Env");
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].rule_id, "npm-access-token");
    assert_eq!(f[0].location.line, Some(2));
}

#[test]
fn labels_and_history() {
    let labels = [
        ("maintainer", "ops@example.org"),
        ("ci.secret", "Zr8qL2vX9pT"),
    ];
    let f = s().scan_labels(labels, "image:Labels");
    assert_eq!(f.len(), 1);
    let pw = ["Zr8", "qL2vX9pT"].concat();
    let f = s().scan_created_by(
        &format!("/bin/sh -c #(nop)  ENV REDIS_PASSWORD={pw} REDIS_PORT=6379"),
        &Location::file("image:history[3]"),
    );
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].rule_id, SECRET_IN_VARIABLE);
    let f = s().scan_created_by(
        &format!("|2 BUILD_SECRET={pw} VERSION=1.2 /bin/sh -c make"),
        &Location::file("image:history[4]"),
    );
    assert_eq!(f.len(), 1, "{f:?}");
    assert!(
        s().scan_created_by(
            "/bin/sh -c apt-get update && apt-get install -y curl",
            &Location::file("h")
        )
        .is_empty()
    );
}

/// A random-looking token made at run time, so no literal secret is committed.
fn token(prefix: &str, len: usize, seed: u64) -> String {
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut x = seed;
    let body: String = (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            char::from(alphabet[(x % 62) as usize])
        })
        .collect();
    format!("{prefix}{body}")
}

#[test]
fn redact_masks_rule_matches_and_credential_assignments_anywhere() {
    let gh = token("ghp_", 36, 0x2545_F491_4F6C_DD1D);
    let pw = token("", 14, 0x9E37_79B9_7F4A_7C15);
    let history = format!(
        "|2 GITHUB_TOKEN={gh} DB_PASSWORD=\"{pw}\" /bin/sh -c curl -H 'x' https://example.org"
    );
    let scanner = s();
    let red = scanner.redact(&history);
    assert!(!red.contains(&gh), "{red}");
    assert!(!red.contains(&pw), "{red}");
    assert!(
        red.contains("/bin/sh -c curl"),
        "the rest stays readable: {red}"
    );
    // A token alone (no name) is found by its rule.
    let text = format!("echo {gh} > /root/.token");
    let red = scanner.redact(&text);
    assert!(!red.contains(&gh) && red.starts_with("echo ghp_"), "{red}");
    // Nothing to hide: borrowed, unchanged.
    let plain = "/bin/sh -c apt-get update && apt-get install -y curl DB_PASSWORD=$DB_PASSWORD";
    assert!(matches!(
        scanner.redact(plain),
        std::borrow::Cow::Borrowed(_)
    ));
    // Multi-byte text around a secret keeps its characters.
    let text = format!("é API_TOKEN={pw} ü");
    let red = scanner.redact(&text);
    assert!(red.starts_with("é API_TOKEN=") && red.ends_with(" ü") && !red.contains(&pw));
}
