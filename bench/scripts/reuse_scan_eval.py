#!/usr/bin/env python3
"""How many reused Clough & Stevenson answers `kindred scan` links, and how precisely.

    python3 bench/scripts/reuse_scan_eval.py build/cli/kindred ../shared/eval/clough-stevenson

All 100 texts (95 answers, 5 task sources) are scanned together, as one
collection, with the default options (extra scan options after `--`).
Recall: answers labelled cut, light or heavy that are linked to their task's
source, directly. Precision: of all links, those whose two documents both
derive from one source (the source itself or answers reusing it: siblings
count as correct, as in link_quality.py); a link touching an independent
(`non`) answer, or two tasks, is wrong.
"""
import argparse
import collections
import csv
import json
import os
import subprocess
import sys
import tempfile


def read_text(path):
    raw = open(path, "rb").read()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")  # the corpus mixes encodings


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("kindred")
    ap.add_argument("corpus")
    ap.add_argument("scan_args", nargs="*", help="after --: passed to kindred scan")
    ap.add_argument("--keep", help="write the scan output here")
    args = ap.parse_args()

    task, category = {}, {}
    with open(os.path.join(args.corpus, "labels.csv"), encoding="utf-8") as f:
        for row in csv.DictReader(f):
            task[row["File"]] = row["Task"]
            category[row["File"]] = row["Category"]
    source_of = {task[d]: d for d in task if category[d] == "orig"}

    with tempfile.TemporaryDirectory() as tmp:
        corpus = os.path.join(tmp, "cs.jsonl")
        with open(corpus, "w", encoding="utf-8") as f:
            for d in sorted(task):
                text = read_text(os.path.join(args.corpus, "texts", d))
                f.write(json.dumps({"id": d, "text": text}) + "\n")
        out = args.keep or os.path.join(tmp, "scan.jsonl")
        subprocess.run([args.kindred, "scan", "-q", "-o", out, corpus, *args.scan_args],
                       check=True)
        links = [json.loads(l) for l in open(out, encoding="utf-8")]
        links = [l for l in links if l["type"] == "link"]

    def derived(d):  # the task whose source d is or reuses; None for independent answers
        return task[d] if category[d] != "non" else None

    correct = 0
    by_relation = collections.Counter()
    linked = set()
    for l in links:
        a, b = l["a"], l["b"]
        by_relation[l["relation"]] += 1
        ok = derived(a) is not None and derived(a) == derived(b)
        correct += ok
        if not ok:
            print(f"wrong link: {a} ({category[a]}) - {b} ({category[b]}) {l['relation']}")
        for x, y in ((a, b), (b, a)):
            if category[y] == "orig" and task[x] == task[y]:
                linked.add(x)
    reused = [d for d in task if category[d] in ("cut", "light", "heavy")]
    found = [d for d in reused if d in linked]
    non_linked = [d for d in task if category[d] == "non" and d in linked]
    print(f"links: {len(links)} ({dict(by_relation)}), correct {correct}")
    print(f"precision {correct / len(links) if links else 1.0:.3f}  "
          f"recall {len(found) / len(reused):.3f} ({len(found)} of {len(reused)} reused answers "
          f"linked to their source; {len(non_linked)} independent answers linked to it)")
    for c in ("cut", "light", "heavy"):
        n = sum(category[d] == c for d in reused)
        k = sum(category[d] == c for d in found)
        print(f"  {c:6s} {k} of {n}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
