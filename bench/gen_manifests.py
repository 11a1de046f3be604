#!/usr/bin/env python3
"""Writes a deterministic set of realistic Kubernetes manifests (multi-document YAML files with
Deployments, StatefulSets, DaemonSets, CronJobs, Services and ConfigMaps) for benchmarks.

usage: gen_manifests.py OUT_DIR [FILES] [OBJECTS_PER_FILE]
"""
import os
import random
import sys


def container(r, i):
    sc = ""
    if r.random() < 0.5:
        sc = ("        securityContext:\n"
              "          allowPrivilegeEscalation: false\n"
              "          readOnlyRootFilesystem: true\n"
              "          runAsNonRoot: true\n"
              "          capabilities:\n            drop: [\"ALL\"]\n")
    elif r.random() < 0.3:
        sc = "        securityContext:\n          privileged: true\n"
    res = ""
    if r.random() < 0.6:
        res = ("        resources:\n          requests: {cpu: 100m, memory: 128Mi}\n"
               "          limits: {cpu: 500m, memory: 256Mi}\n")
    env = ""
    if r.random() < 0.3:
        env = "        env:\n        - name: DB_PASSWORD\n          value: s3cr3t-value\n        - name: MODE\n          value: prod\n"
    tag = r.choice(["1.25.3", "latest", "3.19@sha256:" + "ab" * 32, "2"])
    return (f"      - name: app{i}\n        image: registry.example.com/team/app{i}:{tag}\n"
            f"        ports:\n        - containerPort: {8000 + i}\n"
            f"        livenessProbe:\n          httpGet: {{path: /healthz, port: {8000 + i}}}\n"
            + sc + res + env)


def workload(r, n):
    kind = r.choice(["Deployment", "StatefulSet", "DaemonSet", "Deployment"])
    host = "      hostNetwork: true\n" if r.random() < 0.1 else ""
    pod = (f"    metadata:\n      labels: {{app: svc{n}}}\n    spec:\n{host}"
           f"      serviceAccountName: svc{n}\n      containers:\n"
           + "".join(container(r, i) for i in range(r.randint(1, 3))))
    return (f"apiVersion: apps/v1\nkind: {kind}\nmetadata:\n  name: svc{n}\n  namespace: shop\n"
            f"spec:\n  selector:\n    matchLabels: {{app: svc{n}}}\n  template:\n{pod}")


def other(r, n):
    if r.random() < 0.5:
        return (f"apiVersion: v1\nkind: Service\nmetadata:\n  name: svc{n}\n  namespace: shop\n"
                f"spec:\n  selector: {{app: svc{n}}}\n  ports:\n  - port: 80\n    targetPort: 8080\n")
    return (f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg{n}\n  namespace: shop\n"
            f"data:\n  LOG_LEVEL: info\n  FEATURE_X: \"true\"\n")


def main():
    out = sys.argv[1]
    files = int(sys.argv[2]) if len(sys.argv) > 2 else 100
    per = int(sys.argv[3]) if len(sys.argv) > 3 else 6
    os.makedirs(out, exist_ok=True)
    r = random.Random(20261127)
    n = 0
    for f in range(files):
        docs = []
        for _ in range(per):
            n += 1
            docs.append(workload(r, n) if r.random() < 0.6 else other(r, n))
        with open(os.path.join(out, f"manifests-{f:04d}.yaml"), "w") as fh:
            fh.write("---\n".join(docs))


if __name__ == "__main__":
    main()
