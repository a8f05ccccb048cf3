"""Speed of end-to-end extraction, measured the same way by the benchmark and the model card."""
from __future__ import annotations

import resource
import time
from pathlib import Path

from gongkai.training.data.annotations import REPO, corpus_root


def speed_files(corpus: Path | None = None) -> list[Path]:
    """The five seeds and the corpus's text and Markdown reports (17 reports, about 70,000 characters)."""
    files = sorted((REPO / "annotations" / "seeds").glob("*.txt"))
    reports = (corpus or corpus_root()) / "reports"
    if reports.exists():
        files += sorted(p for p in reports.iterdir() if p.suffix in (".txt", ".md"))
    return files


def extraction_speed(pipeline, files: list[Path], repeat: int = 3, threads: int = 2) -> dict:
    """Characters per second of `pipeline.extract_path` over `files` (median of `repeat` passes;
    one warm-up extraction first, so loading the model is not timed) and the process's peak memory."""
    import torch

    torch.set_num_threads(threads)
    pipeline.extract_path(files[0])
    chars = sum(len(f.read_text(encoding="utf-8")) for f in files)
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        for f in files:
            pipeline.extract_path(f)
        times.append(time.perf_counter() - t0)
    median = sorted(times)[len(times) // 2]
    return {"reports": len(files), "chars": chars, "threads": threads, "chars_per_s": chars / median,
            "s_per_10k": 10_000 / (chars / median), "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
