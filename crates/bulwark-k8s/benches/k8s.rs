//! Throughput of `check_source` on a few MB of generated multi-document manifests.

use std::fmt::Write as _;
use std::hint::black_box;

use bulwark_k8s::{Options, check_source};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

/// A realistic Deployment (two containers, probes, volumes), repeated with distinct names.
fn manifests(target_bytes: usize) -> String {
    let mut out = String::new();
    let mut i = 0;
    while out.len() < target_bytes {
        let _ = write!(
            out,
            r#"---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web-{i}
  namespace: shop
  labels: {{app: web-{i}, tier: frontend}}
spec:
  replicas: 3
  selector:
    matchLabels: {{app: web-{i}}}
  template:
    metadata:
      labels: {{app: web-{i}}}
      annotations:
        prometheus.io/scrape: "true"
    spec:
      serviceAccountName: web
      securityContext:
        runAsNonRoot: true
        seccompProfile: {{type: RuntimeDefault}}
      containers:
      - name: app
        image: registry.example.com/shop/web:1.{i}.0
        imagePullPolicy: IfNotPresent
        ports:
        - containerPort: 8080
        env:
        - name: LOG_LEVEL
          value: info
        - name: DB_PASSWORD
          valueFrom: {{secretKeyRef: {{name: db, key: password}}}}
        resources:
          requests: {{cpu: 100m, memory: 128Mi}}
          limits: {{cpu: 500m, memory: 256Mi}}
        securityContext:
          allowPrivilegeEscalation: false
          readOnlyRootFilesystem: true
          capabilities: {{drop: [ALL]}}
        livenessProbe:
          httpGet: {{path: /healthz, port: 8080}}
        readinessProbe:
          httpGet: {{path: /ready, port: 8080}}
        volumeMounts:
        - {{name: tmp, mountPath: /tmp}}
      - name: sidecar
        image: envoyproxy/envoy:latest
        securityContext:
          privileged: true
      volumes:
      - name: tmp
        emptyDir: {{}}
"#
        );
        i += 1;
    }
    out
}

fn bench(c: &mut Criterion) {
    let text = manifests(4 * 1024 * 1024);
    let opts = Options::default();
    let mut group = c.benchmark_group("k8s");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.sample_size(10);
    group.bench_function("check_source_4MiB_deployments", |b| {
        b.iter(|| {
            black_box(check_source(
                "bench.yaml",
                black_box(text.as_bytes()),
                &opts,
            ))
        });
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
