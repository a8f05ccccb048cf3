"""The data that flows through the pipeline.

One `Doc` is created by the reader and annotated in place by every later stage, the
way spaCy components annotate a `Doc`. Every offset held here indexes `Doc.text`, the
original decoded or extracted text; conversions (OpenCC, width folding) live in a
`TextView` with a map back, so nothing downstream holds offsets into converted text.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

from .labels import SCHEMA

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
    source_type: str = "text"  # serialised as "from": "text" or "table"
    # Which table ("t2", "t3", "t4", or "stats": a 2008-2018 statistics table), for the merge
    # of table and prose figures; not part of the record.
    table: str | None = field(default=None, compare=False)

    def to_dict(self) -> dict:
        return {"value": self.value, "start": self.start, "end": self.end, "evidence": self.evidence,
                "from": self.source_type}

    @classmethod
    def from_dict(cls, d: dict) -> "Metric":
        return cls(d["value"], d.get("start"), d.get("end"), d.get("evidence") or "", d.get("from") or "text")


@dataclass
class Check:
    name: str
    ok: bool
    detail: str


@dataclass
class Doc:
    """A report being processed: the original text plus every component's annotations.

    The reader fills `text`, `meta` and `body_start`; then, in pipeline order, normalise sets
    `view`, split `paragraphs`, the taggers `section`s and `entities`, values the entities'
    values, metadata the fields about the report (title … format), tables `tables` and
    `table_metrics`, metrics `text_metrics` and `metrics`, checks `checks`. Any component
    may add `warnings`.
    """

    text: str
    source: str
    meta: dict[str, Any] = field(default_factory=dict)
    view: TextView | None = None
    paragraphs: list[Paragraph] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # Where the report body lies in `text`: a crawler header before it, or the site chrome a
    # reader recognised around a page's main content, is not body (labelled boilerplate).
    body_start: int = 0
    body_end: int | None = None  # None: to the end of the text
    # Text a reader got by OCR: (start, end, the engine's confidence); spans over it carry it.
    ocr_confidences: list[tuple[int, int, float]] = field(default_factory=list)
    # About the report (the metadata component).
    title: str | None = None
    title_view: str | None = None  # the title in the view's Simplified script
    agency: str | None = None
    region: dict | None = None
    level: str | None = None
    year: int | None = None
    published: str | None = None
    format: str = "unknown"
    # Figures.
    tables: dict[str, Any] = field(default_factory=dict)  # per-applicant columns of tables 2-4
    table_metrics: dict[str, Metric] = field(default_factory=dict)
    text_metrics: dict[str, Metric] = field(default_factory=dict)
    metrics: dict[str, Metric] = field(default_factory=dict)  # the record's: table figures over prose
    checks: list[Check] = field(default_factory=list)

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
    region: dict | None = None
    level: str | None = None
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
            "region": self.region,
            "level": self.level,
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

    @classmethod
    def from_dict(cls, d: dict) -> "Record":
        """The inverse of `to_dict` (a JSONL line back into a Record; `text` may be absent)."""
        names = {f.name for f in fields(Paragraph)}
        return cls(
            source=d.get("source") or "?",
            text=d.get("text") or "",
            title=d.get("title"), agency=d.get("agency"), region=d.get("region"), level=d.get("level"),
            year=d.get("year"), published=d.get("published"), format=d.get("format") or "unknown",
            script=d.get("script") or "simplified",
            paragraphs=[Paragraph(**{k: v for k, v in p.items() if k in names}) for p in d.get("paragraphs") or []],
            sections=list(d.get("sections") or []),
            entities=[_entity_from_dict(e) for e in d.get("entities") or []],
            metrics={k: Metric.from_dict(m) for k, m in (d.get("metrics") or {}).items()},
            checks=[Check(c["name"], c["ok"], c.get("detail", "")) for c in d.get("checks") or []],
            warnings=list(d.get("warnings") or []),
            error=d.get("error"),
            meta=dict(d.get("meta") or {}),
            tables=dict(d.get("tables") or {}),
        )


def _entity_dict(e: Entity) -> dict:
    d = asdict(e)
    d["from"] = d.pop("origin")
    if e.label != "AGENCY":
        d.pop("normalized")
    if e.resolved is None:
        d.pop("resolved")
    return d


def _entity_from_dict(d: dict) -> Entity:
    names = {f.name for f in fields(Entity)}
    e = {k: v for k, v in d.items() if k in names}
    e["origin"] = d.get("from", "text")
    return Entity(**e)
