"""Warnings about what a page lost: a heading with nothing under it, tables replaced by
image names or rendered as empty cells, no headings at all, a page that is not a report."""
from __future__ import annotations

import re

from gongkai.doc import Doc
from gongkai.markers import split_marker

_IMAGE_NAME = re.compile(r"\b\d{8,}\.(?:png|jpe?g|gif|bmp)\b", re.I)
_EMPTY_ROW = re.compile(r"^(?:\|\s*)+\|?\s*$|^(?:\|\s*){3,}")


def layout_warnings(doc: Doc, texts: list[str]) -> list[str]:
    warnings: list[str] = []
    paragraphs = doc.paragraphs
    for i, p in enumerate(paragraphs):
        if p.heading != "top":
            continue
        nxt = paragraphs[i + 1] if i + 1 < len(paragraphs) else None
        if nxt is None or nxt.heading == "top" or nxt.section == "boilerplate":
            level, _ = split_marker(texts[i])
            marker = texts[i].strip()[:1] if level == "top" else ""
            warnings.append(f"section {marker} ({p.section}) has a heading but no content (table lost?)".replace("  ", " "))
    images = sorted({m.group() for t in texts if "." in t for m in _IMAGE_NAME.finditer(t)})
    if images:
        warnings.append(f"table lost: replaced by image file name(s) {', '.join(images[:5])}")
    empty_rows = sum(1 for t in texts if _EMPTY_ROW.match(t.strip()))
    if empty_rows >= 3:
        warnings.append(f"table lost: {empty_rows} table rows have only empty cells")
    if not any(p.heading == "top" for p in paragraphs):
        warnings.append("no section headings found; sections were guessed from keywords")
    if "信息公开" not in doc.view.text and "政务公开" not in doc.view.text:
        warnings.append("this does not look like a government information-disclosure annual report")
    return warnings
