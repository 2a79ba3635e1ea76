"""kindred.dask's story phase on a real distributed cluster (three worker
processes over TCP on loopback): the same story and quotation records, and
links (rewrite links within stories included), provenance, passages and
families, as `kindred scan` on one machine, also when a worker is killed
mid-run."""

import os
import subprocess

import pytest

distributed = pytest.importorskip("distributed")
pytest.importorskip("pandas")

import kindred  # noqa: E402
import kindred.dask  # noqa: E402
from conftest import records  # noqa: E402

KINDS = ("link", "provenance", "passage", "family", "story", "quotation")


def cli_scan(cli, path, out, *flags) -> str:
    subprocess.run([cli, "scan", str(path), *flags, "-o", str(out)], check=True,
                   capture_output=True)
    return out.read_text(encoding="utf-8")


def dask_output(result) -> str:
    return "".join(open(path, encoding="utf-8").read() for path in result.files)


def assert_same(result, single: str, what):
    ours = dask_output(result)
    for kind in KINDS:
        assert records(ours, kind) == records(single, kind), (what, kind)


@pytest.fixture(scope="module")
def story_corpus(tmp_path_factory):
    """5,000 generated documents, a fifth of them in stories (`kindred synth --stories 0.2`)."""
    cli = os.environ.get("KINDRED_CLI")
    if not cli:
        pytest.skip("KINDRED_CLI not set")
    path = tmp_path_factory.mktemp("stories") / "c5k.jsonl"
    subprocess.run([cli, "synth", "-n", "5000", "--stories", "0.2", "-o", str(path)], check=True,
                   capture_output=True)
    return path


def test_example_corpora_stories_as_on_one_machine(dask_client, example_corpus, kindred_cli,
                                                    tmp_path):
    if kindred_cli is None:
        pytest.skip("KINDRED_CLI not set")
    stories = rewrites = 0
    for path in (example_corpus, example_corpus.parent / "stories",
                 example_corpus.parent / "multilingual"):
        single = cli_scan(kindred_cli, path, tmp_path / f"{path.name}.jsonl")
        result = kindred.dask.scan(path, dask_client, output_dir=tmp_path / path.name,
                                   npartitions=4, shard_bytes=4096)
        assert result.shards > 1, path
        assert_same(result, single, path)
        stories += len(records(single, "story"))
        rewrites += single.count('"relation":"rewrite"')
    assert stories > 0, "corpora without stories test nothing"
    assert rewrites > 0, "corpora without rewrite links test them not"


def test_generated_stories_as_on_one_machine(dask_client, story_corpus, kindred_cli, tmp_path):
    single = cli_scan(kindred_cli, story_corpus, tmp_path / "single.jsonl")
    result = kindred.dask.scan(story_corpus, dask_client, output_dir=tmp_path / "out",
                               shard_bytes=1 << 20)
    assert len(records(single, "story")) > 100 and records(single, "quotation")
    assert '"relation":"rewrite"' in single, "no rewrite links: the corpus tests too little"
    assert_same(result, single, story_corpus)
    assert result.stats.stories == len(records(single, "story"))


def test_no_rewrites_flag(dask_client, example_corpus, kindred_cli, tmp_path):
    if kindred_cli is None:
        pytest.skip("KINDRED_CLI not set")
    path = example_corpus.parent / "stories"
    single = cli_scan(kindred_cli, path, tmp_path / "single.jsonl", "--no-rewrites")
    result = kindred.dask.scan(path, dask_client, output_dir=tmp_path / "out", rewrites=False,
                               shard_bytes=4096)
    assert_same(result, single, path)
    assert not records(dask_output(result), "link")


def test_no_stories_flag(dask_client, example_corpus, tmp_path):
    result = kindred.dask.scan(example_corpus.parent / "stories", dask_client,
                               output_dir=tmp_path / "out", stories=False)
    assert not records(dask_output(result), "story", "quotation")


@pytest.mark.parametrize("stage", ["_similarities", "_groups"])
def test_a_worker_killed_in_the_story_phase(dask_client, example_corpus, kindred_cli, tmp_path,
                                            stage):
    if kindred_cli is None:
        pytest.skip("KINDRED_CLI not set")
    import cloudpickle
    import test_dask

    cloudpickle.register_pickle_by_value(test_dask)
    path = example_corpus.parent / "stories"
    single = cli_scan(kindred_cli, path, tmp_path / "single.jsonl")
    marker = tmp_path / "killed"
    dask_client.register_worker_plugin(test_dask.KillOnce(str(marker), stage))
    result = kindred.dask.scan(path, dask_client, output_dir=tmp_path / "out",
                               shard_bytes=4096)
    assert marker.exists(), "no worker was killed"
    assert_same(result, single, stage)


def test_story_counts_compose_over_parts(example_corpus):
    """The counts of two parts merged are the counts of the whole, and bad
    columns are a ValueError, not a crash."""
    import numpy as np

    from kindred import _kindred

    files = sorted((example_corpus.parent / "stories").iterdir())
    texts = [f.read_bytes() for f in files]
    dates = np.array([1709251200 + 86400 * (i % 9) for i in range(len(texts))], np.int64)
    dates[0] = _kindred.NO_TIME  # one undated document
    whole = _kindred.story_counts(texts, dates)
    half = len(texts) // 2
    merged = _kindred.merge_story_counts(_kindred.story_counts(texts[:half], dates[:half]),
                                         _kindred.story_counts(texts[half:], dates[half:]))
    assert whole[0] == merged[0] == len(texts)
    for x, y in zip(whole[1:5], merged[1:5]):
        assert np.array_equal(x, y)
    assert whole[5] == merged[5] and whole[5]
    with pytest.raises(ValueError):
        _kindred.story_counts(texts, dates[:1])
    with pytest.raises(ValueError):
        _kindred.story_read_ranges(np.array([0, 5], np.uint64), np.array([2], np.uint32),
                                   np.array([0], np.uint32), kindred.Params())
