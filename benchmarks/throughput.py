"""Rules-only extraction throughput on the seeds and the real text reports.

    python benchmarks/throughput.py [--repeat 5] [--corpus ../shared/corpus]

Prints characters per second on one core (the process is pinned to one CPU when the
OS allows it), per file set and overall, plus peak memory.
"""
from __future__ import annotations

import argparse
import os
import resource
import time
from pathlib import Path

from gongkai.inference import Pipeline
from gongkai.inference.read import read_path

REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--corpus", default=str(REPO.parent / "shared" / "corpus"))
    args = ap.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    files = sorted((REPO / "annotations" / "seeds").glob("*.txt"))
    reports = Path(args.corpus) / "reports"
    if reports.exists():
        files += sorted(p for p in reports.iterdir() if p.suffix in (".txt", ".md"))
    pipeline = Pipeline.rules()
    docs = [(f, read_path(f)) for f in files]
    pipeline.process(read_path(files[0]))  # build the gazetteer automaton outside the timing
    chars = sum(len(d.text) for _, d in docs)
    times = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        for f, _ in docs:
            record = pipeline.extract_path(f)  # read included
            assert record.error is None, (f, record.error)
        times.append(time.perf_counter() - t0)
    best, median = min(times), sorted(times)[len(times) // 2]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"files: {len(files)}  characters: {chars:,}  repeats: {args.repeat}")
    print(f"rules-only, one core: {chars / median:,.0f} chars/s (median), {chars / best:,.0f} chars/s (best); "
          f"{len(files) / median:,.1f} reports/s; {median / len(files) * 1000:.1f} ms per report")
    print(f"peak memory: {peak:,.0f} MiB")


if __name__ == "__main__":
    main()
