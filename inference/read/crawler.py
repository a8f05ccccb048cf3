"""A crawler's own header (标题: … ==== 正文 ====) becomes metadata, not report text."""
from __future__ import annotations

import re

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


