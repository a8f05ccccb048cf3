"""The hybrid of model and rules: one "sections" and one "spans" component, each a
composition of a rule tagger and the model.

The rules decide where they are near-certain (headings and what they carry; number, date
and money patterns; gazetteer chains); the model decides the rest. Every paragraph and span
says its `source` and `confidence`. Values are always parsed by the rules' value code.
"""
from __future__ import annotations

from gongkai.doc import Doc
from gongkai.overlap import without_overlaps
from gongkai.inference.tag.model import ModelTagger, plausible
from gongkai.inference.tag.rules.sections import RuleSectionTagger
from gongkai.inference.tag.rules.spans import RuleSpanTagger


class HybridSectionTagger:
    """Rules where a heading decided (they are near-certain there), the model elsewhere."""

    name = "hybrid"

    def __init__(self, model: ModelTagger, rules: RuleSectionTagger | None = None, trust: float = 0.85):
        self.model = model
        self.rules = rules or RuleSectionTagger()
        self.trust = trust

    def __call__(self, doc: Doc) -> Doc:
        self.rules(doc)
        # the model is asked only where the rules are unsure: most paragraphs follow a heading
        unsure = [p.index for p in doc.paragraphs if p.confidence < self.trust]
        for i, (label, prob) in self.model.section_probs(doc, unsure).items():
            p = doc.paragraphs[i]
            if prob > p.confidence:
                p.section, p.confidence, p.source = label, round(prob, 4), "model"
        return doc


class HybridSpanTagger:
    """Rule spans (near-certain patterns and gazetteer chains) plus the model's plausible
    spans where no rule span lies."""

    name = "hybrid"

    def __init__(self, model: ModelTagger, rules: RuleSpanTagger | None = None, min_confidence: float = 0.99,
                 labels: tuple[str, ...] = ("AGENCY",)):
        # The rules' number, date and money patterns are near-certain; the model adds what the
        # gazetteer cannot know (agency names outside it), and only when it is sure.
        self.model = model
        self.rules = rules or RuleSpanTagger()
        self.min_confidence = min_confidence
        self.labels = labels

    def __call__(self, doc: Doc) -> Doc:
        self.rules(doc)
        # table rows hold counts, which the rules read exactly; names are in the prose
        prose = [p for p in doc.paragraphs if "\t" not in doc.paragraph_text(p)]
        candidates = [e for e in self.model.spans(doc, prose)
                      if e.label in self.labels and e.confidence >= self.min_confidence and plausible(e, doc.view_text(e))]
        doc.entities = sorted(doc.entities + without_overlaps(candidates, doc.entities), key=lambda e: e.start)
        return doc
