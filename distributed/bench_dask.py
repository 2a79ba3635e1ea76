#!/usr/bin/python3
"""Throughput of kindred.dask with 1, 2, 4... worker processes on one machine,
against the single-machine scan of the same input (whose links, provenance,
passages and families each run must reproduce exactly).

    PYTHONPATH=build/python /usr/bin/python3 distributed/bench_dask.py CORPUS.jsonl \
        --workers 1 2 4 [--out /tmp/kindred-bench] [--no-passages]

Prints Markdown tables for BENCHMARKS.md: wall seconds per phase, documents/s
and MB/s (input bytes analysed); then the seconds workers spent computing +
transferring data in each phase (from Dask's task stream).
"""

import argparse
import os
import shutil
import sys
import time


def records(text, *types):
    return [l for l in text.splitlines() if any(f'"type":"{t}"' in l for t in types)]


def task_seconds(data, epoch, seconds):
    """Seconds the workers spent computing and transferring, by the phase whose
    wall-clock window the work started in."""
    bounds, at = [], epoch
    for phase, secs in seconds.items():
        at += secs
        bounds.append((at, phase))
    work = {phase: [0.0, 0.0] for phase in seconds}
    for task in data:
        for ss in task["startstops"]:
            if ss["action"] not in ("compute", "transfer"):
                continue
            phase = next((p for end, p in bounds if ss["start"] <= end), bounds[-1][1])
            work[phase][0 if ss["action"] == "compute" else 1] += ss["stop"] - ss["start"]
    return work


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus")
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    ap.add_argument("--out", default="/tmp/kindred-bench")
    ap.add_argument("--npartitions", type=int, default=None)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--no-passages", action="store_true",
                    help="copies only: no passage alignment, on either side")
    args = ap.parse_args()
    kinds = ("link", "provenance", "family") if args.no_passages else \
        ("link", "provenance", "passage", "family")

    import kindred
    import kindred.dask
    from distributed import Client, LocalCluster, get_task_stream

    single_s = {}
    for threads in (1, 2):
        t = time.perf_counter()
        single = kindred.scan(args.corpus, threads=threads, stories=False)
        single_s[threads] = time.perf_counter() - t
    expect = records(single.to_jsonl(), *kinds)
    mb = single.stats.bytes / 1e6
    docs = single.stats.documents
    print(f"corpus: {args.corpus}: {docs} documents, {mb:.1f} MB, {single.stats.links} links, "
          f"{single.stats.families} families", file=sys.stderr)
    for threads, secs in single_s.items():
        print(f"single machine, kindred.scan(threads={threads}, stories=False): {secs:.2f} s "
              f"({docs / secs:,.0f} docs/s)", file=sys.stderr)

    rows = []
    for n in args.workers:
        cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                               host="127.0.0.1", dashboard_address=None)
        client = Client(cluster)
        client.run(__import__, "kindred.dask")  # a running cluster has imported it already
        best = None
        for _ in range(args.repeat):
            out = os.path.join(args.out, f"w{n}")
            shutil.rmtree(out, ignore_errors=True)
            t = time.perf_counter()
            epoch = time.time()
            with get_task_stream(client) as stream:
                result = kindred.dask.scan(args.corpus, client, output_dir=out,
                                           npartitions=args.npartitions,
                                           passages=not args.no_passages)
            wall = time.perf_counter() - t
            result.work = task_seconds(stream.data, epoch, result.seconds)
            got = []
            for path in result.files:
                with open(path, encoding="utf-8") as f:
                    got += records(f.read(), *kinds)
            assert got == expect, "output differs from the single-machine scan"
            if best is None or wall < best[0]:
                best = (wall, result)
        client.close()
        cluster.close()
        wall, result = best
        rows.append((n, wall, result))
        print(f"{n} workers: {wall:.2f} s {result.seconds}", file=sys.stderr)

    print(f"load average after the runs: {os.getloadavg()}", file=sys.stderr)
    phases = list(rows[0][2].seconds)
    print("| workers | shards | " + " | ".join(phases) + " | total s | docs/s | MB/s |")
    print("|---:|---:|" + "---:|" * len(phases) + "---:|---:|---:|")
    for n, wall, r in rows:
        print(f"| {n} | {r.shards} | " + " | ".join(f"{r.seconds[p]:.2f}" for p in phases) +
              f" | {wall:.2f} | {docs / wall:,.0f} | {mb / wall:.1f} |")
    print()
    print("| workers | " + " | ".join(phases) + " | all |")
    print("|---:|" + "---:|" * (len(phases) + 1))
    for n, wall, r in rows:
        cells = [f"{r.work[p][0]:.1f} + {r.work[p][1]:.1f}" for p in phases]
        total = (sum(v[0] for v in r.work.values()), sum(v[1] for v in r.work.values()))
        print(f"| {n} | " + " | ".join(cells) + f" | {total[0]:.1f} + {total[1]:.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
