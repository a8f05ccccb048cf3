"""Which reading of each row the table's arithmetic allows.

A row with several readings (`readings.py`) is settled by the equalities that hold across
rows, column by column: in table 3 the result rows add up to (七)总计 and 一 + 二 = 七 + 四;
a block's sub-rows add up to the block's own row where the table prints one; in a
statistics table the items under 其中 add up to their total. The solver keeps the readings
that take part in at least one assignment satisfying every equality it can evaluate. When
no assignment satisfies them (the report's own figures do not add up, or a row was
misread), nothing is pruned: a figure is then taken only where every reading agrees.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from gongkai.inference.figures.readings import Reading

MAX_SOLUTIONS = 64
MAX_NODES = 200_000


@dataclass
class Equality:
    """sum(plus rows) == sum(minus rows), in every column where all the values are known."""

    plus: list[int]
    minus: list[int] = field(default_factory=list)

    @property
    def rows(self) -> list[int]:
        return self.plus + self.minus

    def holds(self, chosen: dict[int, Reading]) -> bool:
        width = len(chosen[self.rows[0]].cells)
        for col in range(width):
            values = [chosen[r].values[col] for r in self.rows]
            if any(v is None for v in values):
                continue
            left = sum(chosen[r].values[col] for r in self.plus)
            right = sum(chosen[r].values[col] for r in self.minus)
            if abs(left - right) > 1e-6:
                return False
        return True


def settle(options: list[list[Reading]], equalities: list[Equality]) -> tuple[list[list[Reading]], bool]:
    """The readings of each row that some consistent assignment uses, and whether the
    equalities could be satisfied at all (False: every row keeps all its readings)."""
    usable = [eq for eq in equalities if eq.rows and all(options[r] for r in eq.rows)
              and len({len(options[r][0].cells) for r in eq.rows}) == 1]
    open_rows = sorted({r for eq in usable for r in eq.rows if len(options[r]) > 1}, key=lambda r: len(options[r]))
    if not open_rows:
        return options, all(eq.holds({r: options[r][0] for r in eq.rows}) for eq in usable)
    fixed = {r: opts[0] for r, opts in enumerate(options) if len(opts) == 1}
    # an equality is checked as soon as the last of its open rows is assigned
    last_open: dict[int, list[Equality]] = {}
    for eq in usable:
        positions = [open_rows.index(r) for r in eq.rows if r in open_rows]
        last_open.setdefault(max(positions) if positions else -1, []).append(eq)
    if any(not eq.holds(fixed) for eq in last_open.get(-1, [])):
        return options, False
    used: dict[int, set[int]] = {r: set() for r in open_rows}
    solutions = nodes = 0
    chosen = dict(fixed)
    choice: list[int] = []

    def walk(depth: int) -> None:
        nonlocal solutions, nodes
        if solutions >= MAX_SOLUTIONS or nodes >= MAX_NODES:
            return
        if depth == len(open_rows):
            solutions += 1
            for r, k in zip(open_rows, choice):
                used[r].add(k)
            return
        row = open_rows[depth]
        for k, reading in enumerate(options[row]):
            nodes += 1
            chosen[row] = reading
            if all(eq.holds(chosen) for eq in last_open.get(depth, [])):
                choice.append(k)
                walk(depth + 1)
                choice.pop()
        del chosen[row]

    walk(0)
    if not solutions:
        return options, False
    pruned = [list(opts) for opts in options]
    for r in open_rows:
        pruned[r] = [options[r][k] for k in sorted(used[r])]
    return pruned, True


def agreed(readings: list[Reading], column: int):
    """The cell in `column` if every reading has the same one (same value, same place), else None."""
    cells = {r.cells[column] for r in readings}
    return cells.pop() if len(cells) == 1 else None


def agreed_value(readings: list[Reading], column: int):
    """The value in `column` if every reading gives the same one, else None."""
    values = {r.values[column] for r in readings}
    return values.pop() if len(values) == 1 else None
