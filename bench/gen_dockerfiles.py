#!/usr/bin/env python3
"""Writes a deterministic corpus of realistic Dockerfiles for benchmarks.

usage: gen_dockerfiles.py OUT_DIR [COUNT] [--one-mb FILE]

The files mix what real Dockerfiles contain (multi-stage builds, apt/apk/yum/pip/npm installs,
continuation lines, heredocs, ARG/ENV, COPY --from, HEALTHCHECK, JSON-form CMD) so both linters
do their full work. A heredoc is followed by a blank line because Hadolint 2.15.1 fails to parse
an instruction directly after a heredoc terminator (it reports DL1000 there). Seeded: the same arguments always give the same bytes.
"""
import os
import random
import sys

BASES = ["debian:12-slim", "ubuntu:22.04", "alpine:3.20", "python:3.12-slim", "node:20-bookworm",
         "golang:1.22", "centos:7", "registry.example.com/team/base:1.4", "debian:latest", "alpine"]
APT = ["curl", "ca-certificates", "git", "build-essential", "libssl-dev", "python3", "unzip", "jq"]
APK = ["curl", "bash", "git", "openssl", "tzdata", "build-base"]
PIP = ["requests", "flask==3.0.0", "gunicorn", "numpy==1.26.4", "boto3"]


def stage(r, name, base):
    out = [f"FROM {base} AS {name}" if name else f"FROM {base}"]
    out.append(f"ARG VERSION={r.randint(1, 9)}.{r.randint(0, 20)}.{r.randint(0, 9)}")
    out.append("ENV LANG=C.UTF-8 \\\n    PYTHONDONTWRITEBYTECODE=1 \\\n    PATH=/opt/app/bin:$PATH")
    for _ in range(r.randint(2, 6)):
        k = r.random()
        if k < 0.25:
            pk = r.sample(APT, r.randint(2, 5))
            pinned = [p + "=1.0-1" if r.random() < 0.5 else p for p in pk]
            rec = " --no-install-recommends" if r.random() < 0.6 else ""
            clean = " \\\n    && rm -rf /var/lib/apt/lists/*" if r.random() < 0.6 else ""
            out.append("RUN apt-get update \\\n    && apt-get install -y" + rec + " \\\n        "
                       + " \\\n        ".join(pinned) + clean)
        elif k < 0.4:
            pk = r.sample(APK, r.randint(1, 4))
            out.append("RUN apk add " + ("--no-cache " if r.random() < 0.5 else "") + " ".join(pk))
        elif k < 0.55:
            out.append("RUN pip install " + ("--no-cache-dir " if r.random() < 0.5 else "")
                       + " ".join(r.sample(PIP, 3)))
        elif k < 0.65:
            out.append("RUN set -eux; \\\n    curl -fsSL https://example.com/tool-${VERSION}.tar.gz -o /tmp/t.tgz; \\\n"
                       "    tar -xzf /tmp/t.tgz -C /usr/local; \\\n    rm /tmp/t.tgz; \\\n    cd /usr/local && ./configure && make -j4")
        elif k < 0.72:
            out.append("RUN <<EOF\nset -e\nuseradd -r -u 10001 app\nmkdir -p /opt/app\nchown app /opt/app\nEOF\n")
        elif k < 0.8:
            out.append("COPY --chown=app:app . /opt/app")
        elif k < 0.88:
            out.append("WORKDIR /opt/app")
        elif k < 0.94:
            out.append("RUN npm ci && npm cache clean --force")
        else:
            out.append("ADD https://example.com/file.tgz /tmp/")
    return out


def dockerfile(r):
    lines = ["# syntax=docker/dockerfile:1", "# generated benchmark input"]
    if r.random() < 0.5:
        lines += stage(r, "build", r.choice(BASES))
        lines += stage(r, None, r.choice(BASES))
        lines.append("COPY --from=build /opt/app /opt/app")
    else:
        lines += stage(r, None, r.choice(BASES))
    lines.append("EXPOSE 8080")
    if r.random() < 0.5:
        lines.append('HEALTHCHECK --interval=30s CMD ["curl", "-f", "http://localhost:8080/"]')
    if r.random() < 0.7:
        lines.append("USER app")
    lines.append('CMD ["python3", "-m", "app"]' if r.random() < 0.7 else "CMD python3 -m app")
    return "\n".join(lines) + "\n"


def main():
    out = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 and not sys.argv[2].startswith("--") else 200
    os.makedirs(out, exist_ok=True)
    r = random.Random(20261127)
    for i in range(count):
        with open(os.path.join(out, f"Dockerfile.{i:04d}"), "w") as f:
            f.write(dockerfile(r))
    if "--one-mb" in sys.argv:
        path = sys.argv[sys.argv.index("--one-mb") + 1]
        with open(path, "w") as f:
            f.write("FROM debian:12-slim\n")
            body = []
            size = 0
            while size < 1024 * 1024:
                s = "\n".join(stage(r, None, "debian:12-slim")[1:]) + "\n"
                body.append(s)
                size += len(s)
            f.write("".join(body))


if __name__ == "__main__":
    main()
