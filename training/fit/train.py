"""`gongkai train`: fine-tune the span and section heads (and the encoder), in the manner of
the Hugging Face token-classification example: an argument dataclass (`HfArgumentParser`),
a `Dataset` of examples and a collator, `Trainer`, and an evaluation at the end (seqeval,
strict spans per label, section accuracy) on a gold split that was not trained on.

One dataset holds both kinds of example: span windows (BIO over characters) and section
examples (context + paragraph → section). A batch mixes them; each row leaves the other
head's loss out (label -100), so one encoder learns both in the same steps.

Data: gold train documents (never the test split) plus synthetic reports and, optionally,
silver real prose and CLUENER sentences. Output: a `save_pretrained` folder (model,
tokenizer, label maps in config.json) with training.json, eval.json and a model card.
"""
from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import torch

from gongkai.labels import SECTION_LABELS
from gongkai.model.features import SECTION_MAX_TOKENS, paragraph_windows, section_context
from gongkai.model.modeling import SPAN_TAGS

from gongkai.training.data.annotations import GoldDoc, document_text, load_gold
from gongkai.training.release.card import write_card


@dataclass
class TrainArguments:
    out: str = field(metadata={"help": "the model folder to write"})
    base_model: str | None = field(default=None, metadata={
        "help": "a BERT folder (model/base, a pretrain run's final/), a fine-tuned tagger or a hub id; "
                "none: train from scratch at --size"})
    size: str = field(default="L4-H256", metadata={"help": "tiny, L2-H128, L4-H256, L6-H384 (from scratch only)"})
    tokenizer: str | None = field(default=None, metadata={"help": "tokenizer folder when training from scratch"})
    train: list[str] = field(default_factory=lambda: ["annotations/gold/train.jsonl"],
                             metadata={"help": "gold JSONL files to train on (never the test split)"})
    exclude: list[str] = field(default_factory=list, metadata={"help": "gold document ids to hold out"})
    synthetic: int = field(default=300, metadata={"help": "synthetic reports added to the gold documents"})
    prose: int = field(default=0, metadata={"help": "silver paragraphs of real prose with the rules' spans"})
    cluener: int = field(default=0, metadata={
        "help": "CLUENER2020 train sentences: AGENCY from its government label, the rest from the rules"})
    eval: list[str] = field(default_factory=lambda: ["annotations/gold/test.jsonl"],
                            metadata={"help": "gold files scored at the end (model alone); empty: no evaluation"})
    epochs: float = field(default=3.0, metadata={"help": "passes over the examples (unless --max-steps)"})
    max_steps: int = field(default=0, metadata={"help": "a fixed number of steps instead of --epochs"})
    batch_size: int = field(default=16, metadata={"help": "examples per step"})
    lr: float = field(default=3e-4, metadata={"help": "peak learning rate (warm-up 10 %%, linear decay)"})
    minutes: float = field(default=0, metadata={"help": "stop (and save) after this many minutes"})
    bf16: bool = field(default=False, metadata={"help": "bf16 autocast (fast on CPUs with AMX and on GPUs)"})
    seed: int = field(default=13, metadata={"help": "random seed"})


class TaggerExamples(torch.utils.data.Dataset):
    """Span windows and section examples of documents, as dicts the collator pads: a span row
    has `span_labels` per token, a section row `section_label`; each lacks the other."""

    def __init__(self, tokenizer, docs: list[tuple[GoldDoc, str]]):
        self.rows: list[dict] = []
        for doc, text in docs:
            self.rows.extend(doc_examples(tokenizer, doc, text))

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, i: int) -> dict:
        return self.rows[i]

    def counts(self) -> tuple[int, int]:
        spans = sum("span_labels" in r for r in self.rows)
        return spans, len(self.rows) - spans


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


def doc_examples(tokenizer, doc: GoldDoc, text: str) -> list[dict]:
    """A document's training rows, made exactly as inference sees the text: the normalised
    view, paragraph windows (gongkai.model.features), and each paragraph's section context."""
    from gongkai.inference.text.normalize import normalize

    view = normalize(text)
    tag_index = {t: i for i, t in enumerate(SPAN_TAGS)}
    section_index = {s: i for i, s in enumerate(SECTION_LABELS)}
    spans = [(*view.to_view(s["start"], s["end"]), s["label"]) for s in doc.spans]
    tags = char_tags(view.text, spans)
    paras = sorted(doc.paragraphs, key=lambda p: p["start"])
    ranges = [view.to_view(p["start"], p["end"]) for p in paras]
    texts = [view.text[a:b] for a, b in ranges]
    rows: list[dict] = []
    for k, (p, (vs, _)) in enumerate(zip(paras, ranges)):
        if p["section"] is not None:  # silver prose has spans but no sections
            enc = tokenizer(section_context(texts, k), texts[k][:200], truncation=True, max_length=SECTION_MAX_TOKENS,
                            return_token_type_ids=True)
            rows.append({"input_ids": enc["input_ids"], "token_type_ids": enc["token_type_ids"],
                         "section_label": section_index[p["section"]]})
        if p["section"] == "boilerplate":
            continue
        for w in paragraph_windows(tokenizer, texts[k]):
            rows.append({"input_ids": w.input_ids,
                         "span_labels": [-100] + [tag_index[tags[vs + a]] for a, _ in w.char_offsets] + [-100]})
    return rows


@dataclass
class TaggerCollator:
    """Pads a mixed batch; rows without span labels get -100 per token, rows without a section
    label get -100, so each head's loss sees only its own rows."""

    pad_id: int

    def __call__(self, rows: list[dict]) -> dict:
        width = max(len(r["input_ids"]) for r in rows)
        n = len(rows)
        ids = torch.full((n, width), self.pad_id, dtype=torch.long)
        mask = torch.zeros((n, width), dtype=torch.long)
        types = torch.zeros((n, width), dtype=torch.long)
        span_labels = torch.full((n, width), -100, dtype=torch.long)
        section_labels = torch.full((n,), -100, dtype=torch.long)
        for i, r in enumerate(rows):
            k = len(r["input_ids"])
            ids[i, :k] = torch.tensor(r["input_ids"])
            mask[i, :k] = 1
            if "token_type_ids" in r:
                types[i, :k] = torch.tensor(r["token_type_ids"])
            if "span_labels" in r:
                span_labels[i, :k] = torch.tensor(r["span_labels"])
            if "section_label" in r:
                section_labels[i] = r["section_label"]
        return {"input_ids": ids, "attention_mask": mask, "token_type_ids": types, "span_labels": span_labels,
                "section_labels": section_labels}


def load_model_and_tokenizer(args: TrainArguments, docs: list[tuple[GoldDoc, str]], out: Path):
    from transformers import AutoConfig, AutoTokenizer

    from gongkai.model.configs import bert_config
    from gongkai.model.modeling import GongkaiTagger
    from gongkai.model.tokenizer import build_and_save

    if args.base_model:
        tokenizer = AutoTokenizer.from_pretrained(args.base_model)
        config = AutoConfig.from_pretrained(args.base_model)
        config.span_tags, config.section_labels = SPAN_TAGS, list(SECTION_LABELS)
        config.architectures = ["GongkaiTagger"]
        # the encoder's weights; the heads too where the base is already a tagger
        model = GongkaiTagger.from_pretrained(args.base_model, config=config, dtype=torch.float32)
    else:
        tokenizer = (AutoTokenizer.from_pretrained(args.tokenizer) if args.tokenizer
                     else build_and_save((t for _, t in docs), out / "tokenizer", min_count=1))
        model = GongkaiTagger(bert_config(args.size, vocab_size=len(tokenizer)))
    return model, tokenizer


def train(args: TrainArguments, docs: list[tuple[GoldDoc, str]]) -> dict:
    """Fine-tune on `docs`, save to args.out, evaluate on args.eval; returns training.json's facts."""
    from transformers import Trainer, TrainerCallback, TrainingArguments
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()  # new heads on a base encoder: the "newly initialized" notice is expected
    torch.manual_seed(args.seed)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    model, tokenizer = load_model_and_tokenizer(args, docs, out)
    data = TaggerExamples(tokenizer, docs)
    span_rows, section_rows = data.counts()
    steps = args.max_steps or max(1, int(len(data) * args.epochs / args.batch_size))
    started = time.time()

    class StopAfter(TrainerCallback):
        def on_step_end(self, a, state, control, **kw):
            if args.minutes and time.time() - started > args.minutes * 60:
                control.should_training_stop = True

    training = TrainingArguments(
        output_dir=str(out / "trainer"), per_device_train_batch_size=args.batch_size, learning_rate=args.lr,
        max_steps=steps, warmup_steps=max(1, steps // 10), lr_scheduler_type="linear", weight_decay=0.01,
        max_grad_norm=1.0, logging_steps=50, save_strategy="no", use_cpu=not torch.cuda.is_available(),
        bf16=args.bf16, report_to=[], seed=args.seed, disable_tqdm=True, remove_unused_columns=False,
    )
    trainer = Trainer(model=model, args=training, train_dataset=data, data_collator=TaggerCollator(tokenizer.pad_token_id),
                      callbacks=[StopAfter()])
    trainer.train()
    model.save_pretrained(str(out))
    tokenizer.save_pretrained(str(out))
    losses = [h["loss"] for h in trainer.state.log_history if "loss" in h]
    sources: dict[str, int] = {}
    for doc, _ in docs:
        kind = doc.id.split("_")[0] if doc.id.startswith(("synthetic_", "prose_", "cluener_")) else "gold"
        sources[kind] = sources.get(kind, 0) + 1
    info = {"base": args.base_model or f"from scratch ({args.size})", "documents": len(docs), "sources": sources,
            "span_windows": span_rows, "section_examples": section_rows, "steps": trainer.state.global_step,
            "epochs": round(trainer.state.global_step * args.batch_size / max(1, len(data)), 2),
            "batch_size": args.batch_size, "lr": args.lr, "minutes": round((time.time() - started) / 60, 2),
            "device": "GPU" if torch.cuda.is_available() else "CPU",
            "loss_first": round(losses[0], 4) if losses else None, "loss_last": round(losses[-1], 4) if losses else None,
            "arguments": {k: v for k, v in asdict(args).items() if k != "out"}}
    (out / "training.json").write_text(json.dumps(info, ensure_ascii=False, indent=1), encoding="utf-8")
    write_card(out)
    if args.eval:
        info["eval"] = evaluate_folder(out, args.eval)
    return info


def evaluate_folder(folder: Path, gold_files: list[str]) -> dict:
    """The model alone on gold documents: strict span F1 per label (and seqeval's strict micro
    F1 over the same character tags), section accuracy; written to FOLDER/eval.json."""
    from gongkai.labels import SPAN_LABELS
    from gongkai.inference.pipeline import Pipeline
    from gongkai.training.evaluation.evaluate import evaluate

    golds = [g for g in load_gold(gold_files) if g.level != "record" and g.paragraphs]
    res = evaluate(golds, Pipeline.default(model=folder, mode="model"))
    figures = {"documents": len(golds), "sections": res["sections"]["accuracy"],
               **{label: res["spans_strict"][label]["f1"] for label in list(SPAN_LABELS) + ["micro"]},
               "seqeval_micro": (res["spans_strict_seqeval"] or {}).get("f1")}
    (folder / "eval.json").write_text(json.dumps(figures, indent=1), encoding="utf-8")
    print("eval (model alone): " + "  ".join(f"{k} {v:.3f}" for k, v in figures.items()
                                            if isinstance(v, float)), flush=True)
    return figures


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


def parse(argv=None) -> TrainArguments:
    from transformers import HfArgumentParser

    parser = HfArgumentParser(TrainArguments, prog="gongkai train", allow_abbrev=False,
                              description=__doc__.split("\n\n")[0])
    (args,) = parser.parse_args_into_dataclasses(args=argv)
    return args


def main(argv=None) -> int:
    """`gongkai train …`: argv is the command's arguments (a TrainArguments is accepted too)."""
    args = argv if isinstance(argv, TrainArguments) else parse(argv)
    if any("test" in Path(f).name for f in args.train):
        print("gongkai train: refusing a test-split file as training data", flush=True)
        return 2
    docs = load_training_docs(args.train, args.synthetic, args.seed, prose=args.prose, cluener=args.cluener,
                              exclude=tuple(args.exclude))
    if not docs:
        print("gongkai train: no training documents", flush=True)
        return 2
    info = train(args, docs)
    print(json.dumps(info, ensure_ascii=False))
    return 0
