"""Rule span tagger and value parsing, on the examples of LABELS.md."""
import pytest

from gongkai.inference.tag.rules.spans import RuleSpanTagger
from gongkai.inference.figures.values import count_value, date_value, money_value, percent_value

TAGGER = RuleSpanTagger()


def spans(text):
    return [(text[m.start:m.end], m.label) for m in TAGGER.find(text)]


@pytest.mark.parametrize("text,expected", [
    ("主动公开信息4966条", ("4966条", "COUNT")),
    ("新收到申请236件", ("236件", "COUNT")),
    ("收到申请三件", ("三件", "COUNT")),
    ("受理500余件", ("500余件", "COUNT")),
    ("注册用户42.37万个", ("42.37万个", "COUNT")),
    ("访问量730多万次", ("730多万次", "COUNT")),
    ("全区20个街道", ("20个", "COUNT")),
    ("办结率99.1%", ("99.1%", "PERCENT")),
    ("同比增长52.4 %", ("52.4 %", "PERCENT")),
    ("提高5个百分点", ("5个百分点", "PERCENT")),
    ("满意率百分之百", ("百分之百", "PERCENT")),
    ("收取信息处理费400元", ("400元", "MONEY")),
    ("创造税收2.9亿元", ("2.9亿元", "MONEY")),
    ("节约资金约2500万元", ("2500万元", "MONEY")),
    ("2022年度报告", ("2022年度", "DATE")),
    ("截至2021年12月", ("2021年12月", "DATE")),
    ("2023/01/31/ 16:47 来源", ("2023/01/31/ 16:47", "DATE")),
    ("于10月29日召开", ("10月29日", "DATE")),
    ("1至9月累计", ("1至9月", "DATE")),
    ("办理时限缩短至42分钟", ("42分钟", "COUNT")),
])
def test_label_examples(text, expected):
    assert expected in spans(text)


def test_date_range_is_two_spans():
    assert spans("统计期限为2023年1月1日至2023年12月31日。") == [("2023年1月1日", "DATE"), ("2023年12月31日", "DATE")]


@pytest.mark.parametrize("text", ["第一批", "学习二十大精神", "地铁12号线", "12345热线", "电话:0451-86252566",
                                  "国办公开办函〔2021〕30号", "一是加强", "今年以来", "五公开", "三安全一稳定"])
def test_not_spans(text):
    assert [s for s in spans(text) if s[1] in ("COUNT", "DATE", "PERCENT", "MONEY")] == []


@pytest.mark.parametrize("text,agency", [
    ("南岗区营商环境建设监督局在全面总结", "南岗区营商环境建设监督局"),
    ("兰州新区经济发展局(统计局)按照", "兰州新区经济发展局(统计局)"),
    ("根据国务院办公厅政府信息与政务公开办公室关于", "国务院办公厅政府信息与政务公开办公室"),
    ("经发局多措并举", "经发局"),
    ("2022年硚口区人民政府坚持", "硚口区人民政府"),
    ("平潭综合实验区党工委管委会领导", "平潭综合实验区党工委管委会"),
    ("通过市政府门户网站", "市政府"),
])
def test_agencies(text, agency):
    assert (agency, "AGENCY") in spans(text)


def test_agency_lists_are_split_and_generic_classes_skipped():
    assert [s for s, l in spans("按照市委、市政府统一部署") if l == "AGENCY"] == ["市委", "市政府"]
    assert [s for s, l in spans("省委省政府高度重视") if l == "AGENCY"] == ["省委", "省政府"]
    assert [s for s, l in spans("各区政府和有关部门") if l == "AGENCY"] == []


def test_values():
    assert count_value("42.37万个") == (423700, "个", False)
    assert count_value("730多万次") == (7300000, "次", True)
    assert count_value("二十五件") == (25, "件", False)
    assert money_value("2.9亿元")[0] == 290000000
    assert money_value("400元") == (400, "元", False)
    assert percent_value("百分之百") == (100, "%")
    assert percent_value("5个百分点") == (5, "pp")
    assert date_value("2022年度") == "2022"
    assert date_value("2021年12月") == "2021-12"
    assert date_value("2023/01/31/ 16:47") == "2023-01-31T16:47"
    assert date_value("10月29日") == "--10-29"
    assert date_value("二〇一八年三月十八日") == "2018-03-18"
    assert date_value("2025\n年 1 月 1 日") == "2025-01-01"


# --- the pattern scan tries each pattern only where a match can start ------------------------

from hypothesis import given, settings
from hypothesis import strategies as st

from gongkai.inference.tag.rules import spans as span_rules
from gongkai.inference.tag.rules.gazetteer import build_automaton

_TRICKY = st.sampled_from(list("0123456789零〇○一二两三四五六七八九十百千第年月日号元%成超占比件人次个万亿余多 ,.\n\t-/至~—:度底a")
                          + ["百分之", "个百分点", "2023年", "二〇二三年", "万元", "12月31日"])


@settings(max_examples=3000, deadline=None)
@given(st.lists(_TRICKY, max_size=30).map("".join), st.integers(0, 3))
def test_scan_finds_what_finditer_finds(text, cut):
    """`_scan` is an optimisation of `finditer`: the same matches on any text, any range."""
    start, end = min(cut, len(text)), max(min(cut, len(text)), len(text) - cut)
    for _, pattern, starts, needs in span_rules._SCANS:
        assert [m.span() for m in span_rules._scan(pattern, starts, text, start, end, needs)] == \
               [m.span() for m in pattern.finditer(text, start, end)]


def test_gazetteer_longest_component_at_each_place():
    automaton = build_automaton()
    text = "平潭综合实验区人力资源和社会保障局"
    found = automaton.longest(text)
    assert found[0].length == 2 and found[0].kind == "region"  # 平潭
    assert all(text[i:i + c.length] in automaton.words for i, c in found.items())
    # a window reports the window's places in the text's offsets
    assert automaton.longest(text, 7) == {i: c for i, c in found.items() if i >= 7 and i + c.length <= len(text)}


def test_word_search_windows_lose_and_double_nothing():
    from gongkai.inference.text.search import WordSearch

    search = WordSearch(["人民政府", "政府", "区人民政府办公室", "办公室"])
    text = "平潭综合实验区人民政府办公室和区政府" * 7
    whole = sorted(search.finditer(text, window=10 ** 6))
    assert len(whole) == 7 * 5
    for window in (1, 3, 7, 16):
        assert sorted(search.finditer(text, window=window)) == whole
        assert sorted(search.finditer(text, 5, 60, window=window)) == [m for m in whole if m[1] >= 5 and m[2] <= 60]
