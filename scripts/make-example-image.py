#!/usr/bin/env python3
"""Writes examples/image: a tiny OCI image layout (one gzip layer, a few KB) that the README's
first command scans offline. Its layer holds what a small Python + Node app image would:
os-release (Debian 12), Python packages installed with pip (dist-info METADATA) and an npm
package (node_modules/<name>/package.json). Deterministic: the same bytes on every run.

Usage: python3 scripts/make-example-image.py [OUT_DIR]   (default: examples/image)
"""
import gzip
import hashlib
import io
import json
import os
import sys
import tarfile

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "examples", "image")

SITE = "usr/local/lib/python3.11/site-packages"
FILES = {
    "etc/os-release": 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\n'
    'VERSION_ID="12"\nVERSION="12 (bookworm)"\nVERSION_CODENAME=bookworm\nID=debian\n',
    f"{SITE}/Django-3.2.0.dist-info/METADATA": "Metadata-Version: 2.1\nName: Django\nVersion: 3.2\n",
    f"{SITE}/urllib3-1.26.4.dist-info/METADATA": "Metadata-Version: 2.1\nName: urllib3\nVersion: 1.26.4\n",
    f"{SITE}/requests-2.25.0.dist-info/METADATA": "Metadata-Version: 2.1\nName: requests\nVersion: 2.25.0\n",
    "app/node_modules/lodash/package.json": json.dumps({"name": "lodash", "version": "4.17.11"}) + "\n",
    "app/app.py": "import django\nprint('hello')\n",
}


def tar_bytes():
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
        dirs = set()
        for path in sorted(FILES):
            parts = path.split("/")[:-1]
            for i in range(1, len(parts) + 1):
                d = "/".join(parts[:i])
                if d not in dirs:
                    dirs.add(d)
                    info = tarfile.TarInfo(d + "/")
                    info.type = tarfile.DIRTYPE
                    info.mode = 0o755
                    info.mtime = 0
                    t.addfile(info)
            data = FILES[path].encode()
            info = tarfile.TarInfo(path)
            info.size = len(data)
            info.mode = 0o644
            info.mtime = 0
            t.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def blob(data):
    digest = hashlib.sha256(data).hexdigest()
    path = os.path.join(OUT, "blobs", "sha256", digest)
    with open(path, "wb") as f:
        f.write(data)
    return {"digest": f"sha256:{digest}", "size": len(data)}


def main():
    os.makedirs(os.path.join(OUT, "blobs", "sha256"), exist_ok=True)
    for old in os.listdir(os.path.join(OUT, "blobs", "sha256")):
        os.remove(os.path.join(OUT, "blobs", "sha256", old))
    raw = tar_bytes()
    gz = gzip.compress(raw, mtime=0)
    layer = blob(gz)
    config = {
        "architecture": "amd64",
        "os": "linux",
        "config": {"Env": ["PATH=/usr/local/bin:/usr/bin:/bin"], "Cmd": ["python3", "/app/app.py"], "User": "app"},
        "rootfs": {"type": "layers", "diff_ids": ["sha256:" + hashlib.sha256(raw).hexdigest()]},
        "history": [{"created_by": "COPY app / # buildkit", "comment": "buildkit.dockerfile.v0"}],
    }
    cfg = blob(json.dumps(config, sort_keys=True, separators=(",", ":")).encode())
    manifest = {
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", **cfg},
        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", **layer}],
    }
    man = blob(json.dumps(manifest, sort_keys=True, separators=(",", ":")).encode())
    index = {
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.index.v1+json",
        "manifests": [{
            "mediaType": "application/vnd.oci.image.manifest.v1+json", **man,
            "annotations": {"org.opencontainers.image.ref.name": "example"},
        }],
    }
    with open(os.path.join(OUT, "index.json"), "w") as f:
        json.dump(index, f, indent=2)
        f.write("\n")
    with open(os.path.join(OUT, "oci-layout"), "w") as f:
        f.write('{"imageLayoutVersion":"1.0.0"}\n')


main()
