"""Metric keys (RECORD.md) stated in prose: 新收到…申请236件, 上年结转7件, 信息处理费400元 …

Each key has patterns tried in document order over the sections where the fact is
written; the first hit wins. A stated zero (未收到, 无…行政复议, 未收取) is a value of 0.
Table figures come from the table parser and take precedence over prose.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from gongkai.doc import Doc, Metric
from gongkai.inference.figures.values import parse_number
from gongkai.metric_keys import metric

N = r"(?P<n>\d+(?:,\d{3})*|[零〇一二两三四五六七八九十百千]+)"
_SP = r"\s*+"  # possessive: a run of white space never backtracks
_MORE = r"(?:余|多)?"  # 5500余条: the figure as stated (approx in its span)
_REQ = r"(?:政府信息公开申请|依申请公开(?:政府信息)?(?:申请)?|信息公开申请|公开申请|申请)"
_NOT_TABLE = re.compile(r"\t|\|")
# A figure about requests is read only from a sentence about disclosure requests: 共受理申请
# 121510件 at a service window is not one (issue: "prose figures only from sentences about
# 政府信息公开申请").
_ABOUT_REQUESTS = re.compile(r"信息公开|依申请|公开申请")

REQUEST_SECTIONS = ("overview", "requests", "preamble")
REVIEW_SECTIONS = ("overview", "requests", "review_litigation", "preamble")
FEE_SECTIONS = ("overview", "requests", "fees", "other", "problems")


@dataclass(frozen=True)
class MetricPattern:
    key: str
    pattern: re.Pattern
    sections: tuple[str, ...]
    zero: bool = False  # the pattern states a zero rather than capturing a number
    fallback: bool = False  # used only when no other pattern of the key matched anywhere
    family: str = ""  # a paragraph without any of _NEEDS[family] cannot match (speed)
    about: re.Pattern | None = None  # the sentence must match this


_NEEDS = {"requests": ("申请", "办结", "结转", "公开", "处理"), "review": ("复议",), "litigation": ("诉讼",),
          "fees": ("费",), "proactive": ("信息", "文件")}


def _p(key: str, regex: str, sections: tuple[str, ...], zero: bool = False, fallback: bool = False) -> MetricPattern:
    metric(key)  # a key the registry does not have is a bug here, not a silent miss
    about = _ABOUT_REQUESTS if key.startswith("requests.") else None
    return MetricPattern(key, re.compile(regex), sections, zero, fallback, key.split(".")[0], about)


_NOT_SENT = r"[^。；;，,]"  # within a clause
PATTERNS: list[MetricPattern] = [
    _p("requests.received", rf"(?:新收到|新收|共收到|收到|接收到?)(?:了)?(?:各类|群众|公众|公民、法人(?:或|和)其他组织)?(?:提出)?(?:的)?{_REQ}(?:政府信息)?(?:数|数量|件数)?(?:为|共|共计|合计)?{_SP}{N}{_SP}(?:件|条|份)", REQUEST_SECTIONS),
    _p("requests.received", rf"(?:新收到|共收到|收到|接到){_NOT_SENT}{{0,20}}?(?:政府信息公开|依申请公开|信息公开)(?:的)?{_NOT_SENT}{{0,4}}?申请{_SP}{N}{_SP}(?:件|条|份)", REQUEST_SECTIONS),
    _p("requests.received", rf"(?:未|没有)(?:收到|接到|受理)(?:过)?(?:任何)?{_NOT_SENT}{{0,16}}?(?:依申请公开|(?:政府信息公开|信息公开|申请公开)(?:的)?{_NOT_SENT}{{0,4}}?申请)", REQUEST_SECTIONS, zero=True),
    # 受理 often counts new and carried-over requests together: only when nothing better is said.
    _p("requests.received", rf"(?:共|新)?受理(?:了)?(?:各类)?(?:群众|公众)?(?:的)?{_REQ}(?:政府信息)?(?:共|共计|合计)?{_SP}{N}{_SP}件", REQUEST_SECTIONS, fallback=True),
    _p("requests.carried_over", rf"上(?:一)?年(?:度)?结转(?:的)?(?:政府信息公开|依申请公开)?(?:申请)?(?:数|数量)?(?:为)?{_SP}{N}{_SP}件", REQUEST_SECTIONS),
    _p("requests.carried_forward", rf"(?:结转|转)(?:至)?下(?:一)?年度?(?:继续)?(?:办理)?(?:答复)?(?:的)?(?:申请)?(?:有|为)?{_SP}{N}{_SP}件", REQUEST_SECTIONS),
    _p("requests.completed", rf"(?:已|共|全部)?办结(?:申请)?(?:的)?(?:申请)?(?:为)?{_SP}{N}{_SP}件", ("requests",)),
    _p("requests.granted", rf"(?:予以公开|同意公开)(?:答复)?(?:的)?(?:有)?{_SP}{N}{_SP}件", ("requests", "overview")),
    _p("requests.partially_granted", rf"部分公开(?:答复)?(?:的)?(?:有)?{_SP}{N}{_SP}件", ("requests", "overview")),
    _p("requests.denied", rf"不予公开(?:答复)?(?:的)?(?:有)?{_SP}{N}{_SP}件", ("requests", "overview")),
    _p("requests.unable_to_provide", rf"无法提供(?:的)?(?:有)?{_SP}{N}{_SP}件", ("requests", "overview")),
    _p("requests.not_processed", rf"不予处理(?:的)?(?:有)?{_SP}{N}{_SP}件", ("requests", "overview")),
    _p("requests.other_handling", rf"其他处理(?:的)?(?:有)?{_SP}{N}{_SP}件", ("requests", "overview")),
    _p("review.total", rf"(?:被申请|申请|提起|发生|收到)?行政复议(?:申请|案件)?(?:共|数)?(?:为|有)?{_SP}{N}{_SP}(?:件|起)", REVIEW_SECTIONS),
    _p("review.total", rf"{N}{_SP}(?:件|起|份|宗)(?:涉及|因|有关)?{_NOT_SENT}{{0,12}}?行政复议", REVIEW_SECTIONS),
    _p("review.total", rf"(?:无(?!论)|未发生|没有|未收到|未有|未出现){_NOT_SENT}{{0,30}}?行政复议", REVIEW_SECTIONS, zero=True),
    _p("litigation.total", rf"(?:被提起|提起|发生|收到)?行政诉讼(?:案件)?(?:共|数)?(?:为|有)?{_SP}{N}{_SP}(?:件|起)", REVIEW_SECTIONS),
    _p("litigation.total", rf"(?:无(?!论)|未发生|没有|未有|未收到|未出现){_NOT_SENT}{{0,30}}?行政诉讼", REVIEW_SECTIONS, zero=True),
    _p("fees.information_processing_yuan", rf"信息处理费(?:共计|共|合计|为)?{_SP}(?P<n>\d+(?:\.\d+)?){_SP}元", FEE_SECTIONS),
    _p("fees.information_processing_yuan", r"(?:未|没有|无|不)(?:收取|产生|发生|涉及)[^。；;]{0,20}(?:信息处理费|收费|费用|信息费)|信息处理费[^。；;]{0,12}(?:为零|为0|0元|均未|未收取)|无收取信息费|暂不收费|免费(?:提供|公开)", FEE_SECTIONS, zero=True),
    _p("proactive.published_items", rf"主动公开(?:各类)?(?:政府|政务)?信息(?:数|总数)?(?:共|共计)?(?:为)?{_SP}{N}{_SP}{_MORE}(?:条|件)", ("overview", "proactive", "preamble")),
    _p("proactive.published_items", rf"(?:公开|公布|发布)(?:各类)?(?:政府|政务)信息(?:共|共计)?{_SP}{N}{_SP}{_MORE}(?:条|件)", ("overview", "proactive")),
    _p("proactive.published_items", rf"主动公开{_NOT_SENT}{{0,12}}?(?:政府|政务)信息(?:共|共计)?{_SP}{N}{_SP}{_MORE}(?:条|件)", ("overview", "proactive"), fallback=True),
    _p("proactive.published_items", rf"(?:其他应)?主动公开(?:各类)?(?:政府|政务)?信息(?:数|总数)?{_SP}{N}{_SP}(?:条|件)", ("overview", "proactive"), fallback=True),
    _p("proactive.normative_documents.issued", rf"制发(?:的)?(?:行政)?规范性文件(?:总数)?(?:为|共)?{_SP}{N}{_SP}(?:条|件)", ("overview", "proactive")),
]


def text_metrics(doc: Doc) -> dict[str, Metric]:
    """For each key, the earliest statement in document order; fallbacks only if needed."""
    best: dict[str, tuple[tuple, Metric]] = {}
    previous = ""  # the last sentence of the paragraph before: context for the first sentence
    for p in doc.paragraphs:
        if p.section in (None, "boilerplate"):
            continue
        vs, ve = doc.view.to_view(p.start, p.end)
        raw = doc.view.text[vs:ve]
        if _NOT_TABLE.search(raw):
            previous = ""
            continue
        # Wrapped lines (PDF text) break phrases: match on the text without line breaks.
        if "\n" in raw:
            keep = [i for i, c in enumerate(raw) if c not in "\r\n"]
            text = "".join(raw[i] for i in keep)
        else:
            keep, text = range(len(raw)), raw
        present = {family for family, words in _NEEDS.items() if any(w in text for w in words)}
        for mp in PATTERNS:
            if p.section not in mp.sections or mp.family not in present:
                continue
            if mp.key in best and best[mp.key][0][0] <= mp.fallback and best[mp.key][0][1] < p.index:
                continue  # stated in an earlier paragraph: nothing here can come first
            for m in mp.pattern.finditer(text):
                rank = (mp.fallback, p.index, m.start())
                if mp.key in best and best[mp.key][0] <= rank:
                    break
                if mp.about is not None and not mp.about.search(_context(text, m.start(), m.end(), previous)):
                    continue
                found = _metric(doc, mp, m, vs, text, keep)
                if found is not None:
                    best[mp.key] = (rank, found)
                    break
        previous = text[max((text.rfind(c, 0, len(text) - 1) for c in "。；;"), default=-1) + 1:]
    return {key: found for key, (_, found) in best.items()}


def _metric(doc: Doc, mp: MetricPattern, m: re.Match, vs: int, text: str, keep: list[int]) -> Metric | None:
    if mp.zero:
        value, gs, ge = 0, m.start(), m.end()
    else:
        value = parse_number(m.group("n"))
        if value is None:
            return None
        gs, ge = m.start("n"), m.end("n")
    start, end = doc.view.to_original(vs + keep[gs], vs + keep[ge - 1] + 1)
    return Metric(value=value, start=start, end=end, evidence=_sentence(text, m.start(), m.end()))


def _context(text: str, s: int, e: int, previous: str = "") -> str:
    """The sentence of a match and the one before it, in this paragraph or the last one
    (已办结227件 follows the sentence that says which requests)."""
    a = max((text.rfind(c, 0, s) for c in "。；;"), default=-1)
    if a < 0:
        return previous + _sentence(text, s, e)
    before = max((text.rfind(c, 0, a) for c in "。；;"), default=-1) + 1
    return text[before:s] + _sentence(text, s, e)


def _sentence(text: str, s: int, e: int) -> str:
    a = max((text.rfind(c, 0, s) for c in "。；;"), default=-1) + 1
    ends = [i for i in (text.find(c, e) for c in "。；;") if i >= 0]
    b = min(ends) + 1 if ends else len(text)
    return text[a:b].strip()[:200]
