#!/usr/bin/env python3
"""Differential test: Bulwark `dockerfile --hadolint-only` against Hadolint 2.15.1.

usage: hadolint_diff.py --bulwark BIN [--count N] [--seed S] [--keep DIR] [--show N]
       hadolint_diff.py --bulwark BIN --files FILE... [--show N]
       hadolint_diff.py --bulwark BIN --cases DIR [--show N]

Generates COUNT Dockerfiles with gen_hadolint_cases.py (seeded), lints them with both tools
(many files per process, `-f json`, the same options for both: see PROFILES there), and compares
for every file the set of (rule code, line) pairs, ShellCheck's SC codes left out, and the
message of every finding both report. With --files, the given files are compared instead
(default options); with --cases, the files of DIR/profiles.json (file name: profile name or
list of options), as hadolint_specs.py writes them.

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
# Deliberate differences (docs/hadolint-differences.md). Each recognises one documented class
# precisely; anything else is reported as unexplained.
#
# Both tools stop at the first syntax error (DL1000) and report nothing else for that file, so a
# file that one tool rejects differs in every other finding. The classes below therefore look at
# the line of the first DL1000 of each tool.

def heredoc_region(lines, n):
    """True when line n (1-based) is inside a heredoc or right after its terminator."""
    for start in range(n - 1, 0, -1):
        text = lines[start - 1]
        marks = re.findall(r"<<(-?)[\"']?([A-Za-z_][A-Za-z0-9_.-]*)", text)
        if not marks or text.lstrip().startswith("#"):
            continue
        end = start
        for strip, delim in marks:
            end += 1
            while end <= len(lines) and (lines[end - 1].lstrip("\t") if strip else lines[end - 1]) != delim:
                end += 1
        return n <= end + 1
    return False


def mount_keys_repeat_or_case(line):
    for spec in re.findall(r"--mount=(\S+)", line):
        keys = []
        for part in spec.split(","):
            k = part.split("=", 1)[0]
            if k != k.lower() or ("=" in part and k == "type" and part.split("=", 1)[1] != part.split("=", 1)[1].lower()):
                return True
            keys.append({"dst": "target", "destination": "target", "src": "source"}.get(k, k))
        if len(keys) != len(set(keys)):
            return True
    return "--MOUNT" in line


# Lines Hadolint 2.15.1 (language-docker 16) cannot parse although BuildKit accepts them.
HADOLINT_REJECTS = [
    ("heredoc", lambda lines, n: heredoc_region(lines, n)),
    ("whitespace-line-in-continuation", lambda lines, n: n >= 3 and lines[n - 2].strip() == ""
        and lines[n - 2] != "" and lines[n - 3].rstrip().endswith("\\")),
    ("instruction-without-arguments", lambda lines, n: re.match(r"(?i)\s*(RUN|CMD|ENTRYPOINT)\s*$", lines[n - 1])),
    ("healthcheck-flags", lambda lines, n: re.match(r"(?i)\s*HEALTHCHECK\s+--.*(\bNONE\b|=\d+(ms|m|h)\b)", lines[n - 1])),
    ("registry-port-without-dot", lambda lines, n: re.match(r"(?i)\s*FROM\s+(--\S+\s+)*[^./\s]+:\d+/", lines[n - 1])),
    ("empty-platform", lambda lines, n: re.match(r"(?i)\s*FROM\s+--platform=\s", lines[n - 1])),
    ("expose-sctp", lambda lines, n: re.match(r"(?i)\s*EXPOSE\s.*/sctp\b", lines[n - 1])),
    ("json-with-trailing-text", lambda lines, n: re.match(r"(?i)\s*(RUN|CMD|ENTRYPOINT)\s+\[.*\]\s*\S", lines[n - 1])),
    ("mount-keys", lambda lines, n: mount_keys_repeat_or_case(lines[n - 1])),
    ("doubled-escape-at-line-end", lambda lines, n: any(
        l.rstrip(" \t").endswith("\\\\") for l in lines[max(0, n - 3):n])),
]

# Bulwark's DL1000 messages for files BuildKit rejects and Hadolint 2.15.1 accepts.
BUILDKIT_REJECTS = [
    ("buildkit-from-arguments", r"^FROM requires either one argument, or three"),
    ("buildkit-invalid-reference", r"^FROM: invalid reference format"),
    ("buildkit-stage-name", r"^invalid name for build stage"),
    ("buildkit-unknown-flag", r"^\w+: unknown flag"),
    ("buildkit-flag-value", r"^\w+: (missing a value on flag|expecting boolean value|duplicate flag specified)"),
    ("buildkit-mount-option", r"^RUN --mount: "),
    ("buildkit-run-option", r"^RUN: invalid value for --"),
    ("buildkit-shell-json", r"^SHELL requires"),
    ("buildkit-expose", r"^EXPOSE: invalid port"),
    ("buildkit-pairs", r"(must have two arguments|can't find = in|names can not be blank)"),
    ("empty-file", r"^file is empty"),
]


def trailing_whitespace_value(src, theirs, ours):
    """Hadolint keeps the blanks after a `USER` value (`USER root ` is not root to it, and
    `USER 1000 ` is not numeric); BuildKit trims them, and so does Bulwark."""
    lines = src.split("\n")
    diff = set(theirs) ^ set(ours)
    return bool(diff) and all(
        c in ("DL3002", "DL3066") and 0 < l <= len(lines)
        and re.match(r"(?i)\s*USER\s", lines[l - 1]) and lines[l - 1] != lines[l - 1].rstrip()
        for c, l in diff)


def after_strip_tabs_heredoc(src, theirs, ours):
    """Hadolint does not strip the tabs of a `<<-` heredoc, so it does not see the indented
    terminator and reads the rest of the file as part of the heredoc."""
    lines = src.split("\n")
    start = next((i + 1 for i, l in enumerate(lines) if re.search(r"<<-[\"']?[A-Za-z_]", l)), None)
    diff = set(theirs) ^ set(ours)
    return start is not None and bool(diff) and all(l >= start for _, l in diff)


def first_error(pairs):
    lines = sorted(l for (c, l) in pairs if c == "DL1000")
    return lines[0] if lines else None


def classify(src, theirs, ours):
    lines = src.split("\n")
    h, b = first_error(theirs), first_error(ours)
    if h is None and b is None:
        if trailing_whitespace_value(src, theirs, ours):
            return "user-trailing-whitespace"
        if after_strip_tabs_heredoc(src, theirs, ours):
            return "hadolint-rejects:heredoc"
        return None
    if h is not None and (b is None or h < b):
        if len(theirs) != 1 or h > len(lines):
            return None
        for name, pred in HADOLINT_REJECTS:
            if pred(lines, h):
                return "hadolint-rejects:" + name
        return None
    if b is not None and (h is None or b < h):
        message = " ".join(ours.get(("DL1000", b), [""]))
        for name, pattern in BUILDKIT_REJECTS:
            if re.search(pattern, message):
                return name
        return None
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
    ap.add_argument("--cases")
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
        files = {os.path.abspath(f): [] for f in a.files}
    else:
        out_dir = a.cases or a.keep or os.path.join(tmp.name, "cases")
        if not a.cases:
            subprocess.run([sys.executable, os.path.join(HERE, "gen_hadolint_cases.py"), out_dir,
                            str(a.count), "--seed", str(a.seed)], check=True)
        with open(os.path.join(out_dir, "profiles.json")) as f:
            files = {os.path.abspath(os.path.join(out_dir, k)): gen.PROFILES[v] if isinstance(v, str) else v
                     for k, v in json.load(f).items()}

    jobs = []
    by_profile = {}
    for path, opts in sorted(files.items()):
        by_profile.setdefault(tuple(opts), []).append(path)
    for opts, paths in by_profile.items():
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
            # DL1000's message is each parser's own description of the syntax error.
            bad = [(k, sorted(t[k]), sorted(o[k])) for k in t
                   if k[0] != "DL1000" and sorted(t[k]) != sorted(o[k])]
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
        opts = " ".join(files[path])
        print(f"\n--- {os.path.basename(path)} [{opts}]: hadolint only {only_t}, bulwark only {only_o}")
        print(src[:1500])
    return 1 if unexplained else 0


if __name__ == "__main__":
    sys.exit(main())
