#!/usr/bin/env python3
"""Recall and precision of `kindred scan` links against `kindred synth --truth`.

    kindred synth -n 1000000 -o corpus.jsonl --truth truth.jsonl
    kindred scan corpus.jsonl -o scan.jsonl --no-stories --no-passages
    python3 bench/scripts/link_quality.py truth.jsonl scan.jsonl

Recall: copies keeping at least --min-kept of their source (default 0.5)
whose (source, copy) pair is linked. Precision: links whose two documents
descend from the same original (siblings count as correct), as kindred_bench
measures them.
"""
import argparse
import json


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("truth")
    ap.add_argument("scan")
    ap.add_argument("--min-kept", type=float, default=0.5)
    args = ap.parse_args()

    original = {}  # copy id -> its original's id
    wanted = set()
    with open(args.truth, encoding="utf-8") as f:
        for line in f:
            t = json.loads(line)
            original[t["copy"]] = t["source"]
            if t["kept"] >= args.min_kept:
                wanted.add(frozenset((t["source"], t["copy"])))

    def root(doc):
        while doc in original:
            doc = original[doc]
        return doc

    links = correct = found = 0
    with open(args.scan, encoding="utf-8") as f:
        for line in f:
            if '"type":"link"' not in line:
                continue
            r = json.loads(line)
            links += 1
            correct += root(r["a"]) == root(r["b"])
            found += frozenset((r["a"], r["b"])) in wanted
    recall = found / len(wanted) if wanted else 1.0
    precision = correct / links if links else 1.0
    print(f"recall {recall:.4f} ({found} of {len(wanted)} copies keeping >= {args.min_kept:.0%}), "
          f"precision {precision:.4f} ({correct} of {links} links)")


if __name__ == "__main__":
    main()
