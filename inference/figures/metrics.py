"""Component "metrics": the record's figures — prose statements, with the tables' figures
taking precedence (a table figure is the official one)."""
from __future__ import annotations

from gongkai.doc import Doc
from gongkai.inference.figures.prose import text_metrics


class Metrics:
    name = "metrics"

    def __call__(self, doc: Doc) -> Doc:
        doc.text_metrics = text_metrics(doc)
        doc.metrics = {**doc.text_metrics, **doc.table_metrics}
        return doc
