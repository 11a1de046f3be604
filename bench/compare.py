#!/usr/bin/env python3
"""Times two commands side by side, alternating runs, and prints median wall times and ratio.

usage: compare.py RUNS NAME_A "CMD A" NAME_B "CMD B"
Exit codes of the commands are ignored (linters exit 1 on findings). Peak RSS (max over runs,
from wait4) is reported too.
"""
import os
import shlex
import statistics
import subprocess
import sys
import time


def one(cmd):
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, shell=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, _, usage = os.wait4(proc.pid, 0)
    return time.perf_counter() - start, usage.ru_maxrss / 1024.0


def main():
    runs = int(sys.argv[1])
    a_name, a_cmd, b_name, b_cmd = sys.argv[2:6]
    ta, tb, ma, mb = [], [], [], []
    one(a_cmd), one(b_cmd)  # warm the page cache
    for _ in range(runs):
        t, m = one(a_cmd); ta.append(t); ma.append(m)
        t, m = one(b_cmd); tb.append(t); mb.append(m)
    med_a, med_b = statistics.median(ta), statistics.median(tb)
    print(f"{a_name:>10}: median {med_a*1000:9.1f} ms  peak RSS {max(ma):8.1f} MiB  ({runs} runs)")
    print(f"{b_name:>10}: median {med_b*1000:9.1f} ms  peak RSS {max(mb):8.1f} MiB  ({runs} runs)")
    print(f"ratio {b_name}/{a_name}: {med_b/med_a:.1f}x time, {max(mb)/max(ma):.2f}x memory")


if __name__ == "__main__":
    main()
