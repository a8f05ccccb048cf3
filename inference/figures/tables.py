"""Component "tables": tables 2, 3 and 4 (FORMAT.md) and the statistics tables of 2008-2018
reports, read the same way whatever shape they come in.

One mechanism for every shape: the row labels of the registry (`gongkai.metric_keys.ROWS`)
anchor the rows wherever they occur in the text (layout breaks inside a label allowed);
the numbers between one label and the next are the row's (`readings.py`: separated, one
per line, run together, sparse); the table's arithmetic decides how a run of digits splits
and which readings survive (`solve.py`). A figure is taken only when every surviving
reading gives it; otherwise it is left out with a warning that names the row.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import lru_cache

from gongkai.doc import Doc, Entity, Metric
from gongkai.inference.figures import readings as rd
from gongkai.inference.figures.solve import Equality, agreed, agreed_value, settle
from gongkai.inference.figures.values import fill_values
from gongkai.inference.text.search import WordSearch
from gongkai.metric_keys import APPLICANT_COLUMNS, OUTCOMES, RESULTS, ROWS, RowDef, metric
from gongkai.overlap import Occupied

_STATS_START = re.compile(r"统计表|指标名称|计量单位")
_LAYOUT_2019 = re.compile(r"本年新制作数量|本年新公开数量|对外公开总数量|上一年项目数量")
_LAYOUT_2021 = re.compile(r"本年制发件数|本年废止件数|现行有效件数")
_APPLICANT_HEADER = re.compile(r"自然人|商业企业|科研机构|法人或其他组织")


@dataclass
class Anchor:
    row: RowDef
    start: int  # view offsets of the label
    end: int


@dataclass
class RowRead:
    anchor: Anchor
    groups: list[rd.Group]
    options: list[rd.Reading]
    size: int
    layout: str
    prose: bool = False

    @property
    def row(self) -> RowDef:
        return self.anchor.row

    @property
    def raw(self) -> str:
        return " ".join(g.text for g in self.groups)


@dataclass
class TableResult:
    metrics: dict[str, Metric] = field(default_factory=dict)
    tables: dict = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    cells: list[tuple[rd.Cell, str]] = field(default_factory=list)  # (cell in view offsets, span label)


class Tables:
    """Component "tables": `doc.tables` (per-applicant columns), `doc.table_metrics`, and a
    span for every cell the reader is sure of (COUNT; MONEY in money rows)."""

    name = "tables"

    def __call__(self, doc: Doc) -> Doc:
        result = read_tables(doc)
        doc.tables = result.tables
        doc.table_metrics = result.metrics
        doc.warnings.extend(result.warnings)
        add_cell_entities(doc, result.cells)
        return doc


def read_tables(doc: Doc) -> TableResult:
    text = _masked_view(doc)
    anchors = find_anchors(text)
    result = TableResult()
    if not anchors:
        return result
    table2 = _table2_layout(doc, text)
    rows = [_read_row(text, a, anchors[k + 1].start if k + 1 < len(anchors) else len(text),
                      anchors[k + 1].row if k + 1 < len(anchors) else None, _layout(a.row, table2))
            for k, a in enumerate(anchors)]
    rows = [r for r in _gate(rows, text) if r.size and not r.prose]
    rows = _first_of_each(rows, result.warnings)
    if not rows:
        return result
    options, _ = settle([r.options for r in rows], _equalities(rows))
    for r, opts in zip(rows, options):
        r.options = opts
    _figures(doc, rows, result)
    return result


# --- where the rows are ----------------------------------------------------------------------


def _masked_view(doc: Doc) -> str:
    """The view with boilerplate (page footers, chrome) blanked out: a table split by a page
    footer reads on across it, and nothing is anchored in chrome."""
    chars = list(doc.view.text)
    for p in doc.paragraphs:
        if p.section == "boilerplate":
            vs, ve = doc.view.to_view(p.start, p.end)
            chars[vs:ve] = " " * (ve - vs)
    return "".join(chars)


def find_anchors(text: str) -> list[Anchor]:
    """Row labels in text order, the longest at a place. Labels are matched with whitespace
    removed, so a label wrapped over two lines (…其政府信\\n息公开申请) is still one label.
    One Aho-Corasick pass finds each label's keyword; only there is the label's pattern tried."""
    squeezed, to_text = _squeeze(text)
    automaton, keyword_rows, patterns = _anchor_index()
    found: set[tuple[int, int, int]] = set()
    for k, first, end in automaton.finditer(squeezed):
        rows, last = keyword_rows[k], end - 1
        for n in rows:
            reach = _HEADER_REACH if ROWS[n].table == "t4" else _LABEL_REACH
            for m in patterns[n].finditer(squeezed, max(0, first - _BEFORE_KEYWORD), min(len(squeezed), first + reach)):
                if m.start() > first:
                    break
                if m.end() >= last + 1:  # this match holds the keyword found
                    found.add((m.start(), m.end(), n))
                    break
    out, taken = [], 0
    for start, end, n in sorted(found, key=lambda f: (f[0], f[0] - f[1])):
        if start >= taken:
            out.append(Anchor(ROWS[n], to_text(start), to_text(end - 1) + 1))
            taken = end
    return out


_BEFORE_KEYWORD = 24  # a label starts at most this far before its keyword
_LABEL_REACH = 90  # … and ends at most this far after it (a row label is short)
_HEADER_REACH = 600  # table 4's header of 15 column names is the longest
# Words too common to look labels up by (本年度 stands in every report): another run of the
# label's is used where it has one.
_COMMON = {"本年", "申请", "公开", "政府", "信息", "其他"}
_NON_SPACE = re.compile(r"\S+")


def _squeeze(text: str):
    """The text without white space, and a map from its offsets back to the text's."""
    runs = [(m.start(), m.end()) for m in _NON_SPACE.finditer(text)]
    firsts, total = [], 0  # where each run starts in the squeezed text
    for a, b in runs:
        firsts.append(total)
        total += b - a
    squeezed = "".join(text[a:b] for a, b in runs)

    def to_text(q: int) -> int:
        k = bisect.bisect_right(firsts, q) - 1
        return runs[k][0] + q - firsts[k]

    return squeezed, to_text


@lru_cache(maxsize=1)
def _anchor_index():
    """The keyword automaton and the compiled label patterns (built once: constant data)."""
    by_keyword: dict[str, list[int]] = {}
    for n, row in enumerate(ROWS):
        for keyword in label_keywords(row.label):
            by_keyword.setdefault(keyword, []).append(n)
    automaton = WordSearch(list(by_keyword))
    return automaton, list(by_keyword.values()), [re.compile(row.label) for row in ROWS]


def label_keywords(label: str) -> tuple[str, ...]:
    """For each top-level alternative of a label pattern, its longest run of Han characters
    that every match contains (outside groups, not made optional by a quantifier)."""
    branches, current, runs, run, depth, i = [], [], [], "", 0, 0
    while i < len(label):
        c = label[i]
        if c == "\\":  # an escaped character ends a run
            runs.append(run)
            run = ""
            i += 2
            continue
        if c in "([":
            runs.append(run)
            run = ""
            if c == "[":
                i = label.index("]", i)
            else:
                depth += 1
        elif c == ")":
            depth -= 1
        elif c == "|" and depth == 0:
            runs.append(run)
            branches.append(_best_run(runs))
            runs, run = [], ""
        elif depth == 0 and "\u4e00" <= c <= "\u9fff":
            if i + 1 < len(label) and label[i + 1] in "?*{":
                runs.append(run)
                run = ""
            else:
                run += c
        else:
            runs.append(run)
            run = ""
        i += 1
    runs.append(run)
    branches.append(_best_run(runs))
    return tuple(branches)


def _best_run(runs: list[str]) -> str:
    """The longest run, a common word only when there is nothing else."""
    return max(runs, key=lambda r: (len(r) >= 2 and r not in _COMMON, len(r)))


def _size(text: str, anchor: Anchor, layout: str) -> int:
    """How many value cells the row has in this document's layout (0: not in this layout);
    a statistics table may add a 历年累计 column."""
    if anchor.row.table == "stats":
        return 2 if "累计" in text[max(0, anchor.start - 3000):anchor.start] else 1
    return anchor.row.cells.get(layout, 0)


def _table2_layout(doc: Doc, text: str) -> str:
    """Which layout's columns table 2 has: its column headers say (2019: 本年新制作数量 …;
    2021: 本年制发件数 …), else the report's format. (Tables 3 and 4 have one layout.)"""
    if _LAYOUT_2019.search(text):
        return "2019"
    if _LAYOUT_2021.search(text):
        return "2021"
    return doc.format if doc.format in ("2019", "2021") else "2021"


def _layout(row: RowDef, table2: str) -> str:
    return table2 if row.table == "t2" else next(iter(row.cells))


def _read_row(text: str, anchor: Anchor, next_start: int, next_row: RowDef | None, layout: str) -> RowRead:
    groups, prose = rd.number_groups(text, anchor.end, next_start)
    groups = rd.strip_next_ordinal(groups, text, next_start, next_row.ordinal if next_row else None)
    row, size = anchor.row, _size(text, anchor, layout)
    if prose or not size:
        return RowRead(anchor, groups, [], size, layout, prose)
    if row.table == "t3":  # counts of one year: a cell of more than 6 digits is not a cut
        options = rd.readings(groups, size, rd.total_of_parts, sparse=True)
    elif row.table == "t4":
        options = rd.readings(groups, size, rd.blocks_of_five, block=5)
    elif row.table == "stats":
        options = rd.readings(groups, size, rd.running_total, max_digits=8)
    else:
        options = rd.readings(groups, size, rd.anything, max_digits=9)
    return RowRead(anchor, groups, options, size, layout)


def _gate(rows: list[RowRead], text: str) -> list[RowRead]:
    """A label in prose is not a table row: table 2 and 3 rows count only when at least two
    rows of their table hold numbers; statistics rows only after a statistics-table heading."""
    with_numbers = {}
    for r in rows:
        if r.groups and not r.prose:
            with_numbers[r.row.table] = with_numbers.get(r.row.table, 0) + 1
    stats = _STATS_START.search(text)
    out = []
    for r in rows:
        table = r.row.table
        if table in ("t2", "t3") and with_numbers.get(table, 0) < 2:
            continue
        if table == "stats" and (stats is None or r.anchor.start < stats.start()):
            continue
        out.append(r)
    return out


def _first_of_each(rows: list[RowRead], warnings: list[str]) -> list[RowRead]:
    """A row label found twice (a table printed twice, a label repeated in a note) counts
    once: the first occurrence that holds numbers."""
    seen: dict[str, RowRead] = {}
    out = []
    for r in rows:
        first = seen.get(r.row.name)
        if first is None:
            seen[r.row.name] = r
            out.append(r)
        elif not first.groups and r.groups:
            out[out.index(first)] = r
            seen[r.row.name] = r
    return out


# --- arithmetic across rows ------------------------------------------------------------------


def _equalities(rows: list[RowRead]) -> list[Equality]:
    index = {r.row.name: n for n, r in enumerate(rows) if r.options}
    eqs: list[Equality] = []
    blocks: dict[str, list[int]] = {}
    for n, r in enumerate(rows):
        if r.options and r.row.block:
            blocks.setdefault(r.row.block, []).append(n)
    totals = {r.row.total_of: n for n, r in enumerate(rows) if r.options and r.row.total_of}
    for block, parts in blocks.items():
        if block in totals:
            eqs.append(Equality([totals[block]], parts))
    # table 3: the results add up to (七)总计, and 一 + 二 = 七 + 四
    results = [index[n] for n in ("t3.granted", "t3.partially_granted") if n in index]
    for key in (f"requests.{k}" for k in RESULTS[2:]):
        if key in totals:
            results.append(totals[key])
        else:
            results.extend(blocks.get(key, []))
    if "t3.completed" in index and results:
        eqs.append(Equality(results, [index["t3.completed"]]))
    four = ("t3.received", "t3.carried_over", "t3.completed", "t3.carried_forward")
    if all(n in index for n in four):
        eqs.append(Equality([index[four[0]], index[four[1]]], [index[four[2]], index[four[3]]]))
    return eqs


# --- figures ---------------------------------------------------------------------------------


def _figures(doc: Doc, rows: list[RowRead], out: TableResult) -> None:
    t3: dict[str, list] = {}
    block_parts: dict[str, list[tuple[RowRead, rd.Cell | None]]] = {}
    for r in rows:
        if not r.groups:
            continue  # a label with no numbers (a block heading, a blank row): nothing stated
        label = _label(doc, r)
        if not r.options:
            out.warnings.append(f"table row {label}: cells {r.raw!r} fit no reading of {r.size} cells; left out")
            continue
        fills = _fills(r)
        if len(r.options) == 1:  # the common case: one reading, every cell sure
            sure = list(r.options[0].cells)
            columns = list(r.options[0].values)
        else:
            sure = [agreed(r.options, c) for c in range(r.size)]
            columns = [agreed_value(r.options, c) for c in range(r.size)]
        if len(r.options) > 1:
            wanted = [c for c, k in enumerate(fills) if k] or ([r.size - 1] if r.row.block else [])
            agree = wanted and all(columns[c] is not None for c in wanted)
            what = "columns left out, the figures agree in every split" if agree else "left out"
            out.warnings.append(f"table row {label}: cells {r.raw!r} fit more than one split of {r.size} cells; {what}")
        money = "MONEY" if r.layout in r.row.money else "COUNT"
        out.cells.extend((cell, money) for cell in sure if cell is not None)
        for c, key in enumerate(fills):
            value = columns[c]
            if key and value is not None:
                cell = sure[c] or _span_of(r)
                if value < 0 and r.layout not in r.row.money:
                    out.warnings.append(f"table row {label}: a count cannot be {value:g}; left out")
                    continue
                if _glued(r, cell) and value > metric(key).bound:
                    out.warnings.append(f"table row {label}: {value:g} is beyond what {key} can be for one body "
                                        f"and the cells ran together; left out")
                    continue
                out.metrics[key] = _metric(doc, value, cell, f"{label} {_shown(columns)}", r.row.table)
        if r.row.block:
            block_parts.setdefault(r.row.block, []).append((r, sure[-1]))
        if r.row.table == "t3":
            t3[_t3_key(r)] = columns
        elif r.row.table == "t4":
            groups = {key.rsplit(".", 1)[0] for key in fills}
            table4 = out.tables.setdefault("table4", {})
            for k, g in enumerate(sorted(groups, key=("review", "litigation.direct", "litigation.after_review").index)):
                table4[g] = columns[k * 5:(k + 1) * 5]
        else:
            out.tables.setdefault("table2" if r.row.table == "t2" else "statistics", {})[r.row.name] = columns
    _block_sums(doc, rows, block_parts, out)
    if t3:
        out.tables["table3"] = {"columns": list(APPLICANT_COLUMNS), "rows": t3}


def _block_sums(doc: Doc, rows: list[RowRead], parts: dict, out: TableResult) -> None:
    """A block key (不予公开 …) with no row of its own is the sum of its sub-rows; if one
    sub-row is there but cannot be read, the sum is not taken (it would be wrong)."""
    stated = {r.row.total_of for r in rows if r.row.total_of and r.groups}
    for block, members in parts.items():
        if block in stated or block not in {m.key for m in _metric_keys()}:
            continue
        if any(not r.options or agreed_value(r.options, r.size - 1) is None for r, _ in members):
            out.warnings.append(f"table block {block}: a sub-row could not be read; its sum is left out")
            continue
        values = [agreed_value(r.options, r.size - 1) for r, _ in members]
        cells = [c for _, c in members if c is not None] or [_span_of(members[0][0])]
        start = min(c.start for c in cells)
        end = max(c.end for c in cells)
        out.metrics[block] = _metric(doc, sum(values), rd.Cell(sum(values), start, end),
                                     f"sum of {len(values)} rows: {values}", members[0][0].row.table)


def _metric_keys():
    from gongkai.metric_keys import METRICS

    return METRICS


def _fills(r: RowRead) -> tuple:
    if r.row.table == "stats":
        return r.row.fills["legacy"] + (None,) * (r.size - 1)
    return r.row.fills.get(r.layout, (None,) * r.size)


def _t3_key(r: RowRead) -> str:
    key = r.row.fills[next(iter(r.row.fills))][-1]
    return key or f"{r.row.block}:{r.row.ordinal}"


def _label(doc: Doc, r: RowRead) -> str:
    return re.sub(r"\s+", "", doc.view.text[r.anchor.start:r.anchor.end])[:24]


def _shown(columns: list) -> str:
    return "[" + ", ".join("?" if v is None else f"{v:g}" for v in columns) + "]"


def _span_of(r: RowRead) -> rd.Cell:
    return rd.Cell(0, r.groups[0].start, r.groups[-1].end)


def _glued(r: RowRead, cell: rd.Cell) -> bool:
    """A cell cut out of a longer run of digits (or a run touching its label)."""
    return any(g.start <= cell.start and cell.end <= g.end and (g.start, g.end) != (cell.start, cell.end)
               for g in r.groups) or r.groups[0].start == r.anchor.end


def _metric(doc: Doc, value, cell: rd.Cell, evidence: str, table: str) -> Metric:
    start, end = doc.view.to_original(cell.start, cell.end)
    return Metric(value=value, start=start, end=end, evidence=evidence[:200], source_type="table", table=table)


def add_cell_entities(doc: Doc, cells: list[tuple[rd.Cell, str]]) -> None:
    """Every cell the reader is sure of is a span (COUNT; MONEY in table 2's 收费 row). A cell
    outranks a model span over the same characters; rule spans already there stay."""
    if not cells:
        return
    spans = []
    for cell, label in cells:
        start, end = doc.view.to_original(cell.start, cell.end)
        spans.append((start, end, label))
    doc.entities = [e for e in doc.entities
                    if e.source != "model" or not any(s < e.end and e.start < t for s, t, _ in spans)]
    low, high = min(s for s, _, _ in spans), max(e for _, e, _ in spans)
    occupied = Occupied(e for e in doc.entities if e.end > low and e.start < high)  # only these can overlap a cell
    starts = [p.start for p in doc.paragraphs]
    added = []
    for s, e, label in spans:
        if occupied.free(s, e):  # most separated cells are spans already (the span tagger reads tab rows)
            occupied.take(s, e)
            added.append(Entity(label=label, start=s, end=e, text=doc.text[s:e],
                                paragraph=bisect.bisect_right(starts, s) - 1, confidence=0.8, source="rules",
                                origin="table"))
    fill_values(doc, added)
    doc.entities = sorted(doc.entities + added, key=lambda e: e.start)


__all__ = ["OUTCOMES", "TableResult", "Tables", "read_tables"]
