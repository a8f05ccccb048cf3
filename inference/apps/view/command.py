"""`gongkai view`: arguments, reading the input, choosing a page or a site.

Bad input is one line on stderr and exit status 2, never a traceback; a report whose
extraction failed still gets its page (showing the error) and exit status 1.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from itertools import chain, islice
from pathlib import Path
from typing import IO

from gongkai.io import RecordsFileError, record_dicts

from .overview import write_overview
from .render import render_report

RECORD_SUFFIXES = (".jsonl", ".ndjson", ".json")

EPILOG = """\
examples:
  gongkai view report.txt                          # extract (hybrid) → report.html beside it
  gongkai view report.pdf --rules-only -o out.html # extract with the rules alone
  gongkai view records.jsonl -o site/              # site/index.html + site/reports/NNNN-NAME.html
  gongkai extract reports/ -o records.jsonl --rules-only && gongkai view records.jsonl   # → records-view/
  gongkai extract report.txt --rules-only | gongkai view - -o report.html

Input ending in .jsonl, .ndjson or .json (or -, standard input) is read as records, one
JSON object a line, as `gongkai extract` writes them; anything else is a report, extracted
first. One record gives one page; several records, or -o ending in / or naming a folder,
give an overview site. Pages are single files (CSS and JS inline, nothing fetched) that open
from disk.
"""


class InputError(Exception):
    """A bad input, said in one line."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = parser.description or "See extractions in the browser: one page per report, or an overview site."
    parser.epilog = EPILOG
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("input", help="a report file (.txt .md .html .pdf .docx), or records (.jsonl, or - for stdin)")
    parser.add_argument("-o", "--output", help="the page (X.html) or, ending in / or naming a folder, the site folder "
                                               "(default: beside the input)")
    parser.add_argument("--rules-only", action="store_true", help="extract a report with the rule taggers only")
    parser.add_argument("--model", help="extract a report with this fine-tuned model folder")


def parse_records(lines: Iterator[str] | IO[str], name: str) -> Iterator[dict]:
    """Records from JSON Lines, lazily (gongkai.io's reader); a bad line is an InputError."""
    try:
        yield from record_dicts(lines, name)
    except RecordsFileError as exc:
        raise InputError(str(exc)) from None


def read_records(path: str) -> Iterator[dict]:
    if path == "-":
        yield from parse_records(sys.stdin, "<stdin>")
        return
    try:
        with open(path, encoding="utf-8") as fh:
            if path.lower().endswith(".json"):
                # `gongkai extract --pretty` writes one indented object (or one per input).
                whole = fh.read()
                try:
                    data = json.loads(whole)
                except json.JSONDecodeError:
                    yield from parse_records(whole.splitlines(), path)
                    return
                items = data if isinstance(data, list) else [data]
                if not all(isinstance(d, dict) for d in items):
                    raise InputError(f"{path}: not a record (expected a JSON object or a list of them)")
                yield from items
                return
            yield from parse_records(fh, path)
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text; records are written by `gongkai extract`") from None
    except OSError as exc:
        raise InputError(f"{path}: {exc.strerror or exc}") from None


def extract_report(path: str, args: argparse.Namespace) -> dict:
    # Imported here: rendering records must not load the pipeline (or a model).
    from gongkai.inference import Pipeline

    try:
        pipeline = Pipeline.default(model=args.model, rules_only=args.rules_only)
    except Exception as exc:  # a user's --model folder can fail to load in many ways
        if not args.model:
            raise
        raise InputError(f"--model {args.model}: {exc}") from None
    return pipeline.extract_path(path).to_dict()


def is_folder_target(output: str | None) -> bool:
    return bool(output) and (output.endswith(("/", "\\")) or Path(output).is_dir())


def default_page(path: str) -> Path:
    """report.txt → report.html; report.html → report.view.html (never over the input)."""
    page = Path(path).with_suffix(".html")
    return page if page != Path(path) else Path(path).with_suffix(".view.html")


def _counted(records: Iterator[dict], counter: list[int]) -> Iterator[dict]:
    for record in records:
        counter[0] += 1
        yield record


def _run(args: argparse.Namespace) -> int:
    source = args.input
    if source != "-":
        path = Path(source)
        if not path.exists():
            raise InputError(f"{source}: no such file")
        if path.is_dir():
            raise InputError(f"{source}: a folder; extract it first (gongkai extract {source} -o records.jsonl) "
                             "and view the records")
    as_records = source == "-" or source.lower().endswith(RECORD_SUFFIXES)
    records = read_records(source) if as_records else iter([extract_report(source, args)])
    head = list(islice(records, 2))
    if not head:
        raise InputError(f"{source}: no records in it")
    records = chain(head, records)
    if len(head) > 1 or is_folder_target(args.output):
        if args.output and not is_folder_target(args.output):
            raise InputError(f"{source} holds several records: give -o a folder (ending in /) for the overview site")
        if not args.output and source == "-":
            raise InputError("records from stdin: give -o (a folder ending in / for several records)")
        out_dir = Path(args.output) if args.output else Path(source).with_suffix("")
        if not args.output:
            out_dir = out_dir.with_name(out_dir.name + "-view")
        counter = [0]
        index = write_overview(_counted(records, counter), out_dir)
        print(f"gongkai view: wrote {index} ({counter[0]} reports)", file=sys.stderr)
        return 0
    if not args.output and source == "-":
        raise InputError("records from stdin: give -o OUT.html")
    record = head[0]
    out = Path(args.output) if args.output else default_page(source)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render_report(record), encoding="utf-8")
    print(f"gongkai view: wrote {out}", file=sys.stderr)
    if record.get("error"):
        print(f"gongkai view: {source}: {record['error']}", file=sys.stderr)
        return 1
    return 0


def run(args: argparse.Namespace) -> int:
    """Exit status: 0 written; 1 a page written for a report that failed; 2 bad input."""
    try:
        return _run(args)
    except InputError as exc:
        print(f"gongkai view: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # the output cannot be written
        print(f"gongkai view: cannot write {exc.filename or ''}: {exc.strerror or exc}", file=sys.stderr)
        return 2
