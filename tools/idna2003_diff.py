#!/usr/bin/env python3
"""Differential check of pyssl's IDNA 2003 encoder against CPython 3.13's
`str.encode('idna')`: every code point in a label, plus seeded random
mixtures. Usage (from the repository root):

    cargo build --release --example idna_encode
    $(pyenv prefix 3.13)/bin/python3 tools/idna2003_diff.py [N_RANDOM]
"""
import json, random, subprocess, sys

def python(s):
    try:
        return {"ok": s.encode("idna").decode("ascii")}
    except UnicodeError as e:
        return {"error": [type(e).__name__, str(e)]}

def main():
    n_random = int(sys.argv[1]) if len(sys.argv) > 1 else 200000
    inputs = []
    for c in range(0x110000):
        if 0xD800 <= c <= 0xDFFF:
            continue
        inputs.append("a" + chr(c) + ".com")
        inputs.append(chr(c))
    rnd = random.Random(1234)
    pools = [range(0x20, 0x7f), range(0xa0, 0x250), range(0x300, 0x370), range(0x370, 0x400),
             range(0x590, 0x700), range(0x1100, 0x1200), range(0x3000, 0x3100), range(0xac00, 0xac40),
             range(0xfb00, 0xfb50), range(0xff00, 0xff70), range(0x1d400, 0x1d420), [0x2e, 0x3002, 0xff0e, 0xff61, 0x200c, 0x200d, 0xad, 0xdf, 0x3c2]]
    for _ in range(n_random):
        k = rnd.randint(0, 12)
        s = "".join(chr(rnd.choice(rnd.choice(pools))) for _ in range(k))
        inputs.append(s)
    inputs += ["a" * 63, "a" * 64, "é" * 60, "é" * 20, "xn--é", "XN--é.com", ".", "..", "a.", "é.", "é..", "a" * 300]
    proc = subprocess.run(["target/release/examples/idna_encode"], input="\n".join(json.dumps(s) for s in inputs) + "\n",
                          capture_output=True, text=True)
    ours = [json.loads(l) for l in proc.stdout.splitlines()]
    diffs = 0
    for s, o in zip(inputs, ours):
        p = python(s)
        if p != o:
            diffs += 1
            if diffs <= 20:
                print("DIFF", repr(s), "python:", p, "pyssl:", o)
    print(f"idna2003: {len(inputs)} inputs, {diffs} differences")
    sys.exit(1 if diffs or len(ours) != len(inputs) else 0)

main()
