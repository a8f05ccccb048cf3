"""Speed of end-to-end extraction, measured the same way by the benchmark and the model card,
and the agreement of a faster backend's tags with the fp32 model's."""
from __future__ import annotations

import resource
import time
from pathlib import Path

from gongkai.training.data.annotations import REPO, corpus_root

SUFFIXES = (".txt", ".md", ".html", ".htm")


def speed_files(paths: list[str | Path] | None = None, corpus: Path | None = None) -> list[Path]:
    """The given files and folders (every report file in a folder, recursively), else the seeds
    and the corpus's text and Markdown reports (17 reports, about 70,000 characters). A clear
    error, not an IndexError, when nothing is found (a non-editable install has no seeds beside it)."""
    files: list[Path] = []
    if paths:
        for p in map(Path, paths):
            files += sorted(f for f in p.rglob("*") if f.suffix.lower() in SUFFIXES) if p.is_dir() else [p]
    else:
        for seeds in (REPO / "annotations" / "seeds", Path.cwd() / "annotations" / "seeds"):
            if seeds.exists():
                files += sorted(seeds.glob("*.txt"))
                break
        reports = (corpus or corpus_root()) / "reports"
        if reports.exists():
            files += sorted(p for p in reports.iterdir() if p.suffix in (".txt", ".md"))
    files = [f for f in files if f.is_file()]
    if not files:
        raise FileNotFoundError("no reports to time: pass files or folders (e.g. ../shared/corpus/reports)")
    return files


def peak_mib() -> float:
    """This process's peak resident memory: VmHWM where Linux has it (ru_maxrss keeps the peak of
    the process that forked this one, so a fresh subprocess of a big parent reads big)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def extraction_speed(pipeline, files: list[Path], repeat: int = 3, threads: int = 2) -> dict:
    """Characters per second of `pipeline.extract_path` over `files` (median of `repeat` passes;
    one warm-up extraction first, so loading the model is not timed), per file as well, and
    the process's peak memory."""
    import os

    os.environ.setdefault("OMP_NUM_THREADS", str(threads))
    if getattr(pipeline, "model", None) is not None:
        pipeline.model.threads = pipeline.model.threads or threads
    if "torch" in __import__("sys").modules:
        import torch

        torch.set_num_threads(threads)
    pipeline.extract_path(files[0])
    sizes = {f: len(pipeline.extract_path(f).text or "") for f in files}
    per_file = {f: [] for f in files}
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        for f in files:
            t = time.perf_counter()
            pipeline.extract_path(f)
            per_file[f].append(time.perf_counter() - t)
        times.append(time.perf_counter() - t0)
    median = sorted(times)[len(times) // 2]
    chars = sum(sizes.values())
    return {"reports": len(files), "chars": chars, "threads": threads, "chars_per_s": chars / median,
            "s_per_10k": 10_000 / (chars / median), "peak_mib": peak_mib(),
            "files": [{"file": str(f), "chars": sizes[f], "seconds": sorted(per_file[f])[len(per_file[f]) // 2]}
                      for f in files]}


def by_size(files: list[dict], edges: tuple[int, ...] = (5_000, 20_000, 50_000)) -> list[dict]:
    """Characters per second by report size (buckets of text length)."""
    out = []
    bounds = (0, *edges, float("inf"))
    for lo, hi in zip(bounds, bounds[1:]):
        rows = [f for f in files if lo <= f["chars"] < hi]
        if rows:
            chars, secs = sum(r["chars"] for r in rows), sum(r["seconds"] for r in rows)
            out.append({"size": f"{lo:,}–{hi:,}" if hi != float("inf") else f"≥{lo:,}", "reports": len(rows),
                        "chars_per_s": chars / secs if secs else float("inf")})
    return out


def tag_agreement(folder: Path, golds, backends: tuple[str, ...] = ("onnx-int8", "onnx")) -> dict[str, dict]:
    """Share of characters whose span tag, and of paragraphs whose section, agree with the fp32
    torch model (no bf16), over the gold documents' paragraphs as the rules split them."""
    from gongkai.inference.pipeline import Pipeline
    from gongkai.inference.tag.model import ModelTagger
    from gongkai.training.data.annotations import document_bytes

    rules = Pipeline.rules(disable=["values", "metadata", "tables", "metrics", "checks"])
    docs = []
    for g in golds:
        data, _ = document_bytes(g)
        docs.append(rules.components["split"](rules.components["normalize"](__import__(
            "gongkai.inference.read", fromlist=["read_bytes"]).read_bytes(data, source=g.path or g.id))))
    reference = ModelTagger(folder, backend="torch", bf16=False)
    ref = [(reference.char_tags(d), reference.section_probs(d)) for d in docs]
    out = {}
    for name in backends:
        tagger = ModelTagger(folder, backend=name)
        same = total = sec_same = sec_total = 0
        for d, (ref_tags, ref_sec) in zip(docs, ref):
            tags, sec = tagger.char_tags(d), tagger.section_probs(d)
            for key, (tag, _, _) in ref_tags.items():
                total += 1
                same += tags.get(key, ("?",))[0] == tag
            for k, (label, _) in ref_sec.items():
                sec_total += 1
                sec_same += sec[k][0] == label
        out[name] = {"span_tags": same / max(1, total), "characters": total,
                     "sections": sec_same / max(1, sec_total), "paragraphs": sec_total}
    return out
