#!/usr/bin/env python3
"""Copies-only `kindred scan` against datasketch's MinHash + LSH, same file, same run.

    bench/scripts/vs_datasketch.py KINDRED_CLI CORPUS.jsonl [--runs 3]

datasketch is not a dependency of kindred and is not installed by it: put a
copy of it on PYTHONPATH yourself (it needs numpy and scipy,
`apt-get install python3-numpy python3-scipy`). The script times, alternately,
`kindred scan --no-stories --no-passages -t 1` on CORPUS (the whole process:
reading, sketching, candidates, verification, writing) and a datasketch
pipeline doing the same job in one Python process: read the JSON Lines, word
5-gram shingles of the lower-cased text, MinHash with 128 permutations,
MinHashLSH with kindred's banding (64 bands of 2 rows), a query per document,
and each candidate pair kept when its MinHash estimate reaches kindred's link
threshold. It prints each run's seconds, the medians and their ratio, and the
pairs each found, so a reader can see the two did comparable work.
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

WORD = re.compile(r"\w+")


def run_kindred(cli, corpus, out):
    start = time.perf_counter()
    subprocess.run([cli, "scan", corpus, "--no-stories", "--no-passages", "-t", "1", "-q",
                    "-o", out], check=True)
    seconds = time.perf_counter() - start
    pairs = 0
    with open(out, encoding="utf-8") as f:
        for line in f:
            if line.startswith('{"type":"link"'):
                pairs += 1
    return seconds, pairs


def run_datasketch(corpus, threshold, shingle=5, perms=128, bands=64, rows=2):
    from datasketch import MinHash, MinHashLSH  # imported here: only this path needs it

    start = time.perf_counter()
    lsh = MinHashLSH(num_perm=perms, params=(bands, rows))
    sketches = []
    with open(corpus, encoding="utf-8") as f:
        for n, line in enumerate(f):
            words = WORD.findall(json.loads(line).get("text", "").lower())
            grams = {" ".join(words[i:i + shingle]).encode()
                     for i in range(max(0, len(words) - shingle + 1))}
            m = MinHash(num_perm=perms)
            m.update_batch(list(grams))
            lsh.insert(n, m)
            sketches.append(m)
    pairs = 0
    for n, m in enumerate(sketches):
        for other in lsh.query(m):
            if other > n and m.jaccard(sketches[other]) >= threshold:
                pairs += 1
    return time.perf_counter() - start, pairs


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("cli")
    ap.add_argument("corpus")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--threshold", type=float, default=0.5,
                    help="the link threshold datasketch's candidates must reach (kindred's default)")
    args = ap.parse_args()
    try:
        import datasketch  # noqa: F401
    except ImportError:
        sys.exit("datasketch is not importable: put a copy of it on PYTHONPATH (see --help)")
    ours, theirs = [], []
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "out.jsonl")
        for run in range(args.runs):
            k, k_pairs = run_kindred(args.cli, args.corpus, out)
            d, d_pairs = run_datasketch(args.corpus, args.threshold)
            ours.append(k)
            theirs.append(d)
            print(f"run {run + 1}: kindred {k:.2f} s ({k_pairs} links), "
                  f"datasketch {d:.2f} s ({d_pairs} pairs)", flush=True)
    k, d = statistics.median(ours), statistics.median(theirs)
    print(f"median: kindred {k:.2f} s, datasketch {d:.2f} s, ratio {d / k:.1f}x")


if __name__ == "__main__":
    main()
