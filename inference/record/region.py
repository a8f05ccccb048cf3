"""Where a reporting body sits: its province, city and county (names and adcode as in cpca's
division table, `adcodes.csv`) and its level, read from the body's own name.

    淮安市洪泽区人民政府      → 江苏省 / 淮安市 / 洪泽区, 320813, county
    河北省工业和信息化厅       → 河北省, 130000, department
    平潭综合实验区            → 福建省 / 福州市 / 平潭县, 350128, county (a zone sits in its county)

The division table has no zones and no townships: a zone (新区, 高新区, 综合实验区 …) sits in
the division its name starts with (平潭 → 平潭县, 兰州 → 兰州市), and a township (镇, 乡,
街道) in the county its name starts with (a bare township name has no region). A name shared by two divisions (鼓楼区 is
in four cities) is settled by the other division names the report writes; where they do
not settle it, only the part all readings share is given (never a guess).
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache

from gongkai.inference.tag.rules.gazetteer import cpca_adcodes

PROVINCE, CITY, COUNTY = "province", "city", "county"
# Words after which a name is the government of its division (not one of its departments).
_GOVERNMENT = re.compile(
    r"(?:人民政府|政府|管理委员会|管委会|党工委管委会|党工委|行政公署|公署|办事处|人民代表大会常务委员会|人大常委会)$"
)
# A body of a government (局, 厅, 委员会, 办公室 …): a department.
_DEPARTMENT = re.compile(
    r"(?:局|厅|委员会|委|办公室|办公厅|办|部|署|中心|处|所|站|院|馆|队|会|室|科|股|组)(?:\([^()]{1,16}\))?$"
)
_ZONE = re.compile(
    r"^(?:综合实验区|实验区|高新技术产业开发区|高新技术开发区|高新区|经济技术开发区|经济开发区|开发区|经开区|新区|自贸区|"
    r"自由贸易试验区|示范区|产业园区|工业园区|园区|片区|保税区|试验区|管理区|风景区)"
)
_TOWNSHIP = re.compile(r"^[\u4e00-\u9fff]{1,8}?(?:镇|乡|街道办事处|街道)")
# Suffixes a division name drops in short use (江苏省 → 江苏, 沭阳县 → 沭阳); longest first.
_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "自治州", "自治县", "地区", "林区", "盟",
             "省", "市", "县", "区", "旗")
_PLACEHOLDERS = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}


@dataclass(frozen=True)
class Division:
    code: str  # six digits
    name: str

    @property
    def kind(self) -> str:
        if self.code.endswith("0000"):
            return PROVINCE
        if self.code.endswith("00"):
            return CITY
        return COUNTY

    def ancestors(self) -> tuple[str, ...]:
        """Codes of itself and the divisions above it, province first."""
        codes = [self.code[:2] + "0000"]
        if self.kind != PROVINCE:
            codes.append(self.code[:4] + "00")
        if self.kind == COUNTY:
            codes.append(self.code)
        return tuple(codes)


@dataclass(frozen=True)
class Table:
    by_code: dict[str, Division]
    full: dict[str, tuple[Division, ...]]  # 洪泽区 → divisions of that name
    short: dict[str, tuple[Division, ...]]  # 洪泽 → divisions whose name drops a suffix to it


@lru_cache(maxsize=1)
def division_table() -> Table | None:
    """cpca's table, read once (it is located, not imported: see gazetteer)."""
    path = cpca_adcodes()
    if path is None:
        return None
    by_code: dict[str, Division] = {}
    with path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            code = row["adcode"][:6]
            by_code[code] = Division(code, row["name"])
    full: dict[str, list[Division]] = {}
    short: dict[str, list[Division]] = {}
    for d in by_code.values():
        if d.name in _PLACEHOLDERS:
            continue
        full.setdefault(d.name, []).append(d)
        if _short(d.name) != d.name:
            short.setdefault(_short(d.name), []).append(d)
    return Table(by_code, {k: tuple(v) for k, v in full.items()}, {k: tuple(v) for k, v in short.items()})


@dataclass(frozen=True)
class Place:
    region: dict | None
    level: str | None
    # How the name splits: the division names it starts with (江苏省, 淮安市), a zone word
    # (综合实验区), and the body itself (人民政府, 科学技术厅).
    divisions: tuple[str, ...] = ()
    zone: str = ""
    body: str = ""


def locate(agency: str | None, context: str = "") -> Place:
    """Region and level of the body named `agency` (Simplified script); `context` is the
    report's text, whose division names settle a name that two divisions share."""
    table = division_table()
    if not agency or table is None:
        return Place(None, None, body=agency or "")
    chain, words, rest = _split("".join(agency.split()))
    township = _TOWNSHIP.match(rest) is not None
    zone = _ZONE.match(rest)
    level = _level(chain, rest, township, zone is not None)
    region = _region(_settle(chain, table, context), table) if chain else None
    zone_word = zone.group() if zone else ""
    return Place(region, level, words, zone_word, rest[len(zone_word):])


@lru_cache(maxsize=256)
def _split(name: str) -> tuple[tuple[tuple[Division, ...], ...], tuple[str, ...], str]:
    chain, words, rest = _divisions(name, division_table())
    return tuple(chain), tuple(words), rest


def _divisions(name: str, table: Table) -> tuple[list[tuple[Division, ...]], list[str], str]:
    """The division names the body's name starts with, each with its readings, as written,
    and the rest: 江苏省淮安市洪泽区人民政府 → [江苏省], [淮安市], [洪泽区]; 人民政府."""
    chain: list[tuple[Division, ...]] = []
    words: list[str] = []
    i = 0
    while i < len(name):
        hit = _longest(name, i, table.full)
        if hit is None:
            # A short form only where a zone word or a body follows it (平潭综合实验区, 兰州新区):
            # 南京 alone in 南京路街道 is a street, not the city.
            hit = _longest(name, i, table.short)
            if hit is None or not (_ZONE.match(name[i + len(hit[0]):]) or _GOVERNMENT.match(name[i + len(hit[0]):])):
                break
        word, readings = hit
        narrowed = _under(readings, chain)
        if not narrowed:
            break
        chain.append(narrowed)
        words.append(word)
        i += len(word)
    return chain, words, name[i:]


def _longest(name: str, i: int, names: dict[str, tuple[Division, ...]]) -> tuple[str, tuple[Division, ...]] | None:
    for j in range(min(len(name), i + 12), i + 1, -1):
        if name[i:j] in names:
            return name[i:j], names[name[i:j]]
    return None


def _under(readings: tuple[Division, ...], chain: list[tuple[Division, ...]]) -> tuple[Division, ...]:
    """The readings that lie under some reading of the division before (洪泽区 under 淮安市)."""
    if not chain:
        return readings
    above = {d.code for d in chain[-1]}
    return tuple(d for d in readings if any(a in above for a in d.ancestors()[:-1]))


def _settle(chain: list[tuple[Division, ...]], table: Table, context: str) -> Division | None:
    """The deepest division the name names; among several readings, the one whose province or
    city the report names, else the deepest division all readings share."""
    readings = chain[-1]
    if len(readings) > 1 and context:
        named = [d for d in readings if any(_mentions(context, table.by_code.get(a)) for a in d.ancestors()[:-1])]
        if named:
            readings = tuple(named)
    if len(readings) == 1:
        return readings[0]
    shared = set(readings[0].ancestors())
    for d in readings[1:]:
        shared &= set(d.ancestors())
    shared -= {d.code for d in readings}
    if not shared:
        return None
    deepest = max(shared, key=lambda c: _DEPTH[table.by_code[c].kind] if c in table.by_code else -1)
    return table.by_code.get(deepest)


_DEPTH = {PROVINCE: 0, CITY: 1, COUNTY: 2}


def _mentions(text: str, division: Division | None) -> bool:
    """Whether the text names the division, in full or by its short form (福州市, 福州)."""
    if division is None or division.name in _PLACEHOLDERS:
        return False
    return any(n in text for n in {division.name, _short(division.name)} if len(n) >= 2)


def _short(name: str) -> str:
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


def _region(division: Division | None, table: Table) -> dict | None:
    if division is None:
        return None
    names = {}
    for code in division.ancestors():
        d = table.by_code.get(code)
        names[d.kind if d else None] = d.name if d and d.name not in _PLACEHOLDERS else None
    province = names.get(PROVINCE)
    city = names.get(CITY)
    placeholder = table.by_code.get(division.code[:4] + "00")
    if division.kind == COUNTY and city is None and province and province.endswith("市") \
            and placeholder is not None and placeholder.name in _PLACEHOLDERS:
        city = province  # 直辖市: 上海市 / 市辖区 / 虹口区 — the city is the municipality itself
    return {"province": province, "city": city if division.kind != PROVINCE else None,
            "county": division.name if division.kind == COUNTY else None, "adcode": division.code}


_OWN_LEVEL = re.compile(r"^[\u4e00-\u9fff]{2,10}?(自治区|省|自治县|县|旗)$")
_ZONE_AT_END = re.compile(_ZONE.pattern.lstrip("^") + "$")


def _level(chain: list[tuple[Division, ...]], rest: str, township: bool, zone: bool) -> str | None:
    """A government (人民政府, 管委会, a bare division or zone name) has the level of its
    division; a body of one (局, 厅, 办公室 …) is a department."""
    body = rest
    if township:
        body = rest[_TOWNSHIP.match(rest).end():]
    elif zone:
        body = rest[_ZONE.match(rest).end():]
    body = re.sub(r"^(?:党工委|工委)", "", body)
    if body and not _GOVERNMENT.fullmatch(body):
        gov = _GOVERNMENT.search(body)
        if chain or gov is None:
            return "department" if _DEPARTMENT.search(body) else None
        # A division the table lacks, then its government: 沐阳县人民政府 (misspelt), 沈抚新区管委会.
        place = re.sub(r"(?:党工委|工委)$", "", body[: gov.start()])
        if _ZONE_AT_END.search(place):
            return None  # a zone of unknown place
        own = _OWN_LEVEL.match(place)
        return {"省": PROVINCE, "自治区": PROVINCE}.get(own.group(1), COUNTY) if own else None
    if township:
        return "township"
    if not chain:
        return None
    kinds = {d.kind for d in chain[-1]}
    if len(kinds) != 1:
        return None
    return kinds.pop()
