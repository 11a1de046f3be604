#!/usr/bin/env python3
"""Runs a command and reports its peak memory, split the way issue 17 measures it:
peak anonymous RSS (`RssAnon` in /proc/PID/status, sampled every 5 ms: heap, stacks, what the
allocator keeps), peak file-backed RSS (`RssFile`: the executable's pages that were touched,
mapped files) and the kernel's high-water mark of both together (`VmHWM`, what
`/usr/bin/time -f %M` reports), plus wall time and the load average when it started.

usage: rss.py [--label TEXT] COMMAND [ARGS...]   (the command's stdout is discarded, stderr kept
in /tmp unless it fails; prints one line; exit status is the command's)
"""
import os
import subprocess
import sys
import tempfile
import time


def status(pid):
    out = {}
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                k, _, v = line.partition(":")
                if k in ("RssAnon", "RssFile", "VmHWM"):
                    out[k] = int(v.split()[0])
    except (FileNotFoundError, ProcessLookupError, ValueError):
        pass
    return out


def main():
    args = sys.argv[1:]
    label = None
    if args[:1] == ["--label"]:
        label, args = args[1], args[2:]
    if not args:
        sys.exit(__doc__)
    load = os.getloadavg()[0]
    err = tempfile.NamedTemporaryFile(prefix="rss-", suffix=".err", delete=False)
    start = time.monotonic()
    p = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=err)
    peak = {"RssAnon": 0, "RssFile": 0, "VmHWM": 0}
    while p.poll() is None:
        for k, v in status(p.pid).items():
            peak[k] = max(peak[k], v)
        time.sleep(0.005)
    wall = time.monotonic() - start
    err.close()
    mib = lambda kib: kib / 1024  # noqa: E731
    print(
        f"{label or ' '.join(args)[:60]}: exit {p.returncode}, wall {wall:.2f} s, "
        f"peak RssAnon {mib(peak['RssAnon']):.0f} MiB, RssFile {mib(peak['RssFile']):.0f} MiB, "
        f"VmHWM {mib(peak['VmHWM']):.0f} MiB, load {load:.2f}",
        flush=True,
    )
    if p.returncode not in (0, 1):
        with open(err.name) as f:
            sys.stderr.write(f.read()[-2000:])
    os.unlink(err.name)
    sys.exit(p.returncode)


if __name__ == "__main__":
    main()
