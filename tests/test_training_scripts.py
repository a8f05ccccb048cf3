"""The training scripts (issue 10, item 5): argument dataclasses parsed by HfArgumentParser,
a Dataset and a collator, Trainer, evaluation at the end; pretraining that stops and resumes;
fine-tuning on a public NER set scored with seqeval. Tiny configurations, seconds each."""
import json

import pytest
import torch

from conftest import seed


def test_help_names_the_options(capsys):
    from gongkai.inference.cli import main

    for command, option in (("train", "--base_model"), ("pretrain", "--widen_vocab")):
        with pytest.raises(SystemExit) as stop:
            main([command, "--help"])
        assert stop.value.code == 0
        text = capsys.readouterr().out
        assert option in text and "(default:" in text


def test_train_arguments_parse_from_the_command_line():
    from gongkai.training.fit.train import parse

    args = parse(["--out", "x", "--base-model", "b", "--max_steps", "7", "--exclude", "a", "b", "--bf16"])
    assert (args.out, args.base_model, args.max_steps, args.exclude, args.bf16) == ("x", "b", 7, ["a", "b"], True)
    assert args.train == ["annotations/gold/train.jsonl"]


def test_refuses_the_test_split(capsys):
    from gongkai.training.fit.train import main

    assert main(["--out", "x", "--train", "annotations/gold/test.jsonl"]) == 2
    assert "refusing" in capsys.readouterr().out


def test_collator_mixes_span_and_section_rows_and_the_model_takes_both_losses():
    from gongkai.model.configs import bert_config
    from gongkai.model.modeling import SPAN_TAGS, GongkaiTagger
    from gongkai.training.fit.train import TaggerCollator

    rows = [{"input_ids": [2, 7, 8, 3], "span_labels": [-100, 1, 2, -100]},
            {"input_ids": [2, 9, 3, 10, 3], "token_type_ids": [0, 0, 0, 1, 1], "section_label": 4}]
    batch = TaggerCollator(pad_id=0)(rows)
    assert batch["input_ids"].shape == (2, 5) and batch["attention_mask"][0].tolist() == [1, 1, 1, 1, 0]
    assert batch["span_labels"][1].tolist() == [-100] * 5 and batch["section_labels"].tolist() == [-100, 4]
    model = GongkaiTagger(bert_config("tiny", vocab_size=20))
    out = model(**batch)
    assert out["span_logits"].shape == (2, 5, len(SPAN_TAGS)) and out["section_logits"].shape[0] == 2
    assert torch.isfinite(out["loss"]) and out["loss"] > 0
    only_spans = {**batch, "section_labels": torch.full((2,), -100)}
    assert torch.isfinite(model(**only_spans)["loss"])  # a batch without section rows: no NaN


def test_span_masking_hides_runs_of_real_tokens_only():
    from gongkai.model.tokenizer import make_tokenizer
    from gongkai.training.fit.pretrain import SpanMaskingCollator

    tok = make_tokenizer(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + list("一二三四五六七八九十"))
    rows = [{"input_ids": [2] + list(range(5, 15)) * 4 + [3]}, {"input_ids": [2, 5, 6, 3]}]
    batch = SpanMaskingCollator(tok, probability=0.3, mean_span=3, seed=1)(rows)
    labels = batch["labels"]
    chosen = (labels[0] != -100).nonzero().flatten().tolist()
    assert 6 <= len(chosen) <= 18  # about 30 % of the 40 real tokens
    assert labels[0, 0] == -100 and labels[0, 41] == -100  # [CLS] and [SEP] are never masked
    assert any(b - a == 1 for a, b in zip(chosen, chosen[1:]))  # runs, not only single tokens
    assert (batch["input_ids"][labels != -100] == tok.mask_token_id).float().mean() > 0.5
    assert batch["attention_mask"][1].tolist() == [1, 1, 1, 1] + [0] * 38


def test_widened_tokenizer_keeps_ids_and_adds_missing_characters():
    from gongkai.model.tokenizer import make_tokenizer
    from gongkai.training.fit.pretrain import widened_tokenizer

    tok = make_tokenizer(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "局", "市"])
    wide, added = widened_tokenizer(tok, ["詹姆斯市局", "詹姆斯", "娜"])
    assert added == 3 and len(wide) == 10  # 詹 姆 斯 twice; 娜 once is left out
    assert wide.convert_tokens_to_ids(["局", "市"]) == tok.convert_tokens_to_ids(["局", "市"])
    assert wide.unk_token_id not in wide("詹姆斯", add_special_tokens=False)["input_ids"]


@pytest.mark.slow
def test_pretrain_tiny_runs_resumes_and_continues_from_a_tagger(tmp_path):
    from gongkai.training.fit.pretrain import main, parse

    out = tmp_path / "pt"
    common = ["--size", "tiny", "--out", str(out), "--max_chars", "20000", "--save_steps", "3", "--batch_size", "4",
              "--seq_len", "64", "--no_ner_text"]
    assert main(common + ["--max_steps", "6"]) == 0
    assert (out / "final" / "model.safetensors").exists() and (out / "checkpoint-6" / "tokenizer.json").exists()
    assert main(parse(common + ["--max_steps", "8"])) == 0  # resumes from checkpoint-6
    state = json.loads((out / "checkpoint-8" / "trainer_state.json").read_text())
    assert state["global_step"] == 8
    # fine-tune the pretrained encoder, then continue pretraining from the tagger with a wider vocabulary
    from gongkai.training.data.synthetic import generate
    from gongkai.training.fit.train import TrainArguments, train

    tagger = tmp_path / "ft"
    train(TrainArguments(out=str(tagger), base_model=str(out / "final"), max_steps=3, batch_size=8, eval=[]),
          [(d, d.text) for d in generate(2, seed=1)])
    assert main(["--base", str(tagger), "--widen_vocab", "--out", str(tmp_path / "pt2"), "--max_chars", "20000",
                 "--max_steps", "2", "--batch_size", "4", "--seq_len", "64"]) == 0
    wide = json.loads((tmp_path / "pt2" / "final" / "config.json").read_text())["vocab_size"]
    assert wide > json.loads((out / "final" / "config.json").read_text())["vocab_size"]


@pytest.mark.slow
def test_training_tiny_loss_falls_evaluates_and_the_folder_reloads_and_tags(tmp_path):
    from gongkai.inference import Pipeline
    from gongkai.training.data.synthetic import generate
    from gongkai.training.fit.train import TrainArguments, train

    docs = [(d, d.text) for d in generate(5, seed=5)]
    out = tmp_path / "model"
    info = train(TrainArguments(out=str(out), size="tiny", epochs=4, batch_size=8, lr=3e-3,
                                eval=["annotations/gold/test.jsonl"]), docs)
    assert info["loss_last"] < info["loss_first"]
    assert json.loads((out / "config.json").read_text())["span_tags"][0] == "O"
    assert "## Training" in (out / "README.md").read_text(encoding="utf-8")  # the model card
    figures = json.loads((out / "eval.json").read_text())
    assert 0 <= figures["sections"] <= 1 and "AGENCY" in figures and figures["documents"] > 0
    for mode in ("model", "hybrid"):
        record = Pipeline.default(model=out, mode=mode).extract_path(seed(4))
        assert record.error is None
        assert {p.source for p in record.paragraphs} <= {"model", "rules"}
        if mode == "model":
            assert {p.source for p in record.paragraphs} == {"model"}
        for e in record.entities:
            assert record.text[e.start:e.end] == e.text and e.source in ("model", "rules")
    # the hybrid keeps every rule span: never below the rules
    rules = {(e.start, e.end, e.label) for e in Pipeline.rules().extract_path(seed(4)).entities}
    hybrid = {(e.start, e.end, e.label) for e in Pipeline.default(model=out).extract_path(seed(4)).entities}
    assert rules <= hybrid
    # shipping halves the file (float16) and the copy still loads and tags
    from gongkai.training.release.card import write_card
    from gongkai.training.release.ship import ship

    shipped = tmp_path / "shipped"
    ship(out, shipped)
    assert (shipped / "model.safetensors").stat().st_size < 0.6 * (out / "model.safetensors").stat().st_size
    speed = {"threads": 2, "chars_per_s": 30000.0, "s_per_10k": 0.33, "peak_mib": 700.0, "reports": 1, "chars": 100}
    write_card(shipped, [{"name": "hybrid", "sections": 1.0, "micro": 0.9}], speed)
    card = (shipped / "README.md").read_text(encoding="utf-8")
    assert "| hybrid | 1.000 |" in card and "30,000 characters/s" in card
    assert Pipeline.default(model=shipped).extract_path(seed(4)).error is None


@pytest.mark.slow
def test_ner_finetune_scores_with_seqeval(tmp_path):
    from gongkai.model.configs import bert_config
    from gongkai.model.tokenizer import make_tokenizer
    from gongkai.training.fit.ner import NerArguments, bio, finetune
    from transformers import BertForMaskedLM

    assert bio("平潭 县公安局查处", [(0, 6, "government")]) == ["B-government", "I-government", "O"] + \
        ["I-government"] * 3 + ["O"] * 3
    chars = sorted(set("平潭县公安局福州市税务局查处了三起案件今天发布"))
    tok = make_tokenizer(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + chars)
    base = tmp_path / "base"
    BertForMaskedLM(bert_config("tiny", vocab_size=len(tok))).save_pretrained(str(base))
    tok.save_pretrained(str(base))
    sentences = [("平潭县公安局查处了三起案件", [(0, 6, "government")]),
                 ("今天福州市税务局发布", [(2, 8, "government")])] * 20
    res = finetune(NerArguments(base=str(base), epochs=30, batch_size=8, lr=3e-3, bf16=False), sentences,
                   sentences[:2], ["government"])
    assert res["labels"]["government"]["support"] == 2 and 0 <= res["f1"] <= 1
    assert res["f1"] > 0.4  # learnt the two names (train = dev here: the loop works, not a score)
    # the CRF head: its transitions initialised (not the meta device's garbage), a finite loss, a path per sentence
    crf = finetune(NerArguments(base=str(base), epochs=30, batch_size=8, lr=3e-3, bf16=False, head="crf",
                                head_lr=1e-2), sentences, sentences[:2], ["government"])
    assert crf["head"] == "crf" and crf["loss_last"] is not None and crf["loss_last"] == crf["loss_last"]
    assert crf["f1"] > 0.4
    with pytest.raises(ValueError, match="--head"):
        finetune(NerArguments(base=str(base), head="lstm"), sentences, sentences[:2], ["government"])
