"""HTML helpers shared by the report page and the overview: escaping, safe class names,
value formatting, colour rules and the page shell."""
from __future__ import annotations

import base64
import hashlib
import json
import re
from html import escape
from typing import Any

from .assets import BASE_CSS, ENTITY_COLOURS, SECTION_COLOURS

_LABEL_TOKEN = re.compile(r"[A-Z][A-Z0-9_]{0,39}")
_SECTION_TOKEN = re.compile(r"[a-z][a-z0-9_]{0,39}")


def esc(value: Any) -> str:
    """Text or attribute content: everything a record holds is data, never markup."""
    return escape("" if value is None else str(value), quote=True)


def as_int(value: Any) -> int | None:
    """An offset only if it really is an integer (JSON true is not offset 1)."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def fmt(value: Any) -> str:
    """A figure as written in the record: 236, 24252.311082, 400.0 → 400."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def label_token(label: Any) -> str:
    """A class-name-safe token for an entity label; odd labels share one token so a
    label string never reaches a class attribute or the CSS unvetted."""
    text = str(label)
    return text if _LABEL_TOKEN.fullmatch(text) else "X"


def section_token(section: Any) -> str:
    text = str(section)
    return text if _SECTION_TOKEN.fullmatch(text) else "x"


def _hue(token: str) -> int:
    # Stable across runs (hash() is salted per process).
    return int(hashlib.md5(token.encode()).hexdigest()[:4], 16) % 360


def entity_css(tokens: list[str]) -> str:
    """Colour and hide rules for the entity labels present on a page."""
    rules = []
    for t in tokens:
        colour = ENTITY_COLOURS.get(t, "#ddd" if t == "X" else f"hsl({_hue(t)} 70% 82%)")
        rules.append(f".l-{t}{{--ec:{colour}}}body.hide-{t} .l-{t}{{--ec:transparent}}body.hide-{t} mark.l-{t}::after{{content:none}}")
    return "".join(rules)


def section_css(tokens: list[str]) -> str:
    rules = []
    for t in tokens:
        rule, band = SECTION_COLOURS.get(t, (f"hsl({_hue(t)} 45% 45%)", f"hsl({_hue(t)} 60% 96%)"))
        rules.append(f".s-{t}{{--sc:{rule};--sb:{band}}}")
    return "".join(rules)


def csp_hash(script: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")


def page(title: str, body: list[str], css: str, script: str, body_class: str) -> str:
    """A whole self-contained page. The Content-Security-Policy forbids every fetch and
    runs only the page's own script (by hash): even markup that slipped past escaping
    could neither load anything nor execute."""
    policy = (f"default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
              f"script-src '{csp_hash(script)}'; base-uri 'none'; form-action 'none'")
    head = ("<!DOCTYPE html>\n<html lang=\"zh\"><head><meta charset=\"utf-8\">"
            f"<meta http-equiv=\"Content-Security-Policy\" content=\"{policy}\">"
            "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
            "<meta name=\"generator\" content=\"gongkai view\">"
            f"<title>{esc(title)}</title><style>{BASE_CSS}{css}</style></head>"
            f"<body class=\"{body_class}\">")
    return "".join([head, *body, f"<script>{script}</script></body></html>\n"])
