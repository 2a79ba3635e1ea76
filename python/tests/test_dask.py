"""kindred.dask on a real distributed cluster (three worker processes over TCP
on loopback): the same links, provenance, passages and families as the
single-machine scan, bad input handled the same way, and a worker killed
mid-run recovered."""

import json
import os
import subprocess
import sys

import pytest

distributed = pytest.importorskip("distributed")
pytest.importorskip("pandas")

import kindred  # noqa: E402
import kindred.dask  # noqa: E402
from conftest import records  # noqa: E402

COMPARED = ("documents", "rejected", "bytes", "tokens", "invalid_utf8", "candidate_pairs",
            "capped_buckets", "links", "relations", "families", "documents_in_families")


_SINGLE: dict = {}


def single_machine(path, skip_bad=False):
    """kindred.scan of the same input without stories (test_dask_stories.py compares
    the story phase with `kindred scan`); the Dask scans here run with stories=False."""
    key = (str(path), skip_bad)
    if key not in _SINGLE:
        _SINGLE[key] = kindred.scan(path, skip_bad=skip_bad, stories=False)
    return _SINGLE[key]


def dask_output(result) -> str:
    return "".join(open(path, encoding="utf-8").read() for path in result.files)


def summary(text: str) -> dict:
    rec = json.loads(records(text, "summary")[0])
    return {k: rec[k] for k in COMPARED}


KINDS = ("run", "link", "provenance", "passage", "family")


def assert_same_as_single_machine(result, single, rejected=0):
    ours = dask_output(result)
    theirs = single.to_jsonl()
    assert records(ours, *KINDS) == records(theirs, *KINDS)
    assert records(theirs, "passage"), "a corpus without passages tests nothing"
    assert len(records(ours, "provenance")) == len(records(ours, "link"))
    assert summary(ours) == summary(theirs)
    assert summary(ours)["rejected"] == rejected


def test_same_links_and_families_as_one_machine(dask_client, mixed_corpus, tmp_path):
    result = kindred.dask.scan(mixed_corpus, dask_client, output_dir=tmp_path / "out",
                               stories=False,
                               shard_bytes=1 << 20, link_rows=100)
    single = single_machine(mixed_corpus)
    assert single.stats.documents == 3000 and single.stats.links > 500
    assert result.shards >= 8  # big.jsonl cut into byte ranges, text files in groups
    assert result.component_rounds >= 2  # copies before originals: labels travel
    assert_same_as_single_machine(result, single)
    assert (result.input_files, result.files_skipped) == (single.files, single.files_skipped)
    assert result.files_skipped == 1  # notes.md
    names = sorted(os.listdir(tmp_path / "out"))
    assert names[0] == "0-run.jsonl" and names[-1] == "5-summary.jsonl"
    assert sum(n.startswith("1-links-") for n in names) == result.shards


def test_one_file_and_the_command_line(dask_client, synth_jsonl, tmp_path):
    """`python3 -m kindred.dask scan` against the running scheduler."""
    out = tmp_path / "cli"
    proc = subprocess.run(
        [sys.executable, "-m", "kindred.dask", "scan", str(synth_jsonl), "-o", str(out),
         "--scheduler", dask_client.scheduler.address, "--npartitions", "5", "--no-stories"],
        capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "links" in proc.stderr
    text = "".join((out / n).read_text(encoding="utf-8")
                   for n in sorted(os.listdir(out)) if n[0] in "012345")
    single = single_machine(synth_jsonl).to_jsonl()
    assert records(text, *KINDS) == records(single, *KINDS)
    assert records(text, "passage")
    assert summary(text) == summary(single)

    # --no-passages: the records of `kindred scan --no-passages`.
    proc = subprocess.run(
        [sys.executable, "-m", "kindred.dask", "scan", str(synth_jsonl), "-o", str(out),
         "--scheduler", dask_client.scheduler.address, "--npartitions", "3", "--no-passages",
         "--no-stories"],
        capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    text = "".join((out / n).read_text(encoding="utf-8")
                   for n in sorted(os.listdir(out)) if n[0] in "012345")
    assert not records(text, "passage")
    assert records(text, "run", "link", "provenance", "family") == \
        records(single, "run", "link", "provenance", "family")


def test_example_corpora_as_on_one_machine(dask_client, example_corpus, tmp_path):
    """The hand-made corpora: folders of text files and a JSON Lines file."""
    passages = 0
    for path in (example_corpus, example_corpus.parent / "stories.jsonl",
                 example_corpus.parent / "multilingual"):
        result = kindred.dask.scan(path, dask_client, output_dir=tmp_path / path.name,
                                   stories=False,
                                   npartitions=4)
        single = single_machine(path)
        ours, theirs = dask_output(result), single.to_jsonl()
        assert records(ours, *KINDS) == records(theirs, *KINDS), path
        assert summary(ours) == summary(theirs), path
        passages += len(records(ours, "passage"))
    assert passages > 0


def test_bad_records_as_on_one_machine(dask_client, bad_corpus, tmp_path):
    result = kindred.dask.scan(bad_corpus, dask_client, output_dir=tmp_path / "out",
                               stories=False,
                               skip_bad=True, shard_bytes=256 << 10, link_rows=50)
    single = single_machine(bad_corpus, skip_bad=True)
    assert_same_as_single_machine(result, single, rejected=5)

    def key(r):
        return (r.file, r.line, r.id, r.code, r.reason)

    assert sorted(map(key, result.rejections)) == sorted(map(key, single.rejections))
    rejects = (tmp_path / "out" / "rejects.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(rejects) == 5 and json.loads(rejects[0])["type"] == "rejected"

    with pytest.raises(kindred.InputError) as ours:
        kindred.dask.scan(bad_corpus, dask_client, output_dir=tmp_path / "strict", stories=False,
                          shard_bytes=256 << 10)
    with pytest.raises(kindred.InputError) as theirs:
        kindred.scan(bad_corpus)
    assert (ours.value.file, ours.value.line, ours.value.code) == \
        (theirs.value.file, theirs.value.line, theirs.value.code) == \
        (str(bad_corpus / "a.jsonl"), 6, "data error")


class KillOnce(distributed.WorkerPlugin):
    """A worker plugin that kills its worker's process (os._exit, no clean-up)
    when the first task whose key contains `prefix` starts on it; a marker
    file makes that happen once in the whole cluster."""

    name = "kindred-kill-once"

    def __init__(self, marker: str, prefix: str):
        self.marker = marker
        self.prefix = prefix

    def setup(self, worker):
        pass

    def teardown(self, worker):
        pass

    def transition(self, key, start, finish, **kwargs):
        if finish != "executing" or self.prefix not in str(key):
            return
        try:
            fd = os.open(self.marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            return
        os.write(fd, str(os.getpid()).encode())
        os.close(fd)
        os._exit(1)


@pytest.mark.parametrize("stage", ["kindred-verify", "_families", "_read_texts"])
def test_a_worker_killed_mid_run(dask_client, mixed_corpus, tmp_path, stage):
    """The worker that starts the first verification (family, text reading) task
    dies with the sketches, pairs, links and texts it holds; Dask runs its tasks elsewhere,
    recomputes what was lost, and the output is unchanged."""
    import cloudpickle

    cloudpickle.register_pickle_by_value(sys.modules[__name__])
    marker = tmp_path / "killed"
    pids = set(dask_client.run(os.getpid).values())
    dask_client.register_worker_plugin(KillOnce(str(marker), stage))
    result = kindred.dask.scan(mixed_corpus, dask_client, output_dir=tmp_path / "out",
                               stories=False,
                               shard_bytes=1 << 20, link_rows=300)
    assert marker.exists(), "no worker was killed"
    killed = int(marker.read_text())
    assert killed in pids
    assert killed not in dask_client.run(os.getpid, on_error="ignore").values()
    assert_same_as_single_machine(result, single_machine(mixed_corpus))


def test_texts_read_back_must_still_be_there(tmp_path):
    """A shard whose file lost documents since it was sketched is an error,
    not links without passages."""
    import pandas as pd

    path = tmp_path / "in.jsonl"
    path.write_text('{"id": "a", "text": "one two three four"}\n', encoding="utf-8")
    pieces = [("path", str(path).encode(), b"", 0, 0, 0)]
    fields = {"text": "text", "id": "id"}
    got = kindred.dask._read_texts(3, pieces, pd.DataFrame({"key": [3 << 32]}), fields, 0)
    assert got["text"].tolist() == [b"one two three four"]
    with pytest.raises(OSError, match="must not change"):
        kindred.dask._read_texts(3, pieces, pd.DataFrame({"key": [3 << 32 | 1]}), fields, 0)


def test_command_line_has_every_parameter_of_the_table(capsys):
    """kindred-dask's options are the parameter table's (kindred/params.h), as
    `kindred scan`'s are, and their values reach Params' validation."""
    import kindred.dask as kd
    with pytest.raises(SystemExit):
        kd.main(["scan", "--help"])
    usage = capsys.readouterr().out
    for _, option, _, _ in kindred._kindred.param_table():
        assert f"--{option} " in usage, option
    # Refused before any cluster starts, naming the option as `kindred scan` does.
    assert kd.main(["scan", "x.jsonl", "-o", "out", "--local-workers", "1",
                    "--story-link", "2"]) == 2
    assert "--story-link must be in (0, 1]" in capsys.readouterr().err
