"""Evaluator: a perfect prediction scores 1.0 everywhere, a wrong one less; sha256 and
Label Studio round trip."""
import copy
import json

import pytest

from gongkai.doc import Entity, Metric, Paragraph, Record
from gongkai.training.data.annotations import AnnotationError, document_text, load_gold
from gongkai.training.evaluation.evaluate import evaluate, format_report
from gongkai.training.data.labelstudio import from_tasks, to_tasks

from conftest import REPO

GOLD = REPO / "annotations" / "gold"


class GoldPipeline:
    """Predicts exactly the gold annotations (optionally corrupted)."""

    def __init__(self, golds, corrupt=False):
        self.by_source = {g.path: g for g in golds}
        self.corrupt = corrupt

    def extract_bytes(self, data, source):
        gold = self.by_source[source]
        text = document_text(gold)
        paragraphs = [Paragraph(index=i, start=p["start"], end=p["end"], section=p["section"])
                      for i, p in enumerate(gold.paragraphs)]
        entities = [Entity(label=s["label"], start=s["start"], end=s["end"], text=text[s["start"]:s["end"]],
                           value=s.get("value"), normalized=s.get("value") if s["label"] == "AGENCY" else None)
                    for s in gold.spans]
        g = gold.record
        metrics = {k: Metric(value=v, start=None, end=None, evidence="") for k, v in g.get("metrics", {}).items()}
        record = Record(source=source, text=text, agency=g.get("agency"), year=g.get("year"),
                        published=g.get("published"), format=g.get("format", "unknown"),
                        paragraphs=paragraphs, entities=entities, metrics=metrics)
        if self.corrupt:
            for p in record.paragraphs[::3]:
                p.section = "other" if p.section != "other" else "overview"
            for label in ("COUNT", "PERCENT", "DATE", "AGENCY", "MONEY"):
                first = next((e for e in record.entities if e.label == label), None)
                if first is not None:
                    record.entities.remove(first)
                    rest = [e for e in record.entities if e.label == label]
                    if rest:  # a wrong value on a span whose offsets still match
                        rest[0].value = "wrong" if label in ("DATE", "AGENCY") else -1
                        rest[0].normalized = "wrong"
                    if len(rest) > 1 and rest[1].end - rest[1].start > 1:
                        rest[1].end -= 1  # a boundary error
            record.year = (record.year or 0) + 1
            record.agency = "某机关"
            record.published = "1999-01-01"
            record.format = "unknown"
            for m in record.metrics.values():
                m.value += 1
        return record


@pytest.fixture(scope="module")
def golds():
    """Test-split documents whose files are here (the seeds always are; corpus files when
    ../shared is beside the checkout)."""
    from gongkai.training.data.annotations import resolve

    return [g for g in load_gold(GOLD / "test.jsonl") if resolve(g.path).exists()]


def test_perfect_prediction_scores_one(golds):
    res = evaluate(golds, GoldPipeline(golds))
    assert res["sections"]["accuracy"] == 1.0 and res["sections"]["macro_f1"] == 1.0
    for kind in ("spans_strict", "spans_partial"):
        for label, s in res[kind].items():
            assert s["f1"] == 1.0, (kind, label)
    assert res["spans_strict_seqeval"]["f1"] == 1.0
    for label, v in res["values"].items():
        assert v["accuracy"] in (1.0, None), label
    for key, v in res["fields"].items():
        assert v["accuracy"] in (1.0, None), key
    assert "SECTIONS" in format_report(res)


def test_wrong_prediction_scores_below_one(golds):
    res = evaluate(golds, GoldPipeline(golds, corrupt=True))
    assert res["sections"]["accuracy"] < 1.0 and res["sections"]["macro_f1"] < 1.0
    for label in ("COUNT", "PERCENT", "DATE", "AGENCY", "MONEY", "micro"):
        assert res["spans_strict"][label]["f1"] < 1.0, label
        assert res["spans_partial"][label]["recall"] < 1.0, label
    assert res["spans_strict_seqeval"]["f1"] < 1.0
    for label in ("COUNT", "DATE", "AGENCY", "PERCENT"):
        assert res["values"][label]["accuracy"] < 1.0, label
    for key in ("agency", "year", "published", "format", "metrics (all keys)"):
        assert res["fields"][key]["accuracy"] < 1.0, key


def test_sha256_mismatch_is_a_clear_error(tmp_path, golds):
    changed = tmp_path / "changed.txt"
    changed.write_text("一、总体情况\n内容已修改。", encoding="utf-8")
    doc = copy.deepcopy(golds[0])
    doc.path = str(changed)
    with pytest.raises(AnnotationError, match="sha256 mismatch"):
        document_text(doc)
    from gongkai.inference import Pipeline

    res = evaluate([doc], Pipeline.rules())
    assert "sha256 mismatch" in res["errors"][doc.id]


def test_labelstudio_round_trip_preserves_every_span(golds):
    tasks = json.loads(json.dumps(to_tasks(golds), ensure_ascii=False))
    back = from_tasks(tasks)
    for a, b in zip(golds, back):
        assert a.id == b.id and a.path == b.path and a.sha256 == b.sha256
        assert a.spans == b.spans
        assert a.paragraphs == b.paragraphs
        assert a.record == b.record


def test_labelstudio_import_without_meta_computes_values():
    text = "2022年共收到申请236件,收取信息处理费400元。"
    task = {"data": {"text": text}, "annotations": [{"result": [
        {"from_name": "label", "to_name": "text", "type": "labels",
         "value": {"start": 0, "end": 5, "labels": ["DATE"]}},
        {"from_name": "label", "to_name": "text", "type": "labels",
         "value": {"start": 10, "end": 14, "labels": ["COUNT"]}},
        {"from_name": "label", "to_name": "text", "type": "labels",
         "value": {"start": 22, "end": 26, "labels": ["MONEY"]}},
        {"from_name": "section", "to_name": "text", "type": "labels",
         "value": {"start": 0, "end": len(text), "labels": ["requests"]}},
    ]}]}
    (doc,) = from_tasks([task])
    assert [(s["text"], s["value"]) for s in doc.spans] == [("2022年", "2022"), ("236件", 236), ("400元", 400)]
    assert doc.paragraphs == [{"start": 0, "end": len(text), "section": "requests"}]
    assert doc.text == text
