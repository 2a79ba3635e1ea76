"""kindred.dask: the batch pipeline on a Dask cluster.

    from distributed import Client
    import kindred.dask
    client = Client("tcp://scheduler:8786")
    result = kindred.dask.scan(["/shared/news/2024"], client, output_dir="/shared/out/2024")

or from a shell: ``python3 -m kindred.dask scan /shared/news/2024 --scheduler
tcp://scheduler:8786 -o /shared/out/2024`` (also installed as ``kindred-dask``).

Paths must be readable by every worker under the same name (shared storage),
and output_dir writable by every worker. The stages run where the data is;
every computation is a call into the C++ library through the binding:

1. plan (client): the inputs are listed by ingest itself (plan_inputs, the
   folder walk `kindred scan` reads with) and cut into shards of about the
   same size; a large uncompressed JSON Lines file is cut
   into byte ranges (a first pass on the workers counts each range's newlines,
   so records keep their line numbers).
2. sketch (workers): each shard is read and sketched (read_and_sketch). A
   document is named by ``shard << 32 | position``, which follows the input
   order, so every tie the single-machine Scanner breaks by document index is
   broken the same way.
3. duplicate ids: a shuffle on id keeps each id's first document.
4. candidates: the LSH entries (band, key, document) are shuffled on (band,
   key), so each bucket lands whole in one partition, where bucket_pairs()
   applies the single-machine rule (all pairs, or a star and a chain over
   max_bucket). The pairs are shuffled to the shard of their first document
   (deduplicating pairs found in several bands).
5. verify (workers): a task per shard runs next to its sketches, receives
   from the other shards only the sketches of the second documents its pairs
   need, and computes the exact overlap of every pair (verify_pairs).
6. components: min-label propagation with pointer jumping over the link
   edges, as dask dataframe joins, until no label changes. No node holds all
   edges.
7. families: links are shuffled by component; families_from_links() runs
   the single-machine guarded union-find on each partition's whole components
   (the guard never looks beyond a component, so the families are those of a
   run over all links). Families are numbered by smallest member through a
   shuffle to that member's shard.
8. passages (workers): the documents at the ends of links are shuffled to
   their shard, whose pieces a task reads again for just those texts
   (read_texts, counting records as read_and_sketch does); the texts are
   joined to the links on a, then b, and each link's passages are aligned
   from its two texts (passage_records).
9. output (workers): JSON Lines partitions in output_dir, written by the
   library's own record writers:
       0-run.jsonl  1-links-NNNNN.jsonl (links, their provenance and passages)
       2-families-NNNNN.jsonl  3-stories-NNNNN.jsonl  4-quotations-NNNNN.jsonl
       5-summary.jsonl
   and rejects.jsonl with skip_bad. ``cat output_dir/[0-5]-*.jsonl`` is the
   `kindred scan` output for the same input (links sorted by a
   then b, families, stories and quotations by id), except the timings in
   `summary`. Each file is written to
   a temporary name and renamed, so a retried task never leaves a partial or
   duplicated file.

A worker lost mid-run is recovered by Dask: its tasks run again elsewhere and
lost results are recomputed from their inputs. Every task is deterministic,
so the output is the same.

Each link is followed by its provenance record, decided from containment
and the two documents' dates as on one machine.

10. stories (dask_stories.py): collection statistics by a tree reduction,
   candidate pairs through shuffles of posting lists, similarities next to
   the texts, components by the same label propagation, then stories and
   quotations per component and per story partition, and the rewrite links
   within stories, merged into the link files (docs/distributed.md).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Iterator, Optional, Sequence

import numpy as np
import pandas as pd

import dask
import dask.dataframe as dd
from dask.sizeof import sizeof

from . import _kindred
from . import Params as _Params

_SHUFFLE = "tasks"
_MiB = 1 << 20
_RUN_FILE = "0-run.jsonl"
_SUMMARY_FILE = "5-summary.jsonl"
_REJECTS_FILE = "rejects.jsonl"


# ---------------------------------------------------------------------------
# Plan: ingest plans (kindred/input_plan.h, through the binding): the inputs in
# the order `kindred scan` reads them, each file a piece, large uncompressed
# JSON Lines files cut into byte ranges; formats are left to the readers on the
# workers. A piece is the binding's tuple (kind, file, id, begin, end,
# newlines, size).


def _plan(paths: Sequence[Any], split_bytes: int) -> tuple:
    """(pieces as lists, files skipped, bytes) of the PATHs."""
    encoded = [os.fsencode(p) for p in paths]
    if b"-" in encoded:
        raise ValueError("kindred.dask reads files every worker can see, not stdin")
    pieces, skipped, total = _kindred.plan_inputs(encoded, split_bytes)
    return [list(p) for p in pieces], skipped, total


# ---------------------------------------------------------------------------
# Tasks (module-level functions: workers import them by name)


class SketchPart:
    """The sketched documents of one shard, held by a worker."""

    def __init__(self, index: int, raw: dict):
        self.index = index
        self.docs = raw["docs"]  # SketchList
        self.keys = (np.int64(index) << np.int64(32)) | raw["positions"].astype(np.int64)
        self.text_bytes = raw["text_bytes"]
        self.invalid_utf8 = raw["invalid_utf8"]
        self.origin_files = raw["origin_files"]
        self.origin_file = raw["origin_file"]
        self.origin_line = raw["origin_line"]
        self.origin_offset = raw["origin_offset"]
        self.rejections = raw["rejections"]
        self.rejection_keys = ((np.int64(index) << np.int64(32)) |
                               raw["rejection_positions"].astype(np.int64))
        self.files = raw["files"]
        self.files_skipped = raw["files_skipped"]
        self.stopped = raw["stopped"]
        self.nbytes = _sketch_bytes(self.docs) + 40 * len(self.keys)

    def ids(self) -> np.ndarray:
        return np.array(self.docs.ids(), dtype=object)


def _sketch_bytes(docs) -> int:
    """About what a list of sketches takes in memory, and on the wire."""
    if len(docs) == 0:
        return 64
    return int(8 * docs.column("shingles").sum() + len(docs) * (4 * len(docs[0].band_keys) + 80))


# Dask moves a task's inputs by their size: without these it would take
# sketches for a few hundred bytes and ship them freely.
@sizeof.register(SketchPart)
def _sizeof_part(part: SketchPart) -> int:
    return part.nbytes


class SketchSubset:
    """Some sketches of one shard: those a verify task elsewhere needs."""

    def __init__(self, index: int, docs, keys: np.ndarray):
        self.index, self.docs, self.keys = index, docs, keys
        self.nbytes = _sketch_bytes(docs) + 8 * len(keys)

    def ids(self) -> np.ndarray:
        return np.array(self.docs.ids(), dtype=object)


@sizeof.register(SketchSubset)
def _sizeof_subset(subset: SketchSubset) -> int:
    return subset.nbytes


def _select(part: SketchPart, pairs: pd.DataFrame) -> SketchSubset:
    """The sketches of `part` that are second documents of `pairs` (runs next to `part`,
    so only these travel to the verify task)."""
    b = pairs["b"].to_numpy()
    needed = np.unique(b[(b >> 32) == part.index])
    at = np.searchsorted(part.keys, needed)
    return SketchSubset(part.index, part.docs.take(at), part.keys[at])


def _count_newlines(file: bytes, begin: int, end: int) -> int:
    return _kindred.count_newlines(file, begin, end)


def _sketch_shard(index: int, pieces: list, params, fields: dict, max_document_bytes: int,
                  skip_bad: bool) -> SketchPart:
    raw = _kindred.read_and_sketch(pieces, params, fields, max_document_bytes, skip_bad, 1)
    return SketchPart(index, raw)


def _part_summary(part: SketchPart) -> dict:
    return {
        "documents": len(part.docs),
        "bytes": int(part.text_bytes.sum()),
        "tokens": int(part.docs.column("tokens").sum()),
        "invalid_utf8": int(part.invalid_utf8.sum()),
        "files": part.files,
        "files_skipped": part.files_skipped,
        "rejections": list(zip(part.rejection_keys.tolist(), part.rejections)),
    }


_IDS_META = pd.DataFrame({"id": pd.Series([], dtype=object),
                          "key": pd.Series([], dtype="int64")})


def _ids_frame(part: SketchPart) -> pd.DataFrame:
    return pd.DataFrame({"id": part.ids(), "key": part.keys})


def _duplicates(df: pd.DataFrame) -> pd.DataFrame:
    df = df.sort_values("key")
    return df[df.duplicated("id", keep="first")]


def _duplicate_details(part: SketchPart, dup_keys: np.ndarray) -> list:
    """(key, Rejection, text bytes, tokens, invalid_utf8) of this shard's duplicates."""
    out = []
    where = np.nonzero(np.isin(part.keys, dup_keys))[0]
    if len(where) == 0:
        return out
    ids = part.ids()
    tokens = part.docs.column("tokens")
    for i in where:
        rej = _kindred.duplicate_rejection(ids[i], part.origin_files[part.origin_file[i]],
                                           int(part.origin_line[i]), int(part.origin_offset[i]))
        out.append((int(part.keys[i]), rej, int(part.text_bytes[i]), int(tokens[i]),
                    int(part.invalid_utf8[i])))
    return out


_BANDS_META = pd.DataFrame({"bk": pd.Series([], dtype="int64"),
                            "doc": pd.Series([], dtype="int64")})


def _band_frame(part: SketchPart, dup_keys: np.ndarray) -> pd.DataFrame:
    """One row per (document, band): bk = band << 32 | key."""
    keep = ~np.isin(part.keys, dup_keys)
    matrix = part.docs.band_key_matrix()[keep]
    n, bands = matrix.shape
    band = np.tile(np.arange(bands, dtype=np.int64), n)
    bk = (band << np.int64(32)) | matrix.ravel().astype(np.int64)
    return pd.DataFrame({"bk": bk, "doc": np.repeat(part.keys[keep], bands)})


_PAIRS_META = pd.DataFrame({"a": pd.Series([], dtype="int64"), "b": pd.Series([], dtype="int64"),
                            "sa": pd.Series([], dtype="int64")})


def _bucket_pairs(df: pd.DataFrame, max_bucket: int) -> tuple:
    """Candidate pairs of this partition's (whole) buckets, and how many were capped."""
    df = df[df.duplicated("bk", keep=False)]  # buckets of one propose nothing
    bk = df["bk"].to_numpy()
    a, b, capped = _kindred.bucket_pairs((bk >> 32).astype(np.uint32),
                                         (bk & 0xFFFFFFFF).astype(np.uint32),
                                         df["doc"].to_numpy(), max_bucket)
    return pd.DataFrame({"a": a, "b": b, "sa": a >> np.int64(32)}), capped


def _first(t: tuple):
    return t[0]


def _second(t: tuple):
    return t[1]


def _pair_shards(df: pd.DataFrame) -> tuple:
    """Distinct pairs in this partition and the shards of their second documents."""
    return len(df), sorted(set((df["b"].to_numpy() >> 32).tolist()))


def _dedup_pairs(df: pd.DataFrame) -> pd.DataFrame:
    return df.drop_duplicates(["a", "b"])


_LINKS_META = pd.DataFrame({
    "a": pd.Series([], dtype="int64"), "b": pd.Series([], dtype="int64"),
    "relation": pd.Series([], dtype="uint8"), "shared": pd.Series([], dtype="int64"),
    "size_a": pd.Series([], dtype="int64"), "size_b": pd.Series([], dtype="int64"),
    "a_id": pd.Series([], dtype=object), "b_id": pd.Series([], dtype=object),
    "a_time": pd.Series([], dtype="int64"), "b_time": pd.Series([], dtype="int64")})


def _verify(pairs: pd.DataFrame, left: SketchPart, rights: list, params) -> pd.DataFrame:
    """Exact verification of the pairs whose second document is in one of `rights`."""
    frames = []
    left_ids = left.ids()
    left_times = left.docs.times()
    sb = pairs["b"].to_numpy() >> 32
    for right in rights:
        sel = pairs[sb == right.index]
        if len(sel) == 0:
            continue
        li = np.searchsorted(left.keys, sel["a"].to_numpy()).astype(np.uint32)
        ri = np.searchsorted(right.keys, sel["b"].to_numpy()).astype(np.uint32)
        got = _kindred.verify_pairs(left.docs, left.keys, right.docs, right.keys, li, ri, params)
        at_a = np.searchsorted(left.keys, got["a"])
        at_b = np.searchsorted(right.keys, got["b"])
        got["a_id"] = left_ids[at_a]
        got["b_id"] = right.ids()[at_b]
        got["a_time"] = left_times[at_a]  # the family root prefers the earliest
        got["b_time"] = right.docs.times()[at_b]
        frames.append(pd.DataFrame(got))
    if not frames:
        return _LINKS_META.copy()
    return pd.concat(frames, ignore_index=True).astype(_LINKS_META.dtypes.to_dict())


_EDGES_META = pd.DataFrame({"src": pd.Series([], dtype="int64"),
                            "dst": pd.Series([], dtype="int64")})
_LABELS_META = pd.DataFrame({"node": pd.Series([], dtype="int64"),
                             "label": pd.Series([], dtype="int64")})
_ROUND_META = _LABELS_META.assign(changed=pd.Series([], dtype="bool"))


def _both_ways(df: pd.DataFrame) -> pd.DataFrame:
    a, b = df["a"].to_numpy(), df["b"].to_numpy()
    return pd.DataFrame({"src": np.concatenate([a, b]), "dst": np.concatenate([b, a])})


def _initial_labels(df: pd.DataFrame) -> pd.DataFrame:
    """Each node's smallest closed neighbour (a partition holds all edges into its nodes)."""
    return (pd.DataFrame({"node": df["dst"].to_numpy(),
                          "label": np.minimum(df["src"].to_numpy(), df["dst"].to_numpy())})
            .groupby("node", sort=False, as_index=False)["label"].min())


def _min_offer(df: pd.DataFrame) -> pd.DataFrame:
    """The smallest label offered to each node, and whether it beats the node's own."""
    best = df.groupby("node", sort=False)["label"].min()
    own = df[df["own"]].set_index("node")["label"]
    return pd.DataFrame({"node": best.index.to_numpy(), "label": best.to_numpy(),
                         "changed": best.to_numpy() < own.reindex(best.index).to_numpy()})


def _jump(df: pd.DataFrame) -> pd.DataFrame:
    jump = df["jump"].to_numpy()
    return pd.DataFrame({"node": df["node"].to_numpy(),
                         "label": np.minimum(df["label"].to_numpy(), jump),
                         "changed": df["changed"].to_numpy() | (jump < df["label"].to_numpy())})


def _components(client, pairs, nparts: int, retries: int) -> tuple:
    """The connected components of the edges (a, b) of a dask frame: (labels, rounds),
    labels a frame of (node, label) with the smallest node of its component as label.
    Min-label propagation with pointer jumping, as dask joins; no node holds all edges.
    The family phase and the story phase (dask_stories.py) both call it."""
    # Every edge in both directions: (src, dst).
    edges = client.persist(pairs.map_partitions(_both_ways, meta=_EDGES_META), retries=retries)
    labels = edges.shuffle("dst", npartitions=nparts, shuffle=_SHUFFLE)
    labels = client.persist(labels.map_partitions(_initial_labels, meta=_LABELS_META),
                            retries=retries)
    rounds = 0
    while True:
        rounds += 1
        # Every node takes the smallest label among its own and its neighbours' ...
        offers = edges.merge(labels, left_on="src", right_on="node", shuffle=_SHUFFLE)
        offers = dd.concat([
            labels.assign(own=True),
            offers[["dst", "label"]].rename(columns={"dst": "node"}).assign(own=False),
        ])
        new = offers.shuffle("node", npartitions=nparts, shuffle=_SHUFFLE)
        new = new.map_partitions(_min_offer, meta=_ROUND_META)
        # ... then jumps to its label's label (a node of the same component).
        jumped = new.merge(new[["node", "label"]].rename(
            columns={"node": "label", "label": "jump"}), on="label", shuffle=_SHUFFLE)
        new = client.persist(jumped.map_partitions(_jump, meta=_ROUND_META), retries=retries)
        changed = int(client.compute(new["changed"].sum(), retries=retries).result())
        labels = new[["node", "label"]]
        if changed == 0:  # labels only decrease: none did, so none will
            return labels, rounds


_FAMILIES_META = pd.DataFrame({
    "fkey": pd.Series([], dtype="int64"), "fs": pd.Series([], dtype="int64"),
    "root": pd.Series([], dtype=object), "members": pd.Series([], dtype=object),
    "root_key": pd.Series([], dtype="int64"), "member_keys": pd.Series([], dtype=object)})
# Links as the family phase gives them: their family key, and the unit (family
# root, or the document itself) of either end, for the story phase.
_FAMILY_LINKS_META = _LINKS_META.assign(fkey=pd.Series([], dtype="int64"),
                                        ua=pd.Series([], dtype="int64"),
                                        ub=pd.Series([], dtype="int64"))


def _families(df: pd.DataFrame) -> tuple:
    """Families of the whole components in this partition, and its links with their
    family key (the family's smallest member, or -1 when the ends are apart) and
    the units of their ends."""
    link_cols = list(_LINKS_META.columns)
    if len(df) == 0:
        return _FAMILIES_META.copy(), _FAMILY_LINKS_META.copy(), 0
    a, b = df["a"].to_numpy(), df["b"].to_numpy()
    # Every document of these links, once: its key, shingle count and time.
    ends = pd.DataFrame({
        "key": np.concatenate([a, b]),
        "shingles": np.concatenate([df["size_a"].to_numpy(), df["size_b"].to_numpy()]),
        "time": np.concatenate([df["a_time"].to_numpy(), df["b_time"].to_numpy()])},
    ).drop_duplicates("key")
    roots, offsets, members, withheld = _kindred.families_from_links(
        a, b, df["relation"].to_numpy(), df["shared"].to_numpy(), df["size_a"].to_numpy(),
        df["size_b"].to_numpy(), ends["key"].to_numpy(), ends["shingles"].to_numpy(),
        ends["time"].to_numpy(np.int64))
    ids = dict(zip(a.tolist(), df["a_id"].tolist()))
    ids.update(zip(b.tolist(), df["b_id"].tolist()))
    family_of: dict = {}
    root_of: dict = {}
    rows = []
    for i, root in enumerate(roots.tolist()):
        mem = members[offsets[i]:offsets[i + 1]].tolist()
        for m in mem:
            family_of[m] = mem[0]
            root_of[m] = root
        rows.append((mem[0], mem[0] >> 32, ids[root], [ids[m] for m in mem], root, mem))
    fams = pd.DataFrame(rows, columns=list(_FAMILIES_META.columns)).astype(
        {"fkey": "int64", "fs": "int64", "root_key": "int64"})
    fa = np.array([family_of.get(x, -1) for x in a.tolist()], dtype=np.int64)
    fb = np.array([family_of.get(x, -1) for x in b.tolist()], dtype=np.int64)
    links = df[link_cols].assign(
        fkey=np.where(fa == fb, fa, -1),
        ua=np.array([root_of.get(x, x) for x in a.tolist()], dtype=np.int64),
        ub=np.array([root_of.get(x, x) for x in b.tolist()], dtype=np.int64))
    return fams, links.reset_index(drop=True), withheld


def _third(t: tuple):
    return t[2]


def _number_families(df: pd.DataFrame, first_id: int) -> pd.DataFrame:
    """The numbering rule of cluster::number_by_smallest_member (ids in order of
    each family's smallest member) across shards: this partition holds the
    families whose smallest member is in its shard, first_id counts those of
    the shards before it. (No one process sees every family, so the rule is not
    a call into the binding here.)"""
    df = df.sort_values("fkey")
    return df.assign(family=np.arange(first_id, first_id + len(df), dtype=np.int64))


# Passages: the texts of the linked documents are read again where the input
# is (sketching kept none), joined to their links, and aligned per link.

_ENDS_META = pd.DataFrame({"key": pd.Series([], dtype="int64"),
                           "shard": pd.Series([], dtype="int64")})
_TEXTS_META = pd.DataFrame({"key": pd.Series([], dtype="int64"),
                            "text": pd.Series([], dtype=object)})


def _ends(df: pd.DataFrame) -> pd.DataFrame:
    """The documents at either end of these links, once, with their shard."""
    keys = np.unique(np.concatenate([df["a"].to_numpy(np.int64), df["b"].to_numpy(np.int64)]))
    return pd.DataFrame({"key": keys, "shard": keys >> np.int64(32)})


def _read_texts(index: int, pieces: list, wanted: pd.DataFrame, fields: dict,
                max_document_bytes: int) -> pd.DataFrame:
    """The texts (UTF-8 bytes) of shard `index`'s documents in `wanted`, read again."""
    keys = np.unique(wanted["key"].to_numpy(np.int64))
    keys = keys[(keys >> np.int64(32)) == index]
    texts = _kindred.read_texts(pieces, fields, max_document_bytes,
                                keys & np.int64(0xFFFFFFFF)) if len(keys) else []
    if any(len(t) == 0 for t in texts):  # a sketched document has words: the input changed
        raise OSError(f"shard {index} ({pieces[0][1]!r}...) no longer holds the documents it "
                      "held when sketched: inputs must not change during a scan")
    return pd.DataFrame({"key": keys, "text": pd.Series(texts, dtype=object)})


def _passages(df: pd.DataFrame) -> pd.DataFrame:
    """Each link's passage records (bytes), from its two texts; the texts are dropped."""
    records = _kindred.passage_records(df["a_id"].tolist(), df["b_id"].tolist(),
                                       df["text_a"].tolist(), df["text_b"].tolist())
    return df.drop(columns=["text_a", "text_b"]).assign(
        passages=pd.Series(records, index=df.index, dtype=object))


def _with_passages(links, shard_pieces: list, fields: dict, max_document_bytes: int):
    """`links` with a `passages` column. Of each shard, only the texts of linked
    documents are read, on any worker (the input is on shared storage); each
    text then travels to the links that need it through two joins."""
    nshards = len(shard_pieces)
    wanted = links[["a", "b"]].map_partitions(_ends, meta=_ENDS_META)
    wanted = wanted.set_index("shard", divisions=list(range(nshards + 1)), shuffle=_SHUFFLE)
    texts = dd.from_delayed(
        [dask.delayed(_read_texts)(k, shard_pieces[k], w, fields, max_document_bytes)
         for k, w in enumerate(wanted.to_delayed())], meta=_TEXTS_META)
    joined = links.merge(texts.rename(columns={"key": "a", "text": "text_a"}), on="a",
                         how="left", shuffle=_SHUFFLE)
    joined = joined.merge(texts.rename(columns={"key": "b", "text": "text_b"}), on="b",
                          how="left", shuffle=_SHUFFLE)
    return joined.map_partitions(_passages,
                                 meta=links._meta.assign(passages=pd.Series([], dtype=object)))


def _write(path: str, text: str) -> None:
    tmp = f"{path}.tmp-{uuid.uuid4().hex}"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


def _link_text(df: pd.DataFrame) -> str:
    return _kindred.link_records(
        df["a_id"].tolist(), df["b_id"].tolist(), df["relation"].to_numpy(np.uint8),
        df["shared"].to_numpy(np.int64), df["size_a"].to_numpy(np.int64),
        df["size_b"].to_numpy(np.int64), df["family"].to_numpy(np.int64),
        df["a_time"].to_numpy(np.int64), df["b_time"].to_numpy(np.int64),
        df["passages"].tolist() if "passages" in df.columns else [])


def _write_links(df: pd.DataFrame, path: str, rewrites: Optional[pd.DataFrame] = None) -> list:
    """Writes one link partition sorted by (a, b), each link followed by its
    provenance and passages, the rewrite links within stories (already
    rendered) merged in by (a, b); returns its count of each relation."""
    df = df.sort_values(["a", "b"])
    if rewrites is None or len(rewrites) == 0:
        text = _link_text(df)
    else:
        rewrites = rewrites.sort_values(["a", "b"])
        # Where each rewrite goes among the copy links: after those before it in (a, b).
        a, b = df["a"].to_numpy(np.int64), df["b"].to_numpy(np.int64)
        at = [int(np.searchsorted(a, ra, side="left") +
                  np.searchsorted(b[a == ra], rb, side="left"))
              for ra, rb in zip(rewrites["a"].to_numpy(np.int64), rewrites["b"].to_numpy(np.int64))]
        pieces, start = [], 0
        for pos, rec in zip(at, rewrites["records"]):
            pieces.append(_link_text(df.iloc[start:pos]))
            pieces.append(rec.decode("utf-8"))
            start = pos
        pieces.append(_link_text(df.iloc[start:]))
        text = "".join(pieces)
    _write(path, text)
    return np.bincount(df["relation"].to_numpy(np.int64), minlength=4).tolist()


def _write_families(df: pd.DataFrame, path: str) -> tuple:
    df = df.sort_values("family")
    text = "".join(_kindred.family_record(int(f), r, m)
                   for f, r, m in zip(df["family"], df["root"], df["members"]))
    _write(path, text)
    return len(df), int(sum(len(m) for m in df["members"]))


# ---------------------------------------------------------------------------
# The scan


@dataclass
class DaskScanResult:
    """What kindred.dask.scan() wrote, and its counts."""

    output_dir: str
    files: list  #: output files in record order (run, links, families, summary)
    stats: Any  #: kindred.ScanStats (documents, links, families, timings, ...)
    relations: dict  #: links of each relation
    rejections: list  #: Rejection of every record left out (skip_bad=True)
    shards: int = 0  #: input shards read and sketched
    seconds: dict = field(default_factory=dict)  #: wall-clock seconds per phase
    input_files: int = 0  #: input files read
    files_skipped: int = 0  #: files in folders of no recognisable format (not documents)
    component_rounds: int = 0  #: label propagation rounds until no label changed
    links_withheld: int = 0  #: links the family guard kept apart

    def records(self, type: Optional[str] = None) -> Iterator[dict]:
        """The JSON records of the output, in order; only those of `type` if given."""
        import json

        for path in self.files:
            with open(path, encoding="utf-8") as f:
                for line in f:
                    rec = json.loads(line)
                    if type is None or rec["type"] == type:
                        yield rec

    def links_frame(self) -> pd.DataFrame:
        return pd.DataFrame(list(self.records("link")))

    def families_frame(self) -> pd.DataFrame:
        return pd.DataFrame(list(self.records("family")))


def _total_threads(client) -> int:
    return max(1, sum(client.nthreads().values()))


def _clean(output_dir: str) -> None:
    for name in os.listdir(output_dir):
        if (name in (_RUN_FILE, _SUMMARY_FILE, _REJECTS_FILE) or
                (name.startswith(("1-links-", "2-families-", "3-stories-", "4-quotations-")) and
                 name.endswith(".jsonl"))):
            os.remove(os.path.join(output_dir, name))


def scan(paths: Any, client, *, output_dir: str, params: Any = None,
         npartitions: Optional[int] = None, skip_bad: bool = False,
         text_field: str = "text", id_field: str = "id", title_field: str = "title",
         date_field: str = "date", url_field: str = "url", source_field: str = "source",
         max_document_bytes: int = 0, shard_bytes: Optional[int] = None,
         link_rows: int = 100_000, retries: int = 3, passages: bool = True,
         stories: bool = True, rewrites: bool = True) -> DaskScanResult:
    """Runs the batch pipeline on the Dask cluster of `client`.

    `paths`: folders and files as for `kindred scan`, readable by every worker
    under these names. `output_dir` (created; earlier outputs in it replaced)
    must be writable by every worker. `npartitions`: input shards and shuffle
    partitions (default: twice the cluster's threads); `shard_bytes` sets the
    input bytes per shard instead (default: the input's size / npartitions, at
    least 1 MiB). `link_rows`: links per partition in the component and
    family phases (at most npartitions). Without skip_bad the
    first bad record (in input order) raises kindred.InputError; with it, bad
    records are listed in rejects.jsonl. `retries`: how often a failed task is
    tried again. `passages=False` leaves out the passage records (`kindred scan
    --no-passages`); `stories=False` the story and quotation records (`kindred scan
    --no-stories`), `rewrites=False` the rewrite links within stories (`kindred scan
    --no-rewrites`). Returns a DaskScanResult; the same input gives the same
    links, provenance, passages and families as kindred.scan() and `kindred
    scan`.
    """
    p = params if params is not None else _Params()
    if isinstance(p, dict):
        p = _Params(**p)
    p.validate()
    if isinstance(paths, (str, bytes, os.PathLike)):
        paths = [paths]
    fields = {"text": text_field, "id": id_field, "title": title_field, "date": date_field,
              "url": url_field, "source": source_field}
    nparts = npartitions or 2 * _total_threads(client)
    run = uuid.uuid4().hex[:12]
    os.makedirs(output_dir, exist_ok=True)
    _clean(output_dir)
    seconds: dict = {}
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        seconds[name] = seconds.get(name, 0.0) + now - clock
        clock = now

    # 1. Plan.
    if shard_bytes:
        target = max(1, int(shard_bytes))
        pieces, files_skipped, _ = _plan(paths, target)
    else:
        # The target follows from the total size; only a file larger than it
        # can be cut, so the inputs are planned again only when there is one.
        pieces, files_skipped, total = _plan(paths, 1 << 62)
        target = max(_MiB, -(-total // nparts))
        if any(piece[6] > target for piece in pieces):
            pieces, files_skipped, _ = _plan(paths, target)
    ranges = [i for i, piece in enumerate(pieces) if piece[0] == "jsonl_range"]
    if ranges:
        counts = client.gather(client.map(
            _count_newlines, [pieces[i][1] for i in ranges], [pieces[i][3] for i in ranges],
            [pieces[i][4] for i in ranges], key=[f"kindred-count-{run}-{i}" for i in ranges],
            retries=retries))
        before = 0
        for i, n in zip(ranges, counts):
            if pieces[i][3] == 0:  # a file's first range (a file may be given twice)
                before = 0
            pieces[i][5] = before
            before += n
    shards = [[tuple(x) for x in shard]
              for shard in _kindred.group_shards([tuple(p) for p in pieces], target)]
    lap("plan")

    # 2. Read and sketch.
    parts = client.map(
        _sketch_shard, range(len(shards)), shards,
        params=p, fields=fields, max_document_bytes=max_document_bytes, skip_bad=skip_bad,
        key=[f"kindred-sketch-{run}-{i}" for i in range(len(shards))], retries=retries)
    summaries = client.gather(client.map(
        _part_summary, parts, key=[f"kindred-summary-{run}-{i}" for i in range(len(shards))],
        retries=retries))
    rejections = sorted((r for s in summaries for r in s["rejections"]), key=lambda r: r[0])
    if rejections and not skip_bad:
        _kindred.raise_rejection(rejections[0][1])
    lap("sketch")

    tally = {"shards": len(shards), "input_files": sum(s["files"] for s in summaries),
              "files_skipped": files_skipped + sum(s["files_skipped"] for s in summaries)}
    if not shards:  # nothing to read: an empty folder
        return _finish(output_dir, p, _kindred.ScanStats(), seconds, [0, 0, 0, 0], [], [],
                       **tally)

    # 3. Duplicate ids: the first document of each id is kept.
    delayed_parts = parts  # futures: tasks below take them as arguments
    ids = dd.from_delayed([dask.delayed(_ids_frame)(d) for d in delayed_parts], meta=_IDS_META)
    dups = ids.shuffle("id", npartitions=nparts, shuffle=_SHUFFLE).map_partitions(
        _duplicates, meta=_IDS_META)
    dup_keys = np.sort(client.compute(dups, retries=retries).result()["key"].to_numpy(np.int64))
    dup_details: list = []
    if len(dup_keys):
        details = client.compute([dask.delayed(_duplicate_details)(d, dup_keys)
                                  for d in delayed_parts], retries=retries)
        dup_details = sorted((x for f in details for x in f.result()), key=lambda x: x[0])
        if not skip_bad and (not rejections or dup_details[0][0] < rejections[0][0]):
            _kindred.raise_rejection(dup_details[0][1])
    rejections = sorted(rejections + [(k, r) for k, r, *_ in dup_details], key=lambda r: r[0])

    stats = _kindred.ScanStats()
    stats.documents = sum(s["documents"] for s in summaries) - len(dup_details)
    stats.bytes = sum(s["bytes"] for s in summaries) - sum(x[2] for x in dup_details)
    stats.tokens = sum(s["tokens"] for s in summaries) - sum(x[3] for x in dup_details)
    stats.invalid_utf8 = sum(s["invalid_utf8"] for s in summaries) - sum(x[4] for x in dup_details)
    lap("duplicates")
    if stats.documents == 0:
        return _finish(output_dir, p, stats, seconds, [0, 0, 0, 0], rejections, [], **tally)

    # 4. Candidates: whole LSH buckets through a shuffle on (band, key).
    bands = dd.from_delayed([dask.delayed(_band_frame)(d, dup_keys) for d in delayed_parts],
                            meta=_BANDS_META)
    buckets = bands.shuffle("bk", npartitions=nparts, shuffle=_SHUFFLE).to_delayed()
    found = [dask.delayed(_bucket_pairs, nout=2)(d, p.max_bucket) for d in buckets]
    pairs = dd.from_delayed([dask.delayed(_first)(f) for f in found], meta=_PAIRS_META)
    capped = [dask.delayed(_second)(f) for f in found]
    # To the shard of the first document: partition k holds the pairs with a in shard k.
    pairs = pairs.set_index("sa", divisions=list(range(len(shards) + 1)), shuffle=_SHUFFLE)
    pairs = pairs.map_partitions(_dedup_pairs, meta=_PAIRS_META.set_index("sa"))
    pairs = client.persist(pairs, retries=retries)
    pair_parts = pairs.to_delayed()
    info = client.gather(client.compute([dask.delayed(_pair_shards)(d) for d in pair_parts],
                                        retries=retries))
    capped_counts = client.gather(client.compute(capped, retries=retries))
    stats.candidate_pairs = sum(n for n, _ in info)
    stats.capped_buckets = sum(capped_counts)
    del bands, buckets, found
    lap("candidates")

    # 5. Verify, next to the sketches.
    # Partition k of the pairs has its first documents in shard k; of every other
    # shard, only the second documents it needs are selected and shipped to it.
    # Each task is placed on the worker holding the sketches it reads (a hint: any
    # worker takes over when that one is gone); shipping a shard costs more than
    # waiting for a busy worker.
    holder = client.who_has(parts)

    def near(k: int) -> dict:
        return {"workers": list(holder.get(parts[k].key, ())), "allow_other_workers": True}

    verified = []
    for k, (n, right_shards) in enumerate(info):
        if n == 0:
            continue
        rights = []
        for s in right_shards:
            if s == k:
                rights.append(delayed_parts[k])
                continue
            with dask.annotate(**near(s)):
                rights.append(dask.delayed(_select)(
                    delayed_parts[s], pair_parts[k], dask_key_name=f"kindred-select-{run}-{k}-{s}"))
        with dask.annotate(**near(k)):
            verified.append(dask.delayed(_verify)(pair_parts[k], delayed_parts[k], rights, p,
                                                  dask_key_name=f"kindred-verify-{run}-{k}"))
    links = dd.from_delayed(verified, meta=_LINKS_META) if verified else None
    if links is not None:
        links = client.persist(links, retries=retries)
        stats.links = int(client.compute(links.map_partitions(len), retries=retries)
                          .result().sum())
    del pairs, pair_parts
    lap("verify")

    # 6. Connected components by label propagation; 7. families per component.
    # Links are few next to documents: their phases get partitions of ~link_rows links.
    link_parts = max(1, min(nparts, -(-stats.links // max(1, link_rows))))
    if links is not None:
        links = client.persist(links.repartition(npartitions=min(link_parts, links.npartitions)),
                               retries=retries)
    families = None
    rounds = links_withheld = 0
    if stats.links > 0:
        labels, rounds = _components(client, links[["a", "b"]], link_parts, retries)
        comp = links.merge(labels.rename(columns={"node": "a", "label": "component"}), on="a",
                           shuffle=_SHUFFLE)
        comp = comp.shuffle("component", npartitions=link_parts, shuffle=_SHUFFLE).to_delayed()
        found = [dask.delayed(_families, nout=3)(d) for d in comp]
        families = dd.from_delayed([dask.delayed(_first)(f) for f in found],
                                   meta=_FAMILIES_META)
        links = dd.from_delayed([dask.delayed(_second)(f) for f in found],
                                meta=_FAMILY_LINKS_META)
        withheld = [dask.delayed(_third)(f) for f in found]
        # Family ids by smallest member: to that member's shard, then count.
        families = families.set_index("fs", divisions=list(range(len(shards) + 1)),
                                      shuffle=_SHUFFLE)
        families, links = client.persist([families, links], retries=retries)
        sizes = client.compute(families.map_partitions(len), retries=retries).result()
        links_withheld = int(sum(client.gather(client.compute(withheld, retries=retries))))
        firsts = np.concatenate([[0], np.cumsum(sizes.to_numpy())[:-1]]).astype(np.int64)
        families = dd.from_delayed(
            [dask.delayed(_number_families)(d, int(f))
             for d, f in zip(families.to_delayed(), firsts)],
            meta=_FAMILIES_META.set_index("fs").assign(family=pd.Series([], dtype="int64")))
        families = client.persist(families, retries=retries)
        links = links.merge(families[["fkey", "family"]], on="fkey", how="left", shuffle=_SHUFFLE)
        links = links.assign(family=links["family"].fillna(-1).astype("int64"))
    elif links is not None:
        links = links.assign(family=np.int64(-1))
    lap("families")

    # 8. Passages of every link, from the two texts.
    if links is not None and passages:
        links = client.persist(
            _with_passages(links, shards, fields,
                           max_document_bytes), retries=retries)
        client.compute(links.map_partitions(len), retries=retries).result()
    lap("passages")

    rewrite_parts = None
    # 9. Stories, quotations and rewrite links within stories (dask_stories.py).
    story_files: list = []
    if stories:
        from .dask_stories import story_phase

        found = story_phase(
            client, parts=parts, dup_keys=dup_keys,
            shard_pieces=shards, fields=fields,
            max_document_bytes=max_document_bytes, params=p, links=links, families=families,
            nparts=nparts, retries=retries, output_dir=output_dir, run=run,
            components=lambda edges: _components(client, edges, nparts, retries),
            rewrites=rewrites, passages=passages)
        story_files = found["files"]
        stats.stories = found["stories"]
        stats.quotations = found["quotations"]
        rewrite_parts = found["rewrites"]
        stats.rewrite_links = found.get("rewrite_links", 0)
        stats.links += stats.rewrite_links
        lap("stories")

    # 10. Output: links by the shard of a (sorted inside), families by id.
    outputs = []
    link_files = []
    if links is not None or rewrite_parts is not None:
        if links is not None:
            by_shard = links.assign(sa=links["a"] // np.int64(1 << 32))
            by_shard = by_shard.set_index("sa", divisions=list(range(len(shards) + 1)),
                                          shuffle=_SHUFFLE).to_delayed()
        else:  # rewrite links only
            by_shard = [dask.delayed(_LINKS_META.assign)(family=pd.Series([], dtype="int64"))
                        for _ in shards]
        for k, d in enumerate(by_shard):
            path = os.path.join(output_dir, f"1-links-{k:05d}.jsonl")
            link_files.append(path)
            outputs.append(dask.delayed(_write_links)(
                d, path, rewrite_parts[k] if rewrite_parts is not None else None))
    family_files = []
    if families is not None:
        for k, d in enumerate(families.to_delayed()):
            path = os.path.join(output_dir, f"2-families-{k:05d}.jsonl")
            family_files.append(path)
            outputs.append(dask.delayed(_write_families)(d, path))
    results = client.gather(client.compute(outputs, retries=retries))
    relation_counts = [0, 0, 0, 0]
    for counts in results[:len(link_files)]:
        relation_counts = [x + y for x, y in zip(relation_counts, counts)]
    stats.families = sum(n for n, _ in results[len(link_files):])
    stats.documents_in_families = sum(m for _, m in results[len(link_files):])
    lap("output")

    return _finish(output_dir, p, stats, seconds, relation_counts, rejections,
                   link_files + family_files + story_files, component_rounds=rounds,
                   links_withheld=links_withheld, **tally)


def _finish(output_dir: str, params, stats, seconds: dict, relation_counts: list,
            rejections: list, parts: list, **counts) -> DaskScanResult:
    """Writes the run, summary and rejects files and returns the result."""
    stats.seconds_sketch = sum(seconds.get(k, 0.0) for k in ("plan", "sketch", "duplicates"))
    stats.seconds_candidates = seconds.get("candidates", 0.0)
    stats.seconds_verify = seconds.get("verify", 0.0)
    stats.seconds_cluster = seconds.get("families", 0.0)
    stats.seconds_passages = seconds.get("passages", 0.0)
    stats.seconds_stories = seconds.get("stories", 0.0)
    run_path = os.path.join(output_dir, _RUN_FILE)
    summary_path = os.path.join(output_dir, _SUMMARY_FILE)
    _write(run_path, _kindred.run_record(params, stats))
    _write(summary_path, _kindred.summary_record(stats, relation_counts, len(rejections)))
    if rejections:
        _write(os.path.join(output_dir, _REJECTS_FILE),
               "".join(r.to_json() for _, r in rejections))
    names = _kindred.relation_names()
    return DaskScanResult(
        output_dir=output_dir, files=[run_path] + parts + [summary_path], stats=stats,
        relations=dict(zip(names, relation_counts)), rejections=[r for _, r in rejections],
        seconds=seconds, **counts)


# ---------------------------------------------------------------------------
# Command line: python3 -m kindred.dask scan PATH... (also `kindred-dask`)


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        prog="kindred-dask", description="kindred's batch pipeline on a Dask cluster")
    sub = parser.add_subparsers(dest="command", required=True)
    s = sub.add_parser("scan", help="find copies among documents; partitioned JSON Lines out")
    s.add_argument("paths", nargs="+", help="folders of .txt, JSON Lines files (every worker "
                   "must see them under these names)")
    s.add_argument("-o", "--output-dir", required=True, help="folder for the JSON Lines parts")
    where = s.add_mutually_exclusive_group(required=True)
    where.add_argument("--scheduler", help="address of a running scheduler, e.g. tcp://host:8786")
    where.add_argument("--local-workers", type=int,
                       help="start a local cluster of this many worker processes")
    s.add_argument("--npartitions", type=int, help="input shards (default: 2 x cluster threads)")
    s.add_argument("--skip-bad", action="store_true",
                   help="continue past bad records, listing them in OUTPUT_DIR/rejects.jsonl")
    s.add_argument("--no-passages", action="store_true",
                   help="leave out the passage records (as `kindred scan --no-passages`)")
    s.add_argument("--no-stories", action="store_true",
                   help="leave out the story and quotation records (as `kindred scan "
                   "--no-stories`)")
    s.add_argument("--no-rewrites", action="store_true",
                   help="leave out the rewrite links within stories (as `kindred scan "
                   "--no-rewrites`)")
    s.add_argument("--retries", type=int, default=3)
    for role in ("id", "text", "title", "date", "url", "source"):
        s.add_argument(f"--{role}-field", default=role, help=f"JSON Lines field of the {role}")
    s.add_argument("--max-doc-bytes", type=int, default=0,
                   help="documents larger than this are rejected (default: the library's)")
    defaults = _Params()
    names = []
    for name, option, help_text, kind in _kindred.param_table():  # as `kindred scan` has them
        names.append(name)
        s.add_argument(f"--{option}", dest=name, type=float if kind == "float" else int,
                       default=getattr(defaults, name), help=f"{help_text} (PARAMS.md)")
    args = parser.parse_args(argv)

    try:
        params = _Params(**{name: getattr(args, name) for name in names})
    except ValueError as e:
        print(f"kindred-dask scan: {e}", file=sys.stderr)
        return 2

    from distributed import Client, LocalCluster

    cluster = client = None
    try:
        if args.local_workers:
            cluster = LocalCluster(n_workers=args.local_workers, threads_per_worker=1,
                                   processes=True, host="127.0.0.1", dashboard_address=None)
            client = Client(cluster)
        else:
            client = Client(args.scheduler)
        start = time.perf_counter()
        result = scan(args.paths, client, output_dir=args.output_dir, params=params,
                      npartitions=args.npartitions, skip_bad=args.skip_bad,
                      max_document_bytes=args.max_doc_bytes,
                      retries=args.retries, passages=not args.no_passages,
                      stories=not args.no_stories, rewrites=not args.no_rewrites,
                      **{f"{r}_field": getattr(args, f"{r}_field")
                                               for r in ("id", "text", "title", "date", "url",
                                                         "source")})
        elapsed = time.perf_counter() - start
    except _kindred.InputError as e:
        print(f"kindred-dask scan: error: {e} (use --skip-bad to continue past bad records)",
              file=sys.stderr)
        return 1
    except OSError as e:
        print(f"kindred-dask scan: {e}", file=sys.stderr)
        return 3
    finally:
        if client is not None:
            client.close()
        if cluster is not None:
            cluster.close()
    st = result.stats
    rel = result.relations
    if st.documents == 0:
        print(f"kindred-dask scan: no documents to scan ({result.input_files} files read, "
              f"{result.files_skipped} skipped, {len(result.rejections)} records rejected)",
              file=sys.stderr)
        return 1
    notes = ""
    if result.files_skipped:
        notes += f"  {result.files_skipped} files skipped (no recognisable format)\n"
    if result.rejections:
        notes += f"  rejected records written to {args.output_dir}/{_REJECTS_FILE}\n"
    print(f"kindred-dask: {st.documents} documents ({st.bytes / 1e6:.1f} MB) in "
          f"{result.shards} shards, {len(result.rejections)} rejected\n"
          f"  {st.links} links: {rel['exact']} exact, {rel['near_duplicate']} near-duplicate, "
          f"{rel['contained']} contained, {rel['overlapping']} overlapping\n"
          f"  {st.families} copy families covering {st.documents_in_families} documents\n"
          f"  {elapsed:.2f} s: " + ", ".join(
              f"{k} {v:.2f}" for k, v in result.seconds.items()) +
          f"\n{notes}  output: {args.output_dir}/[0-5]-*.jsonl", file=sys.stderr)
    return 0


if __name__ == "__main__":
    from kindred.dask import main as _main  # workers import tasks from kindred.dask, not __main__

    sys.exit(_main())
