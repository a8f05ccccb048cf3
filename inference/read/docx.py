"""DOCX to text (python-docx): paragraphs and tables in document order, table cells
tab-separated as every reader writes them.

A DOCX is a zip: its directory is read first (no member is inflated) and the document is
refused when its members unpack to more than --max-unpacked (a zip bomb of 2 GB of spaces
is a few MB on disk), or when it is not a zip at all; python-docx reads it only then, and
the text is checked against --max-chars as it grows, not once it is all in memory."""
from __future__ import annotations

import io
import zipfile

from gongkai.inference.read.limits import Limits, too_large
from gongkai.inference.read.errors import RawText, ReadError
from gongkai.inference.read.pdf import clean_cell

def check_zip(data: bytes, limits: Limits) -> None:
    """Refuse what python-docx must not inflate: a damaged zip, or members whose declared
    sizes add up past --max-unpacked. (zipfile stops inflating a member at its declared
    size, so a member that lies about its size cannot unpack to more than it declares.)"""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            members = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
        raise ReadError(f"unreadable Word document (damaged zip: {exc})") from None
    unpacked = sum(m.file_size for m in members)
    if unpacked > limits.max_unpacked:
        raise ReadError(too_large("Word document unpacked", unpacked, limits.max_unpacked, "--max-unpacked"))
    if not any(m.filename == "word/document.xml" for m in members):
        raise ReadError("unreadable Word document (no word/document.xml in the zip)")


def docx_to_text(data: bytes, limits: Limits = Limits()) -> tuple[str, dict, list[str]]:
    """Paragraphs and tables in document order; a merged cell is written once per row."""
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    check_zip(data, limits)
    document = docx.Document(io.BytesIO(data))
    lines: list[str] = []
    length = 0
    tables = 0

    def add(line: str) -> None:
        nonlocal length
        lines.append(line)
        length += len(line) + 1
        if length > limits.max_chars:
            raise ReadError(too_large("extracted text", length, limits.max_chars, "--max-chars", unit="characters"))

    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            text = Paragraph(child, document).text.strip()
            if text:
                add(text)
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
                    add("\t".join(cells))
    props = document.core_properties
    meta = {"tables": tables}
    if props.title:
        meta["docx_title"] = props.title
    return "\n".join(lines), meta, [] if lines else ["the Word document has no text"]


def read(data: bytes, limits: Limits) -> RawText:
    try:
        text, meta, warnings = docx_to_text(data, limits)
    except (ReadError, MemoryError):
        raise
    except Exception as exc:  # a damaged zip or XML
        raise ReadError(f"unreadable Word document ({type(exc).__name__}: {' '.join(str(exc).split())[:160]})") from None
    if not text.strip():
        raise ReadError("the Word document has no text")
    return RawText(text=text, meta=meta, warnings=warnings)
