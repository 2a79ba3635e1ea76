"""Fixtures of the Python tests: corpora written once per session, and a real
Dask cluster (worker processes talking TCP over loopback).

Run from a build tree: PYTHONPATH=<build>/python /usr/bin/python3 -m pytest python/tests
"""

import gzip
import json
import os
import random
from pathlib import Path

import pytest

import kindred

ROOT = Path(os.environ.get("KINDRED_SOURCE_DIR", Path(__file__).resolve().parents[2]))


@pytest.fixture(scope="session")
def example_corpus() -> Path:
    return ROOT / "examples" / "corpus"


@pytest.fixture(scope="session")
def kindred_cli():
    """The `kindred` executable (KINDRED_CLI), or None when it was not built."""
    path = os.environ.get("KINDRED_CLI")
    return path if path and os.access(path, os.X_OK) else None


def _record(doc, with_id=True) -> str:
    rec = {"id": doc.id, "text": doc.text, "title": doc.title, "date": doc.date,
           "source": doc.source}
    if not with_id:
        del rec["id"]
    return json.dumps(rec, ensure_ascii=False)


@pytest.fixture(scope="session")
def synth_docs():
    return kindred.synth(3000, seed=11)


@pytest.fixture(scope="session")
def synth_jsonl(tmp_path_factory, synth_docs) -> Path:
    """3000 synthetic documents, one JSON Lines file, in input order."""
    path = tmp_path_factory.mktemp("synth") / "corpus.jsonl"
    kindred.write_jsonl(synth_docs, path)
    return path


@pytest.fixture(scope="session")
def mixed_corpus(tmp_path_factory, synth_docs) -> Path:
    """The synthetic documents in every layout the readers take, shuffled so that
    copies often come before their originals (components then need several
    rounds of label propagation):
      text/NNN/dXXXXXXX.txt  400 plain-text files in sub-folders
      big.jsonl              2000 records: CRLF endings, blank lines, records
                             without an id (named FILE:LINE), a UTF-8 BOM
      rest.jsonl.gz          the others, gzip-compressed
      notes.md               skipped (unsupported extension)
    """
    root = tmp_path_factory.mktemp("mixed") / "corpus"
    docs = list(synth_docs)
    random.Random(7).shuffle(docs)
    for i, d in enumerate(docs[:400]):
        folder = root / "text" / f"{i % 7:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{d.id}.txt").write_text(d.text, encoding="utf-8")
    lines = ["\ufeff" + _record(docs[400])]
    for i, d in enumerate(docs[401:2400]):
        lines.append(_record(d, with_id=i % 50 != 3))
        if i % 97 == 0:
            lines.append("   ")
    with open(root / "big.jsonl", "w", encoding="utf-8", newline="") as f:
        for i, line in enumerate(lines):
            f.write(line + ("\r\n" if i % 3 == 0 else "\n"))
    with gzip.open(root / "rest.jsonl.gz", "wt", encoding="utf-8") as f:
        for d in docs[2400:]:
            f.write(_record(d) + "\n")
    (root / "notes.md").write_text("not a document\n")
    return root


@pytest.fixture(scope="session")
def bad_corpus(tmp_path_factory, synth_docs) -> Path:
    """Documents with bad records among them: invalid JSON first, then a missing
    text field, a text without words, and ids repeated across files."""
    root = tmp_path_factory.mktemp("bad") / "corpus"
    root.mkdir()
    docs = list(synth_docs)[:900]
    a = [_record(d) for d in docs[:450]]
    a.insert(5, '{"id": "broken", "text": ')
    a.insert(100, '{"id": "no-text"}')
    a.insert(200, '{"id": "blank", "text": " ... -- "}')
    (root / "a.jsonl").write_text("\n".join(a) + "\n", encoding="utf-8")
    b = [_record(d) for d in docs[450:]]
    b.insert(10, _record(docs[3]))  # an id of a.jsonl again
    b.insert(300, _record(docs[460]))  # an id seen earlier in b.jsonl
    (root / "b.jsonl").write_text("\n".join(b) + "\n", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def dask_client():
    """A real distributed cluster: three worker processes, one thread each, TCP on loopback."""
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(n_workers=3, threads_per_worker=1, processes=True,
                                       host="127.0.0.1", protocol="tcp",
                                       dashboard_address=None)
    client = distributed.Client(cluster)
    yield client
    client.close()
    cluster.close()


def records(text: str, *types: str) -> list:
    """The lines of JSON Lines output whose type is one of `types`."""
    return [line for line in text.splitlines()
            if any(f'"type":"{t}"' in line for t in types)]
