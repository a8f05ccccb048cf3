"""End-to-end extraction speed with a model (default: the shipped one) on this machine.

    python benchmarks/model_speed.py [--model DIR] [--threads 2] [--mode hybrid|model]

Times `Pipeline.extract_path` over the seeds and the text reports (read included, model
loaded before timing), prints characters per second, seconds per 10,000 characters, and
peak resident memory of the process.
"""
from __future__ import annotations

import argparse
import resource
import time
from pathlib import Path

import torch

from gongkai.inference import Pipeline
from gongkai.inference.model_tagger import find_model

REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--mode", default="hybrid", choices=("hybrid", "model"))
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--corpus", default=str(REPO.parent / "shared" / "corpus"))
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    path = find_model(args.model)
    if path is None:
        raise SystemExit("no model: pass --model DIR")
    files = sorted((REPO / "annotations" / "seeds").glob("*.txt"))
    reports = Path(args.corpus) / "reports"
    if reports.exists():
        files += sorted(p for p in reports.iterdir() if p.suffix in (".txt", ".md"))
    pipeline = Pipeline.default(model=path, mode=args.mode)
    pipeline.extract_path(files[0])  # load the model outside the timing
    chars = sum(len(f.read_text(encoding="utf-8")) for f in files)
    times = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        for f in files:
            pipeline.extract_path(f)
        times.append(time.perf_counter() - t0)
    median = sorted(times)[len(times) // 2]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"model {path} ({args.mode}), {args.threads} threads: {len(files)} reports, {chars:,} characters")
    print(f"{chars / median:,.0f} chars/s (median of {args.repeat}); {10_000 / (chars / median):.2f} s per 10,000 characters; "
          f"peak memory {peak:,.0f} MiB")


if __name__ == "__main__":
    main()
