"""The one rule for spans that compete for the same characters: whoever is already there
keeps them. Taggers, the hybrid and the table component all add spans through this."""
from __future__ import annotations

from typing import Iterable, Protocol, TypeVar


class HasRange(Protocol):
    start: int
    end: int


S = TypeVar("S", bound=HasRange)


class Occupied:
    """Characters already covered by a span; `add` takes a span only where it is free."""

    def __init__(self, spans: Iterable[HasRange] = ()):
        self._taken: set[int] = set()
        for s in spans:
            self._taken.update(range(s.start, s.end))

    def free(self, start: int, end: int) -> bool:
        return end > start and self._taken.isdisjoint(range(start, end))

    def take(self, start: int, end: int) -> None:
        self._taken.update(range(start, end))

    def add(self, span: HasRange) -> bool:
        """Take the span's characters if they are all free; say whether it was taken."""
        if not self.free(span.start, span.end):
            return False
        self.take(span.start, span.end)
        return True


def without_overlaps(candidates: Iterable[S], existing: Iterable[HasRange] = ()) -> list[S]:
    """The candidates, in the order given, that overlap neither `existing` nor an earlier one."""
    occupied = Occupied(existing)
    return [c for c in candidates if occupied.add(c)]
