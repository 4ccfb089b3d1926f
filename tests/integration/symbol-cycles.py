#!/usr/bin/env python3
"""symbol-cycles.py OBJ... - the call graph between object files (who uses a
symbol another defines, from nm) and its cycles, one a line ("a -> b -> a"),
then "N cycles". Exit status 1 if there is any. With --users-of NAME: the
objects that use a symbol NAME.o defines, one a line (exit 0)."""
import os
import subprocess
import sys


def graph(objs):
    defs, used = {}, {}
    for o in objs:
        m = os.path.basename(o).rsplit('.', 1)[0]
        used.setdefault(m, set())
        out = subprocess.run(['nm', o], capture_output=True, text=True, check=True).stdout
        for line in out.splitlines():
            p = line.split()
            if len(p) == 3 and p[1] in 'TDBRV':
                defs[p[2]] = m
            elif len(p) == 2 and p[0] == 'U':
                used[m].add(p[1])
    return {m: {defs[s] for s in u if s in defs and defs[s] != m} for m, u in used.items()}


def cycles(g):
    found = {}

    def walk(start, node, path):
        for n in g.get(node, ()):
            if n == start:
                found.setdefault(frozenset(path), path)
            elif n not in path and n > start:
                walk(start, n, path + [n])

    for m in sorted(g):
        walk(m, m, [m])
    return sorted(found.values(), key=len)


def main():
    args = sys.argv[1:]
    if args and args[0] == '--users-of':
        g = graph(args[2:])
        for m in sorted(m for m, deps in g.items() if args[1] in deps):
            print(m)
        return 0
    cs = cycles(graph(args))
    for c in cs:
        print(' -> '.join(c + [c[0]]))
    print(len(cs), 'cycles')
    return 1 if cs else 0


sys.exit(main())
