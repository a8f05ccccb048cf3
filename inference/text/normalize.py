"""Normalise: a Simplified, half-width view of the text with a map back.

Traditional pages are machine-converted with Taiwan vocabulary (入口網站, 最佳化, 檔案),
so a character-level conversion is not enough: OpenCC's phrase-level `tw2sp` is used,
and because it changes lengths (最佳化 → 优化) the view keeps, for every character,
the original range it came from.
"""
from __future__ import annotations

import difflib
import re
from functools import lru_cache

from gongkai.doc import Doc, TextView

# Full-width ASCII (！ to ～) to half-width, the ideographic space and other spaces to a
# space, zero-width and control characters to a space. All 1:1, so offsets are kept.
_WIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}
_WIDTH.update({0x3000: 0x20, 0x00A0: 0x20, 0x2002: 0x20, 0x2003: 0x20, 0x2009: 0x20})
_WIDTH.update({c: 0x20 for c in (0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF)})
_WIDTH.update({c: 0x20 for c in range(0x00, 0x20) if c not in (0x09, 0x0A, 0x0D)})
_WIDTH.update({0x7F: 0x20, 0xFE6A: ord("%"), 0x2024: ord(".")})
_WIDTH_TABLE = str.maketrans(_WIDTH)
# Only runs of the characters that change are translated: str.translate looks up every
# character of a mostly-Chinese text, which took twice as long.
_WIDTH_RUN = re.compile("[" + "".join(re.escape(chr(c)) for c in _WIDTH) + "]+")

_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


@lru_cache(maxsize=4)
def _converter(config: str):
    import opencc

    return opencc.OpenCC(config)


class Normalize:
    """Component "normalize": the view every tagger reads (`doc.view`)."""

    name = "normalize"

    def __call__(self, doc: Doc) -> Doc:
        doc.view = normalize(doc.text)
        return doc


def fold_width(text: str) -> str:
    return _WIDTH_RUN.sub(_fold_run, text)


def _fold_run(m: re.Match) -> str:
    return m.group().translate(_WIDTH_TABLE)


def detect_script(text: str, sample: int = 6000) -> str:
    """'traditional' when a noticeable share of Han characters change under t2s."""
    head = text[:sample]
    han = sum(map(len, _CJK_RUN.findall(head)))  # runs, not characters: far fewer strings to build
    if han == 0:
        return "simplified"
    changed = len(_traditional_chars().findall(head))
    return "traditional" if changed >= 5 and changed / han > 0.03 else "simplified"


@lru_cache(maxsize=1)
def _traditional_chars() -> re.Pattern:
    """The Han characters t2s changes on their own, as one character class: counting them
    is a C-level scan, where converting the sample and comparing it was most of the time
    normalising takes (about 1 ms a report). Decisions are the same on every corpus file."""
    chars = [chr(c) for c in range(0x4E00, 0xA000)]
    converted = _converter("t2s").convert("\n".join(chars)).split("\n")
    if len(converted) != len(chars):  # a converter that joined lines: fall back to one at a time
        converted = [_converter("t2s").convert(c) for c in chars]
    return re.compile("[" + "".join(a for a, b in zip(chars, converted) if a != b) + "]")


def normalize(text: str, script: str | None = None, config: str = "tw2sp") -> TextView:
    """The view every tagger reads. Simplified input is folded 1:1 (no map needed)."""
    script = script or detect_script(text)
    if script == "simplified":
        return TextView(text=fold_width(text), script=script)
    converted, starts, ends = _convert_with_map(text, _converter(config))
    return TextView(text=fold_width(converted), script=script, starts=starts, ends=ends)


def _convert_with_map(text: str, conv) -> tuple[str, list[int], list[int]]:
    """Convert runs of Han characters one by one, aligning each run that changes length."""
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    pos = 0
    for m in _CJK_RUN.finditer(text):
        _copy(text, pos, m.start(), out, starts, ends)
        run = m.group()
        new = conv.convert(run)
        if len(new) == len(run):
            out.append(new)
            starts.extend(range(m.start(), m.end()))
            ends.extend(range(m.start() + 1, m.end() + 1))
        else:
            s, e = _align(run, new, m.start())
            out.append(new)
            starts.extend(s)
            ends.extend(e)
        pos = m.end()
    _copy(text, pos, len(text), out, starts, ends)
    return "".join(out), starts, ends


def _copy(text: str, a: int, b: int, out: list[str], starts: list[int], ends: list[int]) -> None:
    if a < b:
        out.append(text[a:b])
        starts.extend(range(a, b))
        ends.extend(range(a + 1, b + 1))


def _align(orig: str, new: str, offset: int) -> tuple[list[int], list[int]]:
    """Map each character of `new` to a range of `orig` (a phrase conversion of it)."""
    charwise = "".join(_converter("t2s").convert(c) for c in orig)
    starts = [0] * len(new)
    ends = [0] * len(new)
    matcher = difflib.SequenceMatcher(None, charwise, new, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            for k in range(j2 - j1):
                starts[j1 + k] = offset + i1 + k
                ends[j1 + k] = offset + i1 + k + 1
        elif op in ("replace", "insert"):
            # A phrase rewritten as a whole (最佳化 → 优化): each new character covers a
            # proportional slice, and the slices together cover the whole phrase.
            n_old, n_new = i2 - i1, j2 - j1
            for k in range(n_new):
                a = i1 + (k * n_old) // n_new
                b = i1 + ((k + 1) * n_old) // n_new
                if b <= a:
                    a, b = (a, a + 1) if a < len(orig) else (a - 1, a)
                starts[j1 + k] = offset + a
                ends[j1 + k] = offset + b
            if n_new and n_old:
                ends[j2 - 1] = offset + i2
        # "delete": original characters with no image; neighbours cover them.
    return starts, ends
