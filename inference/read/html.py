"""HTML to text that keeps the block structure: one line per block, table cells tab-separated."""
from __future__ import annotations

import re

from bs4 import BeautifulSoup, Comment, NavigableString, Tag

from gongkai.inference.read.decode import decode_bytes
from gongkai.inference.read.limits import Limits
from gongkai.inference.read.errors import RawText

_DROP = {"script", "style", "noscript", "template", "svg", "canvas", "iframe", "object", "head"}
_BLOCK = {
    "address", "article", "aside", "blockquote", "dd", "div", "dl", "dt", "fieldset", "figcaption",
    "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main",
    "nav", "ol", "p", "pre", "section", "ul", "caption", "center", "title",
}
_SPACES = re.compile(r"[ \t\r\n\f\u00a0]+")


def html_to_text(markup: str) -> tuple[str, dict]:
    """Visible text of a page and its <title>; paragraphs and table rows become lines."""
    soup = BeautifulSoup(markup, "lxml")
    meta: dict[str, str] = {}
    if soup.title and soup.title.string:
        meta["html_title"] = soup.title.string.strip()
    root = soup.body or soup
    lines: list[str] = []
    current: list[str] = []

    def flush() -> None:
        line = _SPACES.sub(" ", "".join(current)).strip()
        if line:
            lines.append(line)
        current.clear()

    # An explicit stack instead of recursion: scraped pages nest thousands of levels deep.
    stack: list[tuple[object, bool]] = [(root, False)]
    while stack:
        node, closing = stack.pop()
        if closing:
            flush()
            continue
        if isinstance(node, Comment):
            continue
        if isinstance(node, NavigableString):
            current.append(str(node))
            continue
        if not isinstance(node, Tag):
            continue
        name = (node.name or "").lower()
        if name in _DROP:
            continue
        if name == "br":
            flush()
            continue
        if name == "table":
            flush()
            lines.extend(_table_lines(node))
            continue
        if name == "img":
            alt = node.get("alt") or ""
            if alt.strip():
                current.append(alt)
            continue
        block = name in _BLOCK
        if block:
            flush()
            stack.append((node, True))
        for child in reversed(list(node.children)):
            stack.append((child, False))
    flush()
    return "\n".join(lines), meta


def _table_lines(table: Tag) -> list[str]:
    lines = []
    for row in table.find_all("tr"):
        if row.find_parent("table") is not table:
            continue  # a nested table's rows are read with it
        cells = [_SPACES.sub(" ", c.get_text(" ")).strip() for c in row.find_all(["td", "th"], recursive=False)]
        if any(cells):
            lines.append("\t".join(cells))
    return lines


def read(data: bytes, limits: Limits) -> RawText:
    markup, encoding = decode_bytes(data)
    text, meta = html_to_text(markup)
    meta["encoding"] = encoding
    warnings = [] if text.strip() else ["the HTML page has no visible text"]
    return RawText(text=text, meta=meta, warnings=warnings)
