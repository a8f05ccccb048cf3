"""Component "metrics": the record's figures, prose statements and table figures merged.

- A figure of an official table (tables 2-4) is the official one and outranks prose; a
  statistics table of 2008-2018 reports does not (it often mixes cumulative counts), so
  there the prose figure stands (GUIDELINES.md, "Prose vs table conflicts").
- Where the table's own arithmetic fails for a relation (the results do not add up to
  (七)总计) and the prose figures of that relation make it hold, the table was misread or
  garbled (a PDF that lost its row order): the prose figures are taken, with a warning.
- A total of all lawsuits in prose is not kept beside table 4's own totals (it aggregates them).
- A figure beyond what the key can be for one body (`MetricKey.bound`), or a negative count,
  is not believed from prose: it is left out with a warning.
"""
from __future__ import annotations

from gongkai.doc import Doc, Metric
from gongkai.inference.figures.checks import relation_check
from gongkai.inference.figures.prose import text_metrics
from gongkai.metric_keys import RELATIONS, metric


class Metrics:
    name = "metrics"

    def __call__(self, doc: Doc) -> Doc:
        prose, warnings = believable(text_metrics(doc))
        doc.text_metrics = prose
        doc.metrics, more = merge(prose, doc.table_metrics)
        doc.warnings.extend(warnings + more)
        return doc


def believable(prose: dict[str, Metric]) -> tuple[dict[str, Metric], list[str]]:
    kept, warnings = {}, []
    for key, m in prose.items():
        if m.value < 0 or m.value > metric(key).bound:
            warnings.append(f"{key}: the text states {m.value:g}, beyond what it can be for one body; left out "
                            f"({m.evidence[:60]})")
            continue
        kept[key] = m
    return kept, warnings


def merge(prose: dict[str, Metric], table: dict[str, Metric]) -> tuple[dict[str, Metric], list[str]]:
    official = {k: m for k, m in table.items() if m.table != "stats"}
    secondary = {k: m for k, m in table.items() if m.table == "stats"}
    merged = {**secondary, **prose, **official}
    warnings = []
    for rel in RELATIONS:
        keys = rel.plus + rel.minus
        table_check = relation_check(rel, merged)
        if table_check is None or table_check.ok or not any(k in prose and k in official for k in keys):
            continue
        candidate = {**merged, **{k: prose[k] for k in keys if k in prose}}
        check = relation_check(rel, candidate)
        if check is not None and check.ok:
            changed = [k for k in keys if k in prose and k in official and prose[k].value != official[k].value]
            for k in changed:
                merged[k] = prose[k]
            if changed:
                warnings.append(f"{rel.name}: the table's figures do not add up ({table_check.detail}); the text's "
                                f"figures do, and are taken for {', '.join(changed)}")
    if any(k in official for k in ("litigation.direct.total", "litigation.after_review.total")) \
            and "litigation.total" not in official:
        merged.pop("litigation.total", None)
    return merged, warnings
