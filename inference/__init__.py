"""gongkai.inference: read → normalise → split → tag sections → tag spans → values → record → write."""
from .document import Check, Doc, Entity, Metric, Paragraph, Record, TextView
from .pipeline import Pipeline, extract

__all__ = ["Check", "Doc", "Entity", "Metric", "Paragraph", "Pipeline", "Record", "TextView", "extract"]
