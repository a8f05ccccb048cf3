"""Per-label figures of the rules, each model alone and each model with the rules, on the
gold test split, as one Markdown table (the README's and docs/results.md's model table, and
the training-source ablation).

    python benchmarks/model_table.py [--gold annotations/gold/test.jsonl] [--cluener] \
        NAME=MODEL_DIR [NAME=MODEL_DIR ...]

Strict span F1 per label and micro, section accuracy per character, and, with --cluener,
strict AGENCY F1 against CLUENER2020 dev's `government` spans.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from gongkai.labels import SPAN_LABELS
from gongkai.inference.pipeline import Pipeline
from gongkai.training.data.annotations import load_gold
from gongkai.training.evaluation.evaluate import summary_row
from gongkai.training.data.silver import load_cluener

REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("models", nargs="*", help="NAME=MODEL_DIR")
    ap.add_argument("--gold", default=str(REPO / "annotations" / "gold" / "test.jsonl"))
    ap.add_argument("--cluener", action="store_true", help="also score AGENCY on CLUENER2020 dev")
    ap.add_argument("--corpus", default=str(REPO.parent / "shared" / "corpus"))
    ap.add_argument("--json", help="also write the rows as JSON here")
    ap.add_argument("--only", nargs="*", help="score only these gold document ids (e.g. a dev set held out of training)")
    ap.add_argument("--hybrid", nargs="*", default=[],
                    help="more hybrid settings to score, as LABELS@MIN_CONFIDENCE (e.g. AGENCY@0.9 AGENCY,COUNT@0.99)")
    args = ap.parse_args()
    golds = [g for g in load_gold(args.gold) if g.level != "record" and (not args.only or g.id in args.only)]
    dev = load_cluener(Path(args.corpus) / "ner" / "cluener2020" / "dev.json") if args.cluener else None
    rows = [summary_row("rules only", Pipeline.rules(), golds, dev)]
    for spec in args.models:
        name, _, path = spec.partition("=")
        for mode in ("model", "hybrid"):
            rows.append(summary_row(f"{name} {mode}", Pipeline.default(model=path or name, mode=mode), golds, dev))
            print(f"done: {name} {mode}", file=sys.stderr)
        for setting in args.hybrid:
            labels, _, confidence = setting.partition("@")
            pipeline = Pipeline.default(model=path or name, min_confidence=float(confidence or 0.99))
            spans = pipeline.get("spans")
            spans.labels = tuple(labels.split(","))
            rows.append(summary_row(f"{name} hybrid {setting}", pipeline, golds, dev))
    columns = ["sections"] + list(SPAN_LABELS) + ["micro"] + (["cluener"] if dev is not None else [])
    heads = ["section acc"] + list(SPAN_LABELS) + ["span micro F1"] + (["CLUENER gov F1"] if dev is not None else [])
    print("| | " + " | ".join(heads) + " |")
    print("|---|" + "---|" * len(heads))
    for r in rows:
        print(f"| {r['name']} | " + " | ".join(f"{r[c]:.3f}" for c in columns) + " |")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
