"""Stage 1 — read: bytes from a file (or a string) into a `Doc` with the report text.

The kind of input is sniffed from its bytes, not trusted from its extension; each kind
has a reader function in `READERS`, so PDF and DOCX plug in without touching callers.
Every failure is a `ReadError` with a one-line message that the pipeline turns into a
record with an `error` field.
"""
from __future__ import annotations

import hashlib
import importlib
import re
from pathlib import Path
from typing import Callable

from gongkai.doc import Doc
from gongkai.inference.read.crawler import parse_crawler_header
from gongkai.inference.read.decode import decode_bytes
from gongkai.inference.read.errors import RawText, ReadError
from gongkai.inference.read.limits import Limits, too_large

Reader = Callable[[bytes, Limits], RawText]

__all__ = ["DEFAULT_MAX_BYTES", "REPORT_SUFFIXES", "Limits", "RawText", "ReadError", "load_path", "one_line",
           "read_bytes", "read_path", "read_string", "sniff_kind"]

DEFAULT_MAX_BYTES = Limits().max_bytes
REPORT_SUFFIXES = {".txt", ".md", ".markdown", ".html", ".htm", ".shtml", ".xhtml", ".pdf", ".docx"}
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff"}  # reports as pictures, read when OCR is installed


# --- kinds -------------------------------------------------------------------------

_HTML_START = re.compile(rb"^\s*(<!doctype html|<html|<head|<body|<meta|<div|<p[\s>]|<table|<!--)", re.I)


def sniff_kind(data: bytes, name: str = "") -> str:
    """Decide the input kind from magic bytes first, the file name only as a tie-breaker."""
    head = data[:2048]
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"PK\x03\x04") and (b"word/" in data[:65536] or name.lower().endswith(".docx")):
        return "docx"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"\xd0\xcf\x11\xe0"):
        return "binary"
    if head.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")):
        return "image"  # PNG, JPEG, TIFF: read by OCR
    if _HTML_START.match(head.lstrip(b"\xef\xbb\xbf")) or name.lower().endswith((".html", ".htm", ".shtml", ".xhtml")):
        return "html"
    return "text"


def read_text(data: bytes, limits: Limits) -> RawText:
    text, encoding = decode_bytes(data)
    return RawText(text=text, meta={"encoding": encoding})


def read_binary(data: bytes, limits: Limits) -> RawText:
    raise ReadError("binary file (not text, HTML, PDF or DOCX)")


def _lazy(module: str) -> Reader:
    """A reader whose module (and its libraries: lxml, pdfplumber, python-docx) loads on first use."""
    def read(data: bytes, limits: Limits) -> RawText:
        return importlib.import_module(f"gongkai.inference.read.{module}").read(data, limits)

    read.__name__ = f"read_{module}"
    return read


# Every reader: (bytes, limits) → RawText, raising ReadError with a one-line message.
READERS: dict[str, Reader] = {
    "text": read_text,
    "html": _lazy("html"),
    "pdf": _lazy("pdf"),
    "docx": _lazy("docx"),
    "image": _lazy("image"),
    "binary": read_binary,
}


# --- entry points -----------------------------------------------------------------------


def read_bytes(data: bytes, source: str = "<bytes>", name: str = "", limits: Limits = Limits()) -> Doc:
    """Bytes to a Doc, or a ReadError (with the bytes' sha256) whatever goes wrong inside a
    reader: a library's own exception on a broken file becomes a one-line message that
    names the kind of file; only MemoryError passes, for the caller's memory message."""
    sha256 = hashlib.sha256(data).hexdigest()
    kind = "input"
    try:
        if len(data) > limits.max_bytes:
            raise ReadError(too_large("input", len(data), limits.max_bytes, "--max-bytes"))
        kind = sniff_kind(data, name or source)
        raw = READERS[kind](data, limits)
        if len(raw.text) > limits.max_chars:
            raise ReadError(too_large("extracted text", len(raw.text), limits.max_chars, "--max-chars", unit="characters"))
    except ReadError as exc:
        exc.sha256 = sha256
        raise
    except MemoryError:
        raise
    except RecursionError:
        raise ReadError(f"unreadable {_KIND_NAMES.get(kind, kind)} (nested too deeply to read)", sha256) from None
    except Exception as exc:  # a reader's library failing on a damaged file: the class, not the instance
        raise ReadError(f"unreadable {_KIND_NAMES.get(kind, kind)} ({type(exc).__name__}: {one_line(exc)})",
                        sha256) from None
    crawler, body_start = parse_crawler_header(raw.text)
    meta = {"kind": kind, "sha256": sha256, "bytes": len(data), **raw.meta}
    if crawler:
        meta["crawler"] = crawler
    body_end = None
    if raw.body is not None:  # the page's main content, as the reader found it
        body_start, body_end = max(body_start, raw.body[0]), raw.body[1]
    return Doc(text=raw.text, source=source, meta=meta, warnings=list(raw.warnings), body_start=body_start,
               body_end=body_end, ocr_confidences=list(raw.confidences))


_KIND_NAMES = {"text": "text", "html": "HTML page", "pdf": "PDF", "docx": "Word document", "image": "image", "binary": "file"}


def one_line(exc: BaseException, limit: int = 200) -> str:
    """An exception's message on one line, cut to `limit` characters (a message must never
    carry a page of the input back into a record)."""
    text = " ".join(str(exc).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def load_path(path: str | Path, limits: Limits = Limits()) -> bytes:
    """The bytes of a file, within --max-bytes, or a ReadError saying why not."""
    p = Path(path)
    try:
        if not p.exists():
            raise ReadError("no such file")
        if p.is_dir():
            raise ReadError("is a directory")
        if not p.is_file():  # a FIFO or a device would block or never end
            raise ReadError("not a regular file")
        with open(p, "rb") as fh:
            # Read one byte past the limit instead of trusting stat(): a file that grows, a
            # FIFO or /dev/zero must not be read without end.
            data = fh.read(limits.max_bytes + 1)
    except PermissionError:
        raise ReadError("permission denied") from None
    except FileNotFoundError:
        raise ReadError("no such file (it vanished while being read)") from None
    except OSError as exc:
        raise ReadError(f"cannot read: {exc.strerror or exc}") from None
    if len(data) > limits.max_bytes:
        try:
            size = max(p.stat().st_size, len(data))
        except OSError:
            size = len(data)
        raise ReadError(too_large("file", size, limits.max_bytes, "--max-bytes"))
    return data


def read_path(path: str | Path, limits: Limits = Limits()) -> Doc:
    return read_bytes(load_path(path, limits), source=str(path), name=Path(path).name, limits=limits)


def read_string(text: str, source: str = "<text>", limits: Limits = Limits()) -> Doc:
    if not text.strip():
        raise ReadError("empty text")
    if len(text) > limits.max_chars:
        raise ReadError(too_large("text", len(text), limits.max_chars, "--max-chars", unit="characters"))
    crawler, body_start = parse_crawler_header(text)
    meta = {"kind": "text", "sha256": hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()}
    if crawler:
        meta["crawler"] = crawler
    return Doc(text=text, source=source, meta=meta, body_start=body_start)
