"""Stage 1 — read: bytes from a file (or a string) into a `Doc` with the report text.

The kind of input is sniffed from its bytes, not trusted from its extension; each kind
has a reader function in `READERS`, so PDF and DOCX plug in without touching callers.
Every failure is a `ReadError` with a one-line message that the pipeline turns into a
record with an `error` field.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .document import Doc

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
REPORT_SUFFIXES = {".txt", ".md", ".markdown", ".html", ".htm", ".shtml", ".xhtml", ".pdf", ".docx"}


class ReadError(Exception):
    """An input that cannot be turned into text; the message is shown to the user."""

    def __init__(self, message: str, sha256: str | None = None):
        super().__init__(message)
        self.sha256 = sha256  # of the bytes, when they could be read (batches resume by it)


@dataclass
class RawText:
    """What a kind-specific reader returns: the text plus what it learned on the way."""

    text: str
    meta: dict = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


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


# --- decoding ------------------------------------------------------------------------


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode text bytes; returns (text, encoding). Raises ReadError for binary data.

    UTF-8 is tried strictly first: valid UTF-8 of any length is almost never another
    encoding, and it is the common case. Anything else goes to charset-normalizer,
    which tells GB18030/GBK from Big5 by the bytes' statistics.
    """
    if not data.strip():
        raise ReadError("empty file")
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    if _looks_binary(data):
        raise ReadError("binary file (not text, HTML, PDF or DOCX)")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        # Truncated in the middle of a multi-byte character: still UTF-8.
        if exc.start >= len(data) - 3 and _is_valid_utf8(data[: exc.start]):
            return data[: exc.start].decode("utf-8"), "utf-8"
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000], cp_isolation=["gb18030", "big5", "utf_8", "utf_16", "cp1252"]).best()
    if best is None:
        raise ReadError("undecodable bytes (no text encoding fits)")
    encoding = best.encoding
    if encoding in ("gbk", "gb2312"):
        encoding = "gb18030"  # a superset: the same bytes decode, and more of them
    text = data.decode(encoding, errors="replace")
    if text.count("\ufffd") > max(10, len(text) // 100):
        raise ReadError(f"undecodable bytes (best guess {encoding} leaves too many bad characters)")
    return text, encoding


def _is_valid_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


_CONTROL_BYTES = bytes([b for b in range(32) if b < 9 or 13 < b < 32])


def _looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    control = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    return control > len(sample) * 0.05


# --- readers per kind -----------------------------------------------------------------


def read_text(data: bytes) -> RawText:
    text, encoding = decode_bytes(data)
    return RawText(text=text, meta={"encoding": encoding})


def read_html(data: bytes) -> RawText:
    from .read_html import html_to_text

    markup, encoding = decode_bytes(data)
    text, meta = html_to_text(markup)
    meta["encoding"] = encoding
    warnings = [] if text.strip() else ["the HTML page has no visible text"]
    return RawText(text=text, meta=meta, warnings=warnings)


def read_pdf(data: bytes) -> RawText:
    from .read_documents import pdf_to_text

    try:
        text, meta, warnings = pdf_to_text(data)
    except Exception as exc:  # pdfminer raises many kinds on broken files
        raise ReadError(f"unreadable PDF ({type(exc).__name__}: {exc})") from None
    if not text.strip():
        raise ReadError(warnings[0] if warnings else "the PDF has no text")
    return RawText(text=text, meta=meta, warnings=warnings)


def read_docx(data: bytes) -> RawText:
    from .read_documents import docx_to_text

    try:
        text, meta, warnings = docx_to_text(data)
    except Exception as exc:  # a damaged zip or XML
        raise ReadError(f"unreadable Word document ({type(exc).__name__}: {exc})") from None
    if not text.strip():
        raise ReadError("the Word document has no text")
    return RawText(text=text, meta=meta, warnings=warnings)


def read_binary(data: bytes) -> RawText:
    raise ReadError("binary file (not text, HTML, PDF or DOCX)")


READERS: dict[str, Callable[[bytes], RawText]] = {
    "text": read_text,
    "html": read_html,
    "pdf": read_pdf,
    "docx": read_docx,
    "binary": read_binary,
}


# --- crawler header --------------------------------------------------------------------

_CRAWLER_END = re.compile(r"^=+\s*正文\s*=+[ \t]*$", re.M)
_CRAWLER_FIELD = re.compile(r"^([^\s:：]{1,8})[:：][ \t]*(.*)$")
_CRAWLER_KEYS = {"标题": "title", "发布时间": "published", "文号": "doc_number", "发布机构": "publisher",
                 "栏目": "column", "原文链接": "url", "本地目录": "local_dir"}


def parse_crawler_header(text: str) -> tuple[dict, int]:
    """Metadata from a crawler header (标题: … ==== 正文 ====) and where the body starts."""
    m = _CRAWLER_END.search(text, 0, 4000)
    if not m or not text.lstrip().startswith(("标题", "標題")):
        return {}, 0
    meta: dict[str, str] = {}
    for line in text[: m.start()].splitlines():
        fm = _CRAWLER_FIELD.match(line.strip())
        if fm and fm.group(1) in _CRAWLER_KEYS and fm.group(2).strip():
            meta[_CRAWLER_KEYS[fm.group(1)]] = fm.group(2).strip()
    body = m.end()
    while body < len(text) and text[body] in "\r\n":
        body += 1
    return meta, body


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
