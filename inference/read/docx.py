"""DOCX to text (python-docx): paragraphs and tables in document order, table cells
tab-separated as every reader writes them."""
from __future__ import annotations

import io

from gongkai.inference.read.limits import Limits
from gongkai.inference.read.errors import RawText, ReadError
from gongkai.inference.read.pdf import clean_cell

def docx_to_text(data: bytes) -> tuple[str, dict, list[str]]:
    """Paragraphs and tables in document order; a merged cell is written once per row."""
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    document = docx.Document(io.BytesIO(data))
    lines: list[str] = []
    tables = 0
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            text = Paragraph(child, document).text.strip()
            if text:
                lines.append(text)
        elif tag == "tbl":
            tables += 1
            for row in Table(child, document).rows:
                seen, cells = set(), []
                for cell in row.cells:
                    if id(cell._tc) in seen:
                        continue
                    seen.add(id(cell._tc))
                    cells.append(clean_cell(cell.text))
                if any(cells):
                    lines.append("\t".join(cells))
    props = document.core_properties
    meta = {"tables": tables}
    if props.title:
        meta["docx_title"] = props.title
    return "\n".join(lines), meta, [] if lines else ["the Word document has no text"]


def read(data: bytes, limits: Limits) -> RawText:
    try:
        text, meta, warnings = docx_to_text(data)
    except Exception as exc:  # a damaged zip or XML
        raise ReadError(f"unreadable Word document ({type(exc).__name__}: {exc})") from None
    if not text.strip():
        raise ReadError("the Word document has no text")
    return RawText(text=text, meta=meta, warnings=warnings)
