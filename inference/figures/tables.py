"""Tables 2, 3 and 4 (FORMAT.md) from rows whose cells are separated: tab-separated lines
(HTML, PDF, DOCX readers), pipe-separated lines (Markdown, pasted text).

Rows are recognised by their labels, not by position, because real tables merge header
cells, split across pages and lose rows. A blank or "/" cell is not a stated zero.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from gongkai.doc import Doc, Entity, Metric, line_spans
from gongkai.inference.figures.rows import (_ROWS2, _ROWS3, _SEPARATOR, _SUBROWS, APPLICANT_COLUMNS, OUTCOMES, Cell,
                                            Row)
from gongkai.inference.figures.runs import run_together_rows
from gongkai.inference.figures.values import fill_values
from gongkai.overlap import without_overlaps

@dataclass
class TableResult:
    metrics: dict[str, Metric] = field(default_factory=dict)
    tables: dict = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    cells: list[tuple[Cell, str]] = field(default_factory=list)  # (cell, span label) recovered from run-together rows


def table_rows(doc: Doc) -> list[Row]:
    rows = []
    view = doc.view
    for p in doc.paragraphs:
        if p.section == "boilerplate":
            continue
        vs, ve = view.to_view(p.start, p.end)
        for line_start, line in line_spans(view.text, vs, ve):
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


class Tables:
    """Component "tables": tables 2-4 into `doc.tables` (per-applicant columns) and
    `doc.table_metrics`; cells recovered from run-together rows become spans."""

    name = "tables"

    def __call__(self, doc: Doc) -> Doc:
        result = parse_tables(doc)
        doc.tables = result.tables
        doc.table_metrics = result.metrics
        doc.warnings.extend(result.warnings)
        add_cell_entities(doc, result.cells)
        return doc


def add_cell_entities(doc: Doc, cells: list[tuple[Cell, str]]) -> None:
    """Cells recovered from run-together rows become spans: COUNT, MONEY in table 2's 收费 row.
    A cell the table arithmetic recovered outranks a model span over the same characters."""
    if not cells:
        return
    doc.entities = [e for e in doc.entities
                    if e.source != "model" or not any(c.start < e.end and e.start < c.end for c, _ in cells)]
    starts = [p.start for p in doc.paragraphs]
    candidates = [Entity(label=label, start=cell.start, end=cell.end, text=doc.text[cell.start:cell.end],
                         paragraph=bisect.bisect_right(starts, cell.start) - 1, confidence=0.8, source="rules",
                         origin="table") for cell, label in cells]
    added = without_overlaps(candidates, doc.entities)
    fill_values(doc, added)
    doc.entities = sorted(doc.entities + added, key=lambda e: e.start)


def parse_tables(doc: Doc) -> TableResult:
    result = TableResult()
    rows = table_rows(doc)
    recovered = run_together_rows(doc, result.warnings)
    result.cells = [(c, "MONEY" if r.label.startswith("行政事业性收费") else "COUNT")
                    for r in recovered for c in r.cells if c.number is not None]
    rows += recovered
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
    incomplete: set[str] = set()
    other_single: Cell | None = None
    for row in rows:
        if row.section not in ("requests", None):
            continue
        label = row.label.replace("?", "")
        cells = [c for c in row.cells if c.text == "" or c.number is not None or c.text == "/"]
        nums = row.numbers
        unknown = any(c.text == "?" for c in row.cells)
        if not nums and not unknown and "/" not in "".join(c.text for c in row.cells):
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
        if sub is None and (re.search(r"3[.、]其他$", label) or label == "其他") and "requests.other_handling" in sums:
            sub = "requests.other_handling"
        if sub is not None:
            table[f"{sub}:{label[:24]}"] = values
            if total is not None:
                sums.setdefault(sub, []).append(total)
            elif unknown:
                incomplete.add(sub)
    for key, cells in sums.items():
        if key in incomplete:
            continue  # a sum over some of the rows would be a wrong figure
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
