"""`python -m gongkai.training.release.ship RUN_DIR`: copy a fine-tuned model into `model/shipped`
in float16 (half the size; loaded back as float32 and run under bf16 autocast), with its
tokenizer and its dynamic-int8 ONNX graph (model.int8.onnx: inference without torch, kept
only if ≥ 99.5 % of its span tags agree with fp32 on the gold test split), and write its
model card with figures measured on the shipped copy: the gold test split (rules, model
alone, hybrid), CLUENER2020 dev AGENCY, extraction speed and the int8 agreement."""
from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import torch

from gongkai.inference.tag.model import SHIPPED
from gongkai.model.modeling import GongkaiTagger


def ship(run: Path, out: Path = SHIPPED, onnx: bool = False) -> int:
    from transformers import AutoTokenizer

    if out.exists():
        shutil.rmtree(out)
    model = GongkaiTagger.from_pretrained(str(run), dtype=torch.float32)
    model.half().save_pretrained(str(out))
    AutoTokenizer.from_pretrained(str(run)).save_pretrained(str(out))
    if (run / "training.json").exists():
        shutil.copy(run / "training.json", out / "training.json")
    if onnx:
        from gongkai.model.onnx_export import FP32, export

        export(out)  # from the float16 weights, widened to float32: what the torch backend runs
        (out / FP32).unlink()  # the int8 graph is the one shipped; fp32 is 4× its size
    size = sum(f.stat().st_size for f in out.iterdir())
    print(f"shipped {run} → {out}: {size / 1e6:.1f} MB")
    return size


def int8_agreement(folder: Path, minimum: float = 0.995) -> dict | None:
    """The int8 graph's agreement with fp32 on the gold test split; the graph is removed (the
    torch backend is used) when its span tags agree less than `minimum`."""
    from gongkai.model.onnx_export import INT8
    from gongkai.training.data.annotations import REPO, load_gold
    from gongkai.training.evaluation.measure import tag_agreement

    if not (folder / INT8).exists():
        return None
    golds = [g for g in load_gold(REPO / "annotations" / "gold" / "test.jsonl") if g.level != "record"]
    agreement = tag_agreement(folder, golds, backends=("onnx-int8",))["onnx-int8"]
    agreement["kept"] = agreement["span_tags"] >= minimum
    if not agreement["kept"]:
        (folder / INT8).unlink()
        print(f"int8 graph removed: its span tags agree {agreement['span_tags']:.2%} < {minimum:.1%} with fp32")
    return agreement


def measure(folder: Path) -> tuple[list[dict], dict]:
    from gongkai.inference.pipeline import Pipeline

    from gongkai.training.data.annotations import REPO, corpus_root, load_gold
    from gongkai.training.evaluation.evaluate import summary_row
    from gongkai.training.data.silver import load_cluener

    golds = [g for g in load_gold(REPO / "annotations" / "gold" / "test.jsonl") if g.level != "record"]
    dev_path = corpus_root() / "ner" / "cluener2020" / "dev.json"
    dev = load_cluener(dev_path) if dev_path.exists() else None
    table = [summary_row("rules only", Pipeline.rules(), golds, dev)]
    for name, mode in (("model only", "model"), ("hybrid", "hybrid")):
        table.append(summary_row(name, Pipeline.default(model=folder, mode=mode), golds, dev))
    speed = speed_alone(folder)
    return table, speed


def speed_alone(folder: Path) -> dict:
    """Extraction speed and peak memory in a fresh process (this one has loaded torch to export
    and compare, which the shipped backend never does)."""
    import json
    import subprocess
    import sys

    code = ("import json, sys; from pathlib import Path; from gongkai.inference import Pipeline; "
            "from gongkai.training.evaluation.measure import extraction_speed, speed_files; "
            f"s = extraction_speed(Pipeline.default(model=Path({str(folder)!r})), speed_files()); s.pop('files'); "
            "s['torch_imported'] = 'torch' in sys.modules; print(json.dumps(s))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    from gongkai.training.release.card import write_card

    ap = argparse.ArgumentParser()
    ap.add_argument("run")
    ap.add_argument("--out", default=str(SHIPPED))
    ap.add_argument("--no-measure", action="store_true", help="skip the figures in the model card")
    ap.add_argument("--no-onnx", action="store_true", help="ship no int8 ONNX graph (torch at inference)")
    ap.add_argument("--base-cluener", help="the JSON of `benchmarks/cluener.py --finetune --json` on the run's base")
    ap.add_argument("--card-only", action="store_true",
                    help="RUN is a shipped folder: measure it again and rewrite its card (no copy, no export)")
    args = ap.parse_args()
    out = Path(args.run) if args.card_only else Path(args.out)
    if not args.card_only:
        ship(Path(args.run), out, onnx=not args.no_onnx)
    if args.base_cluener:
        import json

        info_path = out / "training.json"
        info = json.loads(info_path.read_text(encoding="utf-8")) if info_path.exists() else {}
        score = json.loads(Path(args.base_cluener).read_text(encoding="utf-8"))
        info["base_cluener"] = {k: score[k] for k in ("f1", "labels", "steps", "head", "base") if k in score}
        info_path.write_text(json.dumps(info, indent=1, ensure_ascii=False), encoding="utf-8")
    agreement = None if args.no_onnx else int8_agreement(out)
    table, speed = (None, None) if args.no_measure else measure(out)
    if speed is not None:
        speed["backend"] = "onnx-int8" if (out / "model.int8.onnx").exists() else "torch"
        speed["int8_agreement"] = agreement
    write_card(out, table, speed)
    print((out / "README.md").read_text(encoding="utf-8"))


if __name__ == "__main__":
    main()
