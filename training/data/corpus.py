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
    # the small sources first: the reports' prose is nearest the annual reports', and
    # `gongkai pretrain --max_chars` then cuts the 20M characters of laws, not them
    for name, field in (("government_work_reports.jsonl.gz", "content"), ("cpc_congress_reports.jsonl.gz", "content"),
                        ("laws.jsonl.gz", "text")):
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


# --- NER sets as plain pretraining text (never CLUENER dev: it scores the result) ----------

# (folder, file, reader): CLUENER train and its unlabelled test, MSRA, People's Daily.
NER_TEXT_FILES = (
    ("cluener2020", "train.json", "cluener"), ("cluener2020", "test.json", "cluener"),
    ("msra", "val/sentences.txt", "spaced"), ("msra", "test/sentences.txt", "spaced"),
    ("peoples_daily", "example.dev", "conll"), ("peoples_daily", "example.test", "conll"),
)


def json_stream(path: Path) -> Iterator[dict]:
    """The objects of a file of concatenated (pretty-printed) JSON objects, as CLUENER ships them."""
    decoder = json.JSONDecoder()
    raw = path.read_text(encoding="utf-8")
    pos = 0
    while pos < len(raw):
        while pos < len(raw) and raw[pos].isspace():
            pos += 1
        if pos >= len(raw):
            break
        obj, pos = decoder.raw_decode(raw, pos)
        yield obj


def conll_sentences(path: Path) -> Iterator[tuple[str, list[str]]]:
    """Character-per-line BIO files (`字 TAG`, a blank line between sentences) → (text, tags)."""
    chars: list[str] = []
    tags: list[str] = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if len(parts) >= 2:
                chars.append(parts[0])
                tags.append(parts[-1])
            elif not line.strip() and chars:
                yield "".join(chars), tags
                chars, tags = [], []
    if chars:
        yield "".join(chars), tags


def spaced_sentences(sentences: Path, tags: Path | None = None) -> Iterator[tuple[str, list[str]]]:
    """MSRA as shipped here: one sentence a line, characters separated by spaces, and a
    parallel file of tags (all O when it is missing)."""
    tag_lines = open(tags, encoding="utf-8") if tags and tags.exists() else None
    with open(sentences, encoding="utf-8") as fh:
        for line in fh:
            chars = line.split()
            row = tag_lines.readline().split() if tag_lines else ["O"] * len(chars)
            if chars and len(row) == len(chars):
                yield "".join(chars), row
    if tag_lines:
        tag_lines.close()


def ner_texts(corpus: Path | None = None) -> Iterator[str]:
    """Sentences of the public NER sets as plain text, for pretraining (labels unused)."""
    root = (corpus or corpus_root()) / "ner"
    for folder, name, kind in NER_TEXT_FILES:
        path = root / folder / name
        if not path.exists():
            continue
        if kind == "cluener":
            yield from (obj["text"] for obj in json_stream(path))
        elif kind == "spaced":
            yield from (text for text, _ in spaced_sentences(path))
        else:
            yield from (text for text, _ in conll_sentences(path))
