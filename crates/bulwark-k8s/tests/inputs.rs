//! Input handling: positions in multi-document streams, Lists and JSON; workload kinds;
//! Namespace labels; ignore annotations; and bad input (syntax errors, alias bombs, deep
//! nesting, wrong types, unknown apiVersions, non-UTF-8, a 50 MB file).

use bulwark_k8s::{
    CODE_INVALID, CODE_PARSE, CODE_UNKNOWN_API, Level, Options, PolicyVersion, check_source,
    collect_inputs,
};
use std::fmt::Write as _;

use bulwark_report::{Category, Finding, Severity};

fn run(text: &str) -> Vec<Finding> {
    check_source("in.yaml", text.as_bytes(), &Options::default()).findings
}

fn run_pss(text: &str) -> Vec<Finding> {
    let opts = Options {
        hardening: false,
        ..Options::default()
    };
    check_source("in.yaml", text.as_bytes(), &opts).findings
}

fn at(f: &Finding) -> (u32, u32) {
    (f.location.line.unwrap_or(0), f.location.column.unwrap_or(0))
}

fn with_code<'a>(fs: &'a [Finding], code: &str) -> Vec<&'a Finding> {
    fs.iter().filter(|f| f.code == code).collect()
}

const PRIVILEGED_POD: &str = "apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  containers:
  - name: c
    image: nginx:1
    securityContext:
      privileged: true
";

#[test]
fn multi_document_positions_and_index() {
    let text =
        format!("apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: cm}}\n---\n{PRIVILEGED_POD}");
    let fs = run_pss(&text);
    let p = with_code(&fs, "PSS-privileged");
    assert_eq!(p.len(), 1, "{fs:#?}");
    // Line 4 is `---`; the pod starts on line 5, `privileged:` is its 10th line.
    assert_eq!(at(p[0]), (14, 7));
    assert_eq!(p[0].properties["document"], 1);
    assert_eq!(p[0].properties["kind"], "Pod");
    assert_eq!(p[0].properties["container"], "c");
    assert_eq!(p[0].severity, Severity::High);
    assert_eq!(p[0].category, Category::Kubernetes);
    assert!(
        p[0].message
            .contains("privileged (container \"c\" must not set securityContext.privileged=true)"),
        "{}",
        p[0].message
    );
}

#[test]
fn list_items_are_checked_with_item_index() {
    let text = "apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Service
  metadata: {name: s}
- apiVersion: apps/v1
  kind: DaemonSet
  metadata: {name: ds}
  spec:
    template:
      spec:
        hostNetwork: true
        containers: [{name: c, image: x:1}]
";
    let fs = run_pss(text);
    let h = with_code(&fs, "PSS-hostNamespaces");
    assert_eq!(h.len(), 1, "{fs:#?}");
    assert_eq!(at(h[0]), (13, 9));
    assert_eq!(h[0].properties["item"], 1);
    assert_eq!(h[0].properties["document"], 0);
    // `*List` kinds other than List work too.
    let fs = run_pss(&text.replace("kind: List", "kind: DaemonSetList"));
    assert_eq!(with_code(&fs, "PSS-hostNamespaces").len(), 1);
}

#[test]
fn json_input_positions() {
    let text = r#"{
  "apiVersion": "v1",
  "kind": "Pod",
  "metadata": {"name": "j"},
  "spec": {
    "containers": [
      {"name": "c", "image": "nginx:1", "securityContext": {"privileged": true}}
    ]
  }
}"#;
    let fs = run_pss(text);
    let p = with_code(&fs, "PSS-privileged");
    assert_eq!(p.len(), 1, "{fs:#?}");
    let line7 = text.lines().nth(6).unwrap();
    let col = |needle: &str| line7.find(needle).unwrap() as u32 + 1;
    assert_eq!(at(p[0]), (7, col("\"privileged\"")));
    // A missing field points at the container's securityContext.
    let ape = with_code(&fs, "PSS-allowPrivilegeEscalation");
    assert_eq!(at(ape[0]), (7, col("\"securityContext\"")));
    // ... or at the container itself when it has none.
    let fs = run_pss(&text.replace(r#", "securityContext": {"privileged": true}"#, ""));
    let ape = with_code(&fs, "PSS-allowPrivilegeEscalation");
    assert_eq!(at(ape[0]), (7, col("{")));
}

#[test]
fn every_workload_kind_is_checked() {
    let spec = "      spec:\n        hostPID: true\n        containers: [{name: c, image: x:1}]\n";
    let cases = [
        (
            "apps/v1",
            "Deployment",
            format!("spec:\n  template:\n{}", indent(spec, 0)),
        ),
        (
            "apps/v1",
            "ReplicaSet",
            format!("spec:\n  template:\n{}", indent(spec, 0)),
        ),
        (
            "apps/v1",
            "StatefulSet",
            format!("spec:\n  template:\n{}", indent(spec, 0)),
        ),
        (
            "apps/v1",
            "DaemonSet",
            format!("spec:\n  template:\n{}", indent(spec, 0)),
        ),
        (
            "v1",
            "ReplicationController",
            format!("spec:\n  template:\n{}", indent(spec, 0)),
        ),
        (
            "batch/v1",
            "Job",
            format!("spec:\n  template:\n{}", indent(spec, 0)),
        ),
        (
            "v1",
            "PodTemplate",
            format!("template:\n{}", indent(spec, -2)),
        ),
        (
            "batch/v1",
            "CronJob",
            format!(
                "spec:\n  jobTemplate:\n    spec:\n      template:\n{}",
                indent(spec, 4)
            ),
        ),
        (
            "batch/v1beta1",
            "CronJob",
            format!(
                "spec:\n  jobTemplate:\n    spec:\n      template:\n{}",
                indent(spec, 4)
            ),
        ),
    ];
    for (api, kind, body) in cases {
        let text = format!("apiVersion: {api}\nkind: {kind}\nmetadata: {{name: w}}\n{body}");
        let fs = run_pss(&text);
        let h = with_code(&fs, "PSS-hostNamespaces");
        assert_eq!(h.len(), 1, "{kind}:\n{text}\n{fs:#?}");
        let line = text.lines().position(|l| l.contains("hostPID")).unwrap() + 1;
        assert_eq!(h[0].location.line, Some(line as u32), "{kind}");
        assert_eq!(h[0].properties["kind"], kind);
    }
}

fn indent(s: &str, by: i32) -> String {
    s.lines()
        .map(|l| {
            if by >= 0 {
                format!("{}{l}\n", " ".repeat(by as usize))
            } else {
                format!("{}\n", &l[(-by) as usize..])
            }
        })
        .collect()
}

#[test]
fn other_kinds_pass_quietly() {
    let text = "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {ports: [{port: 80}]}\n---\nreplicaCount: 3\n---\n";
    assert!(run(text).is_empty());
}

#[test]
fn namespace_labels_set_level_and_version() {
    let pod = "apiVersion: v1
kind: Pod
metadata: {name: p, namespace: team}
spec:
  containers: [{name: c, image: x:1}]
";
    // Restricted (the default) flags the bare pod ...
    assert!(run_pss(pod).iter().any(|f| f.code == "PSS-runAsNonRoot"));
    // ... a baseline namespace does not.
    let ns = "apiVersion: v1
kind: Namespace
metadata:
  name: team
  labels:
    pod-security.kubernetes.io/enforce: baseline
    pod-security.kubernetes.io/enforce-version: v1.20
---
";
    let fs = run_pss(&format!("{ns}{pod}"));
    assert!(fs.is_empty(), "{fs:#?}");
    // The namespace may come after the workload, and a version label alone keeps the level.
    let ns_restricted_old = ns.replace("enforce: baseline", "enforce: restricted");
    let fs = run_pss(&format!("{pod}---\n{ns_restricted_old}"));
    assert!(
        fs.iter().all(|f| f.properties["version"] == "v1.20"),
        "{fs:#?}"
    );
    // v1.20 predates capabilities_restricted (v1.22).
    assert!(!fs.iter().any(|f| f.code == "PSS-capabilities_restricted"));
    assert!(fs.iter().any(|f| f.code == "PSS-seccompProfile_restricted"));
    // A privileged namespace disables PSS.
    let fs = run_pss(&format!(
        "{}{pod}",
        ns.replace("enforce: baseline", "enforce: privileged")
    ));
    assert!(fs.is_empty());
}

#[test]
fn options_select_level_and_version() {
    let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: x:1}]\n";
    let opts = Options {
        level: Level::Baseline,
        version: PolicyVersion::V1(30),
        hardening: false,
        ..Options::default()
    };
    assert!(
        check_source("p.yaml", pod.as_bytes(), &opts)
            .findings
            .is_empty()
    );
    let opts = Options {
        level: Level::Restricted,
        version: PolicyVersion::V1(7),
        hardening: false,
        ..Options::default()
    };
    let codes: Vec<_> = check_source("p.yaml", pod.as_bytes(), &opts)
        .findings
        .into_iter()
        .map(|f| f.code)
        .collect();
    assert_eq!(
        codes,
        ["PSS-runAsNonRoot"],
        "v1.7 restricted only adds runAsNonRoot/volumes"
    );
}

#[test]
fn ignore_annotation_suppresses_with_reason() {
    let text = "apiVersion: v1
kind: Pod
metadata:
  name: p
  annotations:
    bulwark.dev/ignore: \"PSS-privileged=debug pod, approved in SEC-12, bwk004\"
spec:
  automountServiceAccountToken: false
  containers:
  - name: c
    image: nginx:latest
    securityContext:
      privileged: true
";
    let result = check_source("p.yaml", text.as_bytes(), &Options::default());
    assert!(
        !result
            .findings
            .iter()
            .any(|f| f.code == "PSS-privileged" || f.code == "BWK004")
    );
    let reasons: Vec<_> = result
        .suppressed
        .iter()
        .map(|s| (s.finding.code.as_str(), s.reason.as_str()))
        .collect();
    assert!(
        reasons.contains(&("PSS-privileged", "debug pod")),
        "{reasons:?}"
    );
    assert!(
        reasons.contains(&("BWK004", "bulwark.dev/ignore annotation")),
        "{reasons:?}"
    );
    assert!(result.findings.iter().any(|f| f.code == "PSS-runAsNonRoot"));
}

#[test]
fn invalid_yaml_reports_position() {
    let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: [unclosed\n";
    let fs = run(text);
    assert_eq!(fs.len(), 1, "{fs:#?}");
    assert_eq!(fs[0].code, CODE_PARSE);
    assert_eq!(fs[0].category, Category::InputError);
    assert!(fs[0].location.line.unwrap_or(0) >= 4, "{fs:#?}");
    assert!(
        fs[0].message.starts_with("invalid YAML"),
        "{}",
        fs[0].message
    );
}

#[test]
fn documents_before_a_syntax_error_are_still_checked() {
    let text = format!("{PRIVILEGED_POD}---\nkey: [oops\n");
    let fs = run_pss(&text);
    assert!(fs.iter().any(|f| f.code == "PSS-privileged"));
    let e = with_code(&fs, CODE_PARSE);
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].properties["document"], 1);
}

#[test]
fn alias_bomb_is_refused() {
    let mut text = String::from(
        "apiVersion: v1\nkind: ConfigMap\ndata:\n  a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n",
    );
    for i in 1..12 {
        let refs = vec![format!("*a{}", i - 1); 10].join(", ");
        writeln!(text, "  a{i}: &a{i} [{refs}]").unwrap();
    }
    let fs = run(&text);
    assert_eq!(fs.len(), 1, "{fs:#?}");
    assert_eq!(fs[0].code, CODE_PARSE);
    assert!(
        fs[0].message.contains("alias expansion"),
        "{}",
        fs[0].message
    );
}

#[test]
fn deep_nesting_is_refused() {
    let text = format!("a: {}{}", "[".repeat(5000), "]".repeat(5000));
    let fs = run(&text);
    assert_eq!(fs.len(), 1, "{fs:#?}");
    assert_eq!(fs[0].code, CODE_PARSE);
}

#[test]
fn wrong_types_are_invalid_fields() {
    let text = PRIVILEGED_POD.replace(
        "privileged: true",
        "privileged: \"yes\"\n      runAsUser: abc",
    );
    let fs = run_pss(&text);
    let inv = with_code(&fs, CODE_INVALID);
    assert_eq!(inv.len(), 2, "{fs:#?}");
    assert_eq!(at(inv[0]), (10, 7));
    assert!(
        inv[0].message.contains(
            "spec.containers[0].securityContext.privileged: expected boolean, found string"
        ),
        "{}",
        inv[0].message
    );
    assert!(!fs.iter().any(|f| f.code == "PSS-privileged"));
    // Unquoted YAML 1.1 booleans are booleans, as kubectl reads them.
    let fs = run_pss(&PRIVILEGED_POD.replace("privileged: true", "privileged: yes"));
    assert!(fs.iter().any(|f| f.code == "PSS-privileged"));
    // Wrong shapes higher up.
    let fs =
        run_pss("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: {name: c}\n");
    assert_eq!(with_code(&fs, CODE_INVALID).len(), 1, "{fs:#?}");
    let fs = run("- just\n- a list\n");
    assert_eq!(with_code(&fs, CODE_INVALID).len(), 1, "{fs:#?}");
}

#[test]
fn unknown_api_versions_are_reported_not_checked() {
    let text = PRIVILEGED_POD.replace("apiVersion: v1", "apiVersion: example.com/v1");
    let fs = run(&text);
    assert_eq!(fs.len(), 1, "{fs:#?}");
    assert_eq!(fs[0].code, CODE_UNKNOWN_API);
    assert_eq!(fs[0].severity, Severity::Low);
    let fs = run(&PRIVILEGED_POD.replace("apiVersion: v1\n", ""));
    assert_eq!(with_code(&fs, CODE_INVALID).len(), 1, "{fs:#?}");
}

#[test]
fn non_utf8_is_reported() {
    let mut bytes = b"apiVersion: v1\nkind: Pod\nmetadata:\n  name: ".to_vec();
    bytes.extend_from_slice(&[0xff, 0xfe, b'\n']);
    let fs = check_source("bin.yaml", &bytes, &Options::default()).findings;
    assert_eq!(fs.len(), 1);
    assert_eq!(fs[0].code, CODE_PARSE);
    assert_eq!(at(&fs[0]), (4, 9));
}

#[test]
fn oversized_input_is_refused_clearly() {
    let opts = Options {
        max_source_bytes: 1000,
        ..Options::default()
    };
    let fs = check_source("big.yaml", &vec![b'#'; 2000], &opts).findings;
    assert_eq!(fs.len(), 1);
    assert!(fs[0].message.contains("limit"), "{}", fs[0].message);
}

fn many_documents(megabytes: usize) {
    let doc = PRIVILEGED_POD.replace(
        "name: p\n",
        "name: p\n  labels: {app: a, tier: b, team: c}\n",
    );
    let mut text = String::with_capacity((megabytes + 1) * 1024 * 1024);
    let mut n = 0;
    while text.len() < megabytes * 1024 * 1024 {
        text.push_str("---\n");
        text.push_str(&doc);
        n += 1;
    }
    let opts = Options {
        hardening: false,
        level: Level::Baseline,
        ..Options::default()
    };
    let fs = check_source("big.yaml", text.as_bytes(), &opts).findings;
    assert_eq!(fs.len(), n, "one PSS-privileged per document");
    assert_eq!(
        fs.last().map(|f| f.properties["document"].clone()),
        Some((n - 1).into())
    );
}

#[test]
fn directories_are_walked_for_manifests() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("a/b")).unwrap();
    for f in [
        "a/b/x.yaml",
        "a/y.yml",
        "z.json",
        "readme.md",
        "a/b/values.txt",
    ] {
        std::fs::write(dir.path().join(f), "").unwrap();
    }
    let got = collect_inputs(&[dir.path().to_path_buf()]).unwrap();
    let rel: Vec<_> = got
        .iter()
        .map(|p| {
            p.strip_prefix(dir.path())
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    assert_eq!(rel, ["a/b/x.yaml", "a/y.yml", "z.json"]);
    assert!(collect_inputs(&[dir.path().join("missing")]).is_err());
}

#[test]
fn four_megabytes_of_manifests() {
    many_documents(4);
}

#[test]
#[ignore = "slow in unoptimised builds; run: cargo test --release -p bulwark-k8s --test inputs -- --ignored"]
fn fifty_megabytes_of_manifests() {
    many_documents(50);
}

fn pss_codes(text: &str, version: PolicyVersion, relax: bool) -> Vec<String> {
    let opts = Options {
        version,
        hardening: false,
        relax_user_namespace_pods: relax,
        ..Options::default()
    };
    let mut codes: Vec<String> = check_source("p.yaml", text.as_bytes(), &opts)
        .findings
        .into_iter()
        .map(|f| f.code)
        .collect();
    codes.sort();
    codes.dedup();
    codes
}

#[test]
fn user_namespace_relaxation_is_opt_in() {
    let pod = "apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  hostUsers: false
  securityContext: {runAsUser: 0, seccompProfile: {type: RuntimeDefault}}
  containers:
  - name: c
    image: x:1
    securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}
";
    assert_eq!(
        pss_codes(pod, PolicyVersion::Latest, false),
        ["PSS-runAsNonRoot", "PSS-runAsUser"]
    );
    assert!(pss_codes(pod, PolicyVersion::Latest, true).is_empty());
    let host = pod.replace("hostUsers: false", "hostUsers: true");
    assert_eq!(
        pss_codes(&host, PolicyVersion::Latest, true),
        ["PSS-runAsNonRoot", "PSS-runAsUser"]
    );
}

#[test]
fn windows_pods_are_exempt_from_v1_25() {
    let pod = "apiVersion: v1
kind: Pod
metadata: {name: w}
spec:
  os: {name: windows}
  securityContext: {runAsNonRoot: true}
  containers: [{name: c, image: x:1}]
";
    assert_eq!(
        pss_codes(pod, PolicyVersion::V1(24), false),
        [
            "PSS-allowPrivilegeEscalation",
            "PSS-capabilities_restricted",
            "PSS-seccompProfile_restricted"
        ]
    );
    assert!(pss_codes(pod, PolicyVersion::V1(25), false).is_empty());
    let linux = pod.replace("name: windows", "name: linux");
    assert_eq!(pss_codes(&linux, PolicyVersion::V1(25), false).len(), 3);
}

#[test]
fn invalid_field_paths_name_the_field() {
    let fs = run(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  labels: [a]\nspec:\n  containers: [{name: c, image: x:1}]\n",
    );
    let inv = with_code(&fs, CODE_INVALID);
    assert_eq!(inv.len(), 1, "{fs:#?}");
    assert!(
        inv[0]
            .message
            .starts_with("metadata.labels: expected object, found array"),
        "{}",
        inv[0].message
    );
    assert_eq!(at(inv[0]), (5, 3));
    let fs = run(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  template:\n    spec:\n      hostPID: 1\n      containers: [{name: c, image: x:1}]\n",
    );
    let inv = with_code(&fs, CODE_INVALID);
    assert!(
        inv[0]
            .message
            .starts_with("spec.template.spec.hostPID: expected boolean, found number"),
        "{}",
        inv[0].message
    );
}
