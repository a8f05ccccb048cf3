"""PDF to text in reading order (pdfplumber). Tables become lines whose cells are
tab-separated, the shape every reader gives, so one table reader serves every input. Line
breaks inside a cell are wrapping, not content, and are removed (商业企\\n业 → 商业企业)."""
from __future__ import annotations

import io
import re

from gongkai.inference.read.limits import Limits, too_large
from gongkai.inference.read.errors import RawText, ReadError
from gongkai.inference.read.ocr import INSTALL_HINT  # a cheap import: the engine loads on first use

_CELL_SPACE = re.compile(r"\s*\n\s*")


def clean_cell(text: str | None) -> str:
    return _CELL_SPACE.sub("", text or "").strip()


def pdf_to_text(data: bytes, limits: Limits = Limits()) -> tuple[str, dict, list[str], list]:
    """(text, meta, warnings, OCR confidences). Page footers (— 3 —) stay in the text; the section tagger
    labels them boilerplate. The page count is checked against --max-pages before any page
    is read, and the text against --max-chars as it grows; each page's parsed objects are
    let go once it is read, so memory follows one page, not the document."""
    import pdfplumber

    lines: list[str] = []
    page_starts: list[int] = []
    chars = 0
    length = 0  # of the text so far
    read_by_ocr = _Ocr(data)
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        declared = _declared_pages(pdf)
        if declared is not None and declared > limits.max_pages:
            raise ReadError(too_large("PDF", declared, limits.max_pages, "--max-pages", unit="pages"))
        pages = pdf.pages
        if len(pages) > limits.max_pages:
            raise ReadError(too_large("PDF", len(pages), limits.max_pages, "--max-pages", unit="pages"))
        for number, page in enumerate(pages, 1):
            page_starts.append(length)
            chars += len(page.chars)
            if not page.chars:  # a scanned page (a picture, no text layer): OCR it, with the extra
                items = [(0.0, 0, read_by_ocr.page(number))] if page.images else []
            else:
                tables = [t for t in page.find_tables() if _is_real_table(t)]
                boxes = [t.bbox for t in tables]
                prose = page.filter(lambda obj: not _inside(obj, boxes)) if boxes else page
                items = [(line["top"], 0, line["text"]) for line in prose.extract_text_lines()]
                for k, table in enumerate(tables):
                    rows = ["\t".join(clean_cell(c) for c in row) for row in table.extract()]
                    items.append((table.bbox[1], 1 + k, "\n".join(r for r in rows if r.strip("\t"))))
                # a table published as a picture on a page with text: its place in the page
                items += [(top, 99, piece) for top, piece in read_by_ocr.pictures(number)]
            for _, _, text in sorted(items, key=lambda item: (item[0], item[1])):
                if isinstance(text, tuple):  # OCR'd text and the confidences of its pieces
                    text, ranges = text
                    read_by_ocr.place(ranges, length)
                if text.strip():
                    lines.append(text.rstrip())
                    length += len(lines[-1]) + 1
            page.close()
            if length > limits.max_chars:
                raise ReadError(too_large("extracted text", length, limits.max_chars, "--max-chars",
                                          unit="characters") + f" by page {len(page_starts)}")
        meta = {"pages": len(pages), "page_starts": page_starts}
    warnings = list(read_by_ocr.warnings)
    if read_by_ocr.pages:
        meta["ocr"] = {"engine": read_by_ocr.engine, "pages": read_by_ocr.pages}
    if chars == 0 and not read_by_ocr.pages:
        warnings.append("scanned PDF: no text layer, and no picture on its pages that OCR could read; no text "
                        "extracted" if read_by_ocr.enabled
                        else f"scanned PDF: no text layer; reading it needs OCR, which is not installed "
                             f"({INSTALL_HINT}); no text extracted")
    elif read_by_ocr.skipped:
        warnings.append(f"pages {read_by_ocr.skipped} have no text layer and were not read: OCR is not installed "
                        f"({INSTALL_HINT})")
    return "\n".join(lines), meta, warnings, read_by_ocr.confidences


class _Ocr:
    """OCR for the parts of a PDF that have no text: scanned pages, and pictures large enough
    to be a table (`gongkai[ocr]`). Without the extra it reads nothing and says so."""

    PICTURE = 0.15  # of the page's area: smaller pictures are logos and seals, not tables

    def __init__(self, data: bytes):
        from gongkai.inference.read import ocr

        self.data, self.ocr = data, ocr
        self.enabled = ocr.available()
        self.pages: list[int] = []
        self.skipped: list[int] = []
        self.warnings: list[str] = []
        self.confidences: list[tuple[int, int, float]] = []
        self.engine = ""
        self._regions = None

    def page(self, number: int):
        if not self.enabled:
            self.skipped.append(number)
            return ""
        return self._read(self.ocr.ocr_pdf_pages(self.data, [number]), number)

    def pictures(self, number: int) -> list[tuple[float, tuple]]:
        if not self.enabled:
            return []
        if self._regions is None:
            self._regions = self.ocr.image_regions(self.data, min_fraction=self.PICTURE)
        return [(region[1], self._read(self.ocr.ocr_pdf_pages(self.data, [number], regions={number: [region]}), number))
                for region in self._regions.get(number, [])]

    def _read(self, result, number: int):
        self.engine = result.engine
        if result.text.strip() and number not in self.pages:
            self.pages.append(number)
        self.warnings += result.warnings
        return result.text, [(s, e, c) for s, e, c, _ in result.confidences]

    def place(self, ranges: list[tuple[int, int, float]], offset: int) -> None:
        self.confidences += [(s + offset, e + offset, c) for s, e, c in ranges]


def _declared_pages(pdf) -> int | None:
    """The page count the document's page tree declares (cheap: no page is parsed)."""
    try:
        from pdfminer.pdftypes import resolve1

        count = resolve1(resolve1(pdf.doc.catalog["Pages"]).get("Count"))
        return int(count) if isinstance(count, (int, float)) else None
    except Exception:  # a damaged page tree: the pages themselves are counted instead
        return None


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
        text, meta, warnings, confidences = pdf_to_text(data, limits)
    except (ReadError, MemoryError):
        raise
    except RecursionError:
        raise ReadError("unreadable PDF (its objects nest too deeply)") from None
    except Exception as exc:  # pdfminer raises many kinds on broken files
        raise ReadError(f"unreadable PDF ({_pdf_problem(exc)})") from None
    if not text.strip():
        raise ReadError(warnings[0] if warnings else "the PDF has no text")
    return RawText(text=text, meta=meta, warnings=warnings, confidences=confidences)


def _pdf_problem(exc: Exception) -> str:
    """What a pdfminer/pdfplumber exception says, in words where its class name says little."""
    if type(exc).__name__ == "PdfminerException" and exc.args and isinstance(exc.args[0], Exception):
        exc = exc.args[0]  # pdfplumber's wrapper around pdfminer's own exception
    name = type(exc).__name__
    message = " ".join(str(exc).split())[:160]
    if name in ("PDFSyntaxError", "PSEOF", "PSSyntaxError", "PDFNoValidXRef") or "No /Root object" in message \
            or "EOF" in message:
        return f"damaged or truncated file: {message or name}"
    if name in ("PDFEncryptionError", "PDFPasswordIncorrect", "PDFEncryptionWarning"):
        return "encrypted; a password is needed"
    return f"{name}: {message}" if message else name
