"""About the report: title, issuing body, year, publication date, layout."""
from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from gongkai.doc import Doc, Entity
from gongkai.inference.figures.values import date_value
from gongkai.inference.record.warnings import layout_warnings
from gongkai.inference.record.region import Place, locate
from gongkai.inference.tag.rules import gazetteer as gz
from gongkai.inference.text.headings import METADATA, SENTENCE, STANDARD_HEADINGS, is_title_part
from gongkai.inference.text.normalize import normalize

_YEAR_IN_TITLE = re.compile(r"((?:19|20)\d{2})\s*年")


class Metadata:
    """Component "metadata": who reported, for which year, in which layout, where the body
    sits, and what the page lost (layout warnings). Reads sections and spans; the table
    reader reads `format`. Short forms of the reporting body's name in the text (省科技厅,
    区政府) get its full name as `normalized`."""

    name = "metadata"

    def __call__(self, doc: Doc) -> Doc:
        view_texts = [doc.view_text(p) for p in doc.paragraphs]
        doc.title_view, doc.title, after = _title(doc, view_texts)
        doc.agency = _agency(doc, doc.title_view, view_texts, after)
        doc.year = _year(doc, doc.title_view)
        doc.published = _published(doc)
        doc.format = _format(doc, doc.year)
        place = locate(doc.agency, doc.view.text)
        doc.region, doc.level = place.region, place.level
        normalize_short_forms(doc.entities, doc.agency, place)
        doc.warnings.extend(layout_warnings(doc, view_texts))
        return doc


# --- the title ---------------------------------------------------------------------------
# A page is menus, a breadcrumb, a header block and the report; other reports' titles may
# stand in its menus and related links. The report's own title is the title-like line nearest
# before where the report starts: its opening statement (本报告根据《条例》…) or its first
# numbered section.

_STATEMENT = re.compile(
    r"(?:根据|依据|按照|依照)[^。；]{0,40}?《(?:中华人民共和国)?政府信息公开(?:工作)?条例》|本(?:年度)?报告[^。；]{0,8}?(?:根据|依据|按照|依照|由)"
)
_TITLE_WORDS = re.compile(r"(?:信息公开|政务公开).{0,16}?(?:报告|年报)|年度报告|工作报告")
_HAS_YEAR = re.compile(r"(?:19|20)\d{2}\s*年|[二][〇零○][〇零○一二三四五六七八九]{2}\s*年")
_TITLE_WINDOW = 30  # paragraphs searched back from the report's start
_META_TITLES = (("crawler", "title"), ("html_title", None), ("docx_title", None))


def _title(doc: Doc, texts: list[str]) -> tuple[str | None, str | None, int | None]:
    """(title in the view's Simplified script, title as written, the paragraph after it)."""
    found = _text_title(doc, texts)
    if found is not None:
        views, origs = [], []
        for i, a, b in found:
            vs, _ = doc.view.to_view(doc.paragraphs[i].start, doc.paragraphs[i].end)
            os_, oe = doc.view.to_original(vs + a, vs + b)
            views.append(texts[i][a:b].strip())
            origs.append(doc.text[os_:oe].strip())
        return "".join(views), "".join(origs), found[-1][0] + 1
    for title in meta_titles(doc):
        return normalize(title, doc.view.script).text, title, None
    return None, None, None


def meta_titles(doc: Doc) -> list[str]:
    """Titles the reader or the crawler saw outside the text (标题:, <title>, the DOCX core
    properties), each cut to its report-title part (<title> often adds 栏目_网站名)."""
    out = []
    for key, sub in _META_TITLES:
        value = doc.meta.get(key)
        value = value.get(sub) if isinstance(value, dict) and sub else value
        if not isinstance(value, str) or not value.strip():
            continue
        parts = [p.strip() for p in re.split(r"[_|｜]|\s[-—–]\s", value) if p.strip()]
        out.extend(p for p in parts if _TITLE_WORDS.search(normalize(p, doc.view.script).text))
    return out


def _body(doc: Doc) -> list[int]:
    end = len(doc.text) if doc.body_end is None else doc.body_end
    return [i for i, p in enumerate(doc.paragraphs) if doc.body_start <= p.start < end]


def _text_title(doc: Doc, texts: list[str]) -> list[tuple[int, int, int]] | None:
    """The title's pieces (paragraph, start, end in the paragraph's view text), or None:
    searched in the report body a reader marked, then (a page may set its title above the
    main content) in the whole text."""
    body = _body(doc)
    found = _title_before_start(doc, texts, body) if body else None
    if found is None:
        # Not the crawler's header: its 标题 is read from the metadata.
        whole = [i for i, p in enumerate(doc.paragraphs) if p.start >= doc.body_start or not doc.meta.get("crawler")]
        if whole != body:
            found = _title_before_start(doc, texts, whole)
    return found


def _title_before_start(doc: Doc, texts: list[str], paragraphs: list[int]) -> list[tuple[int, int, int]] | None:
    """The title-like line nearest before the report's start; with no start found, the first
    title-like line (the last ones of a page are often other reports' titles)."""
    anchor, offset = _report_start(doc, texts, paragraphs)
    if anchor is None:
        order = paragraphs[:_TITLE_WINDOW]
    else:
        order = [i for i in paragraphs if i <= anchor][-_TITLE_WINDOW:][::-1]
    for i in order:
        if doc.paragraphs[i].section not in ("preamble", "boilerplate", None):
            continue
        piece = _title_in(texts[i][:offset] if i == anchor else texts[i])
        if piece is None:
            continue
        pieces = [(i, *piece)]
        # A title wrapped over lines: 平潭综合实验区 / 2013年政府信息公开工作年度报告.
        while not agency_from_title(_joined(texts, pieces)):
            prev = pieces[0][0] - 1
            if prev not in paragraphs or doc.paragraphs[prev].section not in ("preamble", "boilerplate", None) \
                    or not texts[prev].strip() or not is_title_part(texts[prev]) \
                    or len(_joined(texts, pieces)) + len(texts[prev]) > 80:
                break
            pieces.insert(0, (prev, 0, len(texts[prev])))
        title = _joined(texts, pieces)
        if _HAS_YEAR.search(title) or agency_from_title(title):
            return pieces
    return None


def _joined(texts: list[str], pieces: list[tuple[int, int, int]]) -> str:
    return "".join(texts[i][a:b].strip() for i, a, b in pieces)


def _report_start(doc: Doc, texts: list[str], paragraphs: list[int]) -> tuple[int | None, int | None]:
    """(paragraph, offset) where the report itself starts: its opening statement or its first
    paragraph of a numbered section; (None, None) when neither is found."""
    for i in paragraphs:
        p = doc.paragraphs[i]
        if p.section not in ("preamble", "boilerplate", None):
            return i, 0
        if p.section == "preamble":
            m = _STATEMENT.search(texts[i])
            if m:
                return i, m.start()
    return None, None


def _title_in(text: str) -> tuple[int, int] | None:
    """Where a report title lies in a line (it may follow a breadcrumb or precede the opening
    statement), or None when the line holds none."""
    if len(text.strip()) > 200 or METADATA.match(text) or SENTENCE.search(text) or not _TITLE_WORDS.search(text):
        return None  # a sentence that names a report is no title
    a, b = _title_range(text)
    title = text[a:b].strip()
    if not title or len(title) > 80 or SENTENCE.search(title) or not _TITLE_WORDS.search(title) or title.startswith("本报告"):
        return None
    return a, b


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


# --- the body's name ---------------------------------------------------------------------

_YEAR = r"(?:(?:19|20)\d{2}|[二][〇零○][〇零○一二三四五六七八九]{2})年度?"
_KEY = r"(?:政府信息公开(?:和|与|及)政务公开|政务公开(?:和|与|及)政府信息公开|政府信息与政务公开|政府信息公开|政务信息公开|政务公开|信息公开)"
# What follows the body's name in a title, to its end: 2023年度政府信息公开工作年度报告,
# 关于2023年政府信息公开工作情况的报告, 2019年政府信息公开年报, 政府信息公开工作2022年度报告.
_TAIL = re.compile(
    rf"(?:关于)?(?:印发)?(?:{_YEAR})?(?:的)?(?:{_KEY}(?:工作)?(?:情况)?(?:的)?(?:{_YEAR})?(?:工作)?(?:年度)?|{_YEAR}(?:工作)?(?:年度)?)"
    r"(?:报告|年报)(?:\([^()]{0,12}\))?$"
)
_HEAD = re.compile(rf"^(?:关于)?(?:{_YEAR})?(?:关于)?")
_TAIL_START = re.compile(r"关于|印发|(?:19|20)\d{2}|二[〇零○]|的|政府信息|政务|信息公开")  # where a tail may begin


def agency_from_title(title: str | None) -> str | None:
    """The reporting body named by a title: the title less its year and its 政府信息公开工作
    年度报告 tail (2023年度河北省工业和信息化厅政府信息公开工作年度报告 → 河北省工业和信息化厅);
    None when the title names no body."""
    if not title:
        return None
    text = "".join(title.split()).strip("#《》\"“”【】[]")
    if "关于印发" in text:  # XX办公室关于印发YY2023年…报告(的通知): YY reports
        text = text[text.index("关于印发") + 4:]
    text = _HEAD.sub("", text)
    for m in _TAIL_START.finditer(text):
        if _TAIL.match(text, m.start()):
            name = text[: m.start()].rstrip("的")
            break
    else:
        return None
    name = _HEAD.sub("", name).strip("《》\"“”【】[]、,")
    return name if 2 <= len(name) <= 40 and re.search(r"[\u4e00-\u9fff]", name) else None


def _agency(doc: Doc, title: str | None, texts: list[str], after: int | None) -> str | None:
    """The body the title names; else a heading line under the title that is one body's name
    (2023年政府信息公开工作年度报告 / 河北省工业和信息化厅); else the body of a title the reader
    or crawler saw; else the report's signature (a name alone on a line near the end)."""
    name = agency_from_title(title)
    if name:
        return name
    lines = _name_lines(doc, texts)
    if after is not None:
        for i in (after, after + 1):
            if i in lines:
                return lines[i]
    for other in meta_titles(doc):
        name = agency_from_title(normalize(other, doc.view.script).text)
        if name:
            return name
    body = [i for i in _body(doc) if doc.paragraphs[i].section != "boilerplate"]
    for i in reversed(body[-6:]):
        if i in lines:
            return lines[i]
    # No title names the body: the first government body named in the report's own text.
    agencies = [e for e in doc.entities if e.label == "AGENCY" and e.normalized]
    for suffix in ("人民政府", "管委会", "政府", "局", "委员会"):
        for e in agencies:
            if e.normalized.endswith(suffix):
                return e.normalized
    return agencies[0].normalized if agencies else None


def _name_lines(doc: Doc, texts: list[str]) -> dict[int, str]:
    """Paragraphs that are one AGENCY span and nothing else, with its Simplified name."""
    out = {}
    for e in doc.entities:
        if e.label == "AGENCY" and e.paragraph is not None and e.normalized \
                and "".join(texts[e.paragraph].split()) == "".join(doc.view_text(e).split()):
            out.setdefault(e.paragraph, e.normalized)
    return out


# --- short forms of the body's name ------------------------------------------------------

_GOVERNMENTS = ("人民政府", "政府")
_ZONE_GOVERNMENTS = ("管委会", "管理委员会", "党工委管委会")
_LEVEL_CHARS = "省市县区旗州盟"
_PLACE_BODY = re.compile(r"^([\u4e00-\u9fff]{1,10}?[省市县区旗州盟])((?:人民)?政府|管委会|[\u4e00-\u9fff]{2,20})$")


def body_names(agency: str | None, place: Place) -> frozenset[str]:
    """Names by which a report calls its own body: the department's sector in full or short
    (data/sectors.txt) with its suffix in full or short, after no prefix, the level word, or
    the division's name in full or short (河北省科学技术厅 → 省科技厅, 河北科技厅, 科技厅;
    硚口区人民政府 → 区政府, 硚口区政府). A government needs its prefix: a bare 政府 names none."""
    if not agency:
        return frozenset()
    return _body_names("".join(agency.split()), place.divisions, place.zone, place.body)


@lru_cache(maxsize=256)
def _body_names(agency: str, divisions: tuple[str, ...], zone: str, body: str) -> frozenset[str]:
    words = list(divisions)
    if not words and not zone:
        m = _PLACE_BODY.match(agency)
        if m is None:
            return frozenset()
        words, body = [m.group(1)], m.group(2)
    alias = re.search(r"\([^()]{1,16}\)$", body)
    core = body[: alias.start()] if alias else body
    if core in _GOVERNMENTS:
        forms, bare = set(_GOVERNMENTS), False
    elif zone and core in ("", *_ZONE_GOVERNMENTS):
        forms, bare = set(_ZONE_GOVERNMENTS), False
    else:
        forms, bare = _department_forms(core), True
    if alias:
        forms |= {f + alias.group() for f in forms}
    last = words[-1] if words else ""
    prefixes = {"".join(words) + zone, last + zone, _short(last) + zone}
    if zone:  # 平潭综合实验区管委会 → 实验区管委会, 区管委会
        prefixes |= {zone, zone[-3:], "区"}
    else:  # 河北省科学技术厅 → 省科技厅, 河北科技厅
        prefixes |= {last, _short(last)}
        if last[-1:] in _LEVEL_CHARS:
            prefixes.add(last[-1])
    prefixes.discard("")
    names = {p + f for p in prefixes for f in forms}
    if bare:
        names |= forms
    names.discard(agency)
    return frozenset(n for n in names if len(n) >= 2)


def _short(name: str) -> str:
    for suffix in ("省", "市", "县", "区", "旗"):
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


@lru_cache(maxsize=1)
def _sector_table() -> list[gz.Sector]:
    return sorted(gz.sectors(), key=lambda s: -len(s.full))


def _department_forms(core: str) -> set[str]:
    """A department's name and its short forms: 科学技术厅 → 科技厅; 发展和改革委员会 → 发改委."""
    out = {core}
    for sector in _sector_table():
        if sector.suffix:  # a whole name: 科学技术委员会 ↔ 科委
            if core in sector.forms:
                out.update(sector.forms)
            continue
        for form in sector.forms:
            suffix = core[len(form):]
            if core.startswith(form) and suffix in gz.SUFFIXES:
                suffixes = (suffix, *gz.SUFFIX_SHORT.get(suffix, ()))
                out.update(f + x for f in sector.forms for x in suffixes)
                return out
    return out


def normalize_short_forms(entities: list[Entity], agency: str | None, place: Place) -> None:
    """AGENCY spans that name the reporting body by a short form get its full name as
    `normalized` (省科技厅 in the report of 河北省科学技术厅)."""
    names = body_names(agency, place)
    if not names:
        return
    for e in entities:
        if e.label == "AGENCY":
            name = e.normalized or e.value or ""
            if name in names or ("".join(name.split()) in names):
                e.normalized = agency


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


