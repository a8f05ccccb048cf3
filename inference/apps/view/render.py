"""One record → one self-contained HTML page: the text on section bands with entities
marked, the metrics with links to their evidence, checks, warnings and tables.

Records are data from outside (a JSONL file may be edited by hand or cut short), so every
offset is checked and clipped here: a bad span is left out and counted, never a crash.
The page is built as a list of small strings joined once, linear in the text length.
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from typing import Any

from .assets import REPORT_CSS, REPORT_JS
from .markup import as_int, entity_css, esc, fmt, label_token, page, section_css, section_token


@dataclass(frozen=True)
class Block:
    """A paragraph of the record, or a stretch of text between paragraphs (para None)."""
    start: int
    end: int
    para: dict | None


@dataclass(frozen=True)
class Piece:
    """An entity, or the part of one that falls in one block (first: it carries the label)."""
    start: int
    end: int
    entity: dict
    first: bool
    entity_end: int  # where the whole (clipped) entity ends, for data-end


@dataclass(frozen=True)
class Evidence:
    """Where the evidence link of one or more metrics lands: snapped out to whole entities
    so it nests with them, merged with overlapping evidence of other metrics."""
    start: int
    end: int
    keys: tuple[str, ...]
    id: str


def _span(item: Any, n: int) -> tuple[int, int] | None:
    """(start, end) of an item clipped to the text, or None when unusable."""
    if not isinstance(item, dict):
        return None
    start, end = as_int(item.get("start")), as_int(item.get("end"))
    if start is None or end is None:
        return None
    start, end = max(start, 0), min(end, n)
    return (start, end) if start < end else None


def blocks_of(paragraphs: Any, n: int) -> tuple[list[Block], int]:
    """Blocks covering the whole text in order, and how many paragraphs were unusable
    (no offsets, or inside an earlier paragraph)."""
    spans = [(s, p) for p in (paragraphs if isinstance(paragraphs, list) else []) if (s := _span(p, n))]
    spans.sort(key=lambda sp: sp[0])
    blocks: list[Block] = []
    pos = 0
    dropped = (len(paragraphs) if isinstance(paragraphs, list) else 0) - len(spans)
    for (start, end), para in spans:
        start = max(start, pos)
        if start >= end:
            dropped += 1
            continue
        if start > pos:
            blocks.append(Block(pos, start, None))
        blocks.append(Block(start, end, para))
        pos = end
    if pos < n:
        blocks.append(Block(pos, n, None))
    return blocks, dropped


def pieces_of(entities: Any, blocks: list[Block], n: int) -> tuple[list[list[Piece]], int]:
    """Entities cut at block boundaries, per block, and how many entities were unusable.
    Entities should be sorted and disjoint; one that overlaps an earlier one is clipped
    to what is left of it, so marks never nest."""
    per_block: list[list[Piece]] = [[] for _ in blocks]
    listed = entities if isinstance(entities, list) else []
    spans = sorted(((s, e) for e in listed if (s := _span(e, n))), key=lambda se: se[0])
    dropped = len(listed) - len(spans)
    starts = [b.start for b in blocks]
    pos = 0
    for (start, end), entity in spans:
        start = max(start, pos)
        if start >= end:
            dropped += 1
            continue
        pos = end
        index, first = bisect_right(starts, start) - 1, True
        while start < end:  # more than one round only for an entity that crosses a paragraph
            cut = min(end, blocks[index].end)
            per_block[index].append(Piece(start, cut, entity, first, end))
            start, index, first = cut, index + 1, False
    return per_block, dropped


def _snap(start: int, end: int, pieces: list[Piece], piece_starts: list[int]) -> tuple[int, int]:
    """Widen [start, end) so that no piece is cut by it."""
    i = bisect_right(piece_starts, start) - 1
    if i >= 0 and pieces[i].start < start < pieces[i].end:
        start = pieces[i].start
    j = bisect_right(piece_starts, end - 1) - 1
    if j >= 0 and pieces[j].start < end < pieces[j].end:
        end = pieces[j].end
    return start, end


def evidence_of(metrics: Any, blocks: list[Block], pieces: list[list[Piece]], text: str
                ) -> tuple[list[list[Evidence]], dict[str, list[str]]]:
    """Evidence marks per block (disjoint, sorted, with ids in document order) and, per
    metric key, the ids of the marks that hold its evidence. Blank stretches (the line
    breaks between the rows of a table figure's evidence) get no mark."""
    raw: list[list[tuple[int, int, str]]] = [[] for _ in blocks]
    starts = [b.start for b in blocks]
    for key, metric in (metrics.items() if isinstance(metrics, dict) else ()):
        span = _span(metric, len(text))
        if not span:
            continue
        start, end = span
        index = bisect_right(starts, start) - 1
        while start < end:  # evidence of a table figure may run over several rows
            cut = min(end, blocks[index].end)
            if text[start:cut].strip():
                raw[index].append((start, cut, str(key)))
            start, index = cut, index + 1
    marks: list[list[Evidence]] = []
    targets: dict[str, list[str]] = {}
    counter = 0
    for block_raw, block_pieces in zip(raw, pieces):
        piece_starts = [p.start for p in block_pieces]
        snapped = sorted((*_snap(s, e, block_pieces, piece_starts), k) for s, e, k in block_raw)
        merged: list[list[Any]] = []
        for start, end, key in snapped:
            if merged and start < merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
                merged[-1][2].append(key)
            else:
                merged.append([start, end, [key]])
        block_marks = []
        for start, end, keys in merged:
            mark = Evidence(start, end, tuple(dict.fromkeys(keys)), f"ev-{counter}")
            counter += 1
            block_marks.append(mark)
            for key in mark.keys:
                targets.setdefault(key, []).append(mark.id)
        marks.append(block_marks)
    return marks, targets


def _entity_title(entity: dict) -> str:
    parts = [str(entity.get("label", ""))]
    if entity.get("value") is not None:
        parts.append(f"value {fmt(entity['value'])}")
    if entity.get("unit"):
        parts.append(f"unit {entity['unit']}")
    if entity.get("approx"):
        parts.append("approx")
    if entity.get("normalized") and entity.get("normalized") != entity.get("text"):
        parts.append(f"normalized {entity['normalized']}")
    source = " ".join(str(entity[k]) for k in ("source", "confidence") if entity.get(k) is not None)
    if source:
        parts.append(source)
    return " · ".join(parts)


def _mark(text: str, piece: Piece) -> str:
    entity, token = piece.entity, label_token(piece.entity.get("label"))
    inner = esc(text[piece.start:piece.end])
    if not piece.first:  # the tail of a broken entity: coloured, but not counted as an entity
        return f'<mark class="e l-{token} cont">{inner}</mark>'
    return (f'<mark class="e l-{token}" data-label="{esc(entity.get("label"))}" '
            f'data-start="{piece.start}" data-end="{piece.entity_end}" '
            f'title="{esc(_entity_title(entity))}">{inner}</mark>')


def _inline(text: str, start: int, end: int, pieces: list[Piece], i: int, out: list[str]) -> int:
    """Plain text and entity marks of [start, end); returns the index of the next piece."""
    pos = start
    while i < len(pieces) and pieces[i].start < end:
        piece = pieces[i]
        if piece.start > pos:
            out.append(esc(text[pos:piece.start]))
        out.append(_mark(text, piece))
        pos, i = piece.end, i + 1
    if end > pos:
        out.append(esc(text[pos:end]))
    return i


def _block_html(text: str, block: Block, pieces: list[Piece], marks: list[Evidence], previous: str | None,
                out: list[str]) -> str | None:
    """One band; returns its section so the next band knows whether it continues it."""
    para = block.para
    if para is None:
        if not pieces and not marks and not text[block.start:block.end].strip():
            return previous  # the newline between two paragraphs
        classes, attrs = "p gap", ' data-section="(no paragraph)" title="text outside every paragraph"'
        section = None
    else:
        section = str(para.get("section"))
        token = section_token(section)
        classes = f"p s-{token}" + (" cont" if section == previous else "")
        if para.get("heading") in ("top", "sub"):
            classes += f" h-{para['heading']}"
        how = " · ".join(f"{k} {fmt(para[k])}" for k in ("source", "confidence") if para.get(k) is not None)
        title = f"{section} · paragraph {fmt(para.get('index'))}" + (f" · {how}" if how else "")
        attrs = f' data-section="{esc(section)}" title="{esc(title)}"'
    out.append(f'<div class="{classes}"{attrs} data-start="{block.start}" data-end="{block.end}">')
    i, pos = 0, block.start
    for mark in marks:
        i = _inline(text, pos, mark.start, pieces, i, out)
        out.append(f'<span class="ev" id="{mark.id}" data-metrics="{esc(" ".join(mark.keys))}">')
        i = _inline(text, mark.start, mark.end, pieces, i, out)
        out.append("</span>")
        pos = mark.end
    _inline(text, pos, block.end, pieces, i, out)
    out.append("</div>")
    return section


def _meta(record: dict) -> str:
    region = record.get("region") if isinstance(record.get("region"), dict) else {}
    fields = [("source", record.get("source")), ("agency", record.get("agency")), ("year", record.get("year")),
              ("format", record.get("format")), ("script", record.get("script")),
              ("published", record.get("published")), ("level", record.get("level")),
              ("region", "/".join(str(region[k]) for k in ("province", "city", "county") if region.get(k)))]
    items = "".join(f"<div><dt>{k}</dt><dd>{esc(fmt(v))}</dd></div>" for k, v in fields if v not in (None, ""))
    return f'<dl class="meta">{items}</dl>'


def _alerts(record: dict, notes: list[str]) -> list[str]:
    out = ['<section class="alerts">']
    if record.get("error"):
        out.append(f'<div class="alert bad" id="error"><h2>Error</h2>{esc(record["error"])}</div>')
    failed = [c for c in record.get("checks") or [] if isinstance(c, dict) and c.get("ok") is False]
    if failed:
        items = "".join(f'<li><span class="name">{esc(c.get("name"))}</span>: {esc(c.get("detail"))}</li>'
                        for c in failed)
        out.append(f'<div class="alert bad" id="failed-checks"><h2>{len(failed)} failed check'
                   f'{"s" if len(failed) != 1 else ""}</h2><ul>{items}</ul></div>')
    warnings = [w for w in record.get("warnings") or [] if w is not None]
    if warnings:
        items = "".join(f"<li>{esc(w)}</li>" for w in warnings)
        out.append(f'<div class="alert warn" id="warnings"><h2>{len(warnings)} warning'
                   f'{"s" if len(warnings) != 1 else ""}</h2><ul>{items}</ul></div>')
    if notes:
        out.append('<div class="alert note"><ul>' + "".join(f"<li>{esc(n)}</li>" for n in notes) + "</ul></div>")
    out.append("</section>")
    return out


def _metrics_panel(metrics: Any, targets: dict[str, list[str]], have_text: bool) -> list[str]:
    if not isinstance(metrics, dict) or not metrics:
        return ["<h2>Metrics</h2><p class=\"muted\">none stated</p>"]
    out = [f'<h2>Metrics ({len(metrics)})</h2><table class="grid metrics"><thead><tr><th>key</th>'
           '<th class="num">value</th><th>from</th><th>evidence</th></tr></thead><tbody>']
    for key, metric in metrics.items():
        metric = metric if isinstance(metric, dict) else {"value": metric}
        ids = targets.get(str(key))
        if ids:
            link = (f'<a href="#{ids[0]}" data-targets="{" ".join(ids)}" data-metric="{esc(key)}" '
                    f'title="{esc(metric.get("evidence"))}">show</a>')
        else:
            link = f'<span class="muted" title="{esc(metric.get("evidence"))}">{"no offsets" if have_text else "—"}</span>'
        out.append(f'<tr data-metric="{esc(key)}"><td class="key">{esc(key)}</td>'
                   f'<td class="num">{esc(fmt(metric.get("value")))}</td><td>{esc(metric.get("from"))}</td>'
                   f"<td>{link}</td></tr>")
    out.append("</tbody></table>")
    if not have_text:  # the evidence sentence is all there is to check a figure against
        out.append('<table class="grid"><thead><tr><th>key</th><th>evidence</th></tr></thead><tbody>')
        out.extend(f'<tr><td class="key">{esc(k)}</td><td>{esc(m.get("evidence"))}</td></tr>'
                   for k, m in metrics.items() if isinstance(m, dict) and m.get("evidence"))
        out.append("</tbody></table>")
    return out


def _checks_panel(checks: Any) -> list[str]:
    checks = [c for c in checks or [] if isinstance(c, dict)]
    if not checks:
        return []
    out = [f'<h2>Checks ({len(checks)})</h2><table class="grid checks"><tbody>']
    for c in checks:
        state = ('<td class="ok">ok</td>' if c.get("ok") is True else
                 '<td class="failed">failed</td>' if c.get("ok") is False else "<td>?</td>")
        out.append(f'<tr>{state}<td class="key name">{esc(c.get("name"))}</td><td>{esc(c.get("detail"))}</td></tr>')
    out.append("</tbody></table>")
    return out


# Table 3's per-applicant columns, headed as on the official form (the key is the title).
COLUMN_NAMES = {"natural_person": "自然人", "commercial": "商业企业", "research": "科研机构",
                "public_interest": "社会公益组织", "legal_services": "法律服务机构", "other": "其他", "total": "总计"}


def _tables_panel(tables: Any) -> list[str]:
    """The record's tables as parsed: rows of figures, with the per-applicant columns of
    table 3 as headers (a row shorter than the header is shown padded, not dropped)."""
    if not isinstance(tables, dict):
        return []
    out: list[str] = []
    for name, table in tables.items():
        if not isinstance(table, dict) or not isinstance(table.get("rows"), dict):
            continue
        rows = table["rows"]
        columns = [str(c) for c in table.get("columns") or []]
        width = max([len(columns)] + [len(v) for v in rows.values() if isinstance(v, list)])
        columns += [str(i + 1) for i in range(len(columns), width)]
        layout = f' <span class="muted">layout {esc(table["layout"])}</span>' if table.get("layout") else ""
        out.append(f'<h2>{esc(name)}{layout}</h2><div class="scroll"><table class="grid table" data-table="{esc(name)}">'
                   '<thead><tr><th>row</th>')
        out.extend(f'<th class="num" title="{esc(c)}">{esc(COLUMN_NAMES.get(c, c))}</th>' for c in columns)
        out.append("</tr></thead><tbody>")
        for key, values in rows.items():
            values = values if isinstance(values, list) else [values]
            cells = "".join(f'<td class="num">{esc(fmt(v))}</td>' for v in values)
            pad = '<td class="num"></td>' * (width - len(values))
            out.append(f'<tr><td class="key">{esc(key)}</td>{cells}{pad}</tr>')
        out.append("</tbody></table></div>")
    return out


def _legend(pieces: list[list[Piece]], blocks: list[Block]) -> tuple[list[str], list[str], list[str]]:
    """Legend markup, and the label and section tokens that need colour rules."""
    counts: dict[str, int] = {}
    for block_pieces in pieces:
        for p in block_pieces:
            if p.first:
                token = label_token(p.entity.get("label"))
                counts[token] = counts.get(token, 0) + 1
    sections = list(dict.fromkeys(str(b.para.get("section")) for b in blocks if b.para is not None))
    out = ['<div class="legend">']
    out.extend(f'<button type="button" class="lg l-{t}" data-toggle="{t}" aria-pressed="true" '
               f'title="show or hide {t}">{t} {n}</button>' for t, n in counts.items())
    out.extend(f'<span class="sw s-{section_token(s)}"><i></i>{esc(s)}</span>' for s in sections)
    out.append("</div>")
    return out, list(counts), [section_token(s) for s in sections]


def render_report(record: dict, *, back: str | None = None) -> str:
    """The page for one record. `back` is a link to the overview the page belongs to."""
    if not isinstance(record, dict):
        record = {"error": f"not a record: {type(record).__name__}"}
    text = record.get("text")
    have_text = isinstance(text, str)
    text = text if have_text else ""
    n = len(text)
    blocks, bad_paragraphs = blocks_of(record.get("paragraphs"), n)
    pieces, bad_entities = pieces_of(record.get("entities"), blocks, n)
    marks, targets = evidence_of(record.get("metrics"), blocks, pieces, text)
    notes = []
    if bad_paragraphs and have_text:
        notes.append(f"{bad_paragraphs} paragraphs have offsets outside the text or inside another paragraph; "
                     "their text is shown with its neighbours")
    if bad_entities and have_text:
        notes.append(f"{bad_entities} entities have offsets outside the text or overlap another entity; not marked")
    crossing = sum(1 for bp in pieces for p in bp if not p.first)
    if crossing:
        notes.append(f"{crossing} entity parts run past the end of their paragraph (broken input)")

    title = record.get("title") or " ".join(str(x) for x in (record.get("agency"), record.get("year")) if x) \
        or str(record.get("source") or "report")
    body = ['<header class="top">']
    if back:
        body.append(f'<nav><a href="{esc(back)}">← all reports</a></nav>')
    body += [f"<h1>{esc(title)}</h1>", _meta(record), "</header>"]
    body += _alerts(record, notes)
    body.append('<div class="layout"><main class="doc">')
    legend, label_tokens, section_tokens = _legend(pieces, blocks)
    if have_text and n:
        body += legend
        body.append('<div class="text" lang="zh">')
        previous = None
        for block, block_pieces, block_marks in zip(blocks, pieces, marks):
            previous = _block_html(text, block, block_pieces, block_marks, previous, body)
        body.append("</div>")
    elif have_text:
        body.append('<p class="nokept">The text is empty.</p>')
    else:
        body.append('<p class="nokept" id="no-text">The text was not kept in this record (written with '
                    "<code>--no-text</code>): only the figures, checks and warnings can be shown. "
                    "Run <code>gongkai view</code> on the report file to see the text.</p>")
    body.append('</main><aside class="panel">')
    body += _metrics_panel(record.get("metrics"), targets, have_text)
    body += _checks_panel(record.get("checks"))
    body += _tables_panel(record.get("tables"))
    body.append("</aside></div>")
    css = REPORT_CSS + entity_css(label_tokens) + section_css(section_tokens)
    return page(f"{title} · gongkai", body, css, REPORT_JS, "report")
