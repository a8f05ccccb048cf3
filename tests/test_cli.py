"""The command line: batches survive bad inputs; exit status; stdin; folders."""
import json
import subprocess
import sys

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
    assert len([l for l in stderr.splitlines() if l.startswith("gongkai:")]) == 4


def test_all_failed_exits_non_zero(tmp_path):
    res = run("extract", str(tmp_path / "missing.txt"))
    assert res.returncode == 1 and b"Traceback" not in res.stderr


def test_stdin_and_pretty():
    res = run("extract", "-", "--pretty", "--no-text", stdin=seed(2).read_bytes())
    assert res.returncode == 0
    record = json.loads(res.stdout)
    assert record["agency"] == "硚口区人民政府" and "text" not in record
