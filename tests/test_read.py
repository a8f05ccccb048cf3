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


# --- issue 12: every reader's decode and parse errors are clear messages -----------------------

import io  # noqa: E402
import sys  # noqa: E402
import zipfile  # noqa: E402

from conftest import REPO  # noqa: E402

sys.path.insert(0, str(REPO / "benchmarks"))

from gongkai.inference.read import READERS, load_path, read_string  # noqa: E402
from gongkai.inference.read.decode import decode_bytes  # noqa: E402


@pytest.mark.parametrize("codec,bom", [("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff"),
                                       ("utf-32-le", b"\xff\xfe\x00\x00"), ("utf-32-be", b"\x00\x00\xfe\xff"),
                                       ("utf-8", b"\xef\xbb\xbf")])
def test_byte_order_marks(codec, bom):
    text, _ = decode_bytes(bom + TEXT.encode(codec))
    assert text == TEXT
    cut = (bom + TEXT.encode(codec))[:-1]  # the last character cut in half: dropped, not an error
    assert TEXT.startswith(decode_bytes(cut)[0])


@pytest.mark.parametrize("data", [
    b"\xff\xfe" + "一、总体情况".encode("utf-16-le") + b"\x00\xd8\x41\x00" * 2000,  # the case: lone surrogates
    b"\xfe\xff" + b"\xdc\x00" * 3000,
    b"\xef\xbb\xbf" + b"\xff\xfe\x80" * 3000,
    b"\xff\xfe\x00\x00" + b"\xff\xff\xff\xff" * 3000,  # UTF-32 beyond U+10FFFF
])
def test_invalid_data_after_a_bom_is_a_read_error_naming_the_encoding(data):
    with pytest.raises(ReadError, match=r"undecodable bytes \(the file starts with a UTF-.* byte-order mark, but byte"):
        read_bytes(data, name="x.txt")


def test_a_few_bad_sequences_after_a_bom_are_replaced():
    data = b"\xff\xfe" + TEXT.encode("utf-16-le") + b"\x00\xd8" + TEXT.encode("utf-16-le")
    assert read_bytes(data, name="x.txt").text == TEXT + "\ufffd" + TEXT


@pytest.mark.parametrize("data", [b"\xff\xfe", b"\xff\xfe \x00\n\x00", " \u3000\n".encode(), b"\xef\xbb\xbf"])
def test_only_white_space_is_empty(data):
    with pytest.raises(ReadError, match="empty"):
        read_bytes(data, name="x.txt")


@pytest.mark.parametrize("exc", [ValueError("bad"), KeyError("k"), IndexError("i"), AssertionError(),
                                 UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid start byte"),
                                 zipfile.BadZipFile("bad zip"), RecursionError("deep"), TypeError("t")])
def test_any_reader_failure_is_a_read_error_with_the_kind(monkeypatch, exc):
    """The class, not the instance: whatever a reader's library raises becomes one line that
    names the kind of file (and the input keeps its sha256)."""
    def broken(data, limits):
        raise exc

    monkeypatch.setitem(READERS, "html", broken)
    with pytest.raises(ReadError, match=r"^unreadable HTML page \(") as info:
        read_bytes(b"<html><body>x</body></html>", name="p.html")
    assert len(info.value.sha256) == 64 and "\n" not in str(info.value)


def test_a_reader_that_runs_out_of_memory_is_told_apart(monkeypatch):
    from gongkai.inference import Pipeline

    def hungry(data, limits):
        raise MemoryError

    monkeypatch.setitem(READERS, "text", hungry)
    record = Pipeline.rules().extract_bytes(TEXT.encode(), "x.txt")
    assert record.error.startswith("out of memory") and record.meta["error_kind"] == "memory"
    assert len(record.meta["sha256"]) == 64


def test_a_component_that_fails_is_that_input_s_error():
    from gongkai.inference import Pipeline

    class Broken:
        name = "broken"

        def __call__(self, doc):
            raise IndexError("list index out of range")

    record = Pipeline.rules().replace("tables", Broken()).extract_bytes(TEXT.encode(), "x.txt")
    assert record.error.startswith("internal error (IndexError: list index out of range")
    assert record.meta["error_kind"] == "internal" and len(record.meta["sha256"]) == 64
    assert record.text == TEXT  # what could be read stays


def test_files_are_read_within_the_limit_not_by_stat(tmp_path):
    import os

    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    with pytest.raises(ReadError, match="not a regular file"):  # would block forever
        load_path(fifo)
    big = tmp_path / "big.txt"
    big.write_bytes(b"a" * 5000)
    with pytest.raises(ReadError, match=r"file too large \(0.0 MB > 0 MB limit; raise it with --max-bytes\)"):
        load_path(big, Limits(max_bytes=1000))


def test_text_limit_applies_to_strings_and_extracted_text():
    with pytest.raises(ReadError, match="--max-chars"):
        read_string("一" * 2000, limits=Limits(max_chars=1000))
    with pytest.raises(ReadError, match=r"extracted text too large \(1,803 characters > 1,000"):
        read_bytes(("一" * 600 + "\n").encode() * 3, name="x.txt", limits=Limits(max_chars=1000))


def _docx(paragraphs: list[str]) -> bytes:
    import docx

    document = docx.Document()
    for p in paragraphs:
        document.add_paragraph(p)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def test_docx_zip_bomb_is_refused_from_the_zip_directory():
    from batch import docx_bomb  # benchmarks/batch.py

    bomb = docx_bomb(3 << 20)  # 3 MiB of spaces and the template's 0.9 MB, a few kB on disk
    assert len(bomb) < 100_000
    with pytest.raises(ReadError, match=r"Word document unpacked too large \(4.0 MB > 2 MB limit; raise it with "
                                        r"--max-unpacked\)"):
        read_bytes(bomb, name="bomb.docx", limits=Limits(max_unpacked=2_000_000))


def test_docx_text_is_limited_as_it_grows():
    data = _docx(["收到申请3件。" * 100] * 50)  # 35,050 characters
    with pytest.raises(ReadError, match="extracted text too large .* --max-chars"):
        read_bytes(data, name="big.docx", limits=Limits(max_chars=10_000))
    assert len(read_bytes(data, name="big.docx").text) == 35_049


@pytest.mark.parametrize("data,message", [
    (b"PK\x03\x04word/" + b"\x00" * 100, "binary file|damaged zip"),
    (b"PK\x05\x06" + b"\x00" * 18, "binary"),  # an empty zip is not a Word document
])
def test_damaged_docx_messages(data, message):
    with pytest.raises(ReadError, match=message):
        read_bytes(data, name="x.docx")


def test_docx_without_document_xml():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("word/other.xml", "<x/>")
    with pytest.raises(ReadError, match="no word/document.xml"):
        read_bytes(buf.getvalue(), name="x.docx")


def test_pdf_page_limit_is_checked_before_reading():
    from batch import blank_pdf  # benchmarks/batch.py

    data = blank_pdf(30)
    with pytest.raises(ReadError, match=r"PDF too large \(30 pages > 10 pages limit; raise it with --max-pages\)"):
        read_bytes(data, name="x.pdf", limits=Limits(max_pages=10))
    with pytest.raises(ReadError, match="scanned PDF: no text layer"):
        read_bytes(data, name="x.pdf")


@pytest.mark.parametrize("data,message", [
    (b"%PDF-1.4\n%garbage" + b"\x00" * 100, r"unreadable PDF \(damaged or truncated file"),
    (b"%PDF-1.7\n1 0 obj <<", r"unreadable PDF \(damaged or truncated file"),
])
def test_broken_pdf_messages(data, message):
    with pytest.raises(ReadError, match=message):
        read_bytes(data, name="x.pdf")
