"""A per-character tokenizer for Chinese government text.

BERT's own pre-tokenizer keeps digit runs whole (2022 → [UNK]) and `BertTokenizerFast`
ignores `vocab_file` in transformers 5, so the project builds its own: every non-space
character is one token (WordLevel over `Split(\\S, isolated)` after whitespace splitting),
with exact character offsets. The vocabulary covers Simplified and Traditional characters
(each Simplified character's Traditional forms via OpenCC), ASCII, full-width forms and
punctuation. It is saved with `save_pretrained` and reloads with `AutoTokenizer`.
"""
from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Iterable

SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


def build_vocab(texts: Iterable[str], min_count: int = 2, max_size: int = 12000) -> list[str]:
    import opencc

    counts: Counter = Counter()
    for text in texts:
        counts.update(c for c in text if not c.isspace())
    chars = [c for c, n in counts.most_common() if n >= min_count][: max_size - 400]
    vocab = dict.fromkeys(chars)
    # Traditional forms of the Simplified characters seen (Taiwan phrase conversion too).
    to_trad = [opencc.OpenCC("s2t"), opencc.OpenCC("s2twp")]
    han = "".join(c for c in chars if "\u4e00" <= c <= "\u9fff")
    for conv in to_trad:
        for c in conv.convert(han):
            vocab.setdefault(c)
    for code in list(range(0x21, 0x7F)) + list(range(0xFF01, 0xFF5F)):
        vocab.setdefault(chr(code))
    for c in "、。，；：？！“”‘’（）《》〈〉【】〔〕—…·％○〇●■□△▲×÷±≤≥":
        vocab.setdefault(c)
    ordered = SPECIAL + [c for c in vocab if c not in SPECIAL]
    return ordered[:max_size]


def make_tokenizer(vocab: list[str]):
    from tokenizers import Regex, Tokenizer, models, pre_tokenizers, processors
    from transformers import PreTrainedTokenizerFast

    ids = {tok: i for i, tok in enumerate(vocab)}
    tok = Tokenizer(models.WordLevel(vocab=ids, unk_token="[UNK]"))
    tok.pre_tokenizer = pre_tokenizers.Sequence(
        [pre_tokenizers.WhitespaceSplit(), pre_tokenizers.Split(Regex(r"\S"), behavior="isolated")]
    )
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B [SEP]",
        special_tokens=[("[CLS]", ids["[CLS]"]), ("[SEP]", ids["[SEP]"])],
    )
    return PreTrainedTokenizerFast(
        tokenizer_object=tok, unk_token="[UNK]", pad_token="[PAD]", cls_token="[CLS]", sep_token="[SEP]",
        mask_token="[MASK]", model_max_length=512, model_input_names=["input_ids", "token_type_ids", "attention_mask"],
    )


def build_and_save(texts: Iterable[str], out: str | Path, **kwargs):
    tokenizer = make_tokenizer(build_vocab(texts, **kwargs))
    tokenizer.save_pretrained(str(out))
    return tokenizer
