"""Values: what each span means (LABELS.md "Values"), always computed by rules.

Chinese numerals go through cn2an; 万/亿 multiply; 余/多/近/约 mark `approx`; dates become
ISO 8601 as precise as written; money becomes yuan. Functions take the span's view text
(Simplified, half-width) and return plain values; `fill_values` applies them to a Doc.
"""
from __future__ import annotations

import bisect
import re
from functools import lru_cache

from gongkai.doc import Doc, Entity

_CN_NUM = "零〇○一二两三四五六七八九十百千"
_MULT = {"万": 10_000, "亿": 100_000_000, "千": 1_000, "百": 100, "千万": 10_000_000, "百万": 1_000_000, "万亿": 10**12}
_NUMBER = re.compile(
    rf"(?P<num>[-+]?\d+(?:[,\s]\d{{3}})*(?:\.\d+)?|[{_CN_NUM}]+(?:点[{_CN_NUM}]+)?)?\s*(?P<approx0>余|多)?\s*(?P<mult>千万|百万|万亿|万|亿|千)?\s*(?P<approx>余|多)?\s*(?P<unit>.*)",
    re.S,
)
_APPROX_BEFORE = ("近", "约", "大约", "将近", "接近")
_APPROX_1 = {q for q in _APPROX_BEFORE if len(q) == 1}
_APPROX_2 = {q for q in _APPROX_BEFORE if len(q) == 2}
_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=4096)
def parse_number(text: str) -> float | int | None:
    """'4,966' → 4966, '42.37' → 42.37, '二十五' → 25, '两千' → 2000; None if not a number."""
    s = re.sub(r"[\s,]", "", text)
    if not s:
        return None
    if re.fullmatch(r"[-+]?\d+(?:\.\d+)?", s):  # a table's 本年增/减 cell may be negative
        return _int_if_whole(float(s)) if "." in s else int(s)
    s = s.replace("○", "〇")
    if s in ("百", "千", "万"):  # 百分之百; cn2an wants a leading digit
        s = "一" + s
    try:
        import cn2an

        value = cn2an.cn2an(s, "smart")
    except Exception:
        return None
    return _int_if_whole(float(value))


def _int_if_whole(x: float) -> float | int:
    return int(x) if float(x).is_integer() else round(x, 6)


def quantity(text: str) -> tuple[float | int | None, str, bool]:
    """(number with multiplier applied, unit as written, approx) for a COUNT or MONEY span."""
    m = _NUMBER.fullmatch(text.strip())
    if not m or not (m.group("num") or m.group("mult")):
        return None, "", False
    base = parse_number(m.group("num")) if m.group("num") else 1
    if base is None:
        return None, "", False
    mult = _MULT.get(m.group("mult") or "", 1)
    unit = _SPACES.sub("", m.group("unit") or "")
    return _int_if_whole(base * mult), unit, bool(m.group("approx") or m.group("approx0"))


def count_value(text: str) -> tuple[float | int | None, str, bool]:
    return quantity(text)


def money_value(text: str) -> tuple[float | int | None, str, bool]:
    """Amount in yuan; the unit as written (元, 万元, 亿元)."""
    m = re.fullmatch(r"(?P<amount>.*?)(?P<unit>(?:千万|百万|万|亿|千)?元)?\s*", text.strip(), re.S)
    amount, unit = m.group("amount"), m.group("unit") or ""
    value, mult_unit, approx = quantity(amount + unit.rstrip("元")) if unit else quantity(amount)
    if value is None:
        return None, unit, approx
    return value, (unit or mult_unit or "元"), approx


def percent_value(text: str) -> tuple[float | int | None, str]:
    t = _SPACES.sub("", text)
    if t.startswith("百分之"):
        n = parse_number(t[3:])
        return n, "%"
    m = re.fullmatch(r"(.+?)个?百分点", t)
    if m:
        return parse_number(m.group(1)), "pp"
    m = re.fullmatch(r"(.+?)成", t)
    if m:
        n = parse_number(m.group(1))
        return (None if n is None else _int_if_whole(n * 10)), "%"
    return parse_number(t.rstrip("%")), "%"


_YMD = re.compile(
    r"(?:(?P<y>\d{4}|[二][〇零○][零〇○一二三四五六七八九]{2})\s*[年./\-])?\s*"
    r"(?:(?P<m>\d{1,2}|[一二三四五六七八九十]{1,3})\s*[月./\-]?)?\s*"
    r"(?:(?P<d>\d{1,2}|[一二三四五六七八九十]{1,3})\s*[日号/]?)?\s*"
)
_TIME = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?")


def date_value(text: str) -> str | None:
    """ISO 8601 as precise as written: '2022', '2021-12', '2023-01-31', '--10-29',
    ranges '--01/--09', with a time appended when one is attached."""
    t = _SPACES.sub("", text)
    t = re.sub(r"(年度|年底|年初|年末|底|初|末|份)$", lambda m: "年" if m.group(1).startswith("年") else "", t)
    if "至" in t or re.search(r"\d月?-\d+月", t):
        parts = re.split(r"至|(?<=月)-|-(?=\d+月$)", t, maxsplit=1)
        if len(parts) == 2:
            left, right = parts
            if not re.search(r"[月日年]", left):
                unit = "月" if right.endswith("月") else ("日" if right.endswith("日") else "")
                left += unit
            a, b = date_value(left), date_value(right)
            if a and b:
                return f"{a}/{b}"
    time = _TIME.search(t)
    if time:
        t = t[: time.start()].rstrip("/ ")
    # Numeric forms: 2023/01/31, 2023-01-31, 2023.01.31
    m = re.fullmatch(r"(\d{4})[./\-](\d{1,2})(?:[./\-](\d{1,2}))?/?", t)
    if m:
        y, mo, d = m.group(1), m.group(2), m.group(3)
        iso = f"{y}-{int(mo):02d}" + (f"-{int(d):02d}" if d else "")
    else:
        iso = _cn_date(t)
    if iso is None:
        return None
    if time:
        iso += f"T{int(time.group(1)):02d}:{time.group(2)}" + (f":{time.group(3)}" if time.group(3) else "")
    return iso


def _cn_date(t: str) -> str | None:
    m = re.fullmatch(
        r"(?:(?P<y>\d{4}|[二][〇零○][零〇○一二三四五六七八九]{2})年)?(?:(?P<m>\d{1,2}|[一二三四五六七八九十]{1,3})月)?(?:(?P<d>\d{1,2}|[一二三四五六七八九十]{1,3})[日号])?",
        t,
    )
    if not m or not any(m.groups()):
        return None
    y = _cn_digits(m.group("y")) if m.group("y") else None
    mo = parse_number(m.group("m")) if m.group("m") else None
    d = parse_number(m.group("d")) if m.group("d") else None
    if (mo is not None and not 1 <= mo <= 12) or (d is not None and not 1 <= d <= 31):
        return None
    if y is None:
        if mo is None:
            return None
        return f"--{mo:02d}" + (f"-{d:02d}" if d else "")
    return f"{y}" + (f"-{mo:02d}" if mo else "") + (f"-{d:02d}" if (mo and d) else "")


def _cn_digits(y: str) -> str:
    if y.isdigit():
        return y
    return "".join(str("〇一二三四五六七八九".index(c)) if c in "〇一二三四五六七八九" else "0" for c in y.replace("零", "〇").replace("○", "〇"))


def approx_before(view: str, start: int) -> bool:
    """近/约/大约… right before a figure: the figure is approximate (the qualifier is no part of the span)."""
    return view[max(0, start - 1):start] in _APPROX_1 or view[max(0, start - 2):start] in _APPROX_2


def value_of(label: str, view_text: str) -> tuple[object, str | None, bool]:
    """(value, unit, approx) of a span from its normalised text; AGENCY keeps its name."""
    if label == "COUNT":
        return count_value(view_text)
    if label == "MONEY":
        return money_value(view_text)
    if label == "PERCENT":
        value, unit = percent_value(view_text)
        return value, unit, False
    if label == "DATE":
        return date_value(view_text), None, False
    return _SPACES.sub("", view_text), None, False


class Values:
    """Component "values": every span's value, unit and `approx` from its normalised text; a
    span over text read by OCR carries the engine's confidence where it is lower."""

    name = "values"

    def __call__(self, doc: Doc) -> Doc:
        fill_values(doc)
        if doc.ocr_confidences:
            ocr_confidence(doc.entities, doc.ocr_confidences)
        return doc


def ocr_confidence(entities: list[Entity], ranges: list[tuple[int, int, float]]) -> None:
    """Each entity's confidence is at most the lowest OCR confidence of the text it spans."""
    ranges = sorted(ranges)
    starts = [r[0] for r in ranges]
    for e in entities:
        k = max(0, bisect.bisect_right(starts, e.start) - 1)
        lowest = None
        while k < len(ranges) and ranges[k][0] < e.end:
            s, t, c = ranges[k]
            if t > e.start:
                lowest = c if lowest is None else min(lowest, c)
            k += 1
        if lowest is not None and lowest < e.confidence:
            e.confidence = round(lowest, 4)


def fill_values(doc: Doc, entities: list[Entity] | None = None) -> None:
    """Set value/unit/approx/normalized on entities (all of the doc's by default) from the view."""
    for e in doc.entities if entities is None else entities:
        vs, ve = doc.view.to_view(e.start, e.end)
        vtext = doc.view.text[vs:ve]
        value, unit, approx = value_of(e.label, vtext)
        if e.label == "MONEY" and e.origin == "table" and isinstance(value, (int, float)) \
                and "万元" in doc.view.text[max(0, vs - 120) : vs]:
            value, unit = _int_if_whole(round(value * 10_000, 6)), "万元"  # a 本年收费金额（单位：万元） cell
        e.value, e.unit = value, unit
        e.approx = approx or (e.label in ("COUNT", "MONEY") and approx_before(doc.view.text, vs))
        if e.label == "AGENCY":
            e.normalized = value
