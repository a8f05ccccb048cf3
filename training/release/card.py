"""The model card (README.md in a model folder): what the model is, what it was trained on,
and, once measured, how well and how fast it does its job. `gongkai train` writes the first
two; `python -m gongkai.training.ship` adds the measured figures."""
from __future__ import annotations

import json
from pathlib import Path

from gongkai.labels import SPAN_LABELS


def card_text(config: dict, training: dict, table: list[dict] | None = None, speed: dict | None = None) -> str:
    lines = [
        "---",
        "language: zh",
        "library_name: transformers",
        "tags: [token-classification, text-classification, chinese, government, gongkai]",
        "---",
        "",
        "# gongkai tagger",
        "",
        "A compact Chinese BERT with two heads, for 政府信息公开工作年度报告:",
        f"- span head: BIO over characters, labels {', '.join(SPAN_LABELS)} ({len(config.get('span_tags', []))} tags);",
        f"- section head: the paragraph's [CLS] vector, context (last heading, previous paragraph, "
        f"position) as the first segment; {len(config.get('section_labels', []))} sections.",
        "",
        f"Encoder: {config.get('num_hidden_layers')} layers, hidden {config.get('hidden_size')}, "
        f"{config.get('num_attention_heads')} heads, vocabulary {config.get('vocab_size')} (one token per character).",
        "Load it with `gongkai.inference.Pipeline.default(model=FOLDER)`, or as "
        "`gongkai.model.modeling.GongkaiTagger.from_pretrained(FOLDER)`.",
        "",
        "## Training",
        "",
        f"- base: {training.get('base')}",
        f"- data: {training.get('sources') or training.get('documents')}",
        f"- {training.get('span_windows')} span windows, {training.get('section_examples')} section examples; "
        f"{training.get('steps')} steps, batch {training.get('batch_size')}, lr {training.get('lr')}, "
        f"{training.get('minutes')} min on {training.get('device', 'CPU')}; loss {training.get('loss_first')} → "
        f"{training.get('loss_last')}",
        "- the gold test split (annotations/gold/test.jsonl) is never trained on.",
        *_base_score(training.get("base_cluener")),
    ]
    if table:
        heads = ["section acc"] + list(SPAN_LABELS) + ["span micro F1"]
        cols = ["sections"] + list(SPAN_LABELS) + ["micro"]
        if any("cluener" in r for r in table):
            heads.append("CLUENER gov F1")
            cols.append("cluener")
        lines += ["", "## Accuracy (gold test split, strict span F1)", "",
                  "| | " + " | ".join(heads) + " |", "|---|" + "---|" * len(heads)]
        lines += [f"| {r['name']} | " + " | ".join(f"{r[c]:.3f}" if c in r else "-" for c in cols) + " |" for r in table]
    if speed:
        lines += ["", "## Speed", "",
                  f"End-to-end extraction (read → record) with this model, hybrid, {speed['threads']} CPU threads: "
                  f"{speed['chars_per_s']:,.0f} characters/s ({speed['s_per_10k']:.2f} s per 10,000 characters), "
                  f"peak memory {speed['peak_mib']:,.0f} MiB, over {speed['reports']} reports "
                  f"({speed['chars']:,} characters)" + (f"; backend {speed['backend']}" if speed.get("backend") else "")
                  + "."]
        a = speed.get("int8_agreement")
        if a:
            lines += ["", f"The int8 ONNX graph (dynamic quantisation) agrees with the fp32 model on "
                          f"{a['span_tags']:.2%} of span tags ({a['characters']:,} characters) and {a['sections']:.2%} "
                          f"of sections ({a['paragraphs']} paragraphs) of the gold test split"
                          + ("; it is the default backend (no torch import)." if a.get("kept") else
                             "; below 99.5 %, so it is not shipped.")]
    lines += ["", "## Limits", "",
              "Trained on 11 gold reports, synthetic reports and rule-labelled real prose, on CPUs. "
              "Where the table shows the model alone below the rules, gongkai uses it in the hybrid, "
              "where the rules decide wherever they are near-certain and the model only adds what "
              "they lack; `--mode model` runs it alone.", ""]
    return "\n".join(lines)


def write_card(folder: Path, table: list[dict] | None = None, speed: dict | None = None) -> None:
    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    info_path = folder / "training.json"
    training = json.loads(info_path.read_text(encoding="utf-8")) if info_path.exists() else {}
    (folder / "README.md").write_text(card_text(config, training, table, speed), encoding="utf-8")


def _base_score(score: dict | None) -> list[str]:
    """What the base knew before this fine-tuning: its CLUENER2020 fine-tune (benchmarks/cluener.py)."""
    if not score:
        return []
    return [f"- the base's Chinese, measured: fine-tuned alone on CLUENER2020 train ({score.get('head', 'softmax')} head, "
            f"{score.get('steps')} steps), dev F1 overall {score['f1']:.3f}, government "
            f"{score['labels']['government']['f1']:.3f} (`python benchmarks/cluener.py --finetune --base BASE`)"]
