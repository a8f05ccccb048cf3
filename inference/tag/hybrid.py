"""The hybrid of model and rules: one "sections" and one "spans" component, each a
composition of a rule tagger and the model.

The rules keep what they read exactly: headings and the paragraphs they govern; numbers,
dates, money and table cells. The model decides where it is better, each time by its own
probability against a threshold calibrated on the leave-one-publisher-out folds
(benchmarks/leave_one_out.py prints the thresholds it measured):

- sections of paragraphs no heading governs (rule confidence below `trust`: legacy outlines
  of their own, headings the splitter cut), where the model's probability ≥ `threshold`;
- AGENCY spans the rules do not have (bodies outside the gazetteer), where the model's mean
  tag probability ≥ `min_confidence`;
- AGENCY boundaries (names with 和/与, short forms): a rule AGENCY span that a model AGENCY
  span overlaps with other boundaries takes the model's, where its probability ≥
  `boundary_confidence` and it overlaps no other rule span.

Every paragraph and span says its `source` ("rules" or "model") and `confidence`. Values are
always parsed by the rules' value code.
"""
from __future__ import annotations

from gongkai.doc import Doc, Entity
from gongkai.overlap import without_overlaps
from gongkai.inference.tag.model import ModelTagger, plausible
from gongkai.inference.tag.rules.sections import RuleSectionTagger
from gongkai.inference.tag.rules.spans import RuleSpanTagger

# Constructor arguments and Pipeline.default(...) options, so a model's calibration replaces
# them (benchmarks/leave_one_out.py prints the thresholds its held-out folds support). The
# shipped model's folds (docs/results-model.md) held too few decisions to move any of them:
# a section is the model's where it is surer than the rules' keyword fallback (0.5), as before;
# an added AGENCY span needs 0.99; boundaries stay the rules' (the model's were never the
# exact ones on the held-out folds).
SECTION_THRESHOLD = 0.5
AGENCY_THRESHOLD = 0.99
BOUNDARY_THRESHOLD = 1.01  # above any probability: off until a model earns it


class HybridSectionTagger:
    """Rules where a heading governs (they are near-certain there), the model elsewhere when
    it is sure enough."""

    name = "hybrid"

    def __init__(self, model: ModelTagger, rules: RuleSectionTagger | None = None, trust: float = 0.85,
                 threshold: float = SECTION_THRESHOLD):
        self.model = model
        self.rules = rules or RuleSectionTagger()
        self.trust = trust
        self.threshold = threshold

    def __call__(self, doc: Doc) -> Doc:
        self.rules(doc)
        # the model is asked only where no heading governs: most paragraphs follow one
        unsure = [p.index for p in doc.paragraphs if p.confidence < self.trust]
        for i, (label, prob) in self.model.section_probs(doc, unsure).items():
            p = doc.paragraphs[i]
            if prob >= self.threshold and prob > p.confidence:
                p.section, p.confidence, p.source = label, round(prob, 4), "model"
        return doc


class HybridSpanTagger:
    """Rule spans, AGENCY spans of the model where no rule span lies, and model boundaries for
    rule AGENCY spans where the model is sure of other ones."""

    name = "hybrid"

    def __init__(self, model: ModelTagger, rules: RuleSpanTagger | None = None, min_confidence: float = AGENCY_THRESHOLD,
                 labels: tuple[str, ...] = ("AGENCY",), boundary_confidence: float = BOUNDARY_THRESHOLD):
        self.model = model
        self.rules = rules or RuleSpanTagger()
        self.min_confidence = min_confidence
        self.boundary_confidence = boundary_confidence
        self.labels = labels

    def __call__(self, doc: Doc) -> Doc:
        self.rules(doc)
        # table rows hold counts, which the rules read exactly; names are in the prose
        prose = [p for p in doc.paragraphs if "\t" not in doc.paragraph_text(p)]
        found = [e for e in self.model.spans(doc, prose) if e.label in self.labels and plausible(e, doc.view_text(e))]
        entities = self.reshape(doc.entities, found)
        added = [e for e in found if e.confidence >= self.min_confidence]
        doc.entities = sorted(entities + without_overlaps(added, entities), key=lambda e: e.start)
        return doc

    def reshape(self, rules: list[Entity], found: list[Entity]) -> list[Entity]:
        """Rule AGENCY spans whose boundaries a sure model span overrides."""
        if self.boundary_confidence > 1:
            return list(rules)
        out = list(rules)
        for m in found:
            if m.label != "AGENCY" or m.confidence < self.boundary_confidence:
                continue
            hit = [k for k, e in enumerate(out) if e.start < m.end and m.start < e.end]
            if len(hit) == 1 and out[hit[0]].label == "AGENCY" and (out[hit[0]].start, out[hit[0]].end) != (m.start, m.end):
                out[hit[0]] = m
        return out
