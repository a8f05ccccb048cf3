"""OCR for scanned reports: PDF pages without a text layer, PDF pages whose tables are
pictures, and image files (.png .jpg .jpeg .tif). An optional extra:
``pip install "gongkai[ocr]"``.

The engine is RapidOCR 3 (PaddleOCR's PP-OCRv6 models converted to ONNX, run by ONNX
Runtime); its Chinese detection and recognition models come inside the ``rapidocr`` wheel
and are loaded by path, so nothing is downloaded at run time. Chosen by measurement, on
image-only copies (150 dpi) of the three real PDFs read by the rules pipeline: RapidOCR 3.10
finds 111 of the 111 gold metrics (as the text layer does), rapidocr_onnxruntime 1.4
(PP-OCRv4) 74, Tesseract 5.3 with chi_sim 36 (it reads ruled table cells' digits as
| 1 座 …, even with the rules whitened); characters of the text layer matched in order:
0.978, 0.962, 0.916. Both others can still be asked for (``engine="tesseract"`` needs
Debian's ``tesseract-ocr`` and ``tesseract-ocr-chi-sim``). ``benchmarks/ocr_speed.py``
measures pages per second.

Where it applies: `pages_without_text` (a PDF page with no text layer) and
`image_regions` (pictures on a page, e.g. a table published as an image) say which pages or
parts of pages to give to `ocr_pdf_pages`; `ocr_image` reads PNG, JPEG and (multi-page)
TIFF files.

What comes back has the shape the PDF reader gives: lines in reading order joined by
"\\n", and the boxes on one row of a table as tab-separated cells (``label\\tn1\\tn2…``),
so the same table parser reads OCR'd tables. The layout step (`layout`) is a pure
function over boxes, testable without an engine. Every OCR'd piece of text keeps the
engine's confidence as a (start, end, confidence, page) range over the returned text; a
digit read with less confidence than `low_confidence` gives a warning naming its page and
the text around it.

Importing this module is cheap: the engine and its libraries load on first use.
"""
from __future__ import annotations

import importlib.util
import io
import re
import shutil
import statistics
import subprocess
import threading
from dataclasses import dataclass, field
from typing import Iterable, Sequence

__all__ = [
    "ENGINES", "DEFAULT_ENGINE", "INSTALL_HINT", "IMAGE_SUFFIXES", "Box", "OcrText", "OcrUnavailable", "Rules",
    "available", "missing_message", "get_engine", "layout", "line_height", "find_rules",
    "ocr_image", "ocr_pdf_pages", "ocr_pil", "render_pdf_pages", "pages_without_text", "image_regions",
]

ENGINES = ("rapidocr", "rapidocr_onnxruntime", "tesseract")
DEFAULT_ENGINE = "rapidocr"
INSTALL_HINT = 'pip install "gongkai[ocr]"'
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff")
DEFAULT_DPI = 150
LOW_CONFIDENCE = 0.8


class OcrUnavailable(RuntimeError):
    """The OCR engine is not installed (or cannot load its models); the message says how to fix it."""


@dataclass(frozen=True)
class Box:
    """One piece of text the engine found, in pixels of the page image (y grows downwards)."""
    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    confidence: float = 1.0

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2


@dataclass
class OcrText:
    text: str = ""
    confidences: list[tuple[int, int, float, int]] = field(default_factory=list)  # (start, end, confidence, page)
    pages: list[int] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    engine: str = ""
    page_starts: list[int] = field(default_factory=list)  # offset in `text` where each of `pages` begins

    def extend(self, other: "OcrText") -> None:
        """Append another page's (or region's) text on a new line, shifting its ranges."""
        shift = len(self.text) + 1 if self.text else 0
        if self.text and other.text:
            self.text += "\n"
        elif not other.text:
            shift = len(self.text)
        self.text += other.text
        self.confidences += [(s + shift, e + shift, c, p) for s, e, c, p in other.confidences]
        for page, start in zip(other.pages, other.page_starts or [0] * len(other.pages)):
            if page not in self.pages:
                self.pages.append(page)
                self.page_starts.append(start + shift)
        self.warnings += other.warnings
        self.engine = self.engine or other.engine


# --- availability ------------------------------------------------------------------------


def _has_module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def _tesseract_langs() -> set[str]:
    exe = shutil.which("tesseract")
    if not exe:
        return set()
    try:
        out = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return set()
    return {line.strip() for line in out.splitlines()[1:] if line.strip()}


def available(engine: str | None = None) -> bool:
    """Whether `engine` (default: the default engine) can run here. Cheap: nothing is imported."""
    engine = engine or DEFAULT_ENGINE
    if engine == "rapidocr":
        return _has_module("rapidocr") and _has_module("onnxruntime")
    if engine == "rapidocr_onnxruntime":
        return _has_module("rapidocr_onnxruntime")
    if engine == "tesseract":
        return "chi_sim" in _tesseract_langs()
    raise ValueError(f"unknown OCR engine {engine!r} (known: {', '.join(ENGINES)})")


def missing_message(engine: str | None = None) -> str:
    engine = engine or DEFAULT_ENGINE
    if engine == "tesseract":
        return ("OCR with Tesseract needs the tesseract binary and its Simplified Chinese data: "
                "apt-get install tesseract-ocr tesseract-ocr-chi-sim")
    return (f"OCR (scanned PDFs, tables published as images, image files) needs the optional OCR extra: "
            f"{INSTALL_HINT}")


# --- layout: boxes → lines and tab-separated cells -------------------------------------------

_NUMERIC = re.compile(r"[-+]?\d[\d,]*(?:\.\d+)?%?|[-+]?\.\d+")
_DIGIT = re.compile(r"\d")
_ASCII_END = re.compile(r"[A-Za-z0-9.%)]$")
_ASCII_START = re.compile(r"^[A-Za-z0-9(]")


def _numeric(text: str) -> bool:
    return bool(_NUMERIC.fullmatch(text.strip().replace(" ", "")))


@dataclass
class _Row:
    boxes: list[Box]

    @property
    def cy(self) -> float:
        return statistics.median(b.cy for b in self.boxes)

    @property
    def h(self) -> float:
        return statistics.median(b.height for b in self.boxes)

    @property
    def y0(self) -> float:
        return min(b.y0 for b in self.boxes)

    @property
    def y1(self) -> float:
        return max(b.y1 for b in self.boxes)

    def numbers(self) -> list[Box]:
        return [b for b in self.boxes if _numeric(b.text)]

    def labels(self) -> list[Box]:
        return [b for b in self.boxes if not _numeric(b.text)]


def _x_overlap(a: Box, b: Box) -> float:
    return max(0.0, min(a.x1, b.x1) - max(a.x0, b.x0))


def _cluster_rows(boxes: list[Box], h: float) -> list[_Row]:
    """Rows by vertical centre: a box joins the row whose centre is nearest to its own, within
    half a line height, unless it would sit on top of a box already in that row (two stacked
    lines of one table cell are two rows here; `_merge_continuations` joins them)."""
    rows: list[_Row] = []
    for box in sorted(boxes, key=lambda b: (b.cy, b.x0)):
        best, best_d = None, None
        for row in rows[-8:]:
            d = abs(box.cy - row.cy)
            if d > 0.5 * min(box.height, row.h, 1.5 * h):
                continue
            if any(_x_overlap(box, other) > 0.3 * min(box.width, other.width) for other in row.boxes):
                continue
            if best_d is None or d < best_d:
                best, best_d = row, d
        if best is None:
            rows.append(_Row([box]))
        else:
            best.boxes.append(box)
    rows.sort(key=lambda r: r.cy)
    return rows


@dataclass
class Rules:
    """Ruling lines of the page's tables, in pixels: vertical (x, y0, y1) and horizontal
    (y, x0, x1) segments. Optional input of `layout`; `find_rules` finds them in an image."""
    vertical: list[tuple[float, float, float]] = field(default_factory=list)
    horizontal: list[tuple[float, float, float]] = field(default_factory=list)

    def vertical_between(self, x_left: float, x_right: float, y: float, tol: float = 3.0) -> bool:
        return any(x_left - tol <= x <= x_right + tol and y0 <= y <= y1 for x, y0, y1 in self.vertical)

    def horizontal_between(self, y_a: float, y_b: float, x0: float, x1: float) -> bool:
        lo, hi = min(y_a, y_b), max(y_a, y_b)
        mid = (x0 + x1) / 2
        return any(lo < y < hi and a <= mid <= b for y, a, b in self.horizontal)

    def ruled_row(self, y: float, x0: float, x1: float, h: float, reach: float = 3) -> bool:
        """Whether height y has ruling lines above and below it, within `reach` line heights,
        under x0–x1: it is inside a ruled table's cell."""
        mid = (x0 + x1) / 2
        near = [r for r, a, b in self.horizontal if a <= mid <= b and abs(r - y) <= reach * h]
        return any(r < y for r in near) and any(r > y for r in near)


def find_rules(image, h: float) -> Rules:
    """Ruling lines of an image: runs of dark pixels at least twice the line height long
    (no stroke of a character is), vertical and horizontal, a pixel of tilt tolerated."""
    import numpy as np

    dark = np.asarray(image.convert("L")) < 160
    length = max(12, int(2 * h))

    def segments(mask):  # runs along axis 0, one list per column: (column, start, end)
        mask = mask | np.roll(mask, 1, axis=1) | np.roll(mask, -1, axis=1)
        cols = np.flatnonzero(mask.sum(axis=0) >= length)
        out = []
        for c in cols:
            d = np.diff(np.concatenate([[0], mask[:, c].astype(np.int8), [0]]))
            starts, ends = np.flatnonzero(d == 1), np.flatnonzero(d == -1)
            keep = ends - starts >= length
            out += [(int(c), int(a), int(b)) for a, b in zip(starts[keep], ends[keep])]
        merged: list[list[int]] = []  # neighbouring columns of one thick line → one segment
        for c, a, b in out:
            for m in merged[-12:]:
                if c - m[1] <= 3 and a < m[3] and b > m[2]:
                    m[1], m[2], m[3] = c, min(a, m[2]), max(b, m[3])
                    break
            else:
                merged.append([c, c, a, b])
        return [((c0 + c1) / 2, float(a), float(b)) for c0, c1, a, b in merged]

    return Rules(vertical=segments(dark), horizontal=segments(dark.T))


def _merge_continuations(rows: list[_Row], h: float, rules: Rules | None) -> list[_Row]:
    """A box of a row without numbers that lies in the label column of a row with numbers
    just above or below it (no other box between them in that column) is the wrapped rest
    (or start) of that row's label: a multi-line table cell. It joins that row when no ruling
    line separates them (or, with no rules known, when it touches the label vertically), the
    nearer of the two by the numbers' centre (cell contents are centred, so the numbers sit
    between the lines of their label)."""
    changed = True
    while changed:
        changed = False
        for i, row in enumerate(rows):
            if row.numbers():
                continue
            for box in list(row.boxes):
                target = _continuation_target(rows, i, box, h, rules)
                if target is None:
                    continue
                target.boxes.append(box)
                row.boxes.remove(box)
                changed = True
            if changed:
                if not row.boxes:
                    del rows[i]
                break
    return rows


def _continuation_target(rows: list[_Row], i: int, box: Box, h: float, rules: Rules | None) -> _Row | None:
    best, best_d = None, None
    for step in (-1, 1):
        j = i + step
        while 0 <= j < len(rows) and abs(rows[j].cy - box.cy) <= 3 * h:
            target = rows[j]
            over = [b for b in target.boxes if _x_overlap(b, box) > 0]
            nums = target.numbers()
            if not over and not (nums and not target.labels()):
                j += step
                continue  # nothing of that row in this column: look past it
            if not nums or any(_numeric(b.text) for b in over):
                break
            over = over or nums  # a row of numbers whose label is all on other lines
            if box.x1 > min(b.x0 for b in nums) + 0.2 * h:
                break  # reaches into the number columns: a heading, not a label
            num_cy = statistics.median(b.cy for b in nums)
            if rules is not None and rules.ruled_row(num_cy, box.x0, box.x1, h):
                if rules.horizontal_between(box.cy, num_cy, box.x0, box.x1):
                    break  # a ruling line between them: another cell
            else:
                gap = max(min(b.y0 for b in over) - box.y1, box.y0 - max(b.y1 for b in over), 0.0)
                if gap > 0.6 * h:
                    break
            d = abs(box.cy - num_cy)
            if d <= 2.5 * h and (best_d is None or d < best_d):
                best, best_d = target, d
            break
    return best


_CJK_ONLY = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]+")


def _split_at_rules(box: Box, rules: Rules, h: float) -> list[Box]:
    """A box of Chinese text that a vertical ruling line crosses (the detector read two
    neighbouring header cells, 结果|结果, as one line) is cut there, its characters shared out
    by width (Chinese characters are all one width)."""
    if len(box.text) < 2 or not _CJK_ONLY.fullmatch(box.text):
        return [box]
    char = box.width / len(box.text)
    cuts = sorted({x for x, y0, y1 in rules.vertical
                   if box.x0 + 0.6 * char < x < box.x1 - 0.6 * char and y0 <= box.y0 + 0.2 * h and y1 >= box.y1 - 0.2 * h})
    if not cuts:
        return [box]
    pieces, start, left = [], 0, box.x0
    for x in cuts + [box.x1]:
        end = len(box.text) if x == box.x1 else round((x - box.x0) / char)
        if end > start:
            pieces.append(Box(box.text[start:end], left, box.y0, min(x, box.x0 + end * char), box.y1, box.confidence))
            start, left = end, x
    return pieces


def _merge_ruled_cells(rows: list[_Row], h: float, rules: Rules) -> list[_Row]:
    """Rows without numbers inside a ruled table (a header): a box right under another in the
    same column, with no ruling line between them but ruling lines above and below, is the
    next line of the same cell (商业 / 企业 → 商业企业), as the PDF reader joins a cell's lines."""
    k = 0
    while k < len(rows):
        row = rows[k]
        if not row.numbers():
            for box in list(row.boxes):
                above = [(r, a) for r in rows[:k] for a in r.boxes
                         if a.cy < box.cy - 0.5 * h and _x_overlap(a, box) > 0.3 * min(a.width, box.width)]
                if not above:
                    continue
                target, mate = max(above, key=lambda ra: ra[1].y1)  # the nearest above, in this column
                if target.numbers() or box.y0 - mate.y1 > 1.5 * h \
                        or rules.horizontal_between(mate.cy, box.cy, box.x0, box.x1) \
                        or not rules.ruled_row((mate.cy + box.cy) / 2, box.x0, box.x1, h, reach=8):
                    continue
                target.boxes.append(box)
                row.boxes.remove(box)
            if not row.boxes:
                del rows[k]
                continue
        k += 1
    return rows


def _cells(row: _Row, h: float, rules: Rules | None = None) -> list[list[Box]]:
    """Boxes of one row → cells, left to right. Boxes stacked in the label column (a wrapped
    label) are one cell, read top to bottom; boxes side by side with a gap wider than about
    half a character (a quarter, between text and a number), or with a ruling line between
    them, are separate cells, and two numbers are never one cell."""
    cells: list[list[Box]] = []
    for box in sorted(row.boxes, key=lambda b: (b.x0, b.y0)):
        if cells:
            cell = cells[-1]
            right = max(b.x1 for b in cell)
            stacked = any(_x_overlap(box, b) > 0.3 * min(box.width, b.width) for b in cell)
            gap = box.x0 - right
            last = max(cell, key=lambda b: b.x1)
            kinds = _numeric(last.text) + _numeric(box.text)  # 2: two numbers, 1: text and a number
            # boxes overhang their cell by a few pixels: a rule between the boxes' centres counts
            ruled = rules is not None and rules.vertical_between(max((b.x0 + b.x1) / 2 for b in cell),
                                                                 (box.x0 + box.x1) / 2, box.cy, tol=0)
            if stacked or (kinds < 2 and not ruled and gap <= (0.25 if kinds else 0.6) * h):
                cell.append(box)
                continue
        cells.append([box])
    return cells


def _cell_order(cell: list[Box]) -> list[Box]:
    """Reading order inside a cell: lines top to bottom, left to right on a line."""
    lines: list[list[Box]] = []
    for box in sorted(cell, key=lambda b: b.cy):
        if lines and abs(box.cy - statistics.median(b.cy for b in lines[-1])) <= 0.5 * box.height:
            lines[-1].append(box)
        else:
            lines.append([box])
    return [b for line in lines for b in sorted(line, key=lambda b: b.x0)]


def _columns(rows: list[list[list[Box]]], h: float) -> list[list[list[Box]]]:
    """Two-column pages: a run of at least three rows of prose (no number cells) that all
    leave one vertical gutter free, with text on both sides of it, is read column by column."""
    out: list[list[list[Box]]] = []
    i = 0
    while i < len(rows):
        gutter = _gutter_run(rows, i, h)
        if gutter is None:
            out.append(rows[i])
            i += 1
            continue
        j, x = gutter
        left = [[c for c in r if max(b.x1 for b in c) <= x] for r in rows[i:j]]
        right = [[c for c in r if min(b.x0 for b in c) >= x] for r in rows[i:j]]
        out += [r for r in left if r] + [r for r in right if r]
        i = j
    return out


def _gutter_run(rows: list[list[list[Box]]], i: int, h: float) -> tuple[int, float] | None:
    def prose(row):
        return not any(_numeric("".join(b.text for b in c)) for c in row)

    if not prose(rows[i]):
        return None
    lo = min(b.x0 for r in rows for c in r for b in c)
    hi = max(b.x1 for r in rows for c in r for b in c)
    free = [(lo, hi)]  # x intervals no box of the run crosses
    best = None
    j = i
    while j < len(rows) and prose(rows[j]):
        spans = sorted((min(b.x0 for b in c), max(b.x1 for b in c)) for c in rows[j])
        new = []
        for a, b in free:
            for s, e in spans:
                if e <= a or s >= b:
                    continue
                if s > a:
                    new.append((a, s))
                a = max(a, e)
            if a < b:
                new.append((a, b))
        new = [(a, b) for a, b in new if b - a >= 1.5 * h and a > lo and b < hi]
        if not new:
            break
        free = new
        j += 1
        for a, b in free:
            both = sum(1 for r in rows[i:j]
                       if any(max(x.x1 for x in c) <= a for c in r) and any(min(x.x0 for x in c) >= b for c in r))
            if both >= 3 and j - i >= 3:
                best = (j, (a + b) / 2)
    return best


def _join(parts: list[str]) -> str:
    out = ""
    for part in parts:
        if out and _ASCII_END.search(out) and _ASCII_START.search(part):
            out += " "
        out += part
    return out


def line_height(boxes: Sequence[Box]) -> float:
    """The median height of horizontal text boxes: the page's line height."""
    heights = [b.height for b in boxes if b.height <= 1.5 * b.width or len(b.text) == 1]
    return max(statistics.median(heights), 1.0) if heights else 1.0


def layout(boxes: Iterable[Box | Sequence], page: int = 1, low_confidence: float = LOW_CONFIDENCE,
           engine: str = "", rules: Rules | None = None) -> OcrText:
    """OCR boxes of one page → text in reading order: one line per row, the cells of a table
    row tab-separated, a label wrapped inside its table cell joined to its row. Boxes may be
    `Box` objects or (text, x0, y0, x1, y1, confidence) tuples; `rules`, the table's ruling
    lines when known, separate cells and rows more surely than gaps. Pure: no engine needed."""
    items = [b if isinstance(b, Box) else Box(str(b[0]), *map(float, b[1:5]), float(b[5]) if len(b) > 5 else 1.0)
             for b in boxes]
    items = [Box(b.text.strip(), b.x0, b.y0, b.x1, b.y1, b.confidence) for b in items if b.text.strip()]
    result = OcrText(pages=[page], engine=engine, page_starts=[0])
    if not items:
        return result
    h = line_height(items)
    # Vertical text (a merged cell's label written top to bottom) is placed in the first row it
    # spans, as the PDF reader places a merged cell.
    tall = [b for b in items if b.height > 2 * h and b.height > 1.5 * b.width and len(b.text) > 1]
    normal = [b for b in items if b not in tall]
    if rules is not None:
        normal = [piece for b in normal for piece in _split_at_rules(b, rules, h)]
    rows = _cluster_rows(normal, h)
    rows = _merge_continuations(rows, h, rules)
    if rules is not None:
        rows = _merge_ruled_cells(rows, h, rules)
    for box in tall:
        spanned = [r for r in rows if r.y1 > box.y0 and r.y0 < box.y1
                   and not any(_x_overlap(box, b) > 0 for b in r.boxes)]
        if spanned:
            spanned[0].boxes.append(box)
        else:
            rows.append(_Row([box]))
            rows.sort(key=lambda r: r.cy)
    celled = _columns([_cells(r, h, rules) for r in rows], h)

    text: list[str] = []
    pos = 0
    for row in celled:
        line_start = pos
        line_low: list[tuple[str, float]] = []
        for k, cell in enumerate(row):
            if k:
                text.append("\t")
                pos += 1
            prev = ""
            for box in _cell_order(cell):
                if prev and _ASCII_END.search(prev) and _ASCII_START.search(box.text):
                    text.append(" ")
                    pos += 1
                text.append(box.text)
                result.confidences.append((pos, pos + len(box.text), round(box.confidence, 4), page))
                pos += len(box.text)
                prev = box.text
                if box.confidence < low_confidence and _DIGIT.search(box.text):
                    line_low.append((box.text, box.confidence))
        if line_low:
            line = "".join(text)[line_start:pos].replace("\t", " | ")
            pieces = ", ".join(f"{t!r} ({c:.2f})" for t, c in line_low[:8])
            more = f" and {len(line_low) - 8} more" if len(line_low) > 8 else ""
            result.warnings.append(f"OCR page {page}: digits read with low confidence {pieces}{more} "
                                   f"in “{line[:100]}”")
        text.append("\n")
        pos += 1
    result.text = "".join(text)[:-1]
    return result


# --- engines ---------------------------------------------------------------------------------

_ENGINE_LOCK = threading.Lock()
_ENGINE_CACHE: dict[tuple, object] = {}


class _RapidOcr:
    """rapidocr (3.x) on ONNX Runtime; the PP-OCR Chinese models are files inside the wheel,
    named here by path so that RapidOCR never reaches for its download code."""
    name = "rapidocr"

    def __init__(self, threads: int | None = None, det_side: int | None = 1280):
        from rapidocr import RapidOCR

        det, rec = _packaged_models()
        params = {"Global.use_cls": False, "Global.log_level": "error",
                  "Det.model_path": str(det), "Rec.model_path": str(rec)}
        if det_side:
            # The detector at most det_side pixels on the long side: a 150 dpi A4 page is
            # 1754 px high, and detection at 1280 finds the same lines in half the time.
            params.update({"Det.limit_type": "max", "Det.limit_side_len": det_side})
        if threads:
            params.update({"EngineConfig.onnxruntime.intra_op_num_threads": threads,
                           "EngineConfig.onnxruntime.inter_op_num_threads": 1})
        try:
            self.engine = RapidOCR(params=params)
            self.engine._load_det_model()  # noqa: SLF001 - load now, so that a broken install fails here
            self.engine._load_rec_model()  # noqa: SLF001
        except Exception as exc:
            raise OcrUnavailable(f"RapidOCR could not load its packaged models ({type(exc).__name__}: {exc}); "
                                 f"reinstall with {INSTALL_HINT}") from exc
        _no_spinning(self.engine, threads)
        import rapidocr
        self.version = getattr(rapidocr, "__version__", "")

    def boxes(self, image) -> list[Box]:
        out = self.engine(image.convert("RGB"))
        if getattr(out, "boxes", None) is None or getattr(out, "txts", None) is None:
            return []
        result = []
        for quad, txt, score in zip(out.boxes, out.txts, out.scores):
            xs = [float(p[0]) for p in quad]
            ys = [float(p[1]) for p in quad]
            result.append(Box(txt, min(xs), min(ys), max(xs), max(ys), float(score)))
        return result


def _packaged_models():
    """(detection model, recognition model): the ONNX files inside the rapidocr wheel, those
    of its default configuration where it ships several."""
    from pathlib import Path

    import rapidocr

    root = Path(rapidocr.__file__).resolve().parent
    want = ""
    try:
        import yaml

        cfg = yaml.safe_load((root / "config.yaml").read_text(encoding="utf-8"))
        want = f"{cfg['Det']['ocr_version']}_%s_{cfg['Det']['model_type']}"
    except Exception:  # noqa: BLE001 - only a preference
        pass
    found = []
    for task in ("det", "rec"):
        files = sorted((root / "models").glob(f"*{task}*.onnx"))
        preferred = [f for f in files if want and want % task in f.name]
        if not files:
            raise OcrUnavailable(f"the rapidocr package has no {task} model inside it; {INSTALL_HINT}")
        found.append((preferred or files)[0])
    return found[0], found[1]


def _no_spinning(engine, threads: int | None) -> None:
    """ONNX Runtime's worker threads spin while they wait for work, which on a machine shared
    with other jobs burns the cores those jobs need (measured here: twice the wall time under
    load). Rebuild the two sessions without spinning; keep RapidOCR's own where that fails."""
    try:
        import onnxruntime as ort

        for part in (engine.text_det, engine.text_rec):
            holder = part.session
            old = holder.session
            opts = ort.SessionOptions()
            opts.log_severity_level = 4
            opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
            opts.enable_cpu_mem_arena = False
            if threads:
                opts.intra_op_num_threads = threads
                opts.inter_op_num_threads = 1
            opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
            opts.add_session_config_entry("session.inter_op.allow_spinning", "0")
            holder.session = ort.InferenceSession(old._model_path, opts, providers=["CPUExecutionProvider"])  # noqa: SLF001
    except Exception:  # noqa: BLE001 - an optimisation only
        return


class _RapidOcrLegacy:
    """rapidocr_onnxruntime (1.x, PP-OCRv4 models inside the wheel); measured, not the default."""
    name = "rapidocr_onnxruntime"

    def __init__(self, threads: int | None = None, det_side: int | None = 1280):
        from rapidocr_onnxruntime import RapidOCR

        kwargs = {}
        if det_side:
            kwargs.update(det_limit_type="max", det_limit_side_len=det_side)
        if threads:
            kwargs.update(intra_op_num_threads=threads, inter_op_num_threads=1)
        self.engine = RapidOCR(**kwargs)

    def boxes(self, image) -> list[Box]:
        import numpy as np

        res, _ = self.engine(np.array(image.convert("RGB"))[:, :, ::-1], use_cls=False)
        out = []
        for quad, txt, score in res or []:
            xs = [float(p[0]) for p in quad]
            ys = [float(p[1]) for p in quad]
            out.append(Box(txt, min(xs), min(ys), max(xs), max(ys), float(score)))
        return out


class _Tesseract:
    """The tesseract binary (Debian tesseract-ocr + tesseract-ocr-chi-sim), words from its TSV."""
    name = "tesseract"

    def __init__(self, threads: int | None = None, psm: int = 3, remove_rules: bool = True, **_):
        self.exe = shutil.which("tesseract")
        if not self.exe or "chi_sim" not in _tesseract_langs():
            raise OcrUnavailable(missing_message("tesseract"))
        self.psm = psm
        self.remove_rules = remove_rules
        # Tesseract's OpenMP threads spin: one page took 1.9 s of CPU with one thread, 3.2 s
        # by default and 16 s with OMP_THREAD_LIMIT=2 here. One thread a page, always.
        import os
        self.env = {**os.environ, "OMP_THREAD_LIMIT": "1"}

    def boxes(self, image) -> list[Box]:
        image = image.convert("L")
        if self.remove_rules:
            image = remove_rules(image)
        buf = io.BytesIO()
        image.save(buf, format="PNG")
        proc = subprocess.run([self.exe, "stdin", "stdout", "-l", "chi_sim", "--psm", str(self.psm), "tsv"],
                              input=buf.getvalue(), capture_output=True, env=self.env, timeout=600)
        if proc.returncode != 0:
            raise RuntimeError(f"tesseract failed: {proc.stderr.decode(errors='replace')[-300:]}")
        lines: dict[tuple, list[Box]] = {}
        for line in proc.stdout.decode("utf-8", errors="replace").splitlines()[1:]:
            f = line.split("\t")
            if len(f) < 12 or f[0] != "5" or not f[11].strip():
                continue
            x, y, w, hh, conf = int(f[6]), int(f[7]), int(f[8]), int(f[9]), float(f[10])
            lines.setdefault((f[2], f[3], f[4]), []).append(Box(f[11].strip(), x, y, x + w, y + hh, max(conf, 0.0) / 100))
        # Tesseract's words of Chinese are single characters or pairs, of uneven heights
        # (、 。 are short): its own lines, cut where the gap is wide, are the pieces that
        # RapidOCR's line detector gives.
        out = []
        for words in lines.values():
            words.sort(key=lambda b: b.x0)
            h = statistics.median(b.height for b in words)
            piece = [words[0]]
            for w in words[1:]:
                last = piece[-1]
                if w.x0 - last.x1 <= 0.6 * h and not (_numeric(last.text) and _numeric(w.text)):
                    piece.append(w)
                else:
                    out.append(_merge_words(piece))
                    piece = [w]
            out.append(_merge_words(piece))
        return out


def _merge_words(words: list[Box]) -> Box:
    return Box(_join([w.text for w in words]), min(w.x0 for w in words), min(w.y0 for w in words),
               max(w.x1 for w in words), max(w.y1 for w in words), min(w.confidence for w in words))


def remove_rules(image, min_run: int | None = None):
    """A greyscale page with the ruling lines of its tables whitened (long horizontal and
    vertical runs of dark pixels); Tesseract reads table rules as 1 and |."""
    import numpy as np
    from PIL import Image

    a = np.asarray(image.convert("L"))
    dark = a < 160
    run = min_run or max(30, a.shape[1] // 30)

    def runs(mask: np.ndarray) -> np.ndarray:  # pixels in a horizontal run of >= run dark pixels
        c = np.concatenate([np.zeros((mask.shape[0], 1), np.int32), np.cumsum(mask, axis=1, dtype=np.int32)], axis=1)
        full = (c[:, run:] - c[:, :-run]) == run  # window starting at j is all dark
        m = np.concatenate([np.zeros((mask.shape[0], 1), np.int32),
                            np.cumsum(full, axis=1, dtype=np.int32)], axis=1)
        idx = np.arange(mask.shape[1])
        lo = np.clip(idx - run + 1, 0, full.shape[1])
        hi = np.clip(idx + 1, 0, full.shape[1])
        return (m[:, hi] - m[:, lo]) > 0

    lines = runs(dark) | runs(dark.T).T
    out = a.copy()
    out[lines] = 255
    return Image.fromarray(out)


_ENGINE_CLASSES = {"rapidocr": _RapidOcr, "rapidocr_onnxruntime": _RapidOcrLegacy, "tesseract": _Tesseract}


def get_engine(engine: str | None = None, threads: int | None = None, **options):
    """The engine object, built once per (engine, threads, options) and shared."""
    engine = engine or DEFAULT_ENGINE
    if engine not in _ENGINE_CLASSES:
        raise ValueError(f"unknown OCR engine {engine!r} (known: {', '.join(ENGINES)})")
    key = (engine, threads, tuple(sorted(options.items())))
    with _ENGINE_LOCK:
        if key not in _ENGINE_CACHE:
            if not available(engine):
                raise OcrUnavailable(missing_message(engine))
            _ENGINE_CACHE[key] = _ENGINE_CLASSES[engine](threads=threads, **options)
        return _ENGINE_CACHE[key]


# --- images and PDF pages ---------------------------------------------------------------------


def ocr_pil(image, page: int = 1, engine: str | None = None, low_confidence: float = LOW_CONFIDENCE,
            threads: int | None = None, **options) -> OcrText:
    """OCR one PIL image (a page already rasterised, a crop of a table picture)."""
    return _ocr_pil(image, page, get_engine(engine, threads, **options), low_confidence)


def _ocr_pil(image, page: int, engine, low_confidence: float, offset=(0.0, 0.0)) -> OcrText:
    boxes = engine.boxes(image)
    rules = find_rules(image, line_height(boxes)) if boxes else None
    if offset != (0.0, 0.0):
        dx, dy = offset
        boxes = [Box(b.text, b.x0 + dx, b.y0 + dy, b.x1 + dx, b.y1 + dy, b.confidence) for b in boxes]
        rules = Rules([(x + dx, a + dy, b + dy) for x, a, b in rules.vertical],
                      [(y + dy, a + dx, b + dx) for y, a, b in rules.horizontal]) if rules else None
    return layout(boxes, page=page, low_confidence=low_confidence, engine=engine.name, rules=rules)


def ocr_image(data: bytes, page: int = 1, engine: str | None = None, low_confidence: float = LOW_CONFIDENCE,
              threads: int | None = None, **options) -> OcrText:
    """OCR an image file's bytes (PNG, JPEG, TIFF; every frame of a multi-page TIFF, numbered
    from `page`)."""
    if not available(engine):
        raise OcrUnavailable(missing_message(engine))
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        img = Image.open(io.BytesIO(data))
        img.load()
    except (UnidentifiedImageError, OSError) as exc:
        raise ValueError(f"not an image this OCR can read ({type(exc).__name__}: {exc})") from None
    eng = get_engine(engine, threads, **options)
    result = OcrText(engine=eng.name)
    frames = getattr(img, "n_frames", 1)
    for k in range(frames):
        if k:
            img.seek(k)
        frame = ImageOps.exif_transpose(img) if k == 0 else img
        frame = _flatten(frame)
        result.extend(_ocr_pil(frame, page + k, eng, low_confidence))
    return result


def _flatten(image):
    """RGB or greyscale; a transparent background becomes white (as a viewer shows it), not black."""
    from PIL import Image

    if image.mode in ("RGB", "L"):
        return image
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, rgba).convert("RGB")
    return image.convert("RGB")


def _open_pdf(data: bytes):
    import pypdfium2 as pdfium

    return pdfium.PdfDocument(data)


def render_pdf_pages(data: bytes, pages: list[int] | None = None, dpi: int = DEFAULT_DPI, grayscale: bool = True):
    """(page number, PIL image) for the given 1-based pages, rasterised by pdfium."""
    pdf = _open_pdf(data)
    try:
        numbers = pages or list(range(1, len(pdf) + 1))
        for n in numbers:
            if not 1 <= n <= len(pdf):
                raise ValueError(f"page {n} is not in this PDF (1–{len(pdf)})")
            page = pdf[n - 1]
            try:
                bitmap = page.render(scale=dpi / 72, grayscale=grayscale)
                yield n, bitmap.to_pil()
            finally:
                page.close()
    finally:
        pdf.close()


def ocr_pdf_pages(data: bytes, pages: list[int] | None = None, dpi: int = DEFAULT_DPI, engine: str | None = None,
                  low_confidence: float = LOW_CONFIDENCE, regions: dict[int, list[tuple]] | None = None,
                  threads: int | None = None, **options) -> OcrText:
    """OCR the given 1-based pages of a PDF (all pages when `pages` is None), rasterised at
    `dpi`. With `regions` ({page: [(x0, top, x1, bottom), …]} in PDF points, top-left origin,
    as pdfplumber and `image_regions` give them), only those parts of a page are read: the
    pictures of tables on a page that has a text layer."""
    if not available(engine):
        raise OcrUnavailable(missing_message(engine))
    eng = get_engine(engine, threads, **options)
    if regions is not None and pages is None:
        pages = sorted(regions)
    result = OcrText(engine=eng.name)
    scale = dpi / 72
    for n, image in render_pdf_pages(data, pages, dpi):
        if regions is None or n not in regions:
            result.extend(_ocr_pil(image, n, eng, low_confidence))
            continue
        for x0, top, x1, bottom in sorted(regions[n], key=lambda r: (r[1], r[0])):
            pad = 4
            box = (max(0, int(x0 * scale) - pad), max(0, int(top * scale) - pad),
                   min(image.width, int(x1 * scale) + pad), min(image.height, int(bottom * scale) + pad))
            if box[2] - box[0] < 8 or box[3] - box[1] < 8:
                continue
            result.extend(_ocr_pil(image.crop(box), n, eng, low_confidence, offset=(box[0], box[1])))
    return result


def pages_without_text(data: bytes) -> list[int]:
    """1-based numbers of the PDF's pages that have no text layer (nothing but whitespace)."""
    pdf = _open_pdf(data)
    out = []
    try:
        for i in range(len(pdf)):
            page = pdf[i]
            try:
                textpage = page.get_textpage()
                text = textpage.get_text_range() if textpage.count_chars() else ""
                textpage.close()
            finally:
                page.close()
            if not text.strip():
                out.append(i + 1)
    finally:
        pdf.close()
    return out


def image_regions(data: bytes, pages: list[int] | None = None, min_fraction: float = 0.05) -> dict[int, list[tuple]]:
    """{page: [(x0, top, x1, bottom), …]}: the pictures on each page that cover at least
    `min_fraction` of it, in PDF points with the origin at the top left (pdfplumber's
    convention). A table published as a picture is one of them."""
    import pypdfium2.raw as pdfium_c

    pdf = _open_pdf(data)
    out: dict[int, list[tuple]] = {}
    try:
        for n in pages or range(1, len(pdf) + 1):
            page = pdf[n - 1]
            try:
                width, height = page.get_size()
                found = []
                for obj in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,)):
                    bounds = getattr(obj, "get_bounds", None) or obj.get_pos  # pypdfium2 5 / 4
                    left, bottom, right, top = bounds()
                    x0, x1 = max(0.0, left), min(width, right)
                    t, b = max(0.0, height - top), min(height, height - bottom)
                    if x1 > x0 and b > t and (x1 - x0) * (b - t) >= min_fraction * width * height:
                        found.append((x0, t, x1, b))
                if found:
                    out[n] = sorted(found, key=lambda r: (r[1], r[0]))
            finally:
                page.close()
    finally:
        pdf.close()
    return out
