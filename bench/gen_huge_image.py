#!/usr/bin/env python3
"""Writes a `docker save` archive of about 5 GB: the layers of an existing archive (the test
image), then one layer of about 3 GB and one of about 1.7 GB, streamed to disk (never held in
memory) with their diff ids computed while writing.

usage: gen_huge_image.py BASE_ARCHIVE OUT_ARCHIVE [BIG_LAYER_MIB [SECOND_LAYER_MIB]]

The big layer holds 1 MiB files of incompressible bytes (what a model or a data set looks like),
text files with package metadata, and executables, so every analyzer and the secret scanner
have something to want in it; the second layer is more of the same.
"""
import hashlib
import io
import json
import os
import random
import sys
import tarfile


class HashingWriter(io.RawIOBase):
    """A file wrapper that hashes and counts what is written."""

    def __init__(self, f):
        self.f, self.h, self.n = f, hashlib.sha256(), 0

    def writable(self):
        return True

    def write(self, b):
        self.h.update(b)
        self.n += len(b)
        return self.f.write(b)


def add_bytes(tar, name, data, mode=0o644):
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = len(data), mode, 1_700_000_000
    tar.addfile(info, io.BytesIO(data))


def write_layer(path, mib, seed):
    """One uncompressed layer tar of about `mib` MiB; returns its sha256 hex."""
    rnd = random.Random(seed)
    with open(path, "wb") as raw:
        hw = HashingWriter(raw)
        with tarfile.open(fileobj=hw, mode="w|", format=tarfile.PAX_FORMAT) as tar:
            chunk = os.urandom(1 << 20)
            for i in range(mib):
                # a fresh megabyte now and then so the layer is not one repeated block
                if i % 64 == 0:
                    chunk = os.urandom(1 << 20)
                d = f"opt/data/{seed}/{i // 1000:03d}"
                if i % 50 == 0:
                    meta = (
                        f"Metadata-Version: 2.1\nName: pkg{seed}x{i}\nVersion: 1.{i}.0\n\n"
                    ).encode()
                    add_bytes(tar, f"usr/lib/python3/dist-packages/pkg{seed}x{i}-1.{i}.0.dist-info/METADATA", meta)
                    pj = json.dumps({"name": f"npm{seed}x{i}", "version": f"2.{i}.0"}).encode()
                    add_bytes(tar, f"app/node_modules/npm{seed}x{i}/package.json", pj)
                    text = "".join(f"line {j} value={rnd.random()}\n" for j in range(2000)).encode()
                    add_bytes(tar, f"{d}/notes{i}.txt", text)
                if i % 200 == 0:
                    add_bytes(tar, f"usr/local/bin/tool{seed}x{i}", b"\x7fELF" + chunk[: 4 << 10], 0o755)
                add_bytes(tar, f"{d}/blob{i}.bin", chunk)
    return hw.h.hexdigest()


def main():
    base, out = sys.argv[1], sys.argv[2]
    big = int(sys.argv[3]) if len(sys.argv) > 3 else 3072
    second = int(sys.argv[4]) if len(sys.argv) > 4 else 1700
    work = out + ".d"
    os.makedirs(work, exist_ok=True)
    with tarfile.open(base) as src:
        manifest = json.load(src.extractfile("manifest.json"))[0]
        config = json.load(src.extractfile(manifest["Config"]))
        layers = []
        for name in manifest["Layers"]:
            p = os.path.join(work, name.replace("/", "_"))
            with src.extractfile(name) as r, open(p, "wb") as w:
                while b := r.read(1 << 20):
                    w.write(b)
            layers.append(p)
    for seed, mib in ((1, big), (2, second)):
        p = os.path.join(work, f"gen{seed}.tar")
        diff = write_layer(p, mib, seed)
        layers.append(p)
        config["rootfs"]["diff_ids"].append(f"sha256:{diff}")
        config.setdefault("history", []).append({"created_by": f"generated layer of {mib} MiB"})
    cfg = json.dumps(config).encode()
    cfg_name = hashlib.sha256(cfg).hexdigest() + ".json"
    names = [f"layer{i}/layer.tar" for i in range(len(layers))]
    man = json.dumps([{"Config": cfg_name, "RepoTags": ["bulwark-test/huge:1"], "Layers": names}]).encode()
    with tarfile.open(out, "w", format=tarfile.PAX_FORMAT) as tar:
        add_bytes(tar, cfg_name, cfg)
        for n, p in zip(names, layers):
            tar.add(p, arcname=n)
            os.remove(p)
        add_bytes(tar, "manifest.json", man)
    os.rmdir(work)


if __name__ == "__main__":
    main()
