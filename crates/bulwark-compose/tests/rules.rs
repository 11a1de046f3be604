//! Every BWC rule on Compose files: a positive case (the setting is there, the finding points at
//! its line) and a negative case (a hardened service, or the safe spelling of the same setting).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::HashMap;
use std::path::Path;

use bulwark_compose::{Input, LoadOptions, Options, check_inputs};
use bulwark_report::Finding;

/// A service that passes every rule.
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

fn check(yaml: &str) -> Vec<Finding> {
    let input = Input {
        display: "compose.yaml".into(),
        bytes: yaml.as_bytes().to_vec(),
        dir: ".".into(),
    };
    let opts = Options {
        load: LoadOptions {
            environment: Some(HashMap::new()),
            ..LoadOptions::default()
        },
        ..Options::default()
    };
    let r = check_inputs(&[input], &opts);
    assert!(
        r.findings.iter().all(|f| !f.code.starts_with("COMPOSE-")),
        "{yaml}\n{:#?}",
        r.findings
    );
    r.findings
}

/// The hardened service plus `extra` lines (4-space indented service keys).
fn with(extra: &str) -> String {
    format!("{HARDENED}{extra}")
}

/// The hardened service without the line containing `drop`.
fn without(drop: &str) -> String {
    HARDENED
        .lines()
        .filter(|l| !l.contains(drop))
        .fold(String::new(), |acc, l| acc + l + "\n")
}

fn line_of(yaml: &str, needle: &str) -> u32 {
    yaml.lines()
        .position(|l| l.contains(needle))
        .map_or_else(|| panic!("{needle:?} not in {yaml}"), |i| i as u32 + 1)
}

fn codes(findings: &[Finding], code: &str) -> Vec<u32> {
    findings
        .iter()
        .filter(|f| f.code == code)
        .map(|f| f.location.line.unwrap_or(0))
        .collect()
}

#[test]
fn hardened_service_is_clean() {
    let f = check(HARDENED);
    assert!(f.is_empty(), "{f:#?}");
}

/// (code, positive yaml, the text on the line the finding must point at, negative yaml)
fn cases() -> Vec<(&'static str, String, &'static str, String)> {
    vec![
        (
            "BWC001",
            with("    privileged: true\n"),
            "privileged: true",
            with("    privileged: false\n"),
        ),
        (
            "BWC002",
            with("    cap_add: [SYS_ADMIN]\n"),
            "cap_add",
            HARDENED.to_string(),
        ),
        (
            "BWC003",
            without("cap_drop"),
            "app:",
            with("").replace("[ALL]", "[all]"),
        ),
        (
            "BWC004",
            with("    network_mode: host\n"),
            "network_mode",
            with("    network_mode: bridge\n"),
        ),
        (
            "BWC005",
            with("    pid: host\n"),
            "pid: host",
            with("    pid: \"service:db\"\n"),
        ),
        (
            "BWC006",
            with("    ipc: host\n"),
            "ipc: host",
            with("    ipc: private\n"),
        ),
        (
            "BWC007",
            with("    uts: host\n"),
            "uts: host",
            HARDENED.to_string(),
        ),
        (
            "BWC008",
            with("    userns_mode: host\n"),
            "userns_mode",
            HARDENED.to_string(),
        ),
        (
            "BWC009",
            with("    volumes:\n      - /var/run/docker.sock:/var/run/docker.sock:ro\n"),
            "docker.sock",
            with("    volumes:\n      - docker-sock:/var/run/docker.sock\n"),
        ),
        (
            "BWC010",
            with(
                "    volumes:\n      - type: bind\n        source: /etc\n        target: /host/etc\n",
            ),
            "- type: bind",
            with("    volumes:\n      - /srv/app/config:/etc/app:ro\n"),
        ),
        (
            "BWC011",
            without("read_only"),
            "app:",
            with("").replace("read_only: true", "read_only: \"true\""),
        ),
        (
            "BWC012",
            with("").replace("\"10001:10001\"", "\"0:0\""),
            "user:",
            with("").replace("\"10001:10001\"", "app"),
        ),
        (
            "BWC013",
            without("no-new-privileges"),
            "app:",
            with("").replace("\"no-new-privileges:true\"", "no-new-privileges"),
        ),
        (
            "BWC014",
            with("").replace(
                "[\"no-new-privileges:true\"]",
                "[\"no-new-privileges:true\", \"seccomp=unconfined\"]",
            ),
            "security_opt",
            with("").replace(
                "[\"no-new-privileges:true\"]",
                "[\"no-new-privileges:true\", \"seccomp:./profile.json\"]",
            ),
        ),
        (
            "BWC015",
            with("").replace(
                "[\"no-new-privileges:true\"]",
                "[\"no-new-privileges:true\", \"apparmor:unconfined\"]",
            ),
            "security_opt",
            with("").replace(
                "[\"no-new-privileges:true\"]",
                "[\"no-new-privileges:true\", \"apparmor:docker-default\"]",
            ),
        ),
        (
            "BWC016",
            with("").replace("memory: 128M, ", ""),
            "app:",
            with("").replace("memory: 128M", "memory: 1G"),
        ),
        (
            "BWC017",
            with("").replace(", cpus: \"0.5\"", ""),
            "app:",
            with("").replace("cpus: \"0.5\"", "cpus: \"2\""),
        ),
        (
            "BWC018",
            without("pids_limit"),
            "app:",
            with("").replace("pids_limit: 100", "pids_limit: \"50\""),
        ),
        (
            "BWC019",
            with("").replace("app:1.4.2", "app:latest"),
            "image:",
            with("").replace(
                "app:1.4.2",
                "app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
            ),
        ),
        (
            "BWC020",
            with(
                "    environment:\n      DB_HOST: db\n      GITHUB_TOKEN: ghp_R7tK2mQ9xV4bL8nW3pZ6cF1hJ5dS0aYeUo2Q\n",
            ),
            "GITHUB_TOKEN",
            with(
                "    environment:\n      DB_PASSWORD_FILE: /run/secrets/db\n      DB_PASSWORD: ${DB_PASSWORD:-}\n",
            ),
        ),
        (
            "BWC021",
            with("    ports: [\"8080:80\"]\n"),
            "ports",
            with("    ports: [\"127.0.0.1:8080:80\"]\n"),
        ),
        (
            "BWC022",
            with("    ports: [\"127.0.0.1:80:8080\"]\n"),
            "ports",
            with("    ports: [\"127.0.0.1:8080:80\"]\n"),
        ),
        (
            "BWC023",
            with("    devices: [\"/dev/sda:/dev/xvda:rwm\"]\n"),
            "devices",
            HARDENED.to_string(),
        ),
        (
            "BWC024",
            with("    volumes: [\"/srv/data:/data:rshared\"]\n"),
            "volumes",
            with("    volumes: [\"/srv/data:/data:rslave\"]\n"),
        ),
    ]
}

#[test]
fn every_rule_has_a_positive_and_a_negative_case() {
    let cases = cases();
    let tested: Vec<&str> = cases.iter().map(|c| c.0).collect();
    for rule in bulwark_compose::rules::RULES {
        assert!(
            tested.contains(&rule.code),
            "{} has no test case",
            rule.code
        );
    }
    for (code, pos, needle, neg) in &cases {
        let found = check(pos);
        let lines = codes(&found, code);
        assert_eq!(
            lines,
            [line_of(pos, needle)],
            "{code} positive:\n{pos}\n{found:#?}"
        );
        let others: Vec<_> = found.iter().filter(|f| f.code != *code).collect();
        assert!(
            others.is_empty(),
            "{code} positive case has other findings: {others:#?}"
        );
        let found = check(neg);
        assert!(found.is_empty(), "{code} negative:\n{neg}\n{found:#?}");
    }
}

#[test]
fn findings_carry_column_setting_and_cis() {
    let yaml = with("    privileged: true\n");
    let f = check(&yaml);
    let f = f.iter().find(|f| f.code == "BWC001").unwrap();
    assert_eq!(f.location.column, Some(17));
    assert_eq!(f.properties["setting"], "privileged");
    assert_eq!(f.properties["service"], "app");
    assert_eq!(f.properties["cis"], "5.5");
}

#[test]
fn secrets_are_masked() {
    let yaml =
        with("    environment:\n      - GITHUB_TOKEN=ghp_R7tK2mQ9xV4bL8nW3pZ6cF1hJ5dS0aYeUo2Q\n");
    let f = check(&yaml);
    let f = f.iter().find(|f| f.code == "BWC020").unwrap();
    assert!(
        !f.message
            .contains("ghp_R7tK2mQ9xV4bL8nW3pZ6cF1hJ5dS0aYeUo2Q"),
        "{}",
        f.message
    );
    assert!(f.message.contains("GITHUB_TOKEN"), "{}", f.message);
    assert_eq!(f.location.line, Some(line_of(&yaml, "GITHUB_TOKEN")));
}

#[test]
fn profiles_select_services() {
    let yaml = format!(
        "{HARDENED}  debug:\n    image: busybox:1.36\n    profiles: [debug]\n    privileged: true\n"
    );
    let run = |profiles: Option<Vec<String>>| {
        let input = Input {
            display: "c.yaml".into(),
            bytes: yaml.as_bytes().to_vec(),
            dir: ".".into(),
        };
        let opts = Options {
            load: LoadOptions {
                environment: Some(HashMap::new()),
                ..LoadOptions::default()
            },
            profiles,
            ..Options::default()
        };
        check_inputs(&[input], &opts)
    };
    let all = run(None);
    assert!(all.findings.iter().any(|f| f.code == "BWC001"));
    let none = run(Some(vec![]));
    assert!(!none.findings.iter().any(|f| f.code == "BWC001"));
    assert_eq!(none.services_inactive, ["debug"]);
    let debug = run(Some(vec!["debug".into()]));
    let f = debug.findings.iter().find(|f| f.code == "BWC001").unwrap();
    assert_eq!(f.properties["profiles"], serde_json::json!(["debug"]));
}

#[test]
fn bad_input_is_an_input_error_with_a_position() {
    for (yaml, code, line) in [
        ("services:\n  a: [unclosed\n", "COMPOSE-PARSE", 3),
        (
            "services:\n  a:\n    image: ${TAG:?set TAG}\n",
            "COMPOSE-INVALID",
            3,
        ),
        ("services:\n  a:\n    image: $ bad\n", "COMPOSE-INVALID", 3),
        ("services: [a]\n", "COMPOSE-INVALID", 1),
        ("services:\n  a:\n    extends: b\n", "COMPOSE-INVALID", 3),
        (
            "services:\n  a:\n    extends: b\n  b:\n    extends: a\n",
            "COMPOSE-INVALID",
            3,
        ),
    ] {
        let input = Input {
            display: "c.yaml".into(),
            bytes: yaml.as_bytes().to_vec(),
            dir: ".".into(),
        };
        let opts = Options {
            load: LoadOptions {
                environment: Some(HashMap::new()),
                ..LoadOptions::default()
            },
            ..Options::default()
        };
        let r = check_inputs(&[input], &opts);
        let f = r.findings.iter().find(|f| f.code.starts_with("COMPOSE-"));
        let f = f.unwrap_or_else(|| panic!("{yaml}: {:#?}", r.findings));
        assert_eq!(
            (f.code.as_str(), f.location.line),
            (code, Some(line)),
            "{yaml}: {f:#?}"
        );
    }
}

#[test]
fn alias_bombs_and_deep_nesting_are_bounded() {
    let mut text = String::from("x-a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..10 {
        let refs = vec![format!("*a{}", i - 1); 9].join(", ");
        text += &format!("x-a{i}: &a{i} [{refs}]\n");
    }
    text += "services: {}\n";
    let input = Input {
        display: "bomb.yaml".into(),
        bytes: text.into_bytes(),
        dir: ".".into(),
    };
    let r = check_inputs(&[input], &Options::default());
    assert!(
        r.findings
            .iter()
            .any(|f| f.code == "COMPOSE-PARSE" && f.message.contains("alias")),
        "{:#?}",
        r.findings
    );
    let deep = "services:\n  a:\n    x-deep: ".to_string() + &"[".repeat(5000);
    let input = Input {
        display: "deep.yaml".into(),
        bytes: deep.into_bytes(),
        dir: ".".into(),
    };
    let r = check_inputs(&[input], &Options::default());
    assert!(
        r.findings.iter().any(|f| f.code == "COMPOSE-PARSE"),
        "{:#?}",
        r.findings
    );
}

#[test]
fn default_files_are_found_as_docker_compose_finds_them() {
    use bulwark_compose::default_files;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let at = |n: &str| d.join(n).display().to_string();
    assert!(default_files(d, None, None).is_empty());
    std::fs::write(d.join("docker-compose.yml"), "services: {}\n").unwrap();
    assert_eq!(default_files(d, None, None), [at("docker-compose.yml")]);
    // compose.yaml comes first; its override file joins it.
    std::fs::write(d.join("compose.yaml"), "services: {}\n").unwrap();
    std::fs::write(d.join("compose.override.yml"), "services: {}\n").unwrap();
    assert_eq!(
        default_files(d, None, None),
        [at("compose.yaml"), at("compose.override.yml")]
    );
    // COMPOSE_FILE wins, split at COMPOSE_PATH_SEPARATOR.
    assert_eq!(
        default_files(d, Some("a.yml:b.yml"), None),
        ["a.yml", "b.yml"]
    );
    assert_eq!(
        default_files(d, Some("a.yml;b.yml"), Some(";")),
        ["a.yml", "b.yml"]
    );
    assert_eq!(default_files(d, Some(""), None).len(), 2);
    // Standard input resolves relative paths against the working directory.
    assert_eq!(Input::new("-", Vec::new()).dir, Path::new("."));
    assert_eq!(Input::new("compose.yaml", Vec::new()).dir, Path::new("."));
    assert_eq!(
        Input::new("app/compose.yaml", Vec::new()).dir,
        Path::new("app")
    );
}
