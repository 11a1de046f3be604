#!/usr/bin/env bash
# Side-by-side on this machine's Docker engine: `bulwark docker` vs docker-bench-security (the
# pinned copy in ../shared/peers, run as root) auditing the same daemon and the same running
# containers (CIS sections 2 and 5). Starts N containers from bulwark-test/debian:bookworm
# (scripts/build-test-image.sh), half hardened and half with bad settings, removes them at exit.
# Prints median wall times, CPU time (user+sys, one run each) and peak RSS.
# BULWARK=path/to/bulwark overrides the binary (default: a release build).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-3}
n=${CONTAINERS:-10}
peer=${DOCKER_BENCH:-../shared/peers/docker-bench-security}
if [ -z "${BULWARK:-}" ]; then
  cargo build --release -q -p bulwark
  BULWARK=${CARGO_TARGET_DIR:-target}/release/bulwark
fi
work=$(mktemp -d)
prefix="bw-bench-$$"
cleanup() {
  docker ps -aq --filter "name=$prefix" | xargs -r docker rm -f >/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
docker image inspect bulwark-test/debian:bookworm >/dev/null 2>&1 || bash scripts/build-test-image.sh >/dev/null
for i in $(seq 1 "$n"); do
  if [ $((i % 2)) = 0 ]; then
    docker run -d --name "$prefix-$i" --read-only --cap-drop ALL --security-opt no-new-privileges \
      --user 1000:1000 --memory 64m --cpus 0.5 --pids-limit 50 bulwark-test/debian:bookworm sleep 3600 >/dev/null
  else
    docker run -d --name "$prefix-$i" --cap-add NET_ADMIN --pid host -v /etc:/host/etc:ro \
      --security-opt seccomp=unconfined -p "$((20000 + i)):80" bulwark-test/debian:bookworm sleep 3600 >/dev/null
  fi
done
# docker-bench writes its log next to itself: run a copy.
cp -r "$peer" "$work/dbs"
dbs="cd $work/dbs && ./docker-bench-security.sh -b -c docker_daemon_configuration,container_runtime -l $work/dbs/out.log"
echo "engine: $(docker version --format '{{.Server.Version}}'), $(docker ps -q | wc -l) running containers; bulwark: $BULWARK"
python3 bench/compare.py "$runs" bulwark "$BULWARK docker -f json -o $work/bw.json" \
  docker-bench-security "sh -c '$dbs >/dev/null 2>&1'"
cpu() { /usr/bin/time -f "%e %U %S %M" "$@" >/dev/null 2>"$work/time" || true; tail -1 "$work/time"; }
read -r bw bu bs bm < <(cpu "$BULWARK" docker -f json -o "$work/bw.json")
read -r dw du ds dm < <(cpu sh -c "$dbs >/dev/null 2>&1")
python3 -c "b=$bu+$bs; d=$du+$ds; print(f'one run: bulwark {$bw} s wall, {b:.2f} s CPU, peak RSS {$bm} KiB; docker-bench-security {$dw} s wall, {d:.2f} s CPU (including the docker CLI processes it runs), peak RSS {$dm} KiB (largest single process)')"
