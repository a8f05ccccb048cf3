"""Silver training data: real text labelled where labels are near-certain.

Synthetic reports teach the layouts but not the variety of real Chinese prose; the gold
train split is small. Two real sources widen what the span head sees:

- `prose`: paragraphs of the pretraining corpus (government work reports, laws) with the
  rule span tagger's spans. Its patterns (COUNT, PERCENT, DATE, MONEY) and gazetteer
  chains (AGENCY) are precise (0.95 on the gold test split), so the labels are mostly right,
  and the model sees agency names in contexts no template has.
- `cluener`: CLUENER2020 train sentences, AGENCY from its `government` label, the other
  labels from the rules (CLUENER does not mark numbers or dates). Its idea of a government
  body is broader than LABELS.md (bare place names), so it is an ablation, not a default.

Paragraphs carry no section: they train the span head only.
"""
from __future__ import annotations

import gzip
import json
import random
from pathlib import Path
from typing import Iterator

from gongkai.doc import Doc, Paragraph
from gongkai.inference.text.normalize import normalize
from gongkai.inference.tag.rules.spans import RuleSpanTagger

from gongkai.training.data.annotations import GoldDoc, corpus_root

# Government work reports: real figures, dates and named bodies. Laws are left out: they name
# classes of bodies (乡、镇人民政府, 县级以上人民政府), which are not AGENCY (GUIDELINES.md).
_PROSE_FILES = (("government_work_reports.jsonl.gz", "content"),)


def tag_sentence(span_tagger, text: str, source: str = "sentence") -> Doc:
    """A loose sentence or paragraph, tagged by a span tagger as a one-paragraph Doc."""
    doc = Doc(text=text, source=source)
    doc.view = normalize(text)
    doc.paragraphs = [Paragraph(index=0, start=0, end=len(text), section="overview")]
    span_tagger(doc)
    return doc


def rule_spans(tagger: RuleSpanTagger, text: str) -> list[dict]:
    return [{"start": e.start, "end": e.end, "label": e.label, "text": e.text}
            for e in tag_sentence(tagger, text, "silver").entities]


def _prose_paragraphs(corpus: Path, min_len: int, max_len: int) -> Iterator[str]:
    for name, field in _PROSE_FILES:
        path = corpus / "pretrain" / name
        if not path.exists():
            continue
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            for line in fh:
                for para in (json.loads(line).get(field) or "").split("\n"):
                    para = para.strip().lstrip("#").strip()
                    if min_len <= len(para) <= max_len:
                        yield para


def prose_docs(n: int, seed: int = 13, corpus: Path | None = None, min_len: int = 20,
               max_len: int = 400) -> list[GoldDoc]:
    """`n` corpus paragraphs drawn at random (reservoir sampling: the corpus is read once)."""
    rng = random.Random(seed)
    sample: list[str] = []
    for k, para in enumerate(_prose_paragraphs(corpus or corpus_root(), min_len, max_len)):
        if len(sample) < n:
            sample.append(para)
        elif (j := rng.randint(0, k)) < n:
            sample[j] = para
    tagger = RuleSpanTagger()
    return [_single_paragraph_doc(f"prose_{i:05d}", text, rule_spans(tagger, text)) for i, text in enumerate(sample)]


def cluener_docs(n: int, seed: int = 13, corpus: Path | None = None) -> list[GoldDoc]:
    path = (corpus or corpus_root()) / "ner" / "cluener2020" / "train.json"
    if not path.exists():
        return []
    rows = load_cluener(path)
    random.Random(seed).shuffle(rows)
    tagger = RuleSpanTagger()
    out = []
    for i, (text, spans) in enumerate(rows[:n]):
        gov = [{"start": s, "end": e, "label": "AGENCY", "text": text[s:e]} for s, e in sorted(spans)]
        taken = {i for g in gov for i in range(g["start"], g["end"])}
        others = [s for s in rule_spans(tagger, text)
                  if s["label"] != "AGENCY" and not any(i in taken for i in range(s["start"], s["end"]))]
        out.append(_single_paragraph_doc(f"cluener_{i:05d}", text, sorted(gov + others, key=lambda s: s["start"])))
    return out


def load_cluener(path: Path, label: str = "government") -> list[tuple[str, set[tuple[int, int]]]]:
    """CLUENER2020 sentences and their `label` spans as end-exclusive offsets. The files are
    a stream of pretty-printed JSON objects, not one object per line."""
    from .corpus import json_stream

    out = []
    for obj in json_stream(path):
        # CLUENER's end offsets are inclusive
        spans = {(s, e + 1) for positions in (obj.get("label", {}).get(label) or {}).values() for s, e in positions}
        out.append((obj["text"], spans))
    return out


def _single_paragraph_doc(doc_id: str, text: str, spans: list[dict]) -> GoldDoc:
    return GoldDoc(id=doc_id, paragraphs=[{"start": 0, "end": len(text), "section": None}], spans=spans, text=text)


CLUENER_LABELS = ("address", "book", "company", "game", "government", "movie", "name", "organization", "position",
                  "scene")


def load_cluener_all(path: Path) -> list[tuple[str, list[tuple[int, int, str]]]]:
    """CLUENER2020 sentences with all ten labels, as end-exclusive (start, end, label)."""
    from gongkai.training.data.corpus import json_stream

    out = []
    for obj in json_stream(path):
        spans = sorted((s, e + 1, label) for label, names in (obj.get("label") or {}).items()
                       for positions in names.values() for s, e in positions)
        out.append((obj["text"], spans))
    return out
