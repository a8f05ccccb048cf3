"""Tables 2, 3 and 4 (FORMAT.md) from rows whose cells are separated: tab-separated lines
(HTML, PDF, DOCX readers), pipe-separated lines (Markdown, pasted text).

Rows are recognised by their labels, not by position, because real tables merge header
cells, split across pages and lose rows. A blank or "/" cell is not a stated zero.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from .document import Doc, Metric, line_spans

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

    @cached_property
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


# --- run-together cells (one-line crawls) ---------------------------------------------------
# A crawler that flattened a page writes 本年新收政府信息公开申请数量640020470: the cells of a
# row run together. The rows' own arithmetic decides the split (every table-3 row's 总计 is
# the sum of the six applicant columns; every table-4 group's 总计 the sum of its four
# outcomes); a split that no arithmetic makes unique is reported, not guessed.

_T3_LABELS = [
    "本年新收政府信息公开申请数量", "上年结转政府信息公开申请数量", "予以公开",
    r"部分公开(?:\([^)]{0,30}\))?", "属于国家秘密", "其他法律行政法规禁止公开", r"危及[“\"]?三安全一稳定[”\"]?",
    "保护第三方合法权益", "属于三类内部事务信息", "属于四类过程性信息", "属于行政执法案卷", "属于行政查询事项",
    "本机关不掌握相关政府信息", "没有现成信息需要另行制作", "补正后申请内容仍不明确", "信访举报投诉类申请", "重复申请",
    "要求提供公开出版物", "无正当理由大量反复申请", "要求行政机关确认或重新出具已获取信息",
    "申请人无正当理由逾期不补正、?行政机关不再处理其政府信息公开申请",
    "申请人逾期未按收费通知要求缴纳费用、?行政机关不再处理其政府信息公开申请", r"(?<=[\d.、])其他", r"\(六\)其他处理",
    r"\(七\)总计", "结转下年度继续办理",
]
_T2_LABELS = ["规章", "行政规范性文件", "规范性文件", "行政许可", "其他对外管理服务事项", "行政处罚", "行政强制", "行政事业性收费"]
_RUN_LABEL = re.compile("|".join(f"(?:{p})" for p in _T3_LABELS + _T2_LABELS))
_RUN = re.compile(r"[\d ]*\d")
_T4_START = re.compile(r"行政复议.{0,160}?尚未审结总计(?=[\d ]{15,})")


def run_together_rows(doc: Doc, warnings: list[str]) -> list[Row]:
    """Rows recovered from paragraphs where table cells ran together (no tabs, no pipes)."""
    rows: list[Row] = []
    pending: list[tuple] = []  # table-3 rows that several splits fit
    view = doc.view
    for p in doc.paragraphs:
        if p.section not in ("proactive", "requests", "review_litigation"):
            continue
        vs, ve = view.to_view(p.start, p.end)
        text = view.text[vs:ve]
        if "\t" in text or "|" in text:
            continue
        labels = list(_RUN_LABEL.finditer(text))
        for k, m in enumerate(labels):
            run = _RUN.match(text, m.end())
            if not run:
                continue
            digits_end = run.end()
            nxt = labels[k + 1].start() if k + 1 < len(labels) else len(text)
            # "…00000002.其他法律…": the last digit numbers the next row.
            if digits_end < len(text) and text[digits_end] in ".、" and digits_end + 1 <= nxt + 1:
                digits_end -= 1
            if digits_end <= run.start():
                continue
            label = m.group()
            if label == "行政事业性收费":  # an amount in 万元: 24252.311082
                run = re.compile(r"\d+(?:\.\d+)?").match(text, m.end()) or run
                digits_end = run.end()
            size = None if label in _T2_LABELS else 7
            options: list = []
            cells = _split_run(text, run.start(), digits_end, size, label, warnings, options if size else None)
            if cells is None:  # kept as a row of unknown cells, so that no block sum is made without it
                rows.append(Row(p.index, p.section, [Cell(label, *doc.view.to_original(vs, vs)), Cell("?", 0, 0)]))
                if options:
                    pending.append((len(rows) - 1, label, options, p, vs, text[run.start():digits_end].strip()))
                continue
            rows.append(_row(doc, p, vs, label, cells))
        t4 = _T4_START.search(text)
        if t4:
            run = _RUN.match(text, t4.end())
            cells = _split_run(text, run.start(), run.end(), 15, "table 4", warnings) if run else None
            if cells:
                rows.append(_row(doc, p, vs, "行政复议行政诉讼", cells))
    _settle_by_columns(doc, rows, pending, warnings)
    return rows


def _t3_role(label: str) -> str | None:
    """received / carried_over / completed / carried_forward / result (a row of (一)–(六))."""
    key = next((k for k, words in _ROWS3 if any(w in label for w in words)), None)
    if key in ("requests.granted", "requests.partially_granted"):
        return "result"
    if key:
        return key.split(".")[1]
    if any(w in label for _, words in _SUBROWS for w in words) or "其他处理" in label or re.fullmatch(r"其他", label):
        return "result"
    return None


def _settle_by_columns(doc: Doc, rows: list[Row], pending: list[tuple], warnings: list[str]) -> None:
    """Rows that several splits fit, settled by table 3's column arithmetic: in every column
    (七)总计 = the sum of the result rows, and 一 + 二 = (七)总计 + 四. A row is settled when
    exactly one of its candidate splits satisfies a constraint in which it is the only unknown."""
    open_rows = {i: (label, options, p, vs, run) for i, label, options, p, vs, run in pending}
    changed = True
    while changed and open_rows:
        changed = False
        known: dict[str, list[list[int]]] = {}
        unknown: dict[str, list[int]] = {}
        for i, row in enumerate(rows):
            label = row.label.replace("?", "")
            role = _t3_role(label)
            if role is None or row.section not in ("requests", None):
                continue
            if i in open_rows:
                unknown.setdefault(role, []).append(i)
            elif len(row.numbers) == 7:
                known.setdefault(role, []).append([c.number for c in row.numbers])
        # the result rows jointly: (七)总计 minus the known rows, shared among the unknown ones
        results = [i for i in unknown.get("result", []) if i in open_rows]
        if len(results) >= 2 and len(known.get("completed", [])) == 1:
            import itertools
            import math

            choices = [open_rows[i][1] for i in results]
            if math.prod(len(c) for c in choices) <= 20000:
                done = known["completed"][0]
                rest = [sum(col) for col in zip(*known["result"])] if "result" in known else [0] * 7
                target = [d - r for d, r in zip(done, rest)]
                fits = [combo for combo in itertools.product(*choices)
                        if [sum(int(o[c][2]) for o in combo) for c in range(7)] == target]
                if len(fits) == 1:
                    for i, option in zip(results, fits[0]):
                        label, _, p, vs, _ = open_rows.pop(i)
                        rows[i] = _row(doc, p, vs, label, option)
                    changed = True
                    continue
        for i in list(open_rows):
            label, options, p, vs, run = open_rows[i]
            role = _t3_role(label)
            target = _target(role, known, unknown, i)
            if target is None:
                continue
            fits = [o for o in options if [int(c[2]) for c in o] == target]
            if len(fits) == 1:
                rows[i] = _row(doc, p, vs, label, fits[0])
                del open_rows[i]
                changed = True
    for label, options, p, vs, run in open_rows.values():
        warnings.append(f"table row {label[:20]}: run-together cells {run!r} fit more than one split of 7 cells; left unsplit")


def _target(role: str | None, known: dict, unknown: dict, i: int) -> list[int] | None:
    """The 7 values row i must have, when it is the only unknown of a column constraint."""
    def total(r):
        return [sum(col) for col in zip(*known[r])] if r in known else None

    if role == "result" and unknown.get("result") == [i] and len(known.get("completed", [])) == 1:
        done = known["completed"][0]
        others = total("result") or [0] * 7
        return [d - o for d, o in zip(done, others)]
    four = ("received", "carried_over", "completed", "carried_forward")
    if role in four and unknown.get(role) == [i] and all(len(known.get(r, [])) == 1 for r in four if r != role) \
            and not any(unknown.get(r) for r in four if r != role):
        v = {r: known[r][0] for r in four if r != role}
        sign = {"received": (("completed", "carried_forward"), ("carried_over",)),
                "carried_over": (("completed", "carried_forward"), ("received",)),
                "completed": (("received", "carried_over"), ("carried_forward",)),
                "carried_forward": (("received", "carried_over"), ("completed",))}[role]
        plus, minus = sign
        return [sum(v[r][c] for r in plus) - sum(v[r][c] for r in minus) for c in range(7)]
    return None


def _row(doc: Doc, p, vs: int, label: str, cells: list[tuple[int, int, str]]) -> Row:
    out = [Cell(label, *doc.view.to_original(vs, vs))]
    for a, b, digits in cells:
        s, e = doc.view.to_original(vs + a, vs + b)
        out.append(Cell(digits, s, e))
    return Row(p.index, p.section, out)


def _split_run(text: str, a: int, b: int, size: int | None, label: str, warnings: list[str],
               candidates: list | None = None):
    """Cells of a digit run, or None when no arithmetic makes the split unique (the
    candidate splits then go to `candidates`, for the column arithmetic to settle)."""
    chunk = text[a:b]
    groups = [(a + m.start(), m.group()) for m in re.finditer(r"\d+(?:\.\d+)?", chunk)]
    if size is None:
        # Table 2: no arithmetic; only a run that can be read one way is taken
        # (a single number, or zeros 000 = 0|0|0).
        if len(groups) == 1 and (len(set(groups[0][1])) == 1 and groups[0][1][0] == "0" or label in _SINGLE_NUMBER):
            start, digits = groups[0]
            if label in _SINGLE_NUMBER:
                return [(start, start + len(digits), digits)]
            return [(start + i, start + i + 1, "0") for i in range(len(digits))]
        warnings.append(f"table row {label}: run-together cells {chunk.strip()!r} have no arithmetic to split them; left unsplit")
        return None
    solutions = list(_splits(groups, size, limit=64))
    if len(solutions) != 1:
        if candidates is not None and solutions:
            candidates.extend(solutions)
            return None
        what = "no split" if not solutions else "more than one split"
        warnings.append(f"table row {label[:20]}: run-together cells {chunk.strip()!r} fit {what} of {size} cells; left unsplit")
        return None
    return solutions[0]


_SINGLE_NUMBER = {"行政许可", "行政处罚", "行政强制", "其他对外管理服务事项", "行政事业性收费"}


def _block_ok(parts: list[tuple[int, int, str]]) -> bool:
    values = [int(p[2]) for p in parts]
    return sum(values[:-1]) == values[-1]


def _splits(groups: list[tuple[int, str]], size: int, limit: int):
    """Every split of the digit groups (spaces are cell boundaries) into `size` numbers
    without leading zeros that satisfies the row arithmetic; stops after `limit`."""
    found = 0
    pieces: list[tuple[int, int, str]] = []
    digits_after = [sum(len(d) for _, d in groups[g:]) for g in range(len(groups) + 1)]
    block = 7 if size == 7 else 5

    def valid(parts: list[tuple[int, int, str]]) -> bool:
        values = [int(p[2]) for p in parts]
        blocks = [values] if size == 7 else [values[0:5], values[5:10], values[10:15]]
        return all(sum(block[:-1]) == block[-1] for block in blocks)

    def walk(g: int, i: int):
        nonlocal found
        if found >= limit:
            return
        if g == len(groups):
            if len(pieces) == size and valid(pieces):
                found += 1
                yield list(pieces)
            return
        start, digits = groups[g]
        left_parts = size - len(pieces)
        left_digits = len(digits) - i + digits_after[g + 1]
        if left_parts <= 0 or left_digits < left_parts or left_digits > left_parts * 9:
            return  # too few or too many digits for the cells still to fill
        for j in range(i + 1, len(digits) + 1):
            part = digits[i:j]
            if len(part) > 1 and part[0] == "0":
                break
            pieces.append((start + i, start + j, part))
            if len(pieces) % block == 0 and not _block_ok(pieces[-block:]):
                pieces.pop()
                continue  # this block's total is not the sum of its cells
            if j == len(digits):
                yield from walk(g + 1, 0)
            else:
                yield from walk(g, j)
            pieces.pop()

    yield from walk(0, 0)
