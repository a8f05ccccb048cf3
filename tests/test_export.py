"""Exports: one row per report, a column per metric key, entities apart."""
import subprocess
import sys

import pytest

from gongkai.metric_keys import METRIC_KEYS
from conftest import seed


@pytest.fixture(scope="module")
def records(tmp_path_factory):
    out = tmp_path_factory.mktemp("export") / "records.jsonl"
    bad = out.with_name("bad.txt")
    bad.write_bytes(b"")
    subprocess.run([sys.executable, "-m", "gongkai.inference.cli", "extract", str(seed(2)), str(seed(4)), str(bad),
                    "-o", str(out)], check=True, capture_output=True)
    return out


def test_xlsx_has_a_row_per_report_and_a_column_per_metric(records):
    import openpyxl

    from gongkai.inference.apps.export import export

    (path,) = export(records, "xlsx")
    wb = openpyxl.load_workbook(path, read_only=True)
    rows = list(wb["reports"].iter_rows(values_only=True))
    header, data = rows[0], rows[1:]
    assert len(data) == 3
    assert set(METRIC_KEYS) <= set(header)
    by_agency = {row[header.index("agency")]: row for row in data}
    r = by_agency["硚口区人民政府"]
    assert r[header.index("requests.received")] == 236 and r[header.index("year")] == 2022
    # where the body sits: a panel researchers can group by
    assert (r[header.index("region.province")], r[header.index("region.city")], r[header.index("region.county")],
            r[header.index("region.adcode")], r[header.index("level")]) == ("湖北省", "武汉市", "硚口区", "420104", "county")
    assert "requests.balance" in r[header.index("checks_failed")]
    assert any(row[header.index("error")] for row in data)
    assert len(list(wb["entities"].iter_rows(values_only=True))) > 50


def test_csv_and_parquet(records):
    import pandas as pd

    from gongkai.inference.apps.export import export

    csv, csv_entities = export(records, "csv")
    frame = pd.read_csv(csv, encoding="utf-8-sig")
    assert len(frame) == 3 and "fees.information_processing_yuan" in frame.columns
    parquet, _ = export(records, "parquet")
    assert pd.read_parquet(parquet)["agency"].tolist() == frame["agency"].tolist()
    assert len(pd.read_csv(csv_entities, encoding="utf-8-sig")) > 50
