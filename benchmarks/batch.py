"""A folder of 1,000 reports through `gongkai extract --jobs 1` and `--jobs 2`.

    python benchmarks/batch.py [--n 1000] [--jobs 1 2] [--corpus ../shared/corpus]

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


def rss_of_tree(pid: int) -> dict[int, int]:
    """Resident memory (KiB) of a process and its children, from /proc."""
    out = {}
    pids = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids += [int(c) for c in children]
    except OSError:
        pass
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    out[p] = int(line.split()[1])
        except OSError:
            continue
    return out


def run(folder: Path, jobs: int, out: Path) -> dict:
    cmd = [sys.executable, "-m", "gongkai.inference.cli", "extract", str(folder), "-o", str(out), "--jobs", str(jobs),
           "--no-progress", "--no-text"]
    t0 = time.perf_counter()
    err = open(out.with_suffix(".stderr"), "w+")  # a file, not a pipe: a full pipe would stall the run
    proc = subprocess.Popen(cmd, stderr=err)
    samples: dict[int, list[int]] = {}
    while proc.poll() is None:
        for pid, kib in rss_of_tree(proc.pid).items():
            samples.setdefault(pid, []).append(kib)
        time.sleep(0.5)
    wall = time.perf_counter() - t0
    err.seek(0)
    stderr = err.read()
    err.close()
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    chars = sum(len(Path(r["source"]).read_bytes().decode("utf-8", "replace")) if not r["source"].endswith(".pdf") else 0
                for r in records)
    memory = []
    for pid, values in samples.items():
        q = max(1, len(values) // 4)
        memory.append({"pid": pid, "peak_mib": max(values) / 1024, "first_quarter_mib": sum(values[:q]) / q / 1024,
                       "last_quarter_mib": sum(values[-q:]) / q / 1024, "samples": len(values)})
    return {"jobs": jobs, "wall_s": wall, "reports": len(records), "errors": sum(1 for r in records if r.get("error")),
            "reports_per_s": len(records) / wall, "text_chars_per_s": chars / wall, "memory": memory,
            "summary": next((l for l in stderr.splitlines() if " done, " in l), "")}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--corpus", default=str(REPO.parent / "shared" / "corpus"))
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "reports"
        folder.mkdir()
        build_folder(folder, args.n, Path(args.corpus))
        print(f"folder: {args.n} reports ({sum(1 for p in folder.iterdir() if p.suffix == '.pdf')} PDF)")
        for jobs in args.jobs:
            res = run(folder, jobs, Path(tmp) / f"out{jobs}.jsonl")
            print(f"--jobs {jobs}: {res['wall_s']:.1f} s, {res['reports_per_s']:.1f} reports/s, "
                  f"{res['text_chars_per_s']:,.0f} chars/s (text inputs), {res['errors']} errors")
            for m in res["memory"]:
                print(f"    process {m['pid']}: peak {m['peak_mib']:.0f} MiB, first quarter {m['first_quarter_mib']:.0f} MiB, "
                      f"last quarter {m['last_quarter_mib']:.0f} MiB ({m['samples']} samples)")
            print(f"    {res['summary']}")


if __name__ == "__main__":
    main()
