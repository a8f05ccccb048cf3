"""PDF to text in reading order (pdfplumber). Tables become lines whose cells are
tab-separated, the shape every reader gives, so one table reader serves every input. Line
breaks inside a cell are wrapping, not content, and are removed (商业企\\n业 → 商业企业)."""
from __future__ import annotations

import io
import re

from gongkai.inference.read.limits import Limits
from gongkai.inference.read.errors import RawText, ReadError

_CELL_SPACE = re.compile(r"\s*\n\s*")


def clean_cell(text: str | None) -> str:
    return _CELL_SPACE.sub("", text or "").strip()


def pdf_to_text(data: bytes) -> tuple[str, dict, list[str]]:
    """(text, meta, warnings). Page footers (— 3 —) stay in the text; the section tagger
    labels them boilerplate."""
    import pdfplumber

    lines: list[str] = []
    page_starts: list[int] = []
    chars = 0
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            page_starts.append(sum(len(line) + 1 for line in lines))
            chars += len(page.chars)
            tables = [t for t in page.find_tables() if _is_real_table(t)]
            boxes = [t.bbox for t in tables]
            prose = page.filter(lambda obj: not _inside(obj, boxes)) if boxes else page
            items = [(line["top"], 0, line["text"]) for line in prose.extract_text_lines()]
            for k, table in enumerate(tables):
                rows = ["\t".join(clean_cell(c) for c in row) for row in table.extract()]
                items.append((table.bbox[1], 1 + k, "\n".join(r for r in rows if r.strip("\t"))))
            for _, _, text in sorted(items, key=lambda item: (item[0], item[1])):
                if text.strip():
                    lines.append(text.rstrip())
        meta = {"pages": len(pdf.pages), "page_starts": page_starts}
    warnings = []
    if chars == 0:
        warnings.append("scanned PDF: no text layer (OCR is not supported); no text extracted")
    return "\n".join(lines), meta, warnings


def _is_real_table(table) -> bool:
    """pdfplumber also boxes framed text; a table has rows with two or more filled cells."""
    rows = table.extract()
    return sum(1 for row in rows if sum(1 for c in row if c and c.strip()) >= 2) >= 2


def _inside(obj: dict, boxes: list[tuple]) -> bool:
    cx = (obj.get("x0", 0) + obj.get("x1", 0)) / 2
    cy = (obj.get("top", 0) + obj.get("bottom", 0)) / 2
    return any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in boxes)


def read(data: bytes, limits: Limits) -> RawText:
    try:
        text, meta, warnings = pdf_to_text(data)
    except Exception as exc:  # pdfminer raises many kinds on broken files
        raise ReadError(f"unreadable PDF ({type(exc).__name__}: {exc})") from None
    if not text.strip():
        raise ReadError(warnings[0] if warnings else "the PDF has no text")
    return RawText(text=text, meta=meta, warnings=warnings)
