"""Every annotated report rendered in every shape real reports come in, with its gold.

A report is read once into a neutral form, `Report`: its own text as paragraphs (the
annotated file's non-boilerplate paragraphs, or the reader's lines for record-level gold),
with its tables 2-4 (or its legacy statistics table) as `Grid`s of cells standing where
the table stood. Each shape then writes that form as a file a real reader would meet:

    separated      cells tab-separated, one row a line (what the PDF/DOCX readers write)
    pipe           a | b | c
    markdown       | a | b | with a |---| line; top headings as "## "
    cell_per_line  innerText of an HTML table: every cell its own line, blank lines between;
                   empty cells as blank lines (blank_cells) or gone (no_empty_cells)
    run_together   cells glued (本年新收政府信息公开申请数量640020470), one row a line (rows)
                   or the whole report on one line (one_line), as one-line crawls are
    sparse         empty cells vanish (zeros_kept); and zeros of table 3's applicant columns
                   written blank too, so a row reads "2 2" (spaced) or "22" (glued)
    split_rows     separated, with the largest table split over two pages: a page footer
                   (- 3 -), the header repeated, one row label wrapped over two lines
    word_html      Word's "save as web page": a <span> per run, <o:p></o:p>, mso styles,
                   <td><p><span>…</span></p></td> with the header's rowspan/colspan
                   (utf-8, or gbk bytes declared gb2312)
    docx           python-docx, merged header cells
    pdf            reportlab with a CJK TrueType font (fonts-wqy-microhei or fonts-noto-cjk);
                   the shape is skipped, with the reason, when neither is installed

Where the grids come from, and what is gold:
- Pingtan reports: the original pages in ../shared/corpus/reports/html/ keep the cells
  (SOURCES.md). Each page table is parsed with BeautifulSoup and kept only when every
  figure it states for a key the .txt gold has equals the gold; `Report.notes` lists the
  pages whose tables disagree, and those are rebuilt from the gold as below. The page's
  other figures (keys the gold does not state) are carried as `extra`: known, not scored.
  The table's place in the one-line crawl is found by matching the page's cell texts in
  order, and that stretch of the crawl is replaced by the grid.
- pdf_records.jsonl carries full table-3 rows (all seven columns); they are used as given.
- Every other table is built from the gold metrics alone. THE TOTALS ARE GOLD; THE
  APPLICANT COLUMNS AND THE SPLIT OF A BLOCK TOTAL OVER ITS SUB-ROWS ARE GENERATED
  (seeded): every row's 总计 is the sum of its columns and, where the gold's own figures
  balance, every column balances (一 + 二 = 七 + 四). Rows whose figures the gold does not
  state are left out, never invented; table 4 is built only when the gold has all 15
  figures. Such a table is placed where the report's own table region was (Markdown or
  pipe rows, tab-separated PDF rows, image names, empty `| |` rows); a report without
  such a region keeps its prose only.
- Traditional-script reports get their generated table labels in Traditional (OpenCC
  s2twp), as the machine-converted pages have them.

What a rendered document expects (`Rendered`): `metrics` is the report's gold, carried
over unchanged. `unsure` are the gold keys whose value the shape itself leaves
undecidable by the table's own arithmetic (a glued digit run with more than one split
consistent with the row and group totals, a row whose cells vanished so that no position
is certain, or a printed row whose figures contradict each other): for these, leaving
the figure out is right and a wrong value is a miss. `extra` are figures the rendered
tables state beyond the gold (from the original page's cells): not scored for accuracy,
but a wrong value there is still a wrong figure.

Deterministic: every choice comes from `random.Random` seeded with the seed, the report
and the shape; docx and pdf bytes carry no time stamps.
"""
from __future__ import annotations

import html as _html
import io
import random
import re
import zipfile
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable, Iterator

from gongkai.metric_keys import OUTCOMES
from gongkai.training.data.annotations import GoldDoc, corpus_root, document_text, load_gold

SHAPES = ("separated", "pipe", "markdown", "cell_per_line", "run_together", "sparse", "split_rows", "word_html",
          "docx", "pdf")
VARIANTS: dict[str, tuple[str, ...]] = {
    "cell_per_line": ("blank_cells", "no_empty_cells"),
    "run_together": ("rows", "one_line"),
    "sparse": ("zeros_kept", "spaced", "glued"),
    "word_html": ("utf-8", "gbk"),
}
REPO = Path(__file__).resolve().parents[2]
GOLD_FILES = tuple(REPO / "annotations" / "gold" / f for f in ("train.jsonl", "test.jsonl", "pdf_records.jsonl"))
FONT_CANDIDATES = (  # Debian packages fonts-wqy-microhei, fonts-wqy-zenhei, fonts-noto-cjk
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
)


# --- the neutral form ------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    text: str
    rowspan: int = 1
    colspan: int = 1


@dataclass(frozen=True)
class Grid:
    """One table as its cells, spans as in HTML. `header_rows` leading rows hold no figures
    (they are repeated when a page splits the table)."""

    kind: str  # "table2" | "table3" | "table4" | "stats"
    rows: tuple[tuple[Cell, ...], ...]
    header_rows: int
    source: str  # "html" (the page's cells) | "gold_tables" (pdf_records rows) | "gold" (built from metrics)


@dataclass(frozen=True)
class Report:
    id: str
    agency: str | None
    year: int | None
    format: str | None
    script: str
    metrics: dict
    blocks: tuple  # str (a paragraph, one line) or Grid, in reading order
    extra: dict = field(default_factory=dict)  # figures the grids state beyond the gold
    notes: tuple[str, ...] = ()

    @property
    def grids(self) -> list[Grid]:
        return [b for b in self.blocks if isinstance(b, Grid)]


@dataclass(frozen=True)
class Rendered:
    """One report in one shape: the file's bytes and name, and what extracting it must give."""

    report: str
    shape: str
    variant: str
    name: str
    data: bytes
    agency: str | None
    year: int | None
    format: str | None
    metrics: dict
    unsure: frozenset = frozenset()
    extra: dict = field(default_factory=dict)

    @property
    def label(self) -> str:
        return f"{self.shape}/{self.variant}" if self.variant else self.shape


# --- grids: spans expanded, rows interpreted ------------------------------------------

_NUMBER = re.compile(r"^-?\d+(?:\.\d+)?$")
_SPACE = re.compile(r"[\s\u00a0\u200b\u3000]+")


def is_number(text: str) -> bool:
    return bool(_NUMBER.match(text.replace(",", "").strip()))


def _num(text: str) -> int | float:
    t = text.replace(",", "").strip()
    return float(t) if "." in t else int(t)


@dataclass(frozen=True)
class Slot:
    text: str
    origin: str  # "own" | "row" (under a rowspan) | "col" (right of a colspan) | "none"


def expand(grid: Grid) -> list[list[Slot]]:
    """The full matrix of a grid: every cell in each row and column it spans."""
    taken: dict[tuple[int, int], Slot] = {}
    for r, row in enumerate(grid.rows):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            for dr in range(max(1, cell.rowspan)):
                for dc in range(max(1, cell.colspan)):
                    origin = "own" if (dr, dc) == (0, 0) else ("col" if dc else "row")
                    taken.setdefault((r + dr, c + dc), Slot(cell.text, origin))
            c += max(1, cell.colspan)
    width = 1 + max((c for _, c in taken), default=0)
    return [[taken.get((r, c), Slot("", "none")) for c in range(width)] for r in range(len(grid.rows))]


def matrix_rows(grid: Grid) -> list[list[str]]:
    """Rows as a PDF or Word reader lists them: every column, a spanned cell written once."""
    return [[s.text if s.origin == "own" else "" for s in row] for row in expand(grid)]


def dom_rows(grid: Grid) -> list[list[str]]:
    """Rows as the page's DOM has them: each cell once, where it starts."""
    return [[c.text for c in row] for row in grid.rows]


@dataclass(frozen=True)
class RowFact:
    row: int  # index into grid.rows
    label: str
    values: tuple[str, ...]  # the row's own value cells after its label, in order; "" = an empty cell
    keys: tuple[tuple[str, int | str], ...]  # (key, position in values) or (block key, "part")
    constraint: str  # "sum" (last = sum of the others) | "groups" (table 4) | "free"

    @property
    def numbers(self) -> tuple[str, ...]:
        return tuple(v for v in self.values if v)

    def value(self, pos: int | str) -> str:
        """The figure at a key's position ("" when that cell is empty: not stated)."""
        return self.numbers[-1] if pos == "part" or pos == -1 else self.values[pos]


_T3_DIRECT = (("requests.received", ("本年新收",)), ("requests.carried_over", ("上年结转",)),
              ("requests.carried_forward", ("结转下年度", "结转下一年度")), ("requests.granted", ("予以公开",)),
              ("requests.partially_granted", ("部分公开",)))
_T3_BLOCKS = (("requests.denied", "不予公开"), ("requests.unable_to_provide", "无法提供"),
              ("requests.not_processed", "不予处理"), ("requests.other_handling", "其他处理"))
_T4_KEYS = tuple(f"{group}.{o}" for group in ("review", "litigation.direct", "litigation.after_review") for o in OUTCOMES)


@lru_cache(maxsize=None)
def _opencc(config: str):
    import opencc

    return opencc.OpenCC(config)


def simplified(text: str) -> str:
    return _opencc("t2s").convert(text)


def row_facts(grid: Grid) -> list[RowFact]:
    """Which metric each body row of a grid states, by its row label (FORMAT.md)."""
    matrix = expand(grid)
    layout_2019 = any("本年新制作" in simplified(s.text) or "上一年项目数量" in simplified(s.text)
                      for row in matrix for s in row)
    facts = []
    for r, row in enumerate(matrix):
        labels: list[str] = []
        for s in row:
            if s.origin in ("own", "row") and s.text and not is_number(s.text) and (not labels or labels[-1] != s.text):
                labels.append(s.text)
        label = simplified(_SPACE.sub("", "".join(labels)))
        own = [s.text.strip() for s in row if s.origin == "own"]
        last_label = max((i for i, t in enumerate(own) if t and not is_number(t)), default=-1)
        values = tuple(t for t in own[last_label + 1:] if not t or is_number(t))
        if not any(values):
            continue
        keys, constraint = _row_keys(grid.kind, label, len(values), layout_2019)
        if keys:
            facts.append(RowFact(r, label, values, keys, constraint))
    return facts


def _row_keys(kind: str, label: str, n: int, layout_2019: bool) -> tuple[tuple, str]:
    if kind == "table3":
        if "总计" in label and "七" in label:
            return (("requests.completed", -1),), "sum"
        for key, words in _T3_DIRECT:
            if any(w in label for w in words):
                return ((key, -1),), "sum"
        for key, word in _T3_BLOCKS:
            if word in label:
                rest = label.split(word, 1)[1]
                return ((key, "part" if re.match(r"\d", rest) else -1),), "sum"
        return (), "sum"
    if kind == "table4":
        return (tuple((k, i) for i, k in enumerate(_T4_KEYS)), "groups") if n == 15 else ((), "groups")
    if kind == "table2":
        for word, key in (("规章", "proactive.regulations"), ("规范性文件", "proactive.normative_documents")):
            if label == word or (word == "规范性文件" and label.endswith(word)):
                names = (("issued", 0), ("in_force", 2)) if layout_2019 else (("issued", 0), ("repealed", 1), ("in_force", 2))
                return (tuple((f"{key}.{name}", i) for name, i in names if i < n) if n == 3 else ()), "free"
        for word, key in (("行政许可", "proactive.licensing.decisions"), ("行政处罚", "proactive.punishment.decisions"),
                          ("行政强制", "proactive.coercion.decisions"), ("行政事业性收费", "proactive.admin_fees.wan_yuan")):
            if label.startswith(word):
                if layout_2019:
                    return (((key, 2),) if n == 3 and key != "proactive.admin_fees.wan_yuan" else ()), "free"
                return ((key, -1),), "free"
        return (), "free"
    if kind == "stats":
        key = _stats_key(label)
        return (((key, 0),) if key else ()), "free"
    return (), "free"


def _stats_key(label: str) -> str | None:
    """Rows of a 2008-2018 statistics table (指标 / 单位 / 数量)."""
    sub = label.startswith("其中") or bool(re.match(r"^\d", label))
    if "同意部分公开" in label:
        return "requests.partially_granted"
    if "同意公开" in label:
        return "requests.granted"
    if "不予公开" in label or "否决公开" in label:
        return "requests.denied"
    if sub:
        return None
    if "主动公开" in label:
        return "proactive.published_items"
    if "申请" in label and ("受理" in label or "收到" in label):
        return "requests.received"
    if "答复" in label:
        return "requests.completed"
    if label.startswith("行政复议"):
        return "review.total"
    if label.startswith("行政诉讼"):
        return "litigation.total"
    return None


def grid_metrics(grid: Grid) -> dict:
    """The metrics a grid states: a row's figure, a block's sum over its sub-rows."""
    out: dict = {}
    parts: dict[str, list] = {}
    for fact in row_facts(grid):
        for key, pos in fact.keys:
            figure = fact.value(pos)
            if not figure:
                continue  # an empty cell states nothing
            if pos == "part":
                parts.setdefault(key, []).append(_num(figure))
            else:
                out.setdefault(key, _num(figure))
    for key, values in parts.items():
        out.setdefault(key, sum(values))
    return out


def disagreements(grid: Grid, gold: dict) -> dict:
    """{key: (the grid's figure, the gold's)} where the two differ."""
    return {k: (v, gold[k]) for k, v in grid_metrics(grid).items() if k in gold and not same_value(v, gold[k])}


def same_value(a, b) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return abs(a - b) <= 1e-6 * max(1.0, abs(a))
    return a == b


# --- grids from the original pages ----------------------------------------------------


def html_grids(markup: str) -> list[Grid]:
    """Tables 2-4 and statistics tables of a page, as their cells."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(markup, "lxml")
    grids = []
    for table in soup.find_all("table"):
        if table.find_parent("table") is not None:
            continue
        rows = []
        for tr in table.find_all("tr"):
            if tr.find_parent("table") is not table:
                continue
            rows.append(tuple(Cell(_SPACE.sub(" ", td.get_text("")).strip(), _span(td.get("rowspan")),
                                   _span(td.get("colspan"))) for td in tr.find_all(["td", "th"], recursive=False)))
        kind = _grid_kind(" ".join(c.text for row in rows for c in row))
        if kind and rows:
            header = next((i for i, row in enumerate(rows) if any(is_number(c.text) for c in row)), len(rows))
            grids.append(Grid(kind, tuple(rows), header, "html"))
    return grids


def _span(value) -> int:
    try:
        return max(1, min(int(str(value).strip()), 100))
    except (TypeError, ValueError):
        return 1


def _grid_kind(text: str) -> str | None:
    text = simplified(text)
    if "本年新收" in text:
        return "table3"
    if "第二十条" in text:
        return "table2"
    if "行政复议" in text and "行政诉讼" in text and "结果维持" in text:
        return "table4"
    if "指标" in text or "计量单位" in text:
        return "stats"
    return None


def locate(grid: Grid, text: str, start: int = 0, gap: int = 400) -> tuple[int, int] | None:
    """Where the grid's cells stand in a crawl of the same page: (start, end) of the stretch
    from its first cell text to its last, found in order (whitespace ignored)."""
    squeezed, where = [], []
    for i, ch in enumerate(text):
        if not ch.isspace() and ch != "\u200b":
            squeezed.append(ch)
            where.append(i)
    flat = "".join(squeezed)
    pos0 = next((k for k, i in enumerate(where) if i >= start), len(where))
    tokens = [_SPACE.sub("", c.text) for row in grid.rows for c in row if _SPACE.sub("", c.text)]
    if not tokens:
        return None
    best: tuple[int, int] | None = None
    first = flat.find(tokens[0], pos0)
    while first >= 0 and (best is None or first < best[1]):
        end = _match_from(flat, tokens, first, gap)
        if end is not None:
            best = (first, end)  # a later start with a match is tighter (a heading may hold the first words)
        first = flat.find(tokens[0], first + 1)
    return (where[best[0]], where[best[1] - 1] + 1) if best else None


def _match_from(flat: str, tokens: list[str], first: int, gap: int) -> int | None:
    pos = first + len(tokens[0])
    for tok in tokens[1:]:
        nxt = flat.find(tok, pos)
        if nxt < 0 or nxt - pos > gap:
            return None
        pos = nxt + len(tok)
    return pos


# --- grids from the gold ----------------------------------------------------------------

_R3 = "三、本年度办理结果"
T3_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
_T3_SUBROWS = {
    "requests.denied": ("（三）不予公开", ("1.属于国家秘密", "2.其他法律行政法规禁止公开", "3.危及“三安全一稳定”",
                                          "4.保护第三方合法权益", "5.属于三类内部事务信息", "6.属于四类过程性信息",
                                          "7.属于行政执法案卷", "8.属于行政查询事项")),
    "requests.unable_to_provide": ("（四）无法提供", ("1.本机关不掌握相关政府信息", "2.没有现成信息需要另行制作",
                                                    "3.补正后申请内容仍不明确")),
    "requests.not_processed": ("（五）不予处理", ("1.信访举报投诉类申请", "2.重复申请", "3.要求提供公开出版物",
                                                "4.无正当理由大量反复申请", "5.要求行政机关确认或重新出具已获取信息")),
    "requests.other_handling": ("（六）其他处理", ("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
                                                 "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
                                                 "3.其他")),
}
_T3_PATHS = (
    ("requests.received", ("一、本年新收政府信息公开申请数量",)),
    ("requests.carried_over", ("二、上年结转政府信息公开申请数量",)),
    ("requests.granted", (_R3, "（一）予以公开")),
    ("requests.partially_granted", (_R3, "（二）部分公开（区分处理的，只计这一情形，不计其他情形）")),
    ("requests.denied", None), ("requests.unable_to_provide", None), ("requests.not_processed", None),
    ("requests.other_handling", None),
    ("requests.completed", (_R3, "（七）总计")),
    ("requests.carried_forward", ("四、结转下年度继续办理",)),
)
_T2_2021 = (
    ("第二十条第（一）项", ("本年制发件数", "本年废止件数", "现行有效件数"),
     (("规章", "proactive.regulations"), ("行政规范性文件", "proactive.normative_documents"))),
    ("第二十条第（五）项", ("本年处理决定数量",), (("行政许可", "proactive.licensing.decisions"),)),
    ("第二十条第（六）项", ("本年处理决定数量",), (("行政处罚", "proactive.punishment.decisions"),
                                                  ("行政强制", "proactive.coercion.decisions"))),
    ("第二十条第（八）项", ("本年收费金额（单位：万元）",), (("行政事业性收费", "proactive.admin_fees.wan_yuan"),)),
)
_T2_2019 = (
    ("第二十条第（一）项", ("本年新制作数量", "本年新公开数量", "对外公开总数量"),
     (("规章", "proactive.regulations"), ("规范性文件", "proactive.normative_documents"))),
    ("第二十条第（五）项", ("上一年项目数量", "本年增/减", "处理决定数量"), (("行政许可", "proactive.licensing.decisions"),)),
    ("第二十条第（六）项", ("上一年项目数量", "本年增/减", "处理决定数量"),
     (("行政处罚", "proactive.punishment.decisions"), ("行政强制", "proactive.coercion.decisions"))),
)
_STATS_ROWS = (
    ("proactive.published_items", "主动公开政府信息数", "条"),
    ("requests.received", "收到政府信息公开申请数", "件"),
    ("requests.completed", "对申请的答复总数", "件"),
    ("requests.granted", "其中：1.同意公开答复数", "件"),
    ("requests.partially_granted", "2.同意部分公开答复数", "件"),
    ("requests.denied", "3.不予公开答复数", "件"),
    ("review.total", "行政复议数", "件"),
    ("litigation.total", "行政诉讼数", "件"),
)


def fmt(value) -> str:
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def table2_grid(metrics: dict, layout: str) -> Grid | None:
    blocks = _T2_2019 if layout == "2019" else _T2_2021
    rows: list[tuple[Cell, ...]] = []
    for title, columns, items in blocks:
        body = []
        for label, key in items:
            if len(columns) == 3 and key in ("proactive.regulations", "proactive.normative_documents"):
                names = ("issued", None, "in_force") if layout == "2019" else ("issued", "repealed", "in_force")
                values = [metrics.get(f"{key}.{n}") if n else None for n in names]
            elif len(columns) == 3:
                values = [None, None, metrics.get(key)]
            else:
                values = [metrics.get(key)]
            if all(v is None for v in values):
                continue  # the gold does not state this row: left out, not invented
            cells = [Cell("" if v is None else fmt(v)) for v in values]
            body.append((Cell(label), *cells) if len(cells) == 3 else (Cell(label), replace(cells[0], colspan=3)))
        if body:
            rows.append((Cell(title, colspan=4),))
            rows.append((Cell("信息内容"), *(Cell(c) for c in columns)) if len(columns) == 3
                        else (Cell("信息内容"), Cell(columns[0], colspan=3)))
            rows.extend(body)
    return Grid("table2", tuple(rows), 2, "gold") if rows else None


def table3_grid(values: dict[str, list], layout: str) -> Grid:
    """Table 3 from rows of seven figures keyed by row id (a key of `_T3_PATHS`, or
    "block.N" for the N-th sub-row of a block, or the block key for a single row)."""
    paths: list[tuple[tuple[str, ...], list]] = []
    for key, path in _T3_PATHS:
        if path is not None:
            if key in values:
                paths.append((path, values[key]))
            continue
        head, subrows = _T3_SUBROWS[key]
        if key in values:  # one row for the block (the 2019 layout's （六）其他处理)
            paths.append(((_R3, head), values[key]))
        for n, sub in enumerate(subrows, 1):
            if f"{key}.{n}" in values:
                paths.append(((_R3, head, sub), values[f"{key}.{n}"]))
    header = (
        (Cell(T3_NOTE, rowspan=3, colspan=3), Cell("申请人情况", colspan=7)),
        (Cell("自然人", rowspan=2), Cell("法人或其他组织", colspan=5), Cell("总计", rowspan=2)),
        tuple(Cell(c) for c in ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")),
    )
    return Grid("table3", header + _label_rows(paths, depth=3), 3, "gold")


def _label_rows(paths: list[tuple[tuple[str, ...], list]], depth: int) -> tuple[tuple[Cell, ...], ...]:
    """Body rows whose label cells nest (三、… over （三）… over 1.…): a level shared with the
    rows below is one cell spanning them; a short path's last cell spans the missing levels."""
    rows = []
    for i, (path, figures) in enumerate(paths):
        cells = []
        for level, text in enumerate(path):
            if i and paths[i - 1][0][:level + 1] == path[:level + 1] and level < len(path) - 1:
                continue  # covered by the cell above
            span = 1
            while i + span < len(paths) and paths[i + span][0][:level + 1] == path[:level + 1]:
                span += 1
            last = level == len(path) - 1
            cells.append(Cell(text, rowspan=1 if last else span, colspan=depth - level if last else 1))
        rows.append(tuple(cells) + tuple(Cell(fmt(v)) for v in figures))
    return tuple(rows)


def table4_grid(metrics: dict) -> Grid | None:
    if not all(k in metrics for k in _T4_KEYS):
        return None
    heads = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
    rows = (
        (Cell("行政复议", colspan=5), Cell("行政诉讼", colspan=10)),
        tuple(Cell(h, rowspan=2) for h in heads) + (Cell("未经复议直接起诉", colspan=5), Cell("复议后起诉", colspan=5)),
        tuple(Cell(h) for h in heads * 2),
        tuple(Cell(fmt(metrics[k])) for k in _T4_KEYS),
    )
    return Grid("table4", rows, 3, "gold")


def stats_grid(metrics: dict) -> Grid | None:
    body = tuple((Cell(label), Cell(unit), Cell(fmt(metrics[key]))) for key, label, unit in _STATS_ROWS if key in metrics)
    if not body:
        return None
    return Grid("stats", ((Cell("指标名称"), Cell("计量单位"), Cell("数量")),) + body, 1, "gold")


def fill_columns(totals: dict[str, int | float], rng: random.Random) -> dict[str, list]:
    """Seven figures per table-3 row from its total (generated columns, gold total). Up to
    two seeded transfers move part of the requests into the 商业企业 / 法律服务机构 / 其他
    columns; each enters 一 (received), one result row with room and （七）总计 in the same
    column, so every column balances whenever the totals do. 自然人 gets the rest of a row."""
    rows = {k: [0] * 6 + [v] for k, v in totals.items()}
    integral = all(isinstance(v, int) for v in totals.values())
    received, completed = totals.get("requests.received"), totals.get("requests.completed")
    if integral and received and completed:
        results = [k for k in totals if k not in ("requests.received", "requests.carried_over", "requests.completed",
                                                  "requests.carried_forward")]
        for column in rng.sample((1, 4, 5), 2):
            amount = max(1, round(received * rng.uniform(0.03, 0.2)))
            holder = next((k for k in results if rows[k][6] - sum(rows[k][1:6]) > amount), None)
            if holder is None and results:
                continue
            changed = ["requests.received", "requests.completed"] + ([holder] if holder else [])
            if any(rows[k][6] - sum(rows[k][1:6]) <= amount for k in changed):
                continue
            for k in changed:
                rows[k][column] += amount
    for figures in rows.values():
        figures[0] = figures[6] - sum(figures[1:6])
    return rows


def split_block(total: int, parts: int, rng: random.Random) -> list[int]:
    """A block total spread over its sub-rows (generated; the total is gold)."""
    if not isinstance(total, int) or total <= 0:
        return [total] + [0] * (parts - 1)
    cuts = sorted(rng.randint(0, total) for _ in range(min(parts, 3) - 1))
    pieces = [b - a for a, b in zip([0, *cuts], [*cuts, total])]
    out = [0] * parts
    for piece, slot in zip(pieces, sorted(rng.sample(range(parts), len(pieces)))):
        out[slot] += piece
    return out


def gold_table3(metrics: dict, layout: str, rng: random.Random) -> Grid | None:
    totals = {k: metrics[k] for k, _ in _T3_PATHS if k in metrics}
    if not totals:
        return None
    rows = fill_columns(totals, rng)
    values: dict[str, list] = {}
    for key, path in _T3_PATHS:
        if key not in rows:
            continue
        if path is not None or (key == "requests.other_handling" and layout == "2019"):
            values[key] = rows[key]
            continue
        subrows = _T3_SUBROWS[key][1]
        natural = split_block(rows[key][0], len(subrows), rng)
        for n, part in enumerate(natural, 1):
            figures = [part] + [0] * 5 + [part]
            if n == 1:  # the transfers of the block stay in its first sub-row
                figures[1:6] = rows[key][1:6]
                figures[6] = part + sum(rows[key][1:6])
            values[f"{key}.{n}"] = figures
    return table3_grid(values, layout)


def tables_table3(rows: dict[str, list], layout: str) -> Grid:
    """pdf_records.jsonl's full table-3 rows ("不予公开.属于国家秘密": [7 figures]…) as a grid."""
    simple = {"本年新收": "requests.received", "上年结转": "requests.carried_over", "予以公开": "requests.granted",
              "部分公开": "requests.partially_granted", "总计": "requests.completed", "结转下年度": "requests.carried_forward"}
    blocks = {"不予公开": "requests.denied", "无法提供": "requests.unable_to_provide", "不予处理": "requests.not_processed",
              "其他处理": "requests.other_handling"}
    values: dict[str, list] = {}
    for name, figures in rows.items():
        head, _, sub = name.partition(".")
        if head in simple:
            values[simple[head]] = figures
        elif head in blocks:
            key = blocks[head]
            if not sub:
                values[key] = figures
                continue
            official = _T3_SUBROWS[key][1]
            n = next((i for i, label in enumerate(official, 1) if _bare(sub) in _bare(label)), None)
            if n is None:
                raise ValueError(f"table-3 row {name!r} is none of the official rows of {key}")
            values[f"{key}.{n}"] = figures
    return table3_grid(values, layout)


def _bare(text: str) -> str:
    return re.sub(r"[“”\"'、，,\s]", "", text)


def traditional_grid(grid: Grid) -> Grid:
    convert = _opencc("s2twp").convert
    rows = tuple(tuple(c if is_number(c.text) else replace(c, text=convert(c.text)) for c in row) for row in grid.rows)
    return replace(grid, rows=rows)


# --- reports: the text and where its tables stand ----------------------------------------

_HEADING = re.compile(r"^(?:#+\s*)?[一二三四五六七八九十]{1,2}\s*、")
_ROW_WORDS = ("本年新收", "上年结转", "本年度办理结果", "结转下年度")
_ANCHORS = ("第二十条第", "第二十条 第", "勾稽关系", "申请人情况", "信息内容本年", "信息内容\t", "行政复议行政诉讼")
_FOOTER = re.compile(r"^[-—–]\s*\d+\s*[-—–]$")
_IMAGE = re.compile(r"\S+\.(?:png|jpe?g|gif|bmp)$", re.I)


def is_heading(line: str) -> bool:
    s = simplified(line.strip())
    return (bool(_HEADING.match(s)) and len(s) <= 40 and "|" not in s and "\t" not in s
            and not any(w in s for w in _ROW_WORDS))


def is_table_line(line: str) -> bool:
    s = line.strip()
    return ("\t" in s or s.count("|") >= 2 or bool(_IMAGE.fullmatch(s)) or bool(_FOOTER.match(s))
            or any(a in simplified(s) for a in _ANCHORS))


def _heading_table(line: str) -> str | None:
    s = simplified(line)
    if "复议" in s or "诉讼" in s:
        return "table4"
    if "申请" in s:
        return "table3"
    if "主动公开" in s:
        return "table2"
    return None


def table_zones(lines: list[str]) -> list[tuple[int, int]]:
    """Runs of table lines (line index ranges, end exclusive): lines with cells, image names,
    page footers, table captions, and the short label fragments between them."""
    zones: list[list[int]] = []
    for i, line in enumerate(lines):
        if not is_table_line(line) or is_heading(line):
            continue
        if zones and all(_gap_line(lines[j]) for j in range(zones[-1][1], i)):
            zones[-1][1] = i + 1
        else:
            zones.append([i, i + 1])
    return [(a, b) for a, b in zones]


def _gap_line(line: str) -> bool:
    s = line.strip()
    return not s or is_heading(s) or ("。" not in s and len(s) <= 40)


def _clean_line(line: str) -> str:
    return re.sub(r"^#+\s*", "", line.strip()).strip()


def place_tables(lines: list[str], grids: dict[str, Grid]) -> tuple[list, list[str]]:
    """The report's lines with its table regions replaced by the grids: each grid stands
    right after the heading of its section, or where the region starts when that heading
    comes before it. Returns (blocks, grid kinds that found no place)."""
    zones = table_zones(lines)
    blocks: list = []
    placed: set[str] = set()
    heading_table: str | None = None
    zone_at = {a: b for a, b in zones}
    i = 0
    while i < len(lines):
        if i in zone_at:
            end = zone_at[i]
            here = heading_table if heading_table in grids else "stats"  # a legacy table has no section of its own
            if here in grids and here not in placed:
                blocks.append(grids[here])
                placed.add(here)
            for j in range(i, end):
                if is_heading(lines[j]):  # a section heading inside the region stays
                    blocks.append(_clean_line(lines[j]))
                    heading_table = _heading_table(lines[j])
                    if heading_table in grids and heading_table not in placed:
                        blocks.append(grids[heading_table])
                        placed.add(heading_table)
            i = end
            continue
        line = lines[i]
        if _FOOTER.match(line.strip()):
            i += 1
            continue
        if line.strip():
            blocks.append(_clean_line(line))
        if is_heading(line):
            heading_table = _heading_table(line)
        i += 1
    return blocks, sorted(set(grids) - placed)


def report_lines(doc: GoldDoc, text: str) -> list[tuple[int, str]]:
    """(offset, line) of the report's own text: non-boilerplate paragraphs, or every line
    for record-level gold."""
    if doc.paragraphs:
        spans = [(p["start"], p["end"]) for p in sorted(doc.paragraphs, key=lambda p: p["start"])
                 if p["section"] != "boilerplate"]
    else:
        spans = [(0, len(text))]
    out = []
    for start, end in spans:
        pos = start
        for line in text[start:end].split("\n"):
            if line.strip():
                out.append((pos, line))
            pos += len(line) + 1
    return out


def build_report(doc: GoldDoc, seed: int = 0) -> Report:
    rec = doc.record
    gold = dict(rec.get("metrics") or {})
    layout = rec.get("format") or "2021"
    script = rec.get("script") or "simplified"
    rng = random.Random(f"{seed}:{doc.id}:tables")
    text = document_text(doc)
    lines = report_lines(doc, text)
    notes: list[str] = []
    extra: dict = {}
    page = corpus_root() / "reports" / "html" / f"{doc.id}.html"
    if page.exists():
        blocks = _blocks_from_page(page, text, lines, gold, layout, rng, notes, extra)
    else:
        grids = _gold_grids(doc, gold, layout, rng, notes)
        if script == "traditional":
            grids = {k: traditional_grid(g) for k, g in grids.items()}
        blocks, unplaced = place_tables([line for _, line in lines], grids)
        if not table_zones([line for _, line in lines]):
            notes.append("no table region in the report: its figures stay in the prose only")
        else:
            notes.extend(f"{kind} built from the gold found no place in the text: left out" for kind in unplaced)
    title = rec.get("title")
    opening = _SPACE.sub("", "".join(b for b in blocks[:3] if isinstance(b, str)))
    if title and _SPACE.sub("", title) not in opening:
        blocks.insert(0, title)  # the crawl kept the title in its header: a document starts with it
    for grid in (b for b in blocks if isinstance(b, Grid)):
        wrong = disagreements(grid, gold)
        if wrong:  # a grid built from the gold states the gold, or the generator is wrong
            raise AssertionError(f"{doc.id}: {grid.kind} ({grid.source}) states {wrong} (grid, gold)")
    return Report(doc.id, rec.get("agency"), rec.get("year"), rec.get("format"), script, gold, tuple(blocks),
                  extra, tuple(notes))


def _gold_grids(doc: GoldDoc, gold: dict, layout: str, rng: random.Random, notes: list[str]) -> dict[str, Grid]:
    grids: dict[str, Grid] = {}
    if layout == "legacy":
        stats = stats_grid(gold)
        return {"stats": stats} if stats else {}
    t2 = table2_grid(gold, layout)
    if t2:
        grids["table2"] = t2
    rows = (doc.tables or {}).get("table3")
    t3 = replace(tables_table3(rows, layout), source="gold_tables") if rows else None
    if t3 is not None and disagreements(t3, gold):
        notes.append(f"gold table-3 rows disagree with the gold metrics ({disagreements(t3, gold)}): rebuilt from the metrics")
        t3 = None
    t3 = t3 or gold_table3(gold, layout, rng)
    if t3:
        grids["table3"] = t3
    t4 = table4_grid(gold)
    if t4:
        grids["table4"] = t4
    return grids


def _blocks_from_page(page: Path, text: str, lines: list[tuple[int, str]], gold: dict, layout: str,
                      rng: random.Random, notes: list[str], extra: dict) -> list:
    """A one-line crawl whose original page is at hand: each page table replaces the stretch
    of the crawl that its cells occupy."""
    from gongkai.inference.read.decode import decode_bytes

    markup, _ = decode_bytes(page.read_bytes())
    regions: list[tuple[int, int, Grid]] = []
    pos = lines[0][0] if lines else 0
    for grid in html_grids(markup):
        where = locate(grid, text, pos)
        if where is None:
            notes.append(f"page {grid.kind}: its cells were not found in the crawl; left out")
            continue
        stated = grid_metrics(grid)
        wrong = disagreements(grid, gold)
        if wrong:
            rebuilt = (stats_grid(gold) if grid.kind == "stats" else table2_grid(gold, layout) if grid.kind == "table2"
                       else gold_table3(gold, layout, rng) if grid.kind == "table3" else table4_grid(gold))
            detail = ", ".join(f"{k}: page {a}, gold {b}" for k, (a, b) in sorted(wrong.items()))
            notes.append(f"page {grid.kind} disagrees with the gold ({detail}): "
                         + ("rebuilt from the gold" if rebuilt else "left out"))
            grid = rebuilt
        else:
            notes.append(f"page {grid.kind}: cells from the page, figures equal to the gold")
            extra.update({k: v for k, v in stated.items() if k not in gold})
        if grid is not None:
            regions.append((where[0], where[1], grid))
        pos = where[1]
    return splice(text, lines, regions, notes)


def splice(text: str, lines: list[tuple[int, str]], regions: list[tuple[int, int, Grid]], notes: list[str]) -> list:
    """The lines as blocks, each region's stretch cut out and its grid standing where the
    region starts."""
    blocks: list = []
    placed: set[int] = set()
    for offset, line in lines:
        cursor, end = offset, offset + len(line)
        for a, b, grid in regions:
            if b <= cursor or a >= end:
                continue
            if a > cursor and text[cursor:a].strip():
                blocks.append(text[cursor:a].strip())
            if id(grid) not in placed:
                blocks.append(grid)
                placed.add(id(grid))
            cursor = max(cursor, min(b, end))
        if cursor < end and text[cursor:end].strip():
            blocks.append(text[cursor:end].strip())
    for _, _, grid in regions:
        if id(grid) not in placed:
            notes.append(f"page {grid.kind} stands outside the report's text: left out")
    return blocks


def load_reports(gold_files: Iterable[str | Path] = GOLD_FILES, seed: int = 0,
                 ids: Iterable[str] | None = None) -> list[Report]:
    """Every annotated report that states figures (or those of `ids`), in the neutral form."""
    wanted = set(ids) if ids is not None else None
    docs = load_gold([Path(p) for p in gold_files])
    return [build_report(d, seed) for d in docs
            if (d.record or {}).get("metrics") and (wanted is None or d.id in wanted)]


# --- unsure keys: what a shape leaves undecidable --------------------------------------

_PART = re.compile(r"^-?(?:0|[1-9]\d*)(?:\.\d+)?$")


def _pieces(s: str) -> list[list[tuple[int, int | float]]]:
    """For each position of s, (end, value) of every number (no leading zeros) starting there."""
    return [[(j, _num(s[i:j])) for j in range(i + 1, len(s) + 1) if _PART.match(s[i:j])] for i in range(len(s))]


def _cuts(s: str, n: int) -> Iterator[tuple[str, ...]]:
    """Every way to write s as n numbers."""
    pieces = _pieces(s)

    def walk(i: int, left: int) -> Iterator[tuple[str, ...]]:
        if left == 1:
            if i < len(s) and _PART.match(s[i:]):
                yield (s[i:],)
            return
        for j, _ in pieces[i] if i < len(s) else ():
            for rest in walk(j, left - 1):
                yield (s[i:j], *rest)

    return walk(0, n)


def _sum_cuts(s: str, n: int | None) -> Iterator[tuple[str, ...]]:
    """Readings of a table-3 row whose last figure is the sum of the others: n figures, or
    (n None: zeros written blank) any number of non-zero ones, or a lone 0."""
    pieces = _pieces(s)
    most = 6 if n is None else n - 1

    def walk(i: int, k: int, acc, parts: tuple[str, ...]) -> Iterator[tuple[str, ...]]:
        rest = s[i:]
        if (k == most if n is not None else k >= 1) and _PART.match(rest) and same_value(_num(rest), acc):
            yield (*parts, rest)
        if k < most and i < len(s):
            for j, v in pieces[i]:
                if j < len(s) and not (n is None and v == 0):
                    yield from walk(j, k + 1, acc + v, (*parts, s[i:j]))

    if n is None and s == "0":
        yield ("0",)
    yield from walk(0, 0, 0, ())


def _group_cuts(s: str, groups: int) -> Iterator[tuple[str, ...]]:
    """Readings of table 4's fifteen figures: in each group of five the last is the sum."""
    pieces = _pieces(s)

    def walk(i: int, left: int) -> Iterator[tuple[str, ...]]:
        if left == 0:
            if i == len(s):
                yield ()
            return
        for a, va in pieces[i] if i < len(s) else ():
            for b, vb in pieces[a] if a < len(s) else ():
                for c, vc in pieces[b] if b < len(s) else ():
                    for d, vd in pieces[c] if c < len(s) else ():
                        total = fmt(va + vb + vc + vd)
                        if s.startswith(total, d):
                            for rest in walk(d + len(total), left - 1):
                                yield (s[i:a], s[a:b], s[b:c], s[c:d], total, *rest)

    return walk(0, groups)


def splits(numbers: tuple[str, ...], constraint: str, zero_blank: bool = False) -> list[tuple[str, ...]]:
    """The readings of a glued run of a row's figures that its arithmetic allows."""
    s = "".join(numbers)
    if constraint == "sum":
        return list(_sum_cuts(s, None if zero_blank else len(numbers)))
    if constraint == "groups" and len(numbers) == 15:
        return list(_group_cuts(s, 3))
    return list(_cuts(s, len(numbers)))


@lru_cache(maxsize=4096)
def glued_unsure(grid: Grid, zero_blank: bool = False) -> frozenset:
    """Keys whose figures, glued together, have more than one reading (or none)."""
    unsure: set[str] = set()
    for fact in row_facts(grid):
        blank = zero_blank and grid.kind == "table3"
        numbers = fact.numbers
        present = tuple(n for n in numbers[:-1] if not (blank and _num(n) == 0)) + numbers[-1:]
        readings = splits(present if blank else numbers, fact.constraint, zero_blank=blank)
        for key, pos in fact.keys:
            if not fact.value(pos):
                continue
            # the key's place among the figures written (empty cells are not in the run)
            p = -1 if pos in ("part", -1) or blank else sum(1 for v in fact.values[:pos] if v)
            values = {_num(r[p]) for r in readings}
            if len(values) != 1:
                unsure.add(key)
    return frozenset(unsure)


def vanish_unsure(grid: Grid) -> set[str]:
    """Keys of rows that lose an empty cell between figures (no position is certain then)."""
    unsure: set[str] = set()
    for fact in row_facts(grid):
        if fact.constraint == "sum":
            continue  # the 总计 is last wherever the other cells went
        if not all(fact.values):
            unsure.update(k for k, _ in fact.keys)
    return unsure


# --- text shapes ---------------------------------------------------------------------------


def _paragraph_text(report: Report, table: Callable[[Grid], str], sep: str = "\n") -> str:
    parts = [table(b) if isinstance(b, Grid) else b for b in report.blocks]
    return sep.join(p for p in parts if p) + "\n"


def separated_table(grid: Grid, sep: str = "\t") -> str:
    return "\n".join(sep.join(row) for row in matrix_rows(grid) if any(row))


def markdown_table(grid: Grid) -> str:
    rows = [row for row in matrix_rows(grid) if any(row)]
    lines = ["| " + " | ".join(row) + " |" for row in rows]
    width = len(rows[0]) if rows else 1
    return "\n".join(lines[:1] + ["|" + "---|" * width] + lines[1:])


def cell_per_line_table(grid: Grid, keep_empty: bool) -> str:
    cells = [t for row in dom_rows(grid) for t in row if keep_empty or t.strip()]
    return "\n\n".join(cells)


def _zero_blank(grid: Grid) -> list[list[str]]:
    """DOM rows with table 3's applicant zeros written as blank (the 总计 keeps its figure)."""
    rows = dom_rows(grid)
    if grid.kind != "table3":
        return rows
    out = []
    for r, row in enumerate(rows):
        numeric = [i for i, t in enumerate(row) if is_number(t)]
        if r < grid.header_rows or not numeric:
            out.append(row)
            continue
        out.append(["" if i in numeric[:-1] and _num(row[i]) == 0 else t for i, t in enumerate(row)])
    return out


def sparse_table(grid: Grid, glued: bool, zeros_blank: bool = True) -> str:
    lines = []
    for row in (_zero_blank(grid) if zeros_blank else dom_rows(grid)):
        cells = [t for t in row if t.strip()]
        if not cells:
            continue
        if glued:
            lines.append("".join(cells))
        else:
            lines.append(" ".join(cells))
    return "\n".join(lines)


def run_together_table(grid: Grid, one_line: bool) -> str:
    rows = ["".join(row) for row in dom_rows(grid) if "".join(row).strip()]
    return ("" if one_line else "\n").join(rows)


def split_table(grid: Grid, rng: random.Random, page: int) -> str:
    """Tab-separated rows, split over two pages with the header repeated, one label wrapped."""
    rows = [row for row in matrix_rows(grid) if any(row)]
    header, body = rows[:grid.header_rows], rows[grid.header_rows:]
    if len(body) < 2:
        return "\n".join("\t".join(r) for r in rows)
    cut = rng.randint(max(1, len(body) // 3), max(1, 2 * len(body) // 3))
    labelled = [i for i, row in enumerate(body) if max((len(t) for t in row if not is_number(t)), default=0) >= 8]
    wrap = rng.choice(labelled) if labelled else None
    lines = ["\t".join(r) for r in header]
    for i, row in enumerate(body):
        if i == cut:
            lines.append(f"- {page} -")
            lines.extend("\t".join(r) for r in header)
        if i == wrap:
            k = max(range(len(row)), key=lambda j: -1 if is_number(row[j]) else len(row[j]))
            text = row[k]
            at = len(text) // 2
            lines.append("\t".join(row[:k] + [text[:at]]))
            lines.append("\t".join([""] * k + [text[at:]] + row[k + 1:]))
        else:
            lines.append("\t".join(row))
    return "\n".join(lines)


def render_text(report: Report, shape: str, variant: str, rng: random.Random) -> str:
    if shape == "separated":
        return _paragraph_text(report, separated_table)
    if shape == "pipe":
        return _paragraph_text(report, lambda g: separated_table(g, " | "))
    if shape == "markdown":
        md = replace(report, blocks=tuple(f"## {b}" if isinstance(b, str) and is_heading(b) else b for b in report.blocks))
        return _paragraph_text(md, markdown_table, sep="\n\n")
    if shape == "cell_per_line":
        return _paragraph_text(report, lambda g: cell_per_line_table(g, variant == "blank_cells"), sep="\n\n")
    if shape == "sparse":
        return _paragraph_text(report, lambda g: sparse_table(g, variant == "glued", variant != "zeros_kept"))
    if shape == "run_together":
        if variant == "rows":
            return _paragraph_text(report, lambda g: run_together_table(g, False))
        parts = [run_together_table(b, True) if isinstance(b, Grid) else b for b in report.blocks]
        return "".join(p + rng.choice(("", "", " ")) for p in parts).strip() + "\n"
    if shape == "split_rows":
        grids = report.grids
        biggest = max(grids, key=lambda g: len(g.rows)) if grids else None
        page = rng.randint(2, 5)
        out = []
        for k, b in enumerate(report.blocks):
            if b is biggest:
                out.append(split_table(b, rng, page))
            elif isinstance(b, Grid):
                out.append(separated_table(b))
            else:
                out.append(b)
            if biggest is None and k == len(report.blocks) // 2:
                out.append(f"- {page} -")  # a page footer in the prose all the same
        return "\n".join(out) + "\n"
    raise ValueError(f"not a text shape: {shape}")


# --- Word-exported HTML -------------------------------------------------------------------

_WORD_HEAD = """<html xmlns:v="urn:schemas-microsoft-com:vml"
xmlns:o="urn:schemas-microsoft-com:office:office"
xmlns:w="urn:schemas-microsoft-com:office:word"
xmlns:m="http://schemas.microsoft.com/office/2004/12/omml"
xmlns="http://www.w3.org/TR/REC-html40">

<head>
<meta http-equiv=Content-Type content="text/html; charset={charset}">
<meta name=ProgId content=Word.Document>
<meta name=Generator content="Microsoft Word 15">
<meta name=Originator content="Microsoft Word 15">
<title>{title}</title>
<!--[if gte mso 9]><xml>
 <o:DocumentProperties>
  <o:Author>Administrator</o:Author>
  <o:Pages>6</o:Pages>
 </o:DocumentProperties>
</xml><![endif]--><!--[if gte mso 9]><xml>
 <w:WordDocument>
  <w:View>Print</w:View>
  <w:SpellingState>Clean</w:SpellingState>
  <w:DrawingGridVerticalSpacing>7.8 磅</w:DrawingGridVerticalSpacing>
 </w:WordDocument>
</xml><![endif]-->
<style>
<!--
 /* Font Definitions */
 @font-face
	{{font-family:仿宋_GB2312;
	panose-1:2 1 6 9 3 1 1 1 1 1;
	mso-font-charset:134;}}
 /* Style Definitions */
 p.MsoNormal, li.MsoNormal, div.MsoNormal
	{{mso-style-unhide:no;
	mso-style-qformat:yes;
	mso-style-parent:"";
	margin:0cm;
	text-align:justify;
	text-justify:inter-ideograph;
	font-size:10.5pt;
	font-family:等线;}}
@page WordSection1
	{{size:595.3pt 841.9pt;
	margin:72.0pt 90.0pt 72.0pt 90.0pt;
	mso-header-margin:42.55pt;
	mso-footer-margin:49.6pt;
	mso-paper-source:0;
	layout-grid:15.6pt;}}
div.WordSection1
	{{page:WordSection1;}}
-->
</style>
<!--[if gte mso 10]>
<style>
 table.MsoNormalTable
	{{mso-style-name:普通表格;
	mso-tstyle-rowband-size:0;
	mso-style-noshow:yes;}}
</style>
<![endif]-->
</head>

<body lang=ZH-CN style='tab-interval:21.0pt;text-justify-trim:punctuation'>

<div class=WordSection1 style='layout-grid:15.6pt'>
"""
_WORD_TAIL = "\n</div>\n\n</body>\n\n</html>\n"
_FONT = "font-family:仿宋_GB2312;mso-hansi-font-family:\"Times New Roman\""


def _runs(text: str, rng: random.Random) -> list[tuple[str, bool]]:
    """Word's character runs: a new run where the script changes (digits and Latin in
    lang=EN-US runs), often after a list marker, and at random edit points — now and then
    inside a number too."""
    runs: list[list] = []
    for ch in text:
        latin = ch.isascii() and not ch.isspace()
        if runs and runs[-1][1] == latin and not (rng.random() < (0.03 if latin else 0.06)):
            runs[-1][0] += ch
        else:
            runs.append([ch, latin])
        if ch in "、：" and rng.random() < 0.7:
            runs.append(["", False])
    return [(t, latin) for t, latin in runs if t]


def _word_run(text: str, latin: bool, rng: random.Random, size: str = "16.0pt") -> str:
    style = f"font-size:{size};{_FONT}" if not latin else f"font-size:{size};font-family:\"Times New Roman\";\nmso-fareast-font-family:仿宋_GB2312"
    lang = " lang=EN-US" if latin else ""
    body = _html.escape(text, quote=False)
    if not latin and rng.random() < 0.15:
        body = f"<font face=\"仿宋_GB2312\">{body}</font>"
    return f"<span{lang} style='{style}'>{body}</span>"


def _word_paragraph(text: str, rng: random.Random, heading: bool = False, title: bool = False) -> str:
    marker = ""
    m = _HEADING.match(text) if heading else None
    if m:  # Word writes a list number as a downlevel-revealed conditional block
        marker = (f"<![if !supportLists]><span style='font-size:16.0pt;font-family:黑体'>{_html.escape(m.group(0))}"
                  f"<span style='font:7.0pt \"Times New Roman\"'>&nbsp;&nbsp;&nbsp; </span></span><![endif]>")
        text = text[m.end():]
    runs = "".join(_word_run(t, latin, rng, "22.0pt" if title else "16.0pt") for t, latin in _runs(text, rng))
    if heading or title:
        runs = f"<b>{runs}</b>"
    attrs = (" align=center style='text-align:center;mso-line-height-alt:28.0pt'" if title
             else " style='text-indent:32.0pt;mso-char-indent-count:2.0;line-height:28.0pt;\nmso-line-height-rule:exactly'")
    return f"<p class=MsoNormal{attrs}>{marker}{runs}<span lang=EN-US style='font-size:16.0pt'><o:p></o:p></span></p>"


def _word_table(grid: Grid, rng: random.Random) -> str:
    out = ["<div align=center>",
           "<table class=MsoNormalTable border=1 cellspacing=0 cellpadding=0\n style='border-collapse:collapse;border:none;"
           "mso-border-alt:solid windowtext .5pt;\n mso-yfti-tbllook:1184;mso-padding-alt:0cm 5.4pt 0cm 5.4pt'>"]
    for r, row in enumerate(grid.rows):
        flags = ";mso-yfti-firstrow:yes" if r == 0 else (";mso-yfti-lastrow:yes" if r == len(grid.rows) - 1 else "")
        out.append(f" <tr style='mso-yfti-irow:{r}{flags};height:20.0pt'>")
        for cell in row:
            span = (f" rowspan={cell.rowspan}" if cell.rowspan > 1 else "") + (f" colspan={cell.colspan}" if cell.colspan > 1 else "")
            if cell.text.strip():
                runs = "".join(_word_run(t, latin, rng, "10.0pt") for t, latin in _runs(cell.text, rng))
                content = f"{runs}<span lang=EN-US style='font-size:10.0pt'><o:p></o:p></span>"
            else:
                content = "<span lang=EN-US style='font-size:10.0pt'><o:p>&nbsp;</o:p></span>"
            out.append(f"  <td width=64{span} valign=center style='border:solid windowtext 1.0pt;\n"
                       f"  mso-border-alt:solid windowtext .5pt;padding:0cm 5.4pt 0cm 5.4pt;height:20.0pt'>\n"
                       f"  <p class=MsoNormal align=center style='text-align:center'>{content}</p>\n  </td>")
        out.append(" </tr>")
    out.append("</table>\n</div>")
    return "\n".join(out)


def render_word_html(report: Report, variant: str, rng: random.Random) -> bytes:
    parts = []
    title = next((b for b in report.blocks if isinstance(b, str)), report.id)
    for k, block in enumerate(report.blocks):
        if isinstance(block, Grid):
            parts.append(_word_table(block, rng))
            parts.append("<p class=MsoNormal><span lang=EN-US><o:p>&nbsp;</o:p></span></p>")
        else:
            parts.append(_word_paragraph(block, rng, heading=is_heading(block), title=k == 0))
    body = "\n\n".join(parts)
    if variant == "gbk":
        page = _WORD_HEAD.format(charset="gb2312", title=_html.escape(title)) + body + _WORD_TAIL
        try:
            return page.encode("gbk")
        except UnicodeEncodeError:
            page = _WORD_HEAD.format(charset="gb18030", title=_html.escape(title)) + body + _WORD_TAIL
            return page.encode("gb18030")
    return (_WORD_HEAD.format(charset="utf-8", title=_html.escape(title)) + body + _WORD_TAIL).encode("utf-8")


# --- DOCX ---------------------------------------------------------------------------------


def render_docx(report: Report) -> bytes:
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    document = docx.Document()
    document.core_properties.title = next((b for b in report.blocks if isinstance(b, str)), report.id)[:255]
    for k, block in enumerate(report.blocks):
        if isinstance(block, Grid):
            _docx_table(document, block)
            continue
        paragraph = document.add_paragraph()
        run = paragraph.add_run(block)
        if k == 0:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if k == 0 or is_heading(block):
            run.bold = True
    buffer = io.BytesIO()
    document.save(buffer)
    return _fixed_zip(buffer.getvalue())


def _docx_table(document, grid: Grid) -> None:
    """The table as Word writes merged cells: w:gridSpan across, w:vMerge down (built as XML:
    python-docx's cell() and merge() recount the whole table on every call)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    width = len(expand(grid)[0])
    starts: dict[tuple[int, int], tuple[Cell, bool]] = {}  # (row, column) → (cell, continues one above)
    taken: set[tuple[int, int]] = set()
    for r, row in enumerate(grid.rows):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            for dr in range(cell.rowspan):
                starts.setdefault((r + dr, c), (cell, dr > 0))
            taken.update((r + dr, c + dc) for dr in range(cell.rowspan) for dc in range(cell.colspan))
            c += cell.colspan
    table = document.add_table(rows=len(grid.rows), cols=width)
    table.style = "Table Grid"
    for r, tr in enumerate(table._tbl.tr_lst):
        for tc in tr.tc_lst:
            tr.remove(tc)
        c = 0
        while c < width:
            cell, below = starts.get((r, c), (Cell(""), False))
            tc, pr = OxmlElement("w:tc"), OxmlElement("w:tcPr")
            if cell.colspan > 1:
                span = OxmlElement("w:gridSpan")
                span.set(qn("w:val"), str(min(cell.colspan, width - c)))
                pr.append(span)
            if cell.rowspan > 1:
                merge = OxmlElement("w:vMerge")
                if not below:
                    merge.set(qn("w:val"), "restart")
                pr.append(merge)
            tc.append(pr)
            paragraph = OxmlElement("w:p")
            if cell.text and not below:
                run, t = OxmlElement("w:r"), OxmlElement("w:t")
                t.text = cell.text
                run.append(t)
                paragraph.append(run)
            tc.append(paragraph)
            tr.append(tc)
            c += max(1, min(cell.colspan, width - c))


def _fixed_zip(data: bytes) -> bytes:
    """The same archive with every entry dated 2020-01-01, so equal documents are equal bytes."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2020, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


# --- PDF ------------------------------------------------------------------------------------


def pdf_font() -> tuple[str, int] | None:
    """A CJK TrueType font from a Debian package, if one is installed."""
    return next(((p, i) for p, i in FONT_CANDIDATES if Path(p).exists()), None)


def pdf_unavailable() -> str | None:
    """Why the pdf shape cannot be rendered here, or None."""
    try:
        import reportlab  # noqa: F401
    except ImportError:
        return "reportlab is not installed (pip install reportlab)"
    if pdf_font() is None:
        return "no CJK font installed (apt-get install fonts-wqy-microhei)"
    return None


@lru_cache(maxsize=1)
def _register_font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    path, index = pdf_font()
    pdfmetrics.registerFont(TTFont("CJK", path, subfontIndex=index))
    return "CJK"


def render_pdf(report: Report) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    font = _register_font()
    body = ParagraphStyle("body", fontName=font, fontSize=11, leading=17, wordWrap="CJK", firstLineIndent=22)
    head = ParagraphStyle("head", parent=body, fontSize=12, firstLineIndent=0, spaceBefore=6)
    title = ParagraphStyle("title", parent=body, fontSize=16, leading=24, alignment=1, firstLineIndent=0)
    cell = ParagraphStyle("cell", fontName=font, fontSize=7.5, leading=9, wordWrap="CJK", alignment=1)
    width = A4[0] - 36 * mm
    story = []
    for k, block in enumerate(report.blocks):
        if isinstance(block, Grid):
            story.append(_pdf_table(block, cell, width, Table, TableStyle, Paragraph, colors))
            story.append(Spacer(1, 6))
        else:
            style = title if k == 0 else head if is_heading(block) else body
            story.append(Paragraph(_html.escape(block), style))

    def footer(canvas, doc):
        canvas.setFont(font, 10)
        canvas.drawCentredString(A4[0] / 2, 12 * mm, f"- {doc.page} -")

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=20 * mm,
                            bottomMargin=22 * mm, invariant=1, title=report.id, author="", creator="", producer="")
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()


def _pdf_table(grid: Grid, style, width: float, Table, TableStyle, Paragraph, colors):
    matrix = expand(grid)
    n = len(matrix[0])
    label_columns = {"table3": 3, "table2": 1, "stats": 1, "table4": 0}[grid.kind]
    if label_columns:
        label_width = width * (0.45 if grid.kind == "table3" else 0.4)
        widths = [label_width / label_columns] * label_columns + [(width - label_width) / (n - label_columns)] * (n - label_columns)
    else:
        widths = [width / n] * n
    data = [[("" if s.origin != "own" or not s.text else s.text if is_number(s.text)
              else Paragraph(_html.escape(s.text), style)) for s in row] for row in matrix]
    commands = [("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("FONT", (0, 0), (-1, -1), style.fontName, style.fontSize), ("ALIGN", (0, 0), (-1, -1), "CENTER")]
    taken: set[tuple[int, int]] = set()
    for r, row in enumerate(grid.rows):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            if cell.rowspan > 1 or cell.colspan > 1:
                commands.append(("SPAN", (c, r), (min(c + cell.colspan, n) - 1, min(r + cell.rowspan, len(matrix)) - 1)))
            taken.update((r + dr, c + dc) for dr in range(cell.rowspan) for dc in range(cell.colspan))
            c += cell.colspan
    return Table(data, colWidths=widths, repeatRows=grid.header_rows if grid.kind != "table2" else 0,
                 style=TableStyle(commands))


# --- every shape of every report ------------------------------------------------------------


def shape_variants(shapes: Iterable[str] = SHAPES) -> list[tuple[str, str]]:
    return [(s, v) for s in shapes for v in VARIANTS.get(s, ("",))]


def unsure_keys(report: Report, shape: str, variant: str) -> frozenset:
    unsure: set[str] = set()
    for grid in report.grids:
        if shape == "run_together":
            unsure |= glued_unsure(grid)
        elif shape == "sparse":
            unsure |= vanish_unsure(grid) | (glued_unsure(grid, zero_blank=True) if variant == "glued" else set())
        elif shape == "cell_per_line" and variant == "no_empty_cells":
            unsure |= vanish_unsure(grid)
    return frozenset(unsure)


def render(report: Report, shape: str, variant: str = "", seed: int = 0) -> Rendered:
    rng = random.Random(f"{seed}:{report.id}:{shape}:{variant}")
    stem = f"{report.id}.{shape}" + (f".{variant}" if variant else "")
    if shape == "word_html":
        data, name = render_word_html(report, variant, rng), f"{stem}.html"
    elif shape == "docx":
        data, name = render_docx(report), f"{report.id}.docx"
    elif shape == "pdf":
        data, name = render_pdf(report), f"{report.id}.pdf"
    else:
        data = render_text(report, shape, variant, rng).encode("utf-8")
        name = f"{stem}.md" if shape == "markdown" else f"{stem}.txt"
    unsure = unsure_keys(report, shape, variant)
    return Rendered(report.id, shape, variant, name, data, report.agency, report.year, report.format,
                    dict(report.metrics), frozenset(k for k in unsure if k in report.metrics),
                    dict(report.extra))


def render_all(reports: Iterable[Report], shapes: Iterable[str] = SHAPES, seed: int = 0) -> list[Rendered]:
    """Every report in every shape and variant (pdf skipped when it cannot be rendered here)."""
    chosen = [s for s in shapes if s != "pdf" or pdf_unavailable() is None]
    return [render(r, s, v, seed) for r in reports for s, v in shape_variants(chosen)]


# --- scoring: what extracting a rendered document gave ----------------------------------


@dataclass(frozen=True)
class Miss:
    report: str
    shape: str
    key: str
    gold: object
    got: object  # None: left out
    kind: str  # "missing" | "wrong" | "wrong beyond gold" | "error"


@dataclass(frozen=True)
class Score:
    rendered: Rendered
    right: int
    total: int
    misses: tuple[Miss, ...]


def score(rendered: Rendered, record) -> Score:
    """A gold key is right when extracted with the gold value, or — for an unsure key — also
    when left out. A figure the tables state beyond the gold counts only when it is wrong."""
    got = {k: m.value for k, m in (record.metrics or {}).items()}
    misses: list[Miss] = []
    right = 0
    for key, gold in rendered.metrics.items():
        value = got.get(key)
        if value is not None and same_value(gold, value):
            right += 1
        elif value is None and key in rendered.unsure:
            right += 1
        else:
            kind = "error" if record.error else "missing" if value is None else "wrong"
            misses.append(Miss(rendered.report, rendered.label, key, gold, record.error if record.error else value, kind))
    for key, truth in rendered.extra.items():
        value = got.get(key)
        if value is not None and not same_value(truth, value):
            misses.append(Miss(rendered.report, rendered.label, key, truth, value, "wrong beyond gold"))
    return Score(rendered, right, len(rendered.metrics), tuple(misses))


@dataclass(frozen=True)
class ShapeRow:
    shape: str
    documents: int
    keys: int
    right: int
    missing: int
    wrong: int
    wrong_beyond_gold: int
    unsure: int = 0  # gold keys the shape leaves undecidable (right when left out)

    @property
    def accuracy(self) -> float | None:
        return self.right / self.keys if self.keys else None


def per_shape(scores: Iterable[Score], by_variant: bool = False) -> list[ShapeRow]:
    groups: dict[str, list[Score]] = {}
    for s in scores:
        name = s.rendered.label if by_variant else s.rendered.shape
        groups.setdefault(name, []).append(s)
    order = {name: i for i, name in enumerate(SHAPES)}
    rows = []
    for name, group in sorted(groups.items(), key=lambda kv: (order.get(kv[0].split("/")[0], 99), kv[0])):
        misses = [m for s in group for m in s.misses]
        rows.append(ShapeRow(name, len(group), sum(s.total for s in group), sum(s.right for s in group),
                             sum(m.kind in ("missing", "error") for m in misses), sum(m.kind == "wrong" for m in misses),
                             sum(m.kind == "wrong beyond gold" for m in misses),
                             sum(len(s.rendered.unsure) for s in group)))
    return rows


def extract_and_score(rendered: Iterable[Rendered], pipeline=None) -> list[Score]:
    """Every rendered document through the whole pipeline, reader included."""
    if pipeline is None:
        from gongkai.inference import Pipeline

        pipeline = Pipeline.rules()
    return [score(r, pipeline.extract_bytes(r.data, r.name)) for r in rendered]
