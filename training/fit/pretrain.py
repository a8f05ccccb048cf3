"""`gongkai pretrain`: masked-LM pretraining of a compact Chinese BERT with `Trainer`.

Text: ../shared/corpus/pretrain plus the annotated reports of the train split (never the
test split), width-folded as the taggers see it. Checkpoints go to OUT/checkpoint-*; a
rerun of the same command resumes from the last one, so hours of CPU pretraining survive
restarts. `--minutes` stops cleanly (and saves) after that long.
"""
from __future__ import annotations

import time
from pathlib import Path

import torch


class PackedText(torch.utils.data.Dataset):
    """Paragraphs tokenised once and packed into sequences of `length` tokens."""

    def __init__(self, ids: list[int], length: int, cls_id: int, sep_id: int):
        body = length - 2
        self.blocks = [[cls_id] + ids[i : i + body] + [sep_id] for i in range(0, len(ids) - body, body)]

    def __len__(self) -> int:
        return len(self.blocks)

    def __getitem__(self, i: int) -> dict:
        return {"input_ids": self.blocks[i]}


def encode_corpus(tokenizer, texts, max_chars: int | None = None) -> list[int]:
    from gongkai.inference.text.normalize import fold_width

    ids: list[int] = []
    sep = tokenizer.sep_token_id
    total = 0
    batch: list[str] = []

    def flush():
        for enc in tokenizer(batch, add_special_tokens=False)["input_ids"]:
            ids.extend(enc)
            ids.append(sep)
        batch.clear()

    for text in texts:
        text = fold_width(text)
        batch.append(text)
        total += len(text)
        if len(batch) >= 512:
            flush()
        if max_chars and total >= max_chars:
            break
    if batch:
        flush()
    return ids


def main(argv=None) -> int:
    """`gongkai pretrain …`: argv is the command's arguments (a Namespace is accepted too)."""
    import argparse

    if not isinstance(argv, argparse.Namespace):
        parser = argparse.ArgumentParser(prog="gongkai pretrain", allow_abbrev=False)
        add_arguments(parser)
        argv = parser.parse_args(argv)
    args = argv
    from transformers import (AutoTokenizer, BertForMaskedLM, DataCollatorForLanguageModeling, Trainer,
                              TrainerCallback, TrainingArguments)

    from gongkai.model.configs import bert_config
    from gongkai.model.tokenizer import build_and_save

    from gongkai.training.data.corpus import paragraphs, pretrain_texts, report_texts

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    corpus = Path(args.corpus) if args.corpus else None
    tok_dir = out / "tokenizer"
    if (tok_dir / "tokenizer.json").exists():
        tokenizer = AutoTokenizer.from_pretrained(str(tok_dir))
    else:
        def all_text():
            yield from pretrain_texts(corpus)
            yield from report_texts()

        tokenizer = build_and_save(all_text(), tok_dir)
    print(f"tokenizer: {len(tokenizer)} tokens")

    def texts():
        # reports first: they are few, and every epoch should see them
        yield from paragraphs(report_texts())
        yield from paragraphs(pretrain_texts(corpus))

    ids = encode_corpus(tokenizer, texts(), max_chars=args.max_chars)
    data = PackedText(ids, args.seq_len, tokenizer.cls_token_id, tokenizer.sep_token_id)
    print(f"pretraining text: {len(ids):,} tokens in {len(data):,} sequences of {args.seq_len}")

    checkpoints = sorted(out.glob("checkpoint-*"), key=lambda p: int(p.name.split("-")[-1]))
    if checkpoints:
        model = BertForMaskedLM.from_pretrained(str(checkpoints[-1]))
    else:
        model = BertForMaskedLM(bert_config(args.size, vocab_size=len(tokenizer)))
    print(f"model {args.size}: {sum(p.numel() for p in model.parameters()) / 1e6:.1f}M parameters")

    started = time.time()

    class StopAfter(TrainerCallback):
        def on_step_end(self, a, state, control, **kw):
            if args.minutes and time.time() - started > args.minutes * 60:
                control.should_save = True
                control.should_training_stop = True

    training = TrainingArguments(
        output_dir=str(out), per_device_train_batch_size=args.batch_size, learning_rate=args.lr,
        num_train_epochs=args.epochs, max_steps=args.max_steps or -1, warmup_steps=min(500, max(10, len(data) // 50)),
        weight_decay=0.01, logging_steps=50, save_steps=args.save_steps, save_total_limit=2,
        use_cpu=not torch.cuda.is_available(), bf16=args.bf16, dataloader_num_workers=0, report_to=[],
        seed=args.seed,
    )
    trainer = Trainer(model=model, args=training, train_dataset=data,
                      data_collator=DataCollatorForLanguageModeling(tokenizer, mlm_probability=0.15),
                      callbacks=[StopAfter()])
    trainer.train(resume_from_checkpoint=str(checkpoints[-1]) if checkpoints else None)
    final = out / "final"
    trainer.save_model(str(final))
    tokenizer.save_pretrained(str(final))
    print(f"saved {final} after {(time.time() - started) / 60:.1f} min, loss {trainer.state.log_history[-1]}")
    return 0


def add_arguments(p) -> None:
    p.add_argument("--corpus", help="the shared corpus folder (default ../shared/corpus)")
    p.add_argument("--size", default="L4-H256", help="tiny, L2-H128, L4-H256, L6-H384")
    p.add_argument("--out", required=True)
    p.add_argument("--seq-len", type=int, default=128)
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--lr", type=float, default=5e-4)
    p.add_argument("--epochs", type=float, default=1.0)
    p.add_argument("--max-steps", type=int, default=0)
    p.add_argument("--max-chars", type=int, default=0, help="use at most this much text (0: all)")
    p.add_argument("--minutes", type=float, default=0, help="stop and save after this many minutes")
    p.add_argument("--save-steps", type=int, default=500)
    p.add_argument("--bf16", action="store_true", help="bf16 autocast (fast on CPUs with AMX)")
    p.add_argument("--seed", type=int, default=13)
