"""Fuzzing the whole pipeline with mutated real reports, in worker processes (issue 12).

    python benchmarks/fuzz.py --cases 10000 [--seed 0] [--jobs 2] [--timeout 60] [--save tests/regressions]

Seeds are real reports of every kind the reader takes: the corpus's text crawls and
Markdown (in UTF-8, GB18030, Big5 where the script allows, UTF-16 with a byte-order mark),
its HTML pages, its PDFs (whole, and one page cut out of each with pypdfium2) and Word
documents made from its texts with python-docx (paragraphs and a table). Each case takes
one seed and one or more mutations: byte flips, truncation, splicing two files, a block of
random bytes, deep nesting (HTML elements, thousands deep), a huge line, odd Unicode (NUL,
BOMs, bidi controls, lone surrogates as bytes, U+FFFF, combining marks), a wrong byte-order
mark, duplication; Word documents are also mutated inside the zip (their XML), and PDFs in
their streams.

Every case runs through the batch supervisor of `gongkai extract` (one worker process per
job, a per-case time limit, the worker's memory cap), so a crash cannot stop the fuzzer
either. It reports: cases, crashes (an exception that reached the pipeline's guard, i.e. a
bug, or a worker that died), hangs (cases over the time limit), out-of-memory cases,
invalid records (an offset that does not index the text), and the slowest case. With
--save, every crashing or hanging input is written there as a regression file
(`tests/regressions/`, read by tests/test_robustness.py). Cases are a pure function of
(--seed, case number), so a run is reproducible.
"""
from __future__ import annotations

import argparse
import io
import json
import random
import sys
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"

ODD = ["\x00", "\ufeff", "\u200b", "\u200e", "\u202e", "\u2028", "\ufffd", "\uffff", "\u0301" * 30, "𠀀", "😀",
       "\u3000", "\r", "\x1b[31m", "&#0;", "&#xD800;", "&nbsp;", "<!--", "]]>", "\t" * 50, "|" * 200]
RAW_ODD = [b"\xed\xa0\x80", b"\xc0\xaf", b"\xff\xfe", b"\xef\xbb\xbf", b"\xfe\xff", b"\x00\x00\xfe\xff", b"\x80",
           b"\xf4\x90\x80\x80", b"%PDF-1.4", b"PK\x03\x04", b"<html>", b"\r\n" * 100]


@dataclass(frozen=True)
class Seed:
    name: str  # e.g. pingtan_2013.gb18030.txt (the extension is the kind's)
    data: bytes


@dataclass
class Report:
    cases: int = 0
    records: int = 0
    errors: int = 0
    crashes: list[dict] = field(default_factory=list)   # internal errors and worker deaths
    hangs: list[dict] = field(default_factory=list)
    memory: list[dict] = field(default_factory=list)
    invalid: list[dict] = field(default_factory=list)    # records whose offsets do not index the text
    slowest: dict = field(default_factory=dict)
    by_kind: dict = field(default_factory=dict)
    seconds_by_kind: dict = field(default_factory=dict)  # worker seconds, summed
    seconds: float = 0.0

    def text(self) -> str:
        lines = [f"fuzz: {self.cases} cases in {self.seconds:.0f} s: {self.records} records, {self.errors} clear errors, "
                 f"{len(self.crashes)} crashes, {len(self.hangs)} hangs, {len(self.memory)} out of memory, "
                 f"{len(self.invalid)} invalid records"]
        if self.slowest:
            lines.append(f"fuzz: slowest case {self.slowest['case']} ({self.slowest['mutations']}): "
                         f"{self.slowest['seconds']:.2f} s")
        lines.append("fuzz: by seed kind: " + ", ".join(f"{k} {v} ({self.seconds_by_kind.get(k, 0):.0f} s)"
                                                        for k, v in sorted(self.by_kind.items())))
        for what, items in (("crash", self.crashes), ("hang", self.hangs), ("memory", self.memory),
                            ("invalid", self.invalid)):
            for item in items[:20]:
                lines.append(f"fuzz:   {what} {item['case']} ({item['mutations']}): {item['detail']}")
        return "\n".join(lines)


# --- seeds --------------------------------------------------------------------------------------


def load_seeds(corpus: Path = CORPUS) -> list[Seed]:
    seeds: list[Seed] = []
    texts = sorted((REPO / "annotations" / "seeds").glob("*.txt"))
    reports = corpus / "reports"
    if reports.exists():
        texts += sorted(p for p in reports.iterdir() if p.suffix in (".txt", ".md"))
    for path in texts:
        text = path.read_text(encoding="utf-8")
        seeds.append(Seed(path.name, text.encode("utf-8")))
        seeds.append(Seed(f"{path.stem}.gb18030{path.suffix}", text.encode("gb18030", "replace")))
        seeds.append(Seed(f"{path.stem}.utf16{path.suffix}", text.encode("utf-16")))
        try:
            seeds.append(Seed(f"{path.stem}.big5{path.suffix}", text.encode("big5")))
        except UnicodeEncodeError:
            pass  # Simplified characters have no Big5 code
    if (reports / "html").exists():
        seeds += [Seed(p.name, p.read_bytes()) for p in sorted((reports / "html").glob("*.html"))]
    if reports.exists():
        for pdf in sorted(reports.glob("*.pdf")):
            data = pdf.read_bytes()
            seeds.append(Seed(pdf.name, data))
            page = first_page(data)
            if page:
                seeds.append(Seed(f"{pdf.stem}.page1.pdf", page))
    for path in texts[:6]:
        seeds.append(Seed(f"{path.stem}.docx", make_docx(path.read_text(encoding="utf-8"))))
    return seeds


def first_page(pdf: bytes) -> bytes | None:
    try:
        import pypdfium2 as pdfium

        src = pdfium.PdfDocument(pdf)
        out = pdfium.PdfDocument.new()
        out.import_pages(src, [0])
        buf = io.BytesIO()
        out.save(buf)
        return buf.getvalue()
    except Exception:
        return None


def make_docx(text: str) -> bytes:
    import docx

    document = docx.Document()
    lines = [line for line in text.splitlines() if line.strip()]
    for line in lines[: len(lines) // 2]:
        document.add_paragraph(line)
    table = document.add_table(rows=3, cols=3)
    for r, row in enumerate([("收到申请数", "3", "0"), ("上年结转", "1", "0"), ("办结", "4", "0")]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    for line in lines[len(lines) // 2:]:
        document.add_paragraph(line)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


# --- mutations ----------------------------------------------------------------------------------


def flip(rng: random.Random, data: bytes, other: bytes) -> bytes:
    b = bytearray(data)
    for _ in range(rng.choice([1, 2, 5, 20, 200])):
        if b:
            b[rng.randrange(len(b))] = rng.randrange(256)
    return bytes(b)


def truncate(rng: random.Random, data: bytes, other: bytes) -> bytes:
    return data[: rng.randrange(len(data) + 1)]


def splice(rng: random.Random, data: bytes, other: bytes) -> bytes:
    return data[: rng.randrange(len(data) + 1)] + other[rng.randrange(len(other) + 1):]


def junk(rng: random.Random, data: bytes, other: bytes) -> bytes:
    at = rng.randrange(len(data) + 1)
    return data[:at] + rng.randbytes(rng.choice([1, 16, 1000, 20_000])) + data[at:]


def nest(rng: random.Random, data: bytes, other: bytes) -> bytes:
    tag = rng.choice([b"div", b"table", b"td", b"p", b"span", b"li", b"b"])
    depth = rng.choice([100, 1000, 10_000])
    opened, closed = b"<" + tag + b">", b"</" + tag + b">"
    at = rng.randrange(len(data) + 1)
    tail = closed * depth if rng.random() < 0.5 else b""  # unclosed half of the time
    return data[:at] + opened * depth + data[at:] + tail


def huge_line(rng: random.Random, data: bytes, other: bytes) -> bytes:
    line = rng.choice([data.replace(b"\n", b" ").replace(b"\r", b""), "收到申请3件。".encode(), b"a", b"\t", b" "])
    size = rng.choice([10_000, 100_000, 300_000])
    block = (line * (size // max(1, len(line)) + 1))[:size]
    at = rng.randrange(len(data) + 1)
    return data[:at] + block + data[at:]


def odd_unicode(rng: random.Random, data: bytes, other: bytes) -> bytes:
    b = data
    for _ in range(rng.choice([1, 10, 100])):
        at = rng.randrange(len(b) + 1)
        piece = rng.choice(ODD).encode("utf-8", "surrogatepass") if rng.random() < 0.6 else rng.choice(RAW_ODD)
        b = b[:at] + piece + b[at:]
    return b


def swap_bom(rng: random.Random, data: bytes, other: bytes) -> bytes:
    body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data[2:] if data[:2] in (b"\xff\xfe", b"\xfe\xff") else data
    return rng.choice([b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\xff\xfe\x00\x00", b""]) + body


def duplicate(rng: random.Random, data: bytes, other: bytes) -> bytes:
    a = rng.randrange(len(data) + 1)
    e = min(len(data), a + rng.choice([10, 1000, 20_000]))
    return data[:e] + data[a:e] * rng.choice([2, 10, 30]) + data[e:]


def in_zip(rng: random.Random, data: bytes, other: bytes) -> bytes:
    """A DOCX's document.xml mutated as text, the zip rebuilt (parses as a zip, breaks the XML)."""
    try:
        src = zipfile.ZipFile(io.BytesIO(data))
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
            for m in src.infolist():
                content = src.read(m.filename)
                if m.filename == "word/document.xml":
                    content = rng.choice([flip, truncate, nest, odd_unicode, duplicate, huge_line])(rng, content, b"")
                z.writestr(m.filename, content)
        return out.getvalue()
    except Exception:
        return flip(rng, data, other)


MUTATIONS = {f.__name__: f for f in (flip, truncate, splice, junk, nest, huge_line, odd_unicode, swap_bom, duplicate,
                                     in_zip)}
GENERAL = ["flip", "truncate", "splice", "junk", "nest", "huge_line", "odd_unicode", "swap_bom", "duplicate"]


def make_case(seeds: list[Seed], seed: int, n: int) -> tuple[str, bytes, str]:
    """Case n of run `seed`: (name with the seed's extension, bytes, the mutations applied)."""
    rng = random.Random(seed * 1_000_003 + n)
    base = rng.choice(seeds)
    if base.name.endswith(".pdf") and ".page1." not in base.name and rng.random() < 0.9:
        base = rng.choice(seeds)  # whole PDFs are slow: fewer of them
    other = rng.choice(seeds).data
    data, applied = base.data, []
    for _ in range(rng.choice([1, 1, 1, 2, 3])):
        names = GENERAL + (["in_zip"] * 3 if base.name.endswith(".docx") else [])
        name = rng.choice(names)
        data = MUTATIONS[name](rng, data, other)
        applied.append(name)
    return f"case{n:06d}_{base.name}", data, "+".join(applied)


# --- running ------------------------------------------------------------------------------------


def valid(record: dict) -> str | None:
    """Why a record without error is invalid, or None (offsets index the text, as RECORD.md says)."""
    text = record.get("text") or ""
    for p in record.get("paragraphs") or []:
        if not 0 <= p["start"] < p["end"] <= len(text):
            return f"paragraph {p['index']} {p['start']}:{p['end']} outside the text ({len(text)})"
    for e in record.get("entities") or []:
        if text[e["start"]:e["end"]] != e["text"]:
            return f"entity {e['label']} {e['start']}:{e['end']} is not its text"
    return None


def run_fuzz(cases: int, seed: int = 0, jobs: int = 2, timeout: float = 60.0, save: Path | None = None,
             rules_only: bool = True, seeds: list[Seed] | None = None, progress: bool = False,
             checkpoint: Path | None = None) -> Report:
    from gongkai.inference.apps.batch import Isolation, Supervisor, Task
    from gongkai.inference.pipeline import Pipeline

    seeds = seeds or load_seeds()
    made: dict[int, str] = {}  # case number → its mutations

    def tasks():  # made as the workers need them: 10,000 cases of up to a few MB are never all in memory
        for n in range(cases):
            name, data, mutations = make_case(seeds, seed, n)
            made[n] = mutations
            yield Task(n, name, data)

    make = Pipeline.rules if rules_only else Pipeline.default
    supervisor = Supervisor(make, {}, jobs, Isolation(timeout=timeout))
    report = Report()
    started = time.perf_counter()
    for outcome in supervisor.run(tasks()):
        name = outcome.source
        mutations = made.pop(int(name[4:10]))
        report.cases += 1
        kind = name.rsplit(".", 1)[-1]
        report.by_kind[kind] = report.by_kind.get(kind, 0) + 1
        report.seconds_by_kind[kind] = report.seconds_by_kind.get(kind, 0.0) + outcome.seconds
        item = {"case": name, "mutations": mutations, "detail": outcome.error or "", "seconds": outcome.seconds}
        seconds = timeout if outcome.kind == "timeout" else outcome.seconds
        if seconds >= report.slowest.get("seconds", -1):
            report.slowest = {**item, "seconds": seconds}
        if outcome.kind in ("internal", "crash"):
            report.crashes.append(item)
            _save(save, seeds, seed, name)
        elif outcome.kind == "timeout":
            report.hangs.append(item)
            _save(save, seeds, seed, name)
        elif outcome.kind == "memory":
            report.memory.append(item)
        elif outcome.error:
            report.errors += 1
        else:
            report.records += 1
            why = valid(json.loads(outcome.line))
            if why:
                report.invalid.append({**item, "detail": why})
                _save(save, seeds, seed, name)
        if progress and report.cases % 100 == 0:
            report.seconds = time.perf_counter() - started
            print(report.text().splitlines()[0], file=sys.stderr, flush=True)
            if checkpoint is not None:  # a long run interrupted still leaves its figures
                checkpoint.write_text(json.dumps(report.__dict__, ensure_ascii=False, indent=1), encoding="utf-8")
    report.seconds = time.perf_counter() - started
    return report


def _save(folder: Path | None, seeds: list[Seed], seed: int, name: str) -> None:
    """A failing case's bytes as a regression file (made again: a case is a function of its number)."""
    if folder is None:
        return
    folder.mkdir(parents=True, exist_ok=True)
    _, data, _ = make_case(seeds, seed, int(name[4:10]))
    (folder / f"fuzz{seed}_{name}").write_bytes(data)


# --- the same cases without the batch supervisor (to measure a checkout before issue 12) ---------

_direct: dict = {}


def _direct_init(timeout: float) -> None:
    import signal

    from gongkai.inference.pipeline import Pipeline

    _direct["pipeline"], _direct["timeout"] = Pipeline.rules(), timeout

    def alarm(signum, frame):
        raise TimeoutError

    signal.signal(signal.SIGALRM, alarm)


def _direct_case(task: tuple[str, bytes]) -> tuple[str, str, float]:
    """(name, outcome, seconds): "record", "error", "escaped: <exception>" (it would have ended
    a batch), or "hang" (over the time limit, by SIGALRM inside the worker)."""
    import signal

    name, data = task
    started = time.perf_counter()
    signal.setitimer(signal.ITIMER_REAL, _direct["timeout"])
    try:
        record = _direct["pipeline"].extract_bytes(data, name)
        outcome = "error" if record.error else "record"
    except TimeoutError:
        outcome = "hang"
    except Exception as exc:  # what escaped Pipeline.extract_bytes: the end of a batch before issue 12
        outcome = f"escaped: {type(exc).__name__}: {' '.join(str(exc).split())[:100]}"
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    return name, outcome, time.perf_counter() - started


def run_direct(cases: int, seed: int = 0, jobs: int = 2, timeout: float = 20.0) -> dict:
    """The cases through `Pipeline.rules().extract_bytes` in a plain process pool, counting
    the exceptions that escape it. Uses only what every version of gongkai has, so it runs
    in a checkout from before the batch supervisor (the "before" figure of the note)."""
    import multiprocessing
    from collections import Counter

    seeds = load_seeds()
    tasks = (make_case(seeds, seed, n)[:2] for n in range(cases))
    counts: Counter = Counter()
    escaped: list[tuple[str, str]] = []
    with multiprocessing.get_context("fork").Pool(jobs, initializer=_direct_init, initargs=(timeout,)) as pool:
        for name, outcome, _ in pool.imap(_direct_case, tasks, chunksize=4):
            counts[outcome.split(":")[0]] += 1
            if outcome.startswith("escaped"):
                escaped.append((name, outcome))
    return {"cases": cases, "counts": dict(counts), "escaped": escaped}


def replay(folder: Path, jobs: int = 2, timeout: float = 20.0) -> list[tuple[str, str | None, str | None, float]]:
    """Saved cases (a --save folder, tests/regressions) through the supervisor again:
    (name, error kind, error, seconds) each, e.g. to see which hangs a fix has removed."""
    from gongkai.inference.apps.batch import Isolation, Supervisor, Task
    from gongkai.inference.pipeline import Pipeline

    files = sorted(p for p in folder.iterdir() if p.is_file() and p.name != "README.md")
    supervisor = Supervisor(Pipeline.rules, {}, jobs, Isolation(timeout=timeout))
    return [(o.source, o.kind, o.error, o.seconds)
            for o in supervisor.run(Task(i, p.name, p.read_bytes()) for i, p in enumerate(files))]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cases", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=20.0,
                    help="seconds per case (a case over it is a hang; the slowest good case takes a few seconds)")
    ap.add_argument("--save", type=Path, help="write crashing and hanging inputs here (e.g. tests/regressions)")
    ap.add_argument("--default-mode", action="store_true", help="the shipped model too (default: the rules only)")
    ap.add_argument("--json", type=Path, help="also write the report as JSON here")
    ap.add_argument("--direct", action="store_true",
                    help="no batch supervisor: count exceptions escaping Pipeline.extract_bytes (runs on old checkouts)")
    ap.add_argument("--replay", type=Path, metavar="DIR", help="run the saved cases in DIR again and print each outcome")
    args = ap.parse_args(argv)
    if args.replay:
        outcomes = replay(args.replay, args.jobs, args.timeout)
        for name, kind, error, seconds in outcomes:
            print(f"replay: {name}: {kind or 'record'} {seconds:.1f} s{': ' + error if error else ''}")
        bad = sum(1 for _, kind, _, _ in outcomes if kind in ("internal", "crash", "timeout", "memory"))
        print(f"replay: {len(outcomes)} cases, {bad} still crash, hang or run out of memory")
        return 1 if bad else 0
    if args.direct:
        result = run_direct(args.cases, args.seed, args.jobs, args.timeout)
        print(f"fuzz --direct: {result['cases']} cases: " + ", ".join(f"{k} {v}" for k, v in sorted(result["counts"].items())))
        for name, outcome in result["escaped"][:30]:
            print(f"fuzz --direct:   {name}: {outcome}")
        if args.json:
            args.json.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
        return 1 if result["escaped"] else 0
    report = run_fuzz(args.cases, args.seed, args.jobs, args.timeout, args.save, not args.default_mode, progress=True,
                      checkpoint=args.json)
    print(report.text())
    if args.json:
        args.json.write_text(json.dumps(report.__dict__, ensure_ascii=False, indent=1), encoding="utf-8")
    return 1 if report.crashes or report.hangs or report.invalid else 0


if __name__ == "__main__":
    sys.exit(main())
