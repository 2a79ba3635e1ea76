"""kindred: traces reused text through the news.

    import kindred
    result = kindred.scan("examples/corpus")          # folders, JSON Lines files, or documents
    for link in result.links:
        print(link.a, link.relation, link.b, round(link.containment_a_in_b, 2))
    print(kindred.compare(text_a, text_b)["relation"])

The work is done by the C++ library (kindred._kindred, a thin pybind11
binding) with the GIL released, so scans in several Python threads run in
parallel. Links and families carry the fields of the JSON Lines records
(docs/output.md). kindred.dask runs the same pipeline on a Dask cluster.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Iterable, Optional, Sequence

from . import _kindred
from ._kindred import (  # noqa: F401  (re-exported)
    Document,
    Params,
    DocumentInfo,
    DocumentSketch,
    InputError,
    Rejection,
    ScanStats,
    SketchList,
)

__version__ = _kindred.__version__
__all__ = [
    "AddResult", "Document", "DocumentInfo", "DocumentSketch", "Family", "InputError", "Link",
    "LiveIndex", "Params", "QueryResult", "Rejection", "ScanResult", "ScanStats", "SketchList", "compare", "scan", "sketch", "synth",
]

@dataclass(frozen=True)
class Link:
    """Two documents that share text (the `link` record of docs/output.md)."""

    a: str  #: id of the document that came first in the input
    b: str
    relation: str  #: exact, near_duplicate, contained or overlapping
    direction: str  #: a_in_b when more of a lies inside b than the reverse
    jaccard: float
    containment_a_in_b: float
    containment_b_in_a: float
    shared_shingles: int
    shingles_a: int
    shingles_b: int
    family: Optional[int]  #: the family both belong to, or None
    a_index: int  #: index into ScanResult.documents
    b_index: int


@dataclass(frozen=True)
class Family:
    """A copy family: a star of copies around its likely original."""

    id: int
    root: str  #: id of the member most likely to be the original
    members: tuple  #: ids, in input order
    root_index: int
    member_indices: tuple


class ScanResult:
    """Links, families and documents of one scan; `stats` and `rejections` too."""

    def __init__(self, raw: Any, rejections: list, params: Any, files: int = 0,
                 files_skipped: int = 0):
        self._raw = raw
        self._params = params
        self.rejections: list = list(rejections)  #: records left out (skip_bad=True)
        self.files = files
        self.files_skipped = files_skipped
        self.stats: ScanStats = raw.stats
        self._documents: Optional[list] = None
        self._links: Optional[list] = None
        self._families: Optional[list] = None

    @property
    def documents(self) -> list:
        """DocumentInfo of every document scanned, in input order (index = position)."""
        if self._documents is None:
            self._documents = self._raw.docs
        return self._documents

    @property
    def links(self) -> list:
        """Every verified link, sorted by input order of a, then b."""
        if self._links is None:
            docs = self.documents
            out = []
            for l in self._raw.links:
                fa, fb = docs[l.a].family, docs[l.b].family
                out.append(Link(
                    a=docs[l.a].id, b=docs[l.b].id, relation=l.relation,
                    direction=l.direction, jaccard=l.jaccard,
                    containment_a_in_b=l.containment_a_in_b,
                    containment_b_in_a=l.containment_b_in_a, shared_shingles=l.shared,
                    shingles_a=l.size_a, shingles_b=l.size_b,
                    family=fa if fa >= 0 and fa == fb else None, a_index=l.a, b_index=l.b))
            self._links = out
        return self._links

    @property
    def families(self) -> list:
        """Copy families of two or more documents, by id (ordered by smallest member)."""
        if self._families is None:
            docs = self.documents
            self._families = [
                Family(id=f.id, root=docs[f.root].id,
                       members=tuple(docs[m].id for m in f.members), root_index=f.root,
                       member_indices=tuple(f.members))
                for f in self._raw.families
            ]
        return self._families

    def to_jsonl(self) -> str:
        """The records `kindred scan` writes: run, links, families, summary (docs/output.md)."""
        return self._raw.to_jsonl(self._params, len(self.rejections))

    def write_jsonl(self, path: str | os.PathLike) -> None:
        with open(path, "w", encoding="utf-8") as f:
            f.write(self.to_jsonl())

    def links_frame(self):
        """The links as a pandas DataFrame (one row per link record)."""
        import pandas as pd

        cols = [f for f in Link.__dataclass_fields__]
        return pd.DataFrame([[getattr(l, c) for c in cols] for l in self.links], columns=cols)

    def families_frame(self):
        """One row per (family, member): family, root, member, is_root."""
        import pandas as pd

        rows = [(f.id, f.root, m, m == f.root) for f in self.families for m in f.members]
        return pd.DataFrame(rows, columns=["family", "root", "member", "is_root"])

    def documents_frame(self):
        """One row per document: id, title, date, source, tokens, shingles, family."""
        import pandas as pd

        cols = ["id", "title", "date", "url", "source", "file", "line", "tokens", "shingles",
                "invalid_utf8", "family"]
        return pd.DataFrame([[getattr(d, c) for c in cols] for d in self.documents], columns=cols)

    def __repr__(self) -> str:
        s = self.stats
        return (f"<kindred.ScanResult {s.documents} documents, {s.links} links, "
                f"{s.families} families, {len(self.rejections)} rejected>")


def _is_path(x: Any) -> bool:
    return isinstance(x, (str, bytes, os.PathLike))


def _to_document(x: Any, index: int) -> Document:
    if isinstance(x, Document):
        return x
    if isinstance(x, dict):
        if "text" not in x:
            raise ValueError(f"document {index} has no 'text'")
        fields = {k: str(x[k]) for k in ("title", "date", "url", "source") if x.get(k) is not None}
        return Document(str(x.get("id", index)), x["text"], **fields)
    if isinstance(x, (tuple, list)) and len(x) == 2:
        return Document(str(x[0]), x[1])
    raise TypeError(f"document {index}: expected a kindred.Document, a dict with 'id' and "
                    f"'text', or an (id, text) tuple, got {type(x).__name__}")


def _documents(docs: Iterable[Any]) -> list:
    return [_to_document(x, i) for i, x in enumerate(docs)]


def _fields(text_field: str, id_field: str, title_field: str, date_field: str,
            url_field: str, source_field: str) -> dict:
    return {"text": text_field, "id": id_field, "title": title_field, "date": date_field,
            "url": url_field, "source": source_field}


def _params(params: Any) -> Params:
    if params is None:
        return Params()
    if isinstance(params, dict):
        return Params(**params)
    if not isinstance(params, Params):
        raise TypeError(f"params must be a kindred.Params or a dict, not {type(params).__name__}")
    return params


def scan(inputs: Any, params: Any = None, threads: int = 0, skip_bad: bool = False, *,
         stories: bool = True, text_field: str = "text", id_field: str = "id", title_field: str = "title",
         date_field: str = "date", url_field: str = "url", source_field: str = "source",
         max_document_bytes: int = 0, memory_mb: int = 512, temp_dir: str = "") -> ScanResult:
    """Finds copies among documents: what `kindred scan` does, as Python objects.

    `inputs`: a path (folder of .txt, JSON Lines file, optionally .gz/.zst), a
    list of paths, or a list of documents (kindred.Document, dicts with "id"
    and "text", or (id, text) tuples). `params`: a kindred.Params or a dict of
    overrides. `threads`: 0 = all cores. Without skip_bad the first bad record
    raises kindred.InputError (file, line, code); with it, bad records are
    left out and listed in result.rejections. stories=False finds copies only
    (no stories, quotations or accounts; as `kindred scan --no-stories`). The
    *_field arguments name the JSON Lines fields. memory_mb and temp_dir are
    `kindred scan --memory --temp-dir`: the shingle sets, texts and story
    terms past memory_mb megabytes (together, shared 3:3:2 by those the scan
    keeps) spill to a temporary file there (result.stats.spilled_bytes says
    how much of the shingle sets).
    """
    p = _params(params)
    if _is_path(inputs):
        inputs = [inputs]
    inputs = list(inputs)
    if inputs and all(_is_path(x) for x in inputs):
        paths = [os.fsencode(x) for x in inputs]
        fields = _fields(text_field, id_field, title_field, date_field, url_field, source_field)
        raw, rejections, files, skipped = _kindred.scan_paths(
            paths, p, threads, skip_bad, fields, max_document_bytes, stories, memory_mb, temp_dir)
        return ScanResult(raw, rejections, p, files, skipped)
    if any(_is_path(x) for x in inputs):
        raise TypeError("scan() takes paths or documents, not a mix of both")
    raw, rejections, _, _ = _kindred.scan_documents(_documents(inputs), p, threads, skip_bad,
                                                    stories, memory_mb, temp_dir)
    return ScanResult(raw, rejections, p)


def compare(text_a: str, text_b: str, params: Any = None) -> dict:
    """Exact similarity of two texts (no sketch involved), as `kindred compare --json`:
    jaccard, containment_a_in_b, containment_b_in_a, shared_shingles, shingles_a,
    shingles_b, words_a, words_b, same_text, relation (or None), direction."""
    return _kindred.compare(text_a, text_b, _params(params))


def sketch(documents: Iterable[Any], params: Any = None, threads: int = 0) -> SketchList:
    """Sketches of documents (id, tokens, fingerprint, shingles, band_keys), in order."""
    return _kindred.sketch(_documents(documents), _params(params), threads)


def synth(documents: int = 20000, seed: int = 1, copy_fraction: float = 0.2,
          mean_words: int = 550) -> list:
    """A synthetic news corpus with known copies (ids d0000000, ...), as `kindred synth`."""
    return _kindred.synth(documents, seed, copy_fraction, mean_words)


def write_jsonl(documents: Sequence[Document], path: str | os.PathLike) -> None:
    """Writes documents as JSON Lines that `kindred scan` and kindred.dask read."""
    import json

    with open(path, "w", encoding="utf-8") as f:
        for d in documents:
            rec = {"id": d.id, "text": d.text}
            for k in ("title", "date", "url", "source"):
                if getattr(d, k):
                    rec[k] = getattr(d, k)
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")


class AddResult(list):
    """What LiveIndex.add returns: a list with one dict per accepted document, in
    input order (doc, id, matches, family, story), and `rejections`: the documents
    left out (no words, or an id already stored), as kindred.Rejection."""

    def __init__(self, added: list, rejections: list):
        super().__init__(added)
        self.rejections: list = list(rejections)


class QueryResult(list):
    """What LiveIndex.query returns: a list of matches, and `family` and `story`:
    those of the strongest match (None when there is no match)."""

    def __init__(self, matches: list, family: Optional[int], story: Optional[int]):
        super().__init__(matches)
        self.family = family
        self.story = story


class LiveIndex:
    """A persistent, incremental index (an LMDB store, a directory): documents are
    matched against everything stored before them as they are added.

        index = kindred.LiveIndex.create("news.kindred")   # or LiveIndex.open(path)
        for r in index.add(documents):                      # durable when it returns
            print(r["id"], [(m["id"], m["relation"]) for m in r["matches"]])
        index.query(text)                                   # matches, nothing stored

    A match is a dict seen from the document asked about (a) towards the other
    (b): doc, id, relation, jaccard, containment_a_in_b, containment_b_in_a,
    shared_shingles, shingles_a, shingles_b, direction, passages. Links and
    families equal those of kindred.scan over the same documents in the same
    order. Stories are refreshed by a background thread after adds, exactly as
    kindred.scan finds them: sync_stories() waits until they are final (a story's
    "final" / stats()["stories_pending"] say whether they are). The library does the
    work with the GIL released; an index may be used from several threads.
    """

    def __init__(self, raw: Any):
        self._raw = raw

    @classmethod
    def create(cls, path: str | os.PathLike, params: Any = None, threads: int = 1,
               background_stories: bool = True) -> "LiveIndex":
        """Creates an empty index in `path` (made if absent; must hold no index yet).
        background_stories=False: stories are refreshed only by sync_stories()."""
        return cls(_kindred.LiveIndex.create(os.fspath(path), _params(params), threads,
                                             background_stories))

    @classmethod
    def open(cls, path: str | os.PathLike, threads: int = 1, read_only: bool = False,
             background_stories: bool = True) -> "LiveIndex":
        """Opens an existing index."""
        return cls(_kindred.LiveIndex.open(os.fspath(path), threads, read_only,
                                           background_stories))

    def close(self) -> None:
        """Closes the store (also when the object is collected)."""
        self._raw.close()

    @property
    def closed(self) -> bool:
        return self._raw.closed

    def __enter__(self) -> "LiveIndex":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    @property
    def params(self) -> Params:
        return self._raw.params

    def add(self, documents: Iterable[Any]) -> AddResult:
        """Adds documents (as kindred.scan takes them: kindred.Document, dicts with
        "id" and "text", or (id, text) tuples) in one durable transaction."""
        added, rejections = self._raw.add(_documents(documents))
        return AddResult(added, rejections)

    def query(self, document: Any) -> QueryResult:
        """Matches of a text or a document (any form add() takes) that is not added."""
        if isinstance(document, str):
            document = Document("query", document)
        else:
            document = _to_document(document, 0)
        return QueryResult(*self._raw.query(document))

    def find(self, id: str) -> Optional[int]:
        """The document number of `id`, or None."""
        return self._raw.find(id)

    def _number(self, doc: int | str) -> Optional[int]:
        return self._raw.find(doc) if isinstance(doc, str) else doc

    def document(self, doc: int | str, with_text: bool = False) -> Optional[dict]:
        """A stored document by id or number (metadata, counts, family, story,
        added; text when asked for), or None."""
        n = self._number(doc)
        return None if n is None else self._raw.document(n, with_text)

    def matches(self, doc: int | str, with_passages: bool = False) -> list:
        """The links of a stored document (by id or number), as match dicts."""
        n = self._number(doc)
        return [] if n is None else self._raw.matches(n, with_passages)

    def family(self, id: int) -> Optional[dict]:
        """A family by id (its smallest member's number): id, root, members."""
        return self._raw.family(id)

    def story(self, id: int, with_account: bool = False) -> Optional[dict]:
        """A story by id: id, members, member_ids, families, cohesion, updated, final,
        stories_pending; with_account: account and quotations (the fields of the
        `story` and `quotation` records of docs/output.md, document numbers for ids)."""
        return self._raw.story(id, with_account)

    def stats(self) -> dict:
        """Counts: documents, links, families, stories, buckets, bytes, ..."""
        return self._raw.stats()

    def check(self, max_problems: int = 100) -> list:
        """Consistency check: the problems found (an empty list: consistent)."""
        return self._raw.check(max_problems)

    def refresh_stories(self) -> None:
        """Full rebuild: recomputes every story exactly as a batch scan of the stored
        documents would, analysing every text again."""
        self._raw.refresh_stories()

    def sync_stories(self, timeout: Optional[float] = None) -> None:
        """Returns once the stories cover every document added before the call
        (final: those of kindred.scan); ValueError after `timeout` seconds."""
        self._raw.sync_stories(-1.0 if timeout is None else timeout)

    def snapshot(self) -> ScanResult:
        """Everything stored as a ScanResult (documents by number, links, families)."""
        return ScanResult(self._raw.snapshot(), [], self._raw.params)

    def __repr__(self) -> str:
        if self.closed:
            return "<kindred.LiveIndex (closed)>"
        s = self.stats()
        return (f"<kindred.LiveIndex {s['documents']} documents, {s['links']} links, "
                f"{s['families']} families>")
