"""The pipeline, top to bottom: one `Doc` flows through named components.

    read → normalize → split → sections → spans → values → metadata → tables → metrics → checks → record

`read` makes the Doc from a path, bytes or a string (`inference/read/`); every component in
between is a callable `Doc → Doc` that annotates the Doc in place, as spaCy's components do;
`record` assembles the output from what the Doc holds (`inference/record/assemble.py`).

A component is replaced or disabled by name, so the model, the rules or their hybrid are
just different "sections" and "spans" components:

    Pipeline.rules()                                   # the rule taggers
    Pipeline.default()                                 # the shipped model with the rules (hybrid)
    Pipeline.rules(disable=["tables"])                 # prose figures only
    pipeline.replace("spans", ModelSpanTagger(model))  # any component with a name and __call__
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator, Protocol

from gongkai.doc import Doc, Record
from gongkai.inference.figures.checks import Checks
from gongkai.inference.figures.metrics import Metrics
from gongkai.inference.figures.tables import Tables
from gongkai.inference.figures.values import Values
from gongkai.inference.read import Limits, ReadError, load_path, one_line, read_bytes, read_string
from gongkai.inference.record.assemble import to_record
from gongkai.inference.record.metadata import Metadata
from gongkai.inference.tag.rules.sections import RuleSectionTagger
from gongkai.inference.tag.rules.spans import RuleSpanTagger
from gongkai.inference.text.normalize import Normalize
from gongkai.inference.text.split import Split

# The slots of the pipeline, in order; "read" and "record" are its two ends.
COMPONENTS = ("normalize", "split", "sections", "spans", "values", "metadata", "tables", "metrics", "checks")
STAGES = ("read", *COMPONENTS, "record")


class Component(Protocol):
    name: str

    def __call__(self, doc: Doc) -> Doc: ...


def rule_components() -> dict[str, Component]:
    """Every slot filled with its rule-based component."""
    return {"normalize": Normalize(), "split": Split(), "sections": RuleSectionTagger(), "spans": RuleSpanTagger(),
            "values": Values(), "metadata": Metadata(), "tables": Tables(), "metrics": Metrics(), "checks": Checks()}


@dataclass
class Pipeline:
    components: dict[str, Component] = field(default_factory=rule_components)
    disable: Iterable[str] = ()
    limits: Limits = field(default_factory=Limits)  # what one input may cost (inference/read/limits.py)
    notice: str | None = None  # a warning every record of this pipeline carries
    model: object | None = None  # the ModelTagger the model components share, if any

    def __post_init__(self) -> None:
        self.disable = set(self.disable)
        unknown = (set(self.components) | self.disable) - set(COMPONENTS)
        if unknown:
            raise ValueError(f"unknown pipeline component(s) {sorted(unknown)}; the slots are {', '.join(COMPONENTS)}")
        missing = set(COMPONENTS) - set(self.components) - self.disable
        if missing:
            raise ValueError(f"no component for {sorted(missing)} (fill the slot or disable it)")

    # --- building ------------------------------------------------------------------------

    @classmethod
    def rules(cls, **kwargs) -> "Pipeline":
        return cls(rule_components(), **kwargs)

    @classmethod
    def default(cls, model: str | Path | None = None, rules_only: bool = False, mode: str = "hybrid",
                trust: float = 0.85, min_confidence: float | None = None, section_threshold: float | None = None,
                boundary_confidence: float | None = None, backend: str = "auto", **kwargs) -> "Pipeline":
        """The hybrid of a model (the given folder, else the shipped one) and the rules; the
        rules alone, with a warning on every record, when no model is there. The hybrid's
        thresholds (default: the calibrated ones in gongkai.inference.tag.hybrid): `trust`,
        the rule confidence below which no heading governs a paragraph and the model is asked;
        `section_threshold`, the model probability that takes such a paragraph;
        `min_confidence`, the probability an added AGENCY span needs; `boundary_confidence`,
        the probability at which the model's AGENCY boundaries replace the rules'.
        `backend`: auto (ONNX int8 where shipped, no torch), onnx-int8, onnx or torch."""
        from gongkai.inference.tag.model import find_model

        path = None if rules_only else find_model(model)
        if path is None:
            pipeline = cls.rules(**kwargs)
            if not rules_only:
                pipeline.notice = "no model found (gongkai/model/shipped or --model): rules only"
            return pipeline
        from gongkai.inference.tag import hybrid
        from gongkai.inference.tag.model import ModelSectionTagger, ModelSpanTagger, ModelTagger

        tagger = ModelTagger(path, backend=backend)
        components = rule_components()
        if mode == "model":
            components.update(sections=ModelSectionTagger(tagger), spans=ModelSpanTagger(tagger))
        elif mode == "hybrid":
            pick = lambda value, default: default if value is None else value  # noqa: E731
            components.update(
                sections=hybrid.HybridSectionTagger(tagger, trust=trust,
                                                    threshold=pick(section_threshold, hybrid.SECTION_THRESHOLD)),
                spans=hybrid.HybridSpanTagger(tagger, min_confidence=pick(min_confidence, hybrid.AGENCY_THRESHOLD),
                                              boundary_confidence=pick(boundary_confidence, hybrid.BOUNDARY_THRESHOLD)))
        else:
            raise ValueError(f"unknown mode {mode!r} (hybrid or model)")
        return cls(components, model=tagger, **kwargs)

    @property
    def names(self) -> list[str]:
        """The stages this pipeline runs, in order (read and record included)."""
        return ["read", *(n for n in COMPONENTS if n not in self.disable), "record"]

    def get(self, name: str) -> Component:
        return self.components[name]

    def replace(self, name: str, component: Component) -> "Pipeline":
        if name not in COMPONENTS:
            raise ValueError(f"unknown pipeline component {name!r}; the slots are {', '.join(COMPONENTS)}")
        self.components[name] = component
        return self

    # --- running -------------------------------------------------------------------------

    def process(self, doc: Doc) -> Record:
        if self.notice:
            doc.warnings.append(self.notice)
        for name in COMPONENTS:
            if name not in self.disable:
                doc = self.components[name](doc)
        return to_record(doc)

    def extract_path(self, path: str | Path) -> Record:
        source, name = str(path), Path(path).name
        return self._safely(source, lambda: load_path(path, self.limits),
                            lambda data: read_bytes(data, source=source, name=name, limits=self.limits))

    def extract_text(self, text: str, source: str = "<text>") -> Record:
        return self._safely(source, lambda: text, lambda t: read_string(t, source, self.limits))

    def extract_bytes(self, data: bytes, source: str = "<stdin>") -> Record:
        return self._safely(source, lambda: data, lambda d: read_bytes(d, source, limits=self.limits))

    def extract_many(self, paths: Iterable[str | Path]) -> Iterator[Record]:
        for path in paths:
            yield self.extract_path(path)

    def __call__(self, path_or_text: str | Path) -> Record:
        if isinstance(path_or_text, Path) or _looks_like_path(path_or_text):
            return self.extract_path(path_or_text)
        return self.extract_text(path_or_text)

    def _safely(self, source: str, load: Callable[[], bytes | str], read: Callable[[bytes | str], Doc]) -> Record:
        """One input's failure becomes that record's `error`, never the batch's end.

        The guard is the whole of one input's life (loading, reading, every component,
        assembling), not a list of expected exceptions: a `ReadError` is a bad input and
        keeps its message; any other exception is a bug or a library failing and is named
        by class and place; memory is its own message. Whatever could be known (the
        sha256 of the bytes, the text) stays in the error record, so `--resume` matches it.
        """
        data: bytes | str | None = None
        doc: Doc | None = None
        try:
            data = load()
            doc = read(data)
            return self.process(doc)
        except ReadError as exc:
            return failure_record(source, str(exc), "read", exc.sha256 or _sha256(data))
        except MemoryError:
            doc = None  # let the text go before building the record
            message = ("out of memory (the worker's memory limit or the machine's; raise it with --max-memory, "
                       "or lower --max-chars)")
            return failure_record(source, message, "memory", _sha256(data))
        except Exception as exc:  # a bug must not lose the other inputs of a batch
            message = f"internal error ({type(exc).__name__}: {one_line(exc)}{_where(exc)})"
            return failure_record(source, message, "internal", _sha256(data), text=doc.text if doc else "")


def failure_record(source: str, message: str, kind: str, sha256: str | None = None, text: str = "") -> Record:
    """The record of an input that gave no result: `error` is the one-line message, and
    `meta` says the kind of failure (read, limit, memory, internal, timeout, crash) and the
    sha256 of the input's bytes when they could be read."""
    if kind == "read" and "too large" in message:
        kind = "limit"
    meta = {"error_kind": kind}
    if sha256:
        meta["sha256"] = sha256
    return Record(source=source, text=text, error=message, meta=meta)


def _sha256(data: bytes | str | None) -> str | None:
    if data is None:
        return None
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    return hashlib.sha256(data).hexdigest()


def _where(exc: BaseException) -> str:
    """ ' at figures/runs.py:123': the innermost frame in gongkai's own code, for the bug report."""
    tb, where = exc.__traceback__, ""
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename.replace("\\", "/")
        for root in ("/inference/", "/model/core/", "/model/"):
            if root in filename:
                where = f" at {filename.rsplit(root, 1)[1]}:{tb.tb_lineno}"
                break
        tb = tb.tb_next
    return where


def _looks_like_path(s: str) -> bool:
    if "\n" in s or len(s) > 1024:
        return False
    return Path(s).exists() or Path(s).suffix.lower() in {".txt", ".md", ".html", ".htm", ".pdf", ".docx"}


def extract(path_or_text: str | Path, pipeline: Pipeline | None = None) -> Record:
    """Extract one report (a path, or the report's text) into a `Record`."""
    return (pipeline or Pipeline.rules())(path_or_text)
