"""Corpora larger than one machine: the same pipeline on Ray Data (`pip install gongkai[ray]`).

    import ray
    from gongkai.inference.apps.distributed import extract_with_ray, read_output
    ray.init()                                   # or ray.init(address="auto") on a cluster
    extract_with_ray(["s3://bucket/reports/"], "s3://bucket/records/", concurrency=64)
    for record in read_output("s3://…/records/"): …

`read_binary_files` lists and reads the files on the cluster; `map_batches` runs
`ExtractBatch`, a class, so each worker builds its pipeline once; `write_json` writes one
JSON object per report, `{"path": …, "record": "<the record as JSON>"}` (the record is kept as
one JSON string because its metric keys differ from report to report, which a columnar
schema would not hold).
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Iterator, Sequence

from gongkai.inference.pipeline import Pipeline
from gongkai.io import record_line
from gongkai.inference.read import DEFAULT_MAX_BYTES, Limits


class ExtractBatch:
    """A Ray Data callable class: one pipeline per worker, a batch of files per call."""

    def __init__(self, max_bytes: int = DEFAULT_MAX_BYTES, no_text: bool = False, model: str | None = None,
                 rules_only: bool = False, limits: Limits | None = None):
        limits = limits or Limits(max_bytes=max_bytes)
        self.pipeline = Pipeline.default(model=model, rules_only=rules_only, limits=limits)
        self.no_text = no_text

    def __call__(self, batch: dict) -> dict:
        paths, lines = [], []
        for data, path in zip(batch["bytes"], batch["path"]):
            path = str(path)
            # The pipeline's guard makes any failure of one file that file's error record; a
            # worker that dies is Ray's to retry (its fault tolerance), not this class's.
            record = self.pipeline.extract_bytes(bytes(data), source=path)  # the limits apply there
            paths.append(path)
            lines.append(record_line(record, no_text=self.no_text))
        return {"path": paths, "record": lines}


def extract_with_ray(paths: str | Sequence[str], output: str, concurrency: int = 2, batch_size: int = 16,
                     no_text: bool = False, max_bytes: int = DEFAULT_MAX_BYTES, model: str | None = None,
                     rules_only: bool = False, limits: Limits | None = None) -> None:
    """Extract every file under `paths` (local folders or object-store URIs) into `output`."""
    import ray

    ds = ray.data.read_binary_files(paths, include_paths=True)
    ds = ds.map_batches(ExtractBatch, fn_constructor_kwargs={"max_bytes": max_bytes, "no_text": no_text, "model": model,
                                                           "rules_only": rules_only, "limits": limits},
                        concurrency=concurrency, batch_size=batch_size, batch_format="default")
    ds.write_json(output)


def read_output(output: str | Path) -> Iterator[dict]:
    """The records a Ray run wrote (a local folder), in path order."""
    rows = []
    for file in sorted(Path(output).glob("*.json")):
        with open(file, encoding="utf-8") as fh:
            rows.extend(json.loads(line) for line in fh if line.strip())
    for row in sorted(rows, key=lambda r: r["path"]):
        yield json.loads(row["record"])
