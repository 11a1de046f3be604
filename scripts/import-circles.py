#!/usr/bin/env python3
"""Import circles between the top-level modules of each crate (use crate::X / super::X)."""
import os, re, sys
root = sys.argv[1] if len(sys.argv) > 1 else 'crates'
total = 0
for crate in sorted(os.listdir(root)):
    src = os.path.join(root, crate, 'src')
    if not os.path.isdir(src): continue
    mods = {}
    for dp, _, fs in os.walk(src):
        for f in fs:
            if not f.endswith('.rs'): continue
            rel = os.path.relpath(os.path.join(dp, f), src)
            parts = rel[:-3].split(os.sep)
            top = parts[0]
            if top in ('lib', 'main'): top = '<root>'
            mods.setdefault(top, []).append(os.path.join(dp, f))
    edges = {m: set() for m in mods}
    for m, files in mods.items():
        for f in files:
            text = open(f, encoding='utf-8', errors='replace').read()
            text = re.sub(r'#\[cfg\(test\)\]\s*mod tests\s*\{.*', '', text, flags=re.S)
            for t in re.findall(r'\bcrate::(\w+)', text):
                if t in mods and t != m: edges[m].add(t)
            if m != '<root>' and os.path.basename(f) in ('mod.rs',) or True:
                depth = len(os.path.relpath(f, src).split(os.sep))
                if depth == 1 and m != '<root>':
                    for t in re.findall(r'\bsuper::(\w+)', text):
                        if t in mods and t != m: edges[m].add(t)
    edges.pop('<root>', None)
    for m in edges: edges[m].discard('<root>')
    # Tarjan
    index = {}; low = {}; st = []; on = set(); sccs = []; i = [0]
    def sc(v):
        index[v] = low[v] = i[0]; i[0] += 1; st.append(v); on.add(v)
        for w in edges.get(v, ()):
            if w not in index: sc(w); low[v] = min(low[v], low[w])
            elif w in on: low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = st.pop(); on.discard(w); comp.append(w)
                if w == v: break
            if len(comp) > 1: sccs.append(sorted(comp))
    for v in list(edges):
        if v not in index: sc(v)
    for c in sccs:
        total += 1
        print(f'{crate}: {" <-> ".join(c)}')
print(f'{total} circle(s)')
