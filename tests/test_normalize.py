"""Normaliser: script detection, phrase-level tw2sp with an offset map, width folding."""
from gongkai.inference.text.normalize import detect_script, normalize


def test_detects_scripts():
    assert detect_script("礄口區人民政府堅持以人民為中心深化政務公開,圍繞省市政務公開重點工作") == "traditional"
    assert detect_script("南岗区营商环境建设监督局在全面总结2023年政府信息公开工作的基础上") == "simplified"


def test_taiwan_vocabulary_converted_and_mapped_back():
    orig = "最佳化區政府入口網站欄目,網際網路檔案2022年"
    view = normalize(orig)
    assert view.script == "traditional"
    assert "优化区政府门户网站栏目" in view.text and "互联网文件" in view.text
    # every view character maps to a valid original range, in order
    assert len(view.starts) == len(view.text)
    for i in range(len(view.text)):
        s, e = view.to_original(i, i + 1)
        assert 0 <= s < e <= len(orig)
    s = view.text.index("区政府")
    a, b = view.to_original(s, s + 3)
    assert orig[a:b] == "區政府"
    y = view.text.index("2022年")
    a, b = view.to_original(y, y + 5)
    assert orig[a:b] == "2022年"
    # whole text maps to whole text
    assert view.to_original(0, len(view.text)) == (0, len(orig))


def test_width_folding_is_one_to_one():
    orig = "主动公开信息４９６６条，占比９９．１％"
    view = normalize(orig)
    assert view.text == "主动公开信息4966条,占比99.1%"
    assert view.starts is None and len(view.text) == len(orig)


from hypothesis import given, settings
from hypothesis import strategies as st

from gongkai.inference.text import normalize as _normalize


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from([chr(c) for c in _normalize._WIDTH] + list("政府信息ab1 \n，。")), max_size=40))
def test_fold_width_is_the_translation_table(text):
    assert _normalize.fold_width(text) == text.translate(_normalize._WIDTH_TABLE)
