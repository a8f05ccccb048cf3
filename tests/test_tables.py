"""Tables 2-4 from HTML, DOCX, Markdown and tab-separated text; checks; PDF (corpus)."""
import io


from gongkai.inference import Pipeline
from conftest import CORPUS, needs_corpus, seed

HEAD = "某区人民政府2024年政府信息公开工作年度报告\n一、总体情况\n本年度全区工作有序开展。\n"
T3_ROWS = [
    ("一、本年新收政府信息公开申请数量", [20, 1, 0, 0, 0, 0, 21]),
    ("二、上年结转政府信息公开申请数量", [2, 0, 0, 0, 0, 0, 2]),
    ("三、本年度办理结果 （一）予以公开", [8, 1, 0, 0, 0, 0, 9]),
    ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", [3, 0, 0, 0, 0, 0, 3]),
    ("（三）不予公开 1.属于国家秘密", [1, 0, 0, 0, 0, 0, 1]),
    ("2.其他法律行政法规禁止公开", [0, 0, 0, 0, 0, 0, 0]),
    ("（四）无法提供 1.本机关不掌握相关政府信息", [5, 0, 0, 0, 0, 0, 5]),
    ("2.没有现成信息需要另行制作", [1, 0, 0, 0, 0, 0, 1]),
    ("（五）不予处理 1.信访举报投诉类申请", [1, 0, 0, 0, 0, 0, 1]),
    ("（六）其他处理 1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", [1, 0, 0, 0, 0, 0, 1]),
    ("（七）总计", [20, 1, 0, 0, 0, 0, 21]),
    ("四、结转下年度继续办理", [2, 0, 0, 0, 0, 0, 2]),
]
T4 = [1, 0, 0, 0, 1, 2, 0, 1, 0, 3, 0, 0, 0, 0, 0]
EXPECTED = {
    "proactive.normative_documents.issued": 6, "proactive.normative_documents.repealed": 1,
    "proactive.normative_documents.in_force": 32, "proactive.licensing.decisions": 517,
    "proactive.admin_fees.wan_yuan": 40.5,
    "requests.received": 21, "requests.carried_over": 2, "requests.granted": 9, "requests.partially_granted": 3,
    "requests.denied": 1, "requests.unable_to_provide": 6, "requests.not_processed": 1, "requests.other_handling": 1,
    "requests.completed": 21, "requests.carried_forward": 2,
    "review.total": 1, "review.upheld": 1, "litigation.direct.total": 3, "litigation.direct.other": 1,
    "litigation.after_review.total": 0,
}


def rows(sep="\t", edge=False):
    def line(cells):
        inner = sep.join(str(c) for c in cells)
        return f"| {inner} |" if edge else inner
    out = ["二、主动公开政府信息情况", "第二十条第（一）项", line(["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"]),
           line(["规章", "", "/", ""]), line(["行政规范性文件", 6, 1, 32]), "第二十条第（五）项",
           line(["信息内容", "本年处理决定数量"]), line(["行政许可", 517]), "第二十条第（八）项",
           line(["信息内容", "本年收费金额（单位：万元）"]), line(["行政事业性收费", 40.5]),
           "三、收到和处理政府信息公开申请情况"]
    out += [line([label] + values) for label, values in T3_ROWS]
    out += ["四、政府信息公开行政复议、行政诉讼情况", line(T4), "五、存在的主要问题及改进情况", "人员不足。",
            "六、其他需要报告的事项", "本年度未收取信息处理费。"]
    return out


def check(record):
    assert record.error is None
    got = {k: record.metrics[k].value for k in EXPECTED if k in record.metrics}
    assert got == EXPECTED
    for key in EXPECTED:
        assert record.metrics[key].to_dict()["from"] == "table"
    # a blank or "/" cell is not a stated zero
    assert not any(k.startswith("proactive.regulations") for k in record.metrics)
    assert {c.name: c.ok for c in record.checks if c.name != "text_vs_table"} == {
        "requests.balance": True, "requests.balance.columns": True, "requests.results": True, "review.total": True,
        "litigation.direct.total": True, "litigation.after_review.total": True}
    assert record.tables["table3"]["rows"]["requests.received"] == [20, 1, 0, 0, 0, 0, 21]
    money = [e for e in record.entities if e.label == "MONEY" and e.origin == "table"]
    assert [e.text for e in money] == ["40.5"]


def test_tab_separated_text():
    check(Pipeline.rules().extract_text(HEAD + "\n".join(rows("\t"))))


def test_markdown_tables():
    check(Pipeline.rules().extract_text(HEAD + "\n".join(rows(" | ", edge=True))))


def test_html_tables():
    parts = []
    for line in rows("\t"):
        if "\t" in line:
            parts.append("<table><tr>" + "".join(f"<td>{c}</td>" for c in line.split("\t")) + "</tr></table>")
        else:
            parts.append(f"<p>{line}</p>")
    html = "<html><body><p>" + HEAD.replace("\n", "</p><p>") + "</p>" + "".join(parts) + "</body></html>"
    check(Pipeline.rules().extract_bytes(html.encode("utf-8"), "t.html"))


def test_docx_tables_and_a_table_split_in_two():
    import docx

    document = docx.Document()
    for line in HEAD.strip().split("\n"):
        document.add_paragraph(line)
    table_lines = []
    for line in rows("\t"):
        if "\t" in line:
            table_lines.append(line.split("\t"))
            continue
        if table_lines:
            _add_table(document, table_lines)
            table_lines = []
        document.add_paragraph(line)
    buf = io.BytesIO()
    document.save(buf)
    record = Pipeline.rules().extract_bytes(buf.getvalue(), "t.docx")
    check(record)


def _add_table(document, lines):
    # Table 3 arrives split in two tables (as across a page break).
    half = len(lines) // 2 if len(lines) > 6 else len(lines)
    for chunk in (lines[:half], lines[half:]):
        if not chunk:
            continue
        width = max(len(r) for r in chunk)
        table = document.add_table(rows=len(chunk), cols=width)
        for r, cells in enumerate(chunk):
            for c, value in enumerate(cells):
                table.cell(r, c).text = str(value)


def test_failed_checks_are_readable_not_exceptions():
    text = HEAD + "\n".join(rows("\t")).replace("二、上年结转政府信息公开申请数量\t2\t0\t0\t0\t0\t0\t2",
                                                  "二、上年结转政府信息公开申请数量\t5\t0\t0\t0\t0\t0\t5")
    record = Pipeline.rules().extract_text(text)
    balance = next(c for c in record.checks if c.name == "requests.balance")
    assert balance.ok is False and "≠" in balance.detail
    columns = next(c for c in record.checks if c.name == "requests.balance.columns")
    assert columns.ok is False and columns.detail.startswith("自然人: 20 + 5 ≠ 20 + 2")


@needs_corpus()
def test_huaian_2024_pdf():
    r = Pipeline.rules().extract_path(CORPUS / "reports" / "huaian_2024.pdf")
    assert r.agency == "淮安市人民政府" and r.year == 2024
    m = {k: v.value for k, v in r.metrics.items()}
    assert (m["proactive.normative_documents.issued"], m["proactive.normative_documents.repealed"],
            m["proactive.normative_documents.in_force"]) == (8, 26, 66)
    assert m["proactive.licensing.decisions"] == 447228
    assert (m["requests.received"], m["requests.carried_over"], m["requests.granted"], m["requests.completed"],
            m["requests.carried_forward"]) == (3119, 34, 1362, 3050, 103)
    assert m["fees.information_processing_yuan"] == 3940
    assert r.checks and all(c.ok for c in r.checks)
    assert any(r.paragraphs[i].section == "boilerplate" for i in range(len(r.paragraphs))
               if r.text[r.paragraphs[i].start:r.paragraphs[i].end].strip() == "- 3 -")


def test_year_to_year_continuity():
    from gongkai.inference.apps.compare import side_by_side
    from gongkai.inference.figures.years import Figures, continuity_checks

    base = HEAD + "\n".join(rows("\t"))
    r2024 = Pipeline.rules().extract_text(base, "a")
    r2025 = Pipeline.rules().extract_text(base.replace("2024年", "2025年"), "b")
    r2025_bad = Pipeline.rules().extract_text(
        base.replace("2024年", "2025年").replace("二、上年结转政府信息公开申请数量\t2\t0\t0\t0\t0\t0\t2",
                                                "二、上年结转政府信息公开申请数量\t4\t0\t0\t0\t0\t0\t4"), "c")
    assert (r2024.year, r2025.year) == (2024, 2025)
    [(a, b, check)] = continuity_checks([r2025, r2024])
    assert (a.year, b.year, check.ok) == (2024, 2025, True)
    [(_, _, bad)] = continuity_checks([r2024, r2025_bad])
    assert bad.ok is False and "≠" in bad.detail
    table = side_by_side(Figures.of(r2024), Figures.of(r2025_bad))
    assert "requests.carried_over" in table and "+2" in table and "FAILED requests.continuity" in table


@needs_corpus()
def test_hongze_2023_to_2024_continuity():
    from gongkai.inference.figures.years import continuity_checks

    pipeline = Pipeline.rules()
    records = [pipeline.extract_path(CORPUS / "reports" / f"hongze_{y}.pdf") for y in (2023, 2024)]
    [(_, _, check)] = continuity_checks(records)
    assert check.ok, check.detail


def test_run_together_cells_are_split_by_arithmetic_or_reported():
    body = ("某区2021年度政府信息公开工作年度报告 根据条例编制本报告。" + "本报告说明。" * 50 +
            "三、收到和处理政府信息公开申请情况（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
            "申请人情况自然人法人或其他组织总计商业企业科研机构社会公益组织法律服务机构其他"
            "一、本年新收政府信息公开申请数量713000074二、上年结转政府信息公开申请数量0000000"
            "三、本年度办理结果（一）予以公开270020130（二）部分公开500000 5"
            "四、政府信息公开行政复议、行政诉讼情况行政复议行政诉讼结果维持结果纠正其他结果尚未审结总计未经复议直接起诉复议后起诉"
            "结果维持结果纠正其他结果尚未审结总计结果维持结果纠正其他结果尚未审结总计10203120001200000"
            "五、存在的主要问题及改进情况问题。")
    r = Pipeline.rules().extract_text(body)
    m = {k: v.value for k, v in r.metrics.items()}
    assert m["requests.received"] == 74 and m["requests.carried_over"] == 0 and m["requests.partially_granted"] == 5
    assert r.tables["table3"]["rows"]["requests.received"] == [71, 3, 0, 0, 0, 0, 74]
    assert (m["review.total"], m["litigation.direct.total"], m["litigation.after_review.total"]) == (3, 12, 0)
    # 270020130 splits as 27|0|0|2|0|1|30 or 2|7|0|0|20|1|30: the applicant columns are not
    # guessed (left out, with a warning), but the total is 30 in every split, so it is read
    assert m["requests.granted"] == 30
    assert r.tables["table3"]["rows"]["requests.granted"] == [None, None, 0, None, None, 1, 30]
    assert any("270020130" in w and "more than one split" in w for w in r.warnings)
    granted = r.text.index("270020130")
    # only the cells every split puts in the same place are spans: 1 and 30
    assert [(e.start - granted, e.text) for e in r.entities if granted <= e.start < granted + 9] == [(6, "1"), (7, "30")]
    cells = [e for e in r.entities if e.origin == "table"]
    assert [e.text for e in cells][:7] == ["71", "3", "0", "0", "0", "0", "74"]
    for e in cells:
        assert r.text[e.start:e.end] == e.text


def test_column_arithmetic_settles_rows_that_several_splits_fit():
    # table 3 as the pingtan 2021 crawl wrote it
    body = ("某区2021年度政府信息公开工作年度报告 根据条例编制本报告。" + "本报告说明。" * 50 +
            "三、收到和处理政府信息公开申请情况申请人情况自然人法人或其他组织总计商业企业科研机构社会公益组织法律服务机构其他"
            "一、本年新收政府信息公开申请数量640020470二、上年结转政府信息公开申请数量0000000三、本年度办理结果"
            "（一）予以公开270020130（二）部分公开（区分处理的，只计这一情形，不计其他情形）500000 5"
            "（三）不予公开1.属于国家秘密00000005.属于三类内部事务信息10000017.属于行政执法案卷6000006"
            "8.属于行政查询事项1000001（四）无法提供1.本机关不掌握相关政府信息220000325"
            "（六）其他处理1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请0000000"
            "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请00000003.其他1000001"
            "（七）总计630020469四、结转下年度继续办理1000001"
            "五、存在的主要问题及改进情况问题。")
    r = Pipeline.rules().extract_text(body)
    m = {k: v.value for k, v in r.metrics.items()}
    assert m["requests.granted"] == 30 and m["requests.unable_to_provide"] == 25
    assert r.tables["table3"]["rows"]["requests.granted"] == [27, 0, 0, 2, 0, 1, 30]
    assert (m["requests.denied"], m["requests.other_handling"], m["requests.completed"]) == (8, 1, 69)
    assert next(c for c in r.checks if c.name == "requests.balance.columns").ok
    assert not any("more than one split" in w for w in r.warnings)


def test_row_labels_found_by_keyword_are_those_a_full_scan_finds():
    """find_anchors tries a label's pattern only where its keyword stands; a full scan with
    every pattern over the whole text must find the same rows."""
    import re

    from gongkai.inference.figures import tables as T
    from gongkai.metric_keys import ROWS

    def full_scan(text):
        squeezed, to_text = T._squeeze(text)
        found = {(m.start(), m.end(), n) for n, row in enumerate(ROWS) for m in re.finditer(row.label, squeezed)}
        out, taken = [], 0
        for start, end, n in sorted(found, key=lambda f: (f[0], f[0] - f[1])):
            if start >= taken:
                out.append((to_text(start), to_text(end - 1) + 1, ROWS[n].name))
                taken = end
        return out

    texts = [HEAD + "\n".join(rows(sep)) for sep in ("\t", " | ", "")] + [seed(i).read_text(encoding="utf-8") for i in range(5)]
    for text in texts:
        assert [(a.start, a.end, a.row.name) for a in T.find_anchors(text)] == full_scan(text)
