"""`gongkai view`: report pages and the overview site.

Fast tests read the HTML with the standard library's parser; the browser tests load the
pages in headless Chromium (Debian's /usr/bin/chromium driven by Playwright for Python)
and are skipped, with the reason, when either is missing.

`python tests/test_view.py --screenshots` redraws docs/view-report.png and
docs/view-overview.png with the same browser.
"""
from __future__ import annotations

import argparse
import ast
import copy
import json
import shutil
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from conftest import CORPUS, REPO, seed  # noqa: E402

from gongkai.inference.apps.view import add_arguments, render_report, run, write_overview  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
HOSTILE = '<script>window.__pwned=1</script> <img src=x onerror="window.__pwned=1"> </textarea>'
VOID = {"meta", "br", "wbr", "img", "input", "hr", "link", "col", "source"}


@pytest.fixture(scope="module")
def record(pipeline):
    """Seed 002 (Traditional script, a failed balance check, warnings, table 3)."""
    return pipeline.extract_path(str(seed(2))).to_dict()


class Page(HTMLParser):
    """What a test needs from a page: marked entities with their text, the text of every
    element with an id, the visible text of the report body, links and rows."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.stack: list[dict] = []
        self.entities: list[dict] = []
        self.by_id: dict[str, str] = {}
        self.body_text: list[str] = []
        self.links: list[dict] = []
        self.rows = 0
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a":
            self.links.append(a)
        if tag == "tr" and any(e["tag"] == "tbody" for e in self.stack) and \
                any(e["attrs"].get("id") == "reports" for e in self.stack):
            self.rows += 1
        if tag not in VOID:
            self.stack.append({"tag": tag, "attrs": a, "text": []})

    def handle_endtag(self, tag):
        while self.stack:
            element = self.stack.pop()
            text = "".join(element["text"])
            a = element["attrs"]
            if "data-label" in a:
                self.entities.append({"label": a["data-label"], "start": int(a["data-start"]),
                                      "end": int(a["data-end"]), "text": text})
            if "id" in a:
                self.by_id[a["id"]] = text
            if element["tag"] == tag:
                break

    def handle_data(self, data):
        for element in self.stack:
            element["text"].append(data)
        if any(e["attrs"].get("class") == "text" for e in self.stack):
            self.body_text.append(data)


def squeeze(text: str) -> str:
    return "".join(text.split())


def scaled(record: dict, copies: int) -> dict:
    """The record's text repeated `copies` times, with paragraphs and entities shifted."""
    out = copy.deepcopy(record)
    text, step = record["text"], len(record["text"]) + 1
    out["text"] = "\n".join([text] * copies)
    npara = len(record["paragraphs"])
    out["paragraphs"] = [dict(p, start=p["start"] + k * step, end=p["end"] + k * step, index=p["index"] + k * npara)
                         for k in range(copies) for p in record["paragraphs"]]
    out["entities"] = [dict(e, start=e["start"] + k * step, end=e["end"] + k * step,
                            paragraph=e["paragraph"] + k * npara)
                       for k in range(copies) for e in record["entities"]]
    return out


# --- one report -------------------------------------------------------------------------

def test_every_entity_is_marked_with_its_text(record):
    page = Page(render_report(record))
    assert len(page.entities) == len(record["entities"]) > 100
    assert page.entities == [{k: e[k] for k in ("label", "start", "end", "text")} for e in record["entities"]]


def test_the_whole_text_is_shown(record):
    page = Page(render_report(record))
    assert squeeze("".join(page.body_text)) == squeeze(record["text"])


def test_metrics_link_to_their_evidence(record):
    page = Page(render_report(record))
    links = {a["data-metric"]: a for a in page.links if "data-metric" in a}
    assert set(links) == set(record["metrics"])
    for key, metric in record["metrics"].items():
        target = links[key]["href"].lstrip("#")
        assert links[key]["data-targets"].split()[0] == target
        assert str(metric["value"]) in page.by_id[target], key
    assert page.by_id[links["requests.received"]["href"][1:]] == "236件"


def test_failed_checks_warnings_and_table3_are_shown(record, pipeline):
    html = render_report(record)
    page = Page(html)
    assert "1 failed check" in page.by_id["failed-checks"]
    assert "received 236 + carried_over 7 = 243" in page.by_id["failed-checks"]
    assert "table lost: 24 table rows have only empty cells" in page.by_id["warnings"]
    # seed 002 lost its table 3; a report that has one shows its per-applicant columns
    from test_tables import HEAD, rows

    with_table = pipeline.extract_text(HEAD + "\n".join(rows("\t"))).to_dict()
    html = render_report(with_table)
    assert 'data-table="table3"' in html and "自然人" in html and "requests.carried_forward" in html


def test_hostile_text_and_fields_are_escaped(record):
    hostile = dict(record, text=HOSTILE + "\n" + record["text"], agency=HOSTILE, source=HOSTILE,
                   warnings=[HOSTILE], checks=[{"name": HOSTILE, "ok": False, "detail": HOSTILE}],
                   metrics={HOSTILE: {"value": HOSTILE, "start": 0, "end": 8, "evidence": HOSTILE, "from": HOSTILE}},
                   tables={HOSTILE: {"columns": [HOSTILE], "rows": {HOSTILE: [HOSTILE]}}},
                   paragraphs=[{"index": 0, "start": 0, "end": len(HOSTILE), "section": HOSTILE, "source": HOSTILE}],
                   entities=[{"label": HOSTILE, "start": 0, "end": 8, "text": "<script>", "value": HOSTILE,
                              "unit": HOSTILE}])
    html = render_report(hostile)
    for raw in ("<script>window", "<img", "onerror=\"window", "</textarea>"):
        assert raw not in html
    assert html.count("<script>") == 1  # the page's own
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in html
    assert 'class="e l-X"' in html  # an odd label gets the neutral colour class, not its own string


def test_no_text_record_shows_the_panel_and_says_so(record):
    html = render_report({k: v for k, v in record.items() if k != "text"})
    page = Page(html)
    assert "not kept" in page.by_id["no-text"] and page.entities == []
    assert "requests.received" in html and "236" in html and "received 236 + carried_over 7" in html
    assert "2022年,全区新收到依申请公开政府信息236件" in html  # the evidence sentence instead


def test_error_record_shows_the_error():
    page = Page(render_report({"schema": "gongkai.report/1", "source": "x.txt", "error": "empty file"}))
    assert "empty file" in page.by_id["error"]


def test_broken_offsets_render_without_crashing():
    text = "一、总体情况\n共收到申请236件，办结227件。\n二、其他"
    record = {
        "text": text,
        "paragraphs": [{"index": 0, "start": 0, "end": 6, "section": "overview"},
                       {"index": 1, "start": 7, "end": 24, "section": "requests"},
                       {"index": 2, "start": 3, "end": 9, "section": "other"},  # overlaps both
                       {"index": 3, "start": "x", "end": None, "section": "other"}],
        "entities": [{"label": "COUNT", "start": 12, "end": 16, "text": "236件"},
                     {"label": "COUNT", "start": 14, "end": 16, "text": "6件"},  # overlaps the one before
                     {"label": "DATE", "start": 4, "end": 9, "text": "情况\n共收"},  # crosses a paragraph end
                     {"label": "AGENCY", "start": 90, "end": 99, "text": "?"},  # past the text
                     {"label": "COUNT", "start": True, "end": 3, "text": "?"}, "not a dict"],
        "metrics": {"requests.received": {"value": 236, "start": 13, "end": 15},
                    "requests.completed": {"value": 227, "start": 19, "end": 500},
                    "bad": {"value": 1, "start": -5, "end": "3"}, "bare": 7},
        "checks": [None, {"name": "requests.balance", "ok": False}], "warnings": None, "tables": {"t": "x"},
    }
    page = Page(render_report(record))
    assert squeeze("".join(page.body_text)) == squeeze(text)
    assert [(e["label"], e["text"]) for e in page.entities] == [("DATE", "情况"), ("COUNT", "236件")]
    assert page.by_id["ev-0"] == "236件"  # evidence 13–15 widened to the whole entity
    assert page.by_id["ev-1"] == "227件。" and page.by_id["ev-2"] == "\n二、其他"  # clipped to the text


def test_a_200k_report_renders_in_under_two_seconds(record):
    big = scaled(record, 38)
    assert len(big["text"]) > 200_000
    start = time.perf_counter()
    html = render_report(big)
    seconds = time.perf_counter() - start
    assert seconds < 2.0, f"{seconds:.2f} s"
    assert html.count(" data-label=") == len(big["entities"])


# --- the overview -----------------------------------------------------------------------

def test_overview_of_5000_records_is_one_page_under_10_mb(record, tmp_path):
    # Batches this large are extracted with --no-text; the pages then hold the figures only.
    base = {k: v for k, v in record.items() if k != "text"}
    records = (dict(base, source=f"reports/body{i // 5}_{2019 + i % 5}.html", agency=f"某某区{i // 5}局",
                    year=2019 + i % 5) for i in range(5000))
    start = time.perf_counter()
    index = write_overview(records, tmp_path / "site")
    seconds = time.perf_counter() - start
    size = index.stat().st_size
    assert size < 10_000_000, size
    page = Page(index.read_text(encoding="utf-8"))
    assert page.rows == 5000
    assert len(list((tmp_path / "site" / "reports").iterdir())) == 5000
    assert index.read_text(encoding="utf-8").count("<svg") == 1000  # one body, five years
    assert seconds < 40, f"{seconds:.1f} s"


def test_overview_rows_and_charts(record, tmp_path):
    records = [dict(record, year=2021, source="a/2021.txt"), dict(record, source="a/2022.txt"),
               {"source": "bad.txt", "error": "empty file"}, dict(record, agency="另一局", source="b.txt")]
    index = write_overview(records, tmp_path)
    html = index.read_text(encoding="utf-8")
    page = Page(html)
    assert page.rows == 4
    reports = sorted(p.name for p in (tmp_path / "reports").iterdir())
    assert reports == ["0001-2021.html", "0002-2022.html", "0003-bad.html", "0004-b.html"]
    assert [a["href"] for a in page.links if a["href"].startswith("reports/")][:4] == [f"reports/{r}" for r in reports]
    assert html.count("<svg") == 1 and "硚口区人民政府" in html  # one body over two years
    assert 'class="is-failed is-warned"' in html and 'class="is-error"' in html
    assert "../index.html" in (tmp_path / "reports" / reports[0]).read_text(encoding="utf-8")


# --- the command ------------------------------------------------------------------------

def view(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="gongkai view")
    add_arguments(parser)
    return run(parser.parse_args(list(argv)))


def test_command_report_file_and_records(record, tmp_path, capsys):
    report = tmp_path / seed(2).name
    shutil.copy(seed(2), report)
    assert view(str(report), "--rules-only") == 0
    assert len(Page((tmp_path / f"{report.stem}.html").read_text(encoding="utf-8")).entities) == len(record["entities"])

    one = tmp_path / "one.jsonl"
    one.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    assert view(str(one)) == 0 and (tmp_path / "one.html").exists()

    pretty = tmp_path / "pretty.json"
    pretty.write_text(json.dumps(record, ensure_ascii=False, indent=2), encoding="utf-8")
    assert view(str(pretty), "-o", str(tmp_path / "p.html")) == 0 and (tmp_path / "p.html").exists()

    many = tmp_path / "many.jsonl"
    many.write_text("\n".join(json.dumps(dict(record, year=y)) for y in (2021, 2022)) + "\n", encoding="utf-8")
    assert view(str(many)) == 0 and (tmp_path / "many-view" / "index.html").exists()
    assert view(str(one), "-o", str(tmp_path / "site") + "/") == 0 and (tmp_path / "site" / "index.html").exists()
    capsys.readouterr()


def test_command_bad_input_is_one_line_and_status_2(record, tmp_path, capsys):
    (tmp_path / "bad.jsonl").write_text('{"source": "a"}\n{oops\n', encoding="utf-8")
    (tmp_path / "list.jsonl").write_text("[1, 2]\n", encoding="utf-8")
    (tmp_path / "empty.jsonl").write_text("", encoding="utf-8")
    (tmp_path / "latin.jsonl").write_bytes(b"\xff\xfe{}")
    many = tmp_path / "many.jsonl"
    many.write_text('{"source": "a"}\n{"source": "b"}\n', encoding="utf-8")
    cases = [(str(tmp_path / "missing.txt"),), (str(tmp_path / "bad.jsonl"), "-o", str(tmp_path / "o") + "/"),
             (str(tmp_path / "list.jsonl"),), (str(tmp_path / "empty.jsonl"),), (str(tmp_path / "latin.jsonl"),),
             (str(tmp_path),), (str(many), "-o", str(tmp_path / "x.html")),
             (str(seed(2)), "--model", str(tmp_path / "no-model"), "-o", str(tmp_path / "m.html"))]
    errors = []
    for argv in cases:
        capsys.readouterr()
        assert view(*argv) == 2, argv
        errors.append(capsys.readouterr().err)
        assert errors[-1].startswith("gongkai view: ") and errors[-1].count("\n") == 1, errors[-1]
    assert "missing.txt: no such file" in errors[0] and "bad.jsonl:2: not a JSON line" in errors[1]
    assert "not a gongkai record" in errors[2] and "no records" in errors[3] and "not UTF-8" in errors[4]
    assert "a folder" in errors[5] and "give -o a folder" in errors[6] and "--model" in errors[7]


def test_a_failed_extraction_still_gets_its_page(tmp_path, capsys):
    (tmp_path / "empty.txt").write_bytes(b"")
    assert view(str(tmp_path / "empty.txt"), "--rules-only") == 1
    assert "empty" in Page((tmp_path / "empty.html").read_text(encoding="utf-8")).by_id["error"]
    assert "empty" in capsys.readouterr().err


def test_the_viewer_imports_only_the_standard_library():
    """Rendering needs nothing installed but the standard library and gongkai's core (its
    record reader); the pipeline is imported inside extract_report only."""
    folder = REPO / "inference" / "apps" / "view"
    for path in folder.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        top_level = {id(n) for n in tree.body}
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module]
            else:
                continue
            for name in names:
                if name.split(".")[0] in sys.stdlib_module_names or name in ("__future__", "gongkai.io"):
                    continue
                assert name == "gongkai.inference" and id(node) not in top_level, f"{path.name}: {name}"


# --- in the browser ---------------------------------------------------------------------

def _playwright():
    if not CHROMIUM.exists():
        pytest.skip("no /usr/bin/chromium (apt-get install chromium)")
    try:
        from playwright.sync_api import expect, sync_playwright
    except ImportError:
        pytest.skip("no Playwright for Python (pip install playwright; no browser download is needed)")
    globals()["expect"] = expect
    return sync_playwright


@pytest.fixture(scope="module")
def browser():
    with _playwright()() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def tab(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    page.fetched = []  # every request that is not the page file itself
    page.errors = []
    page.on("request", lambda r: page.fetched.append(r.url) if not r.url.startswith("file://") else None)
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    yield page
    context.close()


IN_VIEW = """el => { const r = el.getBoundingClientRect();
  return r.bottom > 0 && r.top < window.innerHeight && r.right > 0 && r.left < window.innerWidth; }"""


def test_browser_report_page(record, tab, tmp_path):
    path = tmp_path / "002.html"
    path.write_text(render_report(record), encoding="utf-8")
    tab.goto(path.as_uri())
    assert tab.locator("[data-label]").count() == len(record["entities"])
    value = str(record["metrics"]["requests.received"]["value"])
    link = tab.locator('a[data-metric="requests.received"]')
    target = tab.locator("#" + link.get_attribute("href")[1:])
    tab.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    assert not target.evaluate(IN_VIEW)
    link.click()
    assert target.evaluate(IN_VIEW)
    assert value in target.inner_text()
    assert "flash" in target.get_attribute("class")
    tab.locator('button[data-toggle="COUNT"]').click()
    assert tab.evaluate("document.body.classList.contains('hide-COUNT')")
    assert tab.fetched == [] and tab.errors == []


def test_browser_runs_nothing_from_the_report(record, tab, tmp_path):
    step = len(HOSTILE) + 1
    paragraphs = [dict(p, start=p["start"] + step, end=p["end"] + step) for p in record["paragraphs"]]
    hostile = dict(record, text=HOSTILE + "\n" + record["text"], agency=HOSTILE, warnings=[HOSTILE],
                   paragraphs=[{"index": 0, "start": 0, "end": len(HOSTILE), "section": "preamble"}, *paragraphs],
                   entities=[], metrics={})
    path = tmp_path / "hostile.html"
    path.write_text(render_report(hostile), encoding="utf-8")
    tab.goto(path.as_uri())
    tab.wait_for_timeout(200)  # an <img onerror> would have fired by now
    assert tab.evaluate("typeof window.__pwned") == "undefined"
    shown = tab.locator(".text").inner_text()
    for text in ("<script>window.__pwned=1</script>", '<img src=x onerror="window.__pwned=1">', "</textarea>"):
        assert text in shown
    assert tab.locator("img").count() == 0 and tab.locator("textarea").count() == 0
    assert HOSTILE in tab.locator("h1").inner_text()
    assert tab.fetched == []


def test_browser_overview_sorts_and_filters(record, tab, tmp_path):
    base = {k: v for k, v in record.items() if k != "text"}
    received = [50, 7, None, 300, 12, 120]
    records = []
    for i, n in enumerate(received):
        metrics = {k: v for k, v in base["metrics"].items() if k != "requests.received"}
        if n is not None:
            metrics["requests.received"] = dict(base["metrics"]["requests.received"], value=n)
        records.append(dict(base, metrics=metrics, year=2018 + i, source=f"r/{i}.txt",
                            agency="硚口区人民政府" if i < 3 else "平潭县人民政府",
                            checks=[] if i % 2 else base["checks"]))
    index = write_overview(records, tmp_path)
    tab.goto(index.as_uri())
    visible = "tbody tr:not([hidden])"
    assert tab.locator(visible).count() == 6
    for words, state, shown in (("平潭", "all", 3), ("平潭 2022", "all", 1), ("", "is-failed", 3), ("", "all", 6)):
        tab.fill("#filter", words)
        tab.select_option("#only", state)
        expect(tab.locator("#shown")).to_have_text(str(shown))
        assert tab.locator(visible).count() == shown, (words, state)
    header = tab.locator("thead th", has_text="received")
    column = [h.strip() for h in tab.locator("thead th").all_inner_texts()].index("received") + 1
    cells = f"tbody tr td:nth-child({column})"
    header.locator("button").click()
    assert tab.locator(cells).all_inner_texts() == ["7", "12", "50", "120", "300", ""]
    header.locator("button").click()
    assert tab.locator(cells).all_inner_texts() == ["300", "120", "50", "12", "7", ""]
    assert header.get_attribute("aria-sort") == "descending"
    assert tab.locator("figure.chart svg").count() == 2
    tab.locator("tbody tr td.src a").first.click()
    assert tab.locator("[data-label]").count() == 0 and "not kept" in tab.inner_text("#no-text")
    assert tab.fetched == [] and tab.errors == []


# --- screenshots for the docs -----------------------------------------------------------

def screenshots() -> None:
    """docs/view-report.png (seed 002) and docs/view-overview.png (seeds + corpus reports)."""
    import os
    import tempfile

    from playwright.sync_api import sync_playwright

    from gongkai.inference import Pipeline

    os.chdir(REPO)  # sources as a user would type them: annotations/seeds/…, ../shared/corpus/…
    pipeline = Pipeline.rules()
    corpus = Path(os.path.relpath(CORPUS / "reports"))
    paths = sorted(Path("annotations/seeds").glob("*.txt")) + sorted(corpus.rglob("*"))
    paths = [p for p in paths if p.suffix.lower() in {".txt", ".md", ".html", ".htm", ".pdf", ".docx"}]
    records = [pipeline.extract_path(str(p)).to_dict() for p in paths]
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        site = write_overview(records, Path(tmp) / "site")
        report = Path(tmp) / "002.html"
        report.write_text(render_report(next(r for r in records if r["source"].endswith(seed(2).name))),
                          encoding="utf-8")
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = chromium.new_page(viewport={"width": 1440, "height": 900})
        page.goto(report.as_uri())
        page.locator('a[data-metric="requests.received"]').click()
        page.evaluate("window.scrollTo(0, 0)")  # the header and alerts, with the evidence flashing below
        page.wait_for_timeout(300)
        page.screenshot(path=str(REPO / "docs" / "view-report.png"))
        page.goto(site.as_uri())
        page.screenshot(path=str(REPO / "docs" / "view-overview.png"), full_page=True)
        chromium.close()
    print(f"{len(records)} records; wrote docs/view-report.png and docs/view-overview.png")


if __name__ == "__main__":
    if "--screenshots" in sys.argv:
        screenshots()
