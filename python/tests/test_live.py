"""The live index: create, add, query, reopen, stats, rejections, and links
equal to a batch scan of the same documents."""

from dataclasses import astuple

import pytest

import kindred


@pytest.fixture(scope="module")
def corpus_docs(example_corpus):
    """The example corpus as (id, text), ids relative paths, in sorted order."""
    paths = sorted(example_corpus.rglob("*.txt"))
    return [(p.relative_to(example_corpus).as_posix(), p.read_text(encoding="utf-8"))
            for p in paths]


@pytest.fixture
def index_path(tmp_path, corpus_docs):
    path = tmp_path / "news.kindred"
    with kindred.LiveIndex.create(path) as index:
        added = index.add(corpus_docs)
        assert [r["id"] for r in added] == [d[0] for d in corpus_docs]
        assert added.rejections == []
    return path


def _contained_match(matches):
    by_id = {m["id"]: m for m in matches}
    assert "strike/wire_full.txt" in by_id
    return by_id["strike/wire_full.txt"]


def test_query_finds_the_abridged_copy(index_path, corpus_docs):
    text = dict(corpus_docs)["strike/abridged.txt"]
    with kindred.LiveIndex.open(index_path) as index:
        result = index.query(text)
        m = _contained_match(result)
        assert m["relation"] == "contained"
        assert m["containment_a_in_b"] >= 0.9
        assert m["jaccard"] < 0.5
        assert m["passages"]  # a query aligns passages
        assert result.family is not None
        # The same through a Document and a dict.
        assert _contained_match(index.query(kindred.Document("q", text)))["relation"] == "contained"
        assert _contained_match(index.query({"id": "q", "text": text}))["relation"] == "contained"


def test_add_reports_matches_and_persists(tmp_path, corpus_docs):
    path = tmp_path / "idx"
    index = kindred.LiveIndex.create(path, params={"bands": 32})
    ids = [d[0] for d in corpus_docs]
    added = index.add(corpus_docs)
    by_id = {r["id"]: r for r in added}
    # Whichever of the pair comes later sees the earlier one as a match.
    later = max("strike/abridged.txt", "strike/wire_full.txt", key=ids.index)
    earlier = min("strike/abridged.txt", "strike/wire_full.txt", key=ids.index)
    assert earlier in {m["id"] for m in by_id[later]["matches"]}
    assert by_id[later]["family"] is not None
    stats = index.stats()
    assert stats["documents"] == len(corpus_docs) == 15
    assert stats["links"] > 0 and stats["families"] > 0
    assert index.check() == []
    index.close()
    assert index.closed
    with pytest.raises(ValueError):
        index.stats()

    reopened = kindred.LiveIndex.open(path)
    assert reopened.stats()["documents"] == 15
    assert reopened.params == kindred.Params(bands=32)
    text = dict(corpus_docs)["strike/abridged.txt"]
    assert _contained_match(reopened.query(text))["relation"] == "contained"
    doc = reopened.document("strike/abridged.txt", with_text=True)
    assert doc["id"] == "strike/abridged.txt" and doc["text"] == text
    assert doc["doc"] == ids.index("strike/abridged.txt")
    assert reopened.document("no/such.txt") is None
    assert "strike/wire_full.txt" in {m["id"] for m in reopened.matches("strike/abridged.txt")}
    family = reopened.family(doc["family"])
    assert doc["doc"] in family["members"]
    reopened.refresh_stories()
    assert reopened.stats()["stories_refreshed"] > 0
    story = reopened.story(reopened.document(doc["doc"])["story"], with_account=True)
    assert doc["doc"] in story["members"]
    assert reopened.check() == []
    reopened.close()


def test_duplicate_id_is_rejected(index_path, corpus_docs):
    with kindred.LiveIndex.open(index_path) as index:
        again = index.add([corpus_docs[0], ("fresh", "A short new text about nothing in particular.")])
        assert [r["id"] for r in again] == ["fresh"]
        assert len(again.rejections) == 1
        rejection = again.rejections[0]
        assert rejection.id == corpus_docs[0][0]
        assert rejection.code == kindred._kindred.duplicate_rejection("x", "", 0, 0).code
        blank = index.add([("blank", " ... -- ")])
        assert list(blank) == [] and [r.id for r in blank.rejections] == ["blank"]
        assert index.stats()["documents"] == 16
        assert index.check() == []


def test_links_equal_a_batch_scan(index_path, corpus_docs):
    scan = kindred.scan(corpus_docs, stories=False)
    with kindred.LiveIndex.open(index_path) as index:
        snap = index.snapshot()
    assert [(l.a, l.b, l.relation) for l in snap.links] == \
        [(l.a, l.b, l.relation) for l in scan.links]
    assert [astuple(l) for l in snap.links] == [astuple(l) for l in scan.links]
    assert snap.families == scan.families


def test_errors(tmp_path, index_path):
    with pytest.raises(FileNotFoundError):
        kindred.LiveIndex.open(tmp_path / "missing")
    with pytest.raises(ValueError, match="already holds an index"):
        kindred.LiveIndex.create(index_path)
    with pytest.raises(ValueError):
        kindred.LiveIndex.create(tmp_path / "bad", params={"bands": 0})
    with kindred.LiveIndex.open(index_path) as index:
        with pytest.raises(kindred.InputError, match="no words"):
            index.query(" ... -- ")


def _batch_stories(docs):
    """Stories of kindred.scan as (members, quotations, account) keyed by smallest member."""
    import json
    records = [json.loads(l) for l in kindred.scan(docs).to_jsonl().splitlines()]
    quotes = {}
    for r in records:
        if r["type"] == "quotation":
            quotes.setdefault(r["story"], []).append(
                (r["speaker"], [(v["doc"], v["begin"], v["end"], v["text"]) for v in r["variants"]]))
    out = {}
    for r in records:
        if r["type"] != "story":
            continue
        account = [(a["doc"], a["begin"], a["end"], a["text"], a["sources"],
                    [(v["doc"], v["begin"], v["end"], v["sources"]) for v in a.get("variants", [])])
                   for a in r["account"]]
        out[min(r["members"], key=[d[0] for d in docs].index)] = (
            sorted(r["members"]), quotes.get(r["story"], []), account)
    return out


def test_stories_final_after_sync_equal_a_batch_scan(tmp_path, corpus_docs, example_corpus):
    import json
    lines = (example_corpus.parent / "stories.jsonl").read_text(encoding="utf-8").splitlines()
    docs = list(corpus_docs) + [(d["id"], d["text"]) for d in map(json.loads, filter(None, lines))]
    with kindred.LiveIndex.create(tmp_path / "s") as index:
        for i in range(0, len(docs), 10):
            index.add(docs[i:i + 10])
            index.sync_stories(timeout=120)
            assert index.stats()["stories_pending"] == 0
            want = _batch_stories(docs[:i + 10])
            got = {}
            for s in {index.document(d[0])["story"] for d in docs[:i + 10]} - {None}:
                st = index.story(s, with_account=True)
                assert st["final"] and st["stories_pending"] == 0
                ids = dict(zip(st["members"], st["member_ids"]))
                account = [(ids[a["doc"]], a["begin"], a["end"], a["text"],
                            [ids[x] for x in a["sources"]],
                            [(ids[v["doc"]], v["begin"], v["end"], [ids[x] for x in v["sources"]])
                             for v in a["variants"]])
                           for a in st["account"]]
                quotes = [(q["speaker"], [(ids[v["doc"]], v["begin"], v["end"], v["text"])
                                          for v in q["variants"]]) for q in st["quotations"]]
                got[st["member_ids"][0]] = (sorted(st["member_ids"]), quotes, account)
            assert got == want
