"""Many words found in one pass (Aho-Corasick, the `ahocorasick_rs` bindings of the Rust
crate), over bounded windows of the text.

Windows, because the Rust side collects every match before handing them over: on a
multi-million-character input under `--max-memory`, one failed allocation there aborts the
worker (SIGABRT) instead of raising MemoryError, so the file's record could not say why.
A window's matches are a few megabytes at most; a match is reported by the window it
starts in, and windows overlap by the longest word, so no match is lost or doubled.
"""
from __future__ import annotations

from collections.abc import Iterator

import ahocorasick_rs

WINDOW = 65_536  # characters a call searches (its own part; plus the overlap)


class WordSearch:
    """Every occurrence of every word (overlapping), as (word index, start, end)."""

    def __init__(self, words: list[str]):
        self.words = list(words)
        self.longest_word = max(map(len, self.words), default=1)
        self._ac = ahocorasick_rs.AhoCorasick(self.words)

    def __len__(self) -> int:
        return len(self.words)

    def finditer(self, text: str, start: int = 0, end: int | None = None,
                 window: int = WINDOW) -> Iterator[tuple[int, int, int]]:
        end = len(text) if end is None else min(end, len(text))
        for own in range(start, end, window):
            stop = min(end, own + window + self.longest_word - 1)
            chunk = text if (own, stop) == (0, len(text)) else text[own:stop]
            for n, s, e in self._ac.find_matches_as_indexes(chunk, overlapping=True):
                if s < window:  # one starting in the overlap is the next window's
                    yield n, own + s, own + e
