"""Tables 2, 3 and 4 (FORMAT.md) from rows whose cells are separated: tab-separated lines
(HTML, PDF, DOCX readers), pipe-separated lines (Markdown, pasted text).

Rows are recognised by their labels, not by position, because real tables merge header
cells, split across pages and lose rows. A blank or "/" cell is not a stated zero.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .document import Doc, Metric

_NUMBER = re.compile(r"^-?\d+(?:\.\d+)?$")
_SEPARATOR = re.compile(r"^:?-{2,}:?$")
APPLICANT_COLUMNS = ("natural_person", "commercial", "research", "public_interest", "legal_services", "other", "total")
OUTCOMES = ("upheld", "corrected", "other", "pending", "total")

# Table 3 sub-rows: the block they add up to, recognised by their words.
_SUBROWS = [
    ("requests.denied", ("国家秘密", "禁止公开", "三安全一稳定", "第三方合法权益", "内部事务", "过程性信息", "执法案卷", "行政查询")),
    ("requests.unable_to_provide", ("不掌握", "另行制作", "仍不明确")),
    ("requests.not_processed", ("信访举报", "重复申请", "公开出版物", "大量反复", "重新出具")),
    ("requests.other_handling", ("逾期不补正", "收费通知")),
]
_ROWS3 = [
    ("requests.received", ("本年新收",)),
    ("requests.carried_over", ("上年结转",)),
    ("requests.granted", ("予以公开",)),
    ("requests.partially_granted", ("部分公开",)),
    ("requests.carried_forward", ("结转下年度", "结转下一年度")),
    ("requests.completed", ("(七)总计", "（七）总计", "七)总计")),
]
_ROWS2 = [
    ("proactive.regulations", "规章"),
    ("proactive.normative_documents", "规范性文件"),
    ("proactive.licensing.decisions", "行政许可"),
    ("proactive.punishment.decisions", "行政处罚"),
    ("proactive.coercion.decisions", "行政强制"),
    ("proactive.admin_fees.wan_yuan", "行政事业性收费"),
]


@dataclass
class Cell:
    text: str
    start: int  # original offsets
    end: int

    @property
    def number(self) -> float | int | None:
        t = self.text.replace(",", "").strip()
        if not _NUMBER.match(t):
            return None
        return float(t) if "." in t else int(t)


@dataclass
class Row:
    paragraph: int
    section: str | None
    cells: list[Cell]

    @property
    def label(self) -> str:
        return "".join(c.text for c in self.cells if c.number is None).replace(" ", "")

    @property
    def numbers(self) -> list[Cell]:
        return [c for c in self.cells if c.number is not None]


@dataclass
class TableResult:
    metrics: dict[str, Metric] = field(default_factory=dict)
    tables: dict = field(default_factory=dict)


def table_rows(doc: Doc) -> list[Row]:
    rows = []
    view = doc.view
    for p in doc.paragraphs:
        if p.section == "boilerplate":
            continue
        vs, ve = view.to_view(p.start, p.end)
        for line_start, line in _lines(view.text, vs, ve):
            if "\t" not in line and "|" not in line:
                continue
            cells = []
            pos = line_start
            for part in re.split(r"[\t|]", line):
                a, b = pos, pos + len(part)
                pos = b + 1
                stripped = part.strip()
                if _SEPARATOR.match(stripped):
                    continue
                lead = len(part) - len(part.lstrip())
                s, e = view.to_original(a + lead, a + lead + len(stripped))
                cells.append(Cell(stripped, s, e))  # a blank cell keeps its place
            if line.lstrip().startswith("|"):  # Markdown: the edge pipes open and close no cell
                cells = cells[1:-1] if len(cells) >= 2 else cells
            if any(c.text for c in cells):
                rows.append(Row(p.index, p.section, cells))
    return rows


def _lines(text: str, s: int, e: int):
    pos = s
    for line in text[s:e].split("\n"):
        yield pos, line
        pos += len(line) + 1


def parse_tables(doc: Doc) -> TableResult:
    rows = table_rows(doc)
    result = TableResult()
    if not rows:
        return result
    _table2(doc, rows, result)
    _table3(doc, rows, result)
    _table4(doc, rows, result)
    return result


def _metric(doc: Doc, value, cells: list[Cell], evidence: str) -> Metric:
    start = min(c.start for c in cells)
    end = max(c.end for c in cells)
    return Metric(value=value, start=start, end=end, evidence=evidence[:200], source_type="table")


def _table2(doc: Doc, rows: list[Row], out: TableResult) -> None:
    layout_2019 = False
    found: dict[str, list] = {}
    for row in rows:
        label = row.label
        if "本年新制作" in label:
            layout_2019 = True
        if "本年制发" in label:
            layout_2019 = False
        nums = row.numbers
        if not nums or row.section not in (None, "proactive", "overview", "other"):
            continue
        for key, word in _ROWS2:
            if not label.startswith(word) and not (word == "规范性文件" and label.endswith(word)):
                continue
            if key in ("proactive.regulations", "proactive.normative_documents"):
                values = [c.number for c in nums]
                if len(nums) >= 3:
                    names = ("issued", None, "in_force") if layout_2019 else ("issued", "repealed", "in_force")
                    for name, cell in zip(names, nums[:3]):
                        if name:
                            out.metrics[f"{key}.{name}"] = _metric(doc, cell.number, [cell], f"{label} {values}")
                    found[key] = values
            elif key == "proactive.admin_fees.wan_yuan" and layout_2019:
                continue  # the 2019 table has project counts here, not an amount
            else:
                cell = nums[-1]
                out.metrics[key] = _metric(doc, cell.number, [cell], f"{label} {[c.number for c in nums]}")
                found[key] = [c.number for c in nums]
            break
    if found:
        out.tables["table2"] = {"layout": "2019" if layout_2019 else "2021", "rows": found}


def _table3(doc: Doc, rows: list[Row], out: TableResult) -> None:
    table: dict[str, list] = {}
    sums: dict[str, list[Cell]] = {}
    other_single: Cell | None = None
    for row in rows:
        if row.section not in ("requests", None):
            continue
        label = row.label
        cells = [c for c in row.cells if c.text == "" or c.number is not None or c.text == "/"]
        nums = row.numbers
        if not nums and "/" not in "".join(c.text for c in row.cells):
            continue
        total = row.cells[-1] if row.cells and row.cells[-1].number is not None else None
        values = [c.number for c in row.cells[-7:]] if len(cells) >= 7 else [c.number for c in nums]
        key = next((k for k, words in _ROWS3 if any(w in label for w in words)), None)
        if key is None and ("(六)其他处理" in label or "（六）其他处理" in label) and not any(w in label for _, ws in _SUBROWS for w in ws):
            other_single = total
            table["requests.other_handling"] = values
            continue
        if key is not None:
            table[key] = values
            if total is not None:
                out.metrics[key] = _metric(doc, total.number, [total], f"{label} {values}")
            continue
        sub = next((k for k, words in _SUBROWS if any(w in label for w in words)), None)
        if sub is None and re.search(r"3[.、]其他$", label) and "requests.other_handling" in sums:
            sub = "requests.other_handling"
        if sub is not None:
            table[f"{sub}:{label[:24]}"] = values
            if total is not None:
                sums.setdefault(sub, []).append(total)
    for key, cells in sums.items():
        value = sum(c.number for c in cells)
        out.metrics[key] = _metric(doc, value, cells, f"sum of {len(cells)} rows: {[c.number for c in cells]}")
    if other_single is not None and "requests.other_handling" not in sums:
        out.metrics["requests.other_handling"] = _metric(doc, other_single.number, [other_single], "(六)其他处理")
    if table:
        out.tables["table3"] = {"columns": list(APPLICANT_COLUMNS), "rows": table}


def _table4(doc: Doc, rows: list[Row], out: TableResult) -> None:
    for row in rows:
        nums = row.numbers
        if len(nums) == 15 and row.section in ("review_litigation", None, "requests"):
            groups = {"review": nums[0:5], "litigation.direct": nums[5:10], "litigation.after_review": nums[10:15]}
            for prefix, cells in groups.items():
                for name, cell in zip(OUTCOMES, cells):
                    out.metrics[f"{prefix}.{name}"] = _metric(doc, cell.number, [cell], f"table 4: {[c.number for c in nums]}")
            out.tables["table4"] = {k: [c.number for c in v] for k, v in groups.items()}
            return
