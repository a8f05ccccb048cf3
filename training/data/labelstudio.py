"""Label Studio ⇄ gongkai gold JSONL, with character offsets.

Export writes one task per document: the text, and an annotation whose results are the
paragraphs (control `section`) and spans (control `label`), so a user can correct them in
Label Studio with the labelling config `LABEL_CONFIG`. Import reads a Label Studio JSON
export back (the latest annotation of each task); values are recomputed by the rules'
value code unless the result carries them in `meta`.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from gongkai.labels import SECTION_LABELS, SPAN_LABELS

from gongkai.training.data.annotations import AnnotationError, GoldDoc, document_text, load_gold, stats, validate, write_gold

LABEL_CONFIG = (
    "<View>\n"
    '  <Labels name="section" toName="text">\n'
    + "".join(f'    <Label value="{s}"/>\n' for s in SECTION_LABELS)
    + "  </Labels>\n"
    '  <Labels name="label" toName="text">\n'
    + "".join(f'    <Label value="{s}"/>\n' for s in SPAN_LABELS)
    + "  </Labels>\n"
    '  <Text name="text" value="$text" granularity="symbol"/>\n'
    "</View>\n"
)


def to_tasks(docs: list[GoldDoc]) -> list[dict]:
    tasks = []
    for doc in docs:
        text = document_text(doc)
        results = []
        for n, p in enumerate(doc.paragraphs):
            results.append(_result(f"p{n}", "section", p["start"], p["end"], text, p["section"]))
        for n, s in enumerate(doc.spans):
            r = _result(f"s{n}", "label", s["start"], s["end"], text, s["label"])
            r["meta"] = {k: s[k] for k in ("value", "unit", "approx", "resolved") if k in s}
            results.append(r)
        data = {"text": text, "gongkai_id": doc.id, "gongkai_record": doc.record}
        if doc.path:
            data.update({"gongkai_path": doc.path, "gongkai_sha256": doc.sha256})
        tasks.append({"data": data, "annotations": [{"result": results}]})
    return tasks


def _result(rid: str, control: str, start: int, end: int, text: str, label: str) -> dict:
    return {"id": rid, "from_name": control, "to_name": "text", "type": "labels",
            "value": {"start": start, "end": end, "text": text[start:end], "labels": [label]}}


def from_tasks(tasks: list[dict]) -> list[GoldDoc]:
    from gongkai.inference.text.normalize import normalize
    from gongkai.inference.figures.values import value_of

    docs = []
    for n, task in enumerate(tasks):
        data = task.get("data") or {}
        text = data.get("text")
        if not isinstance(text, str):
            raise AnnotationError(f"task {n}: no data.text")
        annotations = [a for a in task.get("annotations") or [] if not a.get("was_cancelled")]
        results = annotations[-1]["result"] if annotations else []
        view = normalize(text)
        paragraphs, spans = [], []
        for r in results:
            v = r.get("value") or {}
            labels = v.get("labels") or []
            if r.get("type") != "labels" or not labels or "start" not in v:
                continue
            start, end, label = int(v["start"]), int(v["end"]), labels[0]
            if r.get("from_name") == "section" or label in SECTION_LABELS:
                paragraphs.append({"start": start, "end": end, "section": label})
            elif label in SPAN_LABELS:
                span = {"start": start, "end": end, "label": label, "text": text[start:end]}
                meta = r.get("meta") or {}
                if "value" in meta:
                    span.update({k: meta[k] for k in ("value", "unit", "approx", "resolved") if k in meta})
                else:
                    vs, ve = view.to_view(start, end)
                    value, unit, approx = value_of(label, view.text[vs:ve])
                    span.update({"value": value, "unit": unit, "approx": approx})
                spans.append(span)
        doc = GoldDoc(
            id=str(data.get("gongkai_id") or task.get("id") or f"task_{n}"),
            paragraphs=sorted(paragraphs, key=lambda p: p["start"]),
            spans=sorted(spans, key=lambda s: (s["start"], s["end"])),
            record=data.get("gongkai_record") or {},
            path=data.get("gongkai_path"),
            sha256=data.get("gongkai_sha256"),
            text_length=len(text),
            text=None if data.get("gongkai_path") else text,
        )
        docs.append(doc)
    return docs


def main(args) -> int:
    try:
        if args.action == "export-labelstudio":
            tasks = to_tasks(load_gold(args.file))
            Path(args.output).write_text(json.dumps(tasks, ensure_ascii=False, indent=1), encoding="utf-8")
            Path(args.output).with_suffix(".config.xml").write_text(LABEL_CONFIG, encoding="utf-8")
            print(f"wrote {len(tasks)} tasks to {args.output} (labelling config: {Path(args.output).with_suffix('.config.xml')})")
        elif args.action == "import-labelstudio":
            tasks = json.loads(Path(args.file).read_text(encoding="utf-8"))
            docs = from_tasks(tasks if isinstance(tasks, list) else [tasks])
            write_gold(docs, args.output)
            print(f"wrote {len(docs)} documents to {args.output}")
        elif args.action == "validate":
            docs = load_gold(args.paths)
            bad = 0
            for doc in docs:
                problems = validate(doc, document_text(doc))
                bad += bool(problems)
                for p in problems:
                    print(f"{doc.id}: {p}")
            print(json.dumps(stats(docs), ensure_ascii=False, indent=1))
            print(f"{len(docs)} documents, {bad} with problems")
            return 1 if bad else 0
    except (AnnotationError, OSError, json.JSONDecodeError) as exc:
        print(f"gongkai annotations: {exc}", file=sys.stderr)
        return 2
    return 0
