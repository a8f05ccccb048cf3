"""Rule span tagger: COUNT, PERCENT, DATE, MONEY by pattern; AGENCY from gazetteer chains.

Patterns read each paragraph's normalised view (Simplified, half-width), so 礄口區 and
２０２２ need no patterns of their own; matches are mapped back to original offsets.
Spans are not tagged inside `boilerplate` (LABELS.md).
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from gongkai.doc import Doc, Entity, line_spans, trim
from gongkai.overlap import without_overlaps
from gongkai.inference.tag.rules import gazetteer as gz

NUM = r"\d+(?:,\d{3})*(?:\.\d+)?"
CN = r"[零〇○一二两三四五六七八九十百千]+(?:点[零〇一二三四五六七八九]+)?"
_SP = r"\s*+"  # layout breaks inside a span are part of it; possessive: runs of white space never backtrack
MULT = r"(?:千万|百万|万亿|万|亿)"
# Classifiers, with the words they start that are not classifiers excluded.
CLASSIFIER = (
    r"(?:人次|件次|户次|家次|条次|项次|个工作日|工作日|个月|个|件(?!事)|条(?!例|款|件)|项(?!目)|次(?!性|要|数)|人(?!民|员|才|大|口|社)|家(?!庭|长)|户(?!籍|外)"
    r"|篇|期(?!间|限|满|待)|份(?!额)|场(?!所|景|地)|名(?!称|单|录)|笔|类|批(?!准|复|示)|处(?!理|置|罚|长)|台(?!账|阶)|所(?!有|在|属|以)"
    r"|座(?!谈)|套|张|册|部(?!门|分|署|长|件)|位(?!于|置)|轮|支(?!持|撑|付|出)|枚|块|道(?!路)|届|节(?!点|约)|门(?!户|槛)|辆|架(?!构)|艘|吨"
    r"|亩|平方米|平方公里|公里|千米|米|天|日(?!起|前|后|常)|小时|分钟|周(?!年|边)|岁|床|票|幅|款|首(?!页|次)|页(?!面)|卷|盒|箱|封|余(?=[件条个项次人家户篇])"
    r"|例|宗|起|单(?!位)|组(?!织)|班|栏|个(?=栏目))"
)
_NOT_BEFORE = r"(?<![\dA-Za-z第.\-/#_@])"

COUNT_RE = re.compile(
    rf"{_NOT_BEFORE}(?:{NUM}{_SP}(?:余|多)?{_SP}{MULT}?{_SP}(?:余|多)?{_SP}{CLASSIFIER}"
    rf"|{NUM}{_SP}(?:余|多)?{MULT}(?![元\d])"
    rf"|(?<![第零〇○一二两三四五六七八九十百千]){CN}(?:余|多)?{MULT}?(?:余|多)?{CLASSIFIER})"
)
PERCENT_RE = re.compile(
    rf"{_NOT_BEFORE}(?:{NUM}{_SP}%|{NUM}{_SP}个?百分点)|百分之(?:百|{CN})|(?<=[超近达约逾占比])[一二三四五六七八九]成"
)
MONEY_RE = re.compile(rf"{_NOT_BEFORE}(?:{NUM}|{CN}){_SP}(?:余|多)?{_SP}(?:千万|百万|万|亿|千)?{_SP}(?:余|多)?{_SP}元")
_YEAR = r"(?:(?:19|20)\d{2}|[二][〇零○][〇零○一二三四五六七八九]{2})"
_MD = rf"(?:{_SP}\d{{1,2}}{_SP}月(?:{_SP}\d{{1,2}}{_SP}[日号])?|[一二三四五六七八九十]{{1,3}}月(?:[一二三四五六七八九十]{{1,3}}[日号])?)"
DATE_RE = re.compile(
    rf"(?<!\d){_YEAR}{_SP}年(?:度)?{_MD}?(?:底|初|末)?(?![\d])"
    rf"|(?<!\d)(?:19|20)\d{{2}}[-/.]\d{{1,2}}[-/.]\d{{1,2}}(?:{_SP}/?{_SP}\d{{1,2}}:\d{{2}}(?::\d{{2}})?)?(?!\d)"
    rf"|(?<![\d年.])\d{{1,2}}{_SP}(?:至|-|~|—){_SP}\d{{1,2}}{_SP}月(?!\d)"
    rf"|(?<![\d年.])\d{{1,2}}{_SP}月{_SP}\d{{1,2}}{_SP}[日号](?!\d)"
)
# Where a match of each pattern can start. The patterns begin with a look-behind, so `re`
# would try them at every character; these places are found by one fast scan instead and
# the pattern tried only there (`_scan`). Each is a superset of the pattern's possible
# starts: a digit run's first digit (every number branch forbids a digit before it), a
# numeral run's first character where the branch forbids a numeral before it, and every
# character that can start a branch without that guard (MONEY's numerals, 二 of a year in
# words, 百 of 百分之).
_CN_CHARS = "零〇○一二两三四五六七八九十百千"
# The words a match cannot do without come last: a text without any of them is not scanned.
_SCANS = (
    ("MONEY", MONEY_RE, re.compile(rf"\d+|[{_CN_CHARS}]"), ("元",)),
    ("PERCENT", PERCENT_RE, re.compile(r"\d+|百|(?<=[超近达约逾占比])[一二三四五六七八九]"), ("%", "百分", "成")),
    ("DATE", DATE_RE, re.compile(r"\d+|二"), ()),
    ("COUNT", COUNT_RE, re.compile(rf"\d+|[{_CN_CHARS}]+"), ()),
)


def _scan(pattern: re.Pattern, starts: re.Pattern, text: str, start: int, end: int, needs: tuple[str, ...] = ()):
    """`pattern.finditer(text, start, end)`, trying the pattern only where `starts` says a
    match can begin (same matches: leftmost first, none overlapping); `needs`: words one of
    which every match holds."""
    if needs and all(text.find(word, start, end) < 0 for word in needs):
        return
    pos = start
    for c in starts.finditer(text, start, end):
        i = c.start()
        if i < pos:
            continue
        m = pattern.match(text, i, end)
        if m:
            yield m
            pos = m.end()


_CN_COUNT_SKIP = re.compile(r"^(?:[一两百千十〇零○])(?:余|多)?[^\d]|^[零〇○一二两三四五六七八九十百千]+(?:类|届)$")  # 一个, 两微, 三类内部事务信息, 二十届

# A table row: cells separated by tabs or pipes. Bare numbers in cells are COUNTs.
_TABLE_ROW = re.compile(r"\t|\|")
_CELL_NUMBER = re.compile(r"(?:(?<=[\t|])|^)[ ]*(-?\d+(?:\.\d+)?)[ ]*(?=[\t|]|$)")

_GENERIC_BEFORE = ("全", "各", "有关", "相关", "上级", "下级", "所属", "其他", "各级", "基层", "乡", "该", "本", "兄弟", "对口", "省级", "市级", "县级", "区级")
_GENERIC_BY_LENGTH = tuple((n, frozenset(g for g in _GENERIC_BEFORE if len(g) == n))
                           for n in sorted({len(g) for g in _GENERIC_BEFORE}))
_BAD_NEXT = {
    "委": "托员屈派",
    "办": "理结件事法好成学文",
    "局": "面势限部",
    "院": "校士子落",
    "部": "门分署长件位",
    "处": "理置罚长",
    "科": "技学研普室长",
    "所": "有在属以",
    "站": "点长群在",
    "厅": "长",
    "队": "伍员长",
    "中心": "工城区",
    "政府": "信采",  # 政府信息 is government information, 政府采购 procurement: not bodies
    "人民政府": "信采",
}
# Bodies that start a new span even right after another body's name: 区人大|政协.
_NEW_BODY = {"人大", "政协", "人民政府", "政府", "党委", "纪委", "人大常委会"}
_CLOSING = (gz.SUFFIX, gz.NAME)
_PLACED = {gz.REGION, gz.ZONE, gz.LEVEL, gz.STEM, gz.NAME}  # kinds that make a body definite
_CONNECTORS = {"和", "与", "及"}
_CONNECTOR = gz.Component(gz.WEAK, 1)
_MONEY_ROW = re.compile(r"行政事业性收费|收费金额|减免金额")
_PREFIX_STOP = set("的在和及与、是为对由将等省市县区镇乡村街")
_VERB_START = set("围响按根在由向对经将把被为与和及同是到从以于让请报全各该本我其积推深加强做抓紧")
_LABEL_ORDER = {"MONEY": 0, "PERCENT": 1, "DATE": 2, "COUNT": 3, "AGENCY": 4}


@dataclass
class _Match:
    start: int  # view offsets
    end: int
    label: str
    origin: str = "text"


class RuleSpanTagger:
    """Tags COUNT, PERCENT, DATE, MONEY and AGENCY spans in every non-boilerplate paragraph."""

    name = "rules"

    def __init__(self, extra_regions: set[str] | None = None):
        self.extra_regions = extra_regions or set()
        self._automaton = None

    @property
    def automaton(self):
        if self._automaton is None:
            self._automaton = gz.build_automaton(self.extra_regions)
        return self._automaton

    def __call__(self, doc: Doc) -> Doc:
        self._tag(doc)
        return doc

    def _tag(self, doc: Doc) -> None:
        """Patterns run once over the whole view; a match is kept when it lies inside one
        non-boilerplate paragraph (spans never cross paragraphs)."""
        view = doc.view
        ranges = []  # (view start, view end, paragraph) of taggable paragraphs
        for p in doc.paragraphs:
            if p.section != "boilerplate":
                vs, ve = view.to_view(p.start, p.end)
                ranges.append((vs, ve, p))
        if not ranges:
            doc.entities = []
            return
        found = self.find(view.text, ranges[0][0], ranges[-1][1], tables=False)
        for vs, ve, _ in ranges:
            found.extend(self._table_cells(view.text, vs, ve))
        starts = [r[0] for r in ranges]
        entities: list[Entity] = []
        for m in _resolve(found):
            k = bisect.bisect_right(starts, m.start) - 1
            if k < 0 or m.end > ranges[k][1]:
                continue
            p = ranges[k][2]
            start, end = view.to_original(m.start, m.end)
            entities.append(Entity(label=m.label, start=start, end=end, text=doc.text[start:end],
                                   paragraph=p.index, confidence=0.9, source="rules", origin=m.origin))
        doc.entities = entities

    def find(self, text: str, start: int = 0, end: int | None = None, tables: bool = True) -> list[_Match]:
        """All spans in text[start:end] (view offsets), overlaps resolved."""
        end = len(text) if end is None else end
        found: list[_Match] = []
        for label, pattern, starts, needs in _SCANS:
            for m in _scan(pattern, starts, text, start, end, needs):
                s, e = trim(text, m.start(), m.end())
                if label == "COUNT" and _skip_count(text, s, e):
                    continue
                found.append(_Match(s, e, label))
        if tables:
            found.extend(self._table_cells(text, start, end))
        found.extend(self._agencies(text, start, end))
        return _resolve(found)

    def _table_cells(self, text: str, start: int, end: int) -> list[_Match]:
        segment = text[start:end]
        if not _TABLE_ROW.search(segment):
            return []
        out = []
        for line_start, line in line_spans(segment):
            if not _TABLE_ROW.search(line):
                continue
            # Table 2's (八) row is an amount of money (本年收费金额, 万元).
            label = "MONEY" if _MONEY_ROW.search(line) else "COUNT"
            out.extend(_Match(start + line_start + m.start(1), start + line_start + m.end(1), label, "table")
                       for m in _CELL_NUMBER.finditer(line))
        return out

    def _agencies(self, text: str, start: int, end: int) -> list[_Match]:
        """Chains of contiguous components ending in a suffix: 南岗区|营商环境建设监督|局."""
        longest = self.automaton.longest(text, start, end)
        out: list[_Match] = []
        consumed = start
        dead: set[int] = set()  # where an unclosed chain had a component: a chain from there fails alike
        for i in sorted(longest):
            if i < consumed or i in dead:
                continue
            chain = []
            j = i
            closed = False
            while j in longest and j < end:
                comp = longest[j]
                if closed and comp.kind == gz.REGION and text[j] in _CONNECTORS and chain[-1][1].kind in _CLOSING \
                        and j + 1 in longest:
                    comp = _CONNECTOR  # 县档案馆和县图书馆: 和 joins two bodies, it does not start 和县
                chain.append((j, comp))
                closed = closed or comp.kind in _CLOSING
                j += comp.length
            # A chain with a suffix is judged whole (kept, or dropped as generic).
            if closed:
                out.extend(_chain_agencies(text, chain, start))
                consumed = j
            else:
                dead.update(pos for pos, _ in chain)
        return out


def _chain_agencies(text: str, chain: list[tuple[int, gz.Component]], floor: int) -> list[_Match]:
    """Split a chain into agencies: a level word or region after a suffix starts a new one
    (县委|县政府, a list); a stem or suffix after one continues it (an internal office)."""
    if not any(c.kind in _PLACED for _, c in chain):
        return []  # no group can name a place or a department: 办理, 处理, 部分 …
    groups: list[list[tuple[int, gz.Component]]] = [[]]
    inherited: set[int] = set()  # groups that share the previous group's region prefix (区人大|政协)
    joined: set[int] = set()  # groups after a 和/与/及 that follows a whole body (区人大|与|政协)
    closed = False  # the current group already holds a suffix or a name
    for pos, comp in chain:
        current = groups[-1]
        if current and closed and (comp.kind in (gz.LEVEL, gz.REGION, gz.ZONE)
                                   or text[pos:pos + comp.length] in _CONNECTORS):
            groups.append([])  # 县委|县政府; 房地产交易中心|和|行政服务中心
            if text[pos:pos + comp.length] in _CONNECTORS:
                joined.add(len(groups) - 1)
            closed = False
        elif current and closed and current[-1][1].kind in _CLOSING and text[pos:pos + comp.length] in _NEW_BODY:
            groups.append([])
            inherited.add(len(groups) - 1)
            closed = False
        groups[-1].append((pos, comp))
        closed = closed or comp.kind in _CLOSING
    out = []
    placed = False  # the group before names its place or department (what an inherited group shares)
    for n, group in enumerate(groups):
        shares, placed = placed, False
        while group and text[group[0][0] : group[0][0] + group[0][1].length] in _CONNECTORS:
            group = group[1:]  # 和/与/及 cannot start a name
        if n in joined and group and text[group[0][0] : group[0][0] + group[0][1].length] in _NEW_BODY:
            inherited.add(n)  # 区人大与政协: the second body shares the first one's region
        # Trim trailing components after the last suffix, and suffixes unfit by what follows.
        while group:
            pos, comp = group[-1]
            if comp.kind in (gz.SUFFIX, gz.NAME) and _suffix_ok(text, pos, comp):
                break
            group = group[:-1]
        if not group:
            continue
        if group[0][1].kind == gz.WEAK and not any(c.kind in (gz.STEM, gz.REGION, gz.ZONE, gz.LEVEL, gz.NAME) for _, c in group):
            continue
        kinds = {c.kind for _, c in group}
        if not kinds & _PLACED and not (n in inherited and shares):
            continue  # 主合办人大代表: 人大 after 办 shares no place
        if _bare_ban(text, group):
            continue
        if kinds <= {gz.LEVEL, gz.SUFFIX, gz.WEAK} and group[0][1].kind == gz.LEVEL and group[0][1].length == 1 \
                and len(group) == 1:
            continue
        s = group[0][0]
        e = group[-1][0] + group[-1][1].length
        if group[0][1].kind == gz.ZONE:
            s = _zone_prefix(text, s, floor)
        if any(text[max(floor, s - k) : s] in words for k, words in _GENERIC_BY_LENGTH):
            continue
        if s > floor and text[s - 1] == "我" and group[0][1].kind == gz.LEVEL and len(group) > 1:
            s = group[1][0]  # 我区|管委会办公室: the office is named, 我区 is not
        if s - 1 > floor and text[s - 1] in "个家所座" and text[s - 2].isdigit():
            continue  # 206个社区便民服务站: a count of facilities, not a body
        if text[s:e] == "国务院" and text[e:e + 1] == "令":
            continue  # 国务院令第711号 is a reference
        if text[s:e] == "政府" and text.startswith(("门户网站", "网站"), e):
            continue  # 我区政府网站, 管委会政府门户网站: a bare 政府 there names the site, not a body
        e = _alias(text, e)
        out.append(_Match(s, e, "AGENCY"))
        placed = True
    return out


def _bare_ban(text: str, group: list[tuple[int, gz.Component]]) -> bool:
    """办 names an office only after a department or a body (区政府办, 发改办), not after a
    bare place (武汉市办外市事项 is a verb)."""
    pos, comp = group[-1]
    return text[pos : pos + comp.length] == "办" and (len(group) < 2 or group[-2][1].kind in (gz.REGION, gz.LEVEL, gz.ZONE))


def _suffix_ok(text: str, pos: int, comp: gz.Component) -> bool:
    word = text[pos : pos + comp.length]
    after = pos + comp.length
    while after < len(text) and text[after] in " \t\r\n":
        after += 1
    nxt = text[after : after + 1]
    bad = _BAD_NEXT.get(word)
    return not (bad and nxt and nxt in bad)


def _zone_prefix(text: str, s: int, floor: int) -> int:
    """A zone named by characters the gazetteer lacks (沈抚新区, 金井湾片区): take up to three
    of them into the name, stopping at a level word, and never a verb (响应新区, 围绕实验区)."""
    a = s
    while a > floor and s - a < 3 and "\u4e00" <= text[a - 1] <= "\u9fff" and text[a - 1] not in _PREFIX_STOP:
        a -= 1
    if s - a >= 2 and text[a] not in _VERB_START:
        return a
    return s


def _alias(text: str, e: int) -> int:
    """兰州新区经济发展局(统计局): an agency's second name in brackets belongs to it."""
    m = re.match(r"\((?!以下|简称)[\u4e00-\u9fff]{1,12}(?:局|委|办|中心|室)\)", text[e : e + 16])
    return e + m.end() if m else e


def _skip_count(text: str, s: int, e: int) -> bool:
    span = text[s:e]
    if _CN_COUNT_SKIP.match(span):
        return True
    nxt = text[e : e + 2]
    if span[-1:] == "次" and (nxt[:1] == "性" or nxt in ("会议", "全会")):
        return True
    return bool(nxt) and nxt[:1] in "政服" and re.match(r"\d+分钟", span) is not None  # 15分钟政务服务圈: a slogan


def _resolve(found: list[_Match]) -> list[_Match]:
    """Keep the longest of overlapping spans; on equal length, the more specific label."""
    found.sort(key=lambda m: (-(m.end - m.start), _LABEL_ORDER[m.label], m.start))
    return sorted(without_overlaps(found), key=lambda m: m.start)
