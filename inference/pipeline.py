"""The whole path, top to bottom: read → normalise → split → tag sections → tag spans →
values → record. Taggers are interchangeable components with a `tag(doc)` method, so the
rule taggers, a model, or a hybrid of both plug into the same `Pipeline`."""
from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator, Protocol

from .document import Doc, Record
from .normalize import normalize
from .read import DEFAULT_MAX_BYTES, ReadError, read_bytes, read_path, read_string
from .record import build_record
from .rules.sections import RuleSectionTagger
from .rules.spans import RuleSpanTagger
from .split import split
from .values import fill_values


class Tagger(Protocol):
    name: str

    def tag(self, doc: Doc) -> None: ...


@dataclass
class Pipeline:
    section_tagger: Tagger = field(default_factory=RuleSectionTagger)
    span_tagger: Tagger = field(default_factory=RuleSpanTagger)
    max_bytes: int = DEFAULT_MAX_BYTES
    notice: str | None = None  # a warning every record of this pipeline carries

    @classmethod
    def rules(cls, **kwargs) -> "Pipeline":
        return cls(RuleSectionTagger(), RuleSpanTagger(), **kwargs)

    @classmethod
    def default(cls, model: str | Path | None = None, rules_only: bool = False, mode: str = "hybrid",
                **kwargs) -> "Pipeline":
        """The hybrid of a model (the given folder, else the shipped one) and the rules; the
        rules alone, with a warning on every record, when no model is there."""
        from .model_tagger import (HybridSectionTagger, HybridSpanTagger, ModelSectionTagger, ModelSpanTagger,
                                   ModelTagger, find_model)

        path = None if rules_only else find_model(model)
        if path is None:
            pipeline = cls.rules(**kwargs)
            if not rules_only:
                pipeline.notice = "no model found (gongkai/model/shipped or --model): rules only"
            return pipeline
        tagger = ModelTagger(path)
        if mode == "model":
            return cls(ModelSectionTagger(tagger), ModelSpanTagger(tagger), **kwargs)
        return cls(HybridSectionTagger(tagger), HybridSpanTagger(tagger), **kwargs)

    def process(self, doc: Doc) -> Record:
        doc.view = normalize(doc.text)
        doc.paragraphs = split(doc)
        self.section_tagger.tag(doc)
        self.span_tagger.tag(doc)
        fill_values(doc)
        if self.notice:
            doc.warnings.append(self.notice)
        return build_record(doc)

    def extract_path(self, path: str | Path) -> Record:
        return self._safely(str(path), lambda: read_path(path, self.max_bytes))

    def extract_text(self, text: str, source: str = "<text>") -> Record:
        return self._safely(source, lambda: read_string(text, source))

    def extract_bytes(self, data: bytes, source: str = "<stdin>") -> Record:
        return self._safely(source, lambda: read_bytes(data, source))

    def extract_many(self, paths: Iterable[str | Path]) -> Iterator[Record]:
        for path in paths:
            yield self.extract_path(path)

    def __call__(self, path_or_text: str | Path) -> Record:
        if isinstance(path_or_text, Path) or _looks_like_path(path_or_text):
            return self.extract_path(path_or_text)
        return self.extract_text(path_or_text)

    def _safely(self, source: str, read) -> Record:
        """One input's failure becomes that record's `error`, never the batch's end."""
        try:
            doc = read()
        except ReadError as exc:
            return Record(source=source, error=str(exc), meta={"sha256": exc.sha256} if exc.sha256 else {})
        try:
            return self.process(doc)
        except Exception as exc:  # a bug must not lose the other inputs of a batch
            record = Record(source=source, text=doc.text, error=f"internal error ({type(exc).__name__}: {exc})")
            print(f"gongkai: {source}: internal error ({type(exc).__name__}: {exc})", file=sys.stderr)
            return record


def _looks_like_path(s: str) -> bool:
    if "\n" in s or len(s) > 1024:
        return False
    return Path(s).exists() or Path(s).suffix.lower() in {".txt", ".md", ".html", ".htm", ".pdf", ".docx"}


def extract(path_or_text: str | Path, pipeline: Pipeline | None = None) -> Record:
    """Extract one report (a path, or the report's text) into a `Record`."""
    return (pipeline or Pipeline.rules())(path_or_text)
