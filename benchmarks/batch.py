"""A folder of 1,000 reports through `gongkai extract --jobs 1` and `--jobs 2`.

    python benchmarks/batch.py [--n 1000] [--jobs 1 2] [--corpus ../shared/corpus]
    python benchmarks/batch.py --n 300 --bad --jobs 2     # plus one file of every bad class (issue 12)

With --bad the folder also holds one input of every class that once ended, hung or
exhausted a batch (`bad_inputs`): the run must give one record per file, exit status 0,
and finish in bounded time and memory; the script checks the records and prints each bad
file's outcome.

The folder holds the real reports of the corpus (txt, md, pdf and the seeds) and synthetic
variants of them (figures, years and agencies rewritten, so every file differs). Prints, per
run: wall time, reports/s, chars/s, and each process's resident memory sampled through the
run (peak, and the mean of the first and last quarter of the samples: flat memory shows as
equal means).
"""
from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def build_folder(folder: Path, n: int, corpus: Path) -> int:
    sources = sorted((REPO / "annotations" / "seeds").glob("*.txt"))
    reports = corpus / "reports"
    if reports.exists():
        sources += sorted(p for p in reports.iterdir() if p.suffix in (".txt", ".md", ".pdf"))
    rng = random.Random(0)
    chars = 0
    for i in range(n):
        src = sources[i % len(sources)]
        if i < len(sources) or src.suffix == ".pdf":
            dest = folder / f"{i:04d}_{src.name}"
            shutil.copyfile(src, dest)
            continue
        text = src.read_text(encoding="utf-8")
        shift = rng.randint(1, 9)
        text = re.sub(r"(?<!\d)(\d{1,4})(?=[件条个项次])", lambda m: str(int(m.group(1)) + shift), text)
        text = re.sub(r"20(1\d|2\d)年", lambda m: f"20{int(m.group(1)) + (i % 3)}年", text)
        (folder / f"{i:04d}_synthetic_{src.stem}{src.suffix}").write_text(text, encoding="utf-8")
    return chars


# --- the bad classes (issue 12) -------------------------------------------------------------------


def blank_pdf(pages: int) -> bytes:
    """A PDF of blank pages (pypdfium2, which pdfplumber installs)."""
    import io

    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument.new()
    for _ in range(pages):
        pdf.new_page(595, 842)
    buf = io.BytesIO()
    pdf.save(buf)
    return buf.getvalue()


def docx_bomb(unpacked: int, text: str = "一、总体情况") -> bytes:
    """A valid DOCX whose document.xml holds `unpacked` bytes of spaces: a few MB on disk."""
    import io
    import zipfile

    import docx

    document = docx.Document()
    document.add_paragraph(text)
    buf = io.BytesIO()
    document.save(buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for m in src.infolist():
            if m.filename != "word/document.xml":
                z.writestr(m, src.read(m.filename))
                continue
            xml = src.read(m.filename)
            cut = xml.index(b"<w:body>")
            with z.open("word/document.xml", "w", force_zip64=True) as fh:
                fh.write(xml[:cut])
                block = b" " * (1 << 20)
                for _ in range(unpacked >> 20):
                    fh.write(block)
                fh.write(xml[cut:])
    return out.getvalue()


def billion_laughs() -> bytes:
    entities = ['<!ENTITY lol "lol">'] + [f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">'
                                         for i in range(1, 10)]
    return ("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n" + "\n".join(entities) + "\n]>\n"
            "<html><body><p>一、总体情况</p><p>&lol9;</p></body></html>").encode("utf-8")


def bad_inputs(folder: Path, report: bytes, full: bool = True) -> dict[str, str]:
    """One file of every bad class in `folder`; returns name → what its record must be
    ("error", or "record" where the file can be read, as for the GBK page). `full` makes the
    large ones as large as the issue's (a 2 GB zip bomb, a 60 MB line); CI makes them just
    over their limits, which tests the same code in seconds."""
    page = ("<html><head><meta charset=\"utf-8\"><title>年报</title></head><body>"
            + "".join(f"<p>{line}</p>" for line in report.decode("utf-8").splitlines()) + "</body></html>")
    files = {
        "bad_utf16_bom_invalid.txt": (b"\xff\xfe" + "一、总体情况".encode("utf-16-le") + b"\x00\xd8\x41\x00" * 5000,
                                      "error"),
        "bad_random_bytes.txt": (random.Random(12).randbytes(50_000), "error"),
        "bad_empty.txt": (b"", "error"),
        "bad_whitespace.txt": (" \n\t\r\n   \u3000\n".encode("utf-8"), "error"),
        "bad_truncated_utf8.txt": (report[:_inside_last_character(report)], "record"),
        "bad_gbk_declares_utf8.html": (page.encode("gb18030"), "record"),
        "bad_nested_100000.html": (b"<div>" * 100_000 + "一、总体情况".encode() + b"</div>" * 100_000, "either"),
        "bad_billion_laughs.html": (billion_laughs(), "either"),
        "bad_zip_bomb.docx": (docx_bomb((2 << 30) if full else 210 * (1 << 20)), "error"),
        "bad_blank_500_pages.pdf": (blank_pdf(500), "error"),
        "bad_single_line_60mb.txt": (("收到申请3件。" * 3_200_000).encode("utf-8")[: (60 if full else 21) * 1_000_000], "error"),
        "bad_vanishes.txt": (report, "error"),
        "bad_hangs.txt": (report, "error"),
    }
    for name, (data, _) in files.items():
        (folder / name).write_bytes(data)
    return {name: expect for name, (_, expect) in files.items()}


def _inside_last_character(data: bytes) -> int:
    """An offset inside the last multi-byte UTF-8 character (cut there: a truncated file)."""
    cut = len(data) - 1
    while cut > 0 and data[cut] & 0xC0 != 0x80:
        cut -= 1
    return cut


def rss_of_tree(pid: int) -> dict[int, int]:
    """Resident memory (KiB) of a process and all its descendants (the workers are the fork
    server's children, so grandchildren of the command), from /proc."""
    out, todo = {}, [pid]
    while todo:
        p = todo.pop()
        try:
            todo += [int(c) for c in Path(f"/proc/{p}/task/{p}/children").read_text().split()]
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    out[p] = int(line.split()[1])
        except OSError:
            continue
    return out


def run(folder: Path, jobs: int, out: Path, extra: tuple[str, ...] = (), env: dict | None = None,
        vanish: Path | None = None) -> dict:
    """One `gongkai extract` of the folder, its memory sampled; `vanish` is deleted as soon as
    the first record is written (the inputs are listed by then, and it is not yet read)."""
    import os

    cmd = [sys.executable, "-m", "gongkai.inference.cli", "extract", str(folder), "-o", str(out), "--jobs", str(jobs),
           "--no-progress", "--no-text", *extra]
    t0 = time.perf_counter()
    err = open(out.with_suffix(".stderr"), "w+")  # a file, not a pipe: a full pipe would stall the run
    proc = subprocess.Popen(cmd, stderr=err, env={**os.environ, **(env or {})})
    samples: dict[int, list[int]] = {}
    while proc.poll() is None:
        for pid, kib in rss_of_tree(proc.pid).items():
            samples.setdefault(pid, []).append(kib)
        if vanish is not None and vanish.exists() and out.exists() and out.stat().st_size > 0:
            vanish.unlink()
        time.sleep(0.2)
    wall = time.perf_counter() - t0
    err.seek(0)
    stderr = err.read()
    err.close()
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    chars = sum(len(Path(r["source"]).read_bytes().decode("utf-8", "replace"))
                for r in records if not r["source"].endswith(".pdf") and Path(r["source"]).exists()
                and Path(r["source"]).stat().st_size < 5_000_000)
    memory = []
    for pid, values in sorted(samples.items(), key=lambda kv: -max(kv[1]))[:6]:  # the largest: command and workers
        q = max(1, len(values) // 4)
        memory.append({"pid": pid, "peak_mib": max(values) / 1024, "first_quarter_mib": sum(values[:q]) / q / 1024,
                       "last_quarter_mib": sum(values[-q:]) / q / 1024, "samples": len(values)})
    return {"jobs": jobs, "wall_s": wall, "reports": len(records), "errors": sum(1 for r in records if r.get("error")),
            "reports_per_s": len(records) / wall, "text_chars_per_s": chars / wall, "memory": memory,
            "returncode": proc.returncode, "records": records, "stderr": stderr,
            "summary": next((l for l in stderr.splitlines() if " done, " in l), "")}


def check_bad_run(res: dict, n_good: int, expected: dict[str, str]) -> list[str]:
    """What is wrong with a --bad run (empty when all is as it must be)."""
    problems = []
    by_name = {Path(r["source"]).name: r for r in res["records"]}
    if res["returncode"] != 0:
        problems.append(f"exit status {res['returncode']}")
    if "Traceback" in res["stderr"]:
        problems.append("a traceback on stderr")
    good = [r for r in res["records"] if not Path(r["source"]).name.startswith("bad_")]
    if len(good) != n_good or any(r.get("error") for r in good):
        problems.append(f"{sum(1 for r in good if not r.get('error'))} good records of {n_good}")
    for name, expect in expected.items():
        r = by_name.get(name)
        if r is None:
            problems.append(f"{name}: no record")
        elif expect == "error" and not r.get("error"):
            problems.append(f"{name}: a record without error")
        elif expect == "record" and (r.get("error") or not r.get("paragraphs")):
            problems.append(f"{name}: {r.get('error') or 'no paragraphs'}")
    if len(res["records"]) != n_good + len(expected):
        problems.append(f"{len(res['records'])} records for {n_good + len(expected)} inputs")
    return problems


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--corpus", default=str(REPO.parent / "shared" / "corpus"))
    ap.add_argument("--bad", action="store_true", help="add one file of every bad class (issue 12) and check the records")
    ap.add_argument("--small", action="store_true", help="with --bad: large bad files just over their limits (CI)")
    ap.add_argument("--timeout", type=float, default=60, help="--timeout of the runs (the hanging file waits this long)")
    ap.add_argument("--default-mode", action="store_true", help="the shipped model (default: --rules-only)")
    args = ap.parse_args()
    extra = ("--timeout", str(args.timeout)) + (() if args.default_mode else ("--rules-only",))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "reports"
        folder.mkdir()
        build_folder(folder, args.n, Path(args.corpus))
        expected = {}
        print(f"folder: {args.n} reports ({sum(1 for p in folder.iterdir() if p.suffix == '.pdf')} PDF)")
        for jobs in args.jobs:
            if args.bad:  # made afresh for each run: the vanishing file vanished in the last one
                expected = bad_inputs(folder, sorted((REPO / "annotations" / "seeds").glob("*.txt"))[4].read_bytes(),
                                      full=not args.small)
                print(f"    + {len(expected)} bad files: {', '.join(sorted(expected))}")
            res = run(folder, jobs, Path(tmp) / f"out{jobs}.jsonl", extra,
                      env={"GONGKAI_TEST_HANG": "bad_hangs"} if args.bad else None,
                      vanish=folder / "bad_vanishes.txt" if args.bad else None)
            print(f"--jobs {jobs}: {res['wall_s']:.1f} s, {res['reports_per_s']:.1f} reports/s, "
                  f"{res['text_chars_per_s']:,.0f} chars/s (text inputs), {res['errors']} errors, "
                  f"exit status {res['returncode']}")
            for m in res["memory"]:
                print(f"    process {m['pid']}: peak {m['peak_mib']:.0f} MiB, first quarter {m['first_quarter_mib']:.0f} MiB, "
                      f"last quarter {m['last_quarter_mib']:.0f} MiB ({m['samples']} samples)")
            print(f"    {res['summary']}")
            if args.bad:
                by_name = {Path(r["source"]).name: r for r in res["records"]}
                for name in sorted(expected):
                    r = by_name.get(name, {})
                    print(f"    {name}: " + (f"error: {r['error']}" if r.get("error") else
                                            f"record, {len(r.get('paragraphs') or [])} paragraphs, "
                                            f"{len(r.get('warnings') or [])} warnings"))
                problems = check_bad_run(res, args.n, expected)
                print("    checks: " + ("all as they must be" if not problems else "; ".join(problems)))
                if problems:
                    sys.exit(1)


if __name__ == "__main__":
    main()
