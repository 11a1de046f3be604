//! Admission modes: the enforce, warn and audit namespace labels, each with its own level and
//! version, evaluated the way pod-security-admission does (enforce on Pods — and, for a
//! pre-deploy check, on pod controllers — warn and audit on both; no warning for a Pod that
//! enforce rejects; absent labels default to the options for enforce and `privileged:latest`
//! for warn and audit; invalid labels resolve as upstream's `PolicyToEvaluate`).

use bulwark_k8s::{CODE_INVALID, Level, Options, check_source};
use bulwark_report::{Finding, Severity};

fn run_with(text: &str, level: Level) -> Vec<Finding> {
    let opts = Options {
        level,
        hardening: false,
        ..Options::default()
    };
    check_source("in.yaml", text.as_bytes(), &opts).findings
}

fn run(text: &str) -> Vec<Finding> {
    run_with(text, Level::Restricted)
}

fn namespace(labels: &[(&str, &str)]) -> String {
    let mut s =
        String::from("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team\n  labels:\n");
    for (k, v) in labels {
        s.push_str(&format!("    pod-security.kubernetes.io/{k}: \"{v}\"\n"));
    }
    s + "---\n"
}

/// A pod that passes baseline but misses every restricted setting.
const PLAIN_POD: &str = "apiVersion: v1
kind: Pod
metadata: {name: p, namespace: team}
spec:
  containers: [{name: c, image: x:1}]
";

/// A pod with a baseline violation (privileged) on top.
const PRIVILEGED_POD: &str = "apiVersion: v1
kind: Pod
metadata: {name: p, namespace: team}
spec:
  containers:
  - name: c
    image: x:1
    securityContext: {privileged: true}
";

fn mode(f: &Finding) -> &str {
    f.properties
        .get("mode")
        .and_then(|m| m.as_str())
        .unwrap_or("")
}

fn codes_in(fs: &[Finding], m: &str) -> Vec<String> {
    let mut v: Vec<String> = fs
        .iter()
        .filter(|f| mode(f) == m)
        .map(|f| f.code.clone())
        .collect();
    v.sort();
    v
}

#[test]
fn warn_only_namespace_reports_warnings_not_rejections() {
    let ns = namespace(&[("enforce", "privileged"), ("warn", "restricted")]);
    let fs = run(&format!("{ns}{PLAIN_POD}"));
    assert!(!fs.is_empty());
    for f in &fs {
        assert_eq!(mode(f), "warn", "{f:#?}");
        assert_eq!(f.severity, Severity::Low);
        assert_eq!(f.properties["level"], "restricted");
        assert_eq!(f.properties["version"], "latest");
        assert!(
            f.message
                .contains("would violate PodSecurity \"restricted:latest\" (warn): "),
            "{}",
            f.message
        );
    }
    assert!(codes_in(&fs, "warn").contains(&"PSS-runAsNonRoot".to_string()));
}

#[test]
fn audit_only_namespace_reports_audit_annotations() {
    let ns = namespace(&[("enforce", "privileged"), ("audit", "baseline")]);
    let fs = run(&format!("{ns}{PRIVILEGED_POD}"));
    assert_eq!(codes_in(&fs, "audit"), ["PSS-privileged"]);
    assert_eq!(fs.len(), 1);
    assert_eq!(fs[0].severity, Severity::Low);
    assert!(fs[0].message.contains("\"baseline:latest\" (audit)"));
}

#[test]
fn a_pod_enforce_rejects_gets_no_warning_but_is_audited() {
    let ns = namespace(&[
        ("enforce", "baseline"),
        ("warn", "restricted"),
        ("audit", "restricted"),
    ]);
    let fs = run(&format!("{ns}{PRIVILEGED_POD}"));
    assert_eq!(codes_in(&fs, "enforce"), ["PSS-privileged"]);
    assert!(codes_in(&fs, "warn").is_empty(), "{fs:#?}");
    let audit = codes_in(&fs, "audit");
    assert!(audit.contains(&"PSS-runAsNonRoot".to_string()), "{audit:?}");
    // The privileged field is reported once, under enforce.
    assert!(!audit.contains(&"PSS-privileged".to_string()));
    // Once enforce passes, the warning appears.
    let ok = PRIVILEGED_POD.replace("privileged: true", "privileged: false");
    let fs = run(&format!("{ns}{ok}"));
    assert!(codes_in(&fs, "enforce").is_empty());
    assert!(codes_in(&fs, "warn").contains(&"PSS-runAsNonRoot".to_string()));
    // Warn and audit at the same level and version: each field once, under warn.
    assert!(codes_in(&fs, "audit").is_empty(), "{fs:#?}");
}

#[test]
fn controllers_get_enforce_and_warnings() {
    let ns = namespace(&[("enforce", "baseline"), ("warn", "restricted")]);
    let deploy = "apiVersion: apps/v1
kind: Deployment
metadata: {name: d, namespace: team}
spec:
  template:
    spec:
      containers:
      - name: c
        image: x:1
        securityContext: {privileged: true}
";
    let fs = run(&format!("{ns}{deploy}"));
    assert_eq!(codes_in(&fs, "enforce"), ["PSS-privileged"]);
    let warn = codes_in(&fs, "warn");
    assert!(warn.contains(&"PSS-runAsNonRoot".to_string()), "{warn:?}");
    assert!(!warn.contains(&"PSS-privileged".to_string()), "{warn:?}");
}

#[test]
fn each_mode_has_its_own_version() {
    let ns = namespace(&[
        ("enforce", "privileged"),
        ("warn", "restricted"),
        ("warn-version", "v1.21"),
        ("audit", "restricted"),
        ("audit-version", "v1.30"),
    ]);
    let fs = run(&format!("{ns}{PLAIN_POD}"));
    // capabilities_restricted exists from v1.22: only audit (v1.30) reports it.
    assert!(!codes_in(&fs, "warn").contains(&"PSS-capabilities_restricted".to_string()));
    assert_eq!(
        codes_in(&fs, "audit"),
        ["PSS-capabilities_restricted"],
        "{fs:#?}"
    );
    assert!(
        fs.iter()
            .filter(|f| mode(f) == "warn")
            .all(|f| f.properties["version"] == "v1.21")
    );
}

#[test]
fn absent_labels_default_to_options_for_enforce_and_privileged_otherwise() {
    // No namespace object: enforce at the options' level, nothing else.
    let fs = run(PLAIN_POD);
    assert!(!fs.is_empty());
    assert!(fs.iter().all(|f| mode(f) == "enforce"));
    // A warn label alone keeps enforce at the options' level.
    let ns = namespace(&[("warn", "restricted")]);
    let fs = run_with(&format!("{ns}{PRIVILEGED_POD}"), Level::Baseline);
    assert_eq!(codes_in(&fs, "enforce"), ["PSS-privileged"]);
    // A version label alone keeps its mode's level: privileged for audit, so nothing.
    let ns = namespace(&[("audit-version", "v1.25")]);
    let fs = run_with(&format!("{ns}{PLAIN_POD}"), Level::Baseline);
    assert!(fs.is_empty(), "{fs:#?}");
}

#[test]
fn invalid_labels_resolve_like_upstream() {
    // An invalid enforce level is restricted (fail closed), even under a baseline default.
    let ns = namespace(&[("enforce", "Baseline")]);
    let fs = run_with(&format!("{ns}{PLAIN_POD}"), Level::Baseline);
    let invalid: Vec<_> = fs.iter().filter(|f| f.code == CODE_INVALID).collect();
    assert_eq!(invalid.len(), 1, "{fs:#?}");
    assert_eq!(invalid[0].location.line, Some(6));
    assert!(
        invalid[0]
            .message
            .contains("pod-security.kubernetes.io/enforce"),
        "{}",
        invalid[0].message
    );
    assert!(codes_in(&fs, "enforce").contains(&"PSS-runAsNonRoot".to_string()));
    // An invalid warn level is privileged (fail open); an invalid version is latest.
    let ns = namespace(&[
        ("enforce", "privileged"),
        ("warn", "strict"),
        ("audit", "restricted"),
        ("audit-version", "v1.030"),
    ]);
    let fs = run(&format!("{ns}{PLAIN_POD}"));
    assert_eq!(fs.iter().filter(|f| f.code == CODE_INVALID).count(), 2);
    assert!(codes_in(&fs, "warn").is_empty());
    let audit: Vec<_> = fs.iter().filter(|f| mode(f) == "audit").collect();
    assert!(!audit.is_empty());
    assert!(audit.iter().all(|f| f.properties["version"] == "latest"));
}

#[test]
fn ignore_annotation_covers_every_mode() {
    let ns = namespace(&[("enforce", "privileged"), ("warn", "baseline")]);
    let pod = PRIVILEGED_POD.replace(
        "metadata: {name: p, namespace: team}",
        "metadata:\n  name: p\n  namespace: team\n  annotations: {bulwark.dev/ignore: PSS-privileged}",
    );
    let result = check_source(
        "in.yaml",
        format!("{ns}{pod}").as_bytes(),
        &Options {
            hardening: false,
            ..Options::default()
        },
    );
    assert!(result.findings.is_empty(), "{:#?}", result.findings);
    assert_eq!(result.suppressed.len(), 1);
    assert_eq!(result.suppressed[0].finding.properties["mode"], "warn");
}
