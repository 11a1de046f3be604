#!/usr/bin/env bash
# Builds the real test image that Bulwark's image tests and benchmarks scan, and exports it in
# the forms `bulwark image` reads. Nothing is pulled from a registry:
#
#   1. a Debian bookworm rootfs made with mmdebstrap (variant apt + python3, python3-yaml,
#      ca-certificates), imported with `docker import` as bulwark-test/debian:bookworm;
#   2. `docker build` FROM it, adding one layer each of: Python packages (pip-installed from PyPI
#      on this host into dist-packages), npm packages (node_modules/<pkg>/package.json written
#      here: the npm registry is not reachable), a Go binary (runc, copied from this machine),
#      Java jars (a jar built here with Maven metadata + a real jar from /usr/share/java), and a
#      layer deleting files of a lower layer (whiteouts), tagged bulwark-test/app:1;
#   3. exports: OUT/image.tar (`docker save`), OUT/oci (OCI layout via skopeo, gzip layers).
#
# Cached: the images are not rebuilt when they exist, the exports not redone when OUT/image-id
# matches the image. `--push HOST:PORT` also copies the image to a registry there (plain HTTP).
# Prints OUT on the last line. OUT defaults to $BULWARK_TEST_IMAGE_DIR or
# ${XDG_CACHE_HOME:-~/.cache}/bulwark-test-image.
#
# Needs: docker, mmdebstrap, skopeo, python3 -m pip, javac + jar.
set -euo pipefail

BASE=bulwark-test/debian:bookworm
IMAGE=bulwark-test/app:1
OUT=${BULWARK_TEST_IMAGE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/bulwark-test-image}
PUSH=
while [ $# -gt 0 ]; do
  case $1 in
    --push) PUSH=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    *) echo "usage: $0 [--out DIR] [--push HOST:PORT]" >&2; exit 2 ;;
  esac
done
mkdir -p "$OUT"
# Test binaries run in parallel and each may call this script: one build at a time, the others
# wait and then find the cached result.
exec 9>"$OUT.lock"
flock 9
log() { echo "build-test-image: $*" >&2; }

for bin in docker mmdebstrap skopeo javac jar; do
  command -v "$bin" >/dev/null || { log "missing $bin"; exit 3; }
done
export DOCKER_BUILDKIT=0

if ! docker image inspect "$BASE" >/dev/null 2>&1; then
  log "mmdebstrap bookworm → $BASE"
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  mmdebstrap --quiet --variant=apt --include=python3,python3-yaml,ca-certificates \
    bookworm "$tmp/rootfs.tar" http://deb.debian.org/debian
  docker import -c 'CMD ["/bin/bash"]' -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    "$tmp/rootfs.tar" "$BASE" >/dev/null
  rm -f "$tmp/rootfs.tar"
fi

if ! docker image inspect "$IMAGE" >/dev/null 2>&1; then
  log "docker build → $IMAGE"
  ctx=$(mktemp -d)
  trap 'rm -rf "$ctx"' EXIT
  # Python: pure-Python wheels for the image's Python 3.11, with their dependencies.
  python3 -m pip install -q --disable-pip-version-check --no-warn-conflicts --no-compile --target "$ctx/site" \
    --python-version 3.11 --only-binary=:all: --implementation py \
    requests==2.25.0 urllib3==1.26.4 django==3.2.0 \
    chardet==3.0.4 idna==2.10 certifi==2026.10.19.post1 asgiref==3.13.0 pytz==2026.6 sqlparse==0.6.1
  rm -rf "$ctx/site/bin"
  # npm: package.json files as npm would install them (the registry is unreachable here).
  npm_pkg() { # name version license
    mkdir -p "$ctx/node_modules/$1"
    printf '{\n  "name": "%s",\n  "version": "%s",\n  "license": "%s",\n  "main": "index.js"\n}\n' \
      "$1" "$2" "$3" >"$ctx/node_modules/$1/package.json"
    echo "module.exports = {};" >"$ctx/node_modules/$1/index.js"
  }
  npm_pkg lodash 4.17.20 MIT
  npm_pkg minimist 1.2.5 MIT
  npm_pkg left-pad 1.3.0 WTFPL
  npm_pkg is-number 7.0.0 MIT
  printf '{\n  "name": "app",\n  "version": "1.0.0",\n  "private": true,\n  "dependencies": {"lodash": "4.17.20", "minimist": "1.2.5"}\n}\n' \
    >"$ctx/package.json"
  # Go: a real Go binary with embedded build info.
  cp -L "$(command -v runc)" "$ctx/runc"
  # Java: a jar built here with Maven metadata, and a real Debian-packaged jar.
  mkdir -p "$ctx/jsrc/com/example/demo" "$ctx/jcls/META-INF/maven/com.example/demo"
  printf 'package com.example.demo;\npublic final class Hello { public static void main(String[] a) { System.out.println("hi"); } }\n' \
    >"$ctx/jsrc/com/example/demo/Hello.java"
  javac -d "$ctx/jcls" "$ctx/jsrc/com/example/demo/Hello.java"
  printf 'groupId=com.example\nartifactId=demo\nversion=1.4.2\n' \
    >"$ctx/jcls/META-INF/maven/com.example/demo/pom.properties"
  printf '<project><modelVersion>4.0.0</modelVersion><groupId>com.example</groupId><artifactId>demo</artifactId><version>1.4.2</version></project>\n' \
    >"$ctx/jcls/META-INF/maven/com.example/demo/pom.xml"
  printf 'Implementation-Title: demo\nImplementation-Version: 1.4.2\n' >"$ctx/manifest.txt"
  jar --create --file "$ctx/demo-1.4.2.jar" --manifest "$ctx/manifest.txt" -C "$ctx/jcls" .
  cp -L /usr/share/java/commons-lang3-3.12.0.jar "$ctx/commons-lang3-3.12.0.jar"
  cat >"$ctx/Dockerfile" <<'EOF'
FROM bulwark-test/debian:bookworm
COPY site/ /usr/local/lib/python3.11/dist-packages/
COPY package.json /app/package.json
COPY node_modules/ /app/node_modules/
COPY runc /usr/local/bin/runc
COPY demo-1.4.2.jar commons-lang3-3.12.0.jar /opt/java/lib/
RUN rm -rf /app/node_modules/left-pad && rm /app/node_modules/is-number/package.json
WORKDIR /app
CMD ["python3"]
EOF
  docker build -q -t "$IMAGE" "$ctx" >/dev/null
fi

id=$(docker image inspect --format '{{.Id}}' "$IMAGE")
if [ "$(cat "$OUT/image-id" 2>/dev/null)" != "$id" ]; then
  log "exporting $IMAGE → $OUT"
  rm -rf "$OUT/image.tar" "$OUT/oci" "$OUT/image-id"
  docker save -o "$OUT/image.tar" "$IMAGE"
  skopeo --insecure-policy copy -q "docker-archive:$OUT/image.tar" "oci:$OUT/oci:app" \
    --dest-compress-format gzip
  echo "$id" >"$OUT/image-id"
fi

if [ -n "$PUSH" ]; then
  log "pushing to $PUSH"
  skopeo --insecure-policy copy -q --dest-tls-verify=false "oci:$OUT/oci:app" \
    "docker://$PUSH/bulwark-test/app:1"
fi
echo "$OUT"
