"""Text bytes to str: a byte-order mark if there is one, else strict UTF-8, else
charset-normalizer (GB18030/GBK, Big5).

Every way bytes can fail to be text ends here as a `ReadError` with a one-line message
(which encoding, which byte): a codec's `UnicodeDecodeError` or charset-normalizer's own
failure never reaches the caller.
"""
from __future__ import annotations

from gongkai.inference.read.errors import ReadError

# Longest first: the UTF-32 LE mark begins with the UTF-16 LE one.
_BOMS = ((b"\x00\x00\xfe\xff", "utf-32-be", 4), (b"\xff\xfe\x00\x00", "utf-32-le", 4),
         (b"\xef\xbb\xbf", "utf-8", 1), (b"\xff\xfe", "utf-16-le", 2), (b"\xfe\xff", "utf-16-be", 2))
_BOM_NAMES = {"utf-8": "utf-8-sig", "utf-16-le": "utf-16", "utf-16-be": "utf-16", "utf-32-le": "utf-32",
              "utf-32-be": "utf-32"}


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode text bytes; returns (text, encoding). Raises ReadError for anything that is
    not text (binary, undecodable, or text with too many invalid sequences)."""
    try:
        text, encoding = _decode(data)
        return _not_blank(text), encoding
    except ReadError:
        raise
    except (UnicodeError, LookupError, ValueError, TypeError) as exc:  # a codec or charset-normalizer failing
        raise ReadError(f"undecodable bytes ({type(exc).__name__}: {_one_line(exc)})") from None


def _decode(data: bytes) -> tuple[str, str]:
    """UTF-8 is tried strictly first: valid UTF-8 of any length is almost never another
    encoding, and it is the common case. Anything else goes to charset-normalizer, which
    tells GB18030/GBK from Big5 by the bytes' statistics."""
    if not data.strip():
        raise ReadError("empty file")
    for bom, codec, unit in _BOMS:
        if data.startswith(bom):
            return _decode_marked(data[len(bom):], codec, unit, len(bom)), _BOM_NAMES[codec]
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
    if _too_many_bad(text):
        raise ReadError(f"undecodable bytes (best guess {encoding} leaves too many bad characters)")
    return text, encoding


def _decode_marked(body: bytes, codec: str, unit: int, offset: int) -> str:
    """Bytes after a byte-order mark: the mark names the encoding, so invalid sequences are
    damage, not a sign of another encoding. A last character cut in half is dropped; a few
    bad sequences become U+FFFD; many are an error that says where the first one is."""
    if not body.strip(b"\x00 \t\r\n"):
        raise ReadError("empty file")
    try:
        return _not_blank(body.decode(codec))
    except UnicodeDecodeError as exc:
        first = exc
    cut = len(body) - len(body) % unit
    if first.start >= cut - 4 * unit:  # damage only at the very end: a truncated file
        try:
            return _not_blank(body[:first.start].decode(codec))
        except UnicodeDecodeError:
            pass
    text = body.decode(codec, errors="replace")
    if _too_many_bad(text):
        raise ReadError(f"undecodable bytes (the file starts with a {codec.upper()} byte-order mark, but byte "
                        f"{offset + first.start + 1:,} and many after it are not valid {codec.upper()}: {first.reason})")
    return _not_blank(text)


def _not_blank(text: str) -> str:
    if not text.strip():  # str.strip knows U+3000 and the other Unicode spaces; bytes.strip does not
        raise ReadError("empty file (only white space)" if text else "empty file")
    return text


def _too_many_bad(text: str) -> bool:
    return text.count("\ufffd") > max(10, len(text) // 100)


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:200]


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
