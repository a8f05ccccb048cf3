"""Validate a draft gold annotation file (annotations/drafts/<id>.json).

usage: python annotations/drafts/check_draft.py annotations/drafts/<id>.json [...]
Checks sha256, offsets, span text, labels, value types, paragraph coverage/overlap.
"""
import hashlib, json, sys, os
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CORPUS = Path(os.environ.get("GONGKAI_CORPUS", REPO.parent / "shared" / "corpus"))
SECTIONS = {"preamble", "overview", "proactive", "requests", "review_litigation", "fees", "problems", "other", "boilerplate"}
LABELS = {"COUNT", "PERCENT", "DATE", "AGENCY", "MONEY"}
FORMATS = {"2021", "2019", "legacy", "unknown"}


def resolve(p):
    return CORPUS / p[len("corpus/"):] if p.startswith("corpus/") else REPO / p


def check(fn):
    d = json.load(open(fn, encoding="utf-8"))
    errs = []
    path = resolve(d["path"])
    raw = path.read_bytes()
    if hashlib.sha256(raw).hexdigest() != d["sha256"]:
        errs.append("sha256 mismatch")
    text = raw.decode("utf-8-sig")
    paras = sorted(d["paragraphs"], key=lambda p: p["start"])
    prev = 0
    for p in paras:
        if not (0 <= p["start"] < p["end"] <= len(text)):
            errs.append(f"bad paragraph offsets {p}")
        if p["start"] < prev:
            errs.append(f"overlapping paragraph {p}")
        prev = p["end"]
        if p["section"] not in SECTIONS:
            errs.append(f"bad section {p}")
        gap = text[p["start"]:p["end"]]
        if gap != gap.strip():
            errs.append(f"paragraph has leading/trailing whitespace {p} {gap[:20]!r}")
    # every non-space char must be in a paragraph
    covered = [False] * len(text)
    for p in paras:
        for i in range(p["start"], p["end"]):
            covered[i] = True
    missing = [i for i, c in enumerate(text) if not c.isspace() and not covered[i]]
    if missing:
        errs.append(f"{len(missing)} non-space chars outside paragraphs, first at {missing[0]}: {text[missing[0]:missing[0]+30]!r}")
    seen = set()
    for s in d["spans"]:
        if not (0 <= s["start"] < s["end"] <= len(text)):
            errs.append(f"bad span offsets {s}"); continue
        if text[s["start"]:s["end"]] != s["text"]:
            errs.append(f"span text mismatch {s} vs {text[s['start']:s['end']]!r}")
        if s["label"] not in LABELS:
            errs.append(f"bad label {s}")
        if s["text"] != s["text"].strip():
            errs.append(f"span has outer whitespace {s}")
        key = (s["start"], s["end"])
        if key in seen:
            errs.append(f"duplicate span {s}")
        seen.add(key)
        v = s.get("value")
        if s["label"] in ("COUNT", "PERCENT", "MONEY") and not isinstance(v, (int, float)):
            errs.append(f"numeric value expected {s}")
        if s["label"] in ("DATE", "AGENCY") and not isinstance(v, str):
            errs.append(f"string value expected {s}")
        for p in paras:
            if p["start"] <= s["start"] < p["end"]:
                if s["end"] > p["end"]:
                    errs.append(f"span crosses paragraph end {s}")
                if p["section"] == "boilerplate":
                    errs.append(f"span inside boilerplate {s}")
    spans = sorted(d["spans"], key=lambda s: (s["start"], s["end"]))
    for a, b in zip(spans, spans[1:]):
        if b["start"] < a["end"]:
            errs.append(f"overlapping spans {a['text']!r} {b['text']!r} at {b['start']}")
    r = d["record"]
    if r.get("format") not in FORMATS:
        errs.append("record.format invalid")
    if not isinstance(r.get("year"), int):
        errs.append("record.year must be int")
    for k, v in r.get("metrics", {}).items():
        if not isinstance(v, (int, float)):
            errs.append(f"metric {k} must be a number")
    counts = {}
    for s in d["spans"]:
        counts[s["label"]] = counts.get(s["label"], 0) + 1
    print(f"{fn}: {len(paras)} paragraphs, spans {counts}, {len(errs)} problems")
    for e in errs[:50]:
        print("  -", e)
    return not errs


if __name__ == "__main__":
    ok = all([check(f) for f in sys.argv[1:]])
    sys.exit(0 if ok else 1)
