"""`gongkai train`: fine-tune the span and section heads (and the encoder) with a short plain
loop. Span batches (BIO over characters, sliding windows) and section batches (context +
paragraph → section) alternate, so one encoder learns both.

Data: gold train documents (never the test split) plus synthetic reports. Output: a
`save_pretrained` folder (model, tokenizer, label maps in config.json) with a model card.
"""
from __future__ import annotations

import json
import random
import time
from dataclasses import dataclass
from pathlib import Path

import torch

from gongkai.labels import SECTION_LABELS
from gongkai.model.features import SECTION_MAX_TOKENS, paragraph_windows, section_context
from gongkai.model.modeling import SPAN_TAGS

from gongkai.training.data.annotations import GoldDoc, document_text, load_gold
from gongkai.training.release.card import write_card


@dataclass
class Examples:
    spans: list[tuple[list[int], list[int]]]
    sections: list[tuple[list[int], list[int], int]]


def char_tags(view_text: str, spans: list[tuple[int, int, str]]) -> list[str]:
    tags = ["O"] * len(view_text)
    for s, e, label in spans:
        first = True
        for i in range(s, e):
            if view_text[i].isspace():
                continue
            tags[i] = ("B-" if first else "I-") + label
            first = False
    return tags


def doc_examples(tokenizer, doc: GoldDoc, text: str) -> Examples:
    from gongkai.inference.text.normalize import normalize

    view = normalize(text)
    tag_index = {t: i for i, t in enumerate(SPAN_TAGS)}
    section_index = {s: i for i, s in enumerate(SECTION_LABELS)}
    spans = []
    for s in doc.spans:
        vs, ve = view.to_view(s["start"], s["end"])
        spans.append((vs, ve, s["label"]))
    tags = char_tags(view.text, spans)
    paras = sorted(doc.paragraphs, key=lambda p: p["start"])
    ranges = [view.to_view(p["start"], p["end"]) for p in paras]
    texts = [view.text[a:b] for a, b in ranges]
    out = Examples([], [])
    for k, (p, (vs, ve)) in enumerate(zip(paras, ranges)):
        if p["section"] is not None:  # silver prose has spans but no sections
            enc = tokenizer(section_context(texts, k), texts[k][:200], truncation=True, max_length=SECTION_MAX_TOKENS,
                            return_token_type_ids=True)
            out.sections.append((enc["input_ids"], enc["token_type_ids"], section_index[p["section"]]))
        if p["section"] == "boilerplate":
            continue
        for w in paragraph_windows(tokenizer, texts[k]):
            labels = [-100] + [tag_index[tags[vs + a]] for a, _ in w.char_offsets] + [-100]
            out.spans.append((w.input_ids, labels))
    return out


def collate(rows: list[tuple], pad_id: int, with_types: bool = False) -> dict:
    width = max(len(r[0]) for r in rows)
    ids = torch.full((len(rows), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(rows), width), dtype=torch.long)
    types = torch.zeros((len(rows), width), dtype=torch.long)
    labels = torch.full((len(rows), width), -100, dtype=torch.long)
    for i, r in enumerate(rows):
        n = len(r[0])
        ids[i, :n] = torch.tensor(r[0])
        mask[i, :n] = 1
        if with_types:
            types[i, :n] = torch.tensor(r[1])
        else:
            labels[i, :n] = torch.tensor(r[1])
    batch = {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}
    if with_types:
        batch["section_labels"] = torch.tensor([r[2] for r in rows])
        batch["task"] = "section"
    else:
        batch["span_labels"] = labels
        batch["task"] = "span"
    return batch


def train(base: str | None, size: str, docs: list[tuple[GoldDoc, str]], out: Path, epochs: float = 3,
          batch_size: int = 16, lr: float = 3e-4, minutes: float = 0, seed: int = 13, bf16: bool = False,
          tokenizer_dir: str | None = None) -> dict:
    from transformers import AutoTokenizer

    from gongkai.model.configs import bert_config
    from gongkai.model.modeling import GongkaiTagger
    from gongkai.model.tokenizer import build_and_save

    torch.manual_seed(seed)
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    if base:
        tokenizer = AutoTokenizer.from_pretrained(base)
        from transformers import AutoConfig

        config = AutoConfig.from_pretrained(base)
        config.span_tags, config.section_labels = SPAN_TAGS, list(SECTION_LABELS)
        model = GongkaiTagger.from_pretrained(base, config=config)  # encoder weights; new heads
    else:
        tokenizer = (AutoTokenizer.from_pretrained(tokenizer_dir) if tokenizer_dir
                     else build_and_save((t for _, t in docs), out / "tokenizer", min_count=1))
        model = GongkaiTagger(bert_config(size, vocab_size=len(tokenizer)))
    examples = Examples([], [])
    for doc, text in docs:
        ex = doc_examples(tokenizer, doc, text)
        examples.spans.extend(ex.spans)
        examples.sections.extend(ex.sections)
    batches = [("span", examples.spans[i:i + batch_size]) for i in range(0, len(examples.spans), batch_size)]
    batches += [("section", examples.sections[i:i + batch_size]) for i in range(0, len(examples.sections), batch_size)]
    steps = int(len(batches) * epochs)
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=lr, total_steps=max(1, steps), pct_start=0.1)
    model.train()
    started, losses, step = time.time(), [], 0
    while step < steps:
        rng.shuffle(batches)
        for task, rows in batches:
            batch = collate(rows, tokenizer.pad_token_id, with_types=(task == "section"))
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
                loss = model(**batch)["loss"]
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad()
            losses.append(float(loss.detach()))
            step += 1
            if step % 50 == 0:
                print(f"step {step}/{steps} loss {sum(losses[-50:]) / len(losses[-50:]):.4f}", flush=True)
            if step >= steps or (minutes and time.time() - started > minutes * 60):
                steps = step
                break
    model.save_pretrained(str(out))
    tokenizer.save_pretrained(str(out))
    sources: dict[str, int] = {}
    for doc, _ in docs:
        kind = doc.id.split("_")[0] if doc.id.startswith(("synthetic_", "prose_", "cluener_")) else "gold"
        sources[kind] = sources.get(kind, 0) + 1
    info = {"base": base or f"from scratch ({size})", "documents": len(docs), "sources": sources, "span_windows": len(examples.spans),
            "section_examples": len(examples.sections), "steps": step, "epochs": epochs, "batch_size": batch_size,
            "lr": lr, "minutes": round((time.time() - started) / 60, 2),
            "loss_first": round(sum(losses[:20]) / max(1, len(losses[:20])), 4),
            "loss_last": round(sum(losses[-20:]) / max(1, len(losses[-20:])), 4)}
    (out / "training.json").write_text(json.dumps(info, ensure_ascii=False, indent=1), encoding="utf-8")
    write_card(out)
    return info


def load_training_docs(train_files: list[str], synthetic: int, seed: int = 13, prose: int = 0,
                       cluener: int = 0, exclude: tuple[str, ...] = ()) -> list[tuple[GoldDoc, str]]:
    from gongkai.training.data.silver import cluener_docs, prose_docs
    from gongkai.training.data.synthetic import generate

    docs = []
    for gold in load_gold(train_files) if train_files else []:
        if gold.level == "record" or not gold.paragraphs or gold.id in exclude:
            continue
        try:
            docs.append((gold, document_text(gold)))
        except Exception as exc:  # a corpus file missing: train on what is here, say so
            print(f"gongkai train: skipping {gold.id}: {exc}")
    docs += [(d, d.text) for d in generate(synthetic, seed=seed)] if synthetic else []
    docs += [(d, d.text) for d in prose_docs(prose, seed=seed)] if prose else []
    docs += [(d, d.text) for d in cluener_docs(cluener, seed=seed)] if cluener else []
    return docs


def main(argv=None) -> int:
    """`gongkai train …`: argv is the command's arguments (a Namespace is accepted too)."""
    import argparse

    if not isinstance(argv, argparse.Namespace):
        parser = argparse.ArgumentParser(prog="gongkai train", allow_abbrev=False)
        add_arguments(parser)
        argv = parser.parse_args(argv)
    args = argv
    train_files = args.train or []
    if any("test" in Path(f).name for f in train_files):
        print("gongkai train: refusing a test-split file as training data", flush=True)
        return 2
    docs = load_training_docs(train_files, args.synthetic, args.seed, prose=args.prose, cluener=args.cluener,
                              exclude=tuple(args.exclude or ()))
    if not docs:
        print("gongkai train: no training documents", flush=True)
        return 2
    info = train(args.base_model, args.size, docs, Path(args.out), epochs=args.epochs, batch_size=args.batch_size,
                 lr=args.lr, minutes=args.minutes, seed=args.seed, bf16=args.bf16, tokenizer_dir=args.tokenizer)
    print(json.dumps(info, ensure_ascii=False))
    return 0


def add_arguments(p) -> None:
    p.add_argument("--base-model", help="a BERT checkpoint folder or hub id (e.g. runs/pretrain-L4/final); "
                                        "none: train from scratch at --size")
    p.add_argument("--size", default="L4-H256")
    p.add_argument("--tokenizer", help="tokenizer folder when training from scratch")
    p.add_argument("--train", nargs="*", default=["annotations/gold/train.jsonl"])
    p.add_argument("--synthetic", type=int, default=300, help="synthetic reports added to the gold documents")
    p.add_argument("--prose", type=int, default=0,
                   help="silver paragraphs of real prose (pretraining corpus) with the rules' spans")
    p.add_argument("--cluener", type=int, default=0,
                   help="CLUENER2020 train sentences: AGENCY from its government label, the rest from the rules")
    p.add_argument("--exclude", nargs="*", help="gold document ids to hold out (a dev set for choosing the hybrid's settings)")
    p.add_argument("--out", required=True)
    p.add_argument("--epochs", type=float, default=3)
    p.add_argument("--batch-size", type=int, default=16)
    p.add_argument("--lr", type=float, default=3e-4)
    p.add_argument("--minutes", type=float, default=0)
    p.add_argument("--bf16", action="store_true")
    p.add_argument("--seed", type=int, default=13)
