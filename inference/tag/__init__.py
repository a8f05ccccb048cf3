"""Taggers: the components that label paragraphs with sections and find spans.

Rule taggers (`tag.rules`), the model (`tag.model`) and their hybrid (`tag.hybrid`) share
one interface, so a pipeline takes any of them by name ("sections", "spans"):

    class SectionTagger(Protocol):   name: str; def __call__(self, doc) -> Doc   # sets paragraph.section
    class SpanTagger(Protocol):      name: str; def __call__(self, doc) -> Doc   # sets doc.entities
"""
from __future__ import annotations

from typing import Protocol

from gongkai.doc import Doc


class Tagger(Protocol):
    """A pipeline component that annotates a Doc in place (and returns it)."""

    name: str

    def __call__(self, doc: Doc) -> Doc: ...
