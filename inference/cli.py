"""The command line: `gongkai extract | view | export | compare | evaluate | train | pretrain | annotations`.

A thin layer: each command imports what it needs when it runs, so `gongkai extract
--rules-only` never imports torch or transformers, and the training commands (whose
arguments are the training scripts' own dataclasses) load training code only when called.
Every input yields one record; a bad input is a record with `error` and a one-line message
on stderr; the exit status is non-zero only when every input failed.
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Iterator

from gongkai import __version__
from gongkai.inference.read import DEFAULT_MAX_BYTES, IMAGE_SUFFIXES, REPORT_SUFFIXES
from gongkai.inference.read.limits import DEFAULT_MAX_MEMORY, DEFAULT_TIMEOUT, Limits

_LIMITS = Limits()

_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmgt]?i?b?)?\s*$", re.I)
_UNITS = {"": 1, "b": 1, "k": 1e3, "kb": 1e3, "m": 1e6, "mb": 1e6, "g": 1e9, "gb": 1e9, "t": 1e12, "tb": 1e12,
          "kib": 2**10, "mib": 2**20, "gib": 2**30, "tib": 2**40, "ki": 2**10, "mi": 2**20, "gi": 2**30}


def size(text: str) -> int:
    """A size with an optional unit: 20MB, 512k, 1.5GiB, 20000000 (bytes)."""
    m = _SIZE.match(text)
    if not m or m.group(2).lower() not in _UNITS:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (e.g. 20MB, 512kB, 1GiB or a number of bytes)")
    return int(float(m.group(1)) * _UNITS[m.group(2).lower()])


def positive(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, got {n}")
    return n


def seconds(text: str) -> float:
    try:
        n = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if n < 0:
        raise argparse.ArgumentTypeError(f"must be 0 (no limit) or more, got {text}")
    return n


def report_suffixes() -> set[str]:
    """What a folder's files must end in to be read: images too when OCR is installed (a
    folder of scraped pages is full of pictures that are no reports without it)."""
    from gongkai.inference.read import ocr

    return REPORT_SUFFIXES | (IMAGE_SUFFIXES if ocr.available() else set())


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
            suffixes = report_suffixes()
            found = sorted(f for f in p.rglob("*") if f.suffix.lower() in suffixes and not f.is_dir())
        except OSError as exc:
            print(f"gongkai: {raw}: cannot list folder ({exc.strerror})", file=sys.stderr)
            yield raw
            continue
        if not found:
            print(f"gongkai: {raw}: no report files ({' '.join(sorted(suffixes))}) in this folder", file=sys.stderr)
        yield from (str(f) for f in found)


def limits_of(args: argparse.Namespace):
    """The input limits of a command's flags (commands without a flag get its default)."""
    from dataclasses import fields

    from gongkai.inference.read.limits import Limits

    return Limits(**{f.name: getattr(args, f.name) for f in fields(Limits) if getattr(args, f.name, None) is not None})


def build_pipeline(args: argparse.Namespace):
    from gongkai.inference.pipeline import Pipeline

    return Pipeline.default(model=getattr(args, "model", None), rules_only=getattr(args, "rules_only", False),
                            mode=getattr(args, "mode", "hybrid"), limits=limits_of(args))


# --- commands ---------------------------------------------------------------------------------


def cmd_extract(args: argparse.Namespace) -> int:
    from functools import partial

    from gongkai.inference.apps.batch import BatchError, Done, Isolation, read_done, run_batch
    from gongkai.inference.figures.years import continuity_checks
    from gongkai.io import RecordsFileError

    if args.pretty and args.output:
        print("gongkai extract: --pretty is for the terminal; a file written with -o is always JSON Lines "
              "(one record per line)", file=sys.stderr)
        return 2
    if args.resume and not args.output:
        print("gongkai extract: --resume needs -o OUT.jsonl (the output to finish)", file=sys.stderr)
        return 2
    inputs = list(iter_inputs(args.paths))
    if not inputs:
        print("gongkai: no input", file=sys.stderr)
        return 2
    try:
        done = read_done(args.output) if args.resume else Done()
    except (OSError, RecordsFileError) as exc:
        print(f"gongkai extract: --resume: {exc}", file=sys.stderr)
        return 2
    isolation = Isolation(timeout=args.timeout or None, max_memory=args.max_memory or None)
    # The workers build the pipeline (a bad --model is reported once, by the first of them).
    out = open(args.output, "a" if args.resume else "w", encoding="utf-8") if args.output else sys.stdout
    try:
        summary, figures = run_batch(inputs, out, partial(build_pipeline, args), jobs=args.jobs,
                                     options={"pretty": args.pretty, "no_text": args.no_text}, skip=done,
                                     progress=args.progress, isolation=isolation, max_bytes=args.max_bytes)
    except BatchError as exc:
        print(f"gongkai extract: {exc}", file=sys.stderr)
        return 2
    finally:
        if args.output:
            out.close()
    # The year-to-year check covers the whole output: the records a resumed run found there too.
    pairs = continuity_checks(done.figures + figures)
    failed = [(a, b, c) for a, b, c in pairs if not c.ok]
    if pairs:
        print(f"gongkai: year-to-year checks: {len(pairs)} pairs of consecutive years, {len(failed)} failed", file=sys.stderr)
    for a, b, check in failed[:20]:
        print(f"gongkai:   FAILED {check.name}: {check.detail} ({a.source} → {b.source})", file=sys.stderr)
    if len(pairs) == 1 and not failed:
        a, b, check = pairs[0]
        print(f"gongkai:   ok {check.name}: {check.detail} ({a.source} → {b.source})", file=sys.stderr)
    if len(inputs) > 1 or args.resume or summary.interrupted:
        print(summary.text(), file=sys.stderr)
    if summary.interrupted:
        return 143 if summary.interrupted == "SIGTERM" else 130
    return 1 if summary.done and len(summary.errors) == summary.done else 0


def cmd_compare(args: argparse.Namespace) -> int:
    from gongkai.inference.apps.compare import compare_records, load_for_compare

    records = load_for_compare(args.inputs, build_pipeline(args))
    if records is None:
        return 1
    print(compare_records(records))
    return 0


def cmd_view(args: argparse.Namespace) -> int:
    from gongkai.inference.apps.view import run

    return run(args)


def cmd_export(args: argparse.Namespace) -> int:
    from gongkai.inference.apps.export import export
    from gongkai.io import RecordsFileError

    try:
        outputs = export(args.records, args.to, args.output)
    except (OSError, RecordsFileError) as exc:
        print(f"gongkai export: {exc}", file=sys.stderr)
        return 2
    except ImportError as exc:
        print(f"gongkai export: {exc.name} is needed: pip install 'gongkai[export]'", file=sys.stderr)
        return 2
    for out in outputs:
        print(f"wrote {out}", file=sys.stderr)
    return 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    from gongkai.training.evaluation.evaluate import main as evaluate_main

    return evaluate_main(args)


TRAINING_COMMANDS = ("pretrain", "train")


def run_training(command: str, argv: list[str]) -> int:
    """`gongkai train …` / `gongkai pretrain …`: the training script parses its own arguments
    (so the training code, and torch, load only for these commands)."""
    import importlib

    return importlib.import_module(f"gongkai.training.fit.{command}").main(argv)


def cmd_annotations(args: argparse.Namespace) -> int:
    from gongkai.training.data import labelstudio

    return labelstudio.main(args)


# --- the parser -------------------------------------------------------------------------------

_EXTRACT_EXAMPLES = """examples:
  gongkai extract report.html --pretty --no-text          one report, readable
  gongkai extract reports/ -o records.jsonl --jobs 2      a folder (recursive), two worker processes
  gongkai extract reports/ -o records.jsonl --resume      finish an interrupted run
  gongkai extract 'crawl/**/*.htm' @more.txt -o r.jsonl   a quoted glob and a list of paths
  cat page.html | gongkai extract - --rules-only          standard input, the rule taggers only
"""


def _add_model_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--rules-only", action="store_true", help="the rule taggers only (no model, no torch)")
    p.add_argument("--model", metavar="DIR", help="a fine-tuned model folder (default: the shipped model)")
    p.add_argument("--mode", choices=("hybrid", "model"), default="hybrid",
                   help="hybrid: the model where it is better, the rules elsewhere (default); model: the model alone")
    p.add_argument("--max-bytes", type=size, default=DEFAULT_MAX_BYTES, metavar="SIZE",
                   help="refuse larger input files, e.g. 20MB (default), 100MB, 1GB")


def make_parser() -> argparse.ArgumentParser:
    fmt = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(prog="gongkai", allow_abbrev=False, formatter_class=fmt,
                                     description="Structured records from 政府信息公开工作年度报告.",
                                     epilog="run 'gongkai COMMAND --help' for a command's options and examples")
    parser.add_argument("--version", action="version", version=f"gongkai {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, help: str, epilog: str, **kw) -> argparse.ArgumentParser:
        return sub.add_parser(name, help=help, description=help, epilog=epilog, allow_abbrev=False,
                              formatter_class=fmt, **kw)

    ex = command("extract", "extract one JSON record per report", _EXTRACT_EXAMPLES)
    ex.add_argument("paths", nargs="+", metavar="PATH",
                    help="report files (.txt .md .html .pdf .docx), folders (recursive), quoted globs, "
                         "@LIST files (one path a line), or - for standard input")
    ex.add_argument("-o", "--output", metavar="OUT.jsonl", help="write JSON Lines here instead of standard output")
    _add_model_options(ex)
    ex.add_argument("--pretty", action="store_true", help="indent the JSON (terminal output only; not with -o)")
    ex.add_argument("--no-text", action="store_true", help="leave the document text out of the record")
    ex.add_argument("-j", "--jobs", type=positive, default=1, metavar="N",
                    help="worker processes, each building its pipeline once (default 1)")
    ex.add_argument("--resume", action="store_true", help="skip inputs already in -o (same path and sha256) and append")
    ex.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                    help="progress bar on stderr (default: when stderr is a terminal)")
    lim = ex.add_argument_group("limits", "what one input may cost; an input over a limit becomes a record with "
                                          "an error that names the flag to raise it")
    lim.add_argument("--timeout", type=seconds, default=DEFAULT_TIMEOUT, metavar="SECONDS",
                     help=f"time one file may take in its worker (default {DEFAULT_TIMEOUT:g}; 0: no limit)")
    lim.add_argument("--max-memory", type=size, default=DEFAULT_MAX_MEMORY, metavar="SIZE",
                     help=f"address space of one worker process, e.g. 8GB (default {DEFAULT_MAX_MEMORY / 1e9:g}GB, "
                          "enough for the shipped model; 0: no limit)")
    lim.add_argument("--max-chars", type=positive, default=_LIMITS.max_chars, metavar="N",
                     help=f"characters of decoded or extracted text (default {_LIMITS.max_chars:,})")
    lim.add_argument("--max-pages", type=positive, default=_LIMITS.max_pages, metavar="N",
                     help=f"pages of a PDF (default {_LIMITS.max_pages})")
    lim.add_argument("--max-unpacked", type=size, default=_LIMITS.max_unpacked, metavar="SIZE",
                     help=f"uncompressed size of a Word document (default {_LIMITS.max_unpacked / 1e6:g}MB)")
    lim.add_argument("--max-html-nodes", type=positive, default=_LIMITS.max_html_nodes, metavar="N",
                     help=f"elements of an HTML page (default {_LIMITS.max_html_nodes:,})")
    lim.add_argument("--max-html-depth", type=positive, default=_LIMITS.max_html_depth, metavar="N",
                     help=f"nesting depth of an HTML page (default {_LIMITS.max_html_depth:,})")
    ex.set_defaults(func=cmd_extract)

    exp = command("export", "records (JSON Lines) to CSV, XLSX or Parquet: a row per report, entities apart",
                  "examples:\n  gongkai export records.jsonl --to xlsx            records.xlsx (sheets: reports, entities)\n"
                  "  gongkai export records.jsonl --to csv -o out/r     out/r.csv and out/r.entities.csv\n")
    exp.add_argument("records", metavar="RECORDS.jsonl", help="records written by gongkai extract")
    exp.add_argument("--to", choices=("csv", "xlsx", "parquet"), required=True, help="the output format")
    exp.add_argument("-o", "--output", metavar="BASE", help="output path without extension (default: beside the records)")
    exp.set_defaults(func=cmd_export)

    from gongkai.inference.apps.view import add_arguments as view_arguments  # standard library only

    vw = command("view", "see extractions in the browser: a page per report, or an overview site", "")
    view_arguments(vw)
    vw.set_defaults(func=cmd_view)

    cmp_ = command("compare", "reports' figures side by side, with the year-to-year check",
                   "examples:\n  gongkai compare hongze_2023.pdf hongze_2024.pdf     two reports (extracted now)\n"
                   "  gongkai compare records.jsonl                       every body's consecutive years in a batch\n"
                   "  gongkai compare a.jsonl b.jsonl                     records paired by body and year\n")
    cmp_.add_argument("inputs", nargs="+", metavar="REPORT_OR_RECORDS",
                      help="report files (extracted now) or records files (.jsonl from gongkai extract); records "
                           "are paired by body and year")
    _add_model_options(cmp_)
    cmp_.set_defaults(func=cmd_compare)

    ev = command("evaluate", "score extraction against gold annotations",
                 "examples:\n  gongkai evaluate --gold annotations/gold/test.jsonl --rules-only\n"
                 "  gongkai evaluate --gold annotations/gold/test.jsonl --model runs/ft --mode model --json out.json\n")
    ev.add_argument("--gold", required=True, nargs="+", metavar="GOLD", help="gold JSONL file(s) or folder(s)")
    _add_model_options(ev)
    ev.add_argument("--json", metavar="OUT.json", help="also write all figures as JSON here")
    ev.set_defaults(func=cmd_evaluate)

    for name, help_ in (("pretrain", "masked-LM pretraining of a compact Chinese BERT (checkpoints; rerun to resume)"),
                        ("train", "fine-tune the span and section heads (gold + synthetic + silver data)")):
        command(name, help_, f"its options: gongkai {name} --help")  # listed here; run_training parses it

    an = command("annotations", "gold annotations: validate, and convert to and from Label Studio",
                 "examples:\n  gongkai annotations validate annotations/gold\n"
                 "  gongkai annotations export-labelstudio annotations/gold/test.jsonl -o tasks.json\n"
                 "  gongkai annotations import-labelstudio export.json -o annotations/gold/mine.jsonl\n")
    an_sub = an.add_subparsers(dest="action", required=True, metavar="ACTION")
    imp = an_sub.add_parser("import-labelstudio", help="a Label Studio JSON export → gongkai gold JSONL",
                            allow_abbrev=False)
    imp.add_argument("file", metavar="EXPORT.json", help="the JSON export of a Label Studio project")
    imp.add_argument("-o", "--output", required=True, metavar="GOLD.jsonl", help="the gold file to write")
    exp_ls = an_sub.add_parser("export-labelstudio", help="gongkai gold JSONL → Label Studio tasks with predictions",
                               allow_abbrev=False)
    exp_ls.add_argument("file", metavar="GOLD.jsonl", help="a gold file")
    exp_ls.add_argument("-o", "--output", required=True, metavar="TASKS.json",
                        help="the tasks to import (a labelling config is written beside it)")
    val = an_sub.add_parser("validate", help="check gold files (offsets, labels, sha256) and count them",
                            allow_abbrev=False)
    val.add_argument("paths", nargs="+", metavar="GOLD", help="gold JSONL files or folders")
    an.set_defaults(func=cmd_annotations)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        if argv and argv[0] in TRAINING_COMMANDS:
            return run_training(argv[0], argv[1:])
        args = make_parser().parse_args(argv)
        return args.func(args)
    except KeyboardInterrupt:
        print("gongkai: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:
        from gongkai.inference.tag.model import ModelError

        if isinstance(exc, ModelError):
            print(f"gongkai: --model {exc}", file=sys.stderr)
            return 2
        raise


if __name__ == "__main__":
    sys.exit(main())
