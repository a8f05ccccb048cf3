"""Command line: `gongkai extract`, `gongkai evaluate`, `gongkai annotations …`.

Every input yields one record; a bad input is a record with `error` and a one-line
message on stderr. The exit status is non-zero only when every input failed.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Iterator

from .model_tagger import ModelError
from .pipeline import Pipeline
from .read import DEFAULT_MAX_BYTES, REPORT_SUFFIXES


def iter_inputs(paths: list[str]) -> Iterator[str]:
    """Files as given; folders recursively (report files only, sorted); quoted globs
    ('reports/**/*.html'); @LIST for a file listing one path a line; '-' is stdin."""
    import glob

    for raw in paths:
        if raw.startswith("@") and Path(raw[1:]).is_file():
            listed = [line.strip() for line in Path(raw[1:]).read_text(encoding="utf-8").splitlines()]
            yield from iter_inputs([line for line in listed if line and not line.startswith("#")])
            continue
        p = Path(raw)
        if raw != "-" and not p.exists() and glob.has_magic(raw):
            matches = sorted(glob.glob(raw, recursive=True))
            if not matches:
                print(f"gongkai: {raw}: no file matches", file=sys.stderr)
            yield from iter_inputs(matches) if matches else ()
            continue
        if raw == "-" or not p.is_dir():
            yield raw
            continue
        try:
            found = sorted(f for f in p.rglob("*") if f.suffix.lower() in REPORT_SUFFIXES and not f.is_dir())
        except OSError as exc:
            print(f"gongkai: {raw}: cannot list folder ({exc.strerror})", file=sys.stderr)
            yield raw
            continue
        if not found:
            print(f"gongkai: {raw}: no report files (.txt .md .html .pdf .docx) in this folder", file=sys.stderr)
        yield from (str(f) for f in found)


def build_pipeline(args: argparse.Namespace) -> Pipeline:
    return Pipeline.default(model=getattr(args, "model", None), rules_only=getattr(args, "rules_only", False),
                            mode=getattr(args, "mode", "hybrid"), max_bytes=args.max_bytes)


def cmd_extract(args: argparse.Namespace) -> int:
    from functools import partial

    from .batch import done_keys, run_batch
    from .compare import continuity_checks

    inputs = list(iter_inputs(args.paths))
    if not inputs:
        print("gongkai: no input", file=sys.stderr)
        return 2
    build_pipeline(args)  # a bad --model is reported once, here, not by every worker
    skip = done_keys(args.output) if args.resume and args.output else None
    out = open(args.output, "a" if skip is not None else "w", encoding="utf-8") if args.output else sys.stdout
    try:
        summary, figures = run_batch(inputs, out, partial(build_pipeline, args), jobs=args.jobs,
                                     options={"pretty": args.pretty, "no_text": args.no_text}, skip=skip,
                                     progress=args.progress)
    finally:
        if args.output:
            out.close()
    pairs = continuity_checks([_as_record_dict(f) for f in figures])
    failed = [(a, b, c) for a, b, c in pairs if not c.ok]
    if pairs:
        print(f"gongkai: year-to-year checks: {len(pairs)} pairs of consecutive years, {len(failed)} failed", file=sys.stderr)
    for a, b, check in failed[:20]:
        print(f"gongkai:   FAILED {check.name}: {check.detail} ({a.source} → {b.source})", file=sys.stderr)
    if len(pairs) == 1 and not failed:
        a, b, check = pairs[0]
        print(f"gongkai:   ok {check.name}: {check.detail} ({a.source} → {b.source})", file=sys.stderr)
    if len(inputs) > 1 or args.resume:
        print(summary.text(), file=sys.stderr)
    return 1 if summary.done and len(summary.errors) == summary.done else 0


def _as_record_dict(f) -> dict:
    return {"source": f.source, "agency": f.agency, "year": f.year, "metrics": {k: {"value": v} for k, v in f.metrics.items()}}


def cmd_compare(args: argparse.Namespace) -> int:
    """Two reports (files, or records in JSONL) side by side."""
    from .compare import Figures, side_by_side

    pipeline = build_pipeline(args)
    figures = []
    for path in (args.a, args.b):
        if path.endswith(".jsonl"):
            with open(path, encoding="utf-8") as fh:
                figures.append(Figures.of(json.loads(fh.readline())))
            continue
        record = pipeline.extract_path(path)
        if record.error:
            print(f"gongkai: {path}: {record.error}", file=sys.stderr)
            return 1
        figures.append(Figures.of(record))
    print(side_by_side(*figures))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from .export import export

    try:
        outputs = export(args.records, args.to, args.output)
    except (OSError, ValueError, json.JSONDecodeError) as exc:
        print(f"gongkai export: {exc}", file=sys.stderr)
        return 2
    except ImportError as exc:
        print(f"gongkai export: {exc.name} is needed: pip install 'gongkai[export]'", file=sys.stderr)
        return 2
    for out in outputs:
        print(f"wrote {out}", file=sys.stderr)
    return 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    from gongkai.training.evaluate import main as evaluate_main

    return evaluate_main(args)


def cmd_pretrain(args: argparse.Namespace) -> int:
    from gongkai.training.pretrain import main as pretrain_main

    return pretrain_main(args)


def cmd_train(args: argparse.Namespace) -> int:
    from gongkai.training.train import main as train_main

    return train_main(args)


def cmd_annotations(args: argparse.Namespace) -> int:
    from gongkai.training import labelstudio

    return labelstudio.main(args)


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="gongkai", description="Structured records from 政府信息公开工作年度报告.")
    sub = parser.add_subparsers(dest="command", required=True)

    ex = sub.add_parser("extract", help="extract one JSON record per report")
    ex.add_argument("paths", nargs="+", help="files, folders (recursive), quoted globs, @LIST files, or - for stdin")
    ex.add_argument("-o", "--output", help="write JSON Lines here instead of stdout")
    ex.add_argument("--rules-only", action="store_true", help="use the rule taggers only")
    ex.add_argument("--model", help="a fine-tuned model folder (default: the shipped model, if installed)")
    ex.add_argument("--pretty", action="store_true", help="indent the JSON")
    ex.add_argument("--no-text", action="store_true", help="leave the document text out of the record")
    ex.add_argument("--max-bytes", type=int, default=DEFAULT_MAX_BYTES, help="refuse larger files (default 20 MB)")
    ex.add_argument("-j", "--jobs", type=int, default=1, help="worker processes (each builds its pipeline once)")
    ex.add_argument("--resume", action="store_true", help="skip inputs already in -o (same path and sha256) and append")
    ex.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                    help="progress bar on stderr (default: when stderr is a terminal)")
    ex.set_defaults(func=cmd_extract)

    exp_ = sub.add_parser("export", help="records (JSONL) to CSV, XLSX or Parquet: a row per report, entities apart")
    exp_.add_argument("records")
    exp_.add_argument("--to", choices=("csv", "xlsx", "parquet"), required=True)
    exp_.add_argument("-o", "--output", help="output path without extension (default: next to the records)")
    exp_.set_defaults(func=cmd_export)

    cmp_ = sub.add_parser("compare", help="two reports' figures side by side, with the year-to-year check")
    cmp_.add_argument("a")
    cmp_.add_argument("b")
    cmp_.add_argument("--rules-only", action="store_true")
    cmp_.add_argument("--model")
    cmp_.add_argument("--max-bytes", type=int, default=DEFAULT_MAX_BYTES)
    cmp_.set_defaults(func=cmd_compare)

    ev = sub.add_parser("evaluate", help="score extraction against gold annotations")
    ev.add_argument("--gold", required=True, nargs="+", help="gold JSONL file(s) or folder(s)")
    ev.add_argument("--rules-only", action="store_true")
    ev.add_argument("--model", help="a fine-tuned model folder (default: the shipped model, if installed)")
    ev.add_argument("--mode", choices=("hybrid", "model"), default="hybrid", help="model only, or model + rules")
    ev.add_argument("--json", help="also write all figures as JSON here")
    ev.add_argument("--max-bytes", type=int, default=DEFAULT_MAX_BYTES)
    ev.set_defaults(func=cmd_evaluate)

    pt = sub.add_parser("pretrain", help="masked-LM pretraining of a compact BERT (checkpoints, resumes)")
    from gongkai.training.pretrain import add_arguments as pretrain_arguments

    pretrain_arguments(pt)
    pt.set_defaults(func=cmd_pretrain)

    tr = sub.add_parser("train", help="fine-tune the span and section heads on gold + synthetic reports")
    from gongkai.training.train import add_arguments as train_arguments

    train_arguments(tr)
    tr.set_defaults(func=cmd_train)

    an = sub.add_parser("annotations", help="convert annotations to and from Label Studio")
    an_sub = an.add_subparsers(dest="action", required=True)
    imp = an_sub.add_parser("import-labelstudio", help="Label Studio JSON export → gongkai gold JSONL")
    imp.add_argument("file")
    imp.add_argument("-o", "--output", required=True)
    exp = an_sub.add_parser("export-labelstudio", help="gongkai gold JSONL → Label Studio tasks with predictions")
    exp.add_argument("file")
    exp.add_argument("-o", "--output", required=True)
    val = an_sub.add_parser("validate", help="check gold files (offsets, labels, sha256) and count them")
    val.add_argument("paths", nargs="+")
    an.set_defaults(func=cmd_annotations)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = make_parser().parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        print("gongkai: interrupted", file=sys.stderr)
        return 130
    except ModelError as exc:
        print(f"gongkai: --model {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
