"""One BERT encoder, two heads: a span tagger (BIO over characters) and a section
classifier (the paragraph's [CLS] vector, with its context as the first segment).

One shared encoder keeps the shipped model small and runs the encoder once per paragraph
window for spans and once per paragraph for sections. It loads any Hugging Face BERT
checkpoint (`bert-base-chinese`, `hfl/chinese-roberta-wwm-ext`, a local folder, the
project's own MLM-pretrained encoder): the `bert.*` weights are taken, the heads are new.
"""
from __future__ import annotations

import torch
from torch import nn
from transformers import BertModel, BertPreTrainedModel

from gongkai.labels import SECTION_LABELS, SPAN_LABELS

SPAN_TAGS = ["O"] + [f"{p}-{label}" for label in SPAN_LABELS for p in ("B", "I")]


class GongkaiTagger(BertPreTrainedModel):
    def __init__(self, config):
        super().__init__(config)
        config.span_tags = list(getattr(config, "span_tags", None) or SPAN_TAGS)
        config.section_labels = list(getattr(config, "section_labels", None) or SECTION_LABELS)
        self.bert = BertModel(config, add_pooling_layer=False)
        self.dropout = nn.Dropout(config.hidden_dropout_prob)
        self.span_head = nn.Linear(config.hidden_size, len(config.span_tags))
        self.section_head = nn.Linear(config.hidden_size, len(config.section_labels))
        self.post_init()

    def forward(self, input_ids=None, attention_mask=None, token_type_ids=None, span_labels=None,
                section_labels=None, task: str | None = None, **kwargs):
        """task "span" (logits per token), "section" (logits per sequence from [CLS]) or "both":
        one encoder pass serving both heads. Without `task`, the labels given decide. In training
        batches may mix rows of both kinds: a label of -100 leaves a row (or token) out of a loss."""
        if task is None:
            task = ("both" if span_labels is not None and section_labels is not None
                    else "section" if section_labels is not None else "span")
        hidden = self.bert(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids).last_hidden_state
        hidden = self.dropout(hidden)
        out: dict = {"loss": None}
        if task in ("span", "both"):
            out["span_logits"] = self.span_head(hidden)
            if span_labels is not None:
                out["loss"] = _masked_cross_entropy(out["span_logits"], span_labels)
        if task in ("section", "both"):
            out["section_logits"] = self.section_head(hidden[:, 0])
            if section_labels is not None:
                loss = _masked_cross_entropy(out["section_logits"], section_labels)
                out["loss"] = loss if out["loss"] is None else out["loss"] + loss
        out["logits"] = out["section_logits"] if task == "section" else out["span_logits"]
        return out


def _masked_cross_entropy(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy over the labels that are not -100; zero (not NaN) when there are none,
    as in a batch without a row of that kind."""
    logits, labels = logits.reshape(-1, logits.size(-1)), labels.reshape(-1)
    keep = labels != -100
    if not bool(keep.any()):
        return logits.sum() * 0.0
    return nn.functional.cross_entropy(logits[keep], labels[keep])


def load_tagger(path: str, **kwargs) -> GongkaiTagger:
    """A fine-tuned tagger, or a fresh one on top of a base BERT checkpoint."""
    return GongkaiTagger.from_pretrained(path, **kwargs)


def count_parameters(model: torch.nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())
