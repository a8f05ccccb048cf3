"""Image files (PNG, JPEG, TIFF): a report or a table published as a picture, read by OCR
(`gongkai[ocr]`). The text has the PDF reader's shape: lines in reading order, table rows
as tab-separated cells, so the same table reader and checks apply."""
from __future__ import annotations

from gongkai.inference.read import ocr
from gongkai.inference.read.errors import RawText, ReadError
from gongkai.inference.read.limits import Limits, too_large


def read(data: bytes, limits: Limits) -> RawText:
    if not ocr.available():
        raise ReadError(f"an image: reading it needs OCR, which is not installed ({ocr.missing_message()})")
    try:
        result = ocr.ocr_image(data)
    except ValueError as exc:
        raise ReadError(f"unreadable image ({exc})") from None
    if len(result.pages) > limits.max_pages:
        raise ReadError(too_large("image", len(result.pages), limits.max_pages, "--max-pages", unit="pages"))
    if not result.text.strip():
        raise ReadError("the image holds no text OCR could read")
    meta = {"ocr": {"engine": result.engine, "pages": result.pages}, "pages": len(result.pages),
            "page_starts": result.page_starts}
    return RawText(text=result.text, meta=meta, warnings=result.warnings,
                   confidences=[(s, e, c) for s, e, c, _ in result.confidences])
