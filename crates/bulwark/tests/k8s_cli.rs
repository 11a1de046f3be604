//! End-to-end tests of `bulwark k8s` admission modes: a Namespace's enforce, warn and audit
//! labels through the real binary, JSON `mode` property, severities, severity filtering and the
//! exit status.

#![allow(clippy::unwrap_used)]

use std::path::PathBuf;

use assert_cmd::Command;

fn bulwark() -> Command {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut cmd = Command::cargo_bin("bulwark").unwrap();
    cmd.current_dir(&dir)
        .env_remove("NO_COLOR")
        .env("HOME", &dir)
        .env("XDG_CONFIG_HOME", dir.join(".xdg"));
    for (k, _) in std::env::vars() {
        if k.starts_with("BULWARK_") {
            cmd.env_remove(k);
        }
    }
    cmd
}

fn run_json(args: &[&str], stdin: &str) -> (i32, serde_json::Value) {
    let out = bulwark()
        .args(["k8s", "--pss-only", "-f", "json"])
        .args(args)
        .arg("-")
        .write_stdin(stdin.to_string())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let v = serde_json::from_str(&stdout).unwrap();
    (out.status.code().unwrap_or(-1), v)
}

/// enforce baseline, warn restricted v1.21, audit restricted; a Deployment with a privileged
/// container (baseline) that also misses the restricted settings.
const MANIFEST: &str = "apiVersion: v1
kind: Namespace
metadata:
  name: team
  labels:
    pod-security.kubernetes.io/enforce: baseline
    pod-security.kubernetes.io/warn: restricted
    pod-security.kubernetes.io/warn-version: v1.21
    pod-security.kubernetes.io/audit: restricted
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: team}
spec:
  template:
    spec:
      containers:
      - name: c
        image: x:1
        securityContext: {privileged: true}
";

fn by_mode(v: &serde_json::Value) -> Vec<(String, String, String)> {
    let mut out: Vec<(String, String, String)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["properties"]["mode"].as_str().unwrap().to_string(),
                f["code"].as_str().unwrap().to_string(),
                f["severity"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn namespace_modes_in_json() {
    let (code, v) = run_json(&[], MANIFEST);
    assert_eq!(code, 1);
    let found = by_mode(&v);
    let modes: std::collections::BTreeSet<&str> = found.iter().map(|f| f.0.as_str()).collect();
    assert_eq!(modes, ["audit", "enforce", "warn"].into_iter().collect());
    // The privileged field: once, as an enforce rejection at high.
    let privileged: Vec<_> = found.iter().filter(|f| f.1 == "PSS-privileged").collect();
    assert_eq!(privileged.len(), 1, "{found:?}");
    assert_eq!(privileged[0].0, "enforce");
    assert_eq!(privileged[0].2, "high");
    // Warn (v1.21, before capabilities_restricted) at low; audit (latest) adds the rest, also
    // at low (one severity scale for every Kubernetes finding; `mode` tells them apart).
    assert!(found.iter().filter(|f| f.0 == "warn").all(|f| f.2 == "low"));
    assert!(
        found
            .iter()
            .filter(|f| f.0 == "audit")
            .all(|f| f.2 == "low")
    );
    assert!(found.contains(&(
        "audit".into(),
        "PSS-capabilities_restricted".into(),
        "low".into()
    )));
    assert!(
        found.contains(&("warn".into(), "PSS-runAsNonRoot".into(), "low".into())),
        "{found:?}"
    );
    let warn = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["properties"]["mode"] == "warn")
        .unwrap();
    assert_eq!(warn["properties"]["version"], "v1.21");
    assert!(
        warn["message"]
            .as_str()
            .unwrap()
            .contains("would violate PodSecurity \"restricted:v1.21\" (warn)")
    );
}

#[test]
fn severity_and_threshold_separate_rejections_from_warnings() {
    // Only what enforce rejects.
    let (code, v) = run_json(&["--severity", "high,medium"], MANIFEST);
    assert_eq!(code, 1);
    let found = by_mode(&v);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "enforce");
    // A namespace that only warns passes a medium threshold and fails the default one.
    let warn_only = MANIFEST
        .replace("enforce: baseline", "enforce: privileged")
        .replace("privileged: true", "privileged: false");
    let (code, v) = run_json(&["-t", "medium"], &warn_only);
    assert_eq!(code, 0, "{v:#}");
    assert!(!by_mode(&v).is_empty());
    let (code, _) = run_json(&[], &warn_only);
    assert_eq!(code, 1);
}

#[test]
fn invalid_namespace_label_is_reported() {
    let bad = MANIFEST.replace("warn: restricted", "warn: Restricted");
    let (_, v) = run_json(&[], &bad);
    let invalid: Vec<_> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "K8S-INVALID")
        .collect();
    assert_eq!(invalid.len(), 1, "{v:#}");
    assert_eq!(invalid[0]["location"]["line"], 7);
    // Fail open: no warnings once the warn level is unreadable.
    assert!(
        !v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["properties"]["mode"] == "warn")
    );
}
