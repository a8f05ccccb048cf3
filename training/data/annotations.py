"""Gold annotations: stand-off JSON Lines, one document per line (annotations/README.md).

A document names its file (a path relative to the project, or `corpus/…` for
`../shared/corpus/…`) and the file's sha256, or carries its `text` inline (imports from
Label Studio). Offsets index the reader's text, the same `text` a record carries.
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Iterable

from gongkai.labels import FORMATS, SECTION_LABELS, SPAN_LABELS

REPO = Path(__file__).resolve().parents[2]  # the checkout (annotations/ and ../shared beside it)


class AnnotationError(Exception):
    """A gold file that cannot be used as it is; the message says what to fix."""


@dataclass
class GoldDoc:
    id: str
    paragraphs: list[dict]
    spans: list[dict]
    record: dict = field(default_factory=dict)
    path: str | None = None
    sha256: str | None = None
    text_length: int | None = None
    text: str | None = None  # inline text, for documents without a file
    level: str | None = None  # "record": only the record is gold (no paragraphs or spans)
    tables: dict | None = None  # gold table cells, where annotated

    def to_json(self) -> str:
        d = {k: v for k, v in asdict(self).items() if v is not None}
        return json.dumps(d, ensure_ascii=False)


def corpus_root() -> Path:
    return Path(os.environ.get("GONGKAI_CORPUS", REPO.parent / "shared" / "corpus"))


def resolve(path: str, base: Path | None = None) -> Path:
    if path.startswith("corpus/"):
        return corpus_root() / path[len("corpus/"):]
    p = Path(path)
    if p.is_absolute():
        return p
    return (base or REPO) / p


def gold_files(paths: Iterable[str | Path]) -> list[Path]:
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(sorted(p.glob("*.jsonl")))
        elif p.exists():
            out.append(p)
        else:
            raise AnnotationError(f"{p}: no such gold file or folder")
    return out


def load_gold(paths: Iterable[str | Path] | str | Path) -> list[GoldDoc]:
    if isinstance(paths, (str, Path)):
        paths = [paths]
    docs = []
    for file in gold_files(paths):
        for n, line in enumerate(file.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                d = json.loads(line)
                docs.append(GoldDoc(**{k: d[k] for k in d if k in GoldDoc.__dataclass_fields__}))
            except (json.JSONDecodeError, TypeError, KeyError) as exc:
                raise AnnotationError(f"{file}:{n}: not a gold document ({exc})") from None
    return docs


def write_gold(docs: Iterable[GoldDoc], path: str | Path) -> None:
    Path(path).write_text("".join(d.to_json() + "\n" for d in docs), encoding="utf-8")


def document_bytes(doc: GoldDoc) -> tuple[bytes, str]:
    """The annotated file's bytes and its name; raises when the file changed or is missing."""
    if doc.path is None:
        if doc.text is None:
            raise AnnotationError(f"{doc.id}: neither a path nor an inline text")
        return doc.text.encode("utf-8"), doc.id
    file = resolve(doc.path)
    if not file.exists():
        raise AnnotationError(f"{doc.id}: annotated file {file} not found (set GONGKAI_CORPUS for corpus/ paths)")
    data = file.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if doc.sha256 and digest != doc.sha256:
        raise AnnotationError(f"{doc.id}: sha256 mismatch for {file}: the file changed since it was annotated "
                              f"(expected {doc.sha256[:12]}…, found {digest[:12]}…)")
    return data, file.name


def document_text(doc: GoldDoc) -> str:
    """The reader's text of an annotated document (offsets index it)."""
    from gongkai.inference.read import read_bytes

    if doc.path is None and doc.text is not None:
        return doc.text
    data, name = document_bytes(doc)
    text = read_bytes(data, source=doc.path or doc.id, name=name).text
    if doc.text_length is not None and len(text) != doc.text_length:
        raise AnnotationError(f"{doc.id}: the reader's text has {len(text)} characters, the annotation {doc.text_length}")
    return text


def validate(doc: GoldDoc, text: str) -> list[str]:
    """Problems with a gold document: offsets, labels, overlaps, spans in boilerplate."""
    problems = []
    paras = sorted(doc.paragraphs, key=lambda p: p["start"])
    prev = 0
    for p in paras:
        if not 0 <= p["start"] < p["end"] <= len(text):
            problems.append(f"paragraph offsets out of range: {p}")
        if p["start"] < prev:
            problems.append(f"overlapping paragraphs at {p['start']}")
        prev = p["end"]
        if p["section"] not in SECTION_LABELS:
            problems.append(f"unknown section {p['section']!r}")
    for s in doc.spans:
        if not 0 <= s["start"] < s["end"] <= len(text):
            problems.append(f"span offsets out of range: {s}")
            continue
        if s["label"] not in SPAN_LABELS:
            problems.append(f"unknown span label {s['label']!r}")
        if "text" in s and text[s["start"]:s["end"]] != s["text"]:
            problems.append(f"span text {s['text']!r} differs from the document's {text[s['start']:s['end']]!r}")
    spans = sorted(doc.spans, key=lambda s: (s["start"], s["end"]))
    for a, b in zip(spans, spans[1:]):
        if b["start"] < a["end"]:
            problems.append(f"overlapping spans {a.get('text')!r} and {b.get('text')!r}")
    fmt = doc.record.get("format")
    if fmt is not None and fmt not in FORMATS:
        problems.append(f"unknown format {fmt!r}")
    return problems


def stats(docs: list[GoldDoc]) -> dict[str, Any]:
    spans: dict[str, int] = {}
    sections: dict[str, int] = {}
    for d in docs:
        for s in d.spans:
            spans[s["label"]] = spans.get(s["label"], 0) + 1
        for p in d.paragraphs:
            sections[p["section"]] = sections.get(p["section"], 0) + 1
    return {
        "documents": len(docs),
        "paragraphs": sum(len(d.paragraphs) for d in docs),
        "spans": sum(len(d.spans) for d in docs),
        "spans_per_label": dict(sorted(spans.items())),
        "paragraphs_per_section": dict(sorted(sections.items())),
    }
