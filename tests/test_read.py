"""Reader: encodings detected from bytes, HTML block structure, crawler header, bad input."""
import pytest

from gongkai.inference.read import Limits, ReadError, read_bytes, read_path

TEXT = "南岗区营商环境建设监督局2023年政府信息公开工作年度报告\n一、总体情况\n本年度未收到群众依申请公开件。\n" * 3
TRAD = "渭南高新區2021年政府信息公開工作年度報告\n一、總體情況\n通過入口網站主動公開信息4966條。\n" * 3


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk"])
def test_simplified_encodings(encoding):
    doc = read_bytes(TEXT.encode(encoding), name="x.txt")
    assert doc.text == TEXT


def test_big5_detected_without_extension_hint():
    doc = read_bytes(TRAD.encode("big5"), name="report.html.txt")
    assert doc.text == TRAD
    assert doc.meta["encoding"] in ("big5", "big5hkscs", "cp950")


def test_html_keeps_blocks_and_tables_and_drops_scripts():
    html = """<html><head><title>年报</title><script>var x = "不要";</script><style>p{}</style></head>
    <body><div>一、总体情况</div><p>主动公开<b>信息</b>4966条。</p>
    <table><tr><th>信息内容</th><th>本年制发件数</th></tr><tr><td>规章</td><td>0</td></tr></table>
    <p>第一行<br>第二行</p></body></html>"""
    doc = read_bytes(html.encode("gb18030"), name="page.htm")
    lines = doc.text.split("\n")
    assert "一、总体情况" in lines
    assert "主动公开信息4966条。" in lines
    assert "信息内容\t本年制发件数" in lines and "规章\t0" in lines
    assert "第一行" in lines and "第二行" in lines
    assert "不要" not in doc.text and doc.meta["html_title"] == "年报"


def test_deeply_nested_html_does_not_recurse():
    html = "<div>" * 5000 + "一、总体情况" + "</div>" * 5000
    assert "一、总体情况" in read_bytes(html.encode(), name="deep.html").text


def test_crawler_header_becomes_metadata():
    text = "标题: 平潭综合实验区2020年度政府信息公开工作年度报告\n发布时间: 2021-03-05 08:58\n文号: \n==================== 正文 ====================\n平潭综合实验区…报告"
    doc = read_bytes(text.encode(), name="p.txt")
    assert doc.meta["crawler"]["title"].startswith("平潭综合实验区2020")
    assert doc.meta["crawler"]["published"] == "2021-03-05 08:58"
    assert doc.text[doc.body_start:].startswith("平潭综合实验区")


@pytest.mark.parametrize("data,message", [
    (b"", "empty"),
    (b"   \n\t ", "empty"),
    (bytes(range(256)) * 20, "binary"),
    (b"PK\x03\x04" + b"\x00" * 100, "binary"),
])
def test_bad_bytes_give_clear_errors(data, message):
    with pytest.raises(ReadError, match=message):
        read_bytes(data, name="bad.txt")


def test_truncated_utf8_is_still_utf8():
    data = TEXT.encode("utf-8")[:-2]
    assert read_bytes(data, name="t.txt").meta["encoding"] == "utf-8"


def test_missing_file_and_size_limit(tmp_path):
    with pytest.raises(ReadError, match="no such file"):
        read_path(tmp_path / "nope.txt")
    big = tmp_path / "big.txt"
    big.write_bytes(b"a" * 2000)
    with pytest.raises(ReadError, match="too large"):
        read_path(big, Limits(max_bytes=1000))
    with pytest.raises(ReadError, match="directory"):
        read_path(tmp_path)
