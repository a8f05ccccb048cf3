"""Split: paragraphs from lines; one-line crawls are cut at headings.

A crawler that flattened a page leaves the whole report on one line, with headings
inline (…电子邮箱：x@163.com。一、总体情况2020年，我区…). Such lines are cut before
each numbered heading and after a known section heading's words, so that headings and
table starts become paragraphs of their own.
"""
from __future__ import annotations

import re

from gongkai.doc import Doc, Paragraph, trim
from gongkai.markers import CN_DIGITS
from gongkai.inference.text.headings import INLINE_APPENDIX, INLINE_TOP_HEADING, TITLE

LONG_LINE = 300  # only lines longer than this are cut inline

_SENTENCE_END = "。；;！!？?：:）)」”】"
_WEAK_MARKERS = re.compile(
    rf"[{CN_DIGITS}]{{1,2}}、"              # 二、
    rf"|\([{CN_DIGITS}]{{1,2}}\)"           # (二)
    r"|(?<![\d.])\d{1,2}[.、](?=[\u4e00-\u9fff])"  # 2.xx (not 99.1)
    r"|第二十条第\([一二三四五六七八九十]+\)项"   # table 2 blocks
)


class Split:
    """Component "split": `doc.paragraphs`, in order, covering the text."""

    name = "split"

    def __call__(self, doc: Doc) -> Doc:
        doc.paragraphs = split(doc)
        return doc


def split(doc: Doc) -> list[Paragraph]:
    view = doc.view.text
    spans: list[tuple[int, int]] = []
    for s, e in _join_wrapped(view, _lines(view)):
        if e - s > LONG_LINE and s >= _view_body_start(doc):
            spans.extend(_cut_inline(view, s, e))
        elif _BREADCRUMB.match(view, s, e):
            spans.extend(_cut_breadcrumb(view, s, e))
        else:
            spans.append((s, e))
    paragraphs = []
    for vs, ve in spans:
        os_, oe = doc.view.to_original(vs, ve)
        if oe > os_:
            paragraphs.append(Paragraph(index=len(paragraphs), start=os_, end=oe))
    return paragraphs


def _lines(text: str) -> list[tuple[int, int]]:
    out, pos = [], 0
    for line in text.split("\n"):
        s, e = trim(text, pos, pos + len(line))
        if s < e:
            out.append((s, e))
        pos += len(line) + 1
    return out


_TERMINAL = "。！!？?；;：:」”\")）】"
_TABLE_OR_FOOTER = re.compile(r"[\t|]|^[-—–－]\s*\d{1,3}\s*[-—–－]$", re.M)
_STARTS_BLOCK = re.compile(rf"\s*(?:#|\||[{CN_DIGITS}]{{1,3}}、|\([{CN_DIGITS}]{{1,3}}\)|\d{{1,2}}[.、]|第[{CN_DIGITS}]+[条部章])")


def _join_wrapped(text: str, lines: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Text extracted from PDFs wraps sentences at a fixed width (上海市科委 2024: ~28
    characters a line). When most lines are of that width and end mid-sentence, a full-width
    line that ends mid-sentence continues on the next line, unless that one opens a block."""
    if len(lines) < 10:
        return lines
    from collections import Counter

    # prose lines: not table rows, and not the short lines of a table written one cell a line
    prose = [(s, e) for s, e in lines if "|" not in text[s:e] and "\t" not in text[s:e] and e - s >= 10]
    widths = Counter(e - s for s, e in prose if e - s >= 20)
    if not widths:
        return lines
    full = widths.most_common(1)[0][0]
    at_width = sum(n for w, n in widths.items() if abs(w - full) <= 3)
    open_ended = sum(1 for s, e in prose if text[e - 1] not in _TERMINAL)
    if full > 120 or at_width < len(prose) * 0.2 or open_ended < len(prose) * 0.6:
        return lines
    out = [lines[0]]
    for s, e in lines[1:]:
        ps, pe = out[-1]
        prev_last = pe - 1
        if _last_line_width(text, ps, pe) >= full - 3 and text[prev_last] not in _TERMINAL \
                and not _TABLE_OR_FOOTER.search(text, ps, pe) and not _TABLE_OR_FOOTER.search(text, s, e) \
                and not _STARTS_BLOCK.match(text, s, e):
            out[-1] = (ps, e)
        else:
            out.append((s, e))
    return out


def _last_line_width(text: str, s: int, e: int) -> int:
    """Width of the last physical line of a (possibly already joined) paragraph."""
    return e - max(s, text.rfind("\n", s, e) + 1)


def _view_body_start(doc: Doc) -> int:
    return doc.view.to_view(doc.body_start, doc.body_start)[0] if doc.body_start else 0


_CHROME_RUN = re.compile(r"微信\s*微博\s*QQ空间.{0,40}?相关链接[:：]?\s*(?:-->)?|附件下载")
_TITLE_AT_START = re.compile(r"^.{2,60}?(?:工作)?年度报告(?=\s|根据|按照|依据)")


_BREADCRUMB = re.compile(r"\s*(?:当前位置|您现在的位置|您的位置)")


def _cut_breadcrumb(text: str, s: int, e: int) -> list[tuple[int, int]]:
    """当前位置： 首页政务公开… 平潭综合实验区2021年度…年度报告: the title is a paragraph of its own."""
    end_of_title = text.find("报告", s, e)
    if end_of_title < 0 or not TITLE.search(text, s, e):
        return [(s, e)]
    cut = text.rfind(" ", s, end_of_title)
    if cut <= s:
        return [(s, e)]
    return [trim(text, s, cut), trim(text, cut, e)]


def _cut_inline(text: str, s: int, e: int) -> list[tuple[int, int]]:
    cuts = {s, e}
    if _BREADCRUMB.match(text, s, e):
        head = _cut_breadcrumb(text, s, min(e, s + 160))
        cuts.update(a for a, _ in head)
    title = _TITLE_AT_START.match(text[s : s + 80])
    if title:
        cuts.add(s + title.end())
    for m in INLINE_TOP_HEADING.finditer(text, s, e):
        cuts.add(m.start())
        # The heading ends where its phrase ends, unless prose follows mid-phrase.
        if m.end() < e:
            cuts.add(m.end())
    for m in _CHROME_RUN.finditer(text, s, e):  # 微信 微博 QQ空间 … 相关链接： -->
        cuts.update((m.start(), m.end()))
    # The pattern has no literal start and scans every place; most lines hold neither word.
    appendix = text.find("情况统计表", s, e) >= 0 or text.find("指标名称", s, e) >= 0
    for m in (INLINE_APPENDIX.finditer(text, s, e) if appendix else ()):
        prev = text[m.start() - 1] if m.start() > s else "。"
        if m.group() == "指标名称" or m.group().startswith("附件") or prev in _SENTENCE_END or prev.isspace():
            cuts.add(m.start())
            if m.group() != "指标名称":
                cuts.add(m.end())
    for m in _WEAK_MARKERS.finditer(text, s, e):
        prev = text[m.start() - 1] if m.start() > s else "。"
        if prev in _SENTENCE_END or prev.isspace():
            cuts.add(m.start())
    points = sorted(cuts)
    out = []
    for a, b in zip(points, points[1:]):
        a, b = trim(text, a, b)
        if b > a:
            out.append((a, b))
    return out
