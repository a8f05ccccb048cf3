"""`python -m gongkai.training.ship RUN_DIR`: copy a fine-tuned model into `model/shipped`
in float16 (half the size; loaded back as float32 and run under bf16 autocast), with its
tokenizer and model card."""
from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import torch

from gongkai.model.modeling import GongkaiTagger

SHIPPED = Path(__file__).resolve().parents[1] / "model" / "shipped"


def ship(run: Path, out: Path = SHIPPED, card: Path | None = None) -> int:
    from transformers import AutoTokenizer

    if out.exists():
        shutil.rmtree(out)
    model = GongkaiTagger.from_pretrained(str(run), dtype=torch.float32)
    model.half().save_pretrained(str(out))
    AutoTokenizer.from_pretrained(str(run)).save_pretrained(str(out))
    for name in ("training.json",):
        if (run / name).exists():
            shutil.copy(run / name, out / name)
    if card and card.exists():
        shutil.copy(card, out / "README.md")
    size = sum(f.stat().st_size for f in out.iterdir())
    print(f"shipped {run} → {out}: {size / 1e6:.1f} MB")
    return size


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("run")
    ap.add_argument("--card", help="a model card (README.md) to ship with it")
    args = ap.parse_args()
    ship(Path(args.run), card=Path(args.card) if args.card else None)


if __name__ == "__main__":
    main()
