"""`gongkai evaluate`: extraction scored against gold annotations.

- sections: accuracy and macro-F1 per character of gold paragraphs (so that different
  paragraph splits compare fairly), with a confusion matrix (scikit-learn);
- spans: precision/recall/F1 per label, strict (exact offsets, seqeval over character
  BIO tags) and partial (overlap, one-to-one);
- values of strictly matched spans;
- record fields (agency, year, published, format, each gold metric key);
- a per-document table, worst first.
"""
from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from typing import Any

from gongkai.labels import SECTION_LABELS, SPAN_LABELS
from gongkai.doc import Record, trim

from gongkai.training.data.annotations import AnnotationError, GoldDoc, document_bytes, load_gold

RECORD_FIELDS = ("agency", "year", "published", "format")


@dataclass
class DocResult:
    id: str
    chars: int
    section_true: list[str] = field(default_factory=list)
    section_pred: list[str] = field(default_factory=list)
    gold_spans: list[tuple[int, int, str]] = field(default_factory=list)
    pred_spans: list[tuple[int, int, str]] = field(default_factory=list)
    gold_tags: list[str] = field(default_factory=list)
    pred_tags: list[str] = field(default_factory=list)
    values: list[tuple[str, bool]] = field(default_factory=list)  # (label, correct) per strict match
    fields: dict[str, bool] = field(default_factory=dict)
    extra_metrics: int = 0
    error: str | None = None


# --- one document -------------------------------------------------------------------------


def section_chars(gold: GoldDoc, record: Record, text: str) -> tuple[list[str], list[str]]:
    """Gold and predicted section of every non-space character inside a gold paragraph."""
    pred = [None] * len(text)
    for p in record.paragraphs:
        for i in range(p.start, min(p.end, len(text))):
            pred[i] = p.section
    y_true, y_pred = [], []
    for p in gold.paragraphs:
        for i in range(p["start"], p["end"]):
            if not text[i].isspace():
                y_true.append(p["section"])
                y_pred.append(pred[i] or "none")
    return y_true, y_pred


def bio_tags(spans: list[tuple[int, int, str]], n: int) -> list[str]:
    tags = ["O"] * n
    for s, e, label in sorted(spans):
        if any(t != "O" for t in tags[s:e]):
            continue  # predictions may overlap; the first keeps its characters
        tags[s] = f"B-{label}"
        for i in range(s + 1, e):
            tags[i] = f"I-{label}"
    return tags


def values_equal(label: str, gold: Any, pred: Any) -> bool:
    if gold is None:
        return pred is None
    if label in ("COUNT", "MONEY", "PERCENT"):
        try:
            return abs(float(gold) - float(pred)) <= 1e-6 * max(1.0, abs(float(gold)))
        except (TypeError, ValueError):
            return False
    if label == "AGENCY":
        return _squash(gold) == _squash(pred)
    return str(gold) == str(pred)


def _squash(s: Any) -> str:
    return "".join(str(s).split()) if s is not None else ""


def field_equal(key: str, gold: Any, pred: Any) -> bool:
    if key == "agency":
        return _squash(gold) == _squash(pred)
    if isinstance(gold, (int, float)) and isinstance(pred, (int, float)):
        return abs(gold - pred) <= 1e-6 * max(1.0, abs(gold))
    return gold == pred


def score_document(gold: GoldDoc, record: Record) -> DocResult:
    text = record.text
    r = DocResult(id=gold.id, chars=len(text))
    if gold.level == "record":  # record-level gold: fields only
        _score_fields(gold, record, r)
        return r
    r.section_true, r.section_pred = section_chars(gold, record, text)
    r.gold_spans = [(*trim(text, s["start"], s["end"]), s["label"]) for s in gold.spans]
    r.pred_spans = [(*trim(text, e.start, e.end), e.label) for e in record.entities]
    r.gold_tags, r.pred_tags = bio_tags(r.gold_spans, len(text)), bio_tags(r.pred_spans, len(text))
    pred_by_key = {(*trim(text, e.start, e.end), e.label): e for e in record.entities}
    for s in gold.spans:
        key = (*trim(text, s["start"], s["end"]), s["label"])
        if key in pred_by_key and "value" in s:
            e = pred_by_key[key]
            # an AGENCY's value is its name as written, in Simplified script (LABELS.md);
            # `normalized` names the body it refers to (a short form → the full name)
            pred_value = e.value
            r.values.append((s["label"], values_equal(s["label"], s["value"], pred_value)))
    _score_fields(gold, record, r)
    return r


def _score_fields(gold: GoldDoc, record: Record, r: DocResult) -> None:
    g = gold.record
    for key in RECORD_FIELDS:
        if key in g:
            r.fields[key] = field_equal(key, g[key], getattr(record, key))
    for key, value in (g.get("metrics") or {}).items():
        pred = record.metrics.get(key)
        r.fields[f"metrics.{key}"] = pred is not None and field_equal(key, value, pred.value)
    r.extra_metrics = len(set(record.metrics) - set(g.get("metrics") or {}))


# --- aggregation --------------------------------------------------------------------------


def span_prf(results: list[DocResult], partial: bool) -> dict[str, dict[str, float]]:
    counts = {label: [0, 0, 0] for label in SPAN_LABELS}  # tp, n_pred, n_gold
    for r in results:
        for label in SPAN_LABELS:
            gold = [(s, e) for s, e, l in r.gold_spans if l == label]
            pred = [(s, e) for s, e, l in r.pred_spans if l == label]
            counts[label][1] += len(pred)
            counts[label][2] += len(gold)
            if partial:
                used: set[int] = set()
                for ps, pe in pred:
                    for k, (gs, ge) in enumerate(gold):
                        if k not in used and ps < ge and gs < pe:
                            used.add(k)
                            counts[label][0] += 1
                            break
            else:
                counts[label][0] += len(set(gold) & set(pred))
    out = {}
    total = [0, 0, 0]
    for label, (tp, npred, ngold) in counts.items():
        out[label] = _prf(tp, npred, ngold)
        total = [a + b for a, b in zip(total, (tp, npred, ngold))]
    out["micro"] = _prf(*total)
    return out


def _prf(tp: int, npred: int, ngold: int) -> dict[str, float]:
    p = tp / npred if npred else (1.0 if ngold == 0 else 0.0)
    r = tp / ngold if ngold else (1.0 if npred == 0 else 0.0)
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": p, "recall": r, "f1": f, "support": ngold, "predicted": npred}


def seqeval_strict(results: list[DocResult]) -> dict[str, float]:
    """The strict micro figures again, from seqeval's entity-level scorer, as a cross-check."""
    from seqeval.metrics import f1_score, precision_score, recall_score

    y_true = [r.gold_tags for r in results]
    y_pred = [r.pred_tags for r in results]
    return {"precision": precision_score(y_true, y_pred), "recall": recall_score(y_true, y_pred),
            "f1": f1_score(y_true, y_pred)}


def section_scores(results: list[DocResult]) -> dict[str, Any]:
    from sklearn.metrics import accuracy_score, confusion_matrix, f1_score

    y_true = [t for r in results for t in r.section_true]
    y_pred = [t for r in results for t in r.section_pred]
    if not y_true:
        return {"accuracy": None, "macro_f1": None, "f1_per_label": {}, "chars": 0, "confusion": {"labels": [], "matrix": []}}
    labels = [l for l in SECTION_LABELS if l in set(y_true)]
    columns = labels + sorted(set(y_pred) - set(labels))
    matrix = confusion_matrix(y_true, y_pred, labels=columns)
    per_label = f1_score(y_true, y_pred, labels=labels, average=None, zero_division=0)
    return {
        "accuracy": accuracy_score(y_true, y_pred),
        "macro_f1": f1_score(y_true, y_pred, labels=labels, average="macro", zero_division=0),
        "f1_per_label": dict(zip(labels, map(float, per_label))),
        "chars": len(y_true),
        "confusion": {"labels": columns, "matrix": matrix.tolist()},
    }


def value_scores(results: list[DocResult]) -> dict[str, dict[str, float]]:
    out = {}
    for label in SPAN_LABELS:
        vals = [ok for r in results for l, ok in r.values if l == label]
        out[label] = {"accuracy": sum(vals) / len(vals) if vals else None, "matched": len(vals)}
    allv = [ok for r in results for _, ok in r.values]
    out["all"] = {"accuracy": sum(allv) / len(allv) if allv else None, "matched": len(allv)}
    return out


def field_scores(results: list[DocResult]) -> dict[str, dict[str, float]]:
    keys = sorted({k for r in results for k in r.fields}, key=lambda k: (k.startswith("metrics."), k))
    out = {}
    for key in keys:
        vals = [r.fields[key] for r in results if key in r.fields]
        out[key] = {"accuracy": sum(vals) / len(vals), "documents": len(vals)}
    metric_vals = [ok for r in results for k, ok in r.fields.items() if k.startswith("metrics.")]
    out["metrics (all keys)"] = {"accuracy": sum(metric_vals) / len(metric_vals) if metric_vals else None,
                                 "documents": len(metric_vals)}
    out["metrics not in gold (predicted extra)"] = {"accuracy": None, "documents": sum(r.extra_metrics for r in results)}
    return out


def per_document(results: list[DocResult]) -> list[dict[str, Any]]:
    rows = []
    for r in results:
        if r.error:
            rows.append({"id": r.id, "error": r.error})
            continue
        sec = sum(a == b for a, b in zip(r.section_true, r.section_pred)) / len(r.section_true) if r.section_true else float("nan")
        strict = span_prf([r], partial=False)["micro"]
        fields = list(r.fields.values())
        rows.append({"id": r.id, "chars": r.chars, "section_accuracy": sec, "span_f1_strict": strict["f1"],
                     "gold_spans": strict["support"], "fields_correct": sum(fields), "fields": len(fields)})
    return sorted(rows, key=lambda row: (row.get("error") is None, row.get("span_f1_strict", 0) + row.get("section_accuracy", 0)))


def evaluate(golds: list[GoldDoc], pipeline) -> dict[str, Any]:
    results: list[DocResult] = []
    for gold in golds:
        try:
            data, name = document_bytes(gold)
        except AnnotationError as exc:
            results.append(DocResult(id=gold.id, chars=0, error=str(exc)))
            continue
        record = pipeline.extract_bytes(data, source=gold.path or gold.id) if gold.path else pipeline.extract_text(gold.text, gold.id)
        if record.error:
            results.append(DocResult(id=gold.id, chars=0, error=record.error))
            continue
        results.append(score_document(gold, record))
    ok = [r for r in results if not r.error]
    return {
        "documents": len(results),
        "errors": {r.id: r.error for r in results if r.error},
        "sections": section_scores(ok),
        "spans_strict": span_prf(ok, partial=False),
        "spans_partial": span_prf(ok, partial=True),
        "spans_strict_seqeval": seqeval_strict(ok) if any(r.gold_spans for r in ok) else {},
        "values": value_scores(ok),
        "fields": field_scores(ok),
        "per_document": per_document(results),
    }


# --- external check: AGENCY against CLUENER2020 `government` ------------------------------


def cluener_agency(span_tagger, data: list[tuple[str, set[tuple[int, int]]]]) -> dict[str, float]:
    """Strict AGENCY P/R/F1 of a span tagger against CLUENER sentences (`training.silver.load_cluener`),
    each tagged as one paragraph. CLUENER's `government` is broader than our AGENCY (it
    includes some bare place names), so this measures transfer, not the label contract."""
    from gongkai.training.data.silver import tag_sentence

    gold_n = sum(len(g) for _, g in data)
    tp = pred_n = 0
    for text, gold in data:
        pred = {(e.start, e.end) for e in tag_sentence(span_tagger, text, "cluener").entities if e.label == "AGENCY"}
        tp += len(pred & gold)
        pred_n += len(pred)
    return {**_prf(tp, pred_n, gold_n), "tp": tp}


def summary_row(name: str, pipeline, golds: list[GoldDoc], cluener_dev=None) -> dict[str, Any]:
    """One line of a model comparison: section accuracy, strict span F1 per label and micro,
    and CLUENER government F1 when its dev set is given."""
    res = evaluate(golds, pipeline)
    row = {"name": name, "sections": res["sections"]["accuracy"],
           **{label: res["spans_strict"][label]["f1"] for label in list(SPAN_LABELS) + ["micro"]}}
    if cluener_dev is not None:
        row["cluener"] = cluener_agency(pipeline.get("spans"), cluener_dev)["f1"]
    return row


# --- printing -----------------------------------------------------------------------------


def format_report(res: dict[str, Any]) -> str:
    lines = []
    sec = res["sections"]
    lines.append(f"documents: {res['documents']}   errors: {len(res['errors'])}")
    for doc_id, err in res["errors"].items():
        lines.append(f"  ERROR {doc_id}: {err}")
    lines.append("")
    if sec["accuracy"] is not None:
        _format_spans_and_sections(res, lines)
    _format_fields(res, lines)
    return "\n".join(lines)


def _format_spans_and_sections(res: dict[str, Any], lines: list[str]) -> None:
    sec = res["sections"]
    lines.append(f"SECTIONS (per character of gold paragraphs, {sec['chars']:,} chars): "
                 f"accuracy {sec['accuracy']:.3f}   macro-F1 {sec['macro_f1']:.3f}")
    lines.append("  F1 per label: " + "  ".join(f"{k} {v:.2f}" for k, v in sec["f1_per_label"].items()))
    labels = sec["confusion"]["labels"]
    short = [l[:7] for l in labels]
    lines.append("  confusion (rows gold, columns predicted):")
    lines.append("  " + " " * 18 + "".join(f"{s:>8}" for s in short))
    for label, row in zip(labels, sec["confusion"]["matrix"]):
        if label in sec["f1_per_label"]:
            lines.append(f"  {label:<18}" + "".join(f"{v:>8}" for v in row))
    lines.append("")
    lines.append("SPANS            strict P    R     F1   | partial P    R     F1   | gold  pred | value acc")
    for label in list(SPAN_LABELS) + ["micro"]:
        s, p = res["spans_strict"][label], res["spans_partial"][label]
        v = res["values"].get(label if label != "micro" else "all", {})
        va = f"{v['accuracy']:.3f} ({v['matched']})" if v.get("accuracy") is not None else "-"
        lines.append(f"  {label:<12}  {s['precision']:.3f} {s['recall']:.3f} {s['f1']:.3f}  | "
                     f"  {p['precision']:.3f} {p['recall']:.3f} {p['f1']:.3f}  | {s['support']:>5} {s['predicted']:>5} | {va}")
    if res["spans_strict_seqeval"]:
        q = res["spans_strict_seqeval"]
        lines.append(f"  (seqeval strict micro: P {q['precision']:.3f} R {q['recall']:.3f} F1 {q['f1']:.3f})")
    lines.append("")


def _format_fields(res: dict[str, Any], lines: list[str]) -> None:
    lines.append("RECORD FIELDS     accuracy  documents")
    for key, v in res["fields"].items():
        acc = f"{v['accuracy']:.3f}" if v["accuracy"] is not None else "  -  "
        lines.append(f"  {key:<44} {acc}  {v['documents']}")
    lines.append("")
    lines.append("PER DOCUMENT (worst first)   chars  sections  spanF1  gold spans  fields")
    for row in res["per_document"]:
        if "error" in row:
            lines.append(f"  {row['id']:<26} ERROR {row['error']}")
        else:
            lines.append(f"  {row['id']:<26} {row['chars']:>6}   {row['section_accuracy']:.3f}   {row['span_f1_strict']:.3f}"
                         f"   {row['gold_spans']:>6}     {row['fields_correct']}/{row['fields']}")


def main(args) -> int:
    try:
        golds = load_gold(args.gold)
    except AnnotationError as exc:
        print(f"gongkai evaluate: {exc}", file=sys.stderr)
        return 2
    if not golds:
        print("gongkai evaluate: no gold documents found", file=sys.stderr)
        return 2
    from gongkai.inference.cli import build_pipeline

    pipeline = build_pipeline(args)
    res = evaluate(golds, pipeline)
    print(format_report(res))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(res, fh, ensure_ascii=False, indent=2)
    return 1 if res["errors"] and len(res["errors"]) == res["documents"] else 0
