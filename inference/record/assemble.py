"""The record: a pure assembly of what the components put on the Doc (RECORD.md)."""
from __future__ import annotations

from gongkai.doc import Doc, Record


def to_record(doc: Doc) -> Record:
    return Record(
        source=doc.source,
        text=doc.text,
        title=doc.title,
        agency=doc.agency,
        region=doc.region,
        level=doc.level,
        year=doc.year,
        published=doc.published,
        format=doc.format,
        script=doc.view.script,
        paragraphs=doc.paragraphs,
        sections=sections(doc),
        entities=doc.entities,
        metrics=doc.metrics,
        checks=doc.checks,
        tables=doc.tables,
        warnings=list(doc.warnings),
        meta={k: v for k, v in doc.meta.items() if k != "sha256"} | {"sha256": doc.meta.get("sha256")},
    )


def sections(doc: Doc) -> list[dict]:
    """Runs of paragraphs with one label; a top-level heading opens a new one."""
    out: list[dict] = []
    for p in doc.paragraphs:
        opens = p.heading == "top"
        if out and out[-1]["label"] == p.section and not opens:
            out[-1]["end"] = p.end
            out[-1]["paragraphs"].append(p.index)
            continue
        out.append({
            "label": p.section,
            "heading": doc.paragraph_text(p).strip() if opens else None,
            "start": p.start,
            "end": p.end,
            "paragraphs": [p.index],
        })
    return out
