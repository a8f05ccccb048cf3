"""Records as JSON Lines: the one writer and the one reader (batches, Ray, export, compare,
evaluate and the viewer all go through these)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable, Iterator

from .doc import Record


def record_line(record: Record | dict, no_text: bool = False) -> str:
    """One record as one JSON line (no newline inside: the file stays JSON Lines)."""
    data = record.to_dict() if isinstance(record, Record) else dict(record)
    if no_text:
        data.pop("text", None)
    return json.dumps(data, ensure_ascii=False)


class RecordsFileError(ValueError):
    """A records file that is not JSON Lines of gongkai records; the message names the line."""


def record_dicts(lines: Iterable[str], name: str) -> Iterator[dict]:
    """Each record of JSON Lines (from a file, standard input, a list) as a dict; a blank line
    is skipped, a line that is not a record is an error naming the line."""
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            raise RecordsFileError(f"{name}:{n}: not a JSON line ({exc.msg}); records files are JSON Lines, "
                                   "one record per line") from None
        if not isinstance(data, dict) or "source" not in data:
            raise RecordsFileError(f"{name}:{n}: not a gongkai record (a JSON object with a 'source')")
        yield data


def iter_record_dicts(path: str | Path) -> Iterator[dict]:
    with open(path, encoding="utf-8") as fh:
        yield from record_dicts(fh, str(path))


def read_records(path: str | Path) -> Iterator[Record]:
    for data in iter_record_dicts(path):
        yield Record.from_dict(data)
