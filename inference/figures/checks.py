"""Consistency checks of a record's metrics (RECORD.md "Checks"). A check runs only when
every figure it needs is stated; a failure is `ok: false` with a readable detail."""
from __future__ import annotations

from gongkai.doc import Check, Doc, Metric

RESULT_KEYS = ("granted", "partially_granted", "denied", "unable_to_provide", "not_processed", "other_handling")
OUTCOME_KEYS = ("upheld", "corrected", "other", "pending")


class Checks:
    """Component "checks": the consistency checks of RECORD.md over the doc's figures."""

    name = "checks"

    def __call__(self, doc: Doc) -> Doc:
        doc.checks = run_checks(doc.metrics, doc.table_metrics, doc.text_metrics, doc.tables)
        return doc


def _v(metrics: dict[str, Metric], key: str):
    m = metrics.get(key)
    return None if m is None else m.value


def _sum_check(name: str, metrics: dict[str, Metric], parts: list[str], total: str) -> Check | None:
    values = [_v(metrics, k) for k in parts]
    t = _v(metrics, total)
    if t is None or any(v is None for v in values):
        return None
    s = sum(values)
    ok = abs(s - t) < 1e-6
    expr = " + ".join(f"{k.split('.')[-1]} {v:g}" for k, v in zip(parts, values))
    return Check(name, ok, f"{expr} = {s:g} {'=' if ok else '≠'} {total.split('.')[-1]} {t:g}")


def run_checks(metrics: dict[str, Metric], table_metrics: dict[str, Metric] | None = None,
               text_metrics: dict[str, Metric] | None = None, tables: dict | None = None) -> list[Check]:
    checks: list[Check] = []
    balance = _balance(metrics)
    if balance:
        checks.append(balance)
    columns = _balance_per_column((tables or {}).get("table3", {}).get("rows", {}))
    if columns:
        checks.append(columns)
    candidates = [
        _sum_check("requests.results", metrics, [f"requests.{k}" for k in RESULT_KEYS], "requests.completed"),
        _sum_check("review.total", metrics, [f"review.{k}" for k in OUTCOME_KEYS], "review.total"),
        _sum_check("litigation.direct.total", metrics, [f"litigation.direct.{k}" for k in OUTCOME_KEYS], "litigation.direct.total"),
        _sum_check("litigation.after_review.total", metrics, [f"litigation.after_review.{k}" for k in OUTCOME_KEYS],
                   "litigation.after_review.total"),
    ]
    checks.extend(c for c in candidates if c)
    if table_metrics and text_metrics:
        checks.extend(_text_vs_table(table_metrics, text_metrics))
    return checks


def _balance(metrics: dict[str, Metric]) -> Check | None:
    rec, comp, fwd = (_v(metrics, f"requests.{k}") for k in ("received", "completed", "carried_forward"))
    over = _v(metrics, "requests.carried_over")
    if rec is None or comp is None or fwd is None or over is None:
        return None
    left, right = rec + over, comp + fwd
    ok = abs(left - right) < 1e-6
    return Check("requests.balance", ok,
                 f"received {rec:g} + carried_over {over:g} = {left:g} {'=' if ok else '≠'} completed {comp:g} + carried_forward {fwd:g} = {right:g}")


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
