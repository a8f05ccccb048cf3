"""Batches: worker processes (each builds its pipeline once), results streamed to JSON Lines
in input order as they finish, a progress bar, resume, and a summary.

Output order is the input order (folders expand sorted), whatever `--jobs` is, so an
interrupted run resumed with `--resume` ends with the same file as an uninterrupted one.
"""
from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, TextIO

from gongkai.inference.figures.years import Figures
from gongkai.io import record_line

# Per worker process: its pipeline, built once by the pool initializer.
_worker: dict = {}


@dataclass
class Outcome:
    """What the parent needs of one finished input (the record itself goes out as a line)."""

    source: str
    line: str
    error: str | None
    warnings: int
    figures: Figures


@dataclass
class Summary:
    done: int = 0
    skipped: int = 0
    with_warnings: int = 0
    errors: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0

    def text(self) -> str:
        lines = [f"gongkai: {self.done} done, {self.skipped} skipped (already in the output), "
                 f"{self.with_warnings} with warnings, {len(self.errors)} errors, {self.seconds:.1f} s"
                 + (f" ({self.done / self.seconds:.1f} files/s)" if self.seconds > 0 and self.done else "")]
        lines += [f"gongkai:   error {src}: {err}" for src, err in self.errors[:50]]
        if len(self.errors) > 50:
            lines.append(f"gongkai:   … and {len(self.errors) - 50} more errors")
        return "\n".join(lines)


def _init_worker(make_pipeline: Callable, options: dict, threads: int) -> None:
    _worker["pipeline"] = make_pipeline()
    _worker["options"] = options
    model = _worker["pipeline"].model
    if model is not None:  # N workers each running torch on every core would oversubscribe them
        model.threads = threads


def _process(source: str) -> Outcome:
    return process_one(_worker["pipeline"], source, _worker["options"])


def process_one(pipeline, source: str, options: dict) -> Outcome:
    if source == "-":
        record = pipeline.extract_bytes(sys.stdin.buffer.read(), "<stdin>")
    else:
        record = pipeline.extract_path(source)
    if options.get("pretty"):
        data = record.to_dict()
        if options.get("no_text"):
            data.pop("text", None)
        line = json.dumps(data, ensure_ascii=False, indent=2)
    else:
        line = record_line(record, no_text=options.get("no_text", False))
    return Outcome(source, line, record.error, len(record.warnings), Figures.of(record))


def file_key(source: str) -> tuple[str, str]:
    """(path, sha256) of an input file, as records carry them; ("path", "") if unreadable."""
    try:
        return source, hashlib.sha256(Path(source).read_bytes()).hexdigest()
    except OSError:
        return source, ""


def done_keys(output: str) -> set[tuple[str, str]]:
    """Inputs already in an output file; a torn last line (a killed run) is cut off."""
    path = Path(output)
    if not path.exists():
        return set()
    data = path.read_bytes()
    keep = data.rfind(b"\n") + 1
    if keep != len(data):
        with open(path, "r+b") as fh:  # drop the partial record the interrupted run left
            fh.truncate(keep)
    keys = set()
    for line in data[:keep].decode("utf-8", errors="replace").splitlines():
        try:
            r = json.loads(line)
        except json.JSONDecodeError:
            continue
        if r.get("source"):
            keys.add((r["source"], (r.get("meta") or {}).get("sha256") or ""))
    return keys


def run_batch(inputs: Iterable[str], out: TextIO, make_pipeline: Callable, jobs: int = 1,
              options: dict | None = None, skip: set[tuple[str, str]] | None = None,
              progress: bool | None = None) -> tuple[Summary, list[Figures]]:
    from tqdm import tqdm

    options = options or {}
    started = time.perf_counter()
    summary = Summary()
    todo = []
    for source in inputs:
        if skip and source != "-" and file_key(source) in skip:
            summary.skipped += 1
            continue
        todo.append(source)
    figures: list[Figures] = []
    bar = tqdm(total=len(todo), unit="file", file=sys.stderr, disable=(not sys.stderr.isatty()) if progress is None else not progress,
               dynamic_ncols=True)
    try:
        for outcome in _outcomes(todo, make_pipeline, jobs, options):
            out.write(outcome.line + "\n")
            out.flush()
            summary.done += 1
            summary.with_warnings += outcome.warnings > 0
            figures.append(outcome.figures)
            if outcome.error:
                summary.errors.append((outcome.source, outcome.error))
                bar.write(f"gongkai: {outcome.source}: {outcome.error}", file=sys.stderr)
            bar.update(1)
    finally:
        bar.close()
    summary.seconds = time.perf_counter() - started
    return summary, figures


def _outcomes(todo: list[str], make_pipeline: Callable, jobs: int, options: dict):
    if jobs <= 1 or len(todo) <= 1 or "-" in todo:
        pipeline = make_pipeline()
        for source in todo:
            yield process_one(pipeline, source, options)
        return
    import multiprocessing

    # imap keeps the input order; chunksize 1 keeps workers busy with uneven file sizes.
    ctx = multiprocessing.get_context("fork" if hasattr(os, "fork") else "spawn")
    threads = max(1, (os.cpu_count() or 1) // jobs)
    with ctx.Pool(jobs, initializer=_init_worker, initargs=(make_pipeline, options, threads)) as pool:
        yield from pool.imap(_process, todo, chunksize=1)
