"""The label contract (../shared/spec/LABELS.md) and the record's fixed vocabularies."""

SECTION_LABELS = (
    "preamble",
    "overview",
    "proactive",
    "requests",
    "review_litigation",
    "fees",
    "problems",
    "other",
    "boilerplate",
)
SPAN_LABELS = ("COUNT", "PERCENT", "DATE", "AGENCY", "MONEY")
FORMATS = ("2021", "2019", "legacy", "unknown")
LEVELS = ("province", "city", "county", "township", "department")
SCHEMA = "gongkai.report/1"
