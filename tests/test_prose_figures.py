"""Figures stated in prose, as legacy (2008-2018) reports and reports without tables state
them: the phrasings vary; a stated zero is a figure; a sentence not about disclosure
requests gives none; a figure beyond what a key can be is not believed."""
import pytest

from gongkai.inference import Pipeline

HEAD = "河北省工业和信息化厅2016年政府信息公开工作年度报告\n一、概述\n本报告根据《条例》编制。\n"
CASES = [
    ("二、依申请公开情况\n2016年，我厅共受理政府信息公开申请12件，其中网上申请8件，信函申请4件，已全部按时办结。",
     {"requests.received": 12}),
    ("二、依申请公开情况\n全年共收到公民、法人和其他组织提出的政府信息公开申请二十三件。", {"requests.received": 23}),
    ("二、依申请公开情况\n本年度收到依申请公开申请5件，同意公开的3件，同意部分公开的1件，不予公开的1件。",
     {"requests.received": 5, "requests.granted": 3, "requests.partially_granted": 1, "requests.denied": 1}),
    ("三、行政复议和行政诉讼情况\n没有发生针对本单位政府信息公开事务的行政复议和行政诉讼案件。",
     {"review.total": 0, "litigation.total": 0}),
    ("三、行政复议和行政诉讼情况\n全年因政府信息公开申请提起行政复议1件，行政诉讼0件。", {"review.total": 1, "litigation.total": 0}),
    ("三、收费情况\n本年度未收取检索、复制、邮寄等费用。", {"fees.information_processing_yuan": 0}),
    ("三、收费情况\n依申请提供政府信息暂不收费。", {"fees.information_processing_yuan": 0}),
    ("四、其他\n全年收取信息处理费共计380元。", {"fees.information_processing_yuan": 380}),
    ("二、主动公开情况\n全年通过门户网站主动公开政府信息1234条。", {"proactive.published_items": 1234}),
    ("二、主动公开情况\n全年主动公开我区各级单位政府信息2645条。", {"proactive.published_items": 2645}),
    ("二、主动公开情况\n市政府网站主动公开各类政府信息 5500 余条。", {"proactive.published_items": 5500}),
    ("二、主动公开情况\n本年度制发的规范性文件77件。", {"proactive.normative_documents.issued": 77}),
    ("二、依申请公开情况\n2016年我厅未收到政府信息公开申请。", {"requests.received": 0}),
    ("二、依申请公开情况\n2013年全区未收到有关政府信息公开的申请。", {"requests.received": 0}),
    ("二、依申请公开情况\n全年收到依申请公开政府信息236件。\n已办结227件，结转下年度继续办理9件。",
     {"requests.received": 236, "requests.completed": 227, "requests.carried_forward": 9}),
    # a service window's applications are not disclosure requests
    ("二、依申请公开情况\n区行政服务中心开设窗口26个，共受理申请121510件。", {}),
    ("三、行政复议\n无论是行政复议还是行政诉讼，我厅均积极应对。", {}),
]


@pytest.mark.parametrize("body,expected", CASES, ids=[c[0][6:26] for c in CASES])
def test_prose_figures(pipeline, body, expected):
    record = pipeline.extract_text(HEAD + body)
    assert {k: m.value for k, m in record.metrics.items()} == expected
    for key, m in record.metrics.items():
        assert m.to_dict()["from"] == "text" and m.evidence


def test_a_figure_beyond_its_bound_is_left_out_with_a_warning(pipeline):
    record = pipeline.extract_text(HEAD + "二、依申请公开情况\n全年共收到政府信息公开申请396442278件。")
    assert "requests.received" not in record.metrics
    assert any("requests.received" in w and "beyond" in w for w in record.warnings)
