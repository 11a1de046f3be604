//! Real Compose files (tests/corpus, see its README) load without problems, and
//! `docker-compose config` (the reference implementation installed on this machine) agrees with
//! Bulwark's merge, `extends` and interpolation: the normalized service model of our merge of the
//! original files equals the model of docker-compose's merged output.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::process::Command;

use bulwark_compose::model::{MountKind, Service};
use bulwark_compose::{Input, LoadOptions, from_compose, load};
use serde_json::{Value, json};

fn corpus() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/corpus")
}

/// The variables both loaders see.
fn environment() -> HashMap<String, String> {
    HashMap::from([("API_TAG".to_string(), String::new())])
}

fn services(files: &[&str], dir: &Path, display_prefix: &str) -> BTreeMap<String, Service> {
    let inputs: Vec<Input> = files
        .iter()
        .map(|f| Input {
            display: format!("{display_prefix}{f}"),
            bytes: std::fs::read(dir.join(f)).unwrap(),
            dir: dir.to_path_buf(),
        })
        .collect();
    let project = load(
        &inputs,
        &LoadOptions {
            environment: Some(environment()),
            ..LoadOptions::default()
        },
    );
    assert!(
        project.problems.is_empty(),
        "{files:?}: {:#?}",
        project.problems
    );
    project
        .services
        .iter()
        .map(|s| (s.name.clone(), from_compose(&project.files, s)))
        .collect()
}

/// The model without positions, lists as sets, relative bind sources made absolute (as
/// docker-compose prints them).
fn canonical(s: &Service, dir: &Path) -> Value {
    let sorted = |mut v: Vec<String>| {
        v.sort();
        v.dedup();
        v
    };
    let text =
        |f: &Option<bulwark_compose::model::Field<String>>| f.as_ref().map(|f| f.value.clone());
    json!({
        "image": text(&s.image),
        "privileged": s.privileged.as_ref().map(|f| f.value),
        "read_only": s.read_only.as_ref().map(|f| f.value),
        "user": text(&s.user),
        "network_mode": text(&s.network_mode),
        "pid": text(&s.pid),
        "ipc": text(&s.ipc),
        "cap_add": sorted(s.cap_add.iter().map(|f| f.value.clone()).collect()),
        "cap_drop": sorted(s.cap_drop.iter().map(|f| f.value.clone()).collect()),
        "security_opt": sorted(s.security_opt.iter().map(|f| f.value.clone()).collect()),
        "memory": text(&s.memory_limit),
        "cpus": text(&s.cpu_limit),
        "pids": s.pids_limit.as_ref().map(|f| f.value),
        "profiles": sorted(s.profiles.clone()),
        "environment": s.environment.iter().map(|e| (e.name.clone(), e.value.clone())).collect::<BTreeMap<_, _>>(),
        "ports": sorted(s.ports.iter().map(|p| format!("{}|{}|{}|{}", p.host_ip.as_deref().unwrap_or("0.0.0.0"), p.published.as_deref().unwrap_or(""), p.target, p.protocol)).collect()),
        "mounts": sorted(s.mounts.iter().map(|m| {
            let source = match (m.kind, m.source.as_deref()) {
                (MountKind::Bind, Some(src)) if src.starts_with('.') => {
                    let p = dir.join(src);
                    let mut out = PathBuf::new();
                    for c in p.components() {
                        match c {
                            std::path::Component::CurDir => {}
                            std::path::Component::ParentDir => { out.pop(); }
                            other => out.push(other),
                        }
                    }
                    out.to_string_lossy().into_owned()
                }
                (_, src) => src.unwrap_or("").to_string(),
            };
            format!("{:?}|{source}|{}|{}", m.kind, m.target, m.read_only)
        }).collect()),
    })
}

fn docker_compose_config(files: &[&str], dir: &Path) -> Option<String> {
    let mut cmd = Command::new("docker-compose");
    for f in files {
        cmd.arg("-f").arg(f);
    }
    cmd.arg("config").current_dir(dir).env_clear();
    if let Some(path) = std::env::var_os("PATH") {
        cmd.env("PATH", path);
    }
    for (k, v) in environment() {
        cmd.env(k, v);
    }
    let out = cmd.output().ok()?;
    assert!(
        out.status.success(),
        "docker-compose {files:?} config: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(String::from_utf8(out.stdout).unwrap())
}

const PROJECTS: &[&[&str]] = &[
    &["netdata.yaml"],
    &["portainer.yaml"],
    &["nextcloud-redis-mariadb.yaml"],
    &["elasticsearch-logstash-kibana.yaml"],
    &["base.yaml"],
    &["base.yaml", "override.yaml"],
];

#[test]
fn corpus_loads_without_problems() {
    for files in PROJECTS {
        let s = services(files, &corpus(), "");
        assert!(!s.is_empty(), "{files:?}");
    }
}

#[test]
fn docker_compose_config_agrees() {
    if Command::new("docker-compose")
        .arg("version")
        .output()
        .is_err()
    {
        let msg = "docker-compose not installed (apt-get install docker-compose)";
        assert!(!bulwark_testutil::is_ci(), "{msg}");
        eprintln!("SKIPPED: {msg}");
        return;
    }
    let dir = corpus();
    let out = tempfile::tempdir().unwrap();
    for files in PROJECTS {
        let Some(merged) = docker_compose_config(files, &dir) else {
            return;
        };
        std::fs::write(out.path().join("merged.yaml"), &merged).unwrap();
        let ours = services(files, &dir, "");
        let theirs = services(&["merged.yaml"], out.path(), "");
        assert_eq!(
            ours.keys().collect::<Vec<_>>(),
            theirs.keys().collect::<Vec<_>>(),
            "{files:?}: service names"
        );
        for (name, s) in &ours {
            let a = canonical(s, &dir);
            let b = canonical(&theirs[name], &dir);
            assert_eq!(a, b, "{files:?}: service {name}\n{merged}");
        }
    }
}

#[test]
fn merged_findings_point_into_the_file_that_set_the_value() {
    let dir = corpus();
    let s = services(&["base.yaml", "override.yaml"], &dir, "");
    let api = &s["api"];
    let seccomp = api
        .security_opt
        .iter()
        .find(|f| f.value.starts_with("seccomp"))
        .unwrap();
    assert_eq!(seccomp.location.path, "override.yaml");
    let nnp = api
        .security_opt
        .iter()
        .find(|f| f.value.starts_with("no-new"))
        .unwrap();
    assert_eq!(nnp.location.path, "base.yaml");
    // extends from another file: the image line is in common.yaml
    let db = &s["db"];
    assert_eq!(db.image.as_ref().unwrap().location.path, "common.yaml");
    assert_eq!(db.image.as_ref().unwrap().location.line, Some(4));
    // interpolation with a default and an empty variable
    assert_eq!(
        api.image.as_ref().unwrap().value,
        "registry.local/api:1.4.2"
    );
}
