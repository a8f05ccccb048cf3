"""Leave one publisher out: what the model adds on a publisher it never saw.

    python benchmarks/leave_one_out.py --base DIR [--steps 300] [--out runs/loo]   # a fold model per group
    python benchmarks/leave_one_out.py --model DIR --trained-on annotations/gold/train.jsonl   # no training
    python benchmarks/leave_one_out.py --rules-only

The annotated reports (gold train and test splits, paragraphs and spans) are grouped by
publisher: each seed's site, Pingtan, the Shanghai science commission, Shuyang. With
--base, each fold fine-tunes the base on the gold reports of every other group (plus the
same synthetic and silver data every fold gets) for a short fixed recipe (--steps, batch 16,
lr 3e-4, bf16), then scores rules only, the model alone and the hybrid on the group left
out. With --model, a model already trained is scored on the groups none of whose reports it
was trained on (--trained-on names its gold training files), so only those folds are honest.
The rules were tuned while looking at every annotated report, so the rules' figures here are
optimistic and the model's are not.

Printed: per fold and pooled over the folds, section accuracy (per character) and strict
span F1 per label; then the calibration of the model's confidence on the held-out
paragraphs and spans, and the hybrid thresholds it implies (Pipeline.default options).
"""
from __future__ import annotations

import argparse
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from gongkai.labels import SPAN_LABELS

REPO = Path(__file__).resolve().parents[1]
GOLD = (REPO / "annotations" / "gold" / "train.jsonl", REPO / "annotations" / "gold" / "test.jsonl")


def publisher(doc_id: str) -> str:
    """The group a gold document belongs to: each seed is its own site; the corpus reports
    group by the name before the year (pingtan_2011_county and pingtan_2013 are one publisher)."""
    if doc_id.startswith("seed_"):
        return doc_id
    return re.split(r"_(?=\d{4})", doc_id)[0]


@dataclass
class Calibration:
    """What the model said on held-out text, to choose the hybrid's thresholds."""

    sections: list[tuple[float, bool, bool]] = field(default_factory=list)  # (prob, model right, rules right)
    added: list[tuple[float, bool]] = field(default_factory=list)  # (conf, exact gold AGENCY) where no rule span lies
    bounds: list[tuple[float, bool, bool]] = field(default_factory=list)  # (conf, model exact, rule exact)

    def extend(self, other: "Calibration") -> None:
        self.sections += other.sections
        self.added += other.added
        self.bounds += other.bounds


def gold_section_of(gold, start: int, end: int, chars: list[str | None]) -> str | None:
    labels = Counter(chars[i] for i in range(start, min(end, len(chars))) if chars[i])
    return labels.most_common(1)[0][0] if labels else None


def calibrate_doc(tagger, gold, data: bytes, trust: float = 0.85) -> Calibration:
    """The model's section probabilities on paragraphs no heading governs, and its AGENCY
    spans' confidences, against gold, on one held-out document."""
    from gongkai.doc import trim
    from gongkai.inference.pipeline import Pipeline
    from gongkai.inference.read import read_bytes
    from gongkai.inference.tag.model import plausible
    from gongkai.overlap import without_overlaps

    rules = Pipeline.rules()
    doc = read_bytes(data, source=gold.path or gold.id)
    for name in ("normalize", "split", "sections", "spans"):
        doc = rules.components[name](doc)
    chars: list[str | None] = [None] * len(doc.text)
    for p in gold.paragraphs:
        for i in range(p["start"], p["end"]):
            chars[i] = p["section"]
    cal = Calibration()
    unsure = [p.index for p in doc.paragraphs if p.confidence < trust]
    for i, (label, prob) in tagger.section_probs(doc, unsure).items():
        p = doc.paragraphs[i]
        truth = gold_section_of(gold, p.start, p.end, chars)
        if truth:
            cal.sections.append((prob, label == truth, p.section == truth))
    gold_agency = {trim(doc.text, s["start"], s["end"]) for s in gold.spans if s["label"] == "AGENCY"}
    prose = [p for p in doc.paragraphs if "\t" not in doc.paragraph_text(p)]
    found = [e for e in tagger.spans(doc, prose) if e.label == "AGENCY" and plausible(e, doc.view_text(e))]
    for e in without_overlaps(found, doc.entities):
        cal.added.append((e.confidence, trim(doc.text, e.start, e.end) in gold_agency))
    for e in found:
        hit = [r for r in doc.entities if r.start < e.end and e.start < r.end]
        if len(hit) == 1 and hit[0].label == "AGENCY" and (hit[0].start, hit[0].end) != (e.start, e.end):
            cal.bounds.append((e.confidence, trim(doc.text, e.start, e.end) in gold_agency,
                               trim(doc.text, hit[0].start, hit[0].end) in gold_agency))
    return cal


def thresholds(cal: Calibration, grid=(0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.98, 0.99, 0.995, 0.999),
               min_n: int = 10) -> dict:
    """The lowest threshold at which the model's decisions beat the rules' on the held-out
    folds, over at least `min_n` decisions: sections (model right more often than the rules
    on the paragraphs it would take), added AGENCY spans (precision ≥ 0.5: each then adds
    more to F1 than it costs), boundaries (model exact more often than the rule). None where
    no threshold does, or too few decisions were seen to say: the default stays."""
    def lowest(rows_of, better):
        for t in grid:
            rows = [r for r in rows_of if r[0] >= t]
            if len(rows) >= min_n and better(rows):
                return t
        return None

    return {"section_threshold": lowest(cal.sections, lambda rows: sum(r[1] for r in rows) > sum(r[2] for r in rows)),
            "min_confidence": lowest(cal.added, lambda rows: sum(r[1] for r in rows) / len(rows) >= 0.5),
            "boundary_confidence": lowest(cal.bounds, lambda rows: sum(r[1] for r in rows) > sum(r[2] for r in rows))}


def score(pipeline, golds) -> list:
    from gongkai.training.data.annotations import document_bytes
    from gongkai.training.evaluation.evaluate import score_document

    results = []
    for g in golds:
        data, _ = document_bytes(g)
        results.append(score_document(g, pipeline.extract_bytes(data, source=g.path or g.id)))
    return results


def figures(results) -> dict:
    from gongkai.training.evaluation.evaluate import section_scores, span_prf

    spans = span_prf(results, partial=False)
    return {"sections": section_scores(results)["accuracy"], **{k: spans[k]["f1"] for k in list(SPAN_LABELS) + ["micro"]},
            "support": {k: spans[k]["support"] for k in SPAN_LABELS}}


def fold_model(base: str, held_out: set[str], out: Path, steps: int, synthetic: int, prose: int, cluener: int,
               seed: int) -> Path:
    """Fine-tune `base` on every gold report outside the held-out group (plus the silver data)."""
    from gongkai.training.fit.train import TrainArguments, load_training_docs, train

    if (out / "config.json").exists():
        return out  # a rerun reuses finished folds
    train_files = [str(GOLD[0]), str(REPO / "annotations" / "gold" / "test.jsonl")]
    # both splits: every annotated report of the other publishers trains the fold
    from gongkai.training.data.annotations import document_text, load_gold

    docs = [(g, document_text(g)) for g in load_gold(train_files)
            if g.level != "record" and g.paragraphs and g.id not in held_out]
    docs += load_training_docs([], synthetic, seed, prose=prose, cluener=cluener)
    train(TrainArguments(out=str(out), base_model=base, max_steps=steps, batch_size=16, lr=3e-4, bf16=True, seed=seed,
                         eval=[]), docs)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--base", help="fine-tune a fold model per group from this encoder (a gold-free base)")
    ap.add_argument("--model", help="score this trained model on the groups it never saw")
    ap.add_argument("--trained-on", nargs="*", default=[], help="gold files --model was trained on")
    ap.add_argument("--rules-only", action="store_true")
    ap.add_argument("--steps", type=int, default=300)
    ap.add_argument("--synthetic", type=int, default=100)
    ap.add_argument("--prose", type=int, default=300)
    ap.add_argument("--cluener", type=int, default=300)
    ap.add_argument("--groups", nargs="*", help="only these groups")
    ap.add_argument("--out", default="runs/loo")
    ap.add_argument("--json", help="write every figure here")
    ap.add_argument("--seed", type=int, default=13)
    args = ap.parse_args()

    from gongkai.inference.pipeline import Pipeline
    from gongkai.inference.tag.model import ModelTagger
    from gongkai.training.data.annotations import document_bytes, load_gold

    golds = [g for f in GOLD for g in load_gold(f) if g.level != "record" and g.paragraphs]
    groups: dict[str, list] = {}
    for g in golds:
        groups.setdefault(publisher(g.id), []).append(g)
    seen = {g.id for g in load_gold(args.trained_on)} if args.trained_on else set()
    systems = ["rules"] if args.rules_only or not (args.base or args.model) else ["rules", "model", "hybrid"]
    pooled: dict[str, list] = {s: [] for s in systems}
    rows, cal = [], Calibration()
    for name, members in sorted(groups.items()):
        if args.groups and name not in args.groups:
            continue
        ids = {g.id for g in members}
        folder = None
        if args.base:
            folder = fold_model(args.base, ids, Path(args.out) / name, args.steps, args.synthetic, args.prose,
                                args.cluener, args.seed)
        elif args.model:
            if ids & seen:
                print(f"{name}: skipped for the model ({len(ids & seen)} of its reports trained {args.model})")
                folder = None
            else:
                folder = Path(args.model)
        fold = {"group": name, "documents": sorted(ids)}
        pipelines = {"rules": Pipeline.rules()}
        if folder is not None:
            pipelines["model"] = Pipeline.default(model=folder, mode="model")
            pipelines["hybrid"] = Pipeline.default(model=folder)
            tagger = ModelTagger(folder)
            for g in members:
                data, _ = document_bytes(g)
                cal.extend(calibrate_doc(tagger, g, data))
        for system, pipeline in pipelines.items():
            results = score(pipeline, members)
            pooled[system] += results
            fold[system] = figures(results)
        rows.append(fold)
        print_fold(fold, systems)
    print("\npooled over the folds shown above:")
    pooled_fig = {s: figures(r) for s, r in pooled.items() if r}
    print_table(pooled_fig)
    report = {"folds": rows, "pooled": pooled_fig}
    if cal.sections or cal.added:
        report["calibration"] = summarise(cal)
        report["thresholds"] = thresholds(cal)
        print_calibration(report["calibration"], report["thresholds"])
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=1, ensure_ascii=False), encoding="utf-8")


def summarise(cal: Calibration, edges=(0.0, 0.5, 0.8, 0.9, 0.95, 0.99, 1.01)) -> dict:
    def bins(rows, right, other=None):
        out = []
        for lo, hi in zip(edges, edges[1:]):
            sel = [r for r in rows if lo <= r[0] < hi]
            if sel:
                row = {"from": lo, "to": min(hi, 1.0), "n": len(sel), "model": sum(r[right] for r in sel) / len(sel)}
                if other is not None:
                    row["rules"] = sum(r[other] for r in sel) / len(sel)
                out.append(row)
        return out

    return {"sections": bins(cal.sections, 1, 2), "added_agency": bins(cal.added, 1), "boundaries": bins(cal.bounds, 1, 2)}


def print_fold(fold: dict, systems: list[str]) -> None:
    print(f"\n{fold['group']} ({len(fold['documents'])} reports)")
    print_table({s: fold[s] for s in systems if s in fold})


def print_table(rows: dict) -> None:
    heads = ["sections"] + list(SPAN_LABELS) + ["micro"]
    print("| | " + " | ".join(["section acc"] + list(SPAN_LABELS) + ["span micro F1"]) + " |")
    print("|---|" + "---|" * len(heads))
    for name, r in rows.items():
        print(f"| {name} | " + " | ".join("-" if r[h] is None else f"{r[h]:.3f}" for h in heads) + " |")


def print_calibration(summary: dict, chosen: dict) -> None:
    print("\ncalibration on the held-out folds (share right, by model confidence):")
    for kind, rows in summary.items():
        for r in rows:
            extra = f", rules {r['rules']:.3f}" if "rules" in r else ""
            print(f"  {kind:<13} [{r['from']:.2f}, {r['to']:.2f}): n {r['n']:>4}, model {r['model']:.3f}{extra}")
    print("thresholds (Pipeline.default options; None: too few decisions or none better, the default stays): "
          + ", ".join(f"{k}={v}" for k, v in chosen.items()))


if __name__ == "__main__":
    main()
