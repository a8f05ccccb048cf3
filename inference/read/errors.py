"""What every reader returns, and the one error they raise."""
from __future__ import annotations

from dataclasses import dataclass, field


class ReadError(Exception):
    """An input that cannot be turned into text; the message is shown to the user."""

    def __init__(self, message: str, sha256: str | None = None):
        super().__init__(message)
        self.sha256 = sha256  # of the bytes, when they could be read (batches resume by it)


@dataclass
class RawText:
    """What a kind-specific reader returns: the text plus what it learned on the way."""

    text: str
    meta: dict = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    # The report body inside `text` when the reader can tell it from the page around it
    # (an HTML page's main content); None: the whole text.
    body: tuple[int, int] | None = None
    # Text read by OCR: (start, end, confidence) of each piece, over `text`.
    confidences: list[tuple[int, int, float]] = field(default_factory=list)
