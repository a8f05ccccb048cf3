"""Stage 7 — record: who reported, for which year, the figures, and their checks."""
from __future__ import annotations

import re
from collections import Counter

from .checks import run_checks
from .document import Doc, Entity, Record
from .headings import METADATA, STANDARD_HEADINGS, TITLE, find_title, split_marker
from .metrics import text_metrics
from .tables import parse_tables
from .values import date_value, fill_values

_YEAR_IN_TITLE = re.compile(r"((?:19|20)\d{2})\s*年")
_TITLE_TAIL = re.compile(r"\s*(?:关于)?(?:(?:19|20)\d{2}\s*年度?)?\s*(?:政府|政务)?(?:信息公开|政务公开|信息).*$")
_TITLE_HEAD_YEAR = re.compile(r"^\s*(?:19|20)\d{2}\s*年度?\s*")
_IMAGE_NAME = re.compile(r"\b\d{8,}\.(?:png|jpe?g|gif|bmp)\b", re.I)
_EMPTY_ROW = re.compile(r"^(?:\|\s*)+\|?\s*$|^(?:\|\s*){3,}")


def build_record(doc: Doc) -> Record:
    view_texts = [doc.view_text(p) for p in doc.paragraphs]
    title_text, title_orig = _title(doc, view_texts)
    prose = text_metrics(doc)
    tables = parse_tables(doc)
    _add_table_entities(doc, tables.cells)
    metrics = {**prose, **tables.metrics}  # a table figure is the official one
    year = _year(doc, title_text)
    record = Record(
        source=doc.source,
        text=doc.text,
        title=title_orig,
        agency=_agency(doc, title_text),
        year=year,
        published=_published(doc),
        format=_format(doc, year),
        script=doc.view.script,
        paragraphs=doc.paragraphs,
        sections=_sections(doc, view_texts),
        entities=doc.entities,
        metrics=metrics,
        checks=run_checks(metrics, tables.metrics, prose, tables.tables),
        tables=tables.tables,
        warnings=list(doc.warnings) + _warnings(doc, view_texts) + tables.warnings,
        meta={k: v for k, v in doc.meta.items() if k not in ("sha256",)} | {"sha256": doc.meta.get("sha256")},
    )
    return record


def _add_table_entities(doc: Doc, cells) -> None:
    """Cells recovered from run-together rows become spans: COUNT, MONEY in table 2's 收费 row."""
    if not cells:
        return
    # A cell the table arithmetic recovered outranks a model span over the same characters.
    doc.entities = [e for e in doc.entities
                    if e.source != "model" or not any(c.start < e.end and e.start < c.end for c, _ in cells)]
    taken = {i for e in doc.entities for i in range(e.start, e.end)}
    added = []
    starts = [p.start for p in doc.paragraphs]
    import bisect

    for cell, label in cells:
        if any(i in taken for i in range(cell.start, cell.end)):
            continue
        k = bisect.bisect_right(starts, cell.start) - 1
        added.append(Entity(label=label, start=cell.start, end=cell.end, text=doc.text[cell.start:cell.end],
                            paragraph=k, confidence=0.8, source="rules", origin="table"))
    fill_values(doc, added)
    doc.entities = sorted(doc.entities + added, key=lambda e: e.start)


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
        from .normalize import normalize

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


def _sections(doc: Doc, texts: list[str]) -> list[dict]:
    out: list[dict] = []
    for p, text in zip(doc.paragraphs, texts):
        opens = p.heading == "top"
        if out and out[-1]["label"] == p.section and not opens:
            out[-1]["end"] = p.end
            out[-1]["paragraphs"].append(p.index)
            continue
        out.append({
            "label": p.section,
            "heading": doc.paragraph_text(p).strip() if opens else None,
            "start": p.start,
            "end": p.end,
            "paragraphs": [p.index],
        })
    return out


def _warnings(doc: Doc, texts: list[str]) -> list[str]:
    warnings: list[str] = []
    paragraphs = doc.paragraphs
    for i, p in enumerate(paragraphs):
        if p.heading != "top":
            continue
        nxt = paragraphs[i + 1] if i + 1 < len(paragraphs) else None
        if nxt is None or nxt.heading == "top" or nxt.section == "boilerplate":
            level, _ = split_marker(texts[i])
            marker = texts[i].strip()[:1] if level == "top" else ""
            warnings.append(f"section {marker} ({p.section}) has a heading but no content (table lost?)".replace("  ", " "))
    images = sorted({m.group() for t in texts for m in _IMAGE_NAME.finditer(t)})
    if images:
        warnings.append(f"table lost: replaced by image file name(s) {', '.join(images[:5])}")
    empty_rows = sum(1 for t in texts if _EMPTY_ROW.match(t.strip()))
    if empty_rows >= 3:
        warnings.append(f"table lost: {empty_rows} table rows have only empty cells")
    if not any(p.heading == "top" for p in paragraphs):
        warnings.append("no section headings found; sections were guessed from keywords")
    if "信息公开" not in doc.view.text and "政务公开" not in doc.view.text:
        warnings.append("this does not look like a government information-disclosure annual report")
    return warnings
