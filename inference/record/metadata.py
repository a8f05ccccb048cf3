"""About the report: title, issuing body, year, publication date, layout."""
from __future__ import annotations

import re
from collections import Counter

from gongkai.doc import Doc
from gongkai.inference.figures.values import date_value
from gongkai.inference.record.warnings import layout_warnings
from gongkai.inference.text.headings import METADATA, STANDARD_HEADINGS, TITLE, find_title

_YEAR_IN_TITLE = re.compile(r"((?:19|20)\d{2})\s*年")
_TITLE_TAIL = re.compile(r"\s*(?:关于)?(?:(?:19|20)\d{2}\s*年度?)?\s*(?:政府|政务)?(?:信息公开|政务公开|信息).*$")
_TITLE_HEAD_YEAR = re.compile(r"^\s*(?:19|20)\d{2}\s*年度?\s*")


class Metadata:
    """Component "metadata": who reported, for which year, in which layout, and what the
    page lost (layout warnings). Reads sections and spans; the table reader reads `format`."""

    name = "metadata"

    def __call__(self, doc: Doc) -> Doc:
        view_texts = [doc.view_text(p) for p in doc.paragraphs]
        doc.title_view, doc.title = _title(doc, view_texts)
        doc.agency = _agency(doc, doc.title_view)
        doc.year = _year(doc, doc.title_view)
        doc.published = _published(doc)
        doc.format = _format(doc, doc.year)
        doc.warnings.extend(layout_warnings(doc, view_texts))
        return doc


def _title(doc: Doc, texts: list[str]) -> tuple[str | None, str | None]:
    """(title in the view's Simplified script, title as written)."""
    body = [i for i, p in enumerate(doc.paragraphs) if p.section in ("preamble", "boilerplate") and p.start >= doc.body_start]
    start = find_title(texts, body) if body else None
    if start is not None:
        parts = [start]
        if not TITLE.search(texts[start]) and start + 1 < len(texts):
            parts.append(start + 1)
        views, origs = [], []
        for i in parts:
            p = doc.paragraphs[i]
            vs, _ = doc.view.to_view(p.start, p.end)
            a, b = _title_range(texts[i]) if len(parts) == 1 else (0, len(texts[i]))
            os_, oe = doc.view.to_original(vs + a, vs + b)
            views.append(texts[i][a:b].strip())
            origs.append(doc.text[os_:oe].strip())
        return "".join(views), "".join(origs)
    crawler = doc.meta.get("crawler", {}).get("title")
    if crawler:
        from gongkai.inference.text.normalize import normalize

        return normalize(crawler).text, crawler
    return None, None


_TITLE_CHUNK = re.compile(r"[^\s:>›»]*(?:报告|年报)")


def _title_range(text: str) -> tuple[int, int]:
    """The title inside a line that also carries a breadcrumb or a heading mark
    (当前位置: 首页政务公开 平潭综合实验区2013年…年度报告 → the last part)."""
    m = None
    for m in _TITLE_CHUNK.finditer(text):
        pass
    if m is None:
        return 0, len(text)
    a = m.start()
    # "沐阳县人民政府 2025 年 政府信息公开…": words split by spaces belong together
    # when the chunk starts with the year or the words before it carry no breadcrumb.
    before = text[:a].rstrip()
    while before and not re.search(r"[:>›»]|首页|位置", before.split()[-1] if before.split() else ""):
        a = len(before) - len(before.split()[-1])
        before = text[:a].rstrip()
        if len(m.group()) + (m.start() - a) > 60:
            break
    return a + len(text[a:]) - len(text[a:].lstrip("# ")), m.end()


def _agency(doc: Doc, title: str | None) -> str | None:
    if title:
        name = _TITLE_TAIL.sub("", _TITLE_HEAD_YEAR.sub("", title)).strip(" 《》\"“”")
        if 2 <= len(name) <= 40:
            return re.sub(r"\s+", "", name)
    # No title: the first government body named in the report's own text.
    agencies = [e for e in doc.entities if e.label == "AGENCY" and e.normalized]
    for suffix in ("人民政府", "管委会", "政府", "局", "委员会"):
        for e in agencies:
            if e.normalized.endswith(suffix):
                return e.normalized
    return agencies[0].normalized if agencies else None


def _year(doc: Doc, title: str | None) -> int | None:
    for source in (title, doc.meta.get("crawler", {}).get("title")):
        if source:
            m = _YEAR_IN_TITLE.search(source)
            if m:
                return int(m.group(1))
    years = Counter(
        int(e.value[:4])
        for e in doc.entities
        if e.label == "DATE" and isinstance(e.value, str) and re.match(r"\d{4}$", e.value[:4] or "")
        and doc.paragraphs[e.paragraph].section in ("preamble", "overview")
    )
    return years.most_common(1)[0][0] if years else None


def _published(doc: Doc) -> str | None:
    crawler = doc.meta.get("crawler", {}).get("published")
    if crawler:
        value = date_value(crawler.split()[0])
        if value:
            return value[:10]
    # A publication line: 时间:2019年03月18日 / 2023/01/31/ 16:47 来源:… / (2026年1月23日)
    for e in doc.entities:
        p = doc.paragraphs[e.paragraph]
        if e.label != "DATE" or p.section != "preamble" or not isinstance(e.value, str):
            continue
        line = doc.view_text(p)
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}(T.*)?", e.value) and "至" not in line and not re.search(r"统计(?:期限|周期|时限|区间)", line) and \
                (METADATA.search(line) or re.search(r"来源|发布|时间|日期", line) or re.fullmatch(r"\W*" + re.escape(doc.view_text(e)) + r"\W*", line)):
            return e.value[:10]
    return None


def _format(doc: Doc, year: int | None) -> str:
    """The layout follows from the reporting year (the 2019 template served 2019–2020, the 2021
    template 2021 on); the template's own words decide only when the year is unknown."""
    if year is not None:
        return "legacy" if year <= 2018 else "2019" if year <= 2020 else "2021"
    text = doc.view.text
    if "〔2021〕30号" in text or "本年制发件数" in text:
        return "2021"
    if "〔2019〕60号" in text or "本年新制作数量" in text:
        return "2019"
    return "2021" if len(set(STANDARD_HEADINGS.findall(text))) >= 4 else "unknown"


