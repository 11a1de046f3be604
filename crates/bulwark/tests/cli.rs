//! End-to-end tests of the `bulwark` binary: real files in, exit status and output checked.

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn bulwark(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("bulwark").unwrap();
    cmd.current_dir(dir)
        .env_remove("NO_COLOR")
        .env("HOME", dir)
        .env("XDG_CONFIG_HOME", dir.join(".xdg"));
    for (k, _) in std::env::vars() {
        if k.starts_with("BULWARK_") && k != "BULWARK_CONFORMANCE" {
            cmd.env_remove(k);
        }
    }
    cmd
}

fn run(cmd: &mut Command) -> (i32, String, String) {
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn example_dockerfile_table_output() {
    let (code, stdout, stderr) =
        run(bulwark(&repo_root()).args(["dockerfile", "examples/Dockerfile"]));
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.is_empty(), "{stderr}");
    insta::assert_snapshot!(stdout);
}

#[test]
fn dockerfile_from_stdin_and_json() {
    let (code, stdout, _) = run(bulwark(&repo_root())
        .args(["dockerfile", "-f", "json", "-"])
        .write_stdin("FROM alpine:3.20\nRUN apk add curl\n"));
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let codes: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"DL3018"), "{codes:?}");
    assert!(codes.contains(&"DL3019"), "{codes:?}");
    assert!(v["findings"][0]["location"]["path"] == "-");
}

#[test]
fn failure_threshold_and_exit_code() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("Dockerfile"),
        "FROM alpine:3.20\nRUN apk add curl\n",
    )
    .unwrap();
    // DL3018 is a warning: threshold error => clean.
    let (code, _, _) = run(bulwark(dir.path()).args([
        "dockerfile",
        "--hadolint-only",
        "-t",
        "error",
        "Dockerfile",
    ]));
    assert_eq!(code, 0);
    let (code, _, _) = run(bulwark(dir.path()).args([
        "dockerfile",
        "-t",
        "warning",
        "--exit-code",
        "9",
        "Dockerfile",
    ]));
    assert_eq!(code, 9);
    let (code, _, _) = run(bulwark(dir.path()).args(["dockerfile", "--no-fail", "Dockerfile"]));
    assert_eq!(code, 0);
    let (code, _, stderr) =
        run(bulwark(dir.path()).args(["dockerfile", "-t", "bogus", "Dockerfile"]));
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("failure-threshold"), "{stderr}");
}

#[test]
fn hadolint_config_is_discovered_and_pragmas_apply() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("Dockerfile"),
        "FROM alpine:3.20\n# hadolint ignore=DL3019\nRUN apk add curl\n",
    )
    .unwrap();
    std::fs::write(dir.path().join(".hadolint.yaml"), "ignored:\n  - DL3018\n").unwrap();
    let (code, stdout, stderr) = run(bulwark(dir.path()).args([
        "dockerfile",
        "--hadolint-only",
        "-f",
        "json",
        "Dockerfile",
    ]));
    assert_eq!(code, 0, "{stdout}{stderr}");
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["findings"].as_array().unwrap().len(), 0, "{stdout}");
    assert_eq!(v["suppressed"].as_array().unwrap().len(), 2, "{stdout}");
}

#[test]
fn nothing_readable_prints_no_report() {
    let dir = tempfile::tempdir().unwrap();
    for cmd in ["dockerfile", "k8s"] {
        let (code, stdout, stderr) = run(bulwark(dir.path()).args([cmd, "missing"]));
        assert_eq!(code, 3, "{cmd}: {stderr}");
        assert!(stdout.is_empty(), "{cmd}: a clean-looking report: {stdout}");
        assert!(
            stderr.contains("missing") && stderr.contains("no such file"),
            "{stderr}"
        );
    }
}

#[test]
fn bad_inputs_each_get_one_clear_line_and_others_are_still_linted() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::write(p.join("empty"), "").unwrap();
    std::fs::write(p.join("binary"), [0u8, 159, 146, 150, 0, 1, 2, 255]).unwrap();
    std::fs::write(p.join("latin1"), b"FROM alpine:3.20\nLABEL x=\"caf\xe9\"\n").unwrap();
    std::fs::create_dir(p.join("adir")).unwrap();
    let mut long = b"RUN echo ".to_vec();
    long.extend(std::iter::repeat_n(b'a', 10 * 1024 * 1024));
    std::fs::write(p.join("longline"), &long).unwrap();
    std::fs::write(p.join("good"), "FROM alpine:3.20\nRUN apk add curl\n").unwrap();
    let files = [
        "empty", "binary", "latin1", "adir", "missing", "longline", "good",
    ];
    let (code, stdout, stderr) = run(bulwark(p)
        .args(["dockerfile", "--hadolint-only", "--no-color"])
        .args(files));
    assert_ne!(code, 0);
    assert_eq!(code, 3, "an unreadable input is a runtime error\n{stderr}");
    // Unreadable inputs: one line each on stderr, naming the file.
    assert!(
        stderr
            .lines()
            .any(|l| l.contains("adir") && l.contains("directory")),
        "{stderr}"
    );
    assert!(
        stderr
            .lines()
            .any(|l| l.contains("missing") && l.contains("no such file")),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 2, "{stderr}");
    // Readable but broken inputs become DL1000 findings naming the file.
    for f in ["empty", "binary", "latin1"] {
        assert!(
            stdout
                .lines()
                .any(|l| l.starts_with(f) && l.contains("DL1000")),
            "{f}: {stdout}"
        );
    }
    // A 10 MB single line is linted like any other line (it is a RUN before FROM).
    assert!(
        stdout.lines().any(|l| l.starts_with("longline:1:1 DL3061")),
        "{stdout}"
    );
    // The good file is still linted.
    assert!(stdout.contains("good:2:1 DL3018"), "{stdout}");
    assert!(!stdout.contains("panicked") && !stderr.contains("panicked"));
}

#[test]
fn sarif_output_is_relative_and_complete() {
    let root = repo_root();
    let (code, stdout, _) = run(bulwark(&root).args([
        "dockerfile",
        "-f",
        "sarif",
        root.join("examples/Dockerfile").to_str().unwrap(),
    ]));
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let run0 = &v["runs"][0];
    assert!(
        !run0["tool"]["driver"]["rules"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    for r in run0["results"].as_array().unwrap() {
        let uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap();
        assert_eq!(uri, "examples/Dockerfile");
    }
    for rule in run0["tool"]["driver"]["rules"].as_array().unwrap() {
        assert!(!rule["help"]["text"].as_str().unwrap().is_empty());
    }
}

#[test]
fn output_file_and_formats() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.xml");
    let root = repo_root();
    let (code, stdout, _) = run(bulwark(&root).args([
        "dockerfile",
        "-f",
        "checkstyle",
        "-o",
        out.to_str().unwrap(),
        "examples/Dockerfile",
    ]));
    assert_eq!(code, 1);
    assert!(stdout.is_empty());
    let xml = std::fs::read_to_string(&out).unwrap();
    assert!(xml.starts_with("<?xml") && xml.contains("source='DL3008'"));
    let (_, stdout, _) =
        run(bulwark(&root).args(["dockerfile", "-f", "gitlab", "examples/Dockerfile"]));
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert!(
        v.as_array()
            .unwrap()
            .iter()
            .all(|i| i["location"]["path"] == "examples/Dockerfile")
    );
}

#[test]
fn k8s_example_and_stdin() {
    let root = repo_root();
    let (code, stdout, stderr) = run(bulwark(&root).args(["k8s", "examples/k8s"]));
    assert_eq!(code, 1, "{stderr}");
    insta::assert_snapshot!(stdout);
    let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: busybox:1.36\n    securityContext:\n      privileged: true\n";
    let (code, stdout, _) = run(bulwark(&root)
        .args([
            "k8s",
            "--pss-level",
            "baseline",
            "--pss-only",
            "-f",
            "json",
            "-",
        ])
        .write_stdin(pod));
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let f = &v["findings"][0];
    assert_eq!(f["code"], "PSS-privileged");
    assert_eq!(f["location"]["line"], 10);
    let (code, stdout, stderr) = run(bulwark(&root).args([
        "k8s",
        "--severity",
        "HIGH,medium",
        "-f",
        "json",
        "examples/k8s",
    ]));
    assert_eq!(code, 1, "{stderr}");
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let sevs: std::collections::BTreeSet<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["severity"].as_str().unwrap())
        .collect();
    assert_eq!(sevs, ["high", "medium"].into_iter().collect());
    let (code, _, stderr) = run(bulwark(&root)
        .args(["k8s", "--pss-version", "v9", "-"])
        .write_stdin(pod));
    assert_eq!(code, 2, "{stderr}");
}

#[test]
fn rules_catalogue_and_docs() {
    let root = repo_root();
    let (code, stdout, _) = run(bulwark(&root).args(["rules"]));
    assert_eq!(code, 0);
    // Every family: Dockerfile, Kubernetes, image configuration, secrets, Compose, engine.
    for c in [
        "DL1000",
        "DL1001",
        "DL3008",
        "DL4006",
        "BW1001",
        "PSS-privileged",
        "BWK001",
        "BWI003",
        "aws-access-key-id",
        "secret-in-variable",
        "BWC001",
        "BWD001",
    ] {
        assert!(
            stdout
                .lines()
                .any(|l| l.split_whitespace().next() == Some(c)),
            "{c} missing"
        );
    }
    let dl = stdout.lines().filter(|l| l.starts_with("DL")).count();
    assert_eq!(
        dl, 72,
        "Hadolint 2.15.1 has 71 DL rules, plus its parse error DL1000; got {dl}"
    );
    let (code, stdout, _) = run(bulwark(&root).args(["rules", "dl3008"]));
    assert_eq!(code, 0);
    assert!(
        stdout.starts_with("DL3008 (dockerfile, warning)"),
        "{stdout}"
    );
    let (code, stdout, _) = run(bulwark(&root).args(["rules", "BWI003"]));
    assert_eq!(code, 0);
    assert!(
        stdout.contains("## Fix") && stdout.contains("/docs/rules/BWI003.md"),
        "{stdout}"
    );
    let (code, _, stderr) = run(bulwark(&root).args(["rules", "NOPE123"]));
    assert_eq!(code, 2);
    assert!(stderr.contains("NOPE123"));
}

#[test]
fn usage_errors_exit_2() {
    let root = repo_root();
    let (code, _, _) = run(bulwark(&root).args(["dockerfile"]));
    assert_eq!(code, 2);
    let (code, _, _) = run(bulwark(&root).args(["frobnicate"]));
    assert_eq!(code, 2);
    let (code, _, _) =
        run(bulwark(&root).args(["dockerfile", "-f", "yaml", "examples/Dockerfile"]));
    assert_eq!(code, 2);
}
