"""The command line: batches survive bad inputs; exit status; stdin; folders."""
import json
import subprocess
import sys
from pathlib import Path

from conftest import seed


def run(*args, stdin=None):
    return subprocess.run([sys.executable, "-m", "gongkai.inference.cli", *args], input=stdin,
                          capture_output=True, timeout=120)


def test_batch_with_bad_inputs(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 10)
    (tmp_path / "undecodable.txt").write_bytes(b"\x81\xff\xfe\x80" * 300)
    (tmp_path / "notareport.txt").write_text("今天天气很好，我们去公园散步。", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    res = run("extract", str(seed(4)), str(tmp_path), str(tmp_path / "missing.txt"), "-o", str(out))
    assert res.returncode == 0, res.stderr
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 6
    by_name = {r["source"].rsplit("/", 1)[-1]: r for r in records}
    assert by_name[seed(4).name]["agency"] == "南岗区营商环境建设监督局"
    assert "empty" in by_name["empty.txt"]["error"]
    assert "binary" in by_name["binary.txt"]["error"]
    assert "error" in by_name["undecodable.txt"]
    assert "no such file" in by_name["missing.txt"]["error"]
    assert any("does not look like" in w for w in by_name["notareport.txt"]["warnings"])
    stderr = res.stderr.decode()
    assert "Traceback" not in stderr
    for name in ("empty.txt", "binary.txt", "undecodable.txt", "missing.txt"):
        assert f"{name}: " in stderr
    assert "6 done, 0 skipped (already in the output), " in stderr and " 4 errors" in stderr


def test_all_failed_exits_non_zero(tmp_path):
    res = run("extract", str(tmp_path / "missing.txt"))
    assert res.returncode == 1 and b"Traceback" not in res.stderr


def test_stdin_and_pretty():
    res = run("extract", "-", "--pretty", "--no-text", stdin=seed(2).read_bytes())
    assert res.returncode == 0
    record = json.loads(res.stdout)
    assert record["agency"] == "硚口区人民政府" and "text" not in record


def _batch(tmp_path, n_good=12, n_bad=3):
    folder = tmp_path / "in"
    folder.mkdir()
    texts = [seed(i).read_bytes() for i in range(5)]
    for i in range(n_good):
        # distinct files (a comment line changes the sha256), same reports
        (folder / f"r{i:03d}.txt").write_bytes(texts[i % 5] + f"\n编号{i}".encode())
    for i in range(n_bad):
        (folder / f"bad{i}.txt").write_bytes(b"\x00\x01\x02" * 50)
    return folder


def test_jobs_give_the_same_output_as_one_process(tmp_path):
    folder = _batch(tmp_path)
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    assert run("extract", str(folder), "-o", str(one), "--rules-only").returncode == 0
    res = run("extract", str(folder), "-o", str(two), "--jobs", "2", "--rules-only")
    assert res.returncode == 0
    assert one.read_bytes() == two.read_bytes()
    records = [json.loads(l) for l in one.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 15 and sum(1 for r in records if "error" in r) == 3
    assert "12 done" not in res.stderr.decode() and "15 done" in res.stderr.decode()
    for name in ("bad0.txt", "bad1.txt", "bad2.txt"):
        assert name in res.stderr.decode()


def test_resume_after_a_kill_gives_the_same_file(tmp_path):
    folder = _batch(tmp_path, n_good=10, n_bad=1)
    full, cut = tmp_path / "full.jsonl", tmp_path / "cut.jsonl"
    assert run("extract", str(folder), "-o", str(full), "--rules-only").returncode == 0
    data = full.read_bytes()
    lines = data.split(b"\n")
    # a run killed after 4 records, in the middle of writing the 5th
    cut.write_bytes(b"\n".join(lines[:4]) + b"\n" + lines[4][: len(lines[4]) // 2])
    res = run("extract", str(folder), "-o", str(cut), "--resume", "--rules-only")
    assert res.returncode == 0
    assert cut.read_bytes() == data
    assert "4 skipped" in res.stderr.decode()


def test_three_corrupt_among_three_hundred(tmp_path):
    folder = _batch(tmp_path, n_good=300, n_bad=3)
    out = tmp_path / "out.jsonl"
    res = run("extract", str(folder), "-o", str(out), "--jobs", "2", "--no-text", "--rules-only")
    assert res.returncode == 0
    records = [json.loads(l) for l in out.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 303
    assert sum(1 for r in records if "error" not in r) == 300
    assert sum(1 for r in records if "error" in r) == 3
    stderr = res.stderr.decode()
    assert "303 done" in stderr and "3 errors" in stderr
    summary = stderr[stderr.index("303 done"):]
    for name in ("bad0.txt", "bad1.txt", "bad2.txt"):
        assert f"error {folder / name}" in summary


def test_globs_and_file_lists(tmp_path):
    folder = _batch(tmp_path, n_good=4, n_bad=0)
    listing = tmp_path / "list.txt"
    listing.write_text(f"# two files\n{folder / 'r000.txt'}\n{folder / 'r001.txt'}\n", encoding="utf-8")
    res = run("extract", str(folder / "r00[23].txt"), f"@{listing}", "--no-text", "--rules-only")
    assert res.returncode == 0
    sources = [json.loads(l)["source"].rsplit("/", 1)[-1] for l in res.stdout.decode().splitlines()]
    assert sources == ["r002.txt", "r003.txt", "r000.txt", "r001.txt"]


def test_a_bad_model_folder_is_one_clear_error(tmp_path):
    (tmp_path / "empty").mkdir()
    for model in (tmp_path / "missing", tmp_path / "empty"):
        for cmd in (["extract", str(seed(4))], ["evaluate", "--gold", "annotations/gold/test.jsonl"]):
            res = run(*cmd, "--model", str(model))
            err = res.stderr.decode()
            assert res.returncode == 2 and err.count("gongkai: --model") == 1 and "Traceback" not in err


def test_limit_flags_reach_the_readers(tmp_path):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    from batch import blank_pdf  # benchmarks/batch.py

    (tmp_path / "three.pdf").write_bytes(blank_pdf(3))
    (tmp_path / "long.txt").write_bytes(seed(4).read_bytes())
    out = tmp_path / "out.jsonl"
    res = run("extract", str(tmp_path), "-o", str(out), "--rules-only", "--max-pages", "2", "--max-chars", "1000")
    assert res.returncode == 1 and b"Traceback" not in res.stderr  # both inputs over a limit
    errors = {json.loads(l)["source"].rsplit("/", 1)[-1]: json.loads(l)["error"] for l in out.read_text().splitlines()}
    assert errors["three.pdf"] == "PDF too large (3 pages > 2 pages limit; raise it with --max-pages)"
    assert errors["long.txt"].startswith("extracted text too large (") and errors["long.txt"].endswith("--max-chars)")


def test_bad_limit_values_are_usage_errors():
    for flag, value in (("--timeout", "-1"), ("--max-memory", "lots"), ("--max-pages", "0")):
        res = run("extract", str(seed(4)), flag, value)
        assert res.returncode == 2 and flag.encode() in res.stderr and b"Traceback" not in res.stderr


def test_compare_pairs_records_by_body_and_year(tmp_path):
    from gongkai.doc import Metric, Record
    from gongkai.io import record_line

    def rec(source, agency, year, over, fwd):
        return Record(source=source, agency=agency, year=year,
                      metrics={"requests.carried_over": Metric(over, None, None, ""),
                               "requests.carried_forward": Metric(fwd, None, None, "")})

    records = tmp_path / "r.jsonl"
    records.write_text("".join(record_line(r) + "\n" for r in (
        rec("b2024", "乙县人民政府", 2024, 3, 1), rec("a2023", "甲区人民政府", 2023, 0, 2),
        rec("a2024", "甲区人民政府", 2024, 2, 0))), encoding="utf-8")
    res = run("compare", str(records))
    out = res.stdout.decode()
    assert res.returncode == 0, res.stderr
    assert "甲区人民政府: 2023 (a2023) → 2024 (a2024)" in out and "ok requests.continuity" in out
    assert "no other report of the same body: 乙县人民政府 2024 (b2024)" in out
    two = tmp_path / "two.jsonl"
    two.write_text(record_line(rec("a2023", "甲区人民政府", 2023, 0, 2)) + "\n" +
                   record_line(rec("b2024", "乙县人民政府", 2024, 3, 1)) + "\n", encoding="utf-8")
    out = run("compare", str(two)).stdout.decode()
    assert out.startswith("note: these are reports of different bodies (甲区人民政府 and 乙县人民政府)")


def test_command_line_habits():
    assert run("--version").stdout.decode().startswith("gongkai ")
    res = run("extract", "x.txt", "--mod", "model")  # no silent abbreviation of --mode/--model
    assert res.returncode == 2 and b"unrecognized arguments" in res.stderr
    res = run("extract", "x.txt", "--jobs", "0")
    assert res.returncode == 2 and b"must be 1 or more" in res.stderr
    res = run("extract", "x.txt", "--max-bytes", "lots")
    assert res.returncode == 2 and b"not a size" in res.stderr
    for command in ("extract", "view", "export", "compare", "evaluate", "annotations"):
        assert b"examples:" in run(command, "--help").stdout, command
