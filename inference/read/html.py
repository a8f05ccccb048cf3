"""HTML to the text a browser shows, one line per block, table rows as tab-separated cells,
and where on the page the report itself lies.

What the text is (CSS 2.1 / CSS Text 3 for `white-space: normal`, and innerText for tables):

- Inline elements (`<span>`, `<font>`, `<o:p>`, `<st1:…>`, any unknown or namespaced tag)
  add nothing: Word writes every character run as its own `<span>`, and
  `<span>二</span><span>、上年结转</span>` is `二、上年结转` on screen.
- Whitespace collapses to one space, none at line starts and ends; inside one text node a
  line break between two wide (CJK) characters disappears, as CSS Text 3's segment-break
  rule says, because Word and CMS editors wrap their source mid-sentence (whitespace
  between two elements stays a space: it is the source's own layout).
  `&nbsp;` is a space. `<pre>` keeps its lines and spaces.
- Block elements, `<br>` and `<hr>` end a line; empty lines are dropped.
- A table row is one line, its cells tab-separated. The blocks inside a cell (Word puts
  each cell's text in `<p>`) are joined by a space, so a row never breaks. `rowspan` and
  `colspan` are expanded into a grid so that every cell sits under its header: the
  spanning cell's text is in its first (top-left) slot and every slot it covers is an empty
  string. The text is not repeated, because the table reader reads a row as its label
  followed by numbers: a 三、本年度办理结果 spanning 20 rows repeated into each of them
  would only be noise, while the empty slot keeps the columns aligned. Covered slots at the
  end of a row are left off (they would push a row's last cells away from its end).
  A layout table (a cell holding another table, or a page's worth of text) is not a
  data table: its cells are read as blocks, one line each, in reading order.
- Not shown, not read: `<head>` (its `<title>` goes to `meta["html_title"]`), `<script>`,
  `<style>`, `<noscript>`, `<template>`, `<svg>`, `<iframe>`, Office `<xml>` data islands,
  comments and conditional comments (`<!--[if gte mso 9]>…<![endif]-->`), and elements
  hidden by `display:none` / `visibility:hidden` in their style or by the `hidden`
  attribute. Class-based hiding through a stylesheet is not applied (no CSS is loaded).
- A DOCTYPE's internal subset is removed before parsing and the entities it declares are
  not expanded (the billion-laughs defence): their references are dropped from the text.

The page is parsed by libxml2 (lxml) into parser events, with no tree and no recursion, so
a page nested 100,000 deep costs a stack of 100,000 small entries; `Limits.max_html_nodes`
and `Limits.max_html_depth` stop a page that is too large before it is all parsed.

Where the report lies (`RawText.body`): a government page is site chrome around the report.
The report's container is the smallest block element that holds all of the page's numbered
section headings (一、…) and most of its prose (lines of sentences); the body runs
from the report's title line (inside the container, or just above it, where CMSs put the
article title and its 来源/时间 line) to the container's end. A page with no such prose has
no body range (the whole text is the report).
"""
from __future__ import annotations

import bisect
import html.entities
import re
import unicodedata
from dataclasses import dataclass, field

from lxml import etree

from gongkai.inference.read.decode import decode_bytes
from gongkai.inference.read.errors import RawText, ReadError
from gongkai.inference.read.limits import MB, Limits, too_large

# --- what each element is --------------------------------------------------------------

_INLINE, _BLOCK, _PRE, _TABLE, _ROW, _CELL, _BR, _HEAD, _TITLE, _SKIP, _WRAPPER = range(11)

_DROP = {"script", "style", "noscript", "template", "svg", "canvas", "iframe", "object", "embed", "xml",
         "datalist", "textarea", "select"}
_BLOCKS = {
    "address", "article", "aside", "blockquote", "caption", "center", "dd", "details", "dialog", "dir", "div", "dl",
    "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
    "hgroup", "hr", "legend", "li", "main", "menu", "nav", "ol", "p", "section", "summary", "ul",
}
_PRES = {"pre", "listing", "xmp", "plaintext"}
_KINDS = {**{t: _BLOCK for t in _BLOCKS}, **{t: _PRE for t in _PRES}, **{t: _SKIP for t in _DROP},
          "table": _TABLE, "tr": _ROW, "td": _CELL, "th": _CELL, "br": _BR, "head": _HEAD, "title": _TITLE,
          "html": _WRAPPER, "body": _WRAPPER}
# The containers a report may sit in (candidates for the body range).
_CONTAINERS = {_BLOCK, _TABLE, _CELL, _WRAPPER}

_HIDDEN_STYLE = re.compile(r"(?:^|;)\s*(?:display\s*:\s*none|visibility\s*:\s*(?:hidden|collapse))\b", re.I)
_DISPLAY = re.compile(r"(?:^|;)\s*display\s*:\s*([a-z-]+)", re.I)
_BLOCK_DISPLAYS = {"block", "flex", "grid", "list-item", "table", "flow-root"}

MAX_COLSPAN = 1000      # HTML's own clamps
MAX_ROWSPAN = 65534
LAYOUT_CELL_CHARS = 500  # a cell this long, or this fragmented, is a page region, not a figure
LAYOUT_CELL_BLOCKS = 10
CANDIDATE_CHARS = 200    # containers with less text are not the report
FEED_CHUNK = 1 << 20


# --- whitespace as CSS collapses it ---------------------------------------------------------

_SPACE = re.compile(r"[ \t\n\r\f\u00a0]+")
_EDGE = " \t\n\r\f\u00a0"


def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("F", "W", "H") and not ("\u1100" <= ch <= "\u11ff" or "\uac00" <= ch <= "\ud7a3")


def collapse(text: str) -> str:
    """`white-space: normal`: runs of spaces, tabs and line breaks become one space, none at the ends."""
    return _SPACE.sub(" ", text.strip(_EDGE))


_BREAK_RUN = re.compile(r"(?<=\S)[ \t\f\u00a0]*[\r\n][ \t\r\n\f\u00a0]*(?=\S)")


def join_wrapped(text: str) -> str:
    """A text node whose source was wrapped mid-sentence (Word and CMS editors wrap their
    HTML at ~80 columns, also between two Chinese characters): a line break between two
    wide characters, or beside a zero-width space, is no space at all (CSS Text 3, segment
    break transformation). Only inside one text node: whitespace between two elements is
    the source's layout and stays a space (来源：…</span>\n<span>时间：…)."""
    if "\n" not in text and "\r" not in text:
        return text

    def space(m: re.Match) -> str:
        before, after = text[m.start() - 1], text[m.end()]
        if before == "\u200b" or after == "\u200b" or (_wide(before) and _wide(after)):
            return ""
        return m.group()

    return _BREAK_RUN.sub(space, text)


# --- the DOCTYPE's internal subset --------------------------------------------------------------

_DOCTYPE = re.compile(r"<!doctype[^\[>]*\[", re.I)
_SUBSET_TOKEN = re.compile(r"\"[^\"]*\"|'[^']*'|\]\s*>")
_ENTITY_DECL = re.compile(r"<!ENTITY\s+(?:%\s+)?([^\s\"'>%;]+)", re.I)
_ENTITY_REF = re.compile(r"&([A-Za-z_][\w.:-]*);")


def strip_internal_subset(markup: str) -> str:
    """The markup without a DOCTYPE's internal subset (`<!DOCTYPE x [ <!ENTITY …> ]>`), and
    without references to the entities it declared: they are never expanded (a billion-laughs
    file declares ten entities each ten times the one before) and never shown as source."""
    m = _DOCTYPE.search(markup, 0, 4096)
    if m is None:
        return markup
    end = None
    for token in _SUBSET_TOKEN.finditer(markup, m.end()):
        if token.group().startswith("]"):
            end = token.end()
            break
    if end is None:  # an unterminated subset: nothing after it is a page
        return markup[: m.start()]
    declared = set(_ENTITY_DECL.findall(markup, m.end(), end)) - {n.rstrip(";") for n in html.entities.html5}
    rest = markup[end:]
    if declared:
        rest = _ENTITY_REF.sub(lambda r: "" if r.group(1) in declared else r.group(), rest)
    return markup[: m.start()] + "<!DOCTYPE html>" + rest


# --- tables ---------------------------------------------------------------------------------


@dataclass
class _Cell:
    items: list[tuple[str, int]] = field(default_factory=list)  # (line, seq): its blocks, in order
    has_table: bool = False

    def text(self) -> str:
        return " ".join(t for t, _ in self.items)


@dataclass
class _Row:
    seq: int
    slots: dict[int, _Cell | None] = field(default_factory=dict)  # column → its cell, or None: covered by a span
    next_col: int = 0


@dataclass
class _Table:
    loose: list[tuple[str, int]] = field(default_factory=list)  # caption, and text outside cells
    rows: list[_Row] = field(default_factory=list)
    down: dict[int, int] = field(default_factory=dict)  # column → last row a rowspan above covers
    row: _Row | None = None
    cell: _Cell | None = None

    def start_row(self, seq: int) -> _Row:
        r = len(self.rows)
        self.down = {c: last for c, last in self.down.items() if last >= r}
        self.row = _Row(seq, {c: None for c in self.down})
        self.rows.append(self.row)
        return self.row

    def start_cell(self, seq: int, rowspan: int, colspan: int) -> _Cell:
        row = self.row or self.start_row(seq)
        c = row.next_col
        while c in row.slots:
            c += 1
        cell = _Cell()
        row.slots[c] = cell
        for k in range(1, colspan):
            row.slots.setdefault(c + k, None)
        if rowspan > 1:
            last = len(self.rows) - 1 + rowspan - 1
            for k in range(colspan):
                self.down[c + k] = max(self.down.get(c + k, -1), last)
        row.next_col = c + colspan
        self.cell = cell
        return cell

    def lines(self) -> list[tuple[str, int]]:
        cells = [cell for row in self.rows for cell in row.slots.values() if cell is not None]
        out = list(self.loose)
        if any(c.has_table or len(c.items) >= LAYOUT_CELL_BLOCKS or sum(len(t) for t, _ in c.items) >= LAYOUT_CELL_CHARS
               for c in cells):
            for row in self.rows:  # a layout table: its cells are page regions, read as blocks
                for col in sorted(row.slots):
                    if row.slots[col] is not None:
                        out.extend(row.slots[col].items)
            return out
        for row in self.rows:
            if not row.slots:
                continue
            last = max(c for c, cell in row.slots.items() if cell is not None) if any(row.slots.values()) else -1
            texts = ["" if row.slots.get(c) is None else row.slots[c].text() for c in range(last + 1)]
            if any(texts):
                out.append(("\t".join(texts), row.seq))
        return out


def _span(value: str | None, limit: int) -> int:
    try:
        n = int(str(value).strip().rstrip(";"))
    except (TypeError, ValueError):
        return 1
    return min(max(n, 1), limit)


# --- the renderer: a libxml2 parser target ------------------------------------------------------


class _Renderer:
    """Receives the parser's start/end/data events and writes lines. `pos` counts events, so
    every line and every container carries a position in document order, from which the
    container's lines are found afterwards (lines of a table are written when it ends)."""

    def __init__(self, limits: Limits):
        self.limits = limits
        self.lines: list[tuple[str, int]] = []
        self.sinks: list[list[tuple[str, int]]] = [self.lines]
        self.tables: list[_Table] = []
        self.stack: list[tuple[int, int, int]] = []  # (kind, start pos, chars at start)
        self.buf: list[str] = []
        self.buf_seq = 0
        self.title: list[str] = []
        self.containers: list[tuple[int, int]] = []  # (start pos, end pos) of containers with text
        self.pos = 0
        self.chars = 0
        self.nodes = 0
        self.wrappers = 0
        self.skip = 0  # > 0: inside an element that is not shown
        self.head = 0
        self.in_title = 0
        self.pre = 0

    # events

    def start(self, tag: str, attrib) -> None:
        self.pos += 1
        self.nodes += 1
        if self.nodes > self.limits.max_html_nodes:
            raise ReadError(too_large("HTML page", self.nodes, self.limits.max_html_nodes, "--max-html-nodes",
                                      unit="elements"))
        kind = _KINDS.get(tag, _INLINE)
        if kind == _WRAPPER:
            self.wrappers += 1
        elif len(self.stack) - self.wrappers >= self.limits.max_html_depth:
            raise ReadError(too_large("HTML nesting", len(self.stack) - self.wrappers + 1, self.limits.max_html_depth,
                                      "--max-html-depth", unit="levels"))
        if self.skip:
            self.skip += 1
            self.stack.append((_SKIP, 0, 0))
            return
        if kind == _TITLE and self.head:
            self.in_title += 1
            self.stack.append((_TITLE, 0, 0))
            return
        if kind == _HEAD:
            self.head += 1
            self.stack.append((_HEAD, 0, 0))
            return
        # lxml's attribute mapping is slow to query: only elements that have attributes are asked
        style = attrib.get("style") if attrib else None
        if kind == _SKIP or kind == _TITLE or (attrib and ("hidden" in attrib or (style and _hidden(style)))):
            self.skip = 1
            self.stack.append((_SKIP, 0, 0))
            return
        if style and (kind == _INLINE or kind == _BLOCK):
            kind = _displayed(style, kind)
        self.stack.append((kind, self.pos, self.chars))
        if kind == _INLINE:
            return
        if kind == _BR:
            if self.pre:
                self.buf.append("\n")
            else:
                self._flush()
            return
        self._flush()
        if kind == _PRE:
            self.pre += 1
        elif kind == _TABLE:
            if self.tables and self.tables[-1].cell is not None:
                self.tables[-1].cell.has_table = True
            table = _Table()
            self.tables.append(table)
            self.sinks.append(table.loose)
        elif kind == _ROW and self.tables:
            self.tables[-1].start_row(self.pos)
        elif kind == _CELL and self.tables:
            rowspan, colspan = (attrib.get("rowspan"), attrib.get("colspan")) if attrib else (None, None)
            cell = self.tables[-1].start_cell(self.pos, _span(rowspan, MAX_ROWSPAN), _span(colspan, MAX_COLSPAN))
            self.sinks.append(cell.items)

    def end(self, tag: str) -> None:
        self.pos += 1
        if not self.stack:
            return
        kind, start_pos, start_chars = self.stack.pop()
        if kind == _SKIP:
            self.skip = max(0, self.skip - 1)
            return
        if kind == _WRAPPER:
            self.wrappers -= 1
        if kind == _TITLE and self.in_title:
            self.in_title -= 1
            return
        if kind == _HEAD:
            self.head = max(0, self.head - 1)
            return
        if kind in (_INLINE, _BR):
            return
        self._flush()
        if kind == _PRE:
            self.pre = max(0, self.pre - 1)
        elif kind == _CELL and self.tables and self.tables[-1].cell is not None:
            self.tables[-1].cell = None
            self.sinks.pop()
        elif kind == _ROW and self.tables:
            table = self.tables[-1]
            if table.cell is not None:
                table.cell = None
                self.sinks.pop()
            table.row = None
        elif kind == _TABLE and self.tables:
            table = self.tables.pop()
            if table.cell is not None:
                self.sinks.pop()
            self.sinks.pop()
            self.sinks[-1].extend(table.lines())
        if kind in _CONTAINERS and self.chars - start_chars >= CANDIDATE_CHARS:
            self.containers.append((start_pos, self.pos))

    def data(self, text: str) -> None:
        if self.skip:
            return
        if self.head:
            if self.in_title:
                self.title.append(text)
            return
        if not self.buf:
            self.buf_seq = self.pos
        self.buf.append(text if self.pre else join_wrapped(text))
        self.chars += len(text)

    def comment(self, text: str) -> None:
        pass  # comments, conditional comments and bogus comments (<?xml …?>) are not shown

    def close(self) -> "_Renderer":
        self._flush()  # libxml2 ends every open element before it closes
        return self

    # lines

    def _flush(self) -> None:
        if not self.buf:
            return
        raw = "".join(self.buf)
        self.buf.clear()
        sink = self.sinks[-1]
        if self.pre:
            for line in raw.split("\n"):
                line = line.rstrip()
                if line.strip():
                    sink.append((line, self.buf_seq))
            return
        line = collapse(raw)
        if line:
            sink.append((line, self.buf_seq))


def _hidden(style: str) -> bool:
    style = style.lower()
    return ("none" in style or "hidden" in style or "collapse" in style) and bool(_HIDDEN_STYLE.search(style))


def _displayed(style: str, kind: int) -> int:
    """An inline element styled `display:block` breaks lines; a block styled `display:inline` does not."""
    if "display" not in style.lower():
        return kind
    m = _DISPLAY.search(style)
    if m is None:
        return kind
    value = m.group(1).lower()
    if value in _BLOCK_DISPLAYS:
        return _BLOCK
    if value in ("inline", "inline-block", "contents"):
        return _INLINE
    return kind


# --- the report inside the page -----------------------------------------------------------------

_HEADING = re.compile(r"^[一二三四五六七八九十]{1,3}\s*[、.．]\s*\S")
_PROSE = re.compile(r"[，。；]")
_TITLE_LINE = re.compile(r"(?:19|20)\d{2}\s*年.{0,40}(?:报告|年报)|年度报告")
TITLE_LOOKBACK = 12  # lines above a container where a CMS puts the article title and its 来源/时间 line


def _prose(line: str) -> int:
    return len(line) if len(line) >= 20 and "\t" not in line and _PROSE.search(line) else 0


def _heading(line: str) -> bool:
    return len(line) <= 40 and "\t" not in line and bool(_HEADING.match(line))


def _title(line: str) -> bool:
    return len(line) <= 80 and "\t" not in line and "。" not in line and bool(_TITLE_LINE.search(line))


def report_range(lines: list[str], seqs: list[int], containers: list[tuple[int, int]]) -> tuple[int, int] | None:
    """(first line, end line) of the report: the smallest container holding all of the page's
    numbered headings and 75% of its prose (90% when there are no headings), from the title
    line at or above its start; None when the page has too little prose to tell or the
    report is the whole page."""
    prose = [_prose(t) for t in lines]
    total = sum(prose)
    if total < 200 or not containers:
        return None
    headings = [_heading(t) for t in lines]
    prose_sum, heading_sum = [0], [0]
    for p, h in zip(prose, headings):
        prose_sum.append(prose_sum[-1] + p)
        heading_sum.append(heading_sum[-1] + h)
    need_headings = heading_sum[-1] if heading_sum[-1] >= 2 else 0
    # All the numbered headings are the strong sign; prose is the weaker one (a footer's
    # browser notice is a sentence too), so it asks for less where the headings say enough.
    share = 0.75 if need_headings else 0.9
    length_sum = [0]
    for t in lines:
        length_sum.append(length_sum[-1] + len(t))
    best = None
    for start_pos, end_pos in containers:
        a = bisect.bisect_left(seqs, start_pos)
        b = bisect.bisect_right(seqs, end_pos)
        if a >= b or prose_sum[b] - prose_sum[a] < share * total or heading_sum[b] - heading_sum[a] < need_headings:
            continue
        if best is None or length_sum[b] - length_sum[a] < length_sum[best[1]] - length_sum[best[0]]:
            best = (a, b)
    if best is None:
        return None
    a, b = best
    for i in range(a - 1, max(-1, a - 1 - TITLE_LOOKBACK), -1):
        if prose[i]:
            break
        if _title(lines[i]):
            a = i
            break
    if a == 0 and b == len(lines):
        return None
    return a, b


# --- entry points --------------------------------------------------------------------------------


@dataclass
class HtmlText:
    text: str
    title: str | None = None
    body: tuple[int, int] | None = None  # (start, end) of the report in `text`


def html_to_text(markup: str, limits: Limits = Limits()) -> HtmlText:
    """The text of a page as a browser shows it, its <title>, and where the report lies."""
    renderer = _Renderer(limits)
    parser = etree.HTMLParser(target=renderer, huge_tree=True, no_network=True)
    markup = strip_internal_subset(markup)
    for i in range(0, len(markup), FEED_CHUNK):
        parser.feed(markup[i:i + FEED_CHUNK])
    if markup:
        parser.close()
    else:
        renderer.close()
    lines = [t for t, _ in renderer.lines]
    seqs, top = [], 0
    for _, s in renderer.lines:  # positions in document order, as bisect needs them
        top = max(top, s)
        seqs.append(top)
    text = "\n".join(lines)
    title = collapse("".join(renderer.title)) or None
    found = report_range(lines, seqs, renderer.containers)
    body = None
    if found is not None:
        a, b = found
        start = sum(len(t) + 1 for t in lines[:a])
        end = start + sum(len(t) + 1 for t in lines[a:b]) - 1
        body = (start, end)
    return HtmlText(text=text, title=title, body=body)


def read(data: bytes, limits: Limits) -> RawText:
    markup, encoding = decode_bytes(data)
    page = html_to_text(markup, limits)
    meta: dict = {"encoding": encoding}
    if page.title:
        meta["html_title"] = page.title
    warnings = [] if page.text.strip() else ["the HTML page has no visible text"]
    return RawText(text=page.text, meta=meta, warnings=warnings, body=page.body)


def main(argv: list[str] | None = None) -> int:
    """`python -m gongkai.inference.read.html PAGE...`: what the reader reads from each page,
    the report body marked with »…« (--body), or only the reading speed (--time)."""
    import argparse
    import sys
    import time
    from pathlib import Path

    ap = argparse.ArgumentParser(prog="python -m gongkai.inference.read.html", description=main.__doc__)
    ap.add_argument("pages", nargs="+")
    ap.add_argument("--body", action="store_true", help="mark the report body with » and «")
    ap.add_argument("--time", action="store_true", help="print bytes per second (best of 5 runs) instead of the text")
    args = ap.parse_args(argv)
    total_bytes = total_seconds = 0.0
    for name in args.pages:
        data = Path(name).read_bytes()
        markup, _ = decode_bytes(data)
        if args.time:
            best = min(_timed(markup, time.perf_counter) for _ in range(5))
            total_bytes, total_seconds = total_bytes + len(data), total_seconds + best
            print(f"{name}\t{len(data):,} bytes\t{best * 1000:.1f} ms\t{len(data) / best / MB:.1f} MB/s")
            continue
        page = html_to_text(markup)
        text = page.text if not (args.body and page.body) else (
            page.text[: page.body[0]] + "»" + page.text[page.body[0]:page.body[1]] + "«" + page.text[page.body[1]:])
        sys.stdout.write(f"==> {name} (title: {page.title}; body: {page.body})\n{text}\n")
    if args.time and total_seconds:
        print(f"all\t{total_bytes:,.0f} bytes\t{total_seconds * 1000:.1f} ms\t{total_bytes / total_seconds / MB:.1f} MB/s")
    return 0


def _timed(markup: str, clock) -> float:
    start = clock()
    html_to_text(markup)
    return clock() - start


if __name__ == "__main__":
    raise SystemExit(main())
