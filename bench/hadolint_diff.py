#!/usr/bin/env python3
"""Differential test: Bulwark `dockerfile --hadolint-only` against Hadolint 2.15.1.

usage: hadolint_diff.py --bulwark BIN [--count N] [--seed S] [--keep DIR] [--show N]
       hadolint_diff.py --bulwark BIN --files FILE... [--show N]

Generates COUNT Dockerfiles with gen_hadolint_cases.py (seeded), lints them with both tools
(many files per process, `-f json`, the same options for both: see PROFILES there), and compares
for every file the set of (rule code, line) pairs, ShellCheck's SC codes left out, and the
message of every finding both report. With --files, the given files are compared instead
(default profile).

A difference that is one of Bulwark's deliberate differences from Hadolint (listed with their
reasons in docs/hadolint-differences.md; DELIBERATE below recognises each one) is counted
under its name; any other difference is printed with the file and makes the exit status 1.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import gen_hadolint_cases as gen  # noqa: E402

CHUNK = 500


def run_json(cmd, env, cwd):
    proc = subprocess.run(cmd, capture_output=True, env=env, cwd=cwd)
    try:
        return json.loads(proc.stdout or b"[]")
    except json.JSONDecodeError:
        sys.exit(f"{cmd[0]}: output is not JSON (exit {proc.returncode}): "
                 f"{proc.stdout[:300]!r} {proc.stderr[:300]!r}")


def hadolint(files, opts, env, cwd, exe):
    out = {}
    for f in run_json([exe, "--no-fail", "-f", "json", *opts, *files], env, cwd):
        if f["code"].startswith("SC"):
            continue
        out.setdefault(f["file"], {}).setdefault((f["code"], f["line"]), []).append(f["message"])
    return out


def bulwark(files, opts, env, cwd, exe):
    out = {}
    v = run_json([exe, "dockerfile", "--hadolint-only", "--no-fail", "-q", "-f", "json", *opts, *files],
                 env, cwd)
    for f in v.get("findings", []):
        loc = f.get("location", {})
        out.setdefault(loc.get("path"), {}).setdefault((f["code"], loc.get("line") or 0), []).append(
            f["message"])
    return out


# ----------------------------------------------------------------------------------------------
# Deliberate differences. Each entry: (name, predicate(src, hadolint_pairs, bulwark_pairs)).
# The predicate must recognise exactly the documented behaviour, nothing broader.

def heredoc_then_instruction(src, theirs, ours):
    """Hadolint 2.15.1 cannot parse an instruction right after a heredoc terminator: it reports
    DL1000 on that line (and nothing else); Bulwark parses the file as BuildKit does."""
    if len(theirs) != 1 or next(iter(theirs))[0] != "DL1000":
        return False
    line = next(iter(theirs))[1]
    lines = src.split("\n")
    if line < 2 or line - 2 >= len(lines):
        return False
    prev = lines[line - 2].strip()
    for earlier in reversed(lines[: line - 2]):
        m = re.search(r"<<-?[\"']?([A-Za-z_][A-Za-z0-9_]*)", earlier)
        if m:
            return prev == m.group(1)
    return False


DELIBERATE = [
    ("heredoc-then-instruction", heredoc_then_instruction),
]


def classify(src, theirs, ours):
    for name, pred in DELIBERATE:
        if pred(src, theirs, ours):
            return name
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bulwark", required=True)
    ap.add_argument("--hadolint", default="hadolint")
    ap.add_argument("--count", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=16)
    ap.add_argument("--keep")
    ap.add_argument("--show", type=int, default=25, help="unexplained differences to print")
    ap.add_argument("--files", nargs="+")
    a = ap.parse_args()
    a.bulwark = os.path.abspath(a.bulwark) if os.sep in a.bulwark else a.bulwark

    tmp = tempfile.TemporaryDirectory()
    home = os.path.join(tmp.name, "home")
    os.makedirs(home)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HADOLINT_", "BULWARK_"))}
    env["HOME"] = home
    env["XDG_CONFIG_HOME"] = home
    env["NO_COLOR"] = "1"

    if a.files:
        files = {os.path.abspath(f): "default" for f in a.files}
    else:
        out_dir = a.keep or os.path.join(tmp.name, "cases")
        subprocess.run([sys.executable, os.path.join(HERE, "gen_hadolint_cases.py"), out_dir,
                        str(a.count), "--seed", str(a.seed)], check=True)
        with open(os.path.join(out_dir, "profiles.json")) as f:
            files = {os.path.join(out_dir, k): v for k, v in json.load(f).items()}

    jobs = []
    by_profile = {}
    for path, prof in sorted(files.items()):
        by_profile.setdefault(prof, []).append(path)
    for prof, paths in by_profile.items():
        opts = gen.PROFILES[prof]
        for i in range(0, len(paths), CHUNK):
            chunk = paths[i:i + CHUNK]
            jobs.append((hadolint, chunk, opts, a.hadolint))
            jobs.append((bulwark, chunk, opts, a.bulwark))
    theirs, ours = {}, {}
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = pool.map(lambda j: (j[0], j[0](j[1], j[2], env, tmp.name, j[3])), jobs)
        for fn, res in results:
            (theirs if fn is hadolint else ours).update(res)

    agree = 0
    explained = {}
    unexplained = []
    message_diffs = {}
    for path in sorted(files):
        t = theirs.get(path, {})
        o = ours.get(path, {})
        if set(t) == set(o):
            bad = [(k, sorted(t[k]), sorted(o[k])) for k in t if sorted(t[k]) != sorted(o[k])]
            if not bad:
                agree += 1
                continue
            for k, mt, mo in bad:
                message_diffs.setdefault(k[0], (path, mt, mo))
            unexplained.append((path, t, o, bad))
            continue
        with open(path, encoding="utf-8", errors="replace") as f:
            src = f.read()
        name = classify(src, t, o)
        if name:
            explained[name] = explained.get(name, 0) + 1
        else:
            unexplained.append((path, t, o, None))

    total = len(files)
    print(f"files: {total}; identical findings and messages: {agree}; deliberate differences: "
          f"{sum(explained.values())}; unexplained: {len(unexplained)}")
    for name, n in sorted(explained.items()):
        print(f"  deliberate {name}: {n}")
    if message_diffs:
        print("message differences (first file per rule):")
        for code, (path, mt, mo) in sorted(message_diffs.items()):
            print(f"  {code} {os.path.basename(path)}\n    hadolint: {mt!r}\n    bulwark:  {mo!r}")
    codes = {}
    for path, t, o, bad in unexplained:
        for k in set(t) ^ set(o):
            side = "hadolint-only" if k in t else "bulwark-only"
            codes[(k[0], side)] = codes.get((k[0], side), 0) + 1
    if codes:
        print("unexplained (code, side): " + ", ".join(f"{c} {s} x{n}" for (c, s), n in sorted(codes.items())))
    for path, t, o, bad in unexplained[: a.show]:
        with open(path, encoding="utf-8", errors="replace") as f:
            src = f.read()
        only_t = sorted(set(t) - set(o))
        only_o = sorted(set(o) - set(t))
        print(f"\n--- {os.path.basename(path)} [{files[path]}]: hadolint only {only_t}, bulwark only {only_o}")
        print(src[:1500])
    return 1 if unexplained else 0


if __name__ == "__main__":
    sys.exit(main())
