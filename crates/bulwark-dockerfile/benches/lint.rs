//! Linting speed: a realistic multi-stage Dockerfile, and the same content repeated to 1 MB.

use std::hint::black_box;

use bulwark_dockerfile::{Config, lint, parse};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

const SAMPLE: &str = r#"# syntax=docker/dockerfile:1.7
ARG BASE=debian:12-slim
FROM golang:1.22 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/root/go/pkg/mod go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/app ./cmd/app
FROM ${BASE}
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl tzdata \
 && curl -fsSL https://example.com/x.sh | sh \
 && rm -rf /var/lib/apt/lists/*
RUN pip install --no-cache-dir flask==3.0.0 && useradd -l -u 10001 app
ENV APP_HOME=/app PATH=/app/bin:$PATH
LABEL org.opencontainers.image.source="https://github.com/example/app"
COPY --from=build --chown=10001:10001 /out/app /app/bin/app
EXPOSE 8080
USER 10001
HEALTHCHECK --interval=30s CMD ["/app/bin/app", "health"]
ENTRYPOINT ["/app/bin/app"]
"#;

fn one_megabyte() -> String {
    let mut s = String::with_capacity(1 << 20);
    while s.len() < 1 << 20 {
        s.push_str(SAMPLE);
    }
    s
}

fn bench(c: &mut Criterion) {
    let config = Config::default();
    let mut g = c.benchmark_group("dockerfile");
    g.throughput(Throughput::Bytes(SAMPLE.len() as u64));
    g.bench_function("lint_sample", |b| {
        b.iter(|| lint("Dockerfile", black_box(SAMPLE.as_bytes()), &config));
    });
    let big = one_megabyte();
    g.throughput(Throughput::Bytes(big.len() as u64));
    g.sample_size(20);
    g.bench_function("parse_1mb", |b| b.iter(|| parse(black_box(&big))));
    g.bench_function("lint_1mb", |b| {
        b.iter(|| lint("Dockerfile", black_box(big.as_bytes()), &config));
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
