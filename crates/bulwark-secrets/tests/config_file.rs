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

const B62: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// A custom rule `corp` (`corp_` + 24 lower/digits, secret group) with the given extra YAML
/// lines indented under the rule.
fn corp_config(rule_extra: &str, top_extra: &str) -> SecretConfig {
    let text = format!(
        "rules:\n  - id: corp\n    title: Corp token\n    keywords: [corp_]\n    \
         regex: (?P<key>key|tok)=(?P<secret>corp_[a-z0-9]{{24}})\n    \
         secret-group-name: secret\n{rule_extra}{top_extra}"
    );
    SecretConfig::parse(Path::new("trivy-secret.yaml"), &text).unwrap()
}

fn ids(found: &[bulwark_secrets::SecretFinding]) -> Vec<&str> {
    found.iter().map(|f| f.rule_id.as_str()).collect()
}

#[test]
fn per_rule_allow_regex_is_matched_against_the_whole_match() {
    // `tok=` is outside the secret group: Trivy tests per-rule allow regexes on the whole
    // match, so `^tok=` drops the second match and keeps the first.
    let cfg = corp_config(
        "    allow-rules:\n      - id: tok-lines\n        description: dummy tokens\n        regex: ^tok=\n",
        "",
    );
    let scanner = Scanner::new(&cfg).unwrap();
    let kept = format!("key=corp_{}", rand(LOWER_DIGITS, 24, 101));
    let dropped = format!("tok=corp_{}", rand(LOWER_DIGITS, 24, 102));
    let found = scanner.scan_file("app/env.txt", format!("{kept}\n{dropped}\n").as_bytes());
    assert_eq!(ids(&found), ["corp"], "{found:?}");
    assert_eq!(found[0].location.line, Some(1), "{found:?}");

    // Without the allow rule both are reported.
    let plain = Scanner::new(&corp_config("", "")).unwrap();
    let found = plain.scan_file("app/env.txt", format!("{kept}\n{dropped}\n").as_bytes());
    assert_eq!(found.len(), 2, "{found:?}");
}

#[test]
fn per_rule_allow_path_skips_only_that_rule() {
    let cfg = corp_config(
        "    allow-rules:\n      - id: dev-env\n        path: \"**/dev/*.env\"\n",
        "",
    );
    let scanner = Scanner::new(&cfg).unwrap();
    let pat = format!("ghp_{}", rand(B62, 36, 103));
    let text = format!(
        "key=corp_{}\nGITHUB_TOKEN={pat}\n",
        rand(LOWER_DIGITS, 24, 104)
    );
    // In the allowed path the custom rule is skipped, the built-in rules still run.
    let found = scanner.scan_file("srv/dev/app.env", text.as_bytes());
    assert_eq!(ids(&found), ["github-pat"], "{found:?}");
    // Elsewhere both are reported.
    let found = scanner.scan_file("srv/prod/app.env", text.as_bytes());
    assert_eq!(ids(&found), ["corp", "github-pat"], "{found:?}");
}

#[test]
fn per_rule_exclude_block_drops_secrets_inside_the_block_only() {
    let cfg = corp_config(
        "    exclude-block:\n      description: sample section\n      regexes:\n        \
         - (?s)# BEGIN SAMPLE\\n.*?# END SAMPLE\n",
        "",
    );
    let scanner = Scanner::new(&cfg).unwrap();
    let secret = format!("key=corp_{}", rand(LOWER_DIGITS, 24, 105));
    let inside = format!("a=1\n# BEGIN SAMPLE\n{secret}\n# END SAMPLE\n");
    assert!(
        scanner
            .scan_file("app/conf.txt", inside.as_bytes())
            .is_empty(),
        "{inside}"
    );
    let outside = format!("# BEGIN SAMPLE\nb=2\n# END SAMPLE\n{secret}\n");
    let found = scanner.scan_file("app/conf.txt", outside.as_bytes());
    assert_eq!(ids(&found), ["corp"], "{found:?}");
    assert_eq!(found[0].location.line, Some(4), "{found:?}");
    // Only this rule's matches: a built-in match inside the block is still reported.
    let pat = format!("ghp_{}", rand(B62, 36, 106));
    let mixed = format!("# BEGIN SAMPLE\n{secret}\nGITHUB_TOKEN={pat}\n# END SAMPLE\n");
    let found = scanner.scan_file("app/conf.txt", mixed.as_bytes());
    assert_eq!(ids(&found), ["github-pat"], "{found:?}");
}

#[test]
fn global_exclude_block_applies_to_every_rule() {
    let cfg = corp_config(
        "",
        "exclude-block:\n  description: docs\n  regexes:\n    - (?s)```.*?```\n",
    );
    let scanner = Scanner::new(&cfg).unwrap();
    let pat = format!("ghp_{}", rand(B62, 36, 107));
    let corp = format!("key=corp_{}", rand(LOWER_DIGITS, 24, 108));
    let inside = format!("intro\n```\nGITHUB_TOKEN={pat}\n{corp}\n```\n");
    assert!(
        scanner
            .scan_file("app/notes.txt", inside.as_bytes())
            .is_empty(),
        "{inside}"
    );
    let outside = format!("intro\n```\nnothing\n```\nGITHUB_TOKEN={pat}\n{corp}\n");
    let found = scanner.scan_file("app/notes.txt", outside.as_bytes());
    assert_eq!(ids(&found), ["github-pat", "corp"], "{found:?}");
    // A secret that only partly overlaps a block is reported (it must lie inside): the block
    // `BEGIN.*END` (greedy) ends in the middle of this token until an `END` line follows.
    let straddling = Scanner::new(&corp_config(
        "",
        "exclude-block:\n  regexes: [\"(?s)BEGIN.*END\"]\n",
    ))
    .unwrap();
    let pat = format!("ghp_{}END{}", rand(B62, 16, 109), rand(B62, 17, 110));
    let text = format!("BEGIN\nGITHUB_TOKEN={pat}\n");
    let found = straddling.scan_file("app/notes.txt", text.as_bytes());
    assert_eq!(ids(&found), ["github-pat"], "{found:?}");
    let text = format!("BEGIN\nGITHUB_TOKEN={pat}\nEND\n");
    assert!(
        straddling
            .scan_file("app/notes.txt", text.as_bytes())
            .is_empty()
    );
}

#[test]
fn invalid_allow_and_exclude_block_regexes_name_the_file_and_the_rule() {
    let base = "rules:\n  - id: corp\n    title: t\n    regex: corp_[0-9]{8}\n";
    let cases = [
        (
            format!(
                "{base}    allow-rules:\n      - id: bad-allow\n        regex: \"(unclosed\"\n"
            ),
            "corp/allow-rules/bad-allow",
        ),
        (
            format!("{base}    exclude-block:\n      regexes: [\"[z-a]\"]\n"),
            "corp/exclude-block",
        ),
        (
            format!("{base}exclude-block:\n  regexes: [ok, \"a{{2,1}}\"]\n"),
            "exclude-block",
        ),
        (
            format!("{base}allow-rules:\n  - id: g\n    regex: \"*x\"\n"),
            "allow-rules/g",
        ),
    ];
    for (text, rule) in cases {
        let err = SecretConfig::parse(Path::new("/etc/trivy-secret.yaml"), &text)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("/etc/trivy-secret.yaml")
                && err.contains(&format!("`{rule}`"))
                && err.contains("invalid regex"),
            "{err}"
        );
    }
    // A per-rule allow rule needs a regex or a path.
    let cfg = SecretConfig::parse(
        Path::new("s.yaml"),
        &format!("{base}    allow-rules:\n      - id: empty\n"),
    )
    .unwrap();
    let err = Scanner::new(&cfg).unwrap_err().to_string();
    assert!(err.contains("corp/allow-rules/empty"), "{err}");
}
