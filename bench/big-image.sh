#!/usr/bin/env bash
# Peak memory on a big image: builds bulwark-test/big:1 (the test image from
# scripts/build-test-image.sh plus two layers copied from this host: /usr/share and the Rust
# stable toolchain's libraries, about 1.5 GB uncompressed in all), saves it with `docker save`,
# and scans the archive with every scanner (vuln with the conformance OSV records, secret,
# config), reporting wall time and peak RSS. Usage: bench/big-image.sh [path/to/bulwark]
set -euo pipefail
cd "$(dirname "$0")/.."
BULWARK=${1:-target/release/bulwark}
OUT=${BULWARK_TEST_IMAGE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/bulwark-test-image}
CONF=${BULWARK_CONFORMANCE:-$PWD/../shared/conformance}
IMAGE=bulwark-test/big:1
[ -x "$BULWARK" ] || cargo build --release -q -p bulwark
./scripts/build-test-image.sh >/dev/null
if ! docker image inspect "$IMAGE" >/dev/null 2>&1; then
  ctx=$(mktemp -d)
  trap 'rm -rf "$ctx"' EXIT
  toolchain=$(rustc --print sysroot)
  cp -a /usr/share "$ctx/share"
  cp -a "$toolchain/lib" "$ctx/rustlib"
  printf 'FROM bulwark-test/app:1\nCOPY share /opt/big/share\nCOPY rustlib /opt/big/rustlib\n' >"$ctx/Dockerfile"
  docker build -q -t "$IMAGE" "$ctx" >/dev/null
fi
[ -f "$OUT/big.tar" ] || docker save -o "$OUT/big.tar" "$IMAGE"
tmp=$(mktemp -d)
"$BULWARK" db import -q --db-path "$tmp/osv.db" "$CONF/osv" >/dev/null
echo "archive: $(du -h "$OUT/big.tar" | cut -f1), $(tar -tf "$OUT/big.tar" | grep -c 'layer.tar$\|blobs/sha256/') blobs"
for scanners in none vuln secret,config vuln,secret,config; do
  /usr/bin/time -f "%e %M" -o "$tmp/time" "$BULWARK" image --input "$OUT/big.tar" -f json -q \
    --scanners "$scanners" --no-cache --skip-db-update --db-path "$tmp/osv.db" >/dev/null || true
  read -r wall rss <"$tmp/time"
  echo "scanners=$scanners: wall ${wall}s, peak RSS $((rss / 1024)) MiB"
done
rm -rf "$tmp"
