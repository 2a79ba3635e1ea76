#!/usr/bin/env python3
"""Scores the stories of a `kindred scan` output against labels.

    kindred scan examples/stories.jsonl | bench/scripts/story_eval.py examples/stories/labels.tsv

labels: TSV with a header and columns (document id, story label). Documents in
no story are singletons. Prints pairwise precision, recall, F1 and the adjusted
Rand index (Hubert & Arabie 1985).
"""
import itertools
import json
import sys
from math import comb


def main():
    labels = {}
    with open(sys.argv[1], encoding="utf-8") as f:
        next(f)
        for line in f:
            doc, story = line.rstrip("\n").split("\t")
            labels[doc] = story
    predicted = {}
    for line in sys.stdin:
        rec = json.loads(line)
        if rec["type"] == "story":
            for m in rec["members"]:
                predicted[m] = rec["story"]
    docs = sorted(labels)
    cluster = {d: predicted.get(d, "single:" + d) for d in docs}
    tp = fp = fn = 0
    for a, b in itertools.combinations(docs, 2):
        same_true = labels[a] == labels[b]
        same_pred = cluster[a] == cluster[b]
        tp += same_true and same_pred
        fp += same_pred and not same_true
        fn += same_true and not same_pred
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    # Adjusted Rand index from the contingency table.
    table = {}
    for d in docs:
        table[(labels[d], cluster[d])] = table.get((labels[d], cluster[d]), 0) + 1
    rows, cols = {}, {}
    for (t, p), n in table.items():
        rows[t] = rows.get(t, 0) + n
        cols[p] = cols.get(p, 0) + n
    index = sum(comb(n, 2) for n in table.values())
    sum_rows = sum(comb(n, 2) for n in rows.values())
    sum_cols = sum(comb(n, 2) for n in cols.values())
    expected = sum_rows * sum_cols / comb(len(docs), 2)
    maximum = (sum_rows + sum_cols) / 2
    ari = (index - expected) / (maximum - expected) if maximum != expected else 1.0
    print(f"documents {len(docs)}  stories predicted {len(set(predicted.values()))}  "
          f"true {len(set(labels.values()))}")
    print(f"pairwise precision {precision:.3f}  recall {recall:.3f}  F1 {f1:.3f}  ARI {ari:.3f}")


if __name__ == "__main__":
    main()
