"""End-to-end extraction speed with a model (default: the shipped one) on this machine.

    python benchmarks/model_speed.py [--model DIR] [--threads 2] [--mode hybrid|model]

Times `Pipeline.extract_path` over the seeds and the text reports (read included, model
loaded before timing), prints characters per second, seconds per 10,000 characters, and
peak resident memory of the process.
"""
from __future__ import annotations

import argparse
from pathlib import Path

from gongkai.inference import Pipeline
from gongkai.inference.tag.model import find_model
from gongkai.training.evaluation.measure import extraction_speed, speed_files


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--mode", default="hybrid", choices=("hybrid", "model"))
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--corpus")
    args = ap.parse_args()
    path = find_model(args.model)
    if path is None:
        raise SystemExit("no model: pass --model DIR")
    s = extraction_speed(Pipeline.default(model=path, mode=args.mode), speed_files(Path(args.corpus) if args.corpus else None),
                         repeat=args.repeat, threads=args.threads)
    print(f"model {path} ({args.mode}), {s['threads']} threads: {s['reports']} reports, {s['chars']:,} characters")
    print(f"{s['chars_per_s']:,.0f} chars/s (median of {args.repeat}); {s['s_per_10k']:.2f} s per 10,000 characters; "
          f"peak memory {s['peak_mib']:,.0f} MiB")


if __name__ == "__main__":
    main()
