"""What the numbers after a row label can mean.

Whatever shape a table comes in — cells separated by tabs or pipes, one cell per line, run
together by a crawler (`640020470`), sparse (empty cells vanished: `2 2`), wrapped over
lines or pages — the text between one row label and the next is a stream of digit groups
separated by whitespace, tabs or pipes. A separator is always a cell boundary; a group may
hold several cells run together. A *reading* is one way of cutting the groups into the
row's cells that the row's own arithmetic allows (table 3: 总计 = the six applicant
columns; table 4: each 总计 = its four outcomes; a statistics table: 历年累计 ≥ this year).
Which reading is right is left to the table's arithmetic across rows (`solve.py`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

# Words that may stand between a label and its numbers, or between rows, in any shape of
# the official tables: column headers (repeated under a page break), units, ordinals of
# the next row, 其中, year columns of statistics tables. Anything else ends the row.
_HEADER_WORDS = (
    "申请人情况", "自然人", "法人或其他组织", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计",
    "信息内容", "本年制发件数", "本年废止件数", "现行有效件数", "本年处理决定数量", r"本年收费金额(?:\((?:单位:)?万元\))?",
    "本年新制作数量", "本年新公开数量", "对外公开总数量", "上一年项目数量", r"本年增/减", "处理决定数量", "采购项目数量",
    "采购总金额", "本年度办理结果", "指标名称", "计量单位", "单位", "数量", "历年累计", r"(?:19|20)\d{2}年度?", "合计",
    "结果维持", "结果纠正", "其他结果", "尚未审结", "未经复议直接起诉", "复议后起诉", "行政复议", "行政诉讼",
    r"第二十条第\([一二三四五六七八九十]+\)项", r"\(单位:万元\)", r"单位:万元",
)
_UNITS = ("人次", "件次", "万元", "条", "件", "个", "人", "次", "元", "项", "份", "篇", "家", "户", "宗", "起")
_ORDINAL = r"\(?[一二三四五六七八九十]{1,2}[)、]|\(\d{1,2}\)|\d{1,2}\s*[.、](?!\d)"
_WORD = re.compile(r"(?:" + "|".join(sorted(_HEADER_WORDS, key=len, reverse=True)) + r"|" + "|".join(_UNITS)
                   + r"|" + _ORDINAL + r"|其中:?|/|—|－)")
_UNIT = re.compile("|".join(_UNITS))
_LIST_NUMBER = re.compile(r"(?<![\d.])[1-9]\d?\s*[.、](?![\d.])")
_YEAR_HEADER = re.compile(r"(?:19|20)\d{2}\s*年度?")  # a statistics table's column (2017年度), repeated under a page break
_NUMBER = re.compile(r"[-+]?\d{1,3}(?:,\d{3})+(?:\.\d+)?|[-+]?\d+(?:\.\d+)?")
_SEPARATOR = re.compile(r"(?:[\s|:]|:?-{3,}:?)+")  # whitespace, pipes, Markdown's |---|

MAX_READINGS = 400


@dataclass(frozen=True)
class Group:
    """A run of digits between separators (one cell, or several run together)."""

    text: str
    start: int  # offsets into the text the stream was cut from
    end: int

    @cached_property
    def digits(self) -> str:
        """The digits that can be cut (a leading sign stays with the first cell)."""
        return self.text.lstrip("+-")

    @cached_property
    def splittable(self) -> bool:
        return self.digits.isdigit() and len(self.digits) > 1


@dataclass(frozen=True)
class Cell:
    value: float | int
    start: int
    end: int


@dataclass(frozen=True)
class Reading:
    """One way of reading a row: its cells in column order (None: a cell that vanished)."""

    cells: tuple[Cell | None, ...]

    @cached_property
    def values(self) -> tuple[float | int | None, ...]:
        return tuple(None if c is None else c.value for c in self.cells)


def number_groups(text: str, start: int, end: int) -> tuple[list[Group], bool]:
    """The digit groups of text[start:end] up to where the row ends, and whether the row
    looks like prose (a number directly followed by prose punctuation or text)."""
    groups: list[Group] = []
    pos = start
    after_number = False  # the last token was a number (or a number and its unit) on this line
    glued = False  # … and nothing, not even a space, stands between it and here
    while pos < end:
        m = _SEPARATOR.match(text, pos, end)
        if m:
            # a cell boundary (newline, tab, pipe) ends a number's sentence; a space does not (13 件；)
            pos, after_number = m.end(), after_number and not re.search(r"[\n\t|]", m.group())
            glued = False
            continue
        m = _LIST_NUMBER.match(text, pos, end) or _YEAR_HEADER.match(text, pos, end)
        if m:  # 2.其他法律… : the next row's list number, not a cell
            pos, after_number = m.end(), False
            continue
        m = _NUMBER.match(text, pos, end)
        if m:
            groups.append(Group(m.group(), m.start(), m.end()))
            pos, after_number, glued = m.end(), True, True
            continue
        m = _UNIT.match(text, pos, end)
        if m and after_number:
            pos, glued = m.end(), True  # 12件 / 13 件: a unit makes what follows it part of the sentence
            continue
        m = _WORD.match(text, pos, end)
        if m and m.end() > pos:
            pos, after_number, glued = m.end(), False, False
            continue
        if re.fullmatch(r"[.、]\s*", text[pos:end]):
            break  # …00000002.其他法律…: the next row's list number glued on (strip_next_ordinal)
        # Any other text ends the row. Right after a number or its unit it is a sentence
        # (行政许可12件，, 规章 1 件、); after a space, a line break or words the table has ended
        # (… 0 0 行政申诉、举报数 … is the next row of a statistics table).
        return groups, after_number and glued
    return groups, False


def strip_next_ordinal(groups: list[Group], text: str, next_start: int, ordinal: int | None) -> list[Group]:
    """A crawl glues the next row's list number onto this row's last cell (…00000002.其他法律…):
    the digits right before `N.` or `N、` at the next label belong to that label."""
    if not groups:
        return groups
    last = groups[-1]
    tail = text[last.end:next_start]
    if not re.fullmatch(r"\s*[.、]\s*", tail) or not last.text.isdigit():
        return groups
    mark = str(ordinal) if ordinal is not None else last.text[-1]
    if not last.text.endswith(mark):
        return groups
    keep = last.text[: -len(mark)]
    rest = groups[:-1]
    return rest + [Group(keep, last.start, last.end - len(mark))] if keep else rest


def readings(groups: list[Group], size: int, check, sparse: bool = False, block: int = 0,
             max_digits: int = 6) -> list[Reading]:
    """Every way to cut the groups into exactly `size` cells that `check` accepts; with
    `sparse`, also fewer cells (cells that vanished), the last one the row's total.
    `check(values)` tests a full row (None for a vanished cell); with `block`, it also tests
    each block of that many cells as soon as it is cut (table 4's groups of five)."""
    if not groups:
        return []
    if len(groups) == size:
        # separated cells are read as written, even where the report's own sums are wrong
        # (the checks say so); the arithmetic only decides how runs of digits split
        return [Reading(tuple(Cell(_value(g.text), g.start, g.end) for g in groups))]
    if len(groups) > size:
        return []  # more numbers than the row has cells: not this row's alone
    if all(g.splittable or g.text.isdigit() for g in groups) and sum(len(g.text) for g in groups) == size:
        # as many digits as cells (0000000, 1000001): one digit a cell is the only cut
        one = Reading(tuple(Cell(int(c), g.start + k, g.start + k + 1) for g in groups for k, c in enumerate(g.text)))
        return [one] if check(one.values) else ([] if not sparse else _sparse(groups, size, check, block, max_digits))
    if sum(len(g.digits) for g in groups if g.splittable) > max_digits * size:
        return []
    dense = list(_cut(groups, size, check, block, max_digits))
    if dense or not sparse:
        return dense
    return _sparse(groups, size, check, block, max_digits)


def _cut(groups: list[Group], size: int, check, block: int, max_digits: int):
    if check is total_of_parts:
        return _sum_cuts(groups, size, max_digits)
    return _cuts(groups, size, check, block, max_digits)


def _sparse(groups: list[Group], size: int, check, block: int, max_digits: int) -> list[Reading]:
    cut = lambda n: _cut(groups, n, check, block, max_digits)  # noqa: E731
    out: list[Reading] = []
    # sparse: n numbers, the last in the total column (a lone 0 is a row of nothing but zeros)
    for n in range(size - 1, 0, -1):
        for r in cut(n):
            full = Reading((*r.cells[:-1], *([None] * (size - n)), r.cells[-1]))
            if check(full.values):
                out.append(full)
            if len(out) >= MAX_READINGS:
                return out
    return out


def _sum_cuts(groups: list[Group], size: int, max_digits: int):
    """The readings of `_cuts` whose last cell is the sum of the others, found fast: the
    total is cut off the end first, and the rest may not add up beyond it."""
    last = groups[-1]
    if not last.splittable or size == 1:
        yield from _cuts(groups, size, total_of_parts, 0, max_digits)
        return
    digits = last.digits
    for length in range(1, min(len(digits) - (1 if len(groups) == 1 else 0), max_digits) + 1):
        tail = digits[len(digits) - length:]
        if len(tail) > 1 and tail[0] == "0":
            continue
        total = int(tail)
        head = Group(last.text[:len(last.text) - length], last.start, last.end - length)
        total_cell = Cell(total, last.end - length, last.end)
        rest = groups[:-1] + ([head] if head.text.lstrip("+-") else [])
        if not rest:
            continue
        for r in _cuts(rest, size - 1, None, 0, max_digits, ceiling=total):
            if sum(c.value for c in r.cells) == total:
                yield Reading((*r.cells, total_cell))


def _cuts(groups: list[Group], size: int, check, block: int, max_digits: int,
          ceiling: float | None = None) -> list[Reading]:
    """Readings of exactly `size` cells: each group cut into one or more numbers without
    leading zeros (of at most `max_digits` digits); a group with a decimal point is one
    cell; a sign belongs to the group's first cell. With `ceiling`, cells that already add
    up beyond it are not followed further. (Plain recursion into a list: generators nested
    as deep as the cells cost a resume per level for every reading.)"""
    found: list[Reading] = []
    cells: list[Cell] = []
    digits_after = [sum(len(g.digits) for g in groups[i:]) for i in range(len(groups) + 1)]
    n_groups = len(groups)

    def block_fails() -> bool:
        return bool(block) and len(cells) % block == 0 and check is not None \
            and not check(tuple(c.value for c in cells[-block:]))

    def walk(g: int, i: int, running: float) -> None:
        if len(found) >= MAX_READINGS:
            return
        if g == n_groups:
            if len(cells) == size:
                reading = Reading(tuple(cells))
                if check is None or check(reading.values):
                    found.append(reading)
            return
        group = groups[g]
        left = size - len(cells)
        if left <= 0 or n_groups - g > left:
            return  # more groups than cells still to fill
        if not group.splittable:
            cell = Cell(_value(group.text), group.start, group.end)
            cells.append(cell)
            if not block_fails():
                walk(g + 1, 0, running + cell.value)
            cells.pop()
            return
        digits, sign = group.digits, len(group.text) - len(group.digits)
        rest = len(digits) - i + digits_after[g + 1]
        if rest < left or rest > left * max_digits:
            return  # too few digits for the cells still to fill, or too many
        negative = i == 0 and group.text.startswith("-")
        for j in range(i + 1, min(len(digits), i + max_digits) + 1):
            part = digits[i:j]
            if len(part) > 1 and part[0] == "0":
                break  # no leading zeros: 05 is 0 and 5
            value = -int(part) if negative else int(part)
            if ceiling is not None and value >= 0 and running + value > ceiling:
                break  # longer parts only add more
            cells.append(Cell(value, group.start + (0 if i == 0 else sign + i), group.start + sign + j))
            if not block_fails():  # a block whose total is not the sum of its cells goes no further
                if j == len(digits):
                    walk(g + 1, 0, running + value)
                elif len(cells) < size:
                    walk(g, j, running + value)
            cells.pop()

    walk(0, 0, 0)
    return found


def _value(text: str) -> float | int:
    t = text.replace(",", "")
    return float(t) if "." in t else int(t)


# --- row arithmetic ---------------------------------------------------------------------------


def total_of_parts(values: tuple) -> bool:
    """Table 3: the last cell (总计) is the sum of the others (vanished cells count as 0)."""
    *parts, total = values
    return total is not None and abs(sum(v or 0 for v in parts) - total) < 1e-6


def blocks_of_five(values: tuple) -> bool:
    """Table 4: each group of five is four outcomes and their total."""
    return all(total_of_parts(values[k:k + 5]) for k in range(0, len(values), 5))


def running_total(values: tuple) -> bool:
    """A statistics table's columns this year / 历年累计: the cumulative figure is not smaller."""
    return len(values) < 2 or values[0] is None or values[1] is None or values[1] >= values[0]


def anything(values: tuple) -> bool:
    return True
