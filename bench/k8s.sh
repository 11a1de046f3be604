#!/usr/bin/env bash
# Side-by-side: `bulwark k8s` vs `checkov --framework kubernetes` (pip install checkov) on the
# same generated manifests, in one run. Prints median wall times and the ratio, then CPU time
# (user+sys, one run each; what to compare on a shared, loaded machine) and peak RSS.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-5}
command -v checkov >/dev/null || python3 -m pip install -q checkov
cargo build --release -q -p bulwark
bin=${CARGO_TARGET_DIR:-target}/release/bulwark
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 bench/gen_manifests.py "$work/m" "${FILES:-100}" "${PER:-6}"
echo "manifests: $(ls "$work/m" | wc -l) files, $(cat "$work"/m/* | wc -l) lines, $(du -sh "$work/m" | cut -f1); checkov $(checkov --version)"
python3 bench/compare.py "$runs" bulwark "$bin k8s -f json $work/m" \
  checkov "checkov --framework kubernetes -d $work/m --quiet --compact -o json --skip-download"
cpu() { /usr/bin/time -f "%U %S %M" "$@" >/dev/null 2>"$work/time" || true; tail -1 "$work/time"; }
read -r bu bs bm < <(cpu "$bin" k8s -f json "$work/m")
read -r cu cs cm < <(cpu checkov --framework kubernetes -d "$work/m" --quiet --compact -o json --skip-download)
python3 -c "b=$bu+$bs; c=$cu+$cs; print(f'CPU user+sys: bulwark {b:.3f} s ({$bm} KiB), checkov {c:.2f} s ({$cm} KiB), ratio {c/max(b,0.001):.0f}x')"
