"""The binding: scan, compare, sketch, errors, the GIL, and the stage functions
the Dask backend is built from."""

import json
import pickle
from dataclasses import astuple
import subprocess
import threading
import time

import pytest

import kindred
from kindred import _kindred
from conftest import records


def test_scan_finds_the_abridged_copy(example_corpus):
    result = kindred.scan(example_corpus)
    assert result.stats.documents == 15
    link = {(l.a, l.b): l for l in result.links}[("strike/abridged.txt", "strike/wire_full.txt")]
    assert link.relation == "contained"
    assert link.direction == "a_in_b"
    assert link.containment_a_in_b >= 0.9
    assert link.jaccard < 0.5
    family = result.families[link.family]
    assert {"strike/abridged.txt", "strike/wire_full.txt"} <= set(family.members)
    assert family.root in family.members
    assert result.documents[link.a_index].id == link.a


def test_scan_matches_the_command_line(example_corpus, synth_jsonl, kindred_cli, tmp_path):
    if kindred_cli is None:
        pytest.skip("KINDRED_CLI not set (the kindred executable)")
    for corpus in (example_corpus, synth_jsonl):
        out = tmp_path / "cli.jsonl"
        subprocess.run([kindred_cli, "scan", str(corpus), "-o", str(out), "-q", "--no-stories"],
                       check=True)
        cli = records(out.read_text(encoding="utf-8"), "run", "link", "family")
        ours = records(kindred.scan(corpus, stories=False).to_jsonl(), "run", "link", "family")
        assert ours == cli


def test_documents_in_any_form_give_the_same_scan(synth_docs):
    docs = list(synth_docs)[:600]
    as_docs = kindred.scan(docs, stories=False)
    as_dicts = kindred.scan([{"id": d.id, "text": d.text, "date": d.date} for d in docs],
                            stories=False)
    as_tuples = kindred.scan([(d.id, d.text) for d in docs], params={"bands": 64},
                             stories=False)
    assert as_docs.links == as_dicts.links
    assert as_docs.families == as_dicts.families  # roots prefer the earliest date
    assert [l[:10] for l in map(astuple, as_tuples.links)] == \
        [l[:10] for l in map(astuple, as_docs.links)]  # no dates: other roots, same links
    assert as_docs.stats.links > 50


def test_spilled_shingle_sets_give_the_same_scan(synth_jsonl, tmp_path):
    in_memory = kindred.scan(synth_jsonl, stories=False, memory_mb=4096)
    spilled = kindred.scan(synth_jsonl, stories=False, memory_mb=1, temp_dir=str(tmp_path))
    assert in_memory.stats.spilled_bytes == 0
    assert spilled.stats.spilled_bytes > 0 and spilled.stats.spill_error == ""
    assert spilled.links == in_memory.links
    with pytest.raises(ValueError):
        kindred.scan(synth_jsonl, stories=False, memory_mb=0)


def test_compare():
    a = "The council approved the new budget on Tuesday after a long debate about schools."
    c = kindred.compare(a, a.upper().replace("TUESDAY", "Tuesday"))
    assert c["relation"] == "exact" and c["same_text"] and c["jaccard"] == 1.0
    d = kindred.compare(a, a + " Critics said the plan would raise taxes for every family.")
    assert d["relation"] == "contained" and d["direction"] == "a_in_b"
    assert d["containment_a_in_b"] == 1.0 and d["shingles_a"] < d["shingles_b"]
    assert kindred.compare(a, "Something else entirely, about football.")["relation"] is None


def test_sketch():
    text = "Flood waters rose across the valley overnight, forcing hundreds to leave their homes."
    sketches = kindred.sketch([("x", text), {"id": "y", "text": text}, ("z", "other words here")])
    assert [s.id for s in sketches] == ["x", "y", "z"]
    x, y, z = sketches
    assert len(x.band_keys) == kindred.Params().bands
    assert x.shingle_count == len(x.shingles) > 0
    assert list(x.band_keys) == list(y.band_keys) and x.fingerprint == y.fingerprint
    assert list(x.band_keys) != list(z.band_keys)
    again = pickle.loads(pickle.dumps(sketches))
    assert [list(s.shingles) for s in again] == [list(s.shingles) for s in sketches]
    few = kindred.sketch([("x", text)], params=kindred.Params(bands=16, rows=8))
    assert len(few[0].band_keys) == 16


def test_params():
    p = kindred.Params(bands=32, rows=4, contained=0.9)
    assert (p.bands, p.rows, p.contained) == (32, 4, 0.9)
    assert ",bands:32,rows:4," in p.to_spec()
    assert [row[0] for row in kindred._kindred.param_table()] == list(p.__getstate__())
    assert pickle.loads(pickle.dumps(p)) == p
    assert kindred.Params() != p


def test_errors_become_exceptions(tmp_path, example_corpus):
    with pytest.raises(ValueError, match="bins"):
        kindred.Params(bands=100, rows=2)
    with pytest.raises(TypeError):
        kindred.Params(no_such_parameter=1)
    with pytest.raises(ValueError):
        kindred.scan(example_corpus, params={"link": 2.0})
    with pytest.raises(kindred.InputError) as missing:
        kindred.scan(tmp_path / "missing")
    assert missing.value.code == "not found"
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a", "text": "one two three four five six"}\n{"id": "b", "text": \n')
    with pytest.raises(kindred.InputError) as err:
        kindred.scan(bad)
    assert (err.value.code, err.value.line, err.value.file) == ("data error", 2, str(bad))
    assert isinstance(err.value, ValueError)
    result = kindred.scan(bad, skip_bad=True)
    assert result.stats.documents == 1
    assert [(r.line, r.code) for r in result.rejections] == [(2, "data error")]
    with pytest.raises(kindred.InputError, match="seen before"):
        kindred.scan([("a", "some words here"), ("a", "other words there")])
    with pytest.raises(TypeError):
        kindred.scan([42])


def test_gil_is_released_during_a_scan(synth_jsonl):
    """While a scan runs in another thread, this one keeps running Python."""
    results = []

    def work():
        results.append(kindred.scan(synth_jsonl, threads=1))

    start = time.perf_counter()
    thread = threading.Thread(target=work)
    thread.start()
    last = time.perf_counter()
    longest_gap = 0.0
    while thread.is_alive():
        now = time.perf_counter()
        longest_gap = max(longest_gap, now - last)
        last = now
    thread.join()
    duration = time.perf_counter() - start
    assert results, "the scan failed"
    assert duration > 0.3, "the scan is too short to tell"
    assert longest_gap < duration / 3, (longest_gap, duration)

    # Two scans at once, in two threads, give the same result as one.
    both = []
    threads = [threading.Thread(target=lambda: both.append(
        kindred.scan(synth_jsonl, threads=1, stories=False))) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert both[0].links == both[1].links == results[0].links
    assert both[0].families == results[0].families


def test_frames(example_corpus):
    pd = pytest.importorskip("pandas")
    result = kindred.scan(example_corpus)
    links = result.links_frame()
    assert isinstance(links, pd.DataFrame) and len(links) == result.stats.links
    assert {"a", "b", "relation", "jaccard", "family"} <= set(links.columns)
    fams = result.families_frame()
    assert len(fams) == result.stats.documents_in_families
    assert fams["is_root"].sum() == result.stats.families
    assert len(result.documents_frame()) == result.stats.documents


def test_synth_is_deterministic():
    a, b = kindred.synth(50, seed=3), kindred.synth(50, seed=3)
    assert [d.text for d in a] == [d.text for d in b]
    assert a[7].id == "d0000007"


# --- the stages behind kindred.dask ------------------------------------------


def _read(pieces, **kw):
    raw = _kindred.read_and_sketch(pieces, kindred.Params(), {}, 0, True, 1)
    docs = list(zip(raw["docs"].ids(), raw["origin_line"].tolist(),
                    raw["origin_offset"].tolist()))
    rejections = [(r.line, r.offset, r.id, r.code, r.reason) for r in raw["rejections"]]
    return docs, rejections


def test_times_are_read_once_and_travel_with_the_sketches(tmp_path):
    """A sketch part carries each document's time (read from its date when
    sketched) as a column, through pickling, without reading the date again."""
    path = tmp_path / "dated.jsonl"
    rows = [{"id": "utc", "date": "2024-03-01T12:00:00Z"},
            {"id": "offset", "date": "2024-03-01T14:00:00+02:00"},
            {"id": "none", "date": "sometime in spring"},
            {"id": "empty"}]
    path.write_text("".join(json.dumps(dict(r, text="words of the dated document " + r["id"]))
                            + "\n" for r in rows), encoding="utf-8")
    raw = _kindred.read_and_sketch([("path", str(path).encode(), b"", 0, 0, 0)],
                                   kindred.Params(), {}, 0, True, 1)
    docs = raw["docs"]
    want = [1709294400, 1709294400, _kindred.NO_TIME, _kindred.NO_TIME]
    assert docs.times().tolist() == want
    assert [d.time for d in docs] == [1709294400, 1709294400, None, None]
    again = pickle.loads(pickle.dumps(docs))
    assert again.times().tolist() == want
    assert again.dates() == docs.dates() == ["2024-03-01T12:00:00Z", "2024-03-01T14:00:00+02:00",
                                             "sometime in spring", ""]


def test_jsonl_ranges_read_like_the_whole_file(tmp_path):
    """Every way of cutting a file into two byte ranges yields the records of a
    whole-file read, with the same line numbers, offsets, ids and messages."""
    lines = [
        "\ufeff" + json.dumps({"id": "first", "text": "alpha beta gamma delta"}),
        json.dumps({"text": "no id field so the id names the line"}),
        "",
        "  ",
        "\ufeff" + json.dumps({"id": "inner-bom", "text": "a mark inside the file"}),
        '{"id": "broken", ',
        json.dumps({"id": "crlf", "text": "windows line ending here"}) + "\r",
        json.dumps({"id": "long", "text": "x " * 80}),
        json.dumps({"id": "last", "text": "no newline after the last record"}),
    ]
    path = tmp_path / "cut.jsonl"
    data = "\n".join(lines).encode("utf-8")
    path.write_bytes(data)
    file = str(path).encode()
    whole = _read([("path", file, b"", 0, 0, 0)])
    assert [d[0] for d in whole[0]] == ["first", f"{path}:2", "crlf", "long", "last"]
    assert [r[0] for r in whole[1]] == [5, 6]  # the inner mark breaks its line's JSON
    for cut in range(len(data) + 1):
        pieces = [("jsonl_range", file, b"", 0, cut, 0),
                  ("jsonl_range", file, b"", cut, len(data),
                   _kindred.count_newlines(file, 0, cut))]
        assert _read(pieces) == whole, cut


def test_bucket_pairs_follow_the_bucket_rule():
    # Band 0: a bucket of 3 documents (all pairs) and one of 2; band 1: 5
    # documents over max_bucket 3 (a star from the first and the chain); band 2:
    # a bucket of one.
    bands = [0] * 5 + [1] * 5 + [2]
    keys = [7, 7, 7, 8, 8] + [9] * 5 + [7]
    docs = [10, 11, 12, 13, 14, 20, 24, 21, 23, 22, 10]
    a, b, capped = _kindred.bucket_pairs(bands, keys, docs, 3)
    pairs = set(zip(a.tolist(), b.tolist()))
    within = {(10, 11), (10, 12), (11, 12), (13, 14)}
    star_chain = {(20, 21), (20, 22), (20, 23), (20, 24), (21, 22), (22, 23), (23, 24)}
    assert pairs == within | star_chain and capped == 1


def test_families_of_components_match_a_whole_scan(synth_docs):
    result = kindred.scan(list(synth_docs)[:1500], stories=False)
    links = result._raw.links
    import numpy as np

    cols = dict(
        a=np.array([l.a for l in links]), b=np.array([l.b for l in links]),
        relation=np.array([_kindred.relation_names().index(l.relation) for l in links],
                          dtype=np.uint8),
        shared=np.array([l.shared for l in links]), size_a=np.array([l.size_a for l in links]),
        size_b=np.array([l.size_b for l in links]))
    order = np.random.default_rng(1).permutation(len(links))  # any order of links
    docs = result.documents
    linked = sorted({l.a for l in links} | {l.b for l in links}, reverse=True)  # any order
    roots, offsets, members, _ = _kindred.families_from_links(
        **{k: v[order] for k, v in cols.items()}, doc_keys=np.array(linked),
        doc_shingles=np.array([docs[d].shingles for d in linked]),
        doc_times=np.array([_kindred.NO_TIME if docs[d].time is None else docs[d].time
                            for d in linked], dtype=np.int64))
    got = [(int(roots[i]), tuple(members[offsets[i]:offsets[i + 1]].tolist()))
           for i in range(len(roots))]
    assert got == [(f.root_index, f.member_indices) for f in result.families]


def test_read_texts_names_documents_as_read_and_sketch_does(tmp_path):
    """Texts read back by position are those of the sketched documents, with
    bad records, documents without words and folder files among them."""
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text("the first plain text file of the folder", encoding="utf-8")
    (folder / "sub" / "b.txt").write_text("a second file one level down", encoding="utf-8")
    (folder / "skip.md").write_text("not a document")
    records = [json.dumps({"id": "j1", "text": "alpha beta gamma delta"}), '{"id": "bad", ',
               json.dumps({"id": "blank", "text": " -- "}),
               json.dumps({"id": "j2", "text": "epsilon zeta eta theta"})]
    (folder / "c.jsonl").write_text("\n".join(records) + "\n", encoding="utf-8")
    pieces = [("folder_file", str(folder / n).encode(), n.encode(), 0, 0, 0)
              for n in ("a.txt", "c.jsonl", "skip.md", "sub/b.txt")]
    fields = {"text": "text", "id": "id"}
    raw = _kindred.read_and_sketch(pieces, kindred.Params(), fields, 0, True, 1)
    ids = raw["docs"].ids()
    assert ids == ["a.txt", "j1", "j2", "sub/b.txt"]
    assert len(raw["rejections"]) == 2  # the broken record and the one without words
    positions = raw["positions"].astype("int64")
    texts = _kindred.read_texts(pieces, fields, 0, positions)
    assert [t.decode() for t in texts] == [
        "the first plain text file of the folder", "alpha beta gamma delta",
        "epsilon zeta eta theta", "a second file one level down"]
    # A subset, a position asked twice, and one past the end (no document: empty).
    got = _kindred.read_texts(pieces, fields, 0, [positions[2], positions[2], 99])
    assert got == [b"epsilon zeta eta theta", b"epsilon zeta eta theta", b""]
    # Any order: each text where its position was asked.
    got = _kindred.read_texts(pieces, fields, 0, [positions[3], positions[0]])
    assert got == [b"a second file one level down", b"the first plain text file of the folder"]


def test_passage_records_are_the_scans(example_corpus):
    """Per link, the passage records kindred.scan writes after it."""
    result = kindred.scan(example_corpus, stories=False)
    texts = {d.id: open(example_corpus / d.id, encoding="utf-8").read()
             for d in result.documents}
    links = result.links
    got = _kindred.passage_records([l.a for l in links], [l.b for l in links],
                                   [texts[l.a].encode() for l in links],
                                   [texts[l.b].encode() for l in links])
    expected = records(result.to_jsonl(), "passage")
    assert "".join(r.decode() for r in got).splitlines() == expected
    assert len(expected) > len(links)
