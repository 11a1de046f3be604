//! Configuration files: YAML (Trivy's `trivy-secret.yaml` keys) and JSON, format detection,
//! errors naming the file, and the settings only a file can give (`enable-builtin-rules`,
//! `scan-package-files`). Also the by-name binary skip.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use bulwark_report::Severity;
use bulwark_secrets::{ConfigFormat, Scanner, SecretConfig, SkipReason};

/// Deterministic random string (xorshift), so no credential-shaped literal is committed.
fn rand(alphabet: &[u8], len: usize, seed: u64) -> String {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            char::from(alphabet[(x % alphabet.len() as u64) as usize])
        })
        .collect()
}

const LOWER_DIGITS: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";

const TRIVY_YAML: &str = r#"
# trivy-secret.yaml
rules:
  - id: corp-token
    category: Corp
    title: Corp API token
    severity: CRITICAL
    keywords:
      - corp_
    regex: (?P<secret>corp_[a-z0-9]{24})
    secret-group-name: secret
allow-rules:
  - id: fixtures
    description: test fixtures
    path: "**/fixtures/**"
disable-rules:
  - jwt-token
max-file-size: 2048
"#;

#[test]
fn trivy_style_yaml_parses_like_the_equivalent_json() {
    let yaml = SecretConfig::parse(Path::new("trivy-secret.yaml"), TRIVY_YAML).unwrap();
    let json = SecretConfig::parse(
        Path::new("secret.json"),
        r#"{"rules":[{"id":"corp-token","category":"Corp","title":"Corp API token",
             "severity":"CRITICAL","keywords":["corp_"],
             "regex":"(?P<secret>corp_[a-z0-9]{24})","secret-group-name":"secret"}],
            "allow-rules":[{"id":"fixtures","description":"test fixtures","path":"**/fixtures/**"}],
            "disable-rules":["jwt-token"],"max-file-size":2048}"#,
    )
    .unwrap();
    assert_eq!(yaml, json);
    assert_eq!(yaml.rules[0].severity, Severity::Critical);
    assert_eq!(yaml.rules[0].category.as_deref(), Some("Corp"));
    assert_eq!(yaml.max_file_size, Some(2048));

    let token = format!("corp_{}", rand(LOWER_DIGITS, 24, 7));
    let scanner = Scanner::new(&yaml).unwrap();
    let text = format!("key: {token}\n");
    let found = scanner.scan_file("app/settings.txt", text.as_bytes());
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].rule_id, "corp-token");
    assert!(
        scanner
            .scan_file("app/fixtures/settings.txt", text.as_bytes())
            .is_empty()
    );
}

#[test]
fn format_is_chosen_by_extension_then_content() {
    let p = |n: &str, t: &str| ConfigFormat::detect(Path::new(n), t);
    assert_eq!(p("a.yaml", "{}"), ConfigFormat::Yaml);
    assert_eq!(p("a.YML", ""), ConfigFormat::Yaml);
    assert_eq!(p("a.json", "rules: []"), ConfigFormat::Json);
    assert_eq!(p("secret.conf", "  \n{\"rules\": []}"), ConfigFormat::Json);
    assert_eq!(p("secret.conf", "rules: []"), ConfigFormat::Yaml);
    // Content-detected YAML and JSON both load.
    let c = SecretConfig::parse(Path::new("cfg"), "disable-rules: [jwt-token]\n").unwrap();
    assert_eq!(c.disable_rules, ["jwt-token"]);
    let c = SecretConfig::parse(Path::new("cfg"), r#"{"disable-rules": ["jwt-token"]}"#).unwrap();
    assert_eq!(c.disable_rules, ["jwt-token"]);
    // An empty YAML file is the default configuration.
    assert_eq!(
        SecretConfig::parse(Path::new("e.yaml"), "# nothing\n").unwrap(),
        SecretConfig::default()
    );
}

#[test]
fn errors_name_the_file_and_the_problem() {
    let err = SecretConfig::parse(Path::new("/etc/bad.yaml"), "rulez: []\n").unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("/etc/bad.yaml") && msg.contains("rulez"),
        "{msg}"
    );

    let err = SecretConfig::parse(Path::new("bad.yaml"), "rules:\n  - id: [unclosed\n")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("bad.yaml") && err.contains("invalid YAML"),
        "{err}"
    );

    let err = SecretConfig::parse(Path::new("bad.yaml"), "rules:\n  - id: x\n")
        .unwrap_err()
        .to_string();
    assert!(err.contains("missing field"), "{err}");

    let err = SecretConfig::parse(Path::new("bad.json"), "{\"rules\": [}")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("bad.json") && err.contains("invalid JSON"),
        "{err}"
    );

    let missing = Path::new("/nonexistent/dir/secret.yaml");
    let err = SecretConfig::load(missing).unwrap_err().to_string();
    assert!(
        err.contains("secret.yaml") && err.contains("cannot read"),
        "{err}"
    );
}

#[test]
fn load_returns_the_text_for_the_cache_key() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("trivy-secret.yaml");
    std::fs::write(&path, TRIVY_YAML).unwrap();
    let (config, text) = SecretConfig::load(&path).unwrap();
    assert_eq!(text, TRIVY_YAML);
    assert_eq!(config.rules.len(), 1);
}

#[test]
fn enable_builtin_rules_keeps_only_those_built_ins() {
    let cfg = SecretConfig::parse(
        Path::new("s.yaml"),
        "enable-builtin-rules: [github-pat]\nrules:\n  - id: corp\n    title: t\n    regex: corp_[0-9]{8}\n",
    )
    .unwrap();
    let ids: Vec<String> = Scanner::new(&cfg)
        .unwrap()
        .rule_infos()
        .into_iter()
        .map(|r| r.code)
        .collect();
    assert!(ids.contains(&"github-pat".to_string()), "{ids:?}");
    assert!(ids.contains(&"corp".to_string()), "{ids:?}");
    assert!(!ids.contains(&"aws-access-key-id".to_string()), "{ids:?}");
}

#[test]
fn scan_package_files_is_off_unless_configured() {
    assert!(!Scanner::builtin().unwrap().scan_package_files());
    let cfg = SecretConfig::parse(Path::new("s.yaml"), "scan-package-files: true\n").unwrap();
    assert!(Scanner::new(&cfg).unwrap().scan_package_files());
}

#[test]
fn binary_formats_are_skipped_by_name_before_reading() {
    let s = Scanner::builtin().unwrap();
    for p in [
        "usr/lib/x86_64-linux-gnu/libssl.so.3",
        "usr/lib/libz.so.1.2.13",
        "usr/lib/libfoo.so",
        "usr/share/locale/de/LC_MESSAGES/apt.mo",
        "app/static/logo.PNG",
        "usr/lib/python3.11/__pycache__/os.cpython-311.pyc",
        "app/lib/dep.jar",
        "usr/share/zoneinfo/Europe/Paris",
    ] {
        assert!(!s.wants(p, 100), "{p}");
        let r = s.scan_file_detailed(p, b"plain text");
        assert_eq!(r.skipped, Some(SkipReason::Binary), "{p}");
    }
    for p in [
        "app/.env",
        "etc/app.so.conf",
        "usr/lib/python3/dist-packages/x.py",
        "app/.so",
        "root/.ssh/id_rsa",
    ] {
        assert!(s.wants(p, 100), "{p}");
    }
    assert!(!s.wants("app/.env", 0), "empty files hold nothing");
}
