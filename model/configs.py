"""BERT sizes, named as in MACHINE_NOTES.md (layers L, hidden H, heads A)."""
from __future__ import annotations

SIZES: dict[str, dict] = {
    # for tests: trains in seconds
    "tiny": {"num_hidden_layers": 1, "hidden_size": 32, "num_attention_heads": 2, "intermediate_size": 64},
    "L2-H128": {"num_hidden_layers": 2, "hidden_size": 128, "num_attention_heads": 2, "intermediate_size": 512},
    "L4-H256": {"num_hidden_layers": 4, "hidden_size": 256, "num_attention_heads": 4, "intermediate_size": 1024},
    "L6-H384": {"num_hidden_layers": 6, "hidden_size": 384, "num_attention_heads": 6, "intermediate_size": 1536},
}


def bert_config(size: str, vocab_size: int, **overrides):
    from transformers import BertConfig

    if size not in SIZES:
        raise ValueError(f"unknown size {size!r}: one of {', '.join(SIZES)}")
    return BertConfig(vocab_size=vocab_size, max_position_embeddings=512, type_vocab_size=2,
                      **{**SIZES[size], **overrides})
