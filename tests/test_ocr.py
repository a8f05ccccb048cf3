"""OCR (inference/read/ocr.py).

(a) The layout step, boxes → lines and tab-separated table cells, on hand-made boxes: no
engine needed. (b) With the OCR extra installed: image-only copies of the three real PDFs
(rasterised at 150 dpi, rebuilt as PDFs of pictures) are OCR'd and read by the rules
pipeline, which must find ≥ 95 % of the gold metrics. (c) A PNG of table 3 gives its figures.

The OCR of the three PDFs is done once per session and kept in pytest's cache folder, keyed
by the sha256 of the PDF bytes, the engine, the dpi and the source of ocr.py, so a second run
costs nothing and a change to the OCR code is never read from a stale cache.
"""
from __future__ import annotations

import hashlib
import io
import json
import subprocess
import sys
import time
from dataclasses import asdict
from pathlib import Path

import pytest

from conftest import CORPUS
from gongkai.inference.read import ocr
from gongkai.inference.read.ocr import Box, OcrText, Rules, layout

REPO = Path(__file__).resolve().parents[1]
GOLD = REPO / "annotations" / "gold" / "pdf_records.jsonl"
REPORTS = ("hongze_2023", "hongze_2024", "huaian_2024")
DPI = 150


# --- (a) layout, no engine ---------------------------------------------------------------------

def row_boxes(y: float, label: str, numbers: list[str], x_label: float = 100, x_first: float = 600,
              step: float = 60, h: float = 30, conf: float = 0.99) -> list[Box]:
    boxes = [Box(label, x_label, y, x_label + 22 * len(label), y + h, conf)]
    for k, n in enumerate(numbers):
        x = x_first + k * step
        boxes.append(Box(n, x, y + 1, x + 12 * len(n), y + h - 1, conf))
    return boxes


def test_table_row_becomes_tab_separated_cells_in_x_order():
    boxes = row_boxes(100, "一、本年新收政府信息公开申请数量", ["21", "0", "0", "0", "0", "0", "21"])
    out = layout(list(reversed(boxes)), page=3)
    assert out.text == "一、本年新收政府信息公开申请数量\t21\t0\t0\t0\t0\t0\t21"
    assert out.pages == [3] and out.page_starts == [0]


def test_two_numbers_side_by_side_are_never_one_cell():
    boxes = [Box("行政许可", 100, 100, 190, 130), Box("12", 600, 100, 624, 130), Box("3", 628, 100, 640, 130)]
    assert layout(boxes).text == "行政许可\t12\t3"


def test_reading_order_top_to_bottom_then_left_to_right():
    lines = ["一、总体情况", "2023年，区政府坚持以习近平新时代中国特色社会", "主义思想为指导，全面贯彻落实《条例》"]
    boxes = [Box(t, 100, 100 + 45 * k, 100 + 28 * len(t), 130 + 45 * k, 0.99) for k, t in enumerate(lines)]
    # a line the detector cut in two, given out of order
    boxes += [Box("收到申请", 330, 235, 440, 265), Box("21件。", 100, 236, 320, 265)]
    out = layout(list(reversed(boxes)))
    assert out.text.split("\n") == lines + ["21件。收到申请"]


def test_label_wrapped_over_two_lines_joins_its_row():
    """A row label wrapped inside its table cell: the numbers are centred between its two lines."""
    h = 28
    boxes = [
        Box("（二）部分公开（区分处理的，只计这一情形，不", 220, 1145, 640, 1145 + h),
        Box("计其他情形）", 215, 1175, 325, 1175 + h),
    ]
    boxes += [Box(n, 670 + 60 * k, 1160, 690 + 60 * k, 1160 + 30) for k, n in enumerate("4000004")]
    boxes += row_boxes(1215, "1.属于国家秘密", list("1000001"), x_label=375, x_first=670, h=h)
    boxes += row_boxes(1100, "（一）予以公开", list("0000000"), x_label=222, x_first=670, h=h)
    lines = layout(boxes).text.split("\n")
    assert lines == ["（一）予以公开\t0\t0\t0\t0\t0\t0\t0",
                     "（二）部分公开（区分处理的，只计这一情形，不计其他情形）\t4\t0\t0\t0\t0\t0\t4",
                     "1.属于国家秘密\t1\t0\t0\t0\t0\t0\t1"]


def test_wrapped_label_with_ruling_lines_goes_to_the_cell_it_is_ruled_into():
    """Three lines in the label column: the first two are one cell (no rule between them), the
    third is the start of the next row's label, below a horizontal rule."""
    h = 26
    boxes = [Box("5.要求行政机关确认或重新出", 372, 377, 648, 377 + h),
             Box("具已获取信息", 372, 405, 500, 405 + h),
             Box("1、申请人无正当理由逾期不补正、行政机", 372, 445, 650, 445 + h),
             Box("关不再处理其政府信息公开申请", 372, 473, 620, 473 + h)]
    boxes += [Box(n, 664 + 60 * k, 390, 690 + 60 * k, 420) for k, n in enumerate("1000001")]
    boxes += [Box(n, 664 + 60 * k, 460, 690 + 60 * k, 490) for k, n in enumerate(["67", "3", "0", "0", "1", "0", "71"])]
    rules = Rules(vertical=[(x, 300, 600) for x in (360, 655, 715, 775, 835, 895, 955, 1015, 1075)],
                  horizontal=[(y, 360, 1075) for y in (370, 437, 505)])
    lines = layout(boxes, rules=rules).text.split("\n")
    assert lines == ["5.要求行政机关确认或重新出具已获取信息\t1\t0\t0\t0\t0\t0\t1",
                     "1、申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请\t67\t3\t0\t0\t1\t0\t71"]


def test_a_ruling_line_separates_cells_that_a_gap_would_not():
    boxes = [Box("（三）不予公开", 220, 100, 352, 128), Box("4.保护第三方合法权益", 362, 100, 560, 128),
             Box("6", 670, 100, 690, 128)]
    assert layout(boxes).text == "（三）不予公开4.保护第三方合法权益\t6"
    assert layout(boxes, rules=Rules(vertical=[(357, 50, 200)])).text == "（三）不予公开\t4.保护第三方合法权益\t6"


def test_heading_above_a_table_is_not_a_continuation():
    boxes = [Box("三、收到和处理政府信息公开申请情况", 217, 716, 783, 751)]
    boxes += row_boxes(760, "本年新收", ["3"], x_label=170, x_first=660)
    assert layout(boxes).text.split("\n") == ["三、收到和处理政府信息公开申请情况", "本年新收\t3"]


def test_vertical_merged_label_goes_to_the_first_row_it_spans():
    boxes = [Box("三、本年度办理结果", 174, 1100, 204, 1300)]
    boxes += row_boxes(1100, "（一）予以公开", list("0000000"), x_label=222, x_first=670)
    boxes += row_boxes(1150, "（二）部分公开", list("4000004"), x_label=222, x_first=670)
    lines = layout(boxes).text.split("\n")
    assert lines[0] == "三、本年度办理结果\t（一）予以公开\t0\t0\t0\t0\t0\t0\t0"
    assert lines[1].startswith("（二）部分公开\t4")


def test_two_column_page_is_read_column_by_column():
    left = ["左栏第一行文字内容", "左栏第二行文字内容", "左栏第三行文字内容"]
    right = ["右栏第一行文字内容", "右栏第二行文字内容", "右栏第三行文字内容"]
    boxes = []
    for k, (a, b) in enumerate(zip(left, right)):
        boxes += [Box(a, 100, 100 + 40 * k, 350, 128 + 40 * k), Box(b, 600, 100 + 40 * k, 850, 128 + 40 * k)]
    boxes.append(Box("页脚横跨两栏的一行很长很长的文字内容内容内容", 100, 300, 850, 328))
    assert layout(boxes).text.split("\n") == left + right + ["页脚横跨两栏的一行很长很长的文字内容内容内容"]


def test_confidences_are_ranges_over_the_text_and_low_digits_warn():
    boxes = row_boxes(100, "行政处罚", ["4119"], conf=0.97)
    boxes += [Box("195", 600, 150, 636, 180, 0.42), Box("行政强制", 100, 150, 188, 180, 0.99)]
    out = layout(boxes, page=2, low_confidence=0.8)
    assert out.text == "行政处罚\t4119\n行政强制\t195"
    pieces = {out.text[s:e]: (c, p) for s, e, c, p in out.confidences}
    assert pieces == {"行政处罚": (0.97, 2), "4119": (0.97, 2), "行政强制": (0.99, 2), "195": (0.42, 2)}
    assert len(out.warnings) == 1
    assert "page 2" in out.warnings[0] and "'195' (0.42)" in out.warnings[0] and "行政强制 | 195" in out.warnings[0]
    assert layout(boxes, page=2, low_confidence=0.3).warnings == []
    assert len(layout(boxes, low_confidence=0.99).warnings) == 2  # a label without digits never warns


def test_tuples_are_boxes_and_pages_concatenate():
    first = layout([("第一页", 100, 100, 200, 130, 0.9)], page=1)
    second = layout([("第二页", 100, 100, 200, 130, 0.8), ("12", 400, 100, 424, 130, 0.5)], page=2)
    both = OcrText()
    both.extend(first)
    both.extend(second)
    assert both.text == "第一页\n第二页\t12"
    assert both.pages == [1, 2] and both.page_starts == [0, 4]
    assert [both.text[s:e] for s, e, _, _ in both.confidences] == ["第一页", "第二页", "12"]
    assert [p for *_, p in both.confidences] == [1, 2, 2]
    assert len(both.warnings) == 1 and "page 2" in both.warnings[0]
    assert layout([]).text == ""


def test_find_rules_sees_table_lines_not_characters():
    from PIL import Image, ImageDraw

    img = Image.new("L", (600, 300), 255)
    draw = ImageDraw.Draw(img)
    for y in (20, 80, 140):
        draw.line([(10, y), (590, y)], fill=0, width=2)
    for x in (10, 300, 590):
        draw.line([(x, 20), (x, 140)], fill=0, width=1)
    draw.rectangle([400, 200, 420, 225], fill=0)  # a blot of text size
    rules = ocr.find_rules(img, h=25)
    assert sorted(round(x) for x, _, _ in rules.vertical) == [10, 300, 590]
    assert sorted(round(y) for y, _, _ in rules.horizontal) == [20, 80, 140]


def test_import_is_cheap_and_the_missing_extra_says_how_to_install(monkeypatch):
    code = ("import sys, gongkai.inference.read.ocr; "
            "print([m for m in ('rapidocr', 'onnxruntime', 'cv2', 'PIL', 'numpy', 'pypdfium2') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
    assert 'pip install "gongkai[ocr]"' in ocr.missing_message()
    assert isinstance(ocr.available(), bool)
    monkeypatch.setattr(ocr, "available", lambda engine=None: False)
    with pytest.raises(ocr.OcrUnavailable, match=r'pip install "gongkai\[ocr\]"'):
        ocr.ocr_image(b"\x89PNG")
    with pytest.raises(ocr.OcrUnavailable, match=r'pip install "gongkai\[ocr\]"'):
        ocr.ocr_pdf_pages(b"%PDF-1.4")


# --- (b), (c) with the engine ----------------------------------------------------------------

needs_engine = pytest.mark.skipif(not ocr.available(), reason=f"OCR extra not installed ({ocr.missing_message()})")
needs_reports = pytest.mark.skipif(not all((CORPUS / "reports" / f"{n}.pdf").exists() for n in REPORTS),
                                   reason="../shared/corpus/reports not present")


def image_only_pdf(path: Path, dpi: int = DPI) -> bytes:
    """The PDF rasterised page by page and rebuilt as a PDF of pictures: a scanned report."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        images = [pdf[i].render(scale=dpi / 72, grayscale=True).to_pil() for i in range(len(pdf))]
    finally:
        pdf.close()
    buf = io.BytesIO()
    images[0].save(buf, format="PDF", save_all=True, append_images=images[1:], resolution=dpi)
    return buf.getvalue()


def cached_ocr(cache: Path, data: bytes, run) -> OcrText:
    source = Path(ocr.__file__).read_bytes()
    key = hashlib.sha256(data + ocr.DEFAULT_ENGINE.encode() + str(DPI).encode() + source).hexdigest()[:32]
    path = cache / f"{key}.json"
    if path.exists():
        d = json.loads(path.read_text(encoding="utf-8"))
        d["confidences"] = [tuple(c) for c in d["confidences"]]
        return OcrText(**d)
    result = run()
    path.write_text(json.dumps(asdict(result), ensure_ascii=False), encoding="utf-8")
    return result


@pytest.fixture(scope="session")
def ocr_cache(request, tmp_path_factory) -> Path:
    cache = getattr(request.config, "cache", None)  # None under -p no:cacheprovider: this session only
    return Path(cache.mkdir("gongkai-ocr")) if cache is not None else tmp_path_factory.mktemp("ocr-cache")


@pytest.fixture(scope="session")
def gold() -> dict:
    return {r["id"]: r for r in map(json.loads, GOLD.read_text(encoding="utf-8").splitlines()) if r.get("id")}


@pytest.fixture(scope="session")
def image_pdfs(tmp_path_factory) -> dict[str, bytes]:
    """{report: image-only PDF bytes} (also written to a tmp folder, to look at)."""
    folder = tmp_path_factory.mktemp("scanned")
    out = {}
    for name in REPORTS:
        out[name] = image_only_pdf(CORPUS / "reports" / f"{name}.pdf")
        (folder / f"{name}.pdf").write_bytes(out[name])
    return out


@pytest.fixture(scope="session")
def scanned(image_pdfs, ocr_cache) -> dict:
    """{report: (OcrText, seconds)}: one OCR pass of every page, shared by the tests."""
    out = {}
    for name, data in image_pdfs.items():
        t = time.perf_counter()
        result = cached_ocr(ocr_cache, data, lambda: ocr.ocr_pdf_pages(data, dpi=DPI))
        out[name] = (result, time.perf_counter() - t)
    return out


@needs_engine
@needs_reports
def test_image_only_pdfs_have_no_text_layer_and_one_picture_a_page(image_pdfs):
    data = image_pdfs["hongze_2023"]
    assert ocr.pages_without_text(data) == [1, 2, 3, 4, 5]
    regions = ocr.image_regions(data)
    assert sorted(regions) == [1, 2, 3, 4, 5] and all(len(r) == 1 for r in regions.values())
    assert ocr.pages_without_text((CORPUS / "reports" / "hongze_2023.pdf").read_bytes()) == []


@needs_engine
@needs_reports
def test_scanned_pdfs_give_the_gold_metrics(scanned, gold, pipeline):
    total, misses, lines = 0, [], []
    for name in REPORTS:
        result, seconds = scanned[name]
        assert result.pages == list(range(1, len(result.pages) + 1)) and result.engine == ocr.DEFAULT_ENGINE
        for s, e, conf, page in result.confidences:
            assert 0 <= s < e <= len(result.text) and 0.0 <= conf <= 1.0 and page in result.pages
        record = pipeline.extract_text(result.text, source=f"{name}.scanned.pdf")
        expected = gold[name]["record"]["metrics"]
        got = {k: m.value for k, m in record.metrics.items()}
        miss = [f"{name} {k}: gold {v!r}, OCR {got.get(k)!r}" for k, v in expected.items() if got.get(k) != v]
        total += len(expected)
        misses += miss
        lines.append(f"{name}: {len(expected) - len(miss)}/{len(expected)} ({seconds:.1f} s, {len(result.warnings)} warnings)")
    share = 1 - len(misses) / total
    print("\n".join(lines + [f"metrics {total - len(misses)}/{total} = {share:.3f}"] + misses))
    assert share >= 0.95, "\n".join(lines + misses)


def table3_png(name: str, dpi: int = DPI) -> bytes:
    """Table 3 of a report as one PNG: from its heading down to table 4's heading, the pieces
    on two pages stacked, as a report that publishes its table as a picture would show it."""
    import pdfplumber
    import pypdfium2 as pdfium
    from PIL import Image

    path = CORPUS / "reports" / f"{name}.pdf"
    with pdfplumber.open(path) as doc:
        spots = {}
        for i, page in enumerate(doc.pages):
            for key, words in (("start", "三、收到和处理"), ("end", "四、政府信息公开行政复议")):
                hit = page.search(words)
                if hit and key not in spots:
                    spots[key] = (i, hit[0]["top"])
    (p0, top), (p1, bottom) = spots["start"], spots["end"]
    scale = dpi / 72
    pdf = pdfium.PdfDocument(str(path))
    try:
        pieces = []
        for i in range(p0, p1 + 1):
            img = pdf[i].render(scale=scale, grayscale=True).to_pil()
            a = int((top - 6) * scale) if i == p0 else 0
            b = int((bottom - 4) * scale) if i == p1 else img.height
            pieces.append(img.crop((0, a, img.width, b)))
    finally:
        pdf.close()
    sheet = Image.new("L", (pieces[0].width, sum(p.height for p in pieces)), 255)
    y = 0
    for p in pieces:
        sheet.paste(p, (0, y))
        y += p.height
    buf = io.BytesIO()
    sheet.save(buf, format="PNG")
    return buf.getvalue()


@needs_engine
@needs_reports
def test_png_of_table_3_gives_its_figures(gold, pipeline, ocr_cache):
    png = table3_png("hongze_2024")
    result = cached_ocr(ocr_cache, png, lambda: ocr.ocr_image(png))
    assert result.pages == [1]
    record = pipeline.extract_text(result.text)
    expected = {k: v for k, v in gold["hongze_2024"]["record"]["metrics"].items() if k.startswith("requests.")}
    got = {k: record.metrics[k].value for k in expected if k in record.metrics}
    must = ("requests.received", "requests.carried_over", "requests.completed", "requests.carried_forward")
    assert {k: got.get(k) for k in must} == {k: expected[k] for k in must}, result.text
    assert got == expected, result.text
    assert record.tables["table3"]["rows"]["requests.received"] == gold["hongze_2024"]["tables"]["table3"]["本年新收"]


@needs_engine
@needs_reports
def test_regions_of_a_page_and_image_formats(image_pdfs):
    """Only a picture's part of a page is read (a table image on a page with a text layer), at
    the page's coordinates; JPEG and multi-page TIFF files are read like PNG."""
    data = image_pdfs["hongze_2023"]
    # table 2's second half sits at the top of page 3: 行政处罚 4119, 行政强制 195, 行政事业性收费 7730.28
    part = ocr.ocr_pdf_pages(data, regions={3: [(60, 70, 530, 312)]}, dpi=DPI)
    assert part.pages == [3]
    assert "行政处罚\t4119" in part.text and "行政事业性收费\t7730.28" in part.text
    assert "收到和处理" not in part.text

    page = next(ocr.render_pdf_pages(data, [3], dpi=DPI))[1].crop((110, 250, 1130, 420))
    jpeg, tiff = io.BytesIO(), io.BytesIO()
    page.save(jpeg, format="JPEG", quality=85)
    page.save(tiff, format="TIFF", save_all=True, append_images=[page.rotate(0)])
    assert "行政强制\t195" in ocr.ocr_image(jpeg.getvalue()).text
    both = ocr.ocr_image(tiff.getvalue(), page=7)
    assert both.pages == [7, 8] and both.text.count("行政强制\t195") == 2
    with pytest.raises(ValueError):
        ocr.ocr_image(b"not an image")


def test_transparent_background_is_white_and_odd_modes_are_rgb():
    from PIL import Image, ImageDraw

    from gongkai.inference.read.ocr import _flatten

    clear = Image.new("RGBA", (40, 20), (0, 0, 0, 0))
    ImageDraw.Draw(clear).rectangle([5, 5, 10, 10], fill=(0, 0, 0, 255))
    flat = _flatten(clear)
    assert flat.mode == "RGB" and flat.getpixel((30, 15)) == (255, 255, 255) and flat.getpixel((7, 7)) == (0, 0, 0)
    assert _flatten(Image.new("1", (8, 8), 1)).mode == "RGB"
    assert _flatten(Image.new("L", (8, 8))).mode == "L"


# --- (d) through the readers: what `gongkai extract` does with such files ----------------------

def test_without_the_extra_scans_and_images_are_clear_errors_with_the_install_command(monkeypatch, tmp_path):
    from PIL import Image

    monkeypatch.setattr(ocr, "available", lambda engine=None: False)
    png = tmp_path / "table.png"
    Image.new("L", (40, 20), 255).save(png)
    record = __import__("gongkai.inference", fromlist=["Pipeline"]).Pipeline.rules().extract_path(png)
    assert record.error and "OCR" in record.error and 'pip install "gongkai[ocr]"' in record.error
    blank = tmp_path / "scan.pdf"
    Image.new("L", (200, 300), 255).save(blank, format="PDF")
    record = __import__("gongkai.inference", fromlist=["Pipeline"]).Pipeline.rules().extract_path(blank)
    assert record.error and "no text layer" in record.error and 'pip install "gongkai[ocr]"' in record.error


@needs_engine
@needs_reports
def test_a_scanned_pdf_and_a_picture_read_through_the_pipeline(image_pdfs, gold, pipeline, tmp_path):
    """`gongkai extract scan.pdf` / `table.png`: the readers OCR what has no text layer; the
    record says which pages were OCR'd, and spans over OCR'd text carry its confidence."""
    path = tmp_path / "hongze_2024.pdf"
    path.write_bytes(image_pdfs["hongze_2024"])
    record = pipeline.extract_path(path)
    assert record.error is None and record.meta["ocr"] == {"engine": ocr.DEFAULT_ENGINE, "pages": [1, 2, 3, 4, 5]}
    expected = gold["hongze_2024"]["record"]["metrics"]
    got = {k: m.value for k, m in record.metrics.items()}
    assert {k: got.get(k) for k in expected} == expected
    assert all(e.text == record.text[e.start:e.end] for e in record.entities)
    assert min(e.confidence for e in record.entities) < 0.999  # OCR confidences reach the spans
    png = tmp_path / "table3.png"
    png.write_bytes(table3_png("hongze_2024"))
    record = pipeline.extract_path(png)
    assert record.meta["ocr"]["pages"] == [1] and record.metrics["requests.received"].value == expected["requests.received"]


def test_a_failed_check_over_ocr_figures_names_the_cells():
    from gongkai.inference import Pipeline
    from gongkai.inference.read import read_string

    text = ("某区人民政府2024年政府信息公开工作年度报告\n三、收到和处理政府信息公开申请情况\n"
            "一、本年新收政府信息公开申请数量\t8\t0\t0\t0\t0\t0\t8\n二、上年结转政府信息公开申请数量\t0\t0\t0\t0\t0\t0\t0\n"
            "（七）总计\t6\t0\t0\t0\t0\t0\t6\n四、结转下年度继续办理\t0\t0\t0\t0\t0\t0\t0\n")
    doc = read_string(text)
    cell = text.index("\t8\n") + 1
    doc.ocr_confidences = [(0, len(text), 0.97), (cell, cell + 1, 0.41)]  # the 8 was hard to read
    pipeline = Pipeline.rules()
    record = pipeline.process(doc)
    balance = next(c for c in record.checks if c.name == "requests.balance")
    assert not balance.ok and "requests.received '8' read at 0.41" in balance.detail
    assert record.metrics["requests.received"].value == 8  # named, never corrected
