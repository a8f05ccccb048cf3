"""The model as pipeline components.

`ModelTagger` runs a fine-tuned `GongkaiTagger` (gongkai.model) over a Doc's normalised view;
`ModelSectionTagger` and `ModelSpanTagger` are the "sections" and "spans" components of the
model alone (`--mode model`). torch and transformers are imported on first use only.
"""
from __future__ import annotations

import re
from pathlib import Path

from gongkai.doc import Doc, Entity, Paragraph
from gongkai.inference.tag.rules.gazetteer import NAMES, SUFFIXES

def _shipped() -> Path:
    """model/shipped inside the installed gongkai.model package (located without importing it)."""
    import importlib.util

    spec = importlib.util.find_spec("gongkai.model")
    return Path(list(spec.submodule_search_locations)[0]) / "shipped"


SHIPPED = _shipped()
_HAS_NUMBER = re.compile(r"[\d零〇○一二两三四五六七八九十百千万亿]")
_DATE_WORD = re.compile(r"\d|[年月日]")


class ModelError(Exception):
    """A --model that is not a fine-tuned gongkai tagger; the message says what to do."""


def check_model(path: Path) -> Path:
    """A local model folder must hold a fine-tuned tagger (a hub id is left to transformers)."""
    if not path.exists():
        if len(path.parts) == 2 and not str(path).startswith((".", "/")):
            return path  # "org/name": a hub id
        raise ModelError(f"{path}: no such model folder")
    config = path / "config.json"
    if not config.exists() or not (path / "tokenizer.json").exists():
        raise ModelError(f"{path}: not a model folder (needs config.json and tokenizer.json; "
                         "make one with gongkai train)")
    if "span_tags" not in config.read_text(encoding="utf-8"):
        raise ModelError(f"{path}: a base BERT, not a fine-tuned tagger; fine-tune it first: "
                         f"gongkai train --base-model {path} --out DIR")
    return path


def find_model(path: str | Path | None = None) -> Path | None:
    """An explicit model folder (checked), else the shipped one if it is installed."""
    if path:
        return check_model(Path(path))
    return SHIPPED if (SHIPPED / "config.json").exists() else None


class ModelTagger:
    """Loads once; tags sections and spans of Docs. `backend`: "auto" (ONNX int8 where the
    folder has it and onnxruntime is installed, then ONNX fp32, then torch), or one of
    gongkai.model.runtime.BACKENDS. The ONNX backends never import torch."""

    name = "model"

    def __init__(self, path: str | Path, batch_size: int = 32, bf16: bool = True, threads: int | None = None,
                 backend: str = "auto"):
        self.path = str(path)
        self.batch_size = batch_size
        self.bf16 = bf16
        self.threads = threads
        self.backend = backend
        self._encoder = None
        self._tokenizer = None
        self._labels = None

    def _load(self):
        if self._encoder is None:
            from gongkai.model.features import SECTION_MAX_TOKENS
            from gongkai.model.runtime import CharTokenizer, load_encoder, read_labels

            self.backend, self._encoder = load_encoder(self.path, self.backend, self.threads, self.bf16)
            self._tokenizer = CharTokenizer(self.path, pair_max_length=SECTION_MAX_TOKENS)
            self._labels = read_labels(self.path)
        return self._encoder, self._tokenizer

    def section_probs(self, doc: Doc, indices: list[int] | None = None) -> dict[int, tuple[str, float]]:
        """Paragraph index → (section, probability), for `indices` (default: all paragraphs)."""
        import numpy as np

        from gongkai.model.features import section_context
        from gongkai.model.runtime import pad, softmax_max

        encoder, tok = self._load()
        texts = [doc.view_text(p) for p in doc.paragraphs]
        wanted = list(range(len(texts))) if indices is None else list(indices)
        labels = self._labels.section_labels
        out: dict[int, tuple[str, float]] = {}
        for i in range(0, len(wanted), self.batch_size):
            idx = wanted[i:i + self.batch_size]
            pairs = tok.encode_pairs([section_context(texts, k) for k in idx], [texts[k][:200] for k in idx])
            ids, mask = pad([p[0] for p in pairs], tok.pad_token_id)
            types, _ = pad([p[1] for p in pairs], 0)
            _, logits = encoder(ids, mask, types.astype(np.int64))
            prob, best = softmax_max(logits)
            for k, b, pr in zip(idx, best.tolist(), prob.tolist()):
                out[k] = (labels[b], pr)
        return out

    def spans(self, doc: Doc, paragraphs: list[Paragraph] | None = None) -> list[Entity]:
        return self._decode(doc, self.char_tags(doc, paragraphs))

    def char_tags(self, doc: Doc, paragraphs: list[Paragraph] | None = None) -> dict[tuple[int, int], tuple[str, float, int]]:
        """(paragraph, view offset) → (tag, probability, distance from the window's edge) for every
        character of the paragraphs' windows: each takes the tag of its most central window."""
        from gongkai.model.features import paragraph_windows
        from gongkai.model.runtime import pad, softmax_max

        encoder, tok = self._load()
        tags = self._labels.span_tags
        items = []  # (paragraph, view start, window)
        for p in doc.paragraphs if paragraphs is None else paragraphs:
            if p.section == "boilerplate":
                continue
            vs, ve = doc.view.to_view(p.start, p.end)
            for w in paragraph_windows(tok, doc.view.text[vs:ve]):
                items.append((p, vs, w))
        items.sort(key=lambda item: len(item[2].input_ids))  # batches of similar length pad little
        best: dict[tuple[int, int], tuple[str, float, int]] = {}  # char → (tag, prob, distance from window edge)
        for i in range(0, len(items), self.batch_size):
            chunk = items[i:i + self.batch_size]
            ids, mask = pad([w.input_ids for _, _, w in chunk], tok.pad_token_id)
            logits, _ = encoder(ids, mask)
            prob, tag = softmax_max(logits)
            prob, tag = prob.tolist(), tag.tolist()  # one conversion per batch, not one per character
            for n, (p, vs, w) in enumerate(chunk):
                size = len(w.char_offsets)
                for t, (a, _) in enumerate(w.char_offsets):
                    centrality = min(t, size - t)
                    key = (p.index, vs + a)
                    if key not in best or best[key][2] < centrality:
                        best[key] = (tags[tag[n][t + 1]], prob[n][t + 1], centrality)
        return best

    def _decode(self, doc: Doc, best: dict[tuple[int, int], tuple[str, float, int]]) -> list[Entity]:
        """BIO per paragraph, in character order; an I- after O or another label starts a span."""
        entities: list[Entity] = []
        current = None
        for (pi, pos), (tag, prob, _) in sorted(best.items()):
            if tag.startswith("B-") or (tag.startswith("I-") and (current is None or current[2] != tag[2:] or current[0] != pi)):
                if current:
                    entities.append(self._entity(doc, *current))
                current = [pi, pos, tag[2:], pos + 1, [prob]]
            elif tag.startswith("I-") and current:
                current[3] = pos + 1
                current[4].append(prob)
            else:
                if current:
                    entities.append(self._entity(doc, *current))
                current = None
        if current:
            entities.append(self._entity(doc, *current))
        return [e for e in entities if e is not None]

    def _entity(self, doc: Doc, paragraph: int, vs: int, label: str, ve: int, probs: list[float]) -> Entity | None:
        start, end = doc.view.to_original(vs, ve)
        if end <= start:
            return None
        return Entity(label=label, start=start, end=end, text=doc.text[start:end], paragraph=paragraph,
                      confidence=round(sum(probs) / len(probs), 4), source="model")


def plausible(e: Entity, view_text: str) -> bool:
    """A model span that cannot be what its label says is dropped."""
    if e.label in ("COUNT", "PERCENT", "MONEY"):
        return bool(_HAS_NUMBER.search(view_text))
    if e.label == "DATE":
        return bool(_DATE_WORD.search(view_text))
    if e.label == "AGENCY":
        # a named body ends in an organisational word (局, 委员会, 人民政府…) or is a known name
        name = view_text.strip()
        return len(name) >= 2 and (name.endswith(SUFFIXES) or name in NAMES)
    return False


class ModelSectionTagger:
    name = "model"

    def __init__(self, model: ModelTagger):
        self.model = model

    def __call__(self, doc: Doc) -> Doc:
        for i, (label, prob) in self.model.section_probs(doc).items():
            p = doc.paragraphs[i]
            p.section, p.confidence, p.source = label, round(prob, 4), "model"
        return doc


class ModelSpanTagger:
    name = "model"

    def __init__(self, model: ModelTagger):
        self.model = model

    def __call__(self, doc: Doc) -> Doc:
        doc.entities = [e for e in self.model.spans(doc) if plausible(e, doc.view_text(e))]
        return doc
