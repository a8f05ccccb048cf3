"""Consistency checks of a record's metrics (RECORD.md "Checks"). A check runs only when
every figure it needs is stated; a failure is `ok: false` with a readable detail."""
from __future__ import annotations

from gongkai.doc import Check, Doc, Metric
from gongkai.metric_keys import RELATIONS, Relation


class Checks:
    """Component "checks": the consistency checks of RECORD.md over the doc's figures."""

    name = "checks"

    def __call__(self, doc: Doc) -> Doc:
        doc.checks = run_checks(doc.metrics, doc.table_metrics, doc.text_metrics, doc.tables)
        if doc.ocr_confidences:
            name_ocr_cells(doc)
        return doc


def name_ocr_cells(doc: Doc) -> None:
    """A failed check over figures read by OCR names each such figure, its cell and the
    engine's confidence, least sure first: the likely misreading (never corrected here)."""
    from gongkai.inference.figures.values import ocr_confidence
    from gongkai.doc import Entity

    by_name = {rel.name: rel for rel in RELATIONS}
    for check in doc.checks:
        rel = by_name.get(check.name)
        if check.ok or rel is None:
            continue
        probes = {key: Entity("COUNT", m.start, m.end, doc.text[m.start:m.end])
                  for key in rel.plus + rel.minus if (m := doc.metrics.get(key)) is not None and m.start is not None}
        ocr_confidence(list(probes.values()), doc.ocr_confidences)  # one pass over the ranges for the check
        read = [(probe.confidence, key, probe.text) for key, probe in probes.items() if probe.confidence < 1.0]
        if read:
            cells = "; ".join(f"{key} '{text}' read at {conf:.2f}" for conf, key, text in sorted(read))
            check.detail += f" (OCR: {cells})"


def relation_check(rel: Relation, metrics: dict[str, Metric]) -> Check | None:
    """The relation over the stated figures (None when one of them is not stated)."""
    if any(k not in metrics for k in rel.plus + rel.minus):
        return None
    plus = [metrics[k].value for k in rel.plus]
    minus = [metrics[k].value for k in rel.minus]
    left, right = sum(plus), sum(minus)
    ok = abs(left - right) < 1e-6
    sign = "=" if ok else "≠"
    if rel.name == "requests.balance":
        (rec, over), (comp, fwd) = plus, minus
        return Check(rel.name, ok, f"received {rec:g} + carried_over {over:g} = {left:g} {sign} completed {comp:g} + "
                                   f"carried_forward {fwd:g} = {right:g}")
    expr = " + ".join(f"{k.split('.')[-1]} {v:g}" for k, v in zip(rel.plus, plus))
    return Check(rel.name, ok, f"{expr} = {left:g} {sign} {rel.minus[0].split('.')[-1]} {right:g}")


def run_checks(metrics: dict[str, Metric], table_metrics: dict[str, Metric] | None = None,
               text_metrics: dict[str, Metric] | None = None, tables: dict | None = None) -> list[Check]:
    checks = [c for c in (relation_check(RELATIONS[0], metrics),
                          _balance_per_column((tables or {}).get("table3", {}).get("rows", {})),
                          *(relation_check(rel, metrics) for rel in RELATIONS[1:])) if c]
    if table_metrics and text_metrics:
        checks.extend(_text_vs_table(table_metrics, text_metrics))
    return checks


def _balance_per_column(rows: dict) -> Check | None:
    """Table 3's printed rule, column by column: 一 + 二 = (七)总计 + 四."""
    keys = ("requests.received", "requests.carried_over", "requests.completed", "requests.carried_forward")
    cols = [rows.get(k) for k in keys]
    if any(c is None or len(c) != 7 or any(v is None for v in c) for c in cols):
        return None
    rec, over, comp, fwd = cols
    bad = [n for n in range(7) if abs(rec[n] + over[n] - comp[n] - fwd[n]) > 1e-6]
    names = ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计")
    if not bad:
        return Check("requests.balance.columns", True, "一 + 二 = (七)总计 + 四 in all 7 columns")
    detail = "; ".join(f"{names[n]}: {rec[n]:g} + {over[n]:g} ≠ {comp[n]:g} + {fwd[n]:g}" for n in bad)
    return Check("requests.balance.columns", False, detail)


def _text_vs_table(table: dict[str, Metric], text: dict[str, Metric]) -> list[Check]:
    out = []
    for key in sorted(set(table) & set(text)):
        a, b = table[key].value, text[key].value
        ok = abs(a - b) < 1e-6
        out.append(Check("text_vs_table", ok, f"{key}: text {b:g} {'=' if ok else '≠'} table {a:g}"))
    return out
