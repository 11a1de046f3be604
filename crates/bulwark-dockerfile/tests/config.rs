//! `.hadolint.yaml` / `bulwark.yaml` loading, discovery and command-line merging.

use std::path::Path;

use bulwark_dockerfile::config::candidate_paths;
use bulwark_dockerfile::{CliOptions, Config, ConfigError, LabelType, Level, lint};

const HADOLINT_YAML: &str = "
failure-threshold: warning
ignored:
  - DL3000
  - SC1010
override:
  error:
    - DL3001
    - DL3002
  warning:
    - DL3042
  info:
    - DL3008
  style:
    - DL3015
trustedRegistries:
  - docker.io
  - my-company.com:5000
label-schema:
  author: text
  contact: email
  created: rfc3339
  version: semver
  documentation: url
  git-revision: hash
  license: spdx
strict-labels: true
disable-ignore-pragma: false
no-fail: true
";

#[test]
fn parses_the_documented_hadolint_example() {
    let c = Config::from_yaml_str(HADOLINT_YAML, Path::new(".hadolint.yaml")).unwrap();
    assert!(c.ignored.contains("DL3000") && c.ignored.contains("SC1010"));
    assert_eq!(c.overrides.get("DL3001"), Some(&Level::Error));
    assert_eq!(c.overrides.get("DL3042"), Some(&Level::Warning));
    assert_eq!(c.overrides.get("DL3008"), Some(&Level::Info));
    assert_eq!(c.overrides.get("DL3015"), Some(&Level::Style));
    assert!(c.trusted_registries.contains("my-company.com:5000"));
    assert_eq!(c.label_schema.get("contact"), Some(&LabelType::Email));
    assert_eq!(c.label_schema.get("license"), Some(&LabelType::Spdx));
    assert_eq!(c.label_schema.len(), 7);
    assert!(c.strict_labels && c.no_fail && !c.disable_ignore_pragma);
    assert_eq!(c.failure_threshold, Some(Level::Warning));
}

#[test]
fn bulwark_yaml_nests_under_dockerfile() {
    let text = "k8s:\n  something: 1\ndockerfile:\n  ignored: [DL3006]\n  hadolint-only: true\n";
    let c = Config::from_yaml_str(text, Path::new("bulwark.yaml")).unwrap();
    assert!(c.ignored.contains("DL3006") && c.hadolint_only);
    assert_eq!(
        Config::from_yaml_str("", Path::new("x")).unwrap(),
        Config::default()
    );
    assert_eq!(
        Config::from_yaml_str("dockerfile:\n", Path::new("x")).unwrap(),
        Config::default()
    );
}

#[test]
fn errors_name_the_file_and_key() {
    let e = Config::from_yaml_str("ignored: {a: 1}", Path::new("/x/.hadolint.yaml")).unwrap_err();
    let msg = e.to_string();
    assert!(
        msg.contains("/x/.hadolint.yaml") && msg.contains("ignored"),
        "{msg}"
    );
    let e = Config::from_yaml_str("override:\n  fatal: [DL3000]", Path::new("c.yaml")).unwrap_err();
    assert!(e.to_string().contains("fatal"), "{e}");
    let e = Config::from_yaml_str("label-schema:\n  a: number", Path::new("c.yaml")).unwrap_err();
    assert!(e.to_string().contains("number"), "{e}");
    let e = Config::from_yaml_str("ignored: [unclosed", Path::new("c.yaml")).unwrap_err();
    assert!(matches!(e, ConfigError::Yaml { .. }), "{e}");
    let e = Config::from_yaml_str("strict-labels: maybe", Path::new("c.yaml")).unwrap_err();
    assert!(e.to_string().contains("strict-labels"), "{e}");
    let e = Config::from_file(Path::new("/nonexistent/.hadolint.yaml")).unwrap_err();
    assert!(e.to_string().contains("/nonexistent/.hadolint.yaml"), "{e}");
}

#[test]
fn discovery_follows_hadolint_order() {
    let dir = tempfile::tempdir().unwrap();
    assert!(
        Config::discover(dir.path())
            .unwrap()
            .is_none_or(|(p, _)| !p.starts_with(dir.path()))
    );
    std::fs::write(dir.path().join(".hadolint.yml"), "ignored: [DL3007]\n").unwrap();
    let (path, c) = Config::discover(dir.path()).unwrap().unwrap();
    assert_eq!(path, dir.path().join(".hadolint.yml"));
    assert!(c.ignored.contains("DL3007"));
    std::fs::write(dir.path().join(".hadolint.yaml"), "ignored: [DL3006]\n").unwrap();
    let (path, c) = Config::discover(dir.path()).unwrap().unwrap();
    assert_eq!(path, dir.path().join(".hadolint.yaml"));
    assert!(c.ignored.contains("DL3006"));
    let order = candidate_paths(
        Path::new("/w"),
        Some(Path::new("/xdg")),
        Some(Path::new("/h")),
    );
    let order: Vec<String> = order.iter().map(|p| p.display().to_string()).collect();
    assert_eq!(order[0], "/w/.hadolint.yaml");
    assert_eq!(order[1], "/w/.hadolint.yml");
    assert_eq!(order[2], "/xdg/hadolint.yaml");
    assert!(order.contains(&"/h/.config/hadolint.yaml".to_string()));
}

#[test]
fn cli_options_win_and_apply() {
    let mut c = Config::from_yaml_str("override:\n  error: [DL3007]\n", Path::new("c")).unwrap();
    c.apply_cli(&CliOptions {
        ignore: vec!["DL3006".into()],
        warning: vec!["DL3007".into()],
        trusted_registries: vec!["gcr.io".into()],
        require_labels: vec!["version:semver".into(), "team".into()],
        strict_labels: true,
        ..CliOptions::default()
    })
    .unwrap();
    assert_eq!(c.overrides.get("DL3007"), Some(&Level::Warning));
    assert_eq!(c.label_schema.get("team"), Some(&LabelType::Text));
    let r = lint("D", b"FROM debian:latest\nFROM ubuntu\nLABEL x=y\n", &c);
    let codes: Vec<&str> = r.findings.iter().map(|f| f.code.as_str()).collect();
    assert!(codes.contains(&"DL3026") && codes.contains(&"DL3050") && codes.contains(&"DL3049"));
    assert!(!codes.contains(&"DL3006"));
    let bad = CliOptions {
        require_labels: vec!["v:number".into()],
        ..CliOptions::default()
    };
    assert!(Config::default().apply_cli(&bad).is_err());
    let mut merged = Config::default();
    merged.merge(&c);
    assert_eq!(merged, c);
}

#[test]
fn load_takes_the_named_file_or_hadolints_with_bulwark_yaml_on_top() {
    let dir = tempfile::tempdir().unwrap();
    let cwd = dir.path();
    std::fs::write(cwd.join(".hadolint.yaml"), "ignored: [DL3000]\n").unwrap();
    std::fs::write(
        cwd.join("bulwark.yaml"),
        "dockerfile:\n  ignored: [DL3008]\n  strict-labels: true\n",
    )
    .unwrap();
    std::fs::write(cwd.join("named.yaml"), "ignored: [DL4000]\n").unwrap();
    let found = Config::load(None, cwd).unwrap();
    assert_eq!(
        found.ignored.iter().map(String::as_str).collect::<Vec<_>>(),
        ["DL3000", "DL3008"]
    );
    assert!(found.strict_labels);
    // A named file is the whole configuration: neither .hadolint.yaml nor bulwark.yaml.
    let named = Config::load(Some(&cwd.join("named.yaml")), cwd).unwrap();
    assert_eq!(
        named.ignored.iter().map(String::as_str).collect::<Vec<_>>(),
        ["DL4000"]
    );
    assert!(!named.strict_labels);
    std::fs::write(cwd.join("bulwark.yaml"), "dockerfile: [\n").unwrap();
    let err = Config::load(None, cwd).unwrap_err().to_string();
    assert!(
        err.contains("bulwark.yaml") && err.contains("line "),
        "{err}"
    );
}

#[test]
fn several_files_make_one_report_and_the_config_decides_failure() {
    let dockerfile = b"FROM debian:12\nRUN apt-get update && apt-get install -y curl\n";
    let config = Config::default();
    let a = lint("a/Dockerfile", dockerfile, &config);
    let b = lint("b/Dockerfile", dockerfile, &config);
    assert!(!a.findings.is_empty());
    let n = a.findings.len() + b.findings.len();
    let report = bulwark_dockerfile::report([a, b]);
    assert_eq!(report.findings.len(), n);
    assert!(report.findings[0].location.path.starts_with("a/"));
    assert!(report.findings[n - 1].location.path.starts_with("b/"));
    for f in &report.findings {
        assert!(
            report.rules.contains_key(&f.code),
            "no rule info for {}",
            f.code
        );
    }
    // DL3008 (pin versions) is a warning: it fails at Hadolint's default `info` threshold, not
    // at a configured `error`, never with `no-fail`, and a flag threshold wins over the file.
    let fails = |c: &Config, flag: Option<bulwark_report::Threshold>| {
        c.exit_policy(flag, None).exit_status(&report) != 0
    };
    assert!(fails(&config, None));
    let error_only = Config {
        failure_threshold: Some(Level::Error),
        ..Config::default()
    };
    assert!(!fails(&error_only, None));
    assert!(fails(
        &error_only,
        Some(bulwark_report::Threshold(Some(
            bulwark_report::Severity::Info
        )))
    ));
    let no_fail = Config {
        no_fail: true,
        ..Config::default()
    };
    assert!(!fails(
        &no_fail,
        Some(bulwark_report::Threshold(Some(
            bulwark_report::Severity::Info
        )))
    ));
    assert_eq!(config.exit_policy(None, Some(7)).exit_status(&report), 7);
}
