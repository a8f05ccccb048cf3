"""The Ray Data path gives the same records as `gongkai extract` (local single-node cluster)."""
import json
import subprocess
import sys

import pytest

from conftest import seed

ray = pytest.importorskip("ray", reason="the optional extra gongkai[ray] is not installed")


@pytest.mark.slow
def test_ray_matches_gongkai_extract(tmp_path):
    from gongkai.inference.apps.distributed import extract_with_ray, read_output

    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(5):
        (folder / seed(i).name).write_bytes(seed(i).read_bytes())
    (folder / "broken.txt").write_bytes(b"\x00\x01" * 100)
    expected_file = tmp_path / "cli.jsonl"
    subprocess.run([sys.executable, "-m", "gongkai.inference.cli", "extract", str(folder), "-o", str(expected_file)],
                   check=True, capture_output=True)
    expected = {r["source"]: r for r in map(json.loads, expected_file.read_text(encoding="utf-8").splitlines())}

    # Logical CPUs: two extraction actors plus the read tasks must fit at once, or Ray waits forever.
    ray.init(num_cpus=4, include_dashboard=False, log_to_driver=False, ignore_reinit_error=True)
    try:
        extract_with_ray(str(folder), str(tmp_path / "ray_out"), concurrency=2, batch_size=2)
    finally:
        ray.shutdown()
    got = {r["source"]: r for r in read_output(tmp_path / "ray_out")}
    assert set(got) == set(expected)
    for source, record in expected.items():
        assert got[source] == record, source
    assert "error" in got[str(folder / "broken.txt")]
