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


def test_char_tokenizer_matches_the_transformers_tokenizer_on_windows_and_pairs():
    from transformers import AutoTokenizer

    from gongkai.inference.tag.model import SHIPPED
    from gongkai.model.features import SECTION_MAX_TOKENS, paragraph_windows
    from gongkai.model.runtime import CharTokenizer

    hf = AutoTokenizer.from_pretrained(str(SHIPPED))
    fast = CharTokenizer(SHIPPED, pair_max_length=SECTION_MAX_TOKENS)
    text = "礄口區 2022年收到申请236件，" * 20
    assert [(w.input_ids, w.char_offsets) for w in paragraph_windows(fast, text)] == \
        [(w.input_ids, w.char_offsets) for w in paragraph_windows(hf, text)]
    context, para = "3/10 一、总体情况 | 上一段" * 5, "本年度共收到政府信息公开申请" * 12
    enc = hf(context, para, truncation=True, max_length=SECTION_MAX_TOKENS, return_token_type_ids=True)
    assert fast.encode_pairs([context], [para]) == [(enc["input_ids"], enc["token_type_ids"])]


@pytest.mark.slow
def test_onnx_export_int8_agrees_with_torch_and_runs_without_torch(tmp_path):
    import subprocess
    import sys

    from gongkai.inference import Pipeline
    from gongkai.model.onnx_export import export
    from gongkai.training.data.synthetic import generate
    from gongkai.training.fit.train import TrainArguments, train

    from conftest import seed

    out = tmp_path / "m"
    train(TrainArguments(out=str(out), size="tiny", epochs=2, batch_size=8, lr=3e-3, eval=[]),
          [(d, d.text) for d in generate(3, seed=2)])
    export(out)
    assert (out / "model.onnx").exists() and (out / "model.int8.onnx").exists()
    records = {}
    for backend in ("torch", "onnx", "onnx-int8"):
        pipeline = Pipeline.default(model=out, mode="model", backend=backend)
        records[backend] = pipeline.extract_path(seed(4))
        assert pipeline.model.backend == backend
    spans = {b: [(e.start, e.end, e.label) for e in r.entities] for b, r in records.items()}
    assert spans["onnx"] == spans["torch"]  # fp32 graph: the same tags
    assert [p.section for p in records["onnx"].paragraphs] == [p.section for p in records["torch"].paragraphs]
    # the ONNX path never imports torch or transformers
    code = ("import sys; from gongkai.inference import Pipeline; "
            f"r = Pipeline.default(model={str(out)!r}).extract_path({str(seed(4))!r}); "
            "assert r.error is None; print('torch' in sys.modules, 'transformers' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "False"]


def test_hybrid_thresholds_reach_the_components_and_boundaries_follow_a_sure_model():
    from gongkai.doc import Entity
    from gongkai.inference import Pipeline
    from gongkai.inference.tag import hybrid
    from gongkai.inference.tag.model import find_model

    if find_model() is None:
        pytest.skip("no shipped model")
    p = Pipeline.default(section_threshold=0.7, min_confidence=0.95, boundary_confidence=0.9, backend="torch")
    assert p.get("sections").threshold == 0.7 and p.get("spans").min_confidence == 0.95
    assert p.get("spans").boundary_confidence == 0.9 and p.model.backend == "torch"
    assert Pipeline.default().get("sections").threshold == hybrid.SECTION_THRESHOLD
    rule = Entity(label="AGENCY", start=0, end=4, text="平潭县政", source="rules", confidence=0.9)
    other = Entity(label="COUNT", start=10, end=12, text="3件", source="rules", confidence=0.9)
    sure = Entity(label="AGENCY", start=0, end=6, text="平潭县政府办", source="model", confidence=0.95)
    unsure = Entity(label="AGENCY", start=0, end=5, text="平潭县政府", source="model", confidence=0.5)
    spans = p.get("spans")
    assert spans.reshape([rule, other], [unsure]) == [rule, other]
    assert spans.reshape([rule, other], [sure]) == [sure, other]
    spans.boundary_confidence = 1.01  # the default until a model earns it: the rules' boundaries stay
    assert spans.reshape([rule, other], [sure]) == [rule, other]
