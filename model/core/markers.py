"""How headings are numbered in the three layouts (FORMAT.md): 一、 at the top level, (一)
below it. The splitter, the section rules and the model's section context all read headings
through these patterns, which expect the normalised view (half-width brackets)."""
from __future__ import annotations

import re

CN_DIGITS = "一二三四五六七八九十"

TOP_MARKER = re.compile(rf"^\s*(?:#+\s*)?(?:第[{CN_DIGITS}]{{1,3}}部分|[{CN_DIGITS}]{{1,3}}\s*[、,.]|[{CN_DIGITS}]{{1,3}}\s)\s*")
SUB_MARKER = re.compile(rf"^\s*(?:#+\s*)?\(\s*[{CN_DIGITS}]{{1,3}}\s*\)\s*")


def split_marker(line: str) -> tuple[str | None, str]:
    """('top'|'sub'|None, text after the marker)."""
    m = TOP_MARKER.match(line)
    if m:
        return "top", line[m.end():]
    m = SUB_MARKER.match(line)
    if m:
        return "sub", line[m.end():]
    return None, line.lstrip("# ").strip()
