#!/usr/bin/env python3
"""Per-topic breakdown of `kindred scan` stories on a labelled set with topics (ECB+ dev).
Usage: story_topics.py KINDRED DOCS.jsonl [label_field=event] [--story-... options passed to scan]
For each topic: articles, gold events, stories the articles fall in, pairwise precision/recall
within the topic, and whether its events are merged (a story holding articles of two events).
Stories spanning topics are listed at the end. Articles in no story count as singletons."""
import collections, json, subprocess, sys, tempfile

exe, docs_path = sys.argv[1], sys.argv[2]
label = sys.argv[3] if len(sys.argv) > 3 and not sys.argv[3].startswith("--") else "event"
docs = [json.loads(l) for l in open(docs_path)]
tmp = tempfile.mkdtemp()
with open(f"{tmp}/in.jsonl", "w") as f:
    for d in docs:
        f.write(json.dumps({"id": d["id"], "text": d["text"], **({"date": d["date"]} if d.get("date") else {})}) + "\n")
r = subprocess.run([exe, "scan", f"{tmp}/in.jsonl", "-o", f"{tmp}/out.jsonl", "--no-passages", "-q"]
                   + [x for x in sys.argv[3:] if x.startswith("--story")], capture_output=True, text=True)
if r.returncode != 0:
    sys.exit("scan failed: " + r.stderr[-300:])
pred = {d["id"]: ("single", d["id"]) for d in docs}
for l in open(f"{tmp}/out.jsonl"):
    x = json.loads(l)
    if x.get("type") == "story":
        for m in x["members"]:
            pred[m] = ("story", x["story"])

def c2(n):
    return n * (n - 1) // 2

by_topic = collections.defaultdict(list)
for d in docs:
    by_topic[d["topic"]].append(d)
tot_tp = tot_fp = tot_fn = 0
merged = []
print(f"{'topic':>5} {'docs':>4} {'events':>6} {'stories':>7} {'pairP':>6} {'pairR':>6}  note")
for t in sorted(by_topic):
    ds = by_topic[t]
    cont = collections.Counter((d[label], pred[d["id"]]) for d in ds)
    g = collections.Counter(d[label] for d in ds)
    p = collections.Counter(pred[d["id"]] for d in ds)
    tp = sum(c2(v) for v in cont.values())
    fp = sum(c2(v) for v in p.values()) - tp
    fn = sum(c2(v) for v in g.values()) - tp
    tot_tp, tot_fp, tot_fn = tot_tp + tp, tot_fp + fp, tot_fn + fn
    events_in = collections.defaultdict(set)
    for (e, s) in cont:
        events_in[s].add(e)
    mixed = [s for s, es in events_in.items() if len(es) > 1]
    note = []
    if mixed:
        merged.append(t)
        for s in mixed:
            note.append("merged " + "+".join(f"{e}:{cont[(e, s)]}" for e in sorted(events_in[s])))
    singles = sum(1 for k in p if k[0] == "single")
    if singles:
        note.append(f"{singles} alone")
    P = tp / (tp + fp) if tp + fp else 1.0
    R = tp / (tp + fn) if tp + fn else 1.0
    print(f"{t:>5} {len(ds):>4} {len(g):>6} {len(p):>7} {P:6.3f} {R:6.3f}  {'; '.join(note)}")
cross = collections.defaultdict(set)
for d in docs:
    if pred[d["id"]][0] == "story":
        cross[pred[d["id"]]].add(d["topic"])
spans = {s: ts for s, ts in cross.items() if len(ts) > 1}
print(f"within topics: pairs tp {tot_tp} fp {tot_fp} fn {tot_fn}; topics with merged events: {merged}")
print(f"stories spanning topics: {len(spans)}" + "".join(f"\n  story {s[1]}: topics {sorted(ts)}" for s, ts in spans.items()))
