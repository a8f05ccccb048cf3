"""End to end over the five seed reports and the real reports of ../shared/corpus."""
import pytest

from conftest import CORPUS, needs_corpus, seed


def metric(record, key):
    m = record.metrics.get(key)
    return None if m is None else m.value


@pytest.fixture(scope="module")
def seeds(pipeline):
    return {n: pipeline.extract_path(seed(n)) for n in range(5)}


def test_seed_002_traditional_figures(seeds):
    r = seeds[2]
    assert r.error is None
    assert r.script == "traditional"
    assert r.agency == "硚口区人民政府" and r.year == 2022 and r.format == "2021"
    expected = {
        "requests.received": 236, "requests.carried_over": 7, "requests.completed": 227,
        "requests.carried_forward": 9, "review.total": 25, "litigation.total": 5,
        "fees.information_processing_yuan": 400,
    }
    assert {k: metric(r, k) for k in expected} == expected
    # the report's own figures do not balance (236 + 7 ≠ 227 + 9): the check says so
    balance = [c for c in r.checks if c.name == "requests.balance"]
    assert balance and balance[0].ok is False and "243" in balance[0].detail
    # every metric points at its number in the original (Traditional) text
    for m in r.metrics.values():
        assert str(int(m.value)) in r.text[m.start:m.end] or m.value == 0


def test_seed_004_no_requests(seeds):
    r = seeds[4]
    assert r.agency == "南岗区营商环境建设监督局" and r.year == 2023 and r.format == "2021"
    assert metric(r, "requests.received") == 0
    assert metric(r, "fees.information_processing_yuan") == 0
    assert any("heading but no content" in w for w in r.warnings)


def test_seed_003_legacy(seeds):
    r = seeds[3]
    assert r.format == "legacy" and r.year == 2018 and r.published == "2019-03-18"
    assert r.agency == "沈抚新区"


def test_seed_000_and_001(seeds):
    assert seeds[0].agency == "兰州新区经济发展局(统计局)" and seeds[0].published == "2023-01-31"
    assert seeds[1].script == "traditional" and seeds[1].agency == "渭南高新区" and seeds[1].year == 2021
    assert any("image file name" in w for w in seeds[1].warnings)


def test_offsets_index_the_original_text(seeds):
    for r in seeds.values():
        assert r.entities
        for e in r.entities:
            assert r.text[e.start:e.end] == e.text
            p = r.paragraphs[e.paragraph]
            assert p.start <= e.start < e.end <= p.end
            assert p.section != "boilerplate"
        for a, b in zip(r.paragraphs, r.paragraphs[1:]):
            assert a.end <= b.start
        assert all(p.section for p in r.paragraphs)


def test_record_serialises(seeds):
    import json

    d = json.loads(json.dumps(seeds[2].to_dict(), ensure_ascii=False))
    assert d["schema"] == "gongkai.report/1"
    for key in ("source", "title", "agency", "year", "published", "format", "script", "text", "paragraphs",
                "sections", "entities", "metrics", "checks", "warnings"):
        assert key in d
    assert d["metrics"]["requests.received"]["from"] == "text"
    assert d["sections"][0]["label"] == "overview"


REPORTS = [f"pingtan_{y}.txt" for y in ("2011_county", 2013, 2014, 2015, 2017, 2018, 2020, 2021, 2023, 2024)] + [
    "shanghai_kewei_2024.md", "shuyang_county_2025.md"]


@needs_corpus()
@pytest.mark.parametrize("name", REPORTS)
def test_real_reports_extract_with_agency_and_year(pipeline, name):
    r = pipeline.extract_path(CORPUS / "reports" / name)
    assert r.error is None
    assert r.agency and r.year
    import re

    expected_year = int(re.search(r"(19|20)\d{2}", name).group())
    assert r.year == expected_year
    for e in r.entities:
        assert r.text[e.start:e.end] == e.text
    if name.startswith("pingtan"):
        assert r.published and r.agency.startswith("平潭")
