"""`gongkai export RECORDS.jsonl --to csv|xlsx|parquet`: one row per report (agency, year,
format, every metric key, the failed checks), entities as a second table. pandas writes the
formats (openpyxl for XLSX, pyarrow for Parquet)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable

from gongkai.io import iter_record_dicts
from gongkai.metric_keys import METRIC_KEYS

REPORT_COLUMNS = ("source", "title", "agency", "year", "published", "format", "script", "error")
REGION_COLUMNS = ("region.province", "region.city", "region.county", "region.adcode", "level")


def report_rows(records: Iterable[dict]) -> tuple[list[dict], list[dict]]:
    reports, entities = [], []
    for r in records:
        row = {k: r.get(k) for k in REPORT_COLUMNS}
        region = r.get("region") or {}
        row.update({f"region.{k}": region.get(k) for k in ("province", "city", "county", "adcode")})
        row["level"] = r.get("level")
        for key, metric in sorted((r.get("metrics") or {}).items()):
            row[key] = metric.get("value")
        failed = [c for c in r.get("checks") or [] if not c.get("ok")]
        row["checks_failed"] = "; ".join(f"{c['name']}: {c['detail']}" for c in failed)
        row["warnings"] = "; ".join(r.get("warnings") or [])
        reports.append(row)
        for e in r.get("entities") or []:
            entities.append({"source": r.get("source"), "label": e.get("label"), "text": e.get("text"),
                             "start": e.get("start"), "end": e.get("end"), "value": _scalar(e.get("value")),
                             "unit": e.get("unit"), "approx": e.get("approx"), "normalized": e.get("normalized"),
                             "from": e.get("from"), "source_tagger": e.get("source"), "confidence": e.get("confidence")})
    return reports, entities


def _scalar(v):
    return v if v is None or isinstance(v, (int, float, str, bool)) else json.dumps(v, ensure_ascii=False)


def export(records_path: str | Path, to: str, output: str | Path | None = None) -> list[Path]:
    import pandas as pd

    reports, entities = report_rows(iter_record_dicts(records_path))
    frame = pd.DataFrame(reports)
    # Every metric key is a column, stated or not, so files from different batches line up.
    for key in METRIC_KEYS:
        if key not in frame.columns:
            frame[key] = None
    fixed = list(REPORT_COLUMNS) + list(REGION_COLUMNS) + list(METRIC_KEYS)
    ordered = fixed + sorted(c for c in frame.columns if c not in fixed)
    frame = frame[ordered]
    ents = pd.DataFrame(entities, columns=["source", "label", "text", "start", "end", "value", "unit", "approx",
                                           "normalized", "from", "source_tagger", "confidence"])
    base = Path(output) if output else Path(records_path).with_suffix("")
    if to == "xlsx":
        out = base.with_suffix(".xlsx")
        with pd.ExcelWriter(out, engine="openpyxl") as writer:
            frame.to_excel(writer, sheet_name="reports", index=False)
            ents["value"] = ents["value"].astype(str)
            ents.to_excel(writer, sheet_name="entities", index=False)
        return [out]
    if to == "csv":
        out, out_e = base.with_suffix(".csv"), base.with_name(base.name + ".entities.csv")
        frame.to_csv(out, index=False, encoding="utf-8-sig")  # BOM: Excel opens Chinese CSV correctly
        ents.to_csv(out_e, index=False, encoding="utf-8-sig")
        return [out, out_e]
    if to == "parquet":
        out, out_e = base.with_suffix(".parquet"), base.with_name(base.name + ".entities.parquet")
        frame.to_parquet(out, index=False)
        ents["value"] = ents["value"].astype(str)
        ents.to_parquet(out_e, index=False)
        return [out, out_e]
    raise ValueError(f"unknown export format {to!r} (csv, xlsx, parquet)")
