"""The model shipped in gongkai/model/shipped: present, small, loaded offline, and tagging
real reports through the hybrid with the same figures as the rules."""
import json
import os

import pytest

from gongkai.inference import Pipeline
from gongkai.inference.tag.model import SHIPPED, find_model

from conftest import seed


@pytest.fixture(scope="module")
def hybrid():
    assert os.environ.get("HF_HUB_OFFLINE") == "1"  # no hub: the model is read from the package
    return Pipeline.default()


def test_shipped_model_is_installed_small_and_documented():
    assert find_model() == SHIPPED
    size = sum(f.stat().st_size for f in SHIPPED.iterdir())
    assert size <= 25_000_000
    config = json.loads((SHIPPED / "config.json").read_text(encoding="utf-8"))
    assert config["span_tags"][0] == "O" and "requests" in config["section_labels"]
    card = (SHIPPED / "README.md").read_text(encoding="utf-8")
    assert "## Accuracy" in card and "## Speed" in card


def test_hybrid_with_the_shipped_model_tags_a_traditional_report(hybrid):
    rules = Pipeline.rules().extract_path(seed(2))
    record = hybrid.extract_path(seed(2))
    assert record.error is None
    assert not any("rules only" in w for w in record.warnings)
    assert record.agency == "硚口区人民政府" and record.year == 2022
    for key, value in {"requests.received": 236, "requests.carried_forward": 9, "review.total": 25,
                       "fees.information_processing_yuan": 400}.items():
        assert record.metrics[key].value == value
    for p in record.paragraphs:
        assert p.source in ("rules", "model") and 0 <= p.confidence <= 1 and p.section
    for e in record.entities:
        assert e.source in ("rules", "model") and 0 <= e.confidence <= 1
        assert record.text[e.start:e.end] == e.text
    # the rules stay where they are near-certain: every rule span is in the hybrid's output
    assert {(e.start, e.end, e.label) for e in rules.entities} <= {(e.start, e.end, e.label) for e in record.entities}


def test_model_alone_runs_and_its_spans_are_plausible():
    record = Pipeline.default(mode="model").extract_path(seed(4))
    assert record.error is None
    assert {p.source for p in record.paragraphs} == {"model"}
    for e in record.entities:
        assert e.source == "model"
        if e.label in ("COUNT", "PERCENT", "MONEY"):
            assert any(c.isdigit() or c in "零〇一二两三四五六七八九十百千万亿" for c in e.text)


def test_shipped_model_runs_on_onnx_int8_without_torch():
    import subprocess
    import sys

    pytest.importorskip("onnxruntime")
    assert (SHIPPED / "model.int8.onnx").exists()
    code = ("import sys; from gongkai.inference import Pipeline; p = Pipeline.default(); "
            f"r = p.extract_path({str(seed(2))!r}); "
            "print(p.model.backend, r.agency, 'torch' in sys.modules, 'transformers' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["onnx-int8", "硚口区人民政府", "False", "False"]
    assert "## Speed" in (SHIPPED / "README.md").read_text(encoding="utf-8")
