"""External checks on CLUENER2020 (dev set; never trained or pretrained on).

    python benchmarks/cluener.py [--model DIR]                 # zero-shot AGENCY vs `government`
    python benchmarks/cluener.py --finetune [--base DIR] [--epochs 4 --lr 2e-4 ...]

Zero-shot: each dev sentence goes through the span tagger alone (rules, model, or hybrid) as
one paragraph; predicted AGENCY spans are scored strictly (exact offsets) against the
`government` spans. Our AGENCY also covers party, congress and public institutions, and
CLUENER's annotators tag some bare place names as government, so this measures transfer.

--finetune: how much Chinese the base encoder knows. It fine-tunes the base (default:
model/base if shipped, else the shipped tagger's encoder) on CLUENER train, all ten labels,
BIO with a softmax (or `--head crf`) head, and prints seqeval dev F1 overall and per label; the last line is
`cluener finetune: overall F1 X government F1 Y`. Reference points from the CLUENER2020
paper: BiLSTM-CRF from scratch 70.0 overall / 77.25 government, bert-base 78.8 / 87.0.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def default_base() -> str:
    from gongkai.inference.tag.model import SHIPPED

    base = SHIPPED.parent / "base"
    return str(base if (base / "config.json").exists() else SHIPPED)


def finetune(args) -> None:
    from gongkai.training.data.silver import CLUENER_LABELS, load_cluener_all
    from gongkai.training.fit.ner import NerArguments, finetune as run

    root = Path(args.corpus) / "ner" / "cluener2020"
    train, dev = load_cluener_all(root / "train.json"), load_cluener_all(root / "dev.json")
    ner = NerArguments(base=args.base or default_base(), out=args.out, epochs=args.epochs, batch_size=args.batch_size,
                       lr=args.lr, max_train=args.max_train, bf16=not args.fp32, seed=args.seed, head=args.head,
                       head_lr=args.head_lr)
    res = run(ner, train, dev, list(CLUENER_LABELS))
    print(f"base {ner.base}: {res['train_sentences']} train, {res['dev_sentences']} dev sentences; "
          f"{res['steps']} steps, batch {ner.batch_size}, lr {ner.lr}, head {ner.head}, {res['minutes']} min")
    for label, s in res["labels"].items():
        print(f"  {label:<13} F1 {s['f1']:.3f}  ({s['support']})")
    if args.json:
        Path(args.json).write_text(json.dumps({**res, "args": vars(args)}, indent=1), encoding="utf-8")
    print(f"cluener finetune: overall F1 {res['f1']:.3f} government F1 {res['labels']['government']['f1']:.3f}")


def zero_shot(args) -> None:
    from gongkai.inference.tag.rules.spans import RuleSpanTagger
    from gongkai.training.data.silver import load_cluener
    from gongkai.training.evaluation.evaluate import cluener_agency

    data = load_cluener(Path(args.corpus) / "ner" / "cluener2020" / "dev.json")
    taggers = {"rules": RuleSpanTagger()}
    if args.model:
        from gongkai.inference.tag.hybrid import HybridSpanTagger
        from gongkai.inference.tag.model import ModelSpanTagger, ModelTagger

        model = ModelTagger(args.model)
        taggers["model"] = ModelSpanTagger(model)
        taggers["hybrid"] = HybridSpanTagger(model)
    print(f"CLUENER2020 dev: {len(data)} sentences, {sum(len(g) for _, g in data)} government spans")
    for name, tagger in taggers.items():
        s = cluener_agency(tagger, data)
        print(f"{name:<7} AGENCY vs government, strict: P {s['precision']:.3f} R {s['recall']:.3f} F1 {s['f1']:.3f} "
              f"({s['tp']} of {s['support']}, {s['predicted']} predicted)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", default=str(REPO.parent / "shared" / "corpus"))
    ap.add_argument("--model", help="zero-shot: also score the model alone and the hybrid")
    ap.add_argument("--finetune", action="store_true", help="fine-tune a base on CLUENER train, score dev (all labels)")
    ap.add_argument("--base", help="--finetune: the encoder (default model/base, else model/shipped)")
    ap.add_argument("--out", help="--finetune: keep the fine-tuned model here")
    ap.add_argument("--epochs", type=float, default=4.0)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--lr", type=float, default=2e-4)
    ap.add_argument("--max-train", type=int, default=0, help="at most this many train sentences (0: all)")
    ap.add_argument("--fp32", action="store_true", help="no bf16 autocast")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--head", choices=("softmax", "crf"), default="softmax", help="--finetune: the tagging head")
    ap.add_argument("--head-lr", type=float, default=0.0, help="--finetune: the new head's learning rate (0: --lr)")
    ap.add_argument("--json", help="--finetune: also write the figures here")
    args = ap.parse_args()
    finetune(args) if args.finetune else zero_shot(args)


if __name__ == "__main__":
    main()
