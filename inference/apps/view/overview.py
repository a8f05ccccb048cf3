"""Many records → a site: index.html (one sortable, filterable row per report, and a
chart per body that reported for several years) plus one page per record.

Records stream through: each page is written as its record arrives and only a small row
summary is kept, so a batch of thousands never sits in memory at once.
"""
from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from .assets import CHART_SERIES, OVERVIEW_CSS, OVERVIEW_JS
from .markup import as_int, esc, fmt, page
from .render import render_report

# The figures in the table: (heading, metric key or "litigation", tooltip).
FIGURES = [
    ("received", "requests.received", "requests.received: 本年新收"),
    ("completed", "requests.completed", "requests.completed: 办结"),
    ("carried fwd", "requests.carried_forward", "requests.carried_forward: 结转下年度"),
    ("review", "review.total", "review.total: 行政复议"),
    ("litigation", "litigation", "litigation.total, else direct.total + after_review.total: 行政诉讼"),
    ("fees ¥", "fees.information_processing_yuan", "fees.information_processing_yuan: 信息处理费（元）"),
]

# Filter choices: a row's state classes (is-failed …) are what the filter tests.
STATES = [("all", "all reports"), ("is-failed", "with failed checks"), ("is-warned", "with warnings"),
          ("is-error", "with an error")]


@dataclass(frozen=True)
class Row:
    """What the index keeps of one record."""
    number: int
    href: str
    source: str
    agency: str | None
    year: int | None
    format: str | None
    figures: dict[str, tuple[Any, str]]  # FIGURES key → (value, tooltip)
    chart: dict[str, Any]  # CHART_SERIES key → value
    failed: list[tuple[str, str]] = field(default_factory=list)  # (name, detail)
    warnings: list[str] = field(default_factory=list)
    error: str | None = None


def _value(metrics: dict, key: str) -> Any:
    metric = metrics.get(key)
    return metric.get("value") if isinstance(metric, dict) else None


def litigation_total(metrics: dict) -> tuple[Any, str]:
    """All lawsuits: the stated total, else the direct and after-review totals added."""
    stated = _value(metrics, "litigation.total")
    if stated is not None:
        return stated, "litigation.total"
    parts = [(k, _value(metrics, f"litigation.{k}.total")) for k in ("direct", "after_review")]
    numbers = [(k, v) for k, v in parts if isinstance(v, (int, float)) and not isinstance(v, bool)]
    if not numbers:
        return None, ""
    return sum(v for _, v in numbers), " + ".join(f"{k} {fmt(v)}" for k, v in numbers)


def page_name(number: int, record: dict) -> str:
    """reports/0007-pingtan_2013.html: numbered so that names never clash."""
    stem = Path(str(record.get("source") or "report")).stem
    stem = re.sub(r"[^\w.-]+", "_", stem).strip("._")[:60] or "report"
    return f"{number:04d}-{stem}.html"


def row_of(number: int, record: dict, href: str) -> Row:
    metrics = record.get("metrics") if isinstance(record.get("metrics"), dict) else {}
    figures = {key: (litigation_total(metrics) if key == "litigation" else (_value(metrics, key), ""))
               for _, key, _ in FIGURES}
    checks = [c for c in record.get("checks") or [] if isinstance(c, dict) and c.get("ok") is False]
    year = as_int(record.get("year"))
    return Row(number=number, href=href, source=str(record.get("source") or ""),
               agency=str(record["agency"]) if record.get("agency") else None, year=year,
               format=str(record["format"]) if record.get("format") else None, figures=figures,
               chart={key: _value(metrics, key) for key in CHART_SERIES},
               failed=[(str(c.get("name")), str(c.get("detail") or "")) for c in checks],
               warnings=[str(w) for w in record.get("warnings") or []],
               error=str(record["error"]) if record.get("error") else None)


def number_of(value: Any) -> float | int | None:
    """A figure that can be sorted and charted (not a bool, a string or an infinity)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return value if math.isfinite(value) else None


def _num_cell(value: Any, title: str = "") -> str:
    """A figure's cell. The sort key is the text itself; only a cell whose text is not a
    number says so (data-v=""), which keeps 5,000 rows small."""
    text = fmt(value)
    key = ' data-v=""' if text and number_of(value) is None else ""
    tip = f' title="{esc(title)}"' if title else ""
    return f"<td{key}{tip}>{esc(text)}</td>"


def _row_html(row: Row) -> str:
    classes = " ".join(c for c, on in (("is-failed", row.failed), ("is-warned", row.warnings), ("is-error", row.error))
                       if on)
    folder, _, name = row.source.replace("\\", "/").rpartition("/")
    # <wbr> after each slash: a long folder may wrap there, the file name stays whole.
    folder_html = esc(folder + "/").replace("/", "/<wbr>") if folder else ""
    source = (f'<span class="dir">{folder_html}</span>' if folder else "") + esc(name or row.source or "—")
    cells = [_num_cell(row.number),
             f'<td class="src"><a href="{esc(row.href)}">{source}</a></td>',
             f'<td class="agency">{esc(row.agency or "")}</td>', _num_cell(row.year), f"<td>{esc(row.format or '')}</td>"]
    cells += [_num_cell(*row.figures[key]) for _, key, _ in FIGURES]
    failed_tip = "\n".join(f"{n}: {d}" for n, d in row.failed)
    cells.append(f'<td class="checks" data-v="{len(row.failed)}" title="{esc(failed_tip)}">'
                 f'{esc(" ".join(n for n, _ in row.failed))}</td>' if row.failed else "<td></td>")
    cells.append(f'<td title="{esc(chr(10).join(row.warnings))}">{len(row.warnings)}</td>' if row.warnings
                 else "<td></td>")
    cells.append(f'<td class="err">{esc(row.error or "")}</td>')
    return f'<tr class="{classes}">{"".join(cells)}</tr>'


def nice_ceiling(value: float) -> float:
    """The axis top: value rounded up to 1, 2 or 5 times a power of ten."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= value)


def chart_svg(points: list[tuple[int, str, dict[str, Any]]]) -> str:
    """Grouped bars of received / completed / carried forward per year, each with its
    figure; a year's tooltip lists its figures and the year links to that year's page.
    One <g> per year with small local coordinates keeps a thousand charts a few MB."""
    bar, gap, group, left, top, plot, bottom = 12, 2, 58, 44, 36, 120, 20
    numbers = [number_of(v) for _, _, values in points for v in values.values()]
    ceiling = nice_ceiling(max((v for v in numbers if v is not None), default=0))
    width, height = left + group * len(points) + 6, top + plot + bottom
    base = top + plot
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img">']
    for fraction in (0, 0.5, 1):
        y = round(base - fraction * plot)
        out.append(f'<line x1="{left - 4}" x2="{width - 4}" y1="{y}" y2="{y}"/>'
                   f'<text class="ax" x="{left - 6}" y="{y + 3}">{esc(fmt(ceiling * fraction))}</text>')
    for i, (year, href, values) in enumerate(points):
        said = ", ".join(f"{name} {fmt(values.get(key))}" for key, (name, _) in CHART_SERIES.items()
                         if number_of(values.get(key)) is not None)
        out.append(f'<g transform="translate({left + i * group + 8} 0)"><title>{year}: {esc(said or "no figures")}</title>')
        for j, key in enumerate(CHART_SERIES):
            value, x = number_of(values.get(key)), j * (bar + gap)
            if value is None:
                out.append(f'<text class="na" x="{x + bar // 2}" y="{base - 3}">–</text>')
                continue
            h = round(max(value, 0) / ceiling * plot, 1)
            # The figure along the bar: inside it when the bar is tall enough to hold it.
            inside = h > 8 + 5 * len(fmt(value))
            y = round(base - h + 3 if inside else base - h - 3, 1)
            out.append(f'<rect class="s{j}" x="{x}" y="{round(base - h, 1)}" width="{bar}" height="{h}"/>'
                       f'<text class="{"in" if inside else "on"}" transform="translate({x + bar // 2 + 3} {y}) '
                       f'rotate(-90)">{esc(fmt(value))}</text>')
        out.append(f'<a href="{esc(href)}"><text class="yr" x="{(3 * bar + 2 * gap) // 2}" y="{base + 14}">{year}</text>'
                   "</a></g>")
    out.append("</svg>")
    return "".join(out)


def bodies_over_years(rows: list[Row]) -> list[tuple[str, list[tuple[int, str, dict[str, Any]]]]]:
    """Bodies with reports for at least two years (the first report of a year counts) that
    state at least one charted figure; most years first."""
    by_body: dict[str, dict[int, Row]] = {}
    for row in rows:
        if row.agency and row.year is not None and not row.error:
            by_body.setdefault(row.agency, {}).setdefault(row.year, row)
    bodies = []
    for agency, years in by_body.items():
        charted = any(v is not None for r in years.values() for v in r.chart.values())
        if len(years) >= 2 and charted:
            bodies.append((agency, [(y, years[y].href, years[y].chart) for y in sorted(years)]))
    bodies.sort(key=lambda b: (-len(b[1]), b[0]))
    return bodies


def _th(name: str, numeric: bool, tip: str) -> str:
    title = f' title="{esc(tip)}"' if tip else ""
    return f'<th class="{"num" if numeric else "text"}"{title}><button type="button">{esc(name)}</button></th>'


def render_overview(rows: list[Row]) -> str:
    failed = sum(1 for r in rows if r.failed)
    warned = sum(1 for r in rows if r.warnings)
    errors = sum(1 for r in rows if r.error)
    bodies = bodies_over_years(rows)
    body = ['<header class="top"><h1>gongkai · ', str(len(rows)), " reports</h1>",
            f'<p class="muted">{failed} with failed checks · {warned} with warnings · {errors} with an error'
            + (f' · <a href="#bodies">{len(bodies)} bodies over several years</a>' if bodies else "")
            + "</p></header><main>",
            '<div class="controls"><label>Filter <input type="search" id="filter" '
            'placeholder="words in any column: agency, year, source, check…" autocomplete="off"></label>'
            '<select id="only" aria-label="which reports">']
    body += [f'<option value="{v}">{esc(t)}</option>' for v, t in STATES]
    body.append(f'</select><span><b id="shown">{len(rows)}</b> of {len(rows)} shown</span></div>')
    head = [("#", True, ""), ("source", False, ""), ("agency", False, ""), ("year", True, ""),
            ("format", False, "")]
    head += [(name, True, tip) for name, _, tip in FIGURES]
    head += [("failed checks", True, ""), ("warnings", True, ""), ("error", False, "")]
    body.append('<table class="grid reports" id="reports"><thead><tr>')
    body += [_th(name, numeric, tip) for name, numeric, tip in head]
    body.append("</tr></thead><tbody>")
    body += [_row_html(r) for r in rows]
    body.append("</tbody></table>")
    if bodies:
        body.append('<section id="bodies"><h2>Bodies over several years</h2><div class="key-legend">')
        body += [f'<span style="--c:{colour}"><i></i>{esc(name)}</span>' for name, colour in CHART_SERIES.values()]
        body.append('</div><div class="charts">')
        for agency, points in bodies:
            body.append(f'<figure class="chart"><figcaption>{esc(agency)} '
                        f'<span class="muted">({len(points)} years)</span></figcaption>{chart_svg(points)}</figure>')
        body.append("</div></section>")
    body.append("</main>")
    series_css = "".join(f"svg .s{j}{{fill:{colour}}}" for j, (_, colour) in enumerate(CHART_SERIES.values()))
    return page(f"gongkai · {len(rows)} reports", body, OVERVIEW_CSS + series_css, OVERVIEW_JS, "overview")


def write_overview(records: Iterable[dict], out_dir: Path) -> Path:
    """Write out_dir/index.html and out_dir/reports/NNNN-NAME.html; return the index path."""
    out_dir = Path(out_dir)
    pages = out_dir / "reports"
    pages.mkdir(parents=True, exist_ok=True)
    rows = []
    for number, record in enumerate(records, 1):
        record = record if isinstance(record, dict) else {"error": f"not a record: {type(record).__name__}"}
        name = page_name(number, record)
        (pages / name).write_text(render_report(record, back="../index.html"), encoding="utf-8")
        rows.append(row_of(number, record, f"reports/{quote(name)}"))
    index = out_dir / "index.html"
    index.write_text(render_overview(rows), encoding="utf-8")
    return index
