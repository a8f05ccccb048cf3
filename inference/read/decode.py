"""Text bytes to str: strict UTF-8 first, then charset-normalizer (GB18030/GBK, Big5)."""
from __future__ import annotations

from gongkai.inference.read.errors import ReadError

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


