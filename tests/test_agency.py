"""Agency names: whole department names with 和/与, the reporting body from the title, short
forms of it in the text, and where the body sits (region, level)."""
import json

import pytest

from conftest import CORPUS, REPO, needs_corpus
from gongkai.inference.record.metadata import agency_from_title, body_names
from gongkai.inference.record.region import locate
from gongkai.inference.tag.rules import gazetteer as gz
from gongkai.inference.tag.rules.spans import RuleSpanTagger

TAGGER = RuleSpanTagger()


def agencies(text):
    return [text[m.start:m.end] for m in TAGGER.find(text) if m.label == "AGENCY"]


# --- one span however many 和/与 the name holds ------------------------------------------

@pytest.mark.parametrize("name", [
    "河北省工业和信息化厅", "市人力资源和社会保障局", "县住房和城乡建设局", "区科学技术和工业信息化局", "市文化和旅游局",
    "市自然资源和规划局", "省卫生健康委员会", "区退役军人事务局", "市政务服务和大数据管理局",
    "国务院办公厅政府信息与政务公开办公室", "国家发展和改革委员会", "市卫生和计划生育委员会", "区交通与建设局",
    "县文化广电和旅游局", "省粮食和物资储备局", "市林业和草原局", "区教育和体育局", "县城市管理和综合执法局",
])
def test_department_names_with_he_are_one_span(name):
    assert agencies(f"根据{name}的工作部署，") == [name]
    assert agencies(f"2023年，{name}坚持以人民为中心") == [name]


@pytest.mark.parametrize("text,expected", [
    ("按照县委和县政府统一部署", ["县委", "县政府"]),
    ("主动接受区人大与政协的监督", ["区人大", "政协"]),
    ("在房地产交易中心和行政服务中心设立查阅点", ["房地产交易中心", "行政服务中心"]),
    ("指定县档案馆和县图书馆为查阅场所", ["县档案馆", "县图书馆"]),  # 和县 is a county, not here
    ("市农业农村局和市水利局联合发布", ["市农业农村局", "市水利局"]),
    ("省商务厅与省财政厅联合印发", ["省商务厅", "省财政厅"]),
])
def test_lists_joined_by_he_stay_split(text, expected):
    assert agencies(text) == expected


def test_a_county_named_he_still_reads_where_it_is_the_name():
    assert agencies("安徽省和县人民政府发布") == ["安徽省和县人民政府"]


@pytest.mark.parametrize("text", ["推进工业和信息化融合发展", "加强人力资源和社会保障工作", "促进文化和旅游消费"])
def test_sector_words_without_a_suffix_are_no_body(text):
    assert agencies(text) == []


def test_sectors_table_has_full_names_and_short_forms():
    table = {s.full: s for s in gz.sectors()}
    assert "人社" in table["人力资源和社会保障"].short and "工信" in table["工业和信息化"].short
    assert table["科学技术委员会"].suffix == "委员会" and "科委" in table["科学技术委员会"].short
    strong, weak = gz.department_stems()
    assert {"工业和信息化", "人社", "住建", "卫健"} <= strong
    assert {"工业", "信息化", "社会保障"} <= weak  # sector words: they join a chain, alone they are no body
    assert not {"和", "与"} & strong


# --- the reporting body from the title ----------------------------------------------------

@pytest.mark.parametrize("title,agency", [
    ("2023年度河北省工业和信息化厅政府信息公开工作年度报告", "河北省工业和信息化厅"),
    ("河北省工业和信息化厅2023年度政府信息公开工作年度报告", "河北省工业和信息化厅"),
    ("关于河北省人力资源和社会保障厅2022年度政府信息公开工作情况的报告", "河北省人力资源和社会保障厅"),
    ("淮安市住房和城乡建设局关于2021年度政府信息公开工作的报告", "淮安市住房和城乡建设局"),
    ("南京市文化和旅游局 2019年政府信息公开年报", "南京市文化和旅游局"),
    ("北京市发展和改革委员会政府信息公开工作2022年度报告", "北京市发展和改革委员会"),
    ("国务院办公厅政府信息与政务公开办公室2023年政府信息公开工作年度报告", "国务院办公厅政府信息与政务公开办公室"),
    ("兰州新区经济发展局(统计局)2022年政府信息公开工作年度报告", "兰州新区经济发展局(统计局)"),
    ("沐阳县人民政府 2025 年 政府信息公开工作年度报告", "沐阳县人民政府"),
    ("《深圳市政务服务和大数据管理局2023年政务公开工作年度报告》", "深圳市政务服务和大数据管理局"),
    ("二〇一五年平潭综合实验区政府信息公开工作年度报告", "平潭综合实验区"),
])
def test_agency_from_title(title, agency):
    assert agency_from_title(title) == agency


@pytest.mark.parametrize("title", ["2023年政府信息公开工作年度报告", "政府信息公开年报", "关于2022年度政府信息公开工作的报告"])
def test_a_title_without_a_body_names_none(title):
    assert agency_from_title(title) is None


PAGE = """<html><head><title>2022年度其他局政府信息公开工作年度报告_政府信息公开年报_某某市人民政府</title></head><body>
<div class="top"><a>国务院</a> <a>省政府</a></div>
<div class="nav"><a>首页</a><a>政务公开</a><a>政府信息公开年报</a></div>
<div class="side"><p>相关报告</p><p>河北省财政厅2022年度政府信息公开工作年度报告</p></div>
<div class="meta">来源：河北省人民政府 时间：2024-01-20</div>
<div class="article">
<p>2023年度河北省工业和信息化厅政府信息公开工作年度报告</p>
<p>本报告根据《中华人民共和国政府信息公开条例》编制。省工信厅高度重视政务公开工作。</p>
<p>一、总体情况</p>
<p>2023年，河北省工业和信息化厅主动公开政府信息1200条，市工信局转来申请3件。</p>
<p>二、主动公开政府信息情况</p><p>详见下表。</p>
</div>
<div class="footer">主办：河北省人民政府办公厅 版权所有 冀ICP备12345678号</div>
</body></html>"""


def test_the_reporting_body_comes_from_the_report_not_the_page_chrome(pipeline):
    r = pipeline.extract_bytes(PAGE.encode("utf-8"), source="page.html")
    assert r.error is None
    assert r.title == "2023年度河北省工业和信息化厅政府信息公开工作年度报告"
    assert r.agency == "河北省工业和信息化厅" and r.year == 2023
    assert r.level == "department" and r.region == {"province": "河北省", "city": None, "county": None, "adcode": "130000"}
    by_text = {e.text: e for e in r.entities if e.label == "AGENCY"}
    assert by_text["省工信厅"].normalized == "河北省工业和信息化厅"  # a short form of the body itself
    assert by_text["市工信局"].normalized == "市工信局"  # a city's bureau: another body


def test_a_title_wrapped_over_two_lines(pipeline):
    text = ("当前位置：首页 > 政府信息公开年报\n平潭综合实验区\n2013年政府信息公开工作年度报告\n"
            "平潭综合实验区管委会办公室\n本报告主要根据《中华人民共和国政府信息公开条例》编制。\n一、概述\n"
            "2013年，区管委会办公室多次召开会议。\n")
    r = pipeline.extract_text(text, "wrapped")
    assert r.agency == "平潭综合实验区" and r.year == 2013


def test_the_crawler_title_serves_when_the_text_has_none(pipeline):
    text = ("标题: 南岗区营商环境建设监督局2023年政府信息公开工作年度报告\n发布时间: 2024-01-20 10:00\n"
            "==================== 正文 ====================\n"
            "一、总体情况\n2023年，南岗区营商局按照要求推进政务公开。\n")
    r = pipeline.extract_text(text, "crawl")
    assert r.agency == "南岗区营商环境建设监督局" and r.year == 2023
    assert r.region["county"] == "南岗区" and r.region["adcode"] == "230103" and r.level == "department"
    assert [e.normalized for e in r.entities if e.text == "南岗区营商局"] == ["南岗区营商环境建设监督局"]


# --- short forms -------------------------------------------------------------------------

@pytest.mark.parametrize("agency,short", [
    ("河北省科学技术厅", "省科技厅"), ("河北省科学技术厅", "科技厅"), ("某某市发展和改革委员会", "市发改委"),
    ("某某区发展和改革局", "区发改局"), ("深圳市人力资源和社会保障局", "市人社局"), ("南京市住房和城乡建设局", "市住建局"),
    ("上海市科学技术委员会", "市科委"), ("上海市科委", "上海市科学技术委员会"), ("硚口区人民政府", "区政府"),
    ("淮安市市场监督管理局", "市市场监管局"), ("兰州新区经济发展局(统计局)", "经发局"), ("平潭综合实验区", "区管委会"),
])
def test_short_forms_of_the_body(agency, short):
    assert short in body_names(agency, locate(agency))


@pytest.mark.parametrize("agency,other", [
    ("河北省科学技术厅", "市科技局"), ("硚口区人民政府", "市政府"), ("硚口区人民政府", "政府"), ("河北省科学技术厅", "省政府"),
    ("深圳市人力资源和社会保障局", "区人社局"),
])
def test_other_bodies_are_not_short_forms(agency, other):
    assert other not in body_names(agency, locate(agency))


# --- region and level --------------------------------------------------------------------

@pytest.mark.parametrize("agency,region,level", [
    ("河北省工业和信息化厅", ("河北省", None, None, "130000"), "department"),
    ("江苏省人民政府", ("江苏省", None, None, "320000"), "province"),
    ("淮安市人民政府", ("江苏省", "淮安市", None, "320800"), "city"),
    ("淮安市洪泽区人民政府", ("江苏省", "淮安市", "洪泽区", "320813"), "county"),
    ("沭阳县人民政府", ("江苏省", "宿迁市", "沭阳县", "321322"), "county"),
    ("硚口区人民政府", ("湖北省", "武汉市", "硚口区", "420104"), "county"),
    ("上海市虹口区人民政府", ("上海市", "上海市", "虹口区", "310109"), "county"),
    ("南京市住房和城乡建设局", ("江苏省", "南京市", None, "320100"), "department"),
    ("平潭综合实验区", ("福建省", "福州市", "平潭县", "350128"), "county"),
    ("平潭综合实验区党工委管委会", ("福建省", "福州市", "平潭县", "350128"), "county"),
    ("兰州新区经济发展局(统计局)", ("甘肃省", "兰州市", None, "620100"), "department"),
    ("沭阳县钱集镇人民政府", ("江苏省", "宿迁市", "沭阳县", "321322"), "township"),
    ("沭阳县十字街道办事处", ("江苏省", "宿迁市", "沭阳县", "321322"), "township"),
])
def test_region_and_level(agency, region, level):
    place = locate(agency)
    assert place.level == level
    assert place.region == dict(zip(("province", "city", "county", "adcode"), region))


def test_a_name_two_divisions_share_is_settled_by_the_text_or_left_open():
    assert locate("鼓楼区人民政府").region is None  # four cities have a 鼓楼区
    assert locate("鼓楼区人民政府").level == "county"
    assert locate("鼓楼区人民政府", "福州市鼓楼区2023年…").region["adcode"] == "350102"
    # Two readings in Jiangsu (南京, 徐州): the province is sure, the rest is not guessed.
    assert locate("鼓楼区人民政府", "江苏省").region == {"province": "江苏省", "city": None, "county": None, "adcode": "320000"}


@pytest.mark.parametrize("agency,level", [("钱集镇人民政府", "township"), ("沈抚新区", None), ("国务院办公厅", "department"),
                                          ("沐阳县人民政府", "county")])
def test_bodies_the_table_cannot_place(agency, level):
    place = locate(agency)
    assert place.region is None and place.level == level


def test_the_export_carries_region_and_level(pipeline):
    from gongkai.inference.apps.export import report_rows

    r = pipeline.extract_bytes(PAGE.encode("utf-8"), source="page.html")
    rows, _ = report_rows([r.to_dict()])
    assert rows[0]["region.province"] == "河北省" and rows[0]["region.adcode"] == "130000"
    assert rows[0]["level"] == "department"


# --- real pages: the HTML form of a report names the body its crawl names -----------------

HTML_REPORTS = ["pingtan_2011_county", "pingtan_2013", "pingtan_2014", "pingtan_2015", "pingtan_2017", "pingtan_2018",
                "pingtan_2020", "pingtan_2021", "pingtan_2023", "pingtan_2024"]


def _gold_records():
    out = {}
    for split in ("train", "test"):
        for line in (REPO / "annotations" / "gold" / f"{split}.jsonl").read_text(encoding="utf-8").splitlines():
            if line.strip():
                d = json.loads(line)
                out[d["id"]] = d["record"]
    return out


@needs_corpus()
@pytest.mark.parametrize("name", HTML_REPORTS)
def test_real_html_pages_name_the_body_of_their_crawl(pipeline, name):
    page = CORPUS / "reports" / "html" / f"{name}.html"
    if not page.exists():
        pytest.skip(f"{page} not present")
    gold = _gold_records()[name]
    html = pipeline.extract_path(page)
    crawl = pipeline.extract_path(CORPUS / "reports" / f"{name}.txt")
    assert html.error is None
    assert html.agency == crawl.agency == gold["agency"]
    assert html.year == crawl.year == gold["year"]
    assert html.region == crawl.region and html.level == crawl.level
    assert html.region["adcode"] == "350128"  # 平潭: the zone sits in 平潭县, as the county did


def test_a_title_above_the_marked_main_content_is_found(pipeline):
    from gongkai.inference.read import read_string

    text = ("首页 > 政务公开\n淮安市人民政府2024年政府信息公开工作年度报告\n来源：淮安市人民政府办公室\n"
            "本报告根据《中华人民共和国政府信息公开条例》编制。\n一、总体情况\n2024年，市政府坚持…\n")
    doc = read_string(text, "page")
    doc.body_start = text.index("本报告")  # a reader marked the article body, the title above it
    r = pipeline.process(doc)
    assert r.agency == "淮安市人民政府" and r.level == "city" and r.region["adcode"] == "320800"
    assert [e.normalized for e in r.entities if e.text == "市政府"] == ["淮安市人民政府"]


def test_without_a_report_start_the_first_title_is_taken(pipeline):
    text = ("淮安市洪泽区人民政府2023年政府信息公开工作年度报告\n全区主动公开政府信息1200条\n"
            "相关链接\n淮安市洪泽区人民政府2022年政府信息公开工作年度报告\n")
    r = pipeline.extract_text(text, "bare")
    assert r.agency == "淮安市洪泽区人民政府" and r.year == 2023


def test_a_title_inside_a_sentence_is_not_the_title(pipeline):
    text = ("按照《关于做好2023年政府信息公开工作年度报告编制工作的通知》要求。\n"
            "某某县人民政府2023年政府信息公开工作年度报告\n一、总体情况\n2023年，县政府……\n")
    r = pipeline.extract_text(text, "sentence")
    assert r.agency == "某某县人民政府" and r.level == "county"


def test_agency_from_a_title_that_is_a_notice():
    # The office publishes; the body whose report it is reports.
    assert agency_from_title("淮安市人民政府办公室关于印发淮安市人民政府2023年政府信息公开工作年度报告") == "淮安市人民政府"


def test_a_heading_line_names_the_body_when_the_title_does_not(pipeline):
    text = ("2023年政府信息公开工作年度报告\n河北省工业和信息化厅\n"
            "本报告根据《中华人民共和国政府信息公开条例》编制。\n一、总体情况\n2023年，省工信厅……\n")
    r = pipeline.extract_text(text, "heading")
    assert r.agency == "河北省工业和信息化厅" and r.level == "department"
    assert [e.normalized for e in r.entities if e.text == "省工信厅"] == ["河北省工业和信息化厅"]


def test_the_signature_names_the_body_when_nothing_else_does(pipeline):
    text = ("2023年政府信息公开工作年度报告\n本报告根据《中华人民共和国政府信息公开条例》编制。\n一、总体情况\n"
            "2023年，县政府加强政务公开。\n二、其他需要报告的事项\n本年度未收取信息处理费。\n沭阳县人民政府\n2024年1月20日\n")
    r = pipeline.extract_text(text, "signature")
    assert r.agency == "沭阳县人民政府" and r.region["adcode"] == "321322"
