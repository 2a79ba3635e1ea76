"""kindred.dask, the story phase: stories and quotations on a Dask cluster.

The parts of the single-machine story stage (Scanner's cluster_stories(),
story_quotations(), merged_account(); include/kindred/stages.h "Stories in
parts"), composed with Dask's reductions and shuffles. No process holds every
document or every document's features: texts stay in their shard's partition
and travel only to the tasks that need them; what is broadcast is
vocabulary-sized (the collection statistics). docs/distributed.md has the
table of steps.

Documents are named by ``shard << 32 | position`` keys, which follow the input
order, so every tie the Scanner breaks by document index is broken the same way.
"""

from __future__ import annotations

import os
from typing import Callable

import numpy as np
import pandas as pd

import dask
import dask.dataframe as dd

from . import _kindred

_SHUFFLE = "tasks"
_LOW = np.int64(0xFFFFFFFF)


def _shard_of(keys) -> np.ndarray:
    return np.asarray(keys, dtype=np.int64) >> np.int64(32)


def _by(df, column: str, n: int):
    """`df` partitioned on the integer column (in [0, n)): partition i holds the rows
    whose `column` is i, as a list of n delayed frames (the column is kept)."""
    out = df.assign(_p=df[column]).set_index("_p", divisions=list(range(n + 1)), shuffle=_SHUFFLE)
    return [dask.delayed(_reset)(d) for d in out.to_delayed()]


def _reset(df: pd.DataFrame) -> pd.DataFrame:
    return df.reset_index(drop=True)


def _frame(parts: list, meta: pd.DataFrame):
    return dd.from_delayed(parts, meta=meta, verify_meta=False)


# ---------------------------------------------------------------------------
# Documents and collection statistics

_DOCS_META = pd.DataFrame({"key": pd.Series([], dtype="int64"),
                           "id": pd.Series([], dtype=object),
                           "title": pd.Series([], dtype=object),
                           "date": pd.Series([], dtype=object),
                           "time": pd.Series([], dtype="int64"),
                           "text": pd.Series([], dtype=object)})


def _story_docs(index: int, pieces: list, part, dup_keys: np.ndarray, fields: dict,
                max_document_bytes: int) -> pd.DataFrame:
    """Every kept document of shard `index`: key, id, title, date (as given),
    time (read once, when sketched) and text, read again."""
    keep = ~np.isin(part.keys, dup_keys)
    keys = part.keys[keep]
    ids = part.ids()[keep]
    dates = np.array(part.docs.dates(), dtype=object)[keep] if len(keys) else np.array([], object)
    times = part.docs.times()[keep] if len(keys) else np.array([], np.int64)
    texts, titles = (_kindred.read_documents(pieces, fields, max_document_bytes, keys & _LOW)
                     if len(keys) else ([], []))
    if any(len(t) == 0 for t in texts):
        raise OSError(f"shard {index} no longer holds the documents it held when sketched: "
                      "inputs must not change during a scan")
    return pd.DataFrame({"key": keys, "id": pd.Series(ids, dtype=object),
                         "title": pd.Series(titles, dtype=object),
                         "date": pd.Series(dates, dtype=object),
                         "time": pd.Series(times, dtype="int64"),
                         "text": pd.Series(texts, dtype=object)})


def _counts(docs: pd.DataFrame) -> tuple:
    return _kindred.story_counts(docs["text"].tolist(), docs["time"].to_numpy(np.int64))


def _name_documents(docs: pd.DataFrame, names: list, ids: np.ndarray) -> np.ndarray:
    return _kindred.story_name_documents(docs["text"].tolist(), docs["time"].to_numpy(np.int64), names, ids)


def _add_counts(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    n = max(len(a), len(b))
    return np.pad(a, (0, n - len(a))) + np.pad(b, (0, n - len(b)))


def _tree(items: list, combine: Callable) -> object:
    """A Dask tree reduction of delayed items (pairs, then pairs of pairs, ...)."""
    while len(items) > 1:
        items = [dask.delayed(combine)(items[i], items[i + 1]) if i + 1 < len(items)
                 else items[i] for i in range(0, len(items), 2)]
    return items[0]


def _merge_counts(a: tuple, b: tuple) -> tuple:
    return _kindred.merge_story_counts(a, b)


def _names(whole: tuple) -> list:
    return whole[5]


def _name_ids(whole: tuple) -> np.ndarray:
    return _kindred.story_name_ids(whole[5])


def _collection(whole: tuple, ids: np.ndarray, name_documents: np.ndarray) -> tuple:
    need = int(ids.max()) + 1 if len(ids) else 0
    docs = np.pad(name_documents, (0, max(0, need - len(name_documents)))).astype(np.uint32)
    return tuple(whole) + (ids.astype(np.uint32), docs)


# ---------------------------------------------------------------------------
# Units: a copy family is one unit, its root; other documents stand alone.

_MEMBERS_META = pd.DataFrame({"member": pd.Series([], dtype="int64"),
                              "root": pd.Series([], dtype="int64"),
                              "family": pd.Series([], dtype="int64")})


def _members(df: pd.DataFrame) -> pd.DataFrame:
    rows = [(m, r, f) for r, mem, f in zip(df["root_key"], df["member_keys"], df["family"])
            for m in mem]
    return pd.DataFrame(rows, columns=["member", "root", "family"]).astype("int64")


def _units(docs: pd.DataFrame, members: pd.DataFrame) -> pd.DataFrame:
    """The shard's units (documents that are not a family member other than its root)."""
    not_root = members.loc[members["member"] != members["root"], "member"].to_numpy(np.int64)
    return docs[~np.isin(docs["key"].to_numpy(np.int64), not_root)]


# ---------------------------------------------------------------------------
# Candidate pairs (story/candidates.h), in steps over shuffles

_FEATURES_META = pd.DataFrame({"feature": pd.Series([], dtype="int64"),
                               "unit": pd.Series([], dtype="int64"),
                               "has_time": pd.Series([], dtype="bool"),
                               "time": pd.Series([], dtype="int64"),
                               "fp": pd.Series([], dtype="int64")})


def _candidate_features(units: pd.DataFrame, collection: tuple, n: int) -> tuple:
    offsets, features, has_time, t = _kindred.story_candidate_features(
        units["text"].tolist(), units["time"].to_numpy(np.int64), collection)
    counts = np.diff(offsets.astype(np.int64))
    keys = units["key"].to_numpy(np.int64)
    f = features.view(np.int64)
    df = pd.DataFrame({"feature": f, "unit": np.repeat(keys, counts),
                       "has_time": np.repeat(has_time.astype(bool), counts),
                       "time": np.repeat(t.astype(np.int64), counts),
                       "fp": (features % np.uint64(n)).astype(np.int64)})
    return df, int(np.count_nonzero(counts))


def _first(pair: tuple):
    return pair[0]


def _second(pair: tuple):
    return pair[1]


_LISTS_META = pd.DataFrame({"feature": pd.Series([], dtype="int64"),
                            "unit": pd.Series([], dtype="int64"),
                            "position": pd.Series([], dtype="int64"),
                            "length": pd.Series([], dtype="int64")})


def _lists(df: pd.DataFrame) -> pd.DataFrame:
    """Posting lists of two or more units (each whole here), each in time_before() order:
    dated before undated, then by time, then by unit."""
    df = df.drop_duplicates(["feature", "unit"])
    length = df.groupby("feature")["unit"].transform("size")
    df = df[length.to_numpy() >= 2].assign(length=length[length >= 2])
    df = df.assign(undated=~df["has_time"]).sort_values(["feature", "undated", "time", "unit"])
    position = df.groupby("feature").cumcount()
    return pd.DataFrame({"feature": df["feature"].to_numpy(np.int64),
                         "unit": df["unit"].to_numpy(np.int64),
                         "position": position.to_numpy(np.int64),
                         "length": df["length"].to_numpy(np.int64)})


_RANGES_META = pd.DataFrame({"feature": pd.Series([], dtype="int64"),
                             "unit": pd.Series([], dtype="int64"),
                             "begin": pd.Series([], dtype="int64"),
                             "end": pd.Series([], dtype="int64"),
                             "length": pd.Series([], dtype="int64"),
                             "fp": pd.Series([], dtype="int64")})


def _ranges(slots: pd.DataFrame, params, n: int) -> pd.DataFrame:
    """What each unit reads of its lists (read_ranges over its slots, rarest list first)."""
    # list_before(): shortest first, then by feature as an unsigned 64-bit number.
    slots = slots.assign(fu=slots["feature"].to_numpy(np.int64).view(np.uint64))
    slots = slots.sort_values(["unit", "length", "fu"])
    units = slots["unit"].to_numpy(np.int64)
    starts = (np.flatnonzero(np.r_[True, units[1:] != units[:-1]]) if len(units)
              else np.array([], np.int64))
    offsets = np.r_[starts, len(units)].astype(np.uint64)
    begin, end = _kindred.story_read_ranges(offsets, slots["length"].to_numpy(np.uint32),
                                            slots["position"].to_numpy(np.uint32), params)
    f = slots["feature"].to_numpy(np.int64)
    return pd.DataFrame({"feature": f, "unit": units, "begin": begin.astype(np.int64),
                         "end": end.astype(np.int64),
                         "length": slots["length"].to_numpy(np.int64),
                         "fp": (f.view(np.uint64) % np.uint64(n)).astype(np.int64)})


_PROPOSALS_META = pd.DataFrame({"unit": pd.Series([], dtype="int64"),
                                "partner": pd.Series([], dtype="int64"),
                                "rarity": pd.Series([], dtype="int64"),
                                "su": pd.Series([], dtype="int64")})


def _proposals(ranges: pd.DataFrame, lists: pd.DataFrame, units: int) -> pd.DataFrame:
    """(unit, partner, rarity) for every entry a unit reads of a list held here."""
    lists = lists.sort_values(["feature", "position"])
    lf = lists["feature"].to_numpy(np.int64)
    lu = lists["unit"].to_numpy(np.int64)
    ranges = ranges[ranges["end"] > ranges["begin"]]
    start = np.searchsorted(lf, ranges["feature"].to_numpy(np.int64))  # lists sorted by feature
    b = ranges["begin"].to_numpy(np.int64)
    n = ranges["end"].to_numpy(np.int64) - b
    total = int(n.sum())
    first = (np.repeat(start + b - np.r_[0, np.cumsum(n)[:-1]], n) if total
             else np.array([], np.int64))
    at = first + np.arange(total, dtype=np.int64)
    unit = np.repeat(ranges["unit"].to_numpy(np.int64), n)
    rarity = np.repeat(_kindred.story_rarity(units, ranges["length"].to_numpy(np.uint32))
                       .astype(np.int64), n)
    partner = lu[at]
    keep = partner != unit
    return pd.DataFrame({"unit": unit[keep], "partner": partner[keep], "rarity": rarity[keep],
                         "su": _shard_of(unit[keep])})


_COPIES_META = pd.DataFrame({"x": pd.Series([], dtype="int64"), "y": pd.Series([], dtype="int64"),
                             "copy": pd.Series([], dtype="float64")})


def _unit_copies(links: pd.DataFrame) -> pd.DataFrame:
    """The unit pairs of links between different units (those the family guard kept
    apart count too), with their larger containment."""
    ua, ub = links["ua"].to_numpy(np.int64), links["ub"].to_numpy(np.int64)
    shared = links["shared"].to_numpy(np.float64)
    sa, sb = links["size_a"].to_numpy(np.float64), links["size_b"].to_numpy(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        c = np.maximum(np.where(sa == 0, 0.0, shared / sa), np.where(sb == 0, 0.0, shared / sb))
    keep = ua != ub
    return pd.DataFrame({"x": np.minimum(ua, ub)[keep], "y": np.maximum(ua, ub)[keep],
                         "copy": c[keep]})


def _max_copies(df: pd.DataFrame) -> pd.DataFrame:
    return df.groupby(["x", "y"], as_index=False)["copy"].max()


_PAIRS_META = pd.DataFrame({"x": pd.Series([], dtype="int64"), "y": pd.Series([], dtype="int64")})


def _partners(proposals: pd.DataFrame, copies: pd.DataFrame, params) -> pd.DataFrame:
    """The pairs each unit here proposes (select_partners over what it read)."""
    if len(proposals) == 0:
        return _PAIRS_META.copy()
    read = proposals.groupby(["unit", "partner"], as_index=False).agg(
        lists=("rarity", "size"), score=("rarity", "sum"))
    both = pd.concat([copies[["x", "y"]].rename(columns={"x": "unit", "y": "partner"}),
                      copies[["y", "x"]].rename(columns={"y": "unit", "x": "partner"})])
    read = read.merge(both.drop_duplicates().assign(copy=True), on=["unit", "partner"],
                      how="left")
    read = read.sort_values(["unit", "partner"])
    u = read["unit"].to_numpy(np.int64)
    starts = np.flatnonzero(np.r_[True, u[1:] != u[:-1]])
    offsets = np.r_[starts, len(u)].astype(np.uint64)
    unit, partner = _kindred.story_select_partners(
        u[starts].view(np.uint64), offsets, read["partner"].to_numpy(np.int64).view(np.uint64),
        read["lists"].to_numpy(np.uint32), read["score"].to_numpy(np.int64).view(np.uint64),
        read["copy"].fillna(False).to_numpy(bool).astype(np.uint8), params)
    unit, partner = unit.view(np.int64), partner.view(np.int64)
    return pd.DataFrame({"x": np.minimum(unit, partner), "y": np.maximum(unit, partner)})


def _distinct_pairs(df: pd.DataFrame, copies: pd.DataFrame) -> pd.DataFrame:
    """Pairs once each, with their copy containment (0 when none)."""
    df = df[["x", "y"]].drop_duplicates()
    df = df.merge(copies, on=["x", "y"], how="left")
    return df.assign(copy=df["copy"].fillna(0.0)).sort_values(["x", "y"]).reset_index(drop=True)


# ---------------------------------------------------------------------------
# Similarities, next to the first unit; the second's text shipped (as verify does)

def _select_docs(docs: pd.DataFrame, keys: np.ndarray) -> pd.DataFrame:
    return docs[np.isin(docs["key"].to_numpy(np.int64), keys)]


def _needed(df: pd.DataFrame, columns: list, shard: int) -> np.ndarray:
    keys = np.unique(np.concatenate([df[c].to_numpy(np.int64) for c in columns]
                                    + [np.array([], np.int64)]))
    return keys[_shard_of(keys) == shard]


_SCORED_META = _COPIES_META.assign(s=pd.Series([], dtype="float64"))


def _similarities(pairs: pd.DataFrame, docs: list, collection: tuple, params) -> pd.DataFrame:
    units = pd.concat(docs).drop_duplicates("key").sort_values("key")
    keys = units["key"].to_numpy(np.int64)
    x = np.searchsorted(keys, pairs["x"].to_numpy(np.int64)).astype(np.uint32)
    y = np.searchsorted(keys, pairs["y"].to_numpy(np.int64)).astype(np.uint32)
    s = _kindred.story_pair_similarities(units["text"].tolist(), units["time"].to_numpy(np.int64), x, y,
                                         pairs["copy"].to_numpy(np.float64), collection, params)
    return pairs[["x", "y", "copy"]].reset_index(drop=True).assign(s=s)


# ---------------------------------------------------------------------------
# Groups per component of the edges >= story_link

_GROUPS_META = pd.DataFrame({"gid": pd.Series([], dtype="int64"),
                             "unit": pd.Series([], dtype="int64"),
                             "cohesion": pd.Series([], dtype="float64")})


def _groups(units: pd.DataFrame, pairs: pd.DataFrame, copies: pd.DataFrame, collection: tuple,
            params) -> pd.DataFrame:
    """story_groups() of the whole components in this partition: rows (gid, unit,
    cohesion), gid being the group's smallest unit."""
    units = units.drop_duplicates("key").sort_values("key")
    keys = units["key"].to_numpy(np.int64)
    if len(keys) == 0:
        return _GROUPS_META.copy()

    def index(col):
        return np.searchsorted(keys, col.to_numpy(np.int64)).astype(np.uint32)

    offsets, members, cohesion = _kindred.story_component_groups(
        units["text"].tolist(), units["time"].to_numpy(np.int64), index(pairs["x"]), index(pairs["y"]),
        pairs["s"].to_numpy(np.float64), index(copies["x"]), index(copies["y"]),
        copies["copy"].to_numpy(np.float64), collection, params)
    rows = []
    for g in range(len(cohesion)):
        mem = keys[members[offsets[g]:offsets[g + 1]]]
        gid = int(mem.min())
        rows.extend((gid, int(u), float(cohesion[g])) for u in mem)
    return pd.DataFrame(rows, columns=list(_GROUPS_META.columns)).astype(
        {"gid": "int64", "unit": "int64", "cohesion": "float64"})


_STORY_PARTS_META = pd.DataFrame({"gid": pd.Series([], dtype="int64"),
                                  "members": pd.Series([], dtype=object),
                                  "families": pd.Series([], dtype=object),
                                  "mfams": pd.Series([], dtype=object),
                                  "cohesion": pd.Series([], dtype="float64"),
                                  "sg": pd.Series([], dtype="int64")})


def _story_parts(groups: pd.DataFrame, families: pd.DataFrame) -> pd.DataFrame:
    """Per unit of a group (or family of no group) here: its documents and family."""
    fam = {int(r): (list(m), int(f)) for r, m, f in
           zip(families["root_key"], families["member_keys"], families["family"])}
    rows = []
    grouped = set()
    for gid, u, c in zip(groups["gid"], groups["unit"], groups["cohesion"]):
        u = int(u)
        grouped.add(u)
        m, f = fam.get(u, ([u], None))
        rows.append((int(gid), m, [] if f is None else [f], [-1 if f is None else f] * len(m),
                     float(c)))
    for r, (m, f) in fam.items():  # a family in no group is a story of its own
        if r not in grouped:
            rows.append((r, m, [f], [f] * len(m), 1.0))
    df = pd.DataFrame(rows, columns=["gid", "members", "families", "mfams", "cohesion"])
    return df.astype({"gid": "int64", "cohesion": "float64"}).assign(
        sg=_shard_of(df["gid"].to_numpy(np.int64)))


_STORIES_META = pd.DataFrame({"first": pd.Series([], dtype="int64"),
                              "members": pd.Series([], dtype=object),
                              "families": pd.Series([], dtype=object),
                              "mfams": pd.Series([], dtype=object),
                              "cohesion": pd.Series([], dtype="float64"),
                              "sf": pd.Series([], dtype="int64")})


def _stories(parts: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for gid, g in parts.groupby("gid", sort=True):
        pairs = sorted((m, f) for ms, fs in zip(g["members"], g["mfams"]) for m, f in zip(ms, fs))
        families = sorted(f for fs in g["families"] for f in fs)
        rows.append((pairs[0][0], [m for m, _ in pairs], families, [f for _, f in pairs],
                     float(g["cohesion"].iloc[0])))
    df = pd.DataFrame(rows, columns=["first", "members", "families", "mfams", "cohesion"])
    return df.astype({"first": "int64", "cohesion": "float64"}).assign(
        sf=_shard_of(df["first"].to_numpy(np.int64)))


def _story_members_needed(stories: pd.DataFrame, shard: int) -> np.ndarray:
    keys = np.array([m for ms in stories["members"] for m in ms], dtype=np.int64)
    keys = np.unique(keys)
    return keys[_shard_of(keys) == shard]


def _story_columns(stories: pd.DataFrame, docs: list, first_story: int) -> tuple:
    """The stories of a partition (by id) and their members' documents (by key) as the
    binding takes them: (story columns, document columns, keys)."""
    stories = stories.sort_values("first")
    docs = pd.concat(docs).drop_duplicates("key").sort_values("key") if docs else _DOCS_META
    keys = docs["key"].to_numpy(np.int64)
    members = [np.searchsorted(keys, np.array(m, dtype=np.int64)) for m in stories["members"]]
    fams = [np.array(f, dtype=np.uint32) for f in stories["families"]]
    n = len(stories)
    columns = (
        np.arange(first_story, first_story + n, dtype=np.uint32),
        stories["cohesion"].to_numpy(np.float64),
        np.r_[0, np.cumsum([len(f) for f in fams])].astype(np.uint64),
        np.concatenate(fams + [np.array([], np.uint32)]),
        np.r_[0, np.cumsum([len(m) for m in members])].astype(np.uint64),
        np.concatenate(members + [np.array([], np.int64)]).astype(np.uint32))
    doc_columns = (docs["id"].tolist(), docs["title"].tolist(), docs["date"].tolist(),
                   docs["time"].to_numpy(np.int64), docs["text"].tolist())
    return columns, doc_columns, keys


def _rewrites(stories: pd.DataFrame, docs: list, links: pd.DataFrame, first_story: int,
              collection: tuple, params, passages: bool) -> pd.DataFrame:
    """The rewrite links within this partition's stories, each with its records
    (link, provenance, passages), and the shard of its first document."""
    columns, doc_columns, keys = _story_columns(stories, docs, first_story)
    family = np.full(len(keys), -1, dtype=np.int32)
    for ms, fs in zip(stories["members"], stories["mfams"]):
        family[np.searchsorted(keys, np.array(ms, dtype=np.int64))] = np.array(fs, dtype=np.int32)
    a, b, records = _kindred.story_rewrite_records(
        *columns, *doc_columns, family,
        np.searchsorted(keys, links["a"].to_numpy(np.int64)).astype(np.uint32),
        np.searchsorted(keys, links["b"].to_numpy(np.int64)).astype(np.uint32),
        links["relation"].to_numpy(np.uint8), links["shared"].to_numpy(np.int64),
        links["size_a"].to_numpy(np.int64), links["size_b"].to_numpy(np.int64),
        collection, params, passages)
    ka, kb = keys[a.astype(np.int64)], keys[b.astype(np.int64)]
    return pd.DataFrame({"a": ka, "b": kb, "records": pd.Series(records, dtype=object),
                         "sa": _shard_of(ka)})


REWRITES_META = pd.DataFrame({"a": pd.Series([], dtype="int64"),
                              "b": pd.Series([], dtype="int64"),
                              "records": pd.Series([], dtype=object),
                              "sa": pd.Series([], dtype="int64")})

_MEMBERSHIP_META = pd.DataFrame({"member": pd.Series([], dtype="int64"),
                                 "first": pd.Series([], dtype="int64"),
                                 "sf": pd.Series([], dtype="int64")})


def _membership(stories: pd.DataFrame) -> pd.DataFrame:
    rows = [(m, f) for f, ms in zip(stories["first"], stories["members"]) for m in ms]
    df = pd.DataFrame(rows, columns=["member", "first"]).astype("int64")
    return df.assign(sf=_shard_of(df["first"].to_numpy(np.int64)))


def _render(stories: pd.DataFrame, docs: list, first_story: int, first_quotation: int,
            records: bool) -> tuple:
    columns, doc_columns, _ = _story_columns(stories, docs, first_story)
    so, qo, count = _kindred.story_records(*columns, *doc_columns, first_quotation, records)
    return so, qo, count


def _count_quotations(stories: pd.DataFrame, docs: list) -> int:
    return _render(stories, docs, 0, 0, False)[2]


def _write(path: str, data: bytes) -> None:
    import uuid

    tmp = f"{path}.tmp-{uuid.uuid4().hex}"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


def _write_stories(stories: pd.DataFrame, docs: list, first_story: int, first_quotation: int,
                   story_path: str, quotation_path: str) -> tuple:
    so, qo, count = _render(stories, docs, first_story, first_quotation, True)
    _write(story_path, so)
    _write(quotation_path, qo)
    return len(stories), count


# ---------------------------------------------------------------------------
# The phase


def story_phase(client, *, parts: list, dup_keys: np.ndarray, shard_pieces: list, fields: dict,
                max_document_bytes: int, params, links, families, nparts: int, retries: int,
                output_dir: str, run: str, components: Callable, rewrites: bool = True,
                passages: bool = True) -> dict:
    """Writes 3-stories-NNNNN.jsonl and 4-quotations-NNNNN.jsonl; returns the files and
    counts. `links` (with ua, ub: the units of their ends) and `families` (root_key,
    member_keys, family) are dask frames or None; `components(edges)` labels the
    connected components of a frame of (a, b) edges (dask.py's label propagation).
    With `rewrites`, out["rewrites"] holds per input shard a delayed frame of the
    rewrite links whose first document is in it (REWRITES_META), to be merged
    into that shard's link file."""
    nshards = len(shard_pieces)
    if links is not None and "ua" not in links.columns:  # no links at all
        links = None
    out: dict = {"files": [], "stories": 0, "quotations": 0, "rounds": 0, "rewrites": None}

    # Documents, read again per shard and held there.
    docs = [dask.delayed(_story_docs)(k, shard_pieces[k], parts[k], dup_keys, fields,
                                      max_document_bytes) for k in range(nshards)]
    docs = client.persist(docs, retries=retries)

    # Collection statistics: a tree reduction of vocabulary-sized counts.
    whole = _tree([dask.delayed(_counts)(d) for d in docs], _merge_counts)
    ids = dask.delayed(_name_ids)(whole)
    names = dask.delayed(_names)(whole)
    name_docs = _tree([dask.delayed(_name_documents)(d, names, ids) for d in docs], _add_counts)
    collection = client.persist(dask.delayed(_collection)(whole, ids, name_docs),
                                retries=retries)

    # Units per shard: family members to their shard.
    if families is not None:
        members = families.map_partitions(_members, meta=_MEMBERS_META)
        members = members.assign(sm=members["member"] // np.int64(1 << 32))
        member_parts = _by(members, "sm", nshards)
        roots = families.reset_index(drop=True)
        root_parts = _by(roots.assign(sr=roots["root_key"] // np.int64(1 << 32)), "sr", nshards)
    else:
        member_parts = [dask.delayed(_MEMBERS_META.copy)() for _ in range(nshards)]
        root_parts = [dask.delayed(pd.DataFrame)({"root_key": pd.Series([], dtype="int64"),
                                                  "member_keys": pd.Series([], dtype=object),
                                                  "family": pd.Series([], dtype="int64")})
                      for _ in range(nshards)]
    units = client.persist([dask.delayed(_units)(d, m) for d, m in zip(docs, member_parts)],
                           retries=retries)

    # Candidate features per shard; posting lists whole by a shuffle on the feature.
    # Persisted: the count of units below and the shuffle both read them.
    found = client.persist([dask.delayed(_candidate_features, nout=2)(u, collection, nparts)
                            for u in units], retries=retries)
    features = _frame([dask.delayed(_first)(f) for f in found], _FEATURES_META)
    nunits = sum(client.gather(client.compute([dask.delayed(_second)(f) for f in found],
                                              retries=retries)))
    lists = client.persist([dask.delayed(_lists)(d) for d in _by(features, "fp", nparts)],
                           retries=retries)
    lists_df = _frame(lists, _LISTS_META)
    # Slots to the unit's shard; read ranges there; ranges back to the lists.
    slots = lists_df.assign(su=lists_df["unit"] // np.int64(1 << 32))
    ranges = [dask.delayed(_ranges)(d, params, nparts) for d in _by(slots, "su", nshards)]
    ranges = _by(_frame(ranges, _RANGES_META), "fp", nparts)
    proposals = [dask.delayed(_proposals)(r, l, nunits) for r, l in zip(ranges, lists)]
    proposals = _by(_frame(proposals, _PROPOSALS_META), "su", nshards)
    # Unit-level copy pairs, once each, to the shards of both units.
    if links is not None:
        copies = links.map_partitions(_unit_copies, meta=_COPIES_META)
        copies = copies.assign(sx=copies["x"] // np.int64(1 << 32))
        copies = client.persist(_frame([dask.delayed(_max_copies)(d)
                                        for d in _by(copies, "sx", nshards)], _COPIES_META),
                                retries=retries)
        both = dd.concat([copies.assign(su=copies["x"] // np.int64(1 << 32)),
                          copies.assign(su=copies["y"] // np.int64(1 << 32))])
        copy_parts = _by(both, "su", nshards)
    else:
        copies = None
        copy_parts = [dask.delayed(_COPIES_META.copy)() for _ in range(nshards)]
    pairs = _frame([dask.delayed(_partners)(pr, c, params)
                    for pr, c in zip(proposals, copy_parts)], _PAIRS_META)
    pairs = pairs.assign(sx=pairs["x"] // np.int64(1 << 32))
    if copies is not None:
        copies_by_x = _by(copies.assign(sx=copies["x"] // np.int64(1 << 32)), "sx", nshards)
    else:
        copies_by_x = copy_parts
    pair_parts = client.persist([dask.delayed(_distinct_pairs)(d, c) for d, c in
                                 zip(_by(pairs, "sx", nshards), copies_by_x)], retries=retries)

    # Similarities next to the first unit; the second units' texts selected where they are.
    scored = []
    for k in range(nshards):
        needed = [dask.delayed(_select_docs)(units[s], dask.delayed(_needed)(
            pair_parts[k], ["x", "y"], s)) for s in range(nshards)]
        scored.append(dask.delayed(_similarities)(pair_parts[k], needed, collection, params))
    scored = client.persist(_frame(scored, _SCORED_META), retries=retries)

    # Components of the edges >= story_link, by label propagation.
    edges = scored[scored["s"] >= params.story_link][["x", "y"]].rename(
        columns={"x": "a", "y": "b"})
    nedges = int(client.compute(edges.map_partitions(len), retries=retries).result().sum())
    if nedges:
        labels, out["rounds"] = components(edges)
        labels = labels.assign(cp=labels["label"] % np.int64(nparts))
        comp = labels[["node", "label", "cp"]]
        unit_frame = _frame(units, _DOCS_META)
        in_comp = unit_frame.merge(comp.rename(columns={"node": "key"}), on="key",
                                   shuffle=_SHUFFLE)
        sp = scored.merge(comp.rename(columns={"node": "x", "label": "lx"})[["x", "lx"]],
                          on="x", shuffle=_SHUFFLE)
        sp = sp.merge(comp.rename(columns={"node": "y", "label": "ly", "cp": "cp"}), on="y",
                      shuffle=_SHUFFLE)
        sp = sp[sp["lx"] == sp["ly"]]
        if copies is not None:
            cpp = copies.merge(comp.rename(columns={"node": "x", "label": "lx"})[["x", "lx"]],
                               on="x", shuffle=_SHUFFLE)
            cpp = cpp.merge(comp.rename(columns={"node": "y", "label": "ly"}), on="y",
                            shuffle=_SHUFFLE)
            cpp = cpp[cpp["lx"] == cpp["ly"]][["x", "y", "copy", "cp"]]
            cpp_parts = _by(cpp, "cp", nparts)
        else:
            cpp_parts = [dask.delayed(_COPIES_META.copy)() for _ in range(nparts)]
        groups = [dask.delayed(_groups)(u, s, c, collection, params) for u, s, c in
                  zip(_by(in_comp, "cp", nparts), _by(sp, "cp", nparts), cpp_parts)]
        groups = _frame(groups, _GROUPS_META)
    else:
        groups = None

    # Stories: each group's documents (its units' families), and families of no group.
    if groups is not None:
        gparts = _by(groups.assign(su=groups["unit"] // np.int64(1 << 32)), "su", nshards)
    else:
        gparts = [dask.delayed(_GROUPS_META.copy)() for _ in range(nshards)]
    sparts = _frame([dask.delayed(_story_parts)(g, r) for g, r in zip(gparts, root_parts)],
                    _STORY_PARTS_META)
    stories = _frame([dask.delayed(_stories)(d) for d in _by(sparts, "sg", nshards)],
                     _STORIES_META)
    # To the shard of the smallest member; numbered by a prefix sum of the counts.
    story_parts = client.persist(_by(stories, "sf", nshards), retries=retries)
    sizes = client.gather(client.compute([dask.delayed(len)(d) for d in story_parts],
                                         retries=retries))
    first_story = np.r_[0, np.cumsum(sizes)[:-1]].astype(np.int64)
    story_docs = []
    for k in range(nshards):
        story_docs.append([dask.delayed(_select_docs)(docs[s], dask.delayed(
            _story_members_needed)(story_parts[k], s)) for s in range(nshards)])
    qcounts = client.gather(client.compute(
        [dask.delayed(_count_quotations)(story_parts[k], story_docs[k]) for k in range(nshards)],
        retries=retries))
    first_quotation = np.r_[0, np.cumsum(qcounts)[:-1]].astype(np.int64)
    writes, files_s, files_q = [], [], []
    for k in range(nshards):
        sp_path = os.path.join(output_dir, f"3-stories-{k:05d}.jsonl")
        qp_path = os.path.join(output_dir, f"4-quotations-{k:05d}.jsonl")
        files_s.append(sp_path)
        files_q.append(qp_path)
        writes.append(dask.delayed(_write_stories)(story_parts[k], story_docs[k],
                                                   int(first_story[k]), int(first_quotation[k]),
                                                   sp_path, qp_path))
    if rewrites and links is not None:
        # The copy links within each story, to the story's partition.
        membership = _frame([dask.delayed(_membership)(d) for d in story_parts], _MEMBERSHIP_META)
        inner = links[["a", "b", "relation", "shared", "size_a", "size_b"]]
        inner = inner.merge(membership.rename(columns={"member": "a", "first": "fa"})[["a", "fa"]],
                            on="a", shuffle=_SHUFFLE)
        inner = inner.merge(membership.rename(columns={"member": "b", "first": "fb"}), on="b",
                            shuffle=_SHUFFLE)
        inner = inner[inner["fa"] == inner["fb"]]
        inner_parts = _by(inner, "sf", nshards)
    else:
        inner_parts = [dask.delayed(pd.DataFrame)({c: pd.Series([], dtype="int64") for c in (
            "a", "b", "relation", "shared", "size_a", "size_b")}) for _ in range(nshards)]
    if rewrites:
        found_rw = [dask.delayed(_rewrites)(story_parts[k], story_docs[k], inner_parts[k],
                                            int(first_story[k]), collection, params, passages)
                    for k in range(nshards)]
        rw = client.persist(_frame(found_rw, REWRITES_META), retries=retries)
        out["rewrites"] = _by(rw, "sa", nshards)
        out["rewrite_links"] = int(client.compute(rw.map_partitions(len), retries=retries)
                                   .result().sum())
    done = client.gather(client.compute(writes, retries=retries))
    out["files"] = files_s + files_q
    out["stories"] = sum(n for n, _ in done)
    out["quotations"] = sum(q for _, q in done)
    return out
