"""Metric accuracy per shape: every annotated report rendered in every shape real reports
come in (training/data/shapes.py), each run through the whole rules pipeline, reader
included, and scored against its gold.

    python benchmarks/shapes.py                       # the table, and the misses per shape
    python benchmarks/shapes.py --json shapes.json    # everything, every miss included
    python benchmarks/shapes.py --shapes pdf,docx --reports pingtan_2021
    python benchmarks/shapes.py --write DIR [--report pingtan_2023]   # one file per shape, then: gongkai extract DIR

A gold key counts as right when extracted with the gold value; a key the shape leaves
undecidable by the table's own arithmetic ("unsure") also counts as right when left out.
"wrong" is a figure emitted with another value; "wrong beyond gold" a figure the rendered
tables state (from the original page's cells) that the gold does not carry, emitted wrong.
The row "original" is each annotated file as it is, for reference.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from dataclasses import asdict
from pathlib import Path

from gongkai.inference import Pipeline
from gongkai.training.data.annotations import document_bytes, load_gold
from gongkai.training.data.shapes import (GOLD_FILES, SHAPES, Rendered, ShapeRow, extract_and_score, grid_metrics,
                                          load_reports, pdf_unavailable, per_shape, render, render_all, shape_variants)

PLACES = {"table2": "table 2", "table3": "table 3", "table4": "table 4", "stats": "statistics table"}


def places(reports) -> dict[tuple[str, str], str]:
    """(report, key) → where the rendered documents state that figure: a table, or the prose."""
    return {(r.id, key): PLACES[g.kind] for r in reports for g in r.grids for key in grid_metrics(g)}


def originals(ids: set[str] | None) -> list[Rendered]:
    """Each annotated file as it is: the reference row."""
    out = []
    for doc in load_gold(list(GOLD_FILES)):
        metrics = (doc.record or {}).get("metrics")
        if not metrics or (ids and doc.id not in ids):
            continue
        data, name = document_bytes(doc)
        out.append(Rendered(doc.id, "original", "", name, data, doc.record.get("agency"), doc.record.get("year"),
                            doc.record.get("format"), dict(metrics)))
    return out


def print_table(rows: list[ShapeRow], title: str) -> None:
    print(f"\n{title}")
    print(f"{'shape':<30} {'docs':>5} {'keys':>5} {'unsure':>6} {'right':>6} {'accuracy':>9} {'missing':>8} {'wrong':>6} "
          f"{'wrong+':>7}")
    for r in rows:
        acc = f"{r.accuracy:.3f}" if r.accuracy is not None else "-"
        print(f"{r.shape:<30} {r.documents:>5} {r.keys:>5} {r.unsure:>6} {r.right:>6} {acc:>9} {r.missing:>8} {r.wrong:>6} "
              f"{r.wrong_beyond_gold:>7}")
    print("(unsure: gold keys the shape leaves undecidable, right when left out; wrong+: wrong beyond the gold)")


def write_folder(folder: Path, report_id: str, seed: int) -> None:
    """One file per shape (and variant) of one report, and what each must give."""
    reports = load_reports(seed=seed, ids=[report_id])
    if not reports:
        sys.exit(f"no annotated report {report_id!r} with figures (see annotations/gold)")
    chosen = [s for s in SHAPES if s != "pdf" or pdf_unavailable() is None]
    folder.mkdir(parents=True, exist_ok=True)
    expected = {}
    for shape, variant in shape_variants(chosen):
        doc = render(reports[0], shape, variant, seed)
        (folder / doc.name).write_bytes(doc.data)
        expected[doc.name] = {"shape": doc.label, "agency": doc.agency, "year": doc.year, "format": doc.format,
                              "metrics": doc.metrics, "unsure": sorted(doc.unsure)}
    (folder / "expected.json").write_text(json.dumps(expected, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"wrote {len(expected)} files of {report_id} to {folder} (what each must give: expected.json)")
    if pdf_unavailable():
        print(f"pdf shape skipped: {pdf_unavailable()}")
    print(f"now: gongkai extract {folder} --rules-only -o records.jsonl")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shapes", help="comma-separated shapes (default: all)")
    ap.add_argument("--reports", help="comma-separated report ids (default: every annotated report with figures)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json", help="write the table and every miss here")
    ap.add_argument("--max-misses", type=int, default=15, help="misses printed per shape (all go to --json)")
    ap.add_argument("--no-original", action="store_true", help="skip the reference row of the files as they are")
    ap.add_argument("--write", metavar="DIR", help="write one file per shape of --report to DIR and stop")
    ap.add_argument("--report", default="pingtan_2023", help="the report --write renders")
    args = ap.parse_args(argv)
    if args.write:
        write_folder(Path(args.write), args.report, args.seed)
        return 0
    shapes = args.shapes.split(",") if args.shapes else list(SHAPES)
    unknown = set(shapes) - set(SHAPES)
    if unknown:
        sys.exit(f"unknown shape(s) {sorted(unknown)}; the shapes are {', '.join(SHAPES)}")
    if "pdf" in shapes and pdf_unavailable():
        print(f"pdf shape skipped: {pdf_unavailable()}", file=sys.stderr)
    ids = set(args.reports.split(",")) if args.reports else None
    t0 = time.perf_counter()
    reports = load_reports(seed=args.seed, ids=ids)
    tr = time.perf_counter()
    rendered = render_all(reports, shapes, args.seed)
    t1 = time.perf_counter()
    pipeline = Pipeline.rules()
    scores = extract_and_score(rendered, pipeline)
    t2 = time.perf_counter()
    reference = [] if args.no_original else extract_and_score(originals(ids), pipeline)
    rows, variants = per_shape(scores), per_shape(scores, by_variant=True)
    print(f"{len(reports)} reports × {len(shape_variants(shapes))} shape variants = {len(rendered)} documents; "
          f"reports read in {tr - t0:.1f} s, rendered in {t1 - tr:.1f} s, extracted in {t2 - t1:.1f} s "
          "(rough: a shared machine)")
    for r in reports:
        for note in r.notes:
            if "figures equal to the gold" not in note:
                print(f"  note {r.id}: {note}")
    print_table(per_shape(reference) + rows, "metric accuracy per shape (share of gold keys right)")
    print_table(variants, "per variant")
    misses = [m for s in scores for m in s.misses]
    where = places(reports)
    print("\nmisses by where the rendered document states the figure (shape: place kind count)")
    for shape in [r.shape for r in rows]:
        counts = Counter((where.get((m.report, m.key), "prose"), m.kind) for m in misses if m.shape.split("/")[0] == shape)
        if counts:
            print(f"  {shape}: " + "; ".join(f"{g} {k} {n}" for (g, k), n in counts.most_common()))
    print("\nmisses (report, shape, key, gold, got)")
    for shape in [r.shape for r in rows]:
        mine = [m for m in misses if m.shape.split("/")[0] == shape]
        for m in mine[:args.max_misses]:
            print(f"  {m.report:<22} {m.shape:<28} {m.key:<40} gold {m.gold!s:<10} got {m.got!s:<12} {m.kind}")
        if len(mine) > args.max_misses:
            print(f"  … {len(mine) - args.max_misses} more misses in {shape} (--json for all)")
    if args.json:
        out = {"reports": [r.id for r in reports], "notes": {r.id: list(r.notes) for r in reports},
               "shapes": [asdict(r) | {"accuracy": r.accuracy} for r in per_shape(reference) + rows],
               "variants": [asdict(r) | {"accuracy": r.accuracy} for r in variants],
               "misses": [asdict(m) | {"place": where.get((m.report, m.key), "prose")}
                          for s in reference + scores for m in s.misses],
               "unsure": {f"{s.rendered.report} {s.rendered.label}": sorted(s.rendered.unsure)
                          for s in scores if s.rendered.unsure}}
        Path(args.json).write_text(json.dumps(out, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
        print(f"\nwrote {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
