"""Splitter and rule section tagger."""
from gongkai.inference.read import read_string
from gongkai.inference.text.normalize import normalize
from gongkai.inference.text.split import split
from gongkai.inference.tag.rules.sections import RuleSectionTagger


def tagged(text):
    doc = read_string(text)
    doc.view = normalize(doc.text)
    doc.paragraphs = split(doc)
    RuleSectionTagger()(doc)
    return doc, [(doc.paragraph_text(p), p.section) for p in doc.paragraphs]


def test_lines_become_trimmed_paragraphs():
    doc, pairs = tagged("  标题年度报告  \n\n一、总体情况\n正文。\n")
    assert [t for t, _ in pairs] == ["标题年度报告", "一、总体情况", "正文。"]
    for p in doc.paragraphs:
        assert doc.text[p.start:p.end] == doc.text[p.start:p.end].strip()


def test_one_line_crawl_is_cut_at_headings():
    body = ("平潭综合实验区2020年政府信息公开工作年度报告 根据《条例》要求，我区编制完成了本报告。" + "本报告说明。" * 40
            + "一、总体情况2020年，我区公布政府信息2602条。（一）强化组织协调，着力规范公开工作。" + "内容。" * 30
            + "二、主动公开政府信息情况第二十条第（一）项信息内容规章007"
            + "三、收到和处理政府信息公开申请情况本年新收21件。四、政府信息公开行政复议、行政诉讼情况000"
            + "五、存在的主要问题及改进情况问题。六、其他需要报告的事项无其他需要报告的事项")
    doc, pairs = tagged(body)
    texts = [t for t, _ in pairs]
    assert texts[0] == "平潭综合实验区2020年政府信息公开工作年度报告"
    assert "一、总体情况" in texts and "二、主动公开政府信息情况" in texts
    assert any(t.startswith("（一）强化组织协调") for t in texts)
    sections = dict(pairs)
    assert sections["三、收到和处理政府信息公开申请情况"] == "requests"
    assert sections["四、政府信息公开行政复议、行政诉讼情况"] == "review_litigation"
    assert sections["六、其他需要报告的事项"] == "other"
    assert sections["无其他需要报告的事项"] == "other"


def test_2021_layout_sub_items_stay_in_overview():
    text = "\n".join([
        "某区2023年政府信息公开工作年度报告", "根据条例编制本报告。", "一、总体情况", "(一)主动公开", "公开信息10条。",
        "(二)依申请公开", "未收到申请。", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "问题。", "六、其他需要报告的事项", "无",
        "版权所有:某区人民政府", "扫一扫在手机打开当前页",
    ])
    _, pairs = tagged(text)
    labels = [s for _, s in pairs]
    assert labels == ["preamble", "preamble", "overview", "overview", "overview", "overview", "overview", "proactive",
                      "requests", "review_litigation", "problems", "problems", "other", "other", "boilerplate", "boilerplate"]


def test_legacy_headings():
    text = "\n".join([
        "政府信息公开", "沈抚新区2018年度政府信息公开工作报告", "时间:2019年03月18日", "一、 概述", "内容。",
        "二、主动公开政府信息情况", "内容。", "三、政府信息依申请公开情况", "内容。", "四、政府信息公开的收费及减免情况", "无。",
        "五、因政府信息公开申请行政复议、提起行政诉讼的情况", "无。", "六、存在的主要问题及改进措施", "内容。",
        "七、推进“互联网+政务服务”工作情况", "内容。",
    ])
    _, pairs = tagged(text)
    assert [s for _, s in pairs] == ["boilerplate", "preamble", "preamble", "overview", "overview", "proactive", "proactive",
                                    "requests", "requests", "fees", "fees", "review_litigation", "review_litigation",
                                    "problems", "problems", "overview", "overview"]


def test_unheaded_text_falls_back_to_keywords():
    _, pairs = tagged("本机关收到依申请公开申请3件。\n全年未发生行政复议。\n存在的问题是人员不足。")
    assert [s for _, s in pairs] == ["requests", "review_litigation", "problems"]


def test_pdf_wrapped_lines_are_joined_into_sentences():
    wrapped = [
        "某市科委2024年政府信息公开工作", "年度报告", "一、总体情况",
        "市科委深入贯彻《政府信息公开条例》和《上海市政府信息",
        "公开规定》，认真落实市委、市政府关于政务公开工作的各项",
        "部署，扎实推进本部门政务公开工作。", "二、收到和处理政府信息公开申请情况",
        "全年收到政府信息公开申请 34 件，上年结转政府信息公开",
        "申请 2 件，所有申请均已按要求办理完成，答复及时规范有序",
        "并在法定期限内全部办结。", "三、其他需要报告的事项", "本年度未收取信息处理费。",
    ]
    doc, pairs = tagged("\n".join(wrapped))
    texts = [t for t, _ in pairs]
    assert "市科委深入贯彻《政府信息公开条例》和《上海市政府信息\n公开规定》，认真落实市委、市政府关于政务公开工作的各项\n部署，扎实推进本部门政务公开工作。" in texts
    assert "二、收到和处理政府信息公开申请情况" in texts and "三、其他需要报告的事项" in texts
    from gongkai.inference import extract

    record = extract("\n".join(wrapped))
    assert record.metrics["requests.carried_over"].value == 2
    assert record.text[record.metrics["requests.carried_over"].start:record.metrics["requests.carried_over"].end] == "2"
