//! The fuzz target's body as a property test (nightly cargo-fuzz is not available everywhere):
//! arbitrary bytes, and mutations of real manifests, must never make `check_source` panic, and
//! every finding must have a position inside the input.

use bulwark_k8s::{Level, Options, PolicyVersion, check_source};
use proptest::prelude::*;

const SEED: &str = r#"apiVersion: v1
kind: List
items:
- apiVersion: apps/v1
  kind: Deployment
  metadata: {name: web, namespace: default, annotations: {bulwark.dev/ignore: "BWK001=x"}}
  spec:
    template:
      metadata:
        annotations:
          container.apparmor.security.beta.kubernetes.io/app: unconfined
          seccomp.security.alpha.kubernetes.io/pod: unconfined
      spec:
        hostNetwork: true
        hostUsers: false
        os: {name: windows}
        securityContext: {runAsUser: 0, sysctls: [{name: kernel.msgmax, value: "1"}], seLinuxOptions: {type: spc_t, user: u}}
        volumes: [{name: v, hostPath: {path: /var/run/docker.sock}}, {name: n, nfs: {server: s, path: /}}]
        containers:
        - name: app
          image: nginx
          ports: [{containerPort: 22, hostPort: 22}]
          env: [{name: API_TOKEN, value: abc}]
          livenessProbe: {httpGet: {host: 1.2.3.4, port: 80}}
          lifecycle: {preStop: {tcpSocket: {host: evil, port: 1}}}
          securityContext: {privileged: true, procMount: Unmasked, capabilities: {add: [SYS_ADMIN]}, seccompProfile: {type: Unconfined}, appArmorProfile: {type: Unconfined}, windowsOptions: {hostProcess: true}}
          volumeMounts: [{name: v, mountPath: /s}]
---
{"apiVersion": "batch/v1beta1", "kind": "CronJob", "spec": {"jobTemplate": {"spec": {"template": {"spec": {"containers": [{"name": "c", "image": "x:latest"}]}}}}}}
---
base: &b {a: [1, 2, {c: *b}]}
"#;

fn check_all(data: &[u8]) {
    let lines = data.split(|b| *b == b'\n').count() as u32;
    for (level, version) in [
        (Level::Restricted, PolicyVersion::Latest),
        (Level::Baseline, PolicyVersion::V1(18)),
        (Level::Restricted, PolicyVersion::V1(24)),
    ] {
        let opts = Options {
            level,
            version,
            ..Options::default()
        };
        let result = check_source("prop.yaml", data, &opts);
        for f in result
            .findings
            .iter()
            .chain(result.suppressed.iter().map(|s| &s.finding))
        {
            if let Some(line) = f.location.line {
                assert!(
                    line >= 1 && line <= lines.max(1),
                    "{f:?} outside {lines} lines"
                );
            }
        }
    }
}

#[test]
fn seed_is_checked_without_panic() {
    check_all(SEED.as_bytes());
    let r = check_source("seed.yaml", SEED.as_bytes(), &Options::default());
    assert!(r.findings.len() > 20, "{:#?}", r.findings);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(data in proptest::collection::vec(any::<u8>(), 0..512)) {
        check_all(&data);
    }

    #[test]
    fn yaml_like_text_never_panics(data in "[ a-z:\\-\\[\\]{},&*!|>'\"#\\n0-9]{0,300}") {
        check_all(data.as_bytes());
    }

    #[test]
    fn mutated_manifests_never_panic(
        edits in proptest::collection::vec((any::<prop::sample::Index>(), 0..4u8, any::<u8>()), 1..8)
    ) {
        let mut bytes = SEED.as_bytes().to_vec();
        for (idx, op, byte) in edits {
            if bytes.is_empty() { break; }
            let i = idx.index(bytes.len());
            match op {
                0 => bytes[i] = byte,
                1 => { bytes.remove(i); }
                2 => bytes.insert(i, byte),
                _ => { let tail = bytes.split_off(i); bytes.extend_from_slice(&tail[tail.len() / 2..]); }
            }
        }
        check_all(&bytes);
    }
}
