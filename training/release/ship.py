"""`python -m gongkai.training.release.ship RUN_DIR`: copy a fine-tuned model into `model/shipped`
in float16 (half the size; loaded back as float32 and run under bf16 autocast), with its
tokenizer, and write its model card with figures measured on the shipped copy: the gold
test split (rules, model alone, hybrid), CLUENER2020 dev AGENCY, and extraction speed."""
from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import torch

from gongkai.inference.tag.model import SHIPPED
from gongkai.model.modeling import GongkaiTagger


def ship(run: Path, out: Path = SHIPPED) -> int:
    from transformers import AutoTokenizer

    if out.exists():
        shutil.rmtree(out)
    model = GongkaiTagger.from_pretrained(str(run), dtype=torch.float32)
    model.half().save_pretrained(str(out))
    AutoTokenizer.from_pretrained(str(run)).save_pretrained(str(out))
    if (run / "training.json").exists():
        shutil.copy(run / "training.json", out / "training.json")
    size = sum(f.stat().st_size for f in out.iterdir())
    print(f"shipped {run} → {out}: {size / 1e6:.1f} MB")
    return size


def measure(folder: Path) -> tuple[list[dict], dict]:
    from gongkai.inference.pipeline import Pipeline

    from gongkai.training.data.annotations import REPO, corpus_root, load_gold
    from gongkai.training.evaluation.evaluate import summary_row
    from gongkai.training.evaluation.measure import extraction_speed, speed_files
    from gongkai.training.data.silver import load_cluener

    golds = [g for g in load_gold(REPO / "annotations" / "gold" / "test.jsonl") if g.level != "record"]
    dev_path = corpus_root() / "ner" / "cluener2020" / "dev.json"
    dev = load_cluener(dev_path) if dev_path.exists() else None
    table = [summary_row("rules only", Pipeline.rules(), golds, dev)]
    for name, mode in (("model only", "model"), ("hybrid", "hybrid")):
        table.append(summary_row(name, Pipeline.default(model=folder, mode=mode), golds, dev))
    speed = extraction_speed(Pipeline.default(model=folder), speed_files())
    return table, speed


def main() -> None:
    from gongkai.training.release.card import write_card

    ap = argparse.ArgumentParser()
    ap.add_argument("run")
    ap.add_argument("--out", default=str(SHIPPED))
    ap.add_argument("--no-measure", action="store_true", help="skip the figures in the model card")
    args = ap.parse_args()
    out = Path(args.out)
    ship(Path(args.run), out)
    table, speed = (None, None) if args.no_measure else measure(out)
    write_card(out, table, speed)
    print((out / "README.md").read_text(encoding="utf-8"))


if __name__ == "__main__":
    main()
