"""`gongkai compare`: two reports' figures side by side, with the year-to-year check."""
from __future__ import annotations

import sys

from gongkai.inference.figures.years import Figures, continuity_check, same_body


def side_by_side(a: Figures, b: Figures) -> str:
    keys = sorted(set(a.metrics) | set(b.metrics))
    width = max([len(k) for k in keys] + [10])
    lines = [f"{'':<{width}}  {_title(a):>22}  {_title(b):>22}  {'difference':>12}"]
    for key in keys:
        va, vb = a.metrics.get(key), b.metrics.get(key)
        diff = f"{vb - va:+g}" if va is not None and vb is not None else ""
        lines.append(f"{key:<{width}}  {_fmt(va):>22}  {_fmt(vb):>22}  {diff:>12}")
    for first, second in ((a, b), (b, a)):
        check = continuity_check(first, second)
        if check:
            lines.append(f"\n{'ok' if check.ok else 'FAILED'} {check.name}: {check.detail}")
    return "\n".join(lines)


def _title(f: Figures) -> str:
    return f"{(f.agency or '?')[-12:]} {f.year or '?'}"


def _fmt(v) -> str:
    return "-" if v is None else f"{v:g}"


def load_for_compare(inputs: list[str], pipeline) -> list[Figures] | None:
    """Figures of every input: a records file (.jsonl) gives all its records, a report is
    extracted now. None (after a message) when an input cannot be used."""
    from gongkai.io import RecordsFileError, read_records

    out: list[Figures] = []
    for path in inputs:
        if path.endswith(".jsonl"):
            try:
                out.extend(Figures.of(r) for r in read_records(path))
            except (OSError, RecordsFileError) as exc:
                print(f"gongkai compare: {exc}", file=sys.stderr)
                return None
            continue
        record = pipeline.extract_path(path)
        if record.error:
            print(f"gongkai compare: {path}: {record.error}", file=sys.stderr)
            return None
        out.append(Figures.of(record))
    return out


def compare_records(figures: list[Figures]) -> str:
    """Two reports side by side (with a note when they are of different bodies); more than
    two are grouped by body and each body's consecutive years are set side by side."""
    usable = [f for f in figures if not f.error]
    if len(usable) == 2 and not same_body(usable[0].agency, usable[1].agency):
        a, b = usable
        return (f"note: these are reports of different bodies ({a.agency or '?'} and {b.agency or '?'}); "
                f"no year-to-year check\n\n" + side_by_side(a, b))
    groups: list[list[Figures]] = []
    for f in sorted(usable, key=lambda f: (f.year or 0, f.source)):
        home = next((g for g in groups if same_body(g[0].agency, f.agency)), None)
        if home is None:
            groups.append([f])
        else:
            home.append(f)
    parts, alone = [], []
    for group in groups:
        if len(group) == 1:
            alone.append(group[0])
            continue
        for a, b in zip(group, group[1:]):
            parts.append(f"== {a.agency or '?'}: {a.year or '?'} ({a.source}) → {b.year or '?'} ({b.source})\n"
                         + side_by_side(a, b))
    if alone:
        parts.append("no other report of the same body: "
                     + "; ".join(f"{f.agency or '?'} {f.year or '?'} ({f.source})" for f in alone))
    skipped = [f for f in figures if f.error]
    if skipped:
        parts.append("records with an error, left out: " + "; ".join(f.source for f in skipped))
    return "\n\n".join(parts)
