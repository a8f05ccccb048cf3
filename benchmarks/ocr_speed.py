"""OCR speed: pages per second on 2 cores, for each installed engine, with the spread over
repeats.

    python benchmarks/ocr_speed.py [--repeat 3] [--threads 2] [--dpi 150] [--engines rapidocr,tesseract]
                                   [--pages 16] [--accuracy] [--json OUT.json]

The pages are those of the three real PDFs in ../shared/corpus/reports, rasterised at
--dpi (the text layer is not used: this is the scanned report's cost), the process pinned to
--threads cores where the OS allows it. The first page of every engine is OCR'd once
before the timing (model loading is reported apart). Time per page is wall-clock and CPU
(user + system, with child processes: Tesseract is one); on a machine shared with other
jobs, compare the CPU column and the spread. --accuracy also reads each OCR'd report with
the rules pipeline and counts the gold metrics (annotations/gold/pdf_records.jsonl) found.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import time
from pathlib import Path

from gongkai.inference.read import ocr

REPO = Path(__file__).resolve().parents[1]

REPORTS = ("hongze_2023", "hongze_2024", "huaian_2024")
ALL_ENGINES = ("rapidocr", "rapidocr_onnxruntime", "tesseract")


def cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def pages(corpus: Path, dpi: int, limit: int | None) -> list[tuple[str, int, object]]:
    out = []
    for name in REPORTS:
        data = (corpus / "reports" / f"{name}.pdf").read_bytes()
        out += [(name, n, img.convert("RGB")) for n, img in ocr.render_pdf_pages(data, dpi=dpi)]
    return out[:limit] if limit else out


def accuracy(texts: dict[str, list[str]]) -> tuple[int, int, list[str]]:
    from gongkai.inference import Pipeline

    gold = {r["id"]: r for r in map(json.loads, (REPO / "annotations" / "gold" / "pdf_records.jsonl")
                                      .read_text(encoding="utf-8").splitlines()) if r.get("id")}
    pipeline = Pipeline.rules()
    hit = total = 0
    misses = []
    for name, parts in texts.items():
        if name not in gold:
            continue
        got = {k: m.value for k, m in pipeline.extract_text("\n".join(parts)).metrics.items()}
        for key, value in gold[name]["record"]["metrics"].items():
            total += 1
            if got.get(key) == value:
                hit += 1
            else:
                misses.append(f"{name} {key}: gold {value!r}, OCR {got.get(key)!r}")
    return hit, total, misses


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--dpi", type=int, default=ocr.DEFAULT_DPI)
    ap.add_argument("--engines", default=",".join(ALL_ENGINES), help="those not installed are skipped")
    ap.add_argument("--pages", type=int, default=None, help="only the first N pages (all 16 by default)")
    ap.add_argument("--accuracy", action="store_true", help="also count gold metrics found (needs all pages)")
    ap.add_argument("--corpus", default=str(REPO.parent / "shared" / "corpus"))
    ap.add_argument("--json", default=None)
    args = ap.parse_args()
    if hasattr(os, "sched_setaffinity"):
        cores = sorted(os.sched_getaffinity(0))
        os.sched_setaffinity(0, set(cores[: args.threads]))
    todo = pages(Path(args.corpus), args.dpi, args.pages)
    results = []
    print(f"{len(todo)} pages at {args.dpi} dpi, {args.threads} threads, {args.repeat} repeats; "
          f"load average {os.getloadavg()[0]:.1f} at the start")
    for name in args.engines.split(","):
        if not ocr.available(name):
            print(f"{name}: not installed, skipped ({ocr.missing_message(name)})")
            continue
        t0 = time.perf_counter()
        engine = ocr.get_engine(name, threads=args.threads)
        engine.boxes(todo[0][2])
        load = time.perf_counter() - t0
        rates, cpus, texts = [], [], {}
        for rep in range(args.repeat):
            c0, w0 = cpu_seconds(), time.perf_counter()
            for report, n, image in todo:
                text = ocr.ocr_pil(image, page=n, engine=name, threads=args.threads).text
                if rep == 0:
                    texts.setdefault(report, []).append(text)
            wall, cpu = time.perf_counter() - w0, cpu_seconds() - c0
            rates.append(len(todo) / wall)
            cpus.append(cpu / len(todo))
            print(f"  {name} repeat {rep + 1}: {rates[-1]:.3f} pages/s, {wall / len(todo):.2f} s/page wall, "
                  f"{cpus[-1]:.2f} s/page CPU, load {os.getloadavg()[0]:.1f}", flush=True)
        row = {"engine": name, "load_s": round(load, 2), "pages": len(todo),
               "pages_per_s_median": round(statistics.median(rates), 3),
               "pages_per_s_min": round(min(rates), 3), "pages_per_s_max": round(max(rates), 3),
               "cpu_s_per_page_median": round(statistics.median(cpus), 2)}
        if args.accuracy and not args.pages:
            hit, total, misses = accuracy(texts)
            row.update(metrics_found=hit, metrics_gold=total, misses=misses)
        results.append(row)
    print()
    print(f"| engine | pages/s (median of {args.repeat}) | spread | CPU s/page | model load s |"
          + (" gold metrics |" if args.accuracy else ""))
    print("|---|---|---|---|---|" + ("---|" if args.accuracy else ""))
    for r in results:
        acc = f" {r['metrics_found']}/{r['metrics_gold']} |" if "metrics_found" in r else ""
        print(f"| {r['engine']} | {r['pages_per_s_median']} | {r['pages_per_s_min']}–{r['pages_per_s_max']} | "
              f"{r['cpu_s_per_page_median']} | {r['load_s']} |{acc}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
