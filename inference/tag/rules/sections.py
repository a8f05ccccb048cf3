"""Rule section tagger: headings set the section, following paragraphs inherit it.

Top-level headings (一、…) of the 2021, 2019 and legacy layouts name the section; the
sub-items of 一、总体情况 ((一)主动公开, (二)依申请公开) stay in `overview`, as LABELS.md
says, so sub-level headings change the section only in reports that number their top
level with (一). Site chrome before the title and after the last section is
`boilerplate`; unheaded text falls back to keywords.
"""
from __future__ import annotations

import re

from gongkai.doc import Doc, Paragraph
from gongkai.inference.text.headings import CHROME, METADATA, SENTENCE, find_title, heading_label
from gongkai.markers import split_marker

_KEYWORDS: list[tuple[str, re.Pattern]] = [
    ("review_litigation", re.compile(r"行政复议|行政诉讼")),
    ("fees", re.compile(r"收费|信息处理费|减免")),
    ("requests", re.compile(r"依申请|公开申请")),
    ("problems", re.compile(r"存在.{0,6}问题|不足|改进|下一步")),
    ("proactive", re.compile(r"主动公开")),
]

HEADING_CONFIDENCE = 0.95
CARRIED_CONFIDENCE = 0.85
FALLBACK_CONFIDENCE = 0.5


class RuleSectionTagger:
    """Labels every paragraph of a `Doc` with a section (LABELS.md)."""

    name = "rules"

    def __call__(self, doc: Doc) -> Doc:
        self._tag(doc)
        return doc

    def _tag(self, doc: Doc) -> None:
        paragraphs = doc.paragraphs
        texts = [doc.view_text(p) for p in paragraphs]
        end = len(doc.text) if doc.body_end is None else doc.body_end
        body = [i for i, p in enumerate(paragraphs) if doc.body_start <= p.start < end]
        for i, p in enumerate(paragraphs):
            if not doc.body_start <= p.start < end:
                _set(p, "boilerplate", HEADING_CONFIDENCE)
        if not body:
            return
        title = find_title(texts, body)
        first = body[0]
        if title is not None:
            for i in range(first, title):
                _set(paragraphs[i], "preamble" if METADATA.match(texts[i]) else "boilerplate", CARRIED_CONFIDENCE)
            first = title
        top_is_sub = not any(_is_top_heading(texts[i])[0] == "top" for i in body)
        labelled = self._by_headings(paragraphs, texts, [i for i in body if i >= first], top_is_sub)
        if not labelled:
            self._by_keywords(paragraphs, texts, [i for i in body if i >= first])
        _mark_chrome(paragraphs, texts, body)

    def _by_headings(self, paragraphs: list[Paragraph], texts: list[str], order: list[int], top_is_sub: bool) -> int:
        current, found = "preamble", 0
        for i in order:
            level, label = _is_top_heading(texts[i])
            if level == "sub" and (top_is_sub or _leaves_table_section(current, label)):
                level = "top"
            if level == "top" and label:
                current, found = label, found + 1
                _set(paragraphs[i], label, HEADING_CONFIDENCE, heading="top")
            elif level is None and label and _looks_like_heading(texts[i]):
                current, found = label, found + 1  # an unnumbered heading line
                _set(paragraphs[i], label, HEADING_CONFIDENCE * 0.9, heading="top")
            else:
                if level == "top" and current == "preamble":
                    current = "overview"  # an unknown first heading opens the report body
                _set(paragraphs[i], current, CARRIED_CONFIDENCE, heading=level)
        return found

    def _by_keywords(self, paragraphs: list[Paragraph], texts: list[str], order: list[int]) -> None:
        for n, i in enumerate(order):
            label = "preamble" if n == 0 else "overview"
            for name, pattern in _KEYWORDS:
                if pattern.search(texts[i]):
                    label = name
                    break
            _set(paragraphs[i], label, FALLBACK_CONFIDENCE)


def _leaves_table_section(current: str, label: str | None) -> bool:
    """A sub-heading naming problems or other matters cannot belong to a table section
    (a report that lost its 五、 heading keeps its (一)主要问题)."""
    return current in ("proactive", "requests", "review_litigation") and label in ("problems", "other", "fees")


def _set(p: Paragraph, label: str, confidence: float, heading: str | None = None) -> None:
    p.section, p.confidence, p.source, p.heading = label, confidence, "rules", heading


def _is_top_heading(text: str) -> tuple[str | None, str | None]:
    if "\t" in text or "|" in text:
        return None, None  # a table row (一、本年新收…\t3001…) is never a heading
    level, rest = split_marker(text)
    if level is None:
        # An unnumbered heading: a short line that starts with a heading phrase, no sentence.
        rest = rest.strip()
        if len(rest) <= 40 and heading_label(rest) == "other" and rest.endswith("统计表"):
            return None, "other"
        if len(rest) > 24 or SENTENCE.search(rest) or heading_label(rest, at_start=True) is None:
            return None, None
        return None, heading_label(rest, at_start=True)
    label = heading_label(rest)
    if label is None and level == "top" and _looks_like_heading(rest):
        label = _keyword_label(rest)
    return level, label


def _keyword_label(text: str) -> str | None:
    for name, pattern in _KEYWORDS:
        if pattern.search(text):
            return name
    return "overview" if re.search(r"情况|工作|建设|机制|服务|回应", text) else None


def _looks_like_heading(text: str) -> bool:
    return len(text.strip()) <= 30 and not SENTENCE.search(text.strip()[:-1] or "x")


def _mark_chrome(paragraphs: list[Paragraph], texts: list[str], body: list[int]) -> None:
    for i in body:
        if len(texts[i]) <= 80 and CHROME.search(texts[i]) and not METADATA.match(texts[i]):
            _set(paragraphs[i], "boilerplate", CARRIED_CONFIDENCE)
    # Trailing site chrome: short non-sentences after the last section's content, but never
    # the first paragraph after a heading (六、其他需要报告的事项 / 无).
    for i in reversed(body):
        t = texts[i].strip()
        p = paragraphs[i]
        if p.heading == "top" or (i > 0 and paragraphs[i - 1].heading == "top"):
            break
        if p.section == "boilerplate" or (len(t) <= 20 and not SENTENCE.search(t) and not re.search(r"\d", t)):
            _set(p, "boilerplate", CARRIED_CONFIDENCE)
            continue
        break
