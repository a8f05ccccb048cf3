"""External check: AGENCY against CLUENER2020's `government` label (dev set), zero-shot.

    python benchmarks/cluener.py [--model DIR] [--corpus ../shared/corpus]

Each dev sentence goes through the span tagger alone (rules, model, or hybrid) as one
paragraph; predicted AGENCY spans are scored strictly (exact offsets) against the
`government` spans (CLUENER's end offsets are inclusive). Our AGENCY also covers party,
congress and public institutions, and CLUENER's annotators tag some bare place names as
government, so this measures transfer, not the label contract.
"""
from __future__ import annotations

import argparse
from pathlib import Path

from gongkai.inference.document import Doc, Paragraph
from gongkai.inference.normalize import normalize
from gongkai.inference.rules.spans import RuleSpanTagger
from gongkai.training.silver import load_cluener

REPO = Path(__file__).resolve().parents[1]


def tag(tagger, text: str) -> set[tuple[int, int]]:
    doc = Doc(text=text, source="cluener")
    doc.view = normalize(text)
    doc.paragraphs = [Paragraph(index=0, start=0, end=len(text), section="overview")]
    tagger.tag(doc)
    return {(e.start, e.end) for e in doc.entities if e.label == "AGENCY"}


def score(tagger, data: list[tuple[str, set[tuple[int, int]]]]) -> dict[str, float]:
    gold_n = sum(len(g) for _, g in data)
    tp = pred_n = 0
    for text, gold in data:
        pred = tag(tagger, text)
        tp += len(pred & gold)
        pred_n += len(pred)
    p = tp / pred_n if pred_n else 0.0
    r = tp / gold_n if gold_n else 0.0
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0, "tp": tp, "gold": gold_n,
            "predicted": pred_n}


def load_dev(corpus: str | Path) -> list[tuple[str, set[tuple[int, int]]]]:
    return load_cluener(Path(corpus) / "ner" / "cluener2020" / "dev.json")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default=str(REPO.parent / "shared" / "corpus"))
    ap.add_argument("--model", help="also score the model alone and the hybrid")
    args = ap.parse_args()
    data = load_dev(args.corpus)
    taggers = {"rules": RuleSpanTagger()}
    if args.model:
        from gongkai.inference.model_tagger import HybridSpanTagger, ModelSpanTagger, ModelTagger

        model = ModelTagger(args.model)
        taggers["model"] = ModelSpanTagger(model)
        taggers["hybrid"] = HybridSpanTagger(model)
    print(f"CLUENER2020 dev: {len(data)} sentences, {sum(len(g) for _, g in data)} government spans")
    for name, tagger in taggers.items():
        s = score(tagger, data)
        print(f"{name:<7} AGENCY vs government, strict: P {s['precision']:.3f} R {s['recall']:.3f} F1 {s['f1']:.3f} "
              f"({s['tp']} of {s['gold']}, {s['predicted']} predicted)")


if __name__ == "__main__":
    main()
