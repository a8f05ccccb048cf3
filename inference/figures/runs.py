"""Run-together cells (one-line crawls): a crawler that flattened a page writes
本年新收政府信息公开申请数量640020470, the cells of a row run together. The rows' own
arithmetic decides the split (every table-3 row's 总计 is the sum of the six applicant
columns; every table-4 group's 总计 the sum of its four outcomes); a split that no arithmetic
makes unique is reported, not guessed."""
from __future__ import annotations

import re

from gongkai.doc import Doc
from gongkai.inference.figures.rows import _ROWS3, _SUBROWS, Cell, Row


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
