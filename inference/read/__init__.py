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

__all__ = ["DEFAULT_MAX_BYTES", "REPORT_SUFFIXES", "RawText", "ReadError", "read_bytes", "read_path", "read_string",
           "sniff_kind"]

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
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


def read_text(data: bytes) -> RawText:
    text, encoding = decode_bytes(data)
    return RawText(text=text, meta={"encoding": encoding})


def read_binary(data: bytes) -> RawText:
    raise ReadError("binary file (not text, HTML, PDF or DOCX)")


def _lazy(module: str) -> Callable[[bytes], RawText]:
    """A reader whose module (and its libraries: lxml, pdfplumber, python-docx) loads on first use."""
    def read(data: bytes) -> RawText:
        return importlib.import_module(f"gongkai.inference.read.{module}").read(data)

    read.__name__ = f"read_{module}"
    return read


READERS: dict[str, Callable[[bytes], RawText]] = {
    "text": read_text,
    "html": _lazy("html"),
    "pdf": _lazy("pdf"),
    "docx": _lazy("docx"),
    "binary": read_binary,
}


# --- entry points -----------------------------------------------------------------------


def read_bytes(data: bytes, source: str = "<bytes>", name: str = "") -> Doc:
    kind = sniff_kind(data, name or source)
    try:
        raw = READERS[kind](data)
    except ReadError as exc:
        exc.sha256 = hashlib.sha256(data).hexdigest()
        raise
    crawler, body_start = parse_crawler_header(raw.text)
    meta = {"kind": kind, "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data), **raw.meta}
    if crawler:
        meta["crawler"] = crawler
    return Doc(text=raw.text, source=source, meta=meta, warnings=list(raw.warnings), body_start=body_start)


def read_path(path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES) -> Doc:
    p = Path(path)
    try:
        if not p.exists():
            raise ReadError("no such file")
        if p.is_dir():
            raise ReadError("is a directory")
        size = p.stat().st_size
        if size > max_bytes:
            raise ReadError(
                f"file too large ({size / 1e6:.1f} MB > {max_bytes / 1e6:.0f} MB limit; raise it with --max-bytes)"
            )
        data = p.read_bytes()
    except PermissionError:
        raise ReadError("permission denied") from None
    except OSError as exc:
        raise ReadError(f"cannot read: {exc.strerror or exc}") from None
    return read_bytes(data, source=str(path), name=p.name)


def read_string(text: str, source: str = "<text>") -> Doc:
    if not text.strip():
        raise ReadError("empty text")
    crawler, body_start = parse_crawler_header(text)
    meta = {"kind": "text", "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest()}
    if crawler:
        meta["crawler"] = crawler
    return Doc(text=text, source=source, meta=meta, body_start=body_start)
