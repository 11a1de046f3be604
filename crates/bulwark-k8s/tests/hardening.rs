//! Snapshot tests for the hardening rules: each rule fires on a variant of a clean, hardened
//! Deployment and stays silent on a near miss.

use bulwark_k8s::{Options, check_source, rules};

const CLEAN: &str = r"apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  template:
    metadata:
      labels: {app: web}
    spec:
      serviceAccountName: web
      automountServiceAccountToken: false
      securityContext:
        runAsNonRoot: true
        runAsUser: 10001
        runAsGroup: 10001
        seccompProfile: {type: RuntimeDefault}
      containers:
      - name: app
        image: registry.example.com/web:1.2.3@sha256:4c1e997385b8fb4ad4d1d3c7e5af7ff3f882e50d2b3cb0fa7bd1e8f0d5e7a0f1
        imagePullPolicy: IfNotPresent
        ports:
        - containerPort: 8080
        env:
        - name: DB_PASSWORD
          valueFrom: {secretKeyRef: {name: db, key: password}}
        resources:
          requests: {cpu: 100m, memory: 128Mi}
          limits: {cpu: 500m, memory: 256Mi}
        securityContext:
          allowPrivilegeEscalation: false
          readOnlyRootFilesystem: true
          capabilities: {drop: [ALL]}
        livenessProbe: {httpGet: {path: /healthz, port: 8080}}
        readinessProbe: {httpGet: {path: /ready, port: 8080}}
        volumeMounts:
        - {name: tmp, mountPath: /tmp}
      volumes:
      - {name: tmp, emptyDir: {}}
";

const IMAGE: &str = "image: registry.example.com/web:1.2.3@sha256:4c1e997385b8fb4ad4d1d3c7e5af7ff3f882e50d2b3cb0fa7bd1e8f0d5e7a0f1";

/// (code, firing edits, silent edits): each edit replaces the first occurrence of `.0` by `.1`.
type Edits = &'static [(&'static str, &'static str)];
const CASES: &[(&str, Edits, Edits)] = &[
    (
        "BWK001",
        &[("          limits: {cpu: 500m, memory: 256Mi}\n", "")],
        &[],
    ),
    (
        "BWK002",
        &[(
            "readOnlyRootFilesystem: true",
            "readOnlyRootFilesystem: false",
        )],
        &[],
    ),
    (
        "BWK003",
        &[(IMAGE, "image: nginx")],
        &[(IMAGE, "image: nginx@sha256:4c1e99")],
    ),
    (
        "BWK004",
        &[(IMAGE, "image: nginx:latest")],
        &[(IMAGE, "image: nginx:latest@sha256:4c1e99")],
    ),
    (
        "BWK005",
        &[(IMAGE, "image: localhost:5000/nginx:1.27")],
        &[(IMAGE, "image: localhost:5000/nginx@sha256:4c1e99")],
    ),
    (
        "BWK006",
        &[(IMAGE, "image: nginx:1.27")],
        &[(IMAGE, "image: nginx:1.27"), ("IfNotPresent", "Always")],
    ),
    (
        "BWK007",
        &[(
            "automountServiceAccountToken: false",
            "automountServiceAccountToken: true",
        )],
        &[],
    ),
    (
        "BWK008",
        &[(
            "{name: tmp, emptyDir: {}}",
            "{name: tmp, hostPath: {path: /var/log/app}}",
        )],
        &[
            (
                "{name: tmp, emptyDir: {}}",
                "{name: tmp, hostPath: {path: /var/log/app}}",
            ),
            ("mountPath: /tmp}", "mountPath: /tmp, readOnly: true}"),
        ],
    ),
    (
        "BWK009",
        &[(
            "valueFrom: {secretKeyRef: {name: db, key: password}}",
            "value: hunter2",
        )],
        &[
            ("DB_PASSWORD", "LOG_LEVEL"),
            (
                "valueFrom: {secretKeyRef: {name: db, key: password}}",
                "value: debug",
            ),
        ],
    ),
    (
        "BWK010",
        &[("{drop: [ALL]}", "{drop: [ALL], add: [NET_ADMIN, CHOWN]}")],
        &[("{drop: [ALL]}", "{drop: [ALL], add: [NET_BIND_SERVICE]}")],
    ),
    (
        "BWK011",
        &[("runAsUser: 10001", "runAsUser: 1000")],
        &[("runAsUser: 10001", "runAsUser: 0")],
    ),
    ("BWK012", &[("runAsGroup: 10001", "runAsGroup: 0")], &[]),
    (
        "BWK013",
        &[(
            "        livenessProbe: {httpGet: {path: /healthz, port: 8080}}\n",
            "",
        )],
        &[
            (
                "        livenessProbe: {httpGet: {path: /healthz, port: 8080}}\n",
                "",
            ),
            (
                "apiVersion: apps/v1\nkind: Deployment",
                "apiVersion: batch/v1\nkind: Job",
            ),
        ],
    ),
    (
        "BWK014",
        &[(
            "        readinessProbe: {httpGet: {path: /ready, port: 8080}}\n",
            "",
        )],
        &[
            (
                "        readinessProbe: {httpGet: {path: /ready, port: 8080}}\n",
                "",
            ),
            (
                "apiVersion: apps/v1\nkind: Deployment",
                "apiVersion: batch/v1\nkind: Job",
            ),
        ],
    ),
    (
        "BWK015",
        &[("namespace: shop", "namespace: default")],
        &[("namespace: shop", "namespace: defaults")],
    ),
    ("BWK016", &[("      serviceAccountName: web\n", "")], &[]),
    (
        "BWK017",
        &[(
            "automountServiceAccountToken: false",
            "automountServiceAccountToken: false\n      shareProcessNamespace: true",
        )],
        &[(
            "automountServiceAccountToken: false",
            "automountServiceAccountToken: false\n      shareProcessNamespace: false",
        )],
    ),
    (
        "BWK018",
        &[(
            "automountServiceAccountToken: false",
            "automountServiceAccountToken: false\n      hostAliases:\n      - {ip: 10.0.0.5, hostnames: [db.internal]}",
        )],
        &[(
            "automountServiceAccountToken: false",
            "automountServiceAccountToken: false\n      hostAliases: []",
        )],
    ),
    (
        "BWK019",
        &[(
            "{name: tmp, emptyDir: {}}",
            "{name: tmp, hostPath: {path: /var/run/docker.sock}}",
        )],
        &[(
            "{name: tmp, emptyDir: {}}",
            "{name: tmp, hostPath: {path: /var/run/app}}",
        )],
    ),
    (
        "BWK020",
        &[(
            "{name: tmp, emptyDir: {}}",
            "{name: tmp, hostPath: {path: /etc/kubernetes}}",
        )],
        &[(
            "{name: tmp, emptyDir: {}}",
            "{name: tmp, hostPath: {path: /etcd-backup}}",
        )],
    ),
    (
        "BWK021",
        &[("containerPort: 8080", "containerPort: 22")],
        &[("containerPort: 8080", "containerPort: 2222")],
    ),
    (
        "BWK022",
        &[("containerPort: 8080", "containerPort: 80")],
        &[("containerPort: 8080", "containerPort: 1024")],
    ),
    (
        "BWK023",
        &[("serviceAccountName: web", "serviceAccount: web")],
        &[],
    ),
];

fn apply(edits: Edits) -> String {
    let mut text = CLEAN.to_string();
    for (from, to) in edits {
        assert!(text.contains(from), "edit target {from:?} not in fixture");
        text = text.replacen(from, to, 1);
    }
    text
}

fn render(code: &str, text: &str) -> String {
    let result = check_source("deploy.yaml", text.as_bytes(), &Options::default());
    result
        .findings
        .iter()
        .filter(|f| f.code == code)
        .map(|f| {
            format!(
                "{}:{} {} {} {}\n  help: {}",
                f.location.line.unwrap_or(0),
                f.location.column.unwrap_or(0),
                f.code,
                f.severity,
                f.message,
                f.help.as_deref().unwrap_or("")
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn clean_deployment_has_no_findings() {
    let result = check_source("deploy.yaml", CLEAN.as_bytes(), &Options::default());
    assert!(result.findings.is_empty(), "{:#?}", result.findings);
}

#[test]
fn every_rule_fires_and_stays_silent() {
    let documented: Vec<String> = rules()
        .map(|r| r.code)
        .filter(|c| c.starts_with("BWK"))
        .collect();
    assert_eq!(
        documented.len(),
        CASES.len(),
        "every hardening rule needs a case"
    );
    for (code, fire, silent) in CASES {
        assert!(
            documented.iter().any(|d| d == code),
            "{code} is not registered"
        );
        let fired = render(code, &apply(fire));
        assert!(!fired.is_empty(), "{code} did not fire");
        insta::assert_snapshot!(format!("{code}_fires"), fired);
        let quiet = render(code, &apply(silent));
        assert!(quiet.is_empty(), "{code} fired on its near miss:\n{quiet}");
    }
}

/// docs/rules.md must list every rule the registry exposes.
#[test]
fn rules_doc_lists_every_code() {
    let doc =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/rules.md")).unwrap();
    for r in rules() {
        assert!(
            doc.contains(&format!("| {} |", r.code)),
            "docs/rules.md lacks {}",
            r.code
        );
    }
}
