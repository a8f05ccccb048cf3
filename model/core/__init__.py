"""gongkai: structured records from 政府信息公开工作年度报告.

This package is the core every layer imports and nothing else: the `Doc` and `Record` data
classes (`gongkai.doc`), the label sets (`gongkai.labels`), the registry of metric keys and
the table rows that fill them (`gongkai.metric_keys`), the numbering of headings
(`gongkai.markers`) and the span-overlap helper (`gongkai.overlap`). It imports no other
gongkai package, so `gongkai.model` (the neural tagger) can depend on it without seeing the
pipeline, and the layers stay one-way: core ← model ← inference ← training.

    gongkai.inference   the pipeline (read → … → record) and the applications (cli, batch, view)
    gongkai.model       the Chinese BERT tagger (tokenizer, encoder with span and section heads)
    gongkai.training    annotations, data, pretraining, fine-tuning, evaluation, release
"""

__version__ = "0.2.0"
