"""Fine-tune an encoder for character-level NER (BIO; a softmax or a CRF head) and score it with
seqeval: the public-benchmark check of a base encoder (`benchmarks/cluener.py --finetune`),
in the manner of the Hugging Face token-classification example (argument dataclass, a
Dataset, `DataCollatorForTokenClassification`, `Trainer`, seqeval at the end).

Sentences come as (text, [(start, end, label), ...]) with end-exclusive offsets; every
non-space character is one token (the project's tokenizer), so tags are per character.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import torch

Sentence = tuple[str, list[tuple[int, int, str]]]


@dataclass
class NerArguments:
    base: str = field(metadata={"help": "the encoder to fine-tune: a BERT folder, an MLM checkpoint or a gongkai tagger"})
    out: str | None = field(default=None, metadata={"help": "save the fine-tuned model here (default: not saved)"})
    epochs: float = field(default=4.0, metadata={"help": "passes over the training sentences"})
    batch_size: int = field(default=32, metadata={"help": "sentences per step"})
    lr: float = field(default=2e-4, metadata={"help": "peak learning rate (linear warm-up 10 %%, linear decay)"})
    max_tokens: int = field(default=128, metadata={"help": "longer sentences are cut (CLUENER's are at most 50)"})
    max_train: int = field(default=0, metadata={"help": "use at most this many training sentences (0: all)"})
    bf16: bool = field(default=True, metadata={"help": "bf16 autocast (fast on CPUs with AMX and on GPUs)"})
    seed: int = field(default=13, metadata={"help": "random seed"})
    head: str = field(default="softmax", metadata={
        "help": "softmax (a tag per token) or crf (pytorch-crf: tag transitions learnt, Viterbi decoding)"})
    head_lr: float = field(default=0.0, metadata={
        "help": "learning rate of the new head and the CRF's transitions (0: the same as --lr)"})


class TokenDataset(torch.utils.data.Dataset):
    """Sentences as token ids and per-token BIO label ids ([CLS]/[SEP] get -100)."""

    def __init__(self, tokenizer, sentences: list[Sentence], tags: list[str], max_tokens: int = 128):
        index = {t: i for i, t in enumerate(tags)}
        self.rows = []
        for text, spans in sentences:
            char_tags = bio(text, spans)
            enc = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True, verbose=False)
            ids, offsets = enc["input_ids"][: max_tokens - 2], enc["offset_mapping"][: max_tokens - 2]
            labels = [index.get(char_tags[a], 0) for a, _ in offsets]
            self.rows.append({"input_ids": [tokenizer.cls_token_id] + ids + [tokenizer.sep_token_id],
                              "labels": [-100] + labels + [-100], "offsets": offsets})

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, i: int) -> dict:
        row = self.rows[i]
        return {"input_ids": row["input_ids"], "labels": row["labels"]}


def bio(text: str, spans: list[tuple[int, int, str]]) -> list[str]:
    """Per-character BIO tags (whitespace stays O; the first non-space character is B-)."""
    tags = ["O"] * len(text)
    for s, e, label in sorted(spans):
        if any(t != "O" for t in tags[s:e]):
            continue  # nested or overlapping gold: the first keeps its characters
        first = True
        for i in range(s, e):
            if not text[i].isspace():
                tags[i] = ("B-" if first else "I-") + label
                first = False
    return tags


def crf_model_class():
    """BERT with a linear emission layer and a CRF over the characters ([CLS], [SEP] and
    padding left out: the CRF's mask must start at the first step). Built on call so that
    importing this module needs neither transformers nor pytorch-crf."""
    from torchcrf import CRF
    from transformers import BertModel, BertPreTrainedModel
    from transformers.modeling_outputs import TokenClassifierOutput

    class BertCrfForTokenClassification(BertPreTrainedModel):
        def __init__(self, config):
            super().__init__(config)
            self.num_labels = config.num_labels
            self.bert = BertModel(config, add_pooling_layer=False)
            self.dropout = torch.nn.Dropout(config.hidden_dropout_prob)
            self.classifier = torch.nn.Linear(config.hidden_size, config.num_labels)
            self.crf = CRF(config.num_labels, batch_first=True)
            self.post_init()

        def _init_weights(self, module):
            # from_pretrained builds on the meta device and initialises only what the
            # checkpoint lacks, through this method: the CRF's transitions must be named
            super()._init_weights(module)
            if isinstance(module, CRF):
                for param in (module.start_transitions, module.end_transitions, module.transitions):
                    torch.nn.init.uniform_(param, -0.1, 0.1)

        def forward(self, input_ids=None, attention_mask=None, labels=None, **kwargs):
            hidden = self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            logits = self.classifier(self.dropout(hidden))
            loss = None
            if labels is not None:
                gold = labels[:, 1:]
                mask = gold != -100
                # the CRF in float32: its log-sum-exp over paths loses too much in bf16
                loss = -self.crf(logits[:, 1:].float(), gold.clamp(min=0), mask=mask, reduction="token_mean")
            return TokenClassifierOutput(loss=loss, logits=logits)

        def decode(self, logits, lengths: list[int]) -> list[list[int]]:
            """Best tag path of each sentence (`lengths`: its characters, specials excluded)."""
            steps = logits.shape[1] - 1
            mask = torch.arange(steps, device=logits.device)[None, :] < torch.tensor(lengths, device=logits.device)[:, None]
            mask[:, 0] = True  # an empty sentence still needs one step; its tag is dropped
            return self.crf.decode(logits[:, 1:].float(), mask=mask)

    return BertCrfForTokenClassification


def tag_set(labels: list[str]) -> list[str]:
    return ["O"] + [f"{p}-{label}" for label in labels for p in ("B", "I")]


def predict_tags(model, dataset: TokenDataset, tags: list[str], pad_id: int, batch_size: int = 64,
                 bf16: bool = True) -> list[list[str]]:
    """Per-token tag strings of every sentence (special tokens dropped)."""
    model.eval()
    out: list[list[str]] = []
    device = next(model.parameters()).device
    for i in range(0, len(dataset), batch_size):
        rows = dataset.rows[i:i + batch_size]
        ids = torch.nn.utils.rnn.pad_sequence([torch.tensor(r["input_ids"]) for r in rows], batch_first=True,
                                              padding_value=pad_id).to(device)
        with torch.inference_mode(), torch.autocast(device.type, dtype=torch.bfloat16, enabled=bf16):
            logits = model(input_ids=ids, attention_mask=(ids != pad_id).long()).logits.float()
        lengths = [len(r["input_ids"]) - 2 for r in rows]
        if hasattr(model, "crf"):
            paths = model.decode(logits, lengths)
            out.extend([tags[t] for t in path[:n]] for path, n in zip(paths, lengths))
        else:
            best = logits.argmax(-1).tolist()
            out.extend([tags[t] for t in b[1:n + 1]] for b, n in zip(best, lengths))
    return out


def seqeval_scores(gold: list[list[str]], pred: list[list[str]]) -> dict:
    """Overall micro P/R/F1 and F1 per label (seqeval, entity level, exact boundaries)."""
    from seqeval.metrics import classification_report, f1_score, precision_score, recall_score

    report = classification_report(gold, pred, output_dict=True, zero_division=0)
    per_label = {k: v for k, v in report.items() if not k.endswith(" avg")}
    return {"precision": precision_score(gold, pred), "recall": recall_score(gold, pred), "f1": f1_score(gold, pred),
            "labels": {k: {"f1": v["f1-score"], "support": int(v["support"])} for k, v in sorted(per_label.items())}}


def finetune(args: NerArguments, train: list[Sentence], dev: list[Sentence], labels: list[str]) -> dict:
    """Fine-tune `args.base` on `train`, score on `dev`; returns the seqeval figures and the run's facts."""
    from transformers import (AutoConfig, AutoTokenizer, BertForTokenClassification, DataCollatorForTokenClassification,
                              Trainer, TrainingArguments)
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()  # a new head on an encoder: the "newly initialized" notice is expected
    torch.manual_seed(args.seed)
    tags = tag_set(labels)
    tokenizer = AutoTokenizer.from_pretrained(args.base)
    config = AutoConfig.from_pretrained(args.base, num_labels=len(tags), id2label=dict(enumerate(tags)),
                                        label2id={t: i for i, t in enumerate(tags)})
    if args.head not in ("softmax", "crf"):
        raise ValueError(f"--head must be softmax or crf, not {args.head!r}")
    model_class = crf_model_class() if args.head == "crf" else BertForTokenClassification
    config.architectures = [model_class.__name__]
    model = model_class.from_pretrained(args.base, config=config, dtype=torch.float32)
    if args.max_train:
        train = train[: args.max_train]
    train_set = TokenDataset(tokenizer, train, tags, args.max_tokens)
    dev_set = TokenDataset(tokenizer, dev, tags, args.max_tokens)
    out = args.out or str(Path("runs") / "ner-tmp")
    steps = max(1, int(len(train_set) * args.epochs / args.batch_size))
    training = TrainingArguments(
        output_dir=out, per_device_train_batch_size=args.batch_size, learning_rate=args.lr, max_steps=steps,
        warmup_steps=max(1, steps // 10), lr_scheduler_type="linear", weight_decay=0.01, logging_steps=50,
        save_strategy="no", use_cpu=not torch.cuda.is_available(), bf16=args.bf16, report_to=[], seed=args.seed,
        disable_tqdm=True, train_sampling_strategy="group_by_length",
    )
    optimizers = (None, None)
    if args.head_lr:  # the head starts from nothing; the encoder only needs nudging
        head = [p for n, p in model.named_parameters() if not n.startswith("bert.")]
        body = [p for n, p in model.named_parameters() if n.startswith("bert.")]
        optimizer = torch.optim.AdamW([{"params": body, "lr": args.lr}, {"params": head, "lr": args.head_lr}],
                                      weight_decay=0.01)
        optimizers = (optimizer, None)  # the schedule: Trainer's, from `training` (warm-up, linear decay)
    trainer = Trainer(model=model, args=training, train_dataset=train_set, optimizers=optimizers,
                      data_collator=DataCollatorForTokenClassification(tokenizer), processing_class=tokenizer)
    started = time.time()
    trainer.train()
    minutes = (time.time() - started) / 60
    gold = [[tags[t] for t in r["labels"][1:-1]] for r in dev_set.rows]
    pred = predict_tags(trainer.model, dev_set, tags, tokenizer.pad_token_id, bf16=args.bf16)
    scores = seqeval_scores(gold, pred)
    if args.out:
        trainer.save_model(args.out)
    losses = [h["loss"] for h in trainer.state.log_history if "loss" in h]
    return {**scores, "steps": steps, "minutes": round(minutes, 2), "train_sentences": len(train_set),
            "dev_sentences": len(dev_set), "loss_last": losses[-1] if losses else None, "base": args.base,
            "head": args.head}
