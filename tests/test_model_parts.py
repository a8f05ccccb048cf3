"""Model groundwork: the per-character tokenizer and the synthetic report generator."""
import pytest

from gongkai.training.data.synthetic import generate


def test_tokenizer_is_per_character_with_offsets(tmp_path):
    from transformers import AutoTokenizer

    from gongkai.model.tokenizer import build_and_save

    build_and_save(["收到申请236件，占比52.4%。礄口区2022年"] * 3, tmp_path / "tok", min_count=1)
    tok = AutoTokenizer.from_pretrained(str(tmp_path / "tok"))
    text = "礄口區 2022年收到申请236件"
    enc = tok(text, return_offsets_mapping=True, add_special_tokens=False)
    pieces = [text[a:b] for a, b in enc["offset_mapping"]]
    assert pieces == [c for c in text if not c.isspace()]
    assert tok.convert_ids_to_tokens(enc["input_ids"])[3:7] == ["2", "0", "2", "2"]  # digits are not [UNK]
    assert "區" in tok.get_vocab()  # Traditional forms of the Simplified characters seen


def test_synthetic_reports_carry_exact_labels():
    docs = generate(60, seed=3)
    layouts = {d.record["format"] for d in docs}
    assert layouts == {"2021", "2019", "legacy"}
    for d in docs:
        for s in d.spans:
            assert d.text[s["start"]:s["end"]] == s["text"]
        for p in d.paragraphs:
            assert 0 <= p["start"] < p["end"] <= len(d.text)
    labels = {s["label"] for d in docs for s in d.spans}
    assert labels == {"COUNT", "PERCENT", "DATE", "AGENCY", "MONEY"}
    assert any("\n" not in d.text for d in docs)  # flattened one-line crawls


def test_silver_prose_and_cluener_take_rule_spans_and_no_sections(tmp_path):
    import gzip
    import json

    from gongkai.training.data.silver import cluener_docs, prose_docs
    from gongkai.training.fit.train import doc_examples
    from gongkai.model.tokenizer import build_and_save
    from transformers import AutoTokenizer

    (tmp_path / "pretrain").mkdir()
    rows = [{"content": "国务院办公厅印发通知。\n全年新增就业1100万人，增长6.5%，安排资金3.2亿元。\n短句"}]
    with gzip.open(tmp_path / "pretrain" / "government_work_reports.jsonl.gz", "wt", encoding="utf-8") as fh:
        fh.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    docs = prose_docs(10, corpus=tmp_path, min_len=8)
    assert sorted(d.text for d in docs) == ["全年新增就业1100万人，增长6.5%，安排资金3.2亿元。", "国务院办公厅印发通知。"]
    spans = {(s["label"], s["text"]) for d in docs for s in d.spans}
    assert {("AGENCY", "国务院办公厅"), ("PERCENT", "6.5%"), ("MONEY", "3.2亿元")} <= spans
    for d in docs:
        assert all(d.text[s["start"]:s["end"]] == s["text"] for s in d.spans)

    (tmp_path / "ner" / "cluener2020").mkdir(parents=True)
    sentence = {"text": "平潭县公安局于2020年查处3起案件", "label": {"government": {"平潭县公安局": [[0, 5]]}}}
    (tmp_path / "ner" / "cluener2020" / "train.json").write_text(json.dumps(sentence, ensure_ascii=False, indent=2))
    (doc,) = cluener_docs(5, corpus=tmp_path)
    assert [(s["label"], s["text"]) for s in doc.spans][:2] == [("AGENCY", "平潭县公安局"), ("DATE", "2020年")]

    build_and_save([d.text for d in docs] + [doc.text], tmp_path / "tok", min_count=1)
    tok = AutoTokenizer.from_pretrained(str(tmp_path / "tok"))
    rows = doc_examples(tok, doc, doc.text)
    assert len(rows) == 1 and "span_labels" in rows[0]  # spans only: silver text has no report sections


def test_no_model_means_rules_with_a_warning(tmp_path):
    from gongkai.inference import Pipeline

    from conftest import seed

    record = Pipeline.default(model=None).extract_path(seed(4))
    from gongkai.inference.tag.model import find_model

    if find_model() is None:
        assert any("rules only" in w for w in record.warnings)
    assert Pipeline.default(rules_only=True).notice is None
