"""Year to year: the same body's reports for consecutive years must agree on the requests
carried from one year to the next (year N's 结转下年度 = year N+1's 上年结转)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from gongkai.doc import Check, Record


@dataclass(frozen=True)
class Figures:
    """What a comparison needs of a record (from a Record or a record dict in JSONL)."""

    source: str
    agency: str | None
    year: int | None
    metrics: dict[str, float]
    error: str | None = None

    @classmethod
    def of(cls, record: Record) -> "Figures":
        return cls(record.source, record.agency, record.year, {k: m.value for k, m in record.metrics.items()},
                   record.error)


def same_body(a: str | None, b: str | None) -> bool:
    """淮安市洪泽区人民政府 and 洪泽区人民政府 are one body: one name ends with the other."""
    if not a or not b:
        return False
    return a.endswith(b) or b.endswith(a)


def continuity_check(earlier: Figures, later: Figures) -> Check | None:
    if not (same_body(earlier.agency, later.agency) and earlier.year is not None and later.year == earlier.year + 1):
        return None
    fwd = earlier.metrics.get("requests.carried_forward")
    over = later.metrics.get("requests.carried_over")
    if fwd is None or over is None:
        return None
    ok = abs(fwd - over) < 1e-6
    return Check("requests.continuity", ok,
                 f"{earlier.agency} {earlier.year} carried_forward {fwd:g} {'=' if ok else '≠'} "
                 f"{later.year} carried_over {over:g}")


def continuity_checks(records: Iterable[Record | Figures]) -> list[tuple[Figures, Figures, Check]]:
    """Every consecutive-year pair of the same body in a batch, checked."""
    by_year: dict[int, list[Figures]] = {}
    for r in records:
        f = r if isinstance(r, Figures) else Figures.of(r)
        if not f.error and f.year is not None:
            by_year.setdefault(f.year, []).append(f)
    out = []
    for year in sorted(by_year):  # only consecutive years are compared: linear in practice
        for a in sorted(by_year[year], key=lambda f: f.source):
            for b in sorted(by_year.get(year + 1, []), key=lambda f: f.source):
                check = continuity_check(a, b)
                if check is not None:
                    out.append((a, b, check))
    return out
