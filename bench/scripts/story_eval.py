#!/usr/bin/env python3
"""Scores the stories of a `kindred scan` output against labels.

    kindred scan examples/stories.jsonl | bench/scripts/story_eval.py examples/stories/labels.tsv
    kindred synth -n 100000 --stories 0.5 -o c.jsonl --story-truth st.jsonl
    kindred scan c.jsonl -o s.jsonl && bench/scripts/story_eval.py st.jsonl < s.jsonl

labels: a TSV with a header and columns (document id, story label), or JSON
Lines with "id" and "story" (what `kindred synth --story-truth` writes).
Documents in no story are singletons. Prints pairwise precision, recall, F1
and the adjusted Rand index (Hubert & Arabie 1985), all from the contingency
table, so a million documents take seconds.
"""
import json
import sys
from collections import Counter
from math import comb


def read_labels(path):
    labels = {}
    with open(path, encoding="utf-8") as f:
        if path.endswith((".jsonl", ".json")):
            for line in f:
                rec = json.loads(line)
                labels[rec["id"]] = rec["story"]
        else:
            next(f)
            for line in f:
                doc, story = line.rstrip("\n").split("\t")
                labels[doc] = story
    return labels


def main():
    labels = read_labels(sys.argv[1])
    predicted = {}
    for line in sys.stdin:
        rec = json.loads(line)
        if rec["type"] == "story":
            for m in rec["members"]:
                predicted[m] = rec["story"]
    cluster = {d: predicted.get(d, "single:" + d) for d in labels}
    table = Counter((labels[d], cluster[d]) for d in labels)
    rows = Counter(labels.values())
    cols = Counter(cluster.values())
    tp = sum(comb(n, 2) for n in table.values())  # pairs together in both
    same_true = sum(comb(n, 2) for n in rows.values())
    same_pred = sum(comb(n, 2) for n in cols.values())
    precision = tp / same_pred if same_pred else 1.0
    recall = tp / same_true if same_true else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    expected = same_true * same_pred / comb(len(labels), 2) if len(labels) > 1 else 0.0
    maximum = (same_true + same_pred) / 2
    ari = (tp - expected) / (maximum - expected) if maximum != expected else 1.0
    print(f"documents {len(labels)}  stories predicted {len(set(predicted.values()))}  "
          f"true {len(rows)}")
    print(f"pairwise precision {precision:.3f}  recall {recall:.3f}  F1 {f1:.3f}  ARI {ari:.3f}")


if __name__ == "__main__":
    main()
