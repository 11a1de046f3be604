#!/usr/bin/env python3
"""Extracts the Dockerfile snippets of Hadolint's own rule tests, for hadolint_diff.py.

usage: hadolint_specs.py HADOLINT_SOURCE_DIR OUT_DIR

HADOLINT_SOURCE_DIR is a checkout of github.com/hadolint/hadolint at the tag to compare with
(v2.15.1). Every `ruleCatches`, `ruleCatchesNot`, `onBuildRuleCatches` and
`onBuildRuleCatchesNot` assertion of test/Hadolint/Rule/*Spec.hs becomes one file, written
the way Hadolint's test helpers lint it: the snippet plus a newline, and for the `onBuild`
variants every `RUN` wrapped in `ONBUILD`. The spec's `?config` (trusted registries, label
schema) becomes command-line options. OUT_DIR/profiles.json maps each file to its options.

Hadolint's tests are GPL-3.0: the snippets are read from the checkout at run time and are
not part of this repository. Then:

    python3 bench/hadolint_diff.py --bulwark target/release/bulwark --cases OUT_DIR
"""
import json
import os
import re
import sys

ASSERT = re.compile(r"\b(ruleCatches|ruleCatchesNot|onBuildRuleCatches|onBuildRuleCatchesNot)\s+\"(\w+)\"\s*")


def read_string(s, i):
    """Reads a Haskell string literal starting at s[i] == '"'; returns (value, end index)."""
    assert s[i] == '"'
    i += 1
    out = []
    while i < len(s):
        c = s[i]
        if c == '"':
            return "".join(out), i + 1
        if c == "\\":
            n = s[i + 1]
            if n.isspace():  # string gap: backslash, whitespace, backslash
                j = i + 1
                while s[j].isspace():
                    j += 1
                i = j + 1
                continue
            out.append({"n": "\n", "t": "\t", '"': '"', "\\": "\\", "'": "'"}.get(n, "\\" + n))
            i += 2
            continue
        out.append(c)
        i += 1
    raise ValueError("unterminated string")


def skip_ws(s, i):
    while i < len(s) and s[i].isspace():
        i += 1
    return i


def read_list(s, i):
    """Reads `[ "a", "b" ]` (string literals only); returns (list, end)."""
    assert s[i] == "["
    i += 1
    items = []
    while True:
        i = skip_ws(s, i)
        if s.startswith("--", i):
            i = s.index("\n", i)
            continue
        if s[i] == "]":
            return items, i + 1
        if s[i] == ",":
            i += 1
            continue
        if s[i] == '"':
            v, i = read_string(s, i)
            items.append(v)
            continue
        raise ValueError(f"unsupported list item at {s[i:i + 30]!r}")


def evaluate(s, i, before):
    """Evaluates the snippet expression at s[i]: a literal, `Text.unlines [..]`, a name bound
    earlier by `let name = ...` / `name = ...`, `$`/parentheses around those."""
    i = skip_ws(s, i)
    if s[i] == "$":
        return evaluate(s, i + 1, before)
    if s[i] == "(":
        v = evaluate(s, i + 1, before)
        return v
    if s[i] == '"':
        return read_string(s, i)[0]
    if s[i] == "[":
        return "\n".join(read_list(s, i)[0])
    m = re.match(r"(?:Text\.)?unlines\s*", s[i:])
    if m:
        j = skip_ws(s, i + m.end())
        if s[j] == "[":
            items, _ = read_list(s, j)
            return "".join(x + "\n" for x in items)
        v = evaluate(s, j, before)
        if isinstance(v, list):
            return "".join(x + "\n" for x in v)
        raise ValueError("unlines of a non-list")
    m = re.match(r"[a-z][A-Za-z0-9_']*", s[i:])
    if m:
        name = m.group(0)
        binds = list(re.finditer(r"(?:\blet\s+|^\s*)" + re.escape(name) + r"\s*=\s*", s[:before], re.M))
        if not binds:
            raise ValueError(f"no binding for {name}")
        j = binds[-1].end()
        j = skip_ws(s, j)
        if s[j] == "[":
            return read_list(s, j)[0]
        return evaluate(s, j, binds[-1].start())
    raise ValueError(f"unsupported expression {s[i:i + 40]!r}")


def config_at(s, pos):
    """The options of the `let ?config = def {...}` in scope at `pos` (indentation scoping)."""
    opts = []
    for m in re.finditer(r"^( *)let \?config\s*=\s*def\b(.*)$", s[:pos], re.M):
        indent = len(m.group(1))
        later = s[m.end():pos].split("\n")[1:]
        if any(l.strip() and len(l) - len(l.lstrip(" ")) < indent for l in later):
            continue  # the binding's block ended before `pos`
        body = m.group(2)
        opts = []
        registries = re.search(r"allowedRegistries\s*=\s*\[([^\]]*)\]", body)
        for reg in re.findall(r'"([^"]*)"', registries.group(1) if registries else ""):
            opts += ["--trusted-registry", reg]
        for name, ty in re.findall(r'\("([^"]+)",\s*(?:Rule\.)?(\w+)\)', body):
            kind = {"Rfc3339": "rfc3339", "RawText": "text", "GitHash": "hash", "Email": "email",
                    "SemVer": "semver", "Spdx": "spdx", "Url": "url"}[ty]
            opts += ["--require-label", f"{name}:{kind}"]
        if re.search(r"strictLabels\s*=\s*True", body):
            opts.append("--strict-labels")
    return opts


def onbuild(text):
    """Every `RUN` instruction behind `ONBUILD` (Hadolint's `assertOnBuildChecks`)."""
    out = []
    continued = False
    for line in text.split("\n"):
        if not continued and re.match(r"\s*run\b", line, re.I):
            line = "ONBUILD " + line.lstrip()
        out.append(line)
        continued = line.rstrip().endswith("\\")
    return "\n".join(out)


def main():
    src, out = sys.argv[1], sys.argv[2]
    spec_dir = os.path.join(src, "test", "Hadolint", "Rule")
    os.makedirs(out, exist_ok=True)
    profiles = {}
    skipped = 0
    n = 0
    for fname in sorted(os.listdir(spec_dir)):
        if not fname.endswith("Spec.hs"):
            continue
        s = open(os.path.join(spec_dir, fname), encoding="utf-8").read()
        for m in ASSERT.finditer(s):
            kind, code = m.group(1), m.group(2)
            try:
                text = evaluate(s, m.end(), m.start())
            except (ValueError, IndexError):
                skipped += 1
                continue
            if isinstance(text, list):
                skipped += 1
                continue
            if kind.startswith("onBuild"):
                text = onbuild(text)
            name = f"{fname[:-7]}-{n:04d}-{kind}-{code}.Dockerfile"
            n += 1
            with open(os.path.join(out, name), "w", encoding="utf-8") as f:
                f.write(text + "\n")
            profiles[name] = config_at(s, m.start())
    with open(os.path.join(out, "profiles.json"), "w") as f:
        json.dump(profiles, f, indent=0, sort_keys=True)
    print(f"{n} snippets written to {out}; {skipped} assertions skipped (expression not understood)")


if __name__ == "__main__":
    main()
