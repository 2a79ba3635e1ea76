#!/usr/bin/env python3
"""Scores the quotations of a `kindred scan` output against a labelled set.

    kindred scan examples/corpus | bench/scripts/quote_eval.py examples/corpus/QUOTES.tsv

labels: TSV (comment lines start with #) with columns file, quote_start,
speaker (empty when the article names no one), group (g1|g2 for a quote
that retells two quotations in one: it may be in the record of either). Prints speaker accuracy
over the labelled quotations found, how many cross-article groups are found
as one record, and the records that mix groups of different speakers.
"""
import collections
import json
import sys
import unicodedata


def key(name):
    """A name compared without case, accents, spaces or hyphens."""
    s = unicodedata.normalize("NFKD", name.casefold())
    return "".join(c for c in s if c.isalnum())


def main():
    labels = []
    with open(sys.argv[1], encoding="utf-8") as f:
        rows = [l.rstrip("\n").split("\t") for l in f if not l.startswith("#")]
    for doc, start, speaker, group in rows[1:]:
        labels.append((doc, start, speaker, group))
    variants = []  # (doc, text, speaker, record)
    for line in sys.stdin:
        rec = json.loads(line)
        if rec["type"] != "quotation":
            continue
        for v in rec["variants"]:
            variants.append((v["doc"], " ".join(v["text"].split()), v["speaker"] or "", rec["quotation"]))
    found = {}
    right = 0
    wrong = []
    for doc, start, speaker, group in labels:
        match = [v for v in variants if v[0] == doc and v[1].startswith(start)]
        if not match:
            wrong.append(("missing", doc, start))
            continue
        found[(doc, start)] = match[0][3]
        if key(match[0][2]) == key(speaker):
            right += 1
        else:
            wrong.append(("speaker", doc, start, match[0][2], speaker))
    # A label naming two groups (g1|g2: a quote retelling two quotations in
    # one) belongs to the one whose record holds it, else to the first.
    single = collections.defaultdict(set)
    for doc, start, speaker, group in labels:
        if "|" not in group and (doc, start) in found:
            single[group].add(found[(doc, start)])
    def group_of(doc, start, group):
        alternatives = group.split("|")
        record = found.get((doc, start))
        return next((g for g in alternatives if record in single[g]), alternatives[0])
    labels = [(d, s, sp, group_of(d, s, g)) for d, s, sp, g in labels]
    groups = collections.defaultdict(set)
    for doc, start, speaker, group in labels:
        if (doc, start) in found:
            groups[group].add(found[(doc, start)])
    cross = {g for g in groups if len({d for d, s, sp, gg in labels if gg == g}) > 1}
    whole = sum(1 for g in cross if len(groups[g]) == 1)
    speakers_of_record = collections.defaultdict(set)
    for doc, start, speaker, group in labels:
        if (doc, start) in found and speaker:
            speakers_of_record[found[(doc, start)]].add(key(speaker)[-5:])
    mixed = [r for r, s in speakers_of_record.items() if len(s) > 1]
    print(f"quotations labelled {len(labels)}  found {len(found)}  speaker accuracy "
          f"{right / len(labels):.3f}")
    print(f"cross-article quotations {len(cross)}  found as one record {whole}  "
          f"records mixing speakers {len(mixed)}")
    for w in wrong:
        print("  ", *w)
    for g in sorted(cross):
        if len(groups[g]) != 1:
            print("   split:", g, sorted(groups[g]))


if __name__ == "__main__":
    main()
