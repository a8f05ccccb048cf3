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

__all__ = ["DEFAULT_MAX_BYTES", "REPORT_SUFFIXES", "Limits", "RawText", "ReadError", "read_bytes", "read_path",
           "read_string", "sniff_kind"]

DEFAULT_MAX_BYTES = Limits().max_bytes
REPORT_SUFFIXES = {".txt", ".md", ".markdown", ".html", ".htm", ".shtml", ".xhtml", ".pdf", ".docx"}


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
    "binary": read_binary,
}


# --- entry points -----------------------------------------------------------------------


def read_bytes(data: bytes, source: str = "<bytes>", name: str = "", limits: Limits = Limits()) -> Doc:
    sha256 = hashlib.sha256(data).hexdigest()
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
    crawler, body_start = parse_crawler_header(raw.text)
    meta = {"kind": kind, "sha256": sha256, "bytes": len(data), **raw.meta}
    if crawler:
        meta["crawler"] = crawler
    body_end = None
    if raw.body is not None:
        body_start, body_end = max(body_start, raw.body[0]), raw.body[1]
    return Doc(text=raw.text, source=source, meta=meta, warnings=list(raw.warnings), body_start=body_start,
               body_end=body_end)


def read_path(path: str | Path, limits: Limits = Limits()) -> Doc:
    p = Path(path)
    try:
        if not p.exists():
            raise ReadError("no such file")
        if p.is_dir():
            raise ReadError("is a directory")
        size = p.stat().st_size
        if size > limits.max_bytes:
            raise ReadError(too_large("file", size, limits.max_bytes, "--max-bytes"))
        data = p.read_bytes()
    except PermissionError:
        raise ReadError("permission denied") from None
    except OSError as exc:
        raise ReadError(f"cannot read: {exc.strerror or exc}") from None
    return read_bytes(data, source=str(path), name=p.name, limits=limits)


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
