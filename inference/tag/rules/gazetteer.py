"""Names that AGENCY spans are built from: administrative divisions (cpca's table of
3,500 provinces, cities and counties), development-zone words, level words, department
stems (data/departments.txt), the sectors departments are named after with their short
forms (data/sectors.txt) and agency suffixes, found in one pass with Aho-Corasick.

A department's name joins sector words with 和/与/及 (工业和信息化, 人力资源和社会保障): each
sector of data/sectors.txt is a stem, and its parts are sector words that join a chain, so
a combination the list lacks (科学技术和工业信息化局) is still one name."""
from __future__ import annotations

import csv
import importlib.util
import re
from dataclasses import dataclass
from pathlib import Path

from gongkai.inference.text.search import WordSearch

REGION, ZONE, LEVEL, STEM, WEAK, SUFFIX, NAME = "region", "zone", "level", "stem", "weak", "suffix", "name"

ZONES = ("新区", "高新区", "高新技术产业开发区", "高新技术开发区", "经济技术开发区", "经济开发区", "开发区", "经开区",
         "综合实验区", "实验区", "自贸区", "自由贸易试验区", "示范区", "产业园区", "工业园区", "园区", "片区", "保税区",
         "试验区", "管理区", "风景区")
LEVELS = ("省", "市", "县", "区", "镇", "乡", "街道", "州", "盟", "旗", "村", "社区", "国家", "中共", "全国", "自治区", "自治州", "自治县")
SUFFIXES = (
    "人民政府", "政府", "人民代表大会常务委员会", "人民代表大会", "人大常委会", "常委会", "人大", "政协", "委员会", "党工委", "管委会",
    "工委", "党委", "党组", "纪委", "监委", "纪委监委", "办公厅", "办公室", "办", "局", "厅", "部", "院", "人民法院",
    "法院", "人民检察院", "检察院", "中心", "所", "站", "处", "科", "队", "大队", "支队", "分局", "委", "领导小组", "管理处",
    "服务中心", "事务中心", "便民服务中心", "服务站", "工作站", "档案馆", "图书馆", "博物馆", "文化馆", "纪念馆", "公开办",
    "安委会", "网信办", "效能办", "编办", "交易中心",
)
NAMES = ("国务院", "国务院办公厅", "中共中央", "党中央", "中央", "全国人大", "全国人大常委会", "全国政协", "最高人民法院",
         "最高人民检察院", "中共中央办公厅", "国家统计局")
# Region names that are ordinary words far more often than places.
_REGION_STOP = {"市辖区", "城区", "郊区", "矿区", "新区", "开发区", "和平", "朝阳", "长安", "白山", "永安", "新华", "城关", "西区",
                "东区", "南区", "北区", "中区", "江南", "河东", "河西", "城中", "城东", "城西", "城南", "城北", "市中", "高新", "新城",
                "宝山", "吉利", "安宁", "大同", "太平", "长治", "兴业", "通道", "万年", "永和", "和顺", "平安", "龙门", "丰都"}
_REGION_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "自治州", "自治县", "地区", "林区", "省", "市", "县", "区", "盟", "旗")


@dataclass(frozen=True)
class Component:
    kind: str
    length: int


def cpca_adcodes() -> Path | None:
    spec = importlib.util.find_spec("cpca")  # located, not imported: cpca's __init__ needs pkg_resources
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(list(spec.submodule_search_locations)[0]) / "resources" / "adcodes.csv"
    return path if path.exists() else None


def region_names() -> set[str]:
    names: set[str] = set()
    path = cpca_adcodes()
    if path is not None:
        with path.open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                names.add(row["name"])
    out = set()
    for name in names:
        if name in _REGION_STOP or len(name) < 2:
            continue
        out.add(name)
        for suffix in _REGION_SUFFIXES:
            if name.endswith(suffix) and len(name) - len(suffix) >= 2:
                short = name[: -len(suffix)]
                if short not in _REGION_STOP:
                    out.add(short)
                break
    return out


_CONNECTORS = re.compile(r"[和与及]")
# Suffixes and the short forms usage gives them (发展和改革委员会 → 发改委, 人防办公室 → 人防办).
SUFFIX_SHORT = {"委员会": ("委",), "办公室": ("办",), "管理委员会": ("管委会",), "人民政府": ("政府",)}


@dataclass(frozen=True)
class Sector:
    """A line of data/sectors.txt. `suffix` is set for a whole name (科学技术委员会 ↔ 科委)."""
    full: str
    short: tuple[str, ...]
    suffix: str = ""

    @property
    def forms(self) -> tuple[str, ...]:
        return (self.full, *self.short)

    def stems(self) -> tuple[str, ...]:
        """Its names without their suffix (科学技术委员会, 科委 → 科学技术): what joins a chain."""
        return tuple(_strip_suffix(f) for f in self.forms)


_WHOLE_SUFFIXES = ("委员会办公室", "委员会", "办公室", "委", "办")


def _strip_suffix(name: str) -> str:
    for suffix in _WHOLE_SUFFIXES:
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def sectors() -> list[Sector]:
    """data/sectors.txt: each sector's full name and its short forms."""
    out = []
    path = Path(__file__).with_name("data") / "sectors.txt"
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        full, _, short = line.partition("\t")
        full = full.strip()
        forms = tuple(f for f in short.split() if f != "-" and f != full)
        suffix = next((x for x in _WHOLE_SUFFIXES[:3] if full.endswith(x)), "")
        out.append(Sector(full, forms, suffix))
    return out


def sector_words(table: list[Sector]) -> set[str]:
    """The parts of sector names joined by 和/与/及 (工业和信息化 → 工业, 信息化)."""
    words = set()
    for sector in table:
        stem = _strip_suffix(sector.full) if sector.suffix else sector.full
        if _CONNECTORS.search(stem):
            words.update(part for part in _CONNECTORS.split(stem) if len(part) >= 2)
    return words


def department_stems() -> tuple[set[str], set[str]]:
    """(strong, weak) stems: departments.txt, every sector and short form of sectors.txt
    (strong unless departments.txt calls it weak), and sector words (weak unless strong)."""
    strong, weak = set(), set()
    path = Path(__file__).with_name("data") / "departments.txt"
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("weak "):
            weak.add(line[5:].strip())
        else:
            strong.add(line)
    table = sectors()
    for sector in table:
        for stem in (sector.stems() if sector.suffix else sector.forms):
            if len(stem) >= 2 and stem not in weak:
                strong.add(stem)
    weak |= sector_words(table) - strong
    return strong, weak


class Automaton:
    """Every component word, found in one Aho-Corasick pass (ahocorasick_rs, the Rust
    crate's bindings: on Chinese text, whose alphabet is thousands of characters, it scans
    about ten times faster than pyahocorasick, and the gazetteer pass was a tenth of the
    rules path's time)."""

    def __init__(self, words: dict[str, Component]):
        self.words = list(words)
        self.components = [words[w] for w in self.words]
        self._search = WordSearch(self.words)

    def __len__(self) -> int:
        return len(self.words)

    def longest(self, text: str, start: int = 0, end: int | None = None) -> dict[int, Component]:
        """The longest component starting at each place of text[start:end] (text offsets)."""
        comps = self.components
        out: dict[int, Component] = {}
        for n, s, e in self._search.finditer(text, start, end):
            here = out.get(s)
            if here is None or here.length < e - s:
                out[s] = comps[n]
        return out


def build_automaton(extra_regions: set[str] | None = None) -> Automaton:
    """One automaton over every component; a word listed under two kinds keeps the stronger."""
    strong, weak = department_stems()
    words: dict[str, Component] = {}
    # Later kinds override earlier ones for the same word.
    for kind, group in (
        (WEAK, weak),
        (REGION, region_names() | (extra_regions or set())),
        (LEVEL, set(LEVELS)),
        (ZONE, set(ZONES)),
        (STEM, strong),
        (SUFFIX, set(SUFFIXES)),
        (NAME, set(NAMES)),
    ):
        for word in group:
            words[word] = Component(kind, len(word))
    return Automaton(words)
