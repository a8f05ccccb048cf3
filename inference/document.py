"""The data that flows through the pipeline.

One `Doc` is created by the reader and annotated in place by every later stage, the
way spaCy components annotate a `Doc`. Every offset held here indexes `Doc.text`, the
original decoded or extracted text; conversions (OpenCC, width folding) live in a
`TextView` with a map back, so nothing downstream holds offsets into converted text.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

def trim(text: str, start: int, end: int) -> tuple[int, int]:
    """The range without leading and trailing whitespace (scorers and taggers ignore it)."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def line_spans(text: str, start: int = 0, end: int | None = None):
    """(offset, line) for each line of text[start:end], offsets into `text`."""
    pos = start
    for line in text[start:end].split("\n"):
        yield pos, line
        pos += len(line) + 1


SECTION_LABELS = (
    "preamble",
    "overview",
    "proactive",
    "requests",
    "review_litigation",
    "fees",
    "problems",
    "other",
    "boilerplate",
)
SPAN_LABELS = ("COUNT", "PERCENT", "DATE", "AGENCY", "MONEY")
FORMATS = ("2021", "2019", "legacy", "unknown")
SCHEMA = "gongkai.report/1"


@dataclass
class TextView:
    """A normalised copy of the text (Simplified script, half-width digits) with a map back.

    `starts[i]`/`ends[i]` give the original character range that view character i came
    from; both are None when the view is a 1:1 image of the original.
    """

    text: str
    script: str = "simplified"
    starts: list[int] | None = None
    ends: list[int] | None = None

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        if self.starts is None or self.ends is None:
            return start, end
        if end <= start:
            pos = self.starts[start] if start < len(self.starts) else self._orig_len()
            return pos, pos
        return self.starts[start], self.ends[end - 1]

    def to_view(self, orig_start: int, orig_end: int) -> tuple[int, int]:
        """Smallest view range covering the original range (used by evaluation and tests)."""
        if self.starts is None or self.ends is None:
            return orig_start, orig_end
        import bisect

        vs = bisect.bisect_right(self.starts, orig_start) - 1
        ve = bisect.bisect_left(self.ends, orig_end) + 1
        return max(vs, 0), min(ve, len(self.text))

    def _orig_len(self) -> int:
        return self.ends[-1] if self.ends else 0


@dataclass
class Paragraph:
    index: int
    start: int
    end: int
    section: str | None = None
    confidence: float = 1.0
    source: str = "rules"
    # Set by the section tagger: the numbering level of a heading ("top", "sub") or None.
    heading: str | None = None


@dataclass
class Entity:
    label: str
    start: int
    end: int
    text: str
    value: Any = None
    unit: str | None = None
    approx: bool = False
    paragraph: int | None = None
    confidence: float = 1.0
    source: str = "rules"
    normalized: str | None = None
    resolved: str | None = None
    origin: str = "text"  # "text" or "table": where the span was found


@dataclass
class Metric:
    value: float | int
    start: int | None
    end: int | None
    evidence: str
    source_type: str = "text"  # serialised as "from"

    def to_dict(self) -> dict:
        return {
            "value": self.value,
            "start": self.start,
            "end": self.end,
            "evidence": self.evidence,
            "from": self.source_type,
        }


@dataclass
class Check:
    name: str
    ok: bool
    detail: str


@dataclass
class Doc:
    """A report being processed: the original text plus every stage's annotations."""

    text: str
    source: str
    meta: dict[str, Any] = field(default_factory=dict)
    view: TextView | None = None
    paragraphs: list[Paragraph] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # Where the report body starts and ends in `text` (a crawler header is not body).
    body_start: int = 0

    def paragraph_text(self, p: Paragraph) -> str:
        return self.text[p.start : p.end]

    def view_text(self, p: "Paragraph | Entity") -> str:
        """The normalised text of a paragraph or span, taken from the view."""
        vs, ve = self.view.to_view(p.start, p.end)
        return self.view.text[vs:ve]


@dataclass
class Record:
    """The output: one per input (RECORD.md). `error` is set when nothing could be read."""

    source: str
    text: str = ""
    title: str | None = None
    agency: str | None = None
    year: int | None = None
    published: str | None = None
    format: str = "unknown"
    script: str = "simplified"
    paragraphs: list[Paragraph] = field(default_factory=list)
    sections: list[dict] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    metrics: dict[str, Metric] = field(default_factory=dict)
    checks: list[Check] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    error: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    tables: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict:
        out: dict[str, Any] = {
            "schema": SCHEMA,
            "source": self.source,
            "title": self.title,
            "agency": self.agency,
            "year": self.year,
            "published": self.published,
            "format": self.format,
            "script": self.script,
            "text": self.text,
            "paragraphs": [asdict(p) for p in self.paragraphs],
            "sections": self.sections,
            "entities": [_entity_dict(e) for e in self.entities],
            "metrics": {k: m.to_dict() for k, m in self.metrics.items()},
            "checks": [asdict(c) for c in self.checks],
            "tables": self.tables,
            "warnings": list(self.warnings),
            "meta": self.meta,
        }
        if self.error is not None:
            out["error"] = self.error
        return out


def _entity_dict(e: Entity) -> dict:
    d = asdict(e)
    d["from"] = d.pop("origin")
    if e.label != "AGENCY":
        d.pop("normalized")
    if e.resolved is None:
        d.pop("resolved")
    return d
