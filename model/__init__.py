"""gongkai.model: tokenizer, BERT encoder with section and span heads, load/save, shipped weights."""
