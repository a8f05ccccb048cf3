"""End-to-end extraction speed with a model (default: the shipped one) on this machine.

    python benchmarks/model_speed.py [PATH ...] [--model DIR] [--backend auto|onnx-int8|onnx|torch]
                                     [--threads 2] [--mode hybrid|model] [--all-prose] [--agreement]

PATH: report files or folders (default: the seeds and ../shared/corpus/reports' text files).
Times `Pipeline.extract_path` (read included, model loaded before timing), prints characters
per second overall and by report size, seconds per 10,000 characters, and peak resident memory.
--all-prose runs the model on every prose paragraph (the issue's worst case: every AGENCY
candidate and every paragraph's section asked of the model). --agreement also prints the
share of span tags and sections of each ONNX backend that agree with the fp32 torch model on
the gold test split (int8 is accepted only at ≥ 99.5 %).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("paths", nargs="*", help="report files or folders")
    ap.add_argument("--model")
    ap.add_argument("--backend", default="auto")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--mode", default="hybrid", choices=("hybrid", "model"))
    ap.add_argument("--all-prose", action="store_true", help="hybrid with the model asked about every paragraph")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--corpus")
    ap.add_argument("--agreement", action="store_true")
    ap.add_argument("--rules-only", action="store_true", help="time the rules alone, for comparison in the same minutes")
    ap.add_argument("--startup", action="store_true",
                    help="only time `gongkai extract FILE` from a fresh process, with --rules-only and with the model")
    args = ap.parse_args()
    if args.startup:
        return startup(args.paths[0] if args.paths else str(REPO / "annotations" / "seeds" / "004_287036daf2d4517b.txt"),
                       args.model, args.repeat)
    from gongkai.inference import Pipeline
    from gongkai.inference.tag.model import find_model
    from gongkai.training.evaluation.measure import by_size, extraction_speed, speed_files

    path = None if args.rules_only else find_model(args.model)
    if path is None and not args.rules_only:
        raise SystemExit("no model: pass --model DIR")
    try:
        files = speed_files(args.paths, Path(args.corpus) if args.corpus else None)
    except FileNotFoundError as exc:
        raise SystemExit(f"model_speed: {exc}")
    extra = {"trust": 1.01} if args.all_prose else {}  # every paragraph's section asked of the model
    pipeline = (Pipeline.rules() if args.rules_only
                else Pipeline.default(model=path, mode=args.mode, backend=args.backend, **extra))
    s = extraction_speed(pipeline, files, repeat=args.repeat, threads=args.threads)
    what = "rules only" if args.rules_only else f"model {path} ({args.mode}{', all prose' if args.all_prose else ''})"
    print(f"{what}, backend {pipeline.model.backend if pipeline.model else '-'}, "
          f"{s['threads']} threads: {s['reports']} reports, {s['chars']:,} characters; torch imported: "
          f"{'torch' in sys.modules}")
    for b in by_size(s["files"]):
        print(f"  {b['size']:>16} chars: {b['reports']:>3} reports, {b['chars_per_s']:,.0f} chars/s")
    print(f"{s['chars_per_s']:,.0f} chars/s (median of {args.repeat}); {s['s_per_10k']:.2f} s per 10,000 characters; "
          f"peak memory {s['peak_mib']:,.0f} MiB")
    if args.agreement:
        from gongkai.training.data.annotations import load_gold
        from gongkai.training.evaluation.measure import tag_agreement

        golds = [g for g in load_gold(REPO / "annotations" / "gold" / "test.jsonl") if g.level != "record"]
        for name, a in tag_agreement(path, golds).items():
            print(f"agreement with fp32 ({name}): span tags {a['span_tags']:.4%} of {a['characters']:,} characters, "
                  f"sections {a['sections']:.4%} of {a['paragraphs']} paragraphs")


_STARTUP = """
import resource, sys, time
t = time.perf_counter()
from gongkai.inference.cli import main
code = main(sys.argv[1:])
peak = max(resource.getrusage(who).ru_maxrss for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
print(f"@@ {time.perf_counter() - t:.3f} {peak / 1024:.0f} {code}", file=sys.stderr)
"""


def startup(path: str, model: str | None, repeat: int) -> None:
    """Wall time of a whole `gongkai extract FILE` process (interpreter start included) and its
    peak memory (its worker processes included), with --rules-only and with the model; and
    whether building and running each pipeline in-process imports torch."""
    import subprocess
    import time

    for label, extra in (("--rules-only", ["--rules-only"]), ("with the model", ["--model", model] if model else [])):
        walls, rows = [], []
        for _ in range(repeat):
            t = time.perf_counter()
            done = subprocess.run([sys.executable, "-c", _STARTUP, "extract", path, "--no-text", *extra],
                                  capture_output=True, text=True)
            walls.append(time.perf_counter() - t)
            rows.append(next(line.split()[1:] for line in done.stderr.splitlines() if line.startswith("@@")))
        k = sorted(range(repeat), key=lambda i: walls[i])[repeat // 2]
        # the pipeline's own start-up, in one fresh process: what each batch worker pays
        probe = ("import sys, time; t = time.perf_counter(); from gongkai.inference import Pipeline; "
                 f"Pipeline.default(model={model!r}, rules_only={label == '--rules-only'}).extract_path({path!r}); "
                 "from gongkai.training.evaluation.measure import peak_mib; "
                 "print(f\"{time.perf_counter() - t:.2f} {peak_mib():.0f} "
                 "{'torch' in sys.modules}\")")
        inproc = [subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True).stdout.split()
                  for _ in range(repeat)]
        wall, peak, torch = sorted(inproc, key=lambda r: float(r[0]))[repeat // 2]
        print(f"gongkai extract {Path(path).name} {label}: {walls[k]:.2f} s wall (median of {repeat}, exit "
              f"{rows[k][2]}); in one process: import, build and extract {wall} s, peak memory {peak} MiB, "
              f"torch imported: {torch}")


if __name__ == "__main__":
    main()
