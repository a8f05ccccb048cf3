"""Text for pretraining and tokenizer building: the prose of ../shared/corpus/pretrain
(laws deduplicated by title, government work reports, party congress reports) and the
report text of every annotated document except the test split."""
from __future__ import annotations

import gzip
import json
import re
from pathlib import Path
from typing import Iterator

from gongkai.training.data.annotations import REPO, corpus_root, document_text, load_gold

_MARKDOWN = re.compile(r"^#+\s*|<!--.*?-->", re.M)


def pretrain_texts(corpus: Path | None = None) -> Iterator[str]:
    root = (corpus or corpus_root()) / "pretrain"
    seen_titles: set[str] = set()
    for name, field in (("laws.jsonl.gz", "text"), ("government_work_reports.jsonl.gz", "content"),
                        ("cpc_congress_reports.jsonl.gz", "content")):
        path = root / name
        if not path.exists():
            continue
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            for line in fh:
                row = json.loads(line)
                title = re.sub(r"\(.*?\)|（.*?）", "", Path(row.get("path") or row.get("title") or "").stem)
                if name.startswith("laws") and title in seen_titles:
                    continue  # near-duplicate versions of a local regulation
                seen_titles.add(title)
                text = row.get(field) or row.get("text") or row.get("content") or ""
                if text:
                    yield _MARKDOWN.sub("", text)


def report_texts(split_files: list[str] | None = None) -> Iterator[str]:
    """Annotated report text, train side only by default (never the test split)."""
    files = split_files or [str(REPO / "annotations" / "gold" / "train.jsonl")]
    for gold in load_gold(files):
        try:
            yield document_text(gold)
        except Exception:  # a corpus file missing here: skip it, pretraining goes on
            continue


def paragraphs(texts: Iterator[str], min_len: int = 8) -> Iterator[str]:
    for text in texts:
        for line in text.split("\n"):
            line = line.strip()
            if len(line) >= min_len:
                yield line
