"""External check: AGENCY against CLUENER2020's `government` label (dev set), zero-shot.

    python benchmarks/cluener.py [--model DIR] [--corpus ../shared/corpus]

Each dev sentence goes through the span tagger alone (rules, model, or hybrid) as one
paragraph; predicted AGENCY spans are scored strictly (exact offsets) against the
`government` spans. Our AGENCY also covers party, congress and public institutions, and
CLUENER's annotators tag some bare place names as government, so this measures transfer,
not the label contract.
"""
from __future__ import annotations

import argparse
from pathlib import Path

from gongkai.inference.tag.rules.spans import RuleSpanTagger
from gongkai.training.evaluation.evaluate import cluener_agency
from gongkai.training.data.silver import load_cluener

REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default=str(REPO.parent / "shared" / "corpus"))
    ap.add_argument("--model", help="also score the model alone and the hybrid")
    args = ap.parse_args()
    data = load_cluener(Path(args.corpus) / "ner" / "cluener2020" / "dev.json")
    taggers = {"rules": RuleSpanTagger()}
    if args.model:
        from gongkai.inference.tag.model import HybridSpanTagger, ModelSpanTagger, ModelTagger

        model = ModelTagger(args.model)
        taggers["model"] = ModelSpanTagger(model)
        taggers["hybrid"] = HybridSpanTagger(model)
    print(f"CLUENER2020 dev: {len(data)} sentences, {sum(len(g) for _, g in data)} government spans")
    for name, tagger in taggers.items():
        s = cluener_agency(tagger, data)
        print(f"{name:<7} AGENCY vs government, strict: P {s['precision']:.3f} R {s['recall']:.3f} F1 {s['f1']:.3f} "
              f"({s['tp']} of {s['support']}, {s['predicted']} predicted)")


if __name__ == "__main__":
    main()
