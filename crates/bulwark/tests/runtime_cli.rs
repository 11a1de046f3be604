//! End-to-end tests of `bulwark compose` and `bulwark docker` through the real binary: formats,
//! policy flags, exit statuses (0 clean, 1 findings, 2 usage, 3 unreadable input or unreachable
//! engine), stdin, default file discovery, and an audit of a container on the real engine.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;
use std::process::Command as StdCommand;

use assert_cmd::Command;
use serde_json::Value;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn bulwark() -> Command {
    let dir = repo();
    let mut cmd = Command::cargo_bin("bulwark").unwrap();
    cmd.current_dir(&dir)
        .env_remove("NO_COLOR")
        .env_remove("COMPOSE_FILE")
        .env_remove("COMPOSE_PROFILES")
        .env("HOME", &dir)
        .env("XDG_CONFIG_HOME", dir.join(".xdg"));
    for (k, _) in std::env::vars() {
        if k.starts_with("BULWARK_") {
            cmd.env_remove(k);
        }
    }
    cmd
}

const CORPUS: &str = "crates/bulwark-compose/tests/corpus";

const HARDENED: &str = "services:
  app:
    image: registry.local/app:1.4.2
    user: \"10001:10001\"
    read_only: true
    cap_drop: [ALL]
    security_opt: [\"no-new-privileges:true\"]
    pids_limit: 100
    deploy:
      resources:
        limits: {memory: 128M, cpus: \"0.5\"}
";

fn json_of(out: &std::process::Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

#[test]
fn compose_clean_file_exits_zero() {
    let out = bulwark()
        .args(["compose", "-"])
        .write_stdin(HARDENED)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("No findings"));
}

#[test]
fn compose_merge_of_two_files_in_json() {
    let base = format!("{CORPUS}/base.yaml");
    let over = format!("{CORPUS}/override.yaml");
    let out = bulwark()
        .args(["compose", "-f", "json", &base, &over])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let v = json_of(&out);
    let findings = v["findings"].as_array().unwrap();
    let seccomp = findings
        .iter()
        .find(|f| f["code"] == "BWC014")
        .expect("seccomp finding");
    assert_eq!(seccomp["location"]["path"], over.as_str());
    assert_eq!(seccomp["location"]["line"], 8);
    assert_eq!(seccomp["category"], "runtime");
    assert_eq!(seccomp["properties"]["service"], "api");
    // the profile-gated service is checked (no --profile given) and says so
    let host = findings
        .iter()
        .find(|f| f["code"] == "BWC004")
        .expect("network_mode: host of the debug service");
    assert_eq!(host["properties"]["profiles"], serde_json::json!(["debug"]));
    let rule = v["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["code"] == "BWC014")
        .unwrap();
    assert!(rule["help_markdown"].as_str().unwrap().contains("5.22"));
    // with a profile selection the debug service is left out
    let out = bulwark()
        .args(["compose", "-f", "json", "--profile", "other", &base, &over])
        .output()
        .unwrap();
    let v = json_of(&out);
    assert!(
        !v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["code"] == "BWC004")
    );
}

#[test]
fn compose_formats_and_policy_flags() {
    let yaml = format!("{HARDENED}    privileged: true\n    ports: [\"127.0.0.1:80:8080\"]\n");
    for format in ["table", "json", "sarif", "checkstyle", "gitlab"] {
        let out = bulwark()
            .args(["compose", "-f", format, "-"])
            .write_stdin(yaml.clone())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{format}: {out:?}");
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("BWC001"),
            "{format}"
        );
    }
    // the info finding alone does not reach an error threshold
    let out = bulwark()
        .args(["compose", "-t", "error", "--exit-code", "7", "-"])
        .write_stdin(format!("{HARDENED}    ports: [\"127.0.0.1:80:8080\"]\n"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let out = bulwark()
        .args(["compose", "-t", "error", "--exit-code", "7", "-q", "-"])
        .write_stdin(yaml.clone())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(7), "{out:?}");
    let out = bulwark()
        .args(["compose", "--severity", "info", "-f", "json", "-"])
        .write_stdin(yaml)
        .output()
        .unwrap();
    let v = json_of(&out);
    let codes: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["BWC022"]);
    let out = bulwark()
        .args(["compose", "-t", "bogus", "-"])
        .write_stdin(HARDENED)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
}

#[test]
fn compose_unreadable_input_exits_three() {
    let out = bulwark()
        .args(["compose", "no/such/compose.yaml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("no/such/compose.yaml"));
    assert!(!String::from_utf8_lossy(&out.stdout).contains("No findings"));
    // one good file and one missing: the good one is reported, the status is still 3
    let out = bulwark()
        .args(["compose", "-", "missing.yaml"])
        .write_stdin(HARDENED)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "{out:?}");
    // no file named and none in the directory
    let empty = tempfile::tempdir().unwrap();
    let out = bulwark()
        .current_dir(empty.path())
        .arg("compose")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("compose.yaml"));
}

#[test]
fn compose_finds_the_default_files_and_env() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("compose.yaml"),
        "services:\n  web:\n    image: nginx:${TAG}\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("compose.override.yaml"),
        "services:\n  web:\n    privileged: true\n",
    )
    .unwrap();
    std::fs::write(dir.path().join(".env"), "TAG=latest\n").unwrap();
    let out = bulwark()
        .current_dir(dir.path())
        .args(["compose", "-f", "json"])
        .output()
        .unwrap();
    let v = json_of(&out);
    let f = v["findings"].as_array().unwrap();
    let priv_ = f.iter().find(|f| f["code"] == "BWC001").unwrap();
    assert_eq!(priv_["location"]["path"], "compose.override.yaml");
    let tag = f.iter().find(|f| f["code"] == "BWC019").unwrap();
    assert!(tag["message"].as_str().unwrap().contains("nginx:latest"));
}

#[test]
fn compose_bad_yaml_is_a_finding_with_a_position() {
    let out = bulwark()
        .args(["compose", "-f", "json", "-"])
        .write_stdin("services:\n  a:\n    image: ${NEED:?set NEED first}\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let v = json_of(&out);
    let f = &v["findings"][0];
    assert_eq!(f["code"], "COMPOSE-INVALID");
    assert_eq!(f["location"]["line"], 3);
    assert!(f["message"].as_str().unwrap().contains("set NEED first"));
}

#[test]
fn rules_lists_and_documents_runtime_codes() {
    let out = bulwark().arg("rules").output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    for code in ["BWC001", "BWC024", "BWD001", "BWD013", "COMPOSE-PARSE"] {
        assert!(text.contains(code), "{code} not listed");
    }
    let out = bulwark().args(["rules", "BWD003"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("## Fix") && text.contains("check 2.7"),
        "{text}"
    );
}

#[test]
fn docker_unreachable_engine_exits_three() {
    let out = bulwark()
        .args(["docker", "-H", "unix:///nonexistent/docker.sock"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("/nonexistent/docker.sock") && err.contains("DOCKER_HOST"),
        "{err}"
    );
    assert!(out.stdout.is_empty());
    let out = bulwark()
        .args(["docker"])
        .env("DOCKER_HOST", "tcp://127.0.0.1:1")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("tcp://127.0.0.1:1"));
}

#[test]
fn docker_audits_a_named_container() {
    if !bulwark_testutil::docker_available() {
        return;
    }
    let image = "bulwark-test/debian:bookworm";
    if !StdCommand::new("docker")
        .args(["image", "inspect", image])
        .output()
        .is_ok_and(|o| o.status.success())
    {
        let msg = format!("{image} not built (scripts/build-test-image.sh)");
        assert!(!bulwark_testutil::is_ci(), "{msg}");
        eprintln!("SKIPPED: {msg}");
        return;
    }
    let name = format!("bw-cli-{}", std::process::id());
    struct Rm(String);
    impl Drop for Rm {
        fn drop(&mut self) {
            let _ = StdCommand::new("docker")
                .args(["rm", "-f", &self.0])
                .output();
        }
    }
    let ok = StdCommand::new("docker")
        .args([
            "create",
            "--name",
            &name,
            "--privileged",
            "-v",
            "/var/run/docker.sock:/var/run/docker.sock",
            image,
            "true",
        ])
        .output()
        .unwrap();
    assert!(ok.status.success(), "{ok:?}");
    let _rm = Rm(name.clone());
    let out = bulwark()
        .args(["docker", "--container", &name, "-f", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let v = json_of(&out);
    let findings = v["findings"].as_array().unwrap();
    assert!(
        findings
            .iter()
            .all(|f| f["location"]["path"] == format!("container:{name}"))
    );
    let codes: Vec<&str> = findings
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert!(
        codes.contains(&"BWC001") && codes.contains(&"BWC009"),
        "{codes:?}"
    );
    let sock = findings.iter().find(|f| f["code"] == "BWC009").unwrap();
    assert_eq!(sock["properties"]["setting"], "volumes");
    assert!(sock["message"].as_str().unwrap().contains(&name));
    // SARIF too
    let out = bulwark()
        .args(["docker", "--container", &name, "-f", "sarif"])
        .output()
        .unwrap();
    let v = json_of(&out);
    assert_eq!(v["version"], "2.1.0");
    // an unknown container is a runtime error naming it
    let out = bulwark()
        .args(["docker", "--container", &format!("{name}-missing")])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains(&format!("{name}-missing")));
}
