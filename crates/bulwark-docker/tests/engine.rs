//! The audit on this machine's Docker engine: containers created with known bad settings (one
//! each on top of a hardened baseline; `docker create` only, as this engine refuses to start
//! privileged containers) and a hardened container that runs; the daemon checks on the engine's
//! real settings, and each flipped to its other verdict. Containers and tags are named uniquely
//! and removed afterwards, also when an assertion fails.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::process::Command;

use bulwark_docker::{AuditOptions, audit, daemon_settings, rules::check_daemon};
use bulwark_oci::DockerDaemon;
use bulwark_report::Finding;

const BASE_IMAGE: &str = "bulwark-test/debian:bookworm";

fn docker(args: &[&str]) -> Result<String, String> {
    let out = Command::new("docker")
        .args(args)
        .output()
        .map_err(|e| e.to_string())?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).trim().to_string())
    }
}

/// The test image (built by scripts/build-test-image.sh when missing), or `None` after saying
/// why the test skips.
fn base_image() -> Option<&'static str> {
    if !bulwark_testutil::docker_available() {
        return None;
    }
    if docker(&["image", "inspect", BASE_IMAGE]).is_err() {
        let script =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/build-test-image.sh");
        let ok = Command::new("bash")
            .arg(&script)
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            let msg = format!("{BASE_IMAGE} missing and {} failed", script.display());
            assert!(!bulwark_testutil::is_ci(), "{msg}");
            eprintln!("SKIPPED: {msg}");
            return None;
        }
    }
    Some(BASE_IMAGE)
}

/// Removes the containers and tags it holds when dropped.
struct Cleanup {
    containers: Vec<String>,
    tags: Vec<String>,
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        for c in &self.containers {
            let _ = docker(&["rm", "-f", c]);
        }
        for t in &self.tags {
            let _ = docker(&["rmi", t]);
        }
    }
}

const HARDENED: &[&str] = &[
    "--read-only",
    "--cap-drop",
    "ALL",
    "--security-opt",
    "no-new-privileges",
    "--user",
    "1000:1000",
    "--memory",
    "64m",
    "--cpus",
    "0.5",
    "--pids-limit",
    "50",
];

/// Hardened flags without `drop` (and its value) plus `extra`.
fn flags(drop: Option<&str>, extra: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    let mut skip_next = false;
    for (i, f) in HARDENED.iter().enumerate() {
        if skip_next {
            skip_next = false;
            continue;
        }
        if Some(*f) == drop {
            skip_next = HARDENED.get(i + 1).is_some_and(|n| !n.starts_with("--"));
            continue;
        }
        out.push((*f).to_string());
    }
    out.extend(extra.iter().map(|s| (*s).to_string()));
    out
}

fn codes_of(findings: &[Finding], container: &str) -> Vec<String> {
    let path = format!("container:{container}");
    let mut c: Vec<String> = findings
        .iter()
        .filter(|f| f.location.path == path)
        .map(|f| f.code.clone())
        .collect();
    c.sort();
    c
}

#[test]
fn containers_get_the_compose_verdicts() {
    let Some(image) = base_image() else { return };
    let prefix = format!("bw-engine-{}", std::process::id());
    let latest = format!("{prefix}-img:latest");
    let mut cleanup = Cleanup {
        containers: Vec::new(),
        tags: Vec::new(),
    };
    docker(&["tag", image, &latest]).unwrap();
    cleanup.tags.push(latest.clone());
    let token = "ghp_R7tK2mQ9xV4bL8nW3pZ6cF1hJ5dS0aYeUo2Q";
    let token_env = format!("GITHUB_TOKEN={token}");
    // (code, flag removed from the baseline, flags added, image)
    let cases: Vec<(&str, Option<&str>, Vec<&str>, &str)> = vec![
        ("BWC001", None, vec!["--privileged"], image),
        ("BWC002", None, vec!["--cap-add", "NET_ADMIN"], image),
        ("BWC003", Some("--cap-drop"), vec![], image),
        ("BWC004", None, vec!["--network", "host"], image),
        ("BWC005", None, vec!["--pid", "host"], image),
        ("BWC006", None, vec!["--ipc", "host"], image),
        ("BWC007", None, vec!["--uts", "host"], image),
        ("BWC008", None, vec!["--userns", "host"], image),
        (
            "BWC009",
            None,
            vec!["-v", "/var/run/docker.sock:/var/run/docker.sock"],
            image,
        ),
        ("BWC010", None, vec!["-v", "/etc:/host/etc:ro"], image),
        ("BWC011", Some("--read-only"), vec![], image),
        ("BWC012", Some("--user"), vec![], image),
        ("BWC013", Some("--security-opt"), vec![], image),
        (
            "BWC014",
            None,
            vec!["--security-opt", "seccomp=unconfined"],
            image,
        ),
        (
            "BWC015",
            None,
            vec!["--security-opt", "label=disable"],
            image,
        ),
        ("BWC016", Some("--memory"), vec![], image),
        ("BWC017", Some("--cpus"), vec![], image),
        ("BWC018", Some("--pids-limit"), vec![], image),
        ("BWC019", None, vec![], latest.as_str()),
        ("BWC020", None, vec!["-e", token_env.as_str()], image),
        ("BWC021", None, vec!["-p", "18080:80"], image),
        ("BWC022", None, vec!["-p", "127.0.0.1:80:80"], image),
        (
            "BWC023",
            None,
            vec!["--device", "/dev/null:/dev/xnull"],
            image,
        ),
        ("BWC024", None, vec!["-v", "/srv:/data:rshared"], image),
    ];
    for rule in bulwark_compose::rules::RULES {
        assert!(
            cases.iter().any(|c| c.0 == rule.code),
            "{} has no engine case",
            rule.code
        );
    }
    let mut names = Vec::new();
    for (code, drop, extra, img) in &cases {
        let name = format!("{prefix}-{}", code.to_ascii_lowercase());
        let mut args = vec!["create".to_string(), "--name".into(), name.clone()];
        args.extend(flags(*drop, extra));
        args.extend([(*img).to_string(), "sleep".into(), "600".into()]);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        docker(&args).unwrap_or_else(|e| panic!("{code}: docker {args:?}: {e}"));
        cleanup.containers.push(name.clone());
        names.push(name);
    }
    // The hardened baseline, running (a published port bound to loopback only).
    let good = format!("{prefix}-good");
    let mut args = vec![
        "run".to_string(),
        "-d".into(),
        "--name".into(),
        good.clone(),
    ];
    args.extend(flags(None, &["-p", "127.0.0.1::80"]));
    args.extend([image.to_string(), "sleep".into(), "600".into()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    docker(&args).unwrap();
    cleanup.containers.push(good.clone());

    let daemon = DockerDaemon::from_env().unwrap();
    let mut wanted = names.clone();
    wanted.push(good.clone());
    let result = audit(
        &daemon,
        &AuditOptions {
            containers: wanted,
            ..AuditOptions::default()
        },
    )
    .unwrap();
    assert_eq!(
        codes_of(&result.findings, &good),
        Vec::<String>::new(),
        "hardened container"
    );
    for ((code, ..), name) in cases.iter().zip(&names) {
        let got = codes_of(&result.findings, name);
        assert!(
            got.iter().any(|c| c == code),
            "{name}: expected {code}, got {got:?}"
        );
        // Nothing else than what the one changed flag implies (the engine turns SELinux labels
        // off by itself for containers sharing the host's PID or IPC namespace: BWC015).
        let implied = |c: &str| {
            c == *code
                || (c == "BWC015"
                    && matches!(*code, "BWC004" | "BWC005" | "BWC006" | "BWC007" | "BWC008"))
        };
        let extra: Vec<&String> = got.iter().filter(|c| !implied(c)).collect();
        assert!(extra.is_empty(), "{name}: unexpected {extra:?}");
    }
    // Findings name the container and the setting; the secret is masked.
    let f = result.findings.iter().find(|f| f.code == "BWC020").unwrap();
    assert!(f.location.path.starts_with("container:bw-engine-"));
    assert_eq!(f.properties["setting"], "environment");
    assert!(!f.message.contains(token), "{}", f.message);
    let f = result.findings.iter().find(|f| f.code == "BWC001").unwrap();
    assert_eq!(f.properties["state"], "created");
    assert_eq!(f.properties["cis"], "5.5");

    // Without --container: running containers only (the created ones are left out) …
    let running = audit(
        &daemon,
        &AuditOptions {
            no_daemon: true,
            ..AuditOptions::default()
        },
    )
    .unwrap();
    assert!(running.containers.contains(&good));
    assert!(!running.containers.iter().any(|c| names.contains(c)));
    // … and with `all`, every one.
    let all = audit(
        &daemon,
        &AuditOptions {
            no_daemon: true,
            all: true,
            ..AuditOptions::default()
        },
    )
    .unwrap();
    for n in &names {
        assert!(all.containers.contains(n), "{n} not audited with all");
    }
    // An unknown container is an error that names it.
    let err = audit(
        &daemon,
        &AuditOptions {
            containers: vec![format!("{prefix}-nope")],
            ..AuditOptions::default()
        },
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains(&format!("{prefix}-nope")) && err.contains("docker ps -a"),
        "{err}"
    );
}

fn daemon_codes(f: &[Finding]) -> Vec<String> {
    let mut c: Vec<String> = f.iter().map(|f| f.code.clone()).collect();
    c.sort();
    c
}

#[test]
fn daemon_checks_on_this_engine_and_flipped() {
    if !bulwark_testutil::docker_available() {
        return;
    }
    let daemon = DockerDaemon::from_env().unwrap();
    let real = daemon_settings(&daemon).unwrap();
    let got = daemon_codes(&check_daemon(&real));
    // The verdicts follow the engine's own settings, read independently through the CLI.
    let info = |fmt: &str| docker(&["info", "--format", fmt]).unwrap();
    let expect = |code: &str, present: bool| {
        assert_eq!(got.iter().any(|c| c == code), present, "{code} in {got:?}");
    };
    expect(
        "BWD005",
        !info("{{json .SecurityOptions}}").contains("userns"),
    );
    expect("BWD008", info("{{.LiveRestoreEnabled}}") == "false");
    expect("BWD010", info("{{.ExperimentalBuild}}") == "true");
    expect("BWD012", info("{{.Driver}}") == "aufs");
    expect(
        "BWD011",
        !info("{{json .SecurityOptions}}").contains("rootless"),
    );
    let icc = docker(&[
        "network",
        "inspect",
        "bridge",
        "--format",
        "{{index .Options \"com.docker.network.bridge.enable_icc\"}}",
    ])
    .unwrap();
    expect("BWD001", icc == "true");
    let driver = info("{{.LoggingDriver}}");
    expect(
        "BWD006",
        matches!(driver.as_str(), "json-file" | "local" | "none"),
    );
    assert!(
        real.local_config_visible(),
        "dockerd and daemon.json should be readable here"
    );
    expect("BWD013", false);

    // Every daemon rule, flipped: the setting that passes, then the one that fails.
    let mut good = real.clone();
    good.info["SecurityOptions"] = serde_json::json!([
        "name=seccomp,profile=default",
        "name=userns",
        "name=rootless"
    ]);
    good.info["LiveRestoreEnabled"] = true.into();
    good.info["ExperimentalBuild"] = false.into();
    good.info["Driver"] = "overlay2".into();
    good.info["LoggingDriver"] = "syslog".into();
    good.info["RegistryConfig"] = serde_json::json!({"InsecureRegistryCIDRs": ["127.0.0.0/8"], "IndexConfigs": {"docker.io": {"Secure": true}}});
    good.bridge_options =
        Some(serde_json::json!({"com.docker.network.bridge.enable_icc": "false"}));
    good.config_file = Some((
        "/etc/docker/daemon.json".into(),
        serde_json::json!({"default-ulimits": {"nofile": {"Name": "nofile", "Soft": 1024, "Hard": 2048}}, "no-new-privileges": true, "userland-proxy": false, "hosts": ["unix:///var/run/docker.sock", "tcp://0.0.0.0:2376"], "tlsverify": true}),
    ));
    good.command_line = Some(vec![]);
    assert_eq!(daemon_codes(&check_daemon(&good)), Vec::<String>::new());
    let mut bad = good.clone();
    bad.info["SecurityOptions"] = serde_json::json!(["name=seccomp,profile=default"]);
    bad.info["LiveRestoreEnabled"] = false.into();
    bad.info["ExperimentalBuild"] = true.into();
    bad.info["Driver"] = "aufs".into();
    bad.info["LoggingDriver"] = "json-file".into();
    bad.info["RegistryConfig"] = serde_json::json!({"InsecureRegistryCIDRs": ["127.0.0.0/8", "10.0.0.0/8"], "IndexConfigs": {"registry.internal:5000": {"Secure": false}}});
    bad.bridge_options = Some(serde_json::json!({"com.docker.network.bridge.enable_icc": "true"}));
    bad.config_file = Some((
        "/etc/docker/daemon.json".into(),
        serde_json::json!({"hosts": ["tcp://0.0.0.0:2375"]}),
    ));
    let all: Vec<String> = bulwark_docker::rules::RULES
        .iter()
        .map(|r| r.code.to_string())
        .filter(|c| c != "BWD013")
        .collect();
    assert_eq!(daemon_codes(&check_daemon(&bad)), all);
    let f = check_daemon(&bad);
    let tls = f.iter().find(|f| f.code == "BWD003").unwrap();
    assert!(
        tls.message.contains("tcp://0.0.0.0:2375") && tls.message.contains("without TLS"),
        "{}",
        tls.message
    );
    // A remote engine: the local-only checks are reported as not made, not passed.
    let mut remote = bad.clone();
    remote.command_line = None;
    remote.config_file = None;
    let codes = daemon_codes(&check_daemon(&remote));
    assert!(codes.contains(&"BWD013".to_string()));
    assert!(!codes.contains(&"BWD004".to_string()));
}

#[test]
fn unreachable_engine_is_an_error_that_says_what_to_do() {
    let dir = std::env::temp_dir().join(format!("bw-no-engine-{}.sock", std::process::id()));
    let err = DockerDaemon::new(&format!("unix://{}", dir.display()))
        .map_err(bulwark_docker::AuditError::from)
        .and_then(|d| audit(&d, &AuditOptions::default()))
        .unwrap_err()
        .to_string();
    assert!(err.contains("DOCKER_HOST"), "{err}");
}
