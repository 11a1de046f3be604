#!/usr/bin/env bash
# bulwark server on the test image of scripts/build-test-image.sh, pushed to a local
# docker-registry, with the OSV conformance records as database:
#   1. scans per minute per core, cold (no layer cache) and warm (layer cache filled): one
#      worker, a fresh store per scan (so the digest is not answered from the store); wall time
#      from POST /api/v1/scan to the 200 report, and the server's CPU time (user+sys) per scan;
#   2. p50/p99 latency of GET /api/v1/scan/{id}/report (a 110-vulnerability report) under 20
#      concurrent clients, 100 requests each;
#   3. RSS of the server idle (after start) and busy (peak, VmHWM, after 1 and 2).
# Set BULWARK_BIN to use an existing release binary; RUNS (default 5) scans per setting.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-5}
if [ -z "${BULWARK_BIN:-}" ]; then
  cargo build --release -q -p bulwark
  BULWARK_BIN=${CARGO_TARGET_DIR:-target}/release/bulwark
fi
BULWARK_BIN=$(realpath "$BULWARK_BIN")
out=$(scripts/build-test-image.sh | tail -n1)
conf=${BULWARK_CONFORMANCE:-$PWD/../shared/conformance}
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }

"$BULWARK_BIN" db import -q --db-path "$work/osv.db" "$conf/osv"
rport=$(free_port)
cat >"$work/registry.yml" <<EOF
version: 0.1
log: {level: error}
storage: {filesystem: {rootdirectory: $work/registry}}
http: {addr: 127.0.0.1:$rport}
EOF
docker-registry serve "$work/registry.yml" >/dev/null 2>&1 &
pids+=($!)
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$rport/v2/" >/dev/null && break; sleep 0.1; done
skopeo copy -q --dest-tls-verify=false "oci:$out/oci" "docker://127.0.0.1:$rport/app:1"
digest=$(skopeo inspect --tls-verify=false --format '{{.Digest}}' "docker://127.0.0.1:$rport/app:1")
echo "image: $(du -sh "$out/oci" | cut -f1) OCI layout, $(nproc) CPUs, $("$BULWARK_BIN" --version)"

# start_server STORE [ARGS...]: starts a server, sets $port and $spid
start_server() {
  local store=$1; shift
  port=$(free_port)
  "$BULWARK_BIN" server --listen "127.0.0.1:$port" --database "$store" --db-path "$work/osv.db" \
    --offline --workers 1 --refresh-after 1 --log-format text "$@" 2>>"$work/server.log" &
  spid=$!
  pids+=($spid)
  for _ in $(seq 300); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && return; sleep 0.05; done
  echo "server did not start" >&2; cat "$work/server.log" >&2; exit 3
}
rss() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/status"; }  # kB
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# scan_once: POST a scan and poll until the report is there; prints "wall_seconds cpu_seconds"
scan_once() {
  python3 - "$port" "$rport" "$digest" "$spid" <<'EOF'
import json, os, sys, time, urllib.request, urllib.error
port, rport, digest, pid = sys.argv[1:5]
tick = os.sysconf("SC_CLK_TCK")
def cpu():
    f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) / tick
body = json.dumps({"registry": {"url": f"http://127.0.0.1:{rport}"},
                   "artifact": {"repository": "app", "digest": digest}}).encode()
c0, t0 = cpu(), time.monotonic()
req = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/scan", data=body, method="POST",
                             headers={"Content-Type": "application/vnd.scanner.adapter.scan.request+json; version=1.1"})
sid = json.load(urllib.request.urlopen(req))["id"]
class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *a, **k): return None
opener = urllib.request.build_opener(NoRedirect)
for _ in range(6000):
    try:
        r = opener.open(f"http://127.0.0.1:{port}/api/v1/scan/{sid}/report")
        if r.status == 200:
            break
    except urllib.error.HTTPError as e:
        if e.code != 302:
            sys.exit(f"report: HTTP {e.code}")
    time.sleep(0.02)
print(f"{time.monotonic() - t0:.3f} {cpu() - c0:.3f} {sid}")
EOF
}

summary() {  # label, file of "wall cpu id" lines
  python3 - "$1" "$2" <<'EOF'
import statistics, sys
rows = [l.split() for l in open(sys.argv[2])]
wall = statistics.median(float(r[0]) for r in rows)
cpu = statistics.median(float(r[1]) for r in rows)
print(f"{sys.argv[1]:<6} median {wall:6.2f} s wall, {cpu:6.2f} s CPU per scan"
      f"  →  {60 / wall:5.1f} scans/min on 1 worker, {60 / cpu:5.1f} scans per CPU-minute"
      f"  ({len(rows)} scans)")
EOF
}

echo "== scans (1 worker, fresh store per scan)"
: >"$work/cold"; : >"$work/warm"
for i in $(seq "$runs"); do
  start_server "$work/cold-$i.db" --no-cache
  scan_once >>"$work/cold"
  kill "$spid"; wait "$spid" 2>/dev/null || true
done
summary cold "$work/cold"
start_server "$work/prime.db" --cache-dir "$work/cache"
scan_once >/dev/null
kill "$spid"; wait "$spid" 2>/dev/null || true
for i in $(seq "$runs"); do
  start_server "$work/warm-$i.db" --cache-dir "$work/cache"
  scan_once >>"$work/warm"
  kill "$spid"; wait "$spid" 2>/dev/null || true
done
summary warm "$work/warm"

echo "== report GET under 20 concurrent clients, and RSS"
start_server "$work/load.db" --cache-dir "$work/cache"
sleep 1
idle=$(rss "$spid" VmRSS)
sid=$(scan_once | awk '{print $3}')
python3 - "$port" "$sid" <<'EOF'
import sys, threading, time, urllib.request
port, sid = sys.argv[1:3]
url = f"http://127.0.0.1:{port}/api/v1/scan/{sid}/report"
lat, lock = [], threading.Lock()
size = len(urllib.request.urlopen(url).read())
def client():
    mine = []
    for _ in range(100):
        t = time.monotonic()
        urllib.request.urlopen(url).read()
        mine.append(time.monotonic() - t)
    with lock:
        lat.extend(mine)
t0 = time.monotonic()
ts = [threading.Thread(target=client) for _ in range(20)]
[t.start() for t in ts]; [t.join() for t in ts]
total = time.monotonic() - t0
lat.sort()
q = lambda p: lat[min(len(lat) - 1, int(p * len(lat)))] * 1000
print(f"report GET ({size} bytes): {len(lat)} requests in {total:.1f} s ({len(lat) / total:.0f}/s),"
      f" p50 {q(0.50):.1f} ms, p99 {q(0.99):.1f} ms")
EOF
echo "RSS: idle $((idle / 1024)) MiB, busy peak $(( $(rss "$spid" VmHWM) / 1024 )) MiB"
